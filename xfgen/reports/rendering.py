"""HTML pages from figures and ledgers, through Jinja2 templates.

Templates are looked up in the repository's ``templates/`` folder first, then in
the package, so an office can override any template by name; ``"!theme/x.html"``
always names the package's own, so an override can extend it instead of
copying it. Templates only format: every number comes from :mod:`xfgen.figures.compute`.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import os
import re
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3
from jinja2.loaders import split_template_path
from markupsafe import Markup

from xfgen.errors import RenderError
from xfgen.figures.compute import PeriodFigures, figures_to_json
from xfgen.records.inputs import UnsafeInput, read_input, relative_name
from xfgen.records.models import Config
from xfgen.reports import wording
from xfgen.reports.fonts import PrintFonts
from xfgen.reports.formatting import (
    NO_DATA,
    chinese_date,
    decimal,
    no_break,
    percent,
    rank_change,
    score_points,
    shown_change,
)
from xfgen.reports.limits import USER_RENDER_SECONDS, BoundedSandbox, RenderLimit, time_limit
from xfgen.reports.narrative import Section, split_sections
from xfgen.reports.wording import Stats
from xfgen.site.gitinfo import DataVersion

USER_TEMPLATES = "templates"
NARRATIVE_DIR = "reports"
INTERNAL_MARK = "内部资料 注意保密"

# Markdown from staff may use these tags; anything else (script, iframe, raw
# event handlers...) is removed by the sanitiser.
_NARRATIVE_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "code", "pre", "span",
}  # fmt: skip


@dataclass(frozen=True)
class SiteInfo:
    """What every page says about how it was made."""

    config: Config
    built_at: datetime
    version: DataVersion
    internal: bool
    # the faces the summary prints its roles in (None: the stylesheet's own fonts)
    fonts: PrintFonts | None = None

    @property
    def scope(self) -> str:
        """How a summary names the whole jurisdiction: 全县, 全市, 全区 ... or 本单位."""
        return wording.scope(self.config.office)


class UserTemplates(jinja2.BaseLoader):
    """The office's ``templates/`` folder, every file read through :func:`read_input`
    (a regular file of at most 1 MiB inside the folder, UTF-8)."""

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / USER_TEMPLATES

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))  # ".." is not found
        if not path.exists() and not path.is_symlink():
            raise jinja2.TemplateNotFound(template)
        try:
            data = read_input(self.root, path, self.folder)
        except UnsafeInput as exc:
            raise RenderError(f"模板 {exc}") from None
        try:
            source = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RenderError(
                f"模板 {relative_name(self.root, path)}：文件不是 UTF-8 编码，请另存为 UTF-8 后再试。"
            ) from None
        return source, str(path), lambda: True


def make_environment(root: Path) -> jinja2.Environment:
    package = jinja2.PackageLoader("xfgen.reports", "templates")
    loader = jinja2.ChoiceLoader(
        [
            UserTemplates(root),
            jinja2.PrefixLoader({"!theme": package}, delimiter="/"),
            package,
        ]
    )
    # Sandboxed: a template from the office's templates/ folder must not reach
    # Python internals (cycler.__init__.__globals__ ... os.popen).
    env = BoundedSandbox(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        percent=percent, decimal=decimal, css_string=css_string, points=score_points, rank_change=rank_change,
        day=lambda d: d.isoformat() if isinstance(d, date) else NO_DATA,
        change=lambda c, against="同比": shown_change(c, against).text,
        change_cell=lambda c, against="同比": shown_change(c, against).cell,
        cn_date=chinese_date, prose=no_break, numeral=wording.numeral, stamp=wording.build_stamp,
    )  # fmt: skip
    return env


class Renderer:
    """Turns one build's data into HTML strings."""

    def __init__(self, root: Path, site: SiteInfo):
        self.root = root
        self.site = site
        self.env = make_environment(root)
        self._templates: str | None = None  # see fingerprint()
        self._shared: dict[int, tuple[object, str]] = {}  # see fingerprint()

    def fingerprint(self, template: str, *values: object, shared: object = None) -> str | None:
        """What the page rendered from ``template`` with ``values`` is made of, as a
        digest, so a build can know a page did not change without rendering it: the
        values by their ``repr`` (every field of the dataclasses that carry them), the site
        the page belongs to, every template (the office's own too), xfgen's own code.
        ``shared``: a large value many pages have (a period's figures), digested once.

        A value whose ``repr`` varies between runs (a set's order) costs a render, never a
        wrong page. None: no digest can be trusted (the office's ``templates/`` holds
        something other than plain files), the page is rendered every time."""
        if self._templates is None:
            self._templates = _templates_digest(self.root / USER_TEMPLATES) or ""
        if not self._templates:
            return None
        digest = hashlib.sha256(f"{self._templates}\0{self.site!r}\0{template}".encode())
        if shared is not None:
            kept = self._shared.get(id(shared))
            if kept is None or kept[0] is not shared:
                kept = (shared, hashlib.sha256(repr(shared).encode()).hexdigest())
                self._shared[id(shared)] = kept  # kept alive: its id is not reused
            digest.update(f"\0{kept[1]}".encode())
        for value in values:
            digest.update(b"\0" + repr(value).encode())
        return digest.hexdigest()

    def page(
        self,
        template: str,
        *,
        path: str,
        title: str,
        as_of: date | None,
        pdf: bool = True,
        **context: Any,
    ) -> str:
        """Render ``template`` for the page at ``path`` (relative to the site root)."""
        return "".join(
            self.pieces(template, path=path, title=title, as_of=as_of, pdf=pdf, **context)
        )

    def pieces(
        self,
        template: str,
        *,
        path: str,
        title: str,
        as_of: date | None,
        pdf: bool = True,
        **context: Any,
    ) -> Iterator[str]:
        """:meth:`page` as it is made, piece by piece: a long ledger is written out
        without ever being held whole."""
        name = path.rsplit("/", 1)[-1]
        context.setdefault("part", False)  # a print part of a long ledger (no page numbers)
        context.setdefault("continued", False)  # a part after the first (no page heading)
        context.setdefault("provisional_note", "")  # the page counts a 推算 deadline
        values = dict(
            site=self.site,
            office=self.site.config.office,
            title=title,
            as_of=as_of,
            base="../" * path.count("/"),
            pdf_name=name.removesuffix(".html") + ".pdf" if pdf else None,
            internal_mark=INTERNAL_MARK if self.site.internal else "",
            **context,
        )
        try:
            with self._limit():
                yield from self.env.get_template(template).generate(values)
        except jinja2.TemplateError as exc:
            where = _template_position(exc, template).removeprefix(f"{self.root}/")
            problem = _unknown_name(exc, [*values, *self.env.globals]) or str(exc)
            raise RenderError(f"模板 {where} 有错误：{problem}") from exc
        except RenderLimit as exc:
            raise RenderError(f"模板 {self._user_name(template, exc)} 无法生成：{exc}。") from None
        except RecursionError:
            raise RenderError(
                f"模板 {template} 无法生成：模板互相继承或引用形成了循环"
                '（如 templates/ 中的模板 extends 了同名的自己；要继承内置模板请写 "!theme/名称"）。'
            ) from None
        except Exception as exc:
            # An error raised inside one of the office's own templates is theirs to fix.
            where = self._user_name(template, exc)
            if where == template:
                raise
            raise RenderError(
                f"模板 {where} 运行出错（{type(exc).__name__}: {exc}）：模板只应显示数字，不能运算。"
            ) from None

    def _limit(self) -> contextlib.AbstractContextManager[None]:
        """A time limit on pages while the office has templates of its own."""
        if (self.root / USER_TEMPLATES).is_dir():
            return time_limit(USER_RENDER_SECONDS)
        return contextlib.nullcontext()

    def _user_name(self, template: str, exc: BaseException) -> str:
        """The office's template (file:line) the error happened in, else the page's template."""
        user = str(self.root / USER_TEMPLATES)
        inside = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(user)]
        if not inside:
            return template
        return f"{relative_name(self.root, Path(inside[-1].filename))}:{inside[-1].lineno}"

    def narrative(self, figures: PeriodFigures | Stats) -> tuple[Narrated, ...] | None:
        """The staff's prose for the period (reports/<period>.md) in its sections, figures
        filled in, sanitised; None without a file. ``figures``: an office's, or the
        ``stats --json`` object (a city's)."""
        stats = figures if isinstance(figures, Mapping) else figures_to_json(figures)
        folder = self.root / NARRATIVE_DIR
        path = folder / f"{stats['period']}.md"
        if not path.exists() and not path.is_symlink():
            return None
        rel = path.relative_to(self.root).as_posix()
        try:
            source = read_input(self.root, path, folder).decode("utf-8-sig")
        except UnsafeInput as exc:
            raise RenderError(str(exc)) from None
        except UnicodeDecodeError:
            raise RenderError(f"{rel}：文件不是 UTF-8 编码，请另存为 UTF-8 后再试。") from None
        values = narrative_values(stats, self.site)
        return tuple(
            Narrated(section.name, self._section_html(section, rel, source, values))
            for section in split_sections(source, rel)
        )

    def _section_html(
        self, section: Section, rel: str, source: str, values: dict[str, Any]
    ) -> Markup:
        env = BoundedSandbox(undefined=jinja2.StrictUndefined, autoescape=False)
        try:
            with time_limit(USER_RENDER_SECONDS):
                text = env.from_string(section.source).render(values)
        except jinja2.TemplateSyntaxError as exc:
            line = section.line + (exc.lineno or 1) - 1
            raise RenderError(f"{rel}:{line}: 占位符写法有误：{exc.message}") from None
        except jinja2.UndefinedError as exc:
            raise RenderError(unknown_placeholder(rel, source, exc.message or "", values)) from None
        except RenderLimit as exc:
            raise RenderError(f"{rel}: 无法生成：{exc}。") from None
        except Exception as exc:  # noqa: BLE001 - anything in the staff's file is theirs to fix
            raise RenderError(
                f"{rel}: 占位符无法计算（{type(exc).__name__}: {exc}）。"
                "只能引用 README“总结文字”一节列出的值，不能运算或引用其他文件。"
            ) from None
        html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
        return Markup(nh3.clean(_demote_headings(html), tags=_NARRATIVE_TAGS, attributes={}))


@dataclass(frozen=True)
class Narrated:
    """One section of the office's prose, ready for the page: its heading as written."""

    name: str
    html: Markup


@functools.cache
def _code_digest() -> str:
    """xfgen's own code, templates and static files (a page's HTML depends on all of it)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".css", ".js") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _templates_digest(folder: Path) -> str | None:
    """xfgen's code and the office's ``templates/`` folder (names and contents) as one
    digest; None when the folder holds anything but plain files and folders (a link, a
    pipe): such a folder is read only as the templates are, on every render."""
    digest = hashlib.sha256(_code_digest().encode())
    if not folder.exists() and not folder.is_symlink():
        return digest.hexdigest()
    if folder.is_symlink() or not folder.is_dir():
        return None
    try:
        for top, dirs, files in os.walk(folder, onerror=_raise):
            dirs.sort()
            if any(Path(top, d).is_symlink() for d in dirs):
                return None
            for name in sorted(files):
                path = Path(top, name)
                if path.is_symlink() or not path.is_file() or path.stat().st_size > 1 << 20:
                    return None
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


def _raise(error: OSError) -> None:
    raise error


def unknown_placeholder(rel: str, source: str, message: str, values: dict[str, Any]) -> str:
    """A misspelt placeholder: the file, its line, and the nearest name that exists."""
    match = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", message)
    name = (match[1] or match[2]) if match else ""
    line, written, nearest = 0, name, ""
    for number, text in enumerate(source.splitlines(), start=1):
        used = re.search(rf"([A-Za-z_][\w.]*\.)?\b{re.escape(name)}\b", text) if name else None
        if used:
            line, written = number, used[0]
            break
    parent, _, last = written.rpartition(".")
    scope: Any = values
    for part in filter(None, parent.split(".")):
        scope = scope.get(part, {}) if isinstance(scope, dict) else {}
    names = list(scope) if isinstance(scope, dict) else []
    close = difflib.get_close_matches(last, names, n=1, cutoff=0.5)
    if close:
        nearest = f"，最接近的是“{parent + '.' if parent else ''}{close[0]}”"
    where = f"{rel}:{line}" if line else rel
    return (
        f"{where}: 未知的占位符“{written or message}”{nearest}。"
        "可用的占位符见 README“总结文字”一节。"
    )


def _unknown_name(exc: jinja2.TemplateError, names: list[str]) -> str:
    """A misspelt name in a template, in Chinese, with the nearest name ("" if not that error)."""
    match = re.search(r"'([^']+)' is undefined", str(exc))
    if not isinstance(exc, jinja2.UndefinedError) or not match:
        return ""
    close = difflib.get_close_matches(match[1], names, n=1, cutoff=0.5)
    nearest = f"，最接近的是“{close[0]}”" if close else ""
    return f"未知的名称“{match[1]}”{nearest}。"


def _template_position(exc: jinja2.TemplateError, template: str) -> str:
    """Where in which template the error is: Jinja puts template frames in the traceback."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename}:{exc.lineno}"
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(".html"):
            return f"{frame.filename}:{frame.lineno}"
    return template


def _demote_headings(html: str) -> str:
    """Staff headings sit under the summary's own section heading (h2): #, ## and ### become
    h3 (the （一） level), deeper ones keep their level."""
    return re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{max(int(m[2]), 3)}>", html)


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string, safe inside a <style> element."""
    escaped = "".join(
        c if c.isalnum() or c in " -_.:/()（）" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return Markup(f'"{escaped}"')


def narrative_values(stats: Stats, site: SiteInfo) -> dict[str, Any]:
    """What a narrative's placeholders can name, already formatted for prose (the wording of
    changes as the summary's own sentences have it)."""
    return {
        "office": site.config.office,
        "period": wording.stats_period_name(stats),
        "as_of": chinese_date(date.fromisoformat(stats["as_of"])),
        "counts": dict(stats["counts"]),
        "rates": {key: wording.percent(wording.rate(stats, key)) for key in stats["rates"]},
        "avg_handling_days": wording.shown("days", wording.average_days(stats)),
        "yoy": wording.all_changes(stats, "同比"),
        "pop": wording.all_changes(stats, "环比"),
    }

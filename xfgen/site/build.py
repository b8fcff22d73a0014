"""``xfgen build``: the whole pipeline, load → validate → compute → render → publish.

:func:`build` reads like the table of contents of the program. It renders every
page into a staging folder, turns the pages into PDF, and only then swaps the
new site in for the old one.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from xfgen import folders
from xfgen.errors import PeriodError, Problem, XfgenError
from xfgen.figures import office_work
from xfgen.figures.compute import (
    CaseStatus,
    PeriodFigures,
    backlog_cases,
    case_status,
    compute_figures,
    figures_to_json,
    open_cases,
)
from xfgen.figures.deadlines import provisional_note
from xfgen.figures.periods import (
    Period,
    check_as_of,
    default_as_of,
    parse_period,
    refuse_future,
)
from xfgen.records.models import Case, Config
from xfgen.records.rollup import is_rollup, load_rollup_config, rollup_data_paths
from xfgen.records.validation import Project, load_project
from xfgen.reports import documents, ledgers, spreadsheets
from xfgen.reports.fonts import print_fonts
from xfgen.reports.pdf import Attachment, find_cjk_font
from xfgen.reports.privacy import Privacy
from xfgen.reports.rendering import Renderer, SiteInfo
from xfgen.reports.summary import summary_context, summary_title
from xfgen.reports.wording import build_stamp
from xfgen.site.changes import EVENT_KINDS, LATE_EDITS, changes_since, latest_meeting_tag
from xfgen.site.changes import PAGE as CHANGES_PAGE
from xfgen.site.changes import PAGE_TITLE as CHANGES_TITLE
from xfgen.site.gitinfo import DataVersion, data_version
from xfgen.site.guard import Secrets
from xfgen.site.history import GitError
from xfgen.site.manifest import (
    MANIFEST,
    Link,
    Manifest,
    PeriodEntry,
    period_order,
    read_manifest,
    write_manifest,
)
from xfgen.site.publish import MARKER, PublishError, check_target, staging
from xfgen.site.writer import PARTS_CACHE, Page, SiteWriter, link_or_copy

OUTPUT = folders.OUTPUT
INTERNAL_OUTPUT = folders.INTERNAL_OUTPUT
DATA_PATHS = ("cases", "activities", "xfgen.yaml", "holidays.yaml", "reports", "templates")
CURRENT = "current"
# A ledger longer than LEDGER_PART_ROWS is printed in parts cut at month boundaries,
# with page numbers running on across them, so that an edit prints one part again.
# A long ledger gets longer parts (at most LEDGER_PARTS of them: each part carries
# its own font subsets, about 0.3 MB), but never over LEDGER_PART_MAX rows (memory
# grows with the document: about 0.3 MB a row, PDF-NOTES.md).
LEDGER_PART_ROWS = 100
LEDGER_PARTS = 20
LEDGER_PART_MAX = 500
# Placeholders for what changes on every build (see BuildStamp).
STAMP_TIME = datetime(1111, 11, 11, 11, 11)
STAMP_VERSION = DataVersion("xfgen-data-version-placeholder", False)
PLACEHOLDERS = (build_stamp(STAMP_TIME), STAMP_VERSION.label)


def data_paths(root: Path) -> tuple[str, ...]:
    """The files and folders a site of ``root`` is made from (a roll-up: every office's)."""
    if is_rollup(root):
        return rollup_data_paths(load_rollup_config(root))
    return DATA_PATHS


@dataclass(frozen=True)
class Dates:
    """How each period's as-of date is chosen: without --period, --as-of D builds the site as
    it would have been built on day D; a roll-up's default is never later than its oldest
    export (``cap``)."""

    today: date
    as_of: date | None  # --as-of
    chosen_by_user: bool  # --period given
    cap: date | None  # the oldest export's day

    @property
    def day(self) -> date:
        """The site's day: default periods begun by it, current ledgers as of it."""
        if self.as_of is not None:
            return self.as_of
        return min(self.today, self.cap) if self.cap else self.today

    def of(self, period: Period) -> date:
        if self.as_of is None:
            day = default_as_of(period, self.today)
            return min(day, self.cap) if self.cap else day
        return self.as_of if self.chosen_by_user else default_as_of(period, self.as_of)


@dataclass(frozen=True)
class BuildStamp:
    """When a site is built and from which records. Pages are rendered with placeholders
    for both (:func:`placeholder_renderer`): the web pages get them filled in, each PDF
    a stamp laid on after rendering, so that a page unchanged is unchanged as rendered."""

    built_at: datetime
    version: DataVersion

    @classmethod
    def now(cls, root: Path, paths: tuple[str, ...]) -> BuildStamp:
        return cls(datetime.now().replace(microsecond=0), data_version(root, paths))

    @property
    def fill_ins(self) -> dict[str, str]:
        """Each placeholder and what it becomes on this build's web pages."""
        return dict(
            zip(PLACEHOLDERS, (build_stamp(self.built_at), self.version.label), strict=True)
        )

    @property
    def text(self) -> str:
        """The stamp on every PDF."""
        return f"{build_stamp(self.built_at)} · 数据版本 {self.version.label}"


def placeholder_renderer(root: Path, config: Config, internal: bool) -> Renderer:
    """The pages' renderer: placeholders for the build stamp, the print faces found."""
    fonts = print_fonts(find_cjk_font())
    return Renderer(root, SiteInfo(config, STAMP_TIME, STAMP_VERSION, internal, fonts))


class InvalidData(XfgenError):
    """Some case files are invalid: nothing is built."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__(f"有 {len(problems)} 处问题，未生成报告。")


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pages: int
    pdfs: int
    reused: int  # PDFs of unchanged pages, taken over from the last site
    periods: tuple[str, ...]  # the periods rendered by this build
    kept: tuple[str, ...]  # other periods of the last site, kept as they were
    removed: tuple[str, ...]  # periods taken out of the site on request
    warnings: tuple[str, ...]


def build_site(
    root: Path,
    out: Path,
    today: date,
    periods: Sequence[str] = (),
    as_of: date | None = None,
    internal: bool = False,
    progress: Callable[[str], None] = lambda message: None,
    ledger_part_rows: int = LEDGER_PART_ROWS,
    pdfs: bool = True,
    remove: Sequence[str] = (),
    full: bool = False,
    jobs: int | None = None,
    pdf_progress: Callable[[int, int], None] = lambda finished, total: None,
    read_progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Validate, compute and render the site into ``out``, replacing it only on success.

    The periods asked for (by default every half year and year with cases) are
    rendered; every other period of the last site is kept as it was, except
    those in ``remove``. Without ``pdfs`` only the web pages are made
    (``xfgen serve`` shows them at once). A page's PDF is rendered only when the
    page changed since the last site (or with ``full``); otherwise it is taken
    over from the last site. ``jobs`` processes share the PDF work. ``read_progress``
    and ``pdf_progress`` follow the reading of case files and the PDF work (done, total).
    """
    if is_rollup(root):  # a city's site from its offices (imported here: it builds on this module)
        from xfgen.site.rollup import build_rollup_site

        return build_rollup_site(
            root, out, today, periods, as_of, internal, progress, ledger_part_rows, pdfs,
            remove, full, jobs, pdf_progress,
        )  # fmt: skip
    chosen, removed = asked_periods(periods, remove, as_of, today)
    kind = "internal" if internal else "public"
    check_target(out, root, DATA_PATHS, kind)
    project = load_project(root, today, progress=read_progress)
    if project.problems:
        raise InvalidData(project.problems)
    dates = Dates(today, as_of, chosen_by_user=bool(chosen), cap=None)
    chosen = chosen or [p for p in default_periods(project.cases, dates.day) if p not in removed]
    stamp = BuildStamp.now(root, DATA_PATHS)
    renderer = placeholder_renderer(root, project.config, internal)

    entries: list[PeriodEntry] = []
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(staging(out))
        last = read_manifest(out, kind)
        secrets = Secrets.of(project.cases, project.activities, internal)
        privacy = Privacy.of(project.cases, internal)  # one for every page: a case's texts
        # are screened once, however many ledgers show them
        site = stack.enter_context(
            SiteWriter(folder, out, last, stamp.fill_ins, secrets, root / PARTS_CACHE, stamp.text,
                       full, pdfs, jobs, project.config.pdf_variant, stamp.built_at)
        )  # fmt: skip
        # Newest first: an edit is most often of a recent case, and the PDFs it changes
        # are then printed while the older periods' pages are being written.
        for period in sorted(chosen, key=lambda p: (p.end, p.end - p.start), reverse=True):
            period_as_of = dates.of(period)
            check_as_of(period, period_as_of)
            progress(f"计算并生成 {period.name}（截至 {period_as_of}）")
            figures = compute_figures(
                project.cases, project.config, project.rules, period, period_as_of,
                project.activities,
            )  # fmt: skip
            entries.append(
                period_site(renderer, project, privacy, figures, ledger_part_rows, site.add)
            )
        current_links = current_site(
            renderer, project, privacy, dates.day, ledger_part_rows, site.add
        )
        changes_link = None if as_of else meeting_changes(renderer, project, today, site.add)
        kept = kept_entries(last, chosen, removed)
        entries = sorted(entries + kept, key=period_order)
        notes = kept_notes(out, last, removed)
        site.add(page(renderer, "index.html", "index.html", "信访工作报告", None, pdf=False,
                      entries=entries, current=current_links, current_as_of=dates.day,
                      changes=changes_link))  # fmt: skip
        keep_periods(site, out, folder, last, kept)
        (folder / MARKER).write_text(kind + "\n", encoding="utf-8")
        if internal:  # personal data: never one `git add -A` away, wherever it is built
            folders.keep_out_of_git(folder)
        written = site.finish(progress, pdf_progress)
        write_manifest(folder, Manifest(kind, tuple(entries), site.records, data=stamp.version))
    return BuildResult(
        out,
        written.pages,
        written.pdfs,
        written.reused,
        tuple(p.label for p in chosen),
        tuple(e.period.label for e in kept),
        tuple(e.period.label for e in (last.periods if last else ()) if e.period in removed),
        (*project.warnings, *notes, *written.warnings),
    )


def asked_periods(
    periods: Sequence[str], remove: Sequence[str], as_of: date | None, today: date
) -> tuple[list[Period], list[Period]]:
    """The periods to build (--period) and to take out (--remove-period), and a check of
    --as-of, before anything is read."""
    chosen = [parse_period(p) for p in periods]
    removed = [parse_period(p) for p in remove]
    clash = [p.label for p in chosen if p in removed]
    if clash:
        raise PeriodError(
            f"期间 {'、'.join(clash)} 不能同时生成又删除（--period 和 --remove-period）"
        )
    if as_of is not None:
        refuse_future(as_of, today)
    return chosen, removed


def kept_entries(
    last: Manifest | None, built: Iterable[Period], removed: Sequence[Period]
) -> list[PeriodEntry]:
    """The periods of the last site that this build neither rendered nor removed."""
    rendered = set(built)
    return [
        entry
        for entry in (last.periods if last else ())
        if entry.period not in rendered and entry.period not in removed
    ]


def keep_periods(
    site: SiteWriter, out: Path, folder: Path, last: Manifest | None, kept: Sequence[PeriodEntry]
) -> None:
    """Carry the kept periods' folders and page records over from the last site."""
    for entry in kept:
        keep_period(out, folder, entry)
    site.keep(
        {
            path: record
            for path, record in (last.pages.items() if last else ())
            if any(path.startswith(f"{entry.period.label}/") for entry in kept)
        }
    )


def kept_notes(out: Path, last: Manifest | None, removed: Sequence[Period]) -> list[str]:
    """Warnings about periods that could not be kept or were not there to remove."""
    notes = []
    if last is None and (out / MARKER).is_file():
        notes.append(
            f"{out} 是旧版 xfgen 生成的网站（没有 {MANIFEST}），其中其他期间的报告未能保留；"
            "不带 --period 完整生成一次即可。"
        )
    present = {entry.period for entry in last.periods} if last else set()
    notes += [f"网站中本来就没有期间 {p.label}，无需删除。" for p in removed if p not in present]
    return notes


def keep_period(last_site: Path, folder: Path, entry: PeriodEntry) -> None:
    """Carry a period's folder over from the last site unchanged (hard links where possible)."""
    source = last_site / entry.period.label
    if source.is_symlink() or not source.is_dir():
        raise PublishError(
            f"上次生成的网站缺少期间 {entry.period.label} 的目录 {source}，无法保留；"
            f"请用 --period {entry.period.label} 重新生成它，或用 --remove-period {entry.period.label} 删除它。"
        )
    shutil.copytree(source, folder / entry.period.label, copy_function=link_or_copy)


def meeting_changes(
    renderer: Renderer, project: Project, today: date, add: Callable[[Page], None]
) -> Link | None:
    """The page "上次会议以来的变化", when the repository has a ``meeting-*`` tag."""
    meeting = latest_meeting_tag(project.root)
    if meeting is None:
        return None
    try:
        found = changes_since(project.root, meeting, today, project)
    except GitError:  # a damaged or shallow history: the rest of the site still builds
        return None
    shown = [event.case for events in found.events.values() for event in events]
    note = provisional_note(project.rules.provisional_years(shown, today))
    add(page(renderer, CHANGES_PAGE, "changes.html", CHANGES_TITLE, today,
                      changes=found, kinds=EVENT_KINDS, late_title=LATE_EDITS,
                      provisional_note=note))  # fmt: skip
    return Link(f"{CHANGES_TITLE}（自 {meeting}）", CHANGES_PAGE)


def default_periods(cases: Sequence[Case], day: date) -> list[Period]:
    """Every half year and year begun by ``day`` with a case received by then, oldest first,
    each year after its halves."""
    received = [c.received for c in cases if c.received <= day]
    found: list[Period] = []
    for year in sorted({r.year for r in received}):
        for label in (f"{year}H1", f"{year}H2", f"{year}"):
            period = parse_period(label)
            if period.start <= day and any(period.contains(r) for r in received):
                found.append(period)
    return found


def page(
    renderer: Renderer,
    path: str,
    template: str,
    title: str,
    as_of: date | None,
    pdf: bool = True,
    **context: Any,
) -> Page:
    html = renderer.page(template, path=path, title=title, as_of=as_of, pdf=pdf, **context)
    return Page(path, html, pdf)


def ledger_page(
    renderer: Renderer,
    path: str,
    ledger: ledgers.Ledger,
    as_of: date,
    f: PeriodFigures | None,
    part_rows: int,
    provisional: str = "",
    crumb: str = "",
) -> Page:
    """A ledger's page, with its .xlsx; printed in parts when longer than ``part_rows`` rows.

    ``provisional`` is the note for rows whose deadline falls in a provisional year;
    ``crumb`` names the period in the page's trail where there are no figures ``f``.
    """
    xlsx = office_file(path, "xlsx")

    def html() -> Iterator[str]:
        return renderer.pieces(
            "ledger.html", path=path, title=ledger.title, as_of=as_of, ledger=ledger, f=f,
            downloads=(download(xlsx),), provisional_note=provisional, crumb=crumb,
        )  # fmt: skip

    def part(start: int, end: int) -> Callable[[], str]:
        return lambda: renderer.page(
            "ledger.html", path=path, title=ledger.title, as_of=as_of, f=f,
            ledger=replace(ledger, rows=ledger.rows[start:end]),
            part=True, continued=start > 0, provisional_note=provisional, crumb=crumb,
        )  # fmt: skip

    parts: tuple[Callable[[], str], ...] = ()
    if len(ledger.rows) > part_rows:
        size = min(LEDGER_PART_MAX, max(part_rows, -(-len(ledger.rows) // LEDGER_PARTS)))
        parts = tuple(part(start, end) for start, end in month_parts(ledger, size))
    site = renderer.site

    def workbook() -> bytes:
        return spreadsheets.ledger_workbook(
            ledger, site.config.office, as_of, site.internal, provisional
        )

    inputs = renderer.fingerprint(
        "ledger.html", path, ledger, as_of, f is None, part_rows, provisional, crumb, shared=f
    )
    return Page(path, html, True, parts, files=((xlsx, workbook),), inputs=inputs)


def month_parts(ledger: ledgers.Ledger, part_rows: int) -> list[tuple[int, int]]:
    """Where a long ledger is cut for print: (start, end) row ranges of at most
    ``part_rows`` rows, cut only at month boundaries (whole months packed into a part
    as they come), except inside a month longer than a part."""
    months: list[tuple[int, int]] = []  # row ranges of one month each
    for i, row in enumerate(ledger.rows):
        if months and ledger.month(row) == ledger.month(ledger.rows[i - 1]):
            months[-1] = (months[-1][0], i + 1)
        else:
            months.append((i, i + 1))
    cuts: list[tuple[int, int]] = []
    for start, end in months:
        if cuts and end - cuts[-1][0] <= part_rows:
            cuts[-1] = (cuts[-1][0], end)  # the month fits in the current part
            continue
        cuts += [(s, min(s + part_rows, end)) for s in range(start, end, part_rows)]
    return cuts


def office_file(path: str, ext: str) -> str:
    """Where the page's .xlsx or .docx goes: beside its HTML and PDF."""
    return path.removesuffix(".html") + "." + ext


def download(path: str) -> tuple[str, str]:
    """(file name, link text) for a page's download line."""
    label = {"xlsx": "下载 Excel 表格", "docx": "下载 Word 文稿（可编辑）"}
    return path.rsplit("/", 1)[-1], label[path.rsplit(".", 1)[-1]]


def period_site(
    renderer: Renderer,
    project: Project,
    privacy: Privacy,
    f: PeriodFigures,
    part_rows: int,
    add: Callable[[Page], None],
) -> PeriodEntry:
    """Summary, leaderboard and ledgers of one period, each page handed to ``add`` as made."""
    f = privacy.figures(f)  # the summary names leaders: screened like any official's name
    label = f.period.label
    name = f.period.name
    cohort = [case_status(c, project.rules, f.as_of) for c in project.cases if f.in_cohort(c)]
    open_now = open_cases(project.cases, project.rules, f.as_of)
    backlog_now = backlog_cases(project.cases, project.rules, f.as_of)
    # Each ledger is made when its page is written, and let go after (memory).
    ledger_list: list[tuple[str, Callable[[], ledgers.Ledger], list[CaseStatus]]] = [
        ("register", lambda: ledgers.register_ledger(cohort, f"{name}信访事项登记台账", privacy), cohort),
        ("open", lambda: ledgers.open_ledger(open_now, f"{name}在办事项台账", privacy), open_now),
        ("backlog", lambda: ledgers.backlog_ledger(backlog_now, f"{name}积案台账", privacy), backlog_now),
        *office_work_ledgers(project, f, privacy),
    ]  # fmt: skip
    note = provisional_note(f.provisional_years)
    add(summary_page(renderer, project.config, f, note))
    add(leaderboard_page(renderer, f, f"{label}/leaderboard.html", f"{name}责任单位排行榜", note))
    for slug, make, rows in ledger_list:
        add(ledger_page(renderer, f"{label}/{slug}.html", make(), f.as_of, f, part_rows,
                        provisional(project, rows, f.as_of)))  # fmt: skip
    unit_links = []
    for unit in sorted(project.config.units):
        rows = [s for s in cohort if s.case.unit == unit]
        if not rows:
            continue
        ledger = ledgers.register_ledger(
            rows, f"{unit} {name}信访事项台账", privacy, with_unit=False
        )
        path = f"{label}/units/{unit}.html"
        add(ledger_page(renderer, path, ledger, f.as_of, f, part_rows,
                        provisional(project, rows, f.as_of)))  # fmt: skip
        unit_links.append(Link(unit, path, ("xlsx",)))
    links = (
        Link("工作总结", f"{label}/summary.html", ("docx",)),
        Link("责任单位排行榜", f"{label}/leaderboard.html", ("xlsx",)),
        Link("信访事项登记台账", f"{label}/register.html", ("xlsx",)),
        Link("在办事项台账", f"{label}/open.html", ("xlsx",)),
        Link("积案台账", f"{label}/backlog.html", ("xlsx",)),
        Link("领导包案台账", f"{label}/leaders.html", ("xlsx",)),
        Link("督办事项台账", f"{label}/supervision.html", ("xlsx",)),
        Link("领导接访登记表", f"{label}/activities.html", ("xlsx",)),
    )
    return PeriodEntry(f.period, f.as_of, links, tuple(unit_links))


def office_work_ledgers(
    project: Project, f: PeriodFigures, privacy: Privacy
) -> list[tuple[str, Callable[[], ledgers.Ledger], list[CaseStatus]]]:
    """领导包案台账, 督办事项台账 and 领导接访登记表 of one period (no petitioner data in any),
    each with the cases whose deadlines it shows."""
    name, rules = f.period.name, project.rules
    leader_rows = [
        case_status(c, rules, f.as_of)
        for c in office_work.leader_cases(project.cases, f.period, f.as_of)
    ]
    supervised = [
        (case_status(c, rules, f.as_of), entry)
        for c, entry in office_work.supervised_cases(project.cases, f.period, f.as_of)
    ]
    activities = office_work.period_activities(project.activities, f.period, f.as_of)
    return [
        ("leaders", lambda: ledgers.leader_ledger(leader_rows, f"{name}领导包案台账", f.counts.leader_closed, privacy),
         leader_rows),
        ("supervision", lambda: ledgers.supervision_ledger(
            supervised, f"{name}督办事项台账", f.counts.supervised_closed, list(f.by_supervision_kind.items()), privacy),
         [s for s, _ in supervised]),
        ("activities", lambda: ledgers.activity_ledger(activities, f"{name}领导接访登记表", f.office_work.total, privacy), []),
    ]  # fmt: skip


def current_site(
    renderer: Renderer,
    project: Project,
    privacy: Privacy,
    as_of: date,
    part_rows: int,
    add: Callable[[Page], None],
) -> tuple[Link, ...]:
    """The ledgers as of the build day: what is open and what is backlog now."""
    open_now = open_cases(project.cases, project.rules, as_of)
    backlog_now = backlog_cases(project.cases, project.rules, as_of)
    open_ledger = ledgers.open_ledger(open_now, "当前在办事项台账", privacy)
    add(ledger_page(renderer, f"{CURRENT}/open.html", open_ledger, as_of, None, part_rows,
                    provisional(project, open_now, as_of)))  # fmt: skip
    del open_ledger  # one ledger in memory at a time
    backlog = ledgers.backlog_ledger(backlog_now, "当前积案台账", privacy)
    add(ledger_page(renderer, f"{CURRENT}/backlog.html", backlog, as_of, None, part_rows,
                    provisional(project, backlog_now, as_of)))  # fmt: skip
    return (
        Link("在办事项台账", f"{CURRENT}/open.html", ("xlsx",)),
        Link("积案台账", f"{CURRENT}/backlog.html", ("xlsx",)),
    )


def summary_page(renderer: Renderer, config: Config, f: PeriodFigures, note: str = "") -> Page:
    """The summary's page (its title says 总结 when the office wrote its own prose), with a
    Word draft made from the rendered page itself."""
    path = f"{f.period.label}/summary.html"
    stats = figures_to_json(f)
    narrative = renderer.narrative(stats)
    html = renderer.page(
        "summary.html", path=path, title=summary_title(f, config.office, narrative is not None),
        as_of=f.as_of, f=f, downloads=(download(office_file(path, "docx")),), narrative=narrative,
        provisional_note=note, **summary_context(f, config, renderer.site.scope),
    )  # fmt: skip
    return summary_files(renderer, path, html, stats)


def summary_files(renderer: Renderer, path: str, html: str, stats: dict[str, Any]) -> Page:
    """A summary's page with its Word draft (made from the rendered page itself) and, for
    pdf/a-3b, its figures: what `xfgen stats --json` prints for the period and as-of date
    (DOMAIN.md "Archival copies")."""
    site = renderer.site
    as_of = date.fromisoformat(stats["as_of"])
    docx = office_file(path, "docx")

    def draft() -> bytes:
        return documents.summary_document(html, site.config.office, as_of, site.internal)

    figures = Attachment(
        f"xfgen-stats-{stats['period']}.json",
        json.dumps(stats, ensure_ascii=False, indent=2).encode(),
        f"{parse_period(stats['period']).name}统计数字（截至 {as_of}，xfgen stats --json）",
        datetime.combine(as_of, time()),
    )
    return Page(path, html, files=((docx, draft),), attachment=figures)


def leaderboard_page(
    renderer: Renderer, f: PeriodFigures, path: str, title: str, provisional: str = ""
) -> Page:
    """The leaderboard's page, with the same table as an .xlsx."""
    xlsx = office_file(path, "xlsx")
    html = renderer.page("leaderboard.html", path=path, title=title, as_of=f.as_of, f=f,
                         downloads=(download(xlsx),), provisional_note=provisional)  # fmt: skip
    site = renderer.site

    def workbook() -> bytes:
        return spreadsheets.leaderboard_workbook(
            f, site.config.office, title, site.internal, provisional
        )

    return Page(path, html, files=((xlsx, workbook),))


def provisional(project: Project, rows: Iterable[CaseStatus], as_of: date) -> str:
    """The note a ledger carries when a row's limit or deadline falls in a provisional year."""
    return provisional_note(project.rules.provisional_years((s.case for s in rows), as_of))

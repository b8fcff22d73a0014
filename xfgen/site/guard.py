"""The last privacy check before a site is published (DOMAIN.md "Privacy").

Masking happens where values are shown; this guard does not trust it. Before
the swap, it scans every page this build rendered for every petitioner phone
and ID number of the tree and every line of every ``notes``, and refuses to
publish on a hit. Of names, only 检举控告类 reporters' are looked for: every
output shows them as "（略）" (DOMAIN.md "Privacy", v3), while other petitioners'
names may be an official's too.

What is scanned: the HTML of each rendered page and of its print parts, the
very files WeasyPrint turns into the PDFs. A PDF's text comes only from that
HTML and from our stylesheet (page numbers, the office name in the header), so
scanning the HTML (with the attributes a PDF's metadata is made of: <title>,
<meta content>) is sound for the PDFs too, and it avoids extracting text back
from PDFs, which splits CJK lines and digit runs unpredictably. Office files
beside a page (.xlsx, .docx) are scanned as the text of their XML. The caller
passes only the pages it rendered: pages reused unchanged from the last site
were scanned when they were made, and a page is reused without rendering it only
when the secrets looked for are the same as then (:meth:`Secrets.fingerprint`).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from xfgen.errors import XfgenError
from xfgen.records.models import Activity, Case

NAME_MIN = 2  # characters: a reporter's name shorter than this is not looked for
NOTES_LINE_MIN = 8  # characters; shorter lines ("已电话回访") occur in ordinary text
VALUE_MIN = 7  # digits; shorter "phones" would match dates and counts
_KEY = 4  # notes lines are looked up by their first characters
_TAG = re.compile(r"<[^>]*>")
# Attributes whose text a reader or a PDF's metadata shows (<meta content>, title, alt):
# scanned as well as the text between tags.
_SHOWN_ATTRIBUTE = re.compile(
    r"""\s(?:content|title|alt|value|placeholder|label|aria-label)\s*=\s*(?:"([^"]*)"|'([^']*)')""",
    re.I,
)
_SPACE = re.compile(r"\s+")
# A run of digits, single hyphens or spaces between them allowed (138 0000 1234);
# tags become two spaces, so table cells never join into one run.
_DIGITS = re.compile(r"\d(?:[- ]?\d)*[Xx]?")
_WORD_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.S)
_WORD_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_TEXT_NODE = re.compile(r">([^<]+)<")
_LIST_MARK = re.compile(r"^\s*(?:[-*+>#]+|\d+[.)、])\s*")


class PrivacyLeak(XfgenError):
    """A rendered page holds a value that must never be published."""

    def __init__(self, leaks: Sequence[Leak]):
        self.leaks = tuple(leaks)
        listed = "\n".join(f"  {leak}" for leak in leaks[:20])
        more = f"\n  ……共 {len(leaks)} 处" if len(leaks) > 20 else ""
        super().__init__(
            "隐私检查未通过，没有发布，原来的输出保持不变：\n"
            f"{listed}{more}\n"
            "这些内容不应出现在报告中：请把个人信息从事由摘要等字段中删去，或检查自定义模板和总结文字。"
        )


@dataclass(frozen=True)
class Leak:
    page: str
    source: str  # the record that holds the value, e.g. "cases/2026/XF2026-0001.yaml 的信访人电话"

    def __str__(self) -> str:
        return f"{self.page} 含有 {self.source}"


@dataclass(frozen=True)
class Secrets:
    """The values no page may hold: digits only for phones and ID numbers,
    whitespace-free text for notes lines; each with where it comes from."""

    values: dict[str, str]
    lines: dict[str, str]
    names: dict[str, str] = field(default_factory=dict)  # 检举控告类 reporters' names

    @classmethod
    def of(cls, cases: Iterable[Case], activities: Iterable[Activity], internal: bool) -> Secrets:
        """Every phone and ID number (an internal build shows them, except a
        检举控告类 reporter's), every reporter's name (an internal build shows other
        petitioners' names, so not one that is also theirs), and every ``notes`` line
        not also shown elsewhere."""
        values: dict[str, str] = {}
        lines: dict[str, str] = {}
        names: dict[str, str] = {}
        others: set[str] = set()  # names of petitioners who are not reporters
        shown: list[str] = []
        for case in cases:
            p = case.petitioner
            if not internal or case.is_reporting:
                for label, value in (("电话", p.phone), ("身份证号", p.id_number)):
                    for run in _DIGITS.findall(value or ""):  # a field may hold words too
                        digits = re.sub(r"[\s-]", "", run).upper()
                        if len(digits) >= VALUE_MIN:
                            values.setdefault(digits, f"{case.path} 中信访人的{label}")
            if p.name and len(p.name) >= NAME_MIN:
                if case.is_reporting:
                    names.setdefault(p.name, f"{case.path} 中检举控告类事项信访人的姓名")
                else:
                    others.add(p.name)
            _add_lines(lines, case.notes, case.path)
            shown += [case.summary, case.category, case.unit or "", case.leader or ""]
            shown += [case.not_accepted.reason or "" if case.not_accepted else ""]
            shown += [case.extension.reason or "" if case.extension else ""]
            shown += [step.action for step in case.progress]
            shown += [entry.by for entry in case.supervision]
        for activity in activities:
            _add_lines(lines, activity.notes, activity.path)
            shown += [activity.leader, activity.place or "", activity.summary or ""]
        # A notes line that repeats what a record shows anyway (its summary, say) is no secret.
        public = "\n".join(_flat(text) for text in shown)
        if internal:
            names = {name: src for name, src in names.items() if name not in others}
        return cls(values, {line: src for line, src in lines.items() if line not in public}, names)

    def fingerprint(self) -> str:
        """A digest of what is looked for (not where it comes from): a page found clean
        against the same secrets is clean again."""
        digest = hashlib.sha256()
        for group in (self.values, self.lines, self.names):
            digest.update(b"\1" + "\0".join(sorted(group)).encode())
        return digest.hexdigest()

    @classmethod
    def merged(cls, many: Iterable[Secrets]) -> Secrets:
        """The values of several trees at once (a roll-up's offices), each named by the
        first tree that holds it."""
        values: dict[str, str] = {}
        lines: dict[str, str] = {}
        names: dict[str, str] = {}
        for secrets in many:
            values = {**secrets.values, **values}
            lines = {**secrets.lines, **lines}
            names = {**secrets.names, **names}
        return cls(values, lines, names)


def find_leaks(pages: Iterable[tuple[str, str]], secrets: Secrets) -> list[Leak]:
    """Every secret found in the rendered ``pages`` (site path, HTML), in page order."""
    by_key: dict[str, list[str]] = {}
    for line in secrets.lines:
        by_key.setdefault(line[:_KEY], []).append(line)
    lengths = sorted({len(v) for v in secrets.values})
    names_by_start: dict[str, list[str]] = {}
    for name in secrets.names:
        names_by_start.setdefault(name[:NAME_MIN], []).append(name)
    # Where a name may start: found by the regular expression engine, not character by character.
    firsts, seconds = (re.escape("".join({n[i] for n in names_by_start})) for i in (0, 1))
    starts = re.compile(f"(?=[{firsts}][{seconds}])") if names_by_start else None
    leaks: list[Leak] = []
    for path, page in pages:
        shown = "  ".join(a or b for a, b in _SHOWN_ATTRIBUTE.findall(page))
        text = html.unescape(_TAG.sub("  ", page) + "  " + shown)
        found: dict[str, str] = {}
        for run in _DIGITS.findall(text):
            digits = re.sub(r"[- ]", "", run).upper()
            for size in lengths:
                for start in range(len(digits) - size + 1):
                    source = secrets.values.get(digits[start : start + size])
                    if source:
                        found.setdefault(source, source)
        if starts is not None:
            for match in starts.finditer(text):
                i = match.start()
                for name in names_by_start.get(text[i : i + NAME_MIN], ()):
                    if text.startswith(name, i):
                        found.setdefault(secrets.names[name], secrets.names[name])
        flat = _flat(text)
        if by_key:
            for i in range(len(flat) - _KEY + 1):
                for line in by_key.get(flat[i : i + _KEY], ()):
                    if flat.startswith(line, i):
                        found.setdefault(secrets.lines[line], secrets.lines[line])
        leaks += [Leak(path, source) for source in found]
    return leaks


def office_text(data: bytes) -> str:
    """The text of an .xlsx or .docx file (a zip of XML): every text node, a Word
    paragraph's runs joined (a run may split a number), other nodes kept apart."""
    return "<br>".join(office_texts(data))


def office_texts(data: bytes, size: int = 1 << 20) -> Iterator[str]:
    """:func:`office_text` in pieces of about ``size`` characters, cut only between
    rows and paragraphs (a 100,000-row sheet is over 100 MB of XML)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        yield data.decode("utf-8", "replace")
        return
    with archive:
        for name in archive.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            with archive.open(name) as member:
                xml = io.TextIOWrapper(member, encoding="utf-8", errors="replace")
                rest = ""
                while block := xml.read(size):
                    rest += block
                    cut = max(rest.rfind("</row>"), rest.rfind("</w:p>"))
                    if cut < 0:
                        continue
                    cut = rest.index(">", cut) + 1
                    yield _xml_text(rest[:cut])
                    rest = rest[cut:]
                if rest:
                    yield _xml_text(rest)


def _xml_text(xml: str) -> str:
    texts = ["".join(_WORD_TEXT.findall(paragraph)) for paragraph in _WORD_PARAGRAPH.findall(xml)]
    texts += _TEXT_NODE.findall(_WORD_PARAGRAPH.sub("  ", xml))
    return "<br>".join(texts)  # a tag between nodes: never one run of digits


def check_pages(pages: Iterable[tuple[str, str]], secrets: Secrets) -> None:
    """Raise :class:`PrivacyLeak` if any rendered page holds a secret."""
    leaks = find_leaks(pages, secrets)
    if leaks:
        raise PrivacyLeak(leaks)


def _flat(text: str) -> str:
    return _SPACE.sub("", text)


def _add_lines(lines: dict[str, str], notes: str | None, path: str) -> None:
    for number, raw in enumerate((notes or "").splitlines(), start=1):
        line = _flat(_LIST_MARK.sub("", raw))
        if len(line) >= NOTES_LINE_MIN:
            lines.setdefault(line, f"{path} 中 notes（内部备注）第 {number} 行的内容")

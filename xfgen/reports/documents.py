"""The summary as a Word draft (.docx, python-docx), beside its PDF.

The document is made from the rendered summary page itself, so it says
exactly what the page says, in the same order, whoever words the page: its
title, section headings (h2/h3 → Word's 标题 1/标题 2), sentences (正文, bold
kept), tables (real Word tables, header row repeated on each page) and the
office's narrative. Charts are left out: their figures are in the tables.
Chinese text is set in 宋体, headings in 黑体, through ``w:eastAsia``, so Word
and WPS show it as an office expects.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from xfgen.reports.spreadsheets import stable_zip

INTERNAL_MARK = "内部资料 注意保密"
BODY_FONT = ("Times New Roman", "宋体")  # (Latin, East Asian)
HEADING_FONT = ("Times New Roman", "黑体")
_SKIPPED = {"svg", "figure", "script", "style", "nav"}
_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "wbr"}
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def find(self, tag: str) -> Node | None:
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    return child
                found = child.find(tag)
                if found is not None:
                    return found
        return None

    def text(self) -> str:
        return _clean("".join(c if isinstance(c, str) else c.text() for c in self.children))

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _TreeBuilder(HTMLParser):
    """A small element tree of the page (the standard library's parser; no markup is trusted)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("document")
        self.stack = [self.root]
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def summary_document(html: str, office: str, as_of: date | None, internal: bool) -> bytes:
    """The Word draft of a rendered summary page."""
    tree = _TreeBuilder(html).root
    document = Document()
    _set_up(document, office, internal)
    title = tree.find("h1")
    document.add_paragraph(title.text() if title else "", style="Title")
    if as_of is not None:
        meta = f"{office}　数据截至{as_of.year}年{as_of.month}月{as_of.day}日"
        document.add_paragraph(meta, style="Subtitle")
    if internal:
        mark = document.add_paragraph(style="Subtitle")
        mark.add_run(INTERNAL_MARK).bold = True
    main = tree.find("main") or tree
    _blocks(document, main)
    out = io.BytesIO()
    document.save(out)
    return stable_zip(out.getvalue(), as_of)


def _blocks(document: object, node: Node) -> None:
    for child in node.children:
        if not isinstance(child, Node) or child.tag in _SKIPPED:
            continue
        tag = child.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            level = min(max(int(tag[1]) - 1, 1), 3)
            document.add_heading(child.text(), level=level)  # type: ignore[attr-defined]
        elif tag == "p":
            paragraph = document.add_paragraph(style="Normal")  # type: ignore[attr-defined]
            _runs(paragraph, child, bold=False)
            _trim(paragraph)
        elif tag in ("ul", "ol"):
            style = "List Bullet" if tag == "ul" else "List Number"
            for item in child.children:
                if isinstance(item, Node) and item.tag == "li":
                    paragraph = document.add_paragraph(style=style)  # type: ignore[attr-defined]
                    _runs(paragraph, item, bold=False)
                    _trim(paragraph)
        elif tag == "blockquote":
            paragraph = document.add_paragraph(style="Quote")  # type: ignore[attr-defined]
            _runs(paragraph, child, bold=False)
            _trim(paragraph)
        elif tag == "table":
            _table(document, child)
        else:  # section, div, article...: their blocks in order
            _blocks(document, child)


def _runs(paragraph: Paragraph, node: Node, bold: bool) -> None:
    for child in node.children:
        if isinstance(child, str):
            text = _clean(child, keep_edges=True)
            if text:
                paragraph.add_run(text).bold = bold or None
        elif child.tag == "br":
            paragraph.add_run().add_break()
        elif child.tag not in _SKIPPED:
            _runs(paragraph, child, bold or child.tag in ("strong", "b", "th"))


def _trim(paragraph: Paragraph) -> None:
    runs = paragraph.runs
    if runs:
        runs[0].text = runs[0].text.lstrip()
        runs[-1].text = runs[-1].text.rstrip()


def _table(document: object, node: Node) -> None:
    caption = node.find("caption")
    rows = [r for r in _rows(node)]
    if caption is not None:
        document.add_paragraph(caption.text(), style="Caption")  # type: ignore[attr-defined]
    if not rows:
        return
    width = max(len(cells) for _, cells in rows)
    table = document.add_table(rows=0, cols=width)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for header, cells in rows:
        row = table.add_row()
        if header:
            _repeat_as_header(row)
        for index, cell_node in enumerate(cells):
            span = int(cell_node.attrs.get("colspan", "1") or 1)
            cell = row.cells[index]
            if span > 1 and index + span <= width:
                cell = cell.merge(row.cells[index + span - 1])
            paragraph = cell.paragraphs[0]
            _runs(paragraph, cell_node, bold=header or cell_node.tag == "th")
            _trim(paragraph)
            if "num" in cell_node.classes:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()  # type: ignore[attr-defined]


def _rows(node: Node) -> list[tuple[bool, list[Node]]]:
    """(is a header row, its cells) for every row of a table, thead first."""
    found: list[tuple[bool, list[Node]]] = []

    def walk(n: Node, in_head: bool) -> None:
        for child in n.children:
            if not isinstance(child, Node) or child.tag == "caption":
                continue
            if child.tag == "tr":
                cells = [c for c in child.children if isinstance(c, Node) and c.tag in ("td", "th")]
                found.append((in_head, cells))
            else:
                walk(child, in_head or child.tag == "thead")

    walk(node, False)
    return found


def _repeat_as_header(row: object) -> None:
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _clean(text: str, keep_edges: bool = False) -> str:
    """Whitespace as a browser shows it; a line break between Chinese characters is no space."""
    text = _CJK_GAP.sub("", text)
    text = re.sub(r"\s+", " ", text)
    return text if keep_edges else text.strip()


def _set_up(document: object, office: str, internal: bool) -> None:
    """A4 portrait, 宋体 body, 黑体 headings in black, page numbers, the internal mark."""
    section = document.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
    styles = document.styles  # type: ignore[attr-defined]
    _font(styles["Normal"], BODY_FONT, Pt(12))
    for name, size in (("Title", Pt(20)), ("Heading 1", Pt(16)), ("Heading 2", Pt(14)),
                       ("Heading 3", Pt(12)), ("Subtitle", Pt(12)), ("Caption", Pt(10.5))):  # fmt: skip
        _font(
            styles[name], HEADING_FONT if "Heading" in name or name == "Title" else BODY_FONT, size
        )
        styles[name].font.color.rgb = RGBColor(0, 0, 0)
        styles[name].font.italic = False
    for name in ("Title", "Subtitle", "Caption"):
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header = section.header.paragraphs[0]
    header.text = f"{office}　{INTERNAL_MARK}" if internal else office
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页，共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")


def _font(style: object, fonts: tuple[str, str], size: Pt) -> None:
    latin, east_asian = fonts
    font = style.font  # type: ignore[attr-defined]
    font.name = latin
    font.size = size
    properties = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    names = properties.find(qn("w:rFonts"))
    if names is None:
        names = OxmlElement("w:rFonts")
        properties.insert(0, names)
    names.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        names.attrib.pop(qn(theme), None)  # a theme font would override the names above
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:eastAsia"), "zh-CN")


def _field(paragraph: Paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and WPS fill in."""
    field_node = OxmlElement("w:fldSimple")
    field_node.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field_node.append(run)
    paragraph._p.append(field_node)

"""The summary as a Word draft (.docx, python-docx), beside its PDF.

The document is made from the rendered summary page itself, so it says
exactly what the page says, in the same order, whoever words the page: its
title, section headings (h2/h3 → Word's 标题 1/标题 2), sentences (正文, bold
kept), tables (real Word tables, header row repeated on each page) and the
office's narrative. Charts are left out: their figures are in the tables.

It is laid out as a 公文 (GB/T 9704-2012, DOMAIN.md "Print and Word"): A4 with
margins of 37/28/35/26 mm, a document grid of 22 lines of 28 characters, the
title in 方正小标宋简体 二号, running text in 仿宋_GB2312 三号 with a two-character
first-line indent, 一、 headings in 黑体 and （一） headings in 楷体_GB2312, page
numbers "— 1 —" in 宋体 四号. The fonts are named through ``w:eastAsia`` (Latin
text in Times New Roman) and the font table gives Word and WPS the usual
substitutes (仿宋, 楷体) for the _GB2312 faces.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph
from lxml import etree

from xfgen.reports.spreadsheets import stable_zip

INTERNAL_MARK = "内部资料 注意保密"
LATIN = "Times New Roman"
TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT, NUMBER_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
)  # fmt: skip
# What the font table tells Word and WPS to use where the 公文 face is missing.
ALT_NAMES = {BODY_FONT: "仿宋", HEADING2_FONT: "楷体"}
# Sizes (三号 16 pt, 二号 22 pt, 四号 14 pt) and the grid: 22 lines of 28.95 pt (579
# twips), 28 characters of 15.79 pt: Word's character pitch is the Normal size plus
# charSpace/4096 pt, and 16 − 849/4096 = 15.79 pt puts 28 characters in 156 mm.
BODY_SIZE, TITLE_SIZE, NUMBER_SIZE, TABLE_SIZE, NOTE_SIZE = 16, 22, 14, 12, 12
LINE_PITCH, CHAR_SPACE = 579, -849
CHAR_SPACING = -5  # twentieths of a point between characters: 16 − 0.25 = 15.75 pt a character
CELL_MARGIN = 108  # twips, each side of a cell ("Table Grid")
TEXT_WIDTH = 8845  # twips: 210 − 28 − 26 = 156 mm
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
    _properties(document, title.text() if title else "", office, internal)
    if as_of is not None:
        meta = f"{office}　数据截至{as_of.year}年{as_of.month}月{as_of.day}日"
        document.add_paragraph(meta, style="Subtitle")
    if internal:
        mark = document.add_paragraph(style="Subtitle")
        mark.add_run(INTERNAL_MARK).bold = True
    # a blank line between the title block and the text (GB/T 9704)
    document.paragraphs[-1].paragraph_format.space_after = Twips(LINE_PITCH)  # type: ignore[attr-defined]
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
            note = bool(child.classes & {"note", "unranked"}) or child.text().startswith("注：")
            paragraph = document.add_paragraph(style=NOTE if note else RUNNING)  # type: ignore[attr-defined]
            _runs(paragraph, child, bold=False)
            _trim(paragraph)
        elif tag in ("ul", "ol"):
            # 公文 items are paragraphs of running text; a numbered list keeps its numbers
            items = [item for item in child.children if isinstance(item, Node) and item.tag == "li"]
            for number, item in enumerate(items, start=1):
                paragraph = document.add_paragraph(style=RUNNING)  # type: ignore[attr-defined]
                if tag == "ol":
                    paragraph.add_run(f"{number}．")
                _runs(paragraph, item, bold=False)
                _trim(paragraph)
        elif tag == "blockquote":
            paragraph = document.add_paragraph(style=RUNNING)  # type: ignore[attr-defined]
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
        _row_properties(row, header)
        for index, cell_node in enumerate(cells):
            span = int(cell_node.attrs.get("colspan", "1") or 1)
            cell = row.cells[index]
            if span > 1 and index + span <= width:
                cell = cell.merge(row.cells[index + span - 1])
            paragraph = cell.paragraphs[0]
            paragraph.style = CELL
            _runs(paragraph, cell_node, bold=header or cell_node.tag == "th")
            _trim(paragraph)
            if "num" in cell_node.classes:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _column_widths(table, [[_unspanned(cell) for cell in cells] for _, cells in rows], width)
    document.add_paragraph(style=NOTE)  # type: ignore[attr-defined]


def _unspanned(cell: Node) -> str | None:
    """A cell's text, unless the cell spans further columns."""
    return None if int(cell.attrs.get("colspan", "1") or 1) > 1 else cell.text()


def label_width(label: str, size: float = TABLE_SIZE) -> int:
    """Twips a cell needs for ``label`` on one line at ``size`` pt: each character its
    size (a Latin character 0.55 of it) plus the cell's margins (DOMAIN.md)."""
    ems = sum(0.55 if ord(char) < 0x2E80 else 1 for char in label)
    return math.ceil(ems * size * 20) + 2 * CELL_MARGIN


def _column_widths(table: object, rows: list[list[str | None]], columns: int) -> None:
    """Each column as wide as its longest text on one line where the page allows; where
    it does not, the first column still holds its longest label and the others share
    the rest in proportion. A fixed layout, so that Word and WPS keep these widths."""
    needs = [
        max([label_width(text) for row in rows if i < len(row) and (text := row[i])] or [600])
        for i in range(columns)
    ]
    first = min(needs[0], TEXT_WIDTH - 600 * (columns - 1))
    room = TEXT_WIDTH - first
    if sum(needs[1:]) > room:  # the widest columns give way first (their text wraps)
        cap = max(needs[1:])
        while sum(min(need, cap) for need in needs[1:]) > room:
            cap -= 20
        others = [min(need, cap) for need in needs[1:]]
    else:  # room to spare: every column grows alike
        scale = TEXT_WIDTH / (first + sum(needs[1:]))
        first = int(first * scale)
        others = [int(need * scale) for need in needs[1:]]
    widths = [first, *others]
    element = table._tbl  # type: ignore[attr-defined]
    properties = element.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.insert_element_before(layout, "w:tblCellMar", "w:tblLook", "w:tblCaption")
    for col, twips in zip(element.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(twips))
    for row in table.rows:  # type: ignore[attr-defined]
        start = 0
        for tc in row._tr.findall(qn("w:tc")):
            width = tc.get_or_add_tcPr().get_or_add_tcW()
            width.set(qn("w:type"), "dxa")
            width.set(qn("w:w"), str(sum(widths[start : start + tc.grid_span])))
            start += tc.grid_span


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


def _row_properties(row: object, header: bool) -> None:
    """A row never split across pages; a header row repeated on every page."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    for name in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        marker = OxmlElement(name)
        marker.set(qn("w:val"), "true")
        properties.append(marker)


def _clean(text: str, keep_edges: bool = False) -> str:
    """Whitespace as a browser shows it; a line break between Chinese characters is no space."""
    text = _CJK_GAP.sub("", text)
    text = re.sub(r"\s+", " ", text)
    return text if keep_edges else text.strip()


RUNNING, NOTE, CELL = (
    "Body Text",
    "注释",
    "表格文字",
)  # paragraph styles of running text, notes, cells


def _set_up(document: object, office: str, internal: bool) -> None:
    """A4 portrait in 公文 form: margins, grid, the styles of each role, page numbers."""
    section = document.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    _defaults(document)
    styles = document.styles  # type: ignore[attr-defined]
    for name in (RUNNING, NOTE, CELL):
        if name not in [style.name for style in styles]:
            styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]
    for name, font, size, bold in (
        ("Normal", BODY_FONT, BODY_SIZE, False),
        (RUNNING, BODY_FONT, BODY_SIZE, False),
        ("Title", TITLE_FONT, TITLE_SIZE, False),
        ("Subtitle", HEADING2_FONT, BODY_SIZE, False),
        ("Heading 1", HEADING1_FONT, BODY_SIZE, False),
        ("Heading 2", HEADING2_FONT, BODY_SIZE, False),
        ("Heading 3", BODY_FONT, BODY_SIZE, False),
        ("Caption", BODY_FONT, NUMBER_SIZE, True),
        (NOTE, BODY_FONT, NOTE_SIZE, False),
        (CELL, BODY_FONT, TABLE_SIZE, False),
        ("Header", BODY_FONT, 10.5, False),
        ("Footer", NUMBER_FONT, NUMBER_SIZE, False),
    ):
        style = styles[name]
        _font(style, font, Pt(size))
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _paragraph(style, on_grid=size == BODY_SIZE or name == "Title")
    styles[RUNNING].paragraph_format.first_line_indent = Pt(2 * (BODY_SIZE + CHAR_SPACING / 20))
    indent = styles[RUNNING].element.pPr.find(qn("w:ind"))
    indent.set(qn("w:firstLineChars"), "200")  # two characters of the grid
    for name in ("Title", "Subtitle", "Caption", "Footer"):
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name in ("Heading 1", "Heading 2", "Heading 3", "Caption"):
        styles[name].paragraph_format.keep_with_next = True
    header = section.header.paragraphs[0]
    header.text = f"{office}　{INTERNAL_MARK}" if internal else office
    footer = section.footer.paragraphs[0]
    footer.style = styles["Footer"]
    footer.add_run("— ")
    _field(footer, "PAGE")
    footer.add_run(" —")
    _font_table(document)


def _defaults(document: object) -> None:
    """Document defaults: the body face and size (Word's grid counts from them), no
    theme fonts, Chinese as the East Asian language."""
    defaults = document.styles.element.find(qn("w:docDefaults"))  # type: ignore[attr-defined]
    properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _names(properties, BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        found = properties.find(qn(tag))
        if found is not None:
            found.set(qn("w:val"), str(BODY_SIZE * 2))
    for names in document.styles.element.iter(qn("w:rFonts")):  # type: ignore[attr-defined]
        for attribute in ("w:ascii", "w:hAnsi"):  # Word's "Macro Text" has Courier
            if names.get(qn(attribute)) is not None:
                names.set(qn(attribute), LATIN)
    paragraph = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = paragraph.find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    settings = document.settings.element  # type: ignore[attr-defined]
    language = settings.find(qn("w:themeFontLang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")


def _properties(document: object, title: str, office: str, internal: bool) -> None:
    """The document's properties say only what its first page says (python-docx would
    leave its own name and comment there)."""
    core = document.core_properties  # type: ignore[attr-defined]
    core.title = title
    core.author = core.last_modified_by = office
    core.comments = core.subject = core.category = ""
    core.keywords = INTERNAL_MARK if internal else ""


def _font(style: object, east_asian: str, size: Pt) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name = LATIN
    font.size = size
    _names(style.element.get_or_add_rPr(), east_asian)  # type: ignore[attr-defined]


def _names(properties: object, east_asian: str) -> None:
    """Times New Roman for Latin text, ``east_asian`` for Chinese, no theme font (one
    would win over the names), Chinese as the East Asian language."""
    names = properties.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if names is None:
        names = OxmlElement("w:rFonts")
        properties.insert(0, names)  # type: ignore[attr-defined]
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        names.attrib.pop(qn(theme), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        names.set(qn(attribute), LATIN)
    names.set(qn("w:eastAsia"), east_asian)
    language = properties.find(qn("w:lang"))  # type: ignore[attr-defined]
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)  # type: ignore[attr-defined]
    language.set(qn("w:eastAsia"), "zh-CN")


# Elements that come after w:snapToGrid in w:pPr, and after w:spacing in w:rPr (the
# schema's order, which Word holds files to).
_AFTER_SNAP = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
    "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip


def _paragraph(style: object, on_grid: bool) -> None:
    """Body-size text at exactly 28.95 pt a line and 28 characters a line; smaller text
    (tables, notes, captions, header, footer) single-spaced; no indent.

    Text does not snap to the document grid: Word and WPS would fit 28 characters on
    it by narrowing each to 15.79 pt, but LibreOffice gives a character wider than its
    cell two cells (14 a line). Character spacing of −0.25 pt gives the same 28 in all
    three; the grid stays in the page setup for what the office types itself."""
    layout = style.paragraph_format  # type: ignore[attr-defined]
    layout.space_before = layout.space_after = Pt(0)
    layout.first_line_indent = layout.left_indent = None
    properties = style.element.get_or_add_pPr()  # type: ignore[attr-defined]
    for tag in ("w:pBdr", "w:contextualSpacing", "w:numPr", "w:snapToGrid"):
        for found in properties.findall(qn(tag)):
            properties.remove(found)
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    properties.insert_element_before(snap, *_AFTER_SNAP)
    if on_grid:
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Twips(LINE_PITCH)
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_SPACING))
        style.element.get_or_add_rPr().insert_element_before(spacing, *_AFTER_SPACING)  # type: ignore[attr-defined]
    else:
        layout.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _font_table(document: object) -> None:
    """The five 公文 faces in the font table, with the face Word and WPS use where a
    _GB2312 one is missing (altName)."""
    part = next(
        p for p in document.part.package.iter_parts()  # type: ignore[attr-defined]
        if p.partname == "/word/fontTable.xml"
    )  # fmt: skip
    table = etree.fromstring(part.blob)
    for name in (TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT, NUMBER_FONT, LATIN):
        for old in table.findall(qn("w:font")):
            if old.get(qn("w:name")) == name:
                table.remove(old)
        font = etree.SubElement(table, qn("w:font"))
        font.set(qn("w:name"), name)
        if name in ALT_NAMES:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), ALT_NAMES[name])
        charset = "00" if name == LATIN else "86"  # 86: GB2312
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), charset)
        family = "roman" if name in (LATIN, NUMBER_FONT, BODY_FONT) else "modern"
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), family)
        pitch = "variable" if name == LATIN else "fixed"
        etree.SubElement(font, qn("w:pitch")).set(qn("w:val"), pitch)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


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

"""Ledgers and the leaderboard as Excel workbooks (.xlsx, openpyxl), beside their PDFs.

A workbook holds what its HTML page shows: the ledger's rows come from the
same :class:`~xfgen.reports.ledgers.Ledger` the page renders (already masked
unless the build is internal), the leaderboard's from the same figures. Above
the table: office, title, as-of date and the page's note; the header row is
frozen and filtered; dates are dates and rates percentages, each rounded as
printed so a reader sees the figure of the PDF.

No cell is ever a formula (DOMAIN.md "Privacy", No formulas): every text value is
stored as a string cell, whatever it begins with, and no workbook asks to be
recalculated on load. CSV has no cell types: there a text beginning with one of
:data:`FORMULA_LEADS` gets a leading apostrophe, which ``xfgen import`` removes.
"""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from xfgen.figures.compute import PeriodFigures, UnitRates
from xfgen.reports.formatting import NO_DATA, half_up, rank_change
from xfgen.reports.ledgers import FLAG_DUE_SOON, FLAG_OVERDUE, Ledger

INTERNAL_MARK = "内部资料 注意保密"
FONT = "宋体"  # what offices' Excel and WPS show Chinese in; a missing font falls back
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
POINTS_FORMAT = "0.0"
HEADER_ROW = 5  # office, title, as-of, note, then the header
MAX_WIDTH = 42  # a wrapping column (summary) is not wider than this many Latin characters
# What makes Excel, WPS or LibreOffice read a typed or CSV value as a formula (OWASP).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^-?\d+$")

_thin = Side(style="thin", color="999999")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_FLAG_FILLS = {
    FLAG_OVERDUE: PatternFill("solid", fgColor="F8D7DA"),
    FLAG_DUE_SOON: PatternFill("solid", fgColor="FFF3CD"),
}


@dataclass(frozen=True)
class Column:
    header: str
    wraps: bool = False
    number_format: str | None = None


@dataclass(frozen=True)
class Heading:
    office: str
    title: str
    as_of: date | None
    note: str
    internal: bool


def ledger_workbook(
    ledger: Ledger, office: str, as_of: date | None, internal: bool, provisional: str = ""
) -> bytes:
    """The ledger's rows as a worksheet: the HTML table's cells, dates and numbers typed.

    ``provisional`` is the page's note on deadlines in a provisional holiday year, if any.
    """
    columns = [Column(c.header, c.wraps) for c in ledger.columns]

    def rows() -> Iterator[tuple[list[Any], PatternFill | None]]:
        for row in ledger.rows:  # one at a time: a ledger may have 100,000 rows
            cells = [_typed(row.cells[c.key], c.numeric) for c in ledger.columns]
            yield cells, _FLAG_FILLS.get(row.flag)

    heading = Heading(office, ledger.title, as_of, _join(ledger.note, provisional), internal)
    return _workbook(heading, columns, rows)


def leaderboard_workbook(
    f: PeriodFigures, office: str, title: str, internal: bool, provisional: str = ""
) -> bytes:
    """The leaderboard page's table; units with too few cases follow, unranked."""
    columns = [
        Column("名次"),
        Column("责任单位"),
        Column("件数"),
        Column("按期办结率", number_format=PERCENT_FORMAT),
        Column("满意率", number_format=PERCENT_FORMAT),
        Column("及时受理率", number_format=PERCENT_FORMAT),
        Column("办结率", number_format=PERCENT_FORMAT),
        Column("得分", number_format=POINTS_FORMAT),
        Column("名次变化"),
    ]
    rows: list[list[Any]] = [
        [
            row.rank,
            row.unit,
            row.cases,
            *_rates(row.rates),
            _points(row.score),
            rank_change(row.rank_change, row.previous_rank, f.previous_leaderboard),
        ]
        for row in f.leaderboard
    ]
    for unit in f.unranked:
        figures = f.units[unit]
        rows.append(
            ["样本不足", unit, figures.cases, *_rates(figures.rates), _points(figures.score), ""]
        )
    note = (
        f"与{f.previous_period.name}相比。得分为各项比率的加权平均，以百分制显示；"
        "“样本不足”的单位不参与排名。排名只衡量事项办理质量，不以信访量多少论优劣。"
    )
    heading = Heading(office, title, f.as_of, _join(note, provisional), internal)
    return _workbook(heading, columns, lambda: ((row, None) for row in rows))


def _join(note: str, provisional: str) -> str:
    """The page's note, then the provisional-year sentence if there is one."""
    return note + (f"{provisional}。" if provisional else "")


def _rates(rates: UnitRates) -> list[Any]:
    values = (rates.on_time_closure, rates.satisfaction, rates.timely_acceptance, rates.closure)
    # The printed percentage (half up, one decimal) as a fraction: Excel shows what the PDF shows.
    return [NO_DATA if r is None else float(half_up(r * 100)) / 100 for r in values]


def _points(score: Any) -> Any:
    return NO_DATA if score is None else float(half_up(score * 100))


def _typed(text: str, numeric: bool) -> Any:
    """A ledger cell as Excel should hold it: a date, an integer, or the text shown."""
    if _ISO_DAY.match(text):
        return date.fromisoformat(text)
    if numeric and _INTEGER.match(text):
        return int(text)
    return text


def _workbook(
    heading: Heading,
    columns: Sequence[Column],
    rows: Callable[[], Iterable[tuple[Sequence[Any], PatternFill | None]]],
) -> bytes:
    """The workbook, written as it goes (openpyxl's write-only mode): ``rows`` is read
    twice, for the column widths and then for the cells, and never held whole."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(heading.title))
    last = get_column_letter(len(columns))
    widest = [_display_width(column.header) for column in columns]
    count = 0
    for values, _ in rows():
        count += 1
        for index, (value, column) in enumerate(zip(values, columns, strict=True)):
            widest[index] = max(widest[index], _display_width(_shown(value, column)))
    widths = [
        max(min(most, MAX_WIDTH) if column.wraps else most, 4) + 2
        for most, column in zip(widest, columns, strict=True)
    ]
    # Wrapping columns (the summary) narrow, down to MIN_WRAP_WIDTH, until the sheet
    # prints across the page at 70%.
    while print_scale(widths) < MIN_SCALE and any(
        column.wraps and width > MIN_WRAP_WIDTH
        for width, column in zip(widths, columns, strict=True)
    ):
        widths = [
            width - 1 if column.wraps and width > MIN_WRAP_WIDTH else width
            for width, column in zip(widths, columns, strict=True)
        ]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[2].height = 22
    end = HEADER_ROW + max(count, 1)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{end}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_setup(sheet, widths)
    if heading.internal:
        sheet.oddHeader.right.text = INTERNAL_MARK

    as_of = f"数据截至 {heading.as_of.isoformat()}" if heading.as_of else ""
    mark = INTERNAL_MARK if heading.internal else ""
    lines = [
        (heading.office, Font(name=FONT, size=11)),
        (heading.title, Font(name=FONT, size=14, bold=True)),
        ("　".join(x for x in (as_of, mark) if x), Font(name=FONT, size=10, bold=bool(mark))),
        (heading.note, Font(name=FONT, size=10)),
    ]
    for number, (text, font) in enumerate(lines, start=1):
        cell = text_cell(sheet, text)
        cell.font = font
        cell.alignment = Alignment(vertical="center")
        sheet.append([cell])
        sheet.merged_cells.add(f"A{number}:{last}{number}")

    styles = _Styles(book)
    sheet.append(
        [_cell(sheet, column.header, styles.get("header", None, True)) for column in columns]
    )
    for values, fill in rows():
        cells = []
        for value, column in zip(values, columns, strict=True):
            if isinstance(value, date):
                kind = "date"
            elif column.number_format and isinstance(value, float):
                kind = column.number_format
            else:
                kind = "text"
            cells.append(_cell(sheet, value, styles.get(kind, fill, column.wraps)))
        sheet.append(cells)
    book.properties.title = heading.title
    book.properties.creator = heading.office
    no_recalculation(book)
    out = io.BytesIO()
    book.save(out)
    return stable_zip(out.getvalue(), heading.as_of)


def _cell(sheet: Any, value: Any, style: str) -> Any:
    cell = text_cell(sheet, value)
    cell.style = style
    return cell


def text_cell(sheet: Any, value: Any) -> Any:
    """A cell holding ``value``; text is a string cell even when it begins with "="
    (openpyxl would make that a formula)."""
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def no_recalculation(book: Workbook) -> None:
    """openpyxl asks Excel to recalculate every workbook on load; ours hold no formula."""
    book.calculation.fullCalcOnLoad = False


def csv_text(value: str) -> str:
    """A text value as written to CSV: an apostrophe before a leading formula character."""
    return "'" + value if value.startswith(FORMULA_LEADS) else value


def csv_unquote(value: str) -> str:
    """What :func:`csv_text` wrote, read back: one leading apostrophe removed, only
    where a formula character follows it."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_LEADS) else value


_DOC_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def stable_zip(data: bytes, day: date | None) -> bytes:
    """The same file for the same content: zip entry times and the document's
    created/modified dates set to ``day`` (the as-of date), not to the build's clock,
    so an unchanged workbook or document is byte for byte the same in the next build."""
    when = (day or date(2000, 1, 1)).timetuple()[:6]
    stamp = (day or date(2000, 1, 1)).isoformat().encode() + b"T00:00:00Z"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)  # type: ignore[arg-type]
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            if info.filename == "docProps/core.xml":
                content = _DOC_TIMES.sub(
                    lambda m: m.group(1) + stamp + m.group(2), source.read(info)
                )
                target.writestr(entry, content)
                continue
            # Copied in pieces: a long ledger's sheet is over 100 MB of XML unpacked.
            with source.open(info) as unpacked, target.open(entry, "w") as packed:
                shutil.copyfileobj(unpacked, packed, 1 << 20)
    return out.getvalue()


class _Styles:
    """Named cell styles, made once per workbook (setting fonts cell by cell is slow)."""

    def __init__(self, book: Workbook):
        self.book = book
        self.names: dict[tuple[str, str | None, bool], str] = {}

    def get(self, kind: str, fill: PatternFill | None, wraps: bool) -> str:
        flag = fill.fgColor.rgb if fill is not None else None
        key = (kind, flag, wraps)
        if key not in self.names:
            name = f"xfgen-{len(self.names) + 1}"
            header = kind == "header"
            style = NamedStyle(
                name,
                font=Font(name=FONT, size=10, bold=header),
                border=_BORDER,
                fill=_HEADER_FILL if header else (fill or PatternFill()),
                alignment=Alignment(
                    horizontal="center" if header else None,
                    vertical="center" if header else "top",
                    wrap_text=wraps,
                ),
                number_format=DATE_FORMAT if kind == "date" else kind if "0" in kind else "General",
            )
            self.book.add_named_style(style)
            self.names[key] = name
        return self.names[key]


# Printing (DOMAIN.md "Print and Word"): landscape A4, never smaller than 70%.
MIN_SCALE = 70
MIN_WRAP_WIDTH = 20
MARGIN_INCHES = 0.4  # left and right; 0.6 top and bottom, the header and footer inside them
LANDSCAPE_WIDTH_PT = 297 / 25.4 * 72 - 2 * MARGIN_INCHES * 72


def print_scale(widths: Sequence[float]) -> int:
    """The percentage at which columns of these widths (Excel's character units: 7 px
    each and 5 px of padding, at 96 px an inch) fill the landscape page's width."""
    points = sum(width * 7 + 5 for width in widths) * 0.75
    return int(100 * LANDSCAPE_WIDTH_PT / points) if points else 100


def _print_setup(sheet: Any, widths: Sequence[float]) -> None:
    """Landscape A4, the header row on every page, "第 N 页，共 M 页" in the footer;
    fitted to the page's width only where that keeps the type at 70% or more (about
    60 rows of 16 columns fitted to width would be too small to read), else printed
    at 70% with the columns running on to a further page."""
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_margins.left = sheet.page_margins.right = MARGIN_INCHES
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_options.horizontalCentered = True
    if print_scale(widths) >= MIN_SCALE:
        setup.fitToWidth, setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        setup.scale = MIN_SCALE
        sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _shown(value: Any, column: Column) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and column.number_format == PERCENT_FORMAT:
        return f"{value * 100:.1f}%"
    return str(value)


def _display_width(text: str) -> int:
    """Width in Latin characters: a CJK (wide) character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet1"

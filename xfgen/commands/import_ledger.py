"""xfgen import: turn the Excel/WPS (or CSV) registration ledger an office keeps into case files.

The ledger is read as a table of cells; the header row is found below any
merged title rows; blank, total and footer rows are skipped. Each other row
becomes a case file only if it converts cleanly and then passes the same check
as ``xfgen check``; every other row is reported with its sheet, row, column
and a reason. Nothing is ever overwritten, and a row already imported (same
编号, or same 登记日期, 信访形式, 姓名 and 内容摘要) is not imported again.
Nothing is guessed: a 办理状态 the row's dates do not bear out, a value xfgen
cannot map, a column that is missing (unless the mapping file gives it a
default) is reported, never filled in or changed quietly.

A workbook is bounded before its rows are read: by its file size, the sizes its
parts declare (which Python's zip reader holds them to), the size and number of
its shared strings, and the rows and columns its sheet declares. Only the cells
that hold something are kept.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from xfgen.commands.new import existing_ids, next_id
from xfgen.errors import XfgenError
from xfgen.records.config import vocabularies
from xfgen.records.loading import LoadFailed, Mapping, Scalar, load_file
from xfgen.records.models import KINDS, SATISFACTIONS, Config
from xfgen.records.validation import (
    CASE_FIELDS,
    CASES_DIR,
    ID_PATTERN,
    check_case_file,
    load_project,
)
from xfgen.records.writer import record_yaml
from xfgen.reports.spreadsheets import csv_unquote

# A 200,000-row ledger of 17 columns (names, phones, ID numbers, addresses, summaries) is
# 23 MB as openpyxl writes it (every text inline); each part is bounded on its own below.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024  # refuses a "zip bomb" workbook
MAX_ROWS = 200_000
HEADER_SCAN_ROWS = 30
# What a sheet may declare (its <dimension>): the rows, with title and header rows above
# them, and columns (a ledger has a few dozen; XFD, the last, is 16,384).
MAX_SHEET_ROWS = MAX_ROWS + HEADER_SCAN_ROWS
MAX_COLUMNS = 256
# Shared strings (every distinct text of the workbook, all read before the first row):
# a 200,000-row ledger has about a million (name, phone, address, summary...), some
# 60 MB of XML. A part of tiny strings costs about 3 bytes of memory per byte of XML.
MAX_SHARED_STRINGS_BYTES = 96 * 1024 * 1024
MAX_SHARED_STRINGS = 2_000_000
MAX_PART_BYTES = 16 * 1024 * 1024  # the workbook's other XML (styles, workbook, theme)
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")

# What a ledger column can become: the case field (dotted for the petitioner block).
# category_major / category_minor are 大类 and 小类 kept in two columns.
_FIELD_LABELS = {
    "id": "编号",
    "received": "登记日期",
    "channel": "信访形式",
    "source": "来源",
    "people": "人数",
    "skip_level": "是否越级",
    "repeat_of": "重复信访所涉编号",
    "kind": "事项性质",
    "category": "问题类别",
    "category_major": "问题大类",
    "category_minor": "问题小类",
    "summary": "内容摘要",
    "petitioner.name": "姓名",
    "petitioner.phone": "联系电话",
    "petitioner.id_number": "身份证号",
    "petitioner.address": "住址",
    "unit": "责任单位",
    "leader": "包案领导",
    "accepted": "受理日期",
    "not_accepted.date": "不予受理日期",
    "not_accepted.reason": "不予受理理由",
    "not_accepted.route": "分流途径",
    "closed": "办结日期",
    "outcome": "办理结果",
    "satisfaction": "满意度",
    "status": "办理状态",  # checked against the dates, never written
    "notes": "备注",
}
IGNORE = "ignore"
_DEFAULTABLE = ("channel", "source", "kind", "category")  # one value for a whole ledger

# Header spellings seen in offices' ledgers, after normalising (no spaces, no
# "（年月日）"-style notes, no "*" marks).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("编号", "事项编号", "信访编号", "登记编号", "案件编号", "件号", "信访件编号"),
    "received": (
        "登记日期",
        "登记时间",
        "信访日期",
        "来信来访日期",
        "来信日期",
        "来访日期",
        "收件日期",
        "收到日期",
        "日期",
    ),
    "channel": ("信访形式", "信访方式", "来信来访形式", "形式", "方式", "信访渠道", "渠道"),
    "source": ("来源", "事项来源", "信访来源", "件源"),
    "people": ("人数", "来访人数", "信访人数", "人次"),
    "skip_level": ("是否越级", "越级", "越级访"),
    "repeat_of": ("重复信访所涉编号", "原件编号", "重复件编号"),
    "kind": ("事项性质", "性质", "信访事项性质", "事项类型"),
    "category": ("事项类别", "问题类别", "类别", "问题分类", "反映问题类别", "问题类型", "分类"),
    "category_major": ("问题大类", "大类", "类别大类"),
    "category_minor": ("问题小类", "小类", "类别小类"),
    "summary": (
        "内容摘要",
        "事由摘要",
        "反映问题",
        "主要内容",
        "信访事由",
        "反映内容",
        "信访内容",
        "诉求内容",
        "主要诉求",
        "问题摘要",
        "内容",
    ),
    "petitioner.name": ("姓名", "信访人", "信访人姓名", "反映人", "来访人", "来信人", "当事人"),
    "petitioner.phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
    "petitioner.id_number": ("身份证号", "身份证号码", "证件号码", "身份证"),
    "petitioner.address": ("住址", "地址", "家庭住址", "联系地址", "现住址"),
    "unit": ("责任单位", "承办单位", "办理单位", "交办单位", "主办单位"),
    "leader": ("包案领导", "包案责任人"),
    "accepted": ("受理日期", "受理时间"),
    "not_accepted.date": ("不予受理日期",),
    "not_accepted.reason": ("不予受理理由", "不予受理原因", "分流理由"),
    "not_accepted.route": ("分流途径", "分流去向", "分流渠道", "依法分流途径", "依法分流去向"),
    "closed": ("办结日期", "办结时间", "答复日期"),
    "outcome": ("办理结果", "处理结果", "办结结果", "办理情况"),
    "satisfaction": ("满意度", "满意度评价", "评价结果", "群众评价", "满意情况"),
    "status": ("办理状态", "状态", "事项状态", "当前状态", "办结状态", "办理情况状态"),
    "notes": ("备注",),
    IGNORE: ("序号", "序", "办理期限"),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}

# Common short forms of the standard labels; used only where the target is configured.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "channel": {
        "信": "来信",
        "信件": "来信",
        "书信": "来信",
        "访": "来访",
        "走访": "来访",
        "上访": "来访",
        "电话": "来电",
        "电": "来电",
        "网信": "网上信访",
        "网上": "网上信访",
        "网络": "网上信访",
        "网上投诉": "网上信访",
        "网上来信": "网上信访",
    },
    "source": {
        "本级": "本级受理",
        "自收": "本级受理",
        "交办": "上级交办",
        "转送": "上级转送",
        "上级转办": "上级转送",
    },
    "kind": {
        "建议": "建议意见类",
        "意见": "建议意见类",
        "建议意见": "建议意见类",
        "检举": "检举控告类",
        "控告": "检举控告类",
        "举报": "检举控告类",
        "检举控告": "检举控告类",
        "申诉": "申诉求决类",
        "求决": "申诉求决类",
        "申诉求决": "申诉求决类",
    },
    "satisfaction": {
        "比较满意": "基本满意",
        "非常满意": "满意",
        "未评": "未评价",
        "未参评": "未评价",
    },
}
# 办理状态 as ledgers write it → what the row's dates must show.
PENDING, OPEN, CLOSED, NOT_ACCEPTED = "待受理", "在办", "已办结", "不予受理"
STATUSES: dict[str, str] = {
    **dict.fromkeys(("待受理", "未受理", "待处理", "已登记", "登记"), PENDING),
    **dict.fromkeys(("在办", "办理中", "正在办理", "已受理", "已交办", "交办", "承办中"), OPEN),
    **dict.fromkeys(("已办结", "办结", "已结案", "结案", "已答复", "已完成", "完成"), CLOSED),
    **dict.fromkeys(("不予受理", "不受理", "已分流", "依法分流", "分流"), NOT_ACCEPTED),
}
_TRUE = {"是", "Y", "y", "yes", "true", "√", "✓", "1", "越级"}
_FALSE = {"否", "N", "n", "no", "false", "×", "0", "不越级"}
_SKIP_MARKERS = (
    "合计",
    "总计",
    "小计",
    "共计",
    "累计",
    "填表",
    "制表",
    "审核",
    "负责人",
    "注：",
    "注:",
    "说明",
)
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T ]?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class ImportFailed(XfgenError):
    """The ledger as a whole cannot be read (not the fault of one row)."""


@dataclass(frozen=True, order=True)
class RowProblem:
    """Why one row was not imported, at the row and column the user sees in Excel."""

    row: int
    column: int  # 1-based; 0 when the reason concerns the whole row
    header: str
    message: str
    sheet: str = ""
    file: str = ""

    def __str__(self) -> str:
        where = f"{self.file} 工作表“{self.sheet}”" if self.sheet else self.file
        column = f" {column_letter(self.column)} 列（{self.header}）" if self.column else ""
        return f"{where} 第 {self.row} 行{column}：{self.message}"


@dataclass(frozen=True)
class ImportResult:
    file: str
    sheet: str
    header_row: int
    written: tuple[str, ...]  # repository-relative paths (would be written with --dry-run)
    already_present: int
    problems: tuple[RowProblem, ...]
    blank_rows: int
    skipped_rows: int  # totals, notes and signatures under the table
    unused_columns: tuple[str, ...]
    dry_run: bool


@dataclass(frozen=True)
class Table:
    sheet: str
    # the rows, read afresh on each call: (row number as Excel shows it, values); a ledger
    # is read in passes, never held whole (200,000 rows of Python values are some 400 MB)
    rows: Callable[[], Iterator[tuple[int, tuple[Any, ...]]]]


@dataclass
class LedgerMapping:
    """The user's mapping file: column → field, per-field value → label, defaults."""

    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)


@dataclass
class _Row:
    number: int
    values: dict[str, Any]  # case field → converted value (dotted for sub-blocks)
    columns: dict[str, int]  # case field → column it came from


# ---------------------------------------------------------------- the command


def import_ledger(
    root: Path,
    source: Path,
    today: date,
    sheet: str | None = None,
    mapping_file: Path | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import every good row of ``source`` into ``root/cases/<year>/``."""
    mapping = load_mapping(mapping_file) if mapping_file else LedgerMapping()
    with open_table(source, sheet or mapping.sheet) as table:
        return _import(root, source, today, mapping, table, dry_run)


def _import(
    root: Path, source: Path, today: date, mapping: LedgerMapping, table: Table, dry_run: bool
) -> ImportResult:
    """The import in three passes over the table: its header, every row counted (and
    its 编号 kept), then each row converted, checked and written in turn."""
    project = load_project(root, today)
    config = project.config
    header_row, columns, unused = find_header(
        table.sheet, list(islice(table.rows(), HEADER_SCAN_ROWS)), mapping
    )
    missing = [
        name
        for name in ("received", "channel", "source", "kind", "summary")
        if name not in columns.values() and name not in mapping.defaults
    ]
    if not {"category", "category_minor"} & (set(columns.values()) | set(mapping.defaults)):
        missing.append("category")
    if missing:
        raise ImportFailed(_missing_columns(source, table.sheet, header_row, missing, config))

    reserved = _ledger_ids(table, header_row, columns, mapping, config)  # (and the row limit)
    problems: list[RowProblem] = []
    counts = {"blank": 0, "skipped": 0}

    def rows() -> Iterator[_Row]:
        for number, values in table.rows():
            if number <= header_row:
                continue
            cells = [_text(v) for v in values]
            if not any(cells):
                counts["blank"] += 1
                continue
            if _is_footer(cells):
                counts["skipped"] += 1
                continue
            row, row_problems = _convert_row(number, values, columns, mapping, config)
            problems.extend(row_problems)
            if row is not None:
                yield row

    written, present = _write_rows(
        root, rows(), reserved, project, today, dry_run, source.name, problems
    )
    blank, skipped = counts["blank"], counts["skipped"]
    where = {"file": source.name, "sheet": table.sheet}
    return ImportResult(
        file=source.name,
        sheet=table.sheet,
        header_row=header_row,
        written=tuple(written),
        already_present=present,
        problems=tuple(sorted(RowProblem(**{**p.__dict__, **where}) for p in problems)),
        blank_rows=blank,
        skipped_rows=skipped,
        unused_columns=tuple(unused),
        dry_run=dry_run,
    )


def _missing_columns(
    source: Path, sheet: str, header_row: int, missing: list[str], config: Config
) -> str:
    """The error for columns the ledger lacks, with the mapping-file lines that would fix
    it: a column of another name, or (where one value can hold for a whole ledger) a
    default, which xfgen uses only when the mapping file names it."""
    names = "、".join(_FIELD_LABELS[m] for m in missing)
    lines = [
        f"{source.name} 工作表“{sheet}”第 {header_row} 行的表头中找不到这些列：{names}。",
        "如果台账里有这些列、只是列名不同，在映射文件（--mapping）的 columns 中写明，例如：",
        "  columns:",
        *(f"    台账中的列名: {m}    # {_FIELD_LABELS[m]}" for m in missing),
    ]
    defaults = [(m, _choices(m, config) or ()) for m in missing if m in _DEFAULTABLE]
    if defaults:
        lines += [
            "如果整份台账都是同一个值，在映射文件的 defaults 中写明（xfgen 不会自己填）：",
            "  defaults:",
        ]
        for name, choices in defaults:
            lines.append(
                f"    {name}: {choices[0] if choices else '……'}    # {_FIELD_LABELS[name]}，"
                f"可用的值：{'、'.join(choices[:8])}"
            )
    lines.append("写好后加 --mapping 映射文件.yaml 重新导入（见 README“从 Excel 台账导入”）。")
    return "\n".join(lines)


def _ledger_ids(
    table: Table, header_row: int, columns: dict[int, str], mapping: LedgerMapping, config: Config
) -> set[str]:
    """Every 编号 the ledger gives (lower case), so that a row without one never takes
    a later row's; reading every row also refuses a sheet over the row limit before
    anything is written."""
    column = next((c for c, n in columns.items() if n == "id"), 0)
    ids = set()
    for number, values in table.rows():
        if column and number > header_row and column - 1 < len(values):
            with contextlib.suppress(ValueError):
                if _text(values[column - 1]):
                    ids.add(str(_convert("id", values[column - 1], mapping, config)).lower())
    return ids


# ---------------------------------------------------------------- reading the file


@contextlib.contextmanager
def open_table(source: Path, sheet: str | None) -> Iterator[Table]:
    """The cells of one sheet (.xlsx/.xlsm) or of a CSV file, row numbers as Excel shows
    them; the workbook stays open while the block runs."""
    if not source.exists():
        raise ImportFailed(f"找不到文件 {source}。")
    if source.is_symlink() or not source.is_file():
        raise ImportFailed(f"{source} 不是普通文件（不能是目录、链接或设备）。")
    if source.stat().st_size > MAX_FILE_BYTES:
        raise ImportFailed(
            f"{source.name} 超过 {MAX_FILE_BYTES // 1024 // 1024} MiB，不像一份台账：请拆分后分批导入。"
        )
    suffix = source.suffix.lower()
    if suffix == ".csv":
        if sheet:
            raise ImportFailed("CSV 文件没有工作表，不能使用 --sheet。")
        yield _read_csv(source)
        return
    if suffix in (".xlsx", ".xlsm"):
        with _read_xlsx(source, sheet) as table:
            yield table
        return
    if suffix in (".xls", ".et", ".ods", ".numbers"):
        raise ImportFailed(
            f"不能直接读取 {suffix} 文件：请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再导入。"
        )
    raise ImportFailed(f"{source.name}：只能导入 .xlsx 或 .csv 文件。")


def _read_csv(source: Path) -> Table:
    data = source.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise ImportFailed(f"{source.name} 的编码无法识别：请另存为 UTF-8 编码的 CSV。")

    def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        try:
            for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
                if number > MAX_SHEET_ROWS:  # 200,000 rows below a title and a header
                    raise ImportFailed(f"{source.name} 超过 {MAX_ROWS} 行：请拆分后分批导入。")
                yield number, tuple(values)
        except csv.Error as exc:
            raise ImportFailed(f"{source.name} 不是有效的 CSV 文件（{exc}）。") from None

    return Table(source.stem, rows)


@contextlib.contextmanager
def _read_xlsx(source: Path, sheet: str | None) -> Iterator[Table]:
    import openpyxl

    try:
        with zipfile.ZipFile(source) as archive:
            _check_parts(source, archive)
    except zipfile.BadZipFile:
        raise ImportFailed(
            f"{source.name} 不是有效的 .xlsx 文件（可能已损坏，或是改了扩展名的旧版 .xls）。"
        ) from None
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportFailed(_damaged(source, exc)) from None
    try:
        names = book.sheetnames
        if sheet is None:
            chosen = names[0]
        elif sheet in names:
            chosen = sheet
        else:
            raise ImportFailed(
                f"{source.name} 中没有名为“{sheet}”的工作表；有：{'、'.join(names)}。"
            )
        worksheet = book[chosen]
        _check_dimensions(source, chosen, worksheet.max_row, worksheet.max_column)

        def rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
            cells = worksheet.iter_rows(
                max_row=MAX_SHEET_ROWS + 1, max_col=MAX_COLUMNS, values_only=True
            )
            try:
                for number, values in enumerate(cells, start=1):
                    if number > MAX_SHEET_ROWS:  # 200,000 rows below a title and a header
                        raise ImportFailed(
                            f"{source.name} 的工作表“{chosen}”超过 {MAX_ROWS} 行：请拆分后分批导入。"
                        )
                    yield number, _filled(values)
            except ImportFailed:
                raise
            except Exception as exc:  # a part not matching its declared size or checksum ...
                raise ImportFailed(_damaged(source, exc)) from None

        yield Table(chosen, rows)
    finally:
        book.close()


def _damaged(source: Path, exc: Exception) -> str:
    return f"无法读取 {source.name}：文件已损坏或不是 Excel 工作簿（{exc}）。"


def _filled(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row's values up to its last filled cell: a sheet may declare hundreds of empty
    columns, and every row would otherwise carry them all."""
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return values[:end] if end else ()


def _check_parts(source: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts declare more than a ledger needs, before openpyxl
    reads any of them. Python's zip reader never gives more than a part's declared size
    (and fails on a checksum that does not match), so the declared sizes bound it.

    openpyxl reads some parts whole (the content types, the workbook and its
    relationships, styles, theme, properties, the shared strings) and streams the
    worksheets: every part but a worksheet is held to :data:`MAX_PART_BYTES`, the
    shared strings (found as openpyxl finds them) to their own size and number."""
    parts = archive.infolist()
    if sum(info.file_size for info in parts) > MAX_UNZIPPED_BYTES:
        raise ImportFailed(
            f"{source.name} 解压后超过 {MAX_UNZIPPED_BYTES // 1024 // 1024} MiB，"
            "不像一份台账，已拒绝读取。"
        )
    too_big = [i for i in parts if i.file_size > MAX_PART_BYTES]
    big = {info.filename for info in too_big}
    if "[Content_Types].xml" in big:
        _refuse_part(source, "[Content_Types].xml", MAX_PART_BYTES, archive)
    strings, workbook = _shared_strings_and_workbook(archive)
    for info in too_big:
        name = info.filename
        if name == strings:
            continue
        if name in (workbook, "xl/styles.xml", "xl/theme/theme1.xml") or name.endswith(
            (".rels", "docProps/core.xml", "docProps/custom.xml")
        ):
            _refuse_part(source, name, MAX_PART_BYTES, archive)
    if strings is None or strings not in archive.namelist():
        return
    info = archive.getinfo(strings)
    if info.file_size > MAX_SHARED_STRINGS_BYTES:
        raise ImportFailed(
            f"{source.name} 的共享文字表（{strings}）解压后有 {info.file_size // 1024 // 1024} MiB，"
            f"超过 {MAX_SHARED_STRINGS_BYTES // 1024 // 1024} MiB，不像一份台账，已拒绝读取。"
        )
    if _count_shared_strings(archive, info, MAX_SHARED_STRINGS) > MAX_SHARED_STRINGS:
        raise ImportFailed(
            f"{source.name} 的共享文字表（{strings}）有超过 {MAX_SHARED_STRINGS:,} 条文字，"
            "不像一份台账，已拒绝读取。"
        )


def _refuse_part(source: Path, name: str, limit: int, archive: zipfile.ZipFile) -> None:
    size = archive.getinfo(name).file_size
    raise ImportFailed(
        f"{source.name} 中的 {name} 解压后有 {size // 1024 // 1024} MiB，"
        f"超过 {limit // 1024 // 1024} MiB，不像一份台账，已拒绝读取。"
    )


def _shared_strings_and_workbook(archive: zipfile.ZipFile) -> tuple[str | None, str | None]:
    """The names of the shared strings and workbook parts, found as openpyxl finds them
    (by their content types); None where there is none or it cannot tell."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.xml.constants import SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    try:
        manifest = Manifest.from_tree(fromstring(archive.read("[Content_Types].xml")))
    except Exception:  # noqa: BLE001 - openpyxl reports a damaged file itself
        return None, None
    strings = manifest.find(SHARED_STRINGS)
    try:
        workbook = _find_workbook_part(manifest).PartName[1:]
    except Exception:  # noqa: BLE001 - likewise
        workbook = None
    return (strings.PartName[1:] if strings is not None else None), workbook


def _count_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int:
    """How many strings (``<si>``) the part holds, counted as it is unzipped piece by
    piece; stops once over ``limit``."""
    count = 0
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            data = tail + chunk
            matches = list(_SHARED_STRING.finditer(data))
            # a tag cut at the end of this piece is counted with the next one
            keep = max(0, len(data) - 64)
            count += sum(1 for m in matches if m.start() < keep)
            tail = data[keep:]
            if count > limit:
                return count
    return count + len(_SHARED_STRING.findall(tail))


def _check_dimensions(source: Path, sheet: str, rows: int | None, columns: int | None) -> None:
    """Refuse a sheet that declares (``<dimension ref="A1:XFD150000">``) more rows or
    columns than a ledger has: every row would be padded to the declared width."""
    if (rows or 0) <= MAX_SHEET_ROWS and (columns or 0) <= MAX_COLUMNS:
        return
    raise ImportFailed(
        f"{source.name} 的工作表“{sheet}”声明的范围有 {rows or 0:,} 行、{columns or 0:,} 列"
        f"（最后一列为 {column_letter(columns or 1)}），超过可导入的 {MAX_SHEET_ROWS:,} 行、"
        f"{MAX_COLUMNS} 列，不像一份台账，已拒绝读取：请把台账复制到一个新的工作表（或拆分）后再导入。"
    )


def load_mapping(path: Path) -> LedgerMapping:
    """Read the mapping YAML with the strict loader; errors name the file and line."""
    try:
        node = load_file(path, path.parent)  # named on the command line: type and size checked
    except LoadFailed as failed:
        p = failed.problem
        raise ImportFailed(f"{path}:{p.pos.line}:{p.pos.column}: {p.message}") from None
    mapping = LedgerMapping()

    def fail(where: Scalar | Mapping, message: str) -> ImportFailed:
        return ImportFailed(f"{path}:{where.pos.line}:{where.pos.column}: {message}")

    def text_map(value: Any, what: str) -> dict[str, str]:
        if not isinstance(value, Mapping):
            raise fail(value, f"{what}应当是“键: 值”形式的一组内容。")
        out = {}
        for key, item in value.items:
            if not isinstance(item, Scalar):
                raise fail(key, f"“{key.text}”的值应当是一个文字。")
            out[key.text.strip()] = item.text.strip()
        return out

    if not isinstance(node, Mapping):
        raise ImportFailed(
            f"{path}: 映射文件应包含 sheet、header_row、columns、values、defaults 等项。"
        )
    fields = set(_FIELD_LABELS)
    for key, value in node.items:
        if key.text == "sheet" and isinstance(value, Scalar):
            mapping.sheet = value.text
        elif key.text == "header_row" and isinstance(value, Scalar) and value.text.isdigit():
            mapping.header_row = int(value.text)
        elif key.text == "columns":
            for header, name in text_map(value, "columns").items():
                if name not in fields and name != IGNORE:
                    close = difflib.get_close_matches(name, sorted(fields), n=1)
                    hint = f"你是不是想写 {close[0]}？" if close else ""
                    raise fail(key, f"columns 中“{header}”对应的 {name} 不是可导入的项。{hint}")
                mapping.columns[_normalise_header(header)] = name
        elif key.text == "values" and isinstance(value, Mapping):
            for field_key, labels in value.items:
                mapping.values[field_key.text] = text_map(labels, f"values.{field_key.text} ")
        elif key.text == "defaults":
            mapping.defaults = text_map(value, "defaults")
            for name in mapping.defaults:
                if name not in fields:
                    raise fail(key, f"defaults 中的 {name} 不是可导入的项。")
        else:
            raise fail(
                key,
                f"映射文件中未知或格式不对的项“{key.text}”（可用：sheet、header_row、columns、values、defaults）。",
            )
    return mapping


# ---------------------------------------------------------------- the table's shape


def _normalise_header(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)  # 登记日期（年月日）
    return text.strip("*＊:：")


def find_header(
    sheet: str, scanned: list[tuple[int, tuple[Any, ...]]], mapping: LedgerMapping
) -> tuple[int, dict[int, str], list[str]]:
    """The header row among the ``scanned`` first rows of ``sheet``, its columns' fields
    (column → field) and the headers left unused."""
    best: tuple[int, int] | None = None  # (recognised columns, row number)
    for index, (number, _) in enumerate(scanned):
        if mapping.header_row is not None and number != mapping.header_row:
            continue
        headers = _headers(scanned, index)
        known = len({_field_of(h, mapping) for h in headers.values()} - {None, IGNORE})
        if best is None or known > best[0]:
            best = (known, number)
    if best is None or (best[0] < 3 and mapping.header_row is None):
        raise ImportFailed(
            f"在工作表“{sheet}”的前 {HEADER_SCAN_ROWS} 行中找不到表头"
            "（应有 登记日期、信访形式、内容摘要 等列名）：请用 --sheet 选择工作表，或在映射文件中写明 header_row 和 columns。"
        )
    index = next(i for i, (n, _) in enumerate(scanned) if n == best[1])
    columns: dict[int, str] = {}
    unused: list[str] = []
    for column, header in _headers(scanned, index).items():
        name = _field_of(header, mapping)
        if name is None:
            unused.append(header)
        elif name != IGNORE and name not in columns.values():
            columns[column] = name
    return best[1], columns, unused


def _headers(rows: list[tuple[int, tuple[Any, ...]]], index: int) -> dict[int, str]:
    """Column → header text; an empty cell takes the text above it (a header merged downwards)."""
    width = max((len(v) for _, v in rows), default=0)
    headers = {}
    for column in range(width):
        for above in range(index, max(index - 3, -1), -1):
            values = rows[above][1]
            text = _text(values[column]) if column < len(values) else ""
            if text:
                headers[column + 1] = text
                break
    return headers


def _field_of(header: str, mapping: LedgerMapping) -> str | None:
    key = _normalise_header(header)
    return mapping.columns.get(key) or _ALIAS_TO_FIELD.get(key)


def _is_footer(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return any(filled[0].replace(" ", "").startswith(m) for m in _SKIP_MARKERS) or (
        len(filled) <= 2 and any(re.sub(r"\s", "", c) in ("合计", "总计", "小计") for c in filled)
    )


# ---------------------------------------------------------------- one row


def _convert_row(
    number: int,
    values: tuple[Any, ...],
    columns: dict[int, str],
    mapping: LedgerMapping,
    config: Config,
) -> tuple[_Row | None, list[RowProblem]]:
    row = _Row(number, {}, {})
    problems: list[RowProblem] = []
    raw: dict[str, tuple[int, Any]] = {name: (0, value) for name, value in mapping.defaults.items()}
    for column, name in columns.items():
        value = values[column - 1] if column - 1 < len(values) else None
        if _text(value):
            raw[name] = (column, value)
    if "category_minor" in raw and "category" not in raw:
        column, minor = raw.pop("category_minor")
        major = _text(raw.pop("category_major", (0, ""))[1])
        raw["category"] = (column, f"{major}/{_text(minor)}" if major else minor)
    raw.pop("category_major", None)
    raw.pop("category_minor", None)

    for name, (column, value) in raw.items():
        header = _FIELD_LABELS[name]
        try:
            row.values[name] = _convert(name, value, mapping, config)
        except ValueError as bad:
            problems.append(RowProblem(number, column, header, str(bad)))
            continue
        row.columns[name] = column
    for name in ("received", "summary"):
        if name not in raw:
            column = next((c for c, n in columns.items() if n == name), 0)
            problems.append(
                RowProblem(number, column, _FIELD_LABELS[name], f"{_FIELD_LABELS[name]}是空的。")
            )
    if "status" in row.values:
        status, status_column = row.values.pop("status"), row.columns.pop("status")
        problems += _status_problems(number, status, status_column, row.values, columns)
    return (None if problems else row), problems


def _status_problems(
    number: int, status: str, column: int, values: dict[str, Any], columns: dict[int, str]
) -> list[RowProblem]:
    """What the row's dates lack (or hold) against its 办理状态: an 在办 row needs its
    受理日期, an 已办结 row its 办结日期, and so on. Reported at the column of the missing
    date (or of the status, when the ledger has no such column); never filled in."""

    def missing(name: str, why: str) -> RowProblem:
        at = next((c for c, n in columns.items() if n == name), 0)
        header = _FIELD_LABELS[name] if at else _FIELD_LABELS["status"]
        return RowProblem(
            number, at or column, header,
            f"办理状态为“{status}”，但{why}。请补上日期或改正办理状态后再导入；这一行没有导入。",
        )  # fmt: skip

    found = []
    accepted, closed = "accepted" in values, "closed" in values
    if status == OPEN:
        if not accepted:
            found.append(missing("accepted", "没有受理日期：在办的事项必须有受理日期"))
        if closed:
            found.append(missing("closed", "有办结日期：已办结的事项不是在办"))
    elif status == CLOSED and not closed:
        found.append(missing("closed", "没有办结日期：已办结的事项必须有办结日期"))
    elif status == PENDING and (accepted or closed):
        name = "accepted" if accepted else "closed"
        found.append(missing(name, f"有{_FIELD_LABELS[name]}：待受理的事项还没有受理"))
    elif status == NOT_ACCEPTED:
        if "not_accepted.date" not in values:
            found.append(missing("not_accepted.date", "没有不予受理日期"))
        if accepted:
            found.append(missing("accepted", "有受理日期：不予受理的事项没有受理"))
    return found


def _convert(name: str, value: Any, mapping: LedgerMapping, config: Config) -> Any:
    if isinstance(value, str):
        value = csv_unquote(value)  # the apostrophe `xfgen export` puts before "=", "+" ...
    if name in ("received", "accepted", "closed", "not_accepted.date"):
        return parse_date(value)
    if name == "people":
        return _people(value)
    if name == "skip_level":
        text = _text(value)
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"“{text}”应填“是”或“否”。")
    text = _text(value)
    user = mapping.values.get(name, {})
    if text in user:
        text = user[text]
    if name == "status":
        return _status(text)
    choices = _choices(name, config)
    if choices is None:
        if name == "notes":
            return str(value).strip()
        return re.sub(r"\s*\n\s*", " ", text)
    return _label(name, text, choices)


def _choices(name: str, config: Config) -> tuple[str, ...] | None:
    return {
        "channel": config.channels,
        "source": config.sources,
        "kind": KINDS,
        "category": config.categories,
        "unit": config.units,
        "outcome": config.outcomes,
        "satisfaction": SATISFACTIONS,
        "not_accepted.route": config.routes,
    }.get(name)


def _label(name: str, text: str, choices: tuple[str, ...]) -> str:
    compact = re.sub(r"\s", "", text)
    if compact in choices:
        return compact
    alias = VALUE_ALIASES.get(name, {}).get(compact)
    if alias in choices:
        return alias  # type: ignore[return-value]
    if name == "category":
        slashed = re.sub(r"[-－—／\\、|｜]", "/", compact)
        if slashed in choices:
            return slashed
        minor = [c for c in choices if c.split("/")[-1] == slashed.split("/")[-1]]
        if len(minor) == 1:
            return minor[0]
    nearest = nearest_label(compact, choices)
    hint = f"最接近的是“{nearest}”" if nearest else "可用的值：" + "、".join(choices[:12])
    return _refuse(
        f"“{text}”不是可用的{_FIELD_LABELS[name]}；{hint}。"
        f"如果台账里一直这样写，可在映射文件 values.{name} 中写上“{compact}: 对应的标准值”。"
    )


def _status(text: str) -> str:
    compact = re.sub(r"\s", "", text)
    if compact in STATUSES:
        return STATUSES[compact]
    known = "、".join(dict.fromkeys(STATUSES.values()))
    return _refuse(
        f"“{text}”不是 xfgen 认得的办理状态（{known}）。"
        f"如果台账里一直这样写，可在映射文件 values.status 中写上“{compact}: {OPEN}”之类的对应。"
    )


def nearest_label(text: str, choices: Iterable[str]) -> str | None:
    """The configured label closest to ``text`` (a category is compared by 小类 too)."""
    scored = []
    for choice in choices:
        parts = {choice, choice.split("/")[-1]}
        score = max(difflib.SequenceMatcher(None, text, part).ratio() for part in parts)
        scored.append((score, choice))
    if not scored:
        return None
    score, choice = max(scored, key=lambda s: s[0])
    return choice if score > 0 else None


def _refuse(message: str) -> Any:
    raise ValueError(message)


def parse_date(value: Any) -> date:
    """An Excel date, an Excel serial number, or 2026-03-05, 2026/3/5, 2026.03.05, 2026年3月5日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 3000 < value < 80000:  # a date cell that lost its date format
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise ValueError(f"“{_text(value)}”不是日期。")
    text = _text(value)
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise ValueError(
            f"日期“{text}”看不懂：请写成 2026-03-05、2026/3/5、2026.03.05 或 2026年3月5日。"
        )
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"日期“{text}”不存在，请检查年、月、日。") from None


def _people(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _text(value).removesuffix("人次").removesuffix("人")
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"人数“{_text(value)}”应为不小于 1 的整数。")
    return int(text)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed into a number cell
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


# ---------------------------------------------------------------- ids, duplicates, writing


def _key(received: Any, channel: Any, name: Any, summary: Any) -> tuple[str, ...]:
    return (str(received), str(channel), str(name or ""), re.sub(r"\s", "", str(summary)))


def _write_rows(
    root: Path,
    rows: Iterable[_Row],
    reserved: set[str],
    project: Any,
    today: date,
    dry_run: bool,
    file_name: str,
    problems: list[RowProblem],
) -> tuple[list[str], int]:
    ids = existing_ids(root)
    taken = {case_id.lower() for case_id in ids}
    seen = {_key(c.received, c.channel, c.petitioner.name, c.summary) for c in project.cases}
    vocab = vocabularies(project.config)
    written: list[str] = []
    written_rows: dict[str, int] = {}  # lower-case id → row it was imported from
    present = 0
    imported_rows: dict[tuple[str, ...], int] = {}
    with tempfile.TemporaryDirectory(prefix="xfgen-import-") as scratch:
        for row in rows:
            values = row.values
            key = _key(
                values["received"],
                values.get("channel"),
                values.get("petitioner.name"),
                values["summary"],
            )
            case_id = values.get("id")
            if case_id is not None and case_id.lower() in written_rows:
                first = written_rows[case_id.lower()]
                problems.append(
                    RowProblem(
                        row.number,
                        row.columns["id"],
                        "编号",
                        f"编号 {case_id} 与第 {first} 行重复。",
                    )
                )
                continue
            if case_id is not None and case_id.lower() in taken:
                present += 1  # that case is already in the tree
                continue
            if key in imported_rows:
                problems.append(
                    RowProblem(
                        row.number,
                        0,
                        "",
                        f"与第 {imported_rows[key]} 行是同一件事项（登记日期、信访形式、姓名和内容摘要都相同），未重复导入。",
                    )
                )
                continue
            if case_id is None and key in seen:
                present += 1
                continue
            if case_id is not None and not ID_PATTERN.match(case_id):
                problems.append(
                    RowProblem(
                        row.number,
                        row.columns["id"],
                        "编号",
                        f"编号“{case_id}”只能包含英文字母、数字和“-”。",
                    )
                )
                continue
            year = values["received"].year
            if case_id is None:
                case_id = _next_free_id(ids, reserved, year)
            rel = f"{CASES_DIR}/{year}/{case_id}.yaml"
            text = f"# 由 xfgen import 从 {file_name} 第 {row.number} 行导入\n" + record_yaml(
                CASE_FIELDS, _case_values(values, case_id), vocab, skeleton=False
            )
            scratch_path = Path(scratch) / rel
            scratch_path.parent.mkdir(parents=True, exist_ok=True)
            scratch_path.write_text(text, encoding="utf-8")
            case, found = check_case_file(scratch_path, rel, project.config, project.rules, today)
            for problem in found:
                column = row.columns.get(problem.field, 0)
                header = _FIELD_LABELS.get(problem.field, problem.field)
                problems.append(RowProblem(row.number, column, header, problem.message))
            repeat = values.get("repeat_of")
            if case is not None and repeat is not None and repeat.lower() not in taken:
                problems.append(
                    RowProblem(
                        row.number,
                        row.columns.get("repeat_of", 0),
                        _FIELD_LABELS["repeat_of"],
                        f"找不到编号为 {repeat} 的事项：应填此前已登记事项的编号。",
                    )
                )
                continue
            if case is None:
                continue
            if not dry_run:
                _create(root / rel, text)
            taken.add(case_id.lower())
            ids.append(case_id)
            written_rows[case_id.lower()] = row.number
            imported_rows[key] = row.number
            written.append(rel)
    return written, present


def _case_values(values: dict[str, Any], case_id: str) -> dict[str, Any]:
    nested: dict[str, Any] = {"id": case_id}
    for name, value in values.items():
        if name == "id":
            continue
        if "." in name:
            block, key = name.split(".", 1)
            nested.setdefault(block, {})[key] = value
        else:
            nested[name] = value
    return nested


def _next_free_id(ids: list[str], reserved: set[str], year: int) -> str:
    """The next id of the year's pattern that no file and no row of the ledger uses."""
    skipped: list[str] = []
    while (case_id := next_id([*ids, *skipped], year)).lower() in reserved:
        skipped.append(case_id)
    return case_id


def _create(path: Path, text: str) -> None:
    """Write a new file whole, never replacing one (link fails if the name exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.link(tmp, path)
    finally:
        os.unlink(tmp)


def column_letter(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters

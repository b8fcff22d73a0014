"""xfgen import: a ledger workbook as an office keeps it, built here with openpyxl."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import VALID_CASE, Repo
from test_cli import run

from xfgen.commands import import_ledger as imp
from xfgen.commands.import_ledger import parse_date

HEADERS = [
    "序号",
    "编号",
    "登记日期",
    "信访形式",
    "来源",
    "人数",
    "姓名",
    "联系电话",
    "事项性质",
    "事项类别",
    "内容摘要",
    "责任单位",
    "受理日期",
    "办结日期",
    "办理结果",
    "满意度",
]


def ledger(path: Path, rows: list[list[object]]) -> Path:
    """A 登记台账 as offices keep it: merged title, a note row, the header, then rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "2026年台账"
    sheet.append(["测试县信访局2026年信访事项登记台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(["填报单位：测试县信访局", None, None, None, None, None, "截至：2026年6月30日"])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def plain_sheet(path: Path, rows: list[list[object]]) -> Path:
    """A workbook of one sheet ("Sheet") holding just ``rows``, the first row the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


# Rows 4-13 of the workbook; the comment says what each one tests.
ROWS: list[list[object]] = [
    # 4: an Excel date, a phone typed as a number, every status filled
    [1, None, datetime(2026, 3, 5), "来访", "本级受理", 6, "王某某", 13800001234, "申诉求决类",
     "城乡建设/征地拆迁", "反映征地补偿款未足额发放", "城关镇", "2026/3/8", "2026.04.20", "解决", "满意"],
    # 5: 2026年3月6日, 网信 (a short form), 申诉求决 without 类, only the 小类, still open
    [2, None, "2026年3月6日", "网信", "上级交办", 1, "李某", "13900001111", "申诉求决",
     "工资拖欠", "反映工资被拖欠三个月", "县人社局", "2026-03-09", None, None, None],
    # 6: blank
    [None] * 16,
    # 7: a date that does not exist
    [3, None, "2026/2/30", "来信", "本级受理", 1, "张某", None, "建议意见类",
     "农村农业/土地承包", "建议规范土地流转", None, None, None, None, None],
    # 8: a category with a typo
    [4, None, "2026/4/1", "来电", "本级受理", 1, "赵某", None, "申诉求决类",
     "城乡建设/征地拆签", "反映拆迁安置房未交付", None, None, None, None, None],
    # 9: closed before it was accepted (caught by the project's own validation)
    [5, "XF2026-0200", "2026.05.10", "来访", "上级转送", 2, "钱某", None, "建议意见类",
     "农村农业/土地承包", "反映承包地被占用", "河口镇", "2026-05-12", "2026-05-01", "解决", "满意"],
    # 10: its own 编号, a 2026.05.11 date
    [6, "XF2026-0100", "2026.05.11", "来信", "本级受理", 1, "孙某", None, "建议意见类",
     "农村农业/土地承包", "建议修缮村道", None, None, None, None, None],
    # 11: blank
    [None] * 16,
    # 12: the total row
    ["合计", None, None, None, None, 12],
    # 13: signatures
    ["填表人：刘某    审核人：陈某"],
]  # fmt: skip


def test_realistic_ledger_imports_good_rows_and_reports_bad_ones(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE)  # XF2026-0001 exists: new ids continue from 0002
    book = ledger(tmp_path / "台账.xlsx", ROWS)
    code, out, err = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "import", str(book))
    assert err == ""
    assert code == 1
    sheet = "台账.xlsx 工作表“2026年台账”"
    assert out.splitlines() == [
        f"{sheet} 第 7 行 C 列（登记日期）：日期“2026/2/30”不存在，请检查年、月、日。",
        f"{sheet} 第 8 行 J 列（问题类别）：“城乡建设/征地拆签”不是可用的问题类别；"
        "最接近的是“城乡建设/征地拆迁”。如果台账里一直这样写，可在映射文件 values.category 中写上"
        "“城乡建设/征地拆签: 对应的标准值”。",
        f"{sheet} 第 9 行 N 列（办结日期）：办结日期 2026-05-01 早于受理日期 2026-05-12。",
        "工作表“2026年台账”（表头在第 3 行）：已导入 3 件，已存在 0 件，有问题未导入 3 行；"
        "跳过空行 2 行、合计和说明行 2 行。",
    ]
    cases = repo.root / "cases" / "2026"
    assert sorted(p.name for p in cases.iterdir()) == [
        "XF2026-0001.yaml",
        "XF2026-0002.yaml",
        "XF2026-0003.yaml",
        "XF2026-0100.yaml",
    ]
    # Formatted like a hand-written file: DOMAIN.md's key order, a phone in quotes.
    assert (cases / "XF2026-0002.yaml").read_text(encoding="utf-8") == (
        "# 由 xfgen import 从 台账.xlsx 第 4 行导入\n"
        "id: XF2026-0002\n"
        "received: 2026-03-05\n"
        "channel: 来访\n"
        "source: 本级受理\n"
        "people: 6\n"
        "kind: 申诉求决类\n"
        "category: 城乡建设/征地拆迁\n"
        "summary: 反映征地补偿款未足额发放\n"
        "petitioner:\n"
        "  name: 王某某\n"
        '  phone: "13800001234"\n'
        "unit: 城关镇\n"
        "accepted: 2026-03-08\n"
        "closed: 2026-04-20\n"
        "outcome: 解决\n"
        "satisfaction: 满意\n"
    )
    third = (cases / "XF2026-0003.yaml").read_text(encoding="utf-8")
    assert "channel: 网上信访\n" in third
    assert "kind: 申诉求决类\n" in third
    assert "category: 劳动社保/工资拖欠\n" in third

    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "check")
    assert (code, out) == (0, "共检查 4 个文件，全部通过。\n")

    # Importing again adds nothing: rows with 编号 match by id, the others by content.
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "import", str(book))
    assert code == 1
    assert out.splitlines()[-1] == (
        "工作表“2026年台账”（表头在第 3 行）：已导入 0 件，已存在 3 件，有问题未导入 3 行；"
        "跳过空行 2 行、合计和说明行 2 行。"
    )
    assert len(list(cases.iterdir())) == 4


def test_dry_run_writes_nothing(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = ledger(tmp_path / "台账.xlsx", ROWS[:2])
    code, out, _ = run(
        capsys, "-C", str(repo.root), "--today", "2026-11-25", "import", "--dry-run", str(book)
    )
    assert code == 0
    assert "可导入 2 件" in out
    assert out.endswith("这是试运行（--dry-run），没有写入任何文件。\n")
    assert list((repo.root / "cases").iterdir()) == []


def test_csv_in_gbk_follows_the_years_id_pattern(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE.replace("XF2026-0001", "PA2026-017"))
    text = (
        "登记日期,信访方式,来源,性质,问题类别,反映问题,信访人,备注\n"
        "2026-07-01,来信,本级受理,建议意见类,农村农业/土地承包,建议修缮村道,孙某,内部：已电话联系\n"
        ",,,,,,,\n"
        "2026/7/2,来电,本级受理,检举控告类,劳动社保/工资拖欠,举报某企业欠薪,周某,\n"
    )
    source = tmp_path / "台账.csv"
    source.write_bytes(text.encode("gb18030"))  # as Excel in China saves a CSV
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "import", str(source))
    assert code == 0, out
    cases = repo.root / "cases" / "2026"
    first = (cases / "PA2026-018.yaml").read_text(encoding="utf-8")
    assert "notes: 内部：已电话联系\n" in first
    assert (cases / "PA2026-019.yaml").is_file()
    assert "表头在第 1 行" in out


def test_mapping_file_names_columns_and_values(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["收文时间", "反映途径", "来源", "性质", "问题类别", "问题描述", "承办"])
    sheet.append([date(2026, 2, 3), "网", "本级受理", "申诉求决类", "欠薪", "反映欠薪", "人社"])
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  收文时间: received\n  反映途径: channel\n  问题描述: summary\n  承办: unit\n"
        "values:\n  channel: {网: 网上信访}\n  category: {欠薪: 劳动社保/工资拖欠}\n"
        "  unit: {人社: 县人社局}\n",
        encoding="utf-8",
    )
    args = ["-C", str(repo.root), "--today", "2026-11-25", "import", str(path)]
    code, out, _ = run(capsys, *args, "--mapping", str(mapping))
    assert code == 0, out
    text = (repo.root / "cases/2026/XF2026-0001.yaml").read_text(encoding="utf-8")
    assert "channel: 网上信访\n" in text and "unit: 县人社局\n" in text
    assert "category: 劳动社保/工资拖欠\n" in text

    # Without the mapping the columns are not found, and the user is told which.
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "找不到这些列：登记日期、信访形式、内容摘要" in err


def test_missing_columns_and_unreadable_files_are_clear_errors(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = plain_sheet(tmp_path / "ledger.xlsx", [["登记日期", "信访形式", "内容摘要", "姓名"]])
    base = ["-C", str(repo.root), "--today", "2026-11-25", "import"]
    code, _, err = run(capsys, *base, str(path))
    assert code == 2
    assert "找不到这些列：来源、事项性质、问题类别" in err
    code, _, err = run(capsys, *base, "--sheet", "别的表", str(path))
    assert "没有名为“别的表”的工作表；有：Sheet" in err
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    code, _, err = run(capsys, *base, str(old))
    assert code == 2 and "另存为” Excel 工作簿（.xlsx）" in err
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    code, _, err = run(capsys, *base, str(fake))
    assert code == 2 and "不是有效的 .xlsx 文件" in err


def test_oversized_ledger_is_refused(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imp, "MAX_FILE_BYTES", 100)
    source = tmp_path / "big.csv"
    source.write_text("登记日期\n" + "2026-01-01\n" * 20, encoding="utf-8")
    code, _, err = run(capsys, "-C", str(repo.root), "import", str(source))
    assert code == 2 and "请拆分后分批导入" in err


@pytest.mark.parametrize(
    "value",
    [datetime(2026, 3, 5, 9, 30), "2026/3/5", "2026.03.05", "2026年3月5日", "2026-03-05",
     "20260305", "2026/3/5 10:30", 46086],
)  # fmt: skip
def test_date_spellings(value: object) -> None:
    assert parse_date(value) == date(2026, 3, 5)  # 46086 is 2026-03-05 as an Excel serial


@pytest.mark.parametrize("value", ["2026/13/5", "3月5日", "26/3/5", "明天"])
def test_dates_that_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def rewrite(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """The workbook at ``path`` with one part's XML changed, as a hostile file would be."""
    with zipfile.ZipFile(path) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def small_ledger(path: Path) -> Path:
    return ledger(path, ROWS[:2])


@pytest.mark.parametrize(
    ("ref", "what"),
    [("A1:XFD150000", "150,000 行、16,384 列（最后一列为 XFD）"),
     ("A1:XFD10", "10 行、16,384 列"),
     ("A1:P300000", "300,000 行、16 列")],
)  # fmt: skip
def test_a_workbook_declaring_a_huge_sheet_is_refused_before_its_rows_are_read(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str, what: str
) -> None:
    """A1:XFD150000 in a few hundred kB once took 2 GB: every row is padded to the width
    the sheet declares. Refused by the declaration, naming the file and what is too large."""
    path = small_ledger(tmp_path / "台账.xlsx")
    # 150,000 empty rows as well, which compress to almost nothing
    rows = b"".join(b'<row r="%d"/>' % n for n in range(20, 150_000))
    rewrite(path, "xl/worksheets/sheet1.xml",
            lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(),
                               xml).replace(b"</sheetData>", rows + b"</sheetData>"))  # fmt: skip
    assert path.stat().st_size < 400_000
    started = time.process_time()  # this process's own time: the same on a busy machine
    code, out, err = run(capsys, "-C", str(repo.root), "import", str(path))
    assert time.process_time() - started < 10
    assert (code, out) == (2, "")
    assert f"台账.xlsx 的工作表“2026年台账”声明的范围有 {what}" in err
    assert "不像一份台账，已拒绝读取" in err
    assert not list((repo.root / "cases").rglob("*.yaml"))


def with_shared_strings(path: Path, strings: bytes) -> Path:
    """The workbook at ``path`` with a shared-strings part (openpyxl writes cells inline),
    declared as Excel declares it."""
    with zipfile.ZipFile(path) as book:
        parts = {info.filename: book.read(info) for info in book.infolist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + strings + b"</sst>"
    )  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


def test_a_shared_strings_bomb_is_refused_before_its_rows_are_read(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Millions of tiny strings compress to under a megabyte and once ran for minutes at
    1.5 GB: refused by their number, counted as the part is unzipped, or by its size."""
    path = small_ledger(tmp_path / "台账.xlsx")
    assert run(capsys, "-C", str(repo.root), "import", "--dry-run", str(
        with_shared_strings(small_ledger(tmp_path / "ok.xlsx"), b"<si><t>a</t></si>" * 1000)
    ))[0] == 0  # fmt: skip
    with_shared_strings(path, b"<si><t>a</t></si>" * (imp.MAX_SHARED_STRINGS + 1))
    assert path.stat().st_size < 1_000_000
    started = time.process_time()  # this process's own time: the same on a busy machine
    code, _, err = run(capsys, "-C", str(repo.root), "import", str(path))
    assert time.process_time() - started < 10
    assert code == 2
    assert "台账.xlsx 的共享文字表（xl/sharedStrings.xml）有超过 2,000,000 条文字" in err
    # By its declared size (a lower limit here, so that the test stays small).
    monkeypatch.setattr(imp, "MAX_SHARED_STRINGS_BYTES", 1024 * 1024)
    path = small_ledger(tmp_path / "b.xlsx")
    with_shared_strings(path, b"<si><t>" + b"x" * (1 << 21) + b"</t></si>")
    code, _, err = run(capsys, "-C", str(repo.root), "import", str(path))
    assert (
        code == 2 and "b.xlsx 的共享文字表（xl/sharedStrings.xml）解压后有 2 MiB，超过 1 MiB" in err
    )
    # Styles (read whole by openpyxl) likewise.
    monkeypatch.setattr(imp, "MAX_PART_BYTES", 1024 * 1024)
    path = rewrite(small_ledger(tmp_path / "c.xlsx"), "xl/styles.xml",
                   lambda xml: xml.replace(b"</styleSheet>", b"<!--" + b"x" * (1 << 21) + b"--></styleSheet>"))  # fmt: skip
    code, _, err = run(capsys, "-C", str(repo.root), "import", str(path))
    assert code == 2 and "c.xlsx 中的 xl/styles.xml 解压后有 2 MiB，超过 1 MiB" in err


STATUS_HEADERS = ["登记日期", "信访形式", "来源", "事项性质", "问题类别", "内容摘要", "责任单位",
                  "受理日期", "办结日期", "办理结果", "办理状态"]  # fmt: skip


def test_a_status_is_checked_against_the_dates_never_changed(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """在办 with a 受理日期 is an accepted case; without one the row is reported (row,
    column, what is missing) and not written; a status xfgen does not know is reported."""
    common = ["2026-03-05", "来访", "本级受理", "申诉求决类", "城乡建设/征地拆迁"]
    path = plain_sheet(tmp_path / "台账.xlsx", [
        STATUS_HEADERS,
        [*common, "在办且已受理", "城关镇", "2026-03-08", None, None, "在办"],  # 2
        [*common, "在办却没有受理日期", "城关镇", None, None, None, "在办"],  # 3
        [*common, "已办结却没有办结日期", "城关镇", "2026-03-08", None, None, "已办结"],  # 4
        [*common, "待受理却已受理", "城关镇", "2026-03-08", None, None, "待受理"],  # 5
        [*common, "状态看不懂", "城关镇", "2026-03-08", None, None, "搁置"],  # 6
        [*common, "已经办结", "城关镇", "2026-03-08", "2026-04-01", "解决", "办结"],  # 7
        [*common, "尚未受理", None, None, None, None, "待受理"],  # 8
    ])  # fmt: skip
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "import", str(path))
    assert code == 1
    lines = out.splitlines()
    assert lines[:4] == [
        "台账.xlsx 工作表“Sheet” 第 3 行 H 列（受理日期）：办理状态为“在办”，但没有受理日期：在办的事项必须有受理日期。"
        "请补上日期或改正办理状态后再导入；这一行没有导入。",
        "台账.xlsx 工作表“Sheet” 第 4 行 I 列（办结日期）：办理状态为“已办结”，但没有办结日期：已办结的事项必须有办结日期。"
        "请补上日期或改正办理状态后再导入；这一行没有导入。",
        "台账.xlsx 工作表“Sheet” 第 5 行 H 列（受理日期）：办理状态为“待受理”，但有受理日期：待受理的事项还没有受理。"
        "请补上日期或改正办理状态后再导入；这一行没有导入。",
        "台账.xlsx 工作表“Sheet” 第 6 行 K 列（办理状态）：“搁置”不是 xfgen 认得的办理状态（待受理、在办、已办结、不予受理）。"
        "如果台账里一直这样写，可在映射文件 values.status 中写上“搁置: 在办”之类的对应。",
    ]  # fmt: skip
    written = {p.read_text(encoding="utf-8").split("summary: ")[1].split("\n")[0]: p.read_text(encoding="utf-8")
               for p in (repo.root / "cases").rglob("*.yaml")}  # fmt: skip
    assert sorted(written) == sorted(["在办且已受理", "尚未受理", "已经办结"])
    assert (
        "accepted: 2026-03-08" in written["在办且已受理"]
        and "closed" not in written["在办且已受理"]
    )
    assert "accepted" not in written["尚未受理"]
    assert "closed: 2026-04-01" in written["已经办结"]
    assert "status" not in "".join(written.values())  # checked, never written


def test_missing_source_and_kind_name_the_mapping_lines(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = plain_sheet(tmp_path / "台账.xlsx", [
        ["登记日期", "信访形式", "问题类别", "内容摘要"],
        ["2026-03-05", "来访", "城乡建设/征地拆迁", "反映征地补偿款未足额发放"],
    ])  # fmt: skip
    args = ("-C", str(repo.root), "--today", "2026-11-25", "import", str(path))
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "错误：台账.xlsx 工作表“Sheet”第 1 行的表头中找不到这些列：来源、事项性质。",
        "如果台账里有这些列、只是列名不同，在映射文件（--mapping）的 columns 中写明，例如：",
        "  columns:",
        "    台账中的列名: source    # 来源",
        "    台账中的列名: kind    # 事项性质",
        "如果整份台账都是同一个值，在映射文件的 defaults 中写明（xfgen 不会自己填）：",
        "  defaults:",
        "    source: 本级受理    # 来源，可用的值：本级受理、上级交办、上级转送",
        "    kind: 建议意见类    # 事项性质，可用的值：建议意见类、检举控告类、申诉求决类",
        "写好后加 --mapping 映射文件.yaml 重新导入（见 README“从 Excel 台账导入”）。",
    ]
    assert not list((repo.root / "cases").rglob("*.yaml"))
    mapping = repo.write("映射.yaml", "defaults:\n  source: 上级交办\n  kind: 申诉求决类\n")
    code, out, _ = run(capsys, *args, "--mapping", str(mapping))
    assert code == 0, out
    (case,) = (repo.root / "cases").rglob("*.yaml")
    text = case.read_text(encoding="utf-8")
    assert "source: 上级交办\n" in text and "kind: 申诉求决类\n" in text


def test_a_ledger_over_the_row_limit_writes_nothing(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are counted in a pass of their own before any is written (the ledger is
    never held whole): a ledger one row too long writes no file at all."""
    monkeypatch.setattr(imp, "MAX_SHEET_ROWS", 4)  # a title, the header and two rows
    row = "2026-03-05,来访,本级受理,申诉求决类,城乡建设/征地拆迁,反映征地补偿款未足额发放{}\n"
    text = (
        "2026年台账\n登记日期,信访形式,来源,事项性质,问题类别,内容摘要\n"
        + row.format(1)
        + row.format(2)
    )
    source = tmp_path / "台账.csv"
    source.write_text(text, encoding="utf-8")
    args = ("-C", str(repo.root), "--today", "2026-11-25", "import")
    code, out, _ = run(capsys, *args, "--dry-run", str(source))
    assert code == 0 and "可导入 2 件" in out
    source.write_text(text + row.format(3), encoding="utf-8")
    code, _, err = run(capsys, *args, str(source))
    assert code == 2 and "台账.csv 超过 200000 行：请拆分后分批导入" in err
    assert not list((repo.root / "cases").rglob("*.yaml"))

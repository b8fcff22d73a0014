"""xfgen export: the case table, activities and figures in csv, xlsx, json and parquet."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from conftest import VALID_CASE, Repo
from test_cli import run

REPO_ROOT = Path(__file__).resolve().parent.parent

# 2026H1 as of 2026-06-30:
#   0001 received 01-05, accepted 01-08, closed 02-28   (VALID_CASE; 王某某, notes 内部备注)
#   0002 received 02-01, accepted 02-03, open            检举控告类: reporter never shown
#   0003 received 03-01, accepted 03-05, closed 07-10    closed after the as-of date
#   0004 received 04-01, undecided
#   2025-0001 received 2025-11-03 (another period)
# cases 4; accepted by 06-30: 0001, 0002, 0003 = 3; closed by 06-30: 0001 = 1;
# closure = 1/3.
OPEN_REPORT = """\
id: XF2026-0002
received: 2026-02-01
channel: 来信
source: 本级受理
kind: 检举控告类
category: 劳动社保/工资拖欠
summary: 举报某企业拖欠工资
petitioner:
  name: 李四海
  phone: "13900001111"
unit: 县人社局
accepted: 2026-02-03
"""
LATE = """\
id: XF2026-0003
received: 2026-03-01
channel: 来电
source: 上级交办
kind: 申诉求决类
category: 农村农业/土地承包
summary: 反映承包地被占用
petitioner:
  name: 张某
unit: 河口镇
accepted: 2026-03-05
closed: 2026-07-10
outcome: 解决
satisfaction: 满意
"""
UNDECIDED = """\
id: XF2026-0004
received: 2026-04-01
channel: 网上信访
source: 本级受理
kind: 建议意见类
category: 城乡建设/征地拆迁
summary: 建议公开补偿标准
"""
LAST_YEAR = """\
id: XF2025-0001
received: 2025-11-03
channel: 来信
source: 本级受理
kind: 建议意见类
category: 城乡建设/征地拆迁
summary: 建议修缮村道
"""
SECRETS = (
    "王某某",
    "13800001234",
    "110101199001011234",
    "东关村",
    "内部备注",
    "李四海",
    "13900001111",
)


@pytest.fixture
def tree(repo: Repo) -> Repo:
    repo.case(VALID_CASE)
    for text in (OPEN_REPORT, LATE, UNDECIDED):
        repo.case(text)
    repo.write("cases/2025/XF2025-0001.yaml", LAST_YEAR)
    return repo


def export(capsys: pytest.CaptureFixture[str], repo: Repo, *args: str) -> tuple[int, str]:
    code, out, err = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "export", *args)
    return code, out + err


def stats(capsys: pytest.CaptureFixture[str], repo: Repo, period: str) -> dict:
    code, out, _ = run(
        capsys, "-C", str(repo.root), "--today", "2026-11-25", "stats", "-p", period, "--json"
    )
    assert code == 0
    return json.loads(out)


def all_bytes(folder: Path) -> str:
    """Everything written, as text where it is text (parquet and xlsx read back separately)."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*"))


def test_parquet_tables_hold_no_petitioner_field_are_typed_and_never_hold_notes(
    tree: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = export(capsys, tree, "--format", "parquet")
    assert code == 0, out
    folder = tree.root / "export"
    assert out == (
        f"已导出 5 件事项、0 条领导接访记录和 4 个期间的统计数字到 {folder}："
        "cases.parquet、activities.parquet、figures.parquet\n"
    )
    cases = pq.read_table(folder / "cases.parquet")
    assert "notes" not in cases.column_names
    assert str(cases.schema.field("received").type) == "date32[day]"
    rows = {r["id"]: r for r in cases.to_pylist()}
    assert set(rows) == {"XF2025-0001", "XF2026-0001", "XF2026-0002", "XF2026-0003", "XF2026-0004"}
    first = rows["XF2026-0001"]
    assert (first["office"], first["received"], first["acceptance_limit"]) == (
        "测试县信访局",
        date(2026, 1, 5),
        date(2026, 1, 20),  # received 01-05 + 15 days
    )
    assert (first["deadline"], first["extended_deadline"]) == (
        date(2026, 3, 9),  # accepted 01-08 + 60 days
        date(2026, 4, 8),  # and the approved 30-day extension
    )
    # The exchange format a roll-up reads: no petitioner field at all, not even masked.
    assert not [name for name in cases.column_names if "petitioner" in name]
    text = "\n".join(str(r) for r in rows.values())
    for secret in (*SECRETS, "王**", "138****1234", "李四海", "1111"):
        assert secret not in text
    # The figures of xfgen stats --json, one row each.
    figures = {
        (r["period"], r["group"], r["label"]): r["value"]
        for r in pq.read_table(folder / "figures.parquet").to_pylist()
    }
    expected = stats(capsys, tree, "2026H1")
    assert figures[("2026H1", "counts", "cases")] == expected["counts"]["cases"] == 4
    assert figures[("2026H1", "rates", "closure")] == expected["rates"]["closure"] == 1 / 3
    assert figures[("2026H1", "by.channel", "来信")] == 1
    assert figures[("2026H1", "units.城关镇", "cases")] == 1
    # Every half year and year with cases, as xfgen build makes.
    assert {p for p, _, _ in figures} == {"2025H2", "2025", "2026H1", "2026"}


def test_readme_duckdb_query_gives_the_figure_of_xfgen_stats(
    tree: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    duckdb = pytest.importorskip("duckdb")
    assert export(capsys, tree, "--format", "parquet")[0] == 0
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    (query,) = re.findall(r"```sql\n(.*?)```", readme, re.S)
    monkeypatch.chdir(tree.root)
    rows = duckdb.sql(query).fetchall()
    expected = stats(capsys, tree, "2026H1")["rates"]["closure"]
    assert rows == [("测试县信访局", pytest.approx(expected))]
    assert expected == 1 / 3


def test_period_limits_cases_and_figures(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = export(capsys, tree, "--format", "json", "--period", "2026H1")
    assert code == 0, out
    data = json.loads((tree.root / "export/export.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in data["cases"]] == [f"XF2026-000{i}" for i in (1, 2, 3, 4)]
    assert data["cases"][0]["received"] == "2026-01-05"
    assert {f["period"] for f in data["figures"]} == {"2026H1"}
    assert "classification" not in data
    assert not any(s in all_bytes(tree.root / "export") for s in SECRETS)


def test_csv_and_xlsx(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert export(capsys, tree, "--format", "csv")[0] == 0
    raw = (tree.root / "export/cases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so that Excel reads UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows[1]["id"] == "XF2026-0001" and rows[1]["petitioner_name"] == "王**"
    assert rows[1]["skip_level"] == "false" and rows[1]["extension_days"] == "30"
    assert not any(s in all_bytes(tree.root / "export") for s in SECRETS)

    assert export(capsys, tree, "--format", "xlsx")[0] == 0
    book = openpyxl.load_workbook(tree.root / "export/export.xlsx")
    assert book.sheetnames == ["cases", "activities", "figures"]
    sheet = book["cases"]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert first["received"] == datetime(2026, 1, 5)
    assert first["petitioner_name"] == "王**"
    assert sheet.freeze_panes == "A2"
    cells = "\n".join(str(c.value) for s in book.worksheets for row in s for c in row)
    assert not any(secret in cells for secret in SECRETS)


def test_internal_export_is_unmasked_apart_and_marked(
    tree: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = export(capsys, tree, "--format", "parquet", "--internal")
    assert code == 0, out
    folder = tree.root / "export-internal"
    assert not (tree.root / "export").exists()
    assert (folder / "内部资料-注意保密.txt").is_file()
    table = pq.read_table(folder / "cases.parquet")
    assert table.schema.metadata[b"classification"].decode() == "内部资料 注意保密"
    rows = {r["id"]: r for r in table.to_pylist()}
    # Parquet is the exchange format: no petitioner field even in the internal export.
    assert not [name for name in table.column_names if "petitioner" in name]
    assert "王某某" not in str(rows) and "李四海" not in str(rows)
    assert "内部备注" not in str(rows)


def test_export_refuses_invalid_records_and_the_records_folder(
    tree: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = export(capsys, tree, "--format", "csv", "--out", str(tree.root / "cases"))
    assert code == 2 and "不能导出到" in out
    tree.case(UNDECIDED.replace("0004", "0005").replace("2026-04-01", "2026-13-01"))
    code, out = export(capsys, tree, "--format", "csv")
    assert code == 1 and "未导出" in out
    assert not (tree.root / "export").exists()


def test_not_accepted_reason_is_screened_like_a_summary(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # A reason typed with the petitioner's phone and name: free text, screened in public exports.
    repo.case(
        """\
id: XF2026-0005
received: 2026-05-06
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 劳动社保/工资拖欠
summary: 反映工资拖欠
petitioner:
  name: 赵小明
  phone: "13700002222"
not_accepted:
  date: 2026-05-08
  reason: 赵小明（13700002222）已向法院起诉，依法分流
"""
    )
    code, out = export(capsys, repo, "--format", "csv")
    assert code == 0, out
    text = (repo.root / "export" / "cases.csv").read_text(encoding="utf-8-sig")
    assert "13700002222" not in text and "赵小明" not in text
    assert "137****2222" in text and "已向法院起诉" in text

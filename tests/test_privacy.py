"""Nothing personal or live in what xfgen writes (issue #19, DOMAIN.md "Privacy" v3).

Each test reproduces one failure of the issue on a small tree: live formulas in
.xlsx and CSV, a 检举控告类 reporter's name in other free text, masking that
keeps the wrong characters, personal data one ``git add -A`` away.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import Repo
from test_cli import run

from xfgen.reports.ledgers import Column, Ledger, LedgerRow
from xfgen.reports.spreadsheets import csv_text, csv_unquote, ledger_workbook

TODAY = "2026-11-25"
FORMULAS = (
    '=HYPERLINK("http://evil.example/","点击")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
)
CONTROL_LEADS = (
    "\t=1+1",
    "\r=1+1",
)  # not in a record (a one-line field holds no tab), but in a cell


def cli(capsys: pytest.CaptureFixture[str], repo: Repo, *args: str) -> tuple[int, str]:
    code, out, err = run(capsys, "-C", str(repo.root), "--today", TODAY, *args)
    return code, out + err


def live_formulas(data: bytes) -> list[str]:
    """Every formula cell of an .xlsx, and a workbook's request to recalculate on load."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            xml = archive.read(name).decode("utf-8", "replace")
            found += [f"{name}: {m}" for m in re.findall(r"<f[ >][^<]*", xml)]
            if re.search(r'fullCalcOnLoad="(1|true)"', xml):
                found.append(f"{name}: fullCalcOnLoad")
    return found


def formula_case(number: int, summary: str, **extra: str) -> str:
    """A case whose summary (and ``extra`` fields) hold exactly the given text."""
    lines = "".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in extra.items()
    )
    return (
        f"id: XF2026-{number:04d}\nreceived: 2026-03-{number:02d}\nchannel: 来信\n"
        f"source: 本级受理\nkind: 申诉求决类\ncategory: 城乡建设/征地拆迁\n"
        f"summary: {json.dumps(summary, ensure_ascii=False)}\nunit: 城关镇\n{lines}"
    )


# ---------------------------------------------------------------- 1. no formulas


def test_a_ledger_workbook_holds_every_text_as_a_string_and_never_recalculates() -> None:
    columns = (Column("summary", "反映问题", 10), Column("leader", "包案领导", 10))
    texts = (*FORMULAS, *CONTROL_LEADS)
    rows = tuple(LedgerRow({"summary": text, "leader": "=1+1"}, "") for text in texts)
    ledger = Ledger("register", "=台账标题", columns, rows, "=说明")
    data = ledger_workbook(ledger, "=机关", date(2026, 6, 30), internal=False)
    assert live_formulas(data) == []
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    kinds = {c.value: c.data_type for c in cells}
    for text in (*FORMULAS, "=1+1", "=台账标题", "=说明", "=机关"):
        assert kinds[text] == "s", text


def test_export_xlsx_and_csv_hold_no_live_formula(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    for number, text in enumerate(FORMULAS, start=1):
        repo.case(formula_case(number, text, leader='=HYPERLINK("http://x","y")'))
    code, out = cli(capsys, repo, "export", "--format", "xlsx")
    assert code == 0, out
    data = (repo.root / "export/export.xlsx").read_bytes()
    assert live_formulas(data) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    shown = {c.value for row in book["cases"].iter_rows() for c in row}
    assert set(FORMULAS) <= shown  # the text itself, kept exactly

    code, out = cli(capsys, repo, "export", "--format", "csv")
    assert code == 0, out
    rows = list(
        csv.DictReader(
            io.StringIO((repo.root / "export/cases.csv").read_text("utf-8-sig"), newline="")
        )
    )
    assert [r["summary"] for r in rows] == ["'" + text for text in FORMULAS]
    assert {r["leader"] for r in rows} == {'\'=HYPERLINK("http://x","y")'}
    for row in rows:  # no cell begins with a character a spreadsheet reads as a formula
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())

    code, out = cli(capsys, repo, "export", "--format", "json")
    assert code == 0, out
    assert all(t in (repo.root / "export/export.json").read_text("utf-8") for t in ('"=cmd|',))


def test_csv_apostrophe_rule_and_its_inverse() -> None:
    for text in (*FORMULAS, *CONTROL_LEADS):
        assert csv_text(text) == "'" + text
        assert csv_unquote(csv_text(text)) == text
    for text in ("反映问题", "'引号开头", "''=两个引号", "2026-01-05", ""):
        assert csv_text(text) == text
    assert csv_unquote("'引号开头") == "'引号开头"  # only before a formula character
    assert csv_unquote("''=两个引号") == "''=两个引号"  # one apostrophe, and only that one
    assert csv_unquote("'=1") == "=1"


def test_import_strips_the_export_apostrophe_only_before_a_formula_character(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "登记日期,信访方式,来源,性质,问题类别,反映问题,信访人\n"
        "2026-07-01,来信,本级受理,建议意见类,农村农业/土地承包,'=1+2 是公式样的文字,孙某\n"
        "2026-07-02,来信,本级受理,建议意见类,农村农业/土地承包,'引号开头的摘要,周某\n"
        "2026-07-03,来信,本级受理,建议意见类,农村农业/土地承包,''-两个引号,吴某\n"
    )
    source = tmp_path / "台账.csv"
    source.write_text(text, encoding="utf-8")
    code, out = cli(capsys, repo, "import", str(source))
    assert code == 0, out
    written = [
        yaml.safe_load(p.read_text("utf-8"))["summary"]
        for p in sorted((repo.root / "cases/2026").glob("*.yaml"))
    ]
    assert written == ["=1+2 是公式样的文字", "'引号开头的摘要", "''-两个引号"]

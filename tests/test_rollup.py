"""Roll-up: a city's figures from its offices (DOMAIN.md "Roll-up"), from repositories
and from exports (the exchange format), run as a user would.

Two small offices, 2026H1 as of 2026-06-30 unless a test says otherwise:

测试县信访局 (natural days):
  A1 received 01-05 来访 6 people, accepted 01-08, closed 02-28 满意   (城关镇)
  A2 received 02-01 来信, accepted 02-03, open                          (城关镇)
河口县信访局 (calendar: workdays, its own holidays.yaml):
  B1 received 03-02 来访 2 people, accepted 03-03, closed 04-10 不满意  (河口镇)
  B2 received 03-05 来电, accepted 03-06, open                          (河口镇)
  B3 received 04-01 来信, accepted 04-02, open                          (河口镇)
  A1 (an id the first office also has) received 05-06 网上信访, undecided (河口镇)
"""

from __future__ import annotations

import json
import shutil
import textwrap
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from conftest import CONFIG, VALID_CASE
from test_cli import run

from xfgen.commands.rollup import office_figures
from xfgen.figures.pooling import PoolSettings, pool, rank_offices
from xfgen.records.exchange import VERSION, read_exchange
from xfgen.records.models import Case, LeaderboardSettings, Petitioner
from xfgen.records.rollup import Member
from xfgen.records.validation import load_project

TODAY = "2026-11-25"
OFFICE_A = """\
office: 测试县信访局
channels: [来信, 来访, 来电, 网上信访]
sources: [本级受理, 上级交办, 上级转送]
categories: [城乡建设/征地拆迁, 劳动社保/工资拖欠]
units: [城关镇, 河口镇]
outcomes: [解决, 部分解决, 解释疏导, 不予支持]
"""
OFFICE_B = """\
office: 河口县信访局
channels: [来信, 来访, 来电, 网上信访]
sources: [本级受理, 上级交办]
categories: [城建/拆迁, 劳动社保/工资拖欠]
units: [河口镇]
outcomes: [解决, 不予支持]
deadlines: {calendar: workdays}
"""
# 河口县 rests on 2026-05-05 (a Tuesday) by its own file: a deadline falling on it moves on.
HOLIDAYS_B = """\
holidays: [2026-05-05]
"""


def case(case_id: str, received: str, **fields: Any) -> str:
    lines = [
        f"id: {case_id}",
        f"received: {received}",
        f"channel: {fields.pop('channel', '来信')}",
        f"source: {fields.pop('source', '本级受理')}",
        f"kind: {fields.pop('kind', '申诉求决类')}",
        f"category: {fields.pop('category', '劳动社保/工资拖欠')}",
        "summary: 反映工资拖欠",
        "petitioner:",
        "  name: 王某某",
        '  phone: "13800001234"',
        '  id_number: "110101199001011234"',
    ]
    for key, value in fields.items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


CASES_A = {
    "A1": case(
        "A1",
        "2026-01-05",
        channel="来访",
        people=6,
        category="城乡建设/征地拆迁",
        unit="城关镇",
        accepted="2026-01-08",
        closed="2026-02-28",
        outcome="解决",
        satisfaction="满意",
        notes="内部备注",
    ),
    "A2": case("A2", "2026-02-01", unit="城关镇", accepted="2026-02-03"),
}
CASES_B = {
    "B1": case(
        "B1",
        "2026-03-02",
        channel="来访",
        people=2,
        category="城建/拆迁",
        unit="河口镇",
        accepted="2026-03-03",
        closed="2026-04-10",
        outcome="解决",
        satisfaction="不满意",
    ),
    "B2": case("B2", "2026-03-05", channel="来电", unit="河口镇", accepted="2026-03-06"),
    "B3": case("B3", "2026-04-01", unit="河口镇", accepted="2026-04-02"),
    "A1": case("A1", "2026-05-06", channel="网上信访", unit="河口镇"),
}


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def office(root: Path, config: str, cases: dict[str, str], holidays: str | None = None) -> Path:
    write(root, "xfgen.yaml", config)
    (root / "cases").mkdir(parents=True, exist_ok=True)
    for case_id, text in cases.items():
        write(root, f"cases/2026/{case_id}.yaml", text)
    if holidays:
        write(root, "holidays.yaml", holidays)
    return root


def export(capsys: pytest.CaptureFixture[str], repo: Path, out: Path, *args: str) -> None:
    code, stdout, stderr = run(
        capsys, "-C", str(repo), "--today", TODAY, "export", "--format", "parquet",
        "--out", str(out), *args,
    )  # fmt: skip
    assert code == 0, stdout + stderr


def xfgen(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    return run(capsys, "-C", str(root), "--today", TODAY, *args)


ROLLUP = """\
office: 测试市信访局
backlog_target: 0.9
rollup:
  offices:
{members}
  labels:
    categories: {{城建/拆迁: 城乡建设/征地拆迁}}
"""


@pytest.fixture
def city(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A roll-up of 测试县 read in place and 河口县 from its export."""
    root = tmp_path / "city"
    office(root / "offices" / "a", OFFICE_A, CASES_A)
    hekou = office(tmp_path / "hekou", OFFICE_B, CASES_B, HOLIDAYS_B)
    export(capsys, hekou, root / "exports" / "hekou")
    members = "    - path: offices/a\n    - export: exports/hekou\n"
    write(root, "xfgen.yaml", ROLLUP.format(members=members))
    return root


# ---------------------------------------------------------------- the exchange format


def test_export_holds_no_petitioner_field_even_internal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = office(tmp_path / "a", OFFICE_A, CASES_A)
    for args, folder in (((), "public"), (("--internal",), "internal")):
        out = tmp_path / folder
        export(capsys, repo, out, *args)
        cases = pq.read_table(out / "cases.parquet")
        assert not [name for name in cases.column_names if "petitioner" in name]
        assert {"summary", "notes"}.isdisjoint(cases.column_names)
        text = json.dumps(cases.to_pylist(), default=str, ensure_ascii=False)
        for secret in ("王", "13800001234", "1234", "110101", "内部备注"):
            assert secret not in text
        meta = json.loads(cases.schema.metadata[b"xfgen"])
        assert (meta["format"], meta["version"], meta["made"]) == ("xfgen-exchange", VERSION, TODAY)
        assert meta["office"] == "测试县信访局" and meta["periods"] == []
        assert meta["config"]["units"] == ["城关镇", "河口镇"]
        assert meta["holidays_release"] and meta["provisional_years"] == []


def test_export_carries_the_office_calendars_deadlines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # B3 accepted 2026-04-02: + 60 days is 2026-06-01 (a Monday, a working day). B2 accepted
    # 03-06: + 60 is 05-05, a rest day by the office's own holidays.yaml, moved to 05-06.
    # B1 received 03-02: + 15 is 03-17 (a Tuesday).
    repo = office(tmp_path / "b", OFFICE_B, CASES_B, HOLIDAYS_B)
    export(capsys, repo, tmp_path / "out")
    read = read_exchange(tmp_path / "out", "out")
    by_id = {c.id: c for c in read.cases}
    assert read.rules.handling_deadline(by_id["B2"]) == date(2026, 5, 6)
    assert read.rules.handling_deadline(by_id["B3"]) == date(2026, 6, 1)
    assert read.rules.acceptance_deadline(by_id["B1"]) == date(2026, 3, 17)
    assert read.rules.uses_holiday_rule
    assert by_id["A1"].petitioner.name is None and by_id["A1"].summary == ""


def test_the_exchange_format_gives_back_every_case_field_the_figures_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Writer and reader share one declaration: a case read back is the case in its file
    without what never leaves the office (petitioner, summary, notes, reasons)."""
    cases = {
        "A1": VALID_CASE.replace("XF2026-0001", "A1"),
        "A2": case(
            "A2",
            "2026-02-01",
            repeat_of="A1",
            skip_level="true",
            not_accepted="{date: 2026-02-05, reason: 依法分流至人民法院, route: 诉讼}",
            supervision="[{date: 2026-02-03, by: 市信访局, kind: 挂牌督办}]",
            progress="[{date: 2026-02-02, action: 调解, note: 双方到场}, "
            "{date: 2026-02-03, action: 调解中}]",
        ),
    }
    repo = office(tmp_path / "a", CONFIG, cases)
    export(capsys, repo, tmp_path / "out")
    project = load_project(repo, date(2026, 11, 25))
    assert not project.problems
    read = read_exchange(tmp_path / "out", "out")

    def without_personal(c: Case) -> Case:
        return replace(
            c,
            path="",
            summary="",
            petitioner=Petitioner(),
            notes=None,
            not_accepted=c.not_accepted and replace(c.not_accepted, reason=None),
            extension=c.extension and replace(c.extension, reason=None),
            # Only the steps the figures count: a configured method's exact label.
            progress=tuple(replace(s, note=None) for s in c.progress if s.action == "调解"),
        )

    assert [without_personal(c) for c in read.cases] == [without_personal(c) for c in project.cases]
    assert read.meta.config == project.config
    routed = next(c for c in read.cases if c.id == "A2")
    assert routed.not_accepted is not None and routed.not_accepted.route == "诉讼"
    assert [s.action for s in routed.progress] == ["调解"]


def test_a_roll_up_refuses_an_export_of_another_version_or_made_with_period(
    city: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = city / "exports" / "hekou" / "cases.parquet"
    table = pq.read_table(path)
    meta = json.loads(table.schema.metadata[b"xfgen"])
    meta["version"] = VERSION + 1
    pq.write_table(table.replace_schema_metadata({b"xfgen": json.dumps(meta).encode()}), path)
    code, out, err = xfgen(capsys, city, "stats", "-p", "2026H1", "--json")
    assert code == 1
    assert f"exports/hekou/cases.parquet:1:1: (导出): 导出格式版本为 {VERSION + 1}" in out
    assert "只能读取第 1 版" in out
    code, out, _ = xfgen(capsys, city, "check")
    assert code == 1 and "导出格式版本" in out

    export(capsys, tmp_path / "hekou", city / "exports" / "hekou", "--period", "2026H1")
    code, out, _ = xfgen(capsys, city, "stats", "-p", "2026H1")
    assert code == 1
    assert "河口县信访局的导出只含 2026H1 期间的事项（导出时用了 --period）" in out


# ---------------------------------------------------------------- reading the offices


def test_an_office_read_from_its_export_gives_its_repository_figures(
    city: Path, tmp_path: Path
) -> None:
    """Figure for figure, on a workdays calendar with the office's own holidays.yaml."""
    write(city, "offices/hekou/placeholder", "")
    as_of = date(2026, 6, 30)
    from_export = office_figures(
        (city, Member("export", "exports/hekou"), date(2026, 11, 25), "2026H1", as_of)
    )
    from_repo = office_figures(
        (tmp_path, Member("path", "hekou"), date(2026, 11, 25), "2026H1", as_of)
    )
    assert from_export[0] == from_repo[0] == "河口县信访局"
    assert from_export[2] == from_repo[2] == ()
    assert from_export[1] == from_repo[1]
    figures = from_repo[1]
    assert figures is not None
    # B2's moved deadline (05-06) has passed by 06-30 and it is open: overdue; B3's has too.
    assert figures["counts"]["overdue_open"] == 2
    for period, as_of in (("2026", date(2026, 11, 25)), ("2026Q2", date(2026, 5, 6))):
        assert (
            office_figures((city, Member("export", "exports/hekou"), as_of, period, as_of))[1]
            == office_figures((tmp_path, Member("path", "hekou"), as_of, period, as_of))[1]
        )


def test_errors_name_the_office_its_folder_file_and_line(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(city, "offices/a/cases/2026/A3.yaml", case("A3", "2026-02-30", unit="城关镇"))
    code, out, _ = xfgen(capsys, city, "check")
    assert code == 1
    assert "[测试县信访局] offices/a/cases/2026/A3.yaml:2:" in out
    assert "received" in out
    code, out, err = xfgen(capsys, city, "stats", "-p", "2026H1", "--json")
    assert code == 1 and "{" not in out
    assert "[测试县信访局] offices/a/cases/2026/A3.yaml:2:" in out and "汇总未完成" in err


def test_check_passes_a_good_roll_up_and_an_office_command_is_refused(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = xfgen(capsys, city, "check")
    assert (code, out) == (0, "共检查 2 个单位的 4 个文件，全部通过。\n")
    code, out, err = xfgen(capsys, city, "export", "--format", "csv")
    assert code == 2 and "这是汇总仓库" in err


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        (
            "office: 市\nrollup:\n  offices:\n    - path: offices/a\n"
            "  labels:\n    channels: {来电: 来访}\n",
            "来访不能与其他信访形式互相映射（来电 → 来访）",
        ),
        (
            "office: 市\nrollup:\n  offices:\n    - path: offices/a\n"
            "  labels:\n    units: {城关镇: 城区}\n",
            "不能映射 units",
        ),
        ("office: 市\nchannels: [来信]\nrollup:\n  offices:\n    - path: offices/a\n", "channels"),
        ("office: 市\nrollup:\n  offices:\n    - path: offices/none\n", "找不到目录 offices/none"),
        ("office: 市\nrollup:\n  offices:\n    - path: ..\n", "应当是汇总仓库内的一个子目录"),
        (
            "office: 市\nrollup:\n  offices:\n    - path: offices/a\n      export: offices/a\n",
            "path（单位仓库）或 export（导出目录）之一",
        ),
        (
            "office: 市\nrollup:\n  offices:\n    - path: offices/a\n    - path: offices/a/\n",
            "已在第 1 个单位中列出",
        ),
        ("office: 市\nrollup:\n  offices:\n    - path: offices/nested\n", "汇总不能嵌套"),
        (
            "office: 市\nrollup:\n  offices:\n    - path: offices/a\n      site: javascript:alert(1)\n",
            "不是网址",
        ),
        (
            "office: 市\nrollup:\n  offices:\n    - path: offices/a\n      site: ../hekou/\n",
            "应写该单位网站的完整地址",
        ),
    ],
)
def test_roll_up_configuration_problems_are_named(
    city: Path, capsys: pytest.CaptureFixture[str], yaml: str, message: str
) -> None:
    write(city, "offices/nested/xfgen.yaml", "office: 区\nrollup:\n  offices: []\n")
    write(city, "xfgen.yaml", yaml)
    code, _, err = xfgen(capsys, city, "check")
    assert code == 2
    assert message in err and "xfgen.yaml:" in err


def test_offices_must_have_distinct_names(
    city: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office(city / "offices" / "b", OFFICE_B, {})
    members = "    - path: offices/a\n    - export: exports/hekou\n    - path: offices/b\n"
    write(city, "xfgen.yaml", ROLLUP.format(members=members))
    code, out, _ = xfgen(capsys, city, "stats", "-p", "2026H1")
    assert code == 1
    assert "exports/hekou 和 offices/b 的单位名称（office）都是“河口县信访局”" in out


# ---------------------------------------------------------------- the as-of date


def test_as_of_defaults_to_the_oldest_export_and_is_refused_after_it(
    city: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 河口县 exported on 2026-05-20; the city asks on 2026-11-25.
    run(capsys, "-C", str(tmp_path / "hekou"), "--today", "2026-05-20", "export",
        "--format", "parquet", "--out", str(city / "exports" / "hekou"))  # fmt: skip
    code, out, err = xfgen(capsys, city, "stats", "-p", "2026H1", "--json")
    assert code == 0, out + err
    assert "取 2026-05-20（各单位导出日期中最早的是 河口县信访局的 2026-05-20" in err
    figures = json.loads(out)
    assert figures["as_of"] == "2026-05-20"
    assert figures["offices"]["测试县信访局"]["as_of"] == "2026-05-20"
    # 序时进度 from the city's own backlog_target: 140 of the half year's 181 days by 05-20;
    # the same a year earlier; 2025H2 as at its last day, all of it.
    assert figures["rates"]["backlog_schedule"] == float(Fraction(9, 10) * 140 / 181)
    assert figures["previous_year"]["rates"]["backlog_schedule"] == float(
        Fraction(9, 10) * 140 / 181
    )
    assert figures["previous_period"]["rates"]["backlog_schedule"] == 0.9
    assert figures["offices"]["测试县信访局"]["rates"]["backlog_schedule"] is None  # its own
    code, out, err = xfgen(capsys, city, "stats", "-p", "2026H1", "--as-of", "2026-05-21")
    assert code == 2
    assert "截至日期 2026-05-21 晚于这些单位导出的日期：河口县信访局（导出于 2026-05-20）" in err
    code, out, err = xfgen(capsys, city, "stats", "-p", "2026Q1", "--as-of", "2026-03-31")
    assert code == 0 and "截至 2026-03-31" in out


# ---------------------------------------------------------------- pooling


def office_object(cases: int, fractions: dict[str, list[int]], **parts: Any) -> dict[str, Any]:
    """The part of an office's stats object that pooling reads, in DOMAIN's shape."""
    snapshot = {
        "counts": {"cases": cases, "closed": fractions["closure"][0], "handling_days_total": 0},
        "rates": {name: None for name in (*fractions, "backlog_schedule")},
        "avg_handling_days": None,
        "fractions": fractions,
        "by": {"channel": parts.get("channels", {}), "unit": {"城关镇": cases}},
        "has_records": cases > 0,
    }
    return {
        "period": "2026H1",
        "as_of": "2026-06-30",
        **snapshot,
        "by_closed": {"unit": {"城关镇": 1}},
        "office_work": {
            "total": {"events": 1, "batches": 1, "people": 2},
            "by_kind": {parts.get("kind", "接访"): {"events": 1, "batches": 1, "people": 2}},
            "by_leader": {"张伟": {"events": 1, "batches": 1, "people": 2}},
        },
        "units": {},
        "leaderboard": [],
        "unranked": [],
        "previous_year": dict(snapshot, has_records=False),
        "previous_period": {"period": "2025H2", "as_of": "2025-12-31", **snapshot},
    }


def rates(closure: list[int], satisfaction: list[int]) -> dict[str, list[int]]:
    return {
        "timely_acceptance": [1, 1],
        "closure": closure,
        "on_time_closure": [0, 0],
        "satisfaction": satisfaction,
    }


def test_rates_are_pooled_fractions_not_means_and_labels_merge() -> None:
    # closure 1/1 and 1/3: the mean of the rates is 2/3, the pooled rate 2/4.
    offices = {
        "甲县": office_object(1, rates([1, 1], [1, 1]), channels={"来电": 1}, kind="接访"),
        "乙县": office_object(
            4, rates([1, 3], [0, 1]), channels={"电话": 3, "来信": 1}, kind="接待来访"
        ),
    }

    def relabel(vocabulary: str, label: str) -> str:
        table = {"channels": {"电话": "来电"}, "activity_kinds": {"接待来访": "接访"}}
        return table.get(vocabulary, {}).get(label, label)

    pooled = pool(offices, PoolSettings(relabel=relabel))
    assert pooled["rates"]["closure"] == 0.5
    assert pooled["fractions"]["closure"] == [2, 4]
    assert pooled["rates"]["satisfaction"] == 0.5  # 1 of 2 rated
    assert (
        pooled["rates"]["on_time_closure"] is None and pooled["rates"]["backlog_schedule"] is None
    )
    assert pooled["counts"]["cases"] == 5
    assert pooled["by"] == {"channel": {"来信": 1, "来电": 4}}  # no by.unit
    assert "unit" not in pooled["by_closed"]
    assert pooled["office_work"] == {
        "total": {"events": 2, "batches": 2, "people": 4},
        "by_kind": {"接访": {"events": 2, "batches": 2, "people": 4}},
    }
    assert pooled["previous_year"]["has_records"] is False
    assert pooled["previous_year"]["rates"]["closure"] == 0.5
    assert pooled["previous_period"]["period"] == "2025H2"
    assert pooled["previous_period"]["has_records"] is True
    assert {"units", "leaderboard", "unranked"}.isdisjoint(pooled)
    assert pooled["offices"]["乙县"]["by"]["channel"] == {"电话": 3, "来信": 1}  # its own labels


def test_offices_are_ranked_with_the_roll_ups_weights_and_min_cases() -> None:
    offices = {
        "甲县": office_object(3, rates([3, 3], [1, 2])),
        "乙县": office_object(5, rates([4, 5], [2, 2])),
        "丙县": office_object(2, rates([2, 2], [2, 2])),  # below min_cases
        "丁县": office_object(0, rates([0, 0], [0, 0])),  # no case: unranked
    }
    board = LeaderboardSettings(min_cases=3, weights={"closure": 1, "satisfaction": 1})
    ranking, unranked = rank_offices(offices, board)
    # 甲县 (1 + 1/2) / 2 = 3/4; 乙县 (4/5 + 1) / 2 = 9/10.
    assert ranking == [
        {"rank": 1, "office": "乙县", "score": float(Fraction(9, 10)), "cases": 5},
        {"rank": 2, "office": "甲县", "score": 0.75, "cases": 3},
    ]
    assert unranked == ["丁县", "丙县"]


# ---------------------------------------------------------------- stats of a roll-up, end to end


def stats_json(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> dict[str, Any]:
    code, out, err = xfgen(capsys, root, "stats", *args, "--json")
    assert code == 0, out + err
    result: dict[str, Any] = json.loads(out)
    return result


def test_city_figures_are_pooled_by_hand(
    city: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2026H1 as of 2026-06-30, worked out from the cases in the module's docstring.

    测试县: closure 1/2, timely 2/2, on time 1/2 (A2 due 04-04, open), satisfied 1/1, 51 days.
    河口县: closure 1/3, timely 3/4 (its A1 undecided past 05-21), on time 1/3 (B2 due 05-05,
    a rest day by its own holidays.yaml, moved to 05-06; B3 due 06-01), satisfied 0/1, 38 days.
    """
    city_figures = stats_json(capsys, city, "-p", "2026H1")
    assert city_figures["fractions"]["closure"] == [2, 5]
    assert city_figures["rates"]["closure"] == 0.4  # the mean of the rates would be 5/12
    assert city_figures["rates"]["timely_acceptance"] == 5 / 6
    assert city_figures["rates"]["on_time_closure"] == 0.4
    assert city_figures["rates"]["satisfaction"] == 0.5
    assert city_figures["avg_handling_days"] == 44.5
    counts = city_figures["counts"]
    assert (counts["cases"], counts["accepted"], counts["closed"], counts["undecided"]) == (
        6,
        5,
        2,
        1,
    )
    assert (counts["visit_batches"], counts["visit_people"], counts["overdue_open"]) == (2, 8, 3)
    assert counts["handling_days_total"] == 89
    # 城建/拆迁 is the city's 城乡建设/征地拆迁; the same id A1 in both offices is two cases.
    assert city_figures["by"]["category"] == {"劳动社保/工资拖欠": 4, "城乡建设/征地拆迁": 2}
    assert city_figures["by"]["channel"] == {"来信": 2, "来电": 1, "来访": 2, "网上信访": 1}
    assert "unit" not in city_figures["by"] and "unit" not in city_figures["by_closed"]
    assert "by_leader" not in city_figures["office_work"]
    assert {"units", "leaderboard", "unranked"}.isdisjoint(city_figures)
    assert city_figures["previous_year"]["has_records"] is False
    assert city_figures["previous_period"]["period"] == "2025H2"
    # Offices: 测试县 has 2 cases, below min_cases 3. 河口县's score with the default weights:
    # 0.4 × 1/3 + 0.3 × 0 + 0.2 × 3/4 + 0.1 × 1/3 = 19/60.
    assert city_figures["office_ranking"] == [
        {"rank": 1, "office": "河口县信访局", "score": 19 / 60, "cases": 4}
    ]
    assert city_figures["office_unranked"] == ["测试县信访局"]
    # Each office's own object is exactly its own stats, with its own labels.
    own_a = stats_json(capsys, city / "offices" / "a", "-p", "2026H1")
    own_b = stats_json(capsys, tmp_path / "hekou", "-p", "2026H1")
    assert city_figures["offices"] == {"测试县信访局": own_a, "河口县信访局": own_b}
    assert own_b["by"]["category"] == {"劳动社保/工资拖欠": 3, "城建/拆迁": 1}
    code, text, _ = xfgen(capsys, city, "stats", "-p", "2026H1")
    assert code == 0
    assert "办结率" in text and "40.0%" in text and "河口县信访局" in text


def test_a_city_of_exports_gives_the_figures_of_its_repositories(
    city: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three offices (computed in two processes), once read in place and once from exports."""
    third = office(
        tmp_path / "third",
        OFFICE_A.replace("测试县信访局", "青山县信访局"),
        {k: v for k, v in CASES_A.items()} | {"C1": case("C1", "2026-06-01", unit="河口镇")},
    )
    export(capsys, city / "offices" / "a", city / "exports" / "a")
    export(capsys, third, city / "exports" / "third")
    shutil.copytree(tmp_path / "hekou", city / "offices" / "hekou")
    shutil.copytree(third, city / "offices" / "third")
    both = {}
    for kind, folders in (
        ("path", ("offices/a", "offices/hekou", "offices/third")),
        ("export", ("exports/a", "exports/hekou", "exports/third")),
    ):
        members = "".join(f"    - {kind}: {folder}\n" for folder in folders)
        write(city, "xfgen.yaml", ROLLUP.format(members=members))
        both[kind] = stats_json(capsys, city, "-p", "2026", "--as-of", TODAY)
    assert both["path"] == both["export"]
    assert list(both["path"]["offices"]) == ["测试县信访局", "河口县信访局", "青山县信访局"]
    assert both["path"]["counts"]["cases"] == 2 + 4 + 3


def test_an_export_missing_a_column_is_refused_by_check(
    city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = city / "exports" / "hekou" / "cases.parquet"
    table = pq.read_table(path)
    pq.write_table(table.drop_columns(["extended_deadline"]), path)
    code, out, _ = xfgen(capsys, city, "check")
    assert code == 1
    assert (
        "[exports/hekou] exports/hekou/cases.parquet:1:1: (导出): 缺少或不合格式的列 "
        "extended_deadline，请用 xfgen export --format parquet 重新导出。"
    ) in out

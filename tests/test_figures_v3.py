"""The figures DOMAIN.md v3 added, hand-computed on a small tree of real YAML files and
read back from ``xfgen stats --json`` and ``xfgen export`` as a user would run them.

The tree (today 2026-11-25; natural days; ``backlog_target: 0.9``; default methods
调解, 听证, 代办), 2026H1 (181 days) as the period:

  case         received  channel people  what else
  XF2024-0001  2024-03-01 来信 1  上级交办, accepted 2024-03-02, closed 2026-03-10 (积案 resolved)
  XF2024-0002  2024-05-01 来信 1  本级受理, accepted 2024-05-02, open, leader 李强（副县长）
  XF2024-0003  2024-06-01 来信 1  上级交办, accepted 2024-06-02, closed 2026-07-20 (after the period)
  XF2026-0001  01-10 来访 6  skip_level, accepted 01-12, closed 02-20 (39 days); 调解 01-15, 调解中 01-20
  XF2026-0002  02-03 来访 3  repeat_of 0001, accepted 02-04, open; 听证 02-10, 调解 07-01
  XF2026-0003  02-15 来信 2  skip_level, not accepted 02-20, route 诉讼
  XF2026-0004  03-01 网上信访 1  not accepted 03-05, no route
  XF2026-0005  04-10 来电 1  not accepted 07-02 (after the period), route 仲裁
  XF2026-0006  05-05 来信 1  leader 张伟（县长）, accepted 05-06 (deadline 07-05), closed 07-03
  XF2026-0007  01-20 来信 1  上级转送, leader 张伟（县长）, accepted 01-21 (deadline 03-22), closed 03-20
  XF2026-0008  02-01 来信 1  leader 王芳（镇长）, accepted 02-01 (deadline 04-02), closed 04-10;
                             action "调解　" (a full-width space after it)
  XF2026-0009  03-01 来电 1  leader 王芳（镇长）, accepted 03-01 (deadline 04-30), closed 07-10

Days: 01-12→02-20 39, 01-21→03-20 58, 02-01→04-10 68, 05-06→07-03 58, 03-01→07-10 131.
期初积案 (积案 on 2025-12-31: accepted on or before 2024-12-30 and open): the three 2024 cases.
"""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CONFIG

from xfgen.cli import cli

TODAY = date(2026, 11, 25)

CASES = {
    "XF2024-0001": "received: 2024-03-01\nchannel: 来信\nsource: 上级交办\nunit: 城关镇\n"
    "accepted: 2024-03-02\nclosed: 2026-03-10\noutcome: 解决\n",
    "XF2024-0002": "received: 2024-05-01\nchannel: 来信\nsource: 本级受理\nunit: 城关镇\n"
    "leader: 李强（副县长）\naccepted: 2024-05-02\n",
    "XF2024-0003": "received: 2024-06-01\nchannel: 来信\nsource: 上级交办\nunit: 河口镇\n"
    "accepted: 2024-06-02\nclosed: 2026-07-20\noutcome: 解决\n",
    "XF2026-0001": "received: 2026-01-10\nchannel: 来访\npeople: 6\nskip_level: true\n"
    "source: 上级交办\nunit: 城关镇\naccepted: 2026-01-12\nclosed: 2026-02-20\noutcome: 解决\n"
    "progress:\n  - {date: 2026-01-15, action: 调解}\n  - {date: 2026-01-20, action: 调解中}\n",
    "XF2026-0002": "received: 2026-02-03\nchannel: 来访\npeople: 3\nrepeat_of: XF2026-0001\n"
    "source: 本级受理\nunit: 城关镇\naccepted: 2026-02-04\n"
    "progress:\n  - {date: 2026-02-10, action: 听证}\n  - {date: 2026-07-01, action: 调解}\n",
    "XF2026-0003": "received: 2026-02-15\nchannel: 来信\npeople: 2\nskip_level: true\n"
    "source: 本级受理\nnot_accepted:\n  date: 2026-02-20\n  reason: 依法分流至人民法院\n"
    "  route: 诉讼\n",
    "XF2026-0004": "received: 2026-03-01\nchannel: 网上信访\nsource: 本级受理\n"
    "not_accepted:\n  date: 2026-03-05\n  reason: 不属于信访事项\n",
    "XF2026-0005": "received: 2026-04-10\nchannel: 来电\nsource: 本级受理\n"
    "not_accepted:\n  date: 2026-07-02\n  reason: 依法分流至劳动仲裁\n  route: 仲裁\n",
    "XF2026-0006": "received: 2026-05-05\nchannel: 来信\nsource: 本级受理\nunit: 河口镇\n"
    "leader: 张伟（县长）\naccepted: 2026-05-06\nclosed: 2026-07-03\noutcome: 解决\n",
    "XF2026-0007": "received: 2026-01-20\nchannel: 来信\nsource: 上级转送\nunit: 河口镇\n"
    "leader: 张伟（县长）\naccepted: 2026-01-21\nclosed: 2026-03-20\noutcome: 解决\n",
    "XF2026-0008": "received: 2026-02-01\nchannel: 来信\nsource: 本级受理\nunit: 县人社局\n"
    "leader: 王芳（镇长）\naccepted: 2026-02-01\nclosed: 2026-04-10\noutcome: 解决\n"
    "progress:\n  - date: 2026-02-05\n    action: 调解\u3000\n",
    "XF2026-0009": "received: 2026-03-01\nchannel: 来电\nsource: 本级受理\nunit: 县人社局\n"
    "leader: 王芳（镇长）\naccepted: 2026-03-01\nclosed: 2026-07-10\noutcome: 解决\n",
}

ACTIVITIES = {
    "HD2025-0001": ("2025-05-01", "接访", "张伟（县长）", "县级领导", 4, 9),
    "HD2026-0001": ("2026-03-02", "接访", "张伟（县长）", "县级领导", 3, 11),
    "HD2026-0002": ("2026-04-10", "下访", "张伟（县长）", "县级领导", 1, 2),
    "HD2026-0003": ("2026-05-20", "接访", "李强（副县长）", "县级领导", 2, 5),
    "HD2026-0004": ("2026-06-01", "约访", "王芳（镇长）", "乡镇领导", 0, 0),
}


def write_case(root: Path, case_id: str, body: str) -> None:
    text = (
        f"id: {case_id}\n{body}kind: 申诉求决类\ncategory: 劳动社保/工资拖欠\nsummary: 反映问题\n"
    )
    path = root / "cases" / case_id[2:6] / f"{case_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_activity(root: Path, activity_id: str, values: tuple[Any, ...]) -> None:
    day, kind, leader, level, batches, people = values
    text = (
        f"id: {activity_id}\ndate: {day}\nkind: {kind}\nleader: {leader}\nlevel: {level}\n"
        f"batches: {batches}\npeople: {people}\n"
    )
    path = root / "activities" / activity_id[2:6] / f"{activity_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("v3")
    (root / "xfgen.yaml").write_text(CONFIG + "backlog_target: 0.9\n", encoding="utf-8")
    for case_id, body in CASES.items():
        write_case(root, case_id, body)
    for activity_id, values in ACTIVITIES.items():
        write_activity(root, activity_id, values)
    return root


def stats(root: Path, period: str, as_of: str | None = None) -> dict[str, Any]:
    args = ["-C", str(root), "--today", TODAY.isoformat(), "stats", "-p", period, "--json"]
    result = CliRunner().invoke(cli, [*args, *(["--as-of", as_of] if as_of else [])])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_visits_people_and_routes_at_the_period_end(tree: Path) -> None:
    f = stats(tree, "2026H1")
    c = f["counts"]
    assert c["cases"] == 9
    assert (c["visit_batches"], c["visit_people"]) == (2, 9)
    # 越级: 0001 (来访, 6 人) and 0003 (来信): 越级信访 2 件, 越级访 1 批 6 人次
    assert (c["skip_level"], c["skip_level_visits"], c["skip_level_visit_people"]) == (2, 1, 6)
    assert (c["repeat_visits"], c["repeat_visit_people"]) == (1, 3)
    assert f["by_people"] == {"channel": {"来电": 2, "来信": 5, "来访": 9, "网上信访": 1}}
    # 0004 is not accepted without a route; 0005's decision (07-02) comes after the as-of date.
    assert c["routed"] == 1 and f["by"]["route"] == {"诉讼": 1}
    assert (c["not_accepted"], c["undecided"]) == (2, 1)


def test_routes_known_by_an_as_of_after_the_period(tree: Path) -> None:
    f = stats(tree, "2026H1", "2026-08-15")
    assert f["counts"]["cases"] == 9  # the cohort stops at the period's end
    assert f["counts"]["routed"] == 2
    assert f["by"]["route"] == {"仲裁": 1, "诉讼": 1}


def test_methods_count_exact_labels_only(tree: Path) -> None:
    """调解中 (0001's second step) and "调解　" (0008) are not 调解; 0002's 调解 of 07-01
    counts only once the as-of date has reached it; 0001 counts once though it has two steps."""
    f = stats(tree, "2026H1")
    assert f["by_method"] == {"代办": 0, "听证": 1, "调解": 1}
    assert f["counts"]["method_cases"] == 2
    later = stats(tree, "2026H1", "2026-08-15")
    assert later["by_method"] == {"代办": 0, "听证": 1, "调解": 2}
    assert later["counts"]["method_cases"] == 2


def test_months_of_receipt_and_of_closing(tree: Path) -> None:
    f = stats(tree, "2026H1")
    months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert f["by"]["month"] == dict(zip(months, [2, 3, 2, 1, 1, 0], strict=True))
    # Closings of any cohort up to 06-30: 0001 (02-20); 2024-0001 (03-10), 0007 (03-20); 0008 (04-10).
    assert f["by_closing_month"] == dict(zip(months, [0, 1, 2, 1, 0, 0], strict=True))
    # After the period's end: still its six months, and no closing after 06-30.
    later = stats(tree, "2026H1", "2026-08-15")
    assert later["by"]["month"] == f["by"]["month"]
    assert later["by_closing_month"] == f["by_closing_month"]
    # Within the period: only the months begun by the as-of date.
    early = stats(tree, "2026H1", "2026-03-15")
    assert early["by"]["month"] == {"2026-01": 2, "2026-02": 3, "2026-03": 2}
    assert early["by_closing_month"] == {"2026-01": 0, "2026-02": 1, "2026-03": 1}


def test_handling_days_total_is_what_the_average_divides(tree: Path) -> None:
    f = stats(tree, "2026H1")
    assert f["counts"]["handling_days_total"] == 39 + 58 + 68
    assert f["counts"]["closed"] == 3
    assert f["avg_handling_days"] == pytest.approx(165 / 3)
    later = stats(tree, "2026H1", "2026-08-15")  # 0006 and 0009 closed since
    assert later["counts"]["handling_days_total"] == 165 + 58 + 131
    assert later["counts"]["closed"] == 5


def test_leader_on_time_closure_and_its_window(tree: Path) -> None:
    """领导包案 of 2026H1: 2024-0002, 0006, 0007, 0008, 0009 (5). W = 06-30 for both as-of dates.
    Closed in the window: 0007 (on time), 0008 (late). Open at W past the deadline:
    2024-0002 and 0009 (closed 07-10, after the window). 0006 is open at W but due 07-05.
    包案按期办结率 = 1 ÷ 4."""
    for as_of in (None, "2026-08-15"):
        f = stats(tree, "2026H1", as_of)
        assert f["counts"]["leader_cases"] == 5
        assert f["counts"]["leader_closed"] == 2
        assert f["counts"]["leader_closed_on_time"] == 1
        assert f["rates"]["leader_on_time_closure"] == 0.25
        assert f["fractions"]["leader_on_time_closure"] == [1, 4]
    # As of 03-21: W = 03-21. 0007 closed on time; 2024-0002 open past its deadline;
    # 0008 (due 04-02) and 0009 (due 04-30) open and not yet due: 1 ÷ 2.
    early = stats(tree, "2026H1", "2026-03-21")
    assert early["fractions"]["leader_on_time_closure"] == [1, 2]


def test_backlog_by_source_and_schedule(tree: Path) -> None:
    f = stats(tree, "2026H1", "2026-08-15")
    assert f["counts"]["backlog_start"] == 3
    assert f["by_backlog_start"] == {"source": {"上级交办": 2, "本级受理": 1}}
    # 2024-0003 is closed 07-20: after the period, so not resolved within it.
    assert f["by_backlog_resolved"] == {"source": {"上级交办": 1}}
    assert f["fractions"]["backlog_resolution"] == [1, 3]
    assert f["rates"]["backlog_schedule"] == 0.9  # W is the period's last day
    # As of 03-15: 0.9 × (31 + 28 + 15) ÷ 181.
    early = stats(tree, "2026H1", "2026-03-15")
    assert Fraction(early["rates"]["backlog_schedule"]) == pytest.approx(Fraction(9, 10) * 74 / 181)
    assert "backlog_schedule" not in early["fractions"]


def test_no_schedule_without_a_target(tmp_path: Path) -> None:
    (tmp_path / "xfgen.yaml").write_text(CONFIG, encoding="utf-8")
    write_case(tmp_path, "XF2026-0001", CASES["XF2026-0004"])
    f = stats(tmp_path, "2026H1")
    assert f["rates"]["backlog_schedule"] is None
    assert f["previous_year"]["rates"]["backlog_schedule"] is None


def test_fractions_hold_every_rate_but_the_schedule(tree: Path) -> None:
    f = stats(tree, "2026H1")
    assert list(f["fractions"]) == [k for k in f["rates"] if k != "backlog_schedule"]
    assert f["fractions"]["closure"] == [3, 6]
    # Decided within 15 days: all but 0005 (undecided, its limit 04-25 passed).
    assert f["fractions"]["timely_acceptance"] == [8, 9]
    assert f["fractions"]["repeat"] == [1, 9]
    for name, (numerator, denominator) in f["fractions"].items():
        rate = f["rates"][name]
        assert rate is None if denominator == 0 else rate == numerator / denominator, name


def test_office_work_by_level_and_leader(tree: Path) -> None:
    f = stats(tree, "2026H1")
    assert f["office_work"]["by_level_leader"] == {
        "乡镇领导": {"王芳（镇长）": {"events": 1, "batches": 0, "people": 0}},
        "县级领导": {
            "张伟（县长）": {"events": 2, "batches": 4, "people": 13},
            "李强（副县长）": {"events": 1, "batches": 2, "people": 5},
        },
    }


def test_previous_blocks_hold_the_v3_keys_at_their_own_as_of(tree: Path) -> None:
    f = stats(tree, "2026H1", "2026-03-15")
    year = f["previous_year"]  # 2025H1 as of 2025-03-15: no case of its own, older ones exist
    assert year["has_records"] is True
    assert year["counts"]["cases"] == 0
    assert year["by"]["month"] == {"2025-01": 0, "2025-02": 0, "2025-03": 0}
    assert year["by"]["route"] == {} and year["by_people"] == {"channel": {}}
    assert year["fractions"]["closure"] == [0, 0]
    assert Fraction(year["rates"]["backlog_schedule"]) == pytest.approx(Fraction(9, 10) * 74 / 181)
    # HD2025-0001 (2025-05-01) lies after 2025-03-15: not yet done as at that date.
    assert year["office_work"]["total"] == {"events": 0, "batches": 0, "people": 0}
    assert set(year) >= {"counts", "rates", "avg_handling_days", "by", "by_people"}
    assert set(year) & {"by_closed", "by_method", "by_closing_month", "by_backlog_start"} == set()
    period = f["previous_period"]  # 2025H2 as of 2025-12-31
    assert period["rates"]["backlog_schedule"] == 0.9
    assert list(period["by"]["month"]) == [f"2025-{m:02d}" for m in range(7, 13)]
    assert period["counts"]["backlog"] == 3  # the three 2024 cases, open on 2025-12-31
    full = stats(tree, "2026H1")["previous_year"]  # 2025H1 as of 2025-06-30
    assert full["office_work"] == {
        "total": {"events": 1, "batches": 4, "people": 9},
        "by_kind": {"接访": {"events": 1, "batches": 4, "people": 9}},
        "by_level": {"县级领导": {"events": 1, "batches": 4, "people": 9}},
    }


def test_a_previous_year_without_any_record(tree: Path) -> None:
    """2024H1's previous year, 2023H1: no case received by 2023-06-30 and no activity in it."""
    f = stats(tree, "2024H1")
    assert f["previous_year"]["has_records"] is False
    assert f["previous_period"]["has_records"] is False  # 2023H2
    assert f["previous_year"]["counts"]["cases"] == 0
    assert stats(tree, "2025H1")["previous_year"]["has_records"] is True  # the 2024 cases


def test_an_activity_alone_makes_records(tmp_path: Path) -> None:
    """has_records: any activity dated within the period (the whole period, as DOMAIN.md
    says, even after the block's as-of date), or any case received on or before it."""
    (tmp_path / "xfgen.yaml").write_text(CONFIG, encoding="utf-8")
    write_case(tmp_path, "XF2026-0001", CASES["XF2026-0004"])
    write_activity(
        tmp_path, "HD2025-0001", ("2025-05-01", "接访", "张伟（县长）", "县级领导", 1, 1)
    )
    f = stats(tmp_path, "2026H1", "2026-03-31")
    assert f["previous_year"]["has_records"] is True  # 2025H1, though as of 2025-03-31
    assert f["previous_period"]["has_records"] is False  # 2025H2: nothing
    assert f["previous_year"]["office_work"]["total"]["events"] == 0


def test_the_export_carries_each_rate_with_its_numerator_and_denominator(
    tree: Path, tmp_path: Path
) -> None:
    args = ["-C", str(tree), "--today", TODAY.isoformat(), "export", "--format", "json"]
    result = CliRunner().invoke(cli, [*args, "-p", "2026H1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    rows = json.loads((tmp_path / "out" / "export.json").read_text(encoding="utf-8"))["figures"]
    found = {(r["group"], r["label"]): r for r in rows}
    closure = found[("rates", "closure")]
    assert (closure["value"], closure["numerator"], closure["denominator"]) == (0.5, 3, 6)
    on_time = found[("rates", "leader_on_time_closure")]
    assert (on_time["numerator"], on_time["denominator"]) == (1, 4)
    schedule = found[("rates", "backlog_schedule")]
    assert (schedule["value"], schedule["numerator"], schedule["denominator"]) == (0.9, None, None)
    assert found[("previous_year.rates", "closure")]["denominator"] == 0
    # 城关镇's cohort: 0001 (closed) and 0002 (open): 办结率 1 ÷ 2.
    unit = found[("units.城关镇.rates", "closure")]
    assert (unit["value"], unit["numerator"], unit["denominator"]) == (0.5, 1, 2)
    counts = found[("counts", "method_cases")]
    assert (counts["value"], counts["numerator"], counts["denominator"]) == (2, None, None)
    assert found[("by.month", "2026-06")]["value"] == 0
    assert found[("office_work.by_level_leader.县级领导.张伟（县长）", "people")]["value"] == 13
    assert not [r for r in rows if "fractions" in r["group"] or r["label"] == "fractions"]


def test_the_stats_json_lists_every_v3_key(tree: Path) -> None:
    f = stats(tree, "2026H1")
    assert {
        "fractions",
        "by_people",
        "by_method",
        "by_backlog_start",
        "by_backlog_resolved",
    } <= set(f)
    assert "by_closing_month" in f and "by_level_leader" in f["office_work"]
    assert list(f["by"]) == [
        "channel",
        "source",
        "kind",
        "category",
        "unit",
        "outcome",
        "month",
        "route",
    ]

"""The summary's wording rules (xfgen/reports/wording.py) on objects shaped as ``stats --json``.

Each object is written out by hand, in the shape of DOMAIN.md "Machine-readable
figures"; the expected sentences are DOMAIN.md "What a summary says" filled in by hand.
"""

from __future__ import annotations

import copy
from dataclasses import fields
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import pytest

from xfgen.figures.compute import Counts, Rates
from xfgen.reports import wording
from xfgen.reports.wording import Vocabulary

WORDS = Vocabulary(
    channels=("来信", "来访", "来电", "网上信访"),
    sources=("本级受理", "上级交办", "上级转送"),
    categories=("城乡建设/征地拆迁", "劳动社保/工资拖欠", "农村农业/土地承包"),
    outcomes=("解决", "部分解决", "解释疏导", "不予支持"),
    routes=("诉讼", "仲裁", "行政复议", "纪检监察", "其他法定途径"),
    methods=("调解", "听证", "代办"),
    activity_kinds=("接访", "下访", "约访"),
    leader_levels=("县级领导", "乡镇领导", "部门领导"),
    supervision_kinds=("督办", "挂牌督办"),
    leaders=("张伟（县委书记）", "李强（县长）", "王芳（县委副书记）"),
)

# The keys of the JSON's counts and rates (DOMAIN.md "Machine-readable figures").
COUNT_KEYS = [f.name for f in fields(Counts)]
RATE_KEYS = [f.name for f in fields(Rates) if f.name != "backlog_schedule"]


def block(counts: dict[str, int] | None = None, fractions: dict[str, list[int]] | None = None,
          has_records: bool = True, **extra: Any) -> dict[str, Any]:  # fmt: skip
    """One period's counts, rates (from their fractions) and maps, zeros where not given."""
    c = dict.fromkeys(COUNT_KEYS, 0) | (counts or {})
    f = {key: [0, 0] for key in RATE_KEYS} | (fractions or {})
    rates = {k: (n / d if d else None) for k, (n, d) in f.items()}
    rates["backlog_schedule"] = None
    closed = c["closed"]
    return {
        "counts": c,
        "rates": rates,
        "fractions": f,
        "avg_handling_days": c["handling_days_total"] / closed if closed else None,
        "by": {
            "channel": {},
            "source": {},
            "kind": {},
            "category": {},
            "unit": {},
            "outcome": {},
            "month": {},
            "route": {},
        },  # fmt: skip
        "by_people": {"channel": {}},
        "office_work": {
            "total": {"events": 0, "batches": 0, "people": 0},
            "by_kind": {},
            "by_level": {},
        },  # fmt: skip
        "has_records": has_records,
        **extra,
    }


def stats(now: dict[str, Any], year: dict[str, Any] | None = None,
          before: dict[str, Any] | None = None, period: str = "2026H1",
          start: str = "2026-01-01", end: str = "2026-06-30", as_of: str = "2026-06-30",
          **extra: Any) -> dict[str, Any]:  # fmt: skip
    obj = copy.deepcopy(now) | extra
    obj |= {"period": period, "start": start, "end": end, "as_of": as_of}
    obj.setdefault("by_closed", {"source": {}})
    obj.setdefault("by_method", dict.fromkeys(WORDS.methods, 0))
    obj.setdefault("by_supervision_kind", {"督办": 0, "挂牌督办": 0})
    obj.setdefault("by_backlog_start", {"source": {}})
    obj["office_work"].setdefault("by_level_leader", {})
    obj["previous_year"] = year if year is not None else block()
    obj["previous_period"] = {"period": "2025H2", "as_of": "2025-12-31"} | (
        before if before is not None else block()
    )
    return obj


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("label", "start", "end", "as_of", "name"),
    [
        ("2026", "2026-01-01", "2026-12-31", "2026-12-31", "2026年"),
        ("2026", "2026-01-01", "2026-12-31", "2026-11-30", "2026年1—11月"),
        ("2026", "2026-01-01", "2026-12-31", "2026-12-02", "2026年1月1日至12月2日"),
        ("2026", "2026-01-01", "2026-12-31", "2026-01-31", "2026年1月"),
        ("2026H1", "2026-01-01", "2026-06-30", "2026-06-30", "2026年上半年"),
        ("2026H1", "2026-01-01", "2026-06-30", "2026-05-31", "2026年1—5月"),
        ("2026H2", "2026-07-01", "2026-12-31", "2026-09-30", "2026年7—9月"),
        ("2026H2", "2026-07-01", "2026-12-31", "2026-07-31", "2026年7月"),
        ("2026H2", "2026-07-01", "2026-12-31", "2026-07-15", "2026年7月1日至7月15日"),
        ("2026Q1", "2026-01-01", "2026-03-31", "2026-03-31", "2026年第一季度"),
        ("2026-03", "2026-03-01", "2026-03-31", "2026-03-31", "2026年3月"),
        ("2026-03", "2026-03-01", "2026-03-31", "2026-03-20", "2026年3月1日至3月20日"),
    ],
)
def test_period_names(label: str, start: str, end: str, as_of: str, name: str) -> None:
    days = [date.fromisoformat(d) for d in (start, end, as_of)]
    assert wording.period_name(label, *days) == name


def test_period_name_across_years_names_both_years() -> None:
    name = wording.period_name("2026", date(2026, 12, 1), date(2027, 6, 1), date(2027, 1, 5))
    assert name == "2026年12月1日至2027年1月5日"


def test_title_stamp_scope_and_numerals() -> None:
    assert (
        wording.title("平安县信访局", "2026年上半年", True)
        == "平安县信访局2026年上半年信访工作总结"
    )
    assert (
        wording.title("平安县信访局", "2026年1—11月", False)
        == "平安县信访局2026年1—11月信访工作情况"
    )
    assert wording.build_stamp(datetime(2026, 12, 2, 9, 30)) == "生成于2026年12月2日 09:30"
    assert wording.scope("平安县信访局") == "全县"
    assert wording.scope("市场监督管理局") == "本单位"
    assert [wording.numeral(n) for n in (1, 5, 6, 10, 12, 20, 21)] == [
        "一", "五", "六", "十", "十二", "二十", "二十一",
    ]  # fmt: skip


# ---------------------------------------------------------------- changes


@pytest.mark.parametrize(
    ("now", "before", "text"),
    [
        (3, 0, "同比增加3件"),  # from 0: the difference
        (2, 1, "同比增加1件"),  # from 1: never "上升100.0%"
        (4, 9, "同比减少5件"),
        (15, 12, "同比上升25.0%"),  # from 12: the percentage
        (15, 16, "同比下降6.3%"),
        (10, 10, "同比持平"),
        (0, 0, "同比持平"),
    ],
)
def test_count_changes_below_ten_are_differences(now: int, before: int, text: str) -> None:
    assert wording.change_text("count", now, before, "同比") == text


def test_count_change_names_its_unit() -> None:
    assert wording.change_text("count", 8, 5, "环比", "人次") == "环比增加3人次"
    assert wording.change_text("count", 2, 5, "同比", "批") == "同比减少3批"
    assert wording.change_cell("count", 8, 5, "同比", "人次") == "增加3人次"


def test_rate_and_day_changes_are_differences_of_shown_values() -> None:
    assert wording.change_text("rate", Fraction(17, 18), Fraction(87, 100), "同比") == (
        "同比提高7.4个百分点"
    )  # 94.4% against 87.0%
    # equal shown values: 持平 though the exact values differ
    assert wording.change_text("rate", Fraction(1, 3), Fraction(3331, 10000), "环比") == "环比持平"
    assert (
        wording.change_text("days", Fraction(299, 12), Fraction(99, 2), "同比") == "同比减少24.6天"
    )
    assert wording.change_text("rate", Fraction(1, 2), None, "同比") == "上年同期无数据"
    assert wording.change_text("days", Fraction(1), None, "环比") == "上期无数据"
    assert wording.change_cell("rate", None, Fraction(1, 2), "同比") == "—"
    assert wording.change_cell("count", 3, 0, "同比", recorded=False) == "上年同期无记录"


def test_rates_are_rounded_half_up_from_fractions() -> None:
    obj = block(fractions={"closure": [1, 16]})
    obj["rates"]["closure"] = 0.0624999  # a float that would round the other way is not used
    assert wording.percent(wording.rate(obj, "closure")) == "6.3%"


# ---------------------------------------------------------------- sentences

NOW = block(
    counts={"cases": 153, "people": 236, "accepted": 139, "not_accepted": 10, "undecided": 4,
            "routed": 3, "closed": 98, "visit_batches": 40, "visit_people": 120,
            "collective_batches": 2, "collective_people": 14, "first_time": 140, "repeat": 13,
            "repeat_visits": 5, "repeat_visit_people": 9, "skip_level": 3,
            "skip_level_visits": 3, "skip_level_visit_people": 7, "handling_days_total": 2450,
            "review_requested": 2, "review_decided": 1, "review_upheld": 1},
    fractions={"timely_acceptance": [136, 144], "on_time_closure": [90, 100],
               "closure": [98, 139], "first_time_closure": [90, 128],
               "rating_participation": [90, 98], "satisfaction": [85, 90]},
    by={"channel": {"来信": 60, "来访": 40, "网上信访": 53}, "source": {"本级受理": 100,
        "上级交办": 53}, "kind": {"建议意见类": 3, "申诉求决类": 150},
        "category": {"劳动社保/工资拖欠": 21, "城乡建设/征地拆迁": 21, "农村农业/土地承包": 4,
                     "其他/其他": 107},
        "unit": {}, "outcome": {"解决": 80, "不予支持": 18}, "month": {},
        "route": {"诉讼": 2, "仲裁": 1}},
    by_people={"channel": {"来信": 60, "来访": 120, "网上信访": 56}},
)  # fmt: skip
YEAR = block(
    counts={"cases": 169, "people": 222, "review_requested": 2, "recheck_decided": 2,
            "handling_days_total": 2400, "closed": 100},
    fractions={"timely_acceptance": [87, 100], "on_time_closure": [90, 100],
               "closure": [100, 150], "first_time_closure": [0, 0],
               "rating_participation": [1, 1], "satisfaction": [1, 2]},
    by={"category": {"劳动社保/工资拖欠": 12, "城乡建设/征地拆迁": 1}},
)  # fmt: skip
BEFORE = block(counts={"cases": 150, "people": 236, "closed": 1, "handling_days_total": 20},
               fractions={"timely_acceptance": [1, 1]})  # fmt: skip


def test_section_one_sentences() -> None:
    s = stats(NOW, YEAR, BEFORE, by_closed={"source": {"本级受理": 60, "上级交办": 38}})
    basic = wording.sentences(s, WORDS, "全县").basic
    assert basic == (
        "2026年上半年，全县共登记信访事项153件，同比下降9.5%，环比上升2.0%；"
        "涉及236人次，同比上升6.3%，环比持平。"
        "其中已受理139件、不予受理10件（依法分流3件：诉讼2件、仲裁1件）、尚未作出受理决定4件。",
        "按信访形式分，来信60件（占39.2%），来访40批120人次（占26.1%；其中集体访2批14人次），"
        "网上信访53件56人次（占34.6%）；初信初访140件，重复信访13件（其中重复访5批9人次）；"
        "越级访3批7人次。",
        "按来源分，本级受理100件、已办结60件，上级交办53件、已办结38件。"
        "按事项性质分，建议意见类3件（占2.0%），申诉求决类150件（占98.0%）。"
        "已办结事项中，解决80件，不予支持18件。",
        "按问题类别分，居前四位的是：其他107件（占69.9%，同比增加107件），"
        "征地拆迁21件（占13.7%，同比增加20件），工资拖欠21件（占13.7%，同比上升75.0%），"
        "土地承包4件（占2.6%，同比增加4件）。",
    )


def test_skip_level_of_another_channel_reads_as_xinfang() -> None:
    now = copy.deepcopy(NOW)
    now["counts"] |= {"skip_level": 5}
    basic = wording.sentences(stats(now, YEAR, BEFORE), WORDS, "全县").basic
    assert basic[1].endswith("；越级信访5件（其中越级访3批7人次）。")


def test_section_two_rates_leave_out_no_data_and_say_no_data_before() -> None:
    handling = wording.sentences(stats(NOW, YEAR, BEFORE), WORDS, "全县").handling
    assert handling[0] == (
        "及时受理率94.4%，同比提高7.4个百分点，环比降低5.6个百分点；"
        "按期办结率90.0%，同比持平，上期无数据；"
        "办结率70.5%，同比提高3.8个百分点，上期无数据；"
        "初信初访办结率70.3%，上年同期无数据，上期无数据；"
        "参评率91.8%，同比降低8.2个百分点，上期无数据；"
        "满意率94.4%，同比提高44.4个百分点，上期无数据；"
        "平均办理天数25.0天，同比增加1.0天，环比增加5.0天。"
    )


def test_review_counts_from_one_and_zero_now_and_before() -> None:
    handling = wording.sentences(stats(NOW, YEAR, BEFORE), WORDS, "全县").handling
    # 申请复查 2 against 2: 持平; 复核 0 now, 2 decided before: kept with its change;
    # 申请复核 0 now and before: left out.
    assert handling[1:] == (
        "申请复查2件，同比持平；作出复查意见1件，其中维持1件。作出复核意见0件，同比减少2件。",
    )


def test_methods_sentence() -> None:
    now = copy.deepcopy(NOW)
    now["counts"]["method_cases"] = 7
    s = stats(now, YEAR, BEFORE)
    s["by_method"] = {"调解": 5, "听证": 0, "代办": 3}
    assert wording.sentences(s, WORDS, "全县").handling[1] == (
        "通过调解、代办等方式办理信访事项7件，其中调解5件，代办3件。"
    )
    s["by_method"] = {"调解": 0, "听证": 2, "代办": 0}
    now["counts"]["method_cases"] = 2
    s["counts"]["method_cases"] = 2
    assert wording.sentences(s, WORDS, "全县").handling[1] == "通过听证方式办理信访事项2件。"


def test_no_records_last_year_says_so_once_and_no_other_yoy() -> None:
    s = stats(NOW, block(has_records=False), BEFORE)
    words = wording.sentences(s, WORDS, "全县")
    text = "".join(words.basic + words.handling + words.office_work + words.backlog)
    assert words.basic[0].startswith(
        "2026年上半年，全县共登记信访事项153件，上年同期无记录，不作同比，环比上升2.0%；"
        "涉及236人次，环比持平。"
    )
    assert text.count("上年同期无记录") == 1
    assert "同比" not in text.replace("不作同比", "")
    assert "上年同期" not in text.replace("上年同期无记录", "")
    assert "按问题类别分，居前四位的是：其他107件（占69.9%），征地拆迁21件（占13.7%）" in text
    assert "申请复查2件；作出复查意见1件，其中维持1件。" in text


def test_year_reports_carry_no_period_on_period() -> None:
    s = stats(NOW, YEAR, BEFORE, period="2026", end="2026-12-31", as_of="2026-11-30")
    words = wording.sentences(s, WORDS, "全县")
    assert words.basic[0].startswith("2026年1—11月，全县共登记信访事项153件，同比下降9.5%；")
    assert "环比" not in "".join(words.basic + words.handling)


OFFICE = block(
    counts={"leader_cases": 6, "leader_closed": 4, "supervised": 3, "supervised_closed": 2},
    fractions={"leader_closure": [4, 6], "leader_on_time_closure": [3, 4]},
    office_work={
        "total": {"events": 9, "batches": 20, "people": 60},
        "by_kind": {"下访": {"events": 3, "batches": 5, "people": 10},
                    "接访": {"events": 6, "batches": 15, "people": 50}},
        "by_level": {"乡镇领导": {"events": 2, "batches": 4, "people": 8},
                     "县级领导": {"events": 7, "batches": 16, "people": 52}},
        "by_level_leader": {"县级领导": {
            "王芳（县委副书记）": {"events": 4, "batches": 10, "people": 30},
            "张伟（县委书记）": {"events": 1, "batches": 2, "people": 6},
            "李强（县长）": {"events": 1, "batches": 3, "people": 12},
            "赵六（副县长）": {"events": 1, "batches": 1, "people": 4}}},
    },
)  # fmt: skip


def test_section_three_leaders_in_protocol_order_not_by_people() -> None:
    year = block(office_work={"total": {"events": 2, "batches": 4, "people": 48}})
    s = stats(OFFICE, year, block())
    s["by_supervision_kind"] = {"督办": 1, "挂牌督办": 2}
    assert wording.sentences(s, WORDS, "全县").office_work == (
        "2026年上半年，各级领导接访、下访、约访共9次20批60人次，人次同比上升25.0%；"
        "其中接访6次15批50人次，下访3次5批10人次。",
        "县级领导7次16批52人次，其中张伟（县委书记）2批6人次，李强（县长）3批12人次，"
        "王芳（县委副书记）10批30人次，赵六（副县长）1批4人次；乡镇领导2次4批8人次。",
        "领导包案6件，已办结4件，包案办结率66.7%，包案按期办结率75.0%；"
        "督办3件（其中挂牌督办2件），已办结2件。",
    )


def test_protocol_order_then_people_batches_code_point() -> None:
    leaders = {
        "乙": {"people": 5, "batches": 1},
        "甲": {"people": 5, "batches": 1},
        "丙": {"people": 5, "batches": 2},
        "丁": {"people": 9, "batches": 1},
        "李强（县长）": {"people": 1, "batches": 1},
    }
    names = [n for n, _ in wording.in_protocol_order(leaders, WORDS.leaders)]
    assert names == ["李强（县长）", "丁", "丙", "乙", "甲"]  # 乙 U+4E59 before 甲 U+7532


def test_section_four_backlog_with_schedule() -> None:
    now = block(
        counts={"backlog_start": 10, "backlog_resolved": 4, "backlog": 7, "overdue_open": 2},
        fractions={"backlog_resolution": [4, 10]},
    )
    s = stats(now, block(counts={"backlog_start": 9}), block())
    s["by_backlog_start"] = {"source": {"上级交办": 6, "本级受理": 4}}
    words = WORDS.__class__(**{**WORDS.__dict__, "backlog_target": Fraction(9, 10)})
    # 序时进度 at 2026-06-30 of 2026H1: 90% × 181/181 = 90.0%
    assert wording.sentences(s, words, "全县").backlog == (
        "期初积案10件（本级受理4件，上级交办6件），已化解4件，积案化解率40.0%，"
        "序时进度90.0%，慢于序时进度；截至2026年6月30日，积案7件，超期未办结2件。",
    )
    assert (
        wording.sentences(s, WORDS, "全县")
        .backlog[0]
        .startswith("期初积案10件（本级受理4件，上级交办6件），已化解4件，积案化解率40.0%；")
    )
    s["as_of"] = "2026-03-31"  # 90% × 90/181 = 44.75… → 44.8%
    s["fractions"]["backlog_resolution"] = [9, 20]  # 45.0%
    assert "序时进度44.8%，快于序时进度" in wording.sentences(s, words, "全县").backlog[0]


def test_zeros_leave_out_items_and_clauses() -> None:
    s = stats(block(counts={"cases": 2, "people": 2, "accepted": 2, "first_time": 2}),
              block(counts={"cases": 1, "people": 1}), block(counts={"cases": 1, "people": 1}),
              by_closed={"source": {}})  # fmt: skip
    s["by"]["channel"] = {"来信": 2}
    s["by"]["source"] = {"本级受理": 2}
    words = wording.sentences(s, WORDS, "全县")
    assert words.basic[0].endswith("其中已受理2件。")
    assert words.basic[1] == "按信访形式分，来信2件（占100.0%）；初信初访2件。"
    assert words.handling == ()
    assert words.office_work == ()
    assert words.backlog == ()

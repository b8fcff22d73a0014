"""Figures, hand-computed on small hand-made case sets (DOMAIN.md "Figures", "Leaderboard").

Date arithmetic used below (natural days, the day of the event not counted):
01-05 + 15 = 01-20; 01-10 + 60 = 03-11; 01-10 + 90 = 04-10; 02-12 + 60 = 04-13;
03-02 + 60 = 05-01; 04-01 + 60 = 05-31; 05-01 + 60 = 06-30; 06-10 + 15 = 06-25.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest

from xfgen.figures.compute import (
    STATUS_CLOSED_LATE,
    STATUS_CLOSED_ON_TIME,
    STATUS_NOT_ACCEPTED,
    STATUS_OPEN,
    STATUS_OVERDUE,
    STATUS_UNDECIDED,
    Change,
    ChangeKind,
    PeriodFigures,
    UnitFigures,
    UnitRates,
    backlog_cases,
    case_status,
    compute_figures,
    figures_to_json,
    open_cases,
    rank_units,
)
from xfgen.figures.deadlines import DeadlineRules, statutory_calendar
from xfgen.figures.periods import parse_period
from xfgen.records.models import (
    NOT_RATED,
    Case,
    Config,
    Deadlines,
    Extension,
    LeaderboardSettings,
    NotAccepted,
    Review,
)
from xfgen.reports.formatting import decimal, half_up, percent, score_points, shown_change
from xfgen.reports.stats_text import display_width, format_stats

UNITS = ("城关镇", "河口镇", "县人社局", "县住建局", "县教育局", "县民政局", "县水利局")
CONFIG = Config(
    office="测试县信访局",
    channels=("来信", "来访", "来电", "网上信访"),
    sources=("本级受理", "上级交办", "上级转送"),
    categories=("城乡建设/征地拆迁", "劳动社保/工资拖欠", "农村农业/土地承包"),
    units=UNITS,
    outcomes=("解决", "部分解决", "解释疏导", "不予支持"),
)
NATURAL = DeadlineRules(Deadlines())
WORKDAYS = DeadlineRules(Deadlines(calendar="workdays"), statutory_calendar())

_ids = itertools.count(1)


def d(text: str) -> date:
    return date.fromisoformat(text)


def make(
    received: str,
    *,
    accepted: str | None = None,
    not_accepted: str | None = None,
    closed: str | None = None,
    satisfaction: str = NOT_RATED,
    extension: tuple[int, str] | None = None,
    review: tuple[str, str | None, str | None] | None = None,
    unit: str | None = "城关镇",
    channel: str = "来信",
    source: str = "本级受理",
    kind: str = "申诉求决类",
    category: str = "城乡建设/征地拆迁",
    people: int = 1,
    skip_level: bool = False,
    repeat_of: str | None = None,
) -> Case:
    """A case; dates as ISO strings, everything else defaulted."""
    case_id = f"XF-{next(_ids):05d}"
    return Case(
        id=case_id,
        path=f"cases/{case_id}.yaml",
        received=d(received),
        channel=channel,
        source=source,
        kind=kind,
        category=category,
        summary="测试事项",
        people=people,
        skip_level=skip_level,
        repeat_of=repeat_of,
        unit=unit,
        accepted=d(accepted) if accepted else None,
        not_accepted=NotAccepted(d(not_accepted), "依法分流") if not_accepted else None,
        extension=Extension(extension[0], d(extension[1])) if extension else None,
        closed=d(closed) if closed else None,
        outcome="解决" if closed else None,
        satisfaction=satisfaction,
        review=(
            Review(d(review[0]), d(review[1]) if review[1] else None, review[2]) if review else None
        ),
    )


def figures(
    cases: Sequence[Case],
    period: str = "2026H1",
    as_of: str = "2026-06-30",
    config: Config = CONFIG,
    rules: DeadlineRules = NATURAL,
) -> PeriodFigures:
    return compute_figures(cases, config, rules, parse_period(period), d(as_of))


# ---------------------------------------------------------------- counts


def test_counts_and_breakdowns() -> None:
    cases = [
        make("2025-12-31", channel="来访", people=9),  # before the period: not in the cohort
        make("2026-01-01", channel="来访", people=5, accepted="2026-01-05", closed="2026-02-01"),
        make("2026-02-10", channel="来访", people=4, unit="河口镇", accepted="2026-02-12"),
        make(
            "2026-03-01",
            people=6,
            unit=None,
            source="上级交办",
            skip_level=True,
            not_accepted="2026-03-05",
        ),
        make(
            "2026-06-30",
            channel="网上信访",
            unit="县人社局",
            repeat_of="XF2025-0001",
            kind="建议意见类",
            category="劳动社保/工资拖欠",
        ),
        make("2026-07-01"),  # after the period
        # accepted after the as-of date: still undecided at 06-30
        make(
            "2026-04-01",
            channel="来电",
            unit="河口镇",
            accepted="2026-07-02",
            category="农村农业/土地承包",
        ),
    ]
    f = figures(cases)
    c = f.counts
    # cohort: the five cases received 01-01..06-30
    assert (c.cases, c.accepted, c.not_accepted, c.undecided, c.closed) == (5, 2, 1, 2, 1)
    # visits: 5 + 4 people; collective only the 5-person visit (threshold 5); a 6-person letter is no visit
    assert (c.visit_batches, c.visit_people, c.collective_batches, c.collective_people) == (
        2,
        9,
        1,
        5,
    )
    assert (c.skip_level, c.repeat) == (1, 1)
    # the 河口镇 case accepted 02-12 is open past its deadline 04-13
    assert (c.overdue_open, c.backlog, c.backlog_resolved) == (1, 0, 0)
    assert f.rates.repeat == Fraction(1, 5)
    assert f.by.channel == {"来信": 1, "来电": 1, "来访": 2, "网上信访": 1}
    assert list(f.by.channel) == ["来信", "来电", "来访", "网上信访"]  # code point order
    assert f.by.source == {"上级交办": 1, "本级受理": 4}
    assert f.by.kind == {"建议意见类": 1, "申诉求决类": 4}
    assert list(f.by.category.items()) == [
        ("农村农业/土地承包", 1),
        ("劳动社保/工资拖欠", 1),
        ("城乡建设/征地拆迁", 3),
    ]
    # the case without a unit belongs to none
    assert list(f.by.unit.items()) == [("县人社局", 1), ("城关镇", 1), ("河口镇", 2)]
    assert f.by.most_common("unit") == [("河口镇", 2), ("县人社局", 1), ("城关镇", 1)]
    assert f.share(2) == Fraction(2, 5)


def test_collective_threshold_comes_from_the_config() -> None:
    cases = [make("2026-01-05", channel="来访", people=4)]
    config = replace(CONFIG, collective_threshold=4)
    assert figures(cases, config=config).counts.collective_batches == 1
    assert figures(cases).counts.collective_batches == 0


# ---------------------------------------------------------------- acceptance


def test_timely_acceptance_day_15_in_time_day_16_late() -> None:
    cases = [
        make("2026-01-05", accepted="2026-01-20"),  # A: day 15, in time
        make("2026-01-05", accepted="2026-01-21"),  # B: day 16, late
        make("2026-01-05", not_accepted="2026-01-20"),  # C: not accepted on day 15, in time
        make("2026-06-20"),  # D: undecided, window ends 07-05
        make("2026-06-10"),  # E: undecided, window ended 06-25 < 06-30: late
        make("2026-06-15"),  # F: undecided, window ends 06-30 = as-of: not passed
        make("2026-06-01", accepted="2026-07-01"),  # G: undecided at 06-30, window ended 06-16
        make("2026-06-20", accepted="2026-07-03"),  # H: undecided at 06-30, window open
    ]
    # at 06-30: in time A, C; denominator A, B, C, E, G → 2/5
    assert figures(cases).rates.timely_acceptance == Fraction(2, 5)
    # at 07-05 (same cohort): in time A, C, H; D's window ends on 07-05 (not passed);
    # late B, E, F (window ended 06-30), G (accepted after 06-16) → 3/7
    assert figures(cases, as_of="2026-07-05").rates.timely_acceptance == Fraction(3, 7)


def test_timely_acceptance_under_the_holiday_rule() -> None:
    # received 01-31: natural window ends 02-15 (Spring Festival), workdays window ends 02-24
    cases = [make("2026-01-31", accepted="2026-02-24")]
    assert figures(cases, "2026Q1", "2026-03-31", rules=WORKDAYS).rates.timely_acceptance == 1.0
    assert figures(cases, "2026Q1", "2026-03-31").rates.timely_acceptance == 0.0
    assert figures(cases, "2026Q1", "2026-03-31", rules=WORKDAYS).holiday_rule is True
    assert figures(cases, "2026Q1", "2026-03-31").holiday_rule is False


# ---------------------------------------------------------------- handling


def handling_cases() -> list[Case]:
    return [
        make("2026-01-05", accepted="2026-01-10", closed="2026-03-11"),  # A: on the deadline
        make("2026-01-05", accepted="2026-01-10", closed="2026-03-12"),  # B: the day after
        # C: extended 30 days (approved 02-20): deadline 04-10, closed on it
        make(
            "2026-01-05", accepted="2026-01-10", extension=(30, "2026-02-20"), closed="2026-04-10"
        ),
        make("2026-03-30", accepted="2026-04-01"),  # D: open, deadline 05-31 passed
        make("2026-04-30", accepted="2026-05-01"),  # E: open, due 06-30 = as-of
        make("2026-05-30", accepted="2026-06-01"),  # F: open, due 07-31
        make("2026-02-01", accepted="2026-02-01", closed="2026-02-10"),  # G: 9 days
        make(
            "2026-03-01", accepted="2026-03-02", closed="2026-07-01"
        ),  # H: open at 06-30, due 05-01
        make("2026-01-05", accepted="2026-01-10", closed="2026-01-20"),  # I: 10 days
    ]


def test_closure_on_time_closure_overdue_and_average_days() -> None:
    f = figures(handling_cases())
    # accepted 9; closed by 06-30: A, B, C, G, I → 5/9
    assert (f.counts.accepted, f.counts.closed) == (9, 5)
    assert f.rates.closure == Fraction(5, 9)
    # on time A, C, G, I; denominator closed 5 + open past deadline D, H → 4/7
    # (E is due on the as-of date: neither late nor in the denominator)
    assert f.rates.on_time_closure == Fraction(4, 7)
    assert f.counts.overdue_open == 2  # D, H
    # (60 + 61 + 90 + 9 + 10) / 5 = 46.0
    assert f.avg_handling_days == 46.0
    # no ratings: participation 0/5, satisfaction has no denominator
    assert f.rates.rating_participation == 0.0
    assert f.rates.satisfaction is None


def test_case_status_labels_and_flags() -> None:
    a, b, c, d_, e, f_, g, h, i = handling_cases()
    as_of = d("2026-06-30")
    assert case_status(a, NATURAL, as_of).label == STATUS_CLOSED_ON_TIME
    assert case_status(b, NATURAL, as_of).label == STATUS_CLOSED_LATE
    assert case_status(c, NATURAL, as_of).deadline == d("2026-04-10")
    s = case_status(d_, NATURAL, as_of)
    assert (s.label, s.overdue, s.days_left, s.due_soon) == (STATUS_OVERDUE, True, -30, False)
    s = case_status(e, NATURAL, as_of)  # due on the as-of date
    assert (s.label, s.overdue, s.days_left, s.due_soon) == (STATUS_OPEN, False, 0, True)
    s = case_status(f_, NATURAL, as_of)  # due 07-31: 31 days left
    assert (s.label, s.days_left, s.due_soon) == (STATUS_OPEN, 31, False)
    s = case_status(f_, NATURAL, d("2026-07-24"))  # 7 days left: due soon
    assert (s.days_left, s.due_soon) == (7, True)
    s = case_status(h, NATURAL, as_of)  # closed 07-01, after the as-of date
    assert (s.closed, s.outcome, s.label) == (None, None, STATUS_OVERDUE)
    assert case_status(make("2026-06-01"), NATURAL, as_of).label == STATUS_UNDECIDED
    s = case_status(make("2026-06-01", not_accepted="2026-06-03"), NATURAL, as_of)
    assert (s.label, s.decided, s.deadline, s.days_left) == (
        STATUS_NOT_ACCEPTED,
        d("2026-06-03"),
        None,
        None,
    )
    assert (
        case_status(make("2026-06-01", not_accepted="2026-07-03"), NATURAL, as_of).label
        == STATUS_UNDECIDED
    )


def test_open_cases_by_deadline_then_id() -> None:
    cases = handling_cases()
    rows = open_cases(cases, NATURAL, d("2026-06-30"))
    # H due 05-01, D due 05-31, E due 06-30, F due 07-31
    assert [r.case.id for r in rows] == [cases[i].id for i in (7, 3, 4, 5)]
    twin = make("2026-03-30", accepted="2026-04-01")  # same deadline as D, later id
    rows = open_cases([twin, *cases], NATURAL, d("2026-06-30"))
    assert [r.case.id for r in rows][1:3] == [cases[3].id, twin.id]


def test_extension_counts_only_once_approved() -> None:
    # original deadline 03-11; extension approved 03-10 makes it 04-10
    x = make("2026-01-05", accepted="2026-01-10", extension=(30, "2026-03-10"), closed="2026-04-05")
    y = make("2026-01-05", accepted="2026-01-10", closed="2026-04-05")  # no extension
    s = case_status(x, NATURAL, d("2026-03-09"))  # approval not yet known
    assert (s.deadline, s.days_left, s.due_soon) == (d("2026-03-11"), 2, True)
    s = case_status(x, NATURAL, d("2026-03-10"))  # approved on the as-of date
    assert (s.deadline, s.days_left, s.due_soon) == (d("2026-04-10"), 31, False)
    # at 03-12 Y is past 03-11, X is not: overdue 1; on time 0 of Y → 0.0
    f = figures([x, y], "2026Q1", "2026-03-12")
    assert (f.counts.overdue_open, f.rates.on_time_closure) == (1, 0.0)
    # at 03-09 nothing is closed or past due: no denominator
    assert figures([x, y], "2026Q1", "2026-03-09").rates.on_time_closure is None
    # at 06-30 both closed 04-05: X by 04-10 on time, Y after 03-11 late → 1/2
    assert figures([x, y]).rates.on_time_closure == Fraction(1, 2)


# ---------------------------------------------------------------- backlog


def test_backlog_365_days_is_not_backlog_366_is() -> None:
    p = make("2025-06-25", accepted="2025-06-30")  # 365 days before 2026-06-30
    q = make("2025-06-25", accepted="2025-06-29")  # 366 days
    r = make("2025-01-01", accepted="2025-01-02", closed="2026-07-05")  # open at 06-30
    s = make("2025-01-01", accepted="2025-01-02", closed="2026-06-30")  # closed on the as-of date
    f = figures([p, q, r, s])
    assert f.counts.cases == 0  # all received before the period: any cohort counts
    assert (f.counts.backlog, f.counts.overdue_open) == (2, 3)  # backlog Q, R; overdue P, Q, R
    assert [x.case.id for x in backlog_cases([p, q, r, s], NATURAL, d("2026-06-30"))] == [
        r.id,
        q.id,
    ]
    assert case_status(p, NATURAL, d("2026-06-30")).backlog is False
    assert case_status(q, NATURAL, d("2026-06-30")).backlog is True


def backlog_history() -> list[Case]:
    # the day before 2026H1 is 2025-12-31
    return [
        make(
            "2024-12-29", accepted="2024-12-30", closed="2026-03-01"
        ),  # A: 366 days → resolved 03-01
        make("2024-12-30", accepted="2024-12-31", closed="2026-03-01"),  # B: 365 days, not backlog
        make(
            "2024-05-31", accepted="2024-06-01", closed="2025-12-31"
        ),  # C: closed before the period
        make(
            "2024-05-31", accepted="2024-06-01", closed="2026-07-01"
        ),  # D: closed after the period
        make("2024-05-31", accepted="2024-06-01", closed="2026-04-01"),  # E: resolved 04-01
        make("2024-05-31", accepted="2024-06-01", closed="2026-01-01"),  # F: resolved on day one
    ]


def test_backlog_at_the_period_start_resolved_within_it() -> None:
    f = figures(backlog_history())
    # at the start: A, D, E, F; resolved by 06-30: A, E, F; still backlog at 06-30: D
    assert f.counts.backlog_start == 4
    assert f.rates.backlog_resolution == Fraction(3, 4)
    assert (f.counts.backlog_resolved, f.counts.backlog) == (3, 1)
    # as-of inside the period: E is closed after 03-31 → resolved A, F; backlog D, E
    f = figures(backlog_history(), as_of="2026-03-31")
    assert (f.counts.backlog_start, f.counts.backlog_resolved, f.counts.backlog) == (4, 2, 2)


# ---------------------------------------------------------------- as known at the as-of date


def known_cases() -> list[Case]:
    return [
        make(
            "2026-03-31",
            accepted="2026-04-02",
            closed="2026-04-20",
            satisfaction="满意",
            review=("2026-04-25", "2026-05-20", "维持"),
        ),  # A
        make("2026-04-01", accepted="2026-04-03", closed="2026-05-10", satisfaction="不满意"),  # B
        make(
            "2026-03-01",
            accepted="2026-03-02",
            closed="2026-03-20",
            satisfaction="基本满意",
            review=("2026-03-25", "2026-04-10", "撤销"),
        ),  # C
    ]


def test_as_of_at_the_period_end() -> None:
    f = figures(known_cases())
    assert (f.counts.cases, f.counts.accepted, f.counts.closed) == (3, 3, 3)
    r = f.rates
    assert (r.rating_participation, r.satisfaction) == (
        1,
        Fraction(2, 3),
    )  # 3 rated, 满意 + 基本满意
    assert (r.review, r.review_upheld) == (
        Fraction(2, 3),
        Fraction(1, 2),
    )  # A and C asked; A 维持, C 撤销
    assert f.avg_handling_days == Fraction(18 + 37 + 18, 3)


def test_as_of_inside_the_period() -> None:
    f = figures(known_cases(), as_of="2026-03-31")
    # cohort A, C (B received 04-01); A is not accepted yet and its window (04-15) is open
    assert (f.counts.cases, f.counts.accepted, f.counts.undecided, f.counts.closed) == (2, 1, 1, 1)
    r = f.rates
    assert (r.timely_acceptance, r.closure, r.on_time_closure) == (1.0, 1.0, 1.0)
    assert (r.rating_participation, r.satisfaction) == (1.0, 1.0)
    # C's review was asked 03-25 but decided only 04-10
    assert (r.review, r.review_upheld) == (1.0, None)
    assert f.avg_handling_days == 18.0


def test_a_rating_counts_only_once_the_case_is_closed() -> None:
    f = figures(known_cases(), as_of="2026-05-01")
    # B is closed (不满意) only on 05-10: closed A, C, both satisfied
    assert f.counts.closed == 2
    assert (f.rates.rating_participation, f.rates.satisfaction) == (1.0, 1.0)


def test_monthly_received_and_closed() -> None:
    f = figures(known_cases())
    assert [(m.month.label, m.received, m.closed) for m in f.monthly] == [
        ("2026-01", 0, 0),
        ("2026-02", 0, 0),
        ("2026-03", 2, 1),
        ("2026-04", 1, 1),
        ("2026-05", 0, 1),
        ("2026-06", 0, 0),
    ]
    f = figures(known_cases(), as_of="2026-04-15")
    assert [(m.month.label, m.received, m.closed) for m in f.monthly] == [
        ("2026-01", 0, 0),
        ("2026-02", 0, 0),
        ("2026-03", 2, 1),
        ("2026-04", 1, 0),
    ]


def test_zero_denominators_are_none_not_zero() -> None:
    f = figures([make("2026-06-28")])  # one undecided case, window still open
    r = f.rates
    assert (r.timely_acceptance, r.closure, r.on_time_closure) == (None, None, None)
    assert (r.rating_participation, r.satisfaction, r.review, r.review_upheld) == (None,) * 4
    assert r.repeat == 0.0  # the denominator is the cohort, which is not empty
    assert f.avg_handling_days is None
    assert f.units["城关镇"].score is None
    assert f.unranked == ("城关镇",)


# ---------------------------------------------------------------- leaderboard


def perfect(unit: str, received: str = "2026-02-01") -> Case:
    """Accepted the next day, closed 10 days later, satisfied: every rate 1."""
    r = d(received)
    return make(
        received,
        unit=unit,
        accepted=str(r + timedelta(days=1)),
        closed=str(r + timedelta(days=11)),
        satisfaction="满意",
    )


def still_open(unit: str, received: str = "2026-06-01") -> Case:
    """Accepted the next day, not due until after the as-of date."""
    return make(received, unit=unit, accepted=str(d(received) + timedelta(days=1)))


def test_leaderboard_ties_share_a_rank() -> None:
    cases = [
        *(perfect("城关镇") for _ in range(3)),  # score 1
        perfect("县人社局"),
        perfect("县人社局", "2026-03-01"),
        still_open("县人社局"),
        perfect("河口镇", "2026-04-01"),
        perfect("河口镇", "2026-05-01"),
        still_open("河口镇", "2026-06-05"),
        perfect("县住建局"),
        still_open("县住建局"),
        still_open("县住建局"),
        perfect("县教育局"),
        perfect("县教育局"),  # 2 cases < min_cases 3
        *(make("2026-06-25", unit="县民政局") for _ in range(3)),  # undecided, windows open
    ]
    f = figures(cases)
    # 县人社局, 河口镇: closure 2/3, the rest 1 → 0.4 + 0.3 + 0.2 + 0.1 × 2/3 = 29/30
    # 县住建局: closure 1/3 → 0.9 + 0.1/3 = 28/30
    assert [(row.rank, row.unit, row.cases) for row in f.leaderboard] == [
        (1, "城关镇", 3),
        (2, "县人社局", 3),
        (2, "河口镇", 3),
        (4, "县住建局", 3),
    ]
    assert [row.score for row in f.leaderboard] == pytest.approx([1.0, 29 / 30, 29 / 30, 28 / 30])
    assert f.unranked == ("县教育局", "县民政局")
    assert list(f.units) == ["县人社局", "县住建局", "县教育局", "县民政局", "城关镇", "河口镇"]
    assert f.units["县教育局"].score == 1.0  # scored even below min_cases
    assert f.units["县民政局"].rates == UnitRates(None, None, None, None)
    assert "县水利局" not in f.units  # no cohort case


def unit(label: str, score: float | None, cases: int = 3) -> UnitFigures:
    return UnitFigures(label, cases, UnitRates(None, None, None, None), score)


def test_rank_groups_by_the_first_score_of_a_group() -> None:
    ranked, unranked = rank_units(
        [
            unit("河口镇", 0.9),
            unit("城关镇", 0.9 - 0.6e-9),  # within 1e-9 of 0.9: joins, ordered by label
            unit("县人社局", 0.9 - 1.2e-9),  # within 1e-9 of 城关镇 but not of the group's first
            unit("县住建局", 0.1 + 0.2),  # 0.30000000000000004
            unit("县教育局", 0.3),
            unit("县民政局", 1.0, cases=2),
            unit("县水利局", None),
        ],
        min_cases=3,
    )
    assert [(rank, label.unit) for rank, _, label in ranked] == [
        (1, "城关镇"),
        (1, "河口镇"),
        (3, "县人社局"),
        (4, "县住建局"),
        (4, "县教育局"),
    ]
    assert unranked == ("县民政局", "县水利局")


def test_weights_are_rescaled_over_rates_that_are_not_null() -> None:
    cases = [
        make("2026-01-05", accepted="2026-01-21", closed="2026-02-01"),  # day 16: late acceptance
        make("2026-01-05", accepted="2026-01-06", closed="2026-01-20"),
        make("2026-01-05", accepted="2026-01-06", closed="2026-01-20"),
    ]
    f = figures(cases)
    # timely 2/3, closure 1, on time 1, satisfaction null (nothing rated):
    # (0.4 × 1 + 0.2 × 2/3 + 0.1 × 1) ÷ (0.4 + 0.2 + 0.1) = (19/30) ÷ 0.7 = 19/21
    assert f.units["城关镇"].score == pytest.approx(19 / 21)
    # only satisfaction weighted, and it is null: no score, so unranked
    config = replace(CONFIG, leaderboard=LeaderboardSettings(3, {"satisfaction": 1}))
    f = figures(cases, config=config)
    assert (f.units["城关镇"].score, f.leaderboard, f.unranked) == (None, (), ("城关镇",))


def test_min_cases_comes_from_the_config() -> None:
    cases = [perfect("城关镇"), perfect("城关镇")]
    assert figures(cases).unranked == ("城关镇",)
    config = replace(CONFIG, leaderboard=LeaderboardSettings(min_cases=2))
    assert [row.unit for row in figures(cases, config=config).leaderboard] == ["城关镇"]


def test_rank_change_against_the_previous_period() -> None:
    cases = [
        # 2026Q1 (as of 03-31): 城关镇 1st (score 1), 河口镇 2nd (closure 2/3)
        *(perfect("城关镇", f"2026-01-0{i}") for i in (1, 2, 3)),
        perfect("河口镇"),
        perfect("河口镇"),
        still_open("河口镇", "2026-03-20"),
        # 2026Q2: 县人社局 and 河口镇 tie 1st, 城关镇 3rd
        *(perfect("河口镇", f"2026-04-1{i}") for i in (1, 2, 3)),
        *(perfect("县人社局", "2026-05-01") for _ in range(3)),
        perfect("城关镇", "2026-04-01"),
        perfect("城关镇", "2026-04-02"),
        still_open("城关镇", "2026-06-10"),
    ]
    f = figures(cases, "2026Q2")
    assert (f.previous_period.label, f.previous_period.as_of) == ("2026Q1", d("2026-03-31"))
    assert [(r.rank, r.unit, r.previous_rank, r.rank_change) for r in f.leaderboard] == [
        (1, "县人社局", None, None),
        (1, "河口镇", 2, 1),
        (3, "城关镇", 1, -2),
    ]
    # Q1's open 河口镇 case (due 05-20) is overdue at 06-30
    assert f.counts.overdue_open == 1
    f = figures(cases, "2026Q2", "2026-05-15")
    assert f.previous_period.as_of == d("2026-03-31")


# ---------------------------------------------------------------- previous year


def test_previous_year_as_of_29_february() -> None:
    cases = [
        make("2023-02-28", accepted="2023-03-01"),  # in the 2023 cohort, undecided at 02-28
        make("2023-03-01"),  # after the earlier as-of date
        make("2023-02-10", accepted="2023-02-11", closed="2023-03-05"),  # open at 2023-02-28
        make("2024-02-29", accepted="2024-02-29"),
    ]
    f = figures(cases, "2024Q1", "2024-02-29")
    last = f.previous_year
    assert (last.period.label, last.as_of) == ("2023Q1", d("2023-02-28"))
    c = last.counts
    assert (c.cases, c.accepted, c.undecided, c.closed) == (2, 1, 1, 0)
    assert last.rates.closure == 0.0
    assert last.avg_handling_days is None
    assert (f.counts.cases, f.counts.accepted, f.rates.closure) == (1, 1, 0.0)
    change = f.year_on_year.counts["cases"]
    assert (change.current, change.previous, change.baseline) == (1, 2, True)
    assert shown_change(change).text == "同比减少1件"  # 2 → 1: below 10, the difference
    assert shown_change(f.year_on_year.rates["closure"]).text == "同比持平"
    assert shown_change(f.year_on_year.rates["rating_participation"]).text == "上年同期无数据"
    assert shown_change(f.year_on_year.counts["closed"]).text == "同比持平"  # 0 then, 0 now
    assert shown_change(f.year_on_year.counts["accepted"]).text == "同比持平"  # 1 then, 1 now
    assert shown_change(f.year_on_year.avg_handling_days).text == "上年同期无数据"
    json_last = figures_to_json(f)["previous_year"]
    assert json_last["counts"]["cases"] == 2
    assert json_last["rates"]["closure"] == 0.0


def test_change_wording() -> None:
    def text(kind: ChangeKind, now: object, before: object, against: str = "同比") -> str:
        return shown_change(Change(kind, now, before), against).text  # type: ignore[arg-type]

    assert text("count", 130, 137) == "同比下降5.1%"  # -7/137 = -5.109%
    assert text("count", 150, 120) == "同比上升25.0%"
    assert text("count", 15, 16) == "同比下降6.3%"  # -1/16 = -6.25%, half up
    assert text("count", 5, 0) == "同比增加5件"  # below 10: the difference
    assert text("count", 5, 0, "环比") == "环比增加5件"
    assert text("count", 2, 1) == "同比增加1件"
    assert text("count", 0, 0) == "同比持平"
    assert text("count", 7, 7, "环比") == "环比持平"
    # a rate change is the difference of the shown values: 94.4% − 87.0% = 7.4
    assert text("rate", Fraction(17, 18), Fraction(20, 23)) == "同比提高7.4个百分点"
    assert text("rate", Fraction(1, 2), Fraction(3, 5)) == "同比降低10.0个百分点"
    assert text("rate", Fraction(2, 17), Fraction(4, 34)) == "同比持平"
    # 11.76…% and 11.84…% both show as 11.8%: 持平, not 降低0.1
    assert text("rate", Fraction(2, 17), Fraction(9, 76)) == "同比持平"
    assert text("rate", Fraction(1, 2), None) == "上年同期无数据"
    assert text("rate", Fraction(1, 2), None, "环比") == "上期无数据"
    assert text("rate", None, Fraction(1, 2)) == "本期无数据"
    assert text("days", Fraction(20), Fraction(93, 4)) == "同比减少3.3天"  # 20.0 − 23.3
    # a previous period without any record
    no_cases = shown_change(Change("count", 3, 0, baseline=False))
    assert (no_cases.text, no_cases.cell) == ("上年同期无记录", "上年同期无记录")
    assert shown_change(Change("rate", Fraction(1, 16), Fraction(0))).cell == "提高6.3个百分点"


def test_rounding_is_half_up_from_the_exact_value() -> None:
    assert percent(Fraction(1, 16)) == "6.3%"
    assert percent(Fraction(7, 80)) == "8.8%"  # 8.75%, binary float 0.0875 is below it
    assert percent(0.0875) == "8.8%"  # a float is read as the decimal it prints as
    assert percent(Fraction(1, 3)) == "33.3%"
    assert (percent(0), percent(1), percent(None)) == ("0.0%", "100.0%", "—")
    assert decimal(Fraction(93, 4)) == "23.3"
    assert decimal(Fraction(-1, 4)) == "-0.3"  # away from zero
    assert score_points(Fraction(23, 30)) == "76.7"
    assert str(half_up(Fraction(5, 2), 0)) == "3"


# ---------------------------------------------------------------- JSON and text


def test_json_of_an_empty_period_is_exactly_the_documented_shape() -> None:
    zero_counts = dict.fromkeys(
        [
            "cases",
            "accepted",
            "not_accepted",
            "undecided",
            "closed",
            "visit_batches",
            "visit_people",
            "collective_batches",
            "collective_people",
            "skip_level",
            "repeat",
            "overdue_open",
            "backlog",
            "backlog_resolved",
            "people",
            "first_time",
            "backlog_start",
            "review_requested",
            "review_decided",
            "review_upheld",
            "recheck_requested",
            "recheck_decided",
            "recheck_upheld",
            "leader_cases",
            "leader_closed",
            "supervised",
            "supervised_closed",
            "skip_level_visits",
            "skip_level_visit_people",
            "repeat_visits",
            "repeat_visit_people",
            "routed",
            "leader_closed_on_time",
            "handling_days_total",
            "method_cases",
        ],
        0,
    )
    null_rates = dict.fromkeys(
        [
            "timely_acceptance",
            "closure",
            "on_time_closure",
            "rating_participation",
            "satisfaction",
            "repeat",
            "review",
            "review_upheld",
            "backlog_resolution",
            "leader_closure",
            "supervised_closure",
            "first_time_closure",
            "leader_on_time_closure",
        ],
    )
    zero_fractions = {name: [0, 0] for name in null_rates}
    null_rates["backlog_schedule"] = None
    months = {f"2026-{m:02d}": 0 for m in range(1, 7)}
    no_work = {"total": {"events": 0, "batches": 0, "people": 0}, "by_kind": {}, "by_level": {}}

    def by(months: dict[str, int]) -> dict[str, dict[str, int]]:
        labels = ("channel", "source", "kind", "category", "unit", "outcome")
        return {**{label: {} for label in labels}, "month": months, "route": {}}

    def previous(year: int, half: int) -> dict[str, object]:
        first = 6 * half - 5
        return {
            "counts": zero_counts,
            "rates": null_rates,
            "fractions": zero_fractions,
            "avg_handling_days": None,
            "by": by({f"{year}-{m:02d}": 0 for m in range(first, first + 6)}),
            "by_people": {"channel": {}},
            "office_work": no_work,
            "has_records": False,
        }

    expected = {
        "period": "2026H1",
        "start": "2026-01-01",
        "end": "2026-06-30",
        "as_of": "2026-06-30",
        "counts": zero_counts,
        "rates": null_rates,
        "fractions": zero_fractions,
        "avg_handling_days": None,
        "by": by(months),
        "by_people": {"channel": {}},
        "by_closed": {"channel": {}, "source": {}, "kind": {}, "category": {}, "unit": {}},
        "by_method": {"代办": 0, "听证": 0, "调解": 0},
        "by_backlog_start": {"source": {}},
        "by_backlog_resolved": {"source": {}},
        "by_closing_month": months,
        "by_supervision_kind": {"挂牌督办": 0, "督办": 0},
        "office_work": {**no_work, "by_leader": {}, "by_level_leader": {}},
        "units": {},
        "leaderboard": [],
        "unranked": [],
        "previous_year": previous(2025, 1),
        "previous_period": {"period": "2025H2", "as_of": "2025-12-31", **previous(2025, 2)},
    }
    out = figures_to_json(figures([]))
    assert out == expected
    assert json.dumps(out) == json.dumps(expected)  # same key order too


def test_json_values_and_types() -> None:
    cases = [
        *(perfect("城关镇") for _ in range(3)),
        perfect("河口镇"),
        perfect("河口镇"),
        still_open("河口镇"),
        make("2026-06-25", unit="县人社局"),
    ]
    out = json.loads(json.dumps(figures_to_json(figures(cases, as_of="2026-06-20"))))
    assert out["as_of"] == "2026-06-20"
    assert all(type(v) is int for v in out["counts"].values())
    # 县人社局's case arrives after 06-20; 河口镇's open case is accepted 06-02, due 08-01
    assert out["units"] == {
        "城关镇": {
            "cases": 3,
            "rates": {
                "timely_acceptance": 1.0,
                "closure": 1.0,
                "on_time_closure": 1.0,
                "satisfaction": 1.0,
            },
            "score": 1.0,
        },
        "河口镇": {
            "cases": 3,
            "rates": {
                "timely_acceptance": 1.0,
                "closure": 2 / 3,
                "on_time_closure": 1.0,
                "satisfaction": 1.0,
            },
            "score": pytest.approx(29 / 30),
        },
    }
    assert out["leaderboard"] == [
        {"rank": 1, "unit": "城关镇", "score": 1.0, "cases": 3},
        {"rank": 2, "unit": "河口镇", "score": pytest.approx(29 / 30), "cases": 3},
    ]
    assert out["unranked"] == []
    assert out["avg_handling_days"] == 10.0
    assert type(out["avg_handling_days"]) is float


def test_stats_text_lines_up_and_shows_no_data() -> None:
    text = format_stats(figures(handling_cases()))
    assert "2026年上半年信访统计（2026H1）" in text
    assert "55.6%" in text  # closure 5/9
    assert "57.1%" in text  # on-time closure 4/7
    assert "46.0" in text  # average days
    assert "—" in text  # satisfaction has no data
    lines = text.splitlines()
    start = lines.index("四、责任单位排名") + 1
    table = lines[start : start + 3]  # header, rule, one row (城关镇)
    assert table[0].split() == [
        "名次",
        "责任单位",
        "件数",
        "及时受理率",
        "按期办结率",
        "办结率",
        "满意率",
        "得分",
        "名次变化",
    ]
    assert len({display_width(line) for line in table}) == 1


# ---------------------------------------------------------------- the figures a 总结 quotes


def summary_history() -> list[Case]:
    """A small history read by hand against DOMAIN.md "Figures" (the new keys)."""
    a = make(
        "2026-01-05", channel="来访", people=6, source="上级交办",
        accepted="2026-01-08", closed="2026-02-20",
        review=("2026-03-01", "2026-03-25", "维持"),
    )  # fmt: skip
    a = replace(a, recheck=Review(d("2026-04-01"), d("2026-05-10"), "撤销"))
    b = replace(
        make("2026-02-01", repeat_of=a.id, accepted="2026-02-03", closed="2026-05-15"),
        outcome="部分解决",
    )
    c = replace(
        make("2026-03-10", channel="来电", people=2, source="上级交办",
             accepted="2026-03-12", closed="2026-08-01", category="劳动社保/工资拖欠"),
        outcome="不予支持",
    )  # fmt: skip
    d_ = make("2026-06-20", channel="网上信访")  # undecided
    # 积案 on 2025-12-31: E accepted 2024-10-05 (452 days), F accepted 2024-12-02 (394 days)
    e = replace(make("2024-10-01", accepted="2024-10-05", closed="2026-03-01"), outcome="解释疏导")
    f = make("2024-12-01", accepted="2024-12-02")
    g = make("2025-08-01", accepted="2025-08-02", closed="2025-09-01")  # 2025H2
    h = make("2026-07-10", accepted="2026-07-11", closed="2026-07-20")  # 2026H2
    return [a, b, c, d_, e, f, g, h]


def test_summary_figures_at_the_period_end() -> None:
    out = figures_to_json(figures(summary_history()))
    c, r = out["counts"], out["rates"]
    # cohort A, B, C, D: people 6 + 1 + 2 + 1; first-time A, C, D (B repeats A)
    assert (c["cases"], c["people"], c["first_time"], c["repeat"]) == (4, 10, 3, 1)
    # first-time accepted by 06-30: A, C; of those closed by then: A
    assert r["first_time_closure"] == 1 / 2
    assert out["by"]["outcome"] == {"解决": 1, "部分解决": 1}  # A, B (C closes 08-01)
    assert out["by_closed"]["source"] == {"上级交办": 1, "本级受理": 1}  # A; B
    assert out["by_closed"]["channel"] == {"来访": 1, "来信": 1}
    assert out["by_closed"]["category"] == {"城乡建设/征地拆迁": 2}
    assert out["by"]["source"] == {"上级交办": 2, "本级受理": 2}
    # A: review requested and decided 维持; recheck requested and decided 撤销
    assert [c[k] for k in ("review_requested", "review_decided", "review_upheld")] == [1, 1, 1]
    assert [c[k] for k in ("recheck_requested", "recheck_decided", "recheck_upheld")] == [1, 1, 0]
    # E and F were backlog on 2025-12-31; E closed 03-01: 1 of 2 resolved
    assert (c["backlog_start"], c["backlog_resolved"], r["backlog_resolution"]) == (2, 1, 0.5)
    before = out["previous_period"]
    assert (before["period"], before["as_of"]) == ("2025H2", "2025-12-31")
    assert (before["counts"]["cases"], before["counts"]["closed"]) == (1, 1)  # G
    assert before["rates"]["closure"] == 1.0
    assert before["avg_handling_days"] == 30.0  # 08-02 → 09-01


def test_summary_figures_inside_the_period() -> None:
    out = figures_to_json(figures(summary_history(), as_of="2026-04-15"))
    c, r = out["counts"], out["rates"]
    # D (06-20) is not received yet; B closes 05-15 and the recheck is decided 05-10
    assert (c["cases"], c["people"], c["first_time"]) == (3, 9, 2)
    assert r["first_time_closure"] == 1 / 2  # A of A, C
    assert out["by"]["outcome"] == {"解决": 1}
    assert out["by_closed"]["source"] == {"上级交办": 1}
    assert [c[k] for k in ("recheck_requested", "recheck_decided", "recheck_upheld")] == [1, 0, 0]
    assert (c["backlog_start"], c["backlog_resolved"]) == (2, 1)
    # the previous period is taken as at its own last day, not at 2026-04-15
    assert out["previous_period"]["as_of"] == "2025-12-31"


def test_summary_figures_after_the_period() -> None:
    out = figures_to_json(figures(summary_history(), as_of="2026-11-25"))
    c, r = out["counts"], out["rates"]
    assert (c["cases"], c["first_time"]) == (4, 3)  # the cohort ends 06-30: not H
    assert r["first_time_closure"] == 1.0  # C closed 08-01
    assert out["by"]["outcome"] == {"不予支持": 1, "解决": 1, "部分解决": 1}
    assert out["by_closed"]["source"] == {"上级交办": 2, "本级受理": 1}
    # resolved counts closings within the period only: F is still open
    assert (c["backlog_start"], c["backlog_resolved"]) == (2, 1)


def test_year_halves_add_up_to_the_year() -> None:
    f = figures(summary_history(), "2026", "2026-11-25")
    first, second = f.halves
    assert (first.label, first.as_of, second.label, second.as_of) == (
        "2026H1", d("2026-11-25"), "2026H2", d("2026-11-25"),
    )  # fmt: skip
    for key in ("cases", "accepted", "closed", "people", "visit_batches", "first_time"):
        assert getattr(first.counts, key) + getattr(second.counts, key) == getattr(f.counts, key)
    assert (first.counts.closed, second.counts.closed) == (3, 1)  # A, B, C as at 11-25; H


def test_trend_holds_the_last_five_years_with_cases() -> None:
    f = figures(summary_history(), "2026", "2026-11-25")
    assert [(s.label, s.as_of, s.counts.cases) for s in f.trend] == [
        ("2024", d("2024-12-31"), 2),  # E, F
        ("2025", d("2025-12-31"), 1),  # G
        ("2026", d("2026-11-25"), 5),
    ]
    assert figures(summary_history()).trend == ()  # half years have none


def test_a_unit_whose_available_rates_all_weigh_0_has_no_score_and_is_not_too_few() -> None:
    weights = {"on_time_closure": 0, "satisfaction": 1, "timely_acceptance": 0, "closure": 0}
    config = replace(CONFIG, leaderboard=LeaderboardSettings(3, weights))
    # 城关镇: 3 cases closed, none rated: satisfaction (the only weighted rate) is null.
    # 河口镇: 2 cases, rated 满意: score 1, but fewer than 3 cases.
    # 县人社局: 3 cases, rated 满意, 满意, 不满意: satisfaction 2/3, the score.
    unrated = [make("2026-01-05", accepted="2026-01-06", closed="2026-01-20") for _ in range(3)]
    rated = [perfect("河口镇"), perfect("河口镇")]
    mixed = [
        make("2026-01-05", unit="县人社局", accepted="2026-01-06", closed="2026-01-20",
             satisfaction=s)
        for s in ("满意", "满意", "不满意")
    ]  # fmt: skip
    f = figures([*unrated, *rated, *mixed], config=config)
    assert f.units["城关镇"].rates.on_time_closure == 1.0  # has data, but weighs 0
    assert f.units["城关镇"].score is None
    assert [(row.rank, row.unit) for row in f.leaderboard] == [(1, "县人社局")]
    assert f.leaderboard[0].score == pytest.approx(2 / 3)
    assert f.unranked == ("城关镇", "河口镇")
    assert (f.too_few, f.no_score) == (("河口镇",), ("城关镇",))
    text = format_stats(f)
    assert "不参与排名：城关镇（3件，暂无得分）、河口镇（2件，样本不足）" in text


def test_provisional_years_of_a_period_come_from_its_counted_cases() -> None:
    # Natural days consult no calendar, so nothing is ever provisional.
    f = figures([make("2026-06-25", accepted="2026-06-26")], rules=NATURAL)
    assert f.provisional_years == ()
    # Under the holiday rule, 2026 (published) is not provisional.
    f = figures([make("2026-06-25", accepted="2026-06-26")], rules=WORKDAYS)
    assert f.provisional_years == ()


def test_a_case_closed_in_the_period_from_an_earlier_cohort_counts_for_the_note() -> None:
    from xfgen.figures.deadlines import last_published_year

    year = last_published_year() + 1  # provisional, whatever the installed package
    # Received and accepted in the last published year, deadline in `year`, closed in
    # `year`H1: outside the cohort and not open at the as-of date, but counted as closed
    # within the period (积案化解, 包案办结), so the page names the year.
    case = make(f"{year - 1}-12-01", accepted=f"{year - 1}-12-02", closed=f"{year}-01-10")
    f = figures([case], f"{year}H1", f"{year}-06-30", rules=WORKDAYS)
    assert (f.counts.cases, f.provisional_years) == (0, (year,))
    # its own half year counts it as a cohort case too.
    f = figures([case], f"{year - 1}H2", f"{year - 1}-12-31", rules=WORKDAYS)
    assert f.provisional_years == (year,)
    # a half year that counts it nowhere says nothing.
    f = figures([case], f"{year}Q2", f"{year}-06-30", rules=WORKDAYS)
    assert f.provisional_years == ()

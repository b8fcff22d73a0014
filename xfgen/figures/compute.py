"""Every number xfgen reports, computed in one place (DOMAIN.md "Figures").

Everything is as known at the as-of date: a decision, extension, closing,
rating or review dated after it has not happened yet. "Passed" means strictly
before the as-of date. Reports, ledgers, ``xfgen stats`` and its JSON all read
the objects built here; nothing else divides or filters cases.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal

from xfgen.figures.deadlines import DeadlineRules
from xfgen.figures.office_work import Activities, CaseWork, OfficeWork, case_work, office_work
from xfgen.figures.periods import Period, one_year_earlier

# One case as known at a date lives in figures/status.py; the names it had here
# stay importable from here (reports and tests have long found them here).
from xfgen.figures.status import (  # noqa: F401
    BACKLOG_DAYS,
    DUE_SOON_DAYS,
    STATUS_CLOSED_LATE,
    STATUS_CLOSED_ON_TIME,
    STATUS_NOT_ACCEPTED,
    STATUS_OPEN,
    STATUS_OVERDUE,
    STATUS_UNDECIDED,
    CaseStatus,
    backlog_at,
    backlog_cases,
    case_status,
    counted,
    open_at,
    open_cases,
)
from xfgen.records.models import (
    NOT_RATED,
    SATISFIED,
    UPHELD,
    VISIT_CHANNEL,
    Activity,
    Case,
    Config,
)

SCORE_TIE = 1e-9  # scores this close to the first of a group share its rank


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Counts:
    """Counts (件, 批次, 人次). Field names are the JSON keys, in JSON order.

    A field added here is written to the JSON and compared with the previous
    year and the previous period without further code (see :func:`_compare`).
    """

    cases: int
    accepted: int
    not_accepted: int
    undecided: int
    closed: int
    visit_batches: int
    visit_people: int
    collective_batches: int
    collective_people: int
    skip_level: int
    repeat: int
    overdue_open: int  # all cohorts, at as_of
    backlog: int  # all cohorts, at as_of
    backlog_resolved: int  # backlog_start cases closed within the period, up to as_of
    people: int  # 人次 over all channels
    first_time: int  # 初信初访: without repeat_of
    backlog_start: int  # 积案 on the day before the period's first day (any cohort)
    review_requested: int
    review_decided: int
    review_upheld: int
    recheck_requested: int
    recheck_decided: int
    recheck_upheld: int
    # Office work (figures/office_work.py): any cohort, as known at as_of.
    leader_cases: int
    leader_closed: int
    supervised: int
    supervised_closed: int
    # DOMAIN.md v3: the summary's further figures and the sums a roll-up pools.
    skip_level_visits: int  # 越级访: cohort visits with skip_level
    skip_level_visit_people: int
    repeat_visits: int  # 重复访: cohort visits with repeat_of
    repeat_visit_people: int
    routed: int  # 依法分流: cohort cases not accepted by as_of with a route
    leader_closed_on_time: int  # 包案按期办结 (see CaseWork)
    handling_days_total: int  # Σ(closed − accepted) over the closed cohort cases
    method_cases: int  # cohort cases with a progress step ≤ as_of naming a configured method


@dataclass(frozen=True)
class Rates:
    """Exact fractions 0..1 (JSON writes them as floats), None where the denominator is 0."""

    timely_acceptance: Fraction | None
    closure: Fraction | None
    on_time_closure: Fraction | None
    rating_participation: Fraction | None
    satisfaction: Fraction | None
    repeat: Fraction | None
    review: Fraction | None
    review_upheld: Fraction | None
    backlog_resolution: Fraction | None
    leader_closure: Fraction | None  # office work (figures/office_work.py)
    supervised_closure: Fraction | None
    first_time_closure: Fraction | None
    leader_on_time_closure: Fraction | None
    # 序时进度: backlog_target × (W − first + 1) ÷ (days of the period), W the earlier of
    # the last day and as_of; None without backlog_target. Not a fraction of counts.
    backlog_schedule: Fraction | None


# Every rate but backlog_schedule is numerator ÷ denominator of two counts (``fractions``).
SCHEDULE_RATE = "backlog_schedule"
Fractions = Mapping[str, tuple[int, int]]  # rate name → (numerator, denominator), Rates order


@dataclass(frozen=True)
class UnitRates:
    """The rates a unit is ranked on (their names are the leaderboard weight keys)."""

    timely_acceptance: Fraction | None
    closure: Fraction | None
    on_time_closure: Fraction | None
    satisfaction: Fraction | None


@dataclass(frozen=True)
class UnitFigures:
    unit: str
    cases: int
    rates: UnitRates
    score: Fraction | None
    # each rate's (numerator, denominator), in UnitRates order
    fractions: Fractions = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    unit: str
    score: Fraction
    cases: int
    rates: UnitRates
    previous_rank: int | None  # rank in the previous period of the same length, if ranked there
    rank_change: int | None  # previous_rank − rank: positive means moved up


@dataclass(frozen=True)
class ClosedBreakdowns:
    """Cohort cases closed by the as-of date, by label (``by_closed``)."""

    channel: Mapping[str, int]
    source: Mapping[str, int]
    kind: Mapping[str, int]
    category: Mapping[str, int]
    unit: Mapping[str, int]


@dataclass(frozen=True)
class Breakdowns(ClosedBreakdowns):
    """Cohort counts by label (``by``); ``outcome`` counts the closed cases.

    Only labels with >= 1 case, keys in code point order (as in the JSON);
    reports put them in configuration order or by count themselves.
    """

    outcome: Mapping[str, int]
    month: Mapping[str, int]  # by month of receipt: every month up to the as-of date, 0 too
    route: Mapping[str, int]  # 依法分流 by route

    def most_common(self, name: str) -> list[tuple[str, int]]:
        """The labels of one breakdown, most cases first, then by label."""
        counts: Mapping[str, int] = getattr(self, name)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class PeopleBreakdowns:
    """人次 (sum of ``people``) of the cohort by label (``by_people``); labels with >= 1."""

    channel: Mapping[str, int]


@dataclass(frozen=True)
class BacklogBreakdowns:
    """期初积案 or 积案化解 by label (``by_backlog_start``, ``by_backlog_resolved``)."""

    source: Mapping[str, int]


@dataclass(frozen=True)
class MonthFigures:
    """For charts: cases received in the month, and cases (any cohort) closed in it."""

    month: Period
    received: int
    closed: int


@dataclass(frozen=True)
class Snapshot:
    """The figures of another period at its own as-of date: 同比, 环比, a year's halves, trend."""

    period: Period
    as_of: date
    counts: Counts
    rates: Rates
    avg_handling_days: Fraction | None
    by: Breakdowns
    by_people: PeopleBreakdowns
    fractions: Fractions
    office_work: OfficeWork
    # Any case received on or before as_of, or any activity dated within the period
    # (上年同期无记录 when False).
    has_records: bool

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def name(self) -> str:
        return self.period.name


ChangeKind = Literal["count", "rate", "days"]


@dataclass(frozen=True)
class Change:
    """One figure now and in the period it is compared with (同比 or 环比).

    Only the values: how the change reads (rounded half up, the difference of
    the shown values) is :func:`xfgen.reports.formatting.shown_change`.
    ``baseline`` is False when the other period had no cases at all, so there
    is nothing to compare with (无数据, never a made-up 0).
    """

    kind: ChangeKind
    current: Fraction | int | None
    previous: Fraction | int | None
    baseline: bool = True


@dataclass(frozen=True)
class Comparison:
    """Every count and rate against one other period, keyed by the field names."""

    counts: Mapping[str, Change]
    rates: Mapping[str, Change]
    avg_handling_days: Change


@dataclass(frozen=True)
class PeriodFigures:
    """The figures of one period at one as-of date.

    ``counts``, ``rates``, ``avg_handling_days``, ``by``, ``by_closed``,
    ``units``, ``leaderboard``, ``unranked``, ``previous_year`` and
    ``previous_period`` are what :func:`figures_to_json` writes; the rest
    serves the reports.
    """

    period: Period
    as_of: date
    counts: Counts
    rates: Rates
    avg_handling_days: Fraction | None
    by: Breakdowns
    by_closed: ClosedBreakdowns
    by_people: PeopleBreakdowns
    fractions: Fractions
    by_method: Mapping[str, int]  # every configured method, code-point order, 0 included
    by_backlog_start: BacklogBreakdowns
    by_backlog_resolved: BacklogBreakdowns
    units: Mapping[str, UnitFigures]  # configured units with >= 1 cohort case, by label
    leaderboard: tuple[LeaderboardRow, ...]
    unranked: tuple[str, ...]
    previous_year: Snapshot  # same period a year earlier, as at the as-of date a year earlier
    year_on_year: Comparison  # 同比
    previous_period: Snapshot  # previous period of the same length, as at its last day
    period_on_period: Comparison  # 环比 (year reports show only 同比)
    monthly: tuple[
        MonthFigures, ...
    ]  # months of the period up to the as-of month (by_closing_month)
    halves: tuple[Snapshot, ...]  # a year's halves as at the year's as-of date, else ()
    trend: tuple[Snapshot, ...]  # a year's last five years with cases, each at its year end
    holiday_rule: bool  # deadlines counted with the workdays rule, to be stated on reports
    office_work: OfficeWork  # 领导接访、下访、约访 of the period
    by_supervision_kind: Mapping[str, int]  # 督办 cases per configured kind, configuration order
    provisional_years: tuple[int, ...] = ()  # years of counted deadlines whose holidays are 推算
    too_few: tuple[str, ...] = ()  # the unranked units with fewer than min_cases cases (样本不足)
    previous_ranked: bool = False  # the previous period of the same length ranked some unit

    @property
    def start(self) -> date:
        return self.period.start

    @property
    def end(self) -> date:
        return self.period.end

    @property
    def cohort_end(self) -> date:
        """The last day of receipt that belongs to the cohort."""
        return min(self.period.end, self.as_of)

    @property
    def previous_leaderboard(self) -> bool:
        """Whether the previous period ranked anyone, so that rank changes mean something
        (a unit it did not rank is then 新上榜, even when it ranked none of this period's)."""
        return self.previous_ranked

    @property
    def no_score(self) -> tuple[str, ...]:
        """Unranked units with enough cases but a null score (no weighted rate has data)."""
        return tuple(unit for unit in self.unranked if unit not in self.too_few)

    def in_cohort(self, case: Case) -> bool:
        """Received within the period, up to the as-of date."""
        return self.period.start <= case.received <= self.cohort_end

    def share(self, count: int) -> Fraction | None:
        """``count`` as a fraction of the cohort (占比), None for an empty cohort."""
        return _ratio(count, self.counts.cases)


TREND_YEARS = 5


def compute_figures(
    cases: Sequence[Case],
    config: Config,
    rules: DeadlineRules,
    period: Period,
    as_of: date,
    activities: Sequence[Activity] = (),
    series: bool = True,
) -> PeriodFigures:
    """All figures of ``period`` as known at ``as_of``, with 同比, 环比 and the rank changes.

    ``series`` false leaves out a year's halves and trend, which only the reports show
    (a roll-up, which needs the JSON of many offices, skips them).
    """
    computed: dict[tuple[Period, date], _Core] = {}

    def core(period: Period, as_of: date) -> _Core:
        # A year's previous period is the year before, often at the same as-of date.
        key = (period, as_of)
        if key not in computed:
            computed[key] = _compute(cases, activities, config, rules, period, as_of)
        return computed[key]

    current = core(period, as_of)
    (last_year_period, last_year_as_of), (before, before_as_of) = comparisons(period, as_of)
    last_year = core(last_year_period, last_year_as_of)
    earlier = core(before, before_as_of)
    earlier_ranks = {unit.unit: rank for rank, _, unit in earlier.ranked}
    leaderboard = tuple(
        LeaderboardRow(
            rank=rank,
            unit=unit.unit,
            score=score,
            cases=unit.cases,
            rates=unit.rates,
            previous_rank=earlier_ranks.get(unit.unit),
            rank_change=(earlier_ranks[unit.unit] - rank if unit.unit in earlier_ranks else None),
        )
        for rank, score, unit in current.ranked
    )
    halves: tuple[Snapshot, ...] = ()
    trend: tuple[Snapshot, ...] = ()
    if period.kind == "year" and series:
        # Each half as at the year's as-of date, so that the halves add up to the year.
        halves = tuple(
            core(half, as_of).snapshot for half in period.halves() if half.start <= as_of
        )
        years = [period.years_earlier(n) for n in range(TREND_YEARS - 1, 0, -1)]
        trend = tuple(
            core.snapshot
            for core in (
                *(core(year, year.end) for year in years),
                current,
            )
            if core.counts.cases
        )
    return PeriodFigures(
        period=period,
        as_of=as_of,
        counts=current.counts,
        rates=current.rates,
        avg_handling_days=current.avg_handling_days,
        by=current.by,
        by_closed=current.by_closed,
        by_people=current.by_people,
        fractions=current.fractions,
        by_method=current.by_method,
        by_backlog_start=current.by_backlog_start,
        by_backlog_resolved=current.by_backlog_resolved,
        units=current.units,
        leaderboard=leaderboard,
        unranked=current.unranked,
        previous_year=last_year.snapshot,
        year_on_year=_compare(current, last_year),
        previous_period=earlier.snapshot,
        period_on_period=_compare(current, earlier),
        monthly=_monthly(cases, period, as_of),
        halves=halves,
        trend=trend,
        holiday_rule=rules.uses_holiday_rule,
        office_work=current.office_work,
        by_supervision_kind=current.case_work.by_supervision_kind,
        provisional_years=rules.provisional_years(
            (c for c in cases if counted(c, period, as_of)), as_of
        ),
        too_few=current.too_few,
        previous_ranked=bool(earlier.ranked),
    )


def comparisons(period: Period, as_of: date) -> tuple[tuple[Period, date], tuple[Period, date]]:
    """同比 and 环比: the same period a year earlier as at the as-of date a year earlier, and
    the previous period of the same length as at its last day (before ``period`` starts)."""
    before = period.previous()
    return (period.year_earlier(), one_year_earlier(as_of)), (before, min(before.end, as_of))


def figures_to_json(f: PeriodFigures) -> dict[str, Any]:
    """The JSON object of DOMAIN.md "Machine-readable figures", key for key."""
    return {
        "period": f.period.label,
        "start": f.period.start.isoformat(),
        "end": f.period.end.isoformat(),
        "as_of": f.as_of.isoformat(),
        "counts": _fields(f.counts),
        "rates": _fields(f.rates),
        "fractions": _fractions_json(f.fractions),
        "avg_handling_days": _number(f.avg_handling_days),
        "by": _maps(f.by),
        "by_people": _maps(f.by_people),
        "by_closed": _maps(f.by_closed),
        "by_method": dict(f.by_method),
        "by_backlog_start": _maps(f.by_backlog_start),
        "by_backlog_resolved": _maps(f.by_backlog_resolved),
        "by_closing_month": {m.month.label: m.closed for m in f.monthly},
        "by_supervision_kind": dict(sorted(f.by_supervision_kind.items())),
        "office_work": {
            **_office_work_json(f.office_work),
            "by_level_leader": {
                level: {leader: _tally_json(a) for leader, a in leaders.items()}
                for level, leaders in f.office_work.leader_levels.items()
            },
        },
        "units": {
            label: {
                "cases": unit.cases,
                "rates": _fields(unit.rates),
                "score": _number(unit.score),
            }
            for label, unit in f.units.items()
        },
        "leaderboard": [
            {"rank": row.rank, "unit": row.unit, "score": _number(row.score), "cases": row.cases}
            for row in f.leaderboard
        ],
        "unranked": list(f.unranked),
        "previous_year": snapshot_to_json(f.previous_year),
        "previous_period": {
            "period": f.previous_period.label,
            "as_of": f.previous_period.as_of.isoformat(),
            **snapshot_to_json(f.previous_period),
        },
    }


def snapshot_to_json(snapshot: Snapshot) -> dict[str, Any]:
    """A previous block: what a comparison needs (DOMAIN.md v3), at the block's own as-of date."""
    work = _office_work_json(snapshot.office_work)
    return {
        "counts": _fields(snapshot.counts),
        "rates": _fields(snapshot.rates),
        "fractions": _fractions_json(snapshot.fractions),
        "avg_handling_days": _number(snapshot.avg_handling_days),
        "by": _maps(snapshot.by),
        "by_people": _maps(snapshot.by_people),
        "office_work": {key: work[key] for key in ("total", "by_kind", "by_level")},
        "has_records": snapshot.has_records,
    }


def _maps(breakdowns: Any) -> dict[str, dict[str, int]]:
    """A dataclass of label maps as the JSON's nested object, in field order."""
    return {name: dict(getattr(breakdowns, name)) for name in _field_names(type(breakdowns))}


def _fractions_json(fractions: Fractions) -> dict[str, list[int]]:
    return {name: [numerator, denominator] for name, (numerator, denominator) in fractions.items()}


# ---------------------------------------------------------------- internals


class _Tally:
    """Running numerators and denominators over one group of cohort cases."""

    def __init__(self) -> None:
        self.cases = self.accepted = self.not_accepted = self.undecided = self.closed = 0
        self.people = 0
        self.timely = self.timely_due = 0
        self.on_time = self.on_time_due = 0
        self.rated = self.satisfied = 0
        self.reviewed = self.review_decided = self.review_upheld = 0
        self.rechecked = self.recheck_decided = self.recheck_upheld = 0
        self.repeat = self.skip_level = 0
        self.first_time_accepted = self.first_time_closed = 0
        self.handling_days = 0

    def add(self, s: CaseStatus) -> None:
        self.cases += 1
        self.people += s.case.people
        self.skip_level += s.case.skip_level
        first_time = s.case.repeat_of is None
        if not first_time:
            self.repeat += 1
        if s.accepted is not None:
            self.accepted += 1
            self.first_time_accepted += first_time
        elif s.not_accepted is not None:
            self.not_accepted += 1
        else:
            self.undecided += 1
        in_time = s.accepted_in_time
        if in_time is not None:
            self.timely_due += 1
            self.timely += in_time
        on_time = s.closed_on_time
        if on_time is not None:
            self.on_time_due += 1
            self.on_time += on_time
        if s.closed is not None and s.accepted is not None:
            self.closed += 1
            self.first_time_closed += first_time
            self.handling_days += (s.closed - s.accepted).days
            if s.satisfaction != NOT_RATED:
                self.rated += 1
                self.satisfied += s.satisfaction in SATISFIED
        # A review is requested after the closing, so a requested review implies a closed case.
        self.reviewed += s.review_requested is not None
        if s.review_decided is not None:
            self.review_decided += 1
            self.review_upheld += s.review_result == UPHELD
        self.rechecked += s.recheck_requested is not None
        if s.recheck_decided is not None:
            self.recheck_decided += 1
            self.recheck_upheld += s.recheck_result == UPHELD

    @property
    def first_time(self) -> int:
        return self.cases - self.repeat

    def unit_fractions(self) -> Fractions:
        """The ranked rates' (numerator, denominator), in UnitRates order."""
        return MappingProxyType(
            {
                "timely_acceptance": (self.timely, self.timely_due),
                "closure": (self.closed, self.accepted),
                "on_time_closure": (self.on_time, self.on_time_due),
                "satisfaction": (self.satisfied, self.rated),
            }
        )


_Ranked = tuple[int, Fraction, UnitFigures]  # rank, score, unit


@dataclass(frozen=True)
class _Core:
    """The figures of one period without comparisons."""

    period: Period
    as_of: date
    counts: Counts
    rates: Rates
    avg_handling_days: Fraction | None
    by: Breakdowns
    by_closed: ClosedBreakdowns
    by_people: PeopleBreakdowns
    fractions: Fractions
    by_method: Mapping[str, int]
    by_backlog_start: BacklogBreakdowns
    by_backlog_resolved: BacklogBreakdowns
    units: Mapping[str, UnitFigures]
    ranked: tuple[_Ranked, ...]
    unranked: tuple[str, ...]
    case_work: CaseWork
    office_work: OfficeWork
    too_few: tuple[str, ...]
    has_records: bool

    @property
    def snapshot(self) -> Snapshot:
        return Snapshot(
            period=self.period,
            as_of=self.as_of,
            counts=self.counts,
            rates=self.rates,
            avg_handling_days=self.avg_handling_days,
            by=self.by,
            by_people=self.by_people,
            fractions=self.fractions,
            office_work=self.office_work,
            has_records=self.has_records,
        )


_BY_LABEL = {
    "channel": lambda c: c.channel,
    "source": lambda c: c.source,
    "kind": lambda c: c.kind,
    "category": lambda c: c.category,
    "unit": lambda c: c.unit,
}


def _compute(
    cases: Sequence[Case],
    activities: Sequence[Activity],
    config: Config,
    rules: DeadlineRules,
    period: Period,
    as_of: date,
) -> _Core:
    cohort_end = min(period.end, as_of)
    total = _Tally()
    per_unit: defaultdict[str, _Tally] = defaultdict(_Tally)
    by: dict[str, Counter[str]] = {name: Counter() for name in _field_names(Breakdowns)}
    by_closed: dict[str, Counter[str]] = {name: Counter() for name in _BY_LABEL}
    people_by_channel: Counter[str] = Counter()
    by_method: Counter[str] = Counter()
    methods = frozenset(config.methods)
    visits = _Visits()
    routed = method_cases = 0
    for case in cases:
        if not period.start <= case.received <= cohort_end:
            continue
        status = case_status(case, rules, as_of)
        total.add(status)
        for name, label_of in _BY_LABEL.items():
            label = label_of(case)
            if label is not None:
                by[name][label] += 1
                if status.closed is not None:
                    by_closed[name][label] += 1
        if status.outcome is not None:
            by["outcome"][status.outcome] += 1
        by["month"][_month(case.received)] += 1
        people_by_channel[case.channel] += case.people
        if status.not_accepted is not None and case.not_accepted and case.not_accepted.route:
            routed += 1
            by["route"][case.not_accepted.route] += 1
        # Exactly a configured label (调解中 is not 调解), once per method, known by as_of.
        used = {s.action for s in case.progress if s.date <= as_of and s.action in methods}
        method_cases += bool(used)
        by_method.update(used)
        if case.unit is not None:
            per_unit[case.unit].add(status)
        visits.add(case, config.collective_threshold)

    overdue_open = backlog = 0
    backlog_start: Counter[str] = Counter()  # by source
    backlog_resolved: Counter[str] = Counter()
    day_before = period.start - timedelta(days=1)
    for case in cases:
        if open_at(case, as_of):
            deadline = rules.handling_deadline(case, as_of)
            assert deadline is not None
            overdue_open += deadline < as_of
            backlog += backlog_at(case, as_of)
        if backlog_at(case, day_before):
            backlog_start[case.source] += 1
            closed = case.closed
            if closed is not None and period.start <= closed <= cohort_end:
                backlog_resolved[case.source] += 1

    units = {
        label: _unit_figures(label, per_unit[label], config)
        for label in sorted(set(config.units) & per_unit.keys())
    }
    ranked, unranked = rank_units(units.values(), config.leaderboard.min_cases)
    work = case_work(cases, config.supervision_kinds, period, as_of, rules)
    counts = Counts(
        cases=total.cases,
        accepted=total.accepted,
        not_accepted=total.not_accepted,
        undecided=total.undecided,
        closed=total.closed,
        visit_batches=visits.batches,
        visit_people=visits.people,
        collective_batches=visits.collective_batches,
        collective_people=visits.collective_people,
        skip_level=total.skip_level,
        repeat=total.repeat,
        overdue_open=overdue_open,
        backlog=backlog,
        backlog_resolved=backlog_resolved.total(),
        people=total.people,
        first_time=total.first_time,
        backlog_start=backlog_start.total(),
        review_requested=total.reviewed,
        review_decided=total.review_decided,
        review_upheld=total.review_upheld,
        recheck_requested=total.rechecked,
        recheck_decided=total.recheck_decided,
        recheck_upheld=total.recheck_upheld,
        leader_cases=work.leader_cases,
        leader_closed=work.leader_closed,
        supervised=work.supervised,
        supervised_closed=work.supervised_closed,
        skip_level_visits=visits.skip_level_batches,
        skip_level_visit_people=visits.skip_level_people,
        repeat_visits=visits.repeat_batches,
        repeat_visit_people=visits.repeat_people,
        routed=routed,
        leader_closed_on_time=work.leader_closed_on_time,
        handling_days_total=total.handling_days,
        method_cases=method_cases,
    )
    handling = total.unit_fractions()
    fractions = {
        "timely_acceptance": handling["timely_acceptance"],
        "closure": handling["closure"],
        "on_time_closure": handling["on_time_closure"],
        "rating_participation": (total.rated, total.closed),
        "satisfaction": handling["satisfaction"],
        "repeat": (total.repeat, total.cases),
        "review": (total.reviewed, total.closed),
        "review_upheld": (total.review_upheld, total.review_decided),
        "backlog_resolution": (counts.backlog_resolved, counts.backlog_start),
        "leader_closure": (work.leader_closed, work.leader_cases),
        "supervised_closure": (work.supervised_closed, work.supervised),
        "first_time_closure": (total.first_time_closed, total.first_time_accepted),
        "leader_on_time_closure": (work.leader_closed_on_time, work.leader_on_time_due),
    }
    rates = Rates(
        **{name: _ratio(*fraction) for name, fraction in fractions.items()},
        backlog_schedule=backlog_schedule(config.backlog_target, period, as_of),
    )
    months = [m.label for m in period.months() if m.start <= as_of]
    return _Core(
        period=period,
        as_of=as_of,
        counts=counts,
        rates=rates,
        avg_handling_days=_ratio(total.handling_days, total.closed),
        by=Breakdowns(
            **{name: _sorted_map(by[name]) for name in _BY_LABEL},
            outcome=_sorted_map(by["outcome"]),
            month=MappingProxyType({month: by["month"][month] for month in months}),
            route=_sorted_map(by["route"]),
        ),
        by_closed=ClosedBreakdowns(
            **{name: _sorted_map(counter) for name, counter in by_closed.items()}
        ),
        by_people=PeopleBreakdowns(channel=_sorted_map(people_by_channel)),
        fractions=MappingProxyType(fractions),
        by_method=MappingProxyType({m: by_method[m] for m in sorted(config.methods)}),
        by_backlog_start=BacklogBreakdowns(source=_sorted_map(backlog_start)),
        by_backlog_resolved=BacklogBreakdowns(source=_sorted_map(backlog_resolved)),
        units=MappingProxyType(units),
        ranked=ranked,
        unranked=unranked,
        case_work=work,
        office_work=office_work(
            activities, period, as_of, config.activity_kinds, config.leader_levels
        ),
        too_few=tuple(u.unit for u in units.values() if u.cases < config.leaderboard.min_cases),
        has_records=any(c.received <= as_of for c in cases)
        or any(period.contains(a.date) for a in activities),
    )


class _Visits:
    """批次 and 人次 of the cohort's visits (来访): all, collective, 越级 and 重复."""

    def __init__(self) -> None:
        self.batches = self.people = 0
        self.collective_batches = self.collective_people = 0
        self.skip_level_batches = self.skip_level_people = 0
        self.repeat_batches = self.repeat_people = 0

    def add(self, case: Case, threshold: int) -> None:
        if case.channel != VISIT_CHANNEL:
            return
        self.batches += 1
        self.people += case.people
        if case.people >= threshold:
            self.collective_batches += 1
            self.collective_people += case.people
        if case.skip_level:
            self.skip_level_batches += 1
            self.skip_level_people += case.people
        if case.repeat_of is not None:
            self.repeat_batches += 1
            self.repeat_people += case.people


def backlog_schedule(target: float | None, period: Period, as_of: date) -> Fraction | None:
    """序时进度: the share of the target due by W, the earlier of the last day and as_of."""
    if target is None:
        return None
    elapsed = (min(period.end, as_of) - period.start).days + 1
    return Fraction(str(target)) * elapsed / ((period.end - period.start).days + 1)


def _month(day: date) -> str:
    """A month's period label, "2026-01"."""
    return f"{day.year:04d}-{day.month:02d}"


def _tally_json(a: Activities) -> dict[str, int]:
    return {"events": a.events, "batches": a.batches, "people": a.people}


def _office_work_json(work: OfficeWork) -> dict[str, Any]:
    return {
        "total": _tally_json(work.total),
        "by_kind": {label: _tally_json(a) for label, a in work.by_kind.items()},
        "by_level": {label: _tally_json(a) for label, a in work.by_level.items()},
        "by_leader": {label: _tally_json(a) for label, a in work.by_leader.items()},
    }


def _unit_figures(label: str, tally: _Tally, config: Config) -> UnitFigures:
    fractions = tally.unit_fractions()
    rates = UnitRates(**{name: _ratio(*fraction) for name, fraction in fractions.items()})
    return UnitFigures(
        unit=label,
        cases=tally.cases,
        rates=rates,
        score=unit_score(rates, config.leaderboard.weights),
        fractions=fractions,
    )


def unit_score(rates: UnitRates, weights: Mapping[str, float]) -> Fraction | None:
    """Σ(wᵢ·rᵢ) ÷ Σwᵢ over the rates that are not null; null when none is (or Σwᵢ is 0).

    Exact: each weight is read as the decimal written in xfgen.yaml (0.4 is 2/5).
    """
    weighted = total_weight = Fraction(0)
    for name, weight in weights.items():
        rate = getattr(rates, name)
        if rate is not None:
            exact = Fraction(str(weight))
            weighted += exact * rate
            total_weight += exact
    return weighted / total_weight if total_weight > 0 else None


def rank_units(
    units: Iterable[UnitFigures], min_cases: int
) -> tuple[tuple[_Ranked, ...], tuple[str, ...]]:
    """Competition ranks (1, 2, 2, 4); ties within SCORE_TIE of a group's first score."""
    eligible: list[tuple[Fraction, UnitFigures]] = []
    unranked: list[str] = []
    for unit in units:
        if unit.cases < min_cases or unit.score is None:
            unranked.append(unit.unit)
        else:
            eligible.append((unit.score, unit))
    eligible.sort(key=lambda item: (-item[0], item[1].unit))
    groups: list[list[tuple[Fraction, UnitFigures]]] = []
    for score, unit in eligible:
        if groups and abs(groups[-1][0][0] - score) <= SCORE_TIE:
            groups[-1].append((score, unit))
        else:
            groups.append([(score, unit)])
    ranked: list[_Ranked] = []
    for group in groups:
        rank = len(ranked) + 1
        ranked.extend((rank, score, unit) for score, unit in sorted(group, key=lambda g: g[1].unit))
    return tuple(ranked), tuple(sorted(unranked))


def _compare(current: _Core, other: _Core) -> Comparison:
    """Every count and rate of ``current`` beside ``other``'s (同比 or 环比)."""
    baseline = other.counts.cases > 0
    counts = {
        name: Change("count", getattr(current.counts, name), getattr(other.counts, name), baseline)
        for name in _field_names(Counts)
    }
    rates = {
        name: Change("rate", getattr(current.rates, name), getattr(other.rates, name), baseline)
        for name in _field_names(Rates)
    }
    return Comparison(
        counts=MappingProxyType(counts),
        rates=MappingProxyType(rates),
        avg_handling_days=Change(
            "days", current.avg_handling_days, other.avg_handling_days, baseline
        ),
    )


def _monthly(cases: Sequence[Case], period: Period, as_of: date) -> tuple[MonthFigures, ...]:
    months = [m for m in period.months() if m.start <= as_of]
    received: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    last = min(period.end, as_of)
    for case in cases:
        if period.start <= case.received <= last:
            received[case.received.strftime("%Y-%m")] += 1
        if case.closed is not None and period.start <= case.closed <= last:
            closed[case.closed.strftime("%Y-%m")] += 1
    return tuple(
        MonthFigures(month=m, received=received[m.label], closed=closed[m.label]) for m in months
    )


def _ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def _number(value: Fraction | None) -> float | None:
    """An exact value as the JSON's unrounded float."""
    return None if value is None else float(value)


def _sorted_map(counter: Counter[str]) -> Mapping[str, int]:
    return MappingProxyType({label: counter[label] for label in sorted(counter)})


def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _fields(obj: Any) -> dict[str, Any]:
    """A flat dataclass as a dict, in field order; exact fractions become floats."""
    return {
        name: float(value) if isinstance(value, Fraction) else value
        for name in _field_names(type(obj))
        for value in [getattr(obj, name)]
    }

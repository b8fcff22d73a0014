"""Office work (DOMAIN.md "Office work"): 领导接访、下访、约访, 领导包案 and 督办.

What the office and its leaders did, as known at the as-of date: activities
dated within the period up to the as-of date, cases with a leader open in the
period, and cases supervised in the period. These figures are reported, never
scored: nothing here feeds the leaderboard.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from xfgen.figures.deadlines import DeadlineRules
from xfgen.figures.periods import Period
from xfgen.records.models import Activity, Case, Supervision


@dataclass(frozen=True)
class Activities:
    """次 (records), 批 (sum of batches) and 人次 (sum of people) of some activities."""

    events: int = 0
    batches: int = 0
    people: int = 0

    def plus(self, activity: Activity) -> Activities:
        return Activities(
            self.events + 1, self.batches + activity.batches, self.people + activity.people
        )


@dataclass(frozen=True)
class OfficeWork:
    """The period's activities in total and by kind, level and leader.

    The maps hold only labels with at least one activity, keys in code-point
    order (the JSON order); reports reorder them for prose.
    """

    total: Activities
    by_kind: Mapping[str, Activities]
    by_level: Mapping[str, Activities]
    by_leader: Mapping[str, Activities]
    # level → leader → that leader's activities at that level
    leader_levels: Mapping[str, Mapping[str, Activities]]
    kind_order: tuple[str, ...] = ()  # the configured activity kinds
    level_order: tuple[str, ...] = ()  # the configured leader levels

    def kinds(self) -> list[tuple[str, Activities]]:
        """Kinds with at least one activity, in configuration order (DOMAIN.md, prose order)."""
        return _in_order(self.by_kind, self.kind_order)

    def levels(self) -> list[tuple[str, Activities]]:
        """Levels with at least one activity, in configuration order."""
        return _in_order(self.by_level, self.level_order)

    def leaders(self, level: str | None = None) -> list[tuple[str, Activities]]:
        """Leaders (of one level: that level's activities), by 人次, then 批, then code point."""
        tallies = self.by_leader if level is None else self.leader_levels.get(level, {})
        return sorted(
            tallies.items(), key=lambda item: (-item[1].people, -item[1].batches, item[0])
        )


@dataclass(frozen=True)
class CaseWork:
    """领导包案 and 督办 counts of one period (they join the period's counts and rates)."""

    leader_cases: int
    leader_closed: int
    supervised: int
    supervised_closed: int
    by_supervision_kind: Mapping[str, int]  # every configured kind, in configuration order
    # 包案按期办结率 (DOMAIN.md v3), W the window's last day: of the 领导包案 cases, those
    # closed in the window on or before their deadline ÷ those closed in the window plus
    # those still open at W whose deadline is before W.
    leader_closed_on_time: int = 0
    leader_on_time_due: int = 0


def window(period: Period, as_of: date) -> tuple[date, date]:
    """The days that count: the period's first day to the earlier of its last day and as_of."""
    return period.start, min(period.end, as_of)


def period_activities(
    activities: Iterable[Activity], period: Period, as_of: date
) -> list[Activity]:
    """Activities dated within the period up to the as-of date, by date then id (登记表 order)."""
    first, last = window(period, as_of)
    return sorted((a for a in activities if first <= a.date <= last), key=lambda a: (a.date, a.id))


def office_work(
    activities: Iterable[Activity],
    period: Period,
    as_of: date,
    kind_order: Sequence[str] = (),
    level_order: Sequence[str] = (),
) -> OfficeWork:
    """The period's activities as known at the as-of date, counted every way DOMAIN.md names."""
    total = Activities()
    by_kind: defaultdict[str, Activities] = defaultdict(Activities)
    by_level: defaultdict[str, Activities] = defaultdict(Activities)
    by_leader: defaultdict[str, Activities] = defaultdict(Activities)
    levels: defaultdict[str, defaultdict[str, Activities]] = defaultdict(
        lambda: defaultdict(Activities)
    )
    for activity in period_activities(activities, period, as_of):
        total = total.plus(activity)
        by_kind[activity.kind] = by_kind[activity.kind].plus(activity)
        by_level[activity.level] = by_level[activity.level].plus(activity)
        by_leader[activity.leader] = by_leader[activity.leader].plus(activity)
        of_level = levels[activity.level]
        of_level[activity.leader] = of_level[activity.leader].plus(activity)
    return OfficeWork(
        total=total,
        by_kind=_sorted(by_kind),
        by_level=_sorted(by_level),
        by_leader=_sorted(by_leader),
        leader_levels=MappingProxyType(
            {level: _sorted(leaders) for level, leaders in sorted(levels.items())}
        ),
        kind_order=tuple(kind_order),
        level_order=tuple(level_order),
    )


def is_leader_case(case: Case, period: Period, as_of: date) -> bool:
    """领导包案 of the period: a leader, accepted by the window's end, not closed before it began."""
    first, last = window(period, as_of)
    if case.leader is None or case.accepted is None or case.accepted > last:
        return False
    return case.closed is None or case.closed >= first


def leader_closed_in(case: Case, period: Period, as_of: date) -> bool:
    """A 领导包案 case closed within the period, up to the as-of date."""
    first, last = window(period, as_of)
    return case.closed is not None and first <= case.closed <= last


def supervision_in(case: Case, period: Period, as_of: date) -> tuple[Supervision, ...]:
    """The case's 督办 entries dated within the period, up to the as-of date, in date order."""
    first, last = window(period, as_of)
    return tuple(entry for entry in case.supervision if first <= entry.date <= last)


def leader_cases(cases: Iterable[Case], period: Period, as_of: date) -> list[Case]:
    """The period's 领导包案 cases, by leader (code point), then date of receipt and id."""
    found = [c for c in cases if is_leader_case(c, period, as_of)]
    return sorted(found, key=lambda c: (c.leader or "", c.received, c.id))


def supervised_cases(
    cases: Iterable[Case], period: Period, as_of: date
) -> list[tuple[Case, Supervision]]:
    """The period's 督办 cases with their latest entry in the window, by that entry's date, then id."""
    found = []
    for case in cases:
        entries = supervision_in(case, period, as_of)
        if entries:
            found.append((case, entries[-1]))
    return sorted(found, key=lambda item: (item[1].date, item[0].id))


def case_work(
    cases: Sequence[Case],
    supervision_kinds: Sequence[str],
    period: Period,
    as_of: date,
    rules: DeadlineRules,
) -> CaseWork:
    """领导包案 and 督办 counts of ``period`` as known at ``as_of`` (any cohort)."""
    leader_total = leader_closed = supervised = supervised_closed = 0
    on_time = on_time_due = 0
    last = window(period, as_of)[1]
    by_kind: Counter[str] = Counter()
    for case in cases:
        if is_leader_case(case, period, as_of):
            leader_total += 1
            # Accepted by W, so it has a deadline; an extension that counts was approved
            # by the original deadline, so the deadline known at W is the one that decides.
            deadline = rules.handling_deadline(case, last)
            assert deadline is not None
            if leader_closed_in(case, period, as_of):
                assert case.closed is not None
                leader_closed += 1
                on_time_due += 1
                on_time += case.closed <= deadline
            elif deadline < last:  # still open at W, past its deadline
                on_time_due += 1
        entries = supervision_in(case, period, as_of)
        if entries:
            supervised += 1
            # Closed by the as-of date, whenever: also before the entry.
            supervised_closed += case.closed is not None and case.closed <= as_of
            by_kind.update({entry.kind for entry in entries})
    return CaseWork(
        leader_cases=leader_total,
        leader_closed=leader_closed,
        supervised=supervised,
        supervised_closed=supervised_closed,
        by_supervision_kind=MappingProxyType(
            {
                kind: by_kind[kind]
                for kind in [*supervision_kinds, *sorted(by_kind.keys() - set(supervision_kinds))]
            }
        ),
        leader_closed_on_time=on_time,
        leader_on_time_due=on_time_due,
    )


def _sorted(tallies: Mapping[str, Activities]) -> Mapping[str, Activities]:
    return MappingProxyType({label: tallies[label] for label in sorted(tallies)})


def _in_order(
    tallies: Mapping[str, Activities], order: Sequence[str]
) -> list[tuple[str, Activities]]:
    """Configured labels first, in configuration order; any other label after, by code point."""
    known = [label for label in order if label in tallies]
    rest = sorted(set(tallies) - set(order))
    return [(label, tallies[label]) for label in [*known, *rest]]

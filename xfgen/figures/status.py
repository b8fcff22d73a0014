"""One case as known at a date (DOMAIN.md "Figures"): what has happened, what is due.

Everything is as known at the as-of date: a decision, extension, closing, rating
or review dated after it has not happened yet. "Passed" means strictly before the
as-of date. :mod:`xfgen.figures.compute` counts these; the ledgers list them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xfgen.figures.deadlines import DeadlineRules
from xfgen.figures.periods import Period
from xfgen.records.models import Case

BACKLOG_DAYS = 365  # 积案: open more than this many days after acceptance
DUE_SOON_DAYS = 7  # 临期: due within this many days of the as-of date

# Status labels used by the ledgers, in one place.
STATUS_UNDECIDED = "待受理"
STATUS_NOT_ACCEPTED = "不予受理"
STATUS_OPEN = "办理中"
STATUS_OVERDUE = "超期未办结"
STATUS_CLOSED_ON_TIME = "按期办结"
STATUS_CLOSED_LATE = "超期办结"


@dataclass(frozen=True)
class CaseStatus:
    """One case as known at ``as_of``: what has happened, and what is due.

    Dates after ``as_of`` are ``None`` here even when the file has them.
    ``satisfaction`` and ``outcome`` are known only once the case is closed.
    """

    case: Case
    as_of: date
    accepted: date | None
    not_accepted: date | None
    closed: date | None
    acceptance_deadline: date
    deadline: date | None  # handling deadline, counting only extensions approved by as_of
    days_left: int | None  # deadline − as_of, for open accepted cases
    overdue: bool  # open and deadline < as_of
    due_soon: bool  # open, not overdue, 0 <= days_left <= DUE_SOON_DAYS
    backlog: bool  # open and (as_of − accepted) > BACKLOG_DAYS days
    outcome: str | None
    satisfaction: str | None
    review_requested: date | None
    review_decided: date | None
    review_result: str | None  # known once the review is decided
    recheck_requested: date | None
    recheck_decided: date | None
    recheck_result: str | None
    label: str  # one of the STATUS_* labels

    @property
    def decided(self) -> date | None:
        """The acceptance decision, either way, if made by as_of."""
        return self.accepted or self.not_accepted

    @property
    def is_open(self) -> bool:
        """Accepted and not yet closed."""
        return self.accepted is not None and self.closed is None

    @property
    def accepted_in_time(self) -> bool | None:
        """Decided within the acceptance window; None while undecided and not yet late."""
        if self.decided is not None:
            return self.decided <= self.acceptance_deadline
        return False if self.acceptance_deadline < self.as_of else None

    @property
    def closed_on_time(self) -> bool | None:
        """Closed by the deadline; None while open and not yet late, or not accepted."""
        if self.deadline is None:
            return None
        if self.closed is not None:
            return self.closed <= self.deadline
        return False if self.deadline < self.as_of else None


def case_status(case: Case, rules: DeadlineRules, as_of: date) -> CaseStatus:
    """The state of ``case`` as known at ``as_of``."""
    accepted = known(case.accepted, as_of)
    not_accepted = known(case.not_accepted.date if case.not_accepted else None, as_of)
    closed = known(case.closed, as_of) if accepted is not None else None
    deadline = rules.handling_deadline(case, as_of) if accepted is not None else None
    is_open = accepted is not None and closed is None
    days_left = (deadline - as_of).days if is_open and deadline is not None else None
    overdue = days_left is not None and days_left < 0
    due_soon = days_left is not None and 0 <= days_left <= DUE_SOON_DAYS
    backlog = is_open and accepted is not None and (as_of - accepted).days > BACKLOG_DAYS
    review = case.review
    review_requested = known(review.requested if review else None, as_of)
    review_decided = known(review.decided if review else None, as_of)
    recheck = case.recheck
    recheck_decided = known(recheck.decided if recheck else None, as_of)
    if accepted is None:
        label = STATUS_NOT_ACCEPTED if not_accepted is not None else STATUS_UNDECIDED
    elif closed is None:
        label = STATUS_OVERDUE if overdue else STATUS_OPEN
    else:
        assert deadline is not None
        label = STATUS_CLOSED_ON_TIME if closed <= deadline else STATUS_CLOSED_LATE
    return CaseStatus(
        case=case,
        as_of=as_of,
        accepted=accepted,
        not_accepted=not_accepted,
        closed=closed,
        acceptance_deadline=rules.acceptance_deadline(case),
        deadline=deadline,
        days_left=days_left,
        overdue=overdue,
        due_soon=due_soon,
        backlog=backlog,
        outcome=case.outcome if closed is not None else None,
        satisfaction=case.satisfaction if closed is not None else None,
        review_requested=review_requested,
        review_decided=review_decided,
        review_result=review.result if review is not None and review_decided else None,
        recheck_requested=known(recheck.requested if recheck else None, as_of),
        recheck_decided=recheck_decided,
        recheck_result=recheck.result if recheck is not None and recheck_decided else None,
        label=label,
    )


def open_cases(cases: Iterable[Case], rules: DeadlineRules, as_of: date) -> list[CaseStatus]:
    """Accepted cases open at ``as_of`` (any cohort), by deadline, then id (在办事项台账)."""
    rows = [case_status(c, rules, as_of) for c in cases if open_at(c, as_of)]
    return sorted(rows, key=lambda s: (s.deadline or date.max, s.case.id))


def backlog_cases(cases: Iterable[Case], rules: DeadlineRules, as_of: date) -> list[CaseStatus]:
    """积案 at ``as_of`` (any cohort), oldest acceptance first, then id (积案台账)."""
    rows = [case_status(c, rules, as_of) for c in cases if backlog_at(c, as_of)]
    return sorted(rows, key=lambda s: (s.accepted or date.max, s.case.id))


def known(day: date | None, as_of: date) -> date | None:
    return day if day is not None and day <= as_of else None


def open_at(case: Case, as_of: date) -> bool:
    if case.accepted is None or case.accepted > as_of:
        return False
    return case.closed is None or case.closed > as_of


def counted(case: Case, period: Period, as_of: date) -> bool:
    """Whether any figure of the period counts ``case``: in its cohort, open at the as-of
    date (超期, 积案, 包案), closed within the period (积案化解, 包案办结) or supervised in it."""
    last = min(period.end, as_of)
    return (
        period.start <= case.received <= last
        or open_at(case, as_of)
        or (case.closed is not None and period.start <= case.closed <= last)
        or any(period.start <= entry.date <= last for entry in case.supervision)
    )


def backlog_at(case: Case, as_of: date) -> bool:
    if not open_at(case, as_of):
        return False
    assert case.accepted is not None
    return (as_of - case.accepted).days > BACKLOG_DAYS

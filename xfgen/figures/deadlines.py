"""Deadlines: counting days, naturally or by the holiday rule.

DOMAIN.md: a period of N days starting on D ends on D + N. With
``calendar: workdays`` (民法典 art. 203) a deadline whose last day is a rest day
(a statutory holiday, or a weekend that is not a make-up working day) moves to
the next working day. Working days come from the ``holidays`` package's China
calendar, overridden by the office's own ``holidays.yaml``. A year after the
package's last published State Council arrangement is *provisional*: its days
are the package's rule-based ones, and the reports say so; it is never an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from xfgen.records.models import Case, Deadlines

if TYPE_CHECKING:
    import holidays

# The ``holidays`` package takes a sixth of a second to import (every country's
# calendar): it is imported only when a calendar of working days is consulted, so
# ``xfgen check`` under natural days never pays for it.

HOLIDAYS_FILE = "holidays.yaml"


def last_published_year() -> int:
    """The last year whose arrangement (放假调休安排) the installed package carries."""
    from holidays.countries.china import ChinaStaticHolidays

    return max(ChinaStaticHolidays.special_public_holidays)


@dataclass(frozen=True)
class OfficeDays:
    """The office's ``holidays.yaml``: extra rest days and working days, and whole years."""

    rest_days: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()  # defined by the file alone: weekends plus its dates


@dataclass(frozen=True)
class HolidayCalendar:
    """Which days are working days: the package's China calendar, under the office's file."""

    office: OfficeDays = OfficeDays()
    first_provisional: int = field(default_factory=lambda: last_published_year() + 1)
    _package: holidays.HolidayBase = field(
        default_factory=lambda: _china_calendar(), repr=False, compare=False
    )
    _known: dict[date, bool] = field(default_factory=dict, repr=False, compare=False)

    def is_workday(self, day: date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: date) -> bool:
        if day in self.office.workdays:
            return True
        if day in self.office.rest_days:
            return False
        if day.year in self.office.years:
            return day.weekday() < 5
        return bool(self._package.is_working_day(day))

    def next_workday(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def is_provisional(self, year: int) -> bool:
        """A year whose arrangement is not published yet and that the office has not defined."""
        return year >= self.first_provisional and year not in self.office.years


def _china_calendar() -> holidays.HolidayBase:
    import holidays

    return holidays.country_holidays("CN")


def statutory_calendar(
    extra_rest_days: frozenset[date] = frozenset(),
    extra_workdays: frozenset[date] = frozenset(),
    extra_years: frozenset[int] = frozenset(),
) -> HolidayCalendar:
    """The package's calendar with the office's own days and years on top."""
    return HolidayCalendar(OfficeDays(extra_rest_days, extra_workdays, extra_years))


@dataclass(frozen=True)
class DeadlineRules:
    """Counts the acceptance and handling deadlines of cases."""

    settings: Deadlines
    holidays: HolidayCalendar | None = None  # required when calendar is "workdays"

    @property
    def uses_holiday_rule(self) -> bool:
        return self.settings.calendar == "workdays"

    def add_days(self, start: date, days: int) -> date:
        """``start`` + ``days``, moved to the next working day under the holiday rule."""
        return self.move(start + timedelta(days=days))

    def move(self, day: date) -> date:
        if not self.uses_holiday_rule:
            return day
        assert self.holidays is not None
        return self.holidays.next_workday(day)

    def acceptance_deadline(self, case: Case) -> date:
        """The last day on which the acceptance decision is still in time: move(received + 15)."""
        return self.add_days(case.received, self.settings.accept_days)

    def original_deadline(self, case: Case) -> date | None:
        """The handling deadline without any extension: move(accepted + 60)."""
        if case.accepted is None:
            return None
        return self.add_days(case.accepted, self.settings.handle_days)

    def handling_deadline(self, case: Case, as_of: date | None = None) -> date | None:
        """The handling deadline as known at ``as_of``.

        An extension counts only once approved (on or before ``as_of``). It runs
        from the original deadline as moved, and is moved again:
        move(move(accepted + 60) + extension.days); with natural days this is
        exactly accepted + handle_days + extension.days.
        """
        original = self.original_deadline(case)
        if original is None or case.extension is None:
            return original
        if as_of is not None and case.extension.approved > as_of:
            return original
        return self.extended_deadline(case, original)

    def extended_deadline(self, case: Case, original: date) -> date:
        """The deadline with the case's extension: move(original + extension.days)."""
        assert case.extension is not None
        return self.add_days(original, case.extension.days)

    def is_provisional(self, year: int) -> bool:
        """Whether deadlines falling in ``year`` are counted on a provisional calendar."""
        return self.holidays is not None and self.holidays.is_provisional(year)

    def provisional_years(
        self, cases: Iterable[Case], as_of: date | None = None
    ) -> tuple[int, ...]:
        """The provisional years in which an acceptance limit or deadline of ``cases`` falls.

        Deadlines are as known at ``as_of`` (every extension when None). Empty
        under natural days, where no calendar is consulted.
        """
        if not self.uses_holiday_rule:
            return ()
        years: set[int] = set()
        for case in cases:
            for day in (
                self.acceptance_deadline(case),
                self.original_deadline(case),
                self.handling_deadline(case, as_of),
            ):
                if day is not None and self.is_provisional(day.year):
                    years.add(day.year)
        return tuple(sorted(years))


@dataclass(frozen=True)
class StoredDeadlines(DeadlineRules):
    """Deadlines computed once by the office, with its own calendar, and read back.

    An office's export (:mod:`xfgen.records.exchange`) carries each case's
    acceptance limit, moved 60-day deadline and extended deadline as its own
    calendar gave them; a roll-up counts with these, so the rule for which one
    applies at an as-of date stays :meth:`DeadlineRules.handling_deadline`'s.
    """

    # case id → (acceptance limit, original deadline, extended deadline)
    dates: Mapping[str, tuple[date, date | None, date | None]] = field(default_factory=dict)
    provisional: frozenset[int] = frozenset()  # the provisional years the office's calendar used

    def acceptance_deadline(self, case: Case) -> date:
        return self.dates[case.id][0]

    def original_deadline(self, case: Case) -> date | None:
        return self.dates[case.id][1] if case.accepted is not None else None

    def extended_deadline(self, case: Case, original: date) -> date:
        extended = self.dates[case.id][2]
        assert extended is not None, case.id
        return extended

    def is_provisional(self, year: int) -> bool:
        return year in self.provisional


def provisional_warning(years: Iterable[int], published: int) -> str:
    """The one warning check, stats and build give for provisional years (Chinese)."""
    listed = "、".join(f"{year}年" for year in years)
    return (
        f"{listed}的节假日安排尚未公布（已安装的 holidays 包只含到 {published} 年的放假调休安排），"
        f"落在{listed}的期限按法定节日推算，公布后可能变化。可以升级 holidays 包"
        f"（pip install -U holidays），或在仓库根目录的 {HOLIDAYS_FILE} 中写明{listed}的安排"
        f"（在 years 中列出该年，并列出 holidays 放假日期和 workdays 调休上班日期）。"
    )


def provisional_note(years: Iterable[int]) -> str:
    """What a page says when its figures depend on a provisional year ("" when none does)."""
    listed = "、".join(f"{year}年" for year in years)
    return f"{listed}节假日安排尚未公布，期限按法定节日推算" if listed else ""

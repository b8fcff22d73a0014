"""Deadlines: counting days, naturally or by the holiday rule.

DOMAIN.md: a period of N days starting on D ends on D + N. With
``calendar: workdays`` (民法典 art. 203) a deadline whose last day is a rest day
(a statutory holiday, or a weekend that is not a make-up working day) moves to
the next working day. The holiday data comes from the ``chinesecalendar``
package, extended or corrected by the office's own ``holidays.yaml``; a year
that neither covers is an error, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from xfgen.errors import CalendarError
from xfgen.records.models import Case, Deadlines

HOLIDAYS_FILE = "holidays.yaml"


@dataclass(frozen=True)
class HolidayCalendar:
    """Rest days and make-up working days for the years it covers."""

    rest_days: frozenset[date]
    make_up_workdays: frozenset[date]
    years: frozenset[int]

    def is_workday(self, day: date) -> bool:
        if day.year not in self.years:
            first, last = min(self.years), max(self.years)
            raise CalendarError(
                f"节假日日历没有 {day.year} 年的数据（已有 {first}–{last} 年），"
                f"无法按工作日规则计算期限（日期 {day.isoformat()}）。"
                f"请在仓库根目录的 {HOLIDAYS_FILE} 中补充 {day.year} 年的放假和调休安排"
                f"（years、holidays、workdays 三项，格式见 README），"
                f"或升级 chinesecalendar 包，或把 deadlines.calendar 改为 natural。"
            )
        if day in self.make_up_workdays:
            return True
        if day in self.rest_days:
            return False
        return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day


def statutory_calendar(
    extra_rest_days: frozenset[date] = frozenset(),
    extra_workdays: frozenset[date] = frozenset(),
    extra_years: frozenset[int] = frozenset(),
) -> HolidayCalendar:
    """The chinesecalendar package's data, with the office's own additions.

    A date the office lists overrides the package: listed as a working day it is
    removed from the rest days, and the other way round.
    """
    from chinese_calendar import constants

    rest = set(constants.holidays) - extra_workdays
    work = set(constants.workdays) - extra_rest_days
    years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return HolidayCalendar(
        rest_days=frozenset(rest | extra_rest_days),
        make_up_workdays=frozenset(work | extra_workdays),
        years=frozenset(years | extra_years),
    )


@dataclass(frozen=True)
class DeadlineRules:
    """Counts the acceptance and handling deadlines of cases."""

    settings: Deadlines
    holidays: HolidayCalendar | None = None  # required when calendar is "workdays"

    @property
    def uses_holiday_rule(self) -> bool:
        return self.settings.calendar == "workdays"

    def add_days(self, start: date, days: int) -> date:
        end = start + timedelta(days=days)
        if self.uses_holiday_rule:
            assert self.holidays is not None
            end = self.holidays.next_workday(end)
        return end

    def acceptance_deadline(self, case: Case) -> date:
        """The last day on which the acceptance decision is still in time."""
        return self.add_days(case.received, self.settings.accept_days)

    def original_deadline(self, case: Case) -> date | None:
        """The handling deadline without any extension."""
        if case.accepted is None:
            return None
        return self.add_days(case.accepted, self.settings.handle_days)

    def handling_deadline(self, case: Case, as_of: date | None = None) -> date | None:
        """The handling deadline as known at ``as_of``.

        An extension counts only once approved (on or before ``as_of``). It runs
        from the original deadline; with natural days this is exactly
        accepted + handle_days + extension.days.
        """
        original = self.original_deadline(case)
        if original is None or case.extension is None:
            return original
        if as_of is not None and case.extension.approved > as_of:
            return original
        return self.add_days(original, case.extension.days)

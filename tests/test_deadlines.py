"""Deadlines in plain calendar days and under the holiday rule (民法典 art. 203).

2026 is a published year (国务院办公厅 2025-11 arrangement, in the `holidays` package):
Spring Festival: 2026-02-15..2026-02-23 are rest days; Saturday 2026-02-14 and
Saturday 2026-02-28 are make-up working days (调休上班).
Mid-Autumn Friday 2026-09-25; National Day 2026-10-01..2026-10-07 rest days;
Sunday 2026-09-20 and Saturday 2026-10-10 are make-up working days.

Which years are provisional comes from the installed package (its last published
year + 1 onward): these tests never name such a year, they ask the package.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest

from xfgen.figures.deadlines import (
    DeadlineRules,
    HolidayCalendar,
    OfficeDays,
    last_published_year,
    provisional_note,
    provisional_warning,
    statutory_calendar,
)
from xfgen.records.models import Case, Deadlines, Extension

NATURAL = DeadlineRules(Deadlines())
WORKDAYS = DeadlineRules(Deadlines(calendar="workdays"), statutory_calendar())
PROVISIONAL = last_published_year() + 1  # the first year the package only computes by rule


def make_case(
    received: str | date, accepted: str | date | None = None, extension: Extension | None = None
) -> Case:
    def day(value: str | date) -> date:
        return value if isinstance(value, date) else date.fromisoformat(value)

    return Case(
        id="XF2026-0001",
        path="cases/2026/XF2026-0001.yaml",
        received=day(received),
        channel="来信",
        source="本级受理",
        kind="申诉求决类",
        category="城乡建设/征地拆迁",
        summary="测试",
        unit="城关镇",
        accepted=day(accepted) if accepted else None,
        extension=extension,
    )


def package_move(day: date) -> date:
    """An independent reading of the rule: the package's own next working day."""
    china = holidays.country_holidays("CN")
    while not china.is_working_day(day):
        day += timedelta(days=1)
    return day


def test_the_package_has_published_2026() -> None:
    # The hand-checked 2026 dates below need 2026 published; newer packages only add years.
    assert last_published_year() >= 2026


def test_natural_days_do_not_count_the_first_day() -> None:
    # 2026-01-31 + 15 days = 2026-02-15, a holiday, but natural days ignore holidays.
    assert NATURAL.acceptance_deadline(make_case("2026-01-31")) == date(2026, 2, 15)
    # accepted 2026-01-10 + 60 days = 2026-03-11 (21 days to Jan 31, 28 in Feb, 11 in Mar).
    assert NATURAL.original_deadline(make_case("2026-01-05", "2026-01-10")) == date(2026, 3, 11)


def test_deadline_on_a_spring_festival_holiday_moves_to_the_next_working_day() -> None:
    # 2026-01-31 + 15 = 2026-02-15 (holiday); 02-16..02-23 are holidays too; 02-24 is a Tuesday.
    assert WORKDAYS.acceptance_deadline(make_case("2026-01-31")) == date(2026, 2, 24)
    # handling: 2025-12-17 + 60 = 2026-02-15 → 2026-02-24 as well.
    assert WORKDAYS.original_deadline(make_case("2025-12-15", "2025-12-17")) == date(2026, 2, 24)


def test_deadline_on_a_make_up_saturday_stays() -> None:
    # 2026-01-30 + 15 = Saturday 2026-02-14, a make-up working day.
    assert WORKDAYS.acceptance_deadline(make_case("2026-01-30")) == date(2026, 2, 14)
    # 2026-02-13 + 15 = Saturday 2026-02-28, also a make-up working day.
    assert WORKDAYS.acceptance_deadline(make_case("2026-02-13")) == date(2026, 2, 28)
    # 2026-09-05 + 15 = Sunday 2026-09-20, a make-up working day before National Day.
    assert WORKDAYS.acceptance_deadline(make_case("2026-09-05")) == date(2026, 9, 20)


def test_deadline_on_an_ordinary_weekend_moves_to_monday() -> None:
    # 2026-03-06 + 15 = Saturday 2026-03-21 → Monday 2026-03-23.
    assert WORKDAYS.acceptance_deadline(make_case("2026-03-06")) == date(2026, 3, 23)
    assert NATURAL.acceptance_deadline(make_case("2026-03-06")) == date(2026, 3, 21)


def test_handling_deadline_and_extension_under_the_holiday_rule() -> None:
    extension = Extension(days=30, approved=date(2026, 2, 10))
    case = make_case("2025-12-15", "2025-12-17", extension)
    # 2025-12-17 + 60 = 2026-02-15 (holiday) → 2026-02-24.
    assert WORKDAYS.original_deadline(case) == date(2026, 2, 24)
    # the extension runs from the moved deadline: 02-24 + 30 = Thursday 2026-03-26.
    assert WORKDAYS.handling_deadline(case, date(2026, 2, 10)) == date(2026, 3, 26)
    # not yet approved on 2026-02-09: only the original deadline is known.
    assert WORKDAYS.handling_deadline(case, date(2026, 2, 9)) == date(2026, 2, 24)
    # natural days: 2026-02-15 + 30 = 2026-03-17, once approved.
    assert NATURAL.handling_deadline(case, date(2026, 2, 10)) == date(2026, 3, 17)
    assert NATURAL.handling_deadline(case, date(2026, 2, 9)) == date(2026, 2, 15)


def test_an_extension_across_national_day_is_moved_twice() -> None:
    extension = Extension(days=30, approved=date(2026, 9, 1))
    # accepted 2026-07-28 + 60 = Saturday 2026-09-26 (after Mid-Autumn Friday 09-25)
    # → Monday 2026-09-28; + 30 = Wednesday 2026-10-28, past National Day.
    case = make_case("2026-07-20", "2026-07-28", extension)
    assert WORKDAYS.original_deadline(case) == date(2026, 9, 28)
    assert WORKDAYS.handling_deadline(case) == date(2026, 10, 28)
    # Moving only once, move(accepted + 90) = move(2026-10-26), would give Monday 10-26;
    # natural days: 2026-07-28 + 90 = 2026-10-26.
    assert NATURAL.handling_deadline(case) == date(2026, 10, 26)
    # accepted 2026-07-03 + 60 = Tuesday 2026-09-01; + 30 = 2026-10-01 (National Day)
    # → 10-02..10-07 are rest days too → Thursday 2026-10-08.
    landing = make_case("2026-07-01", "2026-07-03", extension)
    assert WORKDAYS.handling_deadline(landing) == date(2026, 10, 8)


def test_a_year_in_holidays_yaml_years_is_defined_by_the_file_alone() -> None:
    # The office defines 2026 itself: only 02-16 and 02-17 off, Saturday 02-14 not worked.
    office = OfficeDays(
        rest_days=frozenset({date(2026, 2, 16), date(2026, 2, 17)}), years=frozenset({2026})
    )
    rules = DeadlineRules(Deadlines(calendar="workdays"), HolidayCalendar(office))
    # 2026-01-31 + 15 = Sunday 02-15 → 02-16, 02-17 are the file's holidays → Wednesday 02-18
    # (the package would say 02-24).
    assert rules.acceptance_deadline(make_case("2026-01-31")) == date(2026, 2, 18)
    # 2026-01-30 + 15 = Saturday 02-14: a weekend, since the file lists no workdays → Wed 02-18.
    assert rules.acceptance_deadline(make_case("2026-01-30")) == date(2026, 2, 18)
    # 2026-09-16 + 15 = Thursday 10-01: the package's National Day does not count.
    assert rules.acceptance_deadline(make_case("2026-09-16")) == date(2026, 10, 1)
    assert not rules.holidays.is_provisional(2026)  # type: ignore[union-attr]


def test_single_dates_in_holidays_yaml_override_the_package() -> None:
    office = OfficeDays(
        rest_days=frozenset({date(2026, 3, 23)}), workdays=frozenset({date(2026, 2, 15)})
    )
    rules = DeadlineRules(Deadlines(calendar="workdays"), HolidayCalendar(office))
    # 2026-01-31 + 15 = 02-15, now a working day.
    assert rules.acceptance_deadline(make_case("2026-01-31")) == date(2026, 2, 15)
    # 2026-03-06 + 15 = Saturday 03-21 → Monday 03-23 is the office's rest day → Tuesday 03-24.
    assert rules.acceptance_deadline(make_case("2026-03-06")) == date(2026, 3, 24)


def test_a_provisional_year_follows_the_package_rule_and_is_flagged() -> None:
    # Received on 12-20 of the last published year: 12-20 + 15 = 01-04 of the first provisional one.
    received = date(PROVISIONAL - 1, 12, 20)
    case = make_case(received)
    limit = WORKDAYS.acceptance_deadline(case)
    assert limit == package_move(received + timedelta(days=15))
    assert limit.year == PROVISIONAL
    assert WORKDAYS.provisional_years([case]) == (PROVISIONAL,)
    assert NATURAL.provisional_years([case]) == ()
    # Every day of the provisional year is the package's own (its rule-based "observed" days too).
    calendar = statutory_calendar()
    china = holidays.country_holidays("CN")
    day = date(PROVISIONAL, 1, 1)
    while day.year == PROVISIONAL:
        assert calendar.is_workday(day) == china.is_working_day(day), day
        day += timedelta(days=1)


def test_a_spring_festival_deadline_in_a_provisional_year() -> None:
    # The package's rest weekdays of January–February of the first provisional year hold
    # its Spring Festival; a deadline on its first day moves past all of them.
    china = holidays.country_holidays("CN")
    first_rest = next(
        date(PROVISIONAL, 1, 20) + timedelta(days=i)
        for i in range(40)
        if (date(PROVISIONAL, 1, 20) + timedelta(days=i)).weekday() < 5
        and not china.is_working_day(date(PROVISIONAL, 1, 20) + timedelta(days=i))
    )
    accepted = first_rest - timedelta(days=60)
    case = make_case(accepted, accepted)
    deadline = WORKDAYS.original_deadline(case)
    assert deadline == package_move(first_rest) and deadline > first_rest
    assert WORKDAYS.provisional_years([case]) == (PROVISIONAL,)


def test_listing_the_provisional_year_in_years_ends_the_warning() -> None:
    office = OfficeDays(years=frozenset({PROVISIONAL}))
    rules = DeadlineRules(Deadlines(calendar="workdays"), HolidayCalendar(office))
    case = make_case(date(PROVISIONAL - 1, 12, 20))
    assert rules.provisional_years([case]) == ()
    # Only weekends count now: 01-04 moves to the first weekday on or after it.
    limit = rules.acceptance_deadline(case)
    assert limit.weekday() < 5 and (limit - date(PROVISIONAL, 1, 4)).days <= 2


def test_provisional_wording() -> None:
    assert provisional_note([2031]) == "2031年节假日安排尚未公布，期限按法定节日推算"
    assert provisional_note([]) == ""
    warning = provisional_warning([2031], 2030)
    assert "2031年" in warning and "holidays 包" in warning and "holidays.yaml" in warning


@pytest.mark.parametrize("year", [1999, 2005, 2026])
def test_published_years_are_not_provisional(year: int) -> None:
    assert not statutory_calendar().is_provisional(year)

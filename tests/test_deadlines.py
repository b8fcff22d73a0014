"""Deadlines in plain calendar days and under the holiday rule (民法典 art. 203).

2026 Spring Festival (chinesecalendar): 2026-02-15..2026-02-23 are rest days;
Saturday 2026-02-14 and Saturday 2026-02-28 are make-up working days (调休上班).
"""

from __future__ import annotations

from datetime import date

import pytest

from xfgen.errors import CalendarError
from xfgen.figures.deadlines import DeadlineRules, HolidayCalendar, statutory_calendar
from xfgen.records.models import Case, Deadlines, Extension

NATURAL = DeadlineRules(Deadlines())
WORKDAYS = DeadlineRules(Deadlines(calendar="workdays"), statutory_calendar())


def make_case(
    received: str, accepted: str | None = None, extension: Extension | None = None
) -> Case:
    return Case(
        id="XF2026-0001",
        path="cases/2026/XF2026-0001.yaml",
        received=date.fromisoformat(received),
        channel="来信",
        source="本级受理",
        kind="申诉求决类",
        category="城乡建设/征地拆迁",
        summary="测试",
        unit="城关镇",
        accepted=date.fromisoformat(accepted) if accepted else None,
        extension=extension,
    )


def test_natural_days_do_not_count_the_first_day() -> None:
    # 2026-01-31 + 15 days = 2026-02-15, a holiday, but natural days ignore holidays.
    assert NATURAL.acceptance_deadline(make_case("2026-01-31")) == date(2026, 2, 15)
    # accepted 2026-01-10 + 60 days = 2026-03-11 (21 days to Jan 31, 28 in Feb, 11 in Mar).
    assert NATURAL.original_deadline(make_case("2026-01-05", "2026-01-10")) == date(2026, 3, 11)


def test_deadline_on_a_spring_festival_holiday_moves_to_the_next_working_day() -> None:
    # 2026-01-31 + 15 = 2026-02-15 (holiday); 02-16..02-23 are holidays too; 02-24 is a Tuesday.
    assert WORKDAYS.acceptance_deadline(make_case("2026-01-31")) == date(2026, 2, 24)


def test_deadline_on_a_make_up_saturday_stays() -> None:
    # 2026-01-30 + 15 = Saturday 2026-02-14, a make-up working day.
    assert WORKDAYS.acceptance_deadline(make_case("2026-01-30")) == date(2026, 2, 14)
    # 2026-02-13 + 15 = Saturday 2026-02-28, also a make-up working day.
    assert WORKDAYS.acceptance_deadline(make_case("2026-02-13")) == date(2026, 2, 28)


def test_deadline_on_an_ordinary_weekend_moves_to_monday() -> None:
    # 2026-03-06 + 15 = Saturday 2026-03-21 → Monday 2026-03-23.
    assert WORKDAYS.acceptance_deadline(make_case("2026-03-06")) == date(2026, 3, 23)
    assert NATURAL.acceptance_deadline(make_case("2026-03-06")) == date(2026, 3, 21)


def test_handling_deadline_and_extension_under_the_holiday_rule() -> None:
    extension = Extension(days=30, approved=date(2026, 2, 10))
    case = make_case("2025-12-15", "2025-12-17", extension)
    # 2025-12-17 + 60 = 2026-02-15 (holiday) → 2026-02-24.
    assert WORKDAYS.original_deadline(case) == date(2026, 2, 24)
    # the extension runs from the original deadline: 02-24 + 30 = Thursday 2026-03-26.
    assert WORKDAYS.handling_deadline(case, date(2026, 2, 10)) == date(2026, 3, 26)
    # not yet approved on 2026-02-09: only the original deadline is known.
    assert WORKDAYS.handling_deadline(case, date(2026, 2, 9)) == date(2026, 2, 24)
    # natural days: 2026-02-15 + 30 = 2026-03-17, once approved.
    assert NATURAL.handling_deadline(case, date(2026, 2, 10)) == date(2026, 3, 17)
    assert NATURAL.handling_deadline(case, date(2026, 2, 9)) == date(2026, 2, 15)


def test_a_year_the_package_does_not_cover_is_a_calendar_error() -> None:
    if 2027 in WORKDAYS.holidays.years:  # type: ignore[union-attr]
        pytest.skip("chinesecalendar now covers 2027; the handmade calendar test below still runs")
    # 2026-12-20 + 15 = 2027-01-04: the rule cannot be applied without 2027 data.
    with pytest.raises(CalendarError, match="节假日日历没有 2027 年的数据"):
        WORKDAYS.acceptance_deadline(make_case("2026-12-20"))
    # natural days need no calendar.
    assert NATURAL.acceptance_deadline(make_case("2026-12-20")) == date(2027, 1, 4)


def test_a_year_a_handmade_calendar_does_not_cover_is_a_calendar_error() -> None:
    calendar = HolidayCalendar(
        rest_days=frozenset(), make_up_workdays=frozenset(), years=frozenset({2026})
    )
    rules = DeadlineRules(Deadlines(calendar="workdays"), calendar)
    with pytest.raises(CalendarError, match="2027"):
        rules.acceptance_deadline(make_case("2026-12-20"))

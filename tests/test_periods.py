"""Periods: parsing, names, the periods they are compared with, as-of dates."""

from __future__ import annotations

from datetime import date

import pytest

from xfgen.errors import PeriodError
from xfgen.figures.periods import default_as_of, one_year_earlier, parse_as_of, parse_period


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "name"),
    [
        ("2026H1", "half", date(2026, 1, 1), date(2026, 6, 30), "2026年上半年"),
        ("2026H2", "half", date(2026, 7, 1), date(2026, 12, 31), "2026年下半年"),
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31), "2026年"),
        ("2026Q1", "quarter", date(2026, 1, 1), date(2026, 3, 31), "2026年第一季度"),
        ("2026Q4", "quarter", date(2026, 10, 1), date(2026, 12, 31), "2026年第四季度"),
        ("2026-03", "month", date(2026, 3, 1), date(2026, 3, 31), "2026年3月"),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        ("2026-12", "month", date(2026, 12, 1), date(2026, 12, 31), "2026年12月"),
    ],
)
def test_parse_period(text: str, kind: str, start: date, end: date, name: str) -> None:
    period = parse_period(text)
    assert (period.label, period.kind, period.start, period.end) == (text, kind, start, end)
    assert period.name == name
    assert str(period) == text


def test_parse_period_normalises_case_and_spaces() -> None:
    assert parse_period(" 2026h2 ").label == "2026H2"
    assert parse_period("2026q3").label == "2026Q3"


@pytest.mark.parametrize(
    "text",
    ["2026H3", "2026H0", "2026Q5", "2026Q0", "2026-13", "2026-00", "2026-3", "26H1", "", "上半年"],
)
def test_bad_period_is_a_period_error_in_chinese(text: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(text)
    assert str(raised.value) == (
        f"无法识别的统计期间 “{text}”，应为 2026H1、2026H2、2026、2026Q1 或 2026-03 这样的格式"
    )


@pytest.mark.parametrize(
    ("text", "previous", "year_earlier"),
    [
        ("2026H1", "2025H2", "2025H1"),
        ("2026H2", "2026H1", "2025H2"),
        ("2026", "2025", "2025"),
        ("2026Q1", "2025Q4", "2025Q1"),
        ("2026Q3", "2026Q2", "2025Q3"),
        ("2026-01", "2025-12", "2025-01"),
        ("2026-03", "2026-02", "2025-03"),
    ],
)
def test_previous_and_year_earlier(text: str, previous: str, year_earlier: str) -> None:
    period = parse_period(text)
    assert period.previous() == parse_period(previous)
    assert period.year_earlier() == parse_period(year_earlier)


def test_year_earlier_of_a_leap_february_ends_on_the_28th() -> None:
    assert parse_period("2024-02").year_earlier().end == date(2023, 2, 28)


def test_months_of_a_period() -> None:
    assert [m.label for m in parse_period("2026Q2").months()] == ["2026-04", "2026-05", "2026-06"]
    assert len(parse_period("2026").months()) == 12
    assert [m.label for m in parse_period("2026-07").months()] == ["2026-07"]


def test_default_as_of_is_the_end_or_today_while_running() -> None:
    h1 = parse_period("2026H1")
    assert default_as_of(h1, date(2026, 11, 25)) == date(2026, 6, 30)  # ended
    assert default_as_of(h1, date(2026, 6, 30)) == date(2026, 6, 30)  # last day
    assert default_as_of(h1, date(2026, 4, 15)) == date(2026, 4, 15)  # still running


def test_one_year_earlier() -> None:
    assert one_year_earlier(date(2024, 2, 29)) == date(2023, 2, 28)
    assert one_year_earlier(date(2024, 2, 28)) == date(2023, 2, 28)
    assert one_year_earlier(date(2026, 6, 30)) == date(2025, 6, 30)
    assert one_year_earlier(date(2025, 3, 1)) == date(2024, 3, 1)


def test_parse_as_of() -> None:
    assert parse_as_of("2026-06-30") == date(2026, 6, 30)
    for bad in ("2026-02-30", "2026/06/30", "20260630", "昨天"):
        with pytest.raises(PeriodError, match=f"无法识别的截止日期 “{bad}”"):
            parse_as_of(bad)

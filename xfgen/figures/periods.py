"""Reporting periods (half year, year, quarter, month) and their as-of dates.

A period is named by a label such as ``2026H1``, ``2026``, ``2026Q1`` or
``2026-03``; everything else (dates, Chinese name, the periods it is compared
with) is derived from it here, so no other module does date arithmetic on
periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from xfgen.errors import PeriodError

PeriodKind = Literal["half", "year", "quarter", "month"]

_FORMATS = "2026H1、2026H2、2026、2026Q1 或 2026-03"
_PATTERN = re.compile(
    r"(?P<year>[1-9]\d{3})(?:(?P<half>[Hh][12])|(?P<quarter>[Qq][1-4])|-(?P<month>0[1-9]|1[0-2]))?"
)
FIRST_YEAR, LAST_YEAR = 1950, 2100  # no record is dated outside these years
_QUARTER_NAMES = ("一", "二", "三", "四")
_MONTHS_IN = {"half": 6, "year": 12, "quarter": 3, "month": 1}


@dataclass(frozen=True)
class Period:
    """One reporting period, from ``start`` to ``end`` inclusive.

    Build periods with :func:`parse_period` (or :meth:`previous`,
    :meth:`year_earlier`); the fields are then always consistent.
    """

    label: str
    kind: PeriodKind
    start: date
    end: date

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def index(self) -> int:
        """The half (1–2), quarter (1–4) or month (1–12) within the year; 1 for a year."""
        return (self.start.month - 1) // _MONTHS_IN[self.kind] + 1

    @property
    def name(self) -> str:
        """The Chinese name used in reports: 2026年上半年, 2026年第一季度, 2026年3月 ..."""
        if self.kind == "half":
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        if self.kind == "quarter":
            return f"{self.year}年第{_QUARTER_NAMES[self.index - 1]}季度"
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        return f"{self.year}年"

    def __str__(self) -> str:
        return self.label

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The period of the same length just before this one (环比)."""
        if self.index > 1:
            return _make(self.kind, self.year, self.index - 1)
        return _make(self.kind, self.year - 1, 12 // _MONTHS_IN[self.kind])

    def year_earlier(self) -> Period:
        """The same period one year earlier (同比)."""
        return self.years_earlier(1)

    def years_earlier(self, years: int) -> Period:
        """The same period ``years`` years earlier (a trend's earlier points)."""
        return _make(self.kind, self.year - years, self.index)

    def halves(self) -> tuple[Period, ...]:
        """A year's two halves (a year report compares them); () for other periods."""
        if self.kind != "year":
            return ()
        return (_make("half", self.year, 1), _make("half", self.year, 2))

    def months(self) -> tuple[Period, ...]:
        """The months of this period, in order."""
        first = self.start.month
        count = _MONTHS_IN[self.kind]
        return tuple(_make("month", self.year, m) for m in range(first, first + count))


def parse_period(text: str) -> Period:
    """Read a period label; raise :class:`PeriodError` with a Chinese message if it is not one."""
    match = _PATTERN.fullmatch(text.strip())
    if match is None:
        raise PeriodError(f"无法识别的统计期间 “{text}”，应为 {_FORMATS} 这样的格式")
    year = int(match["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"统计期间 “{text}” 的年份应在 {FIRST_YEAR}–{LAST_YEAR} 年之间")
    if match["half"]:
        return _make("half", year, int(match["half"][1]))
    if match["quarter"]:
        return _make("quarter", year, int(match["quarter"][1]))
    if match["month"]:
        return _make("month", year, int(match["month"]))
    return _make("year", year, 1)


def parse_as_of(text: str) -> date:
    """Read a date given on the command line: exactly YYYY-MM-DD, and a real day."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(
            f"无法识别的截止日期 “{text}”，应为 2026-06-30 这样的日期（年-月-日，且为真实日期）"
        ) from None


def default_as_of(period: Period, today: date) -> date:
    """The period's last day, or today while the period has not ended yet."""
    return min(period.end, today)


def check_as_of(period: Period, as_of: date) -> None:
    """A period is reported only once it has begun at the as-of date."""
    if as_of < period.start:
        raise PeriodError(
            f"截至日期 {as_of.isoformat()} 早于统计期间 {period.name}（{period.label}）的第一天 "
            f"{period.start.isoformat()}，没有可统计的内容"
        )


def refuse_future(as_of: date, today: date) -> None:
    """An as-of date after today would report what has not happened (made-up 超期 days)."""
    if as_of > today:
        raise PeriodError(
            f"截至日期 {as_of.isoformat()} 晚于今天（{today.isoformat()}）：不能统计尚未到来的日子，"
            "请给出今天或以前的日期"
        )


def one_year_earlier(day: date) -> date:
    """The same day one year earlier; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def _make(kind: PeriodKind, year: int, index: int) -> Period:
    months = _MONTHS_IN[kind]
    first_month = (index - 1) * months + 1
    start = date(year, first_month, 1)
    after = (
        date(year + 1, 1, 1) if first_month + months > 12 else date(year, first_month + months, 1)
    )
    if kind == "half":
        label = f"{year}H{index}"
    elif kind == "quarter":
        label = f"{year}Q{index}"
    elif kind == "month":
        label = f"{year}-{index:02d}"
    else:
        label = f"{year}"
    return Period(label=label, kind=kind, start=start, end=after - timedelta(days=1))

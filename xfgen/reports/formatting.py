"""How numbers look wherever a person reads them: terminal, HTML and PDF alike.

One rounding rule (DOMAIN.md "Rounding"): half up (四舍五入) from the exact
value to one decimal, for rates, shares, average days and scores. A change
printed beside two printed values is computed from those printed values, so a
reader who redoes the subtraction gets the printed figure. Changes are worded
by :mod:`xfgen.reports.wording` (:func:`shown_change` words a ``Change`` the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from markupsafe import Markup

from xfgen.figures.compute import Change

NO_DATA = "—"  # a rate with a zero denominator, a missing value: never 0% or 100%

Number = Fraction | Decimal | float | int
Against = Literal["同比", "环比"]
# How each comparison names the other period when it has no data or a count of 0.
_OTHER = {"同比": "上年同期", "环比": "上期"}


def half_up(value: Number, places: int = 1) -> Decimal:
    """``value`` rounded half up (away from zero at .5) to ``places`` decimals, exactly.

    A float is read as the shortest decimal that prints as it (0.0875 is 7/80),
    not as its binary value, so a float that stands for a decimal rounds as
    that decimal does.
    """
    scaled = _exact(value) * 10**places
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    signed = -whole if scaled < 0 else whole
    return (Decimal(signed) / 10**places).quantize(Decimal(1).scaleb(-places))


def percent(rate: Number | None) -> str:
    """A rate or share as a percentage with one decimal (6.3% for 1/16), or — for no data."""
    return NO_DATA if rate is None else f"{_points(rate)}%"


def decimal(value: Number | None, places: int = 1) -> str:
    """A plain number with ``places`` decimals (average days), or — for no data."""
    return NO_DATA if value is None else str(half_up(value, places))


def score_points(score: Number | None) -> str:
    """A leaderboard score as points out of 100, one decimal."""
    return NO_DATA if score is None else str(_points(score))


def rank_change(change: int | None, previous: int | None, compared: bool = True) -> str:
    """A leaderboard row's move since the previous period: ↑2, ↓1, 持平, 新上榜.

    ``compared`` is False when the previous period ranked nobody, so there is
    nothing to compare with (—), rather than every unit being new.
    """
    if not compared:
        return NO_DATA
    if previous is None or change is None:
        return "新上榜"
    if change == 0:
        return "持平"
    return f"↑{change}" if change > 0 else f"↓{-change}"


@dataclass(frozen=True)
class ShownChange:
    """A change as printed: ``text`` in prose (同比下降6.3%), ``cell`` in a table (下降6.3%)."""

    text: str
    cell: str

    def __str__(self) -> str:
        return self.text


def shown_change(change: Change, against: Against = "同比", unit: str = "件") -> ShownChange:
    """How ``change`` reads, by DOMAIN.md "Wording of changes": the rules are those of
    :mod:`xfgen.reports.wording` (the summary's own); a compared period without any
    record reads 上年同期无记录 (上期… for 环比)."""
    from xfgen.reports import wording  # wording builds on this module's rounding

    if not change.baseline:
        missing = f"{_OTHER[against]}无记录"
        return ShownChange(missing, missing)
    text = wording.change_text(change.kind, change.current, change.previous, against, unit)
    if change.current is None and change.previous is not None:
        return ShownChange("本期无数据", NO_DATA)
    return ShownChange(
        text, wording.change_cell(change.kind, change.current, change.previous, against, unit)
    )


def _points(rate: Number) -> Decimal:
    """A fraction as percentage points, rounded half up to one decimal."""
    return half_up(_exact(rate) * 100)


def _exact(value: Number) -> Fraction:
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def chinese_date(day: date) -> str:
    """A date as prose writes it: 2026年6月30日 (tables may keep 2026-06-30)."""
    return f"{day.year}年{day.month}月{day.day}日"


# A number with its unit (or 占 with a share), and a date written out: never split by a line break.
_UNBREAKABLE = re.compile(
    r"\d{4}年\d{1,2}月\d{1,2}日|占?\d+(?:\.\d+)?(?:个百分点|人次|%|件|批|次|天|人|年|月|日)"
)


def no_break(html: str) -> Markup:
    """Rendered prose with every number and its unit in a no-break span.

    ``html`` is the template's own output (text without tags inside the
    numbers), so the spans can go around what the pattern matches.
    """
    return Markup(_UNBREAKABLE.sub(lambda m: f'<span class="nb">{m[0]}</span>', str(html)))

"""How numbers look wherever a person reads them: terminal, HTML and PDF alike.

One rounding rule (DOMAIN.md "Rounding"): half up (四舍五入) from the exact
value to one decimal, for rates, shares, average days and scores. A change
printed beside two printed values is computed from those printed values, so a
reader who redoes the subtraction gets the printed figure; :func:`shown_change`
is the one place that words a change, for the summary, the terminal table and
every other report.
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


def shown_change(change: Change, against: Against = "同比") -> ShownChange:
    """How ``change`` reads, by DOMAIN.md "Wording of changes".

    Counts: the exact (now − before) ÷ before as a percentage (上升/下降X%);
    rates: the difference of the two shown percentages (提高/降低X个百分点);
    average days: the difference of the two shown values (增加/减少X天).
    Equal shown values are 持平; a previous count of 0 is 上年同期为0; a
    previous rate or average without data, or a previous period without any
    case, is 上年同期无数据 (上期… for 环比).
    """
    other = _OTHER[against]
    if not change.baseline or change.previous is None:
        return ShownChange(f"{other}无数据", f"{other}无数据")
    if change.current is None:
        return ShownChange("本期无数据", "本期无数据")
    if change.kind == "count":
        if change.previous == 0:
            if change.current == 0:
                return ShownChange(f"{against}持平", "持平")
            return ShownChange(f"{other}为0", f"{other}为0")
        amount = half_up(Fraction(change.current - change.previous) / change.previous * 100)
        up, down, unit = "上升", "下降", "%"
    elif change.kind == "rate":
        amount = _points(change.current) - _points(change.previous)
        up, down, unit = "提高", "降低", "个百分点"
    else:
        amount = half_up(change.current) - half_up(change.previous)
        up, down, unit = "增加", "减少", "天"
    if amount == 0:
        return ShownChange(f"{against}持平", "持平")
    word = up if amount > 0 else down
    phrase = f"{word}{abs(amount)}{unit}"
    return ShownChange(f"{against}{phrase}", phrase)


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

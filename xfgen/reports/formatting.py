"""How numbers look wherever a person reads them: terminal, HTML and PDF alike."""

from __future__ import annotations

NO_DATA = "—"  # a rate with a zero denominator, a missing value: never 0% or 100%


def percent(rate: float | None) -> str:
    """A rate as a percentage with one decimal (87.5%), or — for no data."""
    return NO_DATA if rate is None else f"{rate * 100:.1f}%"


def decimal(value: float | None, places: int = 1) -> str:
    """A plain number with ``places`` decimals (average days), or — for no data."""
    return NO_DATA if value is None else f"{value:.{places}f}"


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


def score_points(score: float | None) -> str:
    """A leaderboard score as points out of 100, one decimal."""
    return NO_DATA if score is None else f"{score * 100:.1f}"

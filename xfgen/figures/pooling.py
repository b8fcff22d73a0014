"""A city's figures from its offices' own (DOMAIN.md "Roll-up": Figures, Labels, Office ranking).

Each office's figures are computed by :func:`xfgen.figures.compute.compute_figures`
and written as :func:`~xfgen.figures.compute.figures_to_json`'s object; this
module only combines those objects. Every count is the sum over offices; every
rate and average is the pooled fraction (the sum of numerators over the sum of
denominators, from ``fractions``), never a mean of rates; ``previous_year`` and
``previous_period`` are pooled the same way. Labels are mapped to the city's in
the combined maps only; units and leaders stay in their offices' objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from xfgen.figures.compute import (
    UnitFigures,
    UnitRates,
    backlog_schedule,
    comparisons,
    rank_units,
    unit_score,
)
from xfgen.figures.periods import Period
from xfgen.records.models import LeaderboardSettings

# JSON path of each combined label map → the vocabulary its labels belong to (None: not
# mapped: fixed labels or months).
LABEL_MAPS: Mapping[str, str | None] = {
    "by.channel": "channels",
    "by.source": "sources",
    "by.kind": None,
    "by.category": "categories",
    "by.outcome": "outcomes",
    "by.route": "routes",
    "by.month": None,
    "by_closed.channel": "channels",
    "by_closed.source": "sources",
    "by_closed.kind": None,
    "by_closed.category": "categories",
    "by_people.channel": "channels",
    "by_method": "methods",
    "by_supervision_kind": "supervision_kinds",
    "by_backlog_start.source": "sources",
    "by_backlog_resolved.source": "sources",
    "by_closing_month": None,
    "office_work.by_kind": "activity_kinds",
    "office_work.by_level": "leader_levels",
}
# Units and leaders belong to their office: never in the combined object.
OFFICE_ONLY = frozenset(
    {
        "by.unit",
        "by_closed.unit",
        "office_work.by_leader",
        "office_work.by_level_leader",
        "units",
        "leaderboard",
        "unranked",
    }
)
# Recomputed from the pooled fractions and sums, never added up.
DERIVED = frozenset({"rates", "avg_handling_days"})
SNAPSHOTS = ("", "previous_year.", "previous_period.")
RANKED_RATES = ("timely_acceptance", "closure", "on_time_closure", "satisfaction")

Relabel = Callable[[str, str], str]  # (vocabulary, office label) → the city's label


def _as_written(vocabulary: str, label: str) -> str:
    return label


@dataclass(frozen=True)
class PoolSettings:
    """What the roll-up itself decides: its label crosswalk and its office ranking."""

    relabel: Relabel = _as_written
    leaderboard: LeaderboardSettings = field(default_factory=LeaderboardSettings)


def pool(
    offices: Mapping[str, dict[str, Any]],
    settings: PoolSettings,
    schedules: Mapping[str, Fraction | None] | None = None,
) -> dict[str, Any]:
    """``xfgen stats --json`` of a roll-up: the combined object, ``offices``,
    ``office_ranking`` and ``office_unranked``.

    ``offices`` maps each office's name to its own object, in ``rollup.offices``
    order; all were computed for the same period and as-of date. ``schedules``
    gives the roll-up's own 序时进度 (from its ``backlog_target``) for the period
    and for each of its comparisons, keyed by "", "previous_year." and
    "previous_period."; without it ``backlog_schedule`` is null.
    """
    objects = list(offices.values())
    if not objects:
        raise ValueError("a roll-up has at least one office")
    combined = _merge([_relabelled(o, settings.relabel) for o in objects], "")
    for prefix in SNAPSHOTS:
        schedule = (schedules or {}).get(prefix)
        _derive(_at(combined, prefix), _at(objects[0], prefix), schedule)
    ranking, unranked = rank_offices(offices, settings.leaderboard)
    combined["offices"] = dict(offices)
    combined["office_ranking"] = ranking
    combined["office_unranked"] = unranked
    return combined


def pool_block(blocks: Sequence[dict[str, Any]], relabel: Relabel = _as_written) -> dict[str, Any]:
    """One combined block (a year's half, say) from the offices' blocks of the same
    period and as-of date, shaped like ``previous_year``: counts summed, rates and the
    average from the pooled fractions, labels mapped."""
    if not blocks:
        raise ValueError("a roll-up has at least one office")
    combined = _merge([_relabelled(b, relabel) for b in blocks], "")
    _derive(combined, blocks[0], None)
    return combined


def backlog_schedules(
    target: float | None, period: Period, as_of: date
) -> dict[str, Fraction | None]:
    """The roll-up's own 序时进度 (from its ``backlog_target``) for the period and its
    comparisons, keyed as :func:`pool` takes them."""
    (last_year, last_year_as_of), (before, before_as_of) = comparisons(period, as_of)
    return {
        "": backlog_schedule(target, period, as_of),
        "previous_year.": backlog_schedule(target, last_year, last_year_as_of),
        "previous_period.": backlog_schedule(target, before, before_as_of),
    }


def rank_offices(
    offices: Mapping[str, dict[str, Any]], board: LeaderboardSettings
) -> tuple[list[dict[str, Any]], list[str]]:
    """各单位排名: each office's own four rates over its whole cohort, scored and ranked as
    units are, with the roll-up's own weights and ``min_cases``."""
    entries = []
    for name, figures in offices.items():
        rates = UnitRates(**{key: pooled_rate(figures, key) for key in RANKED_RATES})
        score = unit_score(rates, board.weights)
        entries.append(UnitFigures(name, figures["counts"]["cases"], rates, score))
    ranked, unranked = rank_units(entries, board.min_cases)
    rows = [
        {"rank": rank, "office": unit.unit, "score": float(score), "cases": unit.cases}
        for rank, score, unit in ranked
    ]
    return rows, list(unranked)


def pooled_rate(figures: Mapping[str, Any], name: str) -> Fraction | None:
    """A rate as the exact fraction of its ``fractions`` entry (None for a 0 denominator)."""
    numerator, denominator = figures["fractions"][name]
    return Fraction(numerator, denominator) if denominator else None


# ---------------------------------------------------------------- internals


def _relabelled(figures: dict[str, Any], relabel: Relabel) -> dict[str, Any]:
    """One office's object without what stays in the office, its labels mapped."""
    return _walk(figures, "", relabel)


def _walk(value: Any, path: str, relabel: Relabel) -> Any:
    if not isinstance(value, dict):
        return value
    top = _unprefixed(path)
    if top in LABEL_MAPS:
        vocabulary = LABEL_MAPS[top]
        merged: dict[str, Any] = {}
        for label, item in value.items():
            key = relabel(vocabulary, label) if vocabulary else label
            merged[key] = _merge([merged[key], item], f"{path}.{key}") if key in merged else item
        return merged
    out: dict[str, Any] = {}
    for key, item in value.items():
        sub = f"{path}.{key}" if path else key
        if _unprefixed(sub) in OFFICE_ONLY or (_unprefixed(sub) in DERIVED):
            continue
        out[key] = _walk(item, sub, relabel)
    return out


def _unprefixed(path: str) -> str:
    for prefix in SNAPSHOTS[1:]:
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def _merge(values: Sequence[Any], path: str) -> Any:
    """Sums of counts, pairs of fractions summed term by term, label maps merged, a flag
    true if any is; text (period labels, dates) is the same for every office."""
    first = values[0]
    if isinstance(first, bool):
        return any(values)
    if isinstance(first, int):
        return sum(values)
    if isinstance(first, list):
        return [sum(pair[i] for pair in values) for i in range(len(first))]
    if isinstance(first, dict):
        keys: dict[str, None] = {}
        for value in values:
            keys.update(dict.fromkeys(value))
        merged = {
            key: _merge([v[key] for v in values if key in v], f"{path}.{key}") for key in keys
        }
        return dict(sorted(merged.items())) if _unprefixed(path) in LABEL_MAPS else merged
    return first


def _at(figures: dict[str, Any], prefix: str) -> dict[str, Any]:
    return figures[prefix.rstrip(".")] if prefix else figures


def _derive(
    snapshot: dict[str, Any], template: Mapping[str, Any], schedule: Fraction | None
) -> None:
    """Rates and the average from the pooled fractions, in the order an office writes them."""
    fractions = snapshot.get("fractions", {})
    rates: dict[str, float | None] = {}
    for name in template["rates"]:
        if name in fractions:
            numerator, denominator = fractions[name]
            rates[name] = numerator / denominator if denominator else None
        elif name == "backlog_schedule":
            rates[name] = None if schedule is None else float(schedule)
        else:
            rates[name] = None
    counts = snapshot["counts"]
    total = counts.get("handling_days_total")
    average = total / counts["closed"] if total is not None and counts["closed"] else None
    # In an office's order: counts, rates, avg_handling_days, then the rest.
    rest = {k: v for k, v in snapshot.items() if k not in ("counts",)}
    snapshot.clear()
    for key in template:
        if key == "rates":
            snapshot["rates"] = rates
        elif key == "avg_handling_days":
            snapshot["avg_handling_days"] = average
        elif key == "counts":
            snapshot["counts"] = counts
        elif key in rest:
            snapshot[key] = rest.pop(key)
    snapshot.update(rest)

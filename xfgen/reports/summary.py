"""What the summary report lists, in the order DOMAIN.md "What a summary says" gives.

Only orders and formats: every count comes from :mod:`xfgen.figures.compute`.
Channels, sources, kinds and outcomes follow the configuration; categories
and units go by count, ties in configuration order. Prose leaves out labels
with a count of 0; a category in prose is its 小类.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from xfgen.figures.compute import Change, PeriodFigures, Snapshot
from xfgen.records.models import KINDS, VISIT_CHANNEL, Config
from xfgen.reports import charts, definitions
from xfgen.reports.definitions import AVERAGE_DAYS, COUNT_NAMES, RATE_NAMES
from xfgen.reports.formatting import NO_DATA, decimal, percent, shown_change

TOP_CATEGORIES = 5  # the prose names this many categories (DOMAIN.md)
CHART_CATEGORIES = 10  # the chart and table show more
TREND_RATES = (
    ("按期办结率", "on_time_closure"),
    ("满意率", "satisfaction"),
    ("及时受理率", "timely_acceptance"),
    ("办结率", "closure"),
)


@dataclass(frozen=True)
class Item:
    """One label of a breakdown as a summary shows it."""

    label: str  # the full configured label (tables)
    count: int
    share: str  # 占比, formatted
    closed: int = 0  # of these, closed by the as-of date

    @property
    def short(self) -> str:
        """How prose names it: a category's 小类 ("工资拖欠"), any other label as it is."""
        return self.label.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Row:
    """One line of a comparison table: every cell already as printed."""

    name: str
    now: str
    year: str  # 上年同期
    year_change: str  # 同比
    before: str  # 上期
    before_change: str  # 环比


COUNT_ROWS = (
    "cases", "people", "accepted", "not_accepted", "undecided", "closed", "visit_batches",
    "visit_people", "collective_batches", "collective_people", "first_time", "repeat", "skip_level",
)  # fmt: skip
RATE_ROWS = (
    "timely_acceptance", "on_time_closure", "closure", "first_time_closure",
    "rating_participation", "satisfaction", "repeat", "review", "review_upheld",
)  # fmt: skip
REVIEW_ROWS = (
    "review_requested", "review_decided", "review_upheld",
    "recheck_requested", "recheck_decided", "recheck_upheld",
)  # fmt: skip
BACKLOG_ROWS = ("backlog_start", "backlog_resolved", "backlog", "overdue_open")


def comparison_rows(f: PeriodFigures) -> dict[str, tuple[Row, ...]]:
    """The summary's comparison tables: counts, rates, 复查/复核 and days, 积案."""

    def row(name: str, change: Change, pop: Change) -> Row:
        return Row(
            name,
            _shown(change.kind, change.current),
            _shown(change.kind, change.previous, change.baseline),
            shown_change(change, "同比").cell,
            _shown(pop.kind, pop.previous, pop.baseline),
            shown_change(pop, "环比").cell,
        )

    yoy, pop = f.year_on_year, f.period_on_period

    def counts(keys: Sequence[str]) -> tuple[Row, ...]:
        return tuple(row(COUNT_NAMES[k], yoy.counts[k], pop.counts[k]) for k in keys)

    days = row(AVERAGE_DAYS.name, yoy.avg_handling_days, pop.avg_handling_days)
    return {
        "count_rows": counts(COUNT_ROWS),
        "rate_rows": tuple(row(RATE_NAMES[k], yoy.rates[k], pop.rates[k]) for k in RATE_ROWS),
        "review_rows": (days, *counts(REVIEW_ROWS)),
        "backlog_rows": (
            *counts(BACKLOG_ROWS[:2]),
            row(
                RATE_NAMES["backlog_resolution"],
                yoy.rates["backlog_resolution"],
                pop.rates["backlog_resolution"],
            ),
            *counts(BACKLOG_ROWS[2:]),
        ),
    }


def _shown(kind: str, value: Fraction | int | None, baseline: bool = True) -> str:
    if not baseline:
        return NO_DATA
    if kind == "count":
        return NO_DATA if value is None else str(value)
    return percent(value) if kind == "rate" else decimal(value)


@dataclass(frozen=True)
class SummaryView:
    scope: str  # 全县, 全市 ... as the opening sentence says it
    with_previous_period: bool  # 上期 / 环比 columns and wording (not in year reports)
    channels: tuple[Item, ...]
    sources: tuple[Item, ...]
    kinds: tuple[Item, ...]
    outcomes: tuple[Item, ...]
    categories: tuple[Item, ...]
    units: tuple[Item, ...]
    month_chart: charts.Chart
    category_chart: charts.Chart
    unit_chart: charts.Chart
    trend_volume: charts.Chart | None
    trend_rates: charts.Chart | None
    trend_partial: tuple[Snapshot, ...]  # trend years counted only up to the as-of date
    count_rows: tuple[Row, ...]
    rate_rows: tuple[Row, ...]
    review_rows: tuple[Row, ...]
    backlog_rows: tuple[Row, ...]

    @property
    def visits(self) -> str:
        return VISIT_CHANNEL

    @property
    def top_categories(self) -> tuple[Item, ...]:
        return self.categories[:TOP_CATEGORIES]


@dataclass(frozen=True)
class Definitions:
    """The appendix 统计口径说明: the general rules, each figure, this office's settings."""

    general: tuple[str, ...]
    figures: tuple[definitions.Definition, ...]
    office: tuple[str, ...]


def summary_context(f: PeriodFigures, config: Config, scope: str) -> dict[str, Any]:
    """What summary.html is rendered with, besides the figures ``f`` themselves."""
    return {
        "view": summary_view(f, config, scope),
        "count_names": definitions.COUNT_NAMES,
        "rate_names": definitions.RATE_NAMES,
        "definitions": Definitions(
            definitions.GENERAL,
            (
                *definitions.COUNTS,
                *definitions.RATES,
                definitions.AVERAGE_DAYS,
                *definitions.BREAKDOWNS,
            ),
            definitions.office_settings(config, f.provisional_years),
        ),
    }


def summary_view(f: PeriodFigures, config: Config, scope: str) -> SummaryView:
    """The summary's lists and charts for ``f``, in display order."""

    def items(
        name: str, labels: Sequence[str], by_count: bool, closed: bool = True
    ) -> tuple[Item, ...]:
        counts: Mapping[str, int] = getattr(f.by, name)
        done: Mapping[str, int] = getattr(f.by_closed, name) if closed else {}
        return tuple(
            Item(label, count, percent(f.share(count)), done.get(label, 0))
            for label, count in ordered(counts, labels, by_count)
        )

    categories = items("category", config.categories, by_count=True)
    units = items("unit", config.units, by_count=True)
    months = [f"{m.month.index}月" for m in f.monthly]
    return SummaryView(
        scope=scope,
        with_previous_period=f.period.kind != "year",
        channels=items("channel", config.channels, by_count=False),
        sources=items("source", config.sources, by_count=False),
        kinds=items("kind", KINDS, by_count=False),
        outcomes=items("outcome", config.outcomes, by_count=False, closed=False),
        categories=categories,
        units=units,
        month_chart=charts.monthly_columns(
            "各月登记与办结件数",
            months,
            [[m.received for m in f.monthly], [m.closed for m in f.monthly]],
            ["登记", "办结"],
        ),
        category_chart=charts.horizontal_bars(
            "主要问题类别（件）", [(i.label, i.count) for i in categories[:CHART_CATEGORIES]]
        ),
        unit_chart=charts.horizontal_bars(
            "各责任单位件数（件）", [(i.label, i.count) for i in units]
        ),
        trend_volume=_trend_volume(f.trend, config) if f.trend else None,
        trend_rates=_trend_rates(f.trend) if f.trend else None,
        trend_partial=tuple(s for s in f.trend if s.as_of < s.period.end),
        **comparison_rows(f),
    )


def ordered(
    counts: Mapping[str, int], labels: Sequence[str], by_count: bool
) -> list[tuple[str, int]]:
    """The labels with a count, in configuration order, or by count with ties in that order.

    A label that is not configured (kept from an older configuration) comes after
    the configured ones, in code point order.
    """
    position = {label: i for i, label in enumerate(labels)}
    items = [(label, count) for label, count in counts.items() if count > 0]
    items.sort(key=lambda item: (position.get(item[0], len(labels)), item[0]))
    if by_count:
        items.sort(key=lambda item: -item[1])  # stable: ties keep configuration order
    return items


def _trend_volume(trend: Sequence[Snapshot], config: Config) -> charts.Chart:
    channels = [label for label in config.channels if any(s.by.channel.get(label) for s in trend)]
    return charts.monthly_columns(
        "近年信访量（件，按信访形式）",
        [_year_label(s) for s in trend],
        [[s.by.channel.get(label, 0) for s in trend] for label in channels],
        channels,
    )


def _trend_rates(trend: Sequence[Snapshot]) -> charts.Chart:
    series: list[list[Fraction | None]] = [
        [getattr(s.rates, key) for s in trend] for _, key in TREND_RATES
    ]
    return charts.rate_columns(
        "近年办理质量（%）",
        [_year_label(s) for s in trend],
        series,
        [name for name, _ in TREND_RATES],
    )


def _year_label(snapshot: Snapshot) -> str:
    return f"{snapshot.period.year}年"

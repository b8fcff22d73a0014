"""What the summary report shows, in the order DOMAIN.md "What a summary says" gives.

Only places: the sentences and every table cell are worded by :mod:`xfgen.reports.wording`
from the ``stats --json`` object, so prose and tables say the same thing the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from xfgen.figures.compute import PeriodFigures, Snapshot, figures_to_json
from xfgen.records.models import Config
from xfgen.reports import charts, definitions, wording
from xfgen.reports.definitions import AVERAGE_DAYS, COUNT_NAMES, RATE_NAMES
from xfgen.reports.formatting import NO_DATA, chinese_date

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
BREAKDOWN_ROWS = ("channel", "source", "kind", "category")


def row(stats: wording.Stats, name: str, figure: wording.Figure) -> Row:
    """One comparison row from the stats object, its cells worded as the prose words them."""
    return Row(name, *wording.cells(stats, figure))


def comparison_rows(stats: wording.Stats) -> dict[str, tuple[Row, ...]]:
    """The summary's comparison tables: counts, rates, 复查/复核 and days, 积案."""

    def counts(keys: Sequence[str]) -> tuple[Row, ...]:
        return tuple(row(stats, COUNT_NAMES[k], wording.count_figure(k)) for k in keys)

    def rates(keys: Sequence[str]) -> tuple[Row, ...]:
        return tuple(row(stats, RATE_NAMES[k], wording.Figure("rate", k)) for k in keys)

    days = row(stats, AVERAGE_DAYS.name, wording.Figure("days"))
    return {
        "count_rows": counts(COUNT_ROWS),
        "rate_rows": rates(RATE_ROWS),
        "review_rows": (days, *counts(REVIEW_ROWS)),
        "backlog_rows": (
            *counts(BACKLOG_ROWS[:2]),
            *rates(("backlog_resolution",)),
            *counts(BACKLOG_ROWS[2:]),
        ),
    }


OFFICE_ROWS: tuple[tuple[wording.Kind, str], ...] = (
    ("count", "leader_cases"), ("count", "leader_closed"), ("rate", "leader_closure"),
    ("count", "supervised"), ("count", "supervised_closed"), ("rate", "supervised_closure"),
)  # fmt: skip


def office_rows(stats: wording.Stats) -> tuple[Row, ...]:
    """领导包案 and 督办 against last year (and the previous period)."""
    return tuple(
        row(stats, (COUNT_NAMES if kind == "count" else RATE_NAMES)[key], wording.Figure(kind, key))
        for kind, key in OFFICE_ROWS
    )


def leader_rows(
    stats: wording.Stats, words: wording.Vocabulary
) -> tuple[tuple[str, str, Mapping[str, int]], ...]:
    """Each level's leaders in protocol order; the level named on its first row only."""
    work = stats["office_work"]
    rows = []
    for level in wording.ordered(
        {k: v["events"] for k, v in work["by_level"].items()}, words.leader_levels
    ):
        leaders = work.get("by_level_leader", {}).get(level[0], {})
        for i, (leader, tally) in enumerate(wording.in_protocol_order(leaders, words.leaders)):
            rows.append((level[0] if i == 0 else "", leader, tally))
    return tuple(rows)


def breakdown_rows(stats: wording.Stats, words: wording.Vocabulary) -> tuple[Row, ...]:
    """The second table: channel, source, kind and category counts against last year."""
    last_year = stats["previous_year"]
    recorded = wording.recorded(stats, "同比")
    rows = []
    for name in BREAKDOWN_ROWS:
        labels = getattr(words, f"{name}s" if name != "category" else "categories")
        counts = stats["by"][name]
        before = last_year.get("by", {}).get(name, {})
        for label, count in wording.ordered(counts, labels, by_count=name == "category"):
            previous = before.get(label, 0)
            rows.append(
                Row(
                    label,
                    str(count),
                    str(previous) if recorded else NO_DATA,
                    wording.change_cell("count", count, previous, "同比", recorded=recorded),
                    "",
                    "",
                )
            )
    return tuple(rows)


@dataclass(frozen=True)
class SummaryView:
    name: str  # the period as the summary names it (2026年1—11月 when cut off)
    year_name: str  # 上年同期, named the same way
    before_name: str  # 上期
    scope: str  # 全县, 全市 ... as the opening sentence says it
    with_previous_period: bool  # 上期 / 环比 columns (not in year reports)
    words: wording.Sentences
    outcomes: tuple[Item, ...]
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
    breakdown_rows: tuple[Row, ...]
    office_rows: tuple[Row, ...]
    leader_rows: tuple[tuple[str, str, Mapping[str, int]], ...]  # level (first row), leader
    half_names: tuple[str, ...]  # a year's halves as named at its as-of date
    year_recorded: bool  # 上年同期 has records
    period_recorded: bool  # 上期 has records


@dataclass(frozen=True)
class Definitions:
    """The appendix 统计口径说明: the general rules, each figure, this office's settings."""

    general: tuple[str, ...]
    figures: tuple[definitions.Definition, ...]
    office: tuple[str, ...]


def summary_title(f: PeriodFigures, office: str, has_narrative: bool) -> str:
    """平安县信访局2026年上半年信访工作总结 (…信访工作情况 without the office's prose)."""
    name = wording.stats_period_name(figures_to_json(f))
    return wording.title(office, name, has_narrative)


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


MONTH_NOTE = "登记件数按登记月份统计；办结件数按办结月份统计，含以前登记的事项"


def summary_view(f: PeriodFigures, config: Config, scope: str) -> SummaryView:
    """The summary's sentences, lists and charts for ``f``, in display order."""
    stats = figures_to_json(f)
    words = wording.Vocabulary.of(config)

    def items(name: str, labels: Sequence[str], by_count: bool) -> tuple[Item, ...]:
        counts: Mapping[str, int] = stats["by"][name]
        return tuple(
            Item(label, count, wording.share(count, f.counts.cases))
            for label, count in wording.ordered(counts, labels, by_count)
        )

    categories = items("category", config.categories, by_count=True)
    units = items("unit", config.units, by_count=True)
    months = [f"{m.month.index}月" for m in f.monthly]
    return SummaryView(
        name=wording.stats_period_name(stats),
        year_name=_named(f.previous_year),
        before_name=_named(f.previous_period),
        scope=scope,
        with_previous_period=not wording.is_year(stats),
        words=wording.sentences(stats, words, scope),
        outcomes=items("outcome", config.outcomes, by_count=False),
        units=units,
        month_chart=captioned(
            charts.monthly_columns(
                "各月登记与办结件数（件）",
                months,
                [[m.received for m in f.monthly], [m.closed for m in f.monthly]],
                ["登记", "办结"],
            ),
            MONTH_NOTE,
        ),
        category_chart=captioned(
            charts.horizontal_bars(
                "主要问题类别（件）", [(i.label, i.count) for i in categories[:CHART_CATEGORIES]]
            ),
            "登记件数（件），按登记日期统计，不含以前登记的事项",
        ),
        unit_chart=captioned(
            charts.horizontal_bars("各责任单位件数（件）", [(i.label, i.count) for i in units]),
            "登记件数（件），按登记日期统计，不含以前登记的事项",
        ),
        trend_volume=_trend_volume(f.trend, config) if f.trend else None,
        trend_rates=_trend_rates(f.trend) if f.trend else None,  # its caption holds the years' note
        trend_partial=tuple(s for s in f.trend if s.as_of < s.period.end),
        breakdown_rows=breakdown_rows(stats, words),
        office_rows=office_rows(stats),
        leader_rows=leader_rows(stats, words),
        half_names=tuple(
            wording.period_name(h.period.label, h.period.start, h.period.end, h.as_of)
            for h in f.halves
        ),
        year_recorded=wording.recorded(stats, "同比"),
        period_recorded=wording.recorded(stats, "环比"),
        **comparison_rows(stats),
    )


def _named(snapshot: Snapshot) -> str:
    p = snapshot.period
    return wording.period_name(p.label, p.start, p.end, snapshot.as_of)


def captioned(chart: charts.Chart, note: str) -> charts.Chart:
    return dataclasses.replace(chart, note=note)


def _trend_volume(trend: Sequence[Snapshot], config: Config) -> charts.Chart:
    channels = [label for label in config.channels if any(s.by.channel.get(label) for s in trend)]
    return captioned(
        charts.monthly_columns(
            "近年登记件数（件，按信访形式）",
            [_year_label(s) for s in trend],
            [[s.by.channel.get(label, 0) for s in trend] for label in channels],
            channels,
        ),
        "各年登记件数（件），按登记日期统计、按信访形式分，不含以前年度登记的事项",
    )


def _trend_rates(trend: Sequence[Snapshot]) -> charts.Chart:
    series: list[list[Fraction | None]] = [
        [getattr(s.rates, key) for s in trend] for _, key in TREND_RATES
    ]
    return captioned(
        charts.rate_columns(
            "近年办理质量（%）",
            [_year_label(s) for s in trend],
            series,
            [name for name, _ in TREND_RATES],
        ),
        f"{'、'.join(name for name, _ in TREND_RATES)}（%）：各年只统计当年登记的事项（按登记日期），"
        "不含以前年度登记的事项；近五年中有事项的年份，各年按该年年末"
        f"（{_partial_years(trend)}）的情况统计",
    )


def _partial_years(trend: Sequence[Snapshot]) -> str:
    partial = [s for s in trend if s.as_of < s.period.end]
    if not partial:
        return "12月31日"
    return "，".join(f"{s.period.year}年截至{chinese_date(s.as_of)}" for s in partial)


def _year_label(snapshot: Snapshot) -> str:
    return f"{snapshot.period.year}年"

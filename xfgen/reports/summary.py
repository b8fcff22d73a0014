"""What the summary report shows, in the order DOMAIN.md "What a summary says" gives.

Only places: the sentences and every table cell are worded by :mod:`xfgen.reports.wording`
from the ``stats --json`` object, so prose and tables say the same thing the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from xfgen.figures.compute import (
    PeriodFigures,
    Snapshot,
    comparisons,
    figures_to_json,
    snapshot_to_json,
)
from xfgen.figures.periods import parse_period
from xfgen.figures.pooling import rank_offices
from xfgen.records.models import Config, LeaderboardSettings
from xfgen.reports import charts, definitions, wording
from xfgen.reports.definitions import AVERAGE_DAYS, COUNT_NAMES, RATE_NAMES
from xfgen.reports.formatting import NO_DATA, chinese_date, rank_change

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
    work_total: Mapping[str, int]  # 领导接访、下访、约访: events, batches, people
    work_rows: tuple[tuple[str, Mapping[str, int]], ...]  # each kind, then each level
    halves: tuple[Column, ...]  # a year's halves as at its as-of date, then the year (合计)
    months: tuple[Month, ...]
    year_recorded: bool  # 上年同期 has records
    period_recorded: bool  # 上期 has records
    start: date  # the period's first day
    as_of: date
    units_title: str  # the table and chart of shares: 责任单位 (a city: 单位)
    ranking_title: str  # section 五: 责任单位排名 (a city: 各单位排名)
    offices: OfficeRanking | None = None  # a city's section 五


@dataclass(frozen=True)
class Column:
    """A column of the table of a year's halves."""

    name: str
    counts: Mapping[str, int]
    rates: Mapping[str, Fraction | None]


@dataclass(frozen=True)
class Month:
    name: str  # 3月
    received: int  # 登记, by 登记月份
    closed: int  # 办结, by 办结月份


@dataclass(frozen=True)
class OfficeRow:
    """One office in a city's section 五: its own figures, and its place in the ranking."""

    office: str
    cases: int  # 登记
    accepted: int
    closed: int
    rates: Mapping[str, Fraction | None]  # 办结率, 按期办结率, 满意率, 及时受理率
    rank: int | None = None
    score: float | None = None
    rank_change: str = ""


@dataclass(frozen=True)
class OfficeRanking:
    """各单位排名 (DOMAIN.md "Roll-up": Office ranking) and each office's main figures."""

    ranked: tuple[OfficeRow, ...]  # in rank order
    too_few: tuple[OfficeRow, ...]  # fewer cases than min_cases (样本不足)
    no_score: tuple[OfficeRow, ...]  # every rate counted in the score is "—"
    table: tuple[OfficeRow, ...]  # every office in rollup.offices order
    total: OfficeRow  # the city (合计)
    before_name: str  # the previous period of the same length, as named
    leaderboard: LeaderboardSettings


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
    settings = definitions.office_settings(config, f.provisional_years)
    return _context(summary_view(f, config, scope), settings)


def rollup_summary_context(view: SummaryView, settings: Sequence[str]) -> dict[str, Any]:
    """What summary.html is rendered with for a city (``settings``: the roll-up's own)."""
    return _context(view, settings)


def _context(view: SummaryView, settings: Sequence[str]) -> dict[str, Any]:
    return {
        "view": view,
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
            tuple(settings),
        ),
    }


MONTH_NOTE = "登记件数按登记月份统计；办结件数按办结月份统计，含以前登记的事项"


def summary_view(f: PeriodFigures, config: Config, scope: str) -> SummaryView:
    """The summary's sentences, lists and charts for one office's figures ``f``."""
    stats = figures_to_json(f)
    words = wording.Vocabulary.of(config)
    units = tuple(
        Item(label, count, wording.share(count, f.counts.cases))
        for label, count in wording.ordered(stats["by"]["unit"], config.units, by_count=True)
    )
    halves = tuple(
        column(wording.period_name(h.period.label, h.period.start, h.period.end, h.as_of),
               snapshot_to_json(h))
        for h in f.halves
    )  # fmt: skip
    return stats_view(
        stats,
        words,
        scope,
        units=units,
        halves=halves,
        trend_volume=_trend_volume(f.trend, config) if f.trend else None,
        trend_rates=_trend_rates(f.trend) if f.trend else None,  # its caption: the years' note
        trend_partial=tuple(s for s in f.trend if s.as_of < s.period.end),
        leader_rows=leader_rows(stats, words),
    )


def rollup_summary_view(
    stats: wording.Stats,
    words: wording.Vocabulary,
    scope: str,
    halves: Sequence[tuple[str, wording.Stats]],
    board: LeaderboardSettings,
) -> SummaryView:
    """A city's summary from its combined ``stats --json`` object (with ``offices`` and
    ``office_ranking``): the same sentences; units are its offices; section 五 ranks them."""
    offices = office_ranking(stats, board)
    units = tuple(
        Item(row.office, row.cases, wording.share(row.cases, stats["counts"]["cases"]))
        for row in sorted(offices.table, key=lambda row: -row.cases)
        if row.cases
    )
    return stats_view(
        stats,
        words,
        scope,
        units=units,
        halves=tuple(column(name, block) for name, block in halves),
        units_title="单位",
        ranking_title="各单位排名",
        offices=offices,
    )


def stats_view(
    stats: wording.Stats,
    words: wording.Vocabulary,
    scope: str,
    *,
    units: tuple[Item, ...],
    halves: tuple[Column, ...] = (),
    trend_volume: charts.Chart | None = None,
    trend_rates: charts.Chart | None = None,
    trend_partial: tuple[Snapshot, ...] = (),
    leader_rows: tuple[tuple[str, str, Mapping[str, int]], ...] = (),
    units_title: str = "责任单位",
    ranking_title: str = "责任单位排名",
    offices: OfficeRanking | None = None,
) -> SummaryView:
    """The summary's sentences, lists and charts from a ``stats --json`` object, in
    display order: an office's or a city's."""
    cases = stats["counts"]["cases"]
    categories = tuple(
        Item(label, count, wording.share(count, cases))
        for label, count in wording.ordered(stats["by"]["category"], words.categories, True)
    )
    month_list = months(stats)
    work = stats.get("office_work", {})
    kinds, levels = work.get("by_kind", {}), work.get("by_level", {})
    return SummaryView(
        name=wording.stats_period_name(stats),
        year_name=_block_name(stats, "同比"),
        before_name=_block_name(stats, "环比"),
        scope=scope,
        with_previous_period=not wording.is_year(stats),
        words=wording.sentences(stats, words, scope),
        outcomes=tuple(
            Item(label, count, wording.share(count, cases))
            for label, count in wording.ordered(stats["by"]["outcome"], words.outcomes)
        ),
        units=units,
        month_chart=captioned(
            charts.monthly_columns(
                "各月登记与办结件数（件）",
                [m.name for m in month_list],
                [[m.received for m in month_list], [m.closed for m in month_list]],
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
            charts.horizontal_bars(
                f"各{units_title}件数（件）", [(i.label, i.count) for i in units]
            ),
            "登记件数（件），按登记日期统计，不含以前登记的事项",
        ),
        trend_volume=trend_volume,
        trend_rates=trend_rates,
        trend_partial=trend_partial,
        breakdown_rows=breakdown_rows(stats, words),
        office_rows=office_rows(stats),
        leader_rows=leader_rows,
        work_total=work.get("total", {}),
        work_rows=tuple(
            (label, tallies[label])
            for tallies, labels in ((kinds, words.activity_kinds), (levels, words.leader_levels))
            for label, _ in wording.ordered(
                {k: v.get("events", 0) for k, v in tallies.items()}, labels
            )
        ),
        halves=(*halves, column("合计", stats)) if halves else (),
        months=month_list,
        year_recorded=wording.recorded(stats, "同比"),
        period_recorded=wording.recorded(stats, "环比"),
        start=date.fromisoformat(stats["start"]),
        as_of=date.fromisoformat(stats["as_of"]),
        units_title=units_title,
        ranking_title=ranking_title,
        offices=offices,
        **comparison_rows(stats),
    )


HALF_COUNTS = (
    "cases", "people", "accepted", "closed", "visit_batches", "visit_people", "first_time", "repeat",
)  # fmt: skip
HALF_RATES = ("timely_acceptance", "on_time_closure", "closure", "satisfaction")


def column(name: str, block: wording.Stats) -> Column:
    """A column of the halves table from a block of the stats object."""
    return Column(name, block["counts"], {key: wording.rate(block, key) for key in HALF_RATES})


def months(stats: wording.Stats) -> tuple[Month, ...]:
    """Each month of the period up to the as-of date: 登记 and 办结 (by 办结月份)."""
    received = stats["by"]["month"]
    return tuple(
        Month(f"{int(label[5:7])}月", received.get(label, 0), closed)
        for label, closed in stats["by_closing_month"].items()
    )


OFFICE_RATES = ("closure", "on_time_closure", "satisfaction", "timely_acceptance")


def office_ranking(stats: wording.Stats, board: LeaderboardSettings) -> OfficeRanking:
    """Section 五 of a city's summary: the ranking with each office's change of rank
    against the previous period of the same length, and every office's main figures."""
    objects: Mapping[str, wording.Stats] = stats["offices"]
    before, _ = rank_offices({name: o["previous_period"] for name, o in objects.items()}, board)
    earlier = {row["office"]: row["rank"] for row in before}

    def office_row(name: str, block: wording.Stats, **ranking: Any) -> OfficeRow:
        c = block["counts"]
        rates = {key: wording.rate(block, key) for key in OFFICE_RATES}
        return OfficeRow(name, c["cases"], c["accepted"], c["closed"], rates, **ranking)

    ranked = tuple(
        office_row(
            row["office"],
            objects[row["office"]],
            rank=row["rank"],
            score=row["score"],
            rank_change=rank_change(
                None if row["office"] not in earlier else earlier[row["office"]] - row["rank"],
                earlier.get(row["office"]),
                bool(before),
            ),
        )
        for row in stats["office_ranking"]
    )
    unranked = [office_row(name, objects[name]) for name in stats["office_unranked"]]
    return OfficeRanking(
        ranked=ranked,
        too_few=tuple(row for row in unranked if row.cases < board.min_cases),
        no_score=tuple(row for row in unranked if row.cases >= board.min_cases),
        table=tuple(office_row(name, block) for name, block in objects.items()),
        total=office_row("合计", stats),
        before_name=_block_name(stats, "环比"),
        leaderboard=board,
    )


def _block_name(stats: wording.Stats, against: wording.Against) -> str:
    """上年同期 or 上期 named as the summary names periods (at their own as-of dates)."""
    last_year, before = comparisons(
        parse_period(stats["period"]), date.fromisoformat(stats["as_of"])
    )
    period, as_of = last_year if against == "同比" else before
    return wording.period_name(period.label, period.start, period.end, as_of)


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

"""The figures of one period as a plain-text table for the terminal (``xfgen stats``).

Only formats: every number comes from :mod:`xfgen.figures.compute`. Columns are padded
by display width, so Chinese text (two columns a character) lines up.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from xfgen.figures.compute import PeriodFigures, figures_to_json
from xfgen.figures.deadlines import provisional_note
from xfgen.figures.office_work import Activities
from xfgen.reports import wording
from xfgen.reports.formatting import (
    NO_DATA,
    decimal,
    percent,
    rank_change,
    score_points,
)

_COUNT_ROWS = (
    ("登记（件）", "cases"),
    ("已受理（件）", "accepted"),
    ("不予受理（件）", "not_accepted"),
    ("尚未作出受理决定（件）", "undecided"),
    ("已办结（件）", "closed"),
    ("来访批次", "visit_batches"),
    ("来访人次", "visit_people"),
    ("集体访批次", "collective_batches"),
    ("集体访人次", "collective_people"),
    ("越级信访（件）", "skip_level"),
    ("重复信访（件）", "repeat"),
    ("初信初访（件）", "first_time"),
    ("人次（全部形式）", "people"),
    ("申请复查（件）", "review_requested"),
    ("复查办结（件）", "review_decided"),
    ("复查维持（件）", "review_upheld"),
    ("申请复核（件）", "recheck_requested"),
    ("复核办结（件）", "recheck_decided"),
    ("复核维持（件）", "recheck_upheld"),
    ("超期未办结（件）", "overdue_open"),
    ("期初积案（件）", "backlog_start"),
    ("积案化解（件）", "backlog_resolved"),
    ("积案（件）", "backlog"),
)
_RATE_ROWS = (
    ("及时受理率", "timely_acceptance"),
    ("按期办结率", "on_time_closure"),
    ("办结率", "closure"),
    ("参评率", "rating_participation"),
    ("满意率", "satisfaction"),
    ("重复信访率", "repeat"),
    ("复查率", "review"),
    ("复查维持率", "review_upheld"),
    ("初信初访办结率", "first_time_closure"),
    ("积案化解率", "backlog_resolution"),
)
_BREAKDOWNS = (
    ("信访形式", "channel"),
    ("来源", "source"),
    ("事项类型", "kind"),
    ("问题类别", "category"),
    ("责任单位", "unit"),
)


def format_stats(f: PeriodFigures) -> str:
    """A readable report of ``f`` in Chinese (no trailing newline, as ``click.echo`` adds one)."""
    last_year = f.previous_year
    before = f.previous_period
    # Year reports compare with the same period only (DOMAIN.md "What a summary says").
    with_before = f.period.kind != "year"
    lines = [
        f"{f.period.name}信访统计（{f.period.label}）",
        f"统计期间 {f.start.isoformat()} 至 {f.end.isoformat()}，截至 {f.as_of.isoformat()}；"
        f"上年同期 {last_year.label} 截至 {last_year.as_of.isoformat()}"
        + (f"；上期 {before.label} 截至 {before.as_of.isoformat()}" if with_before else ""),
    ]
    if f.holiday_rule:
        lines.append("期限按节假日顺延规则计算：期限最后一日为休息日的，顺延至下一个工作日。")
    if f.provisional_years:
        lines.append(provisional_note(f.provisional_years) + "。")
    header = ["项目", "本期", "上年同期", "同比"] + (["上期", "环比"] if with_before else [])
    align = "lrrl" + ("rl" if with_before else "")

    stats = figures_to_json(f)

    def row(name: str, figure: wording.Figure) -> list[str]:
        now, year, yoy, pop, pp = wording.cells(stats, figure)
        return [name, now, year, yoy] + ([pop, pp] if with_before else [])

    lines += ["", "一、基本情况"]
    rows = [row(name, wording.count_figure(key)) for name, key in _COUNT_ROWS]
    lines += _table(header, rows, align)

    lines += ["", "二、办理情况"]
    rows = [row(name, wording.Figure("rate", key)) for name, key in _RATE_ROWS]
    rows.append(row("平均办理天数", wording.Figure("days")))
    lines += _table(header, rows, align)

    lines += ["", "三、分类统计"]
    for title, name in _BREAKDOWNS:
        items = f.by.most_common(name)
        lines += ["", f"按{title}"]
        if not items:
            lines.append(f"  {NO_DATA}")
            continue
        rows = [[label, str(count), percent(f.share(count))] for label, count in items]
        lines += _table([title, "件数", "占比"], rows, "lrr")

    lines += ["", "四、责任单位排名"]
    if f.leaderboard:
        rows = [
            [
                str(row.rank),
                row.unit,
                str(row.cases),
                percent(row.rates.timely_acceptance),
                percent(row.rates.on_time_closure),
                percent(row.rates.closure),
                percent(row.rates.satisfaction),
                score_points(row.score),
                rank_change(row.rank_change, row.previous_rank, f.previous_leaderboard),
            ]
            for row in f.leaderboard
        ]
        header = [
            "名次",
            "责任单位",
            "件数",
            "及时受理率",
            "按期办结率",
            "办结率",
            "满意率",
            "得分",
            "名次变化",
        ]
        lines += _table(header, rows, "rlrrrrrrr")
    else:
        lines.append(f"  {NO_DATA}")
    if f.unranked:
        listed = "、".join(_unranked(f, unit) for unit in f.unranked)
        lines.append(f"不参与排名：{listed}")
    lines += _office_work_lines(f, stats)
    lines += [
        "",
        f"注：{NO_DATA} 表示无数据（分母为 0）。同比、环比：比较期件数在 10 及以上的为增减百分比，"
        "不足 10 的为两者之差；比率为两个显示值之差（百分点）。得分为各项比率的加权平均（百分制）；"
        f"名次变化与 {f.previous_period.label}（截至 {f.previous_period.as_of.isoformat()}）相比。",
    ]
    return "\n".join(lines)


_OFFICE_ROWS = (
    ("领导包案（件）", "leader_cases"),
    ("包案办结（件）", "leader_closed"),
    ("包案办结率", "leader_closure"),
    ("督办（件）", "supervised"),
    ("督办办结（件）", "supervised_closed"),
    ("督办办结率", "supervised_closure"),
)


def _office_work_lines(f: PeriodFigures, stats: wording.Stats) -> list[str]:
    """五、领导接访和包案督办: 包案 and 督办 with 同比 (环比), then the activities (never ranked)."""
    with_before = f.period.kind != "year"
    lines = ["", "五、领导接访和包案督办"]
    rows = []
    for name, key in _OFFICE_ROWS:
        kind: wording.Kind = "rate" if key.endswith("closure") else "count"
        now, year, yoy, pop, pp = wording.cells(stats, wording.Figure(kind, key))
        rows.append([name, now, year, yoy] + ([pop, pp] if with_before else []))
    header = ["项目", "本期", "上年同期", "同比"] + (["上期", "环比"] if with_before else [])
    lines += _table(header, rows, "lrrl" + ("rl" if with_before else ""))
    lines += ["", "按督办类型"]
    rows = [[kind, str(count)] for kind, count in f.by_supervision_kind.items()]
    lines += _table(["督办类型", "件数"], rows, "lr")
    work = f.office_work
    lines += ["", "领导接访、下访、约访"]
    if not work.total.events:
        return [*lines, "  本期没有登记领导接访、下访、约访。"]
    for title, items in (
        ("形式", [("合计", work.total), *work.kinds()]),
        ("领导层级", work.levels()),
        ("领导", work.leaders()),
    ):
        rows = [[label, *_activities(a)] for label, a in items]
        lines += [*_table([title, "次", "批", "人次"], rows, "lrrr"), ""]
    lines.pop()
    return lines


def _activities(a: Activities) -> list[str]:
    return [str(a.events), str(a.batches), str(a.people)]


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters take two."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _unranked(f: PeriodFigures, label: str) -> str:
    unit = f.units[label]
    reason = "样本不足" if label in f.too_few else "暂无得分"
    return f"{label}（{unit.cases}件，{reason}）"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """Rows padded to the widest cell of each column; ``align`` is l or r per column."""
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = []
        for cell, width, side in zip(cells, widths, align, strict=True):
            gap = " " * (width - display_width(cell))
            padded.append(cell + gap if side == "l" else gap + cell)
        return ("  " + "  ".join(padded)).rstrip()

    rule = "  " + "-" * (sum(widths) + 2 * (len(widths) - 1))
    return [line(header), rule, *(line(row) for row in rows)]


_ROLLUP_RATE_ROWS = (
    ("及时受理率", "timely_acceptance"),
    ("按期办结率", "on_time_closure"),
    ("办结率", "closure"),
    ("满意率", "satisfaction"),
)


def format_rollup_stats(figures: Mapping[str, Any]) -> str:
    """A roll-up's combined figures, each office's main figures and the office ranking.

    From ``xfgen stats --json``'s object; rates are shown from their exact
    ``fractions`` (rounded half up), so they agree with the offices' own reports.
    """
    lines = [
        f"汇总信访统计（{figures['period']}），统计期间 {figures['start']} 至 {figures['end']}，"
        f"截至 {figures['as_of']}；共 {len(figures['offices'])} 个单位",
        "",
        "一、汇总",
    ]
    lines += _table(["项目", "本期"], _main_rows(figures), "lr")
    lines += ["", "二、各单位"]
    header = ["单位", "登记", "已受理", "已办结", *(name for name, _ in _ROLLUP_RATE_ROWS)]
    rows = []
    for name, office in figures["offices"].items():
        counts = office["counts"]
        rows.append(
            [
                name,
                str(counts["cases"]),
                str(counts["accepted"]),
                str(counts["closed"]),
                *(percent(wording.rate(office, key)) for _, key in _ROLLUP_RATE_ROWS),
            ]
        )
    lines += _table(header, rows, "lrrrrrrr")
    lines += ["", "三、各单位排名"]
    if figures["office_ranking"]:
        rows = [
            [str(row["rank"]), row["office"], str(row["cases"]), score_points(row["score"])]
            for row in figures["office_ranking"]
        ]
        lines += _table(["名次", "单位", "件数", "得分"], rows, "rlrr")
    else:
        lines.append(f"  {NO_DATA}")
    if figures["office_unranked"]:
        listed = "、".join(
            f"{name}（{figures['offices'][name]['counts']['cases']}件）"
            for name in figures["office_unranked"]
        )
        lines.append(f"不参与排名（样本不足或暂无得分）：{listed}")
    lines += [
        "",
        f"注：{NO_DATA} 表示无数据（分母为 0）。汇总的比率为各单位分子之和除以分母之和，"
        "不是各单位比率的平均。",
    ]
    return "\n".join(lines)


def _main_rows(figures: Mapping[str, Any]) -> list[list[str]]:
    counts = figures["counts"]
    rows = [[name, str(counts[key])] for name, key in _COUNT_ROWS if key in counts]
    rows += [[name, percent(wording.rate(figures, key))] for name, key in _RATE_ROWS]
    total, closed = counts.get("handling_days_total"), counts["closed"]
    days = Fraction(total, closed) if total is not None and closed else None
    rows.append(["平均办理天数", decimal(days)])
    return rows

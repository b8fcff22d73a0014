"""统计口径: what each figure counts, in the words reports print (DOMAIN.md "Figures").

One table for the row names of every report, the notes under the summary's
tables, the summary's appendix "统计口径说明" and ``docs/统计口径.md``
(``python -m xfgen.reports.definitions > docs/统计口径.md`` rewrites it; a
test checks that it is current and that every figure of
:mod:`xfgen.figures.compute` has a definition here).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from xfgen.figures.compute import BACKLOG_DAYS, DUE_SOON_DAYS, Counts, Rates
from xfgen.records.models import Config, LeaderboardSettings


@dataclass(frozen=True)
class Definition:
    key: str  # the field name in Counts / Rates (the JSON key)
    name: str  # as a table row says it
    text: str  # what it counts


def _d(key: str, name: str, text: str) -> Definition:
    return Definition(key, name, text)


COHORT = "本期登记的信访事项（登记日期在统计期间内、且不晚于截至日期）"
_W = "统计期间最后一天和截至日期中较早的一天"

COUNTS = (
    _d("cases", "登记（件）", f"{COHORT}的件数。总结开头“共登记信访事项X件”即指此数"),
    _d("accepted", "已受理（件）", "本期登记的事项中，截至日期前已作出受理决定的件数"),
    _d("not_accepted", "不予受理（件）", "本期登记的事项中，截至日期前决定不予受理或依法分流的件数"),
    _d("undecided", "尚未作出受理决定（件）", "本期登记的事项中，截至日期尚未作出受理决定的件数"),
    _d("closed", "已办结（件）", "本期登记的事项中，截至日期前已书面答复办结的件数"),
    _d("visit_batches", "来访批次", "本期登记的来访事项件数，一件来访为一批"),
    _d("visit_people", "来访人次", "本期登记的来访事项的人数之和"),
    _d("collective_batches", "集体访批次", "本期登记的来访事项中，人数达到集体访标准的批次"),
    _d("collective_people", "集体访人次", "上述集体访的人数之和"),
    _d("skip_level", "越级信访（件）", "本期登记的事项中标记为越级的件数（只统计，不排名）"),
    _d("repeat", "重复信访（件）", "本期登记的事项中，就已反映过的事项再次信访的件数"),
    _d("overdue_open", "超期未办结（件）", "截至日期已受理、未办结且已过办理期限的事项（不论何期登记）"),
    _d("backlog", "积案（件）", f"截至日期已受理超过{BACKLOG_DAYS}天仍未办结的事项（不论何期登记）"),
    _d("backlog_resolved", "积案化解（件）", "期初积案中，在本期内（至截至日期）办结的件数"),
    _d("people", "人次", "本期登记的全部事项（各种信访形式）的人数之和"),
    _d("first_time", "初信初访（件）", "本期登记的事项中，不属于重复信访的件数"),
    _d("backlog_start", "期初积案（件）", "统计期间第一天的前一天已是积案的事项件数"),
    _d("review_requested", "申请复查（件）", "本期登记的事项中，截至日期前已申请复查的件数"),
    _d("review_decided", "复查办结（件）", "本期登记的事项中，截至日期前已作出复查意见的件数"),
    _d("review_upheld", "复查维持（件）", "其中复查意见为维持的件数"),
    _d("recheck_requested", "申请复核（件）", "本期登记的事项中，截至日期前已申请复核的件数"),
    _d("recheck_decided", "复核办结（件）", "本期登记的事项中，截至日期前已作出复核意见的件数"),
    _d("recheck_upheld", "复核维持（件）", "其中复核意见为维持的件数"),
    _d("leader_cases", "领导包案（件）", "有包案领导、在统计期间结束（或截至日期）前已受理、且未在期间开始前办结的事项（不论何期登记）"),
    _d("leader_closed", "包案办结（件）", "上述包案事项中，在本期内（至截至日期）办结的件数"),
    _d("supervised", "督办（件）", "在本期内（至截至日期）有上级督办记录的事项（不论何期登记）"),
    _d("supervised_closed", "督办办结（件）", "上述督办事项中，截至日期已办结的件数（含督办前已办结的）"),
    _d("skip_level_visits", "越级访批次", "本期登记的来访事项中标记为越级的批次（只统计，不排名）"),
    _d("skip_level_visit_people", "越级访人次", "上述越级访的人数之和"),
    _d("repeat_visits", "重复访批次", "本期登记的来访事项中属于重复信访的批次"),
    _d("repeat_visit_people", "重复访人次", "上述重复访的人数之和"),
    _d("routed", "依法分流（件）", "本期登记的事项中，截至日期前决定不予受理、并写明分流途径（诉讼、仲裁、行政复议等）的件数"),
    _d("leader_closed_on_time", "包案按期办结（件）", f"领导包案事项中，在本期内（至{_W}）办结且未超过办理期限的件数"),
    _d("handling_days_total", "办理天数合计", "已办结事项从受理到办结的天数之和（平均办理天数即此数 ÷ 已办结件数）"),
    _d("method_cases", "办理方式的事项（件）", "本期登记的事项中，截至日期前的办理过程有一步与本单位设置的办理方式（如调解、听证）名称完全相同的件数（“调解中”不算“调解”）"),
)  # fmt: skip

RATES = (
    _d("timely_acceptance", "及时受理率", "在受理期限内作出受理决定的件数 ÷ 已作出决定或受理期限已过的件数"),
    _d("closure", "办结率", "已办结件数 ÷ 已受理件数"),
    _d("on_time_closure", "按期办结率", "在办理期限内办结的件数 ÷ 已办结或办理期限已过的已受理件数"),
    _d("rating_participation", "参评率", "已评价（不含未评价）的办结件数 ÷ 已办结件数"),
    _d("satisfaction", "满意率", "评价为满意或基本满意的件数 ÷ 已评价的办结件数"),
    _d("repeat", "重复信访率", "重复信访件数 ÷ 登记件数"),
    _d("review", "复查率", "已申请复查的件数 ÷ 已办结件数"),
    _d("review_upheld", "复查维持率", "复查意见为维持的件数 ÷ 已作出复查意见的件数"),
    _d("backlog_resolution", "积案化解率", "积案化解件数 ÷ 期初积案件数"),
    _d("leader_closure", "包案办结率", "包案办结件数 ÷ 领导包案件数"),
    _d("supervised_closure", "督办办结率", "督办办结件数 ÷ 督办件数"),
    _d("first_time_closure", "初信初访办结率", "初信初访中已办结的件数 ÷ 初信初访中已受理的件数"),
    _d("leader_on_time_closure", "包案按期办结率", f"包案按期办结件数 ÷（领导包案事项中在本期内至{_W}办结的件数 + 至{_W}仍未办结且办理期限早于该日的件数）"),
    _d("backlog_schedule", "序时进度", f"本单位设置的积案化解目标 ×（统计期间第一天至{_W}的天数 ÷ 统计期间的天数）；未设目标的不计算"),
)  # fmt: skip

# Further figures the summary quotes by label (JSON: by.month, by.route, by_people, ...).
BREAKDOWNS = (
    _d("by_people.channel", "各信访形式人次", "本期登记的事项按信访形式分的人数之和"),
    _d("by.month", "各月登记（件）", "本期登记的事项按登记月份的件数，列出统计期间至截至日期的每个月（含0件的月份）"),
    _d("by.route", "依法分流去向（件）", "依法分流的事项按分流途径的件数"),
    _d("by_method", "各办理方式（件）", "本期登记的事项中，截至日期前的办理过程用过该办理方式的件数（一件事项用过几种方式，各计一次）"),
    _d("by_backlog_start.source", "期初积案按来源（件）", "期初积案按来源（上级交办、本级受理等）的件数"),
    _d("by_backlog_resolved.source", "积案化解按来源（件）", "积案化解按来源的件数"),
    _d("by_closing_month", "各月办结（件）", "在统计期间各月（至截至日期）办结的事项件数，含以前登记的事项"),
    _d("office_work.by_level_leader", "各层级领导接访", "领导接访、下访、约访按层级、再按领导分的次数、批次和人次"),
)  # fmt: skip

AVERAGE_DAYS = _d("avg_handling_days", "平均办理天数", "已办结事项从受理到办结的天数的平均值")

COUNT_NAMES = {d.key: d.name for d in COUNTS}
RATE_NAMES = {d.key: d.name for d in RATES}

GENERAL = (
    "本期：统计期间（半年、年、季度或月）内登记的信访事项，登记日期不晚于截至日期。"
    "截至日期默认为统计期间最后一天；期间尚未结束时为生成之日。",
    "一切数字均按截至日期当日已知的情况计算：截至日期以后的受理、延期、办结、评价、复查和复核一概不计，"
    "因此事后重新生成的报告与当时一致（数据有增补或更正的除外）。",
    "期限以日计算，事件发生当日不计入：受理期限自登记之日起算，办理期限自受理之日起算，"
    "经批准可延期一次（天数见本单位设置）。“已过”期限指期限最后一日早于截至日期；"
    "期限最后一日恰为截至日期而尚未办结的，不算超期。",
    "比率的分母为0时显示“—”（无数据），不显示为0%或100%。",
    "比率和占比以百分数显示，平均天数和得分保留一位小数，均由精确值四舍五入。"
    "同比、环比中比率的增减为两个显示值之差（百分点），平均天数的增减为两个显示值之差（天）；"
    "件数的增减，比较期为10件及以上的为（本期−比较期）÷比较期（百分比），不足10件（含0件）的为两者之差"
    "（件、批、人次、次）；显示值相同的为“持平”。比较期比率的分母为0时写“上年同期无数据”；"
    "比较期没有任何记录（截至其截至日期没有登记事项，期间内也没有领导接访记录）时，"
    "总结开头写一次“上年同期无记录，不作同比”，其他句子不再作同比（环比写“上期”）。",
    "同比：与上年同一期间、截至上年同一日期的数字相比（2月29日按2月28日）。"
    "环比：与紧邻的上一个同样长度的期间、截至该期间最后一日的数字相比；年度报告只作同比。",
    "年度报告中上、下半年分别统计各自登记的事项，办理情况均按年度报告的截至日期计算，两者相加等于年度合计；"
    "超期未办结、积案等时点数字不分半年。",
    f"在办事项中，办理期限在截至日期后{DUE_SOON_DAYS}日内的标为“临期”。",
)


def office_settings(config: Config, provisional_years: tuple[int, ...] = ()) -> tuple[str, ...]:
    """This office's settings in force, in the words of the appendix."""
    deadlines = config.deadlines
    calendar = (
        "期限最后一日为法定节假日或休息日的，顺延至下一个工作日（按国务院公布的节假日安排）"
        if deadlines.calendar == "workdays"
        else "按自然日计算，期限最后一日遇节假日不顺延"
    )
    lines = [
        f"受理期限{deadlines.accept_days}日，办理期限{deadlines.handle_days}日，"
        f"延期最多{deadlines.max_extension_days}日；{calendar}。",
    ]
    if provisional_years:
        years = "、".join(f"{y}年" for y in provisional_years)
        lines.append(f"{years}节假日安排尚未公布，期限按法定节日推算。")
    lines.append(f"集体访：一次来访人数达到{config.collective_threshold}人及以上。")
    weights = config.leaderboard.weights
    shown = "、".join(
        f"{RATE_NAMES[key]}{_decimal(weight)}"
        for key, weight in weights.items()
        if key in RATE_NAMES
    )
    lines.append(
        f"责任单位排名：得分为各项比率的加权平均（权重：{shown}），无数据的比率不计入、权重按比例折算；"
        f"本期登记不足{config.leaderboard.min_cases}件的单位不参与排名。"
    )
    lines.append(
        f"办理方式：{'、'.join(config.methods)}（办理过程的步骤名称与之完全相同的才计入）；"
        f"依法分流途径：{'、'.join(config.routes)}。"
    )
    if config.backlog_target is not None:
        lines.append(
            f"积案化解目标：期末化解期初积案的{_percent_text(config.backlog_target)}，"
            "序时进度按统计期间已过的天数折算。"
        )
    return tuple(lines)


def rollup_settings(
    offices: Sequence[str],
    labels: Mapping[str, Mapping[str, str]],
    board: LeaderboardSettings,
    backlog_target: float | None,
) -> tuple[str, ...]:
    """A city's settings in force (the appendix's 本单位的设置 of a roll-up)."""
    lines = [
        f"汇总单位（{len(offices)}个）：{'、'.join(offices)}。",
        "各单位的数字按各单位自己的设置和日历计算（受理、办理期限，超期、积案均按本单位的规则）；"
        "全市件数为各单位之和，比率和平均办理天数为各单位分子之和除以分母之和，不是各单位比率的平均。",
    ]
    mapped = [f"{old}→{new}" for vocabulary in labels.values() for old, new in vocabulary.items()]
    if mapped:
        lines.append(f"名称对照（各单位的名称→全市统一的名称）：{'；'.join(mapped)}。")
    weights = "、".join(
        f"{RATE_NAMES[key]}{_decimal(weight)}"
        for key, weight in board.weights.items()
        if key in RATE_NAMES
    )
    lines.append(
        f"各单位排名：按各单位本期登记事项的比率加权平均（权重：{weights}），无数据的比率不计入、"
        f"权重按比例折算；本期登记不足{board.min_cases}件的单位不参与排名。不以信访量多少论优劣。"
    )
    if backlog_target is not None:
        lines.append(
            f"积案化解目标：期末化解期初积案的{_percent_text(backlog_target)}，序时进度按统计期间已过的天数折算。"
        )
    return tuple(lines)


def _percent_text(target: float) -> str:
    text = f"{Decimal(str(target)) * 100:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def _decimal(value: Any) -> str:
    text = str(value)
    return text.removesuffix(".0") if text.endswith(".0") else text


def markdown() -> str:
    """docs/统计口径.md: the general text of the appendix, for readers of the repository."""
    lines = [
        "# 统计口径说明",
        "",
        "本文件由 `python -m xfgen.reports.definitions > docs/统计口径.md` 生成，"
        "与每份总结附录“统计口径说明”的通用部分一致；各单位自己的设置（期限天数、节假日规则、"
        "集体访人数、排名权重）印在各自总结的附录中。",
        "",
        "## 通则",
        "",
        *(f"- {line}" for line in GENERAL),
        "",
        "## 件数",
        "",
        "| 项目 | 口径 |",
        "|---|---|",
        *(f"| {d.name} | {d.text}。 |" for d in COUNTS),
        "",
        "## 比率和天数",
        "",
        "| 项目 | 口径 |",
        "|---|---|",
        *(f"| {d.name} | {d.text}。 |" for d in (*RATES, AVERAGE_DAYS)),
        "",
        "## 分项",
        "",
        "| 项目 | 口径 |",
        "|---|---|",
        *(f"| {d.name} | {d.text}。 |" for d in BREAKDOWNS),
        "",
    ]
    return "\n".join(lines)


def _missing() -> set[str]:
    """Figures of compute.py without a definition here (a test keeps this empty)."""
    defined = {d.key for d in COUNTS} | {f"rate:{d.key}" for d in RATES}
    wanted = {f.name for f in fields(Counts)} | {f"rate:{f.name}" for f in fields(Rates)}
    return wanted - defined


if __name__ == "__main__":  # pragma: no cover - writes docs/统计口径.md
    print(markdown(), end="")

"""The words of the 总结 (DOMAIN.md "What a summary says"), as small pure functions.

Fed only by the ``xfgen stats --json`` object and the office's vocabulary, so that
a city's roll-up can word its combined object the same way; templates only place
the sentences made here. The rules: period names and the title; 登记/受理; the
wording of changes (the below-10 rule, 持平, 上年同期无数据, 上年同期无记录); zeros
left out; labels in configuration order, categories by count; leaders in
protocol order; Chinese dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from xfgen.records.models import KINDS, VISIT_CHANNEL, Config
from xfgen.reports.formatting import NO_DATA, half_up

Stats = Mapping[str, Any]  # the ``stats --json`` object, or its previous_year / previous_period
Against = Literal["同比", "环比"]
Kind = Literal["count", "rate", "days"]

OTHER = {"同比": "上年同期", "环比": "上期"}
BOTH: tuple[Against, ...] = ("同比", "环比")
YEAR_ONLY: tuple[Against, ...] = ("同比",)
TOP_CATEGORIES = 5
_NUMERALS = "零一二三四五六七八九"
_YEAR_LABEL = re.compile(r"\d{4}")
_HALF_LABEL = re.compile(r"\d{4}[Hh]([12])")
_QUARTER_LABEL = re.compile(r"\d{4}[Qq]([1-4])")
_MONTH_LABEL = re.compile(r"\d{4}-(\d{2})")
_QUARTERS = "一二三四"


@dataclass(frozen=True)
class Vocabulary:
    """The labels prose lists, in the order it lists them (a roll-up: order of first appearance)."""

    channels: tuple[str, ...]
    sources: tuple[str, ...]
    categories: tuple[str, ...]
    outcomes: tuple[str, ...]
    routes: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    activity_kinds: tuple[str, ...] = ()
    leader_levels: tuple[str, ...] = ()
    supervision_kinds: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()  # protocol order (排名顺序); none named in a roll-up
    backlog_target: Fraction | None = None
    kinds: tuple[str, ...] = KINDS

    @classmethod
    def of(cls, config: Config) -> Vocabulary:
        target = config.backlog_target
        return cls(
            channels=config.channels,
            sources=config.sources,
            categories=config.categories,
            outcomes=config.outcomes,
            routes=config.routes,
            methods=config.methods,
            activity_kinds=config.activity_kinds,
            leader_levels=config.leader_levels,
            supervision_kinds=config.supervision_kinds,
            leaders=config.leaders,
            # the decimal as written in xfgen.yaml (0.9 is 9/10), as weights are read
            backlog_target=None if target is None else Fraction(str(target)),
        )

    @classmethod
    def combined(
        cls,
        configs: Sequence[Config],
        relabel: Callable[[str, str], str],
        backlog_target: float | None,
    ) -> Vocabulary:
        """A roll-up's: each vocabulary in order of first appearance across its offices
        (``configs`` in ``rollup.offices`` order), labels mapped to the city's; no leaders
        (they belong to their offices) and the roll-up's own ``backlog_target``."""

        def appearing(name: str) -> tuple[str, ...]:
            labels = (relabel(name, label) for c in configs for label in getattr(c, name))
            return tuple(dict.fromkeys(labels))

        return cls(
            **{name: appearing(name) for name in COMBINED_VOCABULARIES},
            backlog_target=None if backlog_target is None else Fraction(str(backlog_target)),
        )


# Vocabularies a roll-up lists in order of first appearance (DOMAIN.md "Roll-up": Labels).
COMBINED_VOCABULARIES = (
    "channels", "sources", "categories", "outcomes", "routes", "methods",
    "activity_kinds", "leader_levels", "supervision_kinds",
)  # fmt: skip


# ---------------------------------------------------------------- names and dates


def chinese_date(day: date) -> str:
    """2026年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def build_stamp(moment: datetime) -> str:
    """The build stamp as every page and PDF prints it: 生成于2026年12月2日 09:30."""
    return f"生成于{chinese_date(moment.date())} {moment:%H:%M}"


def numeral(n: int) -> str:
    """1–99 in Chinese numerals: 六, 十, 十二, 二十一 (section numbers, 居前五位)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _NUMERALS[ones]
    head = "" if tens == 1 else _NUMERALS[tens]
    return f"{head}十{_NUMERALS[ones] if ones else ''}"


def full_name(label: str) -> str:
    """A period named as it covers whole: 2026年, 2026年上半年, 2026年第一季度, 2026年3月."""
    year = label[:4]
    if match := _HALF_LABEL.fullmatch(label):
        return f"{year}年{'上' if match[1] == '1' else '下'}半年"
    if match := _QUARTER_LABEL.fullmatch(label):
        return f"{year}年第{_QUARTERS[int(match[1]) - 1]}季度"
    if match := _MONTH_LABEL.fullmatch(label):
        return f"{year}年{int(match[1])}月"
    if _YEAR_LABEL.fullmatch(label):
        return f"{year}年"
    raise ValueError(f"not a period label: {label}")


def period_name(label: str, start: date, end: date, as_of: date) -> str:
    """The period named by what it covers at ``as_of`` (DOMAIN.md table "period, as-of").

    Its last day: 2026年上半年. The last day of an earlier month: 2026年1—11月 (one
    month: 2026年7月), never 全年 or 上半年. Another day: 2026年1月1日至12月2日.
    """
    if as_of >= end:
        return full_name(label)
    if (as_of + timedelta(days=1)).day == 1 and as_of.year == start.year:
        if as_of.month == start.month:
            return f"{start.year}年{start.month}月"
        return f"{start.year}年{start.month}—{as_of.month}月"
    last = f"{as_of.month}月{as_of.day}日"
    if as_of.year != start.year:
        last = f"{as_of.year}年{last}"
    return f"{chinese_date(start)}至{last}"


def stats_period_name(stats: Stats) -> str:
    """:func:`period_name` of a stats object."""
    return period_name(
        stats["period"],
        date.fromisoformat(stats["start"]),
        date.fromisoformat(stats["end"]),
        date.fromisoformat(stats["as_of"]),
    )


def is_year(stats: Stats) -> bool:
    return bool(_YEAR_LABEL.fullmatch(stats["period"]))


def title(office: str, name: str, has_narrative: bool) -> str:
    """平安县信访局2026年上半年信访工作总结; …信访工作情况 without the office's own prose."""
    return f"{office}{name}信访工作{'总结' if has_narrative else '情况'}"


def scope(office: str) -> str:
    """How the opening names the whole jurisdiction: 全县, 全市, 全区 … or 本单位."""
    # The first administrative suffix after a place name: 平安县信访局 → 全县; a name
    # that merely starts with 市 or 乡 (市场监督管理局, 乡村振兴局) has no place name.
    match = re.match(r"^.+?(县|市|区|旗|镇|乡)", office)
    return f"全{match.group(1)}" if match else "本单位"


# ---------------------------------------------------------------- values and changes


def share(part: int, whole: int) -> str:
    """占比 as printed: 26.2%."""
    return percent(Fraction(part, whole) if whole else None)


def percent(value: Fraction | None) -> str:
    return NO_DATA if value is None else f"{half_up(value * 100)}%"


def rate(block: Stats, key: str) -> Fraction | None:
    """A rate, exact from ``fractions`` where the object has them, else from its float."""
    pair = block.get("fractions", {}).get(key)
    if pair is not None:
        numerator, denominator = pair
        return Fraction(numerator, denominator) if denominator else None
    value = block.get("rates", {}).get(key)
    return None if value is None else Fraction(repr(float(value)))


def average_days(block: Stats) -> Fraction | None:
    """平均办理天数, exact from ``handling_days_total`` ÷ ``closed`` where given."""
    counts = block.get("counts", {})
    total, closed = counts.get("handling_days_total"), counts.get("closed")
    if total is not None and closed is not None:
        return Fraction(total, closed) if closed else None
    value = block.get("avg_handling_days")
    return None if value is None else Fraction(repr(float(value)))


def shown(kind: Kind, value: Fraction | int | None) -> str:
    """A value as printed: a count as it is, a rate as 94.4%, days as 24.9."""
    if value is None:
        return NO_DATA
    if kind == "count":
        return str(value)
    return percent(Fraction(value)) if kind == "rate" else str(half_up(value))


def change_phrase(
    kind: Kind, now: Fraction | int | None, before: Fraction | int | None, unit: str = "件"
) -> str | None:
    """The change alone (上升6.3%, 增加2件, 提高7.4个百分点, 减少1.5天, 持平); None without data.

    Counts: (now − before) ÷ before when before is 10 or more, else the difference
    in ``unit``; rates and days: the difference of the shown values.
    """
    if now is None or before is None:
        return None
    if kind == "count":
        now, before = int(now), int(before)
        if now == before:
            return "持平"
        if before >= 10:
            amount = half_up(Fraction(now - before, before) * 100)
            return _signed(amount, "上升", "下降", "%")
        return _signed(Decimal(now - before), "增加", "减少", unit)
    if kind == "rate":
        amount = half_up(Fraction(now) * 100) - half_up(Fraction(before) * 100)
        return _signed(amount, "提高", "降低", "个百分点")
    return _signed(half_up(now) - half_up(before), "增加", "减少", "天")


def _signed(amount: Decimal, up: str, down: str, unit: str) -> str:
    if amount == 0:
        return "持平"
    return f"{up if amount > 0 else down}{abs(amount)}{unit}"


def change_text(
    kind: Kind, now: Fraction | int | None, before: Fraction | int | None, against: Against,
    unit: str = "件",
) -> str:  # fmt: skip
    """A change as prose says it: 同比增加2件, 同比持平, 上年同期无数据 (环比, 上期 the same)."""
    phrase = change_phrase(kind, now, before, unit)
    return f"{OTHER[against]}无数据" if phrase is None else f"{against}{phrase}"


def change_cell(
    kind: Kind, now: Fraction | int | None, before: Fraction | int | None, against: Against,
    unit: str = "件", recorded: bool = True,
) -> str:  # fmt: skip
    """A change as a table's 同比 / 环比 cell says it (增加2件, 持平, 上年同期无数据)."""
    if not recorded:
        return f"{OTHER[against]}无记录"
    if before is None:
        return f"{OTHER[against]}无数据"
    phrase = change_phrase(kind, now, before, unit)
    return NO_DATA if phrase is None else phrase  # no data now: the row shows — only


@dataclass(frozen=True)
class Figure:
    """One figure of the object: where it is and what it counts."""

    kind: Kind
    key: str = ""  # counts / rates key; "" for average days
    unit: str = "件"

    def value(self, block: Stats) -> Fraction | int | None:
        if self.kind == "count":
            return int(block.get("counts", {}).get(self.key, 0))
        if self.kind == "rate":
            return rate(block, self.key)
        return average_days(block)


def cells(stats: Stats, figure: Figure) -> tuple[str, str, str, str, str]:
    """A table row's cells: 本期, 上年同期, 同比, 上期, 环比, worded as the prose words them
    (a compared period without records shows — and "上年同期无记录")."""
    now = figure.value(stats)
    shown_cells = [shown(figure.kind, now)]
    for against in BOTH:
        made = recorded(stats, against)
        before = figure.value(earlier(stats, against))
        shown_cells += [
            shown(figure.kind, before) if made else NO_DATA,
            change_cell(figure.kind, now, before, against, figure.unit, made),
        ]
    return tuple(shown_cells)  # type: ignore[return-value]


def count_figure(key: str) -> Figure:
    """A count with the unit its change is worded in."""
    return Figure("count", key, COUNT_UNITS.get(key, "件"))


def recorded(stats: Stats, against: Against) -> bool:
    """Whether the compared period has any record (DOMAIN.md "上年同期无记录")."""
    block = stats.get("previous_year" if against == "同比" else "previous_period") or {}
    if "has_records" in block:
        return bool(block["has_records"])
    return bool(block.get("counts", {}).get("cases"))  # an object from before v3


def compared(stats: Stats, which: Sequence[Against] = ("同比", "环比")) -> list[Against]:
    """The comparisons a sentence carries: 同比, and 环比 except in year reports, each only
    where the compared period has records."""
    made: list[Against] = []
    for against in which:
        if against == "环比" and is_year(stats):
            continue
        if recorded(stats, against):
            made.append(against)
    return made


def earlier(stats: Stats, against: Against) -> Stats:
    return stats["previous_year" if against == "同比" else "previous_period"]  # type: ignore[no-any-return]


def changes(stats: Stats, figure: Figure, which: Sequence[Against] = ("同比", "环比")) -> str:
    """{变化} ({同比} with ``which=("同比",)``): the changes joined by "，", "" when none is made."""
    now = figure.value(stats)
    return "，".join(
        change_text(figure.kind, now, figure.value(earlier(stats, a)), a, figure.unit)
        for a in compared(stats, which)
    )


def with_changes(text: str, stats: Stats, figure: Figure, which: Sequence[Against]) -> str:
    """``text`` followed by "，" and its changes, or alone when none is made."""
    made = changes(stats, figure, which)
    return f"{text}，{made}" if made else text


def zero_everywhere(stats: Stats, key: str, which: Sequence[Against] = ("同比",)) -> bool:
    """A count 0 now and in every comparison made: its clause is left out (DOMAIN.md "Zeros")."""
    figure = Figure("count", key)
    if figure.value(stats):
        return False
    return all(not figure.value(earlier(stats, a)) for a in compared(stats, which))


def counted_clause(
    stats: Stats, text: str, key: str, which: Sequence[Against], carries_change: bool,
    unit: str = "件",
) -> str | None:  # fmt: skip
    """A clause whose first count is ``key``: None when it is 0 now and in every comparison;
    a clause at 0 that stays carries its change even where its template shows none."""
    if zero_everywhere(stats, key, which):
        return None
    figure = Figure("count", key, unit)
    if carries_change or not figure.value(stats):
        return with_changes(text, stats, figure, which)
    return text


# ---------------------------------------------------------------- orders


def ordered(
    counts: Mapping[str, int], labels: Sequence[str], by_count: bool = False
) -> list[tuple[str, int]]:
    """The labels with a count above 0, in configuration order, or by count with ties in that
    order. A label that is not configured follows the configured ones, in code point order."""
    position = {label: i for i, label in enumerate(labels)}
    items = [(label, count) for label, count in counts.items() if count > 0]
    items.sort(key=lambda item: (position.get(item[0], len(labels)), item[0]))
    if by_count:
        items.sort(key=lambda item: -item[1])  # stable: ties keep configuration order
    return items


def in_protocol_order(
    leaders: Mapping[str, Mapping[str, int]], protocol: Sequence[str]
) -> list[tuple[str, Mapping[str, int]]]:
    """Leaders in the configured protocol order; those not listed follow by 人次 descending,
    then 批, then code point."""
    position = {name: i for i, name in enumerate(protocol)}
    listed = sorted((n for n in leaders if n in position), key=position.__getitem__)
    others = sorted(
        (n for n in leaders if n not in position),
        key=lambda n: (-leaders[n].get("people", 0), -leaders[n].get("batches", 0), n),
    )
    return [(name, leaders[name]) for name in (*listed, *others)]


def short(label: str) -> str:
    """A category in prose is its 小类: 劳动社保/工资拖欠 → 工资拖欠."""
    return label.rsplit("/", 1)[-1]


def tally(a: Mapping[str, int]) -> str:
    """X次X批X人次."""
    return f"{a.get('events', 0)}次{a.get('batches', 0)}批{a.get('people', 0)}人次"


def _sentence(clauses: Iterable[str | None], joiner: str = "；") -> str | None:
    kept = [c for c in clauses if c]
    return joiner.join(kept) + "。" if kept else None


# ---------------------------------------------------------------- the sections


@dataclass(frozen=True)
class Sentences:
    """The prose of sections 一 to 四, each a list of paragraphs."""

    basic: tuple[str, ...]
    handling: tuple[str, ...]
    office_work: tuple[str, ...]
    backlog: tuple[str, ...]


def sentences(stats: Stats, words: Vocabulary, place: str) -> Sentences:
    """Every sentence of sections 一 to 四 for ``stats``; ``place`` is 全县, 全市 …"""
    return Sentences(
        basic=_paragraphs(
            [_opening(stats, place), _acceptance(stats, words)],
            [_channels(stats, words)],
            [_sources(stats, words), _kinds(stats, words), _outcomes(stats, words)],
            [_categories(stats, words)],
        ),
        handling=_paragraphs(
            [_rates(stats)],
            [_methods(stats, words)],
            [_review(stats, "复查", "review"), _review(stats, "复核", "recheck")],
        ),
        office_work=_paragraphs(
            [_activities(stats, words)], [_levels(stats, words)], [_leader_cases(stats, words)]
        ),
        backlog=_paragraphs([_backlog(stats, words)]),
    )


def _paragraphs(*groups: Sequence[str | None]) -> tuple[str, ...]:
    joined = ("".join(s for s in group if s) for group in groups)
    return tuple(p for p in joined if p)


def _opening(stats: Stats, place: str) -> str:
    c = stats["counts"]
    cases = [f"{stats_period_name(stats)}，{place}共登记信访事项{c['cases']}件"]
    people = [f"涉及{c['people']}人次"]
    for against in YEAR_ONLY if is_year(stats) else BOTH:
        if not recorded(stats, against):
            # said once, here; no other sentence carries this comparison
            cases.append(f"{OTHER[against]}无记录，不作{against}")
            continue
        other = earlier(stats, against)
        for clause, figure in ((cases, Figure("count", "cases")), (people, count_figure("people"))):
            value = figure.value(stats)
            clause.append(change_text("count", value, figure.value(other), against, figure.unit))
    return f"{'，'.join(cases)}；{'，'.join(people)}。"


def _acceptance(stats: Stats, words: Vocabulary) -> str | None:
    c = stats["counts"]
    routes = ordered(stats.get("by", {}).get("route", {}), words.routes)
    items = []
    if c["accepted"]:
        items.append(f"已受理{c['accepted']}件")
    if c["not_accepted"]:
        routed = ""
        if c.get("routed"):
            listed = "、".join(f"{label}{n}件" for label, n in routes)
            routed = f"（依法分流{c['routed']}件{'：' + listed if listed else ''}）"
        items.append(f"不予受理{c['not_accepted']}件{routed}")
    if c["undecided"]:
        items.append(f"尚未作出受理决定{c['undecided']}件")
    return f"其中{'、'.join(items)}。" if items else None


def _channels(stats: Stats, words: Vocabulary) -> str | None:
    c, total = stats["counts"], stats["counts"]["cases"]
    people = stats.get("by_people", {}).get("channel", {})
    items = []
    for label, count in ordered(stats["by"]["channel"], words.channels):
        if label == VISIT_CHANNEL:
            collective = ""
            if c["collective_batches"]:
                collective = f"；其中集体访{c['collective_batches']}批{c['collective_people']}人次"
            items.append(
                f"{label}{c['visit_batches']}批{c['visit_people']}人次"
                f"（占{share(count, total)}{collective}）"
            )
        else:
            persons = people.get(label, count)
            extra = f"{persons}人次" if persons != count else ""
            items.append(f"{label}{count}件{extra}（占{share(count, total)}）")
    if not items:
        return None
    tail = [f"初信初访{c['first_time']}件" if c["first_time"] else ""]
    if c["repeat"]:
        visits = ""
        if c.get("repeat_visits"):
            visits = f"（其中重复访{c['repeat_visits']}批{c['repeat_visit_people']}人次）"
        tail.append(f"重复信访{c['repeat']}件{visits}")
    text = f"按信访形式分，{'，'.join(items)}；{'，'.join(t for t in tail if t)}"
    skip, skip_visits = c["skip_level"], c.get("skip_level_visits", 0)
    if skip and skip_visits == skip:
        text += f"；越级访{skip_visits}批{c.get('skip_level_visit_people', 0)}人次"
    elif skip:
        visits = ""
        if skip_visits:
            visits = f"（其中越级访{skip_visits}批{c.get('skip_level_visit_people', 0)}人次）"
        text += f"；越级信访{skip}件{visits}"
    return text + "。"


def _sources(stats: Stats, words: Vocabulary) -> str | None:
    closed = stats.get("by_closed", {}).get("source", {})
    items = [
        f"{label}{count}件、已办结{closed.get(label, 0)}件"
        for label, count in ordered(stats["by"]["source"], words.sources)
    ]
    return f"按来源分，{'，'.join(items)}。" if items else None


def _kinds(stats: Stats, words: Vocabulary) -> str | None:
    total = stats["counts"]["cases"]
    items = [
        f"{label}{count}件（占{share(count, total)}）"
        for label, count in ordered(stats["by"]["kind"], words.kinds)
    ]
    return f"按事项性质分，{'，'.join(items)}。" if items else None


def _outcomes(stats: Stats, words: Vocabulary) -> str | None:
    items = [
        f"{label}{count}件" for label, count in ordered(stats["by"]["outcome"], words.outcomes)
    ]
    return f"已办结事项中，{'，'.join(items)}。" if items else None


def _categories(stats: Stats, words: Vocabulary) -> str | None:
    total = stats["counts"]["cases"]
    top = ordered(stats["by"]["category"], words.categories, by_count=True)[:TOP_CATEGORIES]
    if not top:
        return None
    made = compared(stats, ("同比",))
    items = []
    for label, count in top:
        inside = f"占{share(count, total)}"
        if made:
            before = stats["previous_year"].get("by", {}).get("category", {}).get(label, 0)
            inside += "，" + change_text("count", count, before, "同比")
        items.append(f"{short(label)}{count}件（{inside}）")
    lead = f"居前{numeral(len(top))}位的是：" if len(top) > 1 else ""
    return f"按问题类别分，{lead}{'，'.join(items)}。"


RATE_SENTENCE = (
    ("及时受理率", "timely_acceptance"),
    ("按期办结率", "on_time_closure"),
    ("办结率", "closure"),
    ("初信初访办结率", "first_time_closure"),
    ("参评率", "rating_participation"),
    ("满意率", "satisfaction"),
)


def _rates(stats: Stats) -> str | None:
    clauses = []
    for name, key in RATE_SENTENCE:
        figure = Figure("rate", key)
        value = figure.value(stats)
        if value is not None:
            clauses.append(with_changes(f"{name}{percent(Fraction(value))}", stats, figure, BOTH))
    days = average_days(stats)
    if days is not None:
        figure = Figure("days")
        clauses.append(with_changes(f"平均办理天数{half_up(days)}天", stats, figure, BOTH))
    return _sentence(clauses)


def _methods(stats: Stats, words: Vocabulary) -> str | None:
    cases = stats["counts"].get("method_cases", 0)
    used = [(m, n) for m, n in ((m, stats.get("by_method", {}).get(m, 0)) for m in words.methods)]
    used = [(m, n) for m, n in used if n > 0]
    if not cases or not used:
        return None
    if len(used) == 1:
        return f"通过{used[0][0]}方式办理信访事项{cases}件。"
    named = "、".join(m for m, _ in used[:2])
    listed = "，".join(f"{m}{n}件" for m, n in used)
    return f"通过{named}等方式办理信访事项{cases}件，其中{listed}。"


def _review(stats: Stats, word: str, key: str) -> str | None:
    c = stats["counts"]
    asked = counted_clause(
        stats, f"申请{word}{c[key + '_requested']}件", key + "_requested", YEAR_ONLY, True
    )
    decided = counted_clause(
        stats, f"作出{word}意见{c[key + '_decided']}件", key + "_decided", YEAR_ONLY, False
    )
    if decided and c[key + "_upheld"]:
        decided += f"，其中维持{c[key + '_upheld']}件"
    return _sentence([asked, decided])


def _activities(stats: Stats, words: Vocabulary) -> str | None:
    work = stats.get("office_work", {})
    total = work.get("total", {})
    kinds = "、".join(words.activity_kinds)
    now = total.get("people", 0)
    made = compared(stats, YEAR_ONLY)
    before = {a: earlier(stats, a).get("office_work", {}).get("total", {}) for a in made}
    if not total.get("events") and all(not b.get("events") for b in before.values()):
        return None
    text = f"{stats_period_name(stats)}，各级领导{kinds}共{tally(total)}"
    if made:
        text += "，人次" + "，".join(
            change_text("count", now, before[a].get("people", 0), a, "人次") for a in made
        )
    by_kind = work.get("by_kind", {})
    items = [f"{label}{tally(by_kind[label])}" for label in _present(by_kind, words.activity_kinds)]
    return text + (f"；其中{'，'.join(items)}" if items else "") + "。"


def _present(tallies: Mapping[str, Mapping[str, int]], labels: Sequence[str]) -> list[str]:
    """Labels with at least one activity, configuration order first."""
    counts = {label: a.get("events", 0) for label, a in tallies.items()}
    return [label for label, _ in ordered(counts, labels)]


def _levels(stats: Stats, words: Vocabulary) -> str | None:
    work = stats.get("office_work", {})
    by_level = work.get("by_level", {})
    by_level_leader = work.get("by_level_leader", {})
    clauses = []
    for level in _present(by_level, words.leader_levels):
        text = f"{level}{tally(by_level[level])}"
        if words.leader_levels and level == words.leader_levels[0]:
            named = [
                f"{leader}{a.get('batches', 0)}批{a.get('people', 0)}人次"
                for leader, a in in_protocol_order(by_level_leader.get(level, {}), words.leaders)
                if a.get("batches", 0) or a.get("people", 0)
            ]
            if named:
                text += f"，其中{'，'.join(named)}"
        clauses.append(text)
    return _sentence(clauses)


def _leader_cases(stats: Stats, words: Vocabulary) -> str | None:
    c = stats["counts"]
    leader = counted_clause(
        stats, f"领导包案{c['leader_cases']}件", "leader_cases", YEAR_ONLY, False
    )
    if leader and c["leader_cases"]:
        leader += f"，已办结{c['leader_closed']}件"
        for name, key in (
            ("包案办结率", "leader_closure"),
            ("包案按期办结率", "leader_on_time_closure"),
        ):
            value = rate(stats, key)
            if value is not None:
                leader += f"，{name}{percent(value)}"
    supervised = counted_clause(stats, f"督办{c['supervised']}件", "supervised", YEAR_ONLY, False)
    if supervised and c["supervised"]:
        kinds = stats.get("by_supervision_kind", {})
        named = [  # the named kinds (挂牌督办 …), not plain 督办
            f"{kind}{n}件" for kind, n in ordered(kinds, words.supervision_kinds) if kind != "督办"
        ]
        if named:
            supervised += f"（其中{'、'.join(named)}）"
        supervised += f"，已办结{c['supervised_closed']}件"
    return _sentence([leader, supervised])


def _backlog(stats: Stats, words: Vocabulary) -> str | None:
    c = stats["counts"]
    start = counted_clause(
        stats, f"期初积案{c['backlog_start']}件", "backlog_start", YEAR_ONLY, False
    )
    if start and c["backlog_start"]:
        sources = ordered(stats.get("by_backlog_start", {}).get("source", {}), words.sources)
        if sources:
            start += f"（{'，'.join(f'{label}{n}件' for label, n in sources)}）"
        resolution = rate(stats, "backlog_resolution")
        start += f"，已化解{c['backlog_resolved']}件，积案化解率{percent(resolution)}"
        start += _schedule(stats, words, resolution)
    now = [
        (f"积案{c['backlog']}件", c["backlog"]),
        (f"超期未办结{c['overdue_open']}件", c["overdue_open"]),
    ]
    listed = "，".join(text for text, n in now if n)
    at = chinese_date(date.fromisoformat(stats["as_of"]))
    return _sentence([start, f"截至{at}，{listed}" if listed else None])


def backlog_schedule(stats: Stats, target: Fraction) -> Fraction:
    """序时进度, exactly: target × (W − first day + 1) ÷ (last day − first day + 1)."""
    start, end = date.fromisoformat(stats["start"]), date.fromisoformat(stats["end"])
    last = min(end, date.fromisoformat(stats["as_of"]))
    return target * Fraction((last - start).days + 1, (end - start).days + 1)


def _schedule(stats: Stats, words: Vocabulary, resolution: Fraction | None) -> str:
    """，序时进度X%，慢于序时进度 (only with a backlog_target)."""
    if words.backlog_target is None or resolution is None:
        return ""
    schedule = backlog_schedule(stats, words.backlog_target)
    done, due = half_up(resolution * 100), half_up(schedule * 100)
    verdict = "慢于序时进度" if done < due else "快于序时进度" if done > due else "与序时进度持平"
    return f"，序时进度{percent(schedule)}，{verdict}"


# What each count counts, where it is not 件 (the unit of a change below 10).
COUNT_UNITS = {
    "people": "人次",
    "visit_people": "人次",
    "collective_people": "人次",
    "skip_level_visit_people": "人次",
    "repeat_visit_people": "人次",
    "visit_batches": "批",
    "collective_batches": "批",
    "skip_level_visits": "批",
    "repeat_visits": "批",
    "handling_days_total": "天",
}


def all_changes(stats: Stats, against: Against) -> dict[str, Any]:
    """Every count's, rate's and the average's change as prose says it (a narrative's
    placeholders): 同比增加2件, 上年同期无数据, or 上年同期无记录 when that period has none."""
    if not recorded(stats, against):
        missing = f"{OTHER[against]}无记录"
        return {
            "counts": dict.fromkeys(stats["counts"], missing),
            "rates": dict.fromkeys(stats["rates"], missing),
            "avg_handling_days": missing,
        }
    other = earlier(stats, against)

    def text(figure: Figure) -> str:
        return change_text(
            figure.kind, figure.value(stats), figure.value(other), against, figure.unit
        )

    return {
        "counts": {k: text(Figure("count", k, COUNT_UNITS.get(k, "件"))) for k in stats["counts"]},
        "rates": {k: text(Figure("rate", k)) for k in stats["rates"]},
        "avg_handling_days": text(Figure("days")),
    }

"""An independent, naive reading of DOMAIN.md's figures, for checking xfgen against.

Written from DOMAIN.md alone (not from xfgen/figures/): plain dicts straight from
``yaml.safe_load``, one loop per figure, exact fractions for every rate and score.
:func:`stats` returns what ``xfgen stats --period P --as-of D --json`` should print,
with rates and scores as :class:`~fractions.Fraction` (or ``None``).
It is slow on purpose: clarity over speed.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

DAY = timedelta(days=1)
NOT_RATED = "未评价"
SATISFIED = ("满意", "基本满意")
UPHELD = "维持"
VISIT = "来访"
DEFAULT_WEIGHTS = {
    "on_time_closure": "0.4",
    "satisfaction": "0.3",
    "timely_acceptance": "0.2",
    "closure": "0.1",
}
UNIT_RATES = ("timely_acceptance", "closure", "on_time_closure", "satisfaction")
BY_KEYS = ("channel", "source", "kind", "category", "unit")
DEFAULT_METHODS = ["调解", "听证", "代办"]


# ---------------------------------------------------------------- reading the tree


def load_tree(root: Path) -> dict[str, Any]:
    """The configuration, cases, activities and holiday file of a repository."""
    config = yaml.safe_load((root / "xfgen.yaml").read_text(encoding="utf-8"))
    cases = [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((root / "cases").glob("**/*.yaml"))
    ]
    activities = [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((root / "activities").glob("**/*.yaml"))
    ]
    holidays_file = root / "holidays.yaml"
    holiday_data = (
        yaml.safe_load(holidays_file.read_text(encoding="utf-8")) if holidays_file.is_file() else {}
    )
    return {
        "config": config,
        "cases": cases,
        "activities": activities,
        "holidays": holiday_data or {},
    }


# ---------------------------------------------------------------- periods


def parse_period(label: str) -> tuple[date, date]:
    """First and last day of ``2026H1``, ``2026H2``, ``2026``, ``2026Q1`` or ``2026-03``."""
    year = int(label[:4])
    rest = label[4:]
    if rest == "":
        return date(year, 1, 1), date(year, 12, 31)
    if rest == "H1":
        return date(year, 1, 1), date(year, 6, 30)
    if rest == "H2":
        return date(year, 7, 1), date(year, 12, 31)
    if rest.startswith("Q"):
        q = int(rest[1:])
        first_month = 3 * q - 2
        last_month = 3 * q
        return date(year, first_month, 1), date(
            year, last_month, calendar.monthrange(year, last_month)[1]
        )
    month = int(rest[1:])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def same_period_last_year(label: str) -> str:
    return str(int(label[:4]) - 1) + label[4:]


def previous_period(label: str) -> str:
    """The previous period of the same length: H1 → last H2, Q1 → last Q4, 01 → last 12."""
    year = int(label[:4])
    rest = label[4:]
    if rest == "":
        return str(year - 1)
    if rest == "H1":
        return f"{year - 1}H2"
    if rest == "H2":
        return f"{year}H1"
    if rest.startswith("Q"):
        q = int(rest[1:])
        return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"
    month = int(rest[1:])
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def one_year_earlier(day: date) -> date:
    """The same day a year earlier; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


# ---------------------------------------------------------------- calendar


class Calendar:
    """Deadline arithmetic: plain calendar days, or the holiday rule (``workdays``)."""

    def __init__(self, config: dict[str, Any], holiday_file: dict[str, Any]):
        deadlines = config.get("deadlines") or {}
        self.accept_days = deadlines.get("accept_days", 15)
        self.handle_days = deadlines.get("handle_days", 60)
        self.workdays = deadlines.get("calendar", "natural") == "workdays"
        self.extra_rest = set(holiday_file.get("holidays") or [])
        self.extra_work = set(holiday_file.get("workdays") or [])
        self.own_years = set(holiday_file.get("years") or [])
        self._china: Any = None

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_work:
            return True
        if day in self.extra_rest:
            return False
        if day.year in self.own_years:
            return day.weekday() < 5
        if self._china is None:
            import holidays  # only needed with the holiday rule

            self._china = holidays.China()  # fills in each year when first asked
        return bool(self._china.is_working_day(day))

    def move(self, day: date) -> date:
        """A last day that is a rest day moves to the next working day (民法典 art. 203)."""
        if not self.workdays:
            return day
        while not self.is_working_day(day):
            day += DAY
        return day

    def accept_limit(self, case: dict[str, Any]) -> date:
        return self.move(case["received"] + timedelta(days=self.accept_days))

    def deadline(self, case: dict[str, Any], as_of: date) -> date:
        """The handling deadline as known at ``as_of`` (an extension approved later is not)."""
        original = self.move(case["accepted"] + timedelta(days=self.handle_days))
        ext = case.get("extension")
        if ext and ext["approved"] <= as_of:
            return self.move(original + timedelta(days=ext["days"]))
        return original


# ---------------------------------------------------------------- what is known at a date


def known(day: date | None, as_of: date) -> bool:
    return day is not None and day <= as_of


def accepted_by(case: dict[str, Any], as_of: date) -> bool:
    return known(case.get("accepted"), as_of)


def not_accepted_by(case: dict[str, Any], as_of: date) -> bool:
    na = case.get("not_accepted")
    return na is not None and known(na["date"], as_of)


def decision_date(case: dict[str, Any]) -> date | None:
    if case.get("accepted") is not None:
        return case["accepted"]
    if case.get("not_accepted") is not None:
        return case["not_accepted"]["date"]
    return None


def closed_by(case: dict[str, Any], as_of: date) -> bool:
    return known(case.get("closed"), as_of)


def closed_within(case: dict[str, Any], first: date, last: date) -> bool:
    closed = case.get("closed")
    return closed is not None and first <= closed <= last


def is_backlog(case: dict[str, Any], day: date) -> bool:
    """积案 on ``day``: accepted, still open, accepted more than 365 days before."""
    if not accepted_by(case, day) or closed_by(case, day):
        return False
    return (day - case["accepted"]).days > 365


def ratio(numerator: int, denominator: int) -> Fraction | None:
    if denominator == 0:
        return None
    return Fraction(numerator, denominator)


# ---------------------------------------------------------------- cohort figures


def handling_fractions(
    cases: list[dict[str, Any]], cal: Calendar, as_of: date
) -> dict[str, list[int]]:
    """[numerator, denominator] of the four leaderboard rates over ``cases``."""
    timely = timely_base = 0
    accepted = closed = 0
    on_time = on_time_base = 0
    closed_cases = []
    for case in cases:
        decided = decision_date(case)
        limit = cal.accept_limit(case)
        if known(decided, as_of):
            timely_base += 1
            if decided <= limit:  # type: ignore[operator]
                timely += 1
        elif limit < as_of:
            timely_base += 1
        if accepted_by(case, as_of):
            accepted += 1
            deadline = cal.deadline(case, as_of)
            if closed_by(case, as_of):
                closed += 1
                closed_cases.append(case)
                on_time_base += 1
                if case["closed"] <= deadline:
                    on_time += 1
            elif deadline < as_of:
                on_time_base += 1
    rated = [c for c in closed_cases if c.get("satisfaction", NOT_RATED) != NOT_RATED]
    satisfied = [c for c in rated if c["satisfaction"] in SATISFIED]
    return {
        "timely_acceptance": [timely, timely_base],
        "closure": [closed, accepted],
        "on_time_closure": [on_time, on_time_base],
        "satisfaction": [len(satisfied), len(rated)],
    }


def handling_rates(cases: list[dict[str, Any]], cal: Calendar, as_of: date) -> dict[str, Any]:
    """The four leaderboard rates over ``cases`` (a cohort or a unit's part of it)."""
    return {name: ratio(*pair) for name, pair in handling_fractions(cases, cal, as_of).items()}


def figures(
    tree: dict[str, Any], label: str, as_of: date, cal: Calendar | None = None
) -> dict[str, Any]:
    """``counts``, ``rates``, ``avg_handling_days``, ``by`` and ``by_closed`` of a period."""
    config = tree["config"]
    cal = cal or Calendar(config, tree["holidays"])
    first, last = parse_period(label)
    window_end = min(last, as_of)
    every = tree["cases"]
    cohort = [c for c in every if first <= c["received"] <= window_end]
    threshold = config.get("collective_threshold", 5)

    accepted = [c for c in cohort if accepted_by(c, as_of)]
    closed = [c for c in cohort if closed_by(c, as_of)]
    visits = [c for c in cohort if c["channel"] == VISIT]
    collective = [c for c in visits if c.get("people", 1) >= threshold]
    repeat = [c for c in cohort if c.get("repeat_of") is not None]
    first_time = [c for c in cohort if c.get("repeat_of") is None]
    first_time_accepted = [c for c in first_time if accepted_by(c, as_of)]
    first_time_closed = [c for c in first_time_accepted if closed_by(c, as_of)]

    def review_known(case: dict[str, Any], key: str, field: str) -> bool:
        block = case.get(key)
        return block is not None and known(block.get(field), as_of)

    def upheld(case: dict[str, Any], key: str) -> bool:
        return review_known(case, key, "decided") and case[key].get("result") == UPHELD

    overdue = [
        c
        for c in every
        if accepted_by(c, as_of) and not closed_by(c, as_of) and cal.deadline(c, as_of) < as_of
    ]
    backlog = [c for c in every if is_backlog(c, as_of)]
    day_before = first - DAY
    backlog_start = [c for c in every if is_backlog(c, day_before)]
    backlog_resolved = [c for c in backlog_start if closed_within(c, first, window_end)]

    leader_cases = [
        c
        for c in every
        if c.get("leader")
        and known(c.get("accepted"), window_end)
        and not (c.get("closed") is not None and c["closed"] < first)
    ]
    leader_closed = [c for c in leader_cases if closed_within(c, first, window_end)]

    supervised = [
        c
        for c in every
        if any(first <= entry["date"] <= window_end for entry in c.get("supervision") or [])
    ]
    supervised_closed = [c for c in supervised if closed_by(c, as_of)]

    # 包案按期办结: W = window_end; closed within the period up to W on or before the
    # deadline, over those closed so plus those open at W with a deadline before W.
    leader_due = []
    leader_on_time = []
    for c in leader_cases:
        deadline = cal.deadline(c, as_of)
        if closed_within(c, first, window_end):
            leader_due.append(c)
            if c["closed"] <= deadline:
                leader_on_time.append(c)
        elif not closed_by(c, window_end) and deadline < window_end:
            leader_due.append(c)

    skip_level_visits = [c for c in visits if c.get("skip_level", False)]
    repeat_visits = [c for c in visits if c.get("repeat_of") is not None]
    routed = [c for c in cohort if not_accepted_by(c, as_of) and c["not_accepted"].get("route")]
    methods = config.get("methods", DEFAULT_METHODS)

    def used_methods(case: dict[str, Any]) -> set[str]:
        return {
            step["action"]
            for step in case.get("progress") or []
            if step["date"] <= as_of and step["action"] in methods
        }

    counts = {
        "cases": len(cohort),
        "accepted": len(accepted),
        "not_accepted": sum(1 for c in cohort if not_accepted_by(c, as_of)),
        "undecided": sum(
            1 for c in cohort if not accepted_by(c, as_of) and not not_accepted_by(c, as_of)
        ),
        "closed": len(closed),
        "visit_batches": len(visits),
        "visit_people": sum(c.get("people", 1) for c in visits),
        "collective_batches": len(collective),
        "collective_people": sum(c.get("people", 1) for c in collective),
        "skip_level": sum(1 for c in cohort if c.get("skip_level", False)),
        "repeat": len(repeat),
        "overdue_open": len(overdue),
        "backlog": len(backlog),
        "backlog_resolved": len(backlog_resolved),
        "people": sum(c.get("people", 1) for c in cohort),
        "first_time": len(first_time),
        "backlog_start": len(backlog_start),
        "review_requested": sum(1 for c in cohort if review_known(c, "review", "requested")),
        "review_decided": sum(1 for c in cohort if review_known(c, "review", "decided")),
        "review_upheld": sum(1 for c in cohort if upheld(c, "review")),
        "recheck_requested": sum(1 for c in cohort if review_known(c, "recheck", "requested")),
        "recheck_decided": sum(1 for c in cohort if review_known(c, "recheck", "decided")),
        "recheck_upheld": sum(1 for c in cohort if upheld(c, "recheck")),
        "leader_cases": len(leader_cases),
        "leader_closed": len(leader_closed),
        "supervised": len(supervised),
        "supervised_closed": len(supervised_closed),
        "skip_level_visits": len(skip_level_visits),
        "skip_level_visit_people": sum(c.get("people", 1) for c in skip_level_visits),
        "repeat_visits": len(repeat_visits),
        "repeat_visit_people": sum(c.get("people", 1) for c in repeat_visits),
        "routed": len(routed),
        "leader_closed_on_time": len(leader_on_time),
        "handling_days_total": sum((c["closed"] - c["accepted"]).days for c in closed),
        "method_cases": sum(1 for c in cohort if used_methods(c)),
    }

    handling = handling_fractions(cohort, cal, as_of)
    rated = [c for c in closed if c.get("satisfaction", NOT_RATED) != NOT_RATED]
    reviewed = [c for c in closed if review_known(c, "review", "requested")]
    review_decided = [c for c in cohort if review_known(c, "review", "decided")]
    fractions = {
        "timely_acceptance": handling["timely_acceptance"],
        "closure": handling["closure"],
        "on_time_closure": handling["on_time_closure"],
        "rating_participation": [len(rated), len(closed)],
        "satisfaction": handling["satisfaction"],
        "repeat": [len(repeat), len(cohort)],
        "review": [len(reviewed), len(closed)],
        "review_upheld": [
            sum(1 for c in review_decided if c["review"].get("result") == UPHELD),
            len(review_decided),
        ],
        "backlog_resolution": [len(backlog_resolved), len(backlog_start)],
        "leader_closure": [len(leader_closed), len(leader_cases)],
        "supervised_closure": [len(supervised_closed), len(supervised)],
        "first_time_closure": [len(first_time_closed), len(first_time_accepted)],
        "leader_on_time_closure": [len(leader_on_time), len(leader_due)],
    }
    rates: dict[str, Fraction | None] = {name: ratio(*pair) for name, pair in fractions.items()}
    target = config.get("backlog_target")
    rates["backlog_schedule"] = (
        None
        if target is None
        else Fraction(str(target)) * ((window_end - first).days + 1) / ((last - first).days + 1)
    )

    avg = (
        Fraction(sum((c["closed"] - c["accepted"]).days for c in closed), len(closed))
        if closed
        else None
    )

    by: dict[str, dict[str, int]] = {}
    by_closed: dict[str, dict[str, int]] = {}
    for key in BY_KEYS:
        by[key] = tally(c.get(key) for c in cohort)
        by_closed[key] = tally(c.get(key) for c in closed)
    by["outcome"] = tally(c.get("outcome") for c in closed)
    months = months_up_to(first, last, as_of)
    by["month"] = {m: sum(1 for c in cohort if month_of(c["received"]) == m) for m in months}
    by["route"] = tally(c["not_accepted"]["route"] for c in routed)
    people_by_channel: dict[str, int] = {}
    for c in cohort:
        people_by_channel[c["channel"]] = people_by_channel.get(c["channel"], 0) + c.get(
            "people", 1
        )
    by_method = {m: sum(1 for c in cohort if m in used_methods(c)) for m in sorted(methods)}
    closings = [c for c in every if closed_within(c, first, window_end)]

    by_supervision_kind: dict[str, int] = {}
    for kind in config.get("supervision_kinds", ["督办", "挂牌督办"]):
        by_supervision_kind[kind] = sum(
            1
            for c in every
            if any(
                first <= e["date"] <= window_end and e["kind"] == kind
                for e in c.get("supervision") or []
            )
        )

    return {
        "counts": counts,
        "rates": rates,
        "fractions": fractions,
        "avg_handling_days": avg,
        "by": by,
        "by_people": {"channel": dict(sorted(people_by_channel.items()))},
        "by_closed": by_closed,
        "by_method": by_method,
        "by_backlog_start": {"source": tally(c["source"] for c in backlog_start)},
        "by_backlog_resolved": {"source": tally(c["source"] for c in backlog_resolved)},
        "by_closing_month": {
            m: sum(1 for c in closings if month_of(c["closed"]) == m) for m in months
        },
        "by_supervision_kind": dict(sorted(by_supervision_kind.items())),
    }


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def months_up_to(first: date, last: date, as_of: date) -> list[str]:
    """Every month of the period that has begun by ``as_of``, "2026-01" style."""
    found = []
    year, month = first.year, first.month
    while date(year, month, 1) <= min(last, as_of):
        found.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def tally(labels: Any) -> dict[str, int]:
    """Counts by label, labels with at least one case only, in code-point order."""
    counted: dict[str, int] = {}
    for label in labels:
        if label is not None:
            counted[label] = counted.get(label, 0) + 1
    return dict(sorted(counted.items()))


# ---------------------------------------------------------------- office work


def office_work(tree: dict[str, Any], label: str, as_of: date) -> dict[str, Any]:
    first, last = parse_period(label)
    window_end = min(last, as_of)
    chosen = [a for a in tree["activities"] if first <= a["date"] <= window_end]

    def totals(items: list[dict[str, Any]]) -> dict[str, int]:
        return {
            "events": len(items),
            "batches": sum(a["batches"] for a in items),
            "people": sum(a["people"] for a in items),
        }

    def grouped(key: str) -> dict[str, dict[str, int]]:
        labels = sorted({a[key] for a in chosen})
        return {x: totals([a for a in chosen if a[key] == x]) for x in labels}

    by_level_leader: dict[str, dict[str, dict[str, int]]] = {}
    for level in sorted({a["level"] for a in chosen}):
        mine = [a for a in chosen if a["level"] == level]
        by_level_leader[level] = {
            leader: totals([a for a in mine if a["leader"] == leader])
            for leader in sorted({a["leader"] for a in mine})
        }
    return {
        "total": totals(chosen),
        "by_kind": grouped("kind"),
        "by_level": grouped("level"),
        "by_leader": grouped("leader"),
        "by_level_leader": by_level_leader,
    }


# ---------------------------------------------------------------- units and leaderboard


def weights(config: dict[str, Any]) -> dict[str, Fraction]:
    """Each rate's weight, read as the decimal written; a rate left out weighs 0."""
    board = config.get("leaderboard") or {}
    written = board.get("weights")
    if written is None:
        written = DEFAULT_WEIGHTS
    return {name: Fraction(str(written.get(name, 0))) for name in UNIT_RATES}


def score(rates: dict[str, Fraction | None], w: dict[str, Fraction]) -> Fraction | None:
    """Σwᵢrᵢ ÷ Σwᵢ over the rates that are not null; null when nothing weighs."""
    present = [name for name in UNIT_RATES if rates[name] is not None]
    total_weight = sum((w[name] for name in present), Fraction(0))
    if not present or total_weight == 0:
        return None
    return sum((w[name] * rates[name] for name in present), Fraction(0)) / total_weight  # type: ignore[operator]


def units_and_board(tree: dict[str, Any], label: str, as_of: date) -> dict[str, Any]:
    config = tree["config"]
    cal = Calendar(config, tree["holidays"])
    first, last = parse_period(label)
    window_end = min(last, as_of)
    cohort = [c for c in tree["cases"] if first <= c["received"] <= window_end]
    w = weights(config)
    min_cases = (config.get("leaderboard") or {}).get("min_cases", 3)

    units: dict[str, Any] = {}
    for unit in sorted(config["units"]):
        mine = [c for c in cohort if c.get("unit") == unit]
        if not mine:
            continue
        rates = handling_rates(mine, cal, as_of)
        units[unit] = {"cases": len(mine), "rates": rates, "score": score(rates, w)}

    ranked = [u for u in units if units[u]["cases"] >= min_cases and units[u]["score"] is not None]
    unranked = [u for u in units if u not in ranked]
    ranked.sort(key=lambda u: -units[u]["score"])
    leaderboard: list[dict[str, Any]] = []
    i = 0
    while i < len(ranked):
        head = units[ranked[i]]["score"]
        group = [u for u in ranked[i:] if head - units[u]["score"] <= Fraction(1, 10**9)]
        # sorted by score, so the group is a prefix of what is left
        for unit in sorted(group):
            row = units[unit]
            leaderboard.append(
                {"rank": i + 1, "unit": unit, "score": row["score"], "cases": row["cases"]}
            )
        i += len(group)
    return {"units": units, "leaderboard": leaderboard, "unranked": sorted(unranked)}


# ---------------------------------------------------------------- the whole JSON


def stats(tree: dict[str, Any], label: str, as_of: date) -> dict[str, Any]:
    """The object ``xfgen stats --period label --as-of as_of --json`` should print."""
    first, last = parse_period(label)
    main = figures(tree, label, as_of)
    result: dict[str, Any] = {
        "period": label,
        "start": first.isoformat(),
        "end": last.isoformat(),
        "as_of": as_of.isoformat(),
        **main,
        "office_work": office_work(tree, label, as_of),
        **units_and_board(tree, label, as_of),
    }
    before = same_period_last_year(label)
    result["previous_year"] = previous_block(tree, before, one_year_earlier(as_of))
    prev = previous_period(label)
    prev_last = parse_period(prev)[1]
    result["previous_period"] = {
        "period": prev,
        "as_of": prev_last.isoformat(),
        **previous_block(tree, prev, prev_last),
    }
    return result


def previous_block(tree: dict[str, Any], label: str, as_of: date) -> dict[str, Any]:
    """What ``previous_year`` and ``previous_period`` hold, at their own as-of date."""
    first, last = parse_period(label)
    found = figures(tree, label, as_of)
    work = office_work(tree, label, as_of)
    return {
        "counts": found["counts"],
        "rates": found["rates"],
        "avg_handling_days": found["avg_handling_days"],
        "by": found["by"],
        "by_people": found["by_people"],
        "fractions": found["fractions"],
        "office_work": {key: work[key] for key in ("total", "by_kind", "by_level")},
        "has_records": any(c["received"] <= as_of for c in tree["cases"])
        or any(first <= a["date"] <= last for a in tree["activities"]),
    }


# ---------------------------------------------------------------- shown values (rounding)


def half_up_tenths(value: Fraction) -> Fraction:
    """``value`` rounded half up (away from zero) to one decimal place."""
    magnitude = abs(value) * 10
    rounded = Fraction(int(magnitude + Fraction(1, 2)), 10)
    return rounded if value >= 0 else -rounded


def tenths(value: Fraction) -> str:
    """A value that is already a whole number of tenths, written with one decimal."""
    whole, rest = divmod(abs(value) * 10, 10)
    assert rest.denominator == 1
    return f"{'-' if value < 0 else ''}{int(whole)}.{int(rest)}"


def shown_rate(rate: Fraction | None) -> str:
    """A rate as printed: ×100, one decimal, half up; "—" without data."""
    return "—" if rate is None else tenths(half_up_tenths(rate * 100)) + "%"


def shown_days(days: Fraction | None) -> str:
    return "—" if days is None else tenths(half_up_tenths(days))


def rate_change(now: Fraction | None, before: Fraction | None, earlier: str) -> str | None:
    """The change of a rate: the difference of the two shown values, in points.

    ``earlier`` is "上年同期" or "上期". None where DOMAIN.md does not say (no current value).
    """
    if before is None:
        return f"{earlier}无数据"
    if now is None:
        return None
    diff = half_up_tenths(now * 100) - half_up_tenths(before * 100)
    if diff == 0:
        return "持平"
    return f"{'提高' if diff > 0 else '降低'}{tenths(abs(diff))}个百分点"


def days_change(now: Fraction | None, before: Fraction | None, earlier: str) -> str | None:
    if before is None:
        return f"{earlier}无数据"
    if now is None:
        return None
    diff = half_up_tenths(now) - half_up_tenths(before)
    if diff == 0:
        return "持平"
    return f"{'增加' if diff > 0 else '减少'}{tenths(abs(diff))}天"


def count_change(now: int, before: int, earlier: str, unit: str = "件") -> str:
    """(now − before) ÷ before, shown half up, when before is 10 or more (16 → 15 is
    下降6.3%); below 10 the difference in ``unit`` (1 → 2 is 增加1件)."""
    if now == before:
        return "持平"
    if before < 10:
        return f"{'增加' if now > before else '减少'}{abs(now - before)}{unit}"
    change = half_up_tenths(Fraction(now - before, before) * 100)
    return f"{'上升' if change > 0 else '下降'}{tenths(abs(change))}%"

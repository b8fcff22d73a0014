"""``xfgen check`` and ``xfgen stats`` in a roll-up: read each office, compute its own
figures with the figures module, and pool them (DOMAIN.md "Roll-up").

Offices are read one at a time (in two processes when there are many), so memory
holds one office's cases per process; only each office's figures object is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from xfgen.errors import Problem
from xfgen.figures.compute import compute_figures, figures_to_json
from xfgen.figures.periods import check_as_of, default_as_of, parse_period, refuse_future
from xfgen.figures.pooling import PoolSettings, backlog_schedules, pool
from xfgen.records.rollup import (
    Member,
    each_office,
    load_rollup_config,
    read_office,
    refuse_as_of_after_exports,
    same_name,
    survey,
)


@dataclass(frozen=True)
class RollupCheck:
    """What ``xfgen check`` reports for a roll-up."""

    offices: int
    files: int
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class RollupStats:
    """The roll-up's figures (``stats --json``'s object), or the problems that stopped it."""

    figures: dict[str, Any] | None
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]  # what the roll-up decided for the user (a default as-of date)


def check_rollup(root: Path, today: date) -> RollupCheck:
    """Every office checked with its own configuration and calendar; nothing computed."""
    config = load_rollup_config(root)
    problems: list[Problem] = []
    warnings: list[str] = []
    files = 0
    names: dict[str, Member] = {}
    for member in config.members:
        office = read_office(root, member, today, cases=False)
        problems.extend(office.problems)
        warnings.extend(office.warnings)
        files += office.files
        if office.config is not None:
            problems.extend(same_name(names, office.name, member))
    return RollupCheck(len(config.members), files, tuple(problems), tuple(warnings))


def rollup_stats(root: Path, today: date, period_label: str, as_of: date | None) -> RollupStats:
    """The combined figures of ``period_label``, each office's own and the office ranking."""
    period = parse_period(period_label)
    config = load_rollup_config(root)
    exports, problems = survey(root, config)
    if problems:
        return RollupStats(None, tuple(problems), (), ())
    notes: list[str] = []
    if as_of is not None:
        refuse_future(as_of, today)
        refuse_as_of_after_exports(as_of, exports)
    else:
        as_of = default_as_of(period, today)
        if exports:
            office, oldest = min(exports.items(), key=lambda item: (item[1], item[0]))
            if oldest < as_of:
                as_of = oldest
            notes.append(
                f"未指定截至日期：取 {as_of.isoformat()}（各单位导出日期中最早的是 {office}的 "
                f"{oldest.isoformat()}；截至日期不晚于它，也不晚于期间最后一天）。"
            )
    check_as_of(period, as_of)
    offices: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    jobs = [(root, member, today, period.label, as_of) for member in config.members]
    for name, figures, office_problems, office_warnings in each_office(office_figures, jobs):
        problems.extend(office_problems)
        warnings.extend(office_warnings)
        if figures is not None:
            offices[name] = figures
    if problems:
        return RollupStats(None, tuple(problems), tuple(warnings), tuple(notes))
    settings = PoolSettings(relabel=config.label, leaderboard=config.leaderboard)
    schedules = backlog_schedules(config.backlog_target, period, as_of)
    combined = pool(offices, settings, schedules)
    return RollupStats(combined, (), tuple(warnings), tuple(notes))


_Job = tuple[Path, Member, date, str, date]
_Result = tuple[str, dict[str, Any] | None, tuple[Problem, ...], tuple[str, ...]]


def office_figures(job: _Job) -> _Result:
    """One office read and checked, and its own figures object (``stats --json``'s)."""
    root, member, today, period_label, as_of = job
    office = read_office(root, member, today)
    if office.problems or office.config is None or office.rules is None:
        return office.name, None, office.problems, office.warnings
    period = parse_period(period_label)
    figures = compute_figures(
        office.cases, office.config, office.rules, period, as_of, office.activities, series=False
    )
    return office.name, figures_to_json(figures), (), office.warnings

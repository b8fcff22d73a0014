"""A generated province for the roll-up benchmark: many offices' exports, one roll-up.

Each office's ``xfgen export --format parquet`` folder is written with the exchange
writer itself (:func:`xfgen.records.exchange.write_exchange`, the one ``xfgen
export`` uses), from cases made like :mod:`benchmarks.data`'s, so that 2,000,000
cases need not first be written as YAML files and checked.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from benchmarks.data import CATEGORIES, CHANNELS, KINDS, OUTCOMES, SATISFACTION, SOURCES, TODAY
from benchmarks.data import UNITS as UNIT_LABELS
from xfgen.figures.deadlines import DeadlineRules
from xfgen.records.exchange import Meta, write_exchange
from xfgen.records.models import Activity, Case, Config, Deadlines, Extension

LEVELS = ("县级领导", "乡镇领导", "部门领导")


def office_config(number: int) -> Config:
    return Config(
        office=f"基准{number:03d}县信访局",
        channels=tuple(CHANNELS),
        sources=tuple(SOURCES),
        categories=tuple(c for c, _ in CATEGORIES),
        units=tuple(UNIT_LABELS),
        outcomes=tuple(dict.fromkeys(OUTCOMES)),
    )


def write_province(
    root: Path, offices: int, per_year: int, years: tuple[int, ...] = (2025, 2026)
) -> int:
    """A roll-up repository under ``root`` with ``offices`` exports of ``per_year`` cases in
    each of ``years`` (up to TODAY); returns the number of cases written."""
    lines = ["office: 基准省信访局", "rollup:", "  offices:"]
    written = 0
    for number in range(1, offices + 1):
        folder = root / "exports" / f"office-{number:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        written += write_office_export(folder, number, per_year, years)
        lines.append(f"    - export: exports/office-{number:03d}")
    (root / "xfgen.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def write_office_export(folder: Path, number: int, per_year: int, years: tuple[int, ...]) -> int:
    rng = random.Random(number)
    config = office_config(number)
    cases: list[Case] = []
    for year in years:
        first = date(year, 1, 1)
        days = (min(date(year, 12, 31), TODAY) - first).days + 1
        received = sorted(first + timedelta(days=rng.randrange(days)) for _ in range(per_year))
        cases += [_case(rng, f"BM{year}-{n:06d}", day) for n, day in enumerate(received, 1)]
    activities = [
        Activity(
            id=f"HD{n:05d}",
            path="",
            date=TODAY - timedelta(days=rng.randrange(700)),
            kind=rng.choice(("接访", "下访", "约访")),
            leader=f"领导{rng.randrange(8)}",
            level=rng.choice(LEVELS),
            batches=(b := rng.randrange(1, 5)),
            people=b + rng.randrange(0, 6),
        )
        for n in range(per_year // 50)
    ]
    meta = Meta(
        office=config.office,
        made=TODAY,
        config=config,
        holidays_release="bench",
        provisional_years=(),
    )
    write_exchange(folder, meta, cases, DeadlineRules(Deadlines()), activities)
    return len(cases)


def _case(rng: random.Random, case_id: str, received: date) -> Case:
    category, _ = rng.choice(CATEGORIES)
    accepted = min(received + timedelta(days=rng.randrange(0, 18)), TODAY)
    closed: date | None = accepted + timedelta(days=rng.randrange(7, 80))
    extension = None
    if rng.random() < 0.05:
        extension = Extension(days=30, approved=accepted + timedelta(days=30))
        if extension.approved > TODAY:
            extension = None
    if closed is not None and (closed > TODAY or rng.random() < 0.02):
        closed = None
    return Case(
        id=case_id,
        path="",
        received=received,
        channel=rng.choice(CHANNELS),
        source=rng.choice(SOURCES),
        kind=rng.choice(KINDS),
        category=category,
        summary="",
        people=rng.choice((1, 1, 1, 2, 6)),
        skip_level=rng.random() < 0.05,
        unit=rng.choice(UNIT_LABELS),
        leader="包案领导" if rng.random() < 0.1 else None,
        accepted=accepted,
        extension=extension,
        closed=closed,
        outcome=rng.choice(OUTCOMES) if closed else None,
        satisfaction=rng.choice(SATISFACTION) if closed else "未评价",
    )

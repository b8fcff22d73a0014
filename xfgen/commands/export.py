"""xfgen export: the case table, the activities and the figures, for other tools.

Three tables, in CSV, one Excel workbook or one JSON file: ``cases`` (one row a
case, petitioner data masked unless ``--internal``, the reporter of a 检举控告类
matter never shown, ``notes`` never), ``activities`` (the office's own work, no
notes) and ``figures`` (every figure of ``xfgen stats --json`` for each period,
one row a figure). Every row carries the office's name.

Parquet is the exchange format a city's roll-up reads (:mod:`xfgen.records.exchange`):
its ``cases`` and ``activities`` hold what the figures use and no petitioner
field at all, with ``--internal`` too; ``figures`` is the same table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from xfgen import folders
from xfgen.errors import XfgenError
from xfgen.figures.compute import PeriodFigures, compute_figures, figures_to_json
from xfgen.figures.periods import (
    Period,
    check_as_of,
    default_as_of,
    parse_period,
    refuse_future,
)
from xfgen.records.exchange import Meta, write_exchange
from xfgen.records.models import Activity, Case
from xfgen.records.validation import Project, load_project
from xfgen.reports.privacy import HIDDEN, Privacy
from xfgen.reports.spreadsheets import csv_text, no_recalculation, text_cell
from xfgen.site.build import DATA_PATHS, InvalidData, default_periods

FORMATS = ("csv", "xlsx", "json", "parquet")
EXPORT = folders.EXPORT
INTERNAL_EXPORT = folders.INTERNAL_EXPORT
INTERNAL_MARK = "内部资料 注意保密"
MARK_FILE = "内部资料-注意保密.txt"


class ExportError(XfgenError):
    """The export cannot be written where it was asked to go."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "str", "int", "float", "bool", "date"
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip((c.name for c in self.columns), row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class ExportResult:
    out: Path
    files: tuple[str, ...]
    cases: int
    activities: int
    periods: tuple[str, ...]


def export(
    root: Path,
    out: Path | None,
    today: date,
    fmt: str,
    internal: bool = False,
    periods: Sequence[str] = (),
    as_of: date | None = None,
) -> ExportResult:
    """Write the three tables in ``fmt`` into ``out`` (export/ or export-internal/)."""
    chosen = [parse_period(p) for p in periods]
    project = load_project(root, today)
    if project.problems:
        raise InvalidData(project.problems)
    target = out or root / (INTERNAL_EXPORT if internal else EXPORT)
    _check_target(root, target)
    if as_of is not None:
        refuse_future(as_of, today)
    known = [c for c in project.cases if as_of is None or c.received <= as_of]
    chosen = chosen or default_periods(known, as_of or today)
    office = project.config.office
    selected = [
        c for c in project.cases if not periods or any(p.contains(c.received) for p in chosen)
    ]
    activities = [
        a for a in project.activities if not periods or any(p.contains(a.date) for p in chosen)
    ]
    target.mkdir(parents=True, exist_ok=True)
    if internal:  # personal data: never one `git add -A` away, wherever it is written
        folders.keep_out_of_git(target)
    if fmt == "parquet":
        # The exchange format a roll-up reads: no petitioner field at all, even internal.
        meta = Meta(
            office=office,
            made=today,
            config=project.config,
            holidays_release=holidays_release(),
            provisional_years=project.rules.provisional_years(project.cases),
            periods=tuple(p.label for p in chosen) if periods else (),
        )
        extra = {b"classification": INTERNAL_MARK.encode()} if internal else {}
        privacy = Privacy.of(project.cases, internal=False)
        shared = [shareable(c, privacy, project.config.methods) for c in selected]
        officials = [replace(a, leader=privacy.official(a.leader)) for a in activities]
        files = write_exchange(target, meta, shared, project.rules, officials, extra)
        figures = figures_table(project, chosen, as_of, today, privacy)
        files = (*files, *_write_parquet(target, (figures,), internal))
    else:
        tables = (
            case_table(selected, office, project, internal),
            activity_table(activities, office, Privacy.of(project.cases, internal)),
            figures_table(project, chosen, as_of, today, Privacy.of(project.cases, internal)),
        )
        files = WRITERS[fmt](target, tables, internal)
    mark = target / MARK_FILE
    if internal:
        mark.write_text(f"{INTERNAL_MARK}：本目录中的信访人信息未脱敏。\n", encoding="utf-8")
        files = (*files, MARK_FILE)
    return ExportResult(
        target, files, len(selected), len(activities), tuple(p.label for p in chosen)
    )


def shareable(case: Case, privacy: Privacy, methods: Sequence[str]) -> Case:
    """A case as it may leave the office for a roll-up: only the progress steps the figures
    count (those whose action is a configured method, without notes), and the officials'
    text screened as public outputs screen officials' names (the reporter never shown)."""
    return replace(
        case,
        leader=privacy.official(case.leader, case) if case.leader else None,
        progress=tuple(
            replace(step, note=None) for step in case.progress if step.action in methods
        ),
        supervision=tuple(
            replace(entry, by=privacy.official(entry.by, case)) for entry in case.supervision
        ),
    )


def holidays_release() -> str:
    """The installed ``holidays`` package's version: the calendar the deadlines came from."""
    from importlib.metadata import version

    return version("holidays")


def _check_target(root: Path, target: Path) -> None:
    resolved = target.resolve()
    guarded = [root.resolve() / name for name in DATA_PATHS]
    if resolved == root.resolve() or any(
        resolved == g or g in resolved.parents or resolved in g.parents for g in guarded
    ):
        raise ExportError(
            f"不能导出到 {target}：这会与事项文件、配置或仓库本身混在一起，请换一个目录。"
        )


# ---------------------------------------------------------------- the tables


def case_table(cases: Iterable[Case], office: str, project: Project, internal: bool) -> Table:
    """One row a case; the petitioner as every output shows it; never notes."""
    rules = project.rules
    privacy = Privacy.of(project.cases, internal)  # free text screened as on the site

    def person(field: str) -> Callable[[Case], Any]:
        def value(case: Case) -> Any:
            shown = getattr(privacy.petitioner(case), field)
            return None if shown == HIDDEN else shown

        return value

    def deadline(case: Case) -> date | None:
        return rules.handling_deadline(case)

    columns = (
        Column("office", "str", lambda c: office),
        Column("id", "str", lambda c: c.id),
        Column("received", "date", lambda c: c.received),
        Column("channel", "str", lambda c: c.channel),
        Column("source", "str", lambda c: c.source),
        Column("people", "int", lambda c: c.people),
        Column("skip_level", "bool", lambda c: c.skip_level),
        Column("repeat_of", "str", lambda c: c.repeat_of),
        Column("kind", "str", lambda c: c.kind),
        Column("category", "str", lambda c: c.category),
        Column("summary", "str", lambda c: privacy.case_text(c.summary, c)),
        Column("petitioner_name", "str", person("name")),
        Column("petitioner_phone", "str", person("phone")),
        Column("petitioner_id_number", "str", person("id_number")),
        Column("petitioner_address", "str", person("address")),
        Column("unit", "str", lambda c: c.unit),
        Column("leader", "str", lambda c: privacy.official(c.leader, c) if c.leader else None),
        Column("accepted", "date", lambda c: c.accepted),
        Column("not_accepted", "date", lambda c: c.not_accepted.date if c.not_accepted else None),
        Column(
            "not_accepted_reason",
            "str",
            lambda c: privacy.case_text(c.not_accepted.reason, c) if c.not_accepted else None,
        ),
        Column("extension_days", "int", lambda c: c.extension.days if c.extension else None),
        Column("deadline", "date", deadline),
        Column("closed", "date", lambda c: c.closed),
        Column("outcome", "str", lambda c: c.outcome),
        Column("satisfaction", "str", lambda c: c.satisfaction if c.closed else None),
        Column("review_requested", "date", lambda c: c.review.requested if c.review else None),
        Column("review_decided", "date", lambda c: c.review.decided if c.review else None),
        Column("review_result", "str", lambda c: c.review.result if c.review else None),
        Column("recheck_requested", "date", lambda c: c.recheck.requested if c.recheck else None),
        Column("recheck_decided", "date", lambda c: c.recheck.decided if c.recheck else None),
        Column("recheck_result", "str", lambda c: c.recheck.result if c.recheck else None),
        Column("supervision_entries", "int", lambda c: len(c.supervision)),
        Column(
            "latest_supervision_kind",
            "str",
            lambda c: c.supervision[-1].kind if c.supervision else None,
        ),
    )
    return _table("cases", columns, cases)


def activity_table(activities: Iterable[Activity], office: str, privacy: Privacy) -> Table:
    """The office's own work; never notes."""
    columns = (
        Column("office", "str", lambda a: office),
        Column("id", "str", lambda a: a.id),
        Column("date", "date", lambda a: a.date),
        Column("kind", "str", lambda a: a.kind),
        Column("leader", "str", lambda a: privacy.official(a.leader)),
        Column("level", "str", lambda a: a.level),
        Column("batches", "int", lambda a: a.batches),
        Column("people", "int", lambda a: a.people),
        Column("cases", "str", lambda a: " ".join(a.cases) or None),
        Column("place", "str", lambda a: privacy.text(a.place) if a.place else None),
        Column("summary", "str", lambda a: privacy.text(a.summary) if a.summary else None),
    )
    return _table("activities", columns, activities)


def figures_table(
    project: Project, periods: Sequence[Period], as_of: date | None, today: date, privacy: Privacy
) -> Table:
    """Every figure of ``xfgen stats --json``, one row each: (period, as_of, group, label,
    value, numerator, denominator).

    ``group`` is the JSON path without the last key (``counts``, ``rates``,
    ``by.channel``, ``units.城关镇.rates``); rates are unrounded fractions,
    null where the denominator is 0, exactly as in the JSON. A rate's row also
    carries its numerator and denominator (the JSON's ``fractions``, and a
    unit's own), so that offices can be pooled exactly; other rows leave them
    empty, and ``fractions`` has no rows of its own.
    """
    rows: list[tuple[Any, ...]] = []
    office = project.config.office
    for period in periods:
        period_as_of = min(as_of, period.end) if as_of else default_as_of(period, today)
        check_as_of(period, period_as_of)
        f = compute_figures(
            project.cases, project.config, project.rules, period, period_as_of, project.activities
        )
        data = figures_to_json(privacy.figures(f))  # leader labels screened
        parts = _rate_parts(data, f)
        for group, label, value in _flatten(_without_fractions(data), ""):
            if group in ("", "previous_period") and label in ("period", "start", "end", "as_of"):
                continue
            numerator, denominator = parts.get((group, label), (None, None))
            rows.append(
                (office, data["period"], period_as_of, group, label, value, numerator, denominator)
            )
    columns = (
        Column("office", "str", lambda r: r[0]),
        Column("period", "str", lambda r: r[1]),
        Column("as_of", "date", lambda r: r[2]),
        Column("group", "str", lambda r: r[3]),
        Column("label", "str", lambda r: r[4]),
        Column("value", "float", lambda r: r[5]),
        Column("numerator", "int", lambda r: r[6]),
        Column("denominator", "int", lambda r: r[7]),
    )
    return Table("figures", columns, tuple(rows))


def _rate_parts(data: dict[str, Any], f: PeriodFigures) -> dict[tuple[str, str], tuple[int, int]]:
    """(group, label) of each rate row → its (numerator, denominator)."""
    parts: dict[tuple[str, str], tuple[int, int]] = {}
    for prefix in ("", "previous_year.", "previous_period."):
        block = data[prefix.rstrip(".")] if prefix else data
        for name, (numerator, denominator) in block["fractions"].items():
            parts[(f"{prefix}rates", name)] = (numerator, denominator)
    for label, unit in f.units.items():
        for name, fraction in unit.fractions.items():
            parts[(f"units.{label}.rates", name)] = fraction
    return parts


def _without_fractions(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_fractions(v) for k, v in value.items() if k != "fractions"}
    return value


def _flatten(value: Any, path: str) -> Iterable[tuple[str, str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list):
                yield from _flatten(item, f"{path}.{key}" if path else key)
            else:
                yield path, key, _figure(item)
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            if isinstance(item, dict):
                label = str(item.get("unit", index))
                for key, sub in item.items():
                    if key != "unit":
                        yield f"{path}.{label}", key, _figure(sub)
            else:  # unranked: a list of unit labels
                yield path, str(item), None


def _figure(value: Any) -> float | None:
    if value is None or isinstance(value, str):
        return None
    return float(value)


def _table(name: str, columns: tuple[Column, ...], items: Iterable[Any]) -> Table:
    return Table(name, columns, tuple(tuple(c.value(item) for c in columns) for item in items))


# ---------------------------------------------------------------- the formats


def _write_csv(target: Path, tables: Sequence[Table], internal: bool) -> tuple[str, ...]:
    names = []
    for table in tables:
        name = f"{table.name}.csv"
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow([c.name for c in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(v) for v in row])
        # With a BOM, so that Excel opens the Chinese text as UTF-8.
        (target / name).write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
        names.append(name)
    return tuple(names)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return csv_text(value)  # never a formula when Excel or WPS opens the file
    return value


def _write_json(target: Path, tables: Sequence[Table], internal: bool) -> tuple[str, ...]:
    document: dict[str, Any] = {}
    if internal:
        document["classification"] = INTERNAL_MARK
    for table in tables:
        document[table.name] = [
            {k: v.isoformat() if isinstance(v, date) else v for k, v in record.items()}
            for record in table.records()
        ]
    (target / "export.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return ("export.json",)


def _write_xlsx(target: Path, tables: Sequence[Table], internal: bool) -> tuple[str, ...]:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in tables:
        sheet = book.create_sheet(table.name)
        sheet.append([c.name for c in table.columns])
        for row in table.rows:
            sheet.append([text_cell(sheet, value) for value in row])  # text never a formula
        for index, column in enumerate(table.columns, start=1):
            if column.kind == "date":
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
        if table.rows:
            sheet.auto_filter.ref = sheet.dimensions
    if internal:
        book.properties.keywords = INTERNAL_MARK
        book.properties.title = INTERNAL_MARK
    no_recalculation(book)
    book.save(target / "export.xlsx")
    return ("export.xlsx",)


def _write_parquet(target: Path, tables: Sequence[Table], internal: bool) -> tuple[str, ...]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
    }
    names = []
    for table in tables:
        schema = pa.schema([(c.name, types[c.kind]) for c in table.columns])
        if internal:
            schema = schema.with_metadata({"classification": INTERNAL_MARK})
        columns = list(zip(*table.rows, strict=True)) if table.rows else [()] * len(table.columns)
        data = pa.Table.from_arrays(
            [
                pa.array(list(values), type=field.type)
                for values, field in zip(columns, schema, strict=True)
            ],
            schema=schema,
        )
        name = f"{table.name}.parquet"
        pq.write_table(data, target / name)
        names.append(name)
    return tuple(names)


WRITERS: dict[str, Callable[[Path, Sequence[Table], bool], tuple[str, ...]]] = {
    "csv": _write_csv,
    "json": _write_json,
    "xlsx": _write_xlsx,
    "parquet": _write_parquet,
}

"""The exchange format: what one office's ``xfgen export --format parquet`` hands a roll-up.

Declared once, with a version, and shared by the writer (``xfgen export``) and
the reader (a roll-up, :mod:`xfgen.records.rollup`). Per case it carries
everything the figures use and nothing else: dates, labels, ``people``,
``skip_level``, ``repeat_of``, review and recheck, leader, unit, supervision,
the progress steps (date and action) and the route, with the acceptance limit,
the moved 60-day deadline and the extended deadline as the office's own
calendar gave them; the writer keeps only the progress steps whose action is a
configured method (all the figures count) and screens the officials' text. There
is **no petitioner field at all**, masked or not, and
no ``notes``, ``summary`` or reason: pooled over many offices even masked
fragments would let one person be followed across counties. Activities come
without notes, places or summaries. The office's configuration, the day the
export was made, the ``holidays`` release and the provisional years it used
travel in the metadata of ``cases.parquet``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from xfgen.errors import XfgenError
from xfgen.figures.deadlines import DeadlineRules, StoredDeadlines
from xfgen.records.models import (
    Activity,
    Case,
    Config,
    Deadlines,
    Extension,
    LeaderboardSettings,
    NotAccepted,
    ProgressStep,
    Review,
    Supervision,
)

FORMAT = "xfgen-exchange"
VERSION = 1  # raise it with any change a reader of an older version would misread
CASES_FILE = "cases.parquet"
ACTIVITIES_FILE = "activities.parquet"
OFFICE_COLUMN = "office"  # first column of both tables: the office's name (not read back)
META_KEY = b"xfgen"  # the metadata entry of cases.parquet that holds the Meta below


class ExchangeError(XfgenError):
    """An export a roll-up cannot read: which file, and why (in Chinese)."""

    def __init__(self, file: str, message: str):
        self.file = file
        self.message = message
        super().__init__(f"{file}：{message}")


@dataclass(frozen=True)
class Column:
    """One column: its name, its type (``str``, ``int``, ``bool``, ``date``,
    ``steps``, ``supervision``) and how the writer takes it from a record."""

    name: str
    kind: str
    value: Callable[[Any], Any]


def _review(attr: str, part: str) -> Callable[[Any], Any]:
    def value(row: Any) -> Any:
        review = getattr(row.case, attr)
        return getattr(review, part) if review is not None else None

    return value


def _route(row: Any) -> Any:
    return row.case.not_accepted.route if row.case.not_accepted else None


@dataclass(frozen=True)
class CaseRow:
    """A case and its deadlines as the office's calendar gives them (what the writer reads)."""

    case: Case
    acceptance_limit: date
    deadline: date | None  # move(accepted + 60)
    extended_deadline: date | None  # move(move(accepted + 60) + extension.days)


CASE_COLUMNS: tuple[Column, ...] = (
    Column("id", "str", lambda r: r.case.id),
    Column("received", "date", lambda r: r.case.received),
    Column("channel", "str", lambda r: r.case.channel),
    Column("source", "str", lambda r: r.case.source),
    Column("people", "int", lambda r: r.case.people),
    Column("skip_level", "bool", lambda r: r.case.skip_level),
    Column("repeat_of", "str", lambda r: r.case.repeat_of),
    Column("kind", "str", lambda r: r.case.kind),
    Column("category", "str", lambda r: r.case.category),
    Column("unit", "str", lambda r: r.case.unit),
    Column("leader", "str", lambda r: r.case.leader),
    Column("accepted", "date", lambda r: r.case.accepted),
    Column(
        "not_accepted", "date", lambda r: r.case.not_accepted.date if r.case.not_accepted else None
    ),
    Column("route", "str", _route),
    Column("extension_days", "int", lambda r: r.case.extension.days if r.case.extension else None),
    Column(
        "extension_approved",
        "date",
        lambda r: r.case.extension.approved if r.case.extension else None,
    ),
    Column("closed", "date", lambda r: r.case.closed),
    Column("outcome", "str", lambda r: r.case.outcome),
    Column("satisfaction", "str", lambda r: r.case.satisfaction),
    Column("review_requested", "date", _review("review", "requested")),
    Column("review_decided", "date", _review("review", "decided")),
    Column("review_result", "str", _review("review", "result")),
    Column("recheck_requested", "date", _review("recheck", "requested")),
    Column("recheck_decided", "date", _review("recheck", "decided")),
    Column("recheck_result", "str", _review("recheck", "result")),
    Column(
        "supervision",
        "supervision",
        lambda r: [{"date": s.date, "by": s.by, "kind": s.kind} for s in r.case.supervision],
    ),
    Column(
        "progress",
        "steps",
        lambda r: [{"date": s.date, "action": s.action} for s in r.case.progress],
    ),
    Column("acceptance_limit", "date", lambda r: r.acceptance_limit),
    Column("deadline", "date", lambda r: r.deadline),
    Column("extended_deadline", "date", lambda r: r.extended_deadline),
)

ACTIVITY_COLUMNS: tuple[Column, ...] = (
    Column("id", "str", lambda a: a.id),
    Column("date", "date", lambda a: a.date),
    Column("kind", "str", lambda a: a.kind),
    Column("leader", "str", lambda a: a.leader),
    Column("level", "str", lambda a: a.level),
    Column("batches", "int", lambda a: a.batches),
    Column("people", "int", lambda a: a.people),
)


@dataclass(frozen=True)
class Meta:
    """What an export says about itself (``cases.parquet``'s metadata, as JSON)."""

    office: str
    made: date  # the day the export was made: its records are complete up to it
    config: Config
    holidays_release: str  # the ``holidays`` package that counted the deadlines
    provisional_years: tuple[int, ...]  # years of its deadlines counted on a 推算 calendar
    periods: tuple[str, ...] = ()  # --period: only some cases; a roll-up refuses it
    version: int = VERSION


@dataclass(frozen=True)
class ExportedOffice:
    """One office as read back from its export: ready for the figures module."""

    meta: Meta
    rules: StoredDeadlines
    cases: tuple[Case, ...]
    activities: tuple[Activity, ...]


# ---------------------------------------------------------------- writing


def case_rows(cases: Iterable[Case], rules: DeadlineRules) -> Iterable[CaseRow]:
    """Each case with its deadlines, counted with the office's own calendar."""
    for case in cases:
        original = rules.original_deadline(case)
        extended = (
            rules.extended_deadline(case, original)
            if original is not None and case.extension is not None
            else None
        )
        yield CaseRow(case, rules.acceptance_deadline(case), original, extended)


def write_exchange(
    target: Path,
    meta: Meta,
    cases: Iterable[Case],
    rules: DeadlineRules,
    activities: Iterable[Activity],
    extra: Mapping[bytes, bytes] | None = None,
) -> tuple[str, ...]:
    """Write ``cases.parquet`` (with ``meta``) and ``activities.parquet`` into ``target``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    metadata = {
        META_KEY: json.dumps(_meta_json(meta), ensure_ascii=False).encode(),
        **(extra or {}),
    }
    tables = (
        (CASES_FILE, CASE_COLUMNS, case_rows(cases, rules), metadata),
        (ACTIVITIES_FILE, ACTIVITY_COLUMNS, activities, dict(extra or {})),
    )
    for name, columns, items, table_metadata in tables:
        table = _arrow_table(columns, items, table_metadata)
        # The office's name on every row, so that many offices' files can be queried together.
        table = table.add_column(0, OFFICE_COLUMN, pa.array([meta.office] * table.num_rows))
        pq.write_table(table, target / name)
    return (CASES_FILE, ACTIVITIES_FILE)


def _arrow_types() -> dict[str, Any]:
    import pyarrow as pa

    return {
        "str": pa.string(),
        "int": pa.int64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "steps": pa.list_(pa.struct([("date", pa.date32()), ("action", pa.string())])),
        "supervision": pa.list_(
            pa.struct([("date", pa.date32()), ("by", pa.string()), ("kind", pa.string())])
        ),
    }


def _arrow_table(
    columns: Sequence[Column], items: Iterable[Any], metadata: Mapping[bytes, bytes]
) -> Any:
    import pyarrow as pa

    types = _arrow_types()
    values: list[list[Any]] = [[] for _ in columns]
    for item in items:
        for column, cells in zip(columns, values, strict=True):
            cells.append(column.value(item))
    schema = pa.schema([(c.name, types[c.kind]) for c in columns], metadata=dict(metadata))
    return pa.Table.from_arrays(
        [pa.array(cells, type=f.type) for cells, f in zip(values, schema, strict=True)],
        schema=schema,
    )


def _meta_json(meta: Meta) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": meta.version,
        "office": meta.office,
        "made": meta.made.isoformat(),
        "periods": list(meta.periods),
        "holidays_release": meta.holidays_release,
        "provisional_years": list(meta.provisional_years),
        "config": asdict(meta.config),
    }


# ---------------------------------------------------------------- reading


def read_meta(folder: Path, where: str) -> Meta:
    """The export's own description; refuses a folder that is not an export of this version.

    ``where`` names the folder in messages (as the roll-up's xfgen.yaml writes it).
    """
    import pyarrow.parquet as pq

    path = folder / CASES_FILE
    if not path.is_file() or not (folder / ACTIVITIES_FILE).is_file():
        raise ExchangeError(
            where,
            f"找不到 {CASES_FILE} 和 {ACTIVITIES_FILE}。"
            "请在该单位的仓库中运行 xfgen export --format parquet，把导出目录放在这里。",
        )
    try:
        schema = pq.read_schema(path)
        data = json.loads((schema.metadata or {})[META_KEY])
    except (KeyError, ValueError, OSError):
        raise ExchangeError(
            f"{where}/{CASES_FILE}",
            "不是 xfgen 的交换格式导出（缺少格式说明）。"
            "请用 xfgen export --format parquet 重新导出。",
        ) from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("format") != FORMAT or version != VERSION:
        raise ExchangeError(
            f"{where}/{CASES_FILE}",
            f"导出格式版本为 {version}，本版 xfgen 只能读取第 {VERSION} 版。"
            "请让该单位用与汇总相同版本的 xfgen 重新导出（xfgen export --format parquet）。",
        )
    _check_columns(schema, CASE_COLUMNS, f"{where}/{CASES_FILE}")
    try:
        _check_columns(pq.read_schema(folder / ACTIVITIES_FILE), ACTIVITY_COLUMNS,
                       f"{where}/{ACTIVITIES_FILE}")  # fmt: skip
    except (OSError, ValueError):
        raise ExchangeError(
            f"{where}/{ACTIVITIES_FILE}",
            "文件已损坏，请用 xfgen export --format parquet 重新导出。",
        ) from None
    try:
        return Meta(
            office=str(data["office"]),
            made=date.fromisoformat(data["made"]),
            config=_config_of(data["config"]),
            holidays_release=str(data["holidays_release"]),
            provisional_years=tuple(int(y) for y in data["provisional_years"]),
            periods=tuple(str(p) for p in data["periods"]),
            version=version,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ExchangeError(
            f"{where}/{CASES_FILE}",
            f"格式说明不完整（{exc}），请用 xfgen export --format parquet 重新导出。",
        ) from None


def _check_columns(schema: Any, columns: Sequence[Column], where: str) -> None:
    """Every declared column, of its declared type (a file edited by hand, or cut short)."""
    types = _arrow_types()
    wrong = [
        c.name
        for c in columns
        if schema.get_field_index(c.name) < 0 or schema.field(c.name).type != types[c.kind]
    ]
    if wrong:
        raise ExchangeError(
            where,
            f"缺少或不合格式的列 {'、'.join(wrong)}，请用 xfgen export --format parquet 重新导出。",
        )


def read_exchange(folder: Path, where: str) -> ExportedOffice:
    """The office's cases and activities, with its stored deadlines; no petitioner data."""
    import pyarrow.parquet as pq

    meta = read_meta(folder, where)
    try:
        cases_table = pq.read_table(folder / CASES_FILE, columns=[c.name for c in CASE_COLUMNS])
        work_table = pq.read_table(
            folder / ACTIVITIES_FILE, columns=[c.name for c in ACTIVITY_COLUMNS]
        )
    except (OSError, ValueError, KeyError) as exc:
        raise ExchangeError(
            where,
            f"导出文件不完整或已损坏（{exc}），请用 xfgen export --format parquet 重新导出。",
        ) from None
    path = f"{where}/{CASES_FILE}"
    dates: dict[str, tuple[date, date | None, date | None]] = {}
    cases = []
    for row in _rows(cases_table, CASE_COLUMNS):
        cases.append(_case_of(row, path))
        dates[row["id"]] = (row["acceptance_limit"], row["deadline"], row["extended_deadline"])
    activities = tuple(
        Activity(path=f"{where}/{ACTIVITIES_FILE}", **row)
        for row in _rows(work_table, ACTIVITY_COLUMNS)
    )
    rules = StoredDeadlines(
        meta.config.deadlines, dates=dates, provisional=frozenset(meta.provisional_years)
    )
    cases.sort(key=lambda c: (c.received, c.id))
    activities = tuple(sorted(activities, key=lambda a: (a.date, a.id)))
    return ExportedOffice(meta, rules, tuple(cases), activities)


def _rows(table: Any, columns: Sequence[Column]) -> Iterable[dict[str, Any]]:
    names = [c.name for c in columns]
    values = [_values(table.column(c.name), c.kind) for c in columns]
    for cells in zip(*values, strict=True):
        yield dict(zip(names, cells, strict=True))


def _values(column: Any, kind: str) -> list[Any]:
    """A column as Python values; dates and labels repeat, so each distinct one is made once
    (a third of the time of ``to_pylist`` alone, and the cases share their label strings)."""
    import pyarrow as pa

    if kind == "date":
        days = column.cast(pa.int32()).to_pylist()
        known: dict[int | None, date | None] = {None: None}
        for day in set(days):
            if day not in known:
                known[day] = _EPOCH + timedelta(days=day)
        return [known[day] for day in days]
    if kind == "str":
        encoded = column.combine_chunks().dictionary_encode()
        labels = encoded.dictionary.to_pylist()
        return [None if i is None else labels[i] for i in encoded.indices.to_pylist()]
    return list(column.to_pylist())


_EPOCH = date(1970, 1, 1)


def _case_of(row: dict[str, Any], path: str) -> Case:
    not_accepted = None
    if row["not_accepted"] is not None:
        not_accepted = NotAccepted(date=row["not_accepted"], route=row["route"])
    extension = None
    if row["extension_approved"] is not None:
        extension = Extension(days=row["extension_days"], approved=row["extension_approved"])
    return Case(
        id=row["id"],
        path=path,
        received=row["received"],
        channel=row["channel"],
        source=row["source"],
        kind=row["kind"],
        category=row["category"],
        summary="",
        people=row["people"],
        skip_level=row["skip_level"],
        repeat_of=row["repeat_of"],
        unit=row["unit"],
        leader=row["leader"],
        accepted=row["accepted"],
        not_accepted=not_accepted,
        extension=extension,
        progress=tuple(ProgressStep(s["date"], s["action"]) for s in row["progress"]),
        closed=row["closed"],
        outcome=row["outcome"],
        satisfaction=row["satisfaction"],
        review=_review_of(row, "review"),
        recheck=_review_of(row, "recheck"),
        supervision=tuple(Supervision(s["date"], s["by"], s["kind"]) for s in row["supervision"]),
    )


def _review_of(row: dict[str, Any], name: str) -> Review | None:
    requested = row[f"{name}_requested"]
    if requested is None:
        return None
    return Review(requested, row[f"{name}_decided"], row[f"{name}_result"])


def _config_of(data: dict[str, Any]) -> Config:
    """The office's configuration from its JSON (lists become tuples, as loading makes them)."""
    values: dict[str, Any] = {}
    for f in fields(Config):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "deadlines":
            value = Deadlines(**value)
        elif f.name == "leaderboard":
            value = LeaderboardSettings(**value)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return Config(**values)

"""``xfgen new`` / ``xfgen new activity``: a new case (or activity) file with the next
free id, ready to fill in.

The file is a skeleton written by :func:`~xfgen.records.writer.record_yaml`:
the given values filled in, the other required fields empty with their allowed
labels in a comment (so ``xfgen check`` lists exactly what is left), every
optional field commented out. An existing file is never overwritten.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from xfgen.errors import Problem, XfgenError
from xfgen.records.activities import ACTIVITIES_DIR, ACTIVITY_FIELDS
from xfgen.records.config import load_config, vocabularies
from xfgen.records.loading import parse
from xfgen.records.schema import Field, Reader
from xfgen.records.validation import CASE_FIELDS, CASES_DIR
from xfgen.records.writer import record_yaml

DEFAULT_WIDTH = 4
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class RecordKind:
    """What ``xfgen new`` needs to know about one kind of record."""

    fields: tuple[Field, ...]
    folder: str  # records live in <folder>/<year>/<id>.yaml
    date_field: str  # the date whose year files the record
    default_prefix: str  # for the very first id
    not_options: tuple[str, ...]  # filled in by xfgen, or with no place in a shell history


CASE = RecordKind(CASE_FIELDS, CASES_DIR, "received", "XF{year}-", ("id", "petitioner", "notes"))
ACTIVITY = RecordKind(ACTIVITY_FIELDS, ACTIVITIES_DIR, "date", "HD{year}-", ("id", "notes"))


class NewRecordError(XfgenError):
    """The record cannot be written (bad value given, file exists...)."""


def option_fields(kind: RecordKind = CASE) -> tuple[Field, ...]:
    """The fields ``xfgen new`` takes as options: every top-level single value."""
    return tuple(
        f
        for f in kind.fields
        if f.name not in kind.not_options and f.kind in ("text", "date", "int", "number", "bool")
    )


def new_record(root: Path, today: date, values: Mapping[str, Any], kind: RecordKind = CASE) -> Path:
    """Write a new record holding ``values`` (its date defaults to today); its path."""
    config = load_config(root)
    vocab = vocabularies(config)
    given = {k: v for k, v in values.items() if v is not None}
    day = given.setdefault(kind.date_field, today)
    if day > today:
        label = next(f.label for f in kind.fields if f.name == kind.date_field)
        raise NewRecordError(
            f"{label} {day.isoformat()} 晚于今天（{today.isoformat()}），不能填写将来的日期。"
        )
    ids = existing_ids(root, kind.folder)
    repeat_of = given.get("repeat_of")
    if repeat_of is not None and repeat_of.lower() not in {i.lower() for i in ids}:
        raise NewRecordError(
            f"找不到编号为 {repeat_of} 的事项：--repeat-of 应填此前已登记事项的编号。"
        )
    record_id = next_id(ids, day.year, kind.default_prefix)
    text = record_yaml(kind.fields, {"id": record_id, **given}, vocab)
    _check_given(text, given, vocab, kind.fields)
    path = root / kind.folder / str(day.year) / f"{record_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:  # "x": never overwrite
            out.write(text)
    except FileExistsError:
        raise NewRecordError(f"{path} 已经存在，xfgen new 不会覆盖已有文件。") from None
    return path


def existing_ids(root: Path, records: str = CASES_DIR) -> list[str]:
    """Every id under ``records``, read from the file names (a file is named after its id)."""
    folder = root / records
    return sorted(p.stem for p in folder.glob("**/*.yaml")) if folder.is_dir() else []


def next_id(ids: Iterable[str], year: int, default_prefix: str = CASE.default_prefix) -> str:
    """The next free id of ``year``, in the pattern that year's ids use.

    The pattern is the most common prefix and digit count among the year's ids
    (those that hold the year); a year without ids follows the latest earlier
    year's pattern with the year changed, numbering from 1; with no ids at all,
    ``XF2026-0001``. Ids are compared ignoring letter case, as the check does.
    """
    all_ids = list(ids)
    taken = {i.lower() for i in all_ids}
    patterns: dict[int, Counter[tuple[str, int]]] = {}
    numbers: dict[tuple[str, int], int] = {}
    for case_id in all_ids:
        match = _NUMBERED.match(case_id)
        if not match:
            continue
        prefix, digits = match.groups()
        years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", prefix)]
        key = (prefix, len(digits))
        patterns.setdefault(years[-1] if years else 0, Counter())[key] += 1
        numbers[key] = max(numbers.get(key, 0), int(digits))
    if year in patterns:
        prefix, width = _dominant(patterns[year])
        number = numbers[(prefix, width)] + 1
    else:
        earlier = [y for y in patterns if 0 < y < year]
        if earlier:
            last = max(earlier)
            old_prefix, width = _dominant(patterns[last])
            head, _, tail = old_prefix.rpartition(str(last))
            prefix, number = f"{head}{year}{tail}", 1
        elif 0 in patterns:  # ids without a year in them: keep counting
            prefix, width = _dominant(patterns[0])
            number = numbers[(prefix, width)] + 1
        else:
            prefix, width, number = default_prefix.format(year=year), DEFAULT_WIDTH, 1
    while f"{prefix}{number:0{width}d}".lower() in taken:
        number += 1
    return f"{prefix}{number:0{width}d}"


def _dominant(counts: Counter[tuple[str, int]]) -> tuple[str, int]:
    return max(counts, key=lambda key: (counts[key], key[1], key[0]))


def _check_given(
    text: str,
    given: Mapping[str, Any],
    vocab: dict[str, tuple[str, ...]],
    fields: tuple[Field, ...],
) -> None:
    """Read the new text back with the validator's reader; a given value it refuses stops us."""
    problems: list[Problem] = []
    Reader("", vocab, problems).read_mapping(parse(text), fields)
    refused = [p for p in problems if p.field in given]
    if refused:
        lines = "\n".join(f"--{p.field.replace('_', '-')}: {p.message}" for p in refused)
        raise NewRecordError(f"没有新建文件，因为：\n{lines}")

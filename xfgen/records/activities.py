"""Activity records (领导接访、下访、约访): ``activities/<year>/<id>.yaml``, checked like cases.

An activity records what an official did; it never describes a petitioner, so
the declared fields hold none and a ``petitioner`` key is refused with its own
message. Reading uses the same strict loader and declared-field
:class:`~xfgen.records.schema.Reader` as case files, and every problem is
collected (DOMAIN.md "Office work").
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingType
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from xfgen.errors import Problem
from xfgen.records.loading import LoadFailed, Mapping, Position, load_file
from xfgen.records.models import Activity
from xfgen.records.schema import Field, Reader

ACTIVITIES_DIR = "activities"
CASES_DIR = "cases"
ID_PATTERN = re.compile(r"^[A-Za-z0-9-]+$")
EARLIEST = date(1950, 1, 1)
MAX_PEOPLE = 100_000

ACTIVITY_FIELDS: tuple[Field, ...] = (
    Field("id", "text", "编号", required=True, doc="编号，只含字母、数字和“-”，与文件名相同"),
    Field("date", "date", "日期", required=True, doc="接访、下访或约访的日期"),
    Field(
        "kind",
        "text",
        "形式",
        required=True,
        choices="activity_kinds",
        doc="接访、下访、约访等，取 activity_kinds 的值",
    ),
    Field("leader", "text", "领导", required=True, doc="领导姓名和职务，如 张伟（县长）"),
    Field(
        "level",
        "text",
        "领导层级",
        required=True,
        choices="leader_levels",
        doc="县级领导、乡镇领导、部门领导等，取 leader_levels 的值",
    ),
    Field(
        "batches",
        "int",
        "批次",
        required=True,
        minimum=0,
        maximum=MAX_PEOPLE,
        doc="接待或约见的批次，整数，可以为 0",
    ),
    Field(
        "people",
        "int",
        "人次",
        required=True,
        minimum=0,
        maximum=MAX_PEOPLE,
        doc="人次，整数，不少于批次",
    ),
    Field("cases", "list", "涉及事项", item="text", doc="涉及的事项编号，须为已登记的事项"),
    Field("place", "text", "地点", doc="地点，一行"),
    Field("summary", "text", "内容", doc="内容摘要，一行，会显示在领导接访登记表中"),
    Field("notes", "multiline", "内部备注", doc="内部备注，不会出现在任何输出中"),
)

# Keys that would describe a petitioner: refused with a message of their own.
_PETITIONER_KEYS = ("petitioner",)


def load_activities(
    root: Path,
    vocabularies: MappingType[str, tuple[str, ...]],
    cases_received: MappingType[str, date],
    today: date,
    problems: list[Problem],
    case_stems: set[str] | None = None,
    positions: dict[str, dict[str, Position]] | None = None,
) -> tuple[list[Activity], int]:
    """Every readable, valid activity under ``root``, by date then id, and how many files there were.

    ``cases_received`` maps the id of every case file that could be read to its
    date of receipt, for the ``cases:`` links; a link to a case file that could
    not be read (its own problems are reported) is not checked further.
    Problems are appended to ``problems``. ``case_stems``: the names (without
    ``.yaml``) of all case files, when the caller has them. ``positions``, if
    given, gets where each field of each activity file was read (by path).
    """
    case_files = (
        case_stems
        if case_stems is not None
        else {p.stem for p in (root / CASES_DIR).glob("**/*.yaml")}
    )
    folder = root / ACTIVITIES_DIR
    paths = sorted(folder.glob("**/*.yaml")) if folder.is_dir() else []
    read: list[tuple[Activity, dict[str, Position]]] = []
    for path in paths:
        rel = path.relative_to(root).as_posix()
        reader = Reader(rel, dict(vocabularies), problems)
        activity = _read_activity(path, root, reader, cases_received, case_files, today)
        if activity is not None:
            read.append((activity, reader.positions))
            if positions is not None:
                positions[rel] = reader.positions
    _check_unique_ids(read, problems)
    invalid = {p.path for p in problems}
    activities = sorted((a for a, _ in read if a.path not in invalid), key=lambda a: (a.date, a.id))
    return activities, len(paths)


def _read_activity(
    path: Path,
    root: Path,
    reader: Reader,
    cases_received: MappingType[str, date],
    case_files: set[str],
    today: date,
) -> Activity | None:
    try:
        node = load_file(path, root, root / ACTIVITIES_DIR)
    except LoadFailed as failed:
        p = failed.problem
        reader.problems.append(Problem(reader.path, p.pos.line, p.pos.column, p.field, p.message))
        return None
    before = len(reader.problems)
    if isinstance(node, Mapping):
        node = _without_petitioner(node, reader)
    values = reader.read_mapping(node, ACTIVITY_FIELDS)
    if values is None or len(reader.problems) > before:
        return None
    activity = _build(values, reader.path)
    _check(activity, path.stem, reader, cases_received, case_files, today)
    return activity


def _without_petitioner(node: Mapping, reader: Reader) -> Mapping:
    """The mapping without petitioner keys, each reported as a problem."""
    kept = []
    for key, value in node.items:
        if key.text in _PETITIONER_KEYS:
            reader.problem(
                key.pos,
                key.text,
                "领导接访记录不能填写信访人信息：请删除这一项。"
                "信访人信息只写在事项文件中，活动与事项的关联用 cases 填写事项编号。",
            )
        else:
            kept.append((key, value))
    return Mapping(tuple(kept), node.pos)


def _build(v: dict[str, Any], path: str) -> Activity:
    return Activity(
        id=v["id"],
        path=path,
        date=v["date"],
        kind=v["kind"],
        leader=v["leader"],
        level=v["level"],
        batches=v["batches"],
        people=v["people"],
        cases=tuple(v.get("cases") or ()),
        place=v.get("place"),
        summary=v.get("summary"),
        notes=v.get("notes"),
    )


def _check(
    activity: Activity,
    stem: str,
    reader: Reader,
    cases_received: MappingType[str, date],
    case_files: set[str],
    today: date,
) -> None:
    def problem(field: str, message: str) -> None:
        reader.problem(reader.positions.get(field, Position(1, 1)), field, message)

    if not ID_PATTERN.match(activity.id):
        problem("id", f"编号 “{activity.id}” 只能包含英文字母、数字和“-”。")
    elif activity.id != stem:
        problem(
            "id",
            f"编号 “{activity.id}” 与文件名 “{stem}.yaml” 不一致：文件名应为 {activity.id}.yaml。",
        )
    if activity.date > today:
        problem(
            "date",
            f"日期 {activity.date.isoformat()} 晚于今天（{today.isoformat()}），不能填写将来的日期。",
        )
    elif activity.date < EARLIEST:
        problem("date", f"日期 {activity.date.isoformat()} 早于 1950 年，请检查年份。")
    if activity.people < activity.batches:
        problem(
            "people",
            f"人次 {activity.people} 少于批次 {activity.batches}：每批至少一人次。",
        )
    seen: set[str] = set()
    for i, case_id in enumerate(activity.cases, start=1):
        field = f"cases[{i}]"
        received = cases_received.get(case_id)
        if case_id in seen:
            problem(field, f"事项编号 {case_id} 重复填写。")
        elif received is None and case_id in case_files:
            pass  # the case file has problems of its own, reported there
        elif received is None:
            problem(field, f"找不到编号为 {case_id} 的事项：cases 应填已登记事项的编号。")
        elif received > activity.date:
            problem(
                field,
                f"事项 {case_id} 的登记日期 {received} 晚于本次活动日期 {activity.date}："
                "只能关联此前已登记的事项。",
            )
        seen.add(case_id)


def _check_unique_ids(
    read: list[tuple[Activity, dict[str, Position]]], problems: list[Problem]
) -> None:
    """Activity ids are unique among activities, ignoring letter case."""
    first: dict[str, Activity] = {}
    for activity, positions in read:
        key = activity.id.upper()
        earlier = first.setdefault(key, activity)
        if earlier is activity:
            continue
        pos = positions["id"]
        problems.append(
            Problem(
                activity.path,
                pos.line,
                pos.column,
                "id",
                f"编号 {activity.id} 重复：{earlier.path} 已使用这个编号（不区分大小写）。",
            )
        )


def unlisted_leaders(
    root: Path, activities: Sequence[Activity], leaders: Sequence[str], level: str
) -> list[str]:
    """A warning per distinct leader of an activity at ``level`` (the first configured level)
    whom the protocol order ``leaders`` lacks, at the file and line of their first activity.

    The summary still names them, after the listed leaders (DOMAIN.md "Leaders in protocol
    order"); nothing when ``leaders`` is not configured.
    """
    if not leaders:
        return []
    listed, warned, found = set(leaders), set(), []
    for activity in activities:  # by date, then id: the first use comes first
        if activity.level != level or activity.leader in listed or activity.leader in warned:
            continue
        warned.add(activity.leader)
        line = _leader_line(root / activity.path)
        found.append(
            f"{activity.path}:{line}: 领导“{activity.leader}”（{level}）不在 xfgen.yaml 的 "
            "leaders（领导排名顺序）中，总结中排在所列领导之后；如需按排名顺序点名，请把该领导加入 leaders。"
        )
    return found


def _leader_line(path: Path) -> int:
    """The line of the file's ``leader`` key (1 if it cannot be read again)."""
    try:
        node = load_file(path, path.parent)
    except (LoadFailed, OSError):
        return 1
    if isinstance(node, Mapping):
        for key, _ in node.items:
            if key.text == "leader":
                return key.pos.line
    return 1

"""The warnings ``xfgen check`` gives about personal data in free text (DOMAIN.md "Privacy").

Outputs screen every free-text field, but the record should not hold what is
screened: staff are told where (file:line), so they can fix it. Two kinds:

- of one file (kept in the parse cache with the file's result): a free-text field
  holding its own petitioner's name, phone or ID number; a phone or ID field
  holding more than a number;
- across the tree: an official's name (a case's ``leader``, ``supervision[].by``,
  an activity's ``leader``) holding a petitioner's name of another record, once
  per distinct value, at its first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from xfgen.errors import Problem
from xfgen.records.loading import Position
from xfgen.records.models import Activity, Case

NAME_MIN = 2  # as the screen of the outputs: a one-character "name" is everywhere
VALUE_MIN = 7  # digits: a shorter "phone" would be found in dates and counts
# Free-text fields: (label, what it should hold instead). Text about the matter first,
# then officials' names.
ABOUT_THE_MATTER = {
    "summary": ("事由摘要", "摘要只写反映的问题"),
    "not_accepted.reason": ("不予受理理由", "这里只写不予受理的依据"),
    "extension.reason": ("延期理由", "这里只写延期的原因"),
    "progress.action": ("办理步骤", "这里只写办理的方式"),
}
OFFICIALS = {
    "leader": ("包案领导", "这里只写领导的姓名和职务"),
    "supervision.by": ("督办单位", "这里只写督办的单位"),
}
_NUMBER_ONLY = re.compile(r"[\d\s\-+()（）]*\d[\d\s\-+()（）]*")
_ID_ONLY = re.compile(r"[\d\s\-]*\d[\d\s\-]*[Xx]?")


def free_text(case: Case) -> list[tuple[str, str, str]]:
    """(field as in messages, key of its kind, value) of every free-text field of a case."""
    fields = [("summary", "summary", case.summary)]
    if case.not_accepted and case.not_accepted.reason:
        fields.append(("not_accepted.reason", "not_accepted.reason", case.not_accepted.reason))
    if case.extension and case.extension.reason:
        fields.append(("extension.reason", "extension.reason", case.extension.reason))
    fields += [
        (f"progress[{i}].action", "progress.action", step.action)
        for i, step in enumerate(case.progress, start=1)
    ]
    fields += officials(case)
    return fields


def officials(case: Case) -> list[tuple[str, str, str]]:
    """(field, key of its kind, value) of every official's name in a case."""
    fields = [("leader", "leader", case.leader)] if case.leader else []
    fields += [
        (f"supervision[{i}].by", "supervision.by", entry.by)
        for i, entry in enumerate(case.supervision, start=1)
    ]
    return fields


def file_warnings(case: Case, positions: Mapping[str, Position]) -> list[str]:
    """The warnings of one case file, in field order."""
    p = case.petitioner
    warnings = []
    shown = "不会显示" if case.is_reporting else "会脱敏显示"
    for field, kind, value in free_text(case):
        flat = re.sub(r"[\s-]", "", value).upper()
        found = [
            label
            for label, own, present in (
                ("姓名", p.name, p.name and len(p.name) >= NAME_MIN and p.name in value),
                ("电话", p.phone, p.phone and _digits_in(p.phone, flat)),
                ("身份证号", p.id_number, p.id_number and _digits_in(p.id_number, flat)),
            )
            if own and present
        ]
        if found:
            label, advice = {**ABOUT_THE_MATTER, **OFFICIALS}[kind]
            warnings.append(
                _warning(
                    case.path,
                    positions.get(field, Position(1, 1)),
                    field,
                    f"{label}中写有本事项信访人的{'、'.join(found)}（公开报告中{shown}）："
                    f"个人信息请只写在 petitioner 中，{advice}。",
                )
            )
    for key, what, number, pattern in (
        ("petitioner.phone", "电话", p.phone, _NUMBER_ONLY),
        ("petitioner.id_number", "身份证号", p.id_number, _ID_ONLY),
    ):
        if number and not pattern.fullmatch(number):
            warnings.append(
                _warning(
                    case.path,
                    positions.get(key, Position(1, 1)),
                    key,
                    f"信访人{what}一栏除号码外还写有其他内容：输出中只遮盖号码的数字，"
                    f"其他文字照原样显示；请只填号码，其他内容写到 notes。",
                )
            )
    return warnings


def official_warnings(
    cases: Iterable[tuple[str, str | None, bool, Sequence[tuple[str, str, int, int]]]],
    activities: Iterable[Activity],
    activity_positions: Mapping[str, Mapping[str, Position]],
) -> list[str]:
    """Once per distinct official's name holding a petitioner's name of another record.

    ``cases``: (path, petitioner's name, 检举控告类 or not, officials as (field, value,
    line, column)) of every case file that could be read, in path order.
    """
    names: dict[str, list[tuple[str, bool]]] = {}  # name → (path, reporting) of its cases
    uses: list[tuple[str, str, str, Position, str | None]] = []  # path, field, value, pos, own
    for path, name, reporting, fields in cases:
        if name and len(name) >= NAME_MIN:
            names.setdefault(name, []).append((path, reporting))
        uses += [(path, f, v, Position(line, col), name) for f, v, line, col in fields]
    for activity in activities:
        pos = activity_positions.get(activity.path, {}).get("leader", Position(1, 1))
        uses.append((activity.path, "leader", activity.leader, pos, None))
    if not names:
        return []
    lengths = sorted({len(n) for n in names})
    warned: set[str] = set()
    seen: set[tuple[str, str | None]] = set()  # a leader is written on many cases
    warnings = []
    for path, field, value, pos, own in uses:
        if value in warned or (value, own) in seen:
            continue
        seen.add((value, own))
        held = {
            value[i : i + size]
            for size in lengths
            for i in range(len(value) - size + 1)
            if value[i : i + size] in names and value[i : i + size] != own
        }
        if not held:
            continue
        warned.add(value)
        owners = [(p, r) for n in sorted(held) for p, r in names[n]]
        reporters = sorted({p for p, r in owners if r})
        label = "督办单位" if field.startswith("supervision") else "领导"
        if reporters:
            message = (
                f"{label}中含有检举控告类事项（{_listed(reporters)}）信访人的姓名：举报人身份不得泄露，"
                "所有输出中这个姓名都显示为“（略）”；请确认这里写的不是举报人。"
            )
        else:
            message = (
                f"{label}中含有另一事项（{_listed(sorted({p for p, _ in owners}))}）信访人的姓名："
                "领导可能与信访人同名，公开报告中照原样显示；请确认这里写的是领导本人。"
            )
        warnings.append(_warning(path, pos, field, message))
    return warnings


def _listed(paths: list[str]) -> str:
    shown = "、".join(paths[:3])
    return shown + (f"等 {len(paths)} 件" if len(paths) > 3 else "")


def _digits_in(value: str, flat: str) -> bool:
    """Whether a number of ``value`` (a phone or ID field, perhaps with words) is in ``flat``."""
    for run in re.findall(r"\d(?:[\s-]?\d)*[Xx]?", value):
        digits = re.sub(r"[\s-]", "", run).upper()
        if len(digits) >= VALUE_MIN and digits in flat:
            return True
    return False


def _warning(path: str, pos: Position, field: str, message: str) -> str:
    return str(Problem(path, pos.line, pos.column, field, message))

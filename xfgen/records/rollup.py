"""Reading a roll-up: a city's ``xfgen.yaml`` naming its offices, and each office's records.

A roll-up repository has ``rollup:`` in place of cases of its own (DOMAIN.md
"Roll-up"). Each member is an office's repository read in place (checked with
its own ``xfgen.yaml`` and ``holidays.yaml``) or that office's
``xfgen export --format parquet`` folder (:mod:`xfgen.records.exchange`).
Errors name the office (its name and folder), the file and the line; reading
one office at a time keeps one office's cases in memory.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Mapping as MappingType
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Literal, TypeVar

from xfgen.errors import ConfigError, Problem, XfgenError
from xfgen.figures.deadlines import DeadlineRules, provisional_warning
from xfgen.records.config import CONFIG_FIELDS, CONFIG_FILE, leaderboard_settings, load_config
from xfgen.records.exchange import CASES_FILE, ExchangeError, Meta, read_exchange, read_meta
from xfgen.records.loading import LoadFailed, Mapping, Node, Scalar, Sequence, load_file
from xfgen.records.models import (
    PDF_VARIANTS,
    VISIT_CHANNEL,
    Activity,
    Case,
    Config,
    LeaderboardSettings,
)
from xfgen.records.schema import Field, Reader

ROLLUP_KEY = "rollup"
# An office's own site, linked from the roll-up's index: an address, never a script or a
# path leaving the roll-up's site.
_SITE = re.compile(r"https?://[^\s\x00-\x1f\x7f\"'<>]+", re.IGNORECASE)
J = TypeVar("J")
R = TypeVar("R")
JOBS = 2  # processes that read offices (the machine this is sized for: 2 cores)
IN_PROCESS_UP_TO = 2  # offices read without starting processes
# Vocabularies whose labels a roll-up may map to its own (DOMAIN.md "Labels").
LABEL_VOCABULARIES = (
    "channels",
    "sources",
    "categories",
    "outcomes",
    "routes",
    "methods",
    "activity_kinds",
    "leader_levels",
    "supervision_kinds",
)
MemberKind = Literal["path", "export"]

_OFFICE_FIELDS = {f.name: f for f in CONFIG_FIELDS}
_MEMBER_FIELDS = (
    Field("path", "text", "单位仓库目录", doc="一个单位的 xfgen 仓库（检出目录或 git 子模块）"),
    Field("export", "text", "单位导出目录", doc="该单位 xfgen export --format parquet 的导出目录"),
    Field("site", "text", "单位网站地址", doc="可选：该单位自己的网站，汇总网站链接到它"),
)
# What a roll-up's xfgen.yaml may hold besides `rollup` (DOMAIN.md): the office's own
# declarations of these keys where xfgen.yaml declares them.
ROLLUP_OWN_KEYS = ("office", "leaderboard", "backlog_target", "pdf_variant", "publish_to")
ROLLUP_FIELDS: tuple[Field, ...] = tuple(_OFFICE_FIELDS[name] for name in ROLLUP_OWN_KEYS)


class RollupError(XfgenError):
    """A roll-up cannot be read (an export refused, an as-of date out of reach)."""


@dataclass(frozen=True)
class Member:
    """One office of the roll-up, as ``rollup.offices`` lists it."""

    kind: MemberKind
    folder: str  # as written, relative to the roll-up repository
    site: str | None = None

    @property
    def where(self) -> str:
        return self.folder.rstrip("/")


@dataclass(frozen=True)
class RollupConfig:
    office: str
    members: tuple[Member, ...]
    labels: MappingType[str, MappingType[str, str]]  # vocabulary → {office label: city label}
    leaderboard: LeaderboardSettings = field(default_factory=LeaderboardSettings)
    backlog_target: float | None = None
    pdf_variant: str = PDF_VARIANTS[0]
    publish_to: str | None = None

    def label(self, vocabulary: str, label: str) -> str:
        """An office's label as the city names it (unmapped labels stay as they are)."""
        return self.labels.get(vocabulary, {}).get(label, label)


@dataclass(frozen=True)
class OfficeRecords:
    """One office, read and checked: what the figures module needs, and what went wrong."""

    member: Member
    name: str  # its own `office`, or its folder when its configuration could not be read
    config: Config | None
    rules: DeadlineRules | None
    cases: tuple[Case, ...]
    activities: tuple[Activity, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...] = ()
    made: date | None = None  # an export's day; None for a repository read in place
    files: int = 0


def rollup_data_paths(config: RollupConfig) -> tuple[str, ...]:
    """What a roll-up's site is made from: its own files and every office's folder."""
    return ("xfgen.yaml", "reports", "templates", *(m.where for m in config.members))


def is_rollup(root: Path) -> bool:
    """Whether ``root``'s xfgen.yaml is a roll-up's (has a top-level ``rollup:`` key)."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return False
    try:
        node = load_file(path, root)
    except LoadFailed:
        return False
    return isinstance(node, Mapping) and any(key.text == ROLLUP_KEY for key, _ in node.items)


def load_rollup_config(root: Path) -> RollupConfig:
    """Read a roll-up's ``xfgen.yaml``; raises :class:`ConfigError` listing every problem."""
    problems: list[Problem] = []
    reader = Reader(CONFIG_FILE, {}, problems)
    try:
        node = load_file(root / CONFIG_FILE, root)
    except LoadFailed as failed:
        p = failed.problem
        raise ConfigError(
            [Problem(CONFIG_FILE, p.pos.line, p.pos.column, p.field, p.message)]
        ) from None
    assert isinstance(node, Mapping)
    rollup_node = next(value for key, value in node.items if key.text == ROLLUP_KEY)
    own = Mapping(tuple((k, v) for k, v in node.items if k.text != ROLLUP_KEY), node.pos)
    values = reader.read_mapping(own, ROLLUP_FIELDS) or {}
    members = _read_members(rollup_node, reader, root)
    labels = _read_labels(rollup_node, reader)
    board = leaderboard_settings(values, reader)
    if problems:
        raise ConfigError(sorted(problems))
    return RollupConfig(
        office=values["office"],
        members=members,
        labels=labels,
        leaderboard=board,
        backlog_target=values.get("backlog_target"),
        pdf_variant=values.get("pdf_variant") or PDF_VARIANTS[0],
        publish_to=values.get("publish_to"),
    )


def _read_members(rollup: Node, reader: Reader, root: Path) -> tuple[Member, ...]:
    offices = None
    if isinstance(rollup, Mapping):
        for key, value in rollup.items:
            if key.text == "offices":
                offices = value
            elif key.text != "labels":
                reader.problem(
                    key.pos, f"rollup.{key.text}", "rollup 下只能有 offices 和 labels 两项。"
                )
    else:
        reader.problem(rollup.pos, "rollup", "rollup 应当是含 offices（和 labels）的一组内容。")
        return ()
    if not isinstance(offices, Sequence) or not offices.items:
        reader.problem(
            (offices or rollup).pos,
            "rollup.offices",
            "rollup.offices 应当列出至少一个单位，每个写 path（单位仓库）或 export（导出目录）。",
        )
        return ()
    members: list[Member] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(offices.items, start=1):
        name = f"rollup.offices[{index}]"
        values = reader.read_mapping(item, _MEMBER_FIELDS, name + ".")
        if values is None:
            continue
        given = [k for k in ("path", "export") if values.get(k)]
        if len(given) != 1:
            reader.problem(
                item.pos, name, "每个单位要写 path（单位仓库）或 export（导出目录）之一。"
            )
            continue
        kind: MemberKind = "path" if given[0] == "path" else "export"
        folder = values[kind]
        problem = _folder_problem(root, folder)
        if problem:
            reader.problem(reader.positions[f"{name}.{kind}"], f"{name}.{kind}", problem)
            continue
        resolved = str((root / folder).resolve())
        if resolved in seen:
            reader.problem(
                item.pos, name, f"目录 {folder} 已在第 {seen[resolved]} 个单位中列出，不能重复。"
            )
            continue
        seen[resolved] = index
        site = values.get("site")
        if site is not None and not _SITE.fullmatch(site):
            reader.problem(
                reader.positions[f"{name}.site"],
                f"{name}.site",
                f"“{site}”不是网址：site 应写该单位网站的完整地址，如 http://intranet/hekou/。",
            )
            continue
        members.append(Member(kind, folder, site))
    return tuple(members)


def _folder_problem(root: Path, folder: str) -> str | None:
    target = (root / folder).resolve()
    top = root.resolve()
    if target == top or top not in target.parents:
        return f"{folder} 应当是汇总仓库内的一个子目录。"
    if not target.is_dir():
        return f"找不到目录 {folder}。"
    if (target / CONFIG_FILE).is_file() and is_rollup(target):
        return f"{folder} 是另一个汇总仓库：汇总不能嵌套，请列出各单位本身。"
    return None


def _read_labels(rollup: Node, reader: Reader) -> MappingType[str, MappingType[str, str]]:
    node = None
    if isinstance(rollup, Mapping):
        node = next((v for k, v in rollup.items if k.text == "labels"), None)
    if node is None or (isinstance(node, Scalar) and node.text in ("", "~", "null")):
        return MappingProxyType({})
    if not isinstance(node, Mapping):
        reader.problem(
            node.pos, "rollup.labels", "labels 应当按词表（如 categories）写“单位用语: 本级用语”。"
        )
        return MappingProxyType({})
    labels: dict[str, MappingProxyType[str, str]] = {}
    for key, value in node.items:
        name = f"rollup.labels.{key.text}"
        if key.text not in LABEL_VOCABULARIES:
            reader.problem(
                key.pos,
                name,
                f"不能映射 {key.text}：可映射的词表有 {'、'.join(LABEL_VOCABULARIES)}。",
            )
            continue
        if not isinstance(value, Mapping):
            reader.problem(value.pos, name, "应当写成“单位用语: 本级用语”的一组内容。")
            continue
        mapping: dict[str, str] = {}
        for source, target in value.items:
            if not isinstance(target, Scalar) or not target.text.strip() or "\n" in target.text:
                reader.problem(target.pos, f"{name}.{source.text}", "映射后的用语应当是一行文字。")
                continue
            if (
                key.text == "channels"
                and VISIT_CHANNEL in (source.text, target.text)
                and (source.text != target.text)
            ):
                reader.problem(
                    source.pos,
                    f"{name}.{source.text}",
                    f"来访不能与其他信访形式互相映射（{source.text} → {target.text}）："
                    "来访批次、人次和集体访只按来访计算。",
                )
                continue
            mapping[source.text] = target.text
        labels[key.text] = MappingProxyType(mapping)
    return MappingProxyType(labels)


# ---------------------------------------------------------------- the offices


def read_office(root: Path, member: Member, today: date, cases: bool = True) -> OfficeRecords:
    """One office: read from its repository (checked with its own files) or its export.

    Problems are returned as data, their paths prefixed with the office's name and
    folder; ``cases`` false (``xfgen check``) skips keeping the cases.
    """
    if member.kind == "export":
        return _read_export(root, member, cases)
    from xfgen.records.validation import load_project

    folder = root / member.folder
    try:
        project = load_project(folder, today, cases=cases, cache=False)
    except ConfigError as error:
        where = f"[{member.where}] {member.where}"
        return OfficeRecords(
            member,
            member.where,
            None,
            None,
            (),
            (),
            tuple(_prefixed(p, where) for p in error.problems),
        )
    name = project.config.office
    where = f"[{name}] {member.where}"
    return OfficeRecords(
        member,
        name,
        project.config,
        project.rules,
        project.cases,
        project.activities,
        tuple(_prefixed(p, where) for p in project.problems),
        tuple(f"[{name}] {w}" for w in project.warnings),
        files=project.files,
    )


def _prefixed(problem: Problem, where: str) -> Problem:
    return Problem(
        f"{where}/{problem.path}", problem.line, problem.column, problem.field, problem.message
    )


def _read_export(root: Path, member: Member, cases: bool) -> OfficeRecords:
    folder = root / member.folder
    try:
        meta = read_meta(folder, member.where)
        _refuse_partial(meta, member)
        office = read_exchange(folder, member.where) if cases else None
    except ExchangeError as error:
        problem = Problem(f"[{member.where}] {error.file}", 1, 1, "(导出)", error.message)
        return OfficeRecords(member, member.where, None, None, (), (), (problem,))
    warnings: tuple[str, ...] = ()
    if meta.provisional_years:  # as the office's own check warned when it exported
        years = meta.provisional_years
        warnings = (f"[{meta.office}] {provisional_warning(years, years[0] - 1)}",)
    return OfficeRecords(
        member,
        meta.office,
        meta.config,
        office.rules if office else None,
        office.cases if office else (),
        office.activities if office else (),
        (),
        warnings,
        made=meta.made,
        files=2,
    )


def _refuse_partial(meta: Meta, member: Member) -> None:
    if meta.periods:
        raise ExchangeError(
            f"{member.where}/{CASES_FILE}",
            f"{meta.office}的导出只含 {'、'.join(meta.periods)} 期间的事项"
            "（导出时用了 --period），汇总需要全部事项。请不带 --period 重新导出。",
        )


def survey(root: Path, config: RollupConfig) -> tuple[dict[str, date], list[Problem]]:
    """Each office's name and, for an export, its day, before anything is computed."""
    names: dict[str, Member] = {}
    exports: dict[str, date] = {}
    problems: list[Problem] = []
    for member in config.members:
        folder = root / member.folder
        try:
            if member.kind == "export":
                meta = read_meta(folder, member.where)
                name = meta.office
                exports[name] = meta.made
            else:
                name = load_config(folder).office
        except ExchangeError as error:
            problems.append(
                Problem(f"[{member.where}] {error.file}", 1, 1, "(导出)", error.message)
            )
            continue
        except ConfigError:
            continue  # reported with the office's other problems when it is read
        problems.extend(same_name(names, name, member))
    return exports, problems


def same_name(names: dict[str, Member], name: str, member: Member) -> list[Problem]:
    other = names.setdefault(name, member)
    if other is member:
        return []
    return [
        Problem(
            CONFIG_FILE,
            1,
            1,
            "rollup.offices",
            f"{other.where} 和 {member.where} 的单位名称（office）都是“{name}”：汇总中的单位名称必须各不相同。",
        )
    ]


def each_office(work: Callable[[J], R], jobs: Iterable[J]) -> Iterator[R]:
    """``work`` done for each office's job, results in ``rollup.offices`` order: in this
    process for a few offices, else in ``JOBS`` processes started fresh (not forks of
    this one), so that memory holds one office's cases per process."""
    listed = list(jobs)
    if len(listed) <= IN_PROCESS_UP_TO:
        yield from map(work, listed)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(JOBS, mp_context=context) as workers:
        yield from workers.map(work, listed)


def refuse_as_of_after_exports(as_of: date, offices: MappingType[str, date]) -> None:
    """An as-of date later than an export's day would count what that office had not sent."""
    late = [
        f"{name}（导出于 {made.isoformat()}）" for name, made in offices.items() if as_of > made
    ]
    if late:
        raise RollupError(
            f"截至日期 {as_of.isoformat()} 晚于这些单位导出的日期：{'、'.join(late)}。"
            "请用不晚于导出日期的 --as-of，或让这些单位重新导出。"
        )

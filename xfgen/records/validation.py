"""Checking every case file against DOMAIN.md, collecting all problems.

:func:`load_project` is the front of the pipeline: it reads the configuration,
every ``cases/**/*.yaml`` file and every ``activities/**/*.yaml`` file (in
:mod:`xfgen.records.activities`), and returns the valid records together with every
problem found (never stopping at the first). Only a broken configuration stops
it, with :class:`~xfgen.errors.ConfigError`.
"""

from __future__ import annotations

import gc
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from xfgen.errors import Problem
from xfgen.figures.deadlines import DeadlineRules, last_published_year, provisional_warning
from xfgen.records.activities import load_activities, unlisted_leaders
from xfgen.records.cache import (
    CACHE_DIR,
    CaseCache,
    CaseFile,
    CaseRef,
    Signature,
    cache_key,
    content_hash,
    signature,
)
from xfgen.records.config import load_config, load_rules, vocabularies
from xfgen.records.inputs import MAX_INPUT_BYTES, InputFolder, UnsafeInput
from xfgen.records.loading import LoadFailed, Node, Position, decode, load_file, parse
from xfgen.records.models import (
    KINDS,
    NOT_RATED,
    REVIEW_RESULTS,
    SATISFACTIONS,
    Activity,
    Case,
    Config,
    Extension,
    NotAccepted,
    Petitioner,
    ProgressStep,
    Review,
    Supervision,
)
from xfgen.records.privacy_checks import file_warnings, official_warnings, officials
from xfgen.records.schema import MAX_DAYS, Field, Reader

CASES_DIR = "cases"
WARNINGS_APART = "\n"  # a file's warnings, kept in the cache as one text (each is one line)
ID_PATTERN = re.compile(r"^[A-Za-z0-9-]+$")
FIRST_YEAR, LAST_YEAR = 1950, 2100  # a case date outside these years is a typo

_REVIEW_FIELDS = (
    Field("requested", "date", "申请日期", required=True),
    Field("decided", "date", "决定日期"),
    Field("result", "text", "结果", choices=REVIEW_RESULTS),
)

CASE_FIELDS: tuple[Field, ...] = (
    Field("id", "text", "编号", required=True, doc="编号，只含字母、数字和“-”，与文件名相同"),
    Field("received", "date", "登记日期", required=True, doc="收到信访事项的日期"),
    Field(
        "channel",
        "text",
        "信访形式",
        required=True,
        choices="channels",
        doc="来信、来访、来电、网上信访等",
    ),
    Field(
        "source",
        "text",
        "来源",
        required=True,
        choices="sources",
        doc="本级受理、上级交办、上级转送等",
    ),
    Field("people", "int", "人数", minimum=1, maximum=100_000, doc="人数（来访为人次），默认 1"),
    Field("skip_level", "bool", "是否越级", doc="越级访填 true，默认 false"),
    Field("repeat_of", "text", "重复信访所涉编号", doc="重复信访时，填此前同一事项的编号"),
    Field(
        "kind",
        "text",
        "事项性质",
        required=True,
        choices=KINDS,
        doc="建议意见类、检举控告类、申诉求决类",
    ),
    Field(
        "category", "text", "问题类别", required=True, choices="categories", doc="写成“大类/小类”"
    ),
    Field("summary", "text", "事由摘要", required=True, doc="一行，会显示在台账中"),
    Field(
        "petitioner",
        "map",
        "信访人",
        doc="个人信息，所有输出中默认脱敏",
        fields=(
            Field("name", "text", "姓名"),
            Field("phone", "text", "电话"),
            Field("id_number", "text", "身份证号"),
            Field("address", "text", "住址"),
        ),
    ),
    Field("unit", "text", "责任单位", choices="units", doc="受理后必填"),
    Field("leader", "text", "包案领导", doc="可选"),
    Field("accepted", "date", "受理日期", doc="受理日期；尚未决定时不写"),
    Field(
        "not_accepted",
        "map",
        "不予受理",
        doc="不予受理或依法分流时代替 accepted",
        fields=(
            Field("date", "date", "不予受理日期", required=True),
            Field("reason", "text", "理由"),
            Field(
                "route",
                "text",
                "分流途径",
                choices="routes",
                doc="依法分流的去向，取 xfgen.yaml 中 routes 的值；写了就必须写理由 reason",
            ),
        ),
    ),
    Field(
        "extension",
        "map",
        "延期",
        doc="经批准延期，需已受理",
        fields=(
            Field("days", "int", "延期天数", required=True, minimum=1, maximum=MAX_DAYS),
            Field("approved", "date", "批准日期", required=True),
            Field("reason", "text", "延期理由"),
        ),
    ),
    Field(
        "progress",
        "list",
        "办理过程",
        doc="办理步骤列表，日期不得倒序",
        fields=(
            Field("date", "date", "日期", required=True),
            # Kept exactly as written: a method (调解) counts only where it is the whole action.
            Field("action", "text", "事项", required=True, strip=False),
            Field("note", "multiline", "说明"),
        ),
    ),
    Field("closed", "date", "办结日期", doc="书面答复日期，需已受理"),
    Field("outcome", "text", "办理结果", choices="outcomes", doc="办结时必填"),
    Field(
        "satisfaction",
        "text",
        "满意度",
        choices=SATISFACTIONS,
        doc="满意、基本满意、不满意、未评价；默认未评价",
    ),
    Field("review", "map", "复查", fields=_REVIEW_FIELDS, doc="复查：requested、decided、result"),
    Field("recheck", "map", "复核", fields=_REVIEW_FIELDS, doc="复核，格式同复查，只能在复查之后"),
    Field(
        "supervision",
        "list",
        "督办",
        doc="上级督办记录列表（date、by、kind），日期不早于登记日期、不得倒序",
        fields=(
            Field("date", "date", "督办日期", required=True),
            Field("by", "text", "督办单位", required=True),
            Field("kind", "text", "督办类型", required=True, choices="supervision_kinds"),
        ),
    ),
    Field("notes", "multiline", "内部备注", doc="内部备注（Markdown），不会出现在任何输出中"),
)


@dataclass(frozen=True)
class Project:
    """Everything the later stages need, read and checked."""

    root: Path
    config: Config
    rules: DeadlineRules
    cases: tuple[Case, ...]  # the valid ones, in order of received, then id
    problems: tuple[Problem, ...]
    files: int
    activities: tuple[Activity, ...] = ()  # the valid ones, in order of date, then id
    warnings: tuple[str, ...] = ()  # shown by check, stats and build; never stop them

    @property
    def invalid_files(self) -> int:
        return len({p.path for p in self.problems})


Progress = Callable[[int, int], None]  # files read so far, files in all
PROGRESS_EVERY = 100  # files between two calls of the progress callback


def load_project(
    root: Path,
    today: date,
    progress: Progress | None = None,
    cache: bool = True,
    cache_root: Path | None = None,
    cases: bool = True,
) -> Project:
    """Read and validate the configuration and every case file under ``root``.

    ``progress(done, total)`` is called as case files are read. What each file
    gave alone is kept in the parse cache (:mod:`xfgen.records.cache`) of
    ``cache_root`` (``root`` by default; the cache of another folder, such as the
    project a staged copy was made from, is only read, never written), unless
    ``cache`` is false; the result is the same either way. With ``cases`` false
    (``xfgen check``, which only reports) the project holds no cases, and the
    cached cases are not even read.
    """
    with _no_cyclic_gc():
        return _load_project(root, today, progress, cache, cache_root, cases)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Python's cycle collector off while files are read: what is read holds no
    cycles, and with a hundred thousand cases kept alive each collection would walk
    them all again (it tripled the time of a check)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_project(
    root: Path,
    today: date,
    progress: Progress | None,
    cache: bool,
    cache_root: Path | None,
    want_cases: bool,
) -> Project:
    started_ns = time.time_ns()
    config = load_config(root)
    rules = load_rules(root, config)
    want_cases = want_cases or rules.uses_holiday_rule  # for the provisional years
    vocab = vocabularies(config)
    problems: list[Problem] = []
    read: list[CaseRef] = []
    every_case: list[Case] = []
    warnings: list[str] = []
    folder = root / CASES_DIR
    paths = _case_files(folder)
    store = None
    if cache:
        own = cache_root is None or cache_root == root
        store = CaseCache(
            (cache_root or root) / CACHE_DIR,
            cache_key(config, _holiday_key(rules)),
            today,
            config,
            save=own,
            want_cases=want_cases,
        )
    inputs = InputFolder(root, folder)
    # A case file found by the walk lies in a real folder below cases/: it is inside
    # the repository, without reading, when cases/ itself is.
    stat_ok = store is not None and _inside(root, folder)
    for done, (rel, path, info) in enumerate(paths, start=1):
        result = None
        sig = signature(info, started_ns) if stat_ok and info is not None else None
        if store is not None and sig is not None and sig[0] <= MAX_INPUT_BYTES:
            result = store.get(rel, sig, None)
        if result is None:
            is_link = None if info is None else stat.S_ISLNK(info.st_mode)
            result = _check_file(
                path, rel, is_link, inputs, vocab, config, rules, today, store, sig
            )
        problems.extend(result.problems)
        if result.ref is not None:
            read.append(result.ref)
            if want_cases:
                assert result.case is not None
                every_case.append(result.case)
        if result.warning:
            warnings += result.warning.split(WARNINGS_APART)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(paths)):
            progress(done, len(paths))
    if store is not None:
        store.save()
    _check_across_files(read, problems)
    _check_repeat_cycles(read, problems)
    stems = {_stem(rel) for rel, _, _ in paths}
    activity_positions: dict[str, dict[str, Position]] = {}
    activities, activity_files = load_activities(
        root, vocab, {c.id: c.received for c in read}, today, problems, stems, activity_positions
    )
    warnings += official_warnings(
        ((r.path, r.name, r.reporting, r.officials) for r in read), activities, activity_positions
    )
    if config.leader_levels:
        warnings += unlisted_leaders(root, activities, config.leaders, config.leader_levels[0])
    invalid = {p.path for p in problems}
    cases = sorted(
        (c for c in every_case if c.path not in invalid), key=lambda c: (c.received, c.id)
    )
    provisional = rules.provisional_years(cases)
    if provisional:
        warnings.append(provisional_warning(provisional, last_published_year()))
    return Project(
        root,
        config,
        rules,
        tuple(cases),
        tuple(sorted(problems)),
        len(paths) + activity_files,
        tuple(activities),
        tuple(warnings),
    )


def _case_files(folder: Path) -> list[tuple[str, str, os.stat_result | None]]:
    """Every ``cases/**/*.yaml`` (what ``folder.glob("**/*.yaml")`` finds, in the same
    order): its name for messages, its path and what ``lstat`` says of it (None when
    that failed). Folders that are links are not entered."""
    files: list[tuple[str, str, os.stat_result | None]] = []

    def walk(directory: str, prefix: str) -> None:
        try:
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except PermissionError:
            return
        # In name order, a file before the folder of the same name: the order in
        # which sorted() puts the paths glob() finds (part by part).
        for entry in entries:
            name = entry.name
            if name.endswith(".yaml"):
                try:
                    info: os.stat_result | None = entry.stat(follow_symlinks=False)
                except OSError:
                    info = None
                files.append((prefix + name, entry.path, info))
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                walk(entry.path, prefix + name + "/")

    if folder.is_dir():
        walk(str(folder), CASES_DIR + "/")
    return files


def _stem(rel: str) -> str:
    """``Path(rel).stem`` of a name ending in ``.yaml``, without making a Path."""
    name = rel.rpartition("/")[2]
    return name if name == ".yaml" else name[:-5]


def _inside(root: Path, folder: Path) -> bool:
    try:
        return folder.resolve(strict=True).is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError):
        return False


def _holiday_key(rules: DeadlineRules) -> str:
    """What the checks of one file take from the holiday calendar, as text."""
    calendar = rules.holidays
    if not rules.uses_holiday_rule or calendar is None:
        return ""
    from importlib.metadata import version

    office = calendar.office
    return repr(
        (
            version("holidays"),
            sorted(office.rest_days),
            sorted(office.workdays),
            sorted(office.years),
        )
    )


def _check_file(
    name: str,
    rel: str,
    is_link: bool | None,
    inputs: InputFolder,
    vocab: dict[str, tuple[str, ...]],
    config: Config,
    rules: DeadlineRules,
    today: date,
    store: CaseCache | None,
    sig: Signature | None,
) -> CaseFile:
    """Read and check one case file (or take it from the cache by its content)."""
    try:
        data = inputs.read(name, rel, is_link)
    except UnsafeInput as exc:  # not cached: its problem is not in its content
        return CaseFile((Problem(rel, 1, 1, "(文件)", exc.reason),))
    digest = content_hash(data) if store is not None else ""
    if store is not None:
        cached = store.get(rel, sig, digest)
        if cached is not None:
            return cached
    problems: list[Problem] = []
    reader = Reader(rel, vocab, problems)
    try:
        node = parse(decode(data))
    except LoadFailed as failed:
        p = failed.problem
        result = CaseFile((Problem(rel, p.pos.line, p.pos.column, p.field, p.message),))
    else:
        case = _case_of(node, _stem(rel), reader, config, rules, today)
        if case is None:
            result = CaseFile(tuple(problems))
        else:
            positions = reader.positions
            ref = CaseRef(
                case.id, rel, case.received, case.repeat_of, positions["id"], positions["repeat_of"],
                case.petitioner.name, case.is_reporting,
                tuple((f, v, *positions.get(f, Position(1, 1))) for f, _, v in officials(case)),
            )  # fmt: skip
            result = CaseFile(
                tuple(problems),
                ref,
                case,
                WARNINGS_APART.join(file_warnings(case, positions)) or None,
                max((day for _, day in _dates(case)), default=None),
            )
    if store is not None:
        store.put(rel, sig, digest, result)
    return result


def check_case_file(
    path: Path, rel: str, config: Config, rules: DeadlineRules, today: date
) -> tuple[Case | None, list[Problem]]:
    """Check one file exactly as ``xfgen check`` would, before it joins the tree.

    ``rel`` is where it is to go (``cases/2026/XF2026-0001.yaml``); the case is
    returned only when no problem was found. Checks across files (unique ids,
    ``repeat_of``) are the caller's.
    """
    problems: list[Problem] = []
    reader = Reader(rel, vocabularies(config), problems)
    case = _read_case(path, path.parent, path.parent, reader, config, rules, today)
    return (None if problems else case), problems


def _read_case(
    path: Path,
    root: Path,
    area: Path,
    reader: Reader,
    config: Config,
    rules: DeadlineRules,
    today: date,
) -> Case | None:
    """The case in ``path`` (read from the folder ``area`` of the repository at ``root``)
    if its fields could be read, checked or not."""
    try:
        node = load_file(path, root, area)
    except LoadFailed as failed:
        p = failed.problem
        reader.problems.append(Problem(reader.path, p.pos.line, p.pos.column, p.field, p.message))
        return None
    return _case_of(node, path.stem, reader, config, rules, today)


def _case_of(
    node: Node, stem: str, reader: Reader, config: Config, rules: DeadlineRules, today: date
) -> Case | None:
    """The case of a parsed file if its fields could be read, checked or not."""
    before = len(reader.problems)
    values = reader.read_mapping(node, CASE_FIELDS)
    if values is None or len(reader.problems) > before:
        return None
    case = _build_case(values, reader.path)
    _check_case(case, stem, reader, config, rules, today)
    return case


def _build_case(v: dict[str, Any], path: str) -> Case:
    def part(cls: type, key: str) -> Any:
        return cls(**v[key]) if v.get(key) is not None else None

    return Case(
        id=v["id"],
        path=path,
        received=v["received"],
        channel=v["channel"],
        source=v["source"],
        kind=v["kind"],
        category=v["category"],
        summary=v["summary"],
        people=v.get("people", 1),
        skip_level=v.get("skip_level", False),
        repeat_of=v.get("repeat_of"),
        petitioner=part(Petitioner, "petitioner") or Petitioner(),
        unit=v.get("unit"),
        leader=v.get("leader"),
        accepted=v.get("accepted"),
        not_accepted=part(NotAccepted, "not_accepted"),
        extension=part(Extension, "extension"),
        progress=tuple(ProgressStep(**step) for step in v.get("progress") or ()),
        closed=v.get("closed"),
        outcome=v.get("outcome"),
        satisfaction=v.get("satisfaction", NOT_RATED),
        review=part(Review, "review"),
        recheck=part(Review, "recheck"),
        supervision=tuple(Supervision(**entry) for entry in v.get("supervision") or ()),
        notes=v.get("notes"),
    )


def _check_case(
    case: Case, stem: str, reader: Reader, config: Config, rules: DeadlineRules, today: date
) -> None:
    """The consistency rules of DOMAIN.md that concern one file."""

    def problem(field: str, message: str) -> None:
        reader.problem(reader.positions.get(field, Position(1, 1)), field, message)

    if not ID_PATTERN.match(case.id):
        problem("id", f"编号 “{case.id}” 只能包含英文字母、数字和“-”。")
    elif case.id != stem:
        problem(
            "id", f"编号 “{case.id}” 与文件名 “{stem}.yaml” 不一致：文件名应为 {case.id}.yaml。"
        )

    out_of_range = False
    for field, day in _dates(case):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            out_of_range = True
            problem(
                field,
                f"日期 {day.isoformat()} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间，请检查年份。",
            )
        elif day > today:
            problem(
                field,
                f"日期 {day.isoformat()} 晚于今天（{today.isoformat()}），不能填写将来的日期。",
            )

    if case.accepted is not None and case.not_accepted is not None:
        problem("not_accepted", "accepted（受理）和 not_accepted（不予受理）不能同时填写。")
    decided_field = "accepted" if case.accepted is not None else "not_accepted.date"
    if case.decided is not None and case.decided < case.received:
        problem(decided_field, f"受理决定日期 {case.decided} 早于登记日期 {case.received}。")
    if case.accepted is not None and case.unit is None:
        problem("unit", "已受理的事项必须填写责任单位 unit。")
    if case.not_accepted is not None and case.not_accepted.route and not case.not_accepted.reason:
        problem(
            "not_accepted.route",
            f"依法分流至“{case.not_accepted.route}”的事项必须写明理由 not_accepted.reason。",
        )

    if case.closed is not None:
        if case.accepted is None:
            problem("closed", "未受理的事项不能填写办结日期 closed：请先填写受理日期 accepted。")
        elif case.closed < case.accepted:
            problem("closed", f"办结日期 {case.closed} 早于受理日期 {case.accepted}。")
        if case.outcome is None:
            problem("outcome", "已办结（填了 closed）的事项必须填写办理结果 outcome。")
    else:
        if case.outcome is not None:
            problem("outcome", "办理结果 outcome 只能在办结（填写 closed）后填写。")
        if case.satisfaction != NOT_RATED:
            problem(
                "satisfaction", f"满意度 “{case.satisfaction}” 只能在办结（填写 closed）后填写。"
            )

    if not out_of_range:  # deadlines cannot be counted from such a date
        _check_extension(case, problem, config, rules)
    _check_progress(case, reader)
    _check_reviews(case, problem)
    _check_supervision(case, problem)


def _check_extension(case: Case, problem: Any, config: Config, rules: DeadlineRules) -> None:
    ext = case.extension
    if ext is None:
        return
    if case.accepted is None:
        problem("extension", "延期 extension 需要先受理（填写 accepted）。")
        return
    if ext.days > config.deadlines.max_extension_days:
        problem(
            "extension.days",
            f"延期天数 {ext.days} 超过了最长延期 {config.deadlines.max_extension_days} 日。",
        )
    original = rules.original_deadline(case)
    assert original is not None
    if ext.approved < case.accepted:
        problem("extension.approved", f"延期批准日期 {ext.approved} 早于受理日期 {case.accepted}。")
    elif ext.approved > original:
        problem(
            "extension.approved",
            f"延期批准日期 {ext.approved} 晚于原办理期限 {original}：延期须在期限届满前批准。",
        )
    if case.closed is not None and ext.approved > case.closed:
        problem("extension.approved", f"延期批准日期 {ext.approved} 晚于办结日期 {case.closed}。")


def _check_progress(case: Case, reader: Reader) -> None:
    for i in range(1, len(case.progress)):
        if case.progress[i].date < case.progress[i - 1].date:
            field = f"progress[{i + 1}].date"
            reader.problem(
                reader.positions.get(field, Position(1, 1)),
                field,
                f"办理过程的日期 {case.progress[i].date} 早于上一步的 {case.progress[i - 1].date}：请按时间顺序填写。",
            )


def _check_supervision(case: Case, problem: Any) -> None:
    """督办 entries: on or after the day the case was received, in date order."""
    for i, entry in enumerate(case.supervision, start=1):
        field = f"supervision[{i}].date"
        if entry.date < case.received:
            problem(field, f"督办日期 {entry.date} 早于登记日期 {case.received}。")
        elif i > 1 and entry.date < case.supervision[i - 2].date:
            problem(
                field,
                f"督办日期 {entry.date} 早于上一条督办的 {case.supervision[i - 2].date}：请按时间顺序填写。",
            )


def _check_reviews(case: Case, problem: Any) -> None:
    for key, label, review in (("review", "复查", case.review), ("recheck", "复核", case.recheck)):
        if review is None:
            continue
        if review.decided is not None and review.decided < review.requested:
            problem(
                f"{key}.decided",
                f"{label}决定日期 {review.decided} 早于申请日期 {review.requested}。",
            )
        if review.decided is not None and review.result is None:
            problem(
                f"{key}.result", f"已有{label}决定日期，必须填写结果 result（维持、撤销或变更）。"
            )
        if review.result is not None and review.decided is None:
            problem(f"{key}.decided", f"填写了{label}结果，必须同时填写决定日期 decided。")
    if case.review is not None:
        if case.closed is None:
            problem("review", "复查 review 只能针对已办结（填写 closed）的事项。")
        elif case.review.requested < case.closed:
            problem(
                "review.requested",
                f"复查申请日期 {case.review.requested} 早于办结日期 {case.closed}。",
            )
    if case.recheck is not None:
        if case.review is None or case.review.decided is None:
            problem("recheck", "复核 recheck 只能在复查作出决定（review.decided）之后。")
        elif case.recheck.requested < case.review.decided:
            problem(
                "recheck.requested",
                f"复核申请日期 {case.recheck.requested} 早于复查决定日期 {case.review.decided}。",
            )


def _dates(case: Case) -> list[tuple[str, date]]:
    found: list[tuple[str, date | None]] = [
        ("received", case.received),
        ("accepted", case.accepted),
        ("closed", case.closed),
    ]
    if case.not_accepted:
        found.append(("not_accepted.date", case.not_accepted.date))
    if case.extension:
        found.append(("extension.approved", case.extension.approved))
    for i, step in enumerate(case.progress, start=1):
        found.append((f"progress[{i}].date", step.date))
    for key, review in (("review", case.review), ("recheck", case.recheck)):
        if review:
            found += [(f"{key}.requested", review.requested), (f"{key}.decided", review.decided)]
    for i, entry in enumerate(case.supervision, start=1):
        found.append((f"supervision[{i}].date", entry.date))
    return [(f, d) for f, d in found if d is not None]


def _check_across_files(read: list[CaseRef], problems: list[Problem]) -> None:
    """Unique ids and repeat_of links."""
    by_id: dict[str, CaseRef] = {}  # ids are unique ignoring letter case: QC-1 is qc-1
    for case in read:
        first = by_id.get(case.id.upper())
        if first is None:
            by_id[case.id.upper()] = case
            continue
        pos = case.id_pos
        problems.append(
            Problem(
                case.path,
                pos.line,
                pos.column,
                "id",
                f"编号 {case.id} 重复：{first.path} 已使用这个编号"
                + ("。" if first.id == case.id else f"（{first.id}，编号不区分大小写）。"),
            )
        )
    for case in read:
        if case.repeat_of is None:
            continue
        pos = case.repeat_pos
        earlier = by_id.get(case.repeat_of.upper())
        message = None
        if earlier is None:
            message = f"找不到编号为 {case.repeat_of} 的事项：repeat_of 应填此前已登记事项的编号。"
        elif earlier.id.upper() == case.id.upper():
            message = "repeat_of 不能填写本事项自己的编号。"
        elif earlier.received > case.received:
            message = (
                f"{case.repeat_of} 的登记日期 {earlier.received} 晚于本事项的 {case.received}："
                "repeat_of 应指向更早登记的事项。"
            )
        if message:
            problems.append(Problem(case.path, pos.line, pos.column, "repeat_of", message))


def _check_repeat_cycles(read: list[CaseRef], problems: list[Problem]) -> None:
    """Following ``repeat_of`` must never come back to a case: each file of a cycle is an error.

    Links between cases received on the same day are allowed, so a cycle can
    only join same-day cases; a link to the case itself is reported elsewhere.
    """
    by_id: dict[str, CaseRef] = {}  # by id ignoring letter case
    for case in read:
        by_id.setdefault(case.id.upper(), case)
    done: set[str] = set()
    for start in read:
        path: dict[str, int] = {}  # id -> place on the path followed from start
        current: str | None = start.id.upper()
        while current is not None and current not in done and current not in path:
            path[current] = len(path)
            found = by_id.get(current)
            link = found.repeat_of.upper() if found and found.repeat_of else None
            current = link if link != current else None
        if current is not None and current in path:
            cycle = [by_id[key] for key in list(path)[path[current] :]]
            chain = " → ".join(case.id for case in [*cycle, cycle[0]])
            for case in cycle:
                pos = by_id[case.id.upper()].repeat_pos
                problems.append(
                    Problem(
                        case.path,
                        pos.line,
                        pos.column,
                        "repeat_of",
                        f"重复信访的关联形成了循环（{chain}）：repeat_of 应指向最初的事项，"
                        "请删去其中一处关联。",
                    )
                )
        done.update(path)

"""What happened to the records since a revision: the question every meeting starts with.

:func:`changes_since` compares the records at an earlier commit (a tag such as
``meeting-2026-10``, a commit, or the last commit before a date) with the
records now (the working tree, as ``xfgen build`` reads it): cases newly
registered, accepted, closed or extended, cases gone overdue since, and records
edited after they had been closed, with the commit's author and time. Nothing
about petitioners is kept here: a case is shown by id, date, category and unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from xfgen.errors import ConfigError
from xfgen.figures.compute import case_status
from xfgen.figures.deadlines import DeadlineRules
from xfgen.records.inputs import MAX_INPUT_BYTES
from xfgen.records.loading import LoadFailed, Mapping, Scalar, parse
from xfgen.records.models import Case
from xfgen.records.validation import CASES_DIR, Project, load_project
from xfgen.site.history import (
    SHALLOW_HINT,
    GitError,
    blob_size,
    check_history,
    git,
    is_shallow,
    repository_prefix,
    tree_at,
)

MEETING_TAGS = "meeting-*"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# (key, heading, what the event's date is) in the order a meeting goes through them
EVENT_KINDS = (
    ("new", "新登记", "登记日期"),
    ("accepted", "新受理", "受理日期"),
    ("closed", "新办结", "办结日期"),
    ("extended", "新延期", "延期批准日期"),
    ("overdue", "新超期", "办理期限"),
)
LATE_EDITS = "办结后又修改的记录"
PAGE = "changes.html"
PAGE_TITLE = "上次会议以来的变化"


@dataclass(frozen=True)
class CaseEvent:
    case: Case
    day: date | None  # the record's own date for the event


@dataclass(frozen=True)
class LateEdit:
    """A change to a record that was already closed."""

    case_id: str
    path: str  # relative to the repository root of the records
    author: str  # the commit's author; "" for an uncommitted change
    when: datetime | None  # None for an uncommitted change
    commit: str  # short hash; "" for an uncommitted change


@dataclass(frozen=True)
class Changes:
    since: str  # as the user gave it
    base: str | None  # short hash of the compared commit; None: before the first commit
    base_day: date  # "since" this day: the commit's day, or the date given
    today: date
    events: dict[str, tuple[CaseEvent, ...]]  # keyed as EVENT_KINDS
    late_edits: tuple[LateEdit, ...]

    @property
    def empty(self) -> bool:
        return not self.late_edits and not any(self.events.values())


def latest_meeting_tag(root: Path) -> str | None:
    """The newest tag named ``meeting-*`` (by the tagged commit's date), if any."""
    try:
        found = git(
            root, "for-each-ref", "--sort=-creatordate", "--count=1",
            "--format=%(refname:short)", f"refs/tags/{MEETING_TAGS}",
        ).strip()  # fmt: skip
    except GitError:
        return None
    return found or None


def changes_since(root: Path, since: str, today: date, now: Project | None = None) -> Changes:
    """The changes to the records in ``root`` since ``since`` (a tag, commit or YYYY-MM-DD)."""
    check_history(root)
    base, base_day = resolve(root, since)
    now = now or load_project(root, today)
    with tree_at(root, base) as old_root:
        old_ids = _case_ids(old_root)
        try:
            old = {c.id: c for c in load_project(old_root, today).cases}
        except ConfigError:  # no (valid) configuration yet back then
            old = {}
    rules = now.rules
    events: dict[str, list[CaseEvent]] = {key: [] for key, _, _ in EVENT_KINDS}
    for case in now.cases:
        before = old.get(case.id)
        if case.id not in old_ids:
            events["new"].append(CaseEvent(case, case.received))
        if case.accepted and not (before and before.accepted):
            events["accepted"].append(CaseEvent(case, case.accepted))
        if case.closed and not (before and before.closed):
            events["closed"].append(CaseEvent(case, case.closed))
        if case.extension and not (before and before.extension):
            events["extended"].append(CaseEvent(case, case.extension.approved))
        if _gone_overdue(case, rules, base_day, today):
            events["overdue"].append(CaseEvent(case, rules.handling_deadline(case, today)))
    return Changes(
        since=since,
        base=git(root, "rev-parse", "--short", base).strip() if base else None,
        base_day=base_day,
        today=today,
        events={k: tuple(sorted(v, key=_event_order)) for k, v in events.items()},
        late_edits=tuple(late_edits(root, base)),
    )


def resolve(root: Path, since: str) -> tuple[str | None, date]:
    """The commit to compare with and the day it stands for.

    A date means the records as they were at the start of that day: the last
    commit before it (None if there was none yet). In a shallow clone the commit
    must be one it holds, with the history from it to now: otherwise every record
    would look new, and the comparison is refused.
    """
    shallow = is_shallow(root)
    if _DATE.match(since):
        try:
            day = date.fromisoformat(since)
        except ValueError:
            raise GitError(f"“{since}” 不是有效的日期。") from None
        found = git(root, "rev-list", "-1", f"--before={since} 00:00:00", "HEAD").strip()
        if shallow and not (found and _leads_to_head(root, found)):
            raise GitError(_shallow_message(since))
        return found or None, day
    try:
        commit = git(root, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}").strip()
    except GitError:
        raise GitError(
            f"找不到 “{since}”：--since 应为标签（如 meeting-2026-10）、提交编号或 YYYY-MM-DD 日期。"
            + (_shallow_message(since) if shallow else "")
        ) from None
    if shallow and not _leads_to_head(root, commit):
        raise GitError(_shallow_message(since))
    day = date.fromisoformat(git(root, "show", "-s", "--format=%cs", commit).strip())
    return commit, day


def _leads_to_head(root: Path, commit: str) -> bool:
    """Whether the history from ``commit`` to HEAD is all there."""
    try:
        git(root, "merge-base", "--is-ancestor", commit, "HEAD")
    except GitError:
        return False
    return True


def _shallow_message(since: str) -> str:
    return (
        f"这是一个浅克隆（git clone --depth），缺少 {since} 以来的部分历史，无法比较"
        f"（否则全部记录都会被当作新登记）：{SHALLOW_HINT}"
    )


def late_edits(root: Path, base: str | None) -> list[LateEdit]:
    """Commits since ``base`` (and uncommitted changes) to records that were already closed."""
    top, prefix = repository_prefix(root)
    span = f"{base}..HEAD" if base else "HEAD"
    try:
        log = git(
            root, "log", "--no-renames", "--format=%x1e%h%x1f%H%x1f%an%x1f%aI%x1f%P",
            "--name-only", span, "--", CASES_DIR,
        )  # fmt: skip
    except GitError:  # no commit at all yet
        log = ""
    found: list[LateEdit] = []
    for record in log.split("\x1e")[1:]:
        head, _, names = record.partition("\n")
        short, _full, author, when, parents = head.split("\x1f")
        if not parents:
            continue  # the first commit: nothing was closed before it
        parent = parents.split()[0]
        for name in names.split():
            if name.endswith(".yaml") and _was_closed(top, f"{parent}:{name}"):
                rel = name.removeprefix(prefix)
                found.append(
                    LateEdit(Path(rel).stem, rel, author, datetime.fromisoformat(when), short)
                )
    # Porcelain status names paths from the top of the repository.
    status = git(
        root, "status", "--porcelain", "-z", "--untracked-files=no", "--no-renames", "--", CASES_DIR
    )
    for entry in status.split("\0"):
        full = entry[3:]
        if "M" in entry[:2] and full.endswith(".yaml") and _was_closed(top, f"HEAD:{full}"):
            found.append(LateEdit(Path(full).stem, full.removeprefix(prefix), "", None, ""))
    found.sort(key=lambda e: (e.when is None, e.when or datetime.min, e.case_id))
    return found


def _was_closed(top: Path, blob: str) -> bool:
    """Whether the record at ``blob`` (``rev:path``) had a closing date (a file larger
    than a record may be is not read: it was no valid record)."""
    size = blob_size(top, blob)
    if size is None or size > MAX_INPUT_BYTES:
        return False
    try:
        text = git(top, "show", blob)
        node = parse(text)
    except (GitError, LoadFailed):
        return False
    if not isinstance(node, Mapping):
        return False
    return any(
        key.text == "closed" and isinstance(value, Scalar) and value.text.strip() not in ("", "~")
        for key, value in node.items
    )


def _gone_overdue(case: Case, rules: DeadlineRules, base_day: date, today: date) -> bool:
    return (
        case_status(case, rules, today).overdue and not case_status(case, rules, base_day).overdue
    )


def _case_ids(root: Path) -> set[str]:
    folder = root / CASES_DIR
    return {p.stem for p in folder.glob("**/*.yaml")} if folder.is_dir() else set()


def _event_order(event: CaseEvent) -> tuple[date, str]:
    return (event.day or date.min, event.case.id)

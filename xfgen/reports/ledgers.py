"""The rows of the ledgers (台账), ready to print: one row per case, masked.

Which cases a ledger holds and each case's state come from :mod:`xfgen.figures.compute`;
this module only picks the columns and turns values into display text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from xfgen.figures.compute import CaseStatus
from xfgen.reports.privacy import petitioner_view

FLAG_OVERDUE = "超期"
FLAG_DUE_SOON = "临期"
EMPTY = ""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    weight: float  # relative width: ledgers use a fixed table layout (PDF-NOTES.md)
    wraps: bool = True  # False for ids, dates and short terms, which must not break
    numeric: bool = False  # right-aligned


@dataclass(frozen=True)
class LedgerRow:
    cells: dict[str, str]
    flag: str  # "", 超期 or 临期: the row is highlighted


@dataclass(frozen=True)
class Ledger:
    kind: str  # register | open | backlog
    title: str
    columns: tuple[Column, ...]
    rows: tuple[LedgerRow, ...]
    note: str  # one line under the title: what the ledger holds

    @property
    def widths(self) -> tuple[str, ...]:
        """Each column's share of the table width, as CSS percentages."""
        total = sum(c.weight for c in self.columns)
        return tuple(f"{c.weight / total * 100:.2f}%" for c in self.columns)


_C = Column
NOWRAP, NUMBER = {"wraps": False}, {"wraps": False, "numeric": True}
REGISTER_COLUMNS = (
    _C("number", "序号", 7, **NUMBER), _C("id", "编号", 22, **NOWRAP), _C("received", "登记日期", 17, **NOWRAP),
    _C("channel", "信访形式", 15, **NOWRAP), _C("people", "人数", 7, **NUMBER), _C("petitioner", "信访人", 12),
    _C("summary", "反映问题", 44), _C("category", "问题类别", 24), _C("unit", "责任单位", 20), _C("leader", "包案领导", 22),
    _C("accepted", "受理日期", 17, **NOWRAP), _C("deadline", "办理期限", 17, **NOWRAP), _C("closed", "办结日期", 17, **NOWRAP),
    _C("outcome", "办理结果", 15, **NOWRAP), _C("satisfaction", "满意度", 15, **NOWRAP), _C("status", "状态", 17, **NOWRAP),
)  # fmt: skip
OPEN_COLUMNS = (
    _C("number", "序号", 7, **NUMBER), _C("id", "编号", 22, **NOWRAP), _C("received", "登记日期", 17, **NOWRAP),
    _C("channel", "信访形式", 15, **NOWRAP), _C("petitioner", "信访人", 12), _C("summary", "反映问题", 52),
    _C("category", "问题类别", 26), _C("unit", "责任单位", 22), _C("leader", "包案领导", 24),
    _C("accepted", "受理日期", 17, **NOWRAP), _C("deadline", "办理期限", 17, **NOWRAP),
    _C("days_left", "剩余天数", 15, **NUMBER), _C("status", "状态", 26),
)  # fmt: skip
BACKLOG_COLUMNS = (
    _C("number", "序号", 7, **NUMBER), _C("id", "编号", 22, **NOWRAP), _C("received", "登记日期", 17, **NOWRAP),
    _C("petitioner", "信访人", 12), _C("summary", "反映问题", 58), _C("category", "问题类别", 26),
    _C("unit", "责任单位", 22), _C("leader", "包案领导", 24), _C("accepted", "受理日期", 17, **NOWRAP),
    _C("age", "已历时（天）", 19, **NUMBER), _C("deadline", "办理期限", 17, **NOWRAP), _C("status", "状态", 20, **NOWRAP),
)  # fmt: skip


def privacy_note(internal: bool) -> str:
    if internal:
        return "内部资料：信访人信息未脱敏（检举控告类事项仍不显示），注意保密。"
    return "信访人姓名已脱敏；检举控告类事项不显示信访人信息。"


def _day(value: date | None) -> str:
    return value.isoformat() if value else EMPTY


def _cells(number: int, status: CaseStatus, internal: bool) -> dict[str, str]:
    case = status.case
    return {
        "number": str(number),
        "id": case.id,
        "received": _day(case.received),
        "channel": case.channel,
        "people": str(case.people),
        "petitioner": petitioner_view(case, internal).name,
        "summary": case.summary,
        "category": case.category,
        "unit": case.unit or EMPTY,
        "leader": case.leader or EMPTY,
        "accepted": _day(status.accepted) or ("不予受理" if status.not_accepted else EMPTY),
        "deadline": _day(status.deadline),
        "closed": _day(status.closed),
        "outcome": status.outcome or EMPTY,
        "satisfaction": status.satisfaction or EMPTY,
        "status": status.label,
        "days_left": EMPTY if status.days_left is None else str(status.days_left),
        "age": str((status.as_of - status.accepted).days) if status.accepted else EMPTY,
    }


def _flag(status: CaseStatus) -> str:
    if status.overdue:
        return FLAG_OVERDUE
    return FLAG_DUE_SOON if status.due_soon else EMPTY


def register_ledger(statuses: Sequence[CaseStatus], title: str, internal: bool) -> Ledger:
    """信访事项登记台账: the cohort in order of receipt."""
    rows = tuple(LedgerRow(_cells(i, s, internal), EMPTY) for i, s in enumerate(statuses, start=1))
    return Ledger(
        "register",
        title,
        REGISTER_COLUMNS,
        rows,
        f"共 {len(rows)} 件，按登记日期排列。{privacy_note(internal)}",
    )


def open_ledger(statuses: Sequence[CaseStatus], title: str, internal: bool) -> Ledger:
    """在办事项台账: open accepted cases, soonest deadline first, flagged 超期 / 临期."""
    rows = []
    for i, s in enumerate(statuses, start=1):
        cells = _cells(i, s, internal)
        flag = _flag(s)
        if flag == FLAG_OVERDUE:
            cells["days_left"] = "—"
            cells["status"] = f"{FLAG_OVERDUE} {-(s.days_left or 0)} 天"
        elif flag == FLAG_DUE_SOON:
            cells["status"] = (
                f"{FLAG_DUE_SOON}（{s.days_left} 天后到期）"
                if s.days_left
                else f"{FLAG_DUE_SOON}（今日到期）"
            )
        rows.append(LedgerRow(cells, flag))
    overdue = sum(1 for r in rows if r.flag == FLAG_OVERDUE)
    soon = sum(1 for r in rows if r.flag == FLAG_DUE_SOON)
    note = f"共 {len(rows)} 件在办，其中超期 {overdue} 件、临期（7 天内到期）{soon} 件；按办理期限排列。{privacy_note(internal)}"
    return Ledger("open", title, OPEN_COLUMNS, tuple(rows), note)


def backlog_ledger(statuses: Sequence[CaseStatus], title: str, internal: bool) -> Ledger:
    """积案台账: accepted more than 365 days ago and still open, oldest first."""
    rows = tuple(
        LedgerRow(_cells(i, s, internal), _flag(s)) for i, s in enumerate(statuses, start=1)
    )
    return Ledger(
        "backlog",
        title,
        BACKLOG_COLUMNS,
        rows,
        f"共 {len(rows)} 件积案（受理超过 365 天仍未办结），按受理日期排列。{privacy_note(internal)}",
    )

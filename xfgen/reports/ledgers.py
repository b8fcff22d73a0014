"""The rows of the ledgers (台账), ready to print: one row per case, masked.

Which cases a ledger holds and each case's state come from :mod:`xfgen.figures.compute`;
this module only picks the columns and turns values into display text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from xfgen.figures.compute import CaseStatus
from xfgen.figures.office_work import Activities
from xfgen.records.models import Activity, Supervision
from xfgen.reports.privacy import Privacy

FLAG_OVERDUE = "超期"
FLAG_DUE_SOON = "临期"
STATE_OPEN = "在办"
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
    group_start: bool = False  # the first row of a group (领导包案台账: of a leader)
    state: str = ""  # 超期, 临期, 在办 or "": what the site's status filter selects by


@dataclass(frozen=True)
class Ledger:
    kind: str  # register | open | backlog
    title: str
    columns: tuple[Column, ...]
    rows: tuple[LedgerRow, ...]
    note: str  # one line under the title: what the ledger holds
    # The date column the rows are in order of: long ledgers are printed in parts cut
    # at its month boundaries, so an edit inside one month changes one part.
    month_key: str = ""

    @property
    def cell_specs(self) -> tuple[tuple[str, str], ...]:
        """(key, class of its cells) of each column: worked out once, not once a cell."""
        return tuple(
            (col.key, ("num" if col.numeric else "") + ("" if col.wraps else " nowrap"))
            for col in self.columns
        )

    def month(self, row: LedgerRow) -> str:
        """The row's month (YYYY-MM) in the ledger's order, or "" when it has none."""
        return row.cells.get(self.month_key, "")[:7] if self.month_key else ""

    @property
    def widths(self) -> tuple[str, ...]:
        """Each column's share of the table width, as CSS percentages."""
        total = sum(c.weight for c in self.columns)
        return tuple(f"{c.weight / total * 100:.2f}%" for c in self.columns)


_C = Column
NOWRAP, NUMBER = {"wraps": False}, {"wraps": False, "numeric": True}
REGISTER_COLUMNS = (
    _C("number", "序号", 7, **NUMBER), _C("id", "编号", 22, **NOWRAP), _C("received", "登记日期", 19, **NOWRAP),
    _C("channel", "信访形式", 15, **NOWRAP), _C("people", "人数", 7, **NUMBER), _C("petitioner", "信访人", 12),
    _C("summary", "反映问题", 38), _C("category", "问题类别", 24), _C("unit", "责任单位", 20), _C("leader", "包案领导", 22),
    _C("accepted", "受理日期", 19, **NOWRAP), _C("deadline", "办理期限", 19, **NOWRAP), _C("closed", "办结日期", 19, **NOWRAP),
    _C("outcome", "办理结果", 15, **NOWRAP), _C("satisfaction", "满意度", 15, **NOWRAP), _C("status", "状态", 17, **NOWRAP),
)  # fmt: skip
OPEN_COLUMNS = (
    _C("number", "序号", 7, **NUMBER), _C("id", "编号", 22, **NOWRAP), _C("received", "登记日期", 19, **NOWRAP),
    _C("channel", "信访形式", 15, **NOWRAP), _C("petitioner", "信访人", 12), _C("summary", "反映问题", 52),
    _C("category", "问题类别", 26), _C("unit", "责任单位", 22), _C("leader", "包案领导", 24),
    _C("accepted", "受理日期", 19, **NOWRAP), _C("deadline", "办理期限", 19, **NOWRAP),
    _C("days_left", "剩余天数", 15, **NUMBER), _C("status", "状态", 26),
)  # fmt: skip
BACKLOG_COLUMNS = (
    _C("number", "序号", 7, **NUMBER), _C("id", "编号", 22, **NOWRAP), _C("received", "登记日期", 19, **NOWRAP),
    _C("petitioner", "信访人", 12), _C("summary", "反映问题", 58), _C("category", "问题类别", 26),
    _C("unit", "责任单位", 22), _C("leader", "包案领导", 24), _C("accepted", "受理日期", 19, **NOWRAP),
    _C("age", "已历时（天）", 19, **NUMBER), _C("deadline", "办理期限", 19, **NOWRAP), _C("status", "状态", 20, **NOWRAP),
)  # fmt: skip
# Office work (DOMAIN.md "Ledgers"): no petitioner column in any of them.
LEADER_COLUMNS = (
    _C("leader", "包案领导", 30), _C("id", "编号", 22, **NOWRAP), _C("received", "登记日期", 19, **NOWRAP),
    _C("summary", "反映问题", 70), _C("unit", "责任单位", 24), _C("deadline", "办理期限", 19, **NOWRAP),
    _C("closed", "办结日期", 19, **NOWRAP), _C("outcome", "办理结果", 16, **NOWRAP), _C("status", "状态", 18, **NOWRAP),
)  # fmt: skip
SUPERVISION_COLUMNS = (
    _C("id", "编号", 22, **NOWRAP), _C("supervised", "督办日期", 17, **NOWRAP), _C("by", "督办单位", 28),
    _C("supervision_kind", "督办类型", 18), _C("summary", "反映问题", 66), _C("unit", "责任单位", 24),
    _C("deadline", "办理期限", 19, **NOWRAP), _C("closed", "办结日期", 19, **NOWRAP), _C("status", "状态", 18, **NOWRAP),
)  # fmt: skip
ACTIVITY_COLUMNS = (
    _C("date", "日期", 17, **NOWRAP), _C("kind", "形式", 12, **NOWRAP), _C("leader", "领导", 34),
    _C("level", "层级", 18), _C("batches", "批次", 10, **NUMBER), _C("people", "人次", 10, **NUMBER),
    _C("place", "地点", 36), _C("summary", "内容", 80),
)  # fmt: skip

# A city's combined ledgers (DOMAIN.md "Roll-up"): the office beside 责任单位, no 信访人 and
# nothing of a case beyond what the exchange format carries (no 反映问题).
OFFICE_COLUMN = _C("office", "信访部门", 26)
ROLLUP_BACKLOG_COLUMNS = (
    _C("number", "序号", 7, **NUMBER), _C("id", "编号", 22, **NOWRAP), _C("received", "登记日期", 19, **NOWRAP),
    _C("category", "问题类别", 30), OFFICE_COLUMN, _C("unit", "责任单位", 24), _C("leader", "包案领导", 24),
    _C("accepted", "受理日期", 19, **NOWRAP), _C("age", "已历时（天）", 19, **NUMBER),
    _C("deadline", "办理期限", 19, **NOWRAP), _C("status", "状态", 20, **NOWRAP),
)  # fmt: skip
ROLLUP_SUPERVISION_COLUMNS = (
    _C("number", "序号", 7, **NUMBER), _C("id", "编号", 22, **NOWRAP), _C("supervised", "督办日期", 17, **NOWRAP),
    _C("by", "督办单位", 28), _C("supervision_kind", "督办类型", 18), _C("category", "问题类别", 30),
    OFFICE_COLUMN, _C("unit", "责任单位", 24), _C("deadline", "办理期限", 19, **NOWRAP),
    _C("closed", "办结日期", 19, **NOWRAP), _C("status", "状态", 18, **NOWRAP),
)  # fmt: skip
ROLLUP_COLUMNS = {"backlog": ROLLUP_BACKLOG_COLUMNS, "supervision": ROLLUP_SUPERVISION_COLUMNS}

# The printed ledger: 277 mm of A4 landscape at 7.5 pt (style.css), 3 pt padding a side.
PRINT_WIDTH_PT = 277 / 25.4 * 72
PRINT_FONT_PT = 7.5
CELL_PADDING_PT = 6


def fit_category(columns: tuple[Column, ...], rows: Sequence[LedgerRow]) -> tuple[Column, ...]:
    """Widen 问题类别 so that its longest part ("城乡建设/", "征地拆迁") fits on one line.

    A category breaks only after its "/" (ledger.html), never inside a word.
    """
    longest = max(
        (len(part) + 1 for row in rows for part in row.cells.get("category", "").split("/")),
        default=0,
    )
    need = (longest * PRINT_FONT_PT + CELL_PADDING_PT) / PRINT_WIDTH_PT  # share of the width
    total = sum(c.weight for c in columns)
    fitted = []
    for column in columns:
        if column.key == "category":
            others = total - column.weight
            weight = max(column.weight, need * others / (1 - need)) if need < 1 else column.weight
            column = Column(column.key, column.header, weight, column.wraps, column.numeric)
        fitted.append(column)
    return tuple(fitted)


def privacy_note(internal: bool) -> str:
    if internal:
        return "内部资料：信访人信息未脱敏（检举控告类事项仍不显示），注意保密。"
    return "信访人姓名已脱敏；检举控告类事项不显示信访人信息。"


def _day(value: date | None) -> str:
    return value.isoformat() if value else EMPTY


def _cells(number: int, status: CaseStatus, privacy: Privacy) -> dict[str, str]:
    case = status.case
    return {
        "number": str(number),
        "id": case.id,
        "received": _day(case.received),
        "channel": case.channel,
        "people": str(case.people),
        "petitioner": privacy.petitioner(case).name,
        "summary": privacy.case_text(case.summary, case),
        "category": case.category,
        "unit": case.unit or EMPTY,
        "leader": privacy.official(case.leader, case) if case.leader else EMPTY,
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


def _state(status: CaseStatus) -> str:
    """超期 / 临期 for a flagged open case, 在办 for another open one, else nothing."""
    if status.accepted is None or status.closed is not None:
        return EMPTY
    return _flag(status) or STATE_OPEN


def register_ledger(
    statuses: Sequence[CaseStatus], title: str, privacy: Privacy, with_unit: bool = True
) -> Ledger:
    """信访事项登记台账: the cohort in order of receipt; a unit's own ledger leaves out 责任单位."""
    rows = tuple(
        LedgerRow(_cells(i, s, privacy), EMPTY, state=_state(s))
        for i, s in enumerate(statuses, start=1)
    )
    columns = (
        REGISTER_COLUMNS if with_unit else tuple(c for c in REGISTER_COLUMNS if c.key != "unit")
    )
    return Ledger(
        "register",
        title,
        fit_category(columns, rows),
        rows,
        f"共 {len(rows)} 件，按登记日期排列。{privacy_note(privacy.internal)}",
        month_key="received",
    )


def open_ledger(statuses: Sequence[CaseStatus], title: str, privacy: Privacy) -> Ledger:
    """在办事项台账: open accepted cases, soonest deadline first, flagged 超期 / 临期."""
    rows = []
    for i, s in enumerate(statuses, start=1):
        cells = _cells(i, s, privacy)
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
        rows.append(LedgerRow(cells, flag, state=_state(s)))
    overdue = sum(1 for r in rows if r.flag == FLAG_OVERDUE)
    soon = sum(1 for r in rows if r.flag == FLAG_DUE_SOON)
    note = f"共 {len(rows)} 件在办，其中超期 {overdue} 件、临期（7 天内到期）{soon} 件；按办理期限排列。{privacy_note(privacy.internal)}"
    return Ledger(
        "open", title, fit_category(OPEN_COLUMNS, rows), tuple(rows), note, month_key="deadline"
    )


def backlog_ledger(statuses: Sequence[CaseStatus], title: str, privacy: Privacy) -> Ledger:
    """积案台账: accepted more than 365 days ago and still open, oldest first."""
    rows = tuple(
        LedgerRow(_cells(i, s, privacy), _flag(s), state=_state(s))
        for i, s in enumerate(statuses, start=1)
    )
    return Ledger(
        "backlog",
        title,
        fit_category(BACKLOG_COLUMNS, rows),
        rows,
        f"共 {len(rows)} 件积案（受理超过 365 天仍未办结），按受理日期排列。{privacy_note(privacy.internal)}",
        month_key="accepted",
    )


def leader_ledger(
    statuses: Sequence[CaseStatus], title: str, closed: int, privacy: Privacy
) -> Ledger:
    """领导包案台账: the period's 领导包案 cases, grouped by leader (``statuses`` in that order).

    ``closed`` is the period's 包案办结 count (from the figures), quoted in the note.
    """
    rows = []
    for i, s in enumerate(statuses):
        cells = _cells(i + 1, s, privacy)  # no petitioner column is shown
        # The header already sets off the first group.
        first = i > 0 and statuses[i - 1].case.leader != s.case.leader
        rows.append(LedgerRow(cells, _flag(s), group_start=first, state=_state(s)))
    leaders = len({s.case.leader for s in statuses})
    note = (
        f"共 {len(rows)} 件（包案领导 {leaders} 人），其中本期办结 {closed} 件；按包案领导分组，"
        "组内按登记日期排列。领导包案：有包案领导、期末（截至日期）前已受理、期初尚未办结的事项。"
    )
    return Ledger("leaders", title, LEADER_COLUMNS, tuple(rows), note)


def supervision_ledger(
    supervised: Sequence[tuple[CaseStatus, Supervision]],
    title: str,
    closed: int,
    by_kind: Sequence[tuple[str, int]],
    privacy: Privacy,
) -> Ledger:
    """督办事项台账: one row per supervised case, with its latest entry in the period.

    ``closed`` and ``by_kind`` (督办办结 and the cases per supervision kind) come
    from the figures and are quoted in the note.
    """
    rows = []
    for i, (s, entry) in enumerate(supervised, start=1):
        cells = _cells(i, s, privacy)  # no petitioner column is shown
        by = privacy.official(entry.by, s.case)
        cells |= {"supervised": _day(entry.date), "by": by, "supervision_kind": entry.kind}
        rows.append(LedgerRow(cells, _flag(s), state=_state(s)))
    kinds = "、".join(f"{kind} {count} 件" for kind, count in by_kind if count)
    note = (
        f"共 {len(rows)} 件，截至统计截止日已办结 {closed} 件"
        + (f"；按督办类型：{kinds}（一件事项可有多种督办）" if kinds else "")
        + "。每件列出本期最近一次督办，按督办日期排列。"
    )
    return Ledger("supervision", title, SUPERVISION_COLUMNS, tuple(rows), note)


def activity_ledger(
    activities: Sequence[Activity], title: str, total: Activities, privacy: Privacy
) -> Ledger:
    """领导接访登记表: the period's activities in date order; ``notes`` are never shown."""
    rows = tuple(
        LedgerRow(
            {
                "date": _day(a.date),
                "kind": a.kind,
                "leader": privacy.official(a.leader),
                "level": a.level,
                "batches": str(a.batches),
                "people": str(a.people),
                "place": privacy.text(a.place) if a.place else EMPTY,
                "summary": privacy.text(a.summary) if a.summary else EMPTY,
            },
            EMPTY,
        )
        for a in activities
    )
    note = (
        f"共 {total.events} 次、{total.batches} 批、{total.people} 人次（领导接访、下访、约访），"
        "按日期排列。"
    )
    return Ledger("activities", title, ACTIVITY_COLUMNS, rows, note)


# ---------------------------------------------------------------- a city's ledgers


def office_backlog_rows(
    office: str, statuses: Sequence[CaseStatus], privacy: Privacy
) -> tuple[LedgerRow, ...]:
    """One office's rows of the city's 积案台账 (numbered when the ledger is put together)."""
    return tuple(
        LedgerRow(_rollup_cells("backlog", office, s, privacy), _flag(s), state=_state(s))
        for s in statuses
    )


def office_supervision_rows(
    office: str, supervised: Sequence[tuple[CaseStatus, Supervision]], privacy: Privacy
) -> tuple[LedgerRow, ...]:
    """One office's rows of the city's 督办事项台账, each with its latest entry in the period."""
    rows = []
    for s, entry in supervised:
        cells = _rollup_cells("supervision", office, s, privacy)
        cells |= {
            "supervised": _day(entry.date),
            "by": privacy.official(entry.by, s.case),
            "supervision_kind": entry.kind,
        }
        rows.append(LedgerRow(cells, _flag(s), state=_state(s)))
    return tuple(rows)


def _rollup_cells(kind: str, office: str, status: CaseStatus, privacy: Privacy) -> dict[str, str]:
    """Only the cells of the city's columns: nothing else of the case leaves its office."""
    cells = _cells(0, status, privacy) | {"office": office}
    return {col.key: cells.get(col.key, EMPTY) for col in ROLLUP_COLUMNS[kind]}


def combined_ledger(
    kind: str, title: str, rows: Sequence[LedgerRow], offices: Sequence[str], note: str
) -> Ledger:
    """A city's 积案台账 (by 受理日期) or 督办事项台账 (by 督办日期) from its offices' rows,
    ``offices`` in ``rollup.offices`` order (the order of rows of the same day)."""
    key = "accepted" if kind == "backlog" else "supervised"
    order = {name: i for i, name in enumerate(offices)}
    ordered = sorted(rows, key=lambda r: (r.cells[key], order[r.cells["office"]], r.cells["id"]))
    numbered = tuple(
        LedgerRow({**r.cells, "number": str(i)}, r.flag, r.group_start, r.state)
        for i, r in enumerate(ordered, start=1)
    )
    columns = fit_category(ROLLUP_COLUMNS[kind], numbered)
    return Ledger(kind, title, columns, numbered, note, month_key=key)

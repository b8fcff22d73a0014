"""``xfgen changes``: what happened to the records since a tag, commit or date, as a table.

The computing is :func:`xfgen.site.changes.changes_since` (the built site's page
"上次会议以来的变化" uses it too); this module only lays it out for the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from xfgen.reports.stats_text import display_width
from xfgen.site.changes import EVENT_KINDS, LATE_EDITS, Changes


def heading(changes: Changes) -> str:
    """One line: since what, and as of when."""
    if changes.base is None:
        where = "（此前没有提交，全部记录都算新的）"
    elif changes.base == changes.since or changes.since.startswith(changes.base):
        where = f"（{changes.base_day.isoformat()}）"
    else:
        where = f"（提交 {changes.base}，{changes.base_day.isoformat()}）"
    return f"自 {changes.since}{where}以来的变化，截至 {changes.today.isoformat()}"


def format_changes(changes: Changes) -> str:
    lines = [heading(changes)]
    for key, title, day_header in EVENT_KINDS:
        events = changes.events[key]
        lines += ["", f"{title} {len(events)} 件"]
        if events:
            rows = [
                [e.case.id, e.day.isoformat() if e.day else "", e.case.category, e.case.unit or "—"]
                for e in events
            ]
            lines += _table(["编号", day_header, "问题类别", "责任单位"], rows)
    edits = changes.late_edits
    lines += ["", f"{LATE_EDITS} {len(edits)} 处"]
    if edits:
        rows = [
            [
                e.case_id,
                e.author or "（未提交）",
                e.when.strftime("%Y-%m-%d %H:%M") if e.when else "—",
                e.commit or "—",
            ]
            for e in edits
        ]
        lines += _table(["编号", "修改人", "时间", "提交"], rows)
    return "\n".join(lines)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = (c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True))
        return ("  " + "  ".join(padded)).rstrip()

    return [line(header), *(line(row) for row in rows)]

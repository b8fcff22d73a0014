"""The office's own prose of a period (``reports/<period>.md``) cut into the 总结's sections.

DOMAIN.md "What a summary says", item 6: a section starts at a ``#`` or ``##``
heading whose text is one of the section names and runs to the next such heading;
other headings stay inside as lower headings. A leading ``#`` title line is
ignored; other text before the first section heading is an error naming the file
and line. Sections are printed in a fixed order, whatever their order in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xfgen.errors import RenderError

# Each section, in print order, with the names a heading may give it.
SECTIONS = (
    ("主要做法和成效",),
    ("存在的问题", "问题与不足"),
    ("下步打算", "下一步打算"),
)
_HEADING = re.compile(r"^ {0,3}(#{1,2})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass(frozen=True)
class Section:
    """One section of the narrative: its heading as written and its Markdown source."""

    name: str
    source: str
    line: int  # the line of the file where its text starts (after the heading)


def split_sections(source: str, rel: str) -> tuple[Section, ...]:
    """The file's sections in print order; a RenderError names the file and line of a problem."""
    found: dict[int, Section] = {}
    current: tuple[int, str, int, list[str]] | None = None  # order, name, line, lines
    started = False  # a non-blank line has been seen (a title line is only the first one)
    fenced = False

    def close() -> None:
        if current is not None:
            order, name, line, lines = current
            found[order] = Section(name, "\n".join(lines) + "\n", line)

    for number, text in enumerate(source.splitlines(), start=1):
        match = None if fenced else _HEADING.match(text)
        if _FENCE.match(text):
            fenced = not fenced
        order = _section_of(match[2]) if match else None
        if order is not None:
            assert match is not None
            if order in found or (current is not None and current[0] == order):
                raise RenderError(
                    f"{rel}:{number}: “{match[2]}”一节重复出现（{'、'.join(SECTIONS[order])}"
                    "只能写一节），请合并为一节。"
                )
            close()
            current = (order, match[2], number + 1, [])
            started = True
            continue
        if current is not None:
            current[3].append(text)
            continue
        if not text.strip():
            continue
        if not started and match is not None and match[1] == "#":
            started = True  # the file's own title: the summary has its own
            continue
        names = "、".join("、".join(names) for names in SECTIONS)
        raise RenderError(
            f"{rel}:{number}: 第一个小节标题之前不能有正文。总结文字要分节写，"
            f"每节以“## 节名”开头，节名为{names}之一。"
        )
    close()
    return tuple(found[order] for order in sorted(found))


def _section_of(heading: str) -> int | None:
    for order, names in enumerate(SECTIONS):
        if heading in names:
            return order
    return None

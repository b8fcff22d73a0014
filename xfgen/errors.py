"""Problems are data; exceptions are for what stops a command.

A :class:`Problem` is one thing wrong with one input file, with its position.
Validation collects them all; the CLI prints them. :class:`XfgenError` and its
subclasses carry a message for the user (in Chinese) and stop the command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.field}: {self.message}"
        # A message may quote a value: never print a control character to the terminal.
        return _CONTROL.sub(lambda m: f"U+{ord(m.group(0)):04X}", text)


_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


class XfgenError(Exception):
    """An error the user can act on; its message is shown as it is."""


class ConfigError(XfgenError):
    """xfgen.yaml is missing or invalid (exit code 2)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class PeriodError(XfgenError):
    """A period or date given on the command line is not understood."""


class RenderError(XfgenError):
    """A report could not be produced (missing font, broken template...)."""

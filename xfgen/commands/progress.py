"""How far a build has got, on the terminal: a rich progress bar when stderr is a
terminal, plain lines when it is not (logs, CI), nothing with ``--quiet``."""

from __future__ import annotations

import sys
from typing import Any, TextIO

STEPS = 10  # plain lines: one at every tenth of the PDF work


class BuildProgress:
    def __init__(self, quiet: bool = False, stream: TextIO | None = None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.bar: Any = None  # rich.progress.Progress, started with the PDF work
        self.task: Any = None
        self.shown = 0

    def message(self, text: str) -> None:
        """One step of the build (which period is computed, how many PDFs are made)."""
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    def pdfs(self, finished: int, total: int) -> None:
        """The PDF work: ``finished`` of ``total`` pieces (parts, joins, stamps) done."""
        if self.quiet or total == 0:
            return
        if self.tty:
            self._bar(finished, total)
        elif finished * STEPS // total > self.shown or finished == total:
            self.shown = finished * STEPS // total
            print(f"PDF：已完成 {finished}/{total}", file=self.stream, flush=True)

    def _bar(self, finished: int, total: int) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        if self.bar is None:
            self.bar = Progress(
                TextColumn("生成 PDF"), BarColumn(), MofNCompleteColumn(),
                TextColumn("已用"), TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(),
                console=Console(file=self.stream), transient=False,
            )  # fmt: skip
            self.bar.start()
            self.task = self.bar.add_task("pdf", total=total)
        self.bar.update(self.task, completed=finished, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

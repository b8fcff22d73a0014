"""How far a build has got, on the terminal: a rich progress bar when stderr is a
terminal, plain lines when it is not (logs, CI), nothing with ``--quiet``."""

from __future__ import annotations

import sys
from typing import Any, TextIO

STEPS = 10  # plain lines: one at every tenth of the work
MANY_FILES = 500  # fewer case files are read too fast to need a progress display


class BuildProgress:
    def __init__(self, quiet: bool = False, stream: TextIO | None = None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.bar: Any = None  # rich.progress.Progress, started with the PDF work
        self.task: Any = None
        self.shown = 0
        self.files_bar: Any = None  # the same for reading the case files
        self.files_task: Any = None
        self.files_shown = 0

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

    def files(self, done: int, total: int) -> None:
        """Reading the case files: ``done`` of ``total`` read and checked (shown only
        when there are many)."""
        if self.quiet or total < MANY_FILES:
            return
        if self.tty:
            if self.files_bar is None:
                self.files_bar = self._progress("读取事项文件")
                self.files_task = self.files_bar.add_task("files", total=total)
            self.files_bar.update(self.files_task, completed=done, total=total)
            if done == total:
                self.files_bar.stop()
                self.files_bar = None
        elif done * STEPS // total > self.files_shown or done == total:
            self.files_shown = done * STEPS // total
            print(f"读取事项文件：已完成 {done}/{total}", file=self.stream, flush=True)

    def _bar(self, finished: int, total: int) -> None:
        if self.bar is None:
            self.bar = self._progress("生成 PDF")
            self.task = self.bar.add_task("pdf", total=total)
        self.bar.update(self.task, completed=finished, total=total)

    def _progress(self, what: str) -> Any:
        """A started rich progress bar: done, total, elapsed and remaining time."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn(what), BarColumn(), MofNCompleteColumn(),
            TextColumn("已用"), TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(),
            console=Console(file=self.stream), transient=False,
        )  # fmt: skip
        bar.start()
        return bar

    def close(self) -> None:
        for bar in (self.bar, self.files_bar):
            if bar is not None:
                bar.stop()
        self.bar = self.files_bar = None

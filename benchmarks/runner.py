"""Measuring one command as a user runs it: wall seconds and peak memory.

Each command runs in a subprocess. While it runs, a thread samples the memory of
the whole process tree from /proc every ~50 ms and keeps the peak of the sum, as
PSS (a page shared by n processes counts 1/n in each: what the tree really
takes, and what the tables show) and as RSS (shared pages counted once per
process, so that sum errs high; kept in the JSON). When the process ends,
``os.wait4`` gives the main process's own peak (``ru_maxrss``), which sampling
cannot miss. CPU seconds are the main process's own with the children it waited
for (``os.wait4``), and for every other process of the tree (the forkserver, the PDF
workers) the last CPU time sampled for each: what the whole tree used, to within one
sampling interval per process (a short child the main process waits for, git say,
may be counted twice for the part of it a sample saw).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

SAMPLE_SECONDS = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024


@dataclass
class Run:
    command: list[str]
    seconds: float
    tree_peak_rss: int  # bytes, the peak of the summed RSS of the process tree
    main_maxrss: int  # bytes, ru_maxrss of the main process
    returncode: int
    load_before: float  # the 1-minute load average when it started (others' work slows it)
    tree_peak_pss: int = 0  # bytes, the same peak by PSS (shared pages split between sharers)
    output_tail: str = ""  # the end of stdout and stderr when the command failed
    cpu_seconds: float = 0.0  # user + system time of the process tree (see above)


def xfgen_command() -> str:
    """The ``xfgen`` of the virtual environment this Python belongs to."""
    return str(Path(sys.executable).with_name("xfgen"))


def measure(command: Sequence[str], cwd: Path, log: Path) -> Run:
    """Run ``command`` in ``cwd`` (output to ``log``), timing it and sampling its memory."""
    load = os.getloadavg()[0]
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        peak = [0, 0]
        workers: dict[int, float] = {}  # CPU seconds of each process below the main one
        finished = threading.Event()
        sampler = threading.Thread(target=_sample, args=(process.pid, peak, finished, workers))
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        finished.set()
        sampler.join()
    tail = ""
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-1500:]
    cpu = usage.ru_utime + usage.ru_stime + sum(workers.values())
    return Run(
        list(command), seconds, peak[0], usage.ru_maxrss * 1024, process.returncode, load,
        peak[1], tail, cpu,
    )  # fmt: skip


def _sample(
    root: int, peak: list[int], finished: threading.Event, workers: dict[int, float]
) -> None:
    while not finished.is_set():
        rss, pss = tree_memory(root, workers)
        peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
        finished.wait(SAMPLE_SECONDS)


def tree_memory(root: int, workers: dict[int, float] | None = None) -> tuple[int, int]:
    """The summed RSS and PSS in bytes of ``root`` and all its descendants (0 once gone).
    PSS splits a page shared by n processes (forked PDF workers) into n parts. The CPU
    seconds of each descendant go into ``workers``."""
    parents: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    rss = pss = 0
    todo = [(root, 0)]
    while todo:
        pid, depth = todo.pop()
        todo += [(child, depth + 1) for child in parents.get(pid, [])]
        if workers is not None and depth >= 1 and pid in cpu:
            workers[pid] = cpu[pid]
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                rss += int(statm.read().split()[1]) * PAGE
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                for line in rollup:
                    if line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass  # ended meanwhile
    return rss, pss


@dataclass
class Row:
    """One line of the table: a measure, its target and whether it was met."""

    what: str
    n: str
    run: Run | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None  # None: no target (a baseline) or not measured
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def cells(self) -> list[str]:
        if self.run is None:
            seconds = cpu = memory = "—"
        else:
            seconds = f"{self.run.seconds:.2f}"
            cpu = f"{self.run.cpu_seconds:.1f}"
            memory = f"{self.run.tree_peak_pss / MIB:.0f} MB"
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}"
        met = {True: "是", False: "否", None: "—"}[self.met]
        if self.run is not None and self.run.returncode != 0:
            met = f"失败（退出码 {self.run.returncode}）"
        return [self.what, self.n, seconds, cpu, memory, ratio, self.target, met]


HEADERS = ["what", "N", "seconds", "CPU s", "peak PSS", "ratio", "target", "met?"]
WIDTHS = [30, 8, 8, 7, 9, 6, 22, 6]


def print_header() -> None:
    print(_line(HEADERS), flush=True)
    print("-" * (sum(WIDTHS) + 2 * len(WIDTHS)), flush=True)


def print_row(row: Row) -> None:
    print(_line(row.cells()), flush=True)
    if row.note:
        print(f"    {row.note}", flush=True)
    if row.run is not None and row.run.returncode != 0:
        print("    " + row.run.output_tail.strip().replace("\n", "\n    "), flush=True)


def _line(cells: Sequence[str]) -> str:
    return "  ".join(_pad(cell, width) for cell, width in zip(cells, WIDTHS, strict=True))


def _pad(text: str, width: int) -> str:
    # CJK characters take two columns in a terminal.
    shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return text + " " * max(0, width - shown)


def markdown(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def machine_facts(repo: Path) -> dict[str, object]:
    """What the numbers depend on, taken before the first measure."""

    def output(*command: str) -> str:
        try:
            done = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False)
        except OSError:
            return ""
        return done.stdout.strip()

    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_total_mb": os.sysconf("SC_PHYS_PAGES") * PAGE // MIB,
        "load_average_before": list(os.getloadavg()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "xfgen_version": (output(xfgen_command(), "--version").split() or [""])[-1],
        "git_commit": output("git", "rev-parse", "HEAD"),
        "git_dirty": bool(output("git", "status", "--porcelain", "--untracked-files=no")),
        "chromium": output("chromium", "--version"),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def write_results(
    folder: Path, facts: dict[str, object], rows: Sequence[Row], **more: object
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{datetime.now():%Y-%m-%dT%H%M%S}.json"
    data = {
        "machine": facts,
        "load_average_after": list(os.getloadavg()),
        "rows": [
            {
                "what": row.what,
                "n": row.n,
                "seconds": None if row.run is None else round(row.run.seconds, 3),
                "cpu_seconds": None if row.run is None else round(row.run.cpu_seconds, 3),
                "peak_rss_tree_bytes": None if row.run is None else row.run.tree_peak_rss,
                "peak_rss_main_bytes": None if row.run is None else row.run.main_maxrss,
                "peak_pss_tree_bytes": None if row.run is None else row.run.tree_peak_pss,
                "ratio": None if row.ratio is None else round(row.ratio, 4),
                "target": row.target,
                "met": row.met,
                "note": row.note,
                "command": None if row.run is None else row.run.command,
                "returncode": None if row.run is None else row.run.returncode,
                "load_average_before": None if row.run is None else row.run.load_before,
                **row.extra,
            }
            for row in rows
        ],
        "markdown": markdown(rows),
        **more,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path

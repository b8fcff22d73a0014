"""Crash tests of the swap: a build killed at any named step leaves the old or the new site
complete, and the next build recovers (it puts back an old site rather than deleting it).

Faults are injected at the swap's named steps (XFGEN_FAULT_AT, read in xfgen/site/publish.py),
in a child process that ends with os._exit, like a kill: no clean-up code runs.

A build stopped by SIGTERM or Ctrl-C while its PDFs are being rendered ends at once, with
its PDF processes, and leaves the last good site as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CONFIG, EXAMPLE_PERIOD, EXAMPLE_TODAY, VALID_CASE, ExampleSite

from xfgen.site.publish import MARKER, staging

# A child that builds a tiny "site" (marker + one page saying which build made it) through
# the same staging() a real build uses, optionally dying part-way through writing it.
CHILD = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from xfgen.site.publish import MARKER, staging
    target, label, die_while_writing = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
    with staging(target) as new:
        (new / MARKER).write_text("public")
        if die_while_writing:
            os._exit(75)
        (new / "index.html").write_text(label)
    """
)


def build(target: Path, label: str, fault: str | None = None, die_writing: bool = False) -> int:
    env = {k: v for k, v in os.environ.items() if k != "XFGEN_FAULT_AT"}
    if fault:
        env["XFGEN_FAULT_AT"] = fault
    args = [sys.executable, "-c", CHILD, str(target), label, "1" if die_writing else "0"]
    return subprocess.run(args, env=env, check=False).returncode


def site(target: Path) -> str | None:
    """The label of the complete site at ``target``, or None when there is none."""
    page = target / "index.html"
    if not (target / MARKER).exists() or not page.exists():
        return None
    return page.read_text()


def leftovers(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.glob(f".{target.name}.xfgen-*"))


@pytest.mark.parametrize("fault", ["before-swap", "after-exchange"])
def test_a_build_killed_at_a_step_of_the_swap_leaves_a_complete_site(
    tmp_path: Path, fault: str
) -> None:
    target = tmp_path / "output"
    assert build(target, "old") == 0
    assert build(target, "new", fault=fault) == 75  # killed
    # Before the swap the old site stands; after the exchange, the new one.
    assert site(target) == ("old" if fault == "before-swap" else "new")
    assert leftovers(target)  # the interrupted build's folder is still there
    assert build(target, "next") == 0
    assert site(target) == "next"
    assert leftovers(target) == []


def test_a_build_killed_while_writing_the_new_site_leaves_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "output"
    assert build(target, "old") == 0
    assert build(target, "half", die_writing=True) == 75
    assert site(target) == "old"
    assert build(target, "next") == 0
    assert (site(target), leftovers(target)) == ("next", [])


def test_the_first_build_killed_before_its_swap_leaves_no_site_and_the_next_one_works(
    tmp_path: Path,
) -> None:
    target = tmp_path / "output"
    assert build(target, "first", fault="before-swap") == 75
    assert site(target) is None
    assert build(target, "second") == 0
    assert (site(target), leftovers(target)) == ("second", [])


def test_an_old_site_left_between_two_renames_is_put_back_not_deleted(tmp_path: Path) -> None:
    # The two-rename fallback (file systems without an exchanging rename), killed between
    # its renames: the target is gone and the complete old site sits beside it.
    target = tmp_path / "output"
    assert build(target, "old") == 0
    stranded = tmp_path / ".output.xfgen-old-abc123"
    target.rename(stranded)
    (tmp_path / ".output.xfgen-new-abc123").mkdir()  # the new site that never moved in
    # A build that then fails still leaves the old site back in place.
    with pytest.raises(RuntimeError), staging(target):
        assert site(target) == "old"  # put back before the new build starts
        raise RuntimeError("生成失败")
    assert site(target) == "old"
    assert leftovers(target) == []


def test_an_unwritable_output_folder_is_the_machine_s_error_not_xfgen_s(tmp_path: Path) -> None:
    # An immutable folder (chattr +i, as an administrator might set on a share) stands in
    # for a read-only or full disk: the build says so in Chinese, exit 1, no "内部错误".
    repo = tmp_path / "repo"
    (repo / "cases" / "2026").mkdir(parents=True)
    (repo / "xfgen.yaml").write_text(CONFIG, encoding="utf-8")
    (repo / "cases" / "2026" / "XF2026-0001.yaml").write_text(VALID_CASE, encoding="utf-8")
    share = tmp_path / "share"
    share.mkdir()
    if subprocess.run(["chattr", "+i", str(share)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "xfgen", "-C", str(repo), "--today", "2026-11-25"]
            + ["build", "-q", "-p", "2026-03", "--out", str(share / "output")],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        subprocess.run(["chattr", "-i", str(share)], check=False)
    assert done.returncode == 1, done.stderr
    assert "错误：无法读写" in done.stderr and "不允许修改" in done.stderr
    assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
    assert list(share.iterdir()) == []


# ------------------------------------------------- a build stopped while it prints


def descendants(pid: int) -> set[int]:
    """The processes under ``pid`` (its children, theirs ...), as /proc shows them now."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue  # gone meanwhile
        if not stat:
            continue  # not a process
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def running(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (an ended process nobody reaped is a zombie)."""
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in ("Z", "X"):
            alive.add(pid)
    return alive


def fingerprint(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


@dataclass
class Stopped:
    root: Path  # a copy of the example, whose site output/ was ``before``
    before: dict[str, str]
    code: int
    took: float  # seconds from the signal to the build's end
    said: str  # on stderr


# `python -m xfgen` with Ctrl-C acted on, as a terminal starts it: a test run started in
# the background (nohup, a CI job's shell) hands SIGINT down ignored, and Python keeps it so.
AS_FROM_A_TERMINAL = [
    sys.executable, "-c",
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('xfgen', run_name='__main__', alter_sys=True)",
]  # fmt: skip


def stop_while_printing(example: ExampleSite, tmp_path: Path, stop: str) -> Stopped:
    """The built example copied, one case edited, built again (--full: every PDF printed
    again, so the printing lasts seconds whatever the edit), and stopped while the build
    waits for its PDF processes: by ``stop`` = SIGTERM or SIGKILL sent to the build, or
    SIGINT sent to every process of it as a terminal sends Ctrl-C. Asserts that every
    process the build started has ended within seconds."""
    assert example.code == 0, example.log
    root = tmp_path / "example"
    shutil.copytree(example.root, root, symlinks=True)  # with its site, output/
    before = fingerprint(root / "output")
    case = root / "cases/2026/XF2026-0001.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(re.sub(r"^summary: (.*)$", r"summary: \1（补充材料）", text, count=1,
                           flags=re.MULTILINE), encoding="utf-8")  # fmt: skip
    log = tmp_path / "stderr.txt"
    with log.open("w", encoding="utf-8") as err:
        build = subprocess.Popen(
            [*AS_FROM_A_TERMINAL, "-C", str(root), "--today", EXAMPLE_TODAY,
             "build", "--period", EXAMPLE_PERIOD, "--full", "--jobs", "2"],
            stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
        )  # fmt: skip
    seen: set[int] = set()
    try:
        # "生成 N 份 PDF": the pages are written, the build waits for its PDF processes
        deadline = time.monotonic() + 240
        while "份 PDF" not in log.read_text(encoding="utf-8"):
            assert build.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "the build never began its PDFs"
            time.sleep(0.1)
        time.sleep(0.5)
        seen = descendants(build.pid)  # the forkserver, the PDF processes (and a tracker)
        assert len(running(seen)) >= 3
        assert list(root.glob(".output.xfgen-new-*"))  # the staging folder
        stopped = time.monotonic()
        if stop == "SIGINT":
            os.killpg(build.pid, signal.SIGINT)
        else:
            build.send_signal(getattr(signal, stop))
        code = build.wait(timeout=60)
        took = time.monotonic() - stopped
        deadline = time.monotonic() + 10  # the forkserver ends when it sees the build gone
        while running(seen) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert running(seen) == set()
    finally:
        if build.poll() is None:
            build.kill()
        for pid in running(seen | descendants(build.pid)):
            os.kill(pid, signal.SIGKILL)  # only if the test failed: leave nothing running
    return Stopped(root, before, code, took, log.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("stop", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_build_stopped_while_printing_ends_at_once_and_keeps_the_last_site(
    example_site: ExampleSite, tmp_path: Path, stop: str, code: int
) -> None:
    done = stop_while_printing(example_site, tmp_path, stop)
    assert done.code == code
    assert done.took < 15  # generous: it used to wait for the pieces in the processes' hands
    assert "Traceback" not in done.said and "内部错误" not in done.said, done.said
    last = done.said.strip().splitlines()[-1]
    assert last == f"已中止，未生成报告；{done.root / 'output'} 保持不变。"
    assert fingerprint(done.root / "output") == done.before  # the last good site, byte for byte
    assert list(done.root.glob(".output.xfgen-*")) == []  # the staging folder removed


def test_a_build_killed_outright_while_printing_leaves_no_process_behind(
    example_site: ExampleSite, tmp_path: Path
) -> None:
    # SIGKILL (or the kernel out of memory): nothing of the build runs, but its PDF
    # processes and their forkserver end too, rather than wait for work for ever.
    done = stop_while_printing(example_site, tmp_path, "SIGKILL")
    assert done.code == -signal.SIGKILL
    assert fingerprint(done.root / "output") == done.before

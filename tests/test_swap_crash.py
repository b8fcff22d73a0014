"""Crash tests of the swap: a build killed at any named step leaves the old or the new site
complete, and the next build recovers (it puts back an old site rather than deleting it).

Faults are injected at the swap's named steps (XFGEN_FAULT_AT, read in xfgen/site/publish.py),
in a child process that ends with os._exit, like a kill: no clean-up code runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import CONFIG, VALID_CASE

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

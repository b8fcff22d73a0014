"""The pre-commit hook, in a real temporary git repository: a bad staged record stops
the commit; only what is staged counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import VALID_CASE, Repo
from test_cli import REPO_ROOT


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "测试员", "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "测试员", "GIT_COMMITTER_EMAIL": "t@example.org",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }  # fmt: skip
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=False
    )


def install_hook(root: Path) -> None:
    """What pre-commit does with our manifest, without fetching anything: run its entry."""
    (hook,) = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "xfgen-check" and hook["pass_filenames"] is False
    script = root / ".git" / "hooks" / "pre-commit"
    script.write_text(f"#!/bin/sh\nexec {hook['entry']}\n", encoding="utf-8")
    script.chmod(0o755)


def test_hook_stops_a_bad_commit_and_checks_only_the_staged_tree(repo: Repo) -> None:
    root = repo.root
    assert git(root, "init", "-q").returncode == 0
    install_hook(root)
    git(root, "add", "xfgen.yaml")
    assert git(root, "commit", "-qm", "配置").returncode == 0

    bad = VALID_CASE.replace("received:", "recieved:")
    path = repo.case(bad)
    git(root, "add", "cases")
    done = git(root, "commit", "-qm", "登记")
    assert done.returncode == 1
    assert "cases/2026/XF2026-0001.yaml:2:1: recieved: 未知的项 “recieved”。" in done.stderr
    assert git(root, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    # Fixed in the working tree but not staged: what would be committed is still bad.
    path.write_text(VALID_CASE, encoding="utf-8")
    assert git(root, "commit", "-qm", "登记").returncode == 1

    # Staged the fix; an untracked draft with a problem is not part of the commit.
    git(root, "add", "cases")
    repo.write("cases/2026/XF2026-0002.yaml", "id: XF2026-0002\n")
    done = git(root, "commit", "-qm", "登记")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "共检查 1 个文件，全部通过。" in done.stderr  # git shows a hook's output on stderr
    assert git(root, "rev-list", "--count", "HEAD").stdout.strip() == "2"


def test_staged_check_from_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    """The records may live in a folder of a bigger repository (-C that folder)."""
    git(tmp_path, "init", "-q")
    (tmp_path / "xinfang").mkdir()
    repo = Repo(tmp_path / "xinfang")
    repo.case(VALID_CASE.replace("channel: 来访", "channel: 来仿"))
    git(tmp_path, "add", ".")
    done = subprocess.run(
        [sys.executable, "-m", "xfgen", "-C", str(repo.root), "check", "--staged"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.startswith("cases/2026/XF2026-0001.yaml:3:10: channel: “来仿”")


def test_staged_outside_git_is_a_clear_error(repo: Repo) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "xfgen", "-C", str(repo.root), "check", "--staged"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "不在 git 仓库中" in done.stderr and "Traceback" not in done.stderr

"""Which version of the case data a report was built from."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataVersion:
    commit: str | None  # short hash, or None outside a git repository
    dirty: bool  # uncommitted changes to the data

    @property
    def label(self) -> str:
        if self.commit is None:
            return "未纳入 git 版本管理"
        return f"{self.commit}（有未提交的修改）" if self.dirty else self.commit


def data_version(root: Path, data_paths: tuple[str, ...]) -> DataVersion:
    """The commit of ``root`` and whether ``data_paths`` have uncommitted changes."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
            )
        except OSError:
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "--short=10", "HEAD")
    if commit is None:
        return DataVersion(None, False)
    status = git("status", "--porcelain", "--", *data_paths)
    return DataVersion(commit, bool(status))

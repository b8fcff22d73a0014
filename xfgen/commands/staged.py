"""``xfgen check --staged``: check the records as they are about to be committed.

The pre-commit hook (``.pre-commit-hooks.yaml``, id ``xfgen-check``) runs it.
The files git has staged (the index) are copied into a temporary folder and
checked there, so an unstaged fix or an untracked draft in the working tree
neither hides nor causes a problem in what is committed.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from xfgen.errors import XfgenError

# What `xfgen check` reads; everything else in the repository is left out of the copy.
CHECKED_PATHS = ("xfgen.yaml", "holidays.yaml", "cases", "activities")


@contextlib.contextmanager
def staged_tree(root: Path) -> Iterator[Path]:
    """A temporary copy of ``root`` as staged in git (only the files check reads)."""
    top = _git(root, "rev-parse", "--show-toplevel").strip()
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    listed = _git(Path(top), "ls-files", "-z", "--", *(prefix + p for p in CHECKED_PATHS))
    with tempfile.TemporaryDirectory(prefix="xfgen-staged-") as folder:
        if listed:
            _git(
                Path(top), "checkout-index", "-z", "--stdin", f"--prefix={folder}/",
                stdin=listed,
            )  # fmt: skip
        staged_root = Path(folder) / prefix
        staged_root.mkdir(parents=True, exist_ok=True)
        yield staged_root


def _git(where: Path, *args: str, stdin: str | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *args],
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise XfgenError(f"无法运行 git（{exc.strerror}）：--staged 需要安装 git。") from None
    if done.returncode != 0:
        raise XfgenError(
            f"{where} 不在 git 仓库中，或 git 出错：{done.stderr.strip()}。--staged 只能在 git 仓库中使用。"
        )
    return done.stdout

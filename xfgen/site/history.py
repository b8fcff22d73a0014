"""The records as git holds them: at a commit, or as staged for the next commit.

:func:`tree_at` and :func:`staged_tree` copy just the files ``xfgen check``
reads into a temporary folder, so the ordinary loader and validator can read
an earlier or a staged version without touching the working tree.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from xfgen.errors import XfgenError

# What `xfgen check` reads; everything else in the repository is left out of the copies.
RECORD_PATHS = ("xfgen.yaml", "holidays.yaml", "cases", "activities")


class GitError(XfgenError):
    """git is missing, the folder is not in a repository, or a revision is unknown."""


def git(where: Path, *args: str, stdin: str | None = None) -> str:
    """Run git in ``where``; its output, or :class:`GitError` with git's message."""
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *args],
            input=stdin.encode("utf-8") if stdin is not None else None,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise GitError(f"无法运行 git（{exc.strerror}）：这个命令需要安装 git。") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"{where} 不在 git 仓库中，或 git 出错：{message}")
    return done.stdout.decode("utf-8", "replace")


def repository_prefix(root: Path) -> tuple[Path, str]:
    """The top folder of the repository holding ``root``, and ``root``'s path inside it."""
    top = git(root, "rev-parse", "--show-toplevel").strip()
    prefix = git(root, "rev-parse", "--show-prefix").strip()
    return Path(top), prefix


@contextlib.contextmanager
def staged_tree(root: Path) -> Iterator[Path]:
    """A temporary copy of ``root``'s records as staged in git (the index)."""
    top, prefix = repository_prefix(root)
    listed = git(top, "ls-files", "-z", "--", *(prefix + p for p in RECORD_PATHS))
    with tempfile.TemporaryDirectory(prefix="xfgen-staged-") as folder:
        if listed:
            git(top, "checkout-index", "-z", "--stdin", f"--prefix={folder}/", stdin=listed)
        yield _made(Path(folder) / prefix)


@contextlib.contextmanager
def tree_at(root: Path, commit: str | None) -> Iterator[Path]:
    """A temporary copy of ``root``'s records at ``commit`` (None: before the first commit)."""
    top, prefix = repository_prefix(root)
    with tempfile.TemporaryDirectory(prefix="xfgen-at-") as folder:
        present = []
        if commit is not None:
            listed = git(top, "ls-tree", "-z", "--name-only", commit, "--", prefix or ".")
            names = {name.removeprefix(prefix) for name in listed.split("\0") if name}
            present = [prefix + p for p in RECORD_PATHS if p in names]
        if present:
            done = subprocess.run(
                ["git", "-C", str(top), "archive", "--format=tar", commit or "", "--", *present],
                capture_output=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                raise GitError(
                    f"无法读取提交 {commit} 中的记录：{done.stderr.decode('utf-8', 'replace')}"
                )
            data = done.stdout
            with tarfile.open(fileobj=io.BytesIO(data)) as archive:
                archive.extractall(folder, filter="data")
        yield _made(Path(folder) / prefix)


def _made(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path

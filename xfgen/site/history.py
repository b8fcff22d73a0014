"""The records as git holds them: at a commit, or as staged for the next commit.

:func:`tree_at` and :func:`staged_tree` copy just the files ``xfgen check``
reads into a temporary folder, so the ordinary loader and validator can read
an earlier or a staged version without touching the working tree.

History is read one file at a time, never a whole tree in memory: a file larger
than the loader would read (:data:`MAX_INPUT_BYTES`) is not read from git at
all, but stands in the copy as a sparse file of its size, which the loader then
refuses as it would refuse the file itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from xfgen.errors import XfgenError
from xfgen.records.inputs import MAX_INPUT_BYTES

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


def check_history(root: Path) -> None:
    """Refuse, naming what is missing, when the history of ``root`` cannot be read: no
    git program, no repository (``.git``), or no commit yet."""
    if shutil.which("git") is None:
        raise GitError(
            "没有找到 git 程序：这个命令比较的是 git 历史中的记录，请先安装 git"
            "（Debian/Ubuntu：apt-get install git）。"
        )
    try:
        git(root, "rev-parse", "--git-dir")
    except GitError:
        raise GitError(
            f"{root} 不在 git 仓库中（找不到 .git）：这个命令比较的是 git 历史中的记录。"
            "请在事项仓库的目录中运行（或用 -C 指定），或先 git init 并提交一次。"
        ) from None
    try:
        git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
        raise GitError(
            "仓库中还没有任何提交：先 git add、git commit 一次，之后的变化才能比较。"
        ) from None


def is_shallow(root: Path) -> bool:
    """Whether the repository is a shallow clone (``git clone --depth``): history before
    its first commits is not there."""
    return git(root, "rev-parse", "--is-shallow-repository").strip() == "true"


SHALLOW_HINT = "请先运行 git fetch --unshallow 取回完整的历史。"


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
def tree_at(root: Path, commit: str | None, limit: int = MAX_INPUT_BYTES) -> Iterator[Path]:
    """A temporary copy of ``root``'s records at ``commit`` (None: before the first
    commit), written file by file; a file over ``limit`` bytes is not read (a sparse
    file of its size stands for it)."""
    top, prefix = repository_prefix(root)
    with tempfile.TemporaryDirectory(prefix="xfgen-at-") as folder:
        if commit is not None:
            paths = [prefix + p for p in RECORD_PATHS]
            listed = git(top, "ls-tree", "-r", "-z", "-l", commit, "--", *paths)
            with Blobs(top) as blobs:
                for entry in listed.split("\0"):
                    if entry:
                        _copy_entry(entry, Path(folder), blobs, limit)
        yield _made(Path(folder) / prefix)


def _copy_entry(entry: str, folder: Path, blobs: Blobs, limit: int) -> None:
    """Write one ``ls-tree -l`` entry (``mode type object size<TAB>path``) into ``folder``."""
    meta, _, name = entry.partition("\t")
    mode, kind, obj, size = meta.split()
    parts = name.split("/")
    if kind != "blob" or any(part in ("", ".", "..") for part in parts):
        return  # a submodule; a name git would not write
    target = folder.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    if mode == "120000":  # a link, as git checks it out: the loader judges where it leads
        os.symlink(blobs.read(obj, int(size)), target)
    elif int(size) > limit:
        with target.open("wb") as stand_in:  # refused by the loader for its size, unread
            stand_in.truncate(int(size))
    else:
        target.write_bytes(blobs.read(obj, int(size)))


class Blobs:
    """The contents of git objects, one at a time, from one ``git cat-file --batch``."""

    def __init__(self, top: Path):
        self.top = top
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Blobs:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait()

    def read(self, spec: str, size: int) -> bytes:
        """The content of ``spec`` (an object id or ``rev:path``), known to be ``size`` bytes."""
        if self.process is None:
            self.process = subprocess.Popen(
                ["git", "-C", str(self.top), "cat-file", "--batch"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )  # fmt: skip
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(spec.encode() + b"\n")
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if len(header) != 3 or int(header[2]) != size:
            raise GitError(
                f"无法读取 git 中的 {spec}（{b' '.join(header).decode(errors='replace')}）"
            )
        data = _read_exactly(self.process.stdout, size)
        self.process.stdout.read(1)  # the newline after each object
        return data


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise GitError("git cat-file 提前结束。")
    return data


def blob_size(top: Path, spec: str) -> int | None:
    """The size of the blob ``spec`` (``rev:path``); None if there is none."""
    try:
        return int(git(top, "cat-file", "-s", spec).strip())
    except (GitError, ValueError):
        return None


def _made(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path

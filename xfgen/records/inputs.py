"""Opening the user's input files safely: one place for every file xfgen reads.

Every input (case and activity files, ``xfgen.yaml``, ``holidays.yaml``,
narratives, templates) is read through :func:`read_input`, which refuses, before
reading a byte, anything that is not a regular file inside the repository: a link
leading out of it (``reports/2026H1.md`` → ``/etc/passwd``), a device
(``/dev/zero`` grows without end), a pipe (a read would wait forever), a folder,
or a file over :data:`MAX_INPUT_BYTES` (DOMAIN.md, "Limits").
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from xfgen.errors import XfgenError

MAX_INPUT_BYTES = 1024 * 1024  # 1 MiB: a case file is a few hundred bytes


class UnsafeInput(XfgenError):
    """An input file xfgen refuses to read; ``rel`` names it, ``reason`` says why."""

    def __init__(self, rel: str, reason: str):
        self.rel = rel
        self.reason = reason
        super().__init__(f"{rel}：{reason}")


def relative_name(root: Path, path: Path) -> str:
    """How messages name ``path``: relative to the repository when it lies in it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def read_input(root: Path, path: Path, area: Path | None = None) -> bytes:
    """The bytes of ``path``, a regular file of at most 1 MiB inside ``area``.

    ``area`` is the folder the file is read from (``cases/``, ``reports/``,
    ``templates/``; the repository ``root`` by default): a link may point
    elsewhere in it, never out of it, so a narrative cannot pull in a page of
    ``output-internal/``. Raises :class:`UnsafeInput` (with a Chinese reason)
    otherwise, or when the file cannot be read. Type and size are checked on the
    opened file itself, so a file swapped for a pipe between check and read is caught.
    """
    return InputFolder(root, area).read(path)


class InputFolder:
    """Reads files of one folder of the repository as :func:`read_input` does, resolving
    the repository, the folder and each sub-folder once rather than once per file
    (a check reads a hundred thousand case files)."""

    def __init__(self, root: Path, area: Path | None = None):
        self.root = root
        self.area = area or root
        self._top: Path | None = None
        self._allowed: Path | None = None
        self._area_inside = False
        self._folders: dict[str, tuple[str, bool]] = {}  # folder -> (resolved, inside)

    def read(self, path: Path | str, rel: str | None = None, is_link: bool | None = None) -> bytes:
        """The bytes of ``path`` (named ``rel`` in messages; relative to the repository
        by default). ``is_link``: whether ``path`` is a link, if the caller has just
        asked (a folder walk has)."""
        if rel is None:
            rel = relative_name(self.root, Path(path))
        resolved = self._resolve(str(path), rel, is_link)
        try:
            # O_NONBLOCK: opening a pipe must not wait for a writer; O_NOFOLLOW: the
            # resolved path has no link left, so a link appearing now is refused.
            fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_NOFOLLOW)
        except OSError as exc:
            raise UnsafeInput(rel, _cannot_read(exc)) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise UnsafeInput(
                    rel, f"不是普通文件（{_file_type(info.st_mode)}），xfgen 不读取它。"
                )
            if info.st_size > MAX_INPUT_BYTES:
                raise UnsafeInput(rel, _too_big(info.st_size))
            chunks: list[bytes] = []
            size = 0
            # Ask for the size fstat gave and one byte more (to see a file that grew):
            # asking for the whole 1 MiB each time allocated a megabyte per case file,
            # which cost a check of 10,000 files more than the reading itself.
            want = info.st_size + 1
            while size <= MAX_INPUT_BYTES:
                chunk = os.read(fd, min(want, MAX_INPUT_BYTES + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                want = 65536  # it grew, or fstat did not know its size
        except OSError as exc:
            raise UnsafeInput(rel, _cannot_read(exc)) from None
        finally:
            os.close(fd)
        if size > MAX_INPUT_BYTES:  # grew while we read it
            raise UnsafeInput(rel, _too_big(size))
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _resolve(self, path: str, rel: str, is_link: bool | None) -> str:
        """Where ``path`` really is, refused unless inside the folder (and the repository)."""
        try:
            if self._allowed is None:
                self._top = self.root.resolve(strict=True)
                self._allowed = self.area.resolve(strict=True)
                self._area_inside = self._allowed.is_relative_to(self._top)
            folder, _, name = path.rpartition("/")
            if name in ("", ".", "..") or not folder:
                return self._check(Path(path).resolve(strict=True), rel)
            known = self._folders.get(folder)
            if known is None:
                real = Path(folder).resolve(strict=True)
                inside = self._area_inside and real.is_relative_to(self._allowed)
                known = self._folders[folder] = (str(real), inside)
            if is_link is None:
                is_link = stat.S_ISLNK(os.lstat(path).st_mode)
            if is_link:
                return self._check(Path(path).resolve(strict=True), rel)
        except (OSError, RuntimeError) as exc:  # missing, a dangling link, a loop of links
            raise UnsafeInput(rel, _cannot_read(exc)) from None
        resolved = known[0] + "/" + name
        return resolved if known[1] else self._check(Path(resolved), rel)

    def _check(self, resolved: Path, rel: str) -> str:
        allowed, top = self._allowed, self._top
        assert allowed is not None and top is not None
        if self._area_inside and resolved.is_relative_to(allowed):
            return str(resolved)
        where = "仓库" if allowed == top or not self._area_inside else allowed.name + "/ 文件夹"
        raise UnsafeInput(
            rel,
            f"这是一个指向{where}以外（{resolved}）的链接，xfgen 只读取{where}内的文件："
            "请把文件本身放进来，而不是链接到别处。",
        )


def _too_big(size: int) -> str:
    return (
        f"文件太大（{size / 1024 / 1024:.1f} MiB），每个输入文件最大 1 MiB："
        "一件事项一个文件，内部备注过长请另存。"
    )


def _cannot_read(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "文件不存在（或是指向不存在文件的链接）。"
    if isinstance(exc, PermissionError):
        return "没有读取权限。"
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == 40:  # ELOOP
        return "链接指向自身或形成循环，无法读取。"
    reason = getattr(exc, "strerror", None) or str(exc)
    return f"无法读取文件（{reason}）。"


def _file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "是一个文件夹"
    if stat.S_ISFIFO(mode):
        return "是一个管道"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "是一个设备"
    if stat.S_ISSOCK(mode):
        return "是一个套接字"
    return "类型不明"

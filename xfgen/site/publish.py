"""Putting a finished site in place atomically.

The new site is written into a fresh folder beside the target; only when it is
complete is it swapped in, by one exchanging rename (Linux ``renameat2`` with
``RENAME_EXCHANGE``) where the file system has it, so no moment exists without
a complete site. Elsewhere it falls back to two renames; a build killed between
them leaves the old site as ``.NAME.xfgen-old-*``, and the next build puts it
back before anything else. A failed or interrupted build leaves the previous
output as it was (and at worst a stray staging folder, removed by the next build).

``XFGEN_FAULT_AT=<step>`` ends the process at a named step of the swap: the
crash tests use it to show that the old or the new site is always complete.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import html
import os
import posixpath
import re
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from xfgen import folders
from xfgen.errors import XfgenError
from xfgen.site.manifest import MANIFEST, read_manifest

MARKER = folders.SITE_MARKER  # written into every site, so a rebuild only ever replaces one of ours
# href="..." / src='...' / src=... in a page: its links to files
_LINK = re.compile(rb"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class PublishError(XfgenError):
    """The output folder cannot be replaced safely."""


def check_target(target: Path, root: Path, protected: tuple[str, ...], kind: str) -> None:
    """Refuse an output folder that holds, contains or lies inside the user's records,
    or that is not a site of the same ``kind`` (public or internal) made by xfgen."""
    target, root = target.resolve(), root.resolve()
    guarded = [root / name for name in (*protected, ".git")]
    if (
        target == root
        or target in root.parents
        or any(target == g or g in target.parents or target in g.parents for g in guarded)
    ):
        raise PublishError(
            f"输出目录 {target} 是仓库本身或包含事项文件、配置、模板（或在其中），"
            "xfgen 会整体替换输出目录，为免误删，请另选一个专用目录（默认 output/）。"
        )
    if not target.exists() or not any(target.iterdir()):
        return
    marker = target / MARKER
    found = marker.read_text(encoding="utf-8").strip() if marker.is_file() else None
    if found is None:
        raise PublishError(
            f"输出目录 {target} 已有内容，但不是 xfgen 生成的网站；xfgen 会整体替换输出目录，"
            "为免误删，请另选目录或先自行清空它。"
        )
    if found != kind:
        raise PublishError(
            f"输出目录 {target} 里是{'内部版' if found == 'internal' else '公开版'}报告，"
            f"不能用{'内部版' if kind == 'internal' else '公开版'}覆盖：内部版和公开版必须放在不同的目录。"
        )


def site_gaps(site: Path, kind: str) -> list[str]:
    """What keeps the site at ``site`` from being whole: its manifest missing or not
    of ``kind``, a file the manifest lists (a page, its PDF, its .xlsx or .docx)
    missing, a page's local link (href, src) leading to no file or out of the site.
    Empty when the site is whole."""
    manifest = read_manifest(site, kind)
    if manifest is None:
        return [
            f"没有可用的清单 {MANIFEST}（缺失、损坏或不是{'公开版' if kind == 'public' else '内部版'}）"
        ]
    gaps = []
    for listed, record in sorted(manifest.pages.items()):
        for rel in (listed, *sorted(record.outputs)):
            if not _is_file(site, rel):
                gaps.append(f"缺少文件 {rel}")
    for page in sorted(site.rglob("*.html")):
        if page.name.startswith(".") or not page.is_file():
            continue
        rel = page.relative_to(site).as_posix()
        for target in sorted(set(_links(page.read_bytes()))):
            found = _resolve(rel, target)
            if found is None:
                gaps.append(f"{rel} 中的链接 {urllib.parse.unquote(target)} 指向网站以外")
            elif not _is_file(site, found):
                gaps.append(f"{rel} 中的链接 {urllib.parse.unquote(target)} 指向不存在的文件")
    return gaps


def _links(page: bytes) -> Iterator[str]:
    """The page's links to files of the site (not to other sites, not within the page)."""
    for match in _LINK.finditer(page):
        raw = next(group for group in match.groups() if group is not None)
        url = html.unescape(raw.decode("utf-8", "replace")).strip()
        if not url or url.startswith(("#", "//")) or _SCHEME.match(url):
            continue
        yield url


def _resolve(page: str, url: str) -> str | None:
    """The site path a link of ``page`` leads to; None when it leads out of the site."""
    path = urllib.parse.unquote(url.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return page  # "?x" or "" : the page itself
    if path.endswith("/"):
        path += "index.html"
    joined = (
        path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
    )
    found = posixpath.normpath(joined)
    if found == ".." or found.startswith("../") or found.startswith("/"):
        return None
    return found


def _is_file(site: Path, rel: str) -> bool:
    """Whether ``rel`` is a regular file inside ``site`` (a link leading out is not)."""
    path = site / rel
    if not path.is_file():
        return False
    try:
        return path.resolve().is_relative_to(site.resolve())
    except OSError:
        return False


def site_path(folder: Path, rel: str) -> Path:
    """Where the page ``rel`` goes in the staging ``folder``: refused (a
    :class:`PublishError`) unless it stays inside it, checked before anything is written."""
    base = folder.resolve()
    target = (base / rel).resolve()
    if target == base or not target.is_relative_to(base) or "\0" in rel:
        raise PublishError(
            f"输出文件 “{rel}” 会写到输出目录以外，已停止；输出目录保持不变。"
            "请检查 xfgen.yaml 中用作文件名的名称（如责任单位）。"
        )
    return target


@contextlib.contextmanager
def staging(target: Path) -> Iterator[Path]:
    """A fresh folder to build into; swapped in for ``target`` if the block succeeds."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _only_build(target):
        _recover(target)
        new = Path(tempfile.mkdtemp(prefix=f".{target.name}.xfgen-new-", dir=target.parent))
        try:
            yield new
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        new.chmod(0o755)
        try:
            _swap(new, target)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)  # the old site stays as it was
            raise


@contextlib.contextmanager
def _only_build(target: Path) -> Iterator[None]:
    """One build at a time in the target's folder: a lock on the folder itself, released
    by the system even if the build is killed, and leaving no file behind."""
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(
                f"另一个 xfgen build 正在向 {target.parent} 生成报告，请等它结束后再试。"
            ) from None
        yield
    finally:
        os.close(folder)  # closing releases the lock


def _recover(target: Path) -> None:
    """Clean up after an interrupted build (we hold the lock, so nothing else is running).

    An old site left by a swap killed between its two renames is put back when the
    target is missing (it was complete); every other leftover folder is a staging
    folder or an old site already replaced, and is removed.
    """
    leftovers = sorted(target.parent.glob(f".{target.name}.xfgen-*"))
    if not target.exists():
        for old in leftovers:
            if ".xfgen-old-" in old.name and (old / MARKER).exists():
                old.rename(target)
                leftovers.remove(old)
                break
    for stale in leftovers:
        shutil.rmtree(stale, ignore_errors=True)


def _fault(step: str) -> None:
    """End the process here when a crash test asks for it (see the module docstring)."""
    if os.environ.get("XFGEN_FAULT_AT") == step:
        os._exit(75)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (renameat2 RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # this file system or kernel cannot exchange: fall back
    raise OSError(code, os.strerror(code), str(b))


def _swap(new: Path, target: Path) -> None:
    _fault("before-swap")
    if not target.exists():
        new.rename(target)
        return
    if _exchange(new, target):
        # ``new`` now holds the previous site; the target is complete throughout.
        _fault("after-exchange")
        shutil.rmtree(new, ignore_errors=True)
        return
    old = target.parent / f".{target.name}.xfgen-old-{new.name.rsplit('-', 1)[-1]}"
    target.rename(old)
    _fault("between-renames")
    try:
        new.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)

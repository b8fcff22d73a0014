"""``xfgen publish``: put the last good public site where the intranet serves it.

The destination is ``publish_to`` in ``xfgen.yaml`` (or given on the command
line): a local folder, such as a mounted intranet share, into which the site is
swapped atomically with the same staging swap ``xfgen build`` uses; or an
``rsync`` target (``host:/path``, ``user@host:/path``, ``host::module/path``,
``rsync://host/module/path``). Like ``mkdocs gh-deploy`` refusing a broken
build, it refuses, before anything is copied, when the records do not pass the
check, when there is no site yet, for an internal site, for a site that is not
whole (a file of its manifest missing, a local link leading nowhere: a preview
or a build without PDFs), and for a site built from uncommitted changes unless
``--allow-dirty`` is given (the published index page then says so).

rsync mirrors with ``--delete``, so its target is held to what the local one
is: never an option (``-...``), never a host's root or home folder or a module
without a folder in it, and a folder that already holds files only when they
are an xfgen site of the same kind (its ``.xfgen-site`` marker, read with rsync
before anything is sent). The operands follow ``--``.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from xfgen.commands.rollup import check_rollup
from xfgen.errors import XfgenError
from xfgen.records.config import load_config
from xfgen.records.rollup import is_rollup, load_rollup_config
from xfgen.records.validation import load_project
from xfgen.site.build import INTERNAL_OUTPUT, OUTPUT, data_paths
from xfgen.site.gitinfo import DataVersion
from xfgen.site.manifest import read_manifest
from xfgen.site.publish import MARKER, check_target, site_gaps, staging
from xfgen.site.writer import link_or_copy

# host:path, user@host:path, host::module or rsync://host/module (a Windows drive "D:\" is not one)
_REMOTE = re.compile(r"^(rsync://|[^/\\:]{2,}:)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SHOWN = 10  # problems listed in a refusal; the rest counted


class PublishRefused(XfgenError):
    """Nothing was published, and the message says why."""


@dataclass(frozen=True)
class Published:
    destination: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    dirty: bool = False  # published from uncommitted changes (--allow-dirty)


def publish(
    root: Path, today: date, destination: str | None = None, allow_dirty: bool = False
) -> Published:
    """Check the records and the site, then copy ``output/`` to the destination; what
    changed there."""
    rollup = is_rollup(root)
    publish_to = load_rollup_config(root).publish_to if rollup else load_config(root).publish_to
    destination = destination or publish_to
    if not destination:
        raise PublishRefused(
            "没有指定发布位置：请在 xfgen.yaml 中写 publish_to（本机目录或 rsync 目标），"
            "或运行 xfgen publish 目标位置。"
        )
    remote = check_destination(destination)
    problems = check_rollup(root, today).problems if rollup else load_project(root, today).problems
    if problems:
        raise PublishRefused(
            f"事项文件有 {len(problems)} 处问题（xfgen check 可查看），未发布："
            "请先修正，重新 xfgen build，再发布。"
        )
    source = root / OUTPUT
    kind = _site_kind(source)
    if kind is None:
        raise PublishRefused(f"{source} 中还没有生成的网站：请先运行 xfgen build。")
    if kind != "public":
        raise PublishRefused(f"{source} 是内部版（含未脱敏的个人信息），不能发布。")
    version = check_site(source, allow_dirty)
    if not remote:
        target = Path(destination).expanduser()
        target = target if target.is_absolute() else root / target
        if (
            _site_kind(target) == "internal"
            or target.resolve() == (root / INTERNAL_OUTPUT).resolve()
        ):
            raise PublishRefused(f"{target} 是内部版的输出目录，不能把公开版发布到那里。")
        if target.resolve() == source.resolve():
            raise PublishRefused(f"发布位置 {target} 就是生成目录本身，请另选目录。")
        check_target(target, root, (*data_paths(root), OUTPUT), "public")
    with _marked(source, version if version.dirty else None) as site:
        result = rsync(site, destination) if remote else copy_site(site, target)
    return Published(result.destination, result.added, result.changed, result.removed,
                     version.dirty)  # fmt: skip


def check_site(site: Path, allow_dirty: bool = False) -> DataVersion:
    """Refuse a site that is not whole or was built from uncommitted changes (unless
    ``allow_dirty``); the data version it was built from."""
    gaps = site_gaps(site, "public")
    if gaps:
        listed = "\n".join(f"  {gap}" for gap in gaps[:SHOWN])
        more = f"\n  ……另有 {len(gaps) - SHOWN} 处" if len(gaps) > SHOWN else ""
        raise PublishRefused(
            f"{site} 中的网站不完整，未发布（可能是预览或没有生成 PDF 的网站，或生成后被改动过）：\n"
            f"{listed}{more}\n请运行 xfgen build 完整生成后再发布。"
        )
    manifest = read_manifest(site, "public")
    assert manifest is not None  # site_gaps said so
    if manifest.data is None:
        raise PublishRefused(
            f"{site} 中的网站没有记下它依据的数据版本（旧版 xfgen 生成的）：请重新运行 xfgen build 后再发布。"
        )
    if manifest.data.dirty and not allow_dirty:
        raise PublishRefused(
            f"{site} 中的网站是用未提交的修改生成的（数据版本 {manifest.data.label}），未发布："
            "请先提交（git add、git commit），再 xfgen build、xfgen publish。"
            "确需发布未提交的内容时，加 --allow-dirty（发布的首页会注明）。"
        )
    return manifest.data


def check_destination(destination: str) -> bool:
    """Refuse a destination rsync would take for an option, or whose mirroring with
    ``--delete`` would empty a whole host, home folder or module; True for an rsync
    target, False for a local folder."""
    if destination.startswith("-"):
        raise PublishRefused(
            f"发布位置“{destination}”以“-”开头，会被当作 rsync 的选项，未发布；"
            "本机目录请写成 ./" + destination + " 或绝对路径。"
        )
    if _CONTROL.search(destination):
        raise PublishRefused("发布位置中有控制字符（如换行），未发布：请检查 publish_to 或命令行。")
    if not _REMOTE.match(destination):
        return False
    if _remote_folder(destination) is None:
        raise PublishRefused(
            f"发布位置“{destination}”没有指明目录，或是远程主机的根目录、主目录或模块本身，未发布："
            "rsync 会删除目标中原有的全部文件。请写出专用的目录，如 web@intranet:/srv/www/xinfang。"
        )
    return True


def _remote_folder(destination: str) -> str | None:
    """The folder an rsync target names, normalised; None when it names none: a host's
    root, a home folder (``host:``, ``host:~``, ``host:.``) or a module's top."""
    if destination.startswith("rsync://"):
        _host, _, rest = destination.removeprefix("rsync://").partition("/")
        module, _, path = rest.partition("/")
        return _inside(path) if module else None
    host, _, path = destination.partition(":")
    if path.startswith(":"):  # host::module/path (an rsync daemon)
        module, _, inner = path[1:].partition("/")
        return _inside(inner) if module else None
    if path.startswith("~"):  # ~/x or ~user/x: inside a home folder
        path = path.partition("/")[2]
    return _inside(path) if not path.startswith("/") else _inside(path, absolute=True)


def _inside(path: str, absolute: bool = False) -> str | None:
    """``path`` normalised if it names a folder below its starting point (the root,
    a home folder, a module); None for the starting point itself or above it."""
    found = posixpath.normpath("/" + path if absolute else path or ".")
    if found in (".", "/", "//") or found == ".." or found.startswith("../"):
        return None
    return found


def copy_site(source: Path, target: Path) -> Published:
    """Copy ``source`` into a staging folder beside ``target`` and swap it in."""
    before = _hashes(target)
    with staging(target) as folder:
        shutil.copytree(source, folder, dirs_exist_ok=True)
    after = _hashes(target)
    return Published(
        str(target),
        tuple(sorted(set(after) - set(before))),
        tuple(sorted(p for p in after if p in before and after[p] != before[p])),
        tuple(sorted(set(before) - set(after))),
    )


def rsync(source: Path, destination: str) -> Published:
    """Mirror ``source`` to ``destination`` with rsync once the target has been found
    empty, missing or a public xfgen site; what rsync reports having changed."""
    check_destination(destination)
    if shutil.which("rsync") is None:
        raise PublishRefused(
            "没有找到 rsync：请安装（Debian/Ubuntu：apt-get install rsync），"
            "或把 publish_to 改为本机目录（如挂载的共享目录）。"
        )
    folder = destination.rstrip("/") + "/"
    _check_remote_site(destination, folder)
    done = _run_rsync("-rltc", "--delete", "--itemize-changes", "--out-format=%i %n",
                      "--", f"{source}/", folder)  # fmt: skip
    added, changed, removed = read_itemized(done.stdout)
    return Published(destination, tuple(added), tuple(changed), tuple(removed))


def read_itemized(output: str) -> tuple[list[str], list[str], list[str]]:
    """The files added, changed and removed, from rsync's ``%i %n`` lines: an 11-character
    change code (``<f+++++++++`` a new file sent to a remote host, ``>f`` received
    locally, ``.f`` unchanged, ``*deleting``), a space and the name. Folders
    (``cd+++++++++``, names ending in ``/``) and rsync's other messages are not counted."""
    added: list[str] = []
    changed: list[str] = []
    removed: list[str] = []
    for line in output.splitlines():
        if len(line) < 13 or line[11] != " ":
            continue
        code, name = line[:11].rstrip(), line[12:]
        if code == "*deleting":
            if not name.endswith("/"):
                removed.append(name)
        elif code[:1] in ("<", ">") and code[1:2] == "f":
            (added if set(code[2:]) == {"+"} else changed).append(name)
    return added, changed, removed


def _check_remote_site(destination: str, folder: str) -> None:
    """Refuse a target folder that holds files but is not a public xfgen site (as
    :func:`check_target` does for a local one); a missing or empty one is fine."""
    listing = _run_rsync("--list-only", "--", folder, missing_ok=True)
    names = []
    for line in listing.stdout.splitlines():  # nothing when the folder is not there yet
        parts = line.split(None, 4)
        if len(parts) == 5 and parts[4] != ".":
            names.append(parts[4])
        elif len(parts) == 5 and not parts[0].startswith("d"):
            raise PublishRefused(f"发布位置“{destination}”是一个文件，不是目录，未发布。")
    if not names:
        return
    if MARKER not in names:
        raise PublishRefused(
            f"发布位置“{destination}”已有内容，但不是 xfgen 生成的网站（没有 {MARKER}），未发布："
            "rsync 会删除那里原有的文件。请另选目录，或先自行清空它。"
        )
    with tempfile.TemporaryDirectory(prefix="xfgen-publish-") as scratch:
        marker = Path(scratch) / MARKER
        _run_rsync("--", folder + MARKER, str(marker))
        kind = marker.read_text(encoding="utf-8", errors="replace").strip()
    if kind != "public":
        raise PublishRefused(
            f"发布位置“{destination}”里是{'内部版' if kind == 'internal' else '不明类型的'}网站，"
            "不能用公开版覆盖：内部版和公开版必须放在不同的目录。"
        )


def _run_rsync(*args: str, missing_ok: bool = False) -> subprocess.CompletedProcess[str]:
    """Run rsync; refused with its message when it fails (but for a folder not there,
    with ``missing_ok``: then as if it listed nothing)."""
    done = subprocess.run(
        ["rsync", *args], capture_output=True, text=True, check=False,
        env=os.environ | {"LC_ALL": "C"},  # its messages as this module reads them
    )  # fmt: skip
    if done.returncode != 0:
        if missing_ok and "No such file or directory" in done.stderr:
            return subprocess.CompletedProcess(done.args, 0, "", "")
        raise PublishRefused(
            f"rsync 出错（退出码 {done.returncode}），未发布：{done.stderr.strip()}"
        )
    return done


@contextlib.contextmanager
def _marked(site: Path, dirty: DataVersion | None) -> Iterator[Path]:
    """The site to publish: ``site`` itself, or for a site built from uncommitted changes
    a copy whose index page says so at its top."""
    if dirty is None:
        yield site
        return
    with tempfile.TemporaryDirectory(prefix="xfgen-publish-") as scratch:
        copy = Path(scratch) / "site"
        shutil.copytree(site, copy, copy_function=link_or_copy)
        index = copy / "index.html"
        page = index.read_text(encoding="utf-8")
        index.unlink()  # a link to the built page: never written through
        index.write_text(dirty_note(page, dirty), encoding="utf-8")
        yield copy


DIRTY_NOTE = "本网站由尚未提交的修改生成"


def dirty_note(page: str, version: DataVersion) -> str:
    """The index page with a notice at the top of its body: published from uncommitted
    changes (``xfgen publish --allow-dirty``)."""
    note = (
        '<p class="xfgen-dirty" role="alert" style="margin:0;padding:8px 16px;'
        'background:#fff4e5;color:#7a3e00;border-bottom:2px solid #e08a00;font-weight:bold">'
        f"{DIRTY_NOTE}（数据版本 {html.escape(version.label)}），"
        "其中的内容未经提交记录，发布时使用了 xfgen publish --allow-dirty。</p>"
    )
    body = re.search(r"<body\b[^>]*>", page, re.IGNORECASE)
    at = body.end() if body else 0
    return page[:at] + note + page[at:]


def _site_kind(folder: Path) -> str | None:
    marker = folder / MARKER
    return marker.read_text(encoding="utf-8").strip() if marker.is_file() else None


def _hashes(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def format_published(result: Published, shown: int = 20) -> str:
    lines = [
        f"已发布到 {result.destination}：新增 {len(result.added)} 个文件，"
        f"更新 {len(result.changed)} 个，删除 {len(result.removed)} 个。"
    ]
    if result.dirty:
        lines.append(f"注意：网站由尚未提交的修改生成（--allow-dirty），首页已注明“{DIRTY_NOTE}”。")
    listed = [
        *(f"  新增 {p}" for p in result.added),
        *(f"  更新 {p}" for p in result.changed),
        *(f"  删除 {p}" for p in result.removed),
    ]
    lines += listed[:shown]
    if len(listed) > shown:
        lines.append(f"  ……另有 {len(listed) - shown} 个")
    return "\n".join(lines)

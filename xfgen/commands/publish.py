"""``xfgen publish``: put the last good public site where the intranet serves it.

The destination is ``publish_to`` in ``xfgen.yaml`` (or given on the command
line): a local folder, such as a mounted intranet share, into which the site is
swapped atomically with the same staging swap ``xfgen build`` uses; or an
``rsync`` target (``host:/path``, ``user@host:/path``, ``rsync://...``). Like
``mkdocs gh-deploy`` refusing a broken build, it refuses when the records do not
pass the check, when there is no site yet, and always for an internal site.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from xfgen.errors import XfgenError
from xfgen.records.config import load_config
from xfgen.records.validation import load_project
from xfgen.site.build import DATA_PATHS, INTERNAL_OUTPUT, OUTPUT
from xfgen.site.publish import MARKER, check_target, staging

# host:path, user@host:path or rsync://host/module/path (a Windows drive "D:\" is not one)
_REMOTE = re.compile(r"^(rsync://|[^/\\:]{2,}:)")


class PublishRefused(XfgenError):
    """Nothing was published, and the message says why."""


@dataclass(frozen=True)
class Published:
    destination: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]


def publish(root: Path, today: date, destination: str | None = None) -> Published:
    """Check the records, then copy ``output/`` to the destination; what changed there."""
    config = load_config(root)
    destination = destination or config.publish_to
    if not destination:
        raise PublishRefused(
            "没有指定发布位置：请在 xfgen.yaml 中写 publish_to（本机目录或 rsync 目标），"
            "或运行 xfgen publish 目标位置。"
        )
    project = load_project(root, today)
    if project.problems:
        raise PublishRefused(
            f"事项文件有 {len(project.problems)} 处问题（xfgen check 可查看），未发布："
            "请先修正，重新 xfgen build，再发布。"
        )
    source = root / OUTPUT
    kind = _site_kind(source)
    if kind is None:
        raise PublishRefused(f"{source} 中还没有生成的网站：请先运行 xfgen build。")
    if kind != "public":
        raise PublishRefused(f"{source} 是内部版（含未脱敏的个人信息），不能发布。")
    if _REMOTE.match(destination):
        return rsync(source, destination)
    target = Path(destination).expanduser()
    target = target if target.is_absolute() else root / target
    if _site_kind(target) == "internal" or target.resolve() == (root / INTERNAL_OUTPUT).resolve():
        raise PublishRefused(f"{target} 是内部版的输出目录，不能把公开版发布到那里。")
    if target.resolve() == source.resolve():
        raise PublishRefused(f"发布位置 {target} 就是生成目录本身，请另选目录。")
    check_target(target, root, (*DATA_PATHS, OUTPUT), "public")
    return copy_site(source, target)


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
    """Mirror ``source`` to ``destination`` with rsync; what it reports having changed."""
    if shutil.which("rsync") is None:
        raise PublishRefused(
            "没有找到 rsync：请安装（Debian/Ubuntu：apt-get install rsync），"
            "或把 publish_to 改为本机目录（如挂载的共享目录）。"
        )
    done = subprocess.run(
        ["rsync", "-rltc", "--delete", "--itemize-changes", "--out-format=%i %n",
         f"{source}/", destination.rstrip("/") + "/"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise PublishRefused(f"rsync 出错（退出码 {done.returncode}）：{done.stderr.strip()}")
    added: list[str] = []
    changed: list[str] = []
    removed: list[str] = []
    for line in done.stdout.splitlines():
        code, _, name = line.partition(" ")
        if code == "*deleting":
            removed.append(name.strip())
        elif code.startswith(">f"):
            (added if "+++" in code else changed).append(name.strip())
    return Published(destination, tuple(added), tuple(changed), tuple(removed))


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
    listed = [
        *(f"  新增 {p}" for p in result.added),
        *(f"  更新 {p}" for p in result.changed),
        *(f"  删除 {p}" for p in result.removed),
    ]
    lines += listed[:shown]
    if len(listed) > shown:
        lines.append(f"  ……另有 {len(listed) - shown} 个")
    return "\n".join(lines)

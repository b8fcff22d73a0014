"""Putting a finished site in place atomically.

The new site is written into a fresh folder beside the target; only when it is
complete is it swapped in with two renames. A failed or interrupted build
leaves the previous output exactly as it was (and at worst a stray
``.xfgen-new-*`` folder, removed by the next build).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def staging(target: Path) -> Iterator[Path]:
    """A fresh folder to build into; swapped in for ``target`` if the block succeeds."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.xfgen-*"):
        shutil.rmtree(stale, ignore_errors=True)
    new = Path(tempfile.mkdtemp(prefix=f".{target.name}.xfgen-new-", dir=target.parent))
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    new.chmod(0o755)
    _swap(new, target)


def _swap(new: Path, target: Path) -> None:
    if not target.exists():
        new.rename(target)
        return
    old = target.parent / f".{target.name}.xfgen-old-{new.name.rsplit('-', 1)[-1]}"
    target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)

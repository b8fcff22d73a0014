"""``xfgen check --staged``: check the records as they are about to be committed.

The pre-commit hook (``.pre-commit-hooks.yaml``, id ``xfgen-check``) runs it.
The files git has staged are copied into a temporary folder and checked there,
so an unstaged fix or an untracked draft in the working tree neither hides nor
causes a problem in what is committed. The project's parse cache is used (a
staged file whose content is cached is not parsed again) but not written: the
staged copy is thrown away, and what is staged is not what the working tree holds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from xfgen.records.validation import Progress, Project, load_project
from xfgen.site.history import staged_tree


def check_staged(root: Path, today: date, progress: Progress | None = None) -> Project:
    """The project as staged in git, read and checked (its problems and warnings:
    the cases themselves are not kept)."""
    with staged_tree(root) as staged_root:
        return load_project(staged_root, today, progress, cache_root=root, cases=False)

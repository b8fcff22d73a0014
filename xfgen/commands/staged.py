"""``xfgen check --staged``: check the records as they are about to be committed.

The pre-commit hook (``.pre-commit-hooks.yaml``, id ``xfgen-check``) runs it.
The files git has staged are copied into a temporary folder and checked there,
so an unstaged fix or an untracked draft in the working tree neither hides nor
causes a problem in what is committed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from xfgen.records.validation import Project, load_project
from xfgen.site.history import staged_tree


def check_staged(root: Path, today: date) -> Project:
    """The project as staged in git, read and checked."""
    with staged_tree(root) as staged_root:
        return load_project(staged_root, today)

"""``xfgen check --staged``: check the records as they are about to be committed.

The pre-commit hook (``.pre-commit-hooks.yaml``, id ``xfgen-check``) runs it.
The files git has staged are copied into a temporary folder and checked there,
so an unstaged fix or an untracked draft in the working tree neither hides nor
causes a problem in what is committed. The project's parse cache is used (a
staged file whose content is cached is not parsed again) but not written: the
staged copy is thrown away, and what is staged is not what the working tree holds.

A staged file inside a folder xfgen writes (the sites, the exports, the cache:
:mod:`xfgen.folders`) is a problem of its own: what xfgen writes may hold
personal data, and it can always be made again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from xfgen.errors import Problem
from xfgen.folders import ignore_line, written_folder
from xfgen.records.validation import Progress, Project, load_project
from xfgen.site.history import git, repository_prefix, staged_tree


def check_staged(root: Path, today: date, progress: Progress | None = None) -> Project:
    """The project as staged in git, read and checked (its problems and warnings:
    the cases themselves are not kept), and every staged file xfgen wrote."""
    with staged_tree(root) as staged_root:
        project = load_project(staged_root, today, progress, cache_root=root, cases=False)
    written = staged_written_files(root)
    if not written:
        return project
    return replace(project, problems=tuple(sorted((*project.problems, *written))))


def staged_written_files(root: Path) -> list[Problem]:
    """A problem for each file staged to be added or changed inside a folder xfgen writes."""
    top, prefix = repository_prefix(root)
    listed = git(
        top, "diff", "--cached", "--name-only", "-z", "--diff-filter=d", "--", prefix or "."
    )
    problems = []
    for name in listed.split("\0"):
        if not name.startswith(prefix) or name == prefix:
            continue
        rel = name.removeprefix(prefix)
        folder = written_folder(root, rel)
        if folder is not None:
            problems.append(
                Problem(
                    rel,
                    1,
                    1,
                    "(文件)",
                    f"这个文件在 xfgen 生成的目录 {folder}/ 中，不能提交（生成的文件可能含个人信息，"
                    f"随时可以重新生成）：请运行 git rm -r --cached {folder} 把它移出暂存区"
                    + (
                        f"，并在 .gitignore 中加入 {ignore_line(folder)}"
                        if "/" not in folder
                        else ""
                    )
                    + "。",
                )
            )
    return problems

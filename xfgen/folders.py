"""The folders xfgen writes, kept out of git (DOMAIN.md "Privacy": Nothing personal reaches git).

Two layers. A folder holding personal data or only a by-product (the internal
site, an internal export, the cache with the preview in it) holds a
``.gitignore`` of ``*``, wherever it is made; and the repository's own
``.gitignore`` names every folder xfgen writes by default (``xfgen new`` adds
the missing lines, ``xfgen doctor`` names them). ``xfgen check --staged``
refuses a staged file inside any of them.
"""

from __future__ import annotations

from pathlib import Path

OUTPUT = "output"
INTERNAL_OUTPUT = "output-internal"
EXPORT = "export"
INTERNAL_EXPORT = "export-internal"
CACHE = ".xfgen-cache"  # the parse cache, the PDF part cache and the preview
SCHEMA = ".xfgen"  # the schema for editors (xfgen schema --write)
WRITTEN = (OUTPUT, INTERNAL_OUTPUT, EXPORT, INTERNAL_EXPORT, CACHE, SCHEMA)
SITE_MARKER = ".xfgen-site"  # in every site xfgen builds (site/publish.py writes it)
IGNORE_FILE = ".gitignore"
IGNORE_ALL = "# 由 xfgen 写入：本目录含个人信息或只是生成物，不要提交到 git。\n*\n"


def ignore_line(name: str) -> str:
    """The line of the repository's .gitignore that keeps the folder ``name`` out."""
    return f"/{name}/"


def keep_out_of_git(folder: Path) -> None:
    """A ``.gitignore`` of ``*`` in ``folder`` (made if needed), unless it has one."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / IGNORE_FILE
    if not ignore.is_file() or ignore.is_symlink():
        ignore.unlink(missing_ok=True)
        ignore.write_text(IGNORE_ALL, encoding="utf-8")


def missing_ignores(root: Path) -> list[str]:
    """The folders of :data:`WRITTEN` that the repository's .gitignore does not name."""
    named = set()
    try:
        text = (root / IGNORE_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        for suffix in ("/**", "/*", "/"):
            line = line.removesuffix(suffix)
        named.add(line.removeprefix("/"))
    return [name for name in WRITTEN if name not in named]


def add_ignores(root: Path) -> list[str]:
    """Add a line for every folder the repository's .gitignore lacks; the lines added."""
    missing = [ignore_line(name) for name in missing_ignores(root)]
    if not missing:
        return []
    path = root / IGNORE_FILE
    before = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    lead = "" if not before or before.endswith("\n") else "\n"
    block = "# xfgen 生成的目录（含个人信息或只是生成物），不提交到 git\n" + "\n".join(missing)
    with path.open("a", encoding="utf-8") as out:
        out.write(f"{lead}{block}\n")
    return missing


def written_folder(root: Path, rel: str) -> str | None:
    """The folder xfgen writes that holds the file ``rel`` (a path inside ``root``,
    with "/"), or None: one of :data:`WRITTEN` at the top, or any folder holding a
    site marker or a ``.gitignore`` xfgen wrote (an internal site built with --out)."""
    parts = rel.split("/")[:-1]
    if parts and parts[0] in WRITTEN:
        return parts[0]
    for depth in range(1, len(parts) + 1):
        folder = root.joinpath(*parts[:depth])
        if (folder / SITE_MARKER).is_file() or _ours(folder / IGNORE_FILE):
            return "/".join(parts[:depth])
    return None


def _ours(ignore: Path) -> bool:
    try:
        text = ignore.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "xfgen" in text and "*" in text.split()

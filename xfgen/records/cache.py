"""The parse cache, ``.xfgen-cache/`` at the repository root: what each case file gave.

Reading and checking a case file alone (YAML, fields, the rules of one file)
is most of the time of ``xfgen check``; its result depends only on the file's
bytes, its path, the configuration (with the holiday calendar), xfgen's own
code and, for dates in the future, the day. So each result is kept under the
file's path and the BLAKE2b hash of its bytes, in one JSON file whose header
names everything else it depends on. Checks across files (unique ids,
``repeat_of`` links and cycles) are never cached: they run every time.

A file whose size, times and inode are those recorded (and old enough that an
edit could not hide in the same tick of the file system's clock) is not even
read again, as git does with its index.

The cache is only ever a shortcut: a missing, corrupt, truncated, foreign
(another version or format) or unreadable cache, or any entry of it that is not
exactly what this module writes, is ignored and rebuilt; a project that cannot
be written to is checked without one. It holds plain JSON, never anything that
could run code, and is replaced atomically (a temporary file, then
``os.replace``), so a run killed midway leaves the old cache or the new one.
Deleting ``.xfgen-cache/`` is always safe.

Each entry is one line, led by a hash of the line and the cache's key, checked
as the file is read: an entry edited by hand (or moved to another file's name)
is ignored, and its file read and checked again. Hashing the line's bytes as
they are costs a fraction of parsing them. The hash is no secret: whoever can
write the cache can recompute it, and could as well edit the case files
themselves; it makes the cache hold only what xfgen itself wrote there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from xfgen import __version__
from xfgen.errors import Problem
from xfgen.records.loading import Position
from xfgen.records.models import (
    KINDS,
    REVIEW_RESULTS,
    SATISFACTIONS,
    Case,
    Config,
    Extension,
    NotAccepted,
    Petitioner,
    ProgressStep,
    Review,
    Supervision,
)

CACHE_DIR = ".xfgen-cache"
FILES_FILE = "files.json"  # every file's signature, hash, problems and what checks across need
CASES_FILE = "cases.json"  # the cases, read only when a command wants them
FORMAT = "xfgen-cache/3"
MAX_CACHE_BYTES = 1024 * 1024 * 1024  # a cache larger than this is not read
# A file changed this soon after it was last written could keep the same times
# (file systems stamp with a coarse clock): it is hashed again next time.
RACY_NS = 50_000_000
RACY_COARSE_NS = 2_000_000_000  # whole-second times: FAT, some network file systems


class CaseRef(NamedTuple):
    """What checks across files need of a case whose fields could be read."""

    id: str
    path: str
    received: date
    repeat_of: str | None
    id_pos: Position
    repeat_pos: Position
    # For the privacy check across files (DOMAIN.md "Privacy"): the petitioner's name,
    # whether the case is 检举控告类, and each official's name (field, value, line, column).
    name: str | None = None
    reporting: bool = False
    officials: tuple[tuple[str, str, int, int], ...] = ()


@dataclass(frozen=True)
class CaseFile:
    """What one case file gave on its own.

    ``ref`` is set when its fields could be read (even if a rule of the file
    failed, so that checks across files still see it), and ``case`` too unless
    the caller only wants problems; ``latest`` is its latest date, the one that
    decides whether "no date after today" depends on the day.
    """

    problems: tuple[Problem, ...]
    ref: CaseRef | None = None
    case: Case | None = None
    warning: str | None = None
    latest: date | None = None


Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def signature(info: os.stat_result, started_ns: int) -> Signature | None:
    """What tells, without reading, that a regular file has not changed; None for a
    file changed so recently that a further change might keep the same times."""
    if not stat.S_ISREG(info.st_mode):
        return None
    newest = max(info.st_mtime_ns, info.st_ctime_ns)
    coarse = info.st_mtime_ns % 1_000_000_000 == 0
    if newest >= started_ns - (RACY_COARSE_NS if coarse else RACY_NS):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class _Corrupt(Exception):
    """An entry that is not exactly what :func:`_encode` writes."""


_DAMAGE = (_Corrupt, TypeError, ValueError, KeyError, IndexError, OverflowError, AttributeError)
_ENTRY_SIZE = 7


class CaseCache:
    """The cache of one project, for one configuration and one day.

    Two files: ``files.json`` holds what ``check`` needs of every file (its
    signature and hash, its problems, what checks across files need, its warning)
    and ``cases.json`` the cases themselves, read only when they are wanted.
    """

    def __init__(
        self,
        folder: Path,
        key: str,
        today: date,
        config: Config,
        save: bool = True,
        want_cases: bool = True,
    ):
        self.folder = folder
        self.writable = save  # False: the cache of another folder, only read
        self.key = key
        self.today = today
        self._today_text = today.isoformat()
        self.want_cases = want_cases
        self._vocab = _Vocabularies(config)
        self._old: dict[str, Any] = _read_document(folder / FILES_FILE, key, "entries")
        self._new: dict[str, list[Any]] = {}
        self._old_rows: _Rows | None = None  # read when first needed
        self._new_rows: dict[str, list[Any]] = {}
        self._changed = False

    def get(self, rel: str, sig: Signature | None, digest: str | None) -> CaseFile | None:
        """The cached result of ``rel``: by its signature, or by its content hash."""
        entry = self._old.get(rel)
        if type(entry) is not list or len(entry) != _ENTRY_SIZE:
            return None
        if digest is None:
            if sig is None or entry[0] != list(sig):
                return None
        elif entry[1] != digest:
            return None
        try:
            result = self._decode(entry, rel)
        except _DAMAGE:
            return None
        if result is None:
            return None
        recorded = list(sig) if sig else None
        if entry[0] != recorded:  # the same content, touched or copied: note its new times
            entry = [recorded, *entry[1:]]
            self._changed = True
        self._new[rel] = entry
        return result

    def put(self, rel: str, sig: Signature | None, digest: str, result: CaseFile) -> None:
        self._new[rel] = _encode(result, sig, digest, self._today_text)
        if result.case is not None:
            self._new_rows[rel] = [digest, _encode_case(result.case)]
        self._changed = True

    def save(self) -> None:
        """Write the entries of this run (files gone are dropped), if anything changed;
        silently nothing when the project cannot be written to."""
        if not self.writable or (not self._changed and self._new.keys() == self._old.keys()):
            return
        # A read-only project, a full disk: the cache is only a shortcut.
        with contextlib.suppress(OSError, ValueError):
            if self._new_rows or self._new.keys() != self._old.keys():  # cases.json changes
                # an unchanged case's line is carried over as it is (no need to decode it)
                old = self._rows()
                rows: dict[str, list[Any] | bytes] = {
                    rel: old.line(rel)
                    for rel in old
                    if rel in self._new and old.holds(rel, self._new[rel][1])
                }
                rows.update(self._new_rows)
                _write_atomically(self.folder, CASES_FILE, self.key, "rows", rows)
            _write_atomically(self.folder, FILES_FILE, self.key, "entries", self._new)

    def _rows(self) -> _Rows:
        if self._old_rows is None:
            self._old_rows = _Rows.read(self.folder / CASES_FILE, self.key)
        return self._old_rows

    def _decode(self, entry: list[Any], rel: str) -> CaseFile | None:
        _sig, digest, made_on, latest_text, problems, ref, warning = entry
        latest = None if latest_text is None else date.fromisoformat(latest_text)
        # "No date after today" gave the same answer on another day only if no date
        # of the file lies after either day.
        if (
            made_on != self._today_text
            and latest is not None
            and (latest > self.today or latest > date.fromisoformat(_text(made_on)))
        ):
            return None
        if type(problems) is not list:
            raise _Corrupt
        case = None
        if ref is not None:
            (id_, received, repeat_of, id_line, id_column, repeat_line, repeat_column,
             name, reporting, officials) = ref  # fmt: skip
            if not (
                type(id_) is str
                and (repeat_of is None or type(repeat_of) is str)
                and type(id_line) is int
                and type(id_column) is int
                and type(repeat_line) is int
                and type(repeat_column) is int
                and (name is None or type(name) is str)
                and type(reporting) is bool
                and type(officials) is list
            ):
                raise _Corrupt
            ref = CaseRef(
                id_,
                rel,
                date.fromisoformat(received),  # TypeError unless text
                repeat_of,
                Position(id_line, id_column),
                Position(repeat_line, repeat_column),
                name,
                reporting,
                tuple(_official(o) for o in officials),
            )
            if self.want_cases:
                row = self._rows().get(rel)
                if type(row) is not list or len(row) != 2 or row[0] != digest:
                    return None  # not kept (or not this content): read the file again
                case = self._vocab.case(row[1], rel)
                if (case.id, case.received, case.repeat_of) != ref[:1] + ref[2:4]:
                    raise _Corrupt
        return CaseFile(
            tuple([_problem(rel, p) for p in problems]) if problems else (),
            ref,
            case,
            None if warning is None else _text(warning),
            latest,
        )


def cache_key(config: Config, holiday_key: str) -> str:
    """What every cached result depends on besides its file: xfgen (version and the
    code that reads and checks a case), the configuration and the holiday calendar."""
    code = hashlib.blake2b(digest_size=20)
    package = Path(__file__).parent.parent
    sources = sorted((package / "records").glob("*.py"))  # reading and checking a file
    for source in [*sources, package / "errors.py", package / "figures" / "deadlines.py"]:
        code.update(source.read_bytes())
    return f"{__version__}:{code.hexdigest()}:{content_hash(repr((config, holiday_key)).encode())}"


def _read_document(path: Path, key: str, name: str) -> dict[str, Any]:
    """The entries of a cache file if it is one of ours for ``key`` (``name``: what its
    header calls them); {} otherwise. An entry whose line does not match its hash is
    left out (the file it stands for is then read again)."""
    found = _sealed_lines(path, key, name)
    if found is None:
        return {}
    data, lines = found
    try:
        entries = json.loads(b"{" + b",".join(data[start:end] for start, end in lines) + b"}")
    except (ValueError, RecursionError):
        return {}
    return entries if type(entries) is dict else {}


def _sealed_lines(path: Path, key: str, name: str) -> tuple[bytes, list[tuple[int, int]]] | None:
    """The bytes of a cache file of ours for ``key`` and ``name``, and where the entry of
    each line whose hash matches starts and ends (after the hash); None if it is not one."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as stream:
            data = stream.read(info.st_size + 1)  # not MAX_CACHE_BYTES: read(n) allocates n
        end = data.find(b"\n")
        header = json.loads(data if end < 0 else data[:end])
        if type(header) is not dict or header != {"format": FORMAT, "key": key, "part": name}:
            return None
    except (OSError, ValueError, RecursionError):
        return None
    finally:
        os.close(fd)
    sealed = _sealer(key)
    view = memoryview(data)
    lines = []
    while end >= 0:
        start = end + 1
        end = data.find(b"\n", start)
        stop = len(data) if end < 0 else end
        digest = sealed.copy()
        digest.update(view[start + _SEAL_HEX + 1 : stop])
        if digest.hexdigest().encode() == data[start : start + _SEAL_HEX]:
            lines.append((start + _SEAL_HEX + 1, stop))
    return data, lines


class _Rows:
    """The cases of ``cases.json``, each line decoded only when its case is wanted: the
    case then keeps its texts and the rest of the line is let go at once, instead of
    every line decoded first and the cases' texts left scattered among them (a process
    that cannot give that memory back)."""

    def __init__(self, data: bytes = b"", lines: dict[str, tuple[int, int, int]] | None = None):
        self.data = data
        self.lines = lines or {}  # rel → where its entry starts, its value starts, it ends

    @classmethod
    def read(cls, path: Path, key: str) -> _Rows:
        found = _sealed_lines(path, key, "rows")
        if found is None:
            return cls()
        data, sealed = found
        lines = {}
        for start, end in sealed:  # each line: "rel": value
            try:
                rel, at = _member_key(data, start, end)
            except (ValueError, RecursionError):
                continue
            lines[rel] = (start, at, end)
        return cls(data, lines)

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def get(self, rel: str) -> Any:
        """The row of ``rel`` (decoded), or None."""
        if rel not in self.lines:
            return None
        _, start, end = self.lines[rel]
        try:
            return json.loads(self.data[start:end])
        except (ValueError, RecursionError):
            return None

    def holds(self, rel: str, digest: Any) -> bool:
        """Whether the row of ``rel`` is that of the content of hash ``digest``."""
        _, start, _ = self.lines[rel]
        return type(digest) is str and self.data.startswith(
            b"[" + json.dumps(digest).encode() + b",", start
        )

    def line(self, rel: str) -> bytes:
        """The whole line of ``rel``, its hash included, as read (and as it is written)."""
        start, _, end = self.lines[rel]
        return self.data[start - _SEAL_HEX - 1 : end]


def _member_key(data: bytes, start: int, end: int) -> tuple[str, int]:
    """The key of the JSON member ``"key": value`` in ``data[start:end]`` and where its
    value starts."""
    close = data.find(b'"', start + 1, end)
    if data[start : start + 1] != b'"' or close < 0:
        raise ValueError("not a member")
    if b"\\" in data[start:close]:  # an escape in the key: the decoder finds its end
        text = data[start:end].decode()
        key, after = json.JSONDecoder().raw_decode(text)
        at = start + len(text[:after].encode())
    else:
        key, at = data[start + 1 : close].decode(), close + 1
    if type(key) is not str or not data.startswith(b": ", at):
        raise ValueError("not a member")
    return key, at + 2


_SEAL_BYTES = 16
_SEAL_HEX = 2 * _SEAL_BYTES


def _sealer(key: str) -> Any:
    """The hash every line of a cache for ``key`` starts from (copied for each line)."""
    return hashlib.blake2b(key.encode() + b"\0", digest_size=_SEAL_BYTES)


_MARKERS = (
    (".gitignore", "# xfgen 的缓存，可随时删除\n*\n"),
    ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# xfgen cache\n"),
)


def mark_cache_folder(folder: Path) -> bool:
    """Make the cache folder if needed, ignored by git without the user's .gitignore (as
    .pytest_cache is) and marked for backup tools as a cache (it may have been made by
    the PDF cache or the preview); False when it is not a folder of the project itself
    (a link: never written through)."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return False
    folder.mkdir(exist_ok=True)
    for marker, text in _MARKERS:
        if not (folder / marker).exists():
            (folder / marker).write_text(text, encoding="utf-8")
    return True


def _write_atomically(
    folder: Path, name: str, key: str, part: str, content: dict[str, Any]
) -> None:
    """Write the cache file ``name`` by way of a temporary file: a header line
    (``{"format", "key", "part"}``), then one line per entry, ``HASH "rel": [...]``
    (an entry given as bytes: that line as it was read), written one at a time
    (100,000 entries would make a string of some 100 MB)."""
    if not mark_cache_folder(folder):
        return
    import tempfile  # (only when writing: most runs only read the cache)

    encode = json.JSONEncoder(ensure_ascii=False).encode  # one line: no newline in it
    sealed = _sealer(key)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(encode({"format": FORMAT, "key": key, "part": part}).encode())
            for rel, entry in content.items():
                if type(entry) is bytes:  # a line carried over as read, its hash included
                    stream.write(b"\n" + entry)
                    continue
                line = f"{encode(rel)}: {encode(entry)}".encode()
                digest = sealed.copy()
                digest.update(line)
                stream.write(b"\n" + digest.hexdigest().encode() + b" " + line)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# Encoding: one list per file, fields in a fixed order; dates as ISO text.


def _encode(result: CaseFile, sig: Signature | None, digest: str, today: str) -> list[Any]:
    ref = result.ref
    return [
        list(sig) if sig else None,
        digest,
        today,
        _iso(result.latest),
        [[p.line, p.column, p.field, p.message] for p in result.problems],
        None
        if ref is None
        else [
            ref.id,
            ref.received.isoformat(),
            ref.repeat_of,
            *ref.id_pos,
            *ref.repeat_pos,
            ref.name,
            ref.reporting,
            [list(o) for o in ref.officials],
        ],
        result.warning,
    ]


def _official(entry: Any) -> tuple[str, str, int, int]:
    field, value, line, column = entry
    if not (
        type(field) is str and type(value) is str and type(line) is int and type(column) is int
    ):
        raise _Corrupt
    return field, value, line, column


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _encode_case(c: Case) -> list[Any]:
    p = c.petitioner
    na, ext = c.not_accepted, c.extension
    return [
        c.id,
        c.received.isoformat(),
        c.channel,
        c.source,
        c.kind,
        c.category,
        c.summary,
        c.people,
        c.skip_level,
        c.repeat_of,
        [p.name, p.phone, p.id_number, p.address],
        c.unit,
        c.leader,
        _iso(c.accepted),
        None if na is None else [na.date.isoformat(), na.reason, na.route],
        None if ext is None else [ext.days, ext.approved.isoformat(), ext.reason],
        [[s.date.isoformat(), s.action, s.note] for s in c.progress],
        _iso(c.closed),
        c.outcome,
        c.satisfaction,
        _encode_review(c.review),
        _encode_review(c.recheck),
        [[s.date.isoformat(), s.by, s.kind] for s in c.supervision],
        c.notes,
    ]


def _encode_review(review: Review | None) -> list[Any] | None:
    if review is None:
        return None
    return [review.requested.isoformat(), _iso(review.decided), review.result]


# Decoding checks every type (and every value that names a choice), so that a
# planted or damaged entry can neither crash a later stage nor put a label into
# an output path that validation would have refused.


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Corrupt
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _day(value: Any) -> date:
    return date.fromisoformat(_text(value))


def _optional_day(value: Any) -> date | None:
    return None if value is None else _day(value)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise _Corrupt
    return value


def _position(value: Any) -> Position | None:
    if value is None:
        return None
    line, column = value
    return Position(_int(line), _int(column))


def _problem(rel: str, value: Any) -> Problem:
    line, column, field, message = value
    return Problem(rel, _int(line), _int(column), _text(field), _text(message))


def _choice(value: Any, allowed: frozenset[str]) -> str:
    if type(value) is not str or value not in allowed:
        raise _Corrupt
    return value


def _optional_choice(value: Any, allowed: frozenset[str]) -> str | None:
    return None if value is None else _choice(value, allowed)


def _review(value: Any) -> Review | None:
    if value is None:
        return None
    requested, decided, result = value
    return Review(_day(requested), _optional_day(decided), _optional_choice(result, _RESULTS))


_KINDS = frozenset(KINDS)
_CASE_SLOTS = {name: getattr(Case, name) for name in Case.__slots__}
_NOBODY = Petitioner()
_SATISFACTIONS = frozenset(SATISFACTIONS)
_RESULTS = frozenset(REVIEW_RESULTS)


class _Vocabularies:
    def __init__(self, config: Config):
        self.channels = frozenset(config.channels)
        self.sources = frozenset(config.sources)
        self.categories = frozenset(config.categories)
        self.units = frozenset(config.units)
        self.outcomes = frozenset(config.outcomes)
        self.supervision_kinds = frozenset(config.supervision_kinds)
        self.routes = frozenset(config.routes)
        self.days: dict[str, date] = {}

    def day(self, text: str) -> date:
        """``date.fromisoformat``, each day made once (a case has three or four dates,
        an archive a few thousand days); raises TypeError on anything but text."""
        made = self.days.get(text)
        if made is None:
            made = self.days[text] = date.fromisoformat(text)
        return made

    def case(self, row: Any, path: str) -> Case:
        """The case of a cached row; raises on anything :func:`_encode_case` would not
        have written (this runs for every case of every check: hence one flat function)."""
        (
            id_, received, channel, source, kind, category, summary, people, skip_level,
            repeat_of, petitioner, unit, leader, accepted, not_accepted, extension, progress,
            closed, outcome, satisfaction, review, recheck, supervision, notes,
        ) = row  # fmt: skip
        day = self.day
        intern = sys.intern  # the same few names in 100,000 cases: each held once
        if not (
            type(id_) is str
            and type(summary) is str
            and type(people) is int
            and type(skip_level) is bool
            and channel in self.channels  # a set of text: anything else is not in it
            and source in self.sources
            and kind in _KINDS
            and category in self.categories
            and satisfaction in _SATISFACTIONS
            and (unit is None or unit in self.units)
            and (outcome is None or outcome in self.outcomes)
            and (repeat_of is None or type(repeat_of) is str)
            and (leader is None or type(leader) is str)
            and (notes is None or type(notes) is str)
            and type(progress) is list
            and type(supervision) is list
        ):
            raise _Corrupt
        if type(petitioner) is not list or len(petitioner) != 4:
            raise _Corrupt
        if any(value is not None and type(value) is not str for value in petitioner):
            raise _Corrupt
        values = {
            "id": id_,
            "path": path,
            "received": day(received),
            "channel": intern(channel),
            "source": intern(source),
            "kind": intern(kind),
            "category": intern(category),
            "summary": summary,
            "people": people,
            "skip_level": skip_level,
            "repeat_of": repeat_of,
            "petitioner": Petitioner(*petitioner) if any(petitioner) else _NOBODY,
            "unit": None if unit is None else intern(unit),
            "leader": None if leader is None else intern(leader),
            "accepted": None if accepted is None else day(accepted),
            "not_accepted": None
            if not_accepted is None
            else NotAccepted(
                _day(not_accepted[0]),
                _optional_text(not_accepted[1]),
                _optional_choice(not_accepted[2], self.routes),
            ),
            "extension": None
            if extension is None
            else Extension(_int(extension[0]), _day(extension[1]), _optional_text(extension[2])),
            "progress": tuple(
                ProgressStep(_day(d), _text(action), _optional_text(note))
                for d, action, note in progress
            ),
            "closed": None if closed is None else day(closed),
            "outcome": None if outcome is None else intern(outcome),
            "satisfaction": intern(satisfaction),
            "review": _review(review),
            "recheck": _review(recheck),
            "supervision": tuple(
                Supervision(_day(d), _text(by), _choice(k, self.supervision_kinds))
                for d, by, k in supervision
            ),
            "notes": notes,
        }
        # Case(**values) with its 25 frozen fields costs twice as much; every value
        # has been checked above, and Case has no __post_init__. Its fields are slots
        # (no dict a case: a tenth of the memory of 100,000 cases), set one by one.
        case = object.__new__(Case)
        for name, value in values.items():
            _CASE_SLOTS[name].__set__(case, value)
        return case

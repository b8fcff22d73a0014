"""Reading YAML files strictly, keeping the position of every value.

PyYAML's ordinary loaders accept things that silently corrupt a record: a
duplicate key keeps the last value, an alias can blow a small file up to
gigabytes, and ``id: 0012`` or ``answer: no`` become a number and a boolean.
This loader walks PyYAML's event stream (on the C parser) and builds a small
tree of :class:`Scalar`, :class:`Mapping` and :class:`Sequence` nodes whose
scalars stay text, marked plain or quoted, so validation decides what each
field means and can say where it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from xfgen.records.inputs import UnsafeInput, read_input

# The C parser (libyaml) alone, without a loader's constructor and resolver; the
# pure-Python loader only where PyYAML lacks it.
_Loader: Any = getattr(getattr(yaml, "cyaml", None), "CParser", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


# Position and Scalar are named tuples (immutable like the frozen dataclasses
# around them, and made three times as fast): a check makes one of each for
# every value of every case file.
class Position(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


class Scalar(NamedTuple):
    text: str
    plain: bool  # written without quotes, so YAML would resolve its type
    pos: Position


@dataclass(frozen=True)
class Mapping:
    items: tuple[tuple[Scalar, Node], ...]
    pos: Position


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    pos: Position


Node = Scalar | Mapping | Sequence


@dataclass(frozen=True)
class LoadProblem:
    """Why a file could not be read as YAML; the caller adds the path."""

    pos: Position
    message: str
    field: str = "(文件)"


class LoadFailed(Exception):
    def __init__(self, problem: LoadProblem):
        self.problem = problem
        super().__init__(problem.message)


# What YAML 1.1 would turn a plain scalar into, so that we can warn about it.
_NULL = re.compile(r"^(~|null|Null|NULL|)$")
_BOOL = re.compile(
    r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"
)
_INT = re.compile(
    r"^[-+]?(0b[0-1_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)$"
)
_FLOAT = re.compile(
    r"^([-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$"
)
_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# The first characters the patterns above can match (and any digit, for \d).
TYPED_FIRST = frozenset("~nNyYtTfFoO+-.0123456789")


def implicit_type(scalar: Scalar) -> str:
    """The type YAML would give this scalar: "null", "bool", "int", "float", "date" or "str"."""
    if not scalar.plain:
        return "str"
    text = scalar.text
    first = text[:1]
    if first and first not in TYPED_FIRST and not first.isdigit():  # 反映…: no pattern can match
        return "str"
    if _NULL.match(text):
        return "null"
    if _BOOL.match(text):
        return "bool"
    if _INT.match(text):
        return "int"
    if _FLOAT.match(text):
        return "float"
    if _DATE.match(text):
        return "date"
    return "str"


# Characters no text may hold (DOMAIN.md, "Limits"): C0 controls but tab, line
# feed and carriage return, DEL, C1 controls, bidi overrides and isolates, and
# the line and paragraph separators. In a value (written as an escape in double
# quotes) tab and line feed count too, except where a field may span lines.
FORBIDDEN_RAW = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def describe_char(char: str) -> str:
    """A control character named so it can be printed: U+001B."""
    return f"U+{ord(char):04X}"


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; anything else is a clear error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            guess = "看起来是 GBK/GB2312 编码（Windows 记事本等编辑器的“ANSI”编码）"
        except UnicodeDecodeError:
            guess = "不是 UTF-8 编码"
        raise LoadFailed(
            LoadProblem(
                Position(line, 1),
                f"文件{guess}。xfgen 只读 UTF-8：请用编辑器“另存为”并选择 UTF-8 编码后再试。",
            )
        ) from None
    bad = FORBIDDEN_RAW.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise LoadFailed(
            LoadProblem(
                Position(line, column),
                f"这一行有不可见的控制字符（{describe_char(bad.group(0))}），"
                "可能是从别处复制时带进来的：请删除它后再试。",
            )
        )
    if "\t" in text:
        # YAML forbids tabs for indentation; catch it before the parser's English message.
        for number, line_text in enumerate(text.splitlines(), start=1):
            stripped = line_text.lstrip(" ")
            if stripped.startswith("\t"):
                raise LoadFailed(
                    LoadProblem(
                        Position(number, len(line_text) - len(stripped) + 1),
                        "这一行用了 Tab 键缩进，YAML 只允许用空格缩进，请把 Tab 换成空格。",
                    )
                )
    return text


def parse(text: str) -> Node:
    """Parse one YAML document into nodes; refuse anchors, aliases, tags and duplicate keys.

    Events are taken from the C parser one at a time. A syntax error anywhere in
    the file is reported before any problem of structure (an alias, a duplicate
    key, a second document), as if the whole file had been parsed first: after
    such a problem the rest of the file is still parsed, only for its syntax.
    """
    parser = _Loader(text)
    try:
        try:
            return _document(parser.get_event)
        except LoadFailed:
            while parser.get_event() is not None:  # a later syntax error comes first
                pass
            raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "end of stream" in str(exc.problem) and exc.context_mark is not None:
            mark = exc.context_mark  # where the unclosed quote or block began
        pos = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        raise LoadFailed(LoadProblem(pos, _syntax_message(exc))) from None
    except yaml.YAMLError as exc:
        raise LoadFailed(LoadProblem(Position(1, 1), f"YAML 格式错误：{exc}")) from None
    finally:
        parser.dispose()


def load_file(path: Path, root: Path, area: Path | None = None) -> Node:
    """Read (safely, see :func:`read_input`) and parse one file of the repository at
    ``root``; raises :class:`LoadFailed` with a Chinese message."""
    try:
        data = read_input(root, path, area)
    except UnsafeInput as exc:
        raise LoadFailed(LoadProblem(Position(1, 1), exc.reason)) from None
    return parse(decode(data))


# The parser's event classes, compared by identity (``type(event) is ...``): the
# loader sees some 30 events per case file, a hundred thousand files per check.
_SCALAR = yaml.ScalarEvent
_MAPPING_START = yaml.MappingStartEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_START = yaml.SequenceStartEvent
_SEQUENCE_END = yaml.SequenceEndEvent
_ALIAS = yaml.AliasEvent
_DOCUMENT_START = yaml.DocumentStartEvent
_DOCUMENT_END = yaml.DocumentEndEvent
_STREAM_START = yaml.StreamStartEvent
_STREAM_END = yaml.StreamEndEvent
# A Scalar or Position made by tuple.__new__ directly, as the named tuple's own
# __new__ does after a Python call of its own: a third of the loader's time.
_new: Any = tuple.__new__


def _document(next_event: Callable[[], yaml.Event]) -> Node:
    _expect(next_event, _STREAM_START)
    first = next_event()
    if type(first) is _STREAM_END:
        raise LoadFailed(
            LoadProblem(Position(1, 1), "文件是空的：每个文件应写一件信访事项的各项内容。")
        )
    if type(first) is not _DOCUMENT_START:  # pragma: no cover - the parser guarantees it
        raise LoadFailed(LoadProblem(_pos(first), "YAML 结构异常。"))
    root = _node(next_event(), next_event, 0)
    _expect(next_event, _DOCUMENT_END)
    after = next_event()
    if type(after) is _DOCUMENT_START:
        raise LoadFailed(
            LoadProblem(_pos(after), "一个文件里只能有一份内容（发现了第二个 “---” 文档分隔符）。")
        )
    return root


def _pos(event: yaml.Event) -> Position:
    mark = event.start_mark
    if mark is None:  # pragma: no cover - the C parser always marks events
        return Position(1, 1)
    return Position(mark.line + 1, mark.column + 1)


def _expect(next_event: Callable[[], yaml.Event], kind: type) -> yaml.Event:
    event = next_event()
    if type(event) is not kind:  # pragma: no cover - the parser guarantees the order
        raise LoadFailed(LoadProblem(_pos(event), "YAML 结构异常。"))
    return event


def _refuse_anchor_and_tag(event: yaml.Event) -> None:
    if type(event) is _ALIAS:
        raise LoadFailed(
            LoadProblem(_pos(event), "不允许使用 YAML 别名（*名称）：请把内容直接写出来。")
        )
    if getattr(event, "anchor", None):
        raise LoadFailed(
            LoadProblem(_pos(event), "不允许使用 YAML 锚点（&名称）：请把内容直接写出来。")
        )
    tag = getattr(event, "tag", None)
    # A tag on a mapping or a list (!!python/object:..., !!map) is refused like one
    # on a value: only a plain "!!str" on a value is harmless.
    if tag is not None and (tag != _STR_TAG or type(event) is not _SCALAR):
        raise LoadFailed(LoadProblem(_pos(event), f"不允许使用 YAML 标签（{tag}），请直接写值。"))


MAX_DEPTH = 20  # a case file nests three levels; 999 would exhaust Python's stack


def _node(event: Any, next_event: Callable[[], Any], depth: int) -> Node:  # a yaml.Event
    if depth > MAX_DEPTH:
        raise LoadFailed(
            LoadProblem(
                _pos(event), f"内容嵌套超过 {MAX_DEPTH} 层：请检查缩进，事项文件最多嵌套三层。"
            )
        )
    kind = type(event)
    if kind is _SCALAR:
        if event.anchor is not None or event.tag is not None:
            _refuse_anchor_and_tag(event)
        mark = event.start_mark
        # implicit[0]: written plain, so YAML would resolve its type itself.
        plain = bool(event.implicit[0]) and event.tag is None
        return _new(Scalar, (event.value, plain, _new(Position, (mark.line + 1, mark.column + 1))))
    _refuse_anchor_and_tag(event)
    if kind is _MAPPING_START:
        pairs: list[tuple[Scalar, Node]] = []
        seen: dict[str, Position] = {}
        inline = depth < MAX_DEPTH  # a value one level down may be made here
        while True:
            child = next_event()
            if type(child) is _MAPPING_END:
                return Mapping(tuple(pairs), _pos(event))
            if inline and type(child) is _SCALAR and child.anchor is None and child.tag is None:
                mark = child.start_mark  # a plain key, as _node would make it, without a call
                key = _new(
                    Scalar,
                    (
                        child.value,
                        bool(child.implicit[0]),
                        _new(Position, (mark.line + 1, mark.column + 1)),  # type: ignore[union-attr]
                    ),
                )
            else:
                key = _node(child, next_event, depth + 1)  # type: ignore[assignment]
                if type(key) is not Scalar:
                    raise LoadFailed(LoadProblem(key.pos, "键名必须是简单的文字。"))
            if key.text in seen:
                first = seen[key.text]
                raise LoadFailed(
                    LoadProblem(
                        key.pos,
                        f"键 “{key.text}” 重复出现（第 {first.line} 行已有）：同一项只能写一次，请删除多余的一行。",
                        field=key.text,
                    )
                )
            seen[key.text] = key.pos
            child = next_event()
            if inline and type(child) is _SCALAR and child.anchor is None and child.tag is None:
                mark = child.start_mark
                value: Node = _new(
                    Scalar,
                    (
                        child.value,
                        bool(child.implicit[0]),
                        _new(Position, (mark.line + 1, mark.column + 1)),  # type: ignore[union-attr]
                    ),
                )
            else:
                value = _node(child, next_event, depth + 1)
            pairs.append((key, value))
    if kind is _SEQUENCE_START:
        items: list[Node] = []
        while True:
            child = next_event()
            if type(child) is _SEQUENCE_END:
                return Sequence(tuple(items), _pos(event))
            items.append(_node(child, next_event, depth + 1))
    raise LoadFailed(LoadProblem(_pos(event), "YAML 结构异常。"))  # pragma: no cover


_SYNTAX_HINTS = (
    ("found character '\\t'", "不能用 Tab 键缩进，请改用空格。"),
    (
        "mapping values are not allowed",
        "这里不能出现冒号“:”：值里含有“: ”时请给整个值加引号，或检查缩进。",
    ),
    ("could not find expected ':'", "缺少冒号“:”，或上一行的引号没有配对。"),
    ("did not find expected key", "缩进不一致或格式不对：同一层的键要对齐，列表项以“- ”开头。"),
    ("found undefined alias", "不允许使用 YAML 别名（*名称）。"),
    ("found unexpected end of stream", "文件意外结束：可能有引号没有配对。"),
    ("found duplicate anchor", "不允许使用 YAML 锚点。"),
    ("did not find expected node content", "这里缺少内容，请检查格式。"),
    ("found unknown escape character", "双引号里的反斜杠“\\”需要写成“\\\\”，或改用单引号。"),
)


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    problem = f"{exc.context or ''} {exc.problem or ''}".strip()
    for english, chinese in _SYNTAX_HINTS:
        if english in problem:
            return f"YAML 格式错误：{chinese}"
    return f"YAML 格式错误，请检查这一行附近的缩进、冒号和引号（{problem}）。"

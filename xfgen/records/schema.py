"""Declared fields: what a YAML mapping may hold, and how each value is read.

The case file and ``xfgen.yaml`` are both declared here as tuples of
:class:`Field`; :func:`read_mapping` turns a parsed mapping into plain Python
values and records a :class:`Problem` for every value it cannot accept, so a
user sees all of them at once. The README's field reference follows these
declarations.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from xfgen.errors import Problem
from xfgen.records.loading import (
    FORBIDDEN_RAW,
    TYPED_FIRST,
    Mapping,
    Node,
    Position,
    Scalar,
    Sequence,
    describe_char,
    implicit_type,
)

_YAML_TYPE_NAMES = {
    "int": "数字",
    "float": "数字",
    "bool": "是/否（布尔值）",
    "date": "日期",
    "null": "空值",
}
_DATE_TEXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DECIMAL = re.compile(r"^(0|[1-9][0-9]*)$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")  # a sign, so that a bound can say "不能小于"
MAX_DAYS = 3650  # any day count (DOMAIN.md, "Limits"): ten years
TEXT_MAX = 500  # characters in a one-line field: what a ledger cell can print
NUMBER_DIGITS_MAX = 15


@dataclass(frozen=True)
class Field:
    """One key of a mapping.

    ``kind`` is one of: text (one line), multiline, int, number, bool, date,
    map (``fields`` inside), list (of ``item`` kind, or of maps with ``fields``).
    ``choices`` names a vocabulary (looked up at read time) or lists the values.
    """

    name: str
    kind: str
    label: str
    required: bool = False
    choices: str | tuple[str, ...] | None = None
    fields: tuple[Field, ...] = ()
    item: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    path_label: bool = False  # becomes part of an output path (a unit's ledger page)
    doc: str = ""
    strip: bool = True  # a text is read without its surrounding blanks (not one matched exactly)


@dataclass
class Reader:
    """Reads values of one file, collecting problems as it goes."""

    path: str
    vocabularies: dict[str, tuple[str, ...]]
    problems: list[Problem]
    positions: dict[str, Position] = field(default_factory=dict)  # "extension.days" -> where

    def problem(self, pos: Position, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, pos.line, pos.column, field, message))

    def read_mapping(
        self, node: Node, fields: tuple[Field, ...], prefix: str = ""
    ) -> dict[str, Any] | None:
        """The declared values of ``node``: absent keys are left out, bad values are None."""
        where = prefix.rstrip(".") or "(文件)"
        if not isinstance(node, Mapping):
            self.problem(node.pos, where, "这里应当是“键: 值”形式的一组内容。")
            return None
        declared, names, required = _declared(fields)
        values: dict[str, Any] = {}
        empty: dict[str, Position] = {}  # `key:` written with nothing after it
        for key, value in node.items:
            spec = declared.get(key.text)
            if spec is None:
                self.problem(key.pos, prefix + key.text, _unknown_key(key.text, declared))
                continue
            name = prefix + spec.name
            self.positions[name] = value.pos
            if type(value) is Scalar:
                if value.plain and value.text in ("", "~", "null"):
                    empty[spec.name] = key.pos  # counts as absent
                    continue
                if spec.kind not in _NESTED:
                    values[spec.name] = self.read_scalar(value, spec, name)
                    continue
            values[spec.name] = self.read_value(value, spec, name)
        # Where an absent key would go: the mapping itself.
        positions = dict.fromkeys([prefix + n for n in names] if prefix else names, node.pos)
        positions.update(self.positions)
        self.positions = positions
        for spec in required:
            if spec.name in empty:
                self.problem(
                    empty[spec.name],
                    prefix + spec.name,
                    f"必填项 {spec.name}（{spec.label}）还没有填写。",
                )
            elif spec.name not in values:
                self.problem(
                    node.pos, prefix + spec.name, f"缺少必填项 {spec.name}（{spec.label}）。"
                )
        return values

    def read_value(self, node: Node, spec: Field, name: str) -> Any:
        if spec.kind == "map":
            return self.read_mapping(node, spec.fields, name + ".")
        if spec.kind == "list":
            if not isinstance(node, Sequence):
                self.problem(node.pos, name, f"{spec.label}应当是一个列表，每项以“- ”开头。")
                return None
            if spec.fields:
                return [
                    self.read_mapping(item, spec.fields, f"{name}[{i}].")
                    for i, item in enumerate(node.items, start=1)
                ]
            item_spec = replace(spec, kind=spec.item or "text", item=None)
            values = []
            for i, item in enumerate(node.items, start=1):
                self.positions[f"{name}[{i}]"] = item.pos
                values.append(self.read_value(item, item_spec, f"{name}[{i}]"))
            return values
        if not isinstance(node, Scalar):
            self.problem(node.pos, name, f"{spec.label}应当是单个值，不是列表或多项内容。")
            return None
        return self.read_scalar(node, spec, name)

    def read_scalar(self, node: Scalar, spec: Field, name: str) -> Any:
        value = _usual_value(node, spec.kind)
        if value is None:  # unusual, or wrong: the reader of its kind says which
            value = _SCALAR_READERS[spec.kind](self, node, spec, name)
            if value is None:
                return None
        if spec.choices is not None:  # a vocabulary's name, or the values themselves
            configured = isinstance(spec.choices, str)
            choices = (
                self.vocabularies.get(spec.choices)
                if isinstance(spec.choices, str)
                else spec.choices
            )
            if choices is not None and value not in choices:
                self.problem(node.pos, name, _not_a_choice(value, spec.label, choices, configured))
                return None
        if spec.path_label and (reason := _unsafe_path_label(value)):
            self.problem(node.pos, name, f"{spec.label}中的 “{value}” 会用作输出文件名，{reason}")
            return None
        if spec.minimum is not None and value < spec.minimum:
            self.problem(
                node.pos, name, f"{spec.label}不能小于 {_num(spec.minimum)}，现在是 {node.text}。"
            )
            return None
        if spec.maximum is not None and value > spec.maximum:
            self.problem(
                node.pos, name, f"{spec.label}不能大于 {_num(spec.maximum)}，现在是 {node.text}。"
            )
            return None
        return value

    def _read_text(self, node: Scalar, spec: Field, name: str) -> str | None:
        text = self._read_multiline(node, spec, name)
        if text is None:
            return None
        text = text.strip() if spec.strip else text.strip("\n")
        if "\n" in text or "\r" in text:
            self.problem(node.pos, name, f"{spec.label}只能写一行。")
            return None
        if "\t" in text:
            self.problem(node.pos, name, f"{spec.label}只能写一行文字，不能含 Tab。")
            return None
        if len(text) > TEXT_MAX:
            self.problem(
                node.pos,
                name,
                f"{spec.label}太长（{len(text)} 字），一行最多 {TEXT_MAX} 字，否则台账无法打印："
                "请精简，详细情况写在 notes 中。",
            )
            return None
        return text

    def _read_multiline(self, node: Scalar, spec: Field, name: str) -> str | None:
        yaml_type = implicit_type(node)
        if yaml_type != "str":
            self.problem(
                node.pos,
                name,
                f"值 {node.text} 会被 YAML 当作{_YAML_TYPE_NAMES[yaml_type]}，"
                f'{spec.label}应是文字：请加引号，写成 {name.split(".")[-1].split("[")[0]}: "{node.text}"。',
            )
            return None
        if not node.text.strip():
            self.problem(node.pos, name, f"{spec.label}不能为空。")
            return None
        bad = FORBIDDEN_RAW.search(node.text)
        if bad:
            line = node.pos.line + node.text.count("\n", 0, bad.start())
            self.problem(
                Position(line, node.pos.column if line == node.pos.line else 1),
                name,
                f"{spec.label}中有不可见的控制字符（{describe_char(bad.group(0))}）：请删除它。",
            )
            return None
        return node.text

    def _read_int(self, node: Scalar, spec: Field, name: str) -> int | None:
        if node.plain and _DECIMAL.match(node.text):
            if len(node.text) > NUMBER_DIGITS_MAX:  # int() refuses 4,300 digits; no field needs 10
                self.problem(node.pos, name, f"{spec.label}的数字太大（{len(node.text)} 位）。")
                return None
            return int(node.text)
        hint = "（不要加引号）" if not node.plain else ""
        self.problem(node.pos, name, f"{spec.label}应为整数{hint}，现在是 “{node.text}”。")
        return None

    def _read_number(self, node: Scalar, spec: Field, name: str) -> float | None:
        if node.plain and _NUMBER.match(node.text) and len(node.text) <= NUMBER_DIGITS_MAX:
            return float(node.text)
        self.problem(node.pos, name, f"{spec.label}应为数字，现在是 “{node.text}”。")
        return None

    def _read_bool(self, node: Scalar, spec: Field, name: str) -> bool | None:
        if node.plain and node.text in ("true", "false"):
            return node.text == "true"
        self.problem(
            node.pos, name, f"{spec.label}应为 true（是）或 false（否），现在是 “{node.text}”。"
        )
        return None

    def _read_date(self, node: Scalar, spec: Field, name: str) -> date | None:
        match = _DATE_TEXT.match(node.text.strip())
        if not match:
            self.problem(
                node.pos,
                name,
                f"{spec.label}应写成 YYYY-MM-DD 格式的日期，例如 2026-01-05，现在是 “{node.text}”。",
            )
            return None
        try:
            if match.string.isascii():  # the usual case, read in one call
                return date.fromisoformat(match.string)
            return date(*(int(part) for part in match.groups()))  # other digits (\d)
        except ValueError:
            self.problem(node.pos, name, f"日期 {node.text} 不存在，请检查年、月、日。")
            return None


_NESTED = ("map", "list")
# What no one-line text may hold (beyond FORBIDDEN_RAW): line breaks and tabs.
_NOT_ONE_LINE = re.compile(FORBIDDEN_RAW.pattern[:-1] + "\t\n\r]")


def _usual_value(node: Scalar, kind: str) -> Any:
    """The value of a one-line text or a date written the usual way, read in a few
    calls (a check reads some 150,000 of them); None for anything else, which the
    reader of its kind then reads, or explains, in full. Only values those readers
    would accept unchanged are taken here."""
    text = node.text
    if kind == "text":
        if (
            text
            and len(text) <= TEXT_MAX
            and (not node.plain or (text[0] not in TYPED_FIRST and not text[0].isdigit()))
            and text.strip() == text
            and not _NOT_ONE_LINE.search(text)
        ):
            return text
        return None
    if kind == "date" and len(text) == 10 and text.isascii() and _DATE_TEXT.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    return None


_SCALAR_READERS = {
    kind: getattr(Reader, f"_read_{kind}")
    for kind in ("text", "multiline", "int", "number", "bool", "date")
}
_Declared = tuple[dict[str, Field], tuple[str, ...], tuple[Field, ...]]
_DECLARED: dict[int, tuple[tuple[Field, ...], _Declared]] = {}


def _declared(fields: tuple[Field, ...]) -> _Declared:
    """``fields`` by name, their names and the required ones: made once per declaration
    (a handful in a process), not once per mapping read."""
    known = _DECLARED.get(id(fields))
    if known is None or known[0] is not fields:
        by_name = {f.name: f for f in fields}
        names = tuple(by_name)
        known = _DECLARED[id(fields)] = (
            fields,
            (by_name, names, tuple(f for f in fields if f.required)),
        )
    return known[1]


def _unknown_key(key: str, declared: dict[str, Field]) -> str:
    close = difflib.get_close_matches(key, list(declared), n=1, cutoff=0.6)
    hint = f"你是不是想写 {close[0]}？" if close else "可用的项：" + "、".join(declared) + "。"
    return f"未知的项 “{key}”。{hint}"


def _not_a_choice(value: Any, label: str, choices: tuple[str, ...], configured: bool) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1, cutoff=0.5)
    hint = f"你是不是想写 “{close[0]}”？" if close else ""
    listed = "、".join(choices) if len(choices) <= 12 else "、".join(choices[:12]) + " 等"
    where = "（在 xfgen.yaml 中配置）" if configured else ""
    return f"“{value}” 不是可用的{label}。{hint}可用的值：{listed}{where}。"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


PATH_LABEL_MAX = 60  # characters: a file name holds at most 255 bytes, 3 per Chinese character


def _unsafe_path_label(label: str) -> str | None:
    """Why ``label`` cannot be part of a file name, or None (DOMAIN.md, "Limits")."""
    if "/" in label or "\\" in label:
        return "不能含有“/”或“\\”。"
    if ".." in label:
        return "不能含有“..”。"
    if label.startswith("."):
        return "不能以“.”开头。"
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in label):
        return "不能含有控制字符。"
    if len(label) > PATH_LABEL_MAX:
        return f"不能超过 {PATH_LABEL_MAX} 个字。"
    return None

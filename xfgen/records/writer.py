"""Writing record files: the YAML text of a case (or any declared record) from values.

:func:`record_yaml` is the one writer: ``xfgen new`` uses it for a skeleton, and
an importer can use it for a full record. Fields come out in declaration order;
a given value is written so that the strict loader reads it back unchanged; a
required field without a value is written empty (``channel:``) with a short
comment naming the allowed labels, so ``xfgen check`` names what is left to
fill; an optional field without a value becomes a commented-out line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import yaml

from xfgen.records.loading import Position, Scalar, implicit_type
from xfgen.records.schema import Field

_INDENT = "  "
_COMMENT_COLUMN = 16  # comments line up here unless the key is longer
_MAX_LISTED = 40  # a longer vocabulary is cut in the comment (all of it is in the schema)


def record_yaml(
    fields: tuple[Field, ...],
    values: Mapping[str, Any],
    vocabularies: Mapping[str, tuple[str, ...]],
    skeleton: bool = True,
) -> str:
    """The text of one record file holding ``values``.

    With ``skeleton`` (the default), fields without a value are written as
    described above; without it only the given values are written.
    """
    lines: list[str] = []
    _write_fields(lines, fields, values, vocabularies, "", skeleton)
    return "\n".join(lines) + "\n"


def field_comment(spec: Field, vocabularies: Mapping[str, tuple[str, ...]]) -> str:
    """The short Chinese note for a field: what it is and, if enumerated, its labels."""
    labels = choices_of(spec, vocabularies)
    if labels:  # the labels say more than the description, which only lists examples
        shown = labels[:_MAX_LISTED]
        more = " 等" if len(labels) > len(shown) else ""
        text = f"{spec.label}，可选：" + " | ".join(shown) + more
    elif spec.doc.startswith(spec.label):
        text = spec.doc
    elif spec.doc:
        text = f"{spec.label}：{spec.doc}"
    else:
        text = spec.label
    return f"必填，{text}" if spec.required else text


def choices_of(spec: Field, vocabularies: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    if isinstance(spec.choices, str):
        return tuple(vocabularies.get(spec.choices, ()))
    return tuple(spec.choices or ())


def scalar_text(value: Any) -> str:
    """``value`` as a YAML scalar the strict loader reads back as exactly this value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if _plain_is_safe(text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _plain_is_safe(text: str) -> bool:
    if not text or text != text.strip() or "\n" in text:
        return False
    if implicit_type(Scalar(text, True, Position(1, 1))) != "str":
        return False
    try:
        return yaml.safe_load(f"k: {text}\n") == {"k": text}
    except yaml.YAMLError:
        return False


def _write_fields(
    lines: list[str],
    fields: tuple[Field, ...],
    values: Mapping[str, Any],
    vocabularies: Mapping[str, tuple[str, ...]],
    indent: str,
    skeleton: bool,
    first_prefix: str | None = None,
) -> None:
    """Write ``fields``; the first line may carry a list dash (``first_prefix``)."""
    for spec in fields:
        prefix = indent
        if first_prefix is not None:
            prefix, first_prefix = first_prefix, None
        value = values.get(spec.name)
        if value is not None:
            _write_value(lines, spec, value, vocabularies, prefix, indent, skeleton)
        elif skeleton and spec.required:
            lines.append(_with_comment(f"{prefix}{spec.name}:", field_comment(spec, vocabularies)))
        elif skeleton:
            _write_commented(lines, spec, vocabularies, prefix, indent)


def _write_value(
    lines: list[str],
    spec: Field,
    value: Any,
    vocabularies: Mapping[str, tuple[str, ...]],
    prefix: str,
    indent: str,
    skeleton: bool,
) -> None:
    key = f"{prefix}{spec.name}:"
    inner = indent + _INDENT
    if spec.kind == "map":
        lines.append(key)
        _write_fields(lines, spec.fields, value, vocabularies, inner, False)
    elif spec.kind == "list":
        lines.append(key)
        for item in value:
            if spec.fields:
                _write_fields(
                    lines, spec.fields, item, vocabularies, inner + _INDENT, False, inner + "- "
                )
            else:
                lines.append(f"{inner}- {scalar_text(item)}")
    elif spec.kind == "multiline" and "\n" in str(value).strip():
        lines.append(f"{key} |")
        lines += [f"{inner}{line}".rstrip() for line in str(value).strip("\n").split("\n")]
    else:
        lines.append(f"{key} {scalar_text(value)}")


def _write_commented(
    lines: list[str],
    spec: Field,
    vocabularies: Mapping[str, tuple[str, ...]],
    prefix: str,
    indent: str,
) -> None:
    """An optional field as comment lines the user can uncomment and fill."""
    lines.append(_with_comment(f"# {prefix}{spec.name}:", field_comment(spec, vocabularies)))
    inner = indent + _INDENT
    if spec.kind == "map":
        for sub in spec.fields:
            lines.append(_with_comment(f"# {inner}{sub.name}:", field_comment(sub, vocabularies)))
    elif spec.kind == "list" and spec.fields:
        for i, sub in enumerate(spec.fields):
            lead = inner + ("- " if i == 0 else _INDENT)
            lines.append(_with_comment(f"# {lead}{sub.name}:", field_comment(sub, vocabularies)))


def _with_comment(text: str, comment: str) -> str:
    return f"{text.ljust(_COMMENT_COLUMN - 1)} # {comment}"

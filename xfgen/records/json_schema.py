"""A JSON Schema (draft 2020-12) of a case file, derived from the declared fields.

It is built from the same :data:`~xfgen.records.validation.CASE_FIELDS` the
validator reads with, so an editor (the YAML language server in VS Code)
autocompletes the configured labels and underlines misspelt keys exactly where
``xfgen check`` would. Nothing here restates a rule by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xfgen.records.schema import Field
from xfgen.records.validation import CASE_FIELDS, ID_PATTERN
from xfgen.records.writer import choices_of

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FILE = ".xfgen/case.schema.json"
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def case_schema(vocabularies: Mapping[str, tuple[str, ...]], office: str = "") -> dict[str, Any]:
    """The schema of one case file, with ``vocabularies`` (from xfgen.yaml) as enums."""
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "title": f"{office}信访事项文件" if office else "信访事项文件",
        "description": "xfgen 的信访事项文件（cases/<年>/<编号>.yaml），由 xfgen schema 根据"
        " xfgen.yaml 生成；修改配置后请重新运行 xfgen schema --write。",
    }
    schema |= _object(CASE_FIELDS, vocabularies)
    schema["properties"]["id"]["pattern"] = ID_PATTERN.pattern
    return schema


def _object(fields: tuple[Field, ...], vocabularies: Mapping[str, tuple[str, ...]]) -> dict:
    return {
        "type": "object",
        "properties": {f.name: _property(f, vocabularies) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def _property(spec: Field, vocabularies: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    described = {"title": spec.label, "description": _description(spec)}
    if spec.kind == "map":
        return described | _object(spec.fields, vocabularies)
    if spec.kind == "list":
        if spec.fields:
            items = _object(spec.fields, vocabularies)
        else:
            items = _value(Field(spec.name, spec.item or "text", spec.label, choices=spec.choices),
                           vocabularies)  # fmt: skip
        return described | {"type": "array", "items": items}
    return described | _value(spec, vocabularies)


def _value(spec: Field, vocabularies: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    labels = choices_of(spec, vocabularies)
    if labels:
        return {"type": "string", "enum": list(labels)}
    value: dict[str, Any]
    if spec.kind == "date":
        value = dict(_DATE)
    elif spec.kind in ("int", "number"):
        value = {"type": "integer" if spec.kind == "int" else "number"}
    elif spec.kind == "bool":
        value = {"type": "boolean"}
    elif spec.kind == "text":
        value = {"type": "string", "minLength": 1, "pattern": r"^[^\n]*$"}
    else:
        value = {"type": "string", "minLength": 1}
    if spec.minimum is not None:
        value["minimum"] = _num(spec.minimum)
    if spec.maximum is not None:
        value["maximum"] = _num(spec.maximum)
    return value


def _description(spec: Field) -> str:
    if spec.doc and spec.doc != spec.label:
        return f"{spec.label}：{spec.doc}"
    return spec.label


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value

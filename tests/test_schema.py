"""xfgen schema: a JSON Schema from the validator's own declarations."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import VALID_CASE, Repo
from test_cli import REPO_ROOT, run

from xfgen.records.validation import CASE_FIELDS


def as_editor_sees(value: Any) -> Any:
    """The YAML language server reads YAML 1.2: a date is a string there."""
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def schema_of(repo: Repo, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run(capsys, "-C", str(repo.root), "schema")
    assert (code, err) == (0, "")
    return json.loads(out)


def errors(schema: dict[str, Any], case: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return sorted(e.message for e in validator.iter_errors(as_editor_sees(case)))


def test_schema_is_valid_2020_12_and_accepts_a_valid_case(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schema_of(repo, capsys)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "测试县信访局信访事项文件"
    assert list(schema["properties"]) == [f.name for f in CASE_FIELDS]
    assert errors(schema, yaml.safe_load(VALID_CASE)) == []


def test_schema_flags_what_check_flags(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    schema = schema_of(repo, capsys)
    unit = schema["properties"]["unit"]
    assert unit["enum"] == ["城关镇", "河口镇", "县人社局"]  # from the fixture's xfgen.yaml
    assert unit["description"] == "责任单位：受理后必填"
    assert schema["properties"]["extension"]["properties"]["days"]["minimum"] == 1

    case = yaml.safe_load(VALID_CASE)
    case["recieved"] = case.pop("received")  # misspelt key
    case["unit"] = "城关"  # not a configured label
    case["extension"]["days"] = 0
    case["id"] = "XF 2026/1"
    assert errors(schema, case) == [
        "'XF 2026/1' does not match '^[A-Za-z0-9-]+$'",
        "'received' is a required property",
        "'城关' is not one of ['城关镇', '河口镇', '县人社局']",
        "0 is less than the minimum of 1",
        "Additional properties are not allowed ('recieved' was unexpected)",
    ]


def test_schema_write_and_the_example_repository_maps_it(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "-C", str(repo.root), "schema", "--write")
    path = repo.root / ".xfgen" / "case.schema.json"
    assert (code, out) == (0, f"已写入 {path}\n")
    assert json.loads(path.read_text(encoding="utf-8")) == schema_of(repo, capsys)
    settings = json.loads((REPO_ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {".xfgen/case.schema.json": "cases/**/*.yaml"}

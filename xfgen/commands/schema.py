"""``xfgen schema``: the JSON Schema of a case file, for editors.

``--write`` puts it at ``.xfgen/case.schema.json``, where the repository's
``.vscode/settings.json`` points the YAML language server for ``cases/**/*.yaml``.
"""

from __future__ import annotations

import json
from pathlib import Path

from xfgen.records.config import load_config, vocabularies
from xfgen.records.json_schema import SCHEMA_FILE, case_schema


def schema_text(root: Path) -> str:
    """The schema for the configuration in ``root``, as indented JSON."""
    config = load_config(root)
    schema = case_schema(vocabularies(config), config.office)
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schema(root: Path) -> Path:
    """Write the schema to ``.xfgen/case.schema.json``; its path."""
    path = root / SCHEMA_FILE
    text = schema_text(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path

"""The user guide covers every command: docs cannot drift from the CLI."""

from __future__ import annotations

import re

import click
from test_cli import REPO_ROOT

from xfgen.cli import cli

GUIDE = REPO_ROOT / "docs" / "使用指南.md"


def commands(group: click.Group, prefix: str = "xfgen") -> list[str]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix} {name}")
    return found


def test_guide_shows_every_command_with_an_example() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    examples = "\n".join(re.findall(r"```sh\n(.*?)```", guide, flags=re.S))
    missing = [c for c in commands(cli) if not re.search(rf"^\$? ?{c}\b", examples, flags=re.M)]
    assert missing == [], f"docs/使用指南.md 没有这些命令的示例（在“命令一览”中加一节）：{missing}"


def test_readme_links_the_guide() -> None:
    assert "(docs/使用指南.md)" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_every_configuration_key() -> None:
    """Every declared key of xfgen.yaml is in the README's configuration example."""
    from xfgen.records.config import CONFIG_FIELDS

    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 配置文件 xfgen.yaml") :]
    example = re.search(r"```yaml\n(.*?)```", section, flags=re.S)
    assert example is not None
    shown = set(re.findall(r"^(\w+):", example.group(1), flags=re.M))
    assert {f.name for f in CONFIG_FIELDS} - shown == set()

"""Shared fixtures: a throw-away repository with xfgen.yaml and case files."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

CONFIG = """\
office: 测试县信访局
channels: [来信, 来访, 来电, 网上信访]
sources: [本级受理, 上级交办, 上级转送]
categories: [城乡建设/征地拆迁, 劳动社保/工资拖欠, 农村农业/土地承包]
units: [城关镇, 河口镇, 县人社局]
outcomes: [解决, 部分解决, 解释疏导, 不予支持]
"""

TODAY = date(2026, 11, 25)

# A complete, valid case; tests change one thing at a time.
VALID_CASE = """\
id: XF2026-0001
received: 2026-01-05
channel: 来访
source: 本级受理
people: 6
skip_level: false
kind: 申诉求决类
category: 城乡建设/征地拆迁
summary: 反映征地补偿款未足额发放
petitioner:
  name: 王某某
  phone: "13800001234"
  id_number: "110101199001011234"
  address: 城关镇东关村
unit: 城关镇
leader: 李明（副镇长）
accepted: 2026-01-08
extension:
  days: 30
  approved: 2026-02-20
  reason: 涉及多个部门，需联合调查
progress:
  - date: 2026-01-09
    action: 交办
    note: 交城关镇办理
closed: 2026-02-28
outcome: 解决
satisfaction: 满意
review:
  requested: 2026-03-10
  decided: 2026-04-02
  result: 维持
recheck:
  requested: 2026-04-20
  decided: 2026-05-15
  result: 维持
notes: |
  内部备注
"""


class Repo:
    """A case repository in a temporary folder."""

    def __init__(self, root: Path):
        self.root = root
        (root / "cases").mkdir()
        self.write("xfgen.yaml", CONFIG)

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def case(self, text: str, name: str | None = None) -> Path:
        """Write a case file under cases/<year>/; named after its id unless given."""
        text = textwrap.dedent(text)
        if name is None:
            line = next(x for x in text.splitlines() if x.startswith("id:"))
            name = line.split(":", 1)[1].strip().strip('"')
        return self.write(f"cases/2026/{name}.yaml", text)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)

"""Shared fixtures: a throw-away repository with xfgen.yaml and case files."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

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


# ---------------------------------------------------------------- the example, built once

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DATA = ("xfgen.yaml", "cases", "activities", "reports")
EXAMPLE_TODAY = "2026-11-20"  # CUTOFF in scripts/make_example.py, as `make demo` builds it
# One period of the example (its longest ledgers are printed in parts) and the current
# ledgers: building every period takes minutes.
EXAMPLE_PERIOD = "2026H1"


@dataclass(frozen=True)
class ExampleSite:
    root: Path  # a copy of the committed example data
    out: Path  # its site
    started: datetime  # the build ran between these two times
    finished: datetime
    code: int
    log: str


def built_once(
    factory: pytest.TempPathFactory, worker_id: str, name: str, build: Callable[[Path], Path]
) -> Path:
    """``build(folder)`` run once per test session, shared by the pytest-xdist workers: the
    first to get here builds, the others wait for it; what ``build`` returns is returned."""
    if worker_id == "master":
        return build(factory.mktemp(name))
    shared = factory.getbasetemp().parent
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / f"{name}.built"
        if not done.is_file():
            done.write_text(str(build(shared / name)), encoding="utf-8")
        return Path(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> ExampleSite:
    """The committed example (``EXAMPLE_PERIOD``) built once per test session, shared by
    the pytest-xdist workers: the first to get here builds it, the others wait for it.
    Tests must not change it (copy it first)."""
    if worker_id == "master":
        return _build_example(tmp_path_factory.mktemp("example"))
    shared = tmp_path_factory.getbasetemp().parent
    with (shared / "example.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "example.json"
        if done.is_file():
            saved = json.loads(done.read_text(encoding="utf-8"))
            return ExampleSite(
                Path(saved["root"]), Path(saved["out"]),
                datetime.fromisoformat(saved["started"]), datetime.fromisoformat(saved["finished"]),
                saved["code"], saved["log"],
            )  # fmt: skip
        site = _build_example(shared / "example")
        saved = {
            "root": str(site.root), "out": str(site.out), "started": site.started.isoformat(),
            "finished": site.finished.isoformat(), "code": site.code, "log": site.log,
        }  # fmt: skip
        done.write_text(json.dumps(saved), encoding="utf-8")
        return site


def copy_example_data(root: Path) -> None:
    """The repository's example county (its records and settings, no output) into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLE_DATA:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy2(source, root / name)


def _build_example(root: Path) -> ExampleSite:
    from xfgen.cli import main

    copy_example_data(root)
    log = io.StringIO()
    started = datetime.now().astimezone().replace(microsecond=0)
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        try:
            main(["-C", str(root), "--today", EXAMPLE_TODAY, "build", "--period", EXAMPLE_PERIOD])
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
    finished = datetime.now().astimezone()
    return ExampleSite(root, root / "output", started, finished, code, log.getvalue())


# ------------------------------------------- the example after every command of the guide (#19)

EXAMPLE_ROOT = Path(__file__).resolve().parent.parent  # the committed example repository
EXAMPLE_INPUTS = ("xfgen.yaml", "holidays.yaml", "cases", "activities", "reports", "templates")
EXAMPLE_PERIOD = "2026H1"  # its longest ledgers are printed in parts
EXPORT_FORMATS = ("csv", "xlsx", "json", "parquet")
# Records a careless or hostile user could write (issue #19), added to the example: a
# formula as a summary and a leader, a 检举控告类 reporter (王伟, already a reporter of
# the example) named in a leader and a supervision entry, a phone field with words.
HOSTILE_RECORDS = {
    "cases/2026/XF2026-9001.yaml": """\
id: XF2026-9001
received: 2026-02-02
channel: 来信
source: 上级转送
kind: 检举控告类
category: 劳动社保/工资拖欠
summary: '=HYPERLINK("http://evil.example/","点击")'
petitioner:
  name: 柏子谦
  phone: "13611112222"
  id_number: "110101198805051234"
unit: 县人社局
leader: 何鹏（副局长，举报人王伟的联系人，柏子谦）
accepted: 2026-02-05
supervision:
  - date: 2026-02-10
    by: 市纪委（王伟实名举报，电话13611112222）
    kind: 挂牌督办
notes: |
  举报人柏子谦要求对其身份严格保密并电话回访
""",
    "cases/2026/XF2026-9002.yaml": """\
id: XF2026-9002
received: 2026-02-03
channel: 来访
source: 本级受理
kind: 申诉求决类
category: 城乡建设/征地拆迁
summary: "-1+1 反映补偿款问题，柏子谦知情"
petitioner:
  name: 赵小红
  phone: "15375434073号码张三丰"
unit: 城关镇
leader: "=cmd|' /C calc'!A0"
accepted: 2026-02-04
""",
    "activities/2026/HD2026-9001.yaml": """\
id: HD2026-9001
date: 2026-02-08
kind: 接访
leader: 刘洋（县长，王伟的同学）
level: 县级领导
batches: 1
people: 2
place: "@SUM(1+1)"
summary: 接待反映柏子谦所举报问题的群众
""",
}
# What the guide has a user run, in order; after each, what `git add -A` would stage.
GUIDE_COMMANDS = (
    ("doctor",),
    ("schema", "--write"),
    ("check",),
    ("stats", "--period", "2026H1", "--json"),
    ("build", "--period", EXAMPLE_PERIOD),  # one period and the current ledgers: every
    ("build", "--period", EXAMPLE_PERIOD, "--internal"),  # period would take minutes
    *(("export", "--format", fmt) for fmt in EXPORT_FORMATS),
    *(("export", "--format", fmt, "--internal") for fmt in EXPORT_FORMATS),
    ("changes", "--since", "HEAD"),
    ("check", "--staged"),
    ("new", "--channel", "来信"),
)


@dataclass(frozen=True)
class ExampleOutputs:
    """The example (with :data:`HOSTILE_RECORDS`) after every command of the guide:
    the public and internal sites in ``output/`` and ``output-internal/``, every
    export format in ``export/`` and ``export-internal/``."""

    root: Path
    runs: tuple[
        tuple[tuple[str, ...], int, str, tuple[str, ...]], ...
    ]  # args, code, output, staged

    @property
    def public(self) -> Path:
        return self.root / "output"

    @property
    def internal(self) -> Path:
        return self.root / "output-internal"


@pytest.fixture(scope="session")
def example_outputs(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> ExampleOutputs:
    """Built once per test session, shared by the xdist workers (the first one builds,
    under a lock; the others wait and read what it recorded)."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent
    root = shared / "example-outputs"
    record = shared / "example-outputs.json"
    with (shared / "example-outputs.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            record.write_text(json.dumps(_run_the_guide(root), ensure_ascii=False), "utf-8")
    runs = json.loads(record.read_text("utf-8"))
    return ExampleOutputs(root, tuple((tuple(a), c, o, tuple(s)) for a, c, o, s in runs))


def _run_the_guide(root: Path) -> list[Any]:
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in EXAMPLE_INPUTS:
        source = EXAMPLE_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy(source, root / name)
    for rel, text in HOSTILE_RECORDS.items():
        (root / rel).write_text(text, encoding="utf-8")
    git = ["git", "-C", str(root), "-c", "user.name=测试员", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "事项"], check=True)
    runs = []
    for args in GUIDE_COMMANDS:
        done = subprocess.run(
            [sys.executable, "-m", "xfgen", "-C", str(root), "--today", EXAMPLE_TODAY, *args],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        staged = subprocess.run(
            [*git, "add", "-A", "-n"], capture_output=True, text=True, check=True
        ).stdout
        names = [line.split("'", 2)[1] for line in staged.splitlines() if "'" in line]
        runs.append([list(args), done.returncode, done.stdout + done.stderr, names])
    return runs

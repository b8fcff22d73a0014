"""Generated archives for the benchmark: a fictional county office's case files.

Every case is valid (``xfgen check`` accepts it; tests/test_bench_data.py makes
sure), closed within its deadline unless received in the last weeks before
``TODAY``, so the current open and backlog ledgers stay short as in a real office.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import io
import random
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 20)  # the day every generated archive is built as of
CONFIG = """\
office: 基准县信访局
channels: [来信, 来访, 来电, 网上信访]
sources: [本级受理, 上级交办, 上级转送]
categories:
  - 城乡建设/征地拆迁
  - 城乡建设/物业管理
  - 劳动社保/工资拖欠
  - 劳动社保/社会保险
  - 农村农业/土地承包
  - 教育文体/学校管理
  - 卫生健康/医疗纠纷
  - 市场监管/消费维权
units: [城关镇, 河口镇, 青山镇, 柳林乡, 县人社局, 县住建局, 县教育局, 县卫健委]
outcomes: [解决, 部分解决, 解释疏导, 不予支持]
"""
CHANNELS = ["来信", "来访", "来电", "网上信访"]
SOURCES = ["本级受理", "上级交办", "上级转送"]
KINDS = ["申诉求决类", "申诉求决类", "申诉求决类", "建议意见类", "检举控告类"]
CATEGORIES = [
    ("城乡建设/征地拆迁", "反映征地补偿款未按协议足额发放，要求落实"),
    ("城乡建设/物业管理", "反映小区物业长期不维修电梯，要求督促整改"),
    ("劳动社保/工资拖欠", "反映某公司拖欠工资三个月未发放，要求督促支付"),
    ("劳动社保/社会保险", "反映单位未为其缴纳养老保险，要求补缴"),
    ("农村农业/土地承包", "反映承包地被他人占用，要求恢复经营权"),
    ("教育文体/学校管理", "反映孩子就近入学被拒，要求予以安排"),
    ("卫生健康/医疗纠纷", "反映就医时收费不透明，要求核查退费"),
    ("市场监管/消费维权", "反映预付卡商家关门跑路，要求追回余额"),
]
UNITS = ["城关镇", "河口镇", "青山镇", "柳林乡", "县人社局", "县住建局", "县教育局", "县卫健委"]
OUTCOMES = ["解决", "解决", "部分解决", "解释疏导", "不予支持"]
SATISFACTION = ["满意", "满意", "基本满意", "不满意", "未评价"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "晓东", "丽华", "国平", "春梅", "文军"]


def write_project(
    root: Path, counts: dict[int, int], last_day: date = TODAY, seed: int = 12
) -> int:
    """Write ``xfgen.yaml`` and ``counts[year]`` cases received in each year (up to
    ``last_day``) under ``root``; returns the number of case files written."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "xfgen.yaml").write_text(CONFIG, encoding="utf-8")
    written = 0
    for year, count in sorted(counts.items()):
        folder = root / "cases" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        first = date(year, 1, 1)
        days = (min(date(year, 12, 31), last_day, TODAY) - first).days + 1
        received = sorted(first + timedelta(days=rng.randrange(days)) for _ in range(count))
        for number, day in enumerate(received, 1):
            case_id = f"BM{year}-{number:06d}"
            text = case_yaml(rng, case_id, day)
            (folder / f"{case_id}.yaml").write_text(text, encoding="utf-8")
            written += 1
    return written


def case_yaml(rng: random.Random, case_id: str, received: date) -> str:
    category, summary = rng.choice(CATEGORIES)
    accepted = min(received + timedelta(days=rng.randrange(0, 12)), TODAY)
    closed = accepted + timedelta(days=rng.randrange(7, 58))
    lines = [
        f"id: {case_id}",
        f"received: {received}",
        f"channel: {rng.choice(CHANNELS)}",
        f"source: {rng.choice(SOURCES)}",
        "people: 1",
        f"kind: {rng.choice(KINDS)}",
        f"category: {category}",
        f"summary: {summary}",
        "petitioner:",
        f"  name: {rng.choice(SURNAMES)}{rng.choice(GIVEN)}",
        f'  phone: "1{rng.randrange(3, 10)}{rng.randrange(10**9):09d}"',
        f"  address: {rng.choice(UNITS[:4])}{rng.randrange(1, 30)}组",
        f"unit: {rng.choice(UNITS)}",
        f"accepted: {accepted}",
    ]
    if closed <= TODAY:
        lines += [
            f"closed: {closed}",
            f"outcome: {rng.choice(OUTCOMES)}",
            f"satisfaction: {rng.choice(SATISFACTION)}",
        ]
    return "\n".join(lines) + "\n"


def copy_example(repo: Path, target: Path) -> None:
    """The repository's example project (its data, not its output) in ``target``,
    committed to a fresh git repository so the build finds a real data version."""
    target.mkdir(parents=True)
    for name in ("cases", "activities", "reports", "templates"):
        if (repo / name).is_dir():
            shutil.copytree(repo / name, target / name)
    for name in ("xfgen.yaml", "holidays.yaml"):
        if (repo / name).is_file():
            shutil.copy2(repo / name, target / name)
    git_commit(target, "示例数据")


def git_commit(root: Path, message: str) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    if not (root / ".git").exists():
        git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
        "commit", "-q", "-m", message)  # fmt: skip


def write_office_project(
    root: Path,
    cases: dict[int, int] | None = None,
    activities: dict[int, int] | None = None,
) -> int:
    """A smaller county made by the example's own generator (scripts/make_example.py,
    same seed and rules: office work, supervision, reviews, backlog), with ``cases``
    and ``activities`` per year instead of the example's; committed to a fresh git
    repository. Returns the number of case files."""
    repo = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "_bench_example", repo / "scripts" / "make_example.py"
    )
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = maker  # its dataclasses look their module up
    try:
        spec.loader.exec_module(maker)
        office = dataclasses.replace(
            maker.EXAMPLE,
            cases_per_year=cases or {2025: 180, 2026: 165},
            activities_per_year=activities or {2025: 36, 2026: 30},
        )
        with contextlib.redirect_stdout(io.StringIO()):
            maker.write_office(root, office)
    finally:
        del sys.modules[spec.name]
    git_commit(root, "基准数据")
    return sum(1 for _ in (root / "cases").rglob("*.yaml"))


def edit_one_case(root: Path, path: Path | None = None) -> Path:
    """Change the summary of one case of the example (it stays valid): ``path``, by
    default the last case file; returns its path."""
    path = path or sorted((root / "cases").rglob("*.yaml"))[-1]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("summary: "):
            lines[i] = line.rstrip("\n") + "（基准测试修改）\n"
            path.write_text("".join(lines), encoding="utf-8")
            return path
    raise ValueError(f"{path} has no summary line")


def case_in_many_ledgers(root: Path, today: date) -> Path:
    """The first case file of a case in as many ledgers as a case can be: accepted, still
    open on ``today``, with a leader, received in ``today``'s half year (so in that half's
    and the year's register, open, 领导包案 and unit ledgers, and the current open one)."""
    from xfgen.records.validation import load_project

    half = date(today.year, 7 if today.month > 6 else 1, 1)
    project = load_project(root, today)
    found = sorted(
        c.path
        for c in project.cases
        if c.leader and c.accepted and c.closed is None and half <= c.received <= today
    )
    if not found:
        raise ValueError(f"{root}: no open case with a leader received since {half}")
    return root / found[0]

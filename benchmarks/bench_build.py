"""Benchmarks: loading + validation, figures and PDF rendering on generated data.

Run with `make bench`. Prints wall seconds for each stage; nothing is asserted
(speed is measured here, never in unit tests).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from xfgen.figures.compute import compute_figures
from xfgen.figures.periods import parse_period
from xfgen.records.validation import load_project
from xfgen.site.build import build_site

CONFIG = """\
office: 基准县信访局
channels: [来信, 来访, 来电, 网上信访]
sources: [本级受理, 上级交办, 上级转送]
categories: [城乡建设/征地拆迁, 劳动社保/工资拖欠, 农村农业/土地承包, 市场监管/消费维权]
units: [城关镇, 河口镇, 青山镇, 县人社局, 县住建局]
outcomes: [解决, 部分解决, 解释疏导, 不予支持]
"""
TODAY = date(2026, 11, 25)


def write_cases(root: Path, count: int, year: int = 2026) -> None:
    rng = random.Random(7)
    (root / "xfgen.yaml").write_text(CONFIG, encoding="utf-8")
    folder = root / "cases" / str(year)
    folder.mkdir(parents=True)
    units = ["城关镇", "河口镇", "青山镇", "县人社局", "县住建局"]
    for i in range(1, count + 1):
        received = date(year, 1, 1) + timedelta(days=rng.randrange(0, 300))
        accepted = received + timedelta(days=rng.randrange(0, 20))
        closed = accepted + timedelta(days=rng.randrange(5, 90))
        lines = [
            f"id: B{year}-{i:06d}",
            f"received: {received}",
            "channel: 网上信访",
            "source: 本级受理",
            "kind: 申诉求决类",
            "category: 劳动社保/工资拖欠",
            "summary: 反映某公司拖欠工资三个月未发放，要求督促支付",
            'petitioner:\n  name: 张三丰\n  phone: "13900000000"',
            f"unit: {rng.choice(units)}",
            f"accepted: {accepted}",
        ]
        if closed <= date(year, 11, 1):
            lines += [f"closed: {closed}", "outcome: 解决", "satisfaction: 满意"]
        (folder / f"B{year}-{i:06d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(label: str, action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    print(f"{label:<40} {time.perf_counter() - start:7.2f} s", flush=True)
    return result


def bench(size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_cases(root, size)
        project = timed(f"load + validate {size} cases", lambda: load_project(root, TODAY))
        assert not project.problems, project.problems[:3]
        period = parse_period("2026")
        timed(f"figures 2026 ({size} cases)", lambda: compute_figures(
            project.cases, project.config, project.rules, period, period.end))  # fmt: skip
        if size <= 2000:
            timed(f"build 2026H1 site ({size} cases)", lambda: build_site(
                root, root / "output", TODAY, ["2026H1"]))  # fmt: skip


def main() -> None:
    for size in [int(arg) for arg in sys.argv[1:]] or [2000, 20000]:
        bench(size)


if __name__ == "__main__":
    main()

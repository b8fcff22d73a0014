"""``make bench``: the targets of issue #12, measured as a user runs xfgen.

Every measure runs the ``xfgen`` command line (of this virtual environment) in a
subprocess on generated or copied data in a temporary folder, and every ratio's
baseline is measured in the same run. Rows are printed as they are measured;
at the end the table is written as JSON to ``benchmarks/results/<date-time>.json``
and printed as Markdown (for the README).

    python -m benchmarks.bench          # the default measures (~15 min on 2 cores)
    python -m benchmarks.bench --big    # also build a year of the 100,000-case archive
    python -m benchmarks.bench --only pdfa   # only what PDF/A costs against plain PDF (~3 min)
    python -m benchmarks.bench --only office,ledger   # only these groups of rows (see GROUPS)
    python -m benchmarks.bench --readme benchmarks/results/X.json   # put a run's tables in README.md
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import data, rollup_data
from benchmarks.runner import (
    MIB,
    Row,
    Run,
    machine_facts,
    markdown,
    measure,
    print_header,
    print_row,
    write_results,
    xfgen_command,
)

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
CACHE = ".xfgen-cache"
GIB = 1024 * MIB
REPEAT = 3  # the quick measures (rows 1-3) are run this often; the median counts
FLOOR = """\
import sys
from pathlib import Path

import yaml

for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--no-pdf-header-footer"]  # fmt: skip


class Bench:
    """The temporary folder, the rows so far, and how to run a measure."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.rows: list[Row] = []
        self.logs = folder / "logs"
        self.logs.mkdir()

    def run(self, command: Sequence[str], cwd: Path) -> Run:
        log = self.logs / f"{len(list(self.logs.iterdir())):03d}.log"
        return measure(command, cwd, log)

    def xfgen(self, root: Path, *args: str, today: date = data.TODAY) -> Run:
        return self.run([xfgen_command(), "--today", today.isoformat(), *args], root)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print_row(row)
        return row


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true",
                        help="also build a year of the 100,000-case archive (long)")  # fmt: skip
    parser.add_argument("--offices", type=int, default=100,
                        help="offices of the roll-up measure (100: issue #25's province)")  # fmt: skip
    parser.add_argument("--only", type=groups, default=GROUPS, metavar="GROUP,...",
                        help=f"measure only these groups of rows: {','.join(GROUPS)}")  # fmt: skip
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument("--readme", type=Path, metavar="JSON",
                        help="measure nothing: put this run's tables in README.md")  # fmt: skip
    args = parser.parse_args(argv)
    if args.readme:
        update_readme(args.readme.resolve())
        return

    facts = machine_facts(REPO)
    print(f"xfgen bench: {facts['xfgen_version']} ({str(facts['git_commit'])[:10]}), "
          f"{facts['cores']} cores, Python {facts['python']}, "
          f"load {' '.join(f'{x:.2f}' for x in facts['load_average_before'])}", flush=True)  # fmt: skip
    if busy(facts):
        print(
            f"注意：机器正忙（负载高于核数的一半），数字会偏慢，--jobs 的加速比不可信。{BUSY_HINT}"
        )
    started = time.perf_counter()
    print_header()
    with tempfile.TemporaryDirectory(prefix="xfgen-bench-") as folder:
        bench = Bench(Path(folder))
        for group in GROUPS:
            if group in args.only:
                measures = {
                    "check": lambda: check_rows(bench, 10_000),
                    "example": lambda: example_rows(bench),
                    "office": lambda: office_rows(bench),
                    "ledger": lambda: ledger_rows(bench, 2_000),
                    "pdfa": lambda: pdfa_rows(bench, 1_000),
                    "big": lambda: big_rows(bench, args.big),
                    "rollup": lambda: rollup_rows(bench, args.offices),
                }
                measures[group]()
        facts["bench_seconds"] = round(time.perf_counter() - started, 1)
        facts["big"] = args.big
        cost = cost_table(bench.rows, facts)
        path = write_results(args.results, facts, bench.rows, cost_markdown=cost)
        print(f"\n共用时 {facts['bench_seconds'] / 60:.1f} 分钟；结果已写入 {path}")
        print("\nMarkdown（可贴进 README）：\n")
        print(markdown(bench.rows))
        print(f"\n{cost}")
        if busy({"load_average_before": os.getloadavg(), "cores": facts["cores"]}):
            print(f"\n注意：结束时机器仍忙，数字会偏慢。{BUSY_HINT}")
        print(f"\n删除临时文件 {folder}……", flush=True)


# The groups of rows, in the order they are measured (--only picks some).
GROUPS = ("check", "example", "office", "ledger", "pdfa", "big", "rollup")


def groups(text: str) -> tuple[str, ...]:
    """``--only``'s value: group names separated by commas."""
    chosen = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in chosen if name not in GROUPS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown group {', '.join(unknown) or '(none)'}; choose from {', '.join(GROUPS)}"
        )
    return chosen


def cpu_note(run: Run, base: Run) -> str:
    """The ratio by CPU time (the process tree's), which a busy machine distorts less."""
    return f"CPU 时间之比 {run.cpu_seconds / max(base.cpu_seconds, 1e-9):.2f}"


# 1-3: check of 10,000 cases against a bare read with PyYAML's C parser.
def check_rows(bench: Bench, count: int) -> None:
    """The three are run in turn, REPEAT rounds, so that each ratio compares runs made
    under the same load; the median of each counts."""
    root = bench.folder / "check"
    data.write_project(root, spread(count, years=2))
    n = f"{count:,} 件"
    floor_command = [sys.executable, "-c", FLOOR, str(root / "cases")]
    bench.run(floor_command, root)  # warms the OS cache
    floors, colds, warms = [], [], []
    cached = True
    for _ in range(REPEAT):
        floors.append(bench.run(floor_command, root))
        shutil.rmtree(root / CACHE, ignore_errors=True)
        colds.append(bench.xfgen(root, "check"))  # fills the cache for the next
        cached = cached and (root / CACHE).exists()
        warms.append(bench.xfgen(root, "check"))
    floor = median_run(floors)
    rounds = f"{REPEAT} 轮交替运行，取中位数"
    bench.add(Row("C 解析器下限（CSafeLoader 逐个读）", n, floor, target="基线", note=rounds))
    run = median_run(colds)
    ratio = run.seconds / floor.seconds
    bench.add(Row("check 冷（无 .xfgen-cache）", n, run, ratio, "≤ 1.3× 下限", ratio <= 1.3,
                  f"先删除 {CACHE}；{cpu_note(run, floor)}"))  # fmt: skip
    run = median_run(warms)
    ratio = run.seconds / floor.seconds
    note = "紧接冷 check 再运行" + ("" if cached else f"；check 没有写 {CACHE}（缓存尚未实现）")
    note += f"；{cpu_note(run, floor)}"
    bench.add(Row("check 热（无改动）", n, run, ratio, "≤ 0.25× 下限", ratio <= 0.25, note))


# 4-7: builds of the example project.
def example_rows(bench: Bench) -> None:
    root = bench.folder / "example"
    data.copy_example(REPO, root)
    today = demo_today()
    n = f"{sum(1 for _ in (root / 'cases').rglob('*.yaml')):,} 件"
    jobs = os.cpu_count() or 1
    full = bench.xfgen(root, "build", today=today)
    pdfs = sorted(p.relative_to(root) for p in (root / "output").rglob("*.pdf"))
    bench.add(Row("build 示例，完整（输出为空）", n, full, target="基线",
                  note=f"默认 --jobs（{jobs} 核），{len(pdfs)} 份 PDF，today {today}"))  # fmt: skip

    edited = data.edit_one_case(root)
    run = bench.xfgen(root, "build", today=today)
    ratio = run.seconds / full.seconds
    dirty = "有未提交的修改" in (root / "output" / "index.html").read_text(encoding="utf-8")
    note = f"改了 {edited.relative_to(root)} 的 summary" + (
        "；网站标注“有未提交的修改”" if dirty else "；网站没有标注“有未提交的修改”！"
    )
    note += f"；{cpu_note(run, full)}"
    bench.add(Row("build 改一件之后", n, run, ratio, "≤ 5% 完整", ratio <= 0.05, note))

    period = "2026H1"
    before = period_folders(root / "output")
    run = bench.xfgen(root, "build", "--period", period, today=today)
    ratio = run.seconds / full.seconds
    lost = sorted(before - period_folders(root / "output"))
    note = f"其他期间 {len(before) - 1} 个" + (
        f"，丢失了：{'、'.join(lost)}" if lost else "，全部保留"
    )
    met = ratio <= 0.30 and not lost
    bench.add(Row(f"build --period {period}", n, run, ratio, "≤ 30% 完整，其他期间保留", met,
                  note, {"lost_periods": lost}))  # fmt: skip

    one = bench.xfgen(root, "build", "--full", "--jobs", "1", today=today)
    bench.add(Row("build --full --jobs 1", n, one, target="基线"))
    if jobs == 2:
        two, note = full, "即第 4 行的完整生成（输出为空，默认 --jobs = 2）"
    else:
        two, note = bench.xfgen(root, "build", "--full", "--jobs", "2", today=today), ""
    speedup = one.seconds / two.seconds
    bench.add(Row("build --full --jobs 2", n, two, speedup, "≥ 1.6× 快于 --jobs 1",
                  speedup >= 1.6, note))  # fmt: skip


# The one-edit rebuild on a smaller county with two years of office work, where
# most ledgers are short enough to be printed whole.
def office_rows(bench: Bench) -> None:
    root = bench.folder / "office"
    n = f"{data.write_office_project(root):,} 件"
    today = demo_today()
    full = bench.xfgen(root, "build", today=today)
    bench.add(Row("build 小县（两年，含办公），完整", n, full, target="基线",
                  note="示例的生成器（scripts/make_example.py），2025 年 180 件、2026 年 165 件"))  # fmt: skip
    edited = data.edit_one_case(root)
    run = bench.xfgen(root, "build", today=today)
    ratio = run.seconds / full.seconds
    bench.add(Row("build 小县改一件之后", n, run, ratio, "≤ 10% 完整", ratio <= 0.10,
                  f"改了 {edited.relative_to(root)} 的 summary；{cpu_note(run, full)}"))  # fmt: skip
    # The last case is in 2 ledgers; an open case with a leader is in 9, most printed whole.
    edited = data.edit_one_case(root, data.case_in_many_ledgers(root, today))
    run = bench.xfgen(root, "build", today=today)
    ratio = run.seconds / full.seconds
    bench.add(Row("build 小县改一件（在 9 本台账中）之后", n, run, ratio, "≤ 10% 完整", ratio <= 0.10,
                  f"改了 {edited.relative_to(root)} 的 summary（在办、有包案领导、本半年登记）；"
                  f"{cpu_note(run, full)}"))  # fmt: skip


# 8: one 2,000-row ledger to PDF, xfgen against headless Chromium on the same HTML.
def ledger_rows(bench: Bench, count: int) -> None:
    root = bench.folder / "ledger"
    data.write_project(root, {2026: count}, last_day=date(2026, 6, 30))
    data.git_commit(root, "台账基准数据")
    run = bench.xfgen(root, "build", "--period", "2026H1")
    bench.add(Row("build --period 2026H1（准备台账）", f"{count:,} 件", run,
                  note=f"一个半年 {count:,} 件，只为得到登记台账的网页；不设目标"))  # fmt: skip
    html = root / "output" / "2026H1" / "register.html"
    if run.returncode != 0 or not html.is_file():
        bench.add(Row("台账 PDF，xfgen", f"{count:,} 行", note="没有生成登记台账网页，跳过"))
        return
    rows = html.read_text(encoding="utf-8").count("BM2026-")
    pdfs = bench.folder / "pdf"
    pdfs.mkdir()
    if shutil.which("chromium") is None:
        chromium = None
        bench.add(Row("台账 PDF，headless Chromium", f"{count:,} 行", target="基线",
                      note="未安装 chromium，跳过"))  # fmt: skip
    else:
        (pdfs / "warm.html").write_text("<p>预热</p>", encoding="utf-8")
        bench.run([*CHROMIUM, f"--print-to-pdf={pdfs / 'warm.pdf'}",
                   (pdfs / "warm.html").as_uri()], pdfs)  # fmt: skip
        chromium = bench.run([*CHROMIUM, f"--print-to-pdf={pdfs / 'chromium.pdf'}",
                              html.as_uri()], pdfs)  # fmt: skip
        bench.add(Row("台账 PDF，headless Chromium", f"{rows:,} 行", chromium, target="基线",
                      note=f"{pdf_pages(pdfs / 'chromium.pdf')} 页",
                      extra={"pages": pdf_pages(pdfs / "chromium.pdf")}))  # fmt: skip
    run = bench.run([sys.executable, "-m", "benchmarks.ledger_pdf", str(root), "2026H1",
                     data.TODAY.isoformat(), str(pdfs / "xfgen.pdf")], REPO)  # fmt: skip
    pages = pdf_pages(pdfs / "xfgen.pdf")
    note = (f"{pages} 页；与 build 相同：按月分段、多进程排版、合并、连续页码、盖章"
            "（benchmarks/ledger_pdf.py；读入事项和生成网页的时间也算在内）")  # fmt: skip
    if chromium is None or chromium.returncode != 0:
        bench.add(Row("台账 PDF，xfgen（WeasyPrint）", f"{rows:,} 行", run, note=note))
        return
    ratio = run.seconds / chromium.seconds
    note += f"；{cpu_note(run, chromium)}"
    bench.add(Row("台账 PDF，xfgen（WeasyPrint）", f"{rows:,} 行", run, ratio,
                  "≤ 1.5× Chromium（争取）", ratio <= 1.5, note, {"pages": pages}))  # fmt: skip


# 10-11: what PDF/A costs: one ledger printed as build prints it, PDF/A-2b against plain PDF.
def pdfa_rows(bench: Bench, count: int) -> None:
    """The two are run in turn, REPEAT rounds (under the same load); the median counts."""
    root = bench.folder / "pdfa"
    data.write_project(root, {2026: count}, last_day=date(2026, 6, 30))
    runs: dict[str, list[Run]] = {"none": [], "pdf/a-2b": []}
    for _ in range(REPEAT):
        for variant, made in runs.items():
            target = root / f"{variant.replace('/', '-')}.pdf"
            made.append(bench.run([sys.executable, "-m", "benchmarks.ledger_pdf", str(root),
                                   "2026H1", data.TODAY.isoformat(), str(target), variant],
                                  REPO))  # fmt: skip
    rounds = f"{REPEAT} 轮交替运行，取中位数；登记台账按月分段、排版、合并、盖章（benchmarks/ledger_pdf.py）"
    plain = median_run(runs["none"])
    bench.add(Row("台账 PDF，普通 PDF（pdf_variant: none）", f"{count:,} 行", plain,
                  target="基线", note=rounds))  # fmt: skip
    archival = median_run(runs["pdf/a-2b"])
    ratio = archival.seconds / plain.seconds
    memory = archival.tree_peak_pss / max(plain.tree_peak_pss, 1)
    bench.add(Row("台账 PDF，PDF/A-2b（默认）", f"{count:,} 行", archival, ratio,
                  "≤ 1.2× 普通 PDF", ratio <= 1.2,
                  f"峰值内存为普通 PDF 的 {memory:.2f} 倍", {"memory_ratio": round(memory, 3)}))  # fmt: skip


# 9: 100,000 cases (ten years of 10,000): check, and (with --big) build one year.
def big_rows(bench: Bench, big: bool, count: int = 100_000) -> None:
    root = bench.folder / "big"
    print(f"    （生成 {count:,} 件事项……）", flush=True)
    start = time.perf_counter()
    data.write_project(root, spread(count, years=10))
    print(f"    （用了 {time.perf_counter() - start:.0f} 秒）", flush=True)
    n = f"{count:,} 件"
    run = bench.xfgen(root, "check")
    met = run.tree_peak_pss < GIB
    bench.add(
        Row("check 冷，峰值内存", n, run, target="< 1 GiB（PSS）", met=met, note=rss_note(run))
    )
    if not big:
        bench.add(Row("build --period 2026，峰值内存", n,
                      note="默认不跑（全部 PDF 在 2 核上要很久）：make bench BIG=1"))  # fmt: skip
        return
    data.git_commit(root, "十万件")
    run = bench.xfgen(root, "build", "--period", "2026")
    met = run.tree_peak_pss < GIB
    bench.add(Row("build --period 2026，峰值内存", n, run, target="< 1 GiB（PSS）", met=met,
                  note=f"2026 年 {spread(count, 10)[2026]:,} 件，全部 PDF（CLI 没有不出 PDF 的选项）；"
                  f"问题 #27 之前：{BIG_BEFORE}；" + rss_note(run)))  # fmt: skip


# 10-12: a province's roll-up from its offices' exports (issue #25): Parquet read with pyarrow
# against DuckDB, then `stats` of a year over every office.
READERS = """\
import sys, time
from pathlib import Path

from xfgen.records.exchange import CASES_FILE, read_exchange

folder = Path(sys.argv[2])
started = time.process_time()
if sys.argv[1] == "pyarrow":  # what xfgen does: columns to Python values, then the cases
    office = read_exchange(folder, folder.name)
    rows = len(office.cases)
else:  # DuckDB's rows as Python tuples (no cases built yet: a lower bound for DuckDB)
    import duckdb

    rows = len(duckdb.sql(f"SELECT * FROM read_parquet('{folder / CASES_FILE}')").fetchall())
print(rows, time.process_time() - started)
"""


def rollup_rows(bench: Bench, offices: int = 100, per_year: int = 10_000) -> None:
    root = bench.folder / "rollup"
    print(f"    （生成 {offices} 个单位的导出，每个单位两年、每年 {per_year:,} 件……）", flush=True)
    start = time.perf_counter()
    cases = rollup_data.write_province(root, offices, per_year)
    print(f"    （用了 {time.perf_counter() - start:.0f} 秒）", flush=True)
    one = root / "exports" / "office-001"
    n = f"{2 * per_year:,} 件"
    for reader in ("pyarrow", "duckdb"):
        log = bench.logs / f"read-{reader}.log"
        run = measure([sys.executable, "-c", READERS, reader, str(one)], REPO, log)
        if run.returncode != 0:
            bench.add(Row(f"读一个单位的导出，{reader}", n, run, note="运行失败（未安装？）"))
            continue
        cpu = float(log.read_text(encoding="utf-8").split()[-1])
        bench.add(Row(f"读一个单位的导出，{reader}", n, run, target="比较",
                      note=f"读取本身 {cpu:.2f} 秒 CPU（不含启动）；pyarrow 得到事项对象，"
                      "DuckDB 只得到行元组（还要再建事项对象）"))  # fmt: skip
    run = bench.xfgen(root, "stats", "--period", "2026", "--json")
    met = run.returncode == 0 and run.seconds < 120 and run.tree_peak_pss < GIB
    bench.add(Row("汇总 stats --period 2026（导出）", f"{offices} 个单位，{cases:,} 件", run,
                  target="< 120 秒，< 1 GiB（PSS）", met=met,
                  note=f"每个单位 2025、2026 年各 {per_year:,} 件，两个进程逐个单位计算；"
                  + rss_note(run)))  # fmt: skip


BUSY_HINT = "（用 uptime 看负载，机器空闲时再运行一次。）"


def busy(facts: dict[str, Any]) -> bool:
    return bool(facts["load_average_before"][0] > (facts["cores"] or 1) / 2)


# The same build before issue #27 (make bench BIG=1 of 2026-11-26, 2 cores).
BIG_BEFORE = "274.9 秒，进程树 PSS 峰值约 1.04 GiB（RSS 之和 1206 MB）"


def rss_note(run: Run) -> str:
    """The tree's peak memory as summed RSS (shared pages counted once per process,
    so it errs high); the table shows PSS."""
    return f"按 RSS 之和（共享页每个进程各算一次）峰值 {run.tree_peak_rss / MIB:.0f} MB"


def spread(count: int, years: int) -> dict[int, int]:
    """``count`` cases over the last ``years`` years up to TODAY, evenly."""
    last = data.TODAY.year
    return {last - i: count // years + (1 if i < count % years else 0) for i in range(years)}


def median_run(runs: list[Run]) -> Run:
    """The run of median time (the peak memory of all of them), or the first failure."""
    failed = [run for run in runs if run.returncode != 0]
    if failed:
        return failed[0]
    middle = sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]
    middle.tree_peak_rss = max(run.tree_peak_rss for run in runs)
    middle.main_maxrss = max(run.main_maxrss for run in runs)
    middle.tree_peak_pss = max(run.tree_peak_pss for run in runs)
    return middle


def demo_today() -> date:
    """The day the example data was made for (CUTOFF in scripts/make_example.py)."""
    text = (REPO / "scripts" / "make_example.py").read_text(encoding="utf-8")
    found = re.search(r"^CUTOFF = date\((\d+), (\d+), (\d+)\)", text, re.MULTILINE)
    if not found:
        raise SystemExit("scripts/make_example.py has no CUTOFF = date(...) line")
    return date(*map(int, found.groups()))


def period_folders(site: Path) -> set[str]:
    return {p.name for p in site.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}(H[12])?", p.name)}


def pdf_pages(path: Path) -> int | None:
    try:
        from pypdf import PdfReader

        return len(PdfReader(path).pages)
    except Exception:  # not made, or unreadable: the row's note says so
        return None


def cost_table(rows: Sequence[Row], facts: dict[str, object]) -> str:
    """The README's table of what xfgen costs, from this run: Markdown to paste."""
    by_what = {row.what: row for row in rows}
    lines = [
        f"{str(facts['date'])[:10]}，{facts['cores']} 核（{facts['cpu']}），"
        f"Python {facts['python']}，xfgen {facts['xfgen_version']}"
        f"（{str(facts['git_commit'])[:7]}），运行前负载 {facts['load_average_before'][0]:.1f}：",
        "",
        "| 操作 | 规模 | 用时 | 峰值内存 | 每 10,000 件用时 |",
        "|---|---|---|---|---|",
    ]
    for what, label, cases in COST_ROWS:
        row = by_what.get(what)
        if row is None or row.run is None or row.run.returncode != 0:
            continue
        per = f"{row.run.seconds * 10_000 / cases:.1f} 秒" if cases else "—"
        lines.append(f"| {label} | {row.n} | {row.run.seconds:.1f} 秒 "
                     f"| {row.run.tree_peak_pss / MIB:.0f} MB | {per} |")  # fmt: skip
    return "\n".join(lines)


# The README's cost table: (row, what it is, cases it scales with; 0: does not scale).
COST_ROWS = [
    ("C 解析器下限（CSafeLoader 逐个读）", "只用 C 解析器读一遍（下限）", 10_000),
    ("check 冷（无 .xfgen-cache）", "`xfgen check`，第一次", 10_000),
    ("check 热（无改动）", "`xfgen check`，无改动再查", 10_000),
    ("check 冷，峰值内存", "`xfgen check`，十年档案", 100_000),
    ("build --period 2026H1（准备台账）", "`xfgen build --period` 一个半年（含全部 PDF）", 2_000),
    ("build --period 2026，峰值内存", "`xfgen build --period` 一年 10,000 件（档案共）", 10_000),
    ("build 示例，完整（输出为空）", "`xfgen build` 示例，完整（全部 PDF）", 0),
    ("build 改一件之后", "改一件后 `xfgen build`（示例）", 0),
    ("build 小县（两年，含办公），完整", "`xfgen build` 小县两年，完整（全部 PDF）", 0),
    ("build 小县改一件之后", "改一件后 `xfgen build`（小县）", 0),
    ("台账 PDF，普通 PDF（pdf_variant: none）", "一本台账 1,000 行，普通 PDF", 0),
    ("台账 PDF，PDF/A-2b（默认）", "同一本台账，PDF/A-2b（默认）", 0),
]


def update_readme(results: Path) -> None:
    """Replace the numbers of README.md's section 规模与性能 by those of a results file."""
    run = json.loads(results.read_text(encoding="utf-8"))
    machine = run["machine"]
    load = machine["load_average_before"][0]
    values = {
        "date": f"{machine['date'][:10]}，{machine['cores']} 核，运行前负载 {load:.1f}"
        + ("：机器正忙，秒数偏慢，--jobs 的加速比不可信" if busy(machine) else ""),
        "json": f"[`{results.relative_to(REPO)}`]({results.relative_to(REPO)})",
        "cost": run["cost_markdown"],
        "table": run["markdown"],
    }
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    for name, value in values.items():
        pattern = re.compile(rf"(<!-- bench:{name} -->).*?(<!-- /bench:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no <!-- bench:{name} --> marker")
        block = f"\n{value}\n" if "\n" in value else value
        text = pattern.sub(lambda m, block=block: m[1] + block + m[2], text)
    readme.write_text(text, encoding="utf-8")
    print(f"README.md 已按 {results.relative_to(REPO)} 更新；记得提交该 JSON（git add -f）。")


if __name__ == "__main__":
    main()

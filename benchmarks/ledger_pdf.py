"""One register ledger printed to PDF the way ``xfgen build`` prints it.

    python -m benchmarks.ledger_pdf PROJECT PERIOD TODAY OUT.pdf [VARIANT]

The project is read, the period's register ledger made, and its print parts
(cut at month boundaries, as build cuts them) rendered by WeasyPrint in parallel
processes, joined with running page numbers and stamped: build's own code for
one page, without the rest of the site. Reading and the HTML count in the time,
so the comparison with Chromium (which is handed the finished web page) is, if
anything, unfair to xfgen. VARIANT is a ``pdf_variant`` (default pdf/a-2b, as build).
LEDGER_WORKERS=1 in the environment does all of it in this one process (to profile it).
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date, datetime
from pathlib import Path

from xfgen.figures.compute import case_status, compute_figures
from xfgen.figures.periods import default_as_of, parse_period
from xfgen.records.validation import load_project
from xfgen.reports import ledgers
from xfgen.reports.pdf import PdfJob, Printer
from xfgen.reports.privacy import Privacy
from xfgen.site.build import LEDGER_PART_ROWS, PLACEHOLDERS, ledger_page, placeholder_renderer
from xfgen.site.writer import fill_in, static_files


def main(root: Path, label: str, today: date, target: Path, variant: str = "pdf/a-2b") -> None:
    project = load_project(root, today)
    stamp = f"生成时间 {datetime.now():%Y-%m-%d %H:%M} · 数据版本 bench"
    workers = int(os.environ.get("LEDGER_WORKERS", "0")) or None
    with Printer(stamp, workers, variant=variant) as printer:
        printer.start()  # as build does once the project is read (site/writer.py)
        period = parse_period(label)
        as_of = default_as_of(period, today)
        f = compute_figures(project.cases, project.config, project.rules, period, as_of)
        cohort = [case_status(c, project.rules, as_of) for c in project.cases if f.in_cohort(c)]
        ledger = ledgers.register_ledger(cohort, "登记台账", Privacy.of(project.cases, False))
        renderer = placeholder_renderer(root, project.config, internal=False)
        page = ledger_page(renderer, f"{label}/register.html", ledger, as_of, f, LEDGER_PART_ROWS)
        site = target.parent / "site"
        shutil.rmtree(site, ignore_errors=True)
        (site / label).mkdir(parents=True)
        for name, data in static_files().items():
            (site / name).write_bytes(data)
        blank = dict.fromkeys(PLACEHOLDERS, "")  # as build blanks the print files
        printed = [make() for make in page.print_parts] or ["".join(page.pieces())]
        htmls = []
        for path, html in zip(page.print_paths, printed, strict=True):
            (site / path).write_text(fill_in(html, blank), encoding="utf-8")
            htmls.append(site / path)
        parts = tuple(target.with_name(f".part-{i:03d}.pdf") for i in range(len(htmls)))
        printer.add(PdfJob(tuple(htmls), target, parts if len(htmls) > 1 else ()))
        warnings, _ = printer.finish()
    print(f"{len(htmls)} parts", *warnings, sep="\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], date.fromisoformat(sys.argv[3]), Path(sys.argv[4]),
         *sys.argv[5:6])  # fmt: skip

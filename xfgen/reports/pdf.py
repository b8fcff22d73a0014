"""HTML pages to print-ready PDF with WeasyPrint.

Fonts: a CJK font must be installed (fontconfig must know one); without it
WeasyPrint would print tofu boxes, so we stop with a clear message instead.
Speed and memory: layout is the cost, and memory grows with the document
(../shared/PDF-NOTES.md). Documents are rendered in parallel processes, and a
long ledger is printed in parts: each part is laid out on its own (without page
numbers), the parts are joined with pypdf, and "第 N 页 共 M 页" is stamped on
from a footer-only document, so the numbering runs on across the parts.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from xfgen.errors import RenderError

# Fonts we know to print well, best first; the stylesheet names the same ones.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Serif SC",
    "WenQuanYi Micro Hei",
)


@dataclass(frozen=True)
class PdfJob:
    """One PDF, from one HTML file or from parts printed one after the other."""

    parts: tuple[Path, ...]  # HTML files in the site, so their stylesheet and links resolve
    pdf: Path


# The footer the parts leave out, laid on every page of the joined document.
# Margins and size match style.css's "@page ledger".
_FOOTER_PAGES = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html {{ font-family: "{font}"; }}
@page {{ size: A4 landscape; margin: 16mm 10mm 14mm;
  @bottom-center {{ content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt; }} }}
div {{ break-after: page; }} div:last-child {{ break-after: auto; }}
</style></head><body>{pages}</body></html>"""


def find_cjk_font() -> str:
    """The family name of an installed CJK font, or a :class:`RenderError`."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        listed = ""
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    for font in CJK_FONTS:
        if font in families:
            return font
    raise RenderError(
        "没有找到可用于 PDF 的中文字体（需要 Noto Sans/Serif CJK SC、思源黑体/宋体或文泉驿微米黑之一）。"
        "在 Debian/Ubuntu 上以 root 运行：apt-get install fonts-noto-cjk，或运行 make demo 自动安装。"
    )


def render_pdf(html: Path, pdf: Path) -> list[str]:
    """Render one HTML file to PDF; returns WeasyPrint's warnings (there should be none)."""
    import weasyprint

    warnings: list[str] = []
    handler = _ListHandler(warnings)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        weasyprint.HTML(filename=str(html)).render().write_pdf(str(pdf))
    finally:
        logger.removeHandler(handler)
    return warnings


def render_all(jobs: list[PdfJob], workers: int | None = None) -> list[str]:
    """Render every job, every part in parallel processes; returns all warnings."""
    font = find_cjk_font()
    tasks = [(html, _part_pdf(job, i)) for job in jobs for i, html in enumerate(job.parts)]
    workers = workers or min(len(tasks), os.cpu_count() or 1)
    if workers <= 1 or len(tasks) <= 1:
        warnings = [w for html, pdf in tasks for w in render_pdf(html, pdf)]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(render_pdf, *zip(*tasks, strict=True), chunksize=1)
            warnings = [w for result in results for w in result]
    for job in jobs:
        if len(job.parts) > 1:
            join_parts([_part_pdf(job, i) for i in range(len(job.parts))], job.pdf, font)
    return warnings


def _part_pdf(job: PdfJob, index: int) -> Path:
    if len(job.parts) == 1:
        return job.pdf
    return job.pdf.with_name(f".{job.pdf.stem}.part-{index + 1:03d}.pdf")


def join_parts(parts: list[Path], target: Path, font: str) -> None:
    """Join part PDFs, stamp continuous page numbers on them, and remove the parts."""
    import weasyprint
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(part))
    footer_html = _FOOTER_PAGES.format(font=font, pages="<div></div>" * len(writer.pages))
    footers = PdfReader(io.BytesIO(weasyprint.HTML(string=footer_html).write_pdf()))
    for page, footer in zip(writer.pages, footers.pages, strict=True):
        page.merge_page(footer)
        page.compress_content_streams()  # or the merged file grows fourfold (PDF-NOTES.md)
    first = PdfReader(parts[0]).metadata
    if first:
        writer.add_metadata({key: value for key, value in first.items() if isinstance(value, str)})
    with target.open("wb") as out:
        writer.write(out)
    for part in parts:
        part.unlink()


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())

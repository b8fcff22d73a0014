"""HTML pages to print-ready PDF with WeasyPrint.

Fonts: a CJK font must be installed (fontconfig must know one); without it
WeasyPrint would print tofu boxes, so we stop with a clear message instead.
Speed: layout is the cost (../shared/PDF-NOTES.md), so documents are rendered
in parallel processes, one document each; ledgers use a fixed table layout.
"""

from __future__ import annotations

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
    html: Path  # the page as published, so its stylesheet and links resolve
    pdf: Path


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


def render_pdf(job: PdfJob) -> list[str]:
    """Render one page to PDF; returns WeasyPrint's warnings (there should be none)."""
    import weasyprint

    warnings: list[str] = []
    handler = _ListHandler(warnings)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        document = weasyprint.HTML(filename=str(job.html)).render()
        document.write_pdf(str(job.pdf))
    finally:
        logger.removeHandler(handler)
    return warnings


def render_all(jobs: list[PdfJob], workers: int | None = None) -> list[str]:
    """Render every job, in parallel processes; returns all warnings."""
    find_cjk_font()
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers <= 1 or len(jobs) <= 1:
        return [w for job in jobs for w in render_pdf(job)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [w for result in pool.map(render_pdf, jobs, chunksize=1) for w in result]


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())

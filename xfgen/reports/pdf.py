"""HTML pages to print-ready PDF with WeasyPrint.

Fonts: a CJK font must be installed (fontconfig must know one); without it
WeasyPrint would print tofu boxes, so we stop with a clear message instead.
Speed and memory: layout is the cost, and memory grows with the document
(../shared/PDF-NOTES.md). Documents are rendered in parallel processes, and a
long ledger is printed in parts: each part is laid out on its own (without page
numbers), the parts are joined with pypdf, and "第 N 页 共 M 页" is stamped on
from a footer-only document, so the numbering runs on across the parts.
What changes on every build (the build time, the data version) is not in the
rendered page: it is laid on afterwards as a revision appended to the file, so
the file as rendered stays a prefix of it and a later build can reuse it.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import re
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from xfgen.errors import RenderError

T = TypeVar("T")

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

    # HTML files in the site (so their stylesheet and links resolve), one a part;
    # None for a part whose PDF is there already (kept from an earlier build)
    parts: tuple[Path | None, ...]
    pdf: Path
    # where each part's PDF goes when there is more than one part: a cache kept
    # between builds, or hidden files beside the PDF, removed once joined
    part_pdfs: tuple[Path, ...] = ()

    def part_pdf(self, index: int) -> Path:
        return self.part_pdfs[index] if len(self.parts) > 1 else self.pdf


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


# The build stamp (build time and data version), laid on every page of every
# PDF after rendering, so that pages whose content did not change can be reused.
_STAMP_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html {{ font-family: "{font}"; }}
@page {{ size: A4 {orientation}; margin: {margin};
  @bottom-left {{ content: "{text}"; font-size: 7.5pt; color: #555;
    vertical-align: bottom; padding-bottom: 2.5mm; width: 70%; }} }}
</style></head><body></body></html>"""
_STAMP_MARGINS = {"portrait": "22mm 16mm 18mm", "landscape": "16mm 10mm 14mm"}  # as style.css


@dataclass(frozen=True)
class Stamp:
    """The build stamp as one overlay page per orientation (PDF bytes)."""

    portrait: bytes
    landscape: bytes


class Printer:
    """The PDF work of one build, shared among ``workers`` processes. Parts are rendered
    as soon as their job is added (while the build goes on writing pages); joining and
    stamping follow in :meth:`finish`. Use it as a context manager: work not finished
    is cancelled on the way out.

    The result does not depend on ``workers``: each piece is rendered on its own.
    """

    def __init__(self, stamp_text: str, workers: int | None = None, font: str | None = None):
        self.stamp_text = stamp_text
        self.font = font or find_cjk_font()
        self.pool = _Pool(max(1, workers or os.cpu_count() or 1))
        self.jobs: list[PdfJob] = []
        self.renders: list[list[Future[list[str]]]] = []  # each job's parts
        self.overlays: list[Future[bytes]] = []

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.close()

    def add(self, job: PdfJob) -> None:
        self._overlays()
        self.jobs.append(job)
        self.renders.append(
            [
                self.pool.submit(render_part, html, job.part_pdf(i))
                for i, html in enumerate(job.parts)
                if html is not None
            ]
        )

    def _overlays(self) -> list[Future[bytes]]:
        """The stamp's two overlay pages, asked for first, ahead of any part."""
        if not self.overlays:
            self.overlays = [
                self.pool.submit(_stamp_overlay, self.stamp_text, self.font, side)
                for side in ("portrait", "landscape")
            ]
        return self.overlays

    def finish(
        self,
        reused: Sequence[Path] = (),
        done: Callable[[int, int], None] = lambda finished, total: None,
    ) -> tuple[list[str], dict[Path, int]]:
        """Wait for the parts, join them, then stamp each new and each ``reused`` PDF.
        Returns WeasyPrint's warnings and, for every PDF, its length before the stamp
        (what a later build can reuse). ``done(finished, total)`` follows the work."""
        if not self.jobs and not reused:
            return [], {}
        pool = self.pool
        stamp = Stamp(*(future.result() for future in self._overlays()))
        targets = list(reused) + [job.pdf for job in self.jobs]
        total = 2 + sum(map(len, self.renders)) + len(targets)
        finished = 0

        def tick(count: int = 1) -> None:
            nonlocal finished
            finished += count
            done(finished, total)

        tick(2)
        # Each PDF is joined and stamped as soon as its own parts are done, while the
        # processes go on with the parts of the next: no step waits for all of another.
        finals = [pool.submit(stamp_pdf, target, stamp) for target in reused]
        warnings: list[str] = []
        for job, renders in zip(self.jobs, self.renders, strict=True):
            for future in renders:
                warnings += future.result()
                tick()
            finals.append(pool.submit(finish_pdf, job, self.font, stamp))
        lengths = {}
        for target, final in zip(targets, finals, strict=True):
            lengths[target] = final.result()
            tick()
        return warnings, lengths


def finish_pdf(job: PdfJob, font: str, stamp: Stamp) -> int:
    """Join the job's parts (when it has more than one), then stamp it; returns its
    length before the stamp."""
    if len(job.parts) > 1:
        join_parts(list(job.part_pdfs), job.pdf, font)
    return stamp_pdf(job.pdf, stamp)


def render_all(
    jobs: Sequence[PdfJob],
    stamp_text: str,
    reused: Sequence[Path] = (),
    workers: int | None = None,
    done: Callable[[int, int], None] = lambda finished, total: None,
) -> tuple[list[str], dict[Path, int]]:
    """Render, join and stamp ``jobs`` (see :class:`Printer`) in one call."""
    with Printer(stamp_text, workers) as printer:
        for job in jobs:
            printer.add(job)
        return printer.finish(reused, done)


class _Pool:
    """A process pool, started at the first piece of work, or the calling process
    itself for one worker (same results)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        if self.workers > 1:
            if self.executor is None:
                # Workers started fresh from a small server process, not forked from this
                # one: a fork would share the build's whole memory (100,000 cases, its
                # pages), and Python's reference counting soon copies it into each worker.
                context = multiprocessing.get_context("forkserver")
                self.executor = ProcessPoolExecutor(self.workers, mp_context=context)
            return self.executor.submit(fn, *args)
        future: Future[T] = Future()
        future.set_result(fn(*args))
        return future


def _stamp_overlay(text: str, font: str, orientation: str) -> bytes:
    import weasyprint

    html = _STAMP_PAGE.format(
        font=font, orientation=orientation, margin=_STAMP_MARGINS[orientation],
        text=text.replace("\\", "\\\\").replace('"', '\\"'),
    )  # fmt: skip
    return bytes(weasyprint.HTML(string=html).write_pdf())


def stamp_pdf(pdf: Path, stamp: Stamp) -> int:
    """Lay the stamp on every page as a revision appended to the file (the bytes
    before it are left as they are); returns the file's length before the stamp."""
    from pypdf import PdfReader

    base = pdf.read_bytes()
    reader = PdfReader(io.BytesIO(base))
    overlays = {
        landscape: PdfReader(io.BytesIO(stamp.landscape if landscape else stamp.portrait)).pages[0]
        for landscape in (False, True)
    }
    scratch = pdf.with_name(f".{pdf.name}.stamp")
    with scratch.open("wb") as out:
        out.write(base)
        out.write(_overlay_revision(reader, overlays, len(base)))
    os.replace(scratch, pdf)  # a new file: a hard-linked copy elsewhere is never changed
    return len(base)


def _overlay_revision(reader: Any, overlays: dict[bool, Any], start: int) -> bytes:
    """An incremental update (PDF 7.5.6) laying an overlay over every page (the
    landscape one on landscape pages): each page object written again with two more
    content streams and the overlay's resources, those resources and streams copied
    once under new numbers, and a cross-reference stream."""
    import zlib

    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        IndirectObject,
        NameObject,
        NumberObject,
        StreamObject,
    )

    next_number = int(reader.trailer["/Size"])
    objects: dict[int, Any] = {}  # new or rewritten object number → object
    copies: dict[tuple[bool, int], int] = {}  # (overlay, its object number) → number here
    pending: list[tuple[int, Any, bool]] = []

    def number() -> int:
        nonlocal next_number
        next_number += 1
        return next_number - 1

    def copy(value: Any, side: bool) -> Any:
        if isinstance(value, IndirectObject):
            if (side, value.idnum) not in copies:
                copies[side, value.idnum] = number()
                pending.append((copies[side, value.idnum], value.get_object(), side))
            return IndirectObject(copies[side, value.idnum], 0, reader)
        if isinstance(value, StreamObject):
            stream = StreamObject()
            stream.update({NameObject(k): copy(v, side) for k, v in dict.items(value)})
            stream._data = value._data
            return stream
        if isinstance(value, DictionaryObject):
            return DictionaryObject({NameObject(k): copy(v, side) for k, v in dict.items(value)})
        if isinstance(value, ArrayObject):
            return ArrayObject(copy(v, side) for v in value)
        return value

    def stream(data: bytes) -> IndirectObject:
        made = StreamObject()
        made[NameObject("/Filter")] = NameObject("/FlateDecode")
        made._data = zlib.compress(data)
        objects[at := number()] = made
        return IndirectObject(at, 0, reader)

    # Each overlay's resources under names of their own ("/xfgen0", ...), renamed in
    # its content; drawn from one shared stream after the page's own, in a saved state.
    added: dict[bool, dict[str, dict[str, Any]]] = {}
    drawings: dict[bool, IndirectObject] = {}
    for side, overlay in overlays.items():
        drawn = overlay.get_contents()
        content = drawn.get_data() if drawn is not None else b""
        added[side] = {}
        for kind, named in overlay["/Resources"].items():
            named = named.get_object()
            if not isinstance(named, DictionaryObject):
                continue  # /ProcSet: nothing to carry
            for name, value in dict.items(named):
                new = f"/xfgen{len(copies)}{name[1:].replace('-', '')}"
                content = re.sub(
                    re.escape(name.encode()) + rb"(?=[\s/\[<(])", new.encode(), content
                )
                added[side].setdefault(kind, {})[new] = copy(value, side)
        drawings[side] = stream(b"\nQ\n" + content)
    while pending:
        at, value, side = pending.pop()
        objects[at] = copy(value, side)
    save = stream(b"q\n")

    for page in reader.pages:
        side = bool(page.mediabox.width > page.mediabox.height)
        resources = DictionaryObject(
            {
                NameObject(k): DictionaryObject(dict.items(v.get_object()))
                if isinstance(v.get_object(), DictionaryObject)
                else v
                for k, v in dict.items(page["/Resources"].get_object())
            }
        )
        for kind, named in added[side].items():
            target = resources.setdefault(NameObject(kind), DictionaryObject())
            target.update({NameObject(name): value for name, value in named.items()})
        contents = dict.__getitem__(page, "/Contents")  # a stream or an array of them
        if isinstance(contents.get_object(), ArrayObject):
            contents = contents.get_object()
        listed = list(contents) if isinstance(contents, ArrayObject) else [contents]
        rewritten = DictionaryObject({NameObject(k): v for k, v in dict.items(page)})
        rewritten[NameObject("/Contents")] = ArrayObject([save, *listed, drawings[side]])
        rewritten[NameObject("/Resources")] = resources
        objects[page.indirect_reference.idnum] = rewritten

    out = io.BytesIO()
    out.write(b"\n")
    offsets: dict[int, int] = {}
    for at in sorted(objects):
        offsets[at] = start + out.tell()
        out.write(f"{at} 0 obj\n".encode())
        objects[at].write_to_stream(out)
        out.write(b"\nendobj\n")
    xref = number()
    offsets[xref] = start + out.tell()
    rows = b"".join(b"\x01" + offsets[at].to_bytes(4, "big") + b"\x00" for at in sorted(offsets))
    index: list[int] = []
    for at in sorted(offsets):
        if index and index[-2] + index[-1] == at:
            index[-1] += 1
        else:
            index += [at, 1]
    table = StreamObject()
    table.update(
        {
            NameObject("/Type"): NameObject("/XRef"),
            NameObject("/Size"): NumberObject(xref + 1),
            NameObject("/Index"): ArrayObject(NumberObject(n) for n in index),
            NameObject("/W"): ArrayObject(NumberObject(n) for n in (1, 4, 1)),
            NameObject("/Prev"): NumberObject(_last_xref(reader)),
        }
    )
    for key in ("/Root", "/Info", "/ID"):
        if key in reader.trailer:
            table[NameObject(key)] = dict.__getitem__(reader.trailer, key)
    table._data = rows
    out.write(f"{xref} 0 obj\n".encode())
    table.write_to_stream(out)
    out.write(f"\nendobj\nstartxref\n{offsets[xref]}\n%%EOF\n".encode())
    return out.getvalue()


def _last_xref(reader: Any) -> int:
    """Where the file's last cross-reference section starts (its ``startxref``)."""
    stream = reader.stream
    stream.seek(-1024, os.SEEK_END)
    found = re.findall(rb"startxref\s+(\d+)", stream.read())
    return int(found[-1])


def reuse_pdf(source: Path, length: int, target: Path) -> None:
    """Copy the first ``length`` bytes of ``source`` (a PDF as rendered, before its
    stamp) to ``target``."""
    with source.open("rb") as old, target.open("wb") as new:
        remaining = length
        while remaining:
            chunk = old.read(min(remaining, 1 << 20))
            if not chunk:
                raise OSError(f"{source} is shorter than {length} bytes")
            new.write(chunk)
            remaining -= len(chunk)


def render_part(html: Path, pdf: Path) -> list[str]:
    """:func:`render_pdf` into a temporary file renamed to ``pdf`` when complete, so
    that a kept part is never half written, even if the build is killed."""
    scratch = pdf.with_name(f".{pdf.name}.{os.getpid()}.tmp")
    try:
        warnings = render_pdf(html, scratch)
        os.replace(scratch, pdf)
    finally:
        scratch.unlink(missing_ok=True)
    return warnings


def is_complete_pdf(pdf: Path) -> bool:
    """Whether ``pdf`` looks like a whole PDF file (it ends with its end-of-file mark)."""
    try:
        with pdf.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - 1024))
            return size > 0 and b"%%EOF" in file.read()
    except OSError:
        return False


def join_parts(parts: list[Path], target: Path, font: str) -> None:
    """Join part PDFs and stamp continuous page numbers on them; parts beside the
    target (not kept between builds) are removed."""
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
        if part.parent == target.parent:
            part.unlink()


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())

"""HTML pages to print-ready PDF with WeasyPrint.

Fonts: a CJK font must be installed (fontconfig must know one); without it
WeasyPrint would print tofu boxes, so we stop with a clear message instead.
Speed and memory: layout is the cost, and memory grows with the document
(../shared/PDF-NOTES.md). Documents are rendered in parallel processes, and a
long ledger is printed in parts: each part is laid out on its own (without page
numbers), the parts are joined with pikepdf, and "第 N 页 共 M 页" is stamped on
from a footer-only document, so the numbering runs on across the parts.
What changes on every build (the build time, the data version) is not in the
rendered page: it is laid on afterwards as a revision appended to the file, so
the file as rendered stays a prefix of it and a later build can reuse it.
Archival copies (DOMAIN.md "Archival copies (PDF/A)"): every PDF conforms to the
configured variant as it leaves here, after the join and after the stamp, which
also writes the build's dates into the Info dictionary and the XMP metadata.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import multiprocessing
import os
import re
import select
import signal
import subprocess
import threading
import warnings
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
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
class Attachment:
    """A file carried inside a PDF/A-3 document (the summary's figures as JSON)."""

    name: str  # ends in .json, so that it is typed application/json
    data: bytes
    description: str
    date: datetime  # the attachment's own dates: not the build's, so renders repeat


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
    # embedded as an associated file (AFRelationship /Data) with pdf/a-3b; only for a
    # document printed whole
    attachment: Attachment | None = None

    def part_pdf(self, index: int) -> Path:
        return self.part_pdfs[index] if len(self.parts) > 1 else self.pdf


# The footer the parts leave out, laid on every page of the joined document: pages
# ``first`` to ``first + count - 1`` of ``total`` in one document (a long ledger's
# footers are rendered in several, side by side). Margins and size match style.css's
# "@page ledger".
_FOOTER_PAGES = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
html {{ font-family: "{font}"; }}
@page {{ size: A4 landscape; margin: 16mm 10mm 14mm;
  @bottom-center {{ content: "第 " counter(page) " 页 共 {total} 页"; font-size: 9pt; }} }}
@page :first {{ counter-increment: page {first}; }}
div {{ break-after: page; }} div:last-child {{ break-after: auto; }}
</style></head><body>{pages}</body></html>"""
FOOTER_PAGES = 100  # footer pages rendered in one document


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


def render_pdf(
    html: Path, pdf: Path, variant: str = "pdf/a-2b", attachment: Attachment | None = None
) -> list[str]:
    """Render one HTML file to PDF; returns WeasyPrint's warnings (there should be none)."""
    import weasyprint

    warnings: list[str] = []
    handler = _ListHandler(warnings)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        document = weasyprint.HTML(filename=str(html)).render()
        document.write_pdf(str(pdf), **_options(variant, attachment))
    finally:
        logger.removeHandler(handler)
    return warnings


def _options(variant: str, attachment: Attachment | None = None) -> dict[str, Any]:
    """WeasyPrint's ``write_pdf`` options for ``variant`` (pdf/a-2b, pdf/a-3b or none)."""
    if variant == "none":
        return {}
    options: dict[str, Any] = {"pdf_variant": variant, "finisher": _self_contained}
    if attachment is not None and variant == "pdf/a-3b":
        import weasyprint

        options["attachments"] = [
            weasyprint.Attachment(
                string=attachment.data.decode(), name=attachment.name,
                description=attachment.description, relationship="Data",
                created=attachment.date, modified=attachment.date,
            )
        ]  # fmt: skip
    return options


def _self_contained(document: Any, pdf: Any) -> None:
    """Make an archival PDF refer to nothing outside itself: a link to another file or a
    web address (a relative link resolves to this machine's file system) is dropped,
    links inside the document stay. WeasyPrint lists a PDF/A-3 attachment twice in the
    catalog's /AF: once is enough."""
    external = set()
    objects: list[Any] = [item for item in pdf.objects if isinstance(item, dict)]
    for item in objects:
        if item.get("Type") == "/Annot" and item.get("A", {}).get("S", "/GoTo") != "/GoTo":
            external.add(item.reference)
            item.clear()  # no page lists it any more; nothing points outside
    for item in objects:
        if item.get("Type") == "/Page" and "Annots" in item:
            kept = [a for a in item["Annots"] if a not in external]
            item["Annots"][:] = kept
    if "AF" in pdf.catalog:
        pdf.catalog["AF"][:] = list(dict.fromkeys(pdf.catalog["AF"]))


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
    """The build stamp as one overlay page per orientation (PDF bytes), and the time of
    the build (with its offset from UTC), written into each PDF's Info and XMP."""

    portrait: bytes
    landscape: bytes
    built_at: datetime


class Printer:
    """The PDF work of one build, shared among ``workers`` processes. Parts are rendered
    as soon as their job is added (while the build goes on writing pages); joining and
    stamping follow in :meth:`finish`. Use it as a context manager: left by an exception
    (an error, Ctrl-C, SIGTERM), the work not begun is cancelled and the processes are
    stopped at once, the pieces they were rendering abandoned.

    The result does not depend on ``workers``: each piece is rendered on its own.
    """

    def __init__(
        self,
        stamp_text: str,
        workers: int | None = None,
        font: str | None = None,
        variant: str = "pdf/a-2b",
        built_at: datetime | None = None,
    ):
        self.stamp_text = stamp_text
        self.font = font or find_cjk_font()
        self.variant = variant
        self.built_at = (built_at or datetime.now()).replace(microsecond=0).astimezone()
        self.pool = _Pool(max(1, workers or os.cpu_count() or 1))
        self.jobs: list[PdfJob] = []
        self.renders: list[list[Future[list[str]]]] = []  # each job's parts
        self.overlays: list[Future[bytes]] = []
        self.starting: threading.Thread | None = None
        self.reused: list[Path] = []  # PDFs taken over from the last site: stamped again
        self.stamps: dict[Path, Future[int]] = {}  # ... those already being stamped
        self.stamp: Stamp | None = None  # once the overlays are ready

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._started()
        self.pool.close(abandon=exc[0] is not None)

    def start(self) -> None:
        """Start the processes now (rather than at the first PDF), with the stamp's
        overlays as their first work: they get ready while the pages are being made.
        In the background: the server the processes come from first imports WeasyPrint."""
        if self.pool.workers == 1:
            self._overlays()
        elif self.starting is None and not self.overlays:
            self.starting = threading.Thread(target=self._start, daemon=True)
            self.starting.start()

    def _start(self) -> None:
        with contextlib.suppress(Exception):  # tried again, and reported, where next needed
            self._overlays()

    def _started(self) -> None:
        if self.starting is not None and self.starting is not threading.current_thread():
            self.starting.join()
            self.starting = None

    def reuse(self, pdf: Path) -> None:
        """A PDF taken over from the last site, to get this build's stamp: at once when
        the overlays are ready (the processes are idle while pages are written), else
        in :meth:`finish`."""
        self.reused.append(pdf)
        if self.starting is not None and not self.starting.is_alive():
            self._started()  # joined without waiting: the overlays are asked for
        ready = self.starting is None and self.overlays and all(f.done() for f in self.overlays)
        if self.stamp is None and ready:
            portrait, landscape = (future.result() for future in self.overlays)
            self.stamp = Stamp(portrait, landscape, self.built_at)
        if self.stamp is not None:
            self.stamps[pdf] = self.pool.submit(stamp_pdf, pdf, self.stamp)

    def add(self, job: PdfJob) -> None:
        self._overlays()
        self.jobs.append(job)
        self.renders.append(
            [
                self.pool.submit(render_part, html, job.part_pdf(i), self.variant, job.attachment)
                for i, html in enumerate(job.parts)
                if html is not None
            ]
        )

    def _overlays(self) -> list[Future[bytes]]:
        """The stamp's two overlay pages, asked for first, ahead of any part."""
        self._started()
        if not self.overlays:
            self.overlays = [
                self.pool.submit(_stamp_overlay, self.stamp_text, self.font, side, self.variant)
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
        reused = [*self.reused, *reused]
        if not self.jobs and not reused:
            return [], {}
        pool = self.pool
        portrait, landscape = (future.result() for future in self._overlays())
        stamp = self.stamp or Stamp(portrait, landscape, self.built_at)
        targets = reused + [job.pdf for job in self.jobs]
        total = 2 + sum(map(len, self.renders)) + len(targets)
        finished = 0

        def tick(count: int = 1) -> None:
            nonlocal finished
            finished += count
            done(finished, total)

        tick(2)
        # Each PDF printed whole is stamped as soon as it is done, while the processes go
        # on with the parts of the next. A PDF in parts has its page numbers rendered
        # (in documents of FOOTER_PAGES pages, side by side) once its parts are done,
        # then is joined and stamped.
        finals = [self.stamps.get(t) or pool.submit(stamp_pdf, t, stamp) for t in reused]
        warnings: list[str] = []
        footers: dict[int, list[Future[bytes]]] = {}
        for i, (job, renders) in enumerate(zip(self.jobs, self.renders, strict=True)):
            for future in renders:
                warnings += future.result()
                tick()
            if len(job.parts) > 1:
                pages = sum(map(_page_count, job.part_pdfs))
                footers[i] = [
                    pool.submit(footer_pages, self.font, first, pages, self.variant)
                    for first in range(1, pages + 1, FOOTER_PAGES)
                ]
                finals.append(Future())  # filled in below
            else:
                finals.append(pool.submit(finish_pdf, job, self.font, stamp, self.variant))
        for i, chunks in footers.items():
            made = [chunk.result() for chunk in chunks]
            finals[len(reused) + i] = pool.submit(
                finish_pdf, self.jobs[i], self.font, stamp, self.variant, made
            )
        lengths = {}
        for target, final in zip(targets, finals, strict=True):
            lengths[target] = final.result()
            tick()
        return warnings, lengths


def finish_pdf(
    job: PdfJob,
    font: str,
    stamp: Stamp,
    variant: str = "pdf/a-2b",
    footers: Sequence[bytes] | None = None,
) -> int:
    """Join the job's parts (when it has more than one) with their page numbers
    (``footers``, see :func:`join_parts`), then stamp it; returns its length before
    the stamp."""
    if len(job.parts) > 1:
        join_parts(list(job.part_pdfs), job.pdf, font, variant, footers)
    return stamp_pdf(job.pdf, stamp)


def footer_pages(font: str, first: int, total: int, variant: str = "pdf/a-2b") -> bytes:
    """The page-number footers of pages ``first`` to ``first + FOOTER_PAGES - 1`` (at
    most ``total``) of a joined document, one a page."""
    import weasyprint

    count = min(FOOTER_PAGES, total - first + 1)
    html = _FOOTER_PAGES.format(font=font, pages="<div></div>" * count, first=first, total=total)
    return bytes(weasyprint.HTML(string=html).write_pdf(**_options(variant)))


def _page_count(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as opened:
        return len(opened.pages)


def render_all(
    jobs: Sequence[PdfJob],
    stamp_text: str,
    reused: Sequence[Path] = (),
    workers: int | None = None,
    done: Callable[[int, int], None] = lambda finished, total: None,
    variant: str = "pdf/a-2b",
) -> tuple[list[str], dict[Path, int]]:
    """Render, join and stamp ``jobs`` (see :class:`Printer`) in one call."""
    with Printer(stamp_text, workers, variant=variant) as printer:
        for job in jobs:
            printer.add(job)
        return printer.finish(reused, done)


class _Pool:
    """A process pool, started at the first piece of work, or the calling process
    itself for one worker (same results)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None

    def close(self, abandon: bool = False) -> None:
        """End the processes once their work is done; or, when the build is ``abandon``-ed,
        cancel the work not begun and kill them without waiting for what they are on.

        ``shutdown`` alone would wait for every piece already handed to the processes (one
        more than there are processes, each possibly a long ledger's part of up to 500
        rows: half a minute and more before a stopped build ends). Killing is safe: a
        process writes each file under a temporary name and renames it when complete
        (:func:`render_part`, :func:`stamp_pdf`), into the build's staging folder, removed
        next, or the parts cache, whose pruning clears such leftovers."""
        executor, self.executor = self.executor, None
        if executor is None:
            return
        if not abandon:
            executor.shutdown(cancel_futures=True)
            return
        processes = list(executor._processes.values())  # as 3.14's kill_workers() does
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()
        for process in processes:  # gone before the staging folder is removed
            process.join()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        if self.workers > 1:
            if self.executor is None:
                # Workers started fresh from a small server process, not forked from this
                # one: a fork would share the build's whole memory (100,000 cases, its
                # pages), and Python's reference counting soon copies it into each worker.
                # The server imports WeasyPrint once, before the workers are forked from it:
                # they start ready, sharing those pages.
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["weasyprint"])
                self.executor = ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=_start_worker,
                    initargs=(os.getpid(),),
                )  # fmt: skip
            return self.executor.submit(fn, *args)
        future: Future[T] = Future()
        future.set_result(fn(*args))
        return future


def _start_worker(build: int) -> None:
    """First in each process of the pool. Ctrl-C (sent by the terminal to every process
    of the build) is for the build to act on: it stops the processes (:meth:`_Pool.close`);
    left to Python, an idle process would end with a traceback on the terminal. And the
    process ends when the build is gone, even killed outright (SIGKILL, the kernel out of
    memory): else it would wait for work for ever, and the forkserver with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not hasattr(os, "pidfd_open"):  # Linux only
        return
    try:
        gone = os.pidfd_open(build)  # readable once the build has ended
    except ProcessLookupError:
        os._exit(1)
    except OSError:
        return  # a kernel without pidfd (before 5.3)
    threading.Thread(target=_end_with, args=(gone,), daemon=True).start()


def _end_with(gone: int) -> None:
    select.select([gone], [], [])
    os._exit(1)


def _stamp_overlay(text: str, font: str, orientation: str, variant: str = "pdf/a-2b") -> bytes:
    import weasyprint

    html = _STAMP_PAGE.format(
        font=font, orientation=orientation, margin=_STAMP_MARGINS[orientation],
        text=text.replace("\\", "\\\\").replace('"', '\\"'),
    )  # fmt: skip
    return bytes(weasyprint.HTML(string=html).write_pdf(**_options(variant)))


def stamp_pdf(pdf: Path, stamp: Stamp) -> int:
    """Lay the stamp on every page as a revision appended to the file (the bytes
    before it are left as they are), with the build's dates in Info and XMP; returns
    the file's length before the stamp."""
    import pikepdf

    base = pdf.read_bytes()
    # pikepdf (qpdf) reads lazily: the cross-reference table, then only the objects
    # asked for (the page tree, Info, the XMP), not every object of the file.
    with pikepdf.open(io.BytesIO(base)) as reader:
        revision = _overlay_revision(reader, base, _overlays(stamp.portrait, stamp.landscape),
                                     stamp.built_at)  # fmt: skip
    scratch = pdf.with_name(f".{pdf.name}.stamp")
    with scratch.open("wb") as out:
        out.write(base)
        out.write(revision)
    os.replace(scratch, pdf)  # a new file: a hard-linked copy elsewhere is never changed
    return len(base)


# A PDF object written out with references to objects not numbered yet: bytes, and
# for each such reference the object's index among those of its overlay.
Pieces = tuple[bytes | int, ...]


@dataclass(frozen=True)
class _Overlay:
    """One overlay page (portrait or landscape), ready to be laid on any page: its
    drawing (a compressed content stream), its resources under names of its own
    (``/xfgen0`` ...), and the objects they refer to, to be numbered in each file."""

    drawing: bytes  # the content, after the page's own, which it closes ("Q")
    resources: dict[str, list[tuple[bytes, Pieces]]]  # kind → (name, value)
    objects: list[Pieces]


@functools.lru_cache(maxsize=2)
def _overlays(portrait: bytes, landscape: bytes) -> dict[bool, _Overlay]:
    """The stamp's two overlay pages (by whether they are landscape), read once per
    build in each process."""
    return {False: _overlay(portrait), True: _overlay(landscape)}


def _overlay(page_pdf: bytes) -> _Overlay:
    import pikepdf

    objects: list[Pieces] = []
    index: dict[tuple[int, int], int] = {}
    pending: list[Any] = []

    def pieces(value: Any, whole: bool = False) -> list[bytes | int]:
        """``value`` written out; an object of its own only referred to, unless ``whole``."""
        if isinstance(value, pikepdf.Object) and value.is_indirect and not whole:
            if value.objgen not in index:
                index[value.objgen] = len(index)
                objects.append(())
                pending.append(value)
            return [index[value.objgen]]
        if isinstance(value, pikepdf.Dictionary):
            made: list[bytes | int] = [b"<<"]
            for key, item in value.items():
                made += [pikepdf.Name(key).unparse(), b" ", *pieces(item), b"\n"]
            return [*made, b">>"]
        if isinstance(value, pikepdf.Array):
            made = [b"["]
            for item in value:
                made += [*pieces(item), b" "]
            return [*made, b"]"]
        return [_pdf_text(value)]

    with pikepdf.open(io.BytesIO(page_pdf)) as pdf:
        page = pdf.pages[0].obj
        contents = page.get("/Contents")
        listed = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        content = b"\n".join(stream.read_bytes() for stream in listed if stream is not None)
        resources: dict[str, list[tuple[bytes, Pieces]]] = {}
        names: dict[bytes, bytes] = {}
        for kind, named in page.Resources.items():
            if not isinstance(named, pikepdf.Dictionary):
                continue  # /ProcSet: nothing to carry
            for name, value in named.items():
                names[pikepdf.Name(name).unparse()] = new = f"/xfgen{len(names)}".encode()
                resources.setdefault(kind, []).append((new, tuple(pieces(value))))
        while pending:
            value = pending.pop()
            at = index[value.objgen]
            if isinstance(value, pikepdf.Stream):
                data = value.read_raw_bytes()
                written: list[bytes | int] = [b"<<"]
                for key, item in value.stream_dict.items():
                    if key != "/Length":
                        written += [pikepdf.Name(key).unparse(), b" ", *pieces(item), b"\n"]
                written.append(b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream")
                objects[at] = tuple(written)
            else:
                objects[at] = tuple(pieces(value, whole=True))
    if names:  # each resource under its new name, in one pass over the content
        pattern = b"|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
        content = re.sub(b"(" + pattern + rb")(?=[\s/\[<(])", lambda m: names[m[1]], content)
    return _Overlay(zlib.compress(b"\nQ\n" + content), resources, objects)


def _overlay_revision(
    reader: Any, base: bytes, overlays: dict[bool, _Overlay], built_at: datetime
) -> bytes:
    """An incremental update (PDF 7.5.6) of ``base`` (opened as ``reader``) laying an
    overlay over every page (the landscape one on landscape pages): each page object
    written again with two more content streams and the overlay's resources, the
    objects of each overlay in use written once under new numbers, the Info dictionary
    and the XMP metadata written again with the build's dates, and a cross-reference
    stream. Every object and the cross-reference stream begin with "N G obj" and an
    end of line (ISO 19005-2 6.1.8), so a PDF/A file stays one. Only what is written
    again is read: each value kept is copied as its PDF text, references as they are."""
    import pikepdf

    trailer = reader.trailer
    next_number = int(trailer.Size)
    objects: dict[tuple[int, int], bytes] = {}  # (number, generation) → the object

    def add(body: bytes) -> bytes:
        nonlocal next_number
        objects[next_number, 0] = body
        next_number += 1
        return b"%d 0 R" % (next_number - 1)

    def compressed(data: bytes) -> bytes:
        return add(b"<</Filter/FlateDecode/Length %d>>\nstream\n" % len(data) + data
                   + b"\nendstream")  # fmt: skip

    def text(entries: dict[bytes, bytes]) -> bytes:
        return (
            b"<<" + b"".join(key + b" " + value + b"\n" for key, value in entries.items()) + b">>"
        )

    def entries(dictionary: Any) -> dict[bytes, bytes]:
        return {pikepdf.Name(key).unparse(): _pdf_text(value) for key, value in dictionary.items()}

    pages = []
    for page in reader.pages:
        box = [float(x) for x in page.mediabox]
        pages.append((page.obj, box[2] - box[0] > box[3] - box[1]))
    # Each overlay in use: its objects numbered from here on, its drawing, its resources.
    placed: dict[bool, tuple[bytes, dict[bytes, dict[bytes, bytes]]]] = {}
    for side in sorted({side for _, side in pages}):
        overlay, first = overlays[side], next_number

        def joined(pieces: Pieces, first: int = first) -> bytes:
            return b"".join(
                piece if isinstance(piece, bytes) else b"%d 0 R" % (first + piece)
                for piece in pieces
            )

        for pieces in overlay.objects:
            add(joined(pieces))
        resources = {
            pikepdf.Name(kind).unparse(): {name: joined(value) for name, value in named}
            for kind, named in overlay.resources.items()
        }
        placed[side] = (compressed(overlay.drawing), resources)
    save = compressed(zlib.compress(b"q\n"))

    for page, side in pages:
        drawing, added = placed[side]
        rewritten = entries(page)
        kinds: dict[bytes, bytes] = {}
        for kind, named in page.Resources.items():
            key = pikepdf.Name(kind).unparse()
            if isinstance(named, pikepdf.Dictionary):
                kinds[key] = text(entries(named) | added.get(key, {}))
            else:
                kinds[key] = named.unparse()
        for key, named_added in added.items():
            kinds.setdefault(key, text(named_added))
        contents = page.get("/Contents")  # a stream or an array of them
        if isinstance(contents, pikepdf.Array):
            listed = [_pdf_text(item) for item in contents]
        else:
            listed = [] if contents is None else [contents.unparse()]
        rewritten[b"/Contents"] = b"[" + b" ".join([save, *listed, drawing]) + b"]"
        rewritten[b"/Resources"] = text(kinds)
        objects[page.objgen] = text(rewritten)

    # The build's dates, in the Info dictionary and the XMP metadata alike.
    stamped = pikepdf.String(_pdf_date(built_at)).unparse()
    old_info = trailer.get("/Info")
    info = {} if old_info is None else entries(old_info)
    info[b"/CreationDate"] = info[b"/ModDate"] = stamped
    if old_info is not None and old_info.is_indirect:
        objects[old_info.objgen] = text(info)
        info_reference = old_info.unparse()
    else:
        info_reference = add(text(info))
    metadata = reader.Root.get("/Metadata")
    if metadata is not None and metadata.is_indirect:
        said = {key: str(old_info[key]) for key in ("/Title", "/Producer")
                if old_info is not None and key in old_info}  # fmt: skip
        xmp = _xmp(metadata.read_bytes(), said, built_at)
        objects[metadata.objgen] = (
            b"<</Type/Metadata/Subtype/XML/Length %d>>\nstream\n" % len(xmp) + xmp + b"\nendstream"
        )

    start = len(base)
    out = io.BytesIO()
    out.write(b"\n")
    offsets: dict[int, tuple[int, int]] = {}  # number → (where it starts, generation)
    for (at, generation), body in sorted(objects.items()):
        offsets[at] = (start + out.tell(), generation)
        out.write(b"%d %d obj\n" % (at, generation) + body + b"\nendobj\n")
    xref = next_number
    offsets[xref] = (start + out.tell(), 0)
    rows = b"".join(b"\x01" + where.to_bytes(4, "big") + generation.to_bytes(1, "big")
                    for where, generation in (offsets[at] for at in sorted(offsets)))  # fmt: skip
    index: list[int] = []
    for at in sorted(offsets):
        if index and index[-2] + index[-1] == at:
            index[-1] += 1
        else:
            index += [at, 1]
    table = {
        b"/Type": b"/XRef",
        b"/Size": b"%d" % (xref + 1),
        b"/Index": b"[" + b" ".join(b"%d" % n for n in index) + b"]",
        b"/W": b"[1 4 1]",
        b"/Prev": b"%d" % _last_xref(base),
        b"/Root": trailer.Root.unparse(),
        b"/Info": info_reference,
    }
    if "/ID" in trailer:
        table[b"/ID"] = trailer.ID.unparse()
    table[b"/Length"] = b"%d" % len(rows)
    out.write(b"%d 0 obj\n" % xref + text(table) + b"\nstream\n" + rows + b"\nendstream")
    out.write(b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref][0])
    return out.getvalue()


def _pdf_date(when: datetime) -> str:
    """A PDF date (PDF 7.9.4) with the offset from UTC: D:20261202093000+08'00'."""
    offset = when.strftime("%z") or "+0000"
    return f"D:{when:%Y%m%d%H%M%S}{offset[:3]}'{offset[3:]}'"


_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/">
{fields}
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def _xmp(old: bytes, info: dict[str, str], built_at: datetime) -> bytes:
    """The XMP metadata of a stamped file: the PDF/A part and conformance of the file
    as rendered (``old``), and the Info dictionary's title, producer and dates."""
    from xml.sax.saxutils import escape

    fields = []
    for name in ("part", "conformance"):
        found = re.search(rf'pdfaid:{name}(?:="|>)([^"<]*)'.encode(), old)
        if found:
            fields.append(f"<pdfaid:{name}>{found[1].decode()}</pdfaid:{name}>")
    if "/Title" in info:
        title = escape(str(info["/Title"]))
        fields.append(
            f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
        )
    if "/Producer" in info:
        fields.append(f"<pdf:Producer>{escape(str(info['/Producer']))}</pdf:Producer>")
    date = built_at.isoformat()
    fields += [
        f"<xmp:{name}>{date}</xmp:{name}>" for name in ("CreateDate", "ModifyDate", "MetadataDate")
    ]
    return _XMP.format(fields="\n".join(fields)).encode()


def _pdf_text(value: Any) -> bytes:
    """A value read with pikepdf as PDF text: pikepdf hands numbers, booleans and null
    over as Python values, which it writes as the only item of an array."""
    import pikepdf

    if isinstance(value, pikepdf.Object):
        return bytes(value.unparse())
    return bytes(pikepdf.Array([value]).unparse())[1:-1].strip()


def _last_xref(pdf: bytes) -> int:
    """Where the file's last cross-reference section starts (its ``startxref``)."""
    return int(re.findall(rb"startxref\s+(\d+)", pdf[-1024:])[-1])


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


def render_part(
    html: Path, pdf: Path, variant: str = "pdf/a-2b", attachment: Attachment | None = None
) -> list[str]:
    """:func:`render_pdf` into a temporary file renamed to ``pdf`` when complete, so
    that a kept part is never half written, even if the build is killed."""
    scratch = pdf.with_name(f".{pdf.name}.{os.getpid()}.tmp")
    try:
        warnings = render_pdf(html, scratch, variant, attachment)
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


def join_parts(
    parts: list[Path],
    target: Path,
    font: str,
    variant: str = "pdf/a-2b",
    footers: Sequence[bytes] | None = None,
) -> None:
    """Join part PDFs and stamp continuous page numbers on them (from ``footers``, the
    documents :func:`footer_pages` made for the joined pages, in order; rendered here
    when not given); parts beside the target (not kept between builds) are removed.

    The other parts' pages are appended to the first part, whose catalog (the XMP
    metadata, the output intent, the language) and trailer /ID the joined file keeps
    (pypdf's ``append`` drops them, PDF-NOTES.md). The parts are opened one after the
    other and read lazily; each stays open until the joined file is written, which
    copies the pages' objects from it."""
    import pikepdf

    with contextlib.ExitStack() as opened:
        joined = opened.enter_context(pikepdf.open(parts[0]))
        with warnings.catch_warnings():
            # that named destinations are not carried: a ledger's parts do not link
            # to each other (links inside a page stay, with the page)
            warnings.filterwarnings("ignore", "Copying pages from another Pdf")
            for part in parts[1:]:
                joined.pages.extend(opened.enter_context(pikepdf.open(part)).pages)
        total = len(joined.pages)
        if footers is None:
            footers = [footer_pages(font, first, total, variant)
                       for first in range(1, total + 1, FOOTER_PAGES)]  # fmt: skip
        numbered = [
            page
            for footer in footers
            for page in opened.enter_context(pikepdf.open(io.BytesIO(footer))).pages
        ]
        for number, (page, footer) in enumerate(zip(joined.pages, numbered, strict=True)):
            # as pikepdf's add_overlay does, but under a name of our own (it draws a random
            # one), so the same parts always make the same file; one name per page, as the
            # pages of a part share one resource dictionary
            form = joined.copy_foreign(footer.as_form_xobject())
            name = pikepdf.Name(f"/xfgenFooter{number + 1}")
            page.add_resource(form, pikepdf.Name.XObject, name)
            page.contents_add(pikepdf.Stream(joined, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(joined, b"\nQ\n" + str(name).encode() + b" Do\n"))
        # the /ID from the content, so that the same parts always make the same file
        joined.save(target, deterministic_id=True)
    for part in parts:
        if part.parent == target.parent:
            part.unlink()


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())

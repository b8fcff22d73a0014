"""Writing a site's pages into the staging folder, reusing what did not change.

Every page is rendered to HTML on every build: that is cheap, and it is the only
sure way to know whether the page changed. What is made from a page (its PDF,
its .xlsx or .docx) is made again only when the page changed: otherwise it is
taken over from the last good site, whose manifest says what each file was
made from. A long ledger is printed in parts cut at month boundaries, and the
PDF of each part is kept between builds in ``.xfgen-cache/pdf/`` under its
hash, so a change inside one month prints one part again.

A page that can say what it is made from without being rendered (a ledger:
:meth:`Renderer.fingerprint`) is not rendered at all when that is what the last
site's page was made from, with the same secrets looked for: its HTML (with the
placeholders, kept in ``.xfgen-cache/pages/`` and checked against the hash the
last site recorded) is written out with this build's stamps, its files taken over.

Pages are written as they are made and not kept: only a few hashes per page
stay in memory until the build ends.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from pathlib import Path

from xfgen import __version__
from xfgen.reports.pdf import (
    Attachment,
    PdfJob,
    Printer,
    find_cjk_font,
    is_complete_pdf,
    reuse_pdf,
)
from xfgen.site.guard import Leak, PrivacyLeak, Secrets, find_leaks, office_texts
from xfgen.site.manifest import Manifest, PageRecord
from xfgen.site.publish import site_path

# Part PDFs unused for this long are removed from the cache at the end of a build.
CACHE_DAYS = 30
PARTS_CACHE = Path(".xfgen-cache") / "pdf"
PAGES_CACHE = "pages"  # beside PARTS_CACHE: the HTML of pages that can be carried over
# A kept page serves only the next build (or the next of the other kind, public or
# internal); each edit keeps new copies of whole ledgers: kept for a week, not a month.
PAGES_DAYS = 7


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site root, e.g. "2026H1/summary.html"
    # the page's HTML, or a way to make it piece by piece (a long ledger is never held whole)
    html: str | Callable[[], Iterator[str]]
    pdf: bool = True
    # a long ledger is printed from these parts instead, each made when it is written
    print_parts: tuple[Callable[[], str], ...] = ()
    # office formats beside the page (.xlsx, .docx): site path and how to make the file,
    # called only when the page changed since the last site
    files: tuple[tuple[str, Callable[[], bytes]], ...] = ()
    # a file the PDF carries inside (with pdf/a-3b): the summary's figures
    attachment: Attachment | None = None
    # what the page is made from (Renderer.fingerprint), if it can be known before rendering
    inputs: str | None = None

    def pieces(self) -> Iterator[str]:
        if isinstance(self.html, str):
            yield self.html
        else:
            yield from self.html()

    @property
    def pdf_path(self) -> str:
        return self.path.removesuffix(".html") + ".pdf"

    @property
    def print_paths(self) -> tuple[str, ...]:
        """Where the HTML printed to PDF is written (the page itself, or its parts):
        hidden files beside the page, removed after."""
        folder, _, name = self.path.rpartition("/")
        prefix = f"{folder}/" if folder else ""
        stem = name.removesuffix(".html")
        if not self.print_parts:
            return (f"{prefix}.{stem}.print.html",)
        return tuple(
            f"{prefix}.{stem}.part-{i:03d}.html" for i in range(1, len(self.print_parts) + 1)
        )


@dataclass
class Written:
    """What the site writer did, for the build's summary line."""

    pages: int = 0
    pdfs: int = 0
    reused: int = 0  # PDFs of unchanged pages, taken over from the last site
    warnings: list[str] = field(default_factory=list)


class SiteWriter:
    """Writes pages into ``folder`` (the staging folder of a build), taking derived files
    over from ``last_site`` where the page did not change, and collects the PDF work."""

    def __init__(
        self,
        folder: Path,
        last_site: Path,
        last: Manifest | None,
        stamps: dict[str, str],
        secrets: Secrets,
        parts_cache: Path | None,
        stamp_text: str,
        full: bool = False,
        pdfs: bool = True,
        workers: int | None = None,
        variant: str = "pdf/a-2b",
        built_at: datetime | None = None,
    ):
        self.folder = folder
        self.last_site = last_site
        self.full = full  # print everything again, taking nothing from the last site or cache
        self.last = None if full else last
        self.stamps = stamps
        self.secrets = secrets
        self.parts_cache = parts_cache
        self.cache_ready: bool | None = None  # made on first use; False: cannot be
        self.pages_cache = parts_cache.parent / PAGES_CACHE if parts_cache else None
        self.pages_ready: bool | None = None  # likewise
        self.secrets_key = secrets.fingerprint()
        self.pdfs = pdfs
        font, static = find_cjk_font(), static_files()
        self.variant = variant
        self.common = render_key(font, static, variant)
        self.records: dict[str, PageRecord] = {}
        for name, data in static.items():  # the stylesheet, before any PDF
            (folder / name).write_bytes(data)
        self.printer = Printer(stamp_text, workers, font, variant, built_at)
        if pdfs:
            self.printer.start()
        self.reused: list[Path] = []
        self.leaks: list[Leak] = []
        # (page, its PDF) by site path, for each PDF this build makes or reuses
        self.with_pdf: list[tuple[str, str]] = []
        self.pages = 0

    def add(self, page: Page) -> None:
        """Write the page (placeholders filled in), its office files and its print files;
        queue its PDF unless the last site's can be taken over."""
        self.pages += 1
        record = self.last.pages.get(page.path) if self.last else None
        inputs = self._inputs(page)
        if inputs and record and record.inputs == inputs and self._carry_over(page, record):
            return
        source = self._write(page, inputs)
        outputs: dict[str, int] = {}
        for path, make in page.files:
            outputs[path] = 0
            if record and record.source == source and path in record.outputs:
                try:
                    link_or_copy(site_path(self.last_site, path), site_path(self.folder, path))
                    continue
                except OSError:
                    pass  # gone or damaged: made again below
            data = make()
            self.leaks += find_leaks(((path, text) for text in office_texts(data)), self.secrets)
            site_path(self.folder, path).write_bytes(data)
        key = ""
        if page.pdf:
            key = self._pdf(page, source, record, outputs)
            self.with_pdf.append((page.path, page.pdf_path))
        self.records[page.path] = PageRecord(key, outputs, source, inputs)

    def _inputs(self, page: Page) -> str:
        """What the page is made from, with what it is checked against ("": not known)."""
        if page.inputs is None or self.pages_cache is None:
            return ""
        if self.pages_ready is None:
            self.pages_ready = _usable(self.pages_cache)
        if not self.pages_ready:
            return ""
        return _hash(self.common, (page.inputs, self.secrets_key, *self.stamps))

    def _carry_over(self, page: Page, record: PageRecord) -> bool:
        """Write a page made from what the last site's was made from without rendering it:
        its HTML from the cache, its PDF and office files from the last site. False (and
        nothing written) when something is missing: the page is then rendered."""
        assert self.pages_cache is not None
        cached = self.pages_cache / f"{record.inputs}.html"
        try:
            with cached.open(encoding="utf-8", newline="") as kept:  # as written: a \r too
                html = kept.read()
        except (OSError, UnicodeDecodeError):
            return False
        if _hash(self.common, (html,)) != record.source:
            return False  # damaged, or not what the last site showed
        taken = [page.pdf_path] if page.pdf else []
        taken += [path for path, _ in page.files]
        if any(path not in record.outputs for path in taken):
            return False
        written: list[Path] = []
        try:
            site_path(self.folder, page.path).parent.mkdir(parents=True, exist_ok=True)
            for path in taken:
                target = site_path(self.folder, path)
                written.append(target)
                if path == page.pdf_path:
                    reuse_pdf(site_path(self.last_site, path), record.outputs[path], target)
                else:
                    link_or_copy(site_path(self.last_site, path), target)
            target = site_path(self.folder, page.path)
            written.append(target)
            target.write_text(fill_in(html, self.stamps), encoding="utf-8")
            os.utime(cached)  # in use: not pruned
        except OSError:
            for file in written:
                file.unlink(missing_ok=True)
            return False
        if page.pdf:
            self._reuse(site_path(self.folder, page.pdf_path))
            self.with_pdf.append((page.path, page.pdf_path))
        self.records[page.path] = replace(record, outputs=dict.fromkeys(taken, 0))
        return True

    def _write(self, page: Page, inputs: str = "") -> str:
        """Write the web page (and, when it is printed whole, its print file) piece by
        piece, scanning each piece for secrets; returns the hash of the page. With
        ``inputs``, the page (placeholders as they are) is also kept in the cache."""
        target = site_path(self.folder, page.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        blank = dict.fromkeys(self.stamps, "")
        digest = hashlib.sha256(self.common.encode() + b"\0part\0")
        with contextlib.ExitStack() as files:
            web = files.enter_context(target.open("w", encoding="utf-8"))
            print_file = kept = None
            if page.pdf and not page.print_parts:
                path = site_path(self.folder, page.print_paths[0])
                print_file = files.enter_context(path.open("w", encoding="utf-8"))
            if inputs and self.pages_cache is not None:
                scratch = self.pages_cache / f".{inputs}.{os.getpid()}.tmp"
                kept = files.enter_context(scratch.open("w", encoding="utf-8", newline=""))
            for piece in _by_rows(page.pieces()):
                self.leaks += find_leaks([(page.path, piece)], self.secrets)
                digest.update(piece.encode())
                web.write(fill_in(piece, self.stamps))
                if print_file is not None:
                    print_file.write(fill_in(piece, blank))
                if kept is not None:
                    kept.write(piece)
        if kept is not None:
            os.replace(scratch, scratch.with_name(f"{inputs}.html"))
        return digest.hexdigest()

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.printer.__exit__(*exc)

    def keep(self, records: dict[str, PageRecord]) -> None:
        """Records of pages carried over unchanged with a kept period."""
        self.records.update(records)

    def finish(
        self, progress: Callable[[str], None], pdf_progress: Callable[[int, int], None]
    ) -> Written:
        """Refuse to go on if a page leaks a secret; then render the queued PDFs, stamp
        every PDF and record what each was made from."""
        if self.leaks:
            raise PrivacyLeak(list(dict.fromkeys(self.leaks)))  # a page's pieces may repeat one
        made = len(self.printer.jobs)
        if made or self.reused:
            progress(
                f"生成 {made} 份 PDF"
                + (f"，沿用上次未变的 {len(self.reused)} 份" if self.reused else "")
            )
        warnings, lengths = self.printer.finish((), pdf_progress)
        for job in self.printer.jobs:
            _remove(job.parts)
        for path, pdf in self.with_pdf:
            outputs = self.records[path].outputs
            target = site_path(self.folder, pdf)
            if target in lengths:
                outputs[pdf] = lengths[target]
            else:  # not made (a build without PDFs)
                outputs.pop(pdf, None)
        if self.parts_cache is not None and self.cache_ready:
            prune(self.parts_cache)
        if self.pages_cache is not None and self.pages_ready:
            prune(self.pages_cache, PAGES_DAYS, suffix=".html")
        return Written(self.pages, made + len(self.reused), len(self.reused), warnings)

    def _pdf(
        self, page: Page, source: str, record: PageRecord | None, outputs: dict[str, int]
    ) -> str:
        """Write the page's print parts (if any), then queue its PDF or take the last
        site's over; returns the hash of what the PDF is made from."""
        target = site_path(self.folder, page.pdf_path)
        htmls: list[Path | None] = []  # print files to render; None: a cached part
        part_pdfs: list[Path] = []
        if page.print_parts:
            blank = dict.fromkeys(self.stamps, "")
            digest = hashlib.sha256(self.common.encode())
            for i, make in enumerate(page.print_parts):
                html = make()  # one part at a time
                print_path = page.print_paths[i]
                self.leaks += find_leaks([(print_path, html)], self.secrets)
                digest.update(b"\0part\0" + html.encode())
                kept = self._cached_part(html)
                if kept is not None and not self.full and is_complete_pdf(kept):
                    htmls.append(None)
                    part_pdfs.append(kept)
                    continue
                file = site_path(self.folder, print_path)
                file.write_text(fill_in(html, blank), encoding="utf-8")
                htmls.append(file)
                part_pdfs.append(kept or target.with_name(f".{target.stem}.part-{i + 1:03d}.pdf"))
            key = digest.hexdigest()
        else:
            key = source  # the page is printed as it is
            htmls.append(site_path(self.folder, page.print_paths[0]))
        attachment = page.attachment if self.variant == "pdf/a-3b" else None
        if attachment is not None:  # what the PDF carries decides whether it can be reused
            key = _hash(key, (attachment.name, attachment.data.decode()))
        reuse = record is not None and record.key == key and page.pdf_path in record.outputs
        if reuse and record is not None:
            try:
                reuse_pdf(
                    site_path(self.last_site, page.pdf_path), record.outputs[page.pdf_path], target
                )
                self._reuse(target)
                outputs[page.pdf_path] = 0  # its length is known once it is stamped
                _remove(htmls)
                return key
            except OSError:
                pass  # gone or damaged: rendered again below
        if not self.pdfs:
            _remove(htmls)
            return key
        for printed, kept in zip(htmls, part_pdfs, strict=False):
            if printed is None:
                os.utime(kept)  # a cached part in use: not pruned
        outputs[page.pdf_path] = 0
        job = PdfJob(tuple(htmls), target, tuple(part_pdfs), attachment)
        self.printer.add(job)  # begins at once
        return key

    def _reuse(self, pdf: Path) -> None:
        self.reused.append(pdf)
        self.printer.reuse(pdf)

    def _cached_part(self, html: str) -> Path | None:
        if self.parts_cache is None:
            return None
        if self.cache_ready is None:
            self.cache_ready = _usable(self.parts_cache)
        if not self.cache_ready:
            return None
        return self.parts_cache / f"{_hash(self.common, (html,))}.pdf"


def _by_rows(pieces: Iterable[str], size: int = 1 << 18) -> Iterator[str]:
    """The pieces joined into runs of about ``size`` characters, cut only after a table
    row: what the guard scans at once (nothing it looks for spans two rows)."""
    run: list[str] = []
    length = 0
    for piece in pieces:
        run.append(piece)
        length += len(piece)
        if length >= size and piece.rstrip().endswith("</tr>"):
            yield "".join(run)
            run, length = [], 0
    if run:
        yield "".join(run)


def _remove(files: Iterable[Path | None]) -> None:
    for file in files:
        if file is not None:
            file.unlink()


def fill_in(html: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        html = html.replace(placeholder, value)
    return html


def static_files() -> dict[str, bytes]:
    """The package's static files (the stylesheet), by name."""
    static = resources.files("xfgen.reports") / "static"
    return {item.name: item.read_bytes() for item in static.iterdir() if item.is_file()}


def render_key(font: str, static: dict[str, bytes], variant: str = "pdf/a-2b") -> str:
    """What every PDF depends on besides its page: xfgen itself, the stylesheet, the font,
    the PDF variant."""
    digest = hashlib.sha256(f"{__version__}\0{font}\0{variant}\0".encode())
    for name, data in sorted(static.items()):
        digest.update(name.encode() + b"\0" + data)
    return digest.hexdigest()


def _hash(common: str, htmls: Iterable[str]) -> str:
    digest = hashlib.sha256(common.encode())
    for html in htmls:
        digest.update(b"\0part\0" + html.encode())
    return digest.hexdigest()


def _usable(folder: Path) -> bool:
    """Whether the cache folder is there or could be made; not in a read-only project,
    where the build then prints every part, which is always correct."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


def prune(folder: Path, days: int = CACHE_DAYS, suffix: str = ".pdf") -> None:
    """Remove cached files (parts, pages) no build has used for ``days`` days, and what
    killed builds left half-written; deleting the whole cache is always safe too."""
    now = time.time()
    for item in folder.iterdir():
        try:
            age = now - item.stat().st_mtime
            if age > days * 86400 or (not item.name.endswith(suffix) and age > 3600):
                item.unlink()
        except OSError:
            pass


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """A hard link where possible (also for :func:`shutil.copytree`). Files of a published
    site are never changed in place (a new build writes new files), so the new site may
    share them with the old one."""
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)

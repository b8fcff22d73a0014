"""Archival copies (DOMAIN.md "Archival copies (PDF/A)"): every PDF the build writes
passes the structural PDF/A checker (tests/pdfa_check.py), after the join of a long
ledger's parts and after the stamp, with the default pdf/a-2b and with pdf/a-3b (whose
summary carries the period's `stats --json`); `pdf_variant: none` writes plain PDF.
Where XFGEN_VERAPDF names a veraPDF command, veraPDF checks the same files as well.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pikepdf
import pytest
from conftest import CONFIG, ExampleSite, Repo
from pdfa_check import pdf_date, problems
from pypdf import PdfReader, PdfWriter
from test_build import xfgen
from test_incremental import CASE
from test_incremental import rendered as all_rendered

from xfgen.reports.pdf import Stamp, join_parts, render_pdf, stamp_pdf
from xfgen.site.build import BuildResult, build_site

TODAY = date(2026, 11, 25)
PERIOD, AS_OF = "2026H1", "2026-06-30"


def title_of(page: Path) -> str:
    """The <title> of a web page: what the PDF's Info /Title and dc:title must say."""
    found = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
    assert found, page
    return html.unescape(found[1])


def check_site(
    out: Path, variant: str, built: tuple[datetime, datetime], figures: object = None
) -> list[Path]:
    """Every PDF of the site passes the checker; its title is its page's and its dates
    are the build's (between ``built``); the summaries carry ``figures``."""
    pdfs = sorted(out.rglob("*.pdf"))
    for pdf in pdfs:
        name = pdf.relative_to(out).as_posix()
        carried = figures if pdf.name == "summary.pdf" else None
        assert problems(pdf, variant, carried) == [], name
        with pikepdf.open(pdf) as opened:
            info = opened.docinfo
            assert str(info.Title) == title_of(pdf.with_suffix(".html")), name
            stamped = pdf_date(str(info.CreationDate))
            assert stamped == pdf_date(str(info.ModDate)), name
            assert built[0] <= stamped <= built[1], name
    verapdf(pdfs, variant)
    return pdfs


def verapdf(pdfs: list[Path], variant: str) -> None:
    """veraPDF's verdict too, where XFGEN_VERAPDF names its command (it cannot be
    installed everywhere: only this extra check is skipped without it)."""
    command = os.environ.get("XFGEN_VERAPDF")
    if not command or variant == "none":
        return
    flavour = {"pdf/a-2b": "2b", "pdf/a-3b": "3b"}[variant]
    done = subprocess.run(
        [command, "--flavour", flavour, "--format", "text", *map(str, pdfs)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    verdicts = [line for line in done.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(verdicts) == len(pdfs) and all(v.startswith("PASS") for v in verdicts), (
        done.stdout + done.stderr
    )


def stats_json(root: Path) -> object:
    code, out, err = xfgen(
        "-C", str(root), "--today", str(TODAY), "stats", "--period", PERIOD, "--as-of", AS_OF,
        "--json",
    )  # fmt: skip
    assert code == 0, err
    return json.loads(out)


def test_veraPDF_is_named_where_it_is_asked_for() -> None:
    """XFGEN_VERAPDF, when set, must name a command that runs (or the extra is silently lost)."""
    command = os.environ.get("XFGEN_VERAPDF")
    if not command:
        pytest.skip("XFGEN_VERAPDF is not set: veraPDF's extra check is not asked for")
    assert shutil.which(command) or Path(command).is_file()


# ---------------------------------------------------------------- the example site


def test_every_pdf_of_the_example_site_is_pdfa_2b(example_site: ExampleSite) -> None:
    """The committed example, with the default variant: ledgers printed in parts and
    joined, summaries, leaderboards, the current ledgers; all stamped."""
    assert example_site.code == 0, example_site.log
    built = (example_site.started, example_site.finished)
    pdfs = check_site(example_site.out, "pdf/a-2b", built)
    assert len(pdfs) >= 20
    # The longest ledger (2026H1's register) was printed in parts and joined.
    assert len(list((example_site.root / ".xfgen-cache/pdf").glob("*.pdf"))) >= 2
    # The summary's title is the report's own title, which already names the office.
    summary = title_of(example_site.out / "2026H1" / "summary.html")
    assert summary == "平安县信访局2026年上半年信访工作总结", summary


# ---------------------------------------------------------------- a small tree in parts, pdf/a-3b

# Two cases a month from January to April: with parts of two rows each ledger of the
# half year is printed in four parts.
CASES = [
    (f"XF2026-{n:04d}", f"2026-0{month}-{day:02d}", f"2026-0{month}-{day + 2:02d}",
     f"2026-0{month + 1}-{day:02d}", unit)
    for n, (month, day, unit) in enumerate(
        [(1, 5, "城关镇"), (1, 19, "河口镇"), (2, 3, "城关镇"), (2, 17, "城关镇"),
         (3, 2, "河口镇"), (3, 16, "城关镇"), (4, 6, "城关镇"), (4, 20, "河口镇")], start=1)
]  # fmt: skip


def small_build(
    root: Path, jobs: int = 2, full: bool = False, steps: list[tuple[int, int]] | None = None
) -> tuple[BuildResult, tuple[datetime, datetime], list[str]]:
    said: list[str] = []
    started = datetime.now().astimezone().replace(microsecond=0)
    result = build_site(root, root / "output", TODAY, [PERIOD], ledger_part_rows=2, jobs=jobs,
                        full=full, progress=said.append,
                        pdf_progress=lambda *step: steps.append(step) if steps is not None else None)  # fmt: skip
    return result, (started, datetime.now().astimezone()), said


@pytest.fixture(scope="module")
def parts_3b(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[datetime, datetime]]:
    """A small tree with `pdf_variant: pdf/a-3b`, its ledgers printed in parts (one period)."""
    repo = Repo(tmp_path_factory.mktemp("pdfa3b"))
    repo.write("xfgen.yaml", CONFIG + "pdf_variant: pdf/a-3b\n")
    for id, received, accepted, closed, unit in CASES:
        text = CASE.format(id=id, received=received, accepted=accepted, closed=closed)
        repo.write(f"cases/2026/{id}.yaml", text.replace("unit: 城关镇", f"unit: {unit}"))
    _, built, _ = small_build(repo.root)
    return repo.root, built


@pytest.fixture
def copy_3b(parts_3b: tuple[Path, tuple[datetime, datetime]], tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(parts_3b[0], copy, symlinks=True)
    return copy


def rendered(site: Path) -> dict[str, bytes]:
    """Every PDF as rendered, before its build stamp."""
    return {name: data for name, data in all_rendered(site).items() if name.endswith(".pdf")}


def test_every_pdf_of_a_site_in_parts_is_pdfa_3b_with_its_figures(
    parts_3b: tuple[Path, tuple[datetime, datetime]],
) -> None:
    root, built = parts_3b
    out = root / "output"
    pdfs = check_site(out, "pdf/a-3b", built, figures=stats_json(root))
    assert f"{PERIOD}/summary.pdf" in [p.relative_to(out).as_posix() for p in pdfs]
    # Printed in parts of at most two rows, cut at months: the register ledger of the half
    # year (8 rows, 2 a month) in 4, 城关镇's (Jan; Feb ×2; Mar, Apr) in 3, 河口镇's
    # (Jan, Mar; Apr) in 2.
    assert len(list((root / ".xfgen-cache/pdf").glob("*.pdf"))) == 4 + 3 + 2
    assert len(PdfReader(out / PERIOD / "register.pdf").pages) == 4
    with pikepdf.open(out / PERIOD / "summary.pdf") as summary:
        (spec,) = summary.Root.AF
        assert str(spec.UF) == f"xfgen-stats-{PERIOD}.json"


def test_one_job_makes_the_same_pdfs_as_two(copy_3b: Path) -> None:
    before = rendered(copy_3b / "output")
    small_build(copy_3b, jobs=1, full=True)
    assert rendered(copy_3b / "output") == before


def test_an_edit_re_renders_only_what_it_changed_and_every_pdf_still_conforms(
    copy_3b: Path,
) -> None:
    """Editing one case's summary text changes the ledgers that show it, not the summary
    (its figures are the same): the summary is reused as rendered and stamped again with
    this build's dates, and still carries its figures."""
    out = copy_3b / "output"
    before = rendered(out)
    case = copy_3b / "cases/2026/XF2026-0003.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("路灯损坏", "路灯损坏已久"),
                    encoding="utf-8")  # fmt: skip
    steps: list[tuple[int, int]] = []
    result, built, said = small_build(copy_3b, steps=steps)
    after = rendered(out)
    changed = sorted(name for name in after if after[name] != before[name])
    assert changed == [f"{PERIOD}/register.pdf", f"{PERIOD}/units/城关镇.pdf"]
    # The PDF work counted out of one total, to the end: 2 stamp overlays, the 2 parts
    # printed again (one of each ledger), every PDF joined or stamped.
    assert steps == [(n, 4 + len(after)) for n in range(2, 4 + len(after) + 1)]
    assert result.reused == len(after) - 2
    assert f"生成 2 份 PDF，沿用上次未变的 {len(after) - 2} 份" in said
    check_site(out, "pdf/a-3b", built, figures=stats_json(copy_3b))


def test_the_variant_decides_whether_a_pdf_is_reused(copy_3b: Path) -> None:
    """Another variant prints every PDF again: pdf/a-2b carries no figures; none is plain."""
    config = copy_3b / "xfgen.yaml"
    config.write_text(CONFIG + "pdf_variant: pdf/a-2b\n", encoding="utf-8")
    result, built, _ = small_build(copy_3b)
    assert result.reused == 0
    check_site(copy_3b / "output", "pdf/a-2b", built)
    config.write_text(CONFIG + "pdf_variant: none\n", encoding="utf-8")
    result, built, _ = small_build(copy_3b)
    assert result.reused == 0
    for pdf in (copy_3b / "output").rglob("*.pdf"):
        with pikepdf.open(pdf) as plain:
            assert "/Metadata" not in plain.Root and "/OutputIntents" not in plain.Root
            assert pdf_date(str(plain.docinfo.ModDate)) >= built[0]
        assert problems(pdf, "none") == [], pdf


# ---------------------------------------------------------------- join and stamp, one by one

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>html {{ font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei"; }}
@page {{ size: A4 landscape; }}</style></head>
<body><h1>{title}</h1><p>第{n}部分：人日页 <a href="register.xlsx">下载</a>
<a href="https://example.org/x">网址</a> <a href="#end">本页</a></p>
<p style="break-before: page" id="end">第{n}部分完</p></body></html>"""


def render_parts(folder: Path, count: int, variant: str = "pdf/a-2b") -> list[Path]:
    parts = []
    for n in range(1, count + 1):
        source = folder / f"part-{n}.html"
        source.write_text(PAGE.format(title="测试台账 · 测试县信访局", n=n), encoding="utf-8")
        assert render_pdf(source, folder / f"part-{n}.pdf", variant) == []
        parts.append(folder / f"part-{n}.pdf")
    return parts


def stamp_of(variant: str, when: datetime) -> Stamp:
    from xfgen.reports.pdf import _stamp_overlay

    overlays = [_stamp_overlay("生成时间 测试", "Noto Sans CJK SC", side, variant)
                for side in ("portrait", "landscape")]  # fmt: skip
    return Stamp(overlays[0], overlays[1], when)


def test_joined_and_stamped_parts_keep_the_first_parts_catalog(tmp_path: Path) -> None:
    parts = render_parts(tmp_path, 3)
    target = tmp_path / "joined.pdf"
    join_parts(parts, target, "Noto Sans CJK SC")
    when = datetime.fromisoformat("2026-12-02T09:30:00+08:00")
    length = stamp_pdf(target, stamp_of("pdf/a-2b", when))
    assert problems(target, "pdf/a-2b", built_at=when) == []
    with pikepdf.open(target) as joined:
        assert len(joined.pages) == 6  # two pages a part
        assert str(joined.docinfo.CreationDate) == "D:20261202093000+08'00'"
        assert str(joined.Root.Lang) == "zh-CN"
        links = [a for page in joined.pages for a in page.get("/Annots", [])]
        assert links and all("/A" not in a for a in links)  # only the link inside the page
    text = subprocess.run(["pdftotext", "-raw", str(target), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    # each page its own number (a part's pages share their resources)
    footers = [re.findall(r"第 \d 页 共 \d 页", page) for page in text.split("\f")[:-1]]
    assert footers == [[f"第 {n} 页 共 6 页"] for n in range(1, 7)]
    assert "生成时间 测试" in text and "第3部分：人日页" in text
    # The file as joined is a prefix of the stamped one (what a later build reuses).
    assert target.stat().st_size > length


def test_the_checker_finds_what_a_pypdf_join_drops(tmp_path: Path) -> None:
    """The checker is real: pypdf's append (the join before PDF/A) loses the catalog's
    metadata and output intent, and a plain render has neither."""
    parts = render_parts(tmp_path, 2)
    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(part))
    buffer = io.BytesIO()
    writer.write(buffer)
    (tmp_path / "pypdf.pdf").write_bytes(buffer.getvalue())
    found = problems(tmp_path / "pypdf.pdf", "pdf/a-2b")
    assert "no XMP metadata stream referenced from the catalog" in found
    assert "not exactly one /OutputIntents entry" in found
    (tmp_path / "plain").mkdir()
    (plain,) = render_parts(tmp_path / "plain", 1, "none")
    found = problems(plain, "pdf/a-2b")
    assert "Info has no /CreationDate" in found and any("/URI action" in p for p in found)

"""The fast loop: one period without losing the rest, incremental rebuilds, --jobs.

One small repository (a few cases in 2025H2 and 2026H1, one unit) is built
with real WeasyPrint PDFs; each test works on its own copy of the built
repository (copying is cheap, building is not).
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import Repo
from test_build import build, tree
from test_build import pdf_pages as pdf_text

from xfgen.site.guard import office_text

CASE = """\
id: {id}
received: {received}
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 城乡建设/征地拆迁
summary: 反映小区路灯损坏（{id}）
petitioner:
  name: 钱某某
unit: 城关镇
accepted: {accepted}
closed: {closed}
outcome: 解决
satisfaction: 满意
"""

# (id, received, accepted, closed): two cases in 2025H2, three in 2026H1.
CASES = [
    ("XF2025-0001", "2025-08-04", "2025-08-06", "2025-09-01"),
    ("XF2025-0002", "2025-11-10", "2025-11-12", "2025-12-01"),
    ("XF2026-0001", "2026-01-05", "2026-01-06", "2026-02-01"),
    ("XF2026-0002", "2026-03-09", "2026-03-10", "2026-04-01"),
    ("XF2026-0003", "2026-05-11", "2026-05-12", "2026-06-01"),
]


def write_case(repo: Repo, id: str, received: str, accepted: str, closed: str) -> Path:
    text = CASE.format(id=id, received=received, accepted=accepted, closed=closed)
    return repo.write(f"cases/{received[:4]}/{id}.yaml", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository after a full build: 2025H2, 2025, 2026H1, 2026."""
    repo = Repo(tmp_path_factory.mktemp("incremental"))
    for case in CASES:
        write_case(repo, *case)
    code, out, err = build(repo.root)
    assert code == 0, out + err
    return repo.root


@pytest.fixture
def root(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(built, copy, symlinks=True)
    return copy


def index_periods(site: Path) -> list[str]:
    """The periods the index lists, newest first (as it shows them)."""
    html = (site / "index.html").read_text(encoding="utf-8")
    return re.findall(r'<td class="period-name"><strong>([^<]+)</strong>', html)


ALL_PERIODS = ["2026年", "2026年上半年", "2025年", "2025年下半年"]


def test_full_build_lists_every_period(built: Path) -> None:
    assert index_periods(built / "output") == ALL_PERIODS


def test_one_period_keeps_every_other_period(root: Path) -> None:
    before = tree(root / "output")
    code, out, err = build(root, "--period", "2026H1")
    assert code == 0, out + err
    assert "保留了网站中原有的其他期间：2025H2、2025、2026" in out
    after = tree(root / "output")
    assert index_periods(root / "output") == ALL_PERIODS
    for label in ("2025H2", "2025", "2026"):
        kept = {p: h for p, h in before.items() if p.startswith(f"{label}/")}
        assert kept, label
        assert {p: h for p, h in after.items() if p.startswith(f"{label}/")} == kept
    for name in ("summary", "leaderboard", "register", "open", "backlog"):
        assert f"2026H1/{name}.pdf" in after
    # The index links every kept report, and every link resolves.
    html = (root / "output/index.html").read_text(encoding="utf-8")
    for link in re.findall(r'href="([^"]+)"', html):
        assert (root / "output" / unquote(link)).is_file(), link


def test_removing_a_period_is_explicit(root: Path) -> None:
    code, out, err = build(root, "--period", "2026H1", "--remove-period", "2025H2")
    assert code == 0, out + err
    assert "已从网站中删除：2025H2" in out
    assert index_periods(root / "output") == ["2026年", "2026年上半年", "2025年"]
    assert not (root / "output/2025H2").exists()
    # Removing what is not there says so; building and removing one period is refused.
    code, out, err = build(root, "--period", "2026H1", "--remove-period", "2025H2")
    assert code == 0 and "网站中本来就没有期间 2025H2" in err
    code, out, err = build(root, "--period", "2026H1", "--remove-period", "2026H1")
    assert code == 2 and "不能同时生成又删除" in err


def test_a_corrupt_manifest_keeps_nothing_it_cannot_trust(root: Path) -> None:
    (root / "output/.xfgen-manifest.json").write_text("{not json", encoding="utf-8")
    code, out, err = build(root, "--period", "2026H1")
    assert code == 0, out + err
    assert "其他期间的报告未能保留" in err
    assert index_periods(root / "output") == ["2026年上半年"]


# ---------------------------------------------------------------- incremental PDFs


def rendered(site: Path) -> dict[str, bytes]:
    """Every PDF of the site as rendered, before its build stamp (from the manifest)."""
    pages = json.loads((site / ".xfgen-manifest.json").read_text(encoding="utf-8"))["pages"]
    return {
        pdf: (site / pdf).read_bytes()[:length]
        for record in pages.values()
        for pdf, length in record["outputs"].items()
    }


def web_pages(site: Path) -> dict[str, str]:
    """Every web page, build time and data version taken out."""
    return {
        p.relative_to(site).as_posix(): STAMPS.sub("", p.read_text(encoding="utf-8"))
        for p in sorted(site.rglob("*.html"))
    }


STAMPS = re.compile(r"生成于[^<]*|数据版本 [^<]*")


def test_an_incremental_build_equals_a_full_build(root: Path) -> None:
    case = root / "cases/2026/XF2026-0002.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("路灯损坏", "路灯损坏已久"), encoding="utf-8"
    )
    code, out, err = build(root)
    assert code == 0, out + err
    # The summary of XF2026-0002 (城关镇, 2026H1) shows in the register ledgers of
    # 2026H1 and 2026 and in 城关镇's ledgers of both: 4 PDFs. Each of the 4 periods has
    # 9 PDFs (summary, leaderboard, 3 case ledgers, 3 office-work ledgers, 1 unit ledger),
    # and the current ledgers 2: the other 4 * 9 + 2 - 4 = 34 are reused.
    assert "生成 4 份 PDF，沿用上次未变的 34 份" in err
    assert "其中 34 份 PDF 的内容没有变化" in out
    code, out, err = build(root, "--full", "--out", str(root / "full"))
    assert code == 0, out + err
    assert "沿用" not in err
    incremental, full = root / "output", root / "full"
    assert sorted(tree(incremental)) == sorted(tree(full))
    assert web_pages(incremental) == web_pages(full)
    assert rendered(incremental) == rendered(full)
    assert "路灯损坏已久" in "".join(pdf_text(incremental / "2026H1/register.pdf"))
    # Every PDF, reused or not, carries this build's stamp on its first page.
    for pdf in incremental.rglob("*.pdf"):
        first = pdf_text(pdf)[0]
        assert re.search(
            r"生成于\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d · 数据版本 未纳入 git 版本管理", first
        )
        # and on every other page: a page printed on its own says when it was made
        stamp = re.search(r"生成[^\n·]* · 数据版本 未纳入 git 版本管理", first)
        assert stamp and all(stamp.group(0) in page for page in pdf_text(pdf)), pdf


def test_a_new_xfgen_version_renders_every_pdf_again(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xfgen.site.writer

    monkeypatch.setattr(xfgen.site.writer, "__version__", "99.0")
    code, out, err = build(root, "--period", "2025H2")
    assert code == 0, out + err
    assert "沿用" not in err
    # 2025H2: summary, leaderboard, 3 case ledgers, 3 office-work ledgers, 1 unit ledger;
    # current: 2 ledgers; the index has no PDF.
    assert "已生成 12 个网页、11 份 PDF（2025H2）" in out


def test_a_missing_pdf_is_rendered_again(root: Path) -> None:
    (root / "output/2025H2/summary.pdf").unlink()
    code, out, err = build(root, "--period", "2025H2")
    assert code == 0, out + err
    assert "生成 1 份 PDF，沿用上次未变的 10 份" in err
    # Not a terminal: progress in plain lines, the last one saying all is done. Render 1,
    # 2 stamp overlays, stamp 11.
    assert err.splitlines()[-1] == "PDF：已完成 14/14"
    assert (root / "output/2025H2/summary.pdf").is_file()


def test_two_jobs_make_the_same_site_as_one(root: Path) -> None:
    code, out, err = build(root, "--period", "2025H2", "--full", "--jobs", "1")
    assert code == 0, out + err
    one = rendered(root / "output"), web_pages(root / "output")
    code, out, err = build(root, "--period", "2025H2", "--full", "--jobs", "2", "--quiet")
    assert code == 0, out + err
    assert err == ""  # --quiet: no progress
    assert (rendered(root / "output"), web_pages(root / "output")) == one


# ---------------------------------------------------------------- month parts, office files


def test_a_change_inside_one_month_prints_one_part_again(root: Path) -> None:
    """With parts of one row, 2026H1's register ledger (and 城关镇's, the same rows) is
    cut into its three months (January, March, May). Editing the March case prints the
    March part of each again, and nothing else; the joined ledgers still number their
    pages throughout and read as a full build's do."""
    from test_build import TODAY, check_pdf

    from xfgen.site.build import build_site

    def parts_build(out: Path, full: bool = False) -> None:
        build_site(root, out, date.fromisoformat(TODAY), ["2026H1"], ledger_part_rows=1,
                   full=full)  # fmt: skip

    out, cache = root / "parts", root / ".xfgen-cache/pdf"
    parts_build(out)
    first = {p.name: p.stat().st_ino for p in cache.iterdir()}
    assert len(first) == 6  # 3 parts of the register ledger, 3 of 城关镇's
    workbook = (out / "2026H1/leaderboard.xlsx").stat().st_ino
    case = root / "cases/2026/XF2026-0002.yaml"
    case.write_text(case.read_text(encoding="utf-8").replace("路灯损坏", "路灯损坏已久"),
                    encoding="utf-8")  # fmt: skip
    parts_build(out)
    now = {p.name: p.stat().st_ino for p in cache.iterdir()}
    assert len(set(now) - set(first)) == 2  # March, in both ledgers
    assert {name: now[name] for name in first if name in now} == {
        name: first[name] for name in now if name in first
    }
    # The leaderboard did not change: its workbook is the last site's file (a hard link);
    # the register's workbook was made again and holds the edit.
    assert (out / "2026H1/leaderboard.xlsx").stat().st_ino == workbook
    assert "路灯损坏已久" in unescape(office_text((out / "2026H1/register.xlsx").read_bytes()))
    parts_build(root / "full", full=True)
    for name in ("2026H1/register.pdf", "2026H1/units/城关镇.pdf"):
        check_pdf(out / name, out, "2026-06-30")  # 第 N 页 共 M 页 runs on across the parts
        # Apart from the build stamp, whose minute may differ between the two builds.
        assert unstamped(out / name) == unstamped(root / "full" / name)
        assert "路灯损坏已久" in "".join(pdf_text(out / name))


def unstamped(pdf: Path) -> list[str]:
    return [re.sub(r"生成于[\d年月日: ]+ · 数据版本 \S+", "", page) for page in pdf_text(pdf)]


def test_a_damaged_cached_part_is_printed_again(root: Path) -> None:
    from test_build import TODAY

    from xfgen.site.build import build_site

    out, cache = root / "parts", root / ".xfgen-cache/pdf"
    build_site(root, out, date.fromisoformat(TODAY), ["2026H1"], ledger_part_rows=1)
    for part in cache.iterdir():
        part.write_bytes(part.read_bytes()[:100])  # cut short, as by a full disk
    (out / "2026H1/register.pdf").unlink()  # so that the register is printed again
    build_site(root, out, date.fromisoformat(TODAY), ["2026H1"], ledger_part_rows=1)
    assert len(pdf_text(out / "2026H1/register.pdf")) >= 1
    assert "XF2026-0003" in "".join(pdf_text(out / "2026H1/register.pdf"))


# ---------------------------------------------------------------- pages not rendered again


def cached_pages(root: Path) -> dict[str, int]:
    """The ledger pages kept for a later build (each file written when its page was
    rendered, by name and inode: a page carried over leaves its file as it was)."""
    return {p.name: p.stat().st_ino for p in (root / ".xfgen-cache/pages").glob("*.html")}


# Ledger pages of the small repository: 7 in each of its 4 periods (3 case ledgers,
# 3 office-work ledgers, 1 unit ledger) and the 2 current ledgers.
LEDGER_PAGES = 7 * 4 + 2


def test_a_ledger_whose_inputs_did_not_change_is_not_rendered_again(root: Path) -> None:
    before = cached_pages(root)
    assert len(before) == LEDGER_PAGES
    case = root / "cases/2026/XF2026-0002.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("路灯损坏", "路灯损坏已久"), encoding="utf-8"
    )
    code, out, err = build(root)
    assert code == 0, out + err
    after = cached_pages(root)
    # The summary shows in 4 ledgers (the register ledgers of 2026H1 and 2026, 城关镇's
    # of both): rendered again, each kept under what it is now made from. The other 26
    # were written from the last build's HTML, not rendered.
    assert len(set(after) - set(before)) == 4
    assert {name: after[name] for name in before} == before
    html = (root / "output/2026H1/register.html").read_text(encoding="utf-8")
    assert "路灯损坏已久" in html


def test_a_damaged_kept_page_is_rendered_again(root: Path) -> None:
    before = web_pages(root / "output")
    for page in (root / ".xfgen-cache/pages").glob("*.html"):
        page.write_text("<p>上次的网页</p>", encoding="utf-8")
    code, out, err = build(root)
    assert code == 0, out + err
    assert web_pages(root / "output") == before
    assert len(cached_pages(root)) == LEDGER_PAGES


def test_a_template_of_the_office_renders_every_ledger_again(root: Path) -> None:
    before = cached_pages(root)
    (root / "templates").mkdir()
    (root / "templates/ledger.html").write_bytes(  # written on Windows: CRLF line ends
        '{% extends "!theme/ledger.html" %}\r\n'
        "{% block crumbs %}{{ super() }} › 本办的台账模板\r\n{% endblock %}\r\n".encode()
    )
    code, out, err = build(root)
    assert code == 0, out + err
    assert len(set(cached_pages(root)) - set(before)) == LEDGER_PAGES
    ledgers = [p for p in web_pages(root / "output").items() if '<table class="ledger"' in p[1]]
    assert len(ledgers) == LEDGER_PAGES
    assert all("本办的台账模板" in html for path, html in ledgers)
    # Nothing changed since: every ledger page is carried over, as it was.
    after, pages = cached_pages(root), web_pages(root / "output")
    code, out, err = build(root)
    assert code == 0, out + err
    assert cached_pages(root) == after
    assert web_pages(root / "output") == pages


def test_new_secrets_render_every_ledger_again(root: Path) -> None:
    """A page carried over is not scanned again: only while the guard looks for the same
    secrets as when it was rendered."""
    before, pages = cached_pages(root), web_pages(root / "output")
    case = root / "cases/2025/XF2025-0001.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "notes: 内部备注：来电已核实\n",
                    encoding="utf-8")  # fmt: skip
    code, out, err = build(root)
    assert code == 0, out + err
    assert len(set(cached_pages(root)) - set(before)) == LEDGER_PAGES
    assert web_pages(root / "output") == pages

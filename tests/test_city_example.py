"""The example's roll-up (examples/city) built as its README says: the example county exports
itself into the city's folder, the city builds its site. Two periods are built (a half year
and the year, whose summary has the table of its halves); every file of the site is read
back and scanned for the petitioners of all three offices."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE_TODAY, REPO_ROOT, built_once, copy_example_data

from xfgen.site.guard import office_text

CITY = REPO_ROOT / "examples" / "city"
PERIODS = ("2026H1", "2026")
XFGEN = str(Path(sys.executable).with_name("xfgen"))


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [XFGEN, "--today", EXAMPLE_TODAY, *args],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The example city, built once per session (shared by the pytest-xdist workers)."""
    return built_once(tmp_path_factory, worker_id, "example-city", _build)


def _build(folder: Path) -> Path:
    county = folder / "pingan"
    copy_example_data(county)
    root = folder / "city"
    shutil.copytree(CITY, root, ignore=shutil.ignore_patterns("exports", "output*", ".xfgen-cache"))
    done = cli(county, "export", "--format", "parquet", "--out", str(root / "exports/pingan"))
    assert done.returncode == 0, done.stdout + done.stderr
    done = cli(root, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    args = [arg for period in PERIODS for arg in ("--period", period)]
    done = cli(root, "build", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def members() -> list[dict[str, str]]:
    return yaml.safe_load((CITY / "xfgen.yaml").read_text("utf-8"))["rollup"]["offices"]


def office_roots() -> list[Path]:
    """The three offices' records: the county at the repository's root and each office the
    city reads in place."""
    return [REPO_ROOT, *(CITY / m["path"] for m in members() if "path" in m)]


def personal_values() -> tuple[set[str], set[str]]:
    """(names, numbers) of every petitioner of every office; names that an official of any
    office also bears (a leader, a supervising office, an activity's leader) are left out,
    since officials are named in the ledgers and may share a petitioner's name."""
    names: set[str] = set()
    numbers: set[str] = set()
    officials: set[str] = set()
    for root in office_roots():
        for path in (root / "cases").rglob("*.yaml"):
            record = yaml.safe_load(path.read_text("utf-8"))
            petitioner = record.get("petitioner") or {}
            if petitioner.get("name"):
                names.add(petitioner["name"])
            for key in ("phone", "id_number"):
                if petitioner.get(key):
                    numbers.add(re.sub(r"\D", "", str(petitioner[key])))
            officials.add(record.get("leader") or "")
            officials.update(entry["by"] for entry in record.get("supervision", []))
        for path in (root / "activities").rglob("*.yaml"):
            officials.add(yaml.safe_load(path.read_text("utf-8"))["leader"])
    shared = {name for name in names for official in officials if name in official}
    return names - shared, numbers


def site_texts(site: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".pdf":
            texts[rel] = subprocess.run(
                ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
        elif path.suffix in (".xlsx", ".docx"):
            texts[rel] = html.unescape(office_text(path.read_bytes()))
        else:
            texts[rel] = path.read_text("utf-8", errors="replace")
    return texts


def test_the_example_city_site_holds_no_petitioner_data(city: Path) -> None:
    texts = site_texts(city / "output")
    kinds = {rel.rsplit(".", 1)[-1] for rel in texts}
    assert {"html", "pdf", "docx", "xlsx"} <= kinds
    names, numbers = personal_values()
    assert len(names) > 100 and len(numbers) > 100  # the scan has something to look for
    found = []
    for rel, text in texts.items():
        digits = re.sub(r"\D", "", text)
        found += [(rel, name) for name in names if name in text]
        found += [(rel, number) for number in numbers if len(number) >= 7 and number in digits]
        found += [
            (rel, "masked") for _ in re.finditer(r"\*\*\*\*|[\u4e00-\u9fff]\*{1,2}(?![*\w])", text)
        ]
    assert found == []


def test_the_example_city_names_and_links_every_office(city: Path) -> None:
    index = (city / "output/index.html").read_text("utf-8")
    summary = (city / "output/2026/summary.html").read_text("utf-8")
    listed = members()
    assert len(listed) == 3
    for member in listed:
        root = REPO_ROOT if "export" in member else CITY / member["path"]
        name = yaml.safe_load((root / "xfgen.yaml").read_text("utf-8"))["office"]
        assert f'<a href="{member["site"]}">{name}</a>' in index
        assert name in summary  # ranked, or listed apart, and in the table of offices
    for period in PERIODS:
        for page in ("summary.pdf", "summary.docx", "backlog.xlsx", "supervision.pdf"):
            assert (city / "output" / period / page).is_file()
    text = re.sub(r"<[^>]+>|\s+", "", summary)
    assert "全市共登记信访事项" in text and "上半年与下半年对比" in text

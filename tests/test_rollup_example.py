"""The city example (examples/city, DOMAIN.md "Roll-up"): the committed offices are what
scripts/make_example.py --city writes, each passes `xfgen check` as a user runs it, and the
roll-up passes once the example county's export is in place. No site is built here."""

from __future__ import annotations

import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE_TODAY, REPO_ROOT

CITY = REPO_ROOT / "examples" / "city"
OFFICES = {"hekou": "河口县信访局", "qingshui": "清水县信访局"}
XFGEN = str(Path(sys.executable).parent / "xfgen")


def xfgen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed `xfgen` command, typed in `cwd`, on the example's day."""
    return subprocess.run(
        [XFGEN, "--today", EXAMPLE_TODAY, *args], cwd=cwd, capture_output=True, text=True
    )


def data_files(city: Path) -> dict[str, bytes]:
    """The city's configuration and its offices' data (not caches or outputs)."""
    data = re.compile(r"xfgen\.yaml|offices/[^/]+/(xfgen\.yaml|(cases|activities)/.+\.yaml)")
    return {
        p.relative_to(city).as_posix(): p.read_bytes()
        for p in sorted(city.rglob("*"))
        if p.is_file() and data.fullmatch(p.relative_to(city).as_posix())
    }


def test_the_city_lists_the_county_export_and_two_offices() -> None:
    config = yaml.safe_load((CITY / "xfgen.yaml").read_text(encoding="utf-8"))
    site = "http://intranet.example.invalid"
    assert config["office"] == "平安市信访局"
    assert config["rollup"]["offices"] == [
        {"export": "exports/pingan", "site": f"{site}/pingan/"},
        {"path": "offices/hekou", "site": f"{site}/hekou/"},
        {"path": "offices/qingshui", "site": f"{site}/qingshui/"},
    ]
    assert config["leaderboard"] == {"min_cases": 3}
    for folder, name in OFFICES.items():
        office = yaml.safe_load((CITY / "offices" / folder / "xfgen.yaml").read_text("utf-8"))
        assert office["office"] == name
    calendars = {
        folder: yaml.safe_load((CITY / "offices" / folder / "xfgen.yaml").read_text("utf-8"))[
            "deadlines"
        ]["calendar"]
        for folder in OFFICES
    }
    assert calendars == {"hekou": "natural", "qingshui": "workdays"}


def test_the_committed_city_is_what_the_generator_writes(tmp_path: Path) -> None:
    maker = runpy.run_path(str(REPO_ROOT / "scripts" / "make_example.py"), run_name="_city")
    maker["write_city"](tmp_path)
    written = data_files(tmp_path)
    assert len(written) > 400  # two offices' cases and activities
    assert written == data_files(CITY)


@pytest.mark.parametrize("folder", sorted(OFFICES))
def test_each_example_office_passes_check(folder: str, tmp_path: Path) -> None:
    office = tmp_path / folder  # a copy: the check's cache stays out of the repository
    shutil.copytree(CITY / "offices" / folder, office, ignore=shutil.ignore_patterns(".xfgen*"))
    done = xfgen(office, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.endswith("全部通过。\n") and "Traceback" not in done.stderr


def test_the_city_passes_check_with_the_county_export(tmp_path: Path) -> None:
    city = tmp_path / "city"
    shutil.copytree(CITY, city, ignore=shutil.ignore_patterns("exports", "output*", ".xfgen*"))
    export = xfgen(
        REPO_ROOT, "export", "--format", "parquet", "--out", str(city / "exports/pingan")
    )
    assert export.returncode == 0, export.stdout + export.stderr
    done = xfgen(city, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "共检查 3 个单位" in done.stdout and done.stdout.endswith("全部通过。\n")

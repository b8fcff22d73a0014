"""The benchmark's generated archive is valid data (its speed is measured in benchmarks/)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from xfgen.cli import main

BENCH_DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data.py"


def test_generated_cases_pass_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("bench_data", BENCH_DATA)
    assert spec is not None and spec.loader is not None
    data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(data)
    written = data.write_project(tmp_path, {2025: 30, 2026: 30})
    assert written == 60 == len(list((tmp_path / "cases").rglob("*.yaml")))
    with pytest.raises(SystemExit) as done:
        main(["-C", str(tmp_path), "--today", data.TODAY.isoformat(), "check"])
    out, err = capsys.readouterr()
    assert done.value.code == 0, out + err
    assert "共检查 60 个文件，全部通过。" in out


def test_the_smaller_county_with_office_work_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """make bench's one-edit row on a county of two years with office work: the
    example's generator, run for fewer cases, gives valid data with activities."""
    spec = importlib.util.spec_from_file_location("bench_data", BENCH_DATA)
    assert spec is not None and spec.loader is not None
    data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(data)
    root = tmp_path / "office"
    assert data.write_office_project(root, {2025: 40, 2026: 35}, {2025: 6, 2026: 5}) == 75
    assert len(list((root / "activities").rglob("*.yaml"))) == 11
    assert (root / ".git").is_dir()
    with pytest.raises(SystemExit) as done:
        main(["-C", str(root), "--today", data.TODAY.isoformat(), "check"])
    out, err = capsys.readouterr()
    assert done.value.code == 0, out + err
    assert "共检查 86 个文件，全部通过。" in out


def test_generated_province_is_a_valid_roll_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(BENCH_DATA.parent.parent))
    from benchmarks.rollup_data import write_province

    assert write_province(tmp_path, offices=2, per_year=30) == 120
    with pytest.raises(SystemExit) as done:
        main(["-C", str(tmp_path), "--today", "2026-11-20", "check"])
    out, err = capsys.readouterr()
    assert done.value.code == 0, out + err
    assert out == "共检查 2 个单位的 4 个文件，全部通过。\n"

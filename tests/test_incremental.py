"""The fast loop: one period without losing the rest, incremental rebuilds, --jobs.

One small repository (a few cases in 2025H2 and 2026H1, one unit) is built
with real WeasyPrint PDFs; each test works on its own copy of the built
repository (copying is cheap, building is not).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import Repo
from test_build import build, tree

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

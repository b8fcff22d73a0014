"""xfgen new: the next free id, a skeleton that check reads, never an overwrite."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from conftest import VALID_CASE, Repo
from test_cli import run

from xfgen.commands.new import next_id
from xfgen.records.validation import CASE_FIELDS, load_project
from xfgen.records.writer import record_yaml


@pytest.mark.parametrize(
    ("ids", "year", "expected"),
    [
        # the year's own pattern: highest number + 1, same width
        (["XF2026-0001", "XF2026-0009", "XF2025-0312"], 2026, "XF2026-0010"),
        # the most common pattern of the year wins over a stray id
        (["PA-2026-001", "PA-2026-002", "X2026-7"], 2026, "PA-2026-003"),
        # a new year follows the latest earlier year's pattern, from 1
        (["XF2024-0050", "XF2025-0312"], 2026, "XF2026-0001"),
        (["xfb2025-01"], 2026, "xfb2026-01"),
        # ids without a year keep counting
        (["C-007", "C-012"], 2026, "C-013"),
        # nothing yet
        ([], 2026, "XF2026-0001"),
        # a taken id (ignoring letter case) is skipped
        (["xf2026-0002", "XF2025-0001"], 2026, "xf2026-0003"),
    ],
)
def test_next_id(ids: list[str], year: int, expected: str) -> None:
    assert next_id(ids, year) == expected


def test_new_skeleton_lists_what_is_left(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.case(VALID_CASE)  # XF2026-0001
    code, out, err = run(
        capsys, "-C", str(repo.root), "--today", "2026-11-25", "new",
        "--channel", "来访", "--unit", "城关镇", "--people", "6", "--summary", "反映: 补偿款",
    )  # fmt: skip
    path = repo.root / "cases" / "2026" / "XF2026-0002.yaml"
    assert (code, out) == (0, f"{path}\n")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:4] == [
        "id: XF2026-0002",
        "received: 2026-11-25",
        "channel: 来访",
        "source:         # 必填，来源，可选：本级受理 | 上级交办 | 上级转送",
    ]
    assert 'summary: "反映: 补偿款"' in lines  # a colon and space would break plain YAML
    assert "# leader:       # 包案领导：可选" in lines
    assert "#   name:       # 姓名" in lines
    # every optional field is there, commented out
    for spec in CASE_FIELDS:
        assert any(line.startswith((f"{spec.name}:", f"# {spec.name}:")) for line in lines)

    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "check")
    assert code == 1
    assert out.splitlines() == [
        "cases/2026/XF2026-0002.yaml:4:1: source: 必填项 source（来源）还没有填写。",
        "cases/2026/XF2026-0002.yaml:8:1: kind: 必填项 kind（事项性质）还没有填写。",
        "cases/2026/XF2026-0002.yaml:9:1: category: 必填项 category（问题类别）还没有填写。",
        "共检查 2 个文件：1 个文件有问题，共 3 处。",
    ]

    # filled in, and an optional line uncommented, it passes
    filled = (
        text.replace("source: ", "source: 本级受理 ", 1)
        .replace("kind: ", "kind: 申诉求决类 ", 1)
        .replace("category: ", "category: 城乡建设/征地拆迁 ", 1)
        .replace("# leader:       #", "leader: 李明 #", 1)
    )
    path.write_text(filled, encoding="utf-8")
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "check")
    assert (code, out) == (0, "共检查 2 个文件，全部通过。\n")
    case = next(
        c for c in load_project(repo.root, date(2026, 11, 25)).cases if c.id == "XF2026-0002"
    )
    assert (case.people, case.leader, case.summary) == (6, "李明", "反映: 补偿款")


def test_new_in_an_earlier_year_and_first_of_year(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("cases/2025/XF2025-0312.yaml", "id: XF2025-0312\n")
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-01-02", "new")
    assert (code, out.strip()) == (0, str(repo.root / "cases/2026/XF2026-0001.yaml"))
    code, out, _ = run(
        capsys, "-C", str(repo.root), "--today", "2026-01-02", "new", "--received", "2025-12-30"
    )
    assert (code, out.strip()) == (0, str(repo.root / "cases/2025/XF2025-0313.yaml"))


def test_new_refuses_bad_values_and_writes_nothing(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("-C", str(repo.root), "--today", "2026-11-25", "new")
    code, out, err = run(capsys, *args, "--unit", "城关", "--kind", "乱写")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "错误：没有新建文件，因为：",
        "--kind: “乱写” 不是可用的事项性质。可用的值：建议意见类、检举控告类、申诉求决类。",
        "--unit: “城关” 不是可用的责任单位。你是不是想写 “城关镇”？"
        "可用的值：城关镇、河口镇、县人社局（在 xfgen.yaml 中配置）。",
    ]
    code, _, err = run(capsys, *args, "--received", "2026-11-26")
    assert code == 2 and "晚于今天（2026-11-25）" in err
    code, _, err = run(capsys, *args, "--repeat-of", "XF2020-0001")
    assert code == 2 and "找不到编号为 XF2020-0001 的事项" in err
    assert list((repo.root / "cases").iterdir()) == []


def test_new_never_overwrites(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # A dangling link named like the next id: the id is taken, and the link is left alone.
    (repo.root / "cases" / "2026").mkdir()
    (repo.root / "cases" / "2026" / "XF2026-0001.yaml").symlink_to("elsewhere.yaml")
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "new")
    assert (code, out.strip()) == (0, str(repo.root / "cases/2026/XF2026-0002.yaml"))
    assert not (repo.root / "cases" / "2026" / "elsewhere.yaml").exists()


def test_writer_round_trips_a_full_case(repo: Repo) -> None:
    """What an importer relies on: values in, the same case out of the loader."""
    values = yaml.safe_load(VALID_CASE)
    values["summary"] = "yes"  # YAML 1.1 would read this unquoted as true
    values["leader"] = "#1 李明"
    text = record_yaml(CASE_FIELDS, values, {}, skeleton=False)
    assert "# " not in text.replace("#1", "")  # nothing commented out without the skeleton
    repo.write("cases/2026/XF2026-0001.yaml", text)
    (case,) = load_project(repo.root, date(2026, 11, 25)).cases
    assert (case.summary, case.leader, case.petitioner.phone) == ("yes", "#1 李明", "13800001234")
    assert case.notes == "内部备注\n" and case.progress[0].note == "交城关镇办理"
    assert case.review is not None and case.review.result == "维持"


def test_new_activity(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("activities/2026/HD2026-0007.yaml", "id: HD2026-0007\n")
    code, out, _ = run(
        capsys, "-C", str(repo.root), "--today", "2026-11-25", "new", "activity",
        "--leader", "张伟（县长）", "--kind", "接访", "--batches", "3", "--people", "11",
    )  # fmt: skip
    path = repo.root / "activities" / "2026" / "HD2026-0008.yaml"
    assert (code, out) == (0, f"{path}\n")
    assert path.read_text(encoding="utf-8").splitlines()[:5] == [
        "id: HD2026-0008",
        "date: 2026-11-25",
        "kind: 接访",
        "leader: 张伟（县长）",
        "level:          # 必填，领导层级，可选：县级领导 | 乡镇领导 | 部门领导",
    ]
    (repo.root / "activities" / "2026" / "HD2026-0007.yaml").unlink()
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "check")
    assert out.splitlines() == [
        "activities/2026/HD2026-0008.yaml:5:1: level: 必填项 level（领导层级）还没有填写。",
        "共检查 1 个文件：1 个文件有问题，共 1 处。",
    ]
    code, _, err = run(capsys, "-C", str(repo.root), "new", "activity", "--level", "省级")
    assert code == 2 and "--level: “省级” 不是可用的领导层级" in err

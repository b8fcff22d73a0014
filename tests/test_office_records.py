"""Activity files and supervision on cases: read and checked like case files (DOMAIN.md "Office work")."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import CONFIG, TODAY, VALID_CASE, Repo
from test_cli import run

from xfgen.errors import ConfigError
from xfgen.records.models import Activity, Supervision
from xfgen.records.validation import load_project

VALID_ACTIVITY = """\
id: HD2026-0001
date: 2026-03-02
kind: 接访
leader: 张伟（县长）
level: 县级领导
batches: 3
people: 11
cases: [XF2026-0001]
place: 县群众来访接待中心
summary: 集中接待征地补偿问题来访群众
notes: |
  内部备注：活动备注
"""

SUPERVISION = """\
supervision:
  - date: 2026-01-20
    by: 市信访局
    kind: 督办
  - date: 2026-02-01
    by: 市委督查室
    kind: 挂牌督办
"""


def activity(repo: Repo, text: str = VALID_ACTIVITY, name: str = "HD2026-0001") -> None:
    repo.write(f"activities/2026/{name}.yaml", text)


def problems(repo: Repo, today: date = TODAY) -> list[str]:
    return [str(p) for p in load_project(repo.root, today).problems]


def test_valid_activity_is_read_completely(repo: Repo) -> None:
    repo.case(VALID_CASE)
    activity(repo)
    project = load_project(repo.root, TODAY)
    assert project.problems == ()
    assert project.files == 2
    assert project.activities == (
        Activity(
            id="HD2026-0001",
            path="activities/2026/HD2026-0001.yaml",
            date=date(2026, 3, 2),
            kind="接访",
            leader="张伟（县长）",
            level="县级领导",
            batches=3,
            people=11,
            cases=("XF2026-0001",),
            place="县群众来访接待中心",
            summary="集中接待征地补偿问题来访群众",
            notes="内部备注：活动备注\n",
        ),
    )


def test_minimal_activity(repo: Repo) -> None:
    activity(
        repo,
        "id: HD2026-0001\ndate: 2026-03-02\nkind: 下访\nleader: 李强（县委书记）\n"
        "level: 县级领导\nbatches: 0\npeople: 0\n",
    )
    (found,) = load_project(repo.root, TODAY).activities
    assert (found.batches, found.people, found.cases, found.place, found.summary) == (
        0,
        0,
        (),
        None,
        None,
    )


def test_a_petitioner_field_is_refused_with_file_and_line(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    activity(repo, VALID_ACTIVITY + "petitioner:\n  name: 王某某\n  phone: '13800001234'\n")
    repo.case(VALID_CASE)
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "check")
    assert code == 1
    assert out.splitlines() == [
        "activities/2026/HD2026-0001.yaml:13:1: petitioner: 领导接访记录不能填写信访人信息：请删除这一项。"
        "信访人信息只写在事项文件中，活动与事项的关联用 cases 填写事项编号。",
        "共检查 2 个文件：1 个文件有问题，共 1 处。",
    ]


def test_unknown_and_missing_keys_all_at_once(repo: Repo) -> None:
    activity(repo, "id: HD2026-0001\ndate: 2026-03-02\nleadr: 张伟\nphone: '138'\n")
    assert problems(repo) == [
        "activities/2026/HD2026-0001.yaml:1:1: batches: 缺少必填项 batches（批次）。",
        "activities/2026/HD2026-0001.yaml:1:1: kind: 缺少必填项 kind（形式）。",
        "activities/2026/HD2026-0001.yaml:1:1: leader: 缺少必填项 leader（领导）。",
        "activities/2026/HD2026-0001.yaml:1:1: level: 缺少必填项 level（领导层级）。",
        "activities/2026/HD2026-0001.yaml:1:1: people: 缺少必填项 people（人次）。",
        "activities/2026/HD2026-0001.yaml:3:1: leadr: 未知的项 “leadr”。你是不是想写 leader？",
        "activities/2026/HD2026-0001.yaml:4:1: phone: 未知的项 “phone”。可用的项：id、date、kind、"
        "leader、level、batches、people、cases、place、summary、notes。",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("kind: 接访", "kind: 座谈"),
            "3:7: kind: “座谈” 不是可用的形式。可用的值：接访、下访、约访（在 xfgen.yaml 中配置）。",
        ),
        (
            ("level: 县级领导", "level: 市级领导"),
            "5:8: level: “市级领导” 不是可用的领导层级。你是不是想写 “县级领导”？"
            "可用的值：县级领导、乡镇领导、部门领导（在 xfgen.yaml 中配置）。",
        ),
        (("batches: 3", "batches: -1"), "6:10: batches: 批次应为整数，现在是 “-1”。"),
        (("batches: 3", "batches: 2.5"), "6:10: batches: 批次应为整数，现在是 “2.5”。"),
        (("people: 11", "people: 100001"), "7:9: people: 人次不能大于 100000，现在是 100001。"),
        (("people: 11", "people: 2"), "7:9: people: 人次 2 少于批次 3：每批至少一人次。"),
        (
            ("date: 2026-03-02", "date: 2026-02-30"),
            "2:7: date: 日期 2026-02-30 不存在，请检查年、月、日。",
        ),
        (
            ("date: 2026-03-02", "date: 2026-11-26"),
            "2:7: date: 日期 2026-11-26 晚于今天（2026-11-25），不能填写将来的日期。",
        ),
        (
            ("cases: [XF2026-0001]", "cases: [XF2026-0009]"),
            "8:9: cases[1]: 找不到编号为 XF2026-0009 的事项：cases 应填已登记事项的编号。",
        ),
        (
            ("cases: [XF2026-0001]", "cases: [XF2026-0001, XF2026-0001]"),
            "8:22: cases[2]: 事项编号 XF2026-0001 重复填写。",
        ),
        (("cases: [XF2026-0001]", "cases: XF2026-0001"), "8:8: cases: 涉及事项应当是一个列表，每项以“- ”开头。"),
        (("place: 县群众来访接待中心", "place: |\n  一\n  二"), "9:8: place: 地点只能写一行。"),
        (("leader: 张伟（县长）", "leader: 2026"), "4:9: leader: 值 2026 会被 YAML 当作数字，"
         '领导应是文字：请加引号，写成 leader: "2026"。'),
        (("id: HD2026-0001", "id: HD2026-0002"),
         "1:5: id: 编号 “HD2026-0002” 与文件名 “HD2026-0001.yaml” 不一致：文件名应为 HD2026-0002.yaml。"),
        (("id: HD2026-0001", "id: HD 1"), "1:5: id: 编号 “HD 1” 只能包含英文字母、数字和“-”。"),
    ],
)  # fmt: skip
def test_activity_fields(repo: Repo, change: tuple[str, str], expected: str) -> None:
    repo.case(VALID_CASE)
    activity(repo, VALID_ACTIVITY.replace(*change))
    assert problems(repo) == [f"activities/2026/HD2026-0001.yaml:{expected}"]


def test_cases_must_be_received_on_or_before_the_activity(repo: Repo) -> None:
    repo.case(VALID_CASE)  # received 2026-01-05
    activity(repo, VALID_ACTIVITY.replace("date: 2026-03-02", "date: 2026-01-05"))
    assert problems(repo) == []  # the same day is fine
    activity(repo, VALID_ACTIVITY.replace("date: 2026-03-02", "date: 2026-01-04"))
    assert problems(repo) == [
        "activities/2026/HD2026-0001.yaml:8:9: cases[1]: 事项 XF2026-0001 的登记日期 2026-01-05 "
        "晚于本次活动日期 2026-01-04：只能关联此前已登记的事项。"
    ]


def test_cases_may_name_a_case_that_has_other_problems(repo: Repo) -> None:
    """The link is checked against every case file read; the case's own problems are its own."""
    repo.case(VALID_CASE.replace("outcome: 解决\n", ""))
    activity(repo)
    assert [p.split(": ", 1)[0] for p in problems(repo)] == ["cases/2026/XF2026-0001.yaml:1:1"]
    repo.case(VALID_CASE.replace("channel: 来访", "channel: 来仿"))  # unreadable now
    assert [p.split(": ", 1)[0] for p in problems(repo)] == ["cases/2026/XF2026-0001.yaml:3:10"]


def test_dates_before_1950_are_errors(repo: Repo) -> None:
    text = VALID_ACTIVITY.replace("cases: [XF2026-0001]\n", "")
    activity(repo, text.replace("date: 2026-03-02", "date: 1949-12-31"))
    assert problems(repo) == [
        "activities/2026/HD2026-0001.yaml:2:7: date: 日期 1949-12-31 早于 1950 年，请检查年份。"
    ]


def test_activity_ids_are_unique_ignoring_case(repo: Repo) -> None:
    repo.case(VALID_CASE)
    activity(repo)
    repo.write(
        "activities/2025/hd2026-0001.yaml",
        VALID_ACTIVITY.replace("id: HD2026-0001", "id: hd2026-0001").replace(
            "cases: [XF2026-0001]\n", ""
        ),
    )
    project = load_project(repo.root, TODAY)
    assert [str(p) for p in project.problems] == [
        "activities/2026/HD2026-0001.yaml:1:5: id: 编号 HD2026-0001 重复："
        "activities/2025/hd2026-0001.yaml 已使用这个编号（不区分大小写）。"
    ]
    assert [a.id for a in project.activities] == ["hd2026-0001"]


def test_activities_sorted_by_date_then_id(repo: Repo) -> None:
    text = VALID_ACTIVITY.replace("cases: [XF2026-0001]\n", "")
    activity(repo, text.replace("0001", "0003"), "HD2026-0003")
    activity(repo, text.replace("0001", "0002").replace("03-02", "01-02"), "HD2026-0002")
    activity(repo, text)
    assert [a.id for a in load_project(repo.root, TODAY).activities] == [
        "HD2026-0002",
        "HD2026-0001",
        "HD2026-0003",
    ]


def test_a_broken_activity_file_is_a_problem_not_a_crash(repo: Repo) -> None:
    activity(repo, "id: [unclosed\n")
    repo.write("activities/2026/b.yaml", "- a\n- list\n")
    found = problems(repo)
    assert [p.split(":")[0] for p in found] == [
        "activities/2026/HD2026-0001.yaml",
        "activities/2026/b.yaml",
    ]
    assert found[1].endswith("(文件): 这里应当是“键: 值”形式的一组内容。")


# ---------------------------------------------------------------- supervision


def test_supervision_is_read(repo: Repo) -> None:
    repo.case(VALID_CASE.replace("notes: |", SUPERVISION + "notes: |"))
    (case,) = load_project(repo.root, TODAY).cases
    assert case.supervision == (
        Supervision(date(2026, 1, 20), "市信访局", "督办"),
        Supervision(date(2026, 2, 1), "市委督查室", "挂牌督办"),
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("date: 2026-01-20", "date: 2026-01-04"),
         "38:11: supervision[1].date: 督办日期 2026-01-04 早于登记日期 2026-01-05。"),
        (("date: 2026-02-01", "date: 2026-01-19"),
         "41:11: supervision[2].date: 督办日期 2026-01-19 早于上一条督办的 2026-01-20：请按时间顺序填写。"),
        (("date: 2026-02-01", "date: 2026-11-26"),
         "41:11: supervision[2].date: 日期 2026-11-26 晚于今天（2026-11-25），不能填写将来的日期。"),
        (("kind: 挂牌督办", "kind: 专项督办"),
         "43:11: supervision[2].kind: “专项督办” 不是可用的督办类型。你是不是想写 “督办”？"
         "可用的值：督办、挂牌督办（在 xfgen.yaml 中配置）。"),
        (("    by: 市信访局\n", ""), "38:5: supervision[1].by: 缺少必填项 by（督办单位）。"),
        (("    by: 市信访局\n", "    by: 市信访局\n    note: 限期办结\n"),
         "40:5: supervision[1].note: 未知的项 “note”。可用的项：date、by、kind。"),
    ],
)  # fmt: skip
def test_supervision_fields(repo: Repo, change: tuple[str, str], expected: str) -> None:
    repo.case(VALID_CASE.replace("notes: |", SUPERVISION.replace(*change) + "notes: |"))
    assert problems(repo) == [f"cases/2026/XF2026-0001.yaml:{expected}"]


def test_same_day_supervision_entries_are_fine(repo: Repo) -> None:
    text = SUPERVISION.replace("2026-02-01", "2026-01-20")
    repo.case(VALID_CASE.replace("notes: |", text + "notes: |"))
    assert problems(repo) == []


# ---------------------------------------------------------------- configuration


def test_configuration_without_the_new_keys_uses_the_defaults(repo: Repo) -> None:
    config = load_project(repo.root, TODAY).config
    assert config.activity_kinds == ("接访", "下访", "约访")
    assert config.leader_levels == ("县级领导", "乡镇领导", "部门领导")
    assert config.supervision_kinds == ("督办", "挂牌督办")


def test_configured_lists_replace_the_defaults(repo: Repo) -> None:
    repo.write(
        "xfgen.yaml",
        CONFIG
        + "activity_kinds: [接访, 下访, 约访, 包联走访]\nleader_levels: [市级领导, 县级领导]\n"
        "supervision_kinds: [交办督办, 挂牌督办]\n",
    )
    repo.case(VALID_CASE.replace("notes: |", SUPERVISION + "notes: |"))
    activity(repo, VALID_ACTIVITY.replace("kind: 接访", "kind: 包联走访"))
    config = load_project(repo.root, TODAY).config
    assert config.activity_kinds[-1] == "包联走访"
    assert config.leader_levels == ("市级领导", "县级领导")
    assert problems(repo) == [
        "cases/2026/XF2026-0001.yaml:40:11: supervision[1].kind: “督办” 不是可用的督办类型。"
        "你是不是想写 “挂牌督办”？可用的值：交办督办、挂牌督办（在 xfgen.yaml 中配置）。"
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("leader_levels: []\n", "xfgen.yaml:7:16: leader_levels: leader_levels 至少要有一个值。"),
        ("activity_kinds: [接访, 接访]\n", "xfgen.yaml:7:22: activity_kinds: activity_kinds 中有重复的值 “接访”。"),
        ("supervision_kinds: 督办\n", "xfgen.yaml:7:20: supervision_kinds: 督办类型列表应当是一个列表，每项以“- ”开头。"),
    ],
)  # fmt: skip
def test_bad_office_lists_are_configuration_errors(repo: Repo, extra: str, expected: str) -> None:
    repo.write("xfgen.yaml", CONFIG + extra)
    with pytest.raises(ConfigError) as failed:
        load_project(repo.root, TODAY)
    assert [str(p) for p in failed.value.problems] == [expected]

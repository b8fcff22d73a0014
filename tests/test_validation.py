"""Each field and consistency rule of DOMAIN.md, on real files in a temporary repository."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY, VALID_CASE, Repo

from xfgen.errors import ConfigError
from xfgen.records.validation import load_project


def problems(repo: Repo, today: date = TODAY) -> list[str]:
    return [str(p) for p in load_project(repo.root, today).problems]


def with_changes(*changes: tuple[str, str]) -> str:
    text = VALID_CASE
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return text


def only(repo: Repo, text: str) -> str:
    repo.case(text)
    found = problems(repo)
    assert len(found) == 1, found
    return found[0]


def test_valid_case_is_read_completely(repo: Repo) -> None:
    repo.case(VALID_CASE)
    project = load_project(repo.root, TODAY)
    assert project.problems == ()
    (case,) = project.cases
    assert case.received == date(2026, 1, 5)
    assert case.people == 6 and case.skip_level is False
    assert case.petitioner.phone == "13800001234"
    assert case.extension is not None and case.extension.days == 30
    assert case.progress[0].action == "交办"
    assert case.recheck is not None and case.recheck.result == "维持"
    assert case.path == "cases/2026/XF2026-0001.yaml"


def test_minimal_case_gets_defaults(repo: Repo) -> None:
    repo.case("""\
        id: XF2026-0002
        received: 2026-03-01
        channel: 来信
        source: 上级交办
        kind: 建议意见类
        category: 劳动社保/工资拖欠
        summary: 建议
        """)
    (case,) = load_project(repo.root, TODAY).cases
    assert (case.people, case.skip_level, case.satisfaction, case.accepted) == (
        1,
        False,
        "未评价",
        None,
    )


def test_unknown_key_suggests_the_near_miss(repo: Repo) -> None:
    repo.case(with_changes(("received:", "recieved:")))
    assert problems(repo) == [
        "cases/2026/XF2026-0001.yaml:1:1: received: 缺少必填项 received（登记日期）。",
        "cases/2026/XF2026-0001.yaml:2:1: recieved: 未知的项 “recieved”。你是不是想写 received？",
    ]


def test_unknown_nested_key(repo: Repo) -> None:
    message = only(repo, with_changes(("  days: 30", "  day: 30\n  days: 30")))
    assert message.startswith(
        "cases/2026/XF2026-0001.yaml:19:3: extension.day: 未知的项 “day”。你是不是想写 days？"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("id: XF2026-0001", "id: 0012"), "1:5: id: 值 0012 会被 YAML 当作数字"),
        (
            ("skip_level: false", "skip_level: no"),
            "6:13: skip_level: 是否越级应为 true（是）或 false（否）",
        ),
        (
            ('phone: "13800001234"', "phone: 13800001234"),
            "12:10: petitioner.phone: 值 13800001234 会被 YAML 当作数字，电话应是文字：请加引号",
        ),
        (
            ("summary: 反映征地补偿款未足额发放", "summary: no"),
            "9:10: summary: 值 no 会被 YAML 当作是/否",
        ),
        (("people: 6", "people: 0"), "5:9: people: 人数不能小于 1"),
        (("people: 6", 'people: "6"'), "5:9: people: 人数应为整数（不要加引号）"),
        (("people: 6", "people: 六"), "5:9: people: 人数应为整数"),
        (
            ("accepted: 2026-01-08", "accepted: 2026-02-30"),
            "17:11: accepted: 日期 2026-02-30 不存在",
        ),
        (
            ("received: 2026-01-05", "received: 2026/1/5"),
            "2:11: received: 登记日期应写成 YYYY-MM-DD 格式",
        ),
        (
            ("channel: 来访", "channel: 来仿"),
            "3:10: channel: “来仿” 不是可用的信访形式。你是不是想写 “来访”？",
        ),
        (("kind: 申诉求决类", "kind: 申诉类"), "7:7: kind: “申诉类” 不是可用的事项性质"),
        (("unit: 城关镇", "unit: 城关"), "15:7: unit: “城关” 不是可用的责任单位"),
        (
            ("category: 城乡建设/征地拆迁", "category: 征地拆迁"),
            "8:11: category: “征地拆迁” 不是可用的问题类别",
        ),
        (("outcome: 解决", "outcome: 已解决"), "27:10: outcome: “已解决” 不是可用的办理结果"),
        (
            ("satisfaction: 满意", "satisfaction: 很满意"),
            "28:15: satisfaction: “很满意” 不是可用的满意度",
        ),
        (
            ("result: 维持\nrecheck", "result: 驳回\nrecheck"),
            "32:11: review.result: “驳回” 不是可用的结果",
        ),
        (
            ("summary: 反映征地补偿款未足额发放", "summary: |\n  第一行\n  第二行"),
            "9:10: summary: 事由摘要只能写一行",
        ),
        (
            (
                '  name: 王某某\n  phone: "13800001234"\n  id_number: "110101199001011234"\n  address: 城关镇东关村\n',
                " 王某某\n",
            ),
            "11:2: petitioner: 这里应当是“键: 值”形式的一组内容",
        ),
        (
            (
                "  - date: 2026-01-09\n    action: 交办\n    note: 交城关镇办理\n",
                "  date: 2026-01-09\n",
            ),
            "23:3: progress: 办理过程应当是一个列表",
        ),
        (
            ("summary: 反映征地补偿款未足额发放", "summary: [a, b]"),
            "9:10: summary: 事由摘要应当是单个值",
        ),
    ],
)
def test_field_values(repo: Repo, change: tuple[str, str], expected: str) -> None:
    assert expected in only(repo, with_changes(change))


def test_missing_required_fields_are_all_reported(repo: Repo) -> None:
    repo.case("id: XF2026-0001\nreceived: 2026-01-05\n")
    found = problems(repo)
    fields = [p.split(": ")[1] for p in found]
    assert fields == ["category", "channel", "kind", "source", "summary"]
    assert all(p.startswith("cases/2026/XF2026-0001.yaml:1:1:") for p in found)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("accepted: 2026-01-08", "accepted: 2026-01-04"),
            "17:11: accepted: 受理决定日期 2026-01-04 早于登记日期 2026-01-05",
        ),
        (
            ("accepted: 2026-01-08", "accepted: 2026-01-08\nnot_accepted:\n  date: 2026-01-09"),
            "19:3: not_accepted: accepted（受理）和 not_accepted（不予受理）不能同时填写",
        ),
        (
            ("closed: 2026-02-28", "closed: 2026-01-07"),
            "closed: 办结日期 2026-01-07 早于受理日期 2026-01-08",
        ),
        (("outcome: 解决\n", ""), "outcome: 已办结（填了 closed）的事项必须填写办理结果 outcome"),
        (("unit: 城关镇\n", ""), "unit: 已受理的事项必须填写责任单位 unit"),
        (("days: 30", "days: 31"), "19:9: extension.days: 延期天数 31 超过了最长延期 30 日"),
        (
            ("approved: 2026-02-20", "approved: 2026-01-07"),
            "20:13: extension.approved: 延期批准日期 2026-01-07 早于受理日期 2026-01-08",
        ),
        # original deadline: 2026-01-08 + 60 days = 2026-03-09
        (
            ("approved: 2026-02-20", "approved: 2026-03-10"),
            "extension.approved: 延期批准日期 2026-03-10 晚于原办理期限 2026-03-09",
        ),
        (
            (
                "  - date: 2026-01-09\n    action: 交办\n    note: 交城关镇办理\n",
                "  - date: 2026-01-09\n    action: 交办\n  - date: 2026-01-08\n    action: 调查\n",
            ),
            "progress[2].date: 办理过程的日期 2026-01-08 早于上一步的 2026-01-09",
        ),
        (
            ("requested: 2026-03-10", "requested: 2026-02-27"),
            "30:14: review.requested: 复查申请日期 2026-02-27 早于办结日期 2026-02-28",
        ),
        (
            ("decided: 2026-04-02", "decided: 2026-03-09"),
            "review.decided: 复查决定日期 2026-03-09 早于申请日期 2026-03-10",
        ),
        (
            ("requested: 2026-04-20", "requested: 2026-04-01"),
            "recheck.requested: 复核申请日期 2026-04-01 早于复查决定日期 2026-04-02",
        ),
        (
            ("  decided: 2026-04-02\n  result: 维持\nrecheck", "  result: 维持\nrecheck"),
            "review.decided: 填写了复查结果，必须同时填写决定日期 decided",
        ),
    ],
)
def test_consistency_rules(repo: Repo, change: tuple[str, str], expected: str) -> None:
    repo.case(with_changes(change))
    found = problems(repo)
    assert any(expected in p for p in found), found


def test_closed_without_acceptance(repo: Repo) -> None:
    text = with_changes(
        ("accepted: 2026-01-08\n", ""),
        (
            "extension:\n  days: 30\n  approved: 2026-02-20\n  reason: 涉及多个部门，需联合调查\n",
            "",
        ),
    )
    repo.case(text)
    assert any("closed: 未受理的事项不能填写办结日期" in p for p in problems(repo))


def test_satisfaction_and_review_need_closing(repo: Repo) -> None:
    text = with_changes(("closed: 2026-02-28\noutcome: 解决\n", ""))
    repo.case(text)
    found = problems(repo)
    assert any("satisfaction: 满意度 “满意” 只能在办结" in p for p in found)
    assert any("review: 复查 review 只能针对已办结" in p for p in found)


def test_recheck_needs_a_decided_review(repo: Repo) -> None:
    text = with_changes(
        ("review:\n  requested: 2026-03-10\n  decided: 2026-04-02\n  result: 维持\n", "")
    )
    assert "recheck: 复核 recheck 只能在复查作出决定" in only(repo, text)


def test_extension_needs_acceptance(repo: Repo) -> None:
    text = """\
        id: XF2026-0001
        received: 2026-01-05
        channel: 来信
        source: 本级受理
        kind: 申诉求决类
        category: 城乡建设/征地拆迁
        summary: 问题
        extension:
          days: 10
          approved: 2026-01-20
        """
    assert "extension: 延期 extension 需要先受理" in only(repo, text)


def test_future_dates_are_errors(repo: Repo) -> None:
    repo.case(VALID_CASE)
    found = problems(repo, today=date(2026, 4, 30))
    assert found == [
        "cases/2026/XF2026-0001.yaml:35:12: recheck.decided: 日期 2026-05-15 晚于今天（2026-04-30），不能填写将来的日期。"
    ]


def test_id_must_match_file_name_and_pattern(repo: Repo) -> None:
    repo.case(VALID_CASE, name="XF2026-0099")
    assert problems(repo) == [
        "cases/2026/XF2026-0099.yaml:1:5: id: 编号 “XF2026-0001” 与文件名 “XF2026-0099.yaml” 不一致：文件名应为 XF2026-0001.yaml。"
    ]


def test_id_pattern(repo: Repo) -> None:
    assert "id: 编号 “XF 2026” 只能包含英文字母、数字和“-”" in only(
        repo, with_changes(("id: XF2026-0001", "id: XF 2026"))
    )


def test_duplicate_ids_across_files(repo: Repo) -> None:
    repo.case(VALID_CASE)
    repo.write("cases/2025/XF2026-0001.yaml", VALID_CASE)
    assert problems(repo) == [
        "cases/2026/XF2026-0001.yaml:1:5: id: 编号 XF2026-0001 重复：cases/2025/XF2026-0001.yaml 已使用这个编号。"
    ]
    assert len(load_project(repo.root, TODAY).cases) == 1


def test_repeat_of_must_name_an_earlier_case(repo: Repo) -> None:
    repo.case(with_changes(("skip_level: false", "skip_level: false\nrepeat_of: XF2025-0312")))
    assert problems(repo) == [
        "cases/2026/XF2026-0001.yaml:7:12: repeat_of: 找不到编号为 XF2025-0312 的事项：repeat_of 应填此前已登记事项的编号。"
    ]
    later = with_changes(
        ("id: XF2026-0001", "id: XF2026-0002"), ("received: 2026-01-05", "received: 2026-01-06")
    )
    repo.case(later)
    repo.case(with_changes(("skip_level: false", "skip_level: false\nrepeat_of: XF2026-0002")))
    assert any(
        "repeat_of: XF2026-0002 的登记日期 2026-01-06 晚于本事项的 2026-01-05" in p
        for p in problems(repo)
    )


def test_repeat_of_an_earlier_case_in_another_year(repo: Repo) -> None:
    earlier = with_changes(
        ("id: XF2026-0001", "id: XF2025-0312"), ("received: 2026-01-05", "received: 2025-12-01")
    )
    repo.write("cases/2025/XF2025-0312.yaml", earlier)
    repo.case(with_changes(("skip_level: false", "skip_level: false\nrepeat_of: XF2025-0312")))
    project = load_project(repo.root, TODAY)
    assert project.problems == ()
    assert [c.id for c in project.cases] == ["XF2025-0312", "XF2026-0001"]


def test_all_problems_of_all_files_at_once(repo: Repo) -> None:
    repo.case(with_changes(("channel: 来访", "channel: 来仿"), ("people: 6", "people: -1")))
    repo.write("cases/2026/broken.yaml", "id: [\n")
    repo.write("cases/2026/empty.yaml", "")
    project = load_project(repo.root, TODAY)
    assert project.files == 3 and project.invalid_files == 3 and len(project.problems) == 4
    assert project.cases == ()


def test_load_failures_are_problems_with_the_file_name(repo: Repo) -> None:
    repo.write("cases/2026/gbk.yaml", VALID_CASE.encode("gbk"))
    repo.write("cases/2026/list.yaml", "- a\n- b\n")
    found = problems(repo)
    assert found[0].startswith("cases/2026/gbk.yaml:3:1: (文件): 文件看起来是 GBK")
    assert found[1] == "cases/2026/list.yaml:1:1: (文件): 这里应当是“键: 值”形式的一组内容。"


def test_bom_file_is_valid(repo: Repo) -> None:
    repo.write("cases/2026/XF2026-0001.yaml", b"\xef\xbb\xbf" + VALID_CASE.encode())
    assert problems(repo) == []


def test_config_problems_raise_config_error(repo: Repo) -> None:
    repo.write("xfgen.yaml", "office: 县信访局\nchanels: [来信]\ncollective_threshold: 五\n")
    with pytest.raises(ConfigError) as caught:
        load_project(repo.root, TODAY)
    text = [str(p) for p in caught.value.problems]
    assert "xfgen.yaml:2:1: chanels: 未知的项 “chanels”。你是不是想写 channels？" in text
    assert any(
        p.startswith("xfgen.yaml:3:23: collective_threshold: 集体访人数标准应为整数") for p in text
    )
    assert any("categories: 缺少必填项 categories" in p for p in text)


def test_config_defaults_and_overrides(repo: Repo) -> None:
    from conftest import CONFIG

    repo.write(
        "xfgen.yaml", CONFIG + "deadlines: {calendar: workdays}\nleaderboard:\n  min_cases: 5\n"
    )
    project = load_project(repo.root, TODAY)
    assert (
        project.config.deadlines.calendar == "workdays"
        and project.config.deadlines.handle_days == 60
    )
    assert project.config.leaderboard.min_cases == 5
    assert project.config.leaderboard.weights["on_time_closure"] == 0.4
    assert project.rules.holidays is not None

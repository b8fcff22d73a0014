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


# ---------------------------------------------------------------- issue 8: rule gaps


def same_day_case(case_id: str, repeat_of: str | None) -> str:
    text = with_changes(("id: XF2026-0001", f"id: {case_id}"))
    if repeat_of:
        text = text.replace("skip_level: false", f"skip_level: false\nrepeat_of: {repeat_of}")
    return text


def test_a_repeat_of_cycle_is_an_error_on_each_file(repo: Repo) -> None:
    # A → B → A, all received 2026-01-05 (same-day links are allowed, cycles are not).
    repo.case(same_day_case("XF2026-0001", "XF2026-0002"))
    repo.case(same_day_case("XF2026-0002", "XF2026-0001"))
    found = problems(repo)
    assert [p.split(": repeat_of: ")[0] for p in found] == [
        "cases/2026/XF2026-0001.yaml:7:12",
        "cases/2026/XF2026-0002.yaml:7:12",
    ]
    assert all("形成了循环" in p for p in found)
    assert load_project(repo.root, TODAY).cases == ()


def test_a_longer_cycle_and_the_cases_that_lead_into_it(repo: Repo) -> None:
    # A → B → C → A is a cycle; D → A leads into it but is not part of it.
    repo.case(same_day_case("XF2026-000A", "XF2026-000B"))
    repo.case(same_day_case("XF2026-000B", "XF2026-000C"))
    repo.case(same_day_case("XF2026-000C", "XF2026-000A"))
    repo.case(same_day_case("XF2026-000D", "XF2026-000A"))
    found = problems(repo)
    assert sorted(p.split(":")[0] for p in found) == [
        "cases/2026/XF2026-000A.yaml",
        "cases/2026/XF2026-000B.yaml",
        "cases/2026/XF2026-000C.yaml",
    ]
    assert "XF2026-000A → XF2026-000B → XF2026-000C → XF2026-000A" in found[0]


def test_same_day_repeat_links_without_a_cycle_are_valid(repo: Repo) -> None:
    repo.case(same_day_case("XF2026-0001", None))
    repo.case(same_day_case("XF2026-0002", "XF2026-0001"))
    repo.case(same_day_case("XF2026-0003", "XF2026-0002"))
    assert problems(repo) == []


def test_recheck_requested_before_the_review_was_decided(repo: Repo) -> None:
    text = with_changes(("  requested: 2026-04-20", "  requested: 2026-04-01"))
    assert only(repo, text) == (
        "cases/2026/XF2026-0001.yaml:34:14: recheck.requested: "
        "复核申请日期 2026-04-01 早于复查决定日期 2026-04-02。"
    )


def test_recheck_needs_a_review_with_a_decided_date(repo: Repo) -> None:
    text = with_changes(("  decided: 2026-04-02\n  result: 维持\n", ""))
    assert "recheck: 复核 recheck 只能在复查作出决定（review.decided）之后。" in only(repo, text)
    # recheck on the same day as the review decision is fine
    repo.case(with_changes(("  requested: 2026-04-20", "  requested: 2026-04-02")))
    assert problems(repo) == []


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("received: 2026-01-05", "received: 1949-12-31", "received"),
        ("  requested: 2026-03-10", "  requested: 2101-01-01", "review.requested"),
    ],
)
def test_dates_before_1950_or_after_2100_are_errors(
    repo: Repo, old: str, new: str, field: str
) -> None:
    day = new.split(": ")[1]
    found = problems(repo.case(with_changes((old, new))) and repo, today=date(2101, 6, 1))
    assert any(f"{field}: 日期 {day} 不在 1950–2100 年之间，请检查年份。" in p for p in found), (
        found
    )


def test_a_date_in_year_1_is_an_error_not_a_crash(repo: Repo) -> None:
    repo.case(with_changes(("accepted: 2026-01-08", "accepted: 0001-01-08")))
    found = problems(repo)
    assert any("accepted: 日期 0001-01-08 不在 1950–2100 年之间" in p for p in found), found


def config_errors(repo: Repo, extra: str) -> list[str]:
    from conftest import CONFIG

    repo.write("xfgen.yaml", CONFIG + extra)
    with pytest.raises(ConfigError) as caught:
        load_project(repo.root, TODAY)
    return [str(p) for p in caught.value.problems]


def test_weights_need_one_positive_weight(repo: Repo) -> None:
    # CONFIG has 6 lines: leaderboard is line 7, weights line 8.
    assert config_errors(repo, "leaderboard:\n  weights: {satisfaction: 0, closure: 0.0}\n") == [
        "xfgen.yaml:8:12: leaderboard.weights: "
        "权重中至少要有一项大于 0（没有写出的比率权重为 0），否则无法计算得分。"
    ]
    assert config_errors(repo, "leaderboard:\n  weights: {}\n") == [
        "xfgen.yaml:8:12: leaderboard.weights: "
        "权重中至少要有一项大于 0（没有写出的比率权重为 0），否则无法计算得分。"
    ]


def test_weights_unknown_names_and_negative_numbers_are_errors(repo: Repo) -> None:
    found = config_errors(repo, "leaderboard:\n  weights: {satisfation: 1, closure: -0.5}\n")
    assert found[0].startswith(
        "xfgen.yaml:8:13: leaderboard.weights.satisfation: 未知的项 “satisfation”。你是不是想写 satisfaction？"
    )
    assert (
        found[1]
        == "xfgen.yaml:8:38: leaderboard.weights.closure: 权重 closure不能小于 0，现在是 -0.5。"
    )


def test_a_rate_left_out_of_weights_weighs_0(repo: Repo) -> None:
    from conftest import CONFIG

    repo.write("xfgen.yaml", CONFIG + "leaderboard:\n  weights: {satisfaction: 0.5}\n")
    weights = load_project(repo.root, TODAY).config.leaderboard.weights
    assert weights == {
        "on_time_closure": 0,
        "satisfaction": 0.5,
        "timely_acceptance": 0,
        "closure": 0,
    }


def holidays_errors(repo: Repo, text: str) -> list[str]:
    from conftest import CONFIG

    repo.write("xfgen.yaml", CONFIG + "deadlines: {calendar: workdays}\n")
    repo.write("holidays.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_project(repo.root, TODAY)
    return [str(p) for p in caught.value.problems]


def test_holidays_yaml_a_date_in_both_lists_is_an_error(repo: Repo) -> None:
    text = "holidays:\n  - 2027-02-06\n  - 2027-02-07\nworkdays:\n  - 2027-02-07\n"
    assert holidays_errors(repo, text) == [
        "holidays.yaml:5:5: workdays: 2027-02-07 同时列在 holidays（放假）和 workdays（调休上班）中，只能保留一处。"
    ]


def test_holidays_yaml_years_and_dates_are_checked(repo: Repo) -> None:
    text = "years: [2027, 1899, 2101, 二〇二七]\nholidays:\n  - 2027-02-30\n  - 春节\n"
    found = holidays_errors(repo, text)
    assert found[0] == "holidays.yaml:1:15: years[2]: 年份不能小于 1900，现在是 1899。"
    assert found[1] == "holidays.yaml:1:21: years[3]: 年份不能大于 2100，现在是 2101。"
    assert found[2].startswith("holidays.yaml:1:27: years[4]: 年份应为整数")
    assert found[3] == "holidays.yaml:3:5: holidays[1]: 日期 2027-02-30 不存在，请检查年、月、日。"
    assert found[4].startswith(
        "holidays.yaml:4:5: holidays[2]: 放假日期应写成 YYYY-MM-DD 格式的日期"
    )
    assert len(found) == 5


def test_holidays_yaml_is_read_into_the_calendar(repo: Repo) -> None:
    from conftest import CONFIG

    repo.write("xfgen.yaml", CONFIG + "deadlines: {calendar: workdays}\n")
    repo.write("holidays.yaml", "years: [2030]\nholidays: [2030-02-04]\nworkdays: [2030-02-09]\n")
    calendar = load_project(repo.root, TODAY).rules.holidays
    assert calendar is not None
    assert calendar.office.years == frozenset({2030})
    assert not calendar.is_workday(date(2030, 2, 4))  # a Monday the file gives off
    assert calendar.is_workday(date(2030, 2, 9))  # a Saturday the file makes a working day
    assert not calendar.is_provisional(2030)


def test_a_repeat_of_cycle_is_found_ignoring_letter_case(repo: Repo) -> None:
    repo.case(same_day_case("XF2026-000A", "xf2026-000b"))
    repo.case(same_day_case("XF2026-000B", "XF2026-000A"))
    found = problems(repo)
    assert len(found) == 2 and all("XF2026-000A → XF2026-000B → XF2026-000A" in p for p in found)

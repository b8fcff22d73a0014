"""Office-work figures on a hand-checked tree, through `xfgen stats --json` as a user runs it.

The tree (DOMAIN.md "Figures": 领导包案, 督办, 领导接访、下访、约访; all as known at
the as-of date). Cases with a leader (包案领导 A, B, C):

    L1  A  accepted 2024-09-05, still open          (积案 by 2026; supervised 2025-12-31 督办, 2026-01-01 挂牌督办)
    L2  A  accepted 2025-11-25, closed 2026-01-01   (closed on H1's first day)
    L3  B  accepted 2025-12-05, closed 2025-12-31   (closed the day before H1)
    L4  B  accepted 2026-06-30, closed 2026-07-01   (accepted on H1's last day; supervised 2026-07-01 挂牌督办)
    L5  C  accepted 2026-07-03, still open
    L6  C  accepted 2026-03-12, closed 2026-03-31   (closed on March's and Q1's last day)
    L7  A  not accepted (2026-05-03)                (never a 包案 case)
Without a leader:
    N1     closed 2026-02-10, supervised 2026-06-30 督办 (after closing, on H1's last day)
    X      accepted 2026-04-12, closed 2026-08-01, supervised 2026-04-20 督办, 05-05 挂牌督办, 05-05 督办
    Y      closed 2026-01-20, supervised 2026-09-01 督办
Activities (kind, leader, level, 批, 人次):
    A1 2025-12-31 接访 张伟（县长）   县级领导 3  9
    A2 2026-01-01 接访 张伟（县长）   县级领导 2  5
    A3 2026-03-31 下访 李强（县委书记） 县级领导 1  8
    A4 2026-06-30 约访 张伟（县长）   县级领导 1  1
    A5 2026-07-01 接访 李强（县委书记） 县级领导 4 10
    A6 2026-05-10 下访 王刚（城关镇镇长） 乡镇领导 0  0
    A7 2026-02-14 接访 李强（县委书记） 县级领导 2  3
    A8 2026-04-15 约访 孙丽（县人社局局长） 部门领导 1  2
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import Repo
from test_cli import run

CASE = """\
id: {id}
received: {received}
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 城乡建设/征地拆迁
summary: 测试事项
unit: 城关镇
"""

CASES: dict[str, dict[str, Any]] = {
    "XF-L1": {"received": "2024-09-01", "leader": "A（副县长）", "accepted": "2024-09-05",
              "supervision": [("2025-12-31", "督办"), ("2026-01-01", "挂牌督办")]},
    "XF-L2": {"received": "2025-11-20", "leader": "A（副县长）", "accepted": "2025-11-25",
              "closed": "2026-01-01"},
    "XF-L3": {"received": "2025-12-01", "leader": "B（副县长）", "accepted": "2025-12-05",
              "closed": "2025-12-31"},
    "XF-L4": {"received": "2026-06-28", "leader": "B（副县长）", "accepted": "2026-06-30",
              "closed": "2026-07-01", "supervision": [("2026-07-01", "挂牌督办")]},
    "XF-L5": {"received": "2026-07-02", "leader": "C（副县长）", "accepted": "2026-07-03"},
    "XF-L6": {"received": "2026-03-10", "leader": "C（副县长）", "accepted": "2026-03-12",
              "closed": "2026-03-31"},
    "XF-L7": {"received": "2026-05-01", "leader": "A（副县长）", "not_accepted": "2026-05-03"},
    "XF-N1": {"received": "2026-01-25", "accepted": "2026-02-01", "closed": "2026-02-10",
              "supervision": [("2026-06-30", "督办")]},
    "XF-X": {"received": "2026-04-10", "accepted": "2026-04-12", "closed": "2026-08-01",
             "supervision": [("2026-04-20", "督办"), ("2026-05-05", "挂牌督办"), ("2026-05-05", "督办")]},
    "XF-Y": {"received": "2026-01-05", "accepted": "2026-01-06", "closed": "2026-01-20",
             "supervision": [("2026-09-01", "督办")]},
}  # fmt: skip

ACTIVITIES = [
    ("A1", "2025-12-31", "接访", "张伟（县长）", "县级领导", 3, 9),
    ("A2", "2026-01-01", "接访", "张伟（县长）", "县级领导", 2, 5),
    ("A3", "2026-03-31", "下访", "李强（县委书记）", "县级领导", 1, 8),
    ("A4", "2026-06-30", "约访", "张伟（县长）", "县级领导", 1, 1),
    ("A5", "2026-07-01", "接访", "李强（县委书记）", "县级领导", 4, 10),
    ("A6", "2026-05-10", "下访", "王刚（城关镇镇长）", "乡镇领导", 0, 0),
    ("A7", "2026-02-14", "接访", "李强（县委书记）", "县级领导", 2, 3),
    ("A8", "2026-04-15", "约访", "孙丽（县人社局局长）", "部门领导", 1, 2),
]


def case_text(case_id: str, spec: dict[str, Any]) -> str:
    text = CASE.format(id=case_id, received=spec["received"])
    if "leader" in spec:
        text += f"leader: {spec['leader']}\n"
    if "accepted" in spec:
        text += f"accepted: {spec['accepted']}\n"
    if "not_accepted" in spec:
        text += f"not_accepted:\n  date: {spec['not_accepted']}\n"
    if "closed" in spec:
        text += f"closed: {spec['closed']}\noutcome: 解决\n"
    if "supervision" in spec:
        text += "supervision:\n" + "".join(
            f"  - date: {day}\n    by: 市信访局\n    kind: {kind}\n"
            for day, kind in spec["supervision"]
        )
    return text


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    repo = Repo(tmp_path_factory.mktemp("office"))
    for case_id, spec in CASES.items():
        repo.write(f"cases/{spec['received'][:4]}/{case_id}.yaml", case_text(case_id, spec))
    for number, day, kind, leader, level, batches, people in ACTIVITIES:
        repo.write(
            f"activities/{day[:4]}/{number}.yaml",
            f"id: {number}\ndate: {day}\nkind: {kind}\nleader: {leader}\nlevel: {level}\n"
            f"batches: {batches}\npeople: {people}\nnotes: 活动内部备注{number}\n",
        )
    return repo


def stats(tree: Repo, capsys: pytest.CaptureFixture[str], period: str, as_of: str) -> Any:
    code, out, err = run(
        capsys, "-C", str(tree.root), "--today", "2026-11-25",
        "stats", "--period", period, "--as-of", as_of, "--json",
    )  # fmt: skip
    assert code == 0, err
    assert "活动内部备注" not in out
    return json.loads(out)


def office(out: dict[str, Any]) -> dict[str, Any]:
    counts, rates = out["counts"], out["rates"]
    return {
        "leader": (counts["leader_cases"], counts["leader_closed"], rates["leader_closure"]),
        "supervised": (
            counts["supervised"],
            counts["supervised_closed"],
            rates["supervised_closure"],
        ),
        "by_supervision_kind": out["by_supervision_kind"],
    }


def tally(events: int, batches: int, people: int) -> dict[str, int]:
    return {"events": events, "batches": batches, "people": people}


def test_half_year_at_its_end(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    out = stats(tree, capsys, "2026H1", "2026-06-30")
    # 包案 (window 01-01..06-30): L1 (open), L2 (closed 01-01, not before the first day),
    # L4 (accepted on the last day), L6; not L3 (closed 12-31), L5 (accepted 07-03), L7.
    # Closed in the window: L2, L6 → 2 of 4. 督办 entries in the window: L1 (01-01 挂牌督办;
    # its 12-31 entry is outside), N1 (06-30 督办), X (04-20, 05-05 ×2); L4's 07-01 and Y's
    # 09-01 are outside. Closed by 06-30: N1 only (X closes 08-01) → 1 of 3.
    # By kind: 督办 N1, X = 2 (X counts once); 挂牌督办 L1, X = 2.
    assert office(out) == {
        "leader": (4, 2, 2 / 4),
        "supervised": (3, 1, 1 / 3),
        "by_supervision_kind": {"挂牌督办": 2, "督办": 2},
    }
    # Activities 01-01..06-30: A2, A3, A4, A6, A7, A8 (A1 is 12-31, A5 is 07-01).
    # 批 2+1+1+0+2+1 = 7; 人次 5+8+1+0+3+2 = 19.
    assert out["office_work"] == {
        "total": tally(6, 7, 19),
        # 接访 A2+A7 = 2次 4批 8人次; 下访 A3+A6 = 2次 1批 8人次; 约访 A4+A8 = 2次 2批 3人次.
        "by_kind": {"下访": tally(2, 1, 8), "接访": tally(2, 4, 8), "约访": tally(2, 2, 3)},
        # 县级 A2+A3+A4+A7 = 4次 6批 17人次; 乡镇 A6 = 1次 0批 0人次; 部门 A8 = 1次 1批 2人次.
        "by_level": {
            "乡镇领导": tally(1, 0, 0),
            "县级领导": tally(4, 6, 17),
            "部门领导": tally(1, 1, 2),
        },
        # 张伟 A2+A4 = 2次 3批 6人次; 李强 A3+A7 = 2次 3批 11人次.
        "by_leader": {
            "孙丽（县人社局局长）": tally(1, 1, 2),
            "张伟（县长）": tally(2, 3, 6),
            "李强（县委书记）": tally(2, 3, 11),
            "王刚（城关镇镇长）": tally(1, 0, 0),
        },
        # Each leader within each level (here every leader has one level).
        "by_level_leader": {
            "乡镇领导": {"王刚（城关镇镇长）": tally(1, 0, 0)},
            "县级领导": {"张伟（县长）": tally(2, 3, 6), "李强（县委书记）": tally(2, 3, 11)},
            "部门领导": {"孙丽（县人社局局长）": tally(1, 1, 2)},
        },
    }
    assert list(out["office_work"]["by_leader"]) == sorted(out["office_work"]["by_leader"])
    # 上年同期 2025H1 as at 2025-06-30: only L1 is a 包案 case (accepted 2024-09-05, open);
    # nothing supervised then.
    previous = out["previous_year"]
    assert (previous["counts"]["leader_cases"], previous["counts"]["leader_closed"]) == (1, 0)
    assert previous["rates"]["leader_closure"] == 0.0
    assert (previous["counts"]["supervised"], previous["counts"]["supervised_closed"]) == (0, 0)
    assert previous["rates"]["supervised_closure"] is None
    # 上期 2025H2 as at 2025-12-31: see test_second_half_of_the_previous_year.
    before = out["previous_period"]
    assert (before["period"], before["as_of"]) == ("2025H2", "2025-12-31")
    assert (before["counts"]["leader_cases"], before["counts"]["leader_closed"]) == (3, 1)
    assert (before["counts"]["supervised"], before["counts"]["supervised_closed"]) == (1, 0)
    assert (before["rates"]["leader_closure"], before["rates"]["supervised_closure"]) == (1 / 3, 0)


def test_half_year_after_its_end(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    out = stats(tree, capsys, "2026H1", "2026-11-25")
    # The windows still end on 06-30: the same 包案 cases and the same closed (L4's 07-01 closing
    # is outside the period). 督办: the same three cases, but "closed by the as-of date" now also
    # counts X (closed 08-01) → 2 of 3.
    assert office(out) == {
        "leader": (4, 2, 2 / 4),
        "supervised": (3, 2, 2 / 3),
        "by_supervision_kind": {"挂牌督办": 2, "督办": 2},
    }
    assert out["office_work"]["total"] == tally(6, 7, 19)  # A5 (07-01) is after the period


def test_half_year_before_its_end(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    out = stats(tree, capsys, "2026H1", "2026-03-15")
    # Window 01-01..03-15: 包案 L1, L2, L6 (accepted 03-12); L6 closes 03-31, not yet → 1 of 3.
    # 督办: L1 (01-01 挂牌督办) only, open → 0 of 1.
    assert office(out) == {
        "leader": (3, 1, 1 / 3),
        "supervised": (1, 0, 0.0),
        "by_supervision_kind": {"挂牌督办": 1, "督办": 0},
    }
    # Activities A2 (2批5人次), A7 (2批3人次).
    assert out["office_work"]["total"] == tally(2, 4, 8)
    assert out["office_work"]["by_kind"] == {"接访": tally(2, 4, 8)}


def test_quarter(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    out = stats(tree, capsys, "2026Q2", "2026-06-30")
    # Window 04-01..06-30: 包案 L1, L4 (L2 and L6 closed before 04-01) → 0 of 2 closed.
    # 督办: N1 (06-30, closed 02-10 → closed), X (open at 06-30) → 1 of 2; 督办 N1, X; 挂牌督办 X.
    assert office(out) == {
        "leader": (2, 0, 0.0),
        "supervised": (2, 1, 1 / 2),
        "by_supervision_kind": {"挂牌督办": 1, "督办": 2},
    }
    # A4 (1批1人次), A6 (0批0人次), A8 (1批2人次).
    assert out["office_work"]["total"] == tally(3, 2, 3)
    assert out["office_work"]["by_kind"] == {"下访": tally(1, 0, 0), "约访": tally(2, 2, 3)}
    # 上年同期 2025Q2 as at 2025-06-30: L1 only.
    assert out["previous_year"]["counts"]["leader_cases"] == 1


def test_month(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    out = stats(tree, capsys, "2026-03", "2026-03-31")
    # Window 03-01..03-31: 包案 L1, L6 (closed 03-31, on the last day) → 1 of 2. No 督办.
    assert office(out) == {
        "leader": (2, 1, 1 / 2),
        "supervised": (0, 0, None),
        "by_supervision_kind": {"挂牌督办": 0, "督办": 0},
    }
    assert out["office_work"]["total"] == tally(1, 1, 8)  # A3 on 03-31
    assert out["office_work"]["by_leader"] == {"李强（县委书记）": tally(1, 1, 8)}


def test_year(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    out = stats(tree, capsys, "2026", "2026-11-25")
    # Window 01-01..11-25: 包案 L1, L2, L4, L5, L6 → closed L2, L4, L6 = 3 of 5.
    # 督办: L1 (01-01), N1, L4 (07-01), X, Y (09-01) → closed all but L1 = 4 of 5.
    # 督办 kind: N1, X, Y = 3; 挂牌督办: L1, L4, X = 3.
    assert office(out) == {
        "leader": (5, 3, 3 / 5),
        "supervised": (5, 4, 4 / 5),
        "by_supervision_kind": {"挂牌督办": 3, "督办": 3},
    }
    # H1's six plus A5 (4批10人次): 7次 11批 29人次; 李强 A3+A5+A7 = 3次 7批 21人次.
    assert out["office_work"]["total"] == tally(7, 11, 29)
    assert out["office_work"]["by_leader"]["李强（县委书记）"] == tally(3, 7, 21)
    # 上年同期 2025 as at 2025-11-25: L1 and L2 (L2 accepted 11-25, on the as-of day, open): 2, none
    # closed; nothing supervised by then (L1's entry is 12-31).
    previous = out["previous_year"]
    assert (previous["counts"]["leader_cases"], previous["counts"]["leader_closed"]) == (2, 0)
    assert previous["counts"]["supervised"] == 0


def test_second_half_of_the_previous_year(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    out = stats(tree, capsys, "2025H2", "2025-12-31")
    # Window 07-01..12-31: 包案 L1, L2 (closes 2026), L3 (closed 12-31) → 1 of 3.
    # 督办: L1 (12-31 督办), open → 0 of 1. Activity A1 only.
    assert office(out) == {
        "leader": (3, 1, 1 / 3),
        "supervised": (1, 0, 0.0),
        "by_supervision_kind": {"挂牌督办": 0, "督办": 1},
    }
    assert out["office_work"]["total"] == tally(1, 3, 9)


def test_terminal_table_shows_office_work(tree: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "-C", str(tree.root), "--today", "2026-11-25", "stats", "--period", "2026H1"
    )
    assert code == 0
    section = out.split("五、领导接访和包案督办", 1)[1]
    lines = [line.split() for line in section.splitlines()]
    # 2025H1 has records (L1 was received in 2024): 包案 1 (L1, open), closed 0, 督办 0;
    # 上期 2025H2: 包案 3, closed 1; 督办 1, closed 0 (test_second_half_of_the_previous_year).
    # Counts against fewer than 10 change by their difference; 50.0% − 33.3% = 16.7 points.
    assert ["领导包案（件）", "4", "1", "增加3件", "3", "增加1件"] in lines
    assert ["包案办结率", "50.0%", "0.0%", "提高50.0个百分点", "33.3%", "提高16.7个百分点"] in lines
    assert ["督办（件）", "3", "0", "增加3件", "1", "增加2件"] in lines
    assert ["督办办结（件）", "1", "0", "增加1件", "0", "增加1件"] in lines
    assert ["合计", "6", "7", "19"] in lines
    # Kinds and levels in configuration order, leaders by 人次 descending.
    labels = [line[0] for line in lines if len(line) == 4 and line[1].isdigit()]
    start = labels.index("合计")
    assert labels[start:] == [
        "合计", "接访", "下访", "约访", "县级领导", "乡镇领导", "部门领导",
        "李强（县委书记）", "张伟（县长）", "孙丽（县人社局局长）", "王刚（城关镇镇长）",
    ]  # fmt: skip
    assert "活动内部备注" not in out

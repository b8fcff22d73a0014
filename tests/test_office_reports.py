"""Office work in the built site: the summary section and the three ledgers, HTML and PDF.

The tree is the hand-checked one of test_office_figures.py (its docstring lists
every case and activity), plus 40 约访 by 孙丽（县人社局局长）（部门领导, 1批1人次 each,
2026-02-02 … 2026-03-13) so that the 领导接访登记表 runs over two pages, and a
petitioner on L1 so that we can see it never reaches these ledgers.

2026H1 as of 2026-06-30, with the 40 extra activities:
  total 6+40 = 46次, 7+40 = 47批, 19+40 = 59人次
  接访 A2+A7 2次4批8人次; 下访 A3+A6 2次1批8人次; 约访 A4+A8+40 = 42次42批43人次
  县级领导 A2+A3+A4+A7 4次6批17人次 (李强 3批11人次, 张伟 3批6人次);
  乡镇领导 A6 1次0批0人次; 部门领导 A8+40 41次41批42人次
  包案 4, closed 2 (50.0%); 督办 3 (挂牌督办 2), closed 1.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import CONFIG, Repo
from test_cli import run
from test_office_figures import ACTIVITIES, CASES, case_text

from xfgen.figures.compute import compute_figures
from xfgen.figures.periods import parse_period
from xfgen.records.validation import load_project
from xfgen.reports.summary import summary_view

NOTE = "活动内部备注绝密"
CASE_NOTE = "事项内部备注绝密"
EXTRA = 40


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = Repo(tmp_path_factory.mktemp("office-site"))
    for case_id, spec in CASES.items():
        text = case_text(case_id, spec)
        if case_id == "XF-L1":
            text += "petitioner:\n  name: 欧阳某某\n  phone: '13912345678'\n"
            text += f"notes: |\n  {CASE_NOTE}\n"
        repo.write(f"cases/{spec['received'][:4]}/{case_id}.yaml", text)
    activities = list(ACTIVITIES)
    first = date(2026, 2, 2)
    for n in range(EXTRA):
        day = (first + timedelta(days=n)).isoformat()
        activities.append((f"B{n:02d}", day, "约访", "孙丽（县人社局局长）", "部门领导", 1, 1))
    for number, day, kind, leader, level, batches, people in activities:
        repo.write(
            f"activities/{day[:4]}/{number}.yaml",
            f"id: {number}\ndate: {day}\nkind: {kind}\nleader: {leader}\nlevel: {level}\n"
            f"batches: {batches}\npeople: {people}\nplace: 县群众来访接待中心\n"
            f"summary: 接待{number}\nnotes: |\n  {NOTE}{number}\n",
        )
    out = repo.root / "output"
    code = subprocess.run(
        [str(Path(sys.executable).parent / "xfgen"), "-C", str(repo.root), "--today", "2026-11-25",
         "build", "--period", "2026H1", "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert code.returncode == 0, code.stdout + code.stderr
    return out


def pdf_text(path: Path, *pages: int) -> str:
    args = ["pdftotext", "-raw"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run(
        [*args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])  # type: ignore[index]


def test_index_links_the_three_ledgers(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for title, slug in (
        ("领导包案台账", "leaders"),
        ("督办事项台账", "supervision"),
        ("领导接访登记表", "activities"),
    ):
        assert f"<th>{title}</th>" in index
        assert f'href="2026H1/{slug}.html"' in index and f'href="2026H1/{slug}.pdf"' in index
        assert (site / "2026H1" / f"{slug}.html").is_file()
        assert (site / "2026H1" / f"{slug}.pdf").is_file()


def test_leader_ledger(site: Path) -> None:
    text = pdf_text(site / "2026H1" / "leaders.pdf")
    lines = text.splitlines()
    assert "包案领导 编号 登记日期 反映问题 责任单位 办理期限 办结日期 办理结果 状态" in lines
    # Grouped by leader; L1 overdue (accepted 2024-09-05 + 60 = 2024-11-04), L4 accepted
    # 06-30 due 08-29, still open at 06-30; L2, L6 closed on time.
    rows = [line for line in lines if line.startswith(("A（", "B（", "C（"))]
    assert rows == [
        "A（副县长） XF-L1 2024-09-01 测试事项 城关镇 2024-11-04 超期未办结",
        "A（副县长） XF-L2 2025-11-20 测试事项 城关镇 2026-01-24 2026-01-01 解决 按期办结",
        "B（副县长） XF-L4 2026-06-28 测试事项 城关镇 2026-08-29 办理中",
        "C（副县长） XF-L6 2026-03-10 测试事项 城关镇 2026-05-11 2026-03-31 解决 按期办结",
    ]
    assert "共 4 件（包案领导 3 人），其中本期办结 2 件" in text.replace("\n", "")
    html = (site / "2026H1" / "leaders.html").read_text(encoding="utf-8")
    assert html.count('class="group-start"') == 2  # B and C start groups; A follows the header


def test_supervision_ledger(site: Path) -> None:
    text = pdf_text(site / "2026H1" / "supervision.pdf")
    lines = text.splitlines()
    assert "编号 督办日期 督办单位 督办类型 反映问题 责任单位 办理期限 办结日期 状态" in lines
    # One row a case, its latest entry in the window, by that date: L1 01-01 (its 2025-12-31
    # entry is outside), X 05-05 (two entries that day: the last written, 督办), N1 06-30.
    assert [line for line in lines if line.startswith("XF-")] == [
        "XF-L1 2026-01-01 市信访局 挂牌督办 测试事项 城关镇 2024-11-04 超期未办结",
        "XF-X 2026-05-05 市信访局 督办 测试事项 城关镇 2026-06-11 超期未办结",
        "XF-N1 2026-06-30 市信访局 督办 测试事项 城关镇 2026-04-02 2026-02-10 按期办结",
    ]
    assert (
        "共 3 件，截至统计截止日已办结 1 件；按督办类型：督办 2 件、挂牌督办 2 件"
        in text.replace("\n", "")
    )


def test_activity_register_runs_over_pages_with_repeated_header(site: Path) -> None:
    pdf = site / "2026H1" / "activities.pdf"
    pages = page_count(pdf)
    assert pages >= 2
    header = "日期 形式 领导 层级 批次 人次 地点 内容"
    for number in range(1, pages + 1):
        page = pdf_text(pdf, number)
        assert header in page.splitlines()
        assert f"第 {number} 页 共 {pages} 页" in page
    lines = pdf_text(pdf).splitlines()
    rows = [line for line in lines if re.match(r"^2026-\d\d-\d\d ", line)]
    assert len(rows) == 6 + EXTRA  # A2, A3, A4, A6, A7, A8 and the forty
    assert rows[0] == "2026-01-01 接访 张伟（县长） 县级领导 2 5 县群众来访接待中心 接待A2"
    assert rows[1] == "2026-02-02 约访 孙丽（县人社局局长） 部门领导 1 1 县群众来访接待中心 接待B00"
    assert rows[-1] == "2026-06-30 约访 张伟（县长） 县级领导 1 1 县群众来访接待中心 接待A4"
    assert [r[:10] for r in rows] == sorted(r[:10] for r in rows)
    assert "共 46 次、47 批、59 人次" in pdf_text(pdf, 1).replace("\n", "")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert all(line.split()[-5] == "yes" for line in fonts.stdout.splitlines()[2:])


def test_summary_section_between_handling_and_backlog(site: Path) -> None:
    html = (site / "2026H1" / "summary.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings[:4] == [
        "一、基本情况",
        "二、办理情况",
        "三、领导接访和包案督办",
        "四、积案化解",
    ]
    section = html.split("三、领导接访和包案督办", 1)[1].split("四、积案化解", 1)[0]
    lead = [
        re.sub(r"<[^>]+>", "", p) for p in re.findall(r'<p class="lead">(.*?)</p>', section, re.S)
    ]
    # 2025H1 had no activity (A1 is dated 2025-12-31) but has records (L1): 0 → 59 人次.
    # 包案按期办结率: L2 and L6 closed on time, L1 open past its deadline: 2/3; L4 not yet due.
    assert lead == [
        "2026年上半年，各级领导接访、下访、约访共46次47批59人次，人次同比增加59人次；"
        "其中接访2次4批8人次，下访2次1批8人次，约访42次42批43人次。",
        "县级领导4次6批17人次，其中李强（县委书记）3批11人次，张伟（县长）3批6人次；"
        "乡镇领导1次0批0人次；部门领导41次41批42人次。",
        "领导包案4件，已办结2件，包案办结率50.0%，包案按期办结率66.7%；"
        "督办3件（其中挂牌督办2件），已办结1件。",
    ]
    text = pdf_text(site / "2026H1" / "summary.pdf").replace("\n", "")
    assert "三、领导接访和包案督办" in text
    assert "包案办结率50.0%，包案按期办结率66.7%；督办3件（其中挂牌督办2件），已办结1件。" in text


def test_no_notes_and_no_petitioner_in_office_outputs(site: Path) -> None:
    for path in site.rglob("*"):
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
        elif path.suffix == ".pdf":
            text = pdf_text(path).replace("\n", "")
        else:
            continue
        assert NOTE not in text and CASE_NOTE not in text, path
    for slug in ("leaders", "supervision", "activities"):
        for text in (
            (site / "2026H1" / f"{slug}.html").read_text(encoding="utf-8"),
            pdf_text(site / "2026H1" / f"{slug}.pdf"),
        ):
            assert "欧阳" not in text and "13912345678" not in text and "139****5678" not in text


def office_section(repo: Repo, period: str, as_of: str) -> str:
    """The prose of the section, worded from the figures of ``repo`` alone."""
    project = load_project(repo.root, date(2026, 11, 25))
    f = compute_figures(
        project.cases, project.config, project.rules, parse_period(period),
        date.fromisoformat(as_of), project.activities,
    )  # fmt: skip
    return "".join(summary_view(f, project.config, "全县").words.office_work)


def test_section_without_any_office_work(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """An office that records none: the section and the terminal table say so."""
    repo.case(
        "id: XF2026-0001\nreceived: 2026-01-05\nchannel: 来信\nsource: 本级受理\n"
        "kind: 申诉求决类\ncategory: 城乡建设/征地拆迁\nsummary: 测试\n"
    )
    assert office_section(repo, "2026", "2026-11-25") == ""  # no sentence says there were none
    code, out, _ = run(
        capsys, "-C", str(repo.root), "--today", "2026-11-25", "stats", "--period", "2026"
    )
    assert code == 0
    assert "本期没有登记领导接访、下访、约访。" in out


def test_section_wording_with_configured_lists(repo: Repo) -> None:
    """Kinds and levels in configuration order, only those with an activity; a leader
    of the first level only; kinds of 督办 other than 督办 itself named, 0 left out."""
    repo.write(
        "xfgen.yaml",
        CONFIG + "activity_kinds: [约访, 接访, 下访]\nleader_levels: [乡镇领导, 县级领导]\n"
        "supervision_kinds: [挂牌督办, 交办督办, 督办]\n",
    )
    repo.case(
        "id: XF2026-0001\nreceived: 2026-01-05\nchannel: 来信\nsource: 本级受理\n"
        "kind: 申诉求决类\ncategory: 城乡建设/征地拆迁\nsummary: 测试\nunit: 城关镇\n"
        "leader: 赵六（副镇长）\naccepted: 2026-01-06\n"
        "supervision:\n  - {date: 2026-02-01, by: 市信访局, kind: 交办督办}\n"
    )
    for number, day, kind, leader, level, batches, people in [
        ("H1", "2026-02-01", "接访", "甲（镇长）", "乡镇领导", 1, 1),
        ("H2", "2026-02-02", "接访", "乙（镇党委书记）", "乡镇领导", 1, 1),  # ties 甲: code point
        ("H3", "2026-02-03", "约访", "丙（副镇长）", "乡镇领导", 2, 2),  # more 人次: first
        ("H4", "2026-02-04", "约访", "丁（县长）", "县级领导", 3, 9),  # not of the first level
    ]:
        repo.write(
            f"activities/2026/{number}.yaml",
            f"id: {number}\ndate: {day}\nkind: {kind}\nleader: {leader}\nlevel: {level}\n"
            f"batches: {batches}\npeople: {people}\n",
        )
    # 乡镇领导 leaders by 人次: 丙 (2), then 乙 and 甲 (1 each, 1批 each) by code point: 乙 U+4E59 < 甲 U+7532.
    # 2025Q1 has no record at all: no 同比. The case's deadline (03-07) passed open: 0 of 1.
    assert office_section(repo, "2026Q1", "2026-03-31") == (
        "2026年第一季度，各级领导约访、接访、下访共4次7批13人次；其中约访2次5批11人次，接访2次2批2人次。"
        "乡镇领导3次4批4人次，其中丙（副镇长）2批2人次，乙（镇党委书记）1批1人次，甲（镇长）1批1人次；"
        "县级领导1次3批9人次。"
        "领导包案1件，已办结0件，包案办结率0.0%，包案按期办结率0.0%；督办1件（其中交办督办1件），已办结0件。"
    )

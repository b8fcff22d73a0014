"""The 总结 read back, rule by rule (DOMAIN.md "What a summary says"), on small trees.

Each tree is made to trigger one rule; the summary is rendered from it as the build
renders it (xfgen.site.build.summary_page) and its text read back. The first test
builds with the real CLI and reads the PDF as well. Expected sentences are worked
out by hand beside each tree.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from conftest import CONFIG, Repo
from test_build import Tables, pdf_pages, xfgen
from test_summary import Prose

from xfgen.errors import RenderError
from xfgen.figures.compute import compute_figures
from xfgen.figures.periods import default_as_of, parse_period
from xfgen.records.validation import load_project
from xfgen.reports.rendering import Renderer, SiteInfo
from xfgen.site.build import summary_page
from xfgen.site.gitinfo import DataVersion

BUILT_AT = datetime(2026, 12, 2, 9, 30)
ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def write_case(repo: Repo, number: int, received: str, *, channel: str = "来信",
               people: int = 1, category: str = "城乡建设/征地拆迁", accepted: str | None = None,
               closed: str | None = None, extra: str = "") -> None:  # fmt: skip
    year = received[:4]
    ident = f"XF{year}-{number:04d}"
    lines = [
        f"id: {ident}", f"received: {received}", f"channel: {channel}", "source: 本级受理",
        f"people: {people}", "kind: 申诉求决类", f"category: {category}", "summary: 测试事项",
        "unit: 城关镇",
    ]  # fmt: skip
    if accepted:
        lines.append(f"accepted: {accepted}")
    if closed:
        lines += [f"closed: {closed}", "outcome: 解决", "satisfaction: 满意"]
    repo.write(f"cases/{year}/{ident}.yaml", "\n".join(lines) + "\n" + extra)


def render(root: Path, period: str = "2026H1", as_of: str | None = None,
           today: date = date(2026, 12, 2)) -> tuple[str, bytes]:  # fmt: skip
    """The summary page of ``period`` and its Word draft, as the build makes them."""
    project = load_project(root, today)
    assert project.problems == ()
    chosen = parse_period(period)
    day = date.fromisoformat(as_of) if as_of else default_as_of(chosen, today)
    f = compute_figures(
        project.cases, project.config, project.rules, chosen, day, project.activities
    )
    site = SiteInfo(project.config, BUILT_AT, DataVersion("0123456789", False), False)
    page = summary_page(Renderer(root, site), project.config, f)
    (_, draft), *_ = page.files
    return page.html, draft()


def prose(html: str) -> str:
    return "".join(Prose(html).paragraphs)


class Outside(HTMLParser):
    """The page's text outside its tables, charts and style (what DOMAIN.md keeps ISO-free)."""

    def __init__(self, html: str):
        super().__init__()
        self.text: list[str] = []
        self.skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("table", "svg", "title")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("table", "svg", "title")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)


def headings(html: str) -> list[str]:
    return re.findall(r"<h2>([^<]*)</h2>", html)


# ---------------------------------------------------------------- period names


@pytest.fixture
def year_tree(tmp_path: Path) -> Repo:
    """Three 2026 cases (one in November), one in 2025."""
    repo = Repo(tmp_path)
    write_case(repo, 1, "2025-03-01", accepted="2025-03-02", closed="2025-03-20")
    write_case(repo, 1, "2026-03-01", accepted="2026-03-02", closed="2026-03-20")
    write_case(repo, 2, "2026-08-01", accepted="2026-08-02")
    write_case(repo, 3, "2026-11-10")
    return repo


def test_a_year_cut_off_on_30_november_is_named_1_to_11_month_everywhere(
    year_tree: Repo,
) -> None:
    out = year_tree.root / "output"
    code, _, err = xfgen(
        "-C", str(year_tree.root), "--today", "2026-11-30", "build", "-p", "2026", "--out", str(out)
    )  # fmt: skip
    assert code == 0, err
    html = (out / "2026/summary.html").read_text(encoding="utf-8")
    assert "<h1>测试县信访局2026年1—11月信访工作情况</h1>" in html
    assert prose(html).startswith(
        "2026年1—11月，全县共登记信访事项3件，同比增加2件；涉及3人次，同比增加2人次。"
    )
    outside = "".join(Outside(html).text)
    assert "全年" not in outside and "全年" not in prose(html)
    assert not ISO_DATE.search(outside), ISO_DATE.search(outside)
    assert "数据截至2026年11月30日" in outside
    assert re.search(r"生成于\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", outside)
    pdf = "".join(pdf_pages(out / "2026/summary.pdf"))
    assert "全年" not in pdf
    assert not ISO_DATE.search(pdf), ISO_DATE.search(pdf)
    assert re.search(r"生成于\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", pdf)
    # the halves as they stand: 上半年 whole, 下半年 up to November
    tables = Tables(html)
    assert tables.table("上半年与下半年对比")[0] == ["项目", "2026年上半年", "2026年7—11月", "合计"]


def test_a_year_cut_off_on_2_december_names_its_days(year_tree: Repo) -> None:
    html, _ = render(year_tree.root, "2026", "2026-12-02")
    assert "<h1>测试县信访局2026年1月1日至12月2日信访工作情况</h1>" in html
    assert prose(html).startswith("2026年1月1日至12月2日，全县共登记信访事项3件")
    outside = "".join(Outside(html).text)
    assert "全年" not in outside
    assert not ISO_DATE.search(outside)
    assert "生成于2026年12月2日 09:30" in outside
    assert "截至2026年12月2日，" in prose(html) or "截至2026年12月2日" in outside


# ---------------------------------------------------------------- changes


@pytest.fixture
def counts_tree(tmp_path: Path) -> Repo:
    """2025H1: 12 letters, one with a review requested; 2025H2: one letter.
    2026H1: 15 letters, two with a review requested (one decided 维持 with a 复核 asked,
    one decided 维持 with a 复核 asked): 申请复查 1 → 2, 申请复核 0 → 2."""
    repo = Repo(tmp_path)
    for n in range(1, 13):
        extra = "review: {requested: 2025-05-01}\n" if n == 1 else ""
        write_case(repo, n, f"2025-02-{n:02d}", accepted=f"2025-02-{n + 1:02d}",
                   closed=f"2025-03-{n:02d}", extra=extra)  # fmt: skip
    write_case(repo, 13, "2025-08-01")
    for n in range(1, 16):
        extra = ""
        if n <= 2:
            extra = (
                "review: {requested: 2026-04-01, decided: 2026-04-20, result: 维持}\n"
                "recheck: {requested: 2026-05-01}\n"
            )
        write_case(repo, n, f"2026-02-{n:02d}", accepted=f"2026-02-{n + 1:02d}",
                   closed=f"2026-03-{n:02d}", extra=extra)  # fmt: skip
    return repo


def test_counts_from_twelve_from_one_and_from_zero(counts_tree: Repo) -> None:
    html, _ = render(counts_tree.root)
    text = prose(html)
    # from 12: (15 − 12) ÷ 12 = 25.0%; 环比 from 1: the difference
    assert text.startswith(
        "2026年上半年，全县共登记信访事项15件，同比上升25.0%，环比增加14件；"
        "涉及15人次，同比上升25.0%，环比增加14人次。"
    )
    assert "申请复查2件，同比增加1件；作出复查意见2件，其中维持2件。" in text  # from 1
    assert "申请复核2件，同比增加2件。" in text  # from 0 (作出复核意见 0 now and before: left out)
    assert "上年同期为0" not in text
    rows = Tables(html).rows_by_label("主要数据")
    assert rows["登记（件）"] == ["15", "12", "上升25.0%", "1", "增加14件"]
    assert rows["人次"] == ["15", "12", "上升25.0%", "1", "增加14人次"]
    review = Tables(html).rows_by_label("复查、复核和办理天数")
    assert review["申请复查（件）"][:3] == ["2", "1", "增加1件"]
    assert review["申请复核（件）"][:3] == ["2", "0", "增加2件"]


@pytest.fixture
def review_tree(tmp_path: Path) -> Repo:
    """2025H1: two cases reviewed and re-reviewed (decided, 维持); 2026H1: none reviewed."""
    repo = Repo(tmp_path)
    for n in (1, 2):
        write_case(repo, n, f"2025-02-0{n}", accepted=f"2025-02-0{n + 2}",
                   closed=f"2025-03-0{n}", extra=(
                       "review: {requested: 2025-03-10, decided: 2025-04-01, result: 维持}\n"
                       "recheck: {requested: 2025-04-10, decided: 2025-05-01, result: 维持}\n"
                   ))  # fmt: skip
    write_case(repo, 1, "2026-02-01", accepted="2026-02-02", closed="2026-03-01")
    return repo


def test_a_zero_review_count_now_and_before_is_left_out(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    write_case(repo, 1, "2025-02-01", accepted="2025-02-02", closed="2025-03-01")
    write_case(repo, 1, "2026-02-01", accepted="2026-02-02", closed="2026-03-01")
    text = prose(render(repo.root)[0])
    assert "复查" not in text and "复核" not in text
    assert "0件" not in text and "没有" not in text


def test_a_zero_review_count_now_is_kept_with_its_change(review_tree: Repo) -> None:
    text = prose(render(review_tree.root)[0])
    assert "申请复查0件，同比减少2件；作出复查意见0件，同比减少2件。" in text
    assert "申请复核0件，同比减少2件；作出复核意见0件，同比减少2件。" in text
    assert "维持0件" not in text


# ---------------------------------------------------------------- no records


def test_an_earlier_year_without_records_is_said_once(tmp_path: Path) -> None:
    repo = Repo(tmp_path)
    write_case(repo, 1, "2025-08-01", accepted="2025-08-02", closed="2025-08-30")
    for n in (1, 2, 3):
        write_case(repo, n, f"2026-02-0{n}", accepted=f"2026-02-0{n + 1}",
                   closed=f"2026-03-0{n}", extra="review: {requested: 2026-03-20}\n")  # fmt: skip
    html, _ = render(repo.root)
    text = prose(html)
    assert text.startswith(
        "2026年上半年，全县共登记信访事项3件，上年同期无记录，不作同比，环比增加2件；"
        "涉及3人次，环比增加2人次。"
    )
    assert text.count("上年同期无记录") == 1
    assert "同比" not in text.replace("不作同比", "")
    assert "上年同期无数据" not in text
    assert not any(
        "上年同期无数据" in cell for _, rows in Tables(html).tables for r in rows for cell in r
    )
    assert "申请复查3件；" in text or "申请复查3件。" in text
    assert "按期办结率100.0%，环比持平" in text
    rows = Tables(html).rows_by_label("主要数据")
    assert rows["登记（件）"] == ["3", "—", "上年同期无记录", "1", "增加2件"]
    assert "上年同期无记录，不作同比" in "".join(Outside(html).text)


def test_a_year_report_has_no_period_on_period(counts_tree: Repo) -> None:
    html, _ = render(counts_tree.root, "2026", "2026-12-31", today=date(2027, 1, 5))
    text = prose(html)
    assert text.startswith("2026年，全县共登记信访事项15件，同比上升15.4%；")  # 2 ÷ 13
    assert "环比" not in text and "上期" not in text
    assert Tables(html).table("主要数据")[0] == ["项目", "本期", "上年同期", "同比"]


# ---------------------------------------------------------------- narrative


NARRATIVE = """\
# 我局2026年上半年工作

## 下一步打算

- 落实首办责任制。

## 存在的问题

### 办理周期

部分事项办理周期偏长，共{{ counts.cases }}件。

## 主要做法和成效

坚持领导接访。
"""


def test_narrative_sections_out_of_order_with_a_leading_title(year_tree: Repo) -> None:
    year_tree.write("reports/2026H1.md", NARRATIVE)
    html, word = render(year_tree.root)
    assert "<h1>测试县信访局2026年上半年信访工作总结</h1>" in html
    assert headings(html) == [
        "一、基本情况", "二、办理情况", "三、领导接访和包案督办", "四、积案化解",
        "五、责任单位排名", "六、主要做法和成效", "七、存在的问题", "八、下一步打算",
        "附录：统计口径说明",
    ]  # fmt: skip
    assert "我局2026年上半年工作" not in html
    assert "<h3>办理周期</h3>" in html and "共1件。" in html
    # the Word draft says the same, in the same order
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word)).paragraphs]
    at = [paragraphs.index(h) for h in ("六、主要做法和成效", "七、存在的问题", "八、下一步打算")]
    assert at == sorted(at)
    assert "坚持领导接访。" in paragraphs
    assert any(p.startswith("2026年上半年，全县共登记信访事项1件") for p in paragraphs)


def test_a_summary_without_its_first_sections_numbers_on(year_tree: Repo) -> None:
    year_tree.write("reports/2026H1.md", "## 问题与不足\n\n甲。\n")
    html, _ = render(year_tree.root)
    assert headings(html)[5:] == ["六、问题与不足", "附录：统计口径说明"]


def test_text_before_the_first_section_names_file_and_line(year_tree: Repo) -> None:
    year_tree.write("reports/2026H1.md", "# 标题\n\n上半年工作总体平稳。\n\n## 存在的问题\n")
    with pytest.raises(RenderError, match=r"^reports/2026H1.md:3: 第一个小节标题之前不能有正文"):
        render(year_tree.root)
    out = year_tree.root / "output"
    code, _, err = xfgen("-C", str(year_tree.root), "--today", "2026-11-30", "build", "-p",
                         "2026H1", "--out", str(out))  # fmt: skip
    assert code != 0 and "reports/2026H1.md:3" in err
    assert not out.exists()


# ---------------------------------------------------------------- leaders


LEADERS_CONFIG = CONFIG + "leaders: [张伟（县委书记）, 李强（县长）, 王芳（县委副书记）]\n"


def activity(repo: Repo, number: int, day: str, leader: str, batches: int, people: int,
             level: str = "县级领导", kind: str = "接访") -> None:  # fmt: skip
    repo.write(
        f"activities/2026/HD2026-{number:04d}.yaml",
        f"id: HD2026-{number:04d}\ndate: {day}\nkind: {kind}\nleader: {leader}\n"
        f"level: {level}\nbatches: {batches}\npeople: {people}\n",
    )


def test_leaders_in_protocol_order_not_by_their_people(year_tree: Repo) -> None:
    year_tree.write("xfgen.yaml", LEADERS_CONFIG)
    activity(year_tree, 1, "2026-03-02", "王芳（县委副书记）", 5, 30)
    activity(year_tree, 2, "2026-03-03", "张伟（县委书记）", 1, 2)
    activity(year_tree, 3, "2026-03-04", "赵六（副县长）", 2, 9)
    activity(year_tree, 4, "2026-03-05", "李强（县长）", 2, 6, kind="下访")
    activity(year_tree, 5, "2026-03-06", "孙七（副县长）", 2, 9)
    activity(year_tree, 6, "2026-03-07", "周八（副镇长）", 1, 3, level="乡镇领导")
    text = prose(render(year_tree.root)[0])
    assert (
        "2026年上半年，各级领导接访、下访、约访共6次13批59人次，人次同比增加59人次；"
        "其中接访5次11批53人次，下访1次2批6人次。"
        "县级领导5次12批56人次，其中张伟（县委书记）1批2人次，李强（县长）2批6人次，"
        "王芳（县委副书记）5批30人次，孙七（副县长）2批9人次，赵六（副县长）2批9人次；"
        "乡镇领导1次1批3人次。"
    ) in text


def test_check_warns_once_per_first_level_leader_missing_from_leaders(year_tree: Repo) -> None:
    year_tree.write("xfgen.yaml", LEADERS_CONFIG)
    activity(year_tree, 1, "2026-03-02", "张伟（县委书记）", 1, 2)
    activity(year_tree, 2, "2026-03-05", "赵六（副县长）", 2, 9)
    activity(year_tree, 3, "2026-03-03", "赵六（副县长）", 1, 1)  # the earlier: its first use
    activity(year_tree, 4, "2026-03-06", "周八（副镇长）", 1, 3, level="乡镇领导")  # not warned
    code, out, err = xfgen("-C", str(year_tree.root), "--today", "2026-11-30", "check")
    assert code == 0, out + err
    said = out + err
    assert said.count("赵六（副县长）") == 1
    assert (
        "activities/2026/HD2026-0003.yaml:4: 领导“赵六（副县长）”（县级领导）不在 xfgen.yaml 的 leaders"
    ) in said
    assert "周八" not in said and "张伟" not in said
    year_tree.write("xfgen.yaml", CONFIG)  # without leaders: no warning
    code, out, err = xfgen("-C", str(year_tree.root), "--today", "2026-11-30", "check")
    assert "赵六" not in out + err

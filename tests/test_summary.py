"""The summary as an office reads and pastes it (DOMAIN.md "What a summary says").

One small repository, built with the real CLI into HTML and PDF. Its figures,
read by hand (natural days; every closed case took 20 days except #06):

2026H1, as of 2026-06-30 — 16 cases, 22 人次:
  channels 来信 9 (9/16 = 56.25% → 56.3%), 来访 2 batches of 6 and 2 people
  (2/16 = 12.5%; collective: the 6-person visit), 来电 1 (1/16 = 6.25% → 6.3%),
  网上信访 4 (25.0%); repeats #07 and #14, so 初信初访 14.
  sources 本级受理 10 (closed #01–#04, #11, #12: 6), 上级交办 6 (all closed), 上级转送 0.
  kinds 建议意见类 #12, 检举控告类 #15, 申诉求决类 14 (87.5%).
  accepted 14 (#09 not accepted, #13 undecided), closed 12: 解决 8, 部分解决 2
  (#04, #15), 解释疏导 1 (#05), 不予支持 1 (#06).
  categories 征地拆迁 8 (50.0%), 工资拖欠 5 (31.25% → 31.3%), 土地承包 3 (18.75% → 18.8%).
  及时受理率 15/15 (#13's window runs to 07-05); 按期办结率 11/14 = 78.57% → 78.6%
  (#06 closed 03-31 after its deadline 03-12; #08 and #16 open past theirs);
  办结率 12/14 = 85.71% → 85.7%; 参评率 11/12 = 91.67% → 91.7% (#05 未评价);
  满意率 10/11 = 90.91% → 90.9% (#04 不满意); days (11 × 20 + 79) / 12 = 24.92 → 24.9.
  复查 #04 requested and decided 维持; 复核 #04 requested, not decided.
  overdue open #08, #16; no 积案.
2025H1 (同比), as of 2025-06-30 — 2 cases: P1 closed in 20 days, satisfied; P2 closed
  05-20 after its deadline 05-01 (79 days), dissatisfied: 按期 50.0%, 办结 100.0%,
  参评 100.0%, 满意 50.0%, days 99 / 2 = 49.5.
2025H2 (环比), as of 2025-12-31 — 1 case.
So: cases (16 − 2) / 2 = +700.0%, 环比 (16 − 1) / 1 = +1500.0%; 按期 78.6 − 50.0 = +28.6;
办结 85.7 − 100.0 = −14.3; 参评 91.7 − 100.0 = −8.3; 满意 90.9 − 50.0 = +40.9;
days 24.9 − 49.5 = −24.6.
"""

from __future__ import annotations

import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Repo
from test_build import Tables, pdf_pages, xfgen

TODAY = "2026-11-20"


def case(
    number: str,
    received: str,
    channel: str = "来信",
    source: str = "本级受理",
    category: str = "城乡建设/征地拆迁",
    unit: str = "城关镇",
    accepted: str | None = None,
    closed: str | None = None,
    outcome: str = "解决",
    satisfaction: str | None = "满意",
    people: int = 1,
    kind: str = "申诉求决类",
    extra: str = "",
) -> tuple[str, str]:
    year = received[:4]
    lines = [
        f"id: XF{year}-{number}",
        f"received: {received}",
        f"channel: {channel}",
        f"source: {source}",
        f"people: {people}",
        f"kind: {kind}",
        f"category: {category}",
        "summary: 测试事项",
        f"unit: {unit}",
    ]
    if accepted:
        lines.append(f"accepted: {accepted}")
    if closed:
        lines += [f"closed: {closed}", f"outcome: {outcome}"]
        if satisfaction:
            lines.append(f"satisfaction: {satisfaction}")
    return f"cases/{year}/XF{year}-{number}.yaml", "\n".join(lines) + "\n" + extra


WAGES, LAND = "劳动社保/工资拖欠", "农村农业/土地承包"
CASES = [
    case("0001", "2026-01-05", accepted="2026-01-06", closed="2026-01-26"),
    case("0002", "2026-01-06", accepted="2026-01-07", closed="2026-01-27"),
    case("0003", "2026-01-07", accepted="2026-01-08", closed="2026-01-28", satisfaction="基本满意"),
    case("0004", "2026-01-08", category=WAGES, unit="河口镇", accepted="2026-01-09",
         closed="2026-01-29", outcome="部分解决", satisfaction="不满意",
         extra="review: {requested: 2026-02-10, decided: 2026-03-05, result: 维持}\n"
               "recheck: {requested: 2026-03-10}\n"),
    case("0005", "2026-01-09", source="上级交办", category=WAGES, unit="河口镇",
         accepted="2026-01-10", closed="2026-01-30", outcome="解释疏导", satisfaction=None),
    case("0006", "2026-01-10", source="上级交办", category=WAGES, unit="河口镇",
         accepted="2026-01-11", closed="2026-03-31", outcome="不予支持"),
    case("0007", "2026-02-01", source="上级交办", category=LAND, unit="县人社局",
         accepted="2026-02-02", closed="2026-02-22", extra="repeat_of: XF2026-0001\n"),
    case("0008", "2026-02-02", category=LAND, unit="县人社局", accepted="2026-02-03"),
    case("0009", "2026-02-03", extra="not_accepted: {date: 2026-02-05, reason: 依法分流}\n"),
    case("0010", "2026-02-04", channel="来访", people=6, source="上级交办",
         accepted="2026-02-05", closed="2026-02-25"),
    case("0011", "2026-02-05", channel="来访", people=2, category=WAGES, unit="河口镇",
         accepted="2026-02-06", closed="2026-02-26"),
    case("0012", "2026-03-01", channel="来电", kind="建议意见类", accepted="2026-03-02",
         closed="2026-03-22"),
    case("0013", "2026-06-20", channel="网上信访", category=WAGES, unit="河口镇"),
    case("0014", "2026-03-03", channel="网上信访", source="上级交办", accepted="2026-03-04",
         closed="2026-03-24", extra="repeat_of: XF2026-0002\n"),
    case("0015", "2026-03-04", channel="网上信访", source="上级交办", category=LAND,
         unit="县人社局", kind="检举控告类", accepted="2026-03-05", closed="2026-03-25",
         outcome="部分解决", satisfaction="基本满意"),
    case("0016", "2026-03-05", channel="网上信访", accepted="2026-03-06"),
    # 2025H1 (同比) and 2025H2 (环比)
    case("0001", "2025-02-01", accepted="2025-02-02", closed="2025-02-22"),
    case("0002", "2025-03-01", channel="来电", category=WAGES, unit="河口镇",
         accepted="2025-03-02", closed="2025-05-20", satisfaction="不满意"),
    case("0003", "2025-08-01", channel="网上信访", source="上级交办", category=LAND,
         unit="县人社局", accepted="2025-08-02", closed="2025-08-22"),
]  # fmt: skip

EXPECTED_PROSE = [
    # 一、基本情况: counts against fewer than 10 are worded as differences
    "2026年上半年，全县共登记信访事项16件，同比增加14件，环比增加15件；"
    "涉及22人次，同比增加20人次，环比增加21人次。其中已受理14件、不予受理1件、尚未作出受理决定1件。",
    "按信访形式分，来信9件（占56.3%），来访2批8人次（占12.5%；其中集体访1批6人次），来电1件（占6.3%），"
    "网上信访4件（占25.0%）；初信初访14件，重复信访2件。",
    "按来源分，本级受理10件、已办结6件，上级交办6件、已办结6件。"
    "按事项性质分，建议意见类1件（占6.3%），检举控告类1件（占6.3%），申诉求决类14件（占87.5%）。"
    "已办结事项中，解决8件，部分解决2件，解释疏导1件，不予支持1件。",
    # 2025H1 had 征地拆迁 1 (P1) and 工资拖欠 1 (P2)
    "按问题类别分，居前三位的是：征地拆迁8件（占50.0%，同比增加7件），"
    "工资拖欠5件（占31.3%，同比增加4件），土地承包3件（占18.8%，同比增加3件）。",
    # 二、办理情况 (2025H2: one case, closed in 20 days, on time, satisfied)
    "及时受理率100.0%，同比持平，环比持平；按期办结率78.6%，同比提高28.6个百分点，环比降低21.4个百分点；"
    "办结率85.7%，同比降低14.3个百分点，环比降低14.3个百分点；"
    "初信初访办结率83.3%，同比降低16.7个百分点，环比降低16.7个百分点；"
    "参评率91.7%，同比降低8.3个百分点，环比降低8.3个百分点；"
    "满意率90.9%，同比提高40.9个百分点，环比降低9.1个百分点；"
    "平均办理天数24.9天，同比减少24.6天，环比增加4.9天。",
    # 作出复核意见: 0 now and before, left out
    "申请复查1件，同比增加1件；作出复查意见1件，其中维持1件。申请复核1件，同比增加1件。",
    # 三、领导接访和包案督办: no activity, no 包案, no 督办: nothing said
    # 四、积案化解: no backlog now or before
    "截至2026年6月30日，超期未办结2件。",
]


class Prose(HTMLParser):
    """The text of every prose paragraph (<p class="lead">), tags removed."""

    def __init__(self, html: str):
        super().__init__()
        self.paragraphs: list[str] = []
        self.spans: list[str] = []  # the texts kept from breaking
        self._p: list[str] | None = None
        self._span: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and ("class", "lead") in attrs:
            self._p = []
        elif tag == "span" and ("class", "nb") in attrs:
            self._span = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._p is not None:
            self.paragraphs.append("".join(self._p))
            self._p = None
        elif tag == "span" and self._span is not None:
            self.spans.append("".join(self._span))
            self._span = None

    def handle_data(self, data: str) -> None:
        for sink in (self._p, self._span):
            if sink is not None:
                sink.append(data)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = Repo(tmp_path_factory.mktemp("summary"))
    for path, text in CASES:
        repo.write(path, text)
    out = repo.root / "output"
    code, _, err = xfgen(
        "-C", str(repo.root), "--today", TODAY, "build", "-p", "2026H1", "-p", "2026", "--out", str(out)
    )  # fmt: skip
    assert code == 0, err
    return out


def prose(built: Path, label: str) -> Prose:
    return Prose((built / label / "summary.html").read_text(encoding="utf-8"))


def test_whole_summary_prose_is_what_the_office_pastes(built: Path) -> None:
    assert prose(built, "2026H1").paragraphs == EXPECTED_PROSE


def test_numbers_keep_their_units_and_share_in_html(built: Path) -> None:
    p = prose(built, "2026H1")
    for kept in (
        "16件",
        "22人次",
        "占6.3%",
        "2批",
        "8人次",
        "28.6个百分点",
        "24.9天",
        "2026年6月30日",
    ):
        assert kept in p.spans
    assert "占56.3%" in p.spans


def test_prose_has_no_iso_date_no_full_category_label_and_no_spaces(built: Path) -> None:
    for label in ("2026H1", "2026"):
        for paragraph in prose(built, label).paragraphs:
            assert not re.search(r"\d{4}-\d{2}-\d{2}", paragraph)
            assert "/" not in paragraph  # 大类/小类 only in tables
            assert not re.search(r"\s", paragraph), paragraph


def shown_difference(now: str, before: str, kind: str) -> Decimal:
    """What a reader gets redoing the arithmetic on the printed values: a count against 10 or
    more as a percentage, against fewer as the difference (DOMAIN.md "Wording of changes")."""
    a, b = Decimal(now.rstrip("%")), Decimal(before.rstrip("%"))
    if kind == "count" and b >= 10:
        return ((a - b) / b * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return a - b


def printed_change(text: str) -> Decimal | None:
    match = re.fullmatch(r"(上升|下降|提高|降低|增加|减少)([\d.]+)(%|个百分点|天|件|人次|批)", text)
    if match is None:
        assert text in ("持平", "上年同期无数据", "上期无数据", "—"), text
        return Decimal(0) if text == "持平" else None
    sign = -1 if match[1] in ("下降", "降低", "减少") else 1
    return sign * Decimal(match[2])


def test_every_printed_change_is_the_difference_of_the_printed_values(built: Path) -> None:
    checked = 0
    for label in ("2026H1", "2026"):
        tables = Tables((built / label / "summary.html").read_text(encoding="utf-8"))
        for caption, rows in tables.tables:
            if not rows or rows[0][:4] != ["项目", "本期", "上年同期", "同比"]:
                continue
            pairs = [(1, 2, 3)] + ([(1, 4, 5)] if len(rows[0]) == 6 else [])
            for row in rows[1:]:
                for now, before, change in pairs:
                    kind = "count" if re.fullmatch(r"\d+", row[now]) else "rate"
                    expected = printed_change(row[change])
                    if expected is None or row[before] == "—":
                        continue
                    assert shown_difference(row[now], row[before], kind) == expected, (caption, row)
                    checked += 1
    assert checked > 40


def test_year_summary_has_no_previous_period_columns_and_halves_add_up(built: Path) -> None:
    tables = Tables((built / "2026" / "summary.html").read_text(encoding="utf-8"))
    assert tables.table("主要数据")[0] == ["项目", "本期", "上年同期", "同比"]
    halves = tables.rows_by_label("上半年与下半年对比")
    for name in ("登记（件）", "已受理（件）", "已办结（件）", "人次"):
        first, second, year = (int(v) for v in halves[name])
        assert first + second == year
    assert "环比" not in "".join(prose(built, "2026").paragraphs)
    text = (built / "2026" / "summary.html").read_text(encoding="utf-8")
    assert "办理情况均截至2026年11月20日" in text
    assert "全年" not in text


def test_appendix_explains_the_figures_and_this_office_settings(built: Path) -> None:
    pages = pdf_pages(built / "2026H1" / "summary.pdf")
    text = "".join(pages).replace("\n", "")  # 28 characters a line (a 公文)
    assert "附录：统计口径说明" in text
    assert "受理期限15日，办理期限60日" in text
    assert "本期登记不足3件的单位不参与排名" in text


@pytest.mark.parametrize("label", ["2026H1", "2026"])
def test_no_pdf_page_holds_only_a_note(built: Path, label: str) -> None:
    for page in pdf_pages(built / label / "summary.pdf"):
        body = [
            line
            for line in page.splitlines()
            if line.strip() and not line.startswith("测试县信访局") and not line.startswith("第 ")
        ]
        assert len(body) > 1, f"a page holding only {body}"
        assert not body[0].startswith(("注：", "得分为", "样本不足")), body


def test_pdf_fonts_are_embedded(built: Path) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(built / "2026" / "summary.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)


def test_every_figure_has_a_definition_and_the_docs_are_current() -> None:
    from xfgen.reports import definitions

    assert definitions._missing() == set(), "add a definition in xfgen/reports/definitions.py"
    doc = Path(__file__).resolve().parent.parent / "docs" / "统计口径.md"
    assert doc.read_text(encoding="utf-8") == definitions.markdown(), (
        "regenerate: python -m xfgen.reports.definitions > docs/统计口径.md"
    )

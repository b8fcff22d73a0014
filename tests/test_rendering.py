"""The report stage piece by piece: masking, ledger rows, narratives, templates, charts.

No PDFs here (tests/test_build.py renders and reads those); these tests call
the rendering functions directly on small hand-made data.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime

import pytest
from conftest import VALID_CASE, Repo

from xfgen.errors import RenderError
from xfgen.figures.compute import (
    PeriodFigures,
    backlog_cases,
    case_status,
    compute_figures,
    open_cases,
)
from xfgen.figures.deadlines import DeadlineRules
from xfgen.figures.periods import parse_period
from xfgen.records.models import Case, Deadlines, LeaderboardSettings, NotAccepted, Petitioner
from xfgen.records.validation import Project, load_project
from xfgen.reports import charts
from xfgen.reports.formatting import percent, rank_change, score_points
from xfgen.reports.ledgers import (
    BACKLOG_COLUMNS,
    OPEN_COLUMNS,
    PRINT_WIDTH_PT,
    REGISTER_COLUMNS,
    backlog_ledger,
    open_ledger,
    register_ledger,
)
from xfgen.reports.privacy import (
    HIDDEN,
    REPORTER_HIDDEN,
    PetitionerView,
    Privacy,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    petitioner_view,
)
from xfgen.reports.rendering import INTERNAL_MARK, Renderer, SiteInfo
from xfgen.reports.summary import summary_context
from xfgen.site.gitinfo import DataVersion

TODAY = date(2026, 11, 25)
RULES = DeadlineRules(Deadlines())  # natural days: accept 15, handle 60

# ---------------------------------------------------------------- privacy


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王建国", "王**"),
        ("王某某", "王**"),
        ("王五", "王**"),
        ("欧阳娜娜", "欧**"),
        ("王", "王**"),
    ],
)
def test_mask_name_keeps_only_the_first_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0931-8123456", "093*****3456"),
        ("1234567", "*******"),  # too short to keep 3 + 4 digits: nothing is kept
    ],
)
def test_mask_phone_keeps_first_3_and_last_4(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199001011234", "110101********1234"),
        ("11010119900101123X", "110101********123X"),
        ("1101011990", "**********"),
    ],
)
def test_mask_id_number_keeps_first_6_and_last_4(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("城关镇东关村5组", "城关镇"),
        ("平安县河口乡西湾村3组", "平安县河口乡"),
        ("城关街道东关社区12号楼", "城关街道"),
        ("城关镇", "城关镇"),
        ("镇江市京口区象山镇新民村", "镇江市京口区象山镇"),
        ("河南省新乡县七里营镇", "河南省新乡县七里营镇"),
    ],
)
def test_mask_address_cuts_to_the_town(address: str, masked: str) -> None:
    assert mask_address(address) == masked


@pytest.mark.parametrize("address", ["东关村5组", "人民街12号", "乡村路8号"])
def test_mask_address_without_a_town_shows_nothing_of_it(address: str) -> None:
    assert set(mask_address(address)) == {"*"}


def make_case(**changes: object) -> Case:
    """A closed 申诉求决类 case of 王建国; tests change one thing at a time."""
    case = Case(
        id="XF2026-0001",
        path="cases/2026/XF2026-0001.yaml",
        received=date(2026, 1, 5),
        channel="来访",
        source="本级受理",
        kind="申诉求决类",
        category="城乡建设/征地拆迁",
        summary="反映征地补偿款未足额发放",
        people=6,
        petitioner=Petitioner("王建国", "13812345678", "110101199001011234", "城关镇东关村5组"),
        unit="城关镇",
        leader="陈明（副镇长）",
        accepted=date(2026, 1, 8),
        closed=date(2026, 2, 20),
        outcome="解决",
        satisfaction="满意",
        notes="内部备注：绝密XYZ",
    )
    return dataclasses.replace(case, **changes)  # type: ignore[arg-type]


REPORT = {"kind": "检举控告类", "petitioner": Petitioner("李四海", "13900001111", "110101198002022222", "河口镇西湾村")}  # fmt: skip


def test_petitioner_view_is_masked_by_default() -> None:
    assert petitioner_view(make_case()) == PetitionerView(
        "王**", "138****5678", "110101********1234", "城关镇"
    )


def test_petitioner_view_internal_shows_everything() -> None:
    assert petitioner_view(make_case(), internal=True) == PetitionerView(
        "王建国", "13812345678", "110101199001011234", "城关镇东关村5组"
    )


def test_petitioner_view_missing_fields_are_hidden() -> None:
    case = make_case(petitioner=Petitioner(name="张某"))
    assert petitioner_view(case) == PetitionerView("张**", HIDDEN, HIDDEN, HIDDEN)
    assert petitioner_view(make_case(petitioner=Petitioner())).name == HIDDEN


@pytest.mark.parametrize("internal", [False, True])
def test_reporter_is_never_shown_not_even_masked(internal: bool) -> None:
    view = petitioner_view(make_case(**REPORT), internal=internal)
    assert view == PetitionerView(REPORTER_HIDDEN, HIDDEN, HIDDEN, HIDDEN)
    for value in dataclasses.astuple(view):
        assert "李" not in value and "139" not in value and "河口镇" not in value


# ---------------------------------------------------------------- ledgers

# As of 2026-06-30:
#   0001 closed 02-20, deadline 01-08 + 60 = 03-09: 按期办结
#   0002 检举控告类, same dates
#   0003 accepted 03-05, open, deadline 05-04: 超期 57 days
#   0004 accepted 05-01, open, deadline 06-30 (the as-of day): 临期, 0 days left, not late
#   0005 accepted 05-12, open, deadline 07-11: 11 days left, no flag
#   0006 not accepted 01-10
#   0007 received 06-20, undecided
#   0008 accepted 2025-01-02, open: 544 days, 积案
AS_OF = date(2026, 6, 30)
LEDGER_CASES = [
    make_case(),
    make_case(id="XF2026-0002", **REPORT),
    make_case(id="XF2026-0003", received=date(2026, 3, 1), accepted=date(2026, 3, 5), closed=None, outcome=None, satisfaction="未评价"),
    make_case(id="XF2026-0004", received=date(2026, 4, 25), accepted=date(2026, 5, 1), closed=None, outcome=None, satisfaction="未评价"),
    make_case(id="XF2026-0005", received=date(2026, 5, 10), accepted=date(2026, 5, 12), closed=None, outcome=None, satisfaction="未评价"),
    make_case(id="XF2026-0006", accepted=None, closed=None, outcome=None, satisfaction="未评价", unit=None,
              not_accepted=NotAccepted(date(2026, 1, 10), "依法分流至人民法院")),
    make_case(id="XF2026-0007", received=date(2026, 6, 20), accepted=None, closed=None, outcome=None, satisfaction="未评价"),
    make_case(id="XF2025-0008", received=date(2024, 12, 28), accepted=date(2025, 1, 2), closed=None, outcome=None, satisfaction="未评价"),
]  # fmt: skip


def statuses(*ids: str) -> list:
    chosen = [c for c in LEDGER_CASES if c.id in ids] if ids else LEDGER_CASES
    return [case_status(c, RULES, AS_OF) for c in chosen]


def test_register_columns_are_those_of_domain_md_in_order() -> None:
    assert [c.header for c in REGISTER_COLUMNS] == [
        "序号", "编号", "登记日期", "信访形式", "人数", "信访人", "反映问题", "问题类别", "责任单位",
        "包案领导", "受理日期", "办理期限", "办结日期", "办理结果", "满意度", "状态",
    ]  # fmt: skip
    for columns in (REGISTER_COLUMNS, OPEN_COLUMNS, BACKLOG_COLUMNS):
        headers = [c.header for c in columns]
        assert headers[:3] == ["序号", "编号", "登记日期"] and "信访人" in headers
        assert len(set(c.key for c in columns)) == len(columns)


def test_register_rows() -> None:
    ledger = register_ledger(
        statuses(), "2026年上半年信访事项登记台账", Privacy.of(LEDGER_CASES, False)
    )
    assert ledger.kind == "register" and len(ledger.rows) == len(LEDGER_CASES)
    first = ledger.rows[0].cells
    assert {k: first[k] for k in [c.key for c in REGISTER_COLUMNS]} == {
        "number": "1", "id": "XF2026-0001", "received": "2026-01-05", "channel": "来访",
        "people": "6", "petitioner": "王**", "summary": "反映征地补偿款未足额发放",
        "category": "城乡建设/征地拆迁", "unit": "城关镇", "leader": "陈明（副镇长）",
        "accepted": "2026-01-08", "deadline": "2026-03-09", "closed": "2026-02-20",
        "outcome": "解决", "satisfaction": "满意", "status": "按期办结",
    }  # fmt: skip
    by_id = {row.cells["id"]: row.cells for row in ledger.rows}
    assert by_id["XF2026-0002"]["petitioner"] == REPORTER_HIDDEN
    assert (by_id["XF2026-0003"]["status"], by_id["XF2026-0003"]["closed"]) == ("超期未办结", "")
    assert by_id["XF2026-0004"]["status"] == "办理中"
    assert (by_id["XF2026-0006"]["accepted"], by_id["XF2026-0006"]["status"]) == (
        "不予受理",
        "不予受理",
    )
    assert (by_id["XF2026-0006"]["unit"], by_id["XF2026-0006"]["deadline"]) == ("", "")
    assert by_id["XF2026-0007"]["status"] == "待受理"
    assert sum(float(w.rstrip("%")) for w in ledger.widths) == pytest.approx(100, abs=0.1)


def test_register_rows_internal_show_names_but_not_the_reporter() -> None:
    ledger = register_ledger(statuses(), "台账", Privacy.of(LEDGER_CASES, True))
    by_id = {row.cells["id"]: row.cells for row in ledger.rows}
    assert by_id["XF2026-0001"]["petitioner"] == "王建国"
    assert by_id["XF2026-0002"]["petitioner"] == REPORTER_HIDDEN


@pytest.mark.parametrize("internal", [False, True])
def test_no_ledger_cell_holds_contact_data_notes_or_the_reporter(internal: bool) -> None:
    cells = [
        value
        for ledger in (
            register_ledger(statuses(), "t", Privacy.of(LEDGER_CASES, internal)),
            open_ledger(statuses(), "t", Privacy.of(LEDGER_CASES, internal)),
            backlog_ledger(statuses(), "t", Privacy.of(LEDGER_CASES, internal)),
        )
        for row in ledger.rows
        for value in [*row.cells.values(), ledger.note, ledger.title]
    ]
    for secret in (
        "13812345678",
        "110101199001011234",
        "东关村",
        "绝密XYZ",
        "内部备注",
        "李四海",
        "李*",
    ):
        assert not [c for c in cells if secret in c], secret
    assert any("王建国" in c for c in cells) == internal


def test_open_ledger_flags_overdue_and_due_soon() -> None:
    ledger = open_ledger(
        open_cases(LEDGER_CASES, RULES, AS_OF), "在办事项台账", Privacy.of(LEDGER_CASES, False)
    )
    rows = {row.cells["id"]: row for row in ledger.rows}
    assert list(rows) == ["XF2025-0008", "XF2026-0003", "XF2026-0004", "XF2026-0005"]
    assert [row.cells["number"] for row in ledger.rows] == ["1", "2", "3", "4"]
    # 2025-0008: deadline 2025-03-03, 484 days before 2026-06-30.
    assert (rows["XF2025-0008"].flag, rows["XF2025-0008"].cells["status"]) == (
        "超期",
        "超期 484 天",
    )
    assert (rows["XF2026-0003"].flag, rows["XF2026-0003"].cells["status"]) == ("超期", "超期 57 天")
    assert rows["XF2026-0004"].flag == "临期" and rows["XF2026-0004"].cells["days_left"] == "0"
    assert rows["XF2026-0004"].cells["status"].startswith("临期")
    assert (rows["XF2026-0005"].flag, rows["XF2026-0005"].cells["days_left"]) == ("", "11")
    assert rows["XF2026-0005"].cells["status"] == "办理中"
    assert ledger.note.startswith("共 4 件在办，其中超期 2 件、临期（7 天内到期）1 件")


def test_backlog_ledger_shows_age() -> None:
    ledger = backlog_ledger(
        backlog_cases(LEDGER_CASES, RULES, AS_OF), "积案台账", Privacy.of(LEDGER_CASES, False)
    )
    assert [(r.cells["id"], r.cells["age"], r.flag) for r in ledger.rows] == [
        ("XF2025-0008", "544", "超期")  # 2025-01-02 to 2026-06-30
    ]
    assert ledger.note.startswith("共 1 件积案")


# ---------------------------------------------------------------- narrative and templates

# The narrative repository: as of 2026-06-30,
#   0001 (VALID_CASE): accepted 01-08, extended 30 days (deadline 04-07), closed 02-28: on time, 51 days
#   0002: accepted 03-02, open, deadline 05-01 passed: late
#   -> cases 2, on_time_closure 1/2 = 50.0%, avg_handling_days 51.0, no 2025 data.
SECOND_CASE = """\
id: XF2026-0002
received: 2026-03-01
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 劳动社保/工资拖欠
summary: 反映工资拖欠
unit: 河口镇
accepted: 2026-03-02
"""


@pytest.fixture
def project(repo: Repo) -> Project:
    repo.case(VALID_CASE)
    repo.case(SECOND_CASE)
    loaded = load_project(repo.root, TODAY)
    assert loaded.problems == ()
    return loaded


@pytest.fixture
def figures(project: Project) -> PeriodFigures:
    return compute_figures(
        project.cases, project.config, project.rules, parse_period("2026H1"), AS_OF
    )


def renderer(project: Project, internal: bool = False, **config: object) -> Renderer:
    site = SiteInfo(
        dataclasses.replace(project.config, **config),  # type: ignore[arg-type]
        datetime(2026, 7, 1, 9, 30),
        DataVersion("0123456789", dirty=False),
        internal,
    )
    return Renderer(project.root, site)


def narrative(project: Project, figures: PeriodFigures, text: str | bytes) -> str | None:
    """The narrative's sections as "name: html" lines (None without a file)."""
    path = project.root / "reports/2026H1.md"
    path.parent.mkdir(exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    sections = renderer(project).narrative(figures)
    if sections is None:
        return None
    return "\n".join(f"{s.name}: {s.html}" for s in sections)


def test_narrative_placeholders(project: Project, figures: PeriodFigures) -> None:
    html = narrative(
        project,
        figures,
        "## 主要做法和成效\n{{ office }}{{ period }}截至{{ as_of }}登记{{ counts.cases }}件，"
        "按期办结率{{ rates.on_time_closure }}，平均办理{{ avg_handling_days }}天，"
        "{{ yoy.counts.cases }}，{{ yoy.rates.closure }}。",
    )
    assert html == (
        "主要做法和成效: <p>测试县信访局2026年上半年截至2026年6月30日登记2件，按期办结率50.0%，"
        "平均办理51.0天，上年同期无记录，上年同期无记录。</p>"
    )


def test_narrative_sections_in_order_under_their_own_names(
    project: Project, figures: PeriodFigures
) -> None:
    text = (
        "# 2026年上半年工作总结\n\n"  # a leading title: ignored
        "## 下一步打算\n\n- 落实首办责任制\n\n# 重点工作\n\n加强督办\n\n"
        "# 问题与不足\n\n答复质量有待提高\n\n"
        "## 主要做法和成效 ##\n\n共{{ counts.cases }}件\n"
    )
    assert narrative(project, figures, text) == (
        "主要做法和成效: <p>共2件</p>\n"
        "问题与不足: <p>答复质量有待提高</p>\n"
        "下一步打算: <ul>\n<li>落实首办责任制</li>\n</ul>\n<h3>重点工作</h3>\n<p>加强督办</p>"
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("# 标题\n\n前言一段\n\n## 存在的问题\n\n文字\n", 3),
        ("\n前言\n## 存在的问题\n", 2),
        ("## 概述\n\n## 存在的问题\n", 1),  # a heading that is no section name
        ("# 标题\n# 又一个标题\n## 存在的问题\n", 2),
    ],
)
def test_narrative_text_before_the_first_section_is_an_error(
    project: Project, figures: PeriodFigures, text: str, line: int
) -> None:
    with pytest.raises(RenderError) as error:
        narrative(project, figures, text)
    assert str(error.value).startswith(f"reports/2026H1.md:{line}: 第一个小节标题之前不能有正文")
    assert "主要做法和成效" in str(error.value)


def test_narrative_section_twice_is_an_error(project: Project, figures: PeriodFigures) -> None:
    with pytest.raises(RenderError) as error:
        narrative(project, figures, "## 存在的问题\n\n甲\n\n## 问题与不足\n\n乙\n")
    assert str(error.value).startswith("reports/2026H1.md:5: “问题与不足”一节重复出现")


def test_no_narrative_file_means_no_section(project: Project, figures: PeriodFigures) -> None:
    assert renderer(project).narrative(figures) is None


def test_narrative_markdown_is_kept(project: Project, figures: PeriodFigures) -> None:
    html = narrative(
        project,
        figures,
        "## 下步打算\n\n### 督办\n\n**加强**督办，*按期*办结。\n\n- 一\n- 二\n\n"
        "| 单位 | 件数 |\n|---|---|\n| 城关镇 | 1 |\n",
    )
    assert html is not None
    for kept in ("<h3>督办</h3>", "<strong>加强</strong>", "<em>按期</em>", "<li>一</li>",
                 "<th>单位</th>", "<td>城关镇</td>"):  # fmt: skip
        assert kept in html, kept


def test_narrative_raw_html_is_removed(project: Project, figures: PeriodFigures) -> None:
    html = narrative(
        project,
        figures,
        "## 存在的问题\n\n正文<script>x()</script>\n\n<img src=x onerror=alert(1)>\n\n"
        '<iframe src="http://example.com"></iframe>\n\n<a href="javascript:alert(2)">链接</a>\n\n'
        "[另一个](javascript:alert(3))\n\n"
        '<p onclick="x()" style="color:red">段落</p>\n\n<style>body { display: none }</style>\n',
    )
    assert html is not None
    for gone in ("<script", "x()", "<img", "onerror", "<iframe", "example.com", "javascript",
                 "href", "onclick", "style", "alert", "display"):  # fmt: skip
        assert gone not in html, gone
    for kept in ("正文", "链接", "另一个", "段落"):
        assert kept in html


def test_narrative_unknown_placeholder(project: Project, figures: PeriodFigures) -> None:
    with pytest.raises(RenderError) as error:
        narrative(project, figures, "## 存在的问题\n满意率{{ rates.nope }}\n")
    message = str(error.value)
    assert message.startswith("reports/2026H1.md:2") and "未知的占位符" in message
    assert "nope" in message


def test_narrative_syntax_error_names_file_and_line(
    project: Project, figures: PeriodFigures
) -> None:
    with pytest.raises(RenderError) as error:
        narrative(project, figures, "# 标题\n\n## 存在的问题\n\n共{{ counts.cases 件\n")
    assert str(error.value).startswith("reports/2026H1.md:5: 占位符写法有误")


def test_narrative_must_be_utf8(project: Project, figures: PeriodFigures) -> None:
    with pytest.raises(RenderError, match="reports/2026H1.md.*UTF-8"):
        narrative(project, figures, "问题与不足".encode("gbk"))
    bom = "\ufeff## 存在的问题\n共{{ counts.cases }}件".encode()
    assert narrative(project, figures, bom) == "存在的问题: <p>共2件</p>"


def render_leaderboard(project: Project, figures: PeriodFigures, **options: object) -> str:
    return renderer(project, **options).page(  # type: ignore[arg-type]
        "leaderboard.html",
        path="2026H1/leaderboard.html",
        title="2026年上半年责任单位排行榜",
        as_of=AS_OF,
        f=figures,
    )


def test_theme_page(project: Project, figures: PeriodFigures) -> None:
    html = render_leaderboard(project, figures)
    assert '<link rel="stylesheet" href="../style.css">' in html
    assert '<a href="../index.html">' in html and '<a href="leaderboard.pdf">' in html
    assert "数据截至<strong>2026年6月30日</strong>" in html and "数据版本 0123456789" in html
    assert "生成于2026年7月1日 09:30" in html
    assert "责任单位办理情况排名" in html
    assert INTERNAL_MARK not in html and "期限按工作日规则计算" not in html


def test_internal_page_is_marked(project: Project, figures: PeriodFigures) -> None:
    html = renderer(project, internal=True).page(
        "leaderboard.html", path="2026H1/leaderboard.html", title="t", as_of=AS_OF, f=figures
    )
    assert html.count(INTERNAL_MARK) >= 2  # the banner on screen, the page footer in print


def test_holiday_rule_is_stated_on_the_page(project: Project, figures: PeriodFigures) -> None:
    html = render_leaderboard(project, figures, deadlines=Deadlines(calendar="workdays"))
    assert "期限按工作日规则计算" in html


def test_user_template_overrides_the_theme(
    repo: Repo, project: Project, figures: PeriodFigures
) -> None:
    repo.write(
        "templates/leaderboard.html",
        '{% extends "base.html" %}{% block content %}<p>本局排行：{{ f.leaderboard | length }} 个单位'
        "{{ '<b>' }}</p>{% endblock %}",
    )
    html = render_leaderboard(project, figures)
    assert "<p>本局排行：0 个单位&lt;b&gt;</p>" in html  # autoescaped like the theme
    assert "责任单位办理情况排名" not in html
    assert '<header class="site-header">' in html  # the theme's base around it


def test_user_base_extends_the_theme_base(
    repo: Repo, project: Project, figures: PeriodFigures
) -> None:
    repo.write(
        "templates/base.html",
        '{% extends "!theme/base.html" %}\n'
        "{% block head %}<style>.site-header h1::before { content: '★ '; }</style>{% endblock %}\n",
    )
    html = render_leaderboard(project, figures)
    assert ".site-header h1::before" in html  # the user's block
    assert '<link rel="stylesheet" href="../style.css">' in html  # the theme's base
    assert "责任单位办理情况排名" in html  # the theme's leaderboard, now on the user's base
    assert html.count("<html") == 1


def test_user_page_extends_the_theme_page(
    repo: Repo, project: Project, figures: PeriodFigures
) -> None:
    repo.write(
        "templates/leaderboard.html",
        '{% extends "!theme/leaderboard.html" %}{% block crumbs %} › 本局版{% endblock %}',
    )
    html = render_leaderboard(project, figures)
    assert "› 本局版" in html and "责任单位办理情况排名" in html


def test_user_template_syntax_error_names_file_and_line(
    repo: Repo, project: Project, figures: PeriodFigures
) -> None:
    repo.write(
        "templates/leaderboard.html", '{% extends "base.html" %}\n\n{% block content %}{% if %}'
    )
    with pytest.raises(RenderError) as error:
        render_leaderboard(project, figures)
    assert re.search(r"templates/leaderboard\.html:3 有错误", str(error.value)), error.value


def test_user_template_unknown_variable_is_an_error(
    repo: Repo, project: Project, figures: PeriodFigures
) -> None:
    repo.write(
        "templates/leaderboard.html",
        '{% extends "base.html" %}{% block content %}{{ f.no_such_figure }}{% endblock %}',
    )
    with pytest.raises(RenderError, match="leaderboard.html"):
        render_leaderboard(project, figures)


def test_css_strings_cannot_escape_the_style_element(
    project: Project, figures: PeriodFigures
) -> None:
    html = renderer(project, office='测试县"}</style><script>x()</script>').page(
        "leaderboard.html", path="2026H1/leaderboard.html", title="t", as_of=AS_OF, f=figures
    )
    assert "<script" not in html
    head = html.split("</head>")[0]
    assert head.count("</style>") == 1


def test_scope_names_the_jurisdiction(project: Project) -> None:
    assert renderer(project).site.scope == "全县"
    assert renderer(project, office="平安市信访局").site.scope == "全市"
    assert renderer(project, office="城关镇信访办").site.scope == "全镇"


def test_display_formats() -> None:
    assert [percent(None), percent(0.0), percent(2 / 3), percent(1.0)] == ["—", "0.0%", "66.7%", "100.0%"]  # fmt: skip
    assert [score_points(None), score_points(0.766666), score_points(1.0)] == ["—", "76.7", "100.0"]
    assert rank_change(None, None) == "新上榜"
    assert [rank_change(0, 2), rank_change(2, 3), rank_change(-1, 1)] == ["持平", "↑2", "↓1"]


# ---------------------------------------------------------------- charts


@pytest.mark.parametrize("largest", [0, 1, 3, 5, 6, 7, 10, 11, 49, 51, 99, 101, 251, 999, 12345])
def test_axis_maximum_is_nice_and_covers_the_data(largest: int) -> None:
    chart = charts.horizontal_bars("t", [("a", largest)])
    values = [int(t.text) for t in chart.ticks]
    assert values[0] == 0 and values[-1] >= largest
    assert 2 <= len(values) <= 6
    steps = {b - a for a, b in zip(values, values[1:], strict=False)}
    assert len(steps) == 1 and (step := steps.pop()) > 0
    assert re.fullmatch(r"(1|2|25|5)0*", str(step))
    assert values[-1] < max(largest, 1) * 2.5 + step  # not wastefully tall


ITEMS = [("劳动社保/工资拖欠", 4), ("城乡建设/征地拆迁", 3), ("农村农业/土地承包", 2), ("其他", 0)]


def test_horizontal_bars_geometry() -> None:
    chart = charts.horizontal_bars("主要问题类别（件）", ITEMS)
    right = chart.plot_left + chart.plot_width
    axis_max = max(int(t.text) for t in chart.ticks)
    assert [b.label for b in chart.bars] == [label for label, _ in ITEMS]
    for bar, (_, value) in zip(chart.bars, ITEMS, strict=True):
        assert bar.x == chart.plot_left and bar.text == str(value)
        assert bar.width == pytest.approx(chart.plot_width * value / axis_max)
        assert bar.y >= 0 and bar.y + bar.height <= chart.height
        assert bar.x + bar.width + 4 + 8 * len(bar.text) <= chart.width  # the value fits
    assert chart.bars[0].width <= chart.plot_width and chart.bars[-1].width == 0
    ys = [b.y for b in chart.bars]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)  # one row each, in the given order
    assert [t.position for t in chart.ticks] == sorted(t.position for t in chart.ticks)
    assert chart.ticks[0].position == chart.plot_left
    assert chart.ticks[-1].position == pytest.approx(right)
    # Each label sits on its bar's row, left of the plot, and fits there (12px per character).
    for label, bar in zip(chart.labels, chart.bars, strict=True):
        assert bar.y <= label.position <= bar.y + bar.height
        assert 12 * len(label.text) <= chart.plot_left - 6


def test_monthly_columns_geometry() -> None:
    months = ["1月", "2月", "3月", "4月", "5月", "6月"]
    received, closed = [3, 0, 7, 1, 2, 5], [0, 1, 2, 6, 0, 3]
    chart = charts.monthly_columns(
        "各月登记与办结件数", months, [received, closed], ["登记", "办结"]
    )
    baseline = chart.plot_top + chart.plot_height
    axis_max = max(int(t.text) for t in chart.ticks)
    assert axis_max >= 7 and len(chart.bars) == 12 and chart.legend == ("登记", "办结")
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(baseline)  # standing on the axis
        assert bar.height == pytest.approx(chart.plot_height * bar.value / axis_max)
        assert chart.plot_left <= bar.x and bar.x + bar.width <= chart.plot_left + chart.plot_width
        assert bar.y - 3 - 9 >= 0  # the value printed above fits
    # Within a month the series sit side by side; months do not overlap.
    spans = sorted((b.x, b.x + b.width) for b in chart.bars)
    assert all(
        a_end <= b_start + 1e-9 for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False)
    )
    for m, label in enumerate(chart.labels):
        pair = [b for b in chart.bars if b.label == months[m]]
        assert len(pair) == 2 and pair[0].x < label.position < pair[1].x + pair[1].width
    assert chart.ticks[0].position == pytest.approx(baseline)
    assert chart.ticks[-1].position >= chart.plot_top - 1e-9
    assert chart.plot_top + chart.plot_height + 16 <= chart.height


def test_empty_charts_do_not_divide_by_zero() -> None:
    bars = charts.horizontal_bars("t", [])
    assert bars.bars == () and bars.height > 0
    columns = charts.monthly_columns("t", ["1月"], [[0], [0]], ["登记", "办结"])
    assert [b.height for b in columns.bars] == [0, 0]


def test_summary_svg_stays_inside_its_viewbox(project: Project, figures: PeriodFigures) -> None:
    html = renderer(project).page(
        "summary.html",
        path="2026H1/summary.html",
        title="2026年上半年信访工作统计",
        as_of=AS_OF,
        f=figures,
        narrative=None,
        **summary_context(figures, project.config, "全县"),
    )
    svgs = re.findall(r'<svg [^>]*viewBox="0 0 ([\d.]+) ([\d.]+)"[^>]*>(.*?)</svg>', html, re.S)
    assert len(svgs) == 3
    for width, height, body in svgs:
        w, h = float(width), float(height)
        for x, y, rw, rh in re.findall(
            r'<rect x="([-\d.]+)" y="([-\d.]+)" width="([-\d.]+)" height="([-\d.]+)"', body
        ):
            assert float(x) >= 0 and float(x) + float(rw) <= w + 0.1
            assert float(y) >= 0 and float(y) + float(rh) <= h + 0.1
            assert float(rw) >= 0 and float(rh) >= 0
        for x, y in re.findall(r'<text x="([-\d.]+)" y="([-\d.]+)"', body):
            assert 0 <= float(x) <= w and 0 <= float(y) <= h
    # The figures behind the bars: 2 cases in 2 categories and 2 units, 1 each.
    assert "城乡建设/征地拆迁" in svgs[1][2] and "河口镇" in svgs[2][2]


def test_error_in_an_extended_user_template_names_that_template(
    repo: Repo, project: Project, figures: PeriodFigures
) -> None:
    repo.write(
        "templates/base.html",
        '{% extends "!theme/base.html" %}{% block head %}{{ no_such_value }}{% endblock %}',
    )
    with pytest.raises(RenderError, match="base.html"):
        render_leaderboard(project, figures)


def test_bar_chart_labels_fit_their_column() -> None:
    """The label column grows with the longest label (up to 40%); longer ones get "…"."""
    from xfgen.reports.charts import fit_label, horizontal_bars, text_width

    short = horizontal_bars("t", [("城关镇", 3), ("县人社局", 5)])
    assert short.plot_left == text_width("县人社局") + 10 == 58  # 4 CJK characters of 12 px, + gap
    long_label = "城乡建设/住房保障/保障性住房分配与管理及后续监督检查"
    chart = horizontal_bars("t", [(long_label, 4)], width=640)
    assert chart.plot_left == 640 * 0.4
    (label,) = chart.labels
    assert label.text.endswith("…") and long_label.startswith(label.text[:-1])
    assert text_width(label.text) <= chart.plot_left - 10
    assert fit_label("城关镇", 100) == "城关镇"


def test_units_without_a_score_are_listed_apart_from_too_few(project: Project) -> None:
    # min_cases 1, only satisfaction weighted: 城关镇 (closed, 满意) scores 100;
    # 河口镇 (open, nothing rated) has no weighted rate with data: no score, not 样本不足.
    weights = {"on_time_closure": 0, "satisfaction": 1, "timely_acceptance": 0, "closure": 0}
    board = LeaderboardSettings(1, weights)  # as load_config gives it: omitted rates weigh 0
    config = dataclasses.replace(project.config, leaderboard=board)
    f = compute_figures(project.cases, config, project.rules, parse_period("2026H1"), AS_OF)
    html = render_leaderboard(project, f, leaderboard=board)
    assert "暂无得分（计入得分的比率均无数据，不参与排名）：河口镇（1件）。" in html
    assert "样本不足" not in html


def test_misspelt_placeholder_names_file_line_and_the_nearest_name(
    project: Project, figures: PeriodFigures
) -> None:
    with pytest.raises(RenderError) as error:
        narrative(project, figures, "## 存在的问题\n\n按期办结率{{ rates.on_time_closur }}\n")
    assert str(error.value).startswith(
        "reports/2026H1.md:3: 未知的占位符“rates.on_time_closur”，最接近的是“rates.on_time_closure”。"
    )
    with pytest.raises(RenderError) as error:
        narrative(project, figures, "# 标题\n## 存在的问题\n共{{ cuonts.cases }}件\n")
    assert str(error.value).startswith(
        "reports/2026H1.md:3: 未知的占位符“cuonts”，最接近的是“counts”。"
    )


def test_unit_ledger_leaves_out_the_unit_and_categories_break_only_after_the_slash(
    project: Project,
) -> None:
    privacy = Privacy.of(LEDGER_CASES, False)
    ledger = register_ledger(statuses(), "城关镇台账", privacy, with_unit=False)
    assert "责任单位" not in [c.header for c in ledger.columns]
    # 问题类别 is at least as wide as its longest part ("城乡建设/", 5 characters at 7.5 pt + 6 pt)
    share = {
        c.key: float(w.rstrip("%")) for c, w in zip(ledger.columns, ledger.widths, strict=True)
    }
    assert share["category"] / 100 * PRINT_WIDTH_PT >= 5 * 7.5 + 6
    html = renderer(project).page(
        "ledger.html",
        path="2026H1/units/x.html",
        title="城关镇台账",
        as_of=AS_OF,
        ledger=ledger,
        f=None,
    )
    assert (
        '<td class="category"><span class="nb">城乡建设/</span><span class="nb">征地拆迁</span></td>'
        in html
    )


# Limits on the office's own templates and narratives (xfgen/reports/limits.py).
ENDLESS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def _signals_work() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def test_a_narrative_that_grows_without_bound_is_stopped_naming_the_file(
    project: Project, figures: PeriodFigures
) -> None:
    for text in ('{{ "很长" * 100000000 }}', "{{ 9 ** 99999999 }}", '{{ ("x" * 999999) + "yy" }}'):
        with pytest.raises(RenderError) as error:
            narrative(project, figures, "## 存在的问题\n" + text)
        assert str(error.value).startswith("reports/2026H1.md: 无法生成：")
    assert (
        narrative(project, figures, '## 存在的问题\n{{ "好" * 3 }}') == "存在的问题: <p>好好好</p>"
    )


def test_a_narrative_that_loops_is_stopped_after_its_time_limit(
    project: Project, figures: PeriodFigures, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _signals_work():
        pytest.skip("timer signals reach the main thread only")
    monkeypatch.setattr("xfgen.reports.rendering.USER_RENDER_SECONDS", 0.5)
    with pytest.raises(RenderError) as error:
        narrative(project, figures, "## 存在的问题\n开头\n" + ENDLESS)
    assert str(error.value) == (
        "reports/2026H1.md: 无法生成：运行超过 0.5 秒仍未完成（模板中可能有过大的循环）。"
    )


def test_an_office_template_that_loops_is_stopped_naming_its_file(
    project: Project, figures: PeriodFigures, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _signals_work():
        pytest.skip("timer signals reach the main thread only")
    monkeypatch.setattr("xfgen.reports.rendering.USER_RENDER_SECONDS", 0.5)
    (project.root / "templates").mkdir()
    (project.root / "templates" / "leaderboard.html").write_text(
        '{% extends "!theme/leaderboard.html" %}\n{% block content %}\n'
        + ENDLESS
        + "\n{% endblock %}\n",
        encoding="utf-8",
    )
    with pytest.raises(RenderError) as error:
        renderer(project).page(
            "leaderboard.html", path="2026H1/leaderboard.html", title="t", as_of=AS_OF, f=figures
        )
    assert str(error.value).startswith(
        "模板 templates/leaderboard.html:3 无法生成：运行超过 0.5 秒"
    )


def test_a_misspelt_name_in_an_office_template_names_the_line_and_the_nearest_name(
    project: Project, figures: PeriodFigures
) -> None:
    (project.root / "templates").mkdir()
    (project.root / "templates" / "leaderboard.html").write_text(
        '{% extends "!theme/leaderboard.html" %}\n{% block content %}\n{{ ofice }}\n{% endblock %}\n',
        encoding="utf-8",
    )
    with pytest.raises(RenderError) as error:
        renderer(project).page(
            "leaderboard.html", path="2026H1/leaderboard.html", title="t", as_of=AS_OF, f=figures
        )
    assert str(error.value) == (
        "模板 templates/leaderboard.html:3 有错误：未知的名称“ofice”，最接近的是“office”。"
    )

"""`xfgen build` end to end: real HTML, real PDFs (WeasyPrint), read back with poppler.

Two small hand-made repositories are built once per module (each build renders
about ten PDFs in a few seconds):

* ``site``: ten cases whose figures are computed by hand below, in a git
  repository, with a narrative and a user template; built public (output/),
  then, after an uncommitted edit, internal with an as-of inside the period
  (output-internal/).
* ``big``: sixty generated cases of one unit, so that the register ledger and
  the unit ledger run over several pages.

Failing builds work on a copy of ``site`` (copying is cheap; building is not).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import docx
import openpyxl
import pytest
from conftest import VALID_CASE, Repo
from pypdf import PdfReader

from xfgen.cli import main
from xfgen.reports.fonts import print_fonts
from xfgen.reports.formatting import chinese_date
from xfgen.reports.pdf import find_cjk_font
from xfgen.reports.privacy import REPORTER_HIDDEN
from xfgen.site.publish import staging

TODAY = "2026-11-25"
OFFICE = "测试县信访局"
INTERNAL_MARK = "内部资料 注意保密"
THEME_MARK = '<meta name="xfgen-test" content="本局模板">'
# Inline SVG carries its namespace name; it is an identifier, never fetched.
SVG_NAMESPACE = 'xmlns="http://www.w3.org/2000/svg"'
# DOMAIN.md "Ledgers": the register's columns, in order.
REGISTER_HEADER = "序号 编号 登记日期 信访形式 人数 信访人 反映问题 问题类别 责任单位 包案领导 受理日期 办理期限 办结日期 办理结果 满意度 状态"


def register_header(name: str) -> str:
    """The register's header as printed; a unit's own ledger leaves out 责任单位."""
    header = REGISTER_HEADER.replace(" 责任单位", "") if "units/" in name else REGISTER_HEADER
    return header.replace(" ", "")


# ---------------------------------------------------------------- the small repository
#
# 2026H1, as of 2026-06-30 (today 2026-11-25). Deadlines: acceptance = received
# + 15 days, handling = accepted + 60 days (natural days, no extensions here).
#
# id    recv   chan  ppl unit     accepted      closed   deadline  notes
# 0001  01-05  来访   6  城关镇    01-08 (in time) 02-20   03-09     on time, 满意, 43 days
# 0002  01-10  来信   1  河口镇    01-20 (in time) 03-15   03-21     on time, 基本满意, 54 days; 检举控告类
# 0003  02-01  来电   1  县人社局  02-10 (in time) 04-20   04-11     LATE, 不满意, 69 days; review 维持
# 0004  02-15  网上   1  城关镇    03-10 (LATE:>03-02) 04-11 05-09   on time, 未评价, 32 days
# 0005  03-01  来访   2  城关镇    03-05 (in time) (07-20) 05-04     open & overdue at 06-30; skip_level, repeat
# 0006  04-01  来信   1  河口镇    not accepted 04-05 (in time)
# 0007  06-20  来电   1  河口镇    (07-01)                           undecided at 06-30, window open till 07-05
# 0008  05-10  来访   1  县人社局  05-12 (in time) (07-05) 07-11     open, not yet due
# 0009  04-25  来信   1  县人社局  05-01 (in time) (07-02) 06-30     open, due on the as-of day: 临期, not late
# 2024-0001 (2024-12-20, accepted 2024-12-25, open): 积案 before and during 2026H1, overdue.
# 2025-0001 (2025H1, closed in 27 days, 满意): the only case of 上年同期.
#
# counts: cases 9; accepted 7 (all but 0006, 0007); not_accepted 1; undecided 1;
#   closed 4 (0001-0004); visits 3 batches / 9 people (0001, 0005, 0008);
#   collective 1 / 6 (0001); skip_level 1; repeat 1; overdue_open 2 (0005, 2024-0001);
#   backlog 1 (2024-0001: 552 days); backlog at start 1, resolved 0.
# rates: timely 7/8 = 87.5% (0004 late, 0007 not due); closure 4/7 = 57.1%;
#   on time 3/5 = 60.0% (0001, 0002, 0004 of 0001-0005; 0008, 0009 not due);
#   rating participation 3/4 = 75.0%; satisfaction 2/3 = 66.7%; repeat 1/9 = 11.1%;
#   review 1/4 = 25.0%, upheld 1/1 = 100.0%; avg days (43+54+69+32)/4 = 49.5.
# units (all 3 cases): 河口镇 1, 1, 1, 1 -> 100.0; 城关镇 timely 2/3, closure 2/3,
#   on time 2/3, satisfaction 1/1 -> .4*2/3+.3+.2*2/3+.1*2/3 = 76.7;
#   县人社局 timely 1, closure 1/3, on time 0, satisfaction 0 -> .2+.1/3 = 23.3.
# 同比 (2025H1 as of 2025-06-30: 1 case, all rates 100%, 27 days):
#   cases 同比上升800.0%, on time 同比降低40.0个百分点, days 同比增加22.5天.
#
# As of 2026-03-31 (the internal build): cohort 0001-0005 (5); closed 2 (0001, 0002);
#   timely 4/5 = 80.0%; closure 2/5 = 40.0%; on time 2/2 = 100.0% (0003-0005 not due);
#   satisfaction 2/2 = 100.0%; review 0/2 = 0.0%, upheld —; avg (43+54)/2 = 48.5;
#   overdue_open 1, backlog 1 (2024-0001); 城关镇 (3 cases) timely 2/3, closure 1/3,
#   on time 1/1, satisfaction 1/1 -> .4+.3+.2*2/3+.1/3 = 86.7, rank 1;
#   河口镇 and 县人社局 have 1 case each: 样本不足.

WANG = """\
petitioner:
  name: 王建国
  phone: "13812345678"
  id_number: "110101199001011234"
  address: 城关镇东关村5组
notes: 内部备注：绝密XYZ
"""

SMALL_CASES = {
    "2026/XF2026-0001": f"""\
id: XF2026-0001
received: 2026-01-05
channel: 来访
source: 本级受理
people: 6
kind: 申诉求决类
category: 城乡建设/征地拆迁
summary: 反映征地补偿款未足额发放
{WANG}unit: 城关镇
leader: 陈明（副镇长）
accepted: 2026-01-08
progress:
  - date: 2026-01-09
    action: 交办
    note: 王建国情绪激动，绝密XYZ
closed: 2026-02-20
outcome: 解决
satisfaction: 满意
""",
    "2026/XF2026-0002": """\
id: XF2026-0002
received: 2026-01-10
channel: 来信
source: 上级交办
kind: 检举控告类
category: 农村农业/土地承包
summary: 检举村干部侵占集体土地收益
petitioner:
  name: 李四海
  phone: "13900001111"
  id_number: "110101198002022222"
  address: 河口镇西湾村3组
unit: 河口镇
accepted: 2026-01-20
closed: 2026-03-15
outcome: 部分解决
satisfaction: 基本满意
notes: 检举人李四海要求保密，绝密XYZ
""",
    "2026/XF2026-0003": """\
id: XF2026-0003
received: 2026-02-01
channel: 来电
source: 本级受理
kind: 申诉求决类
category: 劳动社保/工资拖欠
summary: <script>alert(1)</script>反映工资拖欠
petitioner:
  name: 张某
unit: 县人社局
accepted: 2026-02-10
closed: 2026-04-20
outcome: 解释疏导
satisfaction: 不满意
review:
  requested: 2026-05-01
  decided: 2026-05-25
  result: 维持
""",
    "2026/XF2026-0004": """\
id: XF2026-0004
received: 2026-02-15
channel: 网上信访
source: 本级受理
kind: 建议意见类
category: 城乡建设/征地拆迁
summary: 建议公开征地补偿标准
petitioner:
  name: 周某某
unit: 城关镇
accepted: 2026-03-10
closed: 2026-04-11
outcome: 解决
""",
    "2026/XF2026-0005": f"""\
id: XF2026-0005
received: 2026-03-01
channel: 来访
source: 上级转送
people: 2
skip_level: true
repeat_of: XF2026-0001
kind: 申诉求决类
category: 城乡建设/征地拆迁
summary: 再次反映征地补偿款未足额发放
{WANG}unit: 城关镇
accepted: 2026-03-05
closed: 2026-07-20
outcome: 解决
satisfaction: 满意
""",
    "2026/XF2026-0006": """\
id: XF2026-0006
received: 2026-04-01
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 劳动社保/工资拖欠
summary: 要求确认劳动关系
petitioner:
  name: 吴某
unit: 河口镇
not_accepted:
  date: 2026-04-05
  reason: 依法分流至劳动仲裁
""",
    "2026/XF2026-0007": """\
id: XF2026-0007
received: 2026-06-20
channel: 来电
source: 本级受理
kind: 建议意见类
category: 农村农业/土地承包
summary: 建议规范土地流转合同
petitioner:
  name: 郑某
unit: 河口镇
accepted: 2026-07-01
""",
    "2026/XF2026-0008": """\
id: XF2026-0008
received: 2026-05-10
channel: 来访
source: 本级受理
kind: 申诉求决类
category: 劳动社保/工资拖欠
summary: 反映企业拖欠工资
petitioner:
  name: 冯某某
unit: 县人社局
accepted: 2026-05-12
closed: 2026-07-05
outcome: 解决
satisfaction: 满意
""",
    "2026/XF2026-0009": """\
id: XF2026-0009
received: 2026-04-25
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 劳动社保/工资拖欠
summary: 反映社保关系转移受阻
petitioner:
  name: 陈某
unit: 县人社局
accepted: 2026-05-01
closed: 2026-07-02
outcome: 解决
""",
    "2024/XF2024-0001": """\
id: XF2024-0001
received: 2024-12-20
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 劳动社保/工资拖欠
summary: 反映工程款拖欠多年未结
petitioner:
  name: 赵某某
unit: 县人社局
accepted: 2024-12-25
""",
    "2025/XF2025-0001": """\
id: XF2025-0001
received: 2025-03-01
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 城乡建设/征地拆迁
summary: 反映宅基地审批缓慢
petitioner:
  name: 孙某
unit: 河口镇
accepted: 2025-03-05
closed: 2025-04-01
outcome: 解决
satisfaction: 满意
""",
}

NARRATIVE = """\
## 问题与不足

本期共登记{{ counts.cases }}件，按期办结率{{ rates.on_time_closure }}。

<script>x()</script>

<img src=x onerror=alert(1)>

- 部分单位办理周期偏长
"""

# A user template extending the package's own (README "自定义模板").
USER_BASE = (
    '{% extends "!theme/base.html" %}\n'
    '{% block head %}<meta name="xfgen-test" content="本局模板">{% endblock %}\n'
)


# ---------------------------------------------------------------- helpers


def xfgen(*args: str) -> tuple[int, str, str]:
    """Run ``xfgen args`` in-process; exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit) as done,
    ):
        main(list(args))
    return int(done.value.code or 0), out.getvalue(), err.getvalue()


def build(root: Path, *args: str) -> tuple[int, str, str]:
    return xfgen("-C", str(root), "--today", TODAY, "build", *args)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=xfgen tests", "-c", "user.email=t@example.invalid",
         "-c", "commit.gpgsign=false", *args],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def files(folder: Path, suffix: str) -> list[Path]:
    return sorted(folder.rglob(f"*{suffix}"))


@functools.cache
def pdf_pages(path: Path) -> tuple[str, ...]:
    """The text of each page, as ``pdftotext -raw`` reads it (pages end with a form feed)."""
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    pages = text.split("\f")
    assert pages[-1].strip() == ""
    assert len(pages) - 1 == len(PdfReader(path).pages)
    return tuple(pages[:-1])


def pdf_fonts(path: Path) -> list[tuple[str, str]]:
    """(font name, emb column) for every font ``pdffonts`` lists."""
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    emb = lines[0].index(" emb ") + 1
    return [(line.split()[0], line[emb : emb + 3]) for line in lines[2:] if line.strip()]


def page_sizes(path: Path) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in PdfReader(path).pages]


def output_text(folder: Path) -> dict[str, str]:
    """What a reader of the site can see: every HTML and CSS file, the text of every PDF,
    every cell of every workbook."""
    texts = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in [*files(folder, ".html"), *files(folder, ".css")]
    }
    for p in files(folder, ".docx"):
        texts[p.relative_to(folder).as_posix()] = "\n".join(docx_text(p))
    for p in files(folder, ".xlsx"):
        texts[p.relative_to(folder).as_posix()] = "\n".join(
            "\t".join(str(v) for v in row) for row in workbook_rows(p)
        )
    for p in files(folder, ".pdf"):
        text = "\n".join(pdf_pages(p))
        # Table cells wrap: 王建国 may print as 王建 / 国. Search the text both ways.
        texts[p.relative_to(folder).as_posix()] = text + "\n" + text.replace("\n", "")
    return texts


def docx_text(path: Path) -> list[str]:
    """Every paragraph, table cell and page header of a Word document, in order."""
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    texts += [p.text for section in document.sections for p in section.header.paragraphs]
    return texts


def workbook_rows(path: Path) -> list[tuple[object, ...]]:
    """Every row of the workbook's only sheet, values as openpyxl reads them."""
    book = openpyxl.load_workbook(path)
    (sheet,) = book.worksheets
    return list(sheet.iter_rows(values_only=True))


class Tables(HTMLParser):
    """Tables of a page as (caption, rows of cell texts); also every href."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.hrefs: list[str] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v is not None]

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self.tables[-1] = ("".join(self._caption).strip(), self.tables[-1][1])
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        for sink in (self._cell, self._caption):
            if sink is not None:
                sink.append(data)

    def table(self, caption_start: str) -> list[list[str]]:
        (rows,) = [rows for caption, rows in self.tables if caption.startswith(caption_start)]
        return rows

    def rows_by_label(self, caption_start: str) -> dict[str, list[str]]:
        return {row[0]: row[1:] for row in self.table(caption_start)[1:]}


def percent(rate: float | None) -> str:
    """A JSON rate as the reports print it: half up from the decimal the float stands for."""
    if rate is None:
        return "—"
    return f"{(Decimal(repr(rate)) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def stats_json(root: Path, *args: str) -> dict:
    code, out, err = xfgen("-C", str(root), "--today", TODAY, "stats", "--json", *args)
    assert code == 0, err
    return json.loads(out)


def ledger_rows(path: Path) -> list[dict[str, str]]:
    """The body rows of a ledger page, keyed by column header."""
    header, *rows = Tables(path.read_text(encoding="utf-8")).table("")
    return [dict(zip(header, row, strict=True)) for row in rows if len(row) == len(header)]


def petitioner_cells(folder: Path) -> dict[str, str]:
    return {row["编号"]: row["信访人"] for row in ledger_rows(folder / "2026H1/register.html")}


def no_staging_left(root: Path) -> list[str]:
    # (.xfgen-cache/, the parse cache, is no staging folder: it is meant to stay)
    return [p.name for p in root.iterdir() if ".xfgen-" in p.name and p.name != ".xfgen-cache"]


# ---------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class Site:
    root: Path
    out: Path  # the public build, as of each period's end
    internal: Path  # the internal build, as of 2026-03-31, after an uncommitted edit
    commit: str
    public_run: tuple[int, str, str]
    internal_run: tuple[int, str, str]
    public_before_internal: dict[str, str]
    public_after_internal: dict[str, str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    repo = Repo(tmp_path_factory.mktemp("site"))
    for name, text in SMALL_CASES.items():
        repo.write(f"cases/{name}.yaml", text)
    repo.write("reports/2026H1.md", NARRATIVE)
    repo.write("templates/base.html", USER_BASE)
    git(repo.root, "init", "-q")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "cases")
    commit = git(repo.root, "rev-parse", "--short=10", "HEAD")

    public_run = build(repo.root, "--period", "2026H1")
    before = tree(repo.root / "output")
    # An uncommitted edit that changes no figure: the data version must say so.
    case = repo.root / "cases/2026/XF2026-0008.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "# 已核对\n", encoding="utf-8")
    internal_run = build(repo.root, "--period", "2026H1", "--as-of", "2026-03-31", "--internal")
    return Site(
        repo.root, repo.root / "output", repo.root / "output-internal", commit,
        public_run, internal_run, before, tree(repo.root / "output"),
    )  # fmt: skip


BIG_CASES = 60


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixty cases of 城关镇, received every other day from 2026-01-01, long summaries."""
    repo = Repo(tmp_path_factory.mktemp("big"))
    for i in range(1, BIG_CASES + 1):
        received = date(2026, 1, 1) + timedelta(days=2 * (i - 1))
        accepted = received + timedelta(days=3)
        closing = (
            f"closed: {accepted + timedelta(days=20)}\noutcome: 解决\nsatisfaction: 满意\n"
            if i % 10
            else ""
        )
        repo.write(
            f"cases/2026/XF2026-{i:04d}.yaml",
            f"id: XF2026-{i:04d}\nreceived: {received}\nchannel: 来信\nsource: 本级受理\n"
            f"kind: 申诉求决类\ncategory: 城乡建设/征地拆迁\n"
            f"summary: 反映小区物业服务不到位、公共设施年久失修、电梯多次故障无人维修，要求督促整改（第{i}件）\n"
            f"petitioner:\n  name: 钱某某\nunit: 城关镇\naccepted: {accepted}\n{closing}",
        )
    code, out, err = build(repo.root, "--period", "2026H1")
    assert code == 0, out + err
    return repo.root / "output"


def copy_of(site: Site, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(site.root, root, symlinks=True)
    return root


# ---------------------------------------------------------------- the builds ran


def test_public_build_succeeds_and_says_what_it_made(site: Site) -> None:
    code, out, err = site.public_run
    # 2026H1: summary, leaderboard, 6 ledgers (3 of them office work), 3 unit ledgers;
    # current: 2 ledgers; index (no PDF).
    assert code == 0, out + err
    assert out == f"已生成 14 个网页、13 份 PDF（2026H1）到 {site.out}\n"
    assert "Traceback" not in err
    # WeasyPrint warnings (a CSS property it ignores, a missing font...) are echoed as 警告.
    assert "警告" not in err, err
    assert sorted(tree(site.out)) == sorted(
        [f"2026H1/{n}.{ext}" for n in ("summary", "leaderboard", "register", "open", "backlog",
                                        "leaders", "supervision", "activities")
         for ext in ("html", "pdf")]
        + ["2026H1/summary.docx"]
        + [f"2026H1/{n}.xlsx" for n in ("leaderboard", "register", "open", "backlog",
                                         "leaders", "supervision", "activities")]
        + [f"2026H1/units/{u}.{ext}" for u in ("城关镇", "河口镇", "县人社局")
           for ext in ("html", "pdf", "xlsx")]
        + [f"current/{n}.{ext}" for n in ("open", "backlog") for ext in ("html", "pdf", "xlsx")]
        + ["index.html", "style.css", "gongwen.css", "ledger.js", ".xfgen-site", ".xfgen-manifest.json"]
    )  # fmt: skip
    assert no_staging_left(site.root) == []


def test_internal_build_writes_only_to_output_internal(site: Site) -> None:
    code, out, err = site.internal_run
    assert code == 0, out + err
    assert out.endswith(f"到 {site.internal}\n")
    assert site.public_after_internal == site.public_before_internal
    assert (site.internal / "index.html").is_file()
    assert no_staging_left(site.root) == []


# ---------------------------------------------------------------- privacy


def test_no_personal_data_in_any_public_output(site: Site) -> None:
    texts = output_text(site.out)
    assert len([name for name in texts if name.endswith(".pdf")]) == 13
    for secret in ("建国", "13812345678", "110101199001011234", "东关村", "绝密XYZ", "内部备注",
                   "李四海", "李*", "13900001111", "110101198002022222", "西湾村"):  # fmt: skip
        leaks = [name for name, text in texts.items() if secret in text]
        assert leaks == [], f"{secret} in {leaks}"
    # The masked name is shown where the petitioner is: the cohort's ledgers, HTML and PDF.
    for name in ("2026H1/register.html", "2026H1/register.pdf", "2026H1/units/城关镇.pdf"):
        assert "王**" in texts[name]
    assert petitioner_cells(site.out) == {
        "XF2026-0001": "王**", "XF2026-0002": REPORTER_HIDDEN, "XF2026-0003": "张**",
        "XF2026-0004": "周**", "XF2026-0005": "王**", "XF2026-0006": "吴**",
        "XF2026-0007": "郑**", "XF2026-0008": "冯**", "XF2026-0009": "陈**",
    }  # fmt: skip


def test_internal_output_shows_names_but_never_the_reporter_or_notes(site: Site) -> None:
    texts = output_text(site.internal)
    for secret in ("李四海", "李*", "13900001111", "绝密XYZ", "内部备注", "王**"):
        leaks = [name for name, text in texts.items() if secret in text]
        assert leaks == [], f"{secret} in {leaks}"
    assert "王建国" in texts["2026H1/register.pdf"]
    assert petitioner_cells(site.internal) == {
        "XF2026-0001": "王建国", "XF2026-0002": REPORTER_HIDDEN, "XF2026-0003": "张某",
        "XF2026-0004": "周某某", "XF2026-0005": "王建国",
    }  # fmt: skip


def test_case_text_is_escaped_never_markup(site: Site) -> None:
    register = (site.out / "2026H1/register.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;反映工资拖欠" in register
    for folder in (site.out, site.internal):
        for page in files(folder, ".html"):
            text = re.sub(
                r'<script src="(\.\./)*ledger\.js"></script>', "", page.read_text("utf-8")
            )
            assert "<script" not in text.lower(), page  # only the site's own ledger script
    # In print it is plain text.
    assert "<script>alert(1)</script>" in "".join(pdf_pages(site.out / "2026H1/register.pdf"))


# ---------------------------------------------------------------- internal marking


def test_every_internal_page_is_marked(site: Site) -> None:
    pages = files(site.internal, ".html")
    assert len(pages) == 14
    for page in pages:
        assert f'<div class="internal-banner">{INTERNAL_MARK}</div>' in page.read_text(
            encoding="utf-8"
        ), page
    pdfs = files(site.internal, ".pdf")
    assert len(pdfs) == 13
    for pdf in pdfs:
        for number, text in enumerate(pdf_pages(pdf), start=1):
            assert INTERNAL_MARK in text, f"{pdf} page {number}"
    workbooks = files(site.internal, ".xlsx")
    assert len(workbooks) == 12
    for workbook in workbooks:
        assert INTERNAL_MARK in str(workbook_rows(workbook)[2][0]), workbook
    draft = docx_text(site.internal / "2026H1/summary.docx")
    assert INTERNAL_MARK in draft[2] and INTERNAL_MARK in draft[-1]  # under the title, page header


def test_public_pages_carry_no_internal_mark(site: Site) -> None:
    for name, text in output_text(site.out).items():
        assert INTERNAL_MARK not in text, name
        assert 'class="internal-banner"' not in text, name


# ---------------------------------------------------------------- PDFs


LANDSCAPE = re.compile(r"(register|open|backlog|leaders|supervision|activities|units/.*)\.pdf$")


def check_pdf(pdf: Path, folder: Path, as_of: str) -> None:
    """Header, footer and page size of every page; every font embedded."""
    name = pdf.relative_to(folder).as_posix()
    pages = pdf_pages(pdf)
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        where = f"{name} page {number}"
        if name.endswith("summary.pdf"):  # a 公文: "— N —" (test_summary_pdf_is_a_gongwen)
            assert re.findall(r"— (\d+) —", text) == [str(number)], where
        else:
            assert re.findall(r"第 (\d+) 页 共 (\d+) 页", text) == [(str(number), str(total))], (
                where
            )
        assert OFFICE in text, where
        assert f"截至{chinese_date(date.fromisoformat(as_of))}" in text, where
    landscape = bool(LANDSCAPE.search(name))
    for width, height in page_sizes(pdf):
        assert (width > height) == landscape, name
        assert sorted((round(width), round(height))) == [595, 842], name  # A4
    fonts = pdf_fonts(pdf)
    assert fonts, name
    assert [font for font, emb in fonts if emb != "yes"] == [], name


def test_every_public_pdf_page_has_header_footer_and_embedded_fonts(site: Site) -> None:
    pdfs = files(site.out, ".pdf")
    assert len(pdfs) == 13
    for pdf in pdfs:
        as_of = TODAY if pdf.parent.name == "current" else "2026-06-30"
        check_pdf(pdf, site.out, as_of)
    assert len(pdf_pages(site.out / "2026H1/summary.pdf")) >= 2


def test_every_internal_pdf_page_has_header_footer_and_embedded_fonts(site: Site) -> None:
    for pdf in files(site.internal, ".pdf"):
        check_pdf(pdf, site.internal, "2026-03-31")


def test_long_ledgers_repeat_their_header_on_every_page(big: Path) -> None:
    for name in ("2026H1/register.pdf", "2026H1/units/城关镇.pdf"):
        pages = pdf_pages(big / name)
        assert len(pages) >= 2, name
        for number, text in enumerate(pages, start=1):
            # Header cells may wrap (序 / 号); their order may not.
            assert register_header(name) in re.sub(r"\s", "", text), f"{name} page {number}"
        # Every case is printed once, in order of receipt.
        rows = re.findall(r"^(\d+) (XF2026-\d{4}) ", "\n".join(pages), flags=re.MULTILINE)
        assert rows == [(str(i), f"XF2026-{i:04d}") for i in range(1, BIG_CASES + 1)], name
    for pdf in files(big, ".pdf"):
        check_pdf(pdf, big, TODAY if pdf.parent.name == "current" else "2026-06-30")


# ---------------------------------------------------------------- figures


COUNT_ROWS = {
    "登记（件）": ("cases", 9), "已受理（件）": ("accepted", 7), "不予受理（件）": ("not_accepted", 1),
    "尚未作出受理决定（件）": ("undecided", 1), "已办结（件）": ("closed", 4), "来访批次": ("visit_batches", 3),
    "来访人次": ("visit_people", 9), "集体访批次": ("collective_batches", 1),
    "集体访人次": ("collective_people", 6), "越级信访（件）": ("skip_level", 1), "重复信访（件）": ("repeat", 1),
}  # fmt: skip
RATE_ROWS = {
    "及时受理率": ("timely_acceptance", "87.5%"), "按期办结率": ("on_time_closure", "60.0%"),
    "办结率": ("closure", "57.1%"), "参评率": ("rating_participation", "75.0%"),
    "满意率": ("satisfaction", "66.7%"), "复查率": ("review", "25.0%"),
    "复查维持率": ("review_upheld", "100.0%"), "重复信访率": ("repeat", "11.1%"),
}  # fmt: skip


def test_summary_prints_the_figures_of_xfgen_stats(site: Site) -> None:
    stats = stats_json(site.root, "--period", "2026H1")
    html = (site.out / "2026H1/summary.html").read_text(encoding="utf-8")
    page = Tables(html)

    counts = page.rows_by_label("主要数据")
    for label, (key, expected) in COUNT_ROWS.items():
        assert stats["counts"][key] == expected, key
        assert counts[label][0] == str(expected), label
    assert counts["登记（件）"][:3] == [
        "9",
        "1",
        "增加8件",
    ]  # against fewer than 10: the difference
    text = re.sub(r"<[^>]+>", "", html)
    # 2025H2 registered nothing, but has records (the 2024 and 2025H1 cases): 环比 from 0.
    people, before = stats["counts"]["people"], stats["previous_year"]["counts"]["people"]
    assert stats["previous_period"]["counts"]["cases"] == 0
    assert stats["previous_period"]["has_records"] is True
    assert (
        f"全县共登记信访事项9件，同比增加8件，环比增加9件；"
        f"涉及{people}人次，同比增加{people - before}人次，环比增加{people}人次。"
    ) in text

    rates = page.rows_by_label("办理质量")
    for label, (key, expected) in RATE_ROWS.items():
        assert percent(stats["rates"][key]) == expected, key
        assert rates[label][0] == expected, label
    assert rates["按期办结率"][:3] == ["60.0%", "100.0%", "降低40.0个百分点"]
    assert stats["avg_handling_days"] == 49.5
    days = page.rows_by_label("复查、复核和办理天数")["平均办理天数"]
    assert days[:3] == ["49.5", "27.0", "增加22.5天"]
    assert "期初积案1件" in text
    assert "已化解0件，积案化解率0.0%；截至2026年6月30日，积案1件，超期未办结2件。" in text
    assert (stats["counts"]["backlog"], stats["counts"]["overdue_open"]) == (1, 2)

    board = page.table("责任单位办理情况排名")[1:]
    assert [(row[0], row[1], row[2], row[-2]) for row in board] == [
        (str(r["rank"]), r["unit"], str(r["cases"]), f"{r['score'] * 100:.1f}")
        for r in stats["leaderboard"]
    ]
    # 2025H2 ranked nobody, so there are no rank changes to show.
    assert [(row[0], row[1], row[-2], row[-1]) for row in board] == [
        ("1", "河口镇", "100.0", "—"), ("2", "城关镇", "76.7", "—"), ("3", "县人社局", "23.3", "—"),
    ]  # fmt: skip
    assert board[2][3:7] == ["0.0%", "0.0%", "100.0%", "33.3%"]  # 县人社局: 按期, 满意, 及时, 办结
    leaderboard = Tables((site.out / "2026H1/leaderboard.html").read_text(encoding="utf-8"))
    assert leaderboard.table("责任单位办理情况排名") == page.table("责任单位办理情况排名")


def test_summary_as_of_inside_the_period(site: Site) -> None:
    stats = stats_json(site.root, "--period", "2026H1", "--as-of", "2026-03-31")
    html = (site.internal / "2026H1/summary.html").read_text(encoding="utf-8")
    page = Tables(html)
    text = re.sub(r"<[^>]+>", "", html)
    assert "2026年1—3月，全县共登记信访事项5件，" in text  # named by what it covers
    counts = page.rows_by_label("主要数据")
    assert [counts["登记（件）"][0], counts["已办结（件）"][0]] == ["5", "2"]
    assert (stats["counts"]["cases"], stats["counts"]["closed"]) == (5, 2)
    rates = page.rows_by_label("办理质量")
    expected = {"及时受理率": "80.0%", "办结率": "40.0%", "按期办结率": "100.0%", "满意率": "100.0%",
                "复查率": "0.0%", "复查维持率": "—"}  # fmt: skip
    for label, value in expected.items():
        key = RATE_ROWS[label][0]
        assert (rates[label][0], percent(stats["rates"][key])) == (value, value), label
    assert page.rows_by_label("复查、复核和办理天数")["平均办理天数"][0] == "48.5"
    board = page.table("责任单位办理情况排名")[1:]
    assert [(row[0], row[1], row[2], row[-2]) for row in board] == [("1", "城关镇", "3", "86.7")]
    assert [(r["rank"], r["unit"]) for r in stats["leaderboard"]] == [(1, "城关镇")]
    assert stats["unranked"] == ["县人社局", "河口镇"]
    assert "样本不足（少于3件，不参与排名）：县人社局（1件）、河口镇（1件）。" in text
    for page_path in files(site.internal, ".html"):
        if page_path.name != "index.html":
            assert "数据截至<strong>2026年3月31日</strong>" in page_path.read_text(encoding="utf-8")


def test_ledgers_hold_the_right_cases(site: Site) -> None:
    def ids(path: str) -> list[str]:
        return [row["编号"] for row in ledger_rows(site.out / path)]

    assert ids("2026H1/register.html") == [f"XF2026-000{i}" for i in (1, 2, 3, 4, 5, 6, 9, 8, 7)]
    # Open at 2026-06-30, soonest deadline first: 2024-0001 (2025-02-23), 0005 (05-04), 0009, 0008.
    assert ids("2026H1/open.html") == ["XF2024-0001", "XF2026-0005", "XF2026-0009", "XF2026-0008"]
    assert ids("2026H1/backlog.html") == ["XF2024-0001"]
    # Today (2026-11-25) only 2024-0001 and 0007 (accepted 07-01, due 08-30) are open.
    assert ids("current/open.html") == ["XF2024-0001", "XF2026-0007"]
    assert ids("2026H1/units/河口镇.html") == ["XF2026-0002", "XF2026-0006", "XF2026-0007"]
    open_page = (site.out / "2026H1/open.html").read_text(encoding="utf-8")
    assert (
        '<tr data-state="临期" class="due-soon">' in open_page and "临期（今日到期）" in open_page
    )
    assert (
        open_page.count('<tr data-state="超期" class="overdue">') == 2 and "超期 57 天" in open_page
    )


# ---------------------------------------------------------------- office formats


def cell_text(value: object) -> str:
    """A workbook cell as the HTML page prints it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


@pytest.mark.parametrize(
    "name",
    ["2026H1/register", "2026H1/open", "2026H1/backlog", "2026H1/units/城关镇", "current/open"],
)
def test_ledger_workbooks_hold_the_rows_of_the_html_ledger(site: Site, name: str) -> None:
    book = openpyxl.load_workbook(site.out / f"{name}.xlsx")
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    title = Tables((site.out / f"{name}.html").read_text(encoding="utf-8"))
    page = (site.out / f"{name}.html").read_text(encoding="utf-8")
    as_of = "2026-11-25" if name.startswith("current") else "2026-06-30"
    assert rows[0][0] == OFFICE
    assert f"<h1>{rows[1][0]}</h1>" in page
    assert rows[2][0] == f"数据截至 {as_of}"
    assert str(rows[3][0]).startswith("共 ")  # the page's note, with its privacy sentence
    header, body = rows[4], rows[5:]
    assert [cell_text(v) for v in header] == list(ledger_rows(site.out / f"{name}.html")[0])
    assert [dict(zip(header, map(cell_text, row), strict=True)) for row in body] == ledger_rows(
        site.out / f"{name}.html"
    )
    assert title.hrefs  # the page links its workbook
    assert Path(name).name + ".xlsx" in {unquote(h) for h in title.hrefs}
    # A real spreadsheet: header frozen, filters on, dates as dates, numbers as numbers.
    assert sheet.freeze_panes == "A6"
    last = openpyxl.utils.get_column_letter(len(header))
    assert sheet.auto_filter.ref == f"A5:{last}{5 + max(len(body), 1)}"
    for row in body:
        cells = dict(zip(header, row, strict=True))
        assert isinstance(cells["登记日期"], datetime)
        assert isinstance(cells["序号"], int)
        assert sheet.cell(6, header.index("登记日期") + 1).number_format == "yyyy-mm-dd"
    # Widths fit Chinese: a CJK character counts two.
    widths = {h: sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width
              for i, h in enumerate(header, start=1)}  # fmt: skip
    assert widths["登记日期"] >= len("2026-01-05")
    assert widths["反映问题"] >= 2 * len("反映问题")
    # The same bytes for the same content: dated by the as-of date, not the build's clock.
    with zipfile.ZipFile(site.out / f"{name}.xlsx") as archive:
        assert {info.date_time[:3] for info in archive.infolist()} == {
            tuple(int(x) for x in as_of.split("-"))
        }
    assert book.properties.modified == datetime.fromisoformat(as_of)


def test_register_workbook_is_masked_unless_internal(site: Site) -> None:
    public = {row[1]: row[5] for row in workbook_rows(site.out / "2026H1/register.xlsx")[5:]}
    internal = {row[1]: row[5] for row in workbook_rows(site.internal / "2026H1/register.xlsx")[5:]}
    assert public["XF2026-0001"] == "王**" and internal["XF2026-0001"] == "王建国"
    assert public["XF2026-0002"] == internal["XF2026-0002"] == REPORTER_HIDDEN


def test_leaderboard_workbook_holds_the_leaderboard_table(site: Site) -> None:
    page = Tables((site.out / "2026H1/leaderboard.html").read_text(encoding="utf-8"))
    html = page.table("责任单位办理情况排名")
    sheet = openpyxl.load_workbook(site.out / "2026H1/leaderboard.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[:3] == [
        (OFFICE, *[None] * 8),
        ("2026年上半年责任单位排行榜", *[None] * 8),
        ("数据截至 2026-06-30", *[None] * 8),
    ]

    def shown(value: object, column: int) -> str:
        if isinstance(value, int | float) and 3 <= column <= 6:
            return f"{value * 100:.1f}%"  # stored as printed: 76.7% is 0.767
        if isinstance(value, int | float) and column == 7:
            return f"{value:.1f}"
        return cell_text(value)

    assert [list(rows[4])] + [[shown(v, i) for i, v in enumerate(r)] for r in rows[5:]] == html
    # 河口镇 100.0, 城关镇 76.7, 县人社局 23.3 (hand-computed at the top of this file).
    assert [(r[1], r[7]) for r in rows[5:]] == [
        ("河口镇", 100.0),
        ("城关镇", 76.7),
        ("县人社局", 23.3),
    ]
    assert sheet.cell(7, 5).number_format == "0.0%" and sheet.cell(7, 5).value == 1.0
    assert sheet.freeze_panes == "A6"


def test_summary_docx_holds_the_pages_headings_sentences_and_tables(site: Site) -> None:
    html = (site.out / "2026H1/summary.html").read_text(encoding="utf-8")
    document = docx.Document(str(site.out / "2026H1/summary.docx"))
    paragraphs = [(p.style.name if p.style else "", p.text) for p in document.paragraphs]
    assert paragraphs[0] == ("Title", f"{OFFICE}2026年上半年信访工作总结")
    assert paragraphs[1] == ("Subtitle", f"{OFFICE}　数据截至2026年6月30日")

    def plain(text: str) -> str:
        return "".join(re.sub(r"<[^>]+>", "", text).split())

    # The same section headings (标题 1) and sentences (正文), in the same order.
    headings = [plain(h) for h in re.findall(r"<h2>(.*?)</h2>", html)]
    assert [t for style, t in paragraphs if style == "Heading 1"] == headings
    assert "一、基本情况" in headings
    sentences = [plain(p) for p in re.findall(r'<p class="lead">(.*?)</p>', html, re.S)]
    assert sentences and all(sentences)
    body = [plain(t) for style, t in paragraphs if style == "Body Text"]
    assert [b for b in body if b in sentences] == sentences
    assert any("共登记信访事项9件" in s for s in sentences)  # the hand-computed count
    # The narrative's own headings come along (h3 → 标题 2).
    assert [t for style, t in paragraphs if style == "Heading 2"] == [
        plain(h) for h in re.findall(r"<h3>(.*?)</h3>", html)
    ]
    # Every table of the page as a Word table with the same cells.
    tables = Tables(html).tables
    assert len(document.tables) == len(tables)
    for (caption, rows), table in zip(tables, document.tables, strict=True):
        cells = [[plain(c.text) for c in row.cells] for row in table.rows]
        assert cells == [[plain(c) for c in row] for row in rows if len(row) == len(cells[0])], (
            caption
        )
        assert table.style is not None and table.style.name == "Table Grid"
    captions = [t for style, t in paragraphs if style == "Caption"]
    assert captions == [caption for caption, _ in tables]
    # Word's own styles, the 公文 fonts set for East Asian text (test_gongwen.py has the rest).
    styles = document.styles.element.xml
    assert re.search(r'w:styleId="Normal".*?w:eastAsia="仿宋_GB2312"', styles, re.S)
    assert re.search(r'w:styleId="Heading1".*?w:eastAsia="黑体"', styles, re.S)
    assert document.core_properties.modified.date() == date(2026, 6, 30)


# ---------------------------------------------------------------- the 公文 (DOMAIN.md "Print and Word")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GONGWEN_FONTS = {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"}


def docx_xml(path: Path, name: str) -> ET.Element:
    with zipfile.ZipFile(path) as z:
        return ET.fromstring(z.read(name))


def w(element: ET.Element | None, attribute: str) -> str | None:
    return None if element is None else element.get(W + attribute)


def style_of(styles: ET.Element, name: str) -> ET.Element:
    found = [
        s
        for s in styles.iter(W + "style")
        if (w(s.find(W + "name"), "val") or "").lower() == name.lower()
    ]
    assert len(found) == 1, name
    return found[0]


def one_line_twips(label: str, size: float = 12, margins: int = 2 * 108) -> float:
    """DOMAIN.md: characters × font size (a Latin character 0.55) + the cell's margins."""
    return sum(0.55 if ord(c) < 0x2E80 else 1 for c in label) * size * 20 + margins


def test_summary_docx_is_a_gongwen(site: Site) -> None:
    path = site.out / "2026H1/summary.docx"
    body = docx_xml(path, "word/document.xml")
    styles = docx_xml(path, "word/styles.xml")
    # A4, margins 37 mm top, 28 mm left, 35 mm bottom, 26 mm right (1 mm = 1440 / 25.4 twips).
    section = body.find(f"{W}body/{W}sectPr")
    size, margins = section.find(W + "pgSz"), section.find(W + "pgMar")
    assert (w(size, "w"), w(size, "h")) == ("11906", "16838")
    assert [w(margins, side) for side in ("top", "left", "bottom", "right")] == [
        "2098", "1587", "1984", "1474"
    ]  # fmt: skip
    # The grid: 22 lines of 579 twips (28.95 pt), 28 characters of 16 + charSpace/4096 pt.
    grid = section.find(W + "docGrid")
    assert (w(grid, "type"), w(grid, "linePitch")) == ("linesAndChars", "579")
    pitch = 16 + int(w(grid, "charSpace") or 0) / 4096
    assert abs(pitch - 15.8) < 0.02 and int(156 / 25.4 * 72 / pitch) == 28

    # Each role's style: East Asian face, Latin face, size (half-points), bold, alignment.
    def role(name: str) -> tuple[str | None, ...]:
        style = style_of(styles, name)
        fonts = style.find(f"{W}rPr/{W}rFonts")
        bold = style.find(f"{W}rPr/{W}b")
        return (
            w(fonts, "eastAsia"), w(fonts, "ascii"), w(fonts, "hAnsi"),
            w(style.find(f"{W}rPr/{W}sz"), "val"),
            "bold" if bold is not None and w(bold, "val") not in ("0", "false") else "",
            w(style.find(f"{W}pPr/{W}jc"), "val"),
        )  # fmt: skip

    tnr = ("Times New Roman", "Times New Roman")
    assert role("Title") == ("方正小标宋简体", *tnr, "44", "", "center")
    assert role("Body Text") == ("仿宋_GB2312", *tnr, "32", "", None)
    assert role("Heading 1") == ("黑体", *tnr, "32", "", None)
    assert role("Heading 2") == ("楷体_GB2312", *tnr, "32", "", None)
    assert role("Footer") == ("宋体", *tnr, "28", "", "center")
    # Running text: two characters' first-line indent, lines of exactly 579 twips.
    running = style_of(styles, "Body Text").find(W + "pPr")
    assert w(running.find(W + "ind"), "firstLineChars") == "200"
    assert int(w(running.find(W + "ind"), "firstLine") or 0) in range(620, 640)  # 2 × 15.8 pt
    spacing = running.find(W + "spacing")
    assert (w(spacing, "line"), w(spacing, "lineRule")) == ("579", "exact")
    for name in ("Normal", "Heading 1", "Heading 2"):
        spacing = style_of(styles, name).find(f"{W}pPr/{W}spacing")
        assert (w(spacing, "line"), w(spacing, "lineRule")) == ("579", "exact"), name
    paragraphs = docx.Document(str(path)).paragraphs
    running_text = [p.text for p in paragraphs if p.style.name == "Body Text"]
    assert any("共登记信访事项9件" in t for t in running_text)
    notes = [p for p in paragraphs if p.text.startswith("注：")]
    assert notes and all(p.style.name != "Body Text" for p in notes)  # notes not indented
    headings = [p.style.name for p in paragraphs if re.match(r"[一二三四五六七八九十]+、", p.text)]
    assert headings and set(headings) == {"Heading 1"}
    # Exactly the five 公文 faces as w:eastAsia, anywhere; altNames in the font table.
    parts = [body, styles, docx_xml(path, "word/footer1.xml"), docx_xml(path, "word/header1.xml")]
    named = {w(f, "eastAsia") for part in parts for f in part.iter(W + "rFonts")} - {None}
    assert named == GONGWEN_FONTS
    latin = {w(f, a) for part in parts for f in part.iter(W + "rFonts") for a in ("ascii", "hAnsi")}
    assert latin - {None} == {"Times New Roman"}
    table = {w(f, "name"): w(f.find(W + "altName"), "val")
             for f in docx_xml(path, "word/fontTable.xml").iter(W + "font")}  # fmt: skip
    assert set(table) >= GONGWEN_FONTS
    assert (table["仿宋_GB2312"], table["楷体_GB2312"]) == ("仿宋", "楷体")
    # Page numbers "— 1 —": the PAGE field between two dashes, in the footer (宋体 四号).
    footer = docx_xml(path, "word/footer1.xml")
    texts = "".join(t.text or f"[{w(t, 'instr')}]" for t in footer.iter()
                    if t.tag in (W + "t", W + "fldSimple") and (t.text or t.tag == W + "fldSimple"))  # fmt: skip
    assert re.fullmatch(r"— \[ ?PAGE ?\]1? —", texts.replace("[PAGE]1", "[PAGE]")), texts
    # Tables: every row kept on one page, header rows repeated, the first column as
    # wide as its longest label on one line at the cells' 12 pt.
    tables = list(body.iter(W + "tbl"))
    assert len(tables) == len(docx.Document(str(path)).tables) >= 5
    for tbl in tables:
        rows = tbl.findall(W + "tr")
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows[1:]].count(True) == 0
        first = int(w(tbl.find(f"{W}tblGrid/{W}gridCol"), "w") or 0)
        labels = [
            "".join(t.text or "" for t in r.find(W + "tc").iter(W + "t")) for r in rows
            if r.find(f"{W}tc/{W}tcPr/{W}gridSpan") is None
        ]  # fmt: skip
        assert first >= max(one_line_twips(label) for label in labels), labels
        assert w(tbl.find(f"{W}tblPr/{W}tblLayout"), "type") == "fixed"
    # The case: "登记（件）" needs 5 × 240 + 216 = 1,416 twips.
    assert one_line_twips("登记（件）") == 1416


def test_summary_pdf_is_a_gongwen(site: Site) -> None:
    pdf = site.out / "2026H1/summary.pdf"
    pages = pdf_pages(pdf)
    # "— N —" at the foot of every page (also in check_pdf).
    assert [re.findall(r"— (\d+) —", text) for text in pages] == [
        [str(n)] for n in range(1, len(pages) + 1)
    ]
    # Each role's face, embedded: the machine's choice (doctor says which).
    fonts = print_fonts(find_cjk_font())
    embedded = {name.split("+")[-1].replace("-", "").lower() for name, _ in pdf_fonts(pdf)}
    for role, face in fonts.faces:
        if role.key != "page_number":  # the same face as the body here
            assert face.label.replace(" ", "").lower() in embedded, (role.name, embedded)
    assert all(emb == "yes" for _, emb in pdf_fonts(pdf))
    # Running text: 16 pt lines (about 23 pt high in poppler's boxes) 28.95 pt apart,
    # inside the type area (28 mm from the left, 26 mm from the right), the first line
    # of a paragraph indented two characters.
    left, right = 28 / 25.4 * 72, (210 - 26) / 25.4 * 72
    top, bottom = 37 / 25.4 * 72, (297 - 35) / 25.4 * 72
    gaps, starts = [], []
    for page in pdf_lines(pdf):
        body = [line for line in page if top - 1 <= line[1] and line[1] + 16 <= bottom + 1]
        text_lines = [line for line in body if 20 <= line[3] - line[1] <= 26]
        for line in text_lines:
            assert left - 0.5 <= line[0] and line[2] <= right + 0.5, line
            starts.append(round(line[0] - left, 1))
        gaps += [b[1] - a[1] for a, b in zip(text_lines, text_lines[1:], strict=False)]
        # no page with two lines of text or fewer (the running head and page number aside)
        assert len(body) > 2, page
    close = [gap for gap in gaps if abs(gap - 28.95) <= 1]
    assert len(close) >= 20 and min(gap for gap in gaps if gap > 0) >= 27.95
    assert 0.0 in starts and any(abs(start - 31.6) <= 1 for start in starts)  # indent


def pdf_lines(pdf: Path) -> list[list[tuple[float, float, float, float]]]:
    """(xMin, yMin, xMax, yMax) of every text line of each page, from pdftotext -bbox-layout."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        [tuple(float(v) for v in m) for m in re.findall(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page)]
        for page in xml.split("<page ")[1:]
    ]  # fmt: skip


def test_ledger_workbooks_print_landscape_at_70_percent_or_more(site: Site) -> None:
    for path in files(site.out, ".xlsx"):
        sheet = openpyxl.load_workbook(path).active
        setup = sheet.page_setup
        assert setup.orientation == "landscape", path
        assert sheet.print_title_rows == "$5:$5", path  # the header row on every page
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
        widths = [sheet.column_dimensions[c].width for c in sheet.column_dimensions]
        # Excel's width unit: 7 px a character + 5 px, 96 px an inch; the page's printable
        # width: 297 mm less 2 × 0.4 inch.
        natural = sum(width * 7 + 5 for width in widths) * 0.75
        printable = 297 / 25.4 * 72 - 0.8 * 72
        if sheet.sheet_properties.pageSetUpPr.fitToPage:
            assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), path
            assert printable / natural >= 0.70, path
        else:
            assert int(setup.scale) >= 70, path


# ---------------------------------------------------------------- narrative


def test_narrative_fills_in_figures_and_loses_raw_html(site: Site) -> None:
    html = (site.out / "2026H1/summary.html").read_text(encoding="utf-8")
    assert "<h2>六、问题与不足</h2>" in html  # the staff's section, numbered on from the figures
    assert "<p>本期共登记9件，按期办结率60.0%。</p>" in html
    assert "<li>部分单位办理周期偏长</li>" in html
    for gone in ("<img", "onerror", "x()", "alert(1)", "{{"):
        assert gone not in html, gone
    printed = "".join(pdf_pages(site.out / "2026H1/summary.pdf"))
    assert "本期共登记9件，按期办结率60.0%。" in printed
    # As of 2026-03-31 the same text says what was known then.
    internal = (site.internal / "2026H1/summary.html").read_text(encoding="utf-8")
    assert "<p>本期共登记5件，按期办结率100.0%。</p>" in internal


def test_unknown_placeholder_fails_the_build_naming_the_file(site: Site, tmp_path: Path) -> None:
    root = copy_of(site, tmp_path)
    before = tree(root / "output")
    (root / "reports/2026H1.md").write_text(
        "## 存在的问题\n满意率{{ rates.nope }}\n", encoding="utf-8"
    )
    code, out, err = build(root, "--period", "2026H1")
    assert code == 2 and out == ""
    assert "reports/2026H1.md" in err and "未知的占位符" in err and "Traceback" not in err
    assert tree(root / "output") == before
    assert no_staging_left(root) == []


@pytest.mark.parametrize("text", ["{{ counts.__class__ }}", "{{ 1 / 0 }}", '{% include "x" %}'])
def test_any_broken_narrative_is_a_user_error(site: Site, tmp_path: Path, text: str) -> None:
    root = copy_of(site, tmp_path)
    (root / "reports/2026H1.md").write_text("## 存在的问题\n" + text + "\n", encoding="utf-8")
    code, _, err = build(root, "--period", "2026H1")
    assert (code, "reports/2026H1.md" in err) == (2, True), err


# ---------------------------------------------------------------- the site


def test_index_links_every_report_relatively(site: Site) -> None:
    index = (site.out / "index.html").read_text(encoding="utf-8")
    hrefs = Tables(index).hrefs
    for href in hrefs:
        assert not href.startswith("/") and "http" not in href and "//" not in href, href
    linked = {unquote(h) for h in hrefs}
    reports = ["summary", "leaderboard", "register", "open", "backlog",
               "leaders", "supervision", "activities",
               "units/城关镇", "units/河口镇", "units/县人社局"]  # fmt: skip
    expected = {f"2026H1/{r}.{ext}" for r in reports for ext in ("html", "pdf")}
    expected |= {f"current/{r}.{ext}" for r in ("open", "backlog") for ext in ("html", "pdf")}
    # Every ledger and the leaderboard also as a workbook.
    expected |= {f"2026H1/{r}.xlsx" for r in reports if r != "summary"}
    expected |= {f"current/{r}.xlsx" for r in ("open", "backlog")}
    expected |= {"2026H1/summary.docx"}
    assert expected <= linked
    assert linked - expected <= {"index.html"}
    assert "%E5%9F%8E%E5%85%B3%E9%95%87" in index  # 城关镇, percent-encoded in the href


@pytest.mark.parametrize("which", ["out", "internal"])
def test_every_link_and_stylesheet_resolves_inside_the_site(site: Site, which: str) -> None:
    folder: Path = getattr(site, which)
    assert (folder / "style.css").is_file()
    for page in files(folder, ".html"):
        html = page.read_text(encoding="utf-8")
        # style.css, and for a summary its print stylesheet as a 公文
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', html)
        expected = ["style.css", "gongwen.css"] if page.name == "summary.html" else ["style.css"]
        assert [(page.parent / sheet).resolve() for sheet in sheets] == [
            (folder / name).resolve() for name in expected
        ], page
        assert not any(sheet.startswith("/") for sheet in sheets), page
        for href in Tables(html).hrefs:
            assert not href.startswith("/") and ":" not in href, (page, href)
            target = (page.parent / unquote(href)).resolve()
            assert target.is_file() and target.is_relative_to(folder.resolve()), (page, href)


def test_no_external_url_anywhere(site: Site) -> None:
    for folder in (site.out, site.internal):
        for path in [*files(folder, ".html"), *files(folder, ".css")]:
            text = path.read_text(encoding="utf-8").replace(SVG_NAMESPACE, "")
            assert re.findall(r"https?://|url\(|@import", text) == [], path


def test_every_page_shows_as_of_and_data_version(site: Site) -> None:
    assert re.fullmatch(r"[0-9a-f]{10}", site.commit)
    for page in files(site.out, ".html"):
        html = page.read_text(encoding="utf-8")
        assert f"数据版本 {site.commit}</span>" in html, page
        assert "有未提交的修改" not in html, page
        as_of = TODAY if page.parent.name == "current" else "2026-06-30"
        if page.name == "index.html":
            assert f"截至 {TODAY}" in html and "截至 2026-06-30" in html
        else:
            shown = chinese_date(date.fromisoformat(as_of))
            assert f"数据截至<strong>{shown}</strong>" in html, page
    for page in files(site.internal, ".html"):
        html = page.read_text(encoding="utf-8")
        assert f"数据版本 {site.commit}（有未提交的修改）" in html, page
    for pdf in files(site.out, ".pdf"):
        assert f"数据版本 {site.commit}" in pdf_pages(pdf)[0], pdf


def test_user_template_extending_the_theme_is_used_everywhere(site: Site) -> None:
    for folder in (site.out, site.internal):
        for page in files(folder, ".html"):
            html = page.read_text(encoding="utf-8")
            assert html.count(THEME_MARK) == 1, page
            assert '<header class="site-header">' in html, page  # still the theme's page


# ---------------------------------------------------------------- failures leave output alone


PROBLEM_LINE = re.compile(r"^cases/\d{4}/[^:]+\.yaml:\d+:\d+: [a-z_.\[\]0-9]+: \S.*$")


def test_invalid_case_after_a_good_build_changes_nothing(site: Site, tmp_path: Path) -> None:
    root = copy_of(site, tmp_path)
    before = tree(root / "output")
    assert before == site.public_before_internal
    (root / "cases/2026/XF2026-0100.yaml").write_text(
        VALID_CASE.replace("XF2026-0001", "XF2026-0100").replace("channel: 来访", "channel: 来仿"),
        encoding="utf-8",
    )
    code, out, err = build(root, "--period", "2026H1")
    assert code == 1
    lines = out.splitlines()
    assert lines and all(PROBLEM_LINE.match(line) for line in lines), out
    assert lines[0].startswith(
        "cases/2026/XF2026-0100.yaml:3:10: channel: “来仿” 不是可用的信访形式。"
    )
    assert f"未生成报告；{root / 'output'} 保持不变。" in err
    assert "Traceback" not in out + err
    assert tree(root / "output") == before
    assert no_staging_left(root) == []


def test_template_syntax_error_exits_2_naming_the_template(site: Site, tmp_path: Path) -> None:
    root = copy_of(site, tmp_path)
    before = tree(root / "output")
    (root / "templates/ledger.html").write_text(
        '{% extends "!theme/ledger.html" %}\n{% block content %}{% for x in %}{% endblock %}\n',
        encoding="utf-8",
    )
    code, out, err = build(root, "--period", "2026H1")
    assert (code, out) == (2, "")
    assert re.search(r"模板 \S*templates/ledger\.html:2 有错误", err), err
    assert "Traceback" not in err and "内部错误" not in err
    assert tree(root / "output") == before
    assert no_staging_left(root) == []


def test_invalid_data_on_a_first_build(repo: Repo) -> None:
    repo.case(VALID_CASE.replace("received:", "recieved:"))
    repo.case(VALID_CASE.replace("XF2026-0001", "XF2026-0002").replace("people: 6", "people: 0"))
    code, out, err = build(repo.root)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3 and all(PROBLEM_LINE.match(line) for line in lines), out
    assert lines[:2] == [
        "cases/2026/XF2026-0001.yaml:1:1: received: 缺少必填项 received（登记日期）。",
        "cases/2026/XF2026-0001.yaml:2:1: recieved: 未知的项 “recieved”。你是不是想写 received？",
    ]
    assert lines[2].startswith("cases/2026/XF2026-0002.yaml:5:9: people: ")
    assert err.endswith("有 3 处问题，未生成报告；" + str(repo.root / "output") + " 保持不变。\n")
    assert "Traceback" not in out + err
    assert not (repo.root / "output").exists()
    assert no_staging_left(repo.root) == []


def test_failure_while_publishing_keeps_the_old_site(tmp_path: Path) -> None:
    target = tmp_path / "output"
    target.mkdir()
    (target / "index.html").write_text("旧", encoding="utf-8")
    (tmp_path / ".output.xfgen-new-stale").mkdir()  # left by an interrupted build
    with pytest.raises(RuntimeError), staging(target) as folder:
        assert folder.parent == tmp_path and folder.name.startswith(".output.xfgen-new-")
        (folder / "index.html").write_text("新", encoding="utf-8")
        raise RuntimeError("PDF failed")
    assert tree(target) == {"index.html": hashlib.sha256("旧".encode()).hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
    with staging(target) as folder:
        (folder / "index.html").write_text("新", encoding="utf-8")
    assert (target / "index.html").read_text(encoding="utf-8") == "新"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_out_never_replaces_the_data(site: Site, tmp_path: Path) -> None:
    root = copy_of(site, tmp_path)
    cases = tree(root / "cases")
    code, _, _ = build(root, "--period", "2026H1", "--out", str(root / "cases"))
    assert tree(root / "cases") == cases
    assert code == 2


def test_internal_ledgers_do_not_claim_masking(site: Site) -> None:
    register = (site.internal / "2026H1/register.html").read_text(encoding="utf-8")
    assert "王建国" in register
    assert "已脱敏" not in register


def test_out_refuses_the_repository_itself_and_foreign_folders(site: Site, tmp_path: Path) -> None:
    root = copy_of(site, tmp_path)
    before = tree(root / "cases")
    for target in (root, root / "reports", root / "cases" / "2026"):
        code, _, err = build(root, "--period", "2026H1", "--out", str(target))
        assert code == 2 and "为免误删" in err, err
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "a.jpg").write_bytes(b"x")
    code, _, err = build(root, "--period", "2026H1", "--out", str(foreign))
    assert code == 2 and "不是 xfgen 生成的网站" in err
    assert (foreign / "a.jpg").read_bytes() == b"x"
    assert tree(root / "cases") == before


def test_internal_build_never_replaces_the_public_site(site: Site, tmp_path: Path) -> None:
    root = copy_of(site, tmp_path)
    assert build(root, "--period", "2026H1")[0] == 0
    public = tree(root / "output")
    code, _, err = build(root, "--internal", "--period", "2026H1", "--out", str(root / "output"))
    assert code == 2 and "内部版和公开版必须放在不同的目录" in err
    assert tree(root / "output") == public


def test_long_ledgers_printed_in_parts_number_their_pages_throughout(
    big: Path, tmp_path: Path
) -> None:
    """60 rows in parts of at most 25, cut at month boundaries, joined, numbered 第 1 … 共 M 页.

    Received every other day from 2026-01-01: January 16 rows (0001-0016), February 14
    (0017-0030), March 15 (0031-0045), April 15 (0046-0060); no two months fit in 25
    rows, so each month is a part and starts a page.
    """
    from xfgen.site.build import build_site

    out = tmp_path / "parts"
    build_site(big.parent, out, date(2026, 11, 25), ["2026H1"], ledger_part_rows=25)
    for name in ("2026H1/register.pdf", "2026H1/units/城关镇.pdf"):
        pdf = out / name
        check_pdf(pdf, out, "2026-06-30")  # one "第 N 页 共 M 页" per page, N and M right
        pages = pdf_pages(pdf)
        assert len(pages) > len(pdf_pages(big / name)), name  # each part ends a page early
        for number, text in enumerate(pages, start=1):
            assert register_header(name) in re.sub(r"\s", "", text), (name, number)
        rows = re.findall(r"^(\d+) (XF2026-\d{4}) ", "\n".join(pages), flags=re.MULTILINE)
        assert rows == [(str(i), f"XF2026-{i:04d}") for i in range(1, BIG_CASES + 1)], name
        # The heading and the note open the ledger once, not every part.
        assert "\n".join(pages).count("共 60 件，按登记日期排列") == 1, name
        first_rows = [re.search(r"^\d+ (XF2026-\d{4}) ", p, flags=re.MULTILINE) for p in pages]
        starts = {m[1] for m in first_rows if m}
        assert {"XF2026-0001", "XF2026-0017", "XF2026-0031", "XF2026-0046"} <= starts, name
    assert [p for p in out.rglob(".*part-*")] == []
    # The web page is whole: all 60 rows in one table.
    assert len(ledger_rows(out / "2026H1/register.html")) == BIG_CASES


def test_a_second_build_into_the_same_folder_waits_its_turn(tmp_path: Path) -> None:
    """While one build holds the folder, another stops at once and touches nothing."""
    from xfgen.site.publish import PublishError

    target = tmp_path / "output"
    with staging(target) as first:
        (first / "index.html").write_text("一", encoding="utf-8")
        with pytest.raises(PublishError, match="另一个 xfgen build 正在"), staging(target):
            pass
        assert (first / "index.html").is_file()  # the running build's folder was left alone
    assert (target / "index.html").read_text(encoding="utf-8") == "一"
    with staging(target) as again:  # the lock is released afterwards
        (again / "index.html").write_text("二", encoding="utf-8")
    assert (target / "index.html").read_text(encoding="utf-8") == "二"

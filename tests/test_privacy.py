"""Nothing personal or live in what xfgen writes (issue #19, DOMAIN.md "Privacy" v3).

Each test reproduces one failure of the issue on a small tree: live formulas in
.xlsx and CSV, a 检举控告类 reporter's name in other free text, masking that
keeps the wrong characters, personal data one ``git add -A`` away.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
import yaml
from conftest import VALID_CASE, ExampleOutputs, Repo
from test_cli import run

from xfgen.records.models import Case
from xfgen.records.validation import load_project
from xfgen.reports.documents import summary_document
from xfgen.reports.ledgers import Column, Ledger, LedgerRow
from xfgen.reports.privacy import Privacy, mask_phone_field
from xfgen.reports.spreadsheets import csv_text, csv_unquote, ledger_workbook
from xfgen.site.guard import office_text

TODAY = "2026-11-25"
FORMULAS = (
    '=HYPERLINK("http://evil.example/","点击")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
)
CONTROL_LEADS = (
    "\t=1+1",
    "\r=1+1",
)  # not in a record (a one-line field holds no tab), but in a cell


def cli(capsys: pytest.CaptureFixture[str], repo: Repo, *args: str) -> tuple[int, str]:
    code, out, err = run(capsys, "-C", str(repo.root), "--today", TODAY, *args)
    return code, out + err


def live_formulas(data: bytes) -> list[str]:
    """Every formula cell of an .xlsx, and a workbook's request to recalculate on load."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            xml = archive.read(name).decode("utf-8", "replace")
            found += [f"{name}: {m}" for m in re.findall(r"<f[ >][^<]*", xml)]
            if re.search(r'fullCalcOnLoad="(1|true)"', xml):
                found.append(f"{name}: fullCalcOnLoad")
    return found


def formula_case(number: int, summary: str, **extra: str) -> str:
    """A case whose summary (and ``extra`` fields) hold exactly the given text."""
    lines = "".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in extra.items()
    )
    return (
        f"id: XF2026-{number:04d}\nreceived: 2026-03-{number:02d}\nchannel: 来信\n"
        f"source: 本级受理\nkind: 申诉求决类\ncategory: 城乡建设/征地拆迁\n"
        f"summary: {json.dumps(summary, ensure_ascii=False)}\nunit: 城关镇\n{lines}"
    )


# ---------------------------------------------------------------- 1. no formulas


def test_a_ledger_workbook_holds_every_text_as_a_string_and_never_recalculates() -> None:
    columns = (Column("summary", "反映问题", 10), Column("leader", "包案领导", 10))
    texts = (*FORMULAS, *CONTROL_LEADS)
    rows = tuple(LedgerRow({"summary": text, "leader": "=1+1"}, "") for text in texts)
    ledger = Ledger("register", "=台账标题", columns, rows, "=说明")
    data = ledger_workbook(ledger, "=机关", date(2026, 6, 30), internal=False)
    assert live_formulas(data) == []
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    kinds = {c.value: c.data_type for c in cells}
    for text in (*FORMULAS, "=1+1", "=台账标题", "=说明", "=机关"):
        assert kinds[text] == "s", text


def test_export_xlsx_and_csv_hold_no_live_formula(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    for number, text in enumerate(FORMULAS, start=1):
        repo.case(formula_case(number, text, leader='=HYPERLINK("http://x","y")'))
    code, out = cli(capsys, repo, "export", "--format", "xlsx")
    assert code == 0, out
    data = (repo.root / "export/export.xlsx").read_bytes()
    assert live_formulas(data) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    shown = {c.value for row in book["cases"].iter_rows() for c in row}
    assert set(FORMULAS) <= shown  # the text itself, kept exactly

    code, out = cli(capsys, repo, "export", "--format", "csv")
    assert code == 0, out
    rows = list(
        csv.DictReader(
            io.StringIO((repo.root / "export/cases.csv").read_text("utf-8-sig"), newline="")
        )
    )
    assert [r["summary"] for r in rows] == ["'" + text for text in FORMULAS]
    assert {r["leader"] for r in rows} == {'\'=HYPERLINK("http://x","y")'}
    for row in rows:  # no cell begins with a character a spreadsheet reads as a formula
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())

    code, out = cli(capsys, repo, "export", "--format", "json")
    assert code == 0, out
    assert all(t in (repo.root / "export/export.json").read_text("utf-8") for t in ('"=cmd|',))


def test_csv_apostrophe_rule_and_its_inverse() -> None:
    for text in (*FORMULAS, *CONTROL_LEADS):
        assert csv_text(text) == "'" + text
        assert csv_unquote(csv_text(text)) == text
    for text in ("反映问题", "'引号开头", "''=两个引号", "2026-01-05", ""):
        assert csv_text(text) == text
    assert csv_unquote("'引号开头") == "'引号开头"  # only before a formula character
    assert csv_unquote("''=两个引号") == "''=两个引号"  # one apostrophe, and only that one
    assert csv_unquote("'=1") == "=1"


def test_import_strips_the_export_apostrophe_only_before_a_formula_character(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "登记日期,信访方式,来源,性质,问题类别,反映问题,信访人\n"
        "2026-07-01,来信,本级受理,建议意见类,农村农业/土地承包,'=1+2 是公式样的文字,孙某\n"
        "2026-07-02,来信,本级受理,建议意见类,农村农业/土地承包,'引号开头的摘要,周某\n"
        "2026-07-03,来信,本级受理,建议意见类,农村农业/土地承包,''-两个引号,吴某\n"
    )
    source = tmp_path / "台账.csv"
    source.write_text(text, encoding="utf-8")
    code, out = cli(capsys, repo, "import", str(source))
    assert code == 0, out
    written = [
        yaml.safe_load(p.read_text("utf-8"))["summary"]
        for p in sorted((repo.root / "cases/2026").glob("*.yaml"))
    ]
    assert written == ["=1+2 是公式样的文字", "'引号开头的摘要", "''-两个引号"]


# ---------------------------------------------------------------- 2. every free-text field

REPORTED = """\
id: XF2026-0011
received: 2026-02-02
channel: 来信
source: 上级转送
kind: 检举控告类
category: 劳动社保/工资拖欠
summary: 举报某单位挪用专项资金
petitioner:
  name: 王伟
  phone: "13611112222"
unit: 县人社局
leader: 何鹏（副局长，举报人王伟的联系人）
accepted: 2026-02-05
supervision:
  - date: 2026-02-10
    by: 市纪委（王伟实名举报，电话13611112222）
    kind: 挂牌督办
"""
# Another case names the reporter in its text about the matter, and a leader shares
# the name of this case's own petitioner (赵小红) and of another one (李强).
OTHER = """\
id: XF2026-0012
received: 2026-02-03
channel: 来访
source: 本级受理
kind: 申诉求决类
category: 城乡建设/征地拆迁
summary: 反映补偿款问题，王伟知情
petitioner:
  name: 赵小红
  phone: "15375434073号码张三丰"
  id_number: "110101199001011234（旧证）"
unit: 城关镇
leader: 赵小红的表哥李强（副镇长）
accepted: 2026-02-04
extension:
  days: 30
  approved: 2026-03-20
  reason: 王伟另案举报，需联合调查
progress:
  - date: 2026-02-06
    action: 约谈王伟
"""
THIRD = """\
id: XF2026-0013
received: 2026-02-04
channel: 来信
source: 本级受理
kind: 建议意见类
category: 城乡建设/征地拆迁
summary: 建议公开补偿标准
petitioner:
  name: 李强
unit: 城关镇
"""
ACTIVITY = """\
id: HD2026-0001
date: 2026-02-08
kind: 接访
leader: 刘洋（县长，王伟的同学）
level: 县级领导
batches: 1
people: 2
place: 县群众来访接待中心
summary: 接待反映王伟所举报问题的群众
"""


def tree(repo: Repo) -> Repo:
    for text in (REPORTED, OTHER, THIRD):
        repo.case(text)
    repo.write("activities/2026/HD2026-0001.yaml", ACTIVITY)
    return repo


def office_plain(path: Path) -> str:
    """The text of an .xlsx or .docx, character references read."""
    return html.unescape(office_text(path.read_bytes()))


def pdf_text(path: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", *options, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_reporters_name_in_any_free_text_is_never_shown(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    tree(repo)
    code, out = cli(capsys, repo, "build", "--period", "2026H1")
    assert code == 0, out
    site = repo.root / "output/2026H1"
    pages = {
        name: (site / f"{name}.html").read_text("utf-8")
        for name in ("register", "leaders", "supervision", "activities", "summary")
    }
    pages["units"] = (site / "units/县人社局.html").read_text("utf-8")
    for name in ("register", "leaders", "supervision", "activities", "units/县人社局"):
        pages[f"{name}.pdf"] = pdf_text(site / f"{name}.pdf")
        pages[f"{name}.xlsx"] = office_plain(site / f"{name}.xlsx")
    pages["summary.docx"] = office_plain(site / "summary.docx")
    for name, text in pages.items():
        assert "王伟" not in text and "13611112222" not in text, name
    assert "何鹏（副局长，举报人（略）的联系人）" in pages["register"]
    assert "市纪委（（略）实名举报，电话（略））" in pages["supervision"]
    assert "刘洋（县长，（略）的同学）" in pages["activities"]
    assert "刘洋（县长，（略）的同学）" in pages["summary"]  # 三、领导接访: the leaders named
    assert "市纪委（（略）实名举报，电话（略））" in pages["supervision.xlsx"]
    assert "接待反映（略）所举报问题的群众" in pages["activities"]
    assert "反映补偿款问题，（略）知情" in pages["register"]
    # An official's name: its own case's petitioner masked; another petitioner (李强) kept.
    assert "赵**的表哥李强（副镇长）" in pages["register"]

    for internal in ((), ("--internal",)):
        code, out = cli(capsys, repo, "export", "--format", "json", *internal)
        assert code == 0, out
        folder = repo.root / ("export-internal" if internal else "export")
        data = (folder / "export.json").read_text("utf-8")
        assert "王伟" not in data and "13611112222" not in data
        assert "何鹏（副局长，举报人（略）的联系人）" in data
        assert "刘洋（县长，（略）的同学）" in data  # the activity, and the figures by leader


def test_internal_outputs_omit_reporters_everywhere_but_show_the_rest(repo: Repo) -> None:
    project = load_project(tree(repo).root, date(2026, 11, 25))
    cases = {c.id: c for c in project.cases}
    internal = Privacy.of(project.cases, internal=True)
    reported, other = cases["XF2026-0011"], cases["XF2026-0012"]
    assert (
        internal.official(reported.leader or "", reported) == "何鹏（副局长，举报人（略）的联系人）"
    )
    assert internal.official(reported.supervision[0].by, reported) == (
        "市纪委（（略）实名举报，电话（略））"
    )
    assert internal.case_text(other.summary, other) == "反映补偿款问题，（略）知情"
    assert internal.case_text(other.progress[0].action, other) == "约谈（略）"
    assert internal.official(other.leader or "", other) == "赵小红的表哥李强（副镇长）"
    public = Privacy.of(project.cases, internal=False)
    assert public.case_text(other.extension.reason, other) == "（略）另案举报，需联合调查"  # type: ignore[union-attr]
    assert public.official("李强（副镇长，13812345678）") == "李强（副镇长，138****5678）"


def test_masking_keeps_the_matched_digits_only(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    tree(repo)
    shown = "153****4073号码张三丰"
    code, out = cli(capsys, repo, "export", "--format", "csv")
    assert code == 0, out
    rows = {r["id"]: r for r in csv.DictReader(
        io.StringIO((repo.root / "export/cases.csv").read_text("utf-8-sig"), newline="")
    )}  # fmt: skip
    assert rows["XF2026-0012"]["petitioner_phone"] == shown
    assert rows["XF2026-0012"]["petitioner_id_number"] == "110101********1234（旧证）"
    assert cli(capsys, repo, "export", "--format", "json")[0] == 0
    cases = {
        c["id"]: c
        for c in json.loads((repo.root / "export/export.json").read_text("utf-8"))["cases"]
    }
    assert cases["XF2026-0012"]["petitioner_phone"] == shown
    assert cli(capsys, repo, "export", "--format", "xlsx")[0] == 0
    assert shown in office_plain(repo.root / "export/export.xlsx")
    assert mask_phone_field("+86 138 0000 1234 转 12") == "138****1234 转 **"


def test_check_warns_about_every_free_text_field_and_odd_personal_fields(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    tree(repo)
    code, out, err = run(capsys, "-C", str(repo.root), "--today", TODAY, "check")
    assert (code, out) == (0, "共检查 4 个文件，全部通过。\n")
    assert err.splitlines() == [
        "警告：cases/2026/XF2026-0011.yaml:12:9: leader: 包案领导中写有本事项信访人的姓名"
        "（公开报告中不会显示）：个人信息请只写在 petitioner 中，这里只写领导的姓名和职务。",
        "警告：cases/2026/XF2026-0011.yaml:16:9: supervision[1].by: 督办单位中写有本事项信访人的"
        "姓名、电话（公开报告中不会显示）：个人信息请只写在 petitioner 中，这里只写督办的单位。",
        "警告：cases/2026/XF2026-0012.yaml:13:9: leader: 包案领导中写有本事项信访人的姓名"
        "（公开报告中会脱敏显示）：个人信息请只写在 petitioner 中，这里只写领导的姓名和职务。",
        "警告：cases/2026/XF2026-0012.yaml:10:10: petitioner.phone: 信访人电话一栏除号码外还写有"
        "其他内容：输出中只遮盖号码的数字，其他文字照原样显示；请只填号码，其他内容写到 notes。",
        "警告：cases/2026/XF2026-0012.yaml:11:14: petitioner.id_number: 信访人身份证号一栏除号码外"
        "还写有其他内容：输出中只遮盖号码的数字，其他文字照原样显示；请只填号码，其他内容写到 notes。",
        "警告：cases/2026/XF2026-0012.yaml:13:9: leader: 领导中含有另一事项"
        "（cases/2026/XF2026-0013.yaml）信访人的姓名：领导可能与信访人同名，公开报告中照原样显示；"
        "请确认这里写的是领导本人。",
        "警告：activities/2026/HD2026-0001.yaml:4:9: leader: 领导中含有检举控告类事项"
        "（cases/2026/XF2026-0011.yaml）信访人的姓名：举报人身份不得泄露，所有输出中这个姓名都显示为"
        "“（略）”；请确认这里写的不是举报人。",
    ]


def test_the_guard_refuses_a_reporters_name_and_a_phone_in_pdf_metadata(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    tree(repo)
    # A user template puts a petitioner's phone where only the PDF's metadata shows it.
    repo.write(
        "templates/base.html",
        '{% extends "!theme/base.html" %}{% block head %}{{ super() }}'
        '<meta name="keywords" content="15375434073">{% endblock %}',
    )
    code, out = cli(capsys, repo, "build", "--period", "2026H1")
    assert code == 2
    assert "含有 cases/2026/XF2026-0012.yaml 中信访人的电话" in out
    assert not (repo.root / "output").exists()
    (repo.root / "templates/base.html").unlink()
    # The office's own prose names a reporter: refused in both builds.
    repo.write("reports/2026H1.md", "## 主要做法和成效\n\n王伟举报的问题已查实。\n")
    for internal in ((), ("--internal",)):
        code, out = cli(capsys, repo, "build", "--period", "2026H1", *internal)
        assert code == 2, out
        assert (
            "2026H1/summary.html 含有 cases/2026/XF2026-0011.yaml 中检举控告类事项信访人的姓名"
            in out
        )


def test_the_summary_document_properties_hold_nothing_but_its_title() -> None:
    page = "<html><body><main><h1>测试县信访局2026年上半年信访工作情况</h1><p>正文</p></main></body></html>"
    data = summary_document(page, "测试县信访局", date(2026, 6, 30), internal=False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "python-docx" not in core
    assert "<dc:title>测试县信访局2026年上半年信访工作情况</dc:title>" in core
    assert "<dc:creator>测试县信访局</dc:creator>" in core


# ---------------------------------------------------------------- 3. nothing personal reaches git


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=测试员", "-c", "user.email=t@example.invalid",
         *args], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def would_add(root: Path) -> list[str]:
    """What the guide's daily `git add -A` would stage."""
    return [line.split("'")[1] for line in git(root, "add", "-A", "-n").splitlines()]


def test_new_names_every_folder_xfgen_writes_in_the_repositorys_gitignore(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repo.root, "init", "-q")
    repo.write(".gitignore", "*.pyc")  # the office's own line, without a newline
    code, out = cli(capsys, repo, "new", "--channel", "来信")
    assert code == 0, out
    assert "已在 .gitignore 中加入 xfgen 生成的目录：/output/ /output-internal/ /export/" in out
    lines = (repo.root / ".gitignore").read_text("utf-8").splitlines()
    assert lines[0] == "*.pyc"
    assert lines[2:] == ["/output/", "/output-internal/", "/export/", "/export-internal/",
                         "/.xfgen-cache/", "/.xfgen/"]  # fmt: skip
    code, out = cli(capsys, repo, "new", "--channel", "来电")  # nothing added twice
    assert code == 0 and "已在 .gitignore" not in out
    assert (repo.root / ".gitignore").read_text("utf-8").splitlines()[2:] == lines[2:]
    code, out = cli(capsys, repo, "doctor")
    assert "[通过] git 忽略规则 .gitignore" in out


def test_internal_outputs_stay_out_of_git_without_the_repositorys_gitignore(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older repository whose .gitignore names none of xfgen's folders (the issue's
    case): the internal export and site keep themselves out, wherever they are written."""
    repo.case(VALID_CASE)
    git(repo.root, "init", "-q")
    git(repo.root, "add", "-A")
    git(repo.root, "commit", "-q", "-m", "事项")
    for args in (("export", "--format", "csv", "--internal"),
                 ("export", "--format", "xlsx", "--internal", "--out", str(repo.root / "给领导")),
                 ("build", "--period", "2026H1", "--internal", "--out", str(repo.root / "内部网站"))):  # fmt: skip
        code, out = cli(capsys, repo, *args)
        assert code == 0, out
    staged = would_add(repo.root)
    assert not [p for p in staged if p.startswith(("export-internal/", "给领导/", "内部网站/"))]
    assert (repo.root / "export-internal/cases.csv").is_file()
    assert (repo.root / "内部网站/2026H1/register.html").is_file()


def test_check_staged_refuses_a_file_inside_a_folder_xfgen_writes(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE)
    git(repo.root, "init", "-q")
    code, out = cli(capsys, repo, "export", "--format", "csv", "--internal")
    assert code == 0, out
    repo.write("output/index.html", "<p>旧网站</p>")
    git(repo.root, "add", "-A")  # no .gitignore lines yet: output/ comes in
    git(repo.root, "add", "-f", "export-internal/cases.csv")  # forced past its own .gitignore
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", TODAY, "check", "--staged")
    assert code == 1
    assert out.splitlines() == [
        "export-internal/cases.csv:1:1: (文件): 这个文件在 xfgen 生成的目录 export-internal/ 中，"
        "不能提交（生成的文件可能含个人信息，随时可以重新生成）：请运行 git rm -r --cached "
        "export-internal 把它移出暂存区，并在 .gitignore 中加入 /export-internal/。",
        "output/index.html:1:1: (文件): 这个文件在 xfgen 生成的目录 output/ 中，不能提交"
        "（生成的文件可能含个人信息，随时可以重新生成）：请运行 git rm -r --cached output "
        "把它移出暂存区，并在 .gitignore 中加入 /output/。",
        "共检查 1 个文件：2 个文件有问题，共 2 处。",
    ]
    git(repo.root, "rm", "-r", "-q", "--cached", "output", "export-internal")
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", TODAY, "check", "--staged")
    assert (code, out) == (0, "共检查 1 个文件，全部通过。\n")


# ---------------------------------------------------------------- 4. the example, every file


def file_texts(path: Path) -> list[str]:
    """What a reader (or a program) can read out of one written file."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":  # the text and the metadata (title, author, keywords, subject)
        return [html.unescape(pdf_text(path, "-htmlmeta"))]
    if suffix in (".xlsx", ".docx"):
        return [office_plain(path)]
    if suffix == ".parquet":
        table = pq.read_table(path)
        return [str(table.to_pylist()), str(table.schema.metadata)]
    text = path.read_text("utf-8", errors="replace")
    return [html.unescape(text) if suffix in (".html", ".svg") else text]


def test_nothing_personal_or_live_in_any_output_of_the_example(
    example_outputs: ExampleOutputs,
) -> None:
    root = example_outputs.root
    for args, code, output, staged in example_outputs.runs:
        assert code == (1 if args == ("doctor",) else 0), (args, output)
        # After every command of the guide, `git add -A` stages nothing personal.
        assert not [
            p
            for p in staged
            if p.startswith(("output-internal/", "export-internal/", ".xfgen-cache/"))
        ], args
    doctor = example_outputs.runs[0][2]
    assert (
        "处理方法：在仓库根目录的 .gitignore 中加入这几行（每行一个）：/output/ /output-internal/"
        in doctor
    )
    # Once `xfgen new` has named xfgen's folders in .gitignore, nothing xfgen wrote at all.
    *_, (args, _, _, staged) = example_outputs.runs
    assert args[0] == "new" and staged
    assert all(p.startswith(("cases/", ".gitignore")) for p in staged), staged

    project = load_project(root, date(2026, 11, 20))
    cases = project.cases
    phones = {  # every petitioner's phone and ID number, digits only
        re.sub(r"[\s-]", "", number).upper(): c
        for c in cases
        for field in (c.petitioner.phone, c.petitioner.id_number)
        for number in re.findall(r"\d(?:[\s-]?\d)*[Xx]?", field or "")
        if len(re.sub(r"[\s-]", "", number)) >= 7
    }
    reporters = {c.petitioner.name for c in cases if c.is_reporting and c.petitioner.name}
    others = {c.petitioner.name for c in cases if not c.is_reporting and c.petitioner.name}
    shown = "".join(
        re.sub(r"\s", "", t)
        for c in cases
        for t in (
            c.summary,
            c.leader or "",
            *(s.by for s in c.supervision),
            *(p.action for p in c.progress),
        )
    )
    notes = {
        flat
        for record in (*cases, *project.activities)
        for line in (record.notes or "").splitlines()
        if len(flat := re.sub(r"\s", "", re.sub(r"^\s*(?:[-*+>#]+|\d+[.)、])\s*", "", line))) >= 8
        and flat not in shown
    }
    assert "举报人柏子谦要求对其身份严格保密并电话回访" in notes and "柏子谦" in reporters

    written = [
        p
        for folder in ("output", "output-internal", "export", "export-internal")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file() and p.suffix.lower() not in (".woff", ".woff2", ".ttf", ".otf", ".png")
    ]
    assert {p.suffix for p in written} >= {
        ".html",
        ".pdf",
        ".xlsx",
        ".docx",
        ".csv",
        ".json",
        ".parquet",
    }
    with ThreadPoolExecutor(2) as pool:  # pdftotext runs beside the scan
        for path, texts in zip(written, pool.map(file_texts, written), strict=True):
            rel = path.relative_to(root).as_posix()
            hidden = (reporters - others) if "-internal/" in rel else reporters
            scan(rel, path, texts, phones, hidden, notes)

    # The hostile records are there, screened (the scan above did look at them).
    register = html.unescape((root / "output/2026H1/register.html").read_text("utf-8"))
    assert "何鹏（副局长，举报人（略）的联系人，（略））" in register
    assert "=cmd|' /C calc'!A0" in register
    rows = {r["id"]: r for r in csv.DictReader(
        io.StringIO((root / "export/cases.csv").read_text("utf-8-sig"), newline="")
    )}  # fmt: skip
    assert rows["XF2026-9001"]["summary"] == '\'=HYPERLINK("http://evil.example/","点击")'
    assert rows["XF2026-9002"]["petitioner_phone"] == "153****4073号码张三丰"
    internal_rows = json.loads((root / "export-internal/export.json").read_text("utf-8"))["cases"]
    assert {r["id"]: r for r in internal_rows}["XF2026-9002"][
        "summary"
    ] == "-1+1 反映补偿款问题，（略）知情"


def scan(
    rel: str,
    path: Path,
    texts: list[str],
    numbers: dict[str, Case],
    names: set[str],
    notes: set[str],
) -> None:
    """One written file holds no live formula, none of the ``notes`` lines, none of
    ``names`` and no phone or ID number of ``numbers`` (an internal file: only a reporter's)."""
    internal = "-internal/" in rel
    if path.suffix == ".xlsx":
        assert live_formulas(path.read_bytes()) == [], rel
    if path.suffix == ".csv":
        for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")):
            assert not [v for v in row if v.startswith(("=", "+", "-", "@", "\t", "\r"))], rel
    sizes = sorted({len(v) for v in numbers})
    for text in texts:
        for number in re.findall(r"\d(?:[\s-]?\d)*[Xx]?", text):
            digits = re.sub(r"[\s-]", "", number).upper()
            for size in sizes:
                for start in range(len(digits) - size + 1):
                    case = numbers.get(digits[start : start + size])
                    if case is not None and (not internal or case.is_reporting):
                        raise AssertionError(f"{rel} shows {case.path}'s phone or ID number")
        assert not [name for name in names if len(name) >= 2 and name in text], rel
        flat = re.sub(r"\s", "", text)
        assert not [line for line in notes if line in flat], rel

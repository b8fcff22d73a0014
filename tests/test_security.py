"""Inputs a hostile or careless user may give (issue #9): nothing is written
outside the output folder, nothing is read outside the repository, no hang, no
traceback, no personal value on the public site.

Builds here stop before any PDF is rendered (the refused input is found first),
so they are cheap.
"""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import CONFIG, VALID_CASE, Repo

from xfgen.cli import main
from xfgen.records.inputs import MAX_INPUT_BYTES
from xfgen.records.models import Case, Petitioner
from xfgen.records.validation import load_project
from xfgen.reports.privacy import Privacy
from xfgen.site.guard import Secrets, find_leaks, office_text
from xfgen.site.publish import PublishError, site_path

TODAY = "2026-11-25"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def check(repo: Repo, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run(capsys, "-C", str(repo.root), "--today", TODAY, "check")


def build(repo: Repo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run(capsys, "-C", str(repo.root), "--today", TODAY, "build", *args)


def new_repo(folder: Path) -> Repo:
    folder.mkdir()
    return Repo(folder)


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


# ---------------------------------------------------------------- 1. labels become paths


@pytest.mark.parametrize(
    ("unit", "reason"),
    [
        ("../../../PWNED", "不能含有“/”或“\\”。"),
        ("../summary", "不能含有“/”或“\\”。"),
        ("城关镇/东关村", "不能含有“/”或“\\”。"),
        ("城关镇\\\\东关村", "不能含有“/”或“\\”。"),  # YAML "\\" is one backslash
        ("..城关镇", "不能含有“..”。"),
        (".城关镇", "不能以“.”开头。"),
    ],
)
def test_a_unit_that_would_leave_its_folder_is_a_configuration_error(
    repo: Repo, capsys: pytest.CaptureFixture[str], unit: str, reason: str
) -> None:
    repo.write("xfgen.yaml", CONFIG.replace("units: [城关镇,", f'units: ["{unit}", 城关镇,'))
    repo.case(VALID_CASE)
    before = files_under(repo.root.parent)
    code, out, err = build(repo, capsys)
    assert code == 2 and out == ""
    # xfgen.yaml line 5, column 9: the first item of the units list.
    assert err.startswith("xfgen.yaml:5:9: units[1]: 责任单位列表中的 “")
    assert f"会用作输出文件名，{reason}" in err
    assert files_under(repo.root.parent) == before  # nothing written anywhere


def test_every_output_path_stays_in_the_staging_folder(tmp_path: Path) -> None:
    folder = tmp_path / "staging"
    folder.mkdir()
    assert site_path(folder, "2026H1/units/城关镇.html") == folder / "2026H1/units/城关镇.html"
    for rel in ("../PWNED.html", "2026H1/units/../../../x.html", "/etc/x.html", "", "."):
        with pytest.raises(PublishError, match="会写到输出目录以外"):
            site_path(folder, rel)
    (folder / "link").symlink_to(tmp_path)
    with pytest.raises(PublishError):
        site_path(folder, "link/x.html")


# ---------------------------------------------------------------- 2. symlinks followed anywhere


def test_a_case_linked_to_a_file_outside_the_repository_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path / "repo")
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(VALID_CASE, encoding="utf-8")
    (repo.root / "cases/2026").mkdir()
    (repo.root / "cases/2026/XF2026-0001.yaml").symlink_to(outside)
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert out.startswith(
        "cases/2026/XF2026-0001.yaml:1:1: (文件): 这是一个指向cases/ 文件夹以外"
        f"（{outside.resolve()}）的链接"
    )


def test_a_link_inside_its_folder_is_read(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("cases/originals/XF2026-0001.yaml", VALID_CASE)
    (repo.root / "cases/2026").mkdir()
    (repo.root / "cases/2026/XF2026-0001.yaml").symlink_to("../originals/XF2026-0001.yaml")
    code, out, _ = check(repo, capsys)
    # Both names are read: the same id twice is the ordinary duplicate error, not a refusal.
    assert code == 1 and "编号 XF2026-0001 重复" in out and "链接" not in out


@pytest.mark.parametrize("target", ["/etc/passwd", "output-internal/2026H1/register.html"])
def test_a_narrative_linked_out_of_reports_is_refused(
    repo: Repo, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    repo.case(VALID_CASE)
    repo.write("output-internal/2026H1/register.html", "<p>王某某 13800001234</p>")
    (repo.root / "reports").mkdir()
    (repo.root / "reports/2026H1.md").symlink_to(
        target if target.startswith("/") else repo.root / target
    )
    code, _, err = build(repo, capsys, "--period", "2026H1")
    assert code == 2
    assert "reports/2026H1.md：这是一个指向" in err and "以外" in err
    assert not (repo.root / "output").exists()


def test_a_template_linked_out_of_the_repository_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path / "repo")
    repo.case(VALID_CASE)
    (tmp_path / "base.html").write_text("{{ office }}", encoding="utf-8")
    (repo.root / "templates").mkdir()
    (repo.root / "templates/base.html").symlink_to(tmp_path / "base.html")
    code, _, err = build(repo, capsys, "--period", "2026H1")
    assert code == 2 and "模板 templates/base.html：这是一个指向" in err


def test_a_configuration_linked_out_of_the_repository_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path / "repo")
    (tmp_path / "xfgen.yaml").write_text(CONFIG, encoding="utf-8")
    (repo.root / "xfgen.yaml").unlink()
    (repo.root / "xfgen.yaml").symlink_to(tmp_path / "xfgen.yaml")
    code, _, err = check(repo, capsys)
    assert code == 2 and err.startswith("xfgen.yaml:1:1: (文件): 这是一个指向仓库以外")


def test_holidays_linked_out_of_the_repository_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = new_repo(tmp_path / "repo")
    repo.write("xfgen.yaml", CONFIG + "deadlines: {calendar: workdays}\n")
    (tmp_path / "holidays.yaml").write_text("holidays: [2026-01-02]\n", encoding="utf-8")
    (repo.root / "holidays.yaml").symlink_to(tmp_path / "holidays.yaml")
    code, _, err = check(repo, capsys)
    assert code == 2 and err.startswith("holidays.yaml:1:1: (文件): 这是一个指向仓库以外")


# ---------------------------------------------------------------- 3. size and type limits


def test_a_case_linked_to_a_device_is_refused_before_reading(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Inside cases/ so that only the type is wrong (a link out is refused anyway).
    (repo.root / "cases/2026").mkdir()
    (repo.root / "cases/2026/XF2026-0001.yaml").symlink_to("/dev/zero")
    code, out, _ = check(repo, capsys)
    assert code == 1 and "这是一个指向cases/ 文件夹以外（/dev/zero）的链接" in out


def test_a_pipe_named_like_a_case_does_not_hang(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo.root / "cases/2026").mkdir()
    os.mkfifo(repo.root / "cases/2026/XF2026-0001.yaml")
    os.mkdir(repo.root / "cases/2026/XF2026-0002.yaml")
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert out.splitlines()[:2] == [
        "cases/2026/XF2026-0001.yaml:1:1: (文件): 不是普通文件（是一个管道），xfgen 不读取它。",
        "cases/2026/XF2026-0002.yaml:1:1: (文件): 不是普通文件（是一个文件夹），xfgen 不读取它。",
    ]


def test_an_input_over_one_mebibyte_is_refused_unread(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # A sparse file: its size is known without writing (or reading) its bytes.
    big = repo.root / "cases/2026/XF2026-0001.yaml"
    big.parent.mkdir()
    with big.open("wb") as f:
        f.truncate(58 * 1024 * 1024)
    exactly = repo.write("cases/2026/XF2026-0002.yaml", VALID_CASE.replace("0001", "0002"))
    with exactly.open("ab") as f:  # padded with a comment to exactly 1 MiB: still read
        f.write(b"#" + b"x" * (MAX_INPUT_BYTES - exactly.stat().st_size - 2) + b"\n")
    assert exactly.stat().st_size == MAX_INPUT_BYTES
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert out.splitlines() == [
        "cases/2026/XF2026-0001.yaml:1:1: (文件): 文件太大（58.0 MiB），每个输入文件最大 1 MiB："
        "一件事项一个文件，内部备注过长请另存。",
        "共检查 2 个文件：1 个文件有问题，共 1 处。",
    ]


@pytest.mark.parametrize("name", ["xfgen.yaml", "holidays.yaml"])
def test_an_oversized_configuration_is_refused(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    repo.write("xfgen.yaml", CONFIG + "deadlines: {calendar: workdays}\n")
    with (repo.root / name).open("ab") as f:
        f.truncate(MAX_INPUT_BYTES + 1)
    code, _, err = check(repo, capsys)
    assert code == 2 and err.startswith(f"{name}:1:1: (文件): 文件太大（1.0 MiB）")


def test_an_oversized_or_piped_narrative_or_template_is_refused(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE)
    (repo.root / "reports").mkdir()
    os.mkfifo(repo.root / "reports/2026H1.md")
    code, _, err = build(repo, capsys, "--period", "2026H1")
    assert code == 2 and "reports/2026H1.md：不是普通文件（是一个管道）" in err
    (repo.root / "reports/2026H1.md").unlink()
    (repo.root / "templates").mkdir()
    with (repo.root / "templates/base.html").open("wb") as f:
        f.truncate(MAX_INPUT_BYTES + 1)
    code, _, err = build(repo, capsys, "--period", "2026H1")
    assert code == 2 and "模板 templates/base.html：文件太大" in err
    assert not (repo.root / "output").exists()


# ---------------------------------------------------------------- 4. as-of in the future


@pytest.mark.parametrize("command", ["stats", "build"])
def test_an_as_of_after_today_is_refused(
    repo: Repo, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    repo.case(VALID_CASE)
    args = ["--period", "2026H2"] if command == "stats" else []
    code, out, err = run(
        capsys, "-C", str(repo.root), "--today", TODAY, command, *args, "--as-of", "2031-01-01"
    )
    assert (code, out) == (2, "")
    assert "截至日期 2031-01-01 晚于今天（2026-11-25）" in err
    assert not (repo.root / "output").exists()


def test_an_as_of_of_today_is_accepted(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.case(VALID_CASE)
    code, _, _ = run(
        capsys, "-C", str(repo.root), "--today", TODAY, "stats", "-p", "2026H2", "--as-of", TODAY
    )
    assert code == 0


# ---------------------------------------------------------------- 10. ids and tags


def test_ids_differing_only_in_letter_case_are_one_id(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE.replace("XF2026-0001", "QC2026-0174"))
    repo.case(VALID_CASE.replace("XF2026-0001", "qc2026-0174"))
    code, out, _ = check(repo, capsys)
    assert code == 1
    assert out.splitlines() == [
        "cases/2026/qc2026-0174.yaml:1:5: id: 编号 qc2026-0174 重复："
        "cases/2026/QC2026-0174.yaml 已使用这个编号（QC2026-0174，编号不区分大小写）。",
        "共检查 2 个文件：1 个文件有问题，共 1 处。",
    ]


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("bad: !!python/object:os.system {name: x}\n", 6),
        ("bad: !!seq\n  - {date: 2026-01-09, action: 交办}\n", 6),
        ("bad: !!map {name: x}\n", 6),
    ],
)
def test_a_tag_on_a_mapping_or_list_is_an_error(
    repo: Repo, capsys: pytest.CaptureFixture[str], text: str, column: int
) -> None:
    repo.case(VALID_CASE + text)
    code, out, _ = check(repo, capsys)
    line = len(VALID_CASE.splitlines()) + 1
    assert code == 1
    assert out.splitlines()[0].startswith(
        f"cases/2026/XF2026-0001.yaml:{line}:{column}: (文件): 不允许使用 YAML 标签（tag:yaml.org,2002:"
    )


# ---------------------------------------------------------------- 9. personal data in free text

REPORTING_CASE = (
    VALID_CASE.replace("kind: 申诉求决类", "kind: 检举控告类")
    .replace("name: 王某某", "name: 郭某某")
    .replace('"13800001234"', '"17512345678"')
    .replace(
        "summary: 反映征地补偿款未足额发放",
        "summary: 举报人郭某某，电话175 1234 5678，反映王小明、李大伟侵占补偿款，证人电话13912345678",
    )
)
OTHER_CASE = (
    VALID_CASE.replace("XF2026-0001", "XF2026-0002")
    .replace("name: 王某某", "name: 王小明")
    .replace('"13800001234"', '"0371-6612345"')
    .replace('"110101199001011234"', '"41010119800202567X"')
    .replace(
        "summary: 反映征地补偿款未足额发放", "summary: 王小明反映身份证41010119800202567X被冒用"
    )
)


def privacy_of(repo: Repo, internal: bool) -> tuple[Privacy, dict[str, Case]]:
    project = load_project(repo.root, date(2026, 11, 25))
    assert not project.problems, project.problems
    return Privacy.of(project.cases, internal), {c.id: c for c in project.cases}


def test_free_text_is_screened_in_public_outputs(repo: Repo) -> None:
    repo.case(REPORTING_CASE)
    repo.case(OTHER_CASE)
    privacy, cases = privacy_of(repo, internal=False)
    reporting, other = cases["XF2026-0001"], cases["XF2026-0002"]
    # Its own reporter's name and phone: （略）; another petitioner's name (王小明)
    # masked like a name; a phone pattern masked (first 3, last 4); 李大伟 is nobody's name.
    assert privacy.case_text(reporting.summary, reporting) == (
        "举报人（略），电话（略），反映王**、李大伟侵占补偿款，证人电话139****5678"
    )
    assert privacy.case_text(other.summary, other) == "王**反映身份证410101********567X被冒用"
    assert privacy.text("王小明 0371-6612345 +86 139 1234 5678 金额12000000元") == (
        "王** 037****2345 139****5678 金额12000000元"
    )


def test_internal_outputs_still_hide_the_reporter(repo: Repo) -> None:
    repo.case(REPORTING_CASE)
    repo.case(OTHER_CASE)
    privacy, cases = privacy_of(repo, internal=True)
    reporting, other = cases["XF2026-0001"], cases["XF2026-0002"]
    assert privacy.case_text(reporting.summary, reporting) == (
        "举报人（略），电话（略），反映王小明、李大伟侵占补偿款，证人电话13912345678"
    )
    assert privacy.case_text(other.summary, other) == other.summary


def test_check_warns_when_a_summary_holds_its_own_petitioner_data(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(REPORTING_CASE)
    repo.case(OTHER_CASE)
    code, out, err = check(repo, capsys)
    assert (code, out) == (0, "共检查 2 个文件，全部通过。\n")
    assert err.splitlines() == [
        "警告：cases/2026/XF2026-0001.yaml:9:10: summary: 事由摘要中写有本事项信访人的姓名、电话"
        "（公开报告中不会显示）：个人信息请只写在 petitioner 中，摘要只写反映的问题。",
        "警告：cases/2026/XF2026-0002.yaml:9:10: summary: 事由摘要中写有本事项信访人的姓名、身份证号"
        "（公开报告中会脱敏显示）：个人信息请只写在 petitioner 中，摘要只写反映的问题。",
    ]


def test_the_public_site_shows_no_personal_value_of_a_summary(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(REPORTING_CASE)
    repo.case(OTHER_CASE)
    code, _, err = build(repo, capsys, "--period", "2026H1")
    assert code == 0, err
    register = (repo.root / "output/2026H1/register.html").read_text(encoding="utf-8")
    assert "举报人（略），电话（略），反映王**、李大伟侵占补偿款，证人电话139****5678" in register
    pdf = subprocess.run(
        ["pdftotext", "-raw", str(repo.root / "output/2026H1/register.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for text in (register, pdf):
        for value in ("郭某某", "17512345678", "1234 5678", "王小明", "13912345678", "202567X"):
            assert value not in text, value
    assert "举报人（略）" in pdf


# ---------------------------------------------------------------- the privacy guard


def test_the_guard_finds_phones_ids_and_notes_lines() -> None:
    case = Case(
        id="XF2026-0001",
        path="cases/2026/XF2026-0001.yaml",
        received=date(2026, 1, 5),
        channel="来访",
        source="本级受理",
        kind="申诉求决类",
        category="城乡建设/征地拆迁",
        summary="反映征地补偿款未足额发放",
        petitioner=Petitioner(name="王某某", phone="138-0000-1234", id_number="11010119900101123X"),
        notes="- 当事人情绪激动，需要重点回访 <注意>\n短行\n反映征地补偿款未足额发放\n",
    )
    secrets = Secrets.of([case], [], internal=False)
    pages = [
        ("a.html", "<td>电话 138</td><td>00001234</td>"),  # split by a tag: a new run
        ("b.html", "<p>电话 13800001234 号</p>"),
        ("c.html", "<p>编号11010119900101123x</p>"),
        ("d.html", "<p>当事人情绪激动，\n需要重点回访 &lt;注意&gt;</p>"),
        ("e.html", "<p>短行</p><p>反映征地补偿款未足额发放</p><p>138****1234</p>"),
        ("f.html", "<p>9913800001234</p>"),
    ]
    assert [str(leak) for leak in find_leaks(pages, secrets)] == [
        "b.html 含有 cases/2026/XF2026-0001.yaml 中信访人的电话",
        "c.html 含有 cases/2026/XF2026-0001.yaml 中信访人的身份证号",
        "d.html 含有 cases/2026/XF2026-0001.yaml 中 notes（内部备注）第 1 行的内容",
        "f.html 含有 cases/2026/XF2026-0001.yaml 中信访人的电话",
    ]
    # An internal build shows phones and ID numbers, never notes.
    internal = Secrets.of([case], [], internal=True)
    assert [leak.page for leak in find_leaks(pages, internal)] == ["d.html"]


def test_the_build_refuses_to_publish_a_page_holding_a_phone(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE.replace("内部备注", "当事人要求不要公开其家庭住址和工作单位"))
    repo.write("output/.xfgen-site", "public\n")
    repo.write("output/index.html", "旧网站")
    repo.write(
        "reports/2026H1.md",
        "## 主要做法和成效\n\n王某某（电话 138 0000 1234）反映的问题已解决。\n\n"
        "当事人要求不要公开其家庭住址和工作单位。\n",
    )
    code, out, err = build(repo, capsys, "--period", "2026H1")
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert lines[lines.index("错误：隐私检查未通过，没有发布，原来的输出保持不变：") :][:3] == [
        "错误：隐私检查未通过，没有发布，原来的输出保持不变：",
        "  2026H1/summary.html 含有 cases/2026/XF2026-0001.yaml 中信访人的电话",
        "  2026H1/summary.html 含有 cases/2026/XF2026-0001.yaml 中 notes（内部备注）第 1 行的内容",
    ]
    assert files_under(repo.root / "output") == {".xfgen-site", "index.html"}
    assert (repo.root / "output/index.html").read_text(encoding="utf-8") == "旧网站"


def test_the_guard_reads_office_files_as_text() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            '<w:document><w:p><w:r><w:t>电话138</w:t></w:r><w:r><w:t xml:space="preserve">0000'
            "</w:t></w:r><w:r><w:t>1234</w:t></w:r></w:p></w:document>",
        )
        archive.writestr("xl/sharedStrings.xml", "<sst><si><t>2026-01-05</t></si></sst>")
    text = office_text(buffer.getvalue())
    assert "电话13800001234" in text and "2026-01-05" in text
    case = Case(
        id="XF2026-0001", path="cases/2026/XF2026-0001.yaml", received=date(2026, 1, 5),
        channel="来访", source="本级受理", kind="申诉求决类", category="城乡建设/征地拆迁",
        summary="反映问题", petitioner=Petitioner(phone="13800001234"),
    )  # fmt: skip
    secrets = Secrets.of([case], [], internal=False)
    assert [str(x) for x in find_leaks([("2026H1/summary.docx", text)], secrets)] == [
        "2026H1/summary.docx 含有 cases/2026/XF2026-0001.yaml 中信访人的电话"
    ]


# ---------------------------------------------------------------- 8. text that must not reach a page


@pytest.mark.parametrize(
    ("raw", "where", "char"),
    [
        (b"\x00", "9:10", "U+0000"),
        (b"\x1b[31m", "9:10", "U+001B"),
        ("\u202e".encode(), "9:10", "U+202E"),
        ("\u2028".encode(), "9:10", "U+2028"),
        (b"\xc2\x85", "9:10", "U+0085"),  # C1 NEL
    ],
)
def test_a_raw_control_character_is_an_error_at_its_line(
    repo: Repo, capsys: pytest.CaptureFixture[str], raw: bytes, where: str, char: str
) -> None:
    text = VALID_CASE.encode().replace("summary: 反".encode(), b"summary: " + raw + "反".encode())
    repo.write("cases/2026/XF2026-0001.yaml", text)
    code, out, _ = check(repo, capsys)
    assert code == 1
    # Line 9 is summary; the character is its first, at column 10.
    assert out.splitlines()[0] == (
        f"cases/2026/XF2026-0001.yaml:{where}: (文件): 这一行有不可见的控制字符（{char}），"
        "可能是从别处复制时带进来的：请删除它后再试。"
    )
    assert "\x1b" not in out and "\x00" not in out


@pytest.mark.parametrize(
    ("escape", "char"), [("\\x1b", "U+001B"), ("\\u202e", "U+202E"), ("\\t", None)]
)
def test_an_escaped_control_character_in_a_one_line_field_is_an_error(
    repo: Repo, capsys: pytest.CaptureFixture[str], escape: str, char: str | None
) -> None:
    repo.case(
        VALID_CASE.replace("summary: 反映征地补偿款未足额发放", f'summary: "反映{escape}征地"')
    )
    code, out, _ = check(repo, capsys)
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("cases/2026/XF2026-0001.yaml:9:10: summary: 事由摘要")
    assert (f"不可见的控制字符（{char}）" if char else "只能写一行") in first
    assert "\x1b" not in out and "\u202e" not in out


def test_notes_may_hold_tabs_and_lines_but_no_control_characters(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE.replace("notes: |\n  内部备注\n", 'notes: "第一行\\n第二行\\t完\\x07"\n'))
    code, out, _ = check(repo, capsys)
    assert code == 1 and "notes: 内部备注中有不可见的控制字符（U+0007）" in out
    repo.case(VALID_CASE.replace("notes: |\n  内部备注\n", 'notes: "第一行\\n第二行\\t完"\n'))
    assert check(repo, capsys)[0] == 0


def test_a_one_line_field_is_at_most_500_characters(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE.replace("summary: 反映征地补偿款未足额发放", "summary: " + "长" * 3000))
    code, out, _ = check(repo, capsys)
    assert code == 1 and out.startswith(
        "cases/2026/XF2026-0001.yaml:9:10: summary: 事由摘要太长（3000 字），一行最多 500 字"
    )
    repo.case(VALID_CASE.replace("summary: 反映征地补偿款未足额发放", "summary: " + "长" * 500))
    assert check(repo, capsys)[0] == 0


# ---------------------------------------------------------------- 6. user errors are not xfgen's bugs


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("people: 6", "people: " + "9" * 5001), "people: 人数的数字太大（5001 位）。"),
        (("people: 6", "people: 100001"), "people: 人数不能大于 100000，现在是 100001。"),
        (
            ("notes: |\n  内部备注\n", "notes: " + "[" * 999 + "]" * 999 + "\n"),
            "内容嵌套超过 20 层",
        ),
    ],
)
def test_absurd_case_values_are_errors(
    repo: Repo, capsys: pytest.CaptureFixture[str], change: tuple[str, str], expected: str
) -> None:
    repo.case(VALID_CASE.replace(*change))
    code, out, err = check(repo, capsys)
    assert code == 1 and expected in out and "内部错误" not in err


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("units: []", "units"),
        ("deadlines: {handle_days: 999999999}", "办理期限天数不能大于 3650，现在是 999999999。"),
        ("deadlines: {accept_days: 3000000}", "受理期限天数不能大于 3650，现在是 3000000。"),
        (
            "leaderboard: {weights: {closure: 1e400}}",
            "权重 closure应为数字",
        ),
    ],
)
def test_absurd_configuration_values_are_errors(
    repo: Repo, capsys: pytest.CaptureFixture[str], config: str, expected: str
) -> None:
    repo.write("xfgen.yaml", CONFIG.replace("units: [城关镇, 河口镇, 县人社局]\n", "") + config + "\n"
               if config.startswith("units") else CONFIG + config + "\n")  # fmt: skip
    repo.case(VALID_CASE)
    code, _, err = check(repo, capsys)
    assert code == 2 and expected in err and "内部错误" not in err


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ 1 / 0 }}", "错误：模板 templates/summary.html:1 运行出错（ZeroDivisionError"),
        ('{% extends "summary.html" %}', "模板互相继承或引用形成了循环"),
        (b"\xb1\xa8\xb8\xe6".decode("latin-1"), None),  # written below as GBK bytes
    ],
)
def test_a_broken_user_template_is_the_users_error(
    repo: Repo, capsys: pytest.CaptureFixture[str], template: str, expected: str | None
) -> None:
    repo.case(VALID_CASE)
    if expected is None:
        repo.write("templates/summary.html", "报告".encode("gbk"))
        expected = "模板 templates/summary.html：文件不是 UTF-8 编码"
    else:
        repo.write("templates/summary.html", template)
    code, _, err = build(repo, capsys, "--period", "2026H1")
    assert code == 2 and expected in err and "内部错误" not in err
    assert not (repo.root / "output").exists()


def test_a_period_year_out_of_range_is_a_usage_error(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE)
    code, _, err = run(capsys, "-C", str(repo.root), "--today", TODAY, "stats", "-p", "9999H2")
    assert code == 2 and "统计期间 “9999H2” 的年份应在 1950–2100 年之间" in err


# ---------------------------------------------------------------- 7. templates run sandboxed


def test_a_user_template_cannot_reach_python_internals(
    tmp_path: Path, repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(VALID_CASE)
    marker = tmp_path / "PWNED"
    repo.write(
        "templates/summary.html",
        f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}",
    )
    code, _, err = build(repo, capsys, "--period", "2026H1")
    assert code == 2 and "模板 templates/summary.html" in err and "内部错误" not in err
    assert not marker.exists()

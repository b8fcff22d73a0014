"""xfgen doctor: every check passes on a good set-up; each problem says what to do."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import CONFIG, Repo
from test_cli import run

from xfgen.figures.deadlines import last_published_year
from xfgen.folders import add_ignores
from xfgen.reports.fonts import Face, choose_fonts, print_fonts
from xfgen.reports.pdf import find_cjk_font


def test_doctor_passes_on_a_good_setup(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    add_ignores(repo.root)
    code, out, err = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "doctor")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert [line.split("：")[0] for line in lines[:-1]] == [
        "[通过] Python",
        "[通过] WeasyPrint 和 Pango",
        "[通过] 中文字体",
        "[通过] 公文字体（PDF）",
        f"[通过] 输出目录 {repo.root / 'output'}",
        "[通过] git 忽略规则 .gitignore",
        "[通过] 配置文件 xfgen.yaml",
        "[通过] PDF 格式",
        "[通过] 节假日日历",
    ]
    assert lines[-1] == "全部通过，可以生成报告。"
    assert "Pango 1." in out and "节假日日历：期限按自然日计算" in out
    assert (
        "PDF 格式：PDF/A-2b（ISO 19005-2，长期保存用的版式格式），配置 pdf_variant: pdf/a-2b" in out
    )


def test_doctor_reports_the_pdf_variant(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("xfgen.yaml", CONFIG + "pdf_variant: pdf/a-3b\n")
    add_ignores(repo.root)
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "doctor")
    assert code == 0
    assert "[通过] PDF 格式：PDF/A-3b（ISO 19005-3、GB/T 23286.3-2021），总结 PDF 内另附" in out


def test_doctor_names_each_problem_and_its_fix(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("output", "一个文件挡住了输出目录")
    repo.write("xfgen.yaml", "office: 测试县信访局\nunits: 城关镇\n")
    code, out, _ = run(capsys, "-C", str(repo.root), "doctor")
    assert code == 1
    assert f"[问题] 输出目录 {repo.root / 'output'}：这是一个文件，不是目录" in out
    assert "处理方法：请删除或改名" in out
    assert "[问题] 配置文件 xfgen.yaml：xfgen.yaml:2: 责任单位列表应当是一个列表" in out
    assert out.splitlines()[-1] == "发现 3 个问题。"  # and no .gitignore (below)


def test_doctor_names_each_folder_git_would_take_and_the_line_to_add(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(".gitignore", "*.pyc\noutput/\n/.xfgen-cache\n.xfgen/*\n")
    code, out, _ = run(capsys, "-C", str(repo.root), "doctor")
    assert code == 1
    assert (
        "[问题] git 忽略规则 .gitignore：没有忽略 output-internal/、export/、export-internal/："
        "git add -A 会把其中的文件（内部版含未脱敏的个人信息）加入提交\n"
        "       处理方法：在仓库根目录的 .gitignore 中加入这几行（每行一个）："
        "/output-internal/ /export/ /export-internal/；xfgen new 也会自动加入。"
    ) in out


def test_doctor_names_provisional_calendar_years(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first year the installed holidays package has no published arrangement for.
    year = last_published_year() + 1
    add_ignores(repo.root)
    repo.write("xfgen.yaml", (repo.root / "xfgen.yaml").read_text(encoding="utf-8")
               + "deadlines: {calendar: workdays}\n")  # fmt: skip
    (repo.root / "cases" / "1990").mkdir()
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", f"{year}-01-10", "doctor")
    assert code == 0
    assert f"[通过] 节假日日历：覆盖 1990–{year} 年" in out
    assert f"{year}年的放假安排尚未公布，期限按法定节日推算" in out
    repo.write("holidays.yaml", f"years: [{year}]\nholidays: [{year}-01-01]\n")
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", f"{year}-01-10", "doctor")
    assert code == 0 and "尚未公布" not in out


def test_doctor_without_a_cjk_font(repo: Repo) -> None:
    """No fc-list on the PATH: fontconfig finds no font, and the fix says what to install."""
    done = subprocess.run(
        [sys.executable, "-m", "xfgen", "-C", str(repo.root), "doctor"],
        capture_output=True, text=True, check=False, env=os.environ | {"PATH": "/nonexistent"},
    )  # fmt: skip
    assert done.returncode == 1
    assert "[问题] 中文字体：没有找到可用于 PDF 的中文字体" in done.stdout
    assert "apt-get install fonts-noto-cjk" in done.stdout


def test_doctor_says_which_face_prints_each_role(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    add_ignores(repo.root)  # a good set-up: xfgen's folders are git-ignored
    code, out, _ = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "doctor")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("[通过] 公文字体（PDF）："))
    for role in ("标题", "正文", "一级标题", "二级标题", "页码"):
        assert f"；{role} " in line or f"：{role} " in line, role
    fonts = print_fonts(find_cjk_font())
    for role, face in fonts.faces:
        assert f"{role.name} {face.label}" in line
        if not face.official:  # says what stands in, and how to add the office's own
            assert f"（代替{role.official}）" in line and "fc-cache -f" in line


SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"


def test_each_role_gets_its_gongwen_font_else_the_closest_free_face() -> None:
    # fontconfig weights: 80 regular, 200 bold, 210 black
    debian = {SERIF: {80, 200}, SANS: {80, 200}}
    faces = {role.key: (face.family, face.weight, face.official)
             for role, face in choose_fonts(debian, SANS).faces}  # fmt: skip
    assert faces == {
        "title": (SERIF, 700, False),
        "body": (SERIF, 400, False),
        "heading1": (SANS, 400, False),
        "heading2": (SERIF, 400, False),  # no 楷体 at all
        "page_number": (SERIF, 400, False),
    }
    office = debian | {SERIF: {80, 200, 210}, "仿宋_GB2312": {80}, "LXGW WenKai": {80},
                       "SimHei": {80}, "方正小标宋简体": {80}}  # fmt: skip
    chosen = choose_fonts(office, SANS)
    assert chosen["title"] == Face("方正小标宋简体", 400, True)  # a bold face by design
    assert chosen["body"] == Face("仿宋_GB2312", 400, True)
    assert chosen["heading1"] == Face("SimHei", 400, True)
    assert chosen["heading2"] == Face("LXGW WenKai", 400, False)
    assert choose_fonts(debian | {SERIF: {80, 210}}, SANS)["title"].label == f"{SERIF} Black"
    assert {face.family for _, face in choose_fonts({}, "WenQuanYi Micro Hei").faces} == {
        "WenQuanYi Micro Hei"
    }
    css = chosen.css()
    assert 'body.gongwen h1 { font-family: "方正小标宋简体"; font-weight: 400; }' in css
    assert '@bottom-center { font-family: "Noto Serif CJK SC"; }' in css

"""``xfgen doctor``: is this machine and this repository ready to build?

Each check says what it found and, for a problem, exactly what to install or
change. The checks are the ones a fresh office machine fails on: Python,
WeasyPrint and Pango, a CJK font, a writable output folder, the configuration
and the holiday calendar for the years the records need.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from xfgen.errors import ConfigError, RenderError
from xfgen.figures.deadlines import HOLIDAYS_FILE, last_published_year
from xfgen.folders import ignore_line, missing_ignores
from xfgen.records.config import CONFIG_FILE, load_config, load_rules
from xfgen.records.validation import CASES_DIR
from xfgen.reports.fonts import print_fonts
from xfgen.reports.pdf import find_cjk_font

MIN_PYTHON = (3, 11)
MIN_PANGO = (1, 44)  # what WeasyPrint needs
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str  # what was found
    fix: str = ""  # for a problem: what to install or change


def diagnose(root: Path, today: date, output: Path) -> list[Finding]:
    """Every check, in the order a set-up goes."""
    return [
        check_python(),
        check_weasyprint(),
        check_font(),
        *check_print_fonts(),
        check_output(output),
        check_git_ignores(root),
        *check_configuration(root, today),
    ]


def check_python() -> Finding:
    version = ".".join(str(n) for n in sys.version_info[:3])
    if sys.version_info[:2] >= MIN_PYTHON:
        return Finding("Python", True, f"Python {version}")
    return Finding(
        "Python",
        False,
        f"Python {version} 太旧",
        "请安装 Python 3.11 或更新版本（Debian/Ubuntu：apt-get install python3），再重新安装 xfgen。",
    )


def check_weasyprint() -> Finding:
    try:
        import weasyprint
        from weasyprint.text.ffi import pango
    except (ImportError, OSError) as exc:
        return Finding(
            "WeasyPrint 和 Pango",
            False,
            f"无法加载 WeasyPrint（{exc}）",
            f"生成 PDF 需要 Pango：在 Debian/Ubuntu 上以 root 运行 apt-get install {SYSTEM_PACKAGES}；"
            "若提示缺少 weasyprint，请在 xfgen 的虚拟环境中运行 pip install weasyprint。",
        )
    number = int(pango.pango_version())
    found = (number // 10000, number // 100 % 100)
    text = f"WeasyPrint {weasyprint.__version__}，Pango {found[0]}.{found[1]}.{number % 100}"
    if found < MIN_PANGO:
        return Finding(
            "WeasyPrint 和 Pango",
            False,
            text + "：Pango 版本太旧",
            f"需要 Pango {MIN_PANGO[0]}.{MIN_PANGO[1]} 或更新版本：请升级操作系统的 Pango"
            "（Debian 11、Ubuntu 20.04 及更新版本自带的即可）。",
        )
    return Finding("WeasyPrint 和 Pango", True, text)


def check_font() -> Finding:
    try:
        return Finding("中文字体", True, find_cjk_font())
    except RenderError as exc:
        return Finding("中文字体", False, "没有找到可用于 PDF 的中文字体", str(exc))


def check_print_fonts() -> list[Finding]:
    """Which face prints each role of the summary's PDF (a 公文 font, or the free face
    standing in for it), and how to add the office's own."""
    try:
        fonts = print_fonts(find_cjk_font())
    except RenderError:
        return []  # check_font has said what to install
    faces = "；".join(
        f"{role.name} {face.label}" + ("" if face.official else f"（代替{role.official}）")
        for role, face in fonts.faces
    )
    missing = list(dict.fromkeys(role.official for role, face in fonts.faces if not face.official))
    if missing:
        faces += (
            f"。Word 文稿仍指定公文字体；要让 PDF 也用{'、'.join(missing)}，"
            "把机关自有的字体文件（.ttf/.otf，这些字体不能随 xfgen 分发）复制到 "
            "/usr/local/share/fonts/（或本用户的 ~/.local/share/fonts/），运行 fc-cache -f，"
            "再运行 xfgen doctor 确认，然后重新生成（xfgen build）"
        )
    return [Finding("公文字体（PDF）", True, faces)]


def check_output(output: Path) -> Finding:
    """The build writes a new folder beside the output and swaps it in: try exactly that."""
    name = f"输出目录 {output}"
    if output.exists() and not output.is_dir():
        return Finding(
            name, False, "这是一个文件，不是目录", f"请删除或改名 {output}，或用 --out 另选目录。"
        )
    parent = output.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = Path(tempfile.mkdtemp(prefix=".xfgen-doctor-", dir=parent))
        shutil.rmtree(probe)
    except OSError as exc:
        return Finding(
            name,
            False,
            f"无法在 {parent} 中写入（{exc.strerror}）",
            f"请让当前用户对 {parent} 有写权限（如 chmod u+w {parent}），或用 --out 另选目录。",
        )
    return Finding(name, True, "可以写入")


def check_git_ignores(root: Path) -> Finding:
    """Every folder xfgen writes is named in the repository's .gitignore (DOMAIN.md "Privacy")."""
    name = "git 忽略规则 .gitignore"
    missing = missing_ignores(root)
    if not missing:
        return Finding(name, True, "xfgen 生成的目录都不会被 git 提交")
    lines = " ".join(ignore_line(folder) for folder in missing)
    return Finding(
        name,
        False,
        f"没有忽略 {'、'.join(f'{folder}/' for folder in missing)}：git add -A 会把其中的文件"
        "（内部版含未脱敏的个人信息）加入提交",
        f"在仓库根目录的 .gitignore 中加入这几行（每行一个）：{lines}；xfgen new 也会自动加入。",
    )


def check_configuration(root: Path, today: date) -> list[Finding]:
    """The configuration, then the calendar it asks for."""
    try:
        config = load_config(root)
        rules = load_rules(root, config)
    except ConfigError as exc:
        if not (root / CONFIG_FILE).is_file():
            fix = f"在仓库根目录新建 {CONFIG_FILE}（示例见使用指南），或用 -C 指定仓库所在的目录。"
        else:
            fix = "按上面指出的行修改配置文件（格式见使用指南“配置文件”一节）。"
        problems = "；".join(f"{p.path}:{p.line}: {p.message}" for p in exc.problems)
        return [Finding(f"配置文件 {CONFIG_FILE}", False, problems, fix)]
    found = [Finding(f"配置文件 {CONFIG_FILE}", True, f"{config.office}，无误")]
    found.append(check_pdf_variant(config.pdf_variant))
    if rules.holidays is None:
        found.append(Finding("节假日日历", True, "期限按自然日计算，不需要节假日日历"))
        return found
    years = sorted(_record_years(root) | {today.year})
    provisional = [year for year in years if rules.holidays.is_provisional(year)]
    covered = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    detail = f"覆盖 {covered} 年（holidays 包，已公布到 {last_published_year()} 年）"
    if provisional:
        listed = "、".join(f"{year}年" for year in provisional)
        detail += (
            f"；{listed}的放假安排尚未公布，期限按法定节日推算，报告上会注明"
            f"（公布后升级 holidays 包，或在 {HOLIDAYS_FILE} 中写明该年安排）"
        )
    found.append(Finding("节假日日历", True, detail))
    return found


VARIANT_TEXT = {
    "pdf/a-2b": "PDF/A-2b（ISO 19005-2，长期保存用的版式格式）",
    "pdf/a-3b": "PDF/A-3b（ISO 19005-3、GB/T 23286.3-2021），总结 PDF 内另附本期统计数字（JSON）",
    "none": "普通 PDF（不是长期保存格式；要归档请在 xfgen.yaml 中写 pdf_variant: pdf/a-2b）",
}


def check_pdf_variant(variant: str) -> Finding:
    """The configured PDF variant, and pikepdf, which joins a long ledger's parts."""
    try:
        import pikepdf
    except ImportError as exc:
        return Finding(
            "PDF 格式",
            False,
            f"无法加载 pikepdf（{exc}）",
            "请在 xfgen 的虚拟环境中运行 pip install pikepdf（合并长台账的各部分时需要）。",
        )
    detail = f"{VARIANT_TEXT[variant]}，配置 pdf_variant: {variant}；pikepdf {pikepdf.__version__}"
    return Finding("PDF 格式", True, detail)


def _record_years(root: Path) -> set[int]:
    folder = root / CASES_DIR
    if not folder.is_dir():
        return set()
    return {int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit()}


def format_findings(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"[{'通过' if f.ok else '问题'}] {f.name}：{f.detail}")
        if not f.ok:
            lines.append(f"       处理方法：{f.fix}")
    problems = sum(1 for f in findings if not f.ok)
    lines.append(f"发现 {problems} 个问题。" if problems else "全部通过，可以生成报告。")
    return "\n".join(lines)

"""The command line as a user runs it: exact output and exit codes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VALID_CASE, Repo

from xfgen.cli import cli, main

REPO_ROOT = Path(__file__).resolve().parent.parent


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def test_check_valid_repository(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.case(VALID_CASE)
    code, out, err = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "check")
    assert (code, out, err) == (0, "共检查 1 个文件，全部通过。\n", "")


def test_check_lists_every_problem_then_a_count(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.case(
        VALID_CASE.replace("channel: 来访", "channel: 来仿").replace("received:", "recieved:")
    )
    repo.write("cases/2026/XF2026-0002.yaml", "id: XF2026-0002\nid: XF2026-0003\n")
    code, out, err = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "check")
    assert code == 1 and err == ""
    assert out.splitlines() == [
        "cases/2026/XF2026-0001.yaml:1:1: received: 缺少必填项 received（登记日期）。",
        "cases/2026/XF2026-0001.yaml:2:1: recieved: 未知的项 “recieved”。你是不是想写 received？",
        "cases/2026/XF2026-0001.yaml:3:10: channel: “来仿” 不是可用的信访形式。你是不是想写 “来访”？"
        "可用的值：来信、来访、来电、网上信访（在 xfgen.yaml 中配置）。",
        "cases/2026/XF2026-0002.yaml:2:1: id: 键 “id” 重复出现（第 1 行已有）：同一项只能写一次，请删除多余的一行。",
        "共检查 2 个文件：2 个文件有问题，共 4 处。",
    ]


def test_configuration_problem_exits_2(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("xfgen.yaml", "office: 县信访局\nunits: 城关镇\n")
    code, out, err = run(capsys, "-C", str(repo.root), "check")
    assert code == 2 and out == ""
    assert "xfgen.yaml:2:8: units: 责任单位列表应当是一个列表，每项以“- ”开头。" in err
    assert err.rstrip().endswith("配置文件有问题，请修正后再试。")


def test_missing_configuration_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "-C", str(tmp_path), "check")
    assert code == 2 and "找不到配置文件" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "no-such-command")[0] == 2
    code, _, err = run(capsys, "--today", "2026-02-30", "check")
    assert code == 2 and "不是 YYYY-MM-DD 格式的有效日期" in err


def test_console_script_runs_on_example_data() -> None:
    """The installed `xfgen` command, as a user types it, on the committed example."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "xfgen"), "check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.endswith("全部通过。\n") and "Traceback" not in done.stderr


def test_never_a_traceback_on_hostile_input(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("cases/2026/a.yaml", b"\xff\xfe\x00garbage")
    repo.write("cases/2026/b.yaml", "? [complex, key]\n: value\n")
    repo.write("cases/2026/c.yaml", "id: !!binary aGVsbG8=\n")
    repo.write("cases/2026/d.yaml", "- just\n- a list\n")
    repo.write("cases/2026/e.yaml", "{{{{\n")
    repo.write("cases/2026/f.yaml", "id: XF1\nprogress:\n  - date: 2026-01-01\n  - 3\n")
    code, out, err = run(capsys, "-C", str(repo.root), "check")
    assert code == 1 and "Traceback" not in out + err
    assert [line.split(":")[0] for line in out.splitlines()[:-1]][:6] == [
        f"cases/2026/{n}.yaml" for n in "abcdef"
    ]


# ---------------------------------------------------------------- click's words in Chinese

# Words allowed in Latin letters: the program, option names, metavars, file and format names.
_LATIN_OK = re.compile(
    r"xfgen|--?[a-z][\w-]*|YYYY-MM-DD|DESTINATION|TEXT|FILE|PATH|INTEGER|JSON|Schema|HTML|PDF|"
    r"CSV|Excel|xlsx|csv|json|parquet|docx|yaml|cases|output|internal|WeasyPrint|Pango|Python|"
    r"git|publish_to|H1|H2|Q1|pre-commit|RANGE|CPU|[A-Z]?\d\w*"
)


def english_words(text: str) -> list[str]:
    rest = _LATIN_OK.sub("", text)
    rest = re.sub(rf"\b({'|'.join(cli.commands)})\b", "", rest)
    return re.findall(r"[A-Za-z]{3,}", rest)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["stats"], "错误：缺少选项 --period / -p。"),
        (["stats", "--perod", "2026H1"], "错误：没有“--perod”这个选项。您是不是想用 --period？"),
        (["no-such-command"], "错误：没有“no-such-command”这个命令。"),
        (["stats", "-p"], "错误：选项“-p”后面需要一个值。"),
        (["check", "多余"], "错误：多出了参数（多余）"),
    ],
)
def test_usage_errors_are_in_chinese(
    capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.splitlines()[-1] == expected
    assert "Usage" not in err and "Error" not in err and "Try" not in err
    assert english_words(err) == []


@pytest.mark.parametrize("command", [[], ["build"], ["stats"], ["check"]])
def test_help_is_in_chinese(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    assert out.startswith("用法：xfgen")
    assert "选项：" in out and "显示本帮助并退出。" in out
    for english in ("Usage", "Options", "Commands", "Show this message", "Show the version"):
        assert english not in out
    if command:  # the top level lists every command's own (Chinese) help, written by others
        assert english_words(out) == [], out


def test_build_as_of_without_period_builds_the_periods_begun_by_then(
    repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo.case(VALID_CASE)  # received 2026-01-05
    out = tmp_path / "site"
    code, stdout, err = run(
        capsys, "-C", str(repo.root), "--today", "2026-11-25", "build", "--as-of", "2026-06-30",
        "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    # 2026H2 has not begun on 2026-06-30; the year 2026 is built as at 2026-06-30
    assert "（2026H1、2026）" in stdout
    assert not (out / "2026H2").exists()
    assert "数据截至<strong>2026年6月30日</strong>" in (out / "2026" / "summary.html").read_text(
        encoding="utf-8"
    )

"""xfgen changes, on a real temporary git repository with commits at known dates."""

from __future__ import annotations

import os
import subprocess
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from conftest import Repo
from test_cli import run

from xfgen.records.validation import load_project
from xfgen.site.history import tree_at

CASE_A = """\
id: XF2026-0001
received: 2026-01-05
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 劳动社保/工资拖欠
summary: 反映工资拖欠
petitioner:
  name: 王小明
  phone: "13800001234"
unit: 县人社局
accepted: 2026-01-08
"""
# A: deadline 2026-01-08 + 60 = 2026-03-09; extended by 30 (approved 2026-03-05) = 2026-04-08.
EXTENSION = "extension:\n  days: 30\n  approved: 2026-03-05\n"
CASE_B = """\
id: XF2026-0002
received: 2026-02-01
channel: 来访
source: 本级受理
kind: 建议意见类
category: 城乡建设/征地拆迁
summary: 建议公开补偿标准
unit: 城关镇
accepted: 2026-02-02
closed: 2026-02-20
outcome: 解决
"""
CASE_C = """\
id: XF2026-0003
received: 2026-03-10
channel: 来电
source: 上级交办
kind: 申诉求决类
category: 农村农业/土地承包
summary: 反映承包地被占
"""
C_DONE = "unit: 河口镇\naccepted: 2026-03-20\nclosed: 2026-04-05\noutcome: 解决\n"


def git(root: Path, *args: str, when: str = "2026-01-01T09:00:00", author: str = "张三") -> str:
    env = os.environ | {
        "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "x@example.org", "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "x@example.org",
        "GIT_COMMITTER_DATE": when,
    }  # fmt: skip
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def history(repo: Repo) -> Repo:
    """Three commits: a meeting on 2026-03-01, work on 2026-04-01 and 2026-04-10."""
    root = repo.root
    git(root, "init", "-q")
    repo.case(CASE_A)
    repo.case(CASE_B)
    git(root, "add", ".")
    git(root, "commit", "-qm", "登记", when="2026-03-01T17:00:00")
    git(root, "tag", "meeting-2026-03", when="2026-03-01T17:00:00")
    repo.case(CASE_A + EXTENSION)
    repo.case(
        CASE_B.replace("建议公开补偿标准", "建议公开征地补偿标准")
    )  # B was closed: a late edit
    repo.case(CASE_C)
    git(root, "commit", "-qam", "延期", when="2026-04-01T09:30:00", author="王五")
    git(root, "add", ".")
    git(root, "commit", "-qm", "新登记", when="2026-04-01T09:31:00", author="王五")
    repo.case(CASE_C + C_DONE)  # C closed in the same commit that accepts it: not a late edit
    git(root, "commit", "-qam", "办结", when="2026-04-10T16:00:00", author="赵六")
    return repo


def test_changes_since_the_meeting_tag(history: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    root = history.root
    late = git(root, "rev-parse", "--short", "HEAD~2")
    base = git(root, "rev-parse", "--short", "meeting-2026-03")
    code, out, err = run(capsys, "-C", str(root), "--today", "2026-04-20", "changes")
    assert (code, err) == (0, "")
    # A is overdue on 2026-04-20 (deadline 04-08 < 04-20) but was not on 2026-03-01
    # (the extension was not approved yet; deadline 03-09 had not passed).
    assert out.splitlines() == [
        f"自 meeting-2026-03（提交 {base}，2026-03-01）以来的变化，截至 2026-04-20",
        "",
        "新登记 1 件",
        "  编号         登记日期    问题类别           责任单位",
        "  XF2026-0003  2026-03-10  农村农业/土地承包  河口镇",
        "",
        "新受理 1 件",
        "  编号         受理日期    问题类别           责任单位",
        "  XF2026-0003  2026-03-20  农村农业/土地承包  河口镇",
        "",
        "新办结 1 件",
        "  编号         办结日期    问题类别           责任单位",
        "  XF2026-0003  2026-04-05  农村农业/土地承包  河口镇",
        "",
        "新延期 1 件",
        "  编号         延期批准日期  问题类别           责任单位",
        "  XF2026-0001  2026-03-05    劳动社保/工资拖欠  县人社局",
        "",
        "新超期 1 件",
        "  编号         办理期限    问题类别           责任单位",
        "  XF2026-0001  2026-04-08  劳动社保/工资拖欠  县人社局",
        "",
        "办结后又修改的记录 1 处",
        "  编号         修改人  时间              提交",
        f"  XF2026-0002  王五    2026-04-01 09:30  {late}",
    ]
    assert "王小明" not in out and "13800001234" not in out


def test_changes_since_a_date_and_before_any_commit(
    history: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = history.root
    history.case(CASE_B.replace("outcome: 解决", "outcome: 部分解决"))  # not committed yet
    code, out, _ = run(
        capsys, "-C", str(root), "--today", "2026-04-20", "changes", "--since", "2026-04-05"
    )
    assert code == 0
    lines = out.splitlines()
    # The last commit before 2026-04-05 is the one of 2026-04-01: since then only C's closing.
    assert lines[2:4] == ["新登记 0 件", ""] and "新办结 1 件" in lines
    assert lines[-3:] == [
        "办结后又修改的记录 1 处",
        "  编号         修改人      时间  提交",
        "  XF2026-0002  （未提交）  —     —",
    ]
    code, out, _ = run(
        capsys, "-C", str(root), "--today", "2026-04-20", "changes", "--since", "2025-12-31"
    )
    assert (
        out.splitlines()[0]
        == "自 2025-12-31（此前没有提交，全部记录都算新的）以来的变化，截至 2026-04-20"
    )
    assert "新登记 3 件" in out


def test_changes_errors(
    history: Repo, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "-C", str(history.root), "changes", "--since", "meeting-1999")
    assert code == 2 and "找不到 “meeting-1999”" in err
    plain = Repo(tmp_path_factory.mktemp("plain"))  # not a git repository
    for since in ((), ("--since", "2026-01-01"), ("--since", "HEAD")):
        code, _, err = run(capsys, "-C", str(plain.root), "changes", *since)
        assert code == 2 and f"{plain.root} 不在 git 仓库中（找不到 .git）" in err
        assert "找不到 HEAD" not in err and "找不到 “HEAD”" not in err
    git(plain.root, "init", "-q")  # a repository without a commit yet
    code, _, err = run(capsys, "-C", str(plain.root), "changes", "--since", "2026-01-01")
    assert code == 2 and "仓库中还没有任何提交" in err


def test_changes_without_git(
    history: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH holding no git
    code, _, err = run(capsys, "-C", str(history.root), "changes")
    assert code == 2 and "没有找到 git 程序" in err and "apt-get install git" in err


def test_changes_in_a_shallow_clone_says_so(
    history: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clone made with --depth 1 holds only the last commit: comparing with a meeting
    or a date before it would list every record as new; it is refused, saying how to
    fetch the rest, and works once the history is there."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{history.root}", str(clone)],
                   check=True)  # fmt: skip
    args = ("-C", str(clone), "--today", "2026-04-20", "changes")
    for since in (("--since", "2026-03-15"), ("--since", "2025-12-31"), ()):
        code, out, err = run(capsys, *args, *since)
        assert (code, out) == (2, "")
        assert "浅克隆" in err and "git fetch --unshallow" in err
    git(clone, "fetch", "-q", "--tags", "origin", "tag", "meeting-2026-03")
    code, _, err = run(capsys, *args)  # the tag's commit is there, its history is not
    assert code == 2 and "浅克隆" in err and "git fetch --unshallow" in err
    git(clone, "fetch", "-q", "--unshallow")
    code, out, err = run(capsys, *args)
    assert (code, err) == (0, "") and "新登记 1 件" in out


def test_history_is_read_file_by_file(history: Repo, tmp_path: Path) -> None:
    """A huge file in history is never read whole: it stands in the copy as a sparse file
    of its size (which the loader refuses unread), and reading a tree holds one file at
    a time in memory."""
    root = history.root
    big = 24 * 1024 * 1024
    history.write("cases/2026/huge.yaml", b"id: huge\nsummary: " + b"x" * big)
    history.write("cases/2026/mid.yaml", b"id: mid\nsummary: " + b"y" * 5000)
    git(root, "add", ".")
    git(root, "commit", "-qm", "大文件", when="2026-04-15T09:00:00")
    tracemalloc.start()
    try:
        with tree_at(root, "HEAD", limit=4096) as copy:
            _, peak = tracemalloc.get_traced_memory()
            huge, mid = copy / "cases/2026/huge.yaml", copy / "cases/2026/mid.yaml"
            assert huge.stat().st_size == big + 18 and huge.stat().st_blocks * 512 < 65536
            assert mid.stat().st_size == 5017 and mid.read_bytes().strip(b"\0") == b""
            assert (
                (copy / "cases/2026/XF2026-0001.yaml")
                .read_text(encoding="utf-8")
                .startswith("id: XF2026-0001")
            )
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024
    with tree_at(root, "HEAD") as copy:  # the loader's own limit: 1 MiB
        assert (copy / "cases/2026/mid.yaml").read_bytes().startswith(b"id: mid")
        problems = load_project(copy, date(2026, 4, 20)).problems
        assert any(p.path == "cases/2026/huge.yaml" and "1 MiB" in p.message for p in problems)


def test_built_site_has_the_page_since_the_last_meeting(
    history: Repo, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path_factory.mktemp("site") / "output"
    code, _, err = run(
        capsys, "-C", str(history.root), "--today", "2026-04-20", "build", "--out", str(out)
    )
    assert code == 0, err
    page = (out / "changes.html").read_text(encoding="utf-8")
    assert "<h1>上次会议以来的变化</h1>" in page
    assert "自 <strong>meeting-2026-03</strong>（2026-03-01）以来" in page
    assert "<h2>新超期 1 件</h2>" in page and "<h2>办结后又修改的记录 1 处</h2>" in page
    assert "王小明" not in page and "王**" not in page and "13800001234" not in page
    assert (out / "changes.pdf").stat().st_size > 1000
    index = (out / "index.html").read_text(encoding="utf-8")
    assert (
        '<a href="changes.html">网页</a>' in index
        and "上次会议以来的变化（自 meeting-2026-03）" in index
    )

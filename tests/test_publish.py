"""xfgen publish: the last good public site to a folder (swapped in) or an rsync target."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_CASE, Repo
from test_cli import run

from xfgen.commands.publish import rsync


def site(repo: Repo, kind: str = "public", **pages: str) -> Path:
    """A site as xfgen build leaves it: pages and the marker saying which kind it is."""
    out = repo.root / "output"
    for name, text in {"index.html": "首页", **pages}.items():
        repo.write(f"output/{name}", text)
    repo.write("output/.xfgen-site", kind + "\n")
    return out


def test_publish_a_real_build_to_a_folder(
    repo: Repo, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    share = tmp_path_factory.mktemp("share") / "xinfang"  # stands in for the mounted share
    repo.write("xfgen.yaml", (repo.root / "xfgen.yaml").read_text(encoding="utf-8")
               + f"publish_to: {share}\n")  # fmt: skip
    repo.case(VALID_CASE)
    args = ("-C", str(repo.root), "--today", "2026-11-25")
    assert run(capsys, *args, "build")[0] == 0
    built = sorted(p.relative_to(repo.root / "output") for p in (repo.root / "output").rglob("*"))
    code, out, err = run(capsys, *args, "publish")
    assert (code, err) == (0, "")
    assert sorted(p.relative_to(share) for p in share.rglob("*")) == built
    files = [p for p in built if (repo.root / "output" / p).is_file()]
    assert (
        out.splitlines()[0] == f"已发布到 {share}：新增 {len(files)} 个文件，更新 0 个，删除 0 个。"
    )
    assert out.splitlines()[1:3] == ["  新增 .xfgen-manifest.json", "  新增 .xfgen-site"]
    assert out.splitlines()[-1] == f"  ……另有 {len(files) - 20} 个"
    # Published again unchanged: nothing to report.
    code, out, _ = run(capsys, *args, "publish")
    assert out == f"已发布到 {share}：新增 0 个文件，更新 0 个，删除 0 个。\n"


def test_publish_reports_changes_and_swaps_the_folder(
    repo: Repo, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    share = tmp_path_factory.mktemp("share") / "xinfang"
    site(repo, **{"a.html": "一", "b.html": "二"})
    code, _, _ = run(capsys, "-C", str(repo.root), "publish", str(share))
    assert code == 0
    (repo.root / "output" / "a.html").write_text("一（新）", encoding="utf-8")
    (repo.root / "output" / "b.html").unlink()
    repo.write("output/2026H1/c.html", "三")
    code, out, _ = run(capsys, "-C", str(repo.root), "publish", str(share))
    assert (code, out.splitlines()) == (0, [
        f"已发布到 {share}：新增 1 个文件，更新 1 个，删除 1 个。",
        "  新增 2026H1/c.html",
        "  更新 a.html",
        "  删除 b.html",
    ])  # fmt: skip
    assert (share / "a.html").read_text(encoding="utf-8") == "一（新）"
    assert [p.name for p in share.parent.iterdir()] == ["xinfang"]  # no staging left behind


def test_publish_refuses(
    repo: Repo, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    share = tmp_path_factory.mktemp("share")
    args = ("-C", str(repo.root), "--today", "2026-11-25", "publish")
    code, _, err = run(capsys, *args)
    assert code == 2 and "没有指定发布位置" in err
    code, _, err = run(capsys, *args, str(share / "x"))
    assert code == 2 and "还没有生成的网站：请先运行 xfgen build" in err
    site(repo, "internal")
    code, _, err = run(capsys, *args, str(share / "x"))
    assert code == 2 and "是内部版（含未脱敏的个人信息），不能发布" in err
    site(repo)
    repo.case(VALID_CASE.replace("channel: 来访", "channel: 来仿"))
    code, _, err = run(capsys, *args, str(share / "x"))
    assert code == 2 and "事项文件有 1 处问题（xfgen check 可查看），未发布" in err
    repo.case(VALID_CASE)
    repo.write(f"{share}/other/readme.txt", "别人的文件")
    code, _, err = run(capsys, *args, str(share / "other"))
    assert code == 2 and "不是 xfgen 生成的网站" in err
    code, _, err = run(capsys, *args, str(repo.root / "cases" / "site"))
    assert code == 2 and "包含事项文件" in err
    assert not (share / "x").exists()
    assert (share / "other" / "readme.txt").read_text(encoding="utf-8") == "别人的文件"


def test_rsync_mirror_lists_what_changed(repo: Repo, tmp_path: Path) -> None:
    """The rsync path, run by real rsync (to a local folder, as it would to host:path)."""
    out = site(repo, **{"a.html": "一", "b.html": "二"})
    target = tmp_path / "mirror"
    first = rsync(out, str(target))
    assert sorted(first.added) == [".xfgen-site", "a.html", "b.html", "index.html"]
    (out / "a.html").write_text("一（新）", encoding="utf-8")
    (out / "b.html").unlink()
    second = rsync(out, str(target))
    assert (second.added, second.changed, second.removed) == ((), ("a.html",), ("b.html",))

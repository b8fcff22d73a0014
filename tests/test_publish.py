"""xfgen publish: the last good public site to a folder (swapped in) or an rsync target."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, VALID_CASE, Repo
from test_cli import run

from xfgen.commands.publish import DIRTY_NOTE, PublishRefused, read_itemized, rsync
from xfgen.site.build import build_site
from xfgen.site.gitinfo import DataVersion
from xfgen.site.manifest import Manifest, PageRecord, read_manifest, write_manifest

COMMITTED = DataVersion("1234abcd", False)


def site(
    repo: Repo, kind: str = "public", data: DataVersion | None = COMMITTED, **pages: str
) -> Path:
    """A site as xfgen build leaves it: pages, the marker saying which kind it is and
    the manifest listing the pages and the data version they were built from."""
    out = repo.root / "output"
    for name, text in {"index.html": "<html><body>首页</body></html>", **pages}.items():
        repo.write(f"output/{name}", text)
    repo.write("output/.xfgen-site", kind + "\n")
    records = {name: PageRecord("", {}, "") for name in {"index.html", *pages}}
    write_manifest(out, Manifest(kind, (), records, data=data))
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
    (repo.root / "output" / "b.html").unlink()
    site(repo, **{"a.html": "一（新）", "2026H1/c.html": "三"})
    code, out, _ = run(capsys, "-C", str(repo.root), "publish", str(share))
    assert (code, out.splitlines()) == (0, [
        f"已发布到 {share}：新增 1 个文件，更新 2 个，删除 1 个。",
        "  新增 2026H1/c.html",
        "  更新 .xfgen-manifest.json",
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
    assert sorted(first.added) == [
        ".xfgen-manifest.json", ".xfgen-site", "a.html", "b.html", "index.html"
    ]  # fmt: skip
    (out / "a.html").write_text("一（新）", encoding="utf-8")
    (out / "b.html").unlink()
    second = rsync(out, str(target))
    assert (second.added, second.changed, second.removed) == ((), ("a.html",), ("b.html",))
    # A folder of someone else's files, read by the real rsync's listing: refused.
    other = tmp_path / "other"
    other.mkdir()
    (other / "readme.txt").write_text("别人的文件", encoding="utf-8")
    with pytest.raises(PublishRefused, match="不是 xfgen 生成的网站"):
        rsync(out, str(other))
    assert [p.name for p in other.iterdir()] == ["readme.txt"]


def test_a_site_that_is_not_whole_is_refused(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a preview or a build without PDFs leaves (pages whose PDFs are missing), a
    file of the manifest gone, a link out of the site, or no manifest: never published."""
    repo.case(VALID_CASE)
    share = tmp_path / "share"
    args = ("-C", str(repo.root), "--today", "2026-11-25", "publish", str(share))
    build_site(repo.root, repo.root / "output", TODAY, pdfs=False)  # as serve --no-pdf did
    code, _, err = run(capsys, *args)
    assert code == 2 and "中的网站不完整，未发布" in err
    assert "2026H1/activities.html 中的链接 activities.pdf 指向不存在的文件" in err
    assert "……另有" in err and "请运行 xfgen build 完整生成后再发布" in err
    assert not share.exists()

    shutil.rmtree(repo.root / "output")
    out = site(repo, **{"a.html": '<a href="b.html#top">b</a> <img src="../../etc/x.png">'})
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "a.html 中的链接 b.html#top 指向不存在的文件" in err
    assert "a.html 中的链接 ../../etc/x.png 指向网站以外" in err
    repo.write("output/b.html", "<p>二</p>")
    repo.write("output/x.png", "")
    (out / "a.html").write_text('<a href="b.html#top">b</a> <a href="https://x.example/">外</a>'
                                ' <a href="#z">z</a> <a href="./">首页</a>', encoding="utf-8")  # fmt: skip
    assert run(capsys, *args)[0] == 0  # whole now
    (out / "a.html").unlink()  # listed by the manifest
    code, _, err = run(capsys, *args)
    assert code == 2 and "缺少文件 a.html" in err
    (out / ".xfgen-manifest.json").unlink()
    code, _, err = run(capsys, *args)
    assert code == 2 and "没有可用的清单 .xfgen-manifest.json" in err


def test_a_site_built_from_uncommitted_changes_needs_allow_dirty(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo.root), *args], check=True, capture_output=True)

    repo.case(VALID_CASE)
    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "一")
    repo.case(VALID_CASE.replace("XF2026-0001", "XF2026-0002"))  # not committed
    build_site(repo.root, repo.root / "output", TODAY, pdfs=False)
    recorded = read_manifest(repo.root / "output", "public")
    assert recorded is not None and recorded.data is not None and recorded.data.dirty

    share = tmp_path / "share"
    args = ("-C", str(repo.root), "--today", "2026-11-25", "publish", str(share))
    shutil.rmtree(repo.root / "output")
    out = site(repo, data=DataVersion("1234abcd", True))
    code, _, err = run(capsys, *args)
    assert code == 2 and "是用未提交的修改生成的（数据版本 1234abcd（有未提交的修改））" in err
    assert "--allow-dirty" in err and not share.exists()
    code, printed, err = run(capsys, *args, "--allow-dirty")
    assert code == 0 and DIRTY_NOTE in printed
    published = (share / "index.html").read_text(encoding="utf-8")
    assert published.startswith('<html><body><p class="xfgen-dirty" role="alert"')
    assert DIRTY_NOTE in published and "1234abcd" in published
    assert (out / "index.html").read_text(encoding="utf-8") == "<html><body>首页</body></html>"
    site(repo, data=None)  # an older xfgen's site: the data version unknown
    code, _, err = run(capsys, *args)
    assert code == 2 and "没有记下它依据的数据版本" in err


FAKE_RSYNC = """\
#!{python}
import json, os, shutil, sys
args = sys.argv[1:]
with open(os.environ["FAKE_RSYNC_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\\n")
remote = os.environ["FAKE_RSYNC_REMOTE"]  # a folder standing for the remote target
if "--list-only" in args:
    if not os.path.isdir(remote):
        sys.exit('rsync: [sender] change_dir "/x" failed: No such file or directory (2)')
    print("drwxr-xr-x          4,096 2026/12/07 06:26:27 .")
    for name in sorted(os.listdir(remote)):
        print("-rw-r--r--              7 2026/12/07 06:26:27 " + name)
elif args[-2].endswith("/.xfgen-site"):
    shutil.copy(os.path.join(remote, ".xfgen-site"), args[-1])
else:
    sys.stdout.write(os.environ["FAKE_RSYNC_OUTPUT"])
"""


class FakeRsync:
    """An ``rsync`` first on PATH: records its arguments, lists a folder standing for
    the remote target and prints what a push to a remote host prints."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        script = bin_dir / "rsync"
        script.write_text(FAKE_RSYNC.format(python=sys.executable), encoding="utf-8")
        script.chmod(0o755)
        self.log = tmp_path / "rsync.log"
        self.remote = tmp_path / "remote"
        monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")
        monkeypatch.setenv("FAKE_RSYNC_LOG", str(self.log))
        monkeypatch.setenv("FAKE_RSYNC_REMOTE", str(self.remote))
        monkeypatch.setenv("FAKE_RSYNC_OUTPUT", "")
        self.monkeypatch = monkeypatch

    def prints(self, text: str) -> None:
        self.monkeypatch.setenv("FAKE_RSYNC_OUTPUT", text)

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    "target",
    ["web@intranet:", "intranet:/", "intranet:/srv/..", "intranet:~", "intranet:~/",
     "intranet:.", "web@intranet:~web", "intranet:..", "intranet::www", "intranet::www/",
     "rsync://intranet/www", "rsync://intranet/www/", "rsync://intranet", "-e sh x:/y",
     "--rsh=touch /tmp/x:y", "-n", "intranet:/srv/www\nx"],
)  # fmt: skip
def test_an_unsafe_rsync_target_is_refused_before_rsync_runs(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], target: str,
) -> None:  # fmt: skip
    fake = FakeRsync(tmp_path, monkeypatch)
    repo.case(VALID_CASE)
    site(repo)
    code, out, err = run(capsys, "-C", str(repo.root), "--today", "2026-11-25", "publish", "--",
                         target)  # fmt: skip
    assert (code, out) == (2, "")
    assert "未发布" in err
    assert fake.calls() == []


def test_rsync_to_a_remote_host(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeRsync(tmp_path, monkeypatch)
    repo.case(VALID_CASE)
    out = site(repo, **{"a.html": "一", "b.html": "二"})
    args = ("-C", str(repo.root), "--today", "2026-11-25", "publish", "--")
    target = "web@intranet:/srv/www/xinfang"
    # A folder there holding someone else's files: refused, nothing sent.
    fake.remote.mkdir()
    (fake.remote / "index.html").write_text("别人的网站", encoding="utf-8")
    code, _, err = run(capsys, *args, target)
    assert code == 2 and "已有内容，但不是 xfgen 生成的网站（没有 .xfgen-site）" in err
    assert fake.calls() == [["--list-only", "--", target + "/"]]
    # The internal site there: refused.
    (fake.remote / ".xfgen-site").write_text("internal\n", encoding="utf-8")
    code, _, err = run(capsys, *args, target)
    assert code == 2 and "里是内部版网站，不能用公开版覆盖" in err
    assert len(fake.calls()) == 3 and "--delete" not in sum(fake.calls(), [])
    # Our public site there: mirrored, counts from the push's itemized lines.
    (fake.remote / ".xfgen-site").write_text("public\n", encoding="utf-8")
    fake.prints("<f+++++++++ a.html\n<f+++++++++ 新 页.html\n<fc.t...... index.html\n"
                ".f..t...... b.html\ncd+++++++++ 2026H1/\n*deleting   old.html\n"
                "*deleting   2025H2/\n")  # fmt: skip
    code, printed, err = run(capsys, *args, target)
    assert (code, err) == (0, "")
    assert printed.splitlines() == [
        f"已发布到 {target}：新增 2 个文件，更新 1 个，删除 1 个。",
        "  新增 a.html", "  新增 新 页.html", "  更新 index.html", "  删除 old.html",
    ]  # fmt: skip
    push = fake.calls()[-1]
    assert push[-3:] == ["--", f"{out}/", target + "/"]
    assert "--delete" in push and all(not a.startswith("-") for a in push[-2:])
    # Not there yet: rsync makes it.
    for item in fake.remote.iterdir():
        item.unlink()
    fake.remote.rmdir()
    assert run(capsys, *args, target)[0] == 0


def test_itemized_lines_as_rsync_writes_them() -> None:
    """Pushed to a remote host (``<``), received locally (``>``): the same counts."""
    for sent in "<>":
        lines = (f"{sent}f+++++++++ a b.html\n{sent}f.st...... c.html\nhf+++++++++ d\n"
                 "created directory /x\n*deleting   e.html\n*deleting   f/\n")  # fmt: skip
        assert read_itemized(lines) == (["a b.html"], ["c.html"], ["e.html"])

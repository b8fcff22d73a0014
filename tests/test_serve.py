"""xfgen serve, run as a user runs it: request pages, change records, wait for the rebuild."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import VALID_CASE, Repo

PREVIEW = Path(".xfgen-cache") / "preview"

WAIT = 120  # seconds; a loaded machine may take long to build, never forever


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(what: str, check: Any) -> Any:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"等待超时：{what}")


class Server:
    def __init__(self, process: subprocess.Popen[str], url: str, log: Path):
        self.process, self.url, self.log = process, url, log

    def status(self) -> dict[str, Any]:
        return json.loads(get(self.url + "__xfgen/status"))


@contextlib.contextmanager
def start(root: Path, *args: str) -> Iterator[Server]:
    log = root.parent / f"{root.name}-serve.log"
    with log.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "xfgen", "-C", str(root), "--today", "2026-11-25",
             "serve", "--port", "0", *args],
            stdout=sink, stderr=subprocess.STDOUT, text=True,
            env=os.environ | {"PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
    try:
        address = wait_for(
            "预览地址", lambda: re.search(r"http://127\.0\.0\.1:\d+/", log.read_text("utf-8"))
        )
        yield Server(process, address.group(0), log)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture
def server(repo: Repo) -> Iterator[Server]:
    repo.case(VALID_CASE)
    with start(repo.root, "--no-pdf") as running:
        yield running


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(repo: Repo, server: Server) -> None:
    wait_for("首次生成", lambda: server.status()["version"] == 1)
    index = get(server.url)
    assert "信访工作报告" in index and '<script src="/__xfgen/reload.js"></script></body>' in index
    assert "location.reload()" in get(server.url + "__xfgen/reload.js")
    register = get(server.url + "2026H1/register.html")
    assert "XF2026-0001" in register and "XF2026-0002" not in register
    # the files on disk are the ordinary build: the script is only added as pages are sent
    assert "__xfgen" not in (repo.root / PREVIEW / "index.html").read_text(encoding="utf-8")
    assert not (repo.root / "output").exists()  # the preview is not the site

    repo.case(VALID_CASE.replace("XF2026-0001", "XF2026-0002"))
    wait_for("修改后重新生成", lambda: server.status()["version"] == 2)
    assert "XF2026-0002" in get(server.url + "2026H1/register.html")

    repo.case(
        VALID_CASE.replace("XF2026-0001", "XF2026-0003").replace("channel: 来访", "channel: 来仿")
    )
    error = wait_for("显示错误", lambda: server.status()["error"])
    # The browser learns where the problem is; what it says (the value) only the terminal.
    assert "cases/2026/XF2026-0003.yaml:3:10: channel" in error and "来仿" not in error
    assert server.status()["version"] == 2  # no reload: the last good site stays
    assert "XF2026-0002" in get(server.url + "2026H1/register.html")
    log = server.log.read_text(encoding="utf-8")
    assert "生成失败，仍显示上一次成功生成的网页" in log
    assert "XF2026-0003.yaml:3:10: channel: “来仿” 不是可用的信访形式" in log

    repo.case(VALID_CASE.replace("XF2026-0001", "XF2026-0003"))
    wait_for("修正后重新生成", lambda: server.status() == {"version": 3, "error": ""})
    # a change outside the watched folders and files does not rebuild
    (repo.root / "notes.txt").write_text("与报告无关", encoding="utf-8")
    time.sleep(2)
    assert server.status()["version"] == 3


def test_serve_makes_the_pdfs_after_the_pages(repo: Repo) -> None:
    repo.case(VALID_CASE)
    with start(repo.root) as server:
        wait_for("网页", lambda: server.status()["version"] == 1)
        wait_for("PDF", lambda: (repo.root / PREVIEW / "2026H1" / "summary.pdf").is_file())
        with urllib.request.urlopen(server.url + "2026H1/summary.pdf", timeout=10) as response:
            assert response.read(5) == b"%PDF-"
        wait_for("PDF 完成的提示", lambda: "PDF 已生成。" in server.log.read_text("utf-8"))


def ask(url: str, host: str, method: str = "GET") -> tuple[int, str]:
    """A request to the preview naming ``host`` in its Host header, as a browser at
    another site (DNS rebinding) would send it."""
    port = int(url.rsplit(":", 1)[1].strip("/"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, "/__xfgen/status", skip_host=True)
        if host:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def test_serve_answers_only_its_own_host(repo: Repo, server: Server) -> None:
    port = server.url.rsplit(":", 1)[1].strip("/")
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        status, body = ask(server.url, host)
        assert status == 200 and '"version"' in body
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port}.evil",
                 f"localhost:{int(port) + 1}", ""):  # fmt: skip
        status, body = ask(server.url, host)
        assert status == 403 and "version" not in body, host
        assert ask(server.url, host, "HEAD")[0] == 403


def test_a_preview_never_touches_the_site(repo: Repo, tmp_path: Path) -> None:
    """``output/`` holds the last real build; a preview of a case not yet committed
    (and without PDFs) leaves it exactly as it was, and is ignored by git."""
    repo.case(VALID_CASE)
    site = repo.root / "output"
    repo.write("output/index.html", "上次的网站")
    repo.write("output/2026H1/summary.pdf", "上次的 PDF")
    repo.write("output/.xfgen-site", "public\n")
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    repo.case(VALID_CASE.replace("XF2026-0001", "XF2026-0002"))  # not committed
    with start(repo.root, "--no-pdf") as server:
        wait_for("生成", lambda: server.status()["version"] == 1)
        assert "XF2026-0002" in get(server.url + "2026H1/register.html")
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    subprocess.run(["git", "init", "-q", str(repo.root)], check=True)
    status = subprocess.run(
        ["git", "-C", str(repo.root), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert ".xfgen-cache" not in status and "cases/2026/XF2026-0002.yaml" in status

"""xfgen serve, run as a user runs it: request pages, change records, wait for the rebuild."""

from __future__ import annotations

import contextlib
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
    assert "__xfgen" not in (repo.root / "output" / "index.html").read_text(encoding="utf-8")

    repo.case(VALID_CASE.replace("XF2026-0001", "XF2026-0002"))
    wait_for("修改后重新生成", lambda: server.status()["version"] == 2)
    assert "XF2026-0002" in get(server.url + "2026H1/register.html")

    repo.case(
        VALID_CASE.replace("XF2026-0001", "XF2026-0003").replace("channel: 来访", "channel: 来仿")
    )
    error = wait_for("显示错误", lambda: server.status()["error"])
    assert "cases/2026/XF2026-0003.yaml:3:10: channel: “来仿” 不是可用的信访形式" in error
    assert server.status()["version"] == 2  # no reload: the last good site stays
    assert "XF2026-0002" in get(server.url + "2026H1/register.html")
    assert "生成失败，仍显示上一次成功生成的网页" in server.log.read_text(encoding="utf-8")

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
        wait_for("PDF", lambda: (repo.root / "output" / "2026H1" / "summary.pdf").is_file())
        with urllib.request.urlopen(server.url + "2026H1/summary.pdf", timeout=10) as response:
            assert response.read(5) == b"%PDF-"
        wait_for("PDF 完成的提示", lambda: "PDF 已生成。" in server.log.read_text("utf-8"))

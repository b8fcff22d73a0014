"""``xfgen serve``: a live preview of the site while the records are edited.

It builds the web pages into a folder of its own (``.xfgen-cache/preview/``,
ignored by git with the rest of the cache), never into ``output/``: a preview
shows records as they are being edited, and must never become the site that
``xfgen publish`` sends. It serves that folder on 127.0.0.1 and watches the
records, narratives, templates and configuration (watchfiles). On a change it
rebuilds the pages at once and reloads the open browser page; the PDFs follow
in a separate ``xfgen build`` process, stopped and restarted if another change
comes first. A failed build leaves the last good site served and shows where
its errors are on the page (what they say, which may quote a record, only in the
terminal). Nothing is changed in the built files: the reload script is added to
pages only as they are sent.

Only requests naming the preview itself in their ``Host`` header (127.0.0.1 or
localhost, with its port) are answered: a web page elsewhere whose name was made
to point at 127.0.0.1 (DNS rebinding) cannot read the preview.
"""

from __future__ import annotations

import functools
import html
import json
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from xfgen.errors import ConfigError, XfgenError
from xfgen.records.cache import CACHE_DIR, mark_cache_folder
from xfgen.site.build import InvalidData, build_site, data_paths

HOST = "127.0.0.1"  # a preview is for the person at this machine only
PREVIEW = Path(CACHE_DIR) / "preview"  # what serve builds: never the site in output/
STATUS_PATH = "/__xfgen/status"
SCRIPT_PATH = "/__xfgen/reload.js"
RELOAD_TAG = f'<script src="{SCRIPT_PATH}"></script>'

RELOAD_SCRIPT = """\
// xfgen serve: reload the page after each rebuild; show build errors over it.
(function () {
  var seen = null;
  function show(error) {
    var box = document.getElementById("xfgen-error");
    if (!error) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "xfgen-error";
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50%;overflow:auto;" +
        "margin:0;padding:12px 16px;background:#fff4f4;color:#8a1010;border-top:3px solid #c00;" +
        "font:14px/1.5 monospace;white-space:pre-wrap;z-index:99999";
      document.body.appendChild(box);
    }
    box.textContent = "生成失败，仍显示上一次成功生成的网页：\\n\\n" + error;
  }
  function poll() {
    fetch("__STATUS__", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen === null) seen = s.version;
      else if (s.version !== seen) { location.reload(); return; }
      show(s.error);
    }).catch(function () {}).then(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
""".replace("__STATUS__", STATUS_PATH)


class Preview:
    """What the server tells the browser: the build's version and where its last
    build failed (never what the errors say: they may quote a record)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.version = 0
        self.error = ""

    def built(self) -> None:
        with self._lock:
            self.version += 1
            self.error = ""

    def failed(self, where: str) -> None:
        with self._lock:
            self.error = where

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {"version": self.version, "error": self.error}


class _Handler(SimpleHTTPRequestHandler):
    """Serves the site folder, adding the reload script to every page it sends."""

    def __init__(self, *args: Any, preview: Preview, **kwargs: Any) -> None:
        self.preview = preview
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        if not self._for_us():
            return
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == STATUS_PATH:
            self._send(json.dumps(self.preview.status()).encode(), "application/json")
            return
        if path == SCRIPT_PATH:
            self._send(RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
            return
        local = Path(self.translate_path(self.path))
        if local.is_dir() and path.endswith("/"):
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            page = local.read_bytes()
            self._send(_with_reload(page), "text/html; charset=utf-8")
            return
        if path in ("/", "/index.html"):  # no good build yet: say why
            error = self.preview.status()["error"] or "正在生成……"
            body = (
                '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>xfgen 预览</title>'
                f"<body><h1>还没有可以显示的网页</h1><pre>{html.escape(error)}</pre>{RELOAD_TAG}"
            )
            self._send(body.encode(), "text/html; charset=utf-8")
            return
        super().do_GET()

    def do_HEAD(self) -> None:  # noqa: N802 - the name http.server calls
        if self._for_us():
            super().do_HEAD()

    def _for_us(self) -> bool:
        """Whether the request names this preview (127.0.0.1 or localhost, with its port)
        as its host; otherwise it is refused, saying nothing of what is here."""
        address = self.server.server_address
        port = address[1] if isinstance(address, tuple) else 0
        if self.headers.get("Host", "").strip().lower() in (f"{HOST}:{port}", f"localhost:{port}"):
            return True
        body = (
            f"xfgen 预览只接受 http://{HOST}:{port}/ 或 http://localhost:{port}/ 的访问。".encode()
        )
        self.send_response(HTTPStatus.FORBIDDEN)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return False

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a preview is always the latest
        super().end_headers()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # the terminal is for builds and errors


def _with_reload(page: bytes) -> bytes:
    tag = RELOAD_TAG.encode()
    at = page.rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


class PdfBuild:
    """The full build (pages and PDFs) in its own process, so a new change can stop it."""

    def __init__(self, root: Path, out: Path, today: date | None, echo: Callable[[str], None]):
        self.root, self.out, self.today, self.echo = root, out, today, echo
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.stop()
        args = [sys.executable, "-m", "xfgen", "-C", str(self.root)]
        if self.today is not None:
            args += ["--today", self.today.isoformat()]
        args += ["build", "--out", str(self.out)]
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.process = process
        threading.Thread(target=self._report, args=(process,), daemon=True).start()

    def _report(self, process: subprocess.Popen[str]) -> None:
        out, err = process.communicate()
        if process is not self.process or process.returncode < 0:
            return  # stopped for a newer change
        if process.returncode == 0:
            self.echo("PDF 已生成。")
        else:
            self.echo(f"生成 PDF 失败：\n{(out + err).strip()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()
        self.process = None


def serve(
    root: Path,
    out: Path,
    today: date | None,
    port: int,
    pdfs: bool = True,
    echo: Callable[[str], None] = print,
) -> None:
    """Build into ``out`` (the preview's own folder), serve it and rebuild on change
    until interrupted (Ctrl-C or SIGTERM)."""
    root = root.resolve()
    if out.resolve().is_relative_to((root / CACHE_DIR).resolve()):
        mark_cache_folder(root / CACHE_DIR)  # ignored by git, like the rest of the cache
    preview = Preview()
    pdf_build = PdfBuild(root, out, today, echo)

    def rebuild() -> None:
        pdf_build.stop()  # it holds the output folder's lock, and is out of date anyway
        try:
            result = build_site(root, out, today or date.today(), pdfs=False)
        except Exception as exc:  # noqa: BLE001 - any error is shown, the preview goes on
            preview.failed(_error_places(exc))
            echo(f"生成失败，仍显示上一次成功生成的网页：\n{_error_text(exc)}")
            return
        preview.built()
        echo(f"已生成 {result.pages} 个网页，浏览器中的页面会自动刷新。")
        if pdfs:
            pdf_build.start()

    try:
        server = ThreadingHTTPServer(
            (HOST, port), functools.partial(_Handler, preview=preview, directory=str(out))
        )
    except OSError as exc:
        raise XfgenError(
            f"无法在 {HOST}:{port} 上启动预览（{exc.strerror}）：端口可能已被占用，请用 --port 换一个。"
        ) from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    echo(f"预览地址：http://{HOST}:{server.server_address[1]}/  （按 Ctrl-C 停止）")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        rebuild()
        watch(root, rebuild, stop, echo)
    finally:
        pdf_build.stop()
        server.shutdown()
        server.server_close()


def watch(
    root: Path, rebuild: Callable[[], None], stop: threading.Event, echo: Callable[[str], None]
) -> None:
    """Call ``rebuild`` after each batch of changes to the records, narratives,
    templates or configuration (never for the output or anything else)."""
    import watchfiles

    editor_noise = watchfiles.DefaultFilter()  # swap files, backups, .git ...
    paths = data_paths(root)  # a roll-up's: its own files and each office's folder

    def relevant(change: watchfiles.Change, path: str) -> bool:
        try:
            rel = Path(path).relative_to(root).as_posix()
        except ValueError:
            return False
        inside = any(rel == p or rel.startswith(f"{p}/") for p in paths)
        return inside and editor_noise(change, path)

    for changes in watchfiles.watch(
        root, watch_filter=relevant, stop_event=stop, raise_interrupt=False
    ):
        names = sorted({Path(p).relative_to(root).as_posix() for _, p in changes})
        shown = "、".join(names[:3]) + (" 等" if len(names) > 3 else "")
        echo(f"{shown} 有改动，重新生成……")
        rebuild()


def _error_places(exc: Exception) -> str:
    """What the browser is told of a failed build: where each problem is (file, line,
    column, field), never its message, which may quote a name or a phone number."""
    see = "（每处问题的说明见运行 xfgen serve 的终端窗口。）"
    if isinstance(exc, InvalidData | ConfigError):
        places = [f"{p.path}:{p.line}:{p.column}: {p.field}" for p in exc.problems]
        return "\n".join([f"有 {len(places)} 处问题：", *places, see])
    return "生成失败。" + see


def _error_text(exc: Exception) -> str:
    if isinstance(exc, InvalidData):
        return "\n".join(str(p) for p in exc.problems)
    if isinstance(exc, XfgenError):
        return str(exc)
    return f"xfgen 内部错误（{type(exc).__name__}: {exc}）"

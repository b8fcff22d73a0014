"""The ledgers' sort and filter script (ledger.js): a real build, read by headless Chromium
from file://; without the script the page is the same full table."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import VALID_CASE, Repo

# make test installs it (scripts/system-deps.sh); these tests are never skipped
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def open_case(case_id: str, received: str, accepted: str, unit: str) -> str:
    return (
        f"id: {case_id}\nreceived: {received}\nchannel: 来信\nsource: 本级受理\n"
        f"kind: 申诉求决类\ncategory: 劳动社保/工资拖欠\nsummary: 反映工资拖欠\n"
        f"unit: {unit}\naccepted: {accepted}\n"
    )


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2026 register of three cases, as at 2026-11-25:
    XF2026-0001 城关镇 closed; XF2026-0002 河口镇 accepted 09-02, due 11-01: 超期;
    XF2026-0003 县人社局 accepted 11-02, due 2027-01-01: 在办."""
    repo = Repo(tmp_path_factory.mktemp("ledgers"))
    repo.case(VALID_CASE)
    repo.case(open_case("XF2026-0002", "2026-09-01", "2026-09-02", "河口镇"))
    repo.case(open_case("XF2026-0003", "2026-11-01", "2026-11-02", "县人社局"))
    done = subprocess.run(
        [sys.executable, "-m", "xfgen", "-C", str(repo.root), "--today", "2026-11-25",
         "build", "--period", "2026"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return repo.root / "output" / "2026" / "register.html"


def test_without_script_the_full_table(register: Path) -> None:
    html = register.read_text(encoding="utf-8")
    rows = re.findall(r"<tr[ >].*?</tr>", html.split("<tbody>")[1], flags=re.S)
    assert len(rows) == 3 and " hidden" not in html
    assert [re.search(r"data-state=\"(\w*)\"", r) and re.search(r"data-state=\"(\w*)\"", r).group(1)
            for r in rows] == [None, "超期", "在办"]  # fmt: skip
    assert '<script src="../ledger.js"></script>' in html
    assert (register.parent.parent / "ledger.js").is_file()
    assert "http" not in (register.parent.parent / "ledger.js").read_text(encoding="utf-8")


def dom(page: Path, fragment: str = "", *flags: str) -> str:
    assert CHROMIUM, "需要 headless Chromium：make test 会安装（apt-get install chromium）"
    url = page.as_uri() + (f"#{fragment}" if fragment else "")
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", *flags, "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    return done.stdout


def shown(html: str) -> list[str]:
    """Ids of the rows not hidden, in table order, and the count line."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r"<tr([^>]*)>.*?(XF2026-\d{4})", body, flags=re.S)
    return [case_id for attrs, case_id in rows if "hidden" not in attrs]


@pytest.mark.parametrize(
    ("fragment", "ids"),
    [
        ("", ["XF2026-0001", "XF2026-0002", "XF2026-0003"]),
        (f"unit={quote('河口镇')}", ["XF2026-0002"]),
        (f"state={quote('超期')}", ["XF2026-0002"]),
        (f"state={quote('在办')}", ["XF2026-0002", "XF2026-0003"]),  # overdue is open too
        ("q=xf2026-0003", ["XF2026-0003"]),
        ("sort=1-desc", ["XF2026-0003", "XF2026-0002", "XF2026-0001"]),
    ],
)
def test_script_filters_and_sorts(register: Path, fragment: str, ids: list[str]) -> None:
    html = dom(register, fragment)
    assert 'class="ledger-tools no-print"' in html
    assert shown(html) == ids
    assert f"显示 {len(ids)} 行，共 3 行" in html


# Opens each page in a 1366 × 900 frame, one after the other, and writes down how wide
# its document is against the frame's inner width.
WIDTH_PROBE = """<!DOCTYPE html><html><body style="margin:0"><pre id="widths">pending</pre>
<script>
const pages = %s, widths = [];
function next(i) {
  if (i === pages.length) { document.getElementById("widths").textContent = JSON.stringify(widths); return; }
  const frame = document.createElement("iframe");
  frame.style.cssText = "width:1366px;height:900px;border:0";
  frame.onload = () => {
    const root = frame.contentDocument.documentElement;
    widths.push([pages[i], root.scrollWidth, root.clientWidth]);
    frame.remove();
    next(i + 1);
  };
  frame.src = pages[i];
  document.body.appendChild(frame);
}
next(0);
</script></body></html>"""


def test_every_page_fits_a_1366_px_window(register: Path, tmp_path: Path) -> None:
    """index.html, the summary and every ledger: no page scrolls sideways in a laptop's
    1366 px window (a wide table scrolls in its own box)."""
    site = register.parent.parent
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert {"index.html", "2026/summary.html", "2026/register.html"} <= set(pages)
    probe = tmp_path / "probe.html"
    probe.write_text(WIDTH_PROBE % json.dumps([(site / p).as_uri() for p in pages]), "utf-8")
    html = dom(probe, "", "--allow-file-access-from-files", "--window-size=1400,1000",
               "--virtual-time-budget=120000")  # fmt: skip
    found = re.search(r'<pre id="widths">(.*?)</pre>', html, re.S)
    assert found and found.group(1) != "pending", html[-500:]
    widths = json.loads(found.group(1))
    assert len(widths) == len(pages)
    wider = [(url, width, window) for url, width, window in widths if width > window]
    assert wider == [], wider
    assert all(1300 < window <= 1366 for _, _, window in widths)  # the frame's inner width

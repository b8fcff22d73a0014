"""The roll-up site (DOMAIN.md "Roll-up", the roll-up site): ``xfgen build`` in a city's
repository, run as a user would, on two small offices, one read in place and one from its
export, with hand-checked figures.

测试县信访局 (read in place; its own site given), 2026H1 as of 2026-06-30, with one
activity (接访 by 李书记, 县级领导, 1 批 2 人次, 2026-03-10):
  A0 received 2025-01-02, accepted 2025-01-03, open (城关镇, leader 张县长), 挂牌督办
     by 县委督查室 on 2026-03-01: 积案 at 2026-06-30 (543 days), not at 2025-12-31 (362)
  A1 received 01-05 来访 6 people, accepted 01-08, closed 02-28 满意   (城关镇)
  A2 received 02-01 来信, accepted 02-03, open                          (城关镇)
河口县信访局 (from its export): B1, B2, B3 and its own A1, as in test_rollup.py.

Cohort: 2 + 4 = 6 cases, 6 + 1 + 2 + 1 + 1 + 1 = 12 人次; 上年同期 (2025H1): A0 only
(1 case, 1 人次); 上期 (2025H2): no case, but records (A0 was received before it ended).
办结率: 测试县 1/2, 河口县 1/3, the city 2/5 = 40.0% (the mean of the two would be 41.7%).
Ranking (min_cases 3): 河口县 first; 测试县 样本不足 (2 cases).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import built_once
from test_rollup import CASES_A, CASES_B, HOLIDAYS_B, OFFICE_A, OFFICE_B, TODAY, case, office
from test_rollup import write as write_file
from test_serve import get, start, wait_for

from xfgen.records.models import Config
from xfgen.reports.wording import Vocabulary
from xfgen.site.guard import office_text

SITE_A = "http://intranet.example.invalid/ceshi/"
CITY = """\
office: 测试市信访局
backlog_target: 0.5
rollup:
  offices:
    - path: offices/a
      site: {site}
    - export: exports/hekou
"""
A0 = case(
    "A0",
    "2025-01-02",
    unit="城关镇",
    accepted="2025-01-03",
    leader="张县长",
    supervision="\n  - date: 2026-03-01\n    by: 县委督查室\n    kind: 挂牌督办",
)
ACTIVITY = """\
id: HD2026-0001
date: 2026-03-10
kind: 接访
leader: 李书记（县委书记）
level: 县级领导
batches: 1
people: 2
"""
# What no file of the city's site may hold: every petitioner of both offices is 王某某
# with this phone and ID number, masked or not.
PERSONAL = ("王某某", "王**", "王*", "13800001234", "138****1234", "110101199001011234", "****")


XFGEN = str(Path(sys.executable).with_name("xfgen"))


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The xfgen command, run in ``root`` as a user runs it."""
    return subprocess.run(
        [XFGEN, "--today", TODAY, *args], cwd=root, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def city_site(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The city built once for 2026H1 (PDFs, Word and Excel included), shared by the
    pytest-xdist workers: the first to get here builds it, the others wait for it."""
    return built_once(tmp_path_factory, worker_id, "city-site", _build_city)


def make_city(tmp: Path) -> Path:
    """The city's repository: 测试县 in place, 河口县 from its export."""
    root = tmp / "city"
    office(root / "offices" / "a", OFFICE_A, CASES_A)
    write_file(root, "offices/a/cases/2025/A0.yaml", A0)
    write_file(root, "offices/a/activities/2026/HD2026-0001.yaml", ACTIVITY)
    hekou = office(tmp / "hekou", OFFICE_B, CASES_B, HOLIDAYS_B)
    done = cli(hekou, "export", "--format", "parquet", "--out", str(root / "exports/hekou"))
    assert done.returncode == 0, done.stdout + done.stderr
    write_file(root, "xfgen.yaml", CITY.format(site=SITE_A))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _build_city(tmp: Path) -> Path:
    root = make_city(tmp)
    done = cli(root, "build", "--period", "2026H1", "--as-of", "2026-06-30")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def every_text(site: Path) -> dict[str, str]:
    """Each file of the site as text: HTML and JSON as written, PDFs as pdftotext reads
    them, .xlsx and .docx as the text of their XML."""
    texts = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if path.suffix == ".pdf":
            texts[rel] = pdf_text(path)
        elif path.suffix in (".xlsx", ".docx"):
            texts[rel] = html.unescape(office_text(path.read_bytes()))
        else:
            texts[rel] = path.read_text("utf-8", errors="replace")
    return texts


def test_the_city_summary_words_the_pooled_figures(city_site: Path) -> None:
    summary = flat(pdf_text(city_site / "output/2026H1/summary.pdf"))
    assert "测试市信访局2026年上半年信访工作情况" in summary
    assert (
        "2026年上半年，全市共登记信访事项6件，同比增加5件，环比增加6件；"
        "涉及12人次，同比增加11人次，环比增加12人次。" in summary
    )
    assert "其中已受理5件、尚未作出受理决定1件。" in summary
    # 办结率: pooled 2/5, never the mean of 1/2 and 1/3
    assert "办结率40.0%" in summary and "41.7%" not in summary
    assert "督办1件（其中挂牌督办1件），已办结0件" in summary
    # section 五 ranks the offices, with the table of each office's figures
    assert "五、各单位排名" in summary
    assert "1河口县信访局4" in summary
    assert "样本不足（少于3件，不参与排名）：测试县信访局（2件）。" in summary
    assert "测试县信访局22150.0%" in summary  # 登记, 已受理, 已办结, 办结率 …
    assert "河口县信访局43133.3%" in summary
    assert "合计65240.0%" in summary
    # section 三 names levels, not leaders
    assert (
        "各级领导接访、下访、约访共1次1批2人次，人次同比增加2人次；其中接访1次1批2人次。" in summary
    )
    assert "县级领导1次1批2人次。" in summary
    # units and leaders belong to their offices: none is named in the city's summary
    for word in ("城关镇", "河口镇", "张县长", "李书记", "县委书记", "责任单位排名"):
        assert word not in summary


def test_the_city_summary_is_a_word_draft_and_an_archival_pdf(city_site: Path) -> None:
    draft = html.unescape(office_text((city_site / "output/2026H1/summary.docx").read_bytes()))
    assert "全市共登记信访事项6件" in flat(draft)
    assert "各单位排名" in draft


def test_the_combined_ledgers_name_the_office_beside_the_unit_and_no_petitioner(
    city_site: Path,
) -> None:
    site = city_site / "output"
    for page in ("2026H1/backlog.html", "2026H1/supervision.html", "current/backlog.html"):
        text = (site / page).read_text("utf-8")
        headers = re.findall(r'<th data-key="(\w+)"', text)
        assert headers[headers.index("office") + 1] == "unit", page
        assert "petitioner" not in headers and "summary" not in headers, page
        assert "测试县信访局" in text and "A0" in text, page
    backlog = flat(pdf_text(site / "2026H1/backlog.pdf"))
    assert "信访部门" in backlog and "信访人" not in backlog.replace("信访人信息", "")
    assert "A02025-01-02" in backlog and "543" in backlog  # days since acceptance
    supervision = html.unescape(office_text((site / "2026H1/supervision.xlsx").read_bytes()))
    assert "信访部门" in supervision and "县委督查室" in supervision and "挂牌督办" in supervision


def test_the_index_names_every_office_and_links_its_own_site(city_site: Path) -> None:
    index = (city_site / "output/index.html").read_text("utf-8")
    assert f'<a href="{SITE_A}">测试县信访局</a>' in index
    assert "河口县信访局" in index  # no site given: named, not linked
    for link in ("2026H1/summary.html", "2026H1/backlog.html", "2026H1/supervision.html",
                 "current/backlog.html"):  # fmt: skip
        assert f'href="{link}"' in index


def test_no_file_of_the_city_site_holds_petitioner_data(city_site: Path) -> None:
    texts = every_text(city_site / "output")
    assert any(name.endswith(".pdf") for name in texts)
    found = [(name, value) for name, text in texts.items() for value in PERSONAL if value in text]
    assert found == []
    assert not any("内部备注" in text for text in texts.values())  # notes never leave


def test_publish_sends_the_city_site_and_refuses_it_while_an_office_has_errors(
    city_site: Path, tmp_path: Path
) -> None:
    target = tmp_path / "intranet"
    done = cli(city_site, "publish", str(target), "--allow-dirty")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (target / "2026H1/summary.pdf").is_file() and (target / "index.html").is_file()
    broken = city_site / "offices/a/cases/2026/A2.yaml"
    text = broken.read_text("utf-8")
    try:
        broken.write_text(text.replace("received: 2026-02-01", "received: 2026-02-30"), "utf-8")
        done = cli(city_site, "publish", str(tmp_path / "again"), "--allow-dirty")
        assert done.returncode != 0 and "1 处问题" in done.stderr
        assert not (tmp_path / "again").exists()
        done = cli(city_site, "build", "--period", "2026H1", "--as-of", "2026-06-30")
        assert done.returncode != 0
        assert "[测试县信访局] offices/a/cases/2026/A2.yaml:2" in done.stdout
        assert (city_site / "output/2026H1/summary.pdf").is_file()  # the last good site stays
    finally:
        broken.write_text(text, "utf-8")


def test_serve_previews_the_city_and_rebuilds_when_an_office_changes(tmp_path: Path) -> None:
    root = make_city(tmp_path)
    with start(root, "--no-pdf") as server:
        wait_for("首次生成", lambda: server.status()["version"] == 1)
        assert "测试县信访局" in get(server.url)
        summary = re.sub(r"<[^>]+>|\s+", "", get(server.url + "2026H1/summary.html"))
        assert "全市共登记信访事项6件" in summary
        write_file(root, "offices/a/cases/2026/A3.yaml", case("A3", "2026-03-03"))
        wait_for("单位的事项改动后重新生成", lambda: server.status()["version"] == 2)
        summary = re.sub(r"<[^>]+>|\s+", "", get(server.url + "2026H1/summary.html"))
        assert "全市共登记信访事项7件" in summary
    assert not (root / "output").exists()


def test_a_roll_up_has_no_internal_build(tmp_path: Path) -> None:
    root = make_city(tmp_path)
    done = cli(root, "build", "--internal")
    assert done.returncode != 0 and "没有内部版" in done.stderr
    assert not (root / "output-internal").exists() and not (root / "output").exists()


def test_a_city_lists_labels_in_order_of_first_appearance_after_mapping() -> None:
    first = Config(
        "甲县", ("来信", "来访"), ("本级受理",), ("城建/拆迁", "劳动社保/工资拖欠"), (), ("解决",)
    )
    second = Config(
        "乙县", ("网上信访", "来信"), ("上级交办", "本级受理"),
        ("城乡建设/征地拆迁", "教育/学校管理"), (), ("不予支持", "解决"),
    )  # fmt: skip
    crosswalk = {"categories": {"城建/拆迁": "城乡建设/征地拆迁"}}

    def relabel(vocabulary: str, label: str) -> str:
        return crosswalk.get(vocabulary, {}).get(label, label)

    words = Vocabulary.combined([first, second], relabel, 0.6)
    assert words.channels == ("来信", "来访", "网上信访")
    assert words.sources == ("本级受理", "上级交办")
    assert words.categories == ("城乡建设/征地拆迁", "劳动社保/工资拖欠", "教育/学校管理")
    assert words.outcomes == ("解决", "不予支持")
    assert words.leaders == () and words.backlog_target == Fraction(3, 5)

"""The configuration keys of DOMAIN.md v3 (leaders, routes, methods, backlog_target,
pdf_variant) and a case's ``not_accepted.route``: defaults, validation with file:line,
the JSON Schema, ``xfgen new`` and ``xfgen import``."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CONFIG, TODAY, VALID_CASE, Repo

from xfgen.cli import cli
from xfgen.errors import ConfigError
from xfgen.records.validation import load_project

# CONFIG has 6 lines: an added key is on line 7.
NOT_ACCEPTED = """\
id: XF2026-0002
received: 2026-03-01
channel: 来信
source: 本级受理
kind: 申诉求决类
category: 劳动社保/工资拖欠
summary: 反映工资拖欠
not_accepted:
  date: 2026-03-05
  reason: 依法分流至劳动人事争议仲裁委员会
  route: 仲裁
"""


def config_errors(repo: Repo, extra: str) -> list[str]:
    repo.write("xfgen.yaml", CONFIG + extra)
    with pytest.raises(ConfigError) as caught:
        load_project(repo.root, TODAY)
    return [str(p) for p in caught.value.problems]


def problems(repo: Repo) -> list[str]:
    return [str(p) for p in load_project(repo.root, TODAY).problems]


def test_defaults_without_the_new_keys(repo: Repo) -> None:
    config = load_project(repo.root, TODAY).config
    assert config.leaders == ()
    assert config.routes == ("诉讼", "仲裁", "行政复议", "纪检监察", "其他法定途径")
    assert config.methods == ("调解", "听证", "代办")
    assert config.backlog_target is None
    assert config.pdf_variant == "pdf/a-2b"


def test_configured_values_are_read(repo: Repo) -> None:
    repo.write(
        "xfgen.yaml",
        CONFIG + "leaders: [张伟（县委书记）, 李强（县长）]\nroutes: [诉讼, 信访复查]\n"
        "methods: [调解, 心理疏导]\nbacklog_target: 0.85\npdf_variant: pdf/a-3b\n",
    )
    config = load_project(repo.root, TODAY).config
    assert config.leaders == ("张伟（县委书记）", "李强（县长）")
    assert config.routes == ("诉讼", "信访复查")
    assert config.methods == ("调解", "心理疏导")
    assert config.backlog_target is not None
    assert Fraction(str(config.backlog_target)) == Fraction(17, 20)
    assert config.pdf_variant == "pdf/a-3b"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("leaders: []\n", ["xfgen.yaml:7:10: leaders: leaders 至少要有一个值。"]),
        ("routes: []\n", ["xfgen.yaml:7:9: routes: routes 至少要有一个值。"]),
        ("methods: [调解, 听证, 调解]\n",
         ["xfgen.yaml:7:19: methods: methods 中有重复的值 “调解”。"]),
        ("leaders:\n  - 张伟（县长）\n  - 李强（副县长）\n  - 张伟（县长）\n",
         ["xfgen.yaml:10:5: leaders: leaders 中有重复的值 “张伟（县长）”。"]),
        ("routes: 诉讼\n", ["xfgen.yaml:7:9: routes: 依法分流途径列表应当是一个列表，每项以“- ”开头。"]),
        ("methods:\n  - |\n    调解\n    听证\n", ["xfgen.yaml:8:5: methods[1]: 办理方式列表只能写一行。"]),
        ("backlog_target: 0\n",
         ["xfgen.yaml:7:17: backlog_target: 积案化解目标应大于 0、不大于 1"
          "（如 0.9 表示期末化解九成期初积案），现在是 0。"]),
        ("backlog_target: 1.2\n", ["xfgen.yaml:7:17: backlog_target: 积案化解目标不能大于 1，现在是 1.2。"]),
        ("backlog_target: -0.5\n",
         ["xfgen.yaml:7:17: backlog_target: 积案化解目标不能小于 0，现在是 -0.5。"]),
        ("backlog_target: 90%\n", ["xfgen.yaml:7:17: backlog_target: 积案化解目标应为数字，现在是 “90%”。"]),
        ("pdf_variant: pdf/a-1b\n",
         ["xfgen.yaml:7:14: pdf_variant: “pdf/a-1b” 不是可用的PDF归档格式。你是不是想写 “pdf/a-3b”？"
          "可用的值：pdf/a-2b、pdf/a-3b、none。"]),
        ("pdf_varient: none\n",
         ["xfgen.yaml:7:1: pdf_varient: 未知的项 “pdf_varient”。你是不是想写 pdf_variant？"]),
    ],
)  # fmt: skip
def test_bad_values_are_configuration_errors_with_their_line(
    repo: Repo, extra: str, expected: list[str]
) -> None:
    assert config_errors(repo, extra) == expected


def test_backlog_target_of_1_is_allowed(repo: Repo) -> None:
    repo.write("xfgen.yaml", CONFIG + "backlog_target: 1\npdf_variant: none\n")
    config = load_project(repo.root, TODAY).config
    assert config.backlog_target == 1 and config.pdf_variant == "none"


def test_a_route_is_read_and_checked(repo: Repo) -> None:
    repo.case(NOT_ACCEPTED)
    (case,) = load_project(repo.root, TODAY).cases
    assert case.not_accepted is not None and case.not_accepted.route == "仲裁"


def test_a_route_not_configured_is_an_error(repo: Repo) -> None:
    repo.case(NOT_ACCEPTED.replace("route: 仲裁", "route: 仲栽"))
    assert problems(repo) == [
        "cases/2026/XF2026-0002.yaml:11:10: not_accepted.route: “仲栽” 不是可用的分流途径。"
        "你是不是想写 “仲裁”？可用的值：诉讼、仲裁、行政复议、纪检监察、其他法定途径（在 xfgen.yaml 中配置）。"
    ]


def test_configured_routes_replace_the_defaults(repo: Repo) -> None:
    repo.write("xfgen.yaml", CONFIG + "routes: [劳动仲裁, 诉讼]\n")
    repo.case(NOT_ACCEPTED)
    assert problems(repo)[0].startswith(
        "cases/2026/XF2026-0002.yaml:11:10: not_accepted.route: “仲裁” 不是可用的分流途径。"
    )
    repo.case(NOT_ACCEPTED.replace("route: 仲裁", "route: 劳动仲裁"))
    assert problems(repo) == []


def test_a_route_needs_a_reason(repo: Repo) -> None:
    repo.case(NOT_ACCEPTED.replace("  reason: 依法分流至劳动人事争议仲裁委员会\n", ""))
    assert problems(repo) == [
        "cases/2026/XF2026-0002.yaml:10:10: not_accepted.route: "
        "依法分流至“仲裁”的事项必须写明理由 not_accepted.reason。"
    ]


def test_a_route_survives_the_parse_cache(repo: Repo) -> None:
    repo.case(NOT_ACCEPTED)
    first = load_project(repo.root, TODAY).cases
    again = load_project(repo.root, TODAY).cases  # read back from .xfgen-cache
    assert first == again and again[0].not_accepted is not None
    assert again[0].not_accepted.route == "仲裁"


def test_the_json_schema_lists_the_configured_routes(repo: Repo) -> None:
    repo.write("xfgen.yaml", CONFIG + "routes: [诉讼, 劳动仲裁]\n")
    result = CliRunner().invoke(cli, ["-C", str(repo.root), "schema", "--write"])
    assert result.exit_code == 0, result.output
    schema = json.loads((repo.root / ".xfgen" / "case.schema.json").read_text(encoding="utf-8"))
    route = schema["properties"]["not_accepted"]["properties"]["route"]
    assert route["enum"] == ["诉讼", "劳动仲裁"]
    assert "additionalProperties" in schema["properties"]["not_accepted"]


def test_xfgen_new_offers_the_route(repo: Repo) -> None:
    args = ["-C", str(repo.root), "--today", TODAY.isoformat(), "new", "--received", "2026-03-01"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = Path(result.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    assert "#   route:" in text
    assert "诉讼 | 仲裁 | 行政复议 | 纪检监察 | 其他法定途径" in text


def test_xfgen_import_maps_a_route_column(repo: Repo, tmp_path: Path) -> None:
    ledger = tmp_path / "台账.csv"
    ledger.write_text(
        "登记日期,信访形式,来源,事项性质,问题类别,内容摘要,不予受理日期,不予受理理由,分流途径\n"
        "2026-03-01,来信,本级受理,申诉求决类,劳动社保/工资拖欠,反映工资拖欠,2026-03-05,依法分流,仲裁\n"
        "2026-03-02,来信,本级受理,申诉求决类,劳动社保/工资拖欠,反映工资拖欠二,2026-03-05,依法分流,仲栽\n",
        encoding="utf-8",
    )
    args = ["-C", str(repo.root), "--today", TODAY.isoformat(), "import", str(ledger)]
    result = CliRunner().invoke(cli, args)
    assert "分流途径" in result.output and "仲栽" in result.output, result.output
    (case,) = load_project(repo.root, TODAY).cases
    assert case.not_accepted is not None and case.not_accepted.route == "仲裁"


def test_the_valid_case_stays_valid(repo: Repo) -> None:
    repo.write("xfgen.yaml", CONFIG + "methods: [交办]\nleaders: [李明（副镇长）]\n")
    repo.case(VALID_CASE)
    assert problems(repo) == []

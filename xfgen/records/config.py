"""The configuration, ``xfgen.yaml``, declared once, and the office's holiday file.

Every option is a :class:`~xfgen.records.schema.Field` below, with its type, default
and a one-line description; loading, error messages and the README's option
table all follow this declaration.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from xfgen.errors import ConfigError, Problem
from xfgen.figures.deadlines import HOLIDAYS_FILE, DeadlineRules, HolidayCalendar, OfficeDays
from xfgen.records.loading import LoadFailed, Mapping, Position, Sequence, load_file
from xfgen.records.models import (
    ACTIVITY_KINDS,
    LEADER_LEVELS,
    METHODS,
    PDF_VARIANTS,
    ROUTES,
    SUPERVISION_KINDS,
    Config,
    Deadlines,
    LeaderboardSettings,
)
from xfgen.records.schema import MAX_DAYS, Field, Reader

CONFIG_FILE = "xfgen.yaml"
FIRST_YEAR, LAST_YEAR = 1900, 2100  # years holidays.yaml may define
WEIGHT_NAMES = ("on_time_closure", "satisfaction", "timely_acceptance", "closure")

_DEFAULT_DEADLINES = Deadlines()
_DEFAULT_BOARD = LeaderboardSettings()

CONFIG_FIELDS: tuple[Field, ...] = (
    Field(
        "office",
        "text",
        "机关名称",
        required=True,
        doc="机关名称，印在每份报告的页眉，如 平安县信访局",
    ),
    Field(
        "channels",
        "list",
        "信访形式列表",
        required=True,
        item="text",
        doc="信访形式（channel）可用的值",
    ),
    Field("sources", "list", "来源列表", required=True, item="text", doc="来源（source）可用的值"),
    Field(
        "categories",
        "list",
        "问题类别列表",
        required=True,
        item="text",
        doc="问题类别（category）可用的值，写成“大类/小类”",
    ),
    Field(
        "units",
        "list",
        "责任单位列表",
        required=True,
        item="text",
        path_label=True,
        doc="责任单位（unit）可用的值（用作台账文件名：不含 / \\ .. 和开头的“.”）",
    ),
    Field(
        "outcomes",
        "list",
        "办理结果列表",
        required=True,
        item="text",
        doc="办理结果（outcome）可用的值",
    ),
    Field(
        "collective_threshold",
        "int",
        "集体访人数标准",
        minimum=2,
        maximum=100_000,
        doc="来访人数达到此数即为集体访，默认 5",
    ),
    Field(
        "deadlines",
        "map",
        "期限设置",
        doc="办理期限设置",
        fields=(
            Field(
                "accept_days",
                "int",
                "受理期限天数",
                minimum=1,
                maximum=MAX_DAYS,
                doc=f"受理告知期限，默认 {_DEFAULT_DEADLINES.accept_days} 日",
            ),
            Field(
                "handle_days",
                "int",
                "办理期限天数",
                minimum=1,
                maximum=MAX_DAYS,
                doc=f"办理期限，默认 {_DEFAULT_DEADLINES.handle_days} 日",
            ),
            Field(
                "max_extension_days",
                "int",
                "最长延期天数",
                minimum=1,
                maximum=MAX_DAYS,
                doc=f"一次延期的最长天数，默认 {_DEFAULT_DEADLINES.max_extension_days} 日",
            ),
            Field(
                "calendar",
                "text",
                "期限计算方式",
                choices=("natural", "workdays"),
                doc="natural：按自然日（默认）；workdays：期限末日为法定节假日或休息日的，顺延至下一个工作日",
            ),
        ),
    ),
    Field(
        "leaderboard",
        "map",
        "排行榜设置",
        doc="责任单位排行榜设置",
        fields=(
            Field(
                "min_cases",
                "int",
                "参与排名的最少件数",
                minimum=1,
                maximum=100_000,
                doc=f"件数少于此数的单位列为“样本不足”，默认 {_DEFAULT_BOARD.min_cases}",
            ),
            Field(
                "weights",
                "map",
                "评分权重",
                doc="各项比率的权重，默认 按期办结率 0.4、满意率 0.3、及时受理率 0.2、办结率 0.1",
                fields=tuple(
                    Field(name, "number", f"权重 {name}", minimum=0, maximum=1000)
                    for name in WEIGHT_NAMES
                ),
            ),
        ),
    ),
    Field(
        "publish_to",
        "text",
        "发布位置",
        doc="xfgen publish 的目标：本机目录（如挂载的内网共享目录 /mnt/intranet/xinfang）"
        "或 rsync 目标（如 web@10.0.0.5:/srv/www/xinfang）",
    ),
)

# Office work (optional; an xfgen.yaml without them uses the defaults).
CONFIG_FIELDS += (
    Field(
        "activity_kinds",
        "list",
        "领导接访形式列表",
        item="text",
        doc="领导接访活动的形式（activity 的 kind），默认 " + "、".join(ACTIVITY_KINDS),
    ),
    Field(
        "leader_levels",
        "list",
        "领导层级列表",
        item="text",
        doc="接访领导的层级（activity 的 level），默认 "
        + "、".join(LEADER_LEVELS)
        + "；总结点名第一个层级的领导",
    ),
    Field(
        "supervision_kinds",
        "list",
        "督办类型列表",
        item="text",
        doc="督办类型（supervision 的 kind），默认 " + "、".join(SUPERVISION_KINDS),
    ),
)
_OFFICE_VOCABULARIES = {
    "activity_kinds": ACTIVITY_KINDS,
    "leader_levels": LEADER_LEVELS,
    "supervision_kinds": SUPERVISION_KINDS,
}

# The summary, archival copies and roll-ups (DOMAIN.md v3; all optional).
CONFIG_FIELDS += (
    Field(
        "leaders",
        "list",
        "领导排名顺序",
        item="text",
        doc="领导的排名顺序（如 县委书记、县长、县委副书记），写法与接访记录的 leader 相同；"
        "总结按此顺序点名领导，未列出的领导排在后面；默认不设",
    ),
    Field(
        "routes",
        "list",
        "依法分流途径列表",
        item="text",
        doc="依法分流的去向（事项 not_accepted 的 route），默认 " + "、".join(ROUTES),
    ),
    Field(
        "methods",
        "list",
        "办理方式列表",
        item="text",
        doc="计为办理方式的办理步骤（progress 的 action，须完全一致），默认 " + "、".join(METHODS),
    ),
    Field(
        "backlog_target",
        "number",
        "积案化解目标",
        minimum=0,
        maximum=1,
        doc="期初积案到期末应化解的比例（大于 0、不大于 1，如 0.9），用于计算序时进度；默认不设",
    ),
    Field(
        "pdf_variant",
        "text",
        "PDF归档格式",
        choices=PDF_VARIANTS,
        doc="生成的 PDF 的归档格式：pdf/a-2b（默认）、pdf/a-3b（总结另附数据 JSON）或 none（普通 PDF）",
    ),
)
# Lists of distinct labels whose default applies when absent.
_LABEL_LISTS = {**_OFFICE_VOCABULARIES, "routes": ROUTES, "methods": METHODS, "leaders": ()}

HOLIDAY_FIELDS: tuple[Field, ...] = (
    Field(
        "years",
        "list",
        "年份",
        item="int",
        minimum=FIRST_YEAR,
        maximum=LAST_YEAR,
        doc="由本文件完整规定的年份：只按周末和本文件的 holidays、workdays 计算，不用 holidays 包的数据",
    ),
    Field("holidays", "list", "放假日期", item="date", doc="法定节假日（放假）的日期"),
    Field("workdays", "list", "调休上班日期", item="date", doc="调休上班的周末日期"),
)

_VOCABULARIES = ("channels", "sources", "categories", "units", "outcomes")


def load_config(root: Path) -> Config:
    """Read ``xfgen.yaml``; raises :class:`ConfigError` listing every problem."""
    path = root / CONFIG_FILE
    if not path.exists() and not path.is_symlink():
        raise ConfigError(
            [
                Problem(
                    CONFIG_FILE,
                    1,
                    1,
                    "(文件)",
                    f"找不到配置文件 {path}。请在仓库根目录运行，或用 -C 目录 指定位置。",
                )
            ]
        )
    problems: list[Problem] = []
    reader = Reader(CONFIG_FILE, {}, problems)
    try:
        node = load_file(path, root)
    except LoadFailed as failed:
        p = failed.problem
        raise ConfigError(
            [Problem(CONFIG_FILE, p.pos.line, p.pos.column, p.field, p.message)]
        ) from None
    if isinstance(node, Mapping) and any(key.text == "rollup" for key, _ in node.items):
        raise ConfigError(
            [
                Problem(
                    CONFIG_FILE,
                    node.pos.line,
                    node.pos.column,
                    "rollup",
                    "这是汇总仓库（有 rollup）：这个命令只用于单位自己的仓库；"
                    "汇总仓库可以用 xfgen check、stats、build、serve 和 publish。",
                )
            ]
        )
    values = reader.read_mapping(node, CONFIG_FIELDS) or {}
    for name in _VOCABULARIES + tuple(_LABEL_LISTS):
        items = values.get(name)
        if items is not None and not items:
            pos = reader.positions.get(name, node.pos)
            problems.append(
                Problem(CONFIG_FILE, pos.line, pos.column, name, f"{name} 至少要有一个值。")
            )
        if items is not None and (None in items or not items):
            values[name] = None
        elif items is not None and len(set(items)) != len(items):
            repeated = next(i for i, item in enumerate(items) if item in items[:i])
            pos = reader.positions.get(f"{name}[{repeated + 1}]", node.pos)
            problems.append(
                Problem(
                    CONFIG_FILE,
                    pos.line,
                    pos.column,
                    name,
                    f"{name} 中有重复的值 “{items[repeated]}”。",
                )
            )
    if values.get("backlog_target") == 0:  # the declared bounds let 0 through: (0, 1]
        pos = reader.positions["backlog_target"]
        problems.append(
            Problem(
                CONFIG_FILE,
                pos.line,
                pos.column,
                "backlog_target",
                "积案化解目标应大于 0、不大于 1（如 0.9 表示期末化解九成期初积案），现在是 0。",
            )
        )
    board = leaderboard_settings(values, reader)
    if problems:
        raise ConfigError(problems)
    deadlines = values.get("deadlines") or {}
    return Config(
        office=values["office"],
        channels=tuple(values["channels"]),
        sources=tuple(values["sources"]),
        categories=tuple(values["categories"]),
        units=tuple(values["units"]),
        outcomes=tuple(values["outcomes"]),
        collective_threshold=values.get("collective_threshold", 5),
        deadlines=Deadlines(
            accept_days=deadlines.get("accept_days", _DEFAULT_DEADLINES.accept_days),
            handle_days=deadlines.get("handle_days", _DEFAULT_DEADLINES.handle_days),
            max_extension_days=deadlines.get(
                "max_extension_days", _DEFAULT_DEADLINES.max_extension_days
            ),
            calendar=deadlines.get("calendar", _DEFAULT_DEADLINES.calendar),
        ),
        leaderboard=board,
        **{
            name: tuple(values[name]) if values.get(name) else default
            for name, default in _LABEL_LISTS.items()
        },
        publish_to=values.get("publish_to"),
        backlog_target=values.get("backlog_target"),
        pdf_variant=values.get("pdf_variant", PDF_VARIANTS[0]),
    )


def leaderboard_settings(values: dict[str, Any], reader: Reader) -> LeaderboardSettings:
    """The ``leaderboard`` key as read (an office's units, a roll-up's offices); a problem
    when every weight is 0. A bad number is reported already, by the declaration."""
    board = values.get("leaderboard") or {}
    weights = board.get("weights")
    if weights is not None and all(w is not None and w == 0 for w in weights.values()):
        reader.problem(
            reader.positions["leaderboard.weights"],
            "leaderboard.weights",
            "权重中至少要有一项大于 0（没有写出的比率权重为 0），否则无法计算得分。",
        )
    return LeaderboardSettings(
        min_cases=board.get("min_cases", _DEFAULT_BOARD.min_cases),
        weights=(
            dict(_DEFAULT_BOARD.weights)
            if weights is None
            else {name: weights.get(name, 0) for name in WEIGHT_NAMES}
        ),
    )


def vocabularies(config: Config) -> dict[str, tuple[str, ...]]:
    """The configured value lists, by the name case fields refer to them with."""
    return {name: getattr(config, name) for name in _VOCABULARIES + tuple(_LABEL_LISTS)}


def load_rules(root: Path, config: Config) -> DeadlineRules:
    """Deadline rules; with ``calendar: workdays``, the holiday calendar too."""
    if config.deadlines.calendar != "workdays":
        return DeadlineRules(config.deadlines)
    path = root / HOLIDAYS_FILE
    office = OfficeDays()
    if path.exists() or path.is_symlink():  # a pipe or a link is refused by load_file
        office = _load_office_days(path, root)
    return DeadlineRules(config.deadlines, HolidayCalendar(office))


def _load_office_days(path: Path, root: Path) -> OfficeDays:
    """``holidays.yaml``: every problem, with its line, or the office's days."""
    problems: list[Problem] = []
    try:
        node = load_file(path, root)
    except LoadFailed as failed:
        p = failed.problem
        raise ConfigError(
            [Problem(HOLIDAYS_FILE, p.pos.line, p.pos.column, p.field, p.message)]
        ) from None
    reader = Reader(HOLIDAYS_FILE, {}, problems)
    values = reader.read_mapping(node, HOLIDAY_FIELDS) or {}
    listed: dict[str, dict[date, Position]] = {"holidays": {}, "workdays": {}}
    if isinstance(node, Mapping):
        for key, value in node.items:
            if key.text not in listed or not isinstance(value, Sequence):
                continue
            for item, day in zip(value.items, values.get(key.text) or (), strict=False):
                if day is None:
                    continue
                if not FIRST_YEAR <= day.year <= LAST_YEAR:
                    reader.problem(
                        item.pos, key.text, f"日期 {day} 超出 {FIRST_YEAR}–{LAST_YEAR} 年的范围。"
                    )
                listed[key.text].setdefault(day, item.pos)
    for day, pos in sorted(listed["workdays"].items()):
        if day in listed["holidays"]:
            reader.problem(
                pos,
                "workdays",
                f"{day} 同时列在 holidays（放假）和 workdays（调休上班）中，只能保留一处。",
            )
    if problems:
        raise ConfigError(sorted(problems))
    return OfficeDays(
        rest_days=frozenset(listed["holidays"]),
        workdays=frozenset(listed["workdays"]),
        years=frozenset(y for y in values.get("years") or () if y is not None),
    )

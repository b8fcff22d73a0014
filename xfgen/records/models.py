"""The plain data that flows between the stages: configuration, cases and activities.

Everything here is frozen; dates are ``datetime.date``. Validation is the only
place that builds these objects, so every later stage can trust them. Fields are
slots, not a dict an object: a build may hold 100,000 cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

KINDS = ("建议意见类", "检举控告类", "申诉求决类")
SATISFACTIONS = ("满意", "基本满意", "不满意", "未评价")
REVIEW_RESULTS = ("维持", "撤销", "变更")
REPORTING_KIND = "检举控告类"  # the reporter's identity is never shown
VISIT_CHANNEL = "来访"
NOT_RATED = "未评价"
SATISFIED = ("满意", "基本满意")
UPHELD = "维持"
# Office work (DOMAIN.md "Office work"): the defaults of the three configurable lists.
ACTIVITY_KINDS = ("接访", "下访", "约访")
LEADER_LEVELS = ("县级领导", "乡镇领导", "部门领导")
SUPERVISION_KINDS = ("督办", "挂牌督办")
# Summary, archival copies and roll-ups (DOMAIN.md "The configuration"): defaults.
ROUTES = ("诉讼", "仲裁", "行政复议", "纪检监察", "其他法定途径")  # 依法分流 destinations
METHODS = ("调解", "听证", "代办")  # progress actions counted as 办理方式
PDF_VARIANTS = ("pdf/a-2b", "pdf/a-3b", "none")


@dataclass(frozen=True, slots=True)
class Deadlines:
    accept_days: int = 15
    handle_days: int = 60
    max_extension_days: int = 30
    calendar: str = "natural"  # "natural" | "workdays"


@dataclass(frozen=True, slots=True)
class LeaderboardSettings:
    min_cases: int = 3
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "on_time_closure": 0.4,
            "satisfaction": 0.3,
            "timely_acceptance": 0.2,
            "closure": 0.1,
        }
    )


@dataclass(frozen=True, slots=True)
class Config:
    office: str
    channels: tuple[str, ...]
    sources: tuple[str, ...]
    categories: tuple[str, ...]
    units: tuple[str, ...]
    outcomes: tuple[str, ...]
    collective_threshold: int = 5
    deadlines: Deadlines = field(default_factory=Deadlines)
    leaderboard: LeaderboardSettings = field(default_factory=LeaderboardSettings)
    activity_kinds: tuple[str, ...] = ACTIVITY_KINDS
    leader_levels: tuple[str, ...] = LEADER_LEVELS
    supervision_kinds: tuple[str, ...] = SUPERVISION_KINDS
    publish_to: str | None = None  # where `xfgen publish` copies the site: a folder or rsync target
    leaders: tuple[str, ...] = ()  # protocol order of leaders (排名顺序); none by default
    routes: tuple[str, ...] = ROUTES
    methods: tuple[str, ...] = METHODS
    # Share of 期初积案 to resolve by the period's end (序时进度), in (0, 1]; None when not
    # configured. Read exactly as the decimal written (Fraction(str(x))), as weights are.
    backlog_target: float | None = None
    pdf_variant: str = PDF_VARIANTS[0]


@dataclass(frozen=True, slots=True)
class Petitioner:
    name: str | None = None
    phone: str | None = None
    id_number: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class NotAccepted:
    date: date
    reason: str | None = None
    route: str | None = None  # 依法分流: one of config routes


@dataclass(frozen=True, slots=True)
class Extension:
    days: int
    approved: date
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ProgressStep:
    date: date
    action: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """A 复查 or 复核: requested, and decided with a result once done."""

    requested: date
    decided: date | None = None
    result: str | None = None


@dataclass(frozen=True, slots=True)
class Supervision:
    """督办 of a case by a higher office: when, by whom, and which kind."""

    date: date
    by: str
    kind: str


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    path: str  # relative to the repository root, for messages
    received: date
    channel: str
    source: str
    kind: str
    category: str
    summary: str
    people: int = 1
    skip_level: bool = False
    repeat_of: str | None = None
    petitioner: Petitioner = field(default_factory=Petitioner)
    unit: str | None = None
    leader: str | None = None
    accepted: date | None = None
    not_accepted: NotAccepted | None = None
    extension: Extension | None = None
    progress: tuple[ProgressStep, ...] = ()
    closed: date | None = None
    outcome: str | None = None
    satisfaction: str = NOT_RATED
    review: Review | None = None
    recheck: Review | None = None
    supervision: tuple[Supervision, ...] = ()
    notes: str | None = None

    @property
    def decided(self) -> date | None:
        """The date of the acceptance decision, either way."""
        if self.accepted is not None:
            return self.accepted
        if self.not_accepted is not None:
            return self.not_accepted.date
        return None

    @property
    def is_reporting(self) -> bool:
        """检举控告类: the reporter must never be shown."""
        return self.kind == REPORTING_KIND


@dataclass(frozen=True, slots=True)
class Activity:
    """One 接访, 下访 or 约访 by an official: a record of the office's work, never of a petitioner."""

    id: str
    path: str  # relative to the repository root, for messages
    date: date
    kind: str
    leader: str
    level: str
    batches: int
    people: int
    cases: tuple[str, ...] = ()
    place: str | None = None
    summary: str | None = None
    notes: str | None = None

"""``xfgen build`` in a roll-up repository: a city's site from its offices (DOMAIN.md
"Roll-up", the roll-up site).

The same steps as an office's build: read → check → compute → render → write.
Each office is read (its repository, checked with its own files, or its export)
one at a time, in worker processes when there are many, and only what the
city's pages show leaves it: its ``stats --json`` object for each period (with a
year's halves), its rows of the combined 积案台账 and 督办事项台账 (no 信访人 column,
nothing beyond what the exchange format carries), and the values the
pre-publish scan looks for. The objects are pooled (:mod:`xfgen.figures.pooling`)
and worded by the same functions as one office's summary.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from xfgen.errors import Problem, XfgenError
from xfgen.figures import office_work
from xfgen.figures.compute import (
    backlog_cases,
    case_status,
    compute_figures,
    figures_to_json,
    snapshot_to_json,
)
from xfgen.figures.periods import Period, check_as_of, parse_period
from xfgen.figures.pooling import PoolSettings, backlog_schedules, pool, pool_block
from xfgen.records.models import Config
from xfgen.records.rollup import (
    Member,
    RollupConfig,
    each_office,
    load_rollup_config,
    read_office,
    refuse_as_of_after_exports,
    rollup_data_paths,
    survey,
)
from xfgen.reports import ledgers, wording
from xfgen.reports.definitions import rollup_settings
from xfgen.reports.ledgers import LedgerRow
from xfgen.reports.privacy import Privacy
from xfgen.reports.rendering import Renderer
from xfgen.reports.summary import rollup_summary_context, rollup_summary_view
from xfgen.site.build import (
    CURRENT,
    LEDGER_PART_ROWS,
    BuildResult,
    BuildStamp,
    Dates,
    InvalidData,
    asked_periods,
    default_periods,
    download,
    keep_periods,
    kept_entries,
    kept_notes,
    ledger_page,
    office_file,
    page,
    placeholder_renderer,
    summary_files,
)
from xfgen.site.guard import Secrets
from xfgen.site.manifest import (
    Link,
    Manifest,
    PeriodEntry,
    period_order,
    read_manifest,
    write_manifest,
)
from xfgen.site.publish import MARKER, check_target, staging
from xfgen.site.writer import PARTS_CACHE, SiteWriter


@dataclass(frozen=True)
class OfficePeriod:
    """One office's share of one period of the city's site."""

    stats: dict[str, Any]  # its own ``stats --json`` object (leaders screened)
    halves: tuple[dict[str, Any], ...]  # a year's halves at the year's as-of date
    backlog: tuple[LedgerRow, ...]  # its rows of the city's 积案台账
    supervision: tuple[LedgerRow, ...]  # its rows of the city's 督办事项台账


@dataclass(frozen=True)
class OfficePart:
    """What one office gives the city's site, or the problems that stop it."""

    name: str
    config: Config | None
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    periods: dict[str, OfficePeriod] = field(default_factory=dict)
    own_periods: tuple[str, ...] = ()  # the half years and years it has cases in
    current_backlog: tuple[LedgerRow, ...] = ()  # its 积案 at the site's day
    secrets: Secrets | None = None


@dataclass(frozen=True)
class _Job:
    root: Path
    member: Member
    dates: Dates
    periods: tuple[str, ...]  # empty: the office's own default periods, minus `removed`
    removed: tuple[str, ...] = ()


def office_part(job: _Job) -> OfficePart:
    """One office read and checked; its figures and ledger rows for each period asked."""
    office = read_office(job.root, job.member, job.dates.today)
    if office.problems or office.config is None or office.rules is None:
        return OfficePart(office.name, None, office.problems, office.warnings)
    name, rules, dates = office.name, office.rules, job.dates
    privacy = Privacy.of(office.cases, internal=False)
    own = tuple(p.label for p in default_periods(office.cases, dates.day))
    labels = job.periods or tuple(label for label in own if label not in job.removed)
    periods = {}
    for label in labels:
        period = parse_period(label)
        as_of = dates.of(period)
        figures = compute_figures(
            office.cases, office.config, rules, period, as_of, office.activities
        )
        figures = privacy.figures(figures)  # leaders are screened as in the office's summary
        backlog = backlog_cases(office.cases, rules, as_of)
        supervised = [
            (case_status(c, rules, as_of), entry)
            for c, entry in office_work.supervised_cases(office.cases, period, as_of)
        ]
        periods[label] = OfficePeriod(
            figures_to_json(figures),
            tuple(snapshot_to_json(h) for h in figures.halves),
            ledgers.office_backlog_rows(name, backlog, privacy),
            ledgers.office_supervision_rows(name, supervised, privacy),
        )
    return OfficePart(
        name,
        office.config,
        (),
        office.warnings,
        periods,
        own,
        ledgers.office_backlog_rows(name, backlog_cases(office.cases, rules, dates.day), privacy),
        Secrets.of(office.cases, office.activities, internal=False),
    )


def build_rollup_site(
    root: Path,
    out: Path,
    today: date,
    periods: Sequence[str] = (),
    as_of: date | None = None,
    internal: bool = False,
    progress: Callable[[str], None] = lambda message: None,
    ledger_part_rows: int = LEDGER_PART_ROWS,
    pdfs: bool = True,
    remove: Sequence[str] = (),
    full: bool = False,
    jobs: int | None = None,
    pdf_progress: Callable[[int, int], None] = lambda finished, total: None,
) -> BuildResult:
    """The city's site: its summary of each period, the combined 积案台账 and 督办事项台账,
    the current 积案台账 and its offices, replacing ``out`` only on success."""
    if internal:
        raise XfgenError(
            "汇总网站不含任何信访人信息，没有内部版：请不带 --internal 运行 xfgen build。"
        )
    chosen, removed = asked_periods(periods, remove, as_of, today)
    config = load_rollup_config(root)
    paths = rollup_data_paths(config)
    check_target(out, root, paths, "public")
    exports, problems = survey(root, config)
    if problems:
        raise InvalidData(problems)
    notes: list[str] = []
    if as_of is not None:
        refuse_as_of_after_exports(as_of, exports)
    cap = min(exports.values()) if exports and as_of is None else None
    dates = Dates(today, as_of, bool(chosen), cap)
    for period in chosen:
        check_as_of(period, dates.of(period))
    progress(f"读取 {len(config.members)} 个单位")
    parts = read_offices(root, config, dates, chosen, removed)
    problems = [p for part in parts for p in part.problems]
    if problems:
        raise InvalidData(problems)
    if cap is not None:
        office = min(exports, key=lambda name: (exports[name], name))
        notes.append(
            f"未指定截至日期：各期截至日期不晚于各单位导出日期中最早的 {cap.isoformat()}"
            f"（{office}的导出）。"
        )
    labels = sorted({label for part in parts for label in part.periods}, key=_period_key)
    configs = [part.config for part in parts if part.config is not None]
    words = wording.Vocabulary.combined(configs, config.label, config.backlog_target)
    city = Config(
        office=config.office, channels=words.channels, sources=words.sources,
        categories=words.categories, units=(), outcomes=words.outcomes,
        leaderboard=config.leaderboard, activity_kinds=words.activity_kinds,
        leader_levels=words.leader_levels, supervision_kinds=words.supervision_kinds,
        publish_to=config.publish_to, routes=words.routes, methods=words.methods,
        backlog_target=config.backlog_target, pdf_variant=config.pdf_variant,
    )  # fmt: skip
    stamp = BuildStamp.now(root, paths)
    renderer = placeholder_renderer(root, city, internal=False)
    names = [part.name for part in parts]
    settings = rollup_settings(names, config.labels, config.leaderboard, config.backlog_target)
    secrets = Secrets.merged(part.secrets for part in parts if part.secrets is not None)

    entries: list[PeriodEntry] = []
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(staging(out))
        last = read_manifest(out, "public")
        site = stack.enter_context(
            SiteWriter(folder, out, last, stamp.fill_ins, secrets, root / PARTS_CACHE, stamp.text,
                       full, pdfs, jobs, config.pdf_variant, stamp.built_at)
        )  # fmt: skip
        for label in labels:
            period = parse_period(label)
            progress(f"汇总并生成 {period.name}（截至 {dates.of(period)}）")
            shares = [part.periods[label] for part in parts]
            entries.append(
                period_site(renderer, config, words, settings, names, shares, ledger_part_rows,
                            site.add)
            )  # fmt: skip
        current = ledgers.combined_ledger(
            "backlog", "当前积案台账", [row for part in parts for row in part.current_backlog],
            names, _backlog_note(sum(len(part.current_backlog) for part in parts)),
        )  # fmt: skip
        site.add(ledger_page(renderer, f"{CURRENT}/backlog.html", current, dates.day, None,
                             ledger_part_rows))  # fmt: skip
        current_links = (Link("积案台账", f"{CURRENT}/backlog.html", ("xlsx",)),)
        kept = kept_entries(last, map(parse_period, labels), removed)
        entries = sorted(entries + kept, key=period_order)
        notes += kept_notes(out, last, removed)
        offices = tuple(
            (part.name, member.site) for part, member in zip(parts, config.members, strict=True)
        )
        site.add(page(renderer, "index.html", "index.html", "信访工作报告", None, pdf=False,
                      entries=entries, current=current_links, current_as_of=dates.day,
                      changes=None, offices=offices))  # fmt: skip
        keep_periods(site, out, folder, last, kept)
        (folder / MARKER).write_text("public\n", encoding="utf-8")
        written = site.finish(progress, pdf_progress)
        write_manifest(folder, Manifest("public", tuple(entries), site.records, data=stamp.version))
    return BuildResult(
        out,
        written.pages,
        written.pdfs,
        written.reused,
        tuple(labels),
        tuple(e.period.label for e in kept),
        tuple(e.period.label for e in (last.periods if last else ()) if e.period in removed),
        (*(w for part in parts for w in part.warnings), *notes, *written.warnings),
    )


def read_offices(
    root: Path,
    config: RollupConfig,
    dates: Dates,
    chosen: Sequence[Period],
    removed: Sequence[Period],
) -> list[OfficePart]:
    """Every office's part for the periods asked (by default every half year and year in
    which any office has a case), in ``rollup.offices`` order.

    Each office is read once for its own periods; an office is read again only when
    another office has a period it lacks (its figures are then those of a period
    without cases of its own: its backlog and office work still count)."""
    asked = tuple(p.label for p in chosen)
    gone = tuple(p.label for p in removed)
    jobs = [_Job(root, member, dates, asked, gone) for member in config.members]
    parts = list(each_office(office_part, jobs))
    if asked or any(part.problems for part in parts):
        return parts
    every = {label for part in parts for label in part.own_periods if label not in gone}
    missing = [
        (i, tuple(sorted(every - set(part.periods), key=_period_key)))
        for i, part in enumerate(parts)
    ]
    again = [(i, labels) for i, labels in missing if labels]
    more = each_office(
        office_part, [_Job(root, config.members[i], dates, labels) for i, labels in again]
    )
    for (i, _), part in zip(again, more, strict=True):
        earlier = parts[i]
        parts[i] = replace(
            earlier, problems=part.problems, periods={**earlier.periods, **part.periods}
        )
    return parts


def period_site(
    renderer: Renderer,
    config: RollupConfig,
    words: wording.Vocabulary,
    settings: Sequence[str],
    names: Sequence[str],
    shares: Sequence[OfficePeriod],
    part_rows: int,
    add: Callable[[Any], None],
) -> PeriodEntry:
    """The city's summary and combined ledgers of one period."""
    offices = {name: share.stats for name, share in zip(names, shares, strict=True)}
    first = shares[0].stats
    period = parse_period(first["period"])
    as_of = date.fromisoformat(first["as_of"])
    pooled = PoolSettings(relabel=config.label, leaderboard=config.leaderboard)
    stats = pool(offices, pooled, backlog_schedules(config.backlog_target, period, as_of))
    halves = [
        (
            wording.period_name(half.label, half.start, half.end, as_of),
            pool_block([share.halves[i] for share in shares], config.label),
        )
        for i, half in enumerate(h for h in period.halves() if h.start <= as_of)
    ]
    view = rollup_summary_view(stats, words, renderer.site.scope, halves, config.leaderboard)
    path = f"{period.label}/summary.html"
    narrative = renderer.narrative(stats)
    html = renderer.page(
        "summary.html", path=path, title=wording.title(config.office, view.name, narrative is not None),
        as_of=as_of, downloads=(download(office_file(path, "docx")),), narrative=narrative,
        **rollup_summary_context(view, settings),
    )  # fmt: skip
    add(summary_files(renderer, path, html, stats))
    name = period.name
    backlog = [row for share in shares for row in share.backlog]
    supervision = [row for share in shares for row in share.supervision]
    for slug, ledger in (
        ("backlog", ledgers.combined_ledger("backlog", f"{name}积案台账", backlog, names,
                                            _backlog_note(len(backlog)))),
        ("supervision", ledgers.combined_ledger(
            "supervision", f"{name}督办事项台账", supervision, names,
            _supervision_note(len(supervision), stats))),
    ):  # fmt: skip
        add(ledger_page(renderer, f"{period.label}/{slug}.html", ledger, as_of, None, part_rows,
                        crumb=name))  # fmt: skip
    links = (
        Link("工作总结", f"{period.label}/summary.html", ("docx",)),
        Link("积案台账", f"{period.label}/backlog.html", ("xlsx",)),
        Link("督办事项台账", f"{period.label}/supervision.html", ("xlsx",)),
    )
    return PeriodEntry(period, as_of, links, ())


def _backlog_note(rows: int) -> str:
    return (
        f"共 {rows} 件积案（受理超过 365 天仍未办结，各单位按本单位的日历计算），按受理日期排列。"
        "汇总台账不含信访人信息和反映问题。"
    )


def _supervision_note(rows: int, stats: dict[str, Any]) -> str:
    kinds = "、".join(
        f"{kind} {count} 件" for kind, count in stats["by_supervision_kind"].items() if count
    )
    return (
        f"共 {rows} 件，截至统计截止日已办结 {stats['counts']['supervised_closed']} 件"
        + (f"；按督办类型：{kinds}（一件事项可有多种督办）" if kinds else "")
        + "。每件列出本期最近一次督办，按督办日期排列。汇总台账不含信访人信息和反映问题。"
    )


def _period_key(label: str) -> tuple[date, int]:
    """Oldest first; of periods ending the same day the shorter first (as the manifest)."""
    period = parse_period(label)
    return period.end, -period.start.toordinal()

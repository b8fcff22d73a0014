"""The command line: parse arguments, call one library function, print, exit.

Exit codes: 0 success, 1 invalid case files (or a failed build), 2 a usage or
configuration problem.
"""

from __future__ import annotations

import errno
import json
import signal
import sys
from datetime import date
from pathlib import Path

import click

from xfgen import __version__
from xfgen.cli_chinese import ChineseGroup, install, usage_error_text
from xfgen.commands.new import ACTIVITY, CASE, RecordKind, new_record, option_fields
from xfgen.commands.progress import BuildProgress
from xfgen.errors import ConfigError, PeriodError, XfgenError
from xfgen.figures.periods import (
    check_as_of,
    default_as_of,
    parse_as_of,
    parse_period,
    refuse_future,
)
from xfgen.folders import add_ignores
from xfgen.records.rollup import is_rollup
from xfgen.records.validation import Project, load_project
from xfgen.records.writer import field_comment

EXIT_INVALID = 1
EXIT_USAGE = 2

install()  # click's help and usage errors in Chinese; before any option is declared


class _DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, date):
            return value
        try:
            return parse_as_of(value)
        except PeriodError:
            self.fail(f"“{value}” 不是 YYYY-MM-DD 格式的有效日期", param, ctx)


DATE = _DateType()


@click.group(cls=ChineseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="在这个目录运行（放 xfgen.yaml 和 cases/ 的仓库根目录），如同 git -C。",
)
@click.option(
    "--today", type=DATE, default=None, help="把这一天当作今天（默认系统日期），用于复现。"
)
@click.option("--debug", is_flag=True, help="出现内部错误时显示 Python 回溯。")
@click.version_option(__version__, prog_name="xfgen")
@click.pass_context
def cli(ctx: click.Context, root: Path, today: date | None, debug: bool) -> None:
    """xfgen：信访事项统计、台账与总结报告生成工具。"""
    ctx.obj = {"root": root, "today": today or date.today(), "debug": debug}


def _load(ctx: click.Context, quiet: bool = False, cases: bool = True) -> Project:
    """The project, read and checked; a progress display on stderr while many case
    files are read (none with ``quiet``). ``cases``: false when only its problems
    and warnings are wanted."""
    shown = BuildProgress(quiet)
    try:
        return load_project(ctx.obj["root"], ctx.obj["today"], progress=shown.files, cases=cases)
    finally:
        shown.close()


def _print_problems(project: Project) -> None:
    for problem in project.problems:
        click.echo(str(problem))


def _print_warnings(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        click.echo(f"警告：{warning}", err=True)


@cli.command()
@click.option(
    "--staged", is_flag=True, help="检查 git 暂存区中（即将提交）的文件，供 pre-commit 钩子使用。"
)
@click.option("--quiet", "-q", is_flag=True, help="不显示读取进度，只显示问题、警告和结果。")
@click.pass_context
def check(ctx: click.Context, staged: bool, quiet: bool) -> None:
    """检查 xfgen.yaml 和 cases/ 下的全部事项文件，列出所有问题（汇总仓库中逐个单位检查）。"""
    if staged:
        from xfgen.commands.staged import check_staged

        shown = BuildProgress(quiet)
        try:
            project = check_staged(ctx.obj["root"], ctx.obj["today"], shown.files)
        finally:
            shown.close()
    elif is_rollup(ctx.obj["root"]):
        _check_rollup(ctx)
        return
    else:
        project = _load(ctx, quiet, cases=False)
    _print_problems(project)
    _print_warnings(project.warnings)
    if project.problems:
        click.echo(
            f"共检查 {project.files} 个文件：{project.invalid_files} 个文件有问题，"
            f"共 {len(project.problems)} 处。"
        )
        ctx.exit(EXIT_INVALID)
    click.echo(f"共检查 {project.files} 个文件，全部通过。")


@cli.command()
@click.option(
    "--period",
    "-p",
    required=True,
    metavar="期间",
    help="统计期间：2026H1、2026H2、2026、2026Q1 或 2026-03。",
)
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default=None,
    help="截至日期，默认为期间最后一天（期间未结束则为今天）。",
)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（供其他程序使用）。")
@click.pass_context
def stats(ctx: click.Context, period: str, as_of: date | None, as_json: bool) -> None:
    """计算并显示一个期间的各项统计数字（汇总仓库中为全市汇总、各单位数字和排名）。"""
    from xfgen.figures.compute import compute_figures, figures_to_json
    from xfgen.reports.privacy import Privacy
    from xfgen.reports.stats_text import format_stats

    the_period = parse_period(period)
    if is_rollup(ctx.obj["root"]):
        _rollup_stats(ctx, period, as_of, as_json)
        return
    if as_of is not None:
        refuse_future(as_of, ctx.obj["today"])
    project = _load(ctx)
    if project.problems:
        _print_problems(project)
        click.echo(f"有 {len(project.problems)} 处问题，请先修正（xfgen check 可查看）。", err=True)
        ctx.exit(EXIT_INVALID)
    _print_warnings(project.warnings)
    as_of = as_of or default_as_of(the_period, ctx.obj["today"])
    check_as_of(the_period, as_of)
    figures = compute_figures(
        project.cases, project.config, project.rules, the_period, as_of, project.activities
    )
    figures = Privacy.of(project.cases, internal=False).figures(figures)  # leaders screened
    if as_json:
        click.echo(json.dumps(figures_to_json(figures), ensure_ascii=False, indent=2))
    else:
        click.echo(format_stats(figures))


def _check_rollup(ctx: click.Context) -> None:
    from xfgen.commands.rollup import check_rollup

    result = check_rollup(ctx.obj["root"], ctx.obj["today"])
    for problem in result.problems:
        click.echo(str(problem))
    _print_warnings(result.warnings)
    counted = f"共检查 {result.offices} 个单位的 {result.files} 个文件"
    if result.problems:
        offices = len({p.path.split("]", 1)[0] for p in result.problems if p.path[0] == "["})
        click.echo(f"{counted}：共 {len(result.problems)} 处问题（{offices} 个单位有问题）。")
        ctx.exit(EXIT_INVALID)
    click.echo(f"{counted}，全部通过。")


def _rollup_stats(ctx: click.Context, period: str, as_of: date | None, as_json: bool) -> None:
    from xfgen.commands.rollup import rollup_stats
    from xfgen.reports.stats_text import format_rollup_stats

    result = rollup_stats(ctx.obj["root"], ctx.obj["today"], period, as_of)
    for note in result.notes:
        click.echo(note, err=True)
    if result.problems:
        for problem in result.problems:
            click.echo(str(problem))
        click.echo(
            f"有 {len(result.problems)} 处问题，汇总未完成，请先修正（xfgen check 可查看）。",
            err=True,
        )
        ctx.exit(EXIT_INVALID)
    _print_warnings(result.warnings)
    assert result.figures is not None
    if as_json:
        click.echo(json.dumps(result.figures, ensure_ascii=False, indent=2))
    else:
        click.echo(format_rollup_stats(result.figures))


@cli.command()
@click.option(
    "--period",
    "-p",
    "periods",
    metavar="期间",
    multiple=True,
    help="只生成这些期间（可重复）；默认为有事项的每个半年和每一年。网站中其他期间的报告原样保留。",
)
@click.option("--quiet", "-q", is_flag=True, help="不显示进度，只显示结果、警告和错误。")
@click.option(
    "--full", is_flag=True, help="全部 PDF 重新生成（默认只重新生成内容有变化的网页的 PDF）。"
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="同时生成 PDF 的进程数，默认为本机 CPU 核数。",
)
@click.option(
    "--remove-period",
    "removed",
    multiple=True,
    help="从网站中删除这个期间的报告（可重复）。",
)
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default=None,
    help="截至日期，默认为各期间最后一天（期间未结束则为今天）。",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="输出目录，默认 output/（内部版为 output-internal/）。",
)
@click.option(
    "--internal",
    is_flag=True,
    help="生成不脱敏的内部版（另存一个目录，每页标注“内部资料 注意保密”）。",
)
@click.pass_context
def build(
    ctx: click.Context,
    periods: tuple[str, ...],
    quiet: bool,
    full: bool,
    jobs: int | None,
    removed: tuple[str, ...],
    as_of: date | None,
    out: Path | None,
    internal: bool,
) -> None:
    """检查全部事项并生成统计报告、台账和排行榜（HTML 和 PDF）；汇总仓库中生成全市的总结和合并台账。"""
    from xfgen.site.build import INTERNAL_OUTPUT, OUTPUT, InvalidData, build_site

    # Stopped by a service manager or `kill`: unwind as after Ctrl-C, so the staging
    # folder is removed and the PDF processes are stopped, not left running.
    signal.signal(signal.SIGTERM, _interrupt)

    root: Path = ctx.obj["root"]
    target = out or root / (INTERNAL_OUTPUT if internal else OUTPUT)
    shown = BuildProgress(quiet)
    try:
        result = build_site(
            root, target, ctx.obj["today"], periods, as_of, internal,
            progress=shown.message, remove=removed, full=full, jobs=jobs, pdf_progress=shown.pdfs,
            read_progress=shown.files,
        )  # fmt: skip
    except InvalidData as invalid:
        for problem in invalid.problems:
            click.echo(str(problem))
        click.echo(f"有 {len(invalid.problems)} 处问题，未生成报告；{target} 保持不变。", err=True)
        ctx.exit(EXIT_INVALID)
    except KeyboardInterrupt as stopped:  # Ctrl-C, or SIGTERM (_interrupt)
        shown.close()
        click.echo(f"已中止，未生成报告；{target} 保持不变。", err=True)
        ctx.exit(128 + (stopped.args[0] if stopped.args else signal.SIGINT))
    finally:
        shown.close()
    _print_warnings(result.warnings)
    click.echo(
        f"已生成 {result.pages} 个网页、{result.pdfs} 份 PDF（{'、'.join(result.periods)}）到 {result.out}"
    )
    if result.reused:
        click.echo(
            f"其中 {result.reused} 份 PDF 的内容没有变化，沿用上次生成的（只更新了生成时间和数据版本）"
        )
    if result.kept:
        click.echo(f"保留了网站中原有的其他期间：{'、'.join(result.kept)}")
    if result.removed:
        click.echo(f"已从网站中删除：{'、'.join(result.removed)}")


def _interrupt(number: int, frame: object) -> None:
    """SIGTERM as Ctrl-C, with its number (the exit code is 128 + it, as a shell's)."""
    raise KeyboardInterrupt(number)


def _field_options(kind: RecordKind):  # type: ignore[no-untyped-def]
    """One option per field of a record kind, declared where the validator's are."""
    types = {"date": DATE, "int": click.INT, "number": click.FLOAT}

    def decorate(command):  # type: ignore[no-untyped-def]
        for spec in reversed(option_fields(kind)):
            flag = "--" + spec.name.replace("_", "-")
            help_text = field_comment(spec, {}).removeprefix("必填，")
            if spec.kind == "bool":
                option = click.option(flag, spec.name, is_flag=True, default=None, help=help_text)
            else:
                option = click.option(
                    flag, spec.name, type=types.get(spec.kind, str), default=None, help=help_text
                )
            command = option(command)
        return command

    return decorate


def _write_new(ctx: click.Context, values: dict[str, object], kind: RecordKind) -> None:
    given = {
        name: value for name, value in values.items() if value is not None and value is not False
    }
    path = new_record(ctx.obj["root"], ctx.obj["today"], given, kind)
    click.echo(path)
    added = add_ignores(ctx.obj["root"])  # what xfgen writes stays out of git
    if added:
        click.echo(f"已在 .gitignore 中加入 xfgen 生成的目录：{' '.join(added)}", err=True)
    click.echo("请填写其余各项，然后运行 xfgen check 检查。", err=True)


@cli.group(invoke_without_command=True)
@_field_options(CASE)
@click.pass_context
def new(ctx: click.Context, **values: object) -> None:
    """新建一件信访事项：用下一个空闲编号写好文件骨架，打印文件路径（xfgen new activity 新建领导接访记录）。"""
    if ctx.invoked_subcommand is None:
        _write_new(ctx, values, CASE)


@new.command("activity")
@_field_options(ACTIVITY)
@click.pass_context
def new_activity(ctx: click.Context, **values: object) -> None:
    """新建一条领导接访、下访、约访记录（activities/<年>/<编号>.yaml）。"""
    _write_new(ctx, values, ACTIVITY)


@cli.command()
@click.option("--write", is_flag=True, help="写入 .xfgen/case.schema.json（供编辑器使用）。")
@click.pass_context
def schema(ctx: click.Context, write: bool) -> None:
    """输出事项文件的 JSON Schema（按 xfgen.yaml 中的可选值），供编辑器补全和检查。"""
    from xfgen.commands.schema import schema_text, write_schema

    if write:
        click.echo(f"已写入 {write_schema(ctx.obj['root'])}")
    else:
        click.echo(schema_text(ctx.obj["root"]), nl=False)


@cli.command()
@click.option(
    "--since",
    default=None,
    help="从哪里算起：标签（如 meeting-2026-10）、提交编号或 YYYY-MM-DD 日期；默认最近的 meeting-* 标签。",
)
@click.pass_context
def changes(ctx: click.Context, since: str | None) -> None:
    """列出自某次提交（如上次会议的标签）以来事项的变化：新登记、受理、办结、延期、超期，以及办结后又修改的记录。"""
    from xfgen.commands.changes import format_changes
    from xfgen.site.changes import changes_since, latest_meeting_tag
    from xfgen.site.history import SHALLOW_HINT, check_history, is_shallow

    root: Path = ctx.obj["root"]
    check_history(root)
    since = since or latest_meeting_tag(root)
    if since is None:
        hint = f"如果这是浅克隆（git clone --depth），标签可能没有取回：{SHALLOW_HINT}"
        raise click.UsageError(
            "请用 --since 指定从哪里算起（仓库中还没有 meeting-* 标签）。"
            + (hint if is_shallow(root) else "")
        )
    project = _load(ctx)
    if project.problems:
        _print_problems(project)
        click.echo(f"有 {len(project.problems)} 处问题，请先修正（xfgen check 可查看）。", err=True)
        ctx.exit(EXIT_INVALID)
    click.echo(format_changes(changes_since(root, since, ctx.obj["today"], project)))


@cli.command("import")
@click.argument("ledger", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sheet", default=None, help="要导入的工作表名称，默认第一个工作表。")
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="映射文件（YAML）：列名对应哪一项、台账里的写法对应哪个标准值。",
)
@click.option("--dry-run", is_flag=True, help="只检查并报告，不写入任何文件。")
@click.pass_context
def import_(
    ctx: click.Context, ledger: Path, sheet: str | None, mapping_file: Path | None, dry_run: bool
) -> None:
    """从 Excel（.xlsx）或 CSV 登记台账导入事项，每行生成一个事项文件。"""
    from xfgen.commands.import_ledger import import_ledger

    result = import_ledger(ctx.obj["root"], ledger, ctx.obj["today"], sheet, mapping_file, dry_run)
    for problem in result.problems:
        click.echo(str(problem))
    if result.unused_columns:
        click.echo(
            f"未使用的列：{'、'.join(result.unused_columns)}（如需导入，请在映射文件 columns 中指明）。"
        )
    verb = "可导入" if dry_run else "已导入"
    rows = len({p.row for p in result.problems})
    click.echo(
        f"工作表“{result.sheet}”（表头在第 {result.header_row} 行）：{verb} {len(result.written)} 件，"
        f"已存在 {result.already_present} 件，有问题未导入 {rows} 行；"
        f"跳过空行 {result.blank_rows} 行、合计和说明行 {result.skipped_rows} 行。"
    )
    if dry_run:
        click.echo("这是试运行（--dry-run），没有写入任何文件。")
    if result.problems:
        ctx.exit(EXIT_INVALID)


@cli.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="要检查能否写入的输出目录，默认 output/。",
)
@click.pass_context
def doctor(ctx: click.Context, out: Path | None) -> None:
    """检查运行环境：Python、WeasyPrint 和 Pango、中文字体、输出目录、配置和节假日日历。"""
    from xfgen.commands.doctor import diagnose, format_findings
    from xfgen.site.build import OUTPUT

    root: Path = ctx.obj["root"]
    findings = diagnose(root, ctx.obj["today"], out or root / OUTPUT)
    click.echo(format_findings(findings))
    if not all(f.ok for f in findings):
        ctx.exit(EXIT_INVALID)


@cli.command()
@click.argument("destination", required=False)
@click.option(
    "--allow-dirty",
    is_flag=True,
    help="网站由尚未提交的修改生成时也发布（发布的首页会注明）。",
)
@click.pass_context
def publish(ctx: click.Context, destination: str | None, allow_dirty: bool) -> None:
    """把最近一次生成的公开版网站（output/）发布到 xfgen.yaml 中 publish_to 指定的位置（或 DESTINATION）。"""
    from xfgen.commands.publish import format_published, publish

    result = publish(ctx.obj["root"], ctx.obj["today"], destination, allow_dirty)
    click.echo(format_published(result))


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="预览用的端口（只在本机 127.0.0.1 上开放）。")  # fmt: skip
@click.option("--no-pdf", is_flag=True, help="只生成网页，不生成 PDF（更快）。")
@click.pass_context
def serve(ctx: click.Context, port: int, no_pdf: bool) -> None:
    """生成网页并在本机预览（生成到 .xfgen-cache/preview/，不动 output/）；修改事项、总结文字、模板或配置后自动重新生成并刷新浏览器。"""
    from xfgen.commands.serve import PREVIEW
    from xfgen.commands.serve import serve as serve_site

    root: Path = ctx.obj["root"]
    today = (
        ctx.parent.params.get("today") if ctx.parent else None
    )  # None: the real day, each rebuild
    serve_site(root, root / PREVIEW, today, port, pdfs=not no_pdf, echo=click.echo)


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "json", "parquet"]),
    required=True,
    help="文件格式：csv、xlsx（一个工作簿）、json（一个文件）或 parquet。",
)
@click.option(
    "--period",
    "-p",
    "periods",
    multiple=True,
    help="只导出这些期间的事项和统计数字（可重复）；默认全部事项、每个有事项的半年和年度。",
)
@click.option("--as-of", "as_of", type=DATE, default=None, help="统计数字的截至日期。")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="导出目录，默认 export/（内部版为 export-internal/）。",
)
@click.option("--internal", is_flag=True, help="不脱敏（内部资料，另存 export-internal/）。")
@click.pass_context
def export_(
    ctx: click.Context,
    fmt: str,
    periods: tuple[str, ...],
    as_of: date | None,
    out: Path | None,
    internal: bool,
) -> None:
    """导出事项表、领导接访表和各期统计数字，供其他程序（Excel、DuckDB 等）使用。"""
    from xfgen.commands.export import export
    from xfgen.site.build import InvalidData

    try:
        result = export(ctx.obj["root"], out, ctx.obj["today"], fmt, internal, periods, as_of)
    except InvalidData as invalid:
        for problem in invalid.problems:
            click.echo(str(problem))
        click.echo(f"有 {len(invalid.problems)} 处问题，未导出。", err=True)
        ctx.exit(EXIT_INVALID)
    click.echo(
        f"已导出 {result.cases} 件事项、{result.activities} 条领导接访记录和"
        f" {len(result.periods)} 个期间的统计数字到 {result.out}：{'、'.join(result.files)}"
    )


ENVIRONMENT_ERRORS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "所在的文件系统是只读的",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "不允许修改（文件或目录可能被设为只读或不可修改）",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENAMETOOLONG: "文件名太长",
}


def environment_error_text(exc: OSError) -> str:
    """A Chinese sentence for an error of the machine (disk, permissions), naming the path."""
    cause = ENVIRONMENT_ERRORS.get(exc.errno or 0, f"系统错误：{exc.strerror or exc}")
    where = f"{exc.filename}：" if exc.filename else ""
    return (
        f"无法读写 {where}{cause}。原来的报告保持不变；请处理后再试。"
        if where
        else f"无法完成：{cause}。原来的报告保持不变；请处理后再试。"
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the CLI and turns errors into messages and exit codes."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        code = cli.main(args=argv, prog_name="xfgen", standalone_mode=False)
    except click.exceptions.Exit as done:  # pragma: no cover - click returns it instead
        code = done.exit_code
    except click.UsageError as exc:
        if exc.ctx is not None:
            help_option = exc.ctx.help_option_names[0] if exc.ctx.help_option_names else "--help"
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"运行“{exc.ctx.command_path} {help_option}”查看帮助。", err=True)
        click.echo(f"错误：{usage_error_text(exc)}", err=True)
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("已中止。", err=True)
        sys.exit(EXIT_INVALID)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo("配置文件有问题，请修正后再试。", err=True)
        sys.exit(EXIT_USAGE)
    except XfgenError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:  # the machine's, not xfgen's: a full disk, a read-only folder ...
        if debug:
            raise
        click.echo(f"错误：{environment_error_text(exc)}", err=True)
        sys.exit(EXIT_INVALID)
    except Exception as exc:  # noqa: BLE001 - the user must never see a traceback
        if debug:
            raise
        click.echo(
            f"xfgen 内部错误（{type(exc).__name__}: {exc}）。这是 xfgen 的问题，不是您的数据的问题；"
            "请加 --debug 重新运行并把输出发给维护者。",
            err=True,
        )
        sys.exit(70)
    sys.exit(code if isinstance(code, int) else 0)

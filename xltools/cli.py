"""Command line: ``xltools build | check | tables | template | demo | batch | codes``.

Exit codes: 0 done (warnings allowed), 1 the checks found errors, 2 the input could not be
read or the command was wrong.  Messages are Chinese and name the place; no traceback is
shown unless --debug.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__, collector, search_worker
from .atomic import OutputError, write_text
from .findings import Severity, summary
from .reader import ReadError, read_master
from .tables import build_tables
from .writers.tables_json import dumps
from .excel.cli import addin
from .codes_cli import codes

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


class Failure(Exception):
    """Stop the command with a message and an exit code."""

    def __init__(self, message: str, code: int, findings=()):
        super().__init__(message)
        self.code = code
        self.findings = list(findings)  # what stopped it, for callers that report elsewhere


def _print_findings(findings, stream=None, limit: int = 200) -> None:
    stream = stream or sys.stderr
    shown = [f for f in findings if f.severity is not Severity.INFO]
    for f in shown[:limit]:
        click.echo(str(f), file=stream)
    if len(shown) > limit:
        click.echo(f"……另有 {len(shown) - limit} 条未显示", file=stream)


def _load(master_path: str):
    """Read and validate a master; errors stop here, before anything is written."""
    master = read_master(master_path)
    findings = list(master.findings)
    if master.info is None or any(f.severity is Severity.ERROR for f in findings):
        raise Failure(f"{master_path}：底稿有错误，请按上面的提示修改后重试。\n{summary(findings)}",
                      EXIT_ERRORS, findings)
    return master, findings


def build_outputs(master_path: str, outdir: str, force: bool, pdf: bool = False,
                  prior_path: str | None = None, template: str | None = None, parallel: bool = False):
    """Read, check and write every output of a master; returns (tables, files, findings).
    ``parallel``: write the outputs in two processes (pipeline.write_outputs).

    Raises Failure when the master has errors (nothing is written then)."""
    # Imported here: the writers take longer to import than `tables` takes on a small master.
    from . import pipeline
    from .office import OfficeError, find_soffice
    from .writers.publication_styles import TemplateError

    if pdf and find_soffice() is None:
        raise Failure("--pdf 需要 LibreOffice，但本机没有找到（soffice）。请安装 LibreOffice，"
                      "或去掉 --pdf 只生成 Excel 和 Word 文件。", EXIT_UNREADABLE)
    with collector.paused():
        master, _ = _load(master_path)
        prior = read_master(prior_path) if prior_path else None

    def refuse_overwrite(paths: list[str]) -> None:
        for target in paths:
            if os.path.exists(target) and not force:
                raise Failure(f"“{target}”已存在。如要覆盖，请加 --force。", EXIT_UNREADABLE)

    try:
        return pipeline.write_outputs(master, outdir, prior=prior, pdf=pdf, template=template,
                                      before_write=refuse_overwrite, parallel=parallel)
    except TemplateError as exc:
        raise Failure(str(exc), EXIT_UNREADABLE) from None
    except OfficeError as exc:
        raise Failure(f"Excel 和 Word 文件已生成，但 PDF 没有生成：{exc}", EXIT_UNREADABLE) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xltools")
@click.option("--debug", is_flag=True, help="出错时显示完整的 Python 调用栈。")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """xltools：从预算底稿生成部门预算公开表。"""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("master", type=click.Path(dir_okay=False))
@click.option("-o", "--outdir", default="output", show_default=True, help="输出文件夹")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 生成公开表和预算公开文档的 PDF")
@click.option("--prior", type=click.Path(dir_okay=False), help="上年的预算底稿：情况说明的上年数由它计算")
@click.option("--template", type=click.Path(dir_okay=False),
              help="预算公开文档的 Word 模板（默认：基本信息“公开模板”，否则自带的 templates/预算公开模板.docx）")
def build(master: str, outdir: str, force: bool, pdf: bool, prior: str | None,
          template: str | None) -> None:
    """由底稿生成预算公开表、绩效目标表和预算公开文档（.docx）。"""
    # One master per process: the worker loads the search while the master is read (batch,
    # many masters in each process, loads it once in the process instead).
    with search_worker.ready_for(master, prior):
        _, files, findings = build_outputs(master, outdir, force, pdf, prior, template,
                                           parallel=True)
    _print_findings(findings)
    for f in files:
        click.echo(f"已生成：{f}")
    if any(f.severity is Severity.ERROR for f in findings):
        raise Failure(f"{summary(findings)}。文件已生成，但请先按上面的提示修改底稿，再重新生成后公开。",
                      EXIT_ERRORS)
    click.echo(summary(findings))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部发现")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="另存校验结果工作簿（可筛选，带单元格链接）")
def check(file: str, as_json: bool, output: str | None) -> None:
    """校验预算底稿或任何预算公开表工作簿。"""
    from .audit import audit
    from .writers.check_report import text_report, write_report_workbook

    if output and os.path.abspath(output) == os.path.abspath(file):
        raise Failure("校验结果不能保存到被校验的文件本身，请用 -o 指定另一个文件名。", EXIT_UNREADABLE)
    report = audit(file)
    if output:
        write_report_workbook(report.file, report.kind, report.findings, output)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(text_report(report.file, report.kind, report.findings, report.titles))
    if output:
        click.echo(f"校验结果已保存：{output}", err=as_json)
    if report.errors:
        raise Failure(summary(report.findings), EXIT_ERRORS)


@main.command()
@click.argument("master", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="按 tables.md 的 JSON 格式输出")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件而不是标准输出")
def tables(master: str, as_json: bool, output: str | None) -> None:
    """计算全部公开表。"""
    if output and os.path.abspath(output) == os.path.abspath(master):
        raise Failure("输出文件不能是底稿本身，请用 -o 指定另一个文件名。", EXIT_UNREADABLE)
    with search_worker.ready_for(master), collector.paused():
        m, findings = _load(master)
        ts = build_tables(m)
        text = dumps(ts) if as_json else _text_tables(ts)
    if output:
        write_text(output, text + "\n")
    else:
        click.echo(text)
    _print_findings(findings + ts.findings)


def _text_tables(ts) -> str:
    from .money import format_wan

    out = [f"{ts.entity} {ts.year}年 {ts.kind}预算公开表（表样 {ts.profile}，单位：万元）"]
    for t in ts.tables.values():
        out.append(f"\n表{t.no} {t.title}" + ("（空表）" if t.empty else ""))
        for sec in t.sections:
            out.append("  " + " | ".join(["项目", *sec.column_labels]))
            for row, vals in sec.rows:
                cells = [format_wan(vals[k]) if k in vals else "" for k in sec.columns]
                out.append("  " + " | ".join([f"{row.code or ''} {row.label}".strip(), *cells]))
    return "\n".join(out)


@main.command()
@click.option("-o", "--output", default="预算底稿模板.xlsx", show_default=True,
              type=click.Path(dir_okay=False), help="模板保存位置")
def template(output: str) -> None:
    """生成空白预算底稿模板。"""
    from .writers.template import write_template

    write_template(output)
    click.echo(f"已生成空白底稿：{output}")


def sample_dir() -> Path:
    """The bundled sample masters: inside the package when installed, else the repository's."""
    packaged = Path(__file__).parent / "samples"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "samples"


@main.command()
@click.option("-o", "--outdir", default="output", show_default=True, help="输出文件夹")
def demo(outdir: str) -> None:
    """用自带的示例底稿生成公开表。"""
    samples = sorted(sample_dir().glob("*.xlsx"))
    if not samples:
        raise Failure("找不到示例底稿（samples/*.xlsx）。", EXIT_UNREADABLE)
    worst = EXIT_OK
    for sample in samples:
        click.echo(f"示例：{sample.name}")
        try:
            _, files, findings = build_outputs(str(sample), outdir, force=True)
        except Failure as exc:
            _print_findings(exc.findings)
            click.echo(str(exc), err=True)
            worst = max(worst, exc.code)
            continue
        for f in files:
            click.echo(f"  已生成：{os.path.abspath(f)}")
        click.echo(f"  {summary(findings)}")
    if worst:
        raise Failure("示例生成失败。", worst)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, exists=True))
@click.option("-o", "--outdir", default=None, help="输出文件夹（默认：FOLDER/输出）")
@click.option("-j", "--jobs", default=os.cpu_count() or 1, show_default=True, type=click.IntRange(1, 64),
              help="同时处理的文件数")
@click.option("--check-only", is_flag=True, help="只校验，不生成公开表")
def batch(folder: str, outdir: str | None, jobs: int, check_only: bool) -> None:
    """批量生成（或校验）文件夹中的每个工作簿，并写出 汇总.xlsx。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import SUMMARY_NAME, run_batch, workbooks, write_summary

    outdir = outdir or os.path.join(folder, "输出")
    os.makedirs(outdir, exist_ok=True)
    total = len(workbooks(folder))
    if not total:
        raise Failure(f"文件夹“{folder}”里没有 .xlsx 工作簿。", EXIT_UNREADABLE)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("校验" if check_only else "生成", total=total)
        results = run_batch(folder, outdir, jobs, check_only,
                            progress=lambda r: bar.update(task, advance=1, description=r.file[:30]))
    summary_path = os.path.join(outdir, SUMMARY_NAME)
    write_summary(results, summary_path, check_only)
    failed = [r for r in results if not r.ok]
    for r in failed:
        click.echo(f"[错误] {r.file}：{r.first_error}", err=True)
    click.echo(f"共 {len(results)} 个文件，{len(failed)} 个有错误。汇总：{summary_path}")
    if failed:
        raise Failure(f"{len(failed)} 个文件有错误，详见 {summary_path}。", EXIT_ERRORS)


main.add_command(addin)
main.add_command(codes)


def run() -> None:
    """Entry point: turn every failure into a message and an exit code."""
    debug = "--debug" in sys.argv
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        sys.exit(EXIT_UNREADABLE)
    except click.ClickException as exc:
        folder = _folder_given(exc)
        if folder:
            click.echo(f"[错误] {os.path.basename(os.path.normpath(folder))}: “{folder}”是文件夹，不是文件。"
                       "请指定工作簿文件本身（如 预算底稿.xlsx）。", err=True)
        else:
            exc.show()
            click.echo("命令用法有误，请用 xltools --help 查看用法。", err=True)
        sys.exit(EXIT_UNREADABLE)
    except ReadError as exc:
        click.echo(str(exc.finding), err=True)
        sys.exit(EXIT_UNREADABLE)
    except Failure as exc:
        _print_findings(exc.findings)
        click.echo(str(exc), err=True)
        sys.exit(exc.code)
    except OutputError as exc:  # locked by Excel, no permission, disk full
        click.echo(f"[错误] {exc}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except (SystemExit, KeyboardInterrupt):
        raise
    # The last line of defence: never a bare traceback.  BaseException too: a Rust panic
    # in a native reader arrives as pyo3's PanicException, which is not an Exception.
    except BaseException as exc:
        if debug:
            traceback.print_exc()
        else:
            click.echo(f"内部错误：{exc!r}。请加 --debug 重新运行并把输出发给维护者。", err=True)
        sys.exit(EXIT_UNREADABLE)
    sys.exit(EXIT_OK)


def _folder_given(exc: click.ClickException) -> str | None:
    """The folder given where a file was expected (click.Path refuses it in English)."""
    if isinstance(exc, click.BadParameter) and isinstance(getattr(exc.param, "type", None), click.Path):
        return next((a for a in sys.argv[1:] if not a.startswith("-") and os.path.isdir(a)), None)
    return None


if __name__ == "__main__":
    run()

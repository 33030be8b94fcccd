"""The buttons of the ribbon tab 预算公开, one entry each.

An entry takes a workbook-like object (an xlwings Book, or anything shaped like one, see
book.py) and a Host, reads the workbook's live values, calls the same core functions as the
command line, writes its outputs next to the workbook and returns an Outcome: the files, the
findings and a short Chinese summary.  ``dispatch`` — what the VBA button runs through
xlwings' RunPython — wraps the active workbook and Excel, runs the entry, opens the result
and shows the summary.  Errors in the master stop a build; the summary names their cells and
Excel selects the first one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import atomic
from ..findings import Finding, Severity, summary
from ..reader.headers import normalise
from ..reader.live import LiveWorkbook
from ..reader.master import LINES_SHEET
from ..rounding_memo import RoundingMemo
from ..tables import build_tables
from ..writers.check_report import ordered, write_report_workbook
from ..writers.performance_workbook import performance_output_name, write_performance_workbook
from ..writers.publication_styles import TemplateError
from ..writers.template import write_template
from .book import BookSheets, folder, label, output_folder, read_live_master
from ..pipeline import check_disclosure, check_master, usable, write_outputs

SHOWN = 8  # findings quoted in a message box; the rest are in the 校验结果 workbook


class Host:
    """What an entry may ask of the application around the workbook.  This one does
    nothing, for tests and scripts; ExcelHost (host.py) acts in Excel."""

    def release(self, path: str) -> None:
        """Make ``path`` writable: close it if it is open and unchanged."""


@dataclass
class Outcome:
    ok: bool  # False: nothing was written because the input has errors (or a file is locked)
    message: str  # the summary shown to the accountant
    files: list[str] = field(default_factory=list)  # written; the first one is opened
    findings: list[Finding] = field(default_factory=list)

    @property
    def first_error(self) -> Finding | None:
        return next((f for f in ordered(self.findings) if f.severity is Severity.ERROR
                     and f.sheet and f.cell), None)


def _quote(findings: list[Finding], limit: int = SHOWN) -> str:
    shown = [f for f in ordered(findings) if f.severity is not Severity.INFO]
    lines = [str(f) if len(str(f)) <= 160 else str(f)[:159] + "…" for f in shown[:limit]]
    if len(shown) > limit:
        lines.append(f"……另有 {len(shown) - limit} 条，请点“校验”查看全部。")
    return "\n".join(lines)


def _written(files: list[str], findings: list[Finding]) -> str:
    done = "\n".join(f"已生成：{os.path.basename(f)}" for f in files)
    where = os.path.dirname(files[0]) if files else ""
    text = f"{done}\n保存在：{where}\n\n{summary(findings)}"
    quoted = _quote(findings)
    if any(f.severity is Severity.ERROR for f in findings):
        text += "\n文件已生成，但请先按下面的提示修改底稿，再重新生成后公开。"
    return text + (f"\n\n{quoted}" if quoted else "")


def _stopped(master_findings: list[Finding]) -> Outcome:
    errors = [f for f in master_findings if f.severity is Severity.ERROR]
    message = (f"底稿有 {len(errors)} 个错误，没有生成文件。请按下面的提示修改后重试：\n\n"
               f"{_quote(errors)}")
    return Outcome(False, message, [], master_findings)


def _write_failed(exc: OSError) -> str:
    # atomic.py words its own failures (a file open in Excel or WPS …) in Chinese; anything
    # else the system says is quoted.
    if type(exc).__module__ == atomic.__name__:
        return str(exc)
    return f"无法写入输出文件（{exc}）。请检查文件夹是否可以写入、磁盘是否已满。"


def _not_written(exc: OSError, findings: list[Finding]) -> Outcome:
    return Outcome(False, _write_failed(exc), [], findings)


def generate_tables(book, host: Host | None = None) -> Outcome:
    """生成公开表: what ``xltools build`` writes, from the live master."""
    host = host or Host()
    master = read_live_master(book)
    if not usable(master):
        return _stopped(list(master.findings))
    try:
        _, files, findings = write_outputs(
            master, str(output_folder(book)),
            before_write=lambda paths: [host.release(p) for p in paths],
            memo=RoundingMemo.in_user_cache())
    except TemplateError as exc:  # 基本信息 “公开模板” names a template that cannot be used
        return Outcome(False, str(exc), [], list(master.findings))
    except OSError as exc:
        return _not_written(exc, list(master.findings))
    return Outcome(True, _written(files, findings), files, findings)


def check(book, host: Host | None = None) -> Outcome:
    """校验: what ``xltools check`` finds — in a master, or in any disclosure workbook.
    With errors or warnings, a saved workbook also gets a 校验结果 workbook beside it whose
    places link to the cells."""
    host = host or Host()
    names = [s.name for s in book.sheets]
    if normalise(LINES_SHEET) in {normalise(n) for n in names}:
        master = read_live_master(book)
        kind, findings = "master", check_master(master, RoundingMemo.in_user_cache())
    else:
        live = LiveWorkbook(label(book), BookSheets(book))
        kind, (findings, _) = "disclosure", check_disclosure([live.sheet(n) for n in live.sheet_names])
    message = summary(findings)
    quoted = _quote(findings)
    files: list[str] = []
    home = folder(book)
    if quoted and home is not None:
        target = str(home / f"{Path(book.name).stem}校验结果.xlsx")
        host.release(target)
        try:
            write_report_workbook(label(book), kind, findings, target)
            files.append(target)
        except OSError as exc:
            message += f"\n（{_write_failed(exc)}）"
    if quoted:
        message += f"\n\n{quoted}"
    errors = any(f.severity is Severity.ERROR for f in findings)
    return Outcome(not errors, message, files, findings)


def _export_one(book, host: Host | None, make) -> Outcome:
    """One output alone, from the live master: ``make(master, ts)`` gives (name, findings, write)."""
    host = host or Host()
    master = read_live_master(book)
    if not usable(master):
        return _stopped(list(master.findings))
    name, findings, write = make(master, build_tables(master, memo=RoundingMemo.in_user_cache()))
    target = str(output_folder(book) / name)
    host.release(target)
    try:
        write(target)
    except TemplateError as exc:
        return Outcome(False, str(exc), [], findings)
    except OSError as exc:
        return _not_written(exc, findings)
    return Outcome(True, _written([target], findings), [target], findings)


def export_performance(book, host: Host | None = None) -> Outcome:
    """导出绩效目标表: the 部门整体 and 项目支出 绩效目标表 alone."""
    from .. import performance

    def make(master, ts):
        perf, findings = performance.build(master, ts)
        return (performance_output_name(ts), findings,
                lambda target: write_performance_workbook(master, ts, perf, target))

    return _export_one(book, host, make)


def export_narrative(book, host: Host | None = None) -> Outcome:
    """导出预算公开文档: the whole published document (.docx) — 封面, 目录, the four parts with
    the tables and 绩效目标表 as Word tables — every figure from the tables."""
    from .. import narrative, performance
    from ..pipeline import publication_template
    from ..writers.publication_docx import publication_output_name, write_publication_docx

    def make(master, ts):
        perf, perf_findings = performance.build(master, ts)
        story, findings = narrative.build(master, ts)
        return (publication_output_name(ts), perf_findings + findings,
                lambda target: write_publication_docx(story, ts, perf, target,
                                                      template=publication_template(master)))

    return _export_one(book, host, make)


TEMPLATE_NAME = "预算底稿模板"


def new_master(book, host: Host | None = None) -> Outcome:
    """新建底稿: a blank master beside the current workbook, never over an existing file."""
    home = output_folder(book)
    target = home / f"{TEMPLATE_NAME}.xlsx"
    n = 2
    while target.exists():
        target = home / f"{TEMPLATE_NAME}({n}).xlsx"
        n += 1
    try:
        write_template(str(target))
    except OSError as exc:
        return _not_written(exc, [])
    return Outcome(True, f"已新建空白底稿：{target.name}\n保存在：{home}\n\n先看“填表说明”，"
                         "再填写基本信息和收支明细。", [str(target)], [])


# The ids of customUI14.xml's buttons.
ENTRIES: dict[str, Callable[..., Outcome]] = {
    "xltools_build": generate_tables,
    "xltools_check": check,
    "xltools_performance": export_performance,
    "xltools_narrative": export_narrative,
    "xltools_template": new_master,
}

TITLES = {"xltools_build": "生成公开表", "xltools_check": "校验", "xltools_performance": "导出绩效目标表",
          "xltools_narrative": "导出预算公开文档", "xltools_template": "新建底稿"}


def dispatch(control_id: str) -> None:
    """Run a button on the active workbook in Excel (called by the add-in's VBA)."""
    import xlwings as xw

    from .host import ExcelHost

    book = xw.Book.caller()
    host = ExcelHost(book)
    title = f"xltools：{TITLES.get(control_id, control_id)}"
    entry = ENTRIES.get(control_id)
    if entry is None:
        host.alert(title, f"未知的按钮“{control_id}”。请重新安装 xltools 加载项。", failed=True)
        return
    try:
        outcome = entry(book, host)
    except Exception as exc:  # a message box, never a traceback in the accountant's face
        host.alert(title, f"内部错误：{exc!r}。请把这条信息发给维护者。", failed=True)
        return
    host.finish(title, outcome)

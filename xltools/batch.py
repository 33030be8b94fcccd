"""Build or audit every workbook of a folder, for a finance bureau.

Each file is handled in its own worker process (a bad file cannot take the others down),
and one summary workbook, 汇总.xlsx, lists every file with failures first.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import xlsxwriter

from .atomic import atomic_path
from .findings import Severity

SUMMARY_NAME = "汇总.xlsx"


@dataclass
class FileResult:
    file: str
    ok: bool  # read and built/audited without errors
    kind: str = ""  # master | disclosure
    entity: str = ""
    year: int | None = None
    total: str = ""  # 收入总计, 万元, as printed
    errors: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)
    first_error: str = ""


def workbooks(folder: str) -> list[str]:
    """The .xlsx/.xlsm files of ``folder`` (not its sub-folders), skipping Excel's lock files
    (~$name.xlsx) and our own outputs (公开表, 绩效目标表, 汇总)."""
    out = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not os.path.isfile(path) or name.startswith(("~$", ".~")):
            continue
        if os.path.splitext(name)[1].lower() in (".xlsx", ".xlsm") and name != SUMMARY_NAME:
            out.append(path)
    return out


def _one(path: str, outdir: str, check_only: bool) -> FileResult:
    """Runs in a worker: every failure becomes data, never an exception."""
    from .audit import audit
    from .cli import Failure, build_outputs
    from .reader import ReadError

    result = FileResult(os.path.basename(path), ok=False)
    try:
        if check_only:
            report = audit(path)
            result.kind = report.kind
            findings = report.findings
        else:
            result.kind = "master"
            ts, files, findings = build_outputs(path, outdir, force=True)
            result.entity, result.year = ts.entity, ts.year
            result.outputs = [os.path.basename(f) for f in files]
            total = ts.tables["T_income_expense"].section("income_rows").rows[-1][1].get("amount", 0)
            result.total = f"{total / 100:,.2f}"
    except ReadError as exc:
        result.errors, result.first_error = 1, str(exc.finding)
        return result
    except Failure as exc:
        errors = [f for f in exc.findings if f.severity is Severity.ERROR]
        result.errors = max(1, len(errors))
        result.first_error = str(errors[0]) if errors else str(exc).splitlines()[0]
        return result
    except Exception as exc:  # a bug must not stop the other files
        result.errors, result.first_error = 1, f"内部错误：{exc!r}"
        return result
    errors = [f for f in findings if f.severity is Severity.ERROR]
    result.errors = len(errors)
    result.warnings = sum(f.severity is Severity.WARNING for f in findings)
    result.first_error = str(errors[0]) if errors else ""
    result.ok = not errors
    return result


def run_batch(folder: str, outdir: str, jobs: int, check_only: bool, progress=None) -> list[FileResult]:
    files = workbooks(folder)
    results: list[FileResult] = []
    if jobs <= 1:
        for path in files:
            results.append(_one(path, outdir, check_only))
            if progress:
                progress(results[-1])
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_one, path, outdir, check_only) for path in files]
            for fut in as_completed(futures):
                results.append(fut.result())
                if progress:
                    progress(results[-1])
    results.sort(key=lambda r: (r.ok, r.file))
    return results


def write_summary(results: list[FileResult], target: str, check_only: bool) -> None:
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_numbers": False, "strings_to_urls": False})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        cell = wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
        bad = wb.add_format({"border": 1, "valign": "top", "font_color": "#9C0006", "bg_color": "#FFC7CE"})
        ws = wb.add_worksheet("汇总")
        failed = sum(not r.ok for r in results)
        ws.write(0, 0, f"{'校验' if check_only else '生成'} {len(results)} 个文件：{failed} 个有错误，"
                       f"{len(results) - failed} 个通过", wb.add_format({"bold": True, "font_size": 14}))
        headers = ("文件", "状态", "类型", "单位", "年度", "收入总计（万元）", "错误数", "警告数", "生成的文件", "第一个错误")
        widths = (36, 8, 8, 30, 6, 14, 7, 7, 50, 80)
        for c, (h, w) in enumerate(zip(headers, widths)):
            ws.write(2, c, h, head)
            ws.set_column(c, c, w)
        for r, res in enumerate(results, start=3):
            kind = {"master": "底稿", "disclosure": "公开表"}.get(res.kind, "")
            row = (res.file, "通过" if res.ok else "有错误", kind, res.entity, res.year or "", res.total,
                   res.errors, res.warnings, "\n".join(res.outputs), res.first_error)
            for c, value in enumerate(row):
                fmt = bad if (c == 1 and not res.ok) else cell
                if isinstance(value, int):
                    ws.write_number(r, c, value, fmt)
                else:
                    ws.write_string(r, c, str(value), fmt)
        ws.autofilter(2, 0, max(2, len(results) + 2), len(headers) - 1)
        ws.freeze_panes(3, 1)
        wb.close()

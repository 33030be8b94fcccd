"""The audit's findings, as text grouped by table and as a filterable 校验结果 workbook."""

from __future__ import annotations

import os
import re

import xlsxwriter

from ..atomic import atomic_path
from ..findings import Finding, Severity, summary

_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_KIND = {"master": "预算底稿", "disclosure": "公开表工作簿"}


def _cell_key(cell: str | None) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)$", cell or "")
    if not m:
        return (0, 0)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return (int(m.group(2)), col)


def _sheet_key(sheet: str | None) -> tuple:
    m = re.match(r"^表(\d+)$", sheet or "")
    return (0, int(m.group(1)), "") if m else (1 if sheet else 2, 0, sheet or "")


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; within each, by table and cell."""
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], _sheet_key(f.sheet),
                                           _cell_key(f.cell), f.rule))


def text_report(file: str, kind: str, findings: list[Finding], titles: dict[str, str]) -> str:
    lines = [f"文件：{file}（{_KIND.get(kind, kind)}）"]
    groups: dict[str | None, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (_sheet_key(f.sheet), _SEVERITY_ORDER[f.severity],
                                              _cell_key(f.cell))):
        groups.setdefault(f.sheet, []).append(f)
    for sheet, items in groups.items():
        head = f"{sheet} {titles.get(sheet, '')}".strip() if sheet else "整个工作簿"
        lines.append("")
        lines.append(head)
        lines += [f"  {f}" for f in items]
    lines.append("")
    lines.append(summary(findings))
    return "\n".join(lines)


def write_report_workbook(file: str, kind: str, findings: list[Finding], target: str) -> None:
    """Findings as a sorted table with an autofilter; each place links to the audited cell."""
    link_base = os.path.relpath(os.path.abspath(file), os.path.dirname(os.path.abspath(target)))
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_numbers": False, "strings_to_formulas": False,
                                       "strings_to_urls": False})
        bold = wb.add_format({"bold": True, "font_size": 14})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
        wrap = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
        link = wb.add_format({"font_color": "#0563C1", "underline": 1, "valign": "top", "border": 1})
        colours = {Severity.ERROR: wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE",
                                                   "valign": "top", "border": 1}),
                   Severity.WARNING: wb.add_format({"font_color": "#9C5700", "bg_color": "#FFEB9C",
                                                     "valign": "top", "border": 1}),
                   Severity.INFO: wrap}
        ws = wb.add_worksheet("校验结果")
        ws.write(0, 0, f"校验结果：{os.path.basename(file)}（{_KIND.get(kind, kind)}）", bold)
        ws.write(1, 0, summary(findings))
        headers = ("序号", "级别", "规则", "位置", "说明", "应为", "实际")
        widths = (6, 8, 22, 16, 80, 14, 14)
        for c, (h, w) in enumerate(zip(headers, widths)):
            ws.write(3, c, h, head)
            ws.set_column(c, c, w)
        r = 4
        for n, f in enumerate(ordered(findings), start=1):
            ws.write_number(r, 0, n, wrap)
            ws.write_string(r, 1, f.severity.label, colours[f.severity])
            ws.write_string(r, 2, f.rule, wrap)
            if f.sheet and f.cell:
                ws.write_url(r, 3, f"external:{link_base}#'{f.sheet}'!{f.cell}", link, f.place)
            else:
                ws.write_string(r, 3, f.place, wrap)
            ws.write_string(r, 4, f.message, wrap)
            ws.write_string(r, 5, "" if f.expected is None else str(f.expected), wrap)
            ws.write_string(r, 6, "" if f.actual is None else str(f.actual), wrap)
            r += 1
        ws.autofilter(3, 0, max(3, r - 1), len(headers) - 1)
        ws.freeze_panes(4, 0)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(3)
        wb.close()

"""The 校验 sheet: every identity of the tables as live formulas over the table cells.

One row per identity: the published figure (E), the sum of its parts (F), the difference (G)
and a status (H) that reads exactly 通过 or 不通过.  Column I, hidden, is 1 for 不通过, so that
the 目录 can count failures with SUM/SUMIFS alone — the functions every spreadsheet program
has.  Every formula is written with its value computed here, so any viewer shows the right
figures before it recalculates.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from ..checks.identities import Identity, holds, sides
from .bulk_rows import BulkRowsSheet, Formula
from .formulas import sum_of
from .table_sheet import wan
from .text_fit import height, lines_needed
from .xlsx_styles import Styles

SHEET = "校验"
FIRST_ROW = 3
HEADERS = ("序号", "类别", "表", "校验内容", "公开数", "各项之和", "差额", "状态", "不通过")
WIDTHS = (6, 24, 6, 70, 13, 13, 10, 8, 6)
PASS, FAIL = "通过", "不通过"


@dataclass(frozen=True)
class CheckArea:
    """Where the rows are, for the 目录's status formulas."""

    first: int
    last: int
    failures: int
    failed_tables: frozenset[str]  # keys of the tables with a failing row

    def column(self, col: int) -> str:
        top = xl_rowcol_to_cell(self.first, col, True, True)
        bottom = xl_rowcol_to_cell(max(self.first, self.last), col, True, True)
        return f"'{SHEET}'!{top}:{bottom}"


def write_check_sheet(ws: BulkRowsSheet, st: Styles, idents: list[Identity], doc: dict, place,
                      table_no, value=None) -> CheckArea:
    """``place(ref) → (sheet, row, col)`` locates a figure; ``table_no(key)`` gives 表N;
    ``value(ref) → 百元`` reads a figure (default: from ``doc``, slower)."""
    ws.write(0, 0, "校验", st.title)
    ws.write(1, 0, "每一行核对一个勾稽关系：公开数应等于各项之和（“部分不大于整体”一行为不小于）。"
                   "修改任何表中数字后，状态自动重新计算；“不通过”的行请核对公开数所在单元格。", st.maker)
    for c, (head, w) in enumerate(zip(HEADERS, WIDTHS)):
        ws.write(FIRST_ROW - 1, c, head, st.head)
        ws.set_column(c, c, w)
    ws.set_column(8, 8, None, None, {"hidden": True})

    failed: list[str] = []
    one_line = height(1)
    r = FIRST_ROW
    for n, ident in enumerate(idents, start=1):
        if value is None:
            whole, parts = sides(ident, doc)
        else:
            whole = value(ident.whole) if ident.whole else 0
            parts = sum(value(p) for p in ident.parts)
        ok = holds(ident, whole, parts)
        if not ok:
            failed.append(ident.table)
        e, f, g, h = (f"{letter}{r + 1}" for letter in "EFGH")
        test = f"{g}>-0.005" if ident.relation == "ge" else f"ABS({g})<0.005"
        rise = max(lines_needed(ident.what, WIDTHS[3]), lines_needed(ident.family, WIDTHS[1]))
        ws.bulk_row(r, (
            (0, n, st.center),
            (1, ident.family, st.text),
            (2, table_no(ident.table), st.center),
            (3, ident.what, st.text),
            (4, _figure(sum_of([place(ident.whole)] if ident.whole else []), wan(whole)), st.money),
            (5, _figure(sum_of([place(p) for p in ident.parts]), wan(parts)), st.money),
            (6, Formula(f"ROUND({e}-{f},2)", wan(whole - parts)), st.money),
            (7, Formula(f'IF({test},"{PASS}","{FAIL}")', PASS if ok else FAIL), st.status),
            (8, Formula(f'IF({h}="{PASS}",0,1)', 0 if ok else 1), st.center),
        ), height(rise) if height(rise) > one_line else None)
        r += 1
    last = r - 1
    if idents:
        for status, fmt in ((FAIL, st.fail), (PASS, st.pass_)):
            ws.conditional_format(FIRST_ROW, 7, last, 7, {
                "type": "cell", "criteria": "==", "value": f'"{status}"', "format": fmt})
        ws.autofilter(FIRST_ROW - 1, 0, last, 7)
    ws.freeze_panes(FIRST_ROW, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(FIRST_ROW - 1)
    return CheckArea(FIRST_ROW, last, len(failed), frozenset(failed))


def _figure(body: str, value: float):
    # A side with no cell (a row the table lacks) is a plain zero, not a formula.
    return 0 if body == "0" else Formula(body, value)

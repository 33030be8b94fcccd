"""The 校验 sheet: every identity of the tables as live formulas over the table cells.

One row per identity: the published figure (E), the sum of its parts (F), the difference (G)
and a status (H) that reads exactly 通过 or 不通过.  Column I, hidden, is 1 for 不通过, so that
the 目录 can count failures with SUM/SUMIFS alone — the functions every spreadsheet program
has.  Every formula is written with its value computed here, so any viewer shows the right
figures before it recalculates.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Iterator

from xlsxwriter.utility import xl_rowcol_to_cell

from ..checks.identities import Identity, evaluate, holds, sides as both
from .bulk_rows import BulkRowsSheet, escape, fit
from .formulas import ref, sum_of
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
                      table_no, value=None, sides: list[tuple[int, int]] | None = None) -> CheckArea:
    """``place(ref) → (sheet, row, col)`` locates a figure; ``table_no(key)`` gives 表N;
    ``value(ref) → 百元`` reads a figure (default: from ``doc``, slower); ``sides``: each
    identity's (published figure, sum of parts) in 百元 when the caller has them already."""
    ws.write(0, 0, "校验", st.title)
    ws.write(1, 0, "每一行核对一个勾稽关系：公开数应等于各项之和（“部分不大于整体”一行为不小于）。"
                   "修改任何表中数字后，状态自动重新计算；“不通过”的行请核对公开数所在单元格。", st.maker)
    for c, (head, w) in enumerate(zip(HEADERS, WIDTHS)):
        ws.write(FIRST_ROW - 1, c, head, st.head)
        ws.set_column(c, c, w)
    ws.set_column(8, 8, None, None, {"hidden": True})

    if sides is None:
        sides = evaluate(idents, value) if value is not None else [both(i, doc) for i in idents]
    failed = [i.table for i, (whole, parts) in zip(idents, sides) if not holds(i, whole, parts)]
    # The rows' texts take their shared-string numbers now, in the order cells written
    # row by row would take them; the rows themselves are made as the sheet is written.
    shared = ws.str_table._get_shared_string_index
    numbers = {}
    texts = array("l")
    for ident in idents:
        key = ident.table
        if key not in numbers:
            numbers[key] = fit(table_no(key))
        texts.extend((shared(fit(ident.family)), shared(numbers[key]), shared(fit(ident.what))))
    last = FIRST_ROW + len(idents) - 1
    if idents:
        ws.rows_later(FIRST_ROW, last, len(HEADERS) - 1,
                      lambda style_of: _rows(style_of, st, idents, sides, texts, place))
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


def _rows(style_of, st: Styles, idents: list[Identity], sides, texts, place) -> Iterator[str]:
    """Each identity's row as the XML ``BulkRowsSheet.bulk_row`` writes: 序号, the three
    texts, then the published figure, the sum of its parts, the difference, the status and
    the hidden 0/1, each a formula with its value (a side without any cell is a plain 0)."""
    # Resolved in the order a row's cells meet them, as the cells written one by one would.
    center, text, money, status = (f' s="{i}"' if i else "" for i in map(style_of, (
        st.center, st.text, st.money, st.status)))
    one_line = height(1)
    # Each 校验 text is measured once: through the cache, hundreds of thousands would only
    # push the sheets' recurring labels out of it.
    measure = lines_needed.__wrapped__
    rows: list[str] = []
    r = FIRST_ROW
    for n, (ident, (whole, parts)) in enumerate(zip(idents, sides)):
        r += 1  # one-based from here
        ok = holds(ident, whole, parts)
        rise = height(max(measure(ident.what, WIDTHS[3]), lines_needed(ident.family, WIDTHS[1])))
        head = f'<row r="{r}" ht="{rise:.16g}" customHeight="1">' if rise > one_line else f'<row r="{r}">'
        e = (f"<f>{escape(ref(*place(ident.whole)))}</f><v>{wan(whole)}</v>" if ident.whole
             else "<v>0</v>")
        body = sum_of([place(p) for p in ident.parts])
        f = "<v>0</v>" if body == "0" else f"<f>{escape(body)}</f><v>{wan(parts)}</v>"
        test = f"G{r}&gt;-0.005" if ident.relation == "ge" else f"ABS(G{r})&lt;0.005"
        k = 3 * n
        if len(rows) == 1000:  # written a thousand rows at a time
            yield "".join(rows)
            rows.clear()
        rows.append(f'{head}<c r="A{r}"{center}><v>{n + 1}</v></c>'
                    f'<c r="B{r}"{text} t="s"><v>{texts[k]}</v></c>'
                    f'<c r="C{r}"{center} t="s"><v>{texts[k + 1]}</v></c>'
                    f'<c r="D{r}"{text} t="s"><v>{texts[k + 2]}</v></c>'
                    f'<c r="E{r}"{money}>{e}</c><c r="F{r}"{money}>{f}</c>'
                    f'<c r="G{r}"{money}><f>ROUND(E{r}-F{r},2)</f><v>{wan(whole - parts)}</v></c>'
                    f'<c r="H{r}"{status} t="str"><f>IF({test},"{PASS}","{FAIL}")</f>'
                    f'<v>{PASS if ok else FAIL}</v></c>'
                    f'<c r="I{r}"{center}><f>IF(H{r}="{PASS}",0,1)</f><v>{0 if ok else 1}</v></c></row>')
    yield "".join(rows)

"""The disclosure workbook: 封面, 目录, one sheet per table, and the live 校验 sheet.

Written from scratch with XlsxWriter, which stores each formula's value next to it
(openpyxl cannot): the file shows the right figures in any viewer, and recalculates in
Excel, WPS or LibreOffice without any add-in.
"""

from __future__ import annotations

import datetime as dt

import xlsxwriter

from ..atomic import atomic_path
from ..checks.identities import Identity, evaluate, figure_reader, identities
from ..tables.engine import TableSet
from ..tables.profiles import PROFILES
from .bulk_rows import BulkRowsSheet, Grid
from .classic_formulas import ClassicFormulaSheet
from .check_sheet import SHEET as CHECK_SHEET, CheckArea, write_check_sheet
from .table_sheet import sheet_name, write_table_sheet
from .tables_json import tables_dict
from .xlsx_styles import Styles

COVER, CONTENTS = "封面", "目录"


def output_name(ts: TableSet) -> str:
    return f"{ts.entity}{ts.year}年{ts.kind}预算公开表.xlsx"


def write_disclosure_workbook(ts: TableSet, target: str, *, tables_only: bool = False,
                              today: dt.date | None = None,
                              checked: tuple[dict, list[Identity], list[tuple[int, int]]] | None = None
                              ) -> None:
    """Write the workbook; ``tables_only`` leaves out 封面, 目录 and 校验 (the PDF's content).

    ``checked``: (``tables_dict(ts)``, its ``identities``, their ``evaluate``d sides) when
    the caller has them already.
    """
    profile = PROFILES[ts.profile]
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_numbers": False, "strings_to_formulas": False,
                                       "strings_to_urls": False})
        st = Styles(wb)
        cover = contents = None
        if not tables_only:
            cover = wb.add_worksheet(COVER)
            contents = wb.add_worksheet(CONTENTS, worksheet_class=ClassicFormulaSheet)
        places: dict[tuple, tuple[str, int, int]] = {}
        for key, table in ts.tables.items():
            name = sheet_name(table)
            # Written as bulk rows: 表7 alone has a row per project (5,000 at 100,000 lines).
            grid = Grid(wb.add_worksheet(name, worksheet_class=BulkRowsSheet))
            cells = write_table_sheet(grid, st, table, profile, ts.entity, ts.kind, ts.func_names)
            grid.flush()
            for (section, index, col), (r, c) in cells.items():
                places[(key, section, index, col)] = (name, r, c)
        if not tables_only:
            if checked is None:
                doc = tables_dict(ts)
                idents = identities(doc)
                checked = (doc, idents, evaluate(idents, figure_reader(ts)))
            doc, idents, sides = checked
            check_ws = wb.add_worksheet(CHECK_SHEET, worksheet_class=BulkRowsSheet)
            area = write_check_sheet(
                check_ws, st, idents, doc,
                place=places.__getitem__,  # a Ref is the tuple (table, section, row, col)
                table_no=lambda key: sheet_name(ts.tables[key]), sides=sides)
            _cover(cover, st, ts, today or dt.date.today())
            _contents(contents, st, ts, area)
            contents.activate()
        wb.close()


def _cover(ws, st: Styles, ts: TableSet, today: dt.date) -> None:
    ws.set_column(0, 0, 90)
    ws.set_row(8, 90)
    ws.write(8, 0, f"{ts.entity}\n{ts.year}年{ts.kind}预算公开", st.cover_title)
    lines = (f"编制{ts.kind}：{ts.entity}", f"预算年度：{ts.year}年",
             f"编制日期：{today.year}年{today.month}月{today.day}日")
    for i, text in enumerate(lines):
        ws.set_row(14 + 2 * i, 24)
        ws.write(14 + 2 * i, 0, text, st.cover_line)
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)
    ws.center_horizontally()
    ws.hide_gridlines(2)


def _contents(ws, st: Styles, ts: TableSet, area: CheckArea) -> None:
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 56)
    ws.set_column(2, 2, 12)
    ws.set_row(0, 30)
    ws.merge_range(0, 0, 0, 2, "目  录", st.title)
    ws.write_row(2, 0, ("序号", "表名", "校验"), st.head)
    r = 3
    for table in ts.tables.values():
        name = sheet_name(table)
        ws.write_string(r, 0, name, st.center)
        ws.write_url(r, 1, f"internal:'{name}'!A1", st.link, table.title)
        ws.write_formula(
            r, 2, f'IF(SUMIFS({area.column(8)},{area.column(2)},"{name}")=0,"通过","不通过")',
            st.status, "不通过" if table.key in area.failed_tables else "通过")
        r += 1
    r += 1
    ws.write_string(r, 0, "全部", st.center)
    ws.write_url(r, 1, f"internal:'{CHECK_SHEET}'!A1", st.link, "校验（表内合计与跨表勾稽，随数字修改自动更新）")
    ws.write_formula(r, 2, f'IF(SUM({area.column(8)})=0,"通过","不通过")', st.status,
                     "通过" if not area.failures else "不通过")
    ws.write_formula(r + 1, 2, f"SUM({area.column(8)})", st.center, area.failures)
    ws.write_string(r + 1, 1, "不通过的校验项数", st.text)
    ws.conditional_format(3, 2, r, 2, {"type": "cell", "criteria": "==", "value": '"不通过"',
                                       "format": st.fail})
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)

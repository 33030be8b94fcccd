"""The tables as a plain workbook: one sheet per table, values only.

This is the simple form `xltools build` writes until the formatted disclosure workbook
exists; every figure is a number in 万元 with two decimals, zeros left blank.
"""

from __future__ import annotations

from decimal import Decimal

import xlsxwriter

from ..atomic import atomic_path
from ..money import baiyuan_to_wan
from ..tables.engine import TableSet


def output_name(ts: TableSet) -> str:
    return f"{ts.entity}{ts.year}年{ts.kind}预算公开表.xlsx"


def _num(value: int) -> Decimal:
    return baiyuan_to_wan(value)


def write_plain_workbook(ts: TableSet, target: str) -> None:
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_numbers": False})
        bold = wb.add_format({"bold": True})
        title = wb.add_format({"bold": True, "font_size": 14})
        money = wb.add_format({"num_format": "#,##0.00"})
        for t in ts.tables.values():
            ws = wb.add_worksheet(f"表{t.no}")
            ws.write(0, 0, f"表{t.no}  {t.title}", title)
            ws.write(1, 0, f"编制{ts.kind}：{ts.entity}")
            width = max(len(sec.columns) for sec in t.sections) + 1
            ws.write(1, width, "单位：万元")
            r = 3
            for sec in t.sections:
                ws.write_row(r, 0, ["编码", "项目", *sec.column_labels], bold)
                r += 1
                for row, vals in sec.rows:
                    ws.write(r, 0, row.code or "")
                    ws.write(r, 1, row.label)
                    for c, key in enumerate(sec.columns):
                        if key in vals:
                            ws.write_number(r, 2 + c, float(_num(vals[key])), money)
                    r += 1
                r += 1
            if t.empty_note:
                ws.write(r, 0, t.empty_note)
            ws.set_landscape()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)
            ws.set_column(0, 0, 10)
            ws.set_column(1, 1, 40)
            ws.set_column(2, 14, 14)
        wb.close()

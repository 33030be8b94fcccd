"""BulkRowsSheet: rows appended as XML read back as XlsxWriter's own cells would."""

from __future__ import annotations

import openpyxl
import pytest
import xlsxwriter

from xltools.writers.bulk_rows import BulkRowsSheet, Formula


def test_bulk_rows_read_back_with_values_formulas_formats_and_heights(tmp_path):
    path = tmp_path / "bulk.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("校验", worksheet_class=BulkRowsSheet)
    money = wb.add_format({"num_format": "#,##0.00", "border": 1})
    ws.write(0, 0, "标题")
    ws.set_row(0, 30)
    ws.bulk_row(2, ((0, 1, None), (1, "一 & <二>", money), (2, Formula("SUM(A3:A3)+1", 2.5), money),
                    (3, Formula('IF(A3=1,"通过","不通过")', "通过"), None), (4, None, money)), 40.5)
    ws.bulk_row(3, ((0, 2, None), (1, "一 & <二>", None)))
    with pytest.raises(ValueError):
        ws.bulk_row(3, ((0, 3, None),))
    ws.autofilter(1, 0, 3, 4)
    wb.close()

    book = openpyxl.load_workbook(path)
    sheet = book["校验"]
    assert sheet["A1"].value == "标题" and sheet.row_dimensions[1].height == 30
    assert [c.value for c in sheet[3]] == [1, "一 & <二>", "=SUM(A3:A3)+1", '=IF(A3=1,"通过","不通过")', None]
    assert sheet["B3"].number_format == "#,##0.00" and sheet["E3"].border.left.style == "thin"
    assert sheet.row_dimensions[3].height == 40.5
    assert sheet["B4"].value == "一 & <二>"
    assert sheet.dimensions == "A1:E4" and sheet.auto_filter.ref == "A2:E4"
    cached = openpyxl.load_workbook(path, data_only=True)["校验"]
    assert cached["C3"].value == 2.5 and cached["D3"].value == "通过"


def test_cells_written_one_by_one_below_the_bulk_rows_are_refused(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "bad.xlsx"))
    ws = wb.add_worksheet("校验", worksheet_class=BulkRowsSheet)
    ws.bulk_row(2, ((0, 1, None),))
    ws.write(5, 0, "below")
    with pytest.raises(ValueError, match="below the bulk rows"):
        wb.close()

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


def test_grid_merges_heights_and_later_writes_as_xlsxwriter_has_them(tmp_path):
    from xltools.writers.bulk_rows import Grid

    def write(ws):
        fmt = ws.fmt
        ws.set_row(0, 32)
        ws.merge_range(0, 0, 0, 3, "", fmt)
        ws.write_string(0, 0, "项目支出绩效目标表", fmt)
        ws.merge_range(2, 1, 3, 1, "", fmt)
        ws.write_number(2, 1, 7.5, fmt)
        ws.write_blank(4, 2, None, fmt)
        ws.write_blank(4, 3, None, None)  # no format: no cell, as in XlsxWriter
        ws.set_row(5, 20.1)
        ws.set_column(0, 0, 12)

    books = {}
    for kind in ("stock", "grid"):
        path = tmp_path / f"{kind}.xlsx"
        wb = xlsxwriter.Workbook(str(path))
        fmt = wb.add_format({"border": 1, "bold": True})
        ws = wb.add_worksheet("表", worksheet_class=BulkRowsSheet if kind == "grid" else None)
        target = Grid(ws) if kind == "grid" else ws
        target.fmt = fmt
        write(target)
        if kind == "grid":
            target.flush()
        wb.close()
        books[kind] = openpyxl.load_workbook(path)["表"]
    stock, grid = books["stock"], books["grid"]
    assert sorted(map(str, grid.merged_cells.ranges)) == sorted(map(str, stock.merged_cells.ranges)) \
        == ["A1:D1", "B3:B4"]
    assert grid.dimensions == stock.dimensions
    for r in range(1, 7):
        assert grid.row_dimensions[r].height == stock.row_dimensions[r].height
        for c in range(1, 5):
            a, b = stock.cell(r, c), grid.cell(r, c)
            assert (a.value, a.font.b, a.border.left.style) == (b.value, b.font.b, b.border.left.style)
    assert grid["A1"].value == "项目支出绩效目标表" and grid["B3"].value == 7.5
    assert grid.column_dimensions["A"].width == stock.column_dimensions["A"].width


def test_rows_made_later_follow_the_bulk_rows_with_their_formats_resolved_then(tmp_path):
    path = tmp_path / "later.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("校验", worksheet_class=BulkRowsSheet)
    money = wb.add_format({"num_format": "#,##0.00"})
    ws.bulk_row(0, ((0, 1, None),))
    index = ws.str_table._get_shared_string_index("通过")

    def rows(style_of):
        s = style_of(money)
        for r in (3, 4):
            yield f'<row r="{r}"><c r="A{r}" s="{s}"><v>{r / 2}</v></c><c r="B{r}" t="s"><v>{index}</v></c></row>'

    ws.rows_later(2, 3, 1, rows)
    with pytest.raises(ValueError, match="must come last"):
        ws.rows_later(4, 4, 0, rows)
    with pytest.raises(ValueError, match="must come last"):
        ws.bulk_row(5, ((0, 1, None),))
    wb.close()

    sheet = openpyxl.load_workbook(path)["校验"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=4)] == [[1.5, "通过"], [2, "通过"]]
    assert sheet["A4"].number_format == "#,##0.00" and sheet.dimensions == "A1:B4"


def test_sheets_of_one_layout_are_written_as_xlsxwriter_writes_each(tmp_path):
    import zipfile

    from xltools.writers.bulk_rows import SameLayoutSheet

    def build(path, sheet_class):
        wb = xlsxwriter.Workbook(str(path))
        fmt = wb.add_format({"border": 1})
        layout: dict = {}
        for n in range(4):
            ws = wb.add_worksheet(f"表{n}", worksheet_class=sheet_class)
            ws.layout = layout
            for r in range(n + 1):
                ws.bulk_row(r, ((0, f"第{r}行", fmt), (2 + n, r * 1.5, fmt)), 20.25 if r else None)
            for r in range(n):
                ws.bulk_merge(r, 0, r, 1)
            ws.set_column(0, 0, 12)
            ws.set_paper(9)
            ws.print_area(0, 0, n, 2 + n)
            ws.set_footer("&C第 &P 页")
        wb.worksheets()[2].hide()
        wb.close()
        with zipfile.ZipFile(path) as z:
            return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}

    alike = build(tmp_path / "alike.xlsx", SameLayoutSheet)
    assert alike == build(tmp_path / "each.xlsx", BulkRowsSheet)
    # the sheet without merges, the selected one and the hidden one among them
    assert b"<mergeCells" not in alike["xl/worksheets/sheet1.xml"]
    assert b'tabSelected="1"' in alike["xl/worksheets/sheet1.xml"]
    assert b"<mergeCells" in alike["xl/worksheets/sheet4.xml"]


def test_percent_signs_in_formulas_and_texts_come_through(tmp_path):
    path = tmp_path / "pct.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("率", worksheet_class=BulkRowsSheet)
    pct = wb.add_format({"num_format": "0%"})
    ws.bulk_row(0, ((0, 0.5, pct), (1, Formula("A1*10%", 0.05), pct), (2, Formula('A1&"%"', "0.5%"), None),
                    (3, "100%", None)))
    wb.close()
    sheet = openpyxl.load_workbook(path)["率"]
    assert [c.value for c in sheet[1]] == [0.5, "=A1*10%", '=A1&"%"', "100%"]
    assert sheet["B1"].number_format == "0%"
    cached = openpyxl.load_workbook(path, data_only=True)["率"]
    assert [c.value for c in cached[1]] == [0.5, 0.05, "0.5%", "100%"]

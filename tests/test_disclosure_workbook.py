"""The disclosure workbook as written: sheets, layout, print set-up, figures and the 校验 rows.

What LibreOffice computes from it is in test_disclosure_live.py; here the file itself is
read with openpyxl, both as formulas and as the values cached next to them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xltools.checks.identities import FAMILIES, identities
from xltools.reader import read_master
from xltools.tables import build_tables
from xltools.writers.disclosure_workbook import output_name, write_disclosure_workbook
from xltools.writers.formulas import sum_of
from xltools.writers.tables_json import tables_dict

FIXTURES = Path(__file__).parent / "fixtures"
MASTERS = sorted(FIXTURES.glob("*/master.xlsx"))
MONEY = "#,##0.00;-#,##0.00;;@"


def build(master: Path, tmp_path: Path, **kw):
    ts = build_tables(read_master(str(master)))
    target = tmp_path / output_name(ts)
    write_disclosure_workbook(ts, str(target), today=dt.date(2026, 3, 1), **kw)
    return ts, target


@pytest.fixture(scope="module")
def chj(tmp_path_factory):
    """The 2026 部门 fixture (昌吉市): twelve tables, three of them empty."""
    tmp = tmp_path_factory.mktemp("chj")
    ts, path = build(FIXTURES / "003_1c0f00ae3f1a4bcd" / "master.xlsx", tmp)
    return ts, path, openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)


def figures(table: dict) -> Counter:
    out = Counter()
    for section in ("rows", "income_rows", "expense_rows"):
        for row in table.get(section, []):
            vals = row.get("values") or {"amount": row.get("amount")}
            out.update(Decimal(str(v)) for v in vals.values() if v)
    return out


def sheet_numbers(ws) -> Counter:
    return Counter(Decimal(str(round(c.value, 2))) for row in ws.iter_rows() for c in row
                   if isinstance(c.value, (int, float)) and c.number_format == MONEY)


def test_sheets_in_order_with_names_from_the_master(chj):
    ts, path, wb, _ = chj
    assert path.name == "昌吉市人力资源和社会保障局2026年部门预算公开表.xlsx"
    assert wb.sheetnames == ["封面", "目录", *(f"表{n}" for n in range(1, 13)), "校验"]


@pytest.mark.parametrize("master", MASTERS, ids=lambda p: p.parent.name[:3])
def test_every_figure_of_every_table_is_on_its_sheet_and_nothing_else(master, tmp_path):
    ts, path = build(master, tmp_path)
    doc = tables_dict(ts)
    wb = openpyxl.load_workbook(path)
    for key, table in doc["tables"].items():
        ws = wb[f"表{table['no']}"]
        assert sheet_numbers(ws) == figures(table), f"{key}: figures differ"
        # zeros print blank: no cell holds a written zero
        assert not any(c.value == 0 for row in ws.iter_rows(min_row=4) for c in row
                       if c.number_format == MONEY)


def test_each_table_sheet_has_the_printed_head(chj):
    ts, _, wb, _ = chj
    for table in ts.tables.values():
        ws = wb[f"表{table.no}"]
        assert ws["A1"].value == f"表{table.no}"
        assert ws["A2"].value == table.title
        assert ws["A2"].font.b
        merged = {str(m) for m in ws.merged_cells.ranges}
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert f"A2:{last}2" in merged, table.key
        assert ws["A3"].value == "编制部门：昌吉市人力资源和社会保障局"
        assert ws[f"{last}3"].value == "单位：万元"


def test_tree_tables_split_codes_into_class_kuan_xiang_as_text(chj):
    _, _, wb, _ = chj
    ws = wb["表3"]  # 科目 | 支出预算 / 科目代码 科目名称 合计 基本支出 项目支出 / 类 款 项
    assert [ws.cell(4, c).value for c in (1, 5)] == ["科目", "支出预算"]
    assert [ws.cell(5, c).value for c in range(1, 9)] == ["科目代码", None, None, "科目名称", "合计",
                                                         "基本支出", "项目支出", None]
    assert [ws.cell(6, c).value for c in range(1, 4)] == ["类", "款", "项"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A4:D4", "E4:G4", "A5:C5", "D5:D6", "E5:E6"} <= merged
    rows = {tuple(ws.cell(r, c).value for c in range(1, 4)): r for r in range(7, ws.max_row + 1)}
    r = rows[("208", "01", "01")]
    assert ws.cell(r, 4).value == "行政运行"
    assert ws.cell(r, 5).value == pytest.approx(522.96)
    assert ws.cell(r, 1).number_format == "@"
    assert ws.cell(r, 5).number_format == MONEY
    assert ws.cell(r, 5).border.left.style == "thin"
    total = rows[(None, None, None)]
    assert ws.cell(total, 4).value == "总计" and ws.cell(total, 5).value == pytest.approx(5487.17)


def test_project_table_prints_the_xiang_name_and_the_project(chj):
    _, _, wb, _ = chj
    ws = wb["表7"]
    found = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 5).value == "劳动监察办案经费"]
    assert len(found) == 1
    r = found[0]
    assert [ws.cell(r, c).value for c in range(1, 5)] == ["208", "01", "05", "劳动保障监察"]
    assert ws.cell(r, 6).value == pytest.approx(2.00)


def test_two_sided_tables_put_the_grand_totals_on_one_row(chj):
    _, _, wb, _ = chj
    ws = wb["表1"]
    assert [ws.cell(4, c).value for c in (1, 3)] == ["收入", "支出"]
    assert [ws.cell(5, c).value for c in range(1, 5)] == ["项目", "预算数", "科目名称", "预算数"]
    last = ws.max_row
    assert [ws.cell(last, c).value for c in (1, 3)] == ["收入总计", "支出总计"]
    assert ws.cell(last, 2).value == ws.cell(last, 4).value == pytest.approx(5487.17)
    assert ws["C6"].value == "201 一般公共服务支出"


def test_empty_table_keeps_its_header_and_says_it_is_empty(chj):
    _, _, wb, _ = chj
    ws = wb["表8"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "政府性基金预算支出" in texts and "总计" in texts
    assert ("昌吉市人力资源和社会保障局2026年没有使用政府性基金预算拨款安排的支出，"
            "政府性基金预算支出情况表为空表。") in texts


def test_print_setup_a4_fit_to_width_repeated_headers_and_page_numbers(chj):
    _, _, wb, _ = chj
    for n in range(1, 13):
        ws = wb[f"表{n}"]
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default and may be left out
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows and ws.print_title_rows.startswith("$3:")
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert wb["表2"].page_setup.orientation == "landscape"  # 14 columns
    assert wb["表6"].page_setup.orientation == "portrait"  # 类 款 科目名称 and three figures


def test_2024_tables_print_the_column_number_row(tmp_path):
    _, path = build(FIXTURES / "000_40205af73c47f1b3" / "master.xlsx", tmp_path)
    ws = openpyxl.load_workbook(path)["表3"]
    assert [ws.cell(7, c).value for c in range(1, 8)] == ["※", "※", "※", "※", 1, 2, 3]
    assert openpyxl.load_workbook(path)["表1"].cell(6, 1).value != "※"  # not on the two-sided tables


def test_contents_link_every_table_and_show_its_check_status(chj):
    ts, _, wb, values = chj
    ws, cached = wb["目录"], values["目录"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for table in ts.tables.values():
        r = rows[f"表{table.no}"]
        assert ws.cell(r, 2).value == table.title
        assert ws.cell(r, 2).hyperlink.location == f"'表{table.no}'!A1"
        assert ws.cell(r, 3).value.startswith("=IF(SUMIFS(")
        assert cached.cell(r, 3).value == "通过"
    r = rows["全部"]
    assert cached.cell(r, 3).value == "通过" and cached.cell(r + 1, 3).value == 0


def test_check_sheet_has_one_row_per_identity_with_formulas_and_cached_values(chj):
    ts, _, wb, values = chj
    doc = tables_dict(ts)
    idents = identities(doc)
    ws, cached = wb["校验"], values["校验"]
    assert [c.value for c in ws[3]][:8] == ["序号", "类别", "表", "校验内容", "公开数", "各项之和",
                                            "差额", "状态"]
    assert ws.max_row - 3 == len(idents)
    assert {ident.family for ident in idents} == set(FAMILIES.values())
    allowed = {"SUM", "SUMIFS", "ROUND", "IF", "ABS"}
    for r, ident in enumerate(idents, start=4):
        assert ws.cell(r, 4).value == ident.what
        for c in (5, 6, 7, 8, 9):
            formula = ws.cell(r, c).value
            if isinstance(formula, str):
                called = set(__import__("re").findall(r"([A-Z]+)\(", formula))
                assert called <= allowed, formula
        assert ws.cell(r, 8).value.startswith("=IF(")
        assert cached.cell(r, 8).value == "通过"
        assert cached.cell(r, 7).value == 0
    assert ws.column_dimensions["I"].hidden


def test_sum_formulas_fold_runs_into_ranges_and_split_long_lists():
    assert sum_of([]) == "0"
    assert sum_of([("表2", 4, 4)]) == "'表2'!$E$5"
    assert sum_of([("表2", 4, 4), ("表2", 5, 4), ("表2", 6, 4), ("表2", 9, 4)]) == \
        "SUM('表2'!$E$5:$E$7,'表2'!$E$10)"
    many = sum_of([("表7", 2 * r, 5) for r in range(450)])
    assert many.count("SUM(") == 4 and len(many) < 8192  # 3 nested sums of ≤ 200 cells
    # one cell per column, in the order given (a row's parts), and the same fold otherwise
    assert sum_of([("表2", 4, 5), ("表2", 4, 4), ("表3", 4, 4)]) == "SUM('表2'!$F$5,'表2'!$E$5,'表3'!$E$5)"
    assert sum_of([("表2", 4, 5), ("表2", 4, 4), ("表2", 5, 5)]) == "SUM('表2'!$F$5:$F$6,'表2'!$E$5)"
    cells = sum_of([("表7", 0, c) for c in range(450)])
    assert cells.count("SUM(") == 4 and cells.count("!") == 450


def test_tables_only_workbook_is_what_the_pdf_prints(tmp_path):
    ts, path = build(FIXTURES / "003_1c0f00ae3f1a4bcd" / "master.xlsx", tmp_path, tables_only=True)
    assert openpyxl.load_workbook(path).sheetnames == [f"表{n}" for n in range(1, 13)]


def test_published_expected_json_gives_the_same_identities_as_the_built_tables():
    # The identity list is read from the tables document, so a reviewer's workbook read back
    # into that form is checked by exactly the rows this workbook's 校验 sheet shows.
    doc = json.loads((FIXTURES / "003_1c0f00ae3f1a4bcd" / "expected.json").read_text("utf-8"))
    assert {i.family for i in identities(doc)} == set(FAMILIES.values())


def test_formulas_need_no_future_function_prefixes(chj):
    """校验 and 目录 are written by ClassicFormulaSheet, which skips XlsxWriter's _xlfn. pass:
    safe only while the stock pass would leave every formula as it is."""
    from xlsxwriter.worksheet import Worksheet

    _, _, wb, _ = chj
    stock = Worksheet()
    formulas = [c.value for name in ("校验", "目录") for row in wb[name].iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) > 100
    for formula in formulas:
        assert stock._prepare_formula(formula) == formula[1:], formula

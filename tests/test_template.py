"""xltools template: the blank master, its live checks (校验结果 column, 控制数) and 填表说明.

The formulas are proven by LibreOffice recalculating a filled template for real; the rest
(sheets, formats, validations, cached values, the reader's view) needs no spreadsheet engine.
"""

from __future__ import annotations

import openpyxl
import pytest
from xlsxwriter.worksheet import Worksheet

from support.libreoffice import recalculate
from xltools import dictionaries
from xltools.findings import Severity
from xltools.reader import read_master
from xltools.reader.headers import CHECK_COLUMNS, LINE_COLUMNS
from xltools.tables.engine import build_tables
from xltools.writers import template_control
from xltools.writers.template import LINE_ROWS, write_template
from xltools.writers.template_checks import MESSAGES, flag_formula

SHEETS = ["填表说明", "基本信息", "收支明细", "控制数", "上年预算", "项目信息", "绩效指标", "其他事项",
          "科目字典", "科目表", "选项"]
HIDDEN = {"科目表", "选项"}
# 收支明细 columns as the template lays them out: the line columns, then the checks.
COL = {name: chr(ord("A") + i) for i, name in enumerate(list(LINE_COLUMNS) + list(CHECK_COLUMNS))}
FLAG = COL[CHECK_COLUMNS[0]]
LAST = LINE_ROWS + 1  # the last prepared worksheet row


@pytest.fixture(scope="module")
def template_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "预算底稿模板.xlsx"
    write_template(str(path))
    return path


@pytest.fixture(scope="module")
def book(template_path):
    return openpyxl.load_workbook(template_path)


def _control_rows(ws) -> dict[str, int]:
    """控制数 item label → worksheet row."""
    first = template_control.FIRST_ROW + 1
    return {ws.cell(r, 1).value: r for r in range(first, first + len(template_control.ROWS))}


def _column(ws, letter: str):
    """The <col> entry covering ``letter`` (XlsxWriter merges alike neighbours into one)."""
    index = openpyxl.utils.column_index_from_string(letter)
    return next(d for d in ws.column_dimensions.values() if d.min <= index <= d.max)


def test_sheets_order_and_visibility(book):
    assert book.sheetnames == SHEETS
    assert book.active.title == "填表说明"
    for name in SHEETS:
        assert (book[name].sheet_state == "hidden") == (name in HIDDEN), name


def test_dictionary_sheet_holds_the_years_codes_as_text(book):
    ws = book["科目表"]
    for first, names, length in (("A", dictionaries.func_names(2026), 7),
                                 ("E", dictionaries.econ_names(2026), 5)):
        codes = sorted(c for c in names if len(c) == length)
        assert codes, "built-in lists are empty"
        col = ws[first][1:]
        got = [c.value for c in col if c.value is not None]
        assert got == codes and all(isinstance(v, str) for v in got)
        item_col = chr(ord(first) + 2)
        assert ws[f"{item_col}2"].value == f"{codes[0]} {names[codes[0]]}"


def test_code_columns_are_text_with_drop_downs_and_input_help(book):
    ws = book["收支明细"]
    assert [c.value for c in ws[1]] == list(COL)
    for name in ("单位名称", "功能分类科目", "经济分类科目", "项目名称", "资金来源"):
        assert _column(ws, COL[name]).number_format == "@", name
    by_range = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    func = by_range[f"B2:B{LAST}"]
    assert func.type == "list" and func.formula1.startswith("'科目表'!$C$2:$C$")
    assert not func.showErrorMessage  # typed codes such as 208 01 01 stay allowed
    assert "2080101" in func.prompt
    assert by_range[f"C2:C{LAST}"].formula1.startswith("'科目表'!$G$2:$G$")
    assert by_range[f"D2:D{LAST}"].formula1 == "选项!$A$1:$A$3"
    assert by_range[f"F2:F{LAST}"].formula1 == "选项!$B$1:$B$17"
    assert by_range[f"G2:G{LAST}"].type == "decimal"
    assert _column(ws, COL["功能编码（校验用）"]).hidden and _column(ws, COL["经济编码（校验用）"]).hidden


def test_check_formulas_are_prefilled_with_blank_cached_values(template_path, book):
    values = openpyxl.load_workbook(template_path, data_only=True)
    lines, cached = book["收支明细"], values["收支明细"]
    for row in (2, LAST):
        assert lines[f"{FLAG}{row}"].value.startswith("=IF(")
        assert cached[f"{FLAG}{row}"].value in (None, "")
    assert lines[f"{FLAG}{LAST + 1}"].value is None
    rules = [r for cf in lines.conditional_formatting for r in cf.rules]
    assert any(f'${FLAG}2<>""' in r.formula[0] for r in rules)
    assert any(str(cf.sqref) == f"A2:{FLAG}{LAST}" for cf in lines.conditional_formatting)

    control, control_cached = book["控制数"], values["控制数"]
    for label, r in _control_rows(control).items():
        assert control_cached[f"C{r}"].value == 0, label
        assert control_cached[f"E{r}"].value == template_control.STATUS_EMPTY, label
        assert control[f"C{r}"].value.startswith(("=SUMIFS(", "=SUM("))
    assert "金额单位" in control_cached["A2"].value


def test_check_formulas_need_no_future_function_prefixes():
    """ClassicFormulaSheet skips XlsxWriter's _xlfn. pass; that is only safe while the stock
    pass would leave every formula on the sheet unchanged."""
    col = {name: i for i, name in enumerate(COL)}
    stock = Worksheet()
    for formula in (flag_formula(col, 2), flag_formula(col, LAST)):
        assert stock._prepare_formula(formula) == formula[1:]


def test_guide_explains_sheets_columns_and_messages(book):
    ws = book["填表说明"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    for word in SHEETS + list(LINE_COLUMNS) + ["校验结果", "元", "万元", "208 01 01", "项目名称",
                                             "通过", "不通过", "待填", "批复数"]:
        assert word in text, word
    for message, _advice in MESSAGES.values():
        assert message in text
    assert _column(ws, "B").width >= 80
    assert all(c.alignment.wrap_text for c in ws["B"][3:] if c.value)


def test_blank_template_reads_with_only_the_missing_info_errors(template_path):
    """The template's own sheets and check columns are known to the reader; what a blank
    template lacks is exactly the four required 基本信息 values and its budget lines."""
    master = read_master(str(template_path))
    assert master.info is None and master.lines == ()
    assert [(f.rule, f.severity, f.cell) for f in master.findings] == [
        ("info-key-missing", Severity.ERROR, f"B{r}") for r in (2, 3, 4, 5)] + [
        ("lines-empty", Severity.ERROR, None)]


def _fill(book, lines, approved) -> None:
    info = book["基本信息"]
    values = {"预算年度": 2026, "单位名称": "测试局", "公开口径": "单位", "金额单位": "元"}
    for row in info.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    ws = book["收支明细"]
    for r, line in enumerate(lines, start=2):
        for name, value in line.items():
            ws[f"{COL[name]}{r}"] = value
    control = book["控制数"]
    rows = _control_rows(control)
    for label, amount in approved.items():
        control[f"B{rows[label]}"] = amount


def test_filled_template_flags_bad_lines_and_checks_control_numbers(soffice, template_path, tmp_path):
    func = dictionaries.func_names(2026)
    good = {"功能分类科目": "2080101", "经济分类科目": "30101", "支出类型": "人员经费",
            "资金来源": "一般公共预算", "金额": 1000}
    lines = [
        good,
        # a drop-down item and the spaced form are codes too
        {**good, "功能分类科目": f"2080101 {func['2080101']}", "经济分类科目": "302 01",
         "支出类型": "公用经费", "金额": 200.5},
        {**good, "功能分类科目": "2089998"},  # not in 科目表
        {**good, "功能分类科目": "2089997 某新增科目"},  # not in 科目表, but named: accepted
        {**good, "功能分类科目": "2080799", "经济分类科目": "30299", "支出类型": "项目支出",
         "金额": 500},  # 项目支出 without 项目名称
        {**good, "经济分类科目": "30201", "金额": 300},  # 人员经费 on a 302 code
        {**good, "功能分类科目": "208 07 99", "经济分类科目": "30299", "支出类型": "项目支出",
         "项目名称": "就业补助项目", "资金来源": "财政专户", "金额": 700},
    ]
    gpb = 1000 + 200.5 + 1000 + 1000 + 500 + 300
    approved = {"一般公共预算（含上级转移支付）": gpb, "财政专户": 700,
                "基本支出": 1000 + 200.5 + 1000 + 1000 + 300 + 1,  # one yuan off
                "项目支出": "1200"}  # a typed text is not a figure
    book = openpyxl.load_workbook(template_path)
    _fill(book, lines, approved)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    _, values = recalculate(filled, tmp_path)
    flags = [values["收支明细"][f"{FLAG}{r}"].value or "" for r in range(2, len(lines) + 4)]
    assert flags == ["", "", MESSAGES["func-unknown"][0], "", MESSAGES["project-missing"][0],
                     MESSAGES["mismatch-人员经费"][0], "", "", ""]

    control = values["控制数"]
    status = {label: control[f"E{r}"].value for label, r in _control_rows(control).items()}
    expected = {label: "待填" for label in status}
    expected.update({"一般公共预算（含上级转移支付）": "通过", "财政专户": "通过",
                     "基本支出": "不通过", "项目支出": "不通过"})
    assert status == expected
    rows = _control_rows(control)
    assert control[f"C{rows['收支总计']}"].value == pytest.approx(gpb + 700)
    assert control[f"D{rows['基本支出']}"].value == pytest.approx(-1)
    assert "当前：元" in control["A2"].value

    # The check columns, holding text now, do not disturb the reader: it reports exactly
    # the lines the flags marked, in its own words.
    recalculated = tmp_path / "recalculated.xlsx"
    master = read_master(str(recalculated))
    assert sorted((f.rule, f.cell) for f in master.findings) == [
        ("func-code-unknown", "B4"), ("func-code-unlisted", "B5"), ("project-name-missing", "E6"),
        ("type-econ-mismatch", "C7")]

    # With the bad lines removed the master reads clean and builds its tables.
    fixed = openpyxl.load_workbook(recalculated)
    for r in (4, 6, 7):
        for name in LINE_COLUMNS:
            fixed["收支明细"][f"{COL[name]}{r}"] = None
    fixed.save(recalculated)
    master = read_master(str(recalculated))
    assert [(f.rule, f.cell) for f in master.findings] == [("func-code-unlisted", "B5")]
    assert sorted(ln.amount for ln in master.lines) == [20050, 70000, 100000, 100000]
    tables = build_tables(master)
    assert tables.tables


def test_year_picks_the_code_lists(tmp_path):
    path = tmp_path / "2023.xlsx"
    write_template(str(path), year=2023)
    book = openpyxl.load_workbook(path)
    codes = sorted(c for c in dictionaries.func_names(2023) if len(c) == 7)
    assert [c.value for c in book["科目表"]["A"][1:] if c.value] == codes
    assert "2023 年" in book["填表说明"]["A1"].value

"""Names from the master (issue 12): codes written with their names, name columns, split
类|款|项 columns, which name wins, unknown codes and parents, an empty 收支明细.

Masters are written the way accountants write them (conftest.write_master); baseline
columns A 单位名称, B 功能分类科目, C 经济分类科目 …; baseline line i is row i + 2.
"""

from __future__ import annotations

import pytest

from conftest import HEADERS, OMIT
from xltools import dictionaries
from xltools.findings import Severity
from xltools.reader import read_master
from xltools.tables import build_tables

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def read(path):
    return read_master(str(path))


def only(master, rule):
    found = [f for f in master.findings if f.rule == rule]
    assert len(found) == 1, [str(f) for f in master.findings]
    return found[0]


def errors(master):
    return [str(f) for f in master.findings if f.severity is ERROR]


def printed(master) -> dict[str, str]:
    """code → the label the built tables print for it."""
    out = {}
    for t in build_tables(master).tables.values():
        for sec in t.sections:
            for row, _ in sec.rows:
                if row.code and row.kind == "class":
                    out[row.code] = row.label
    return out


def with_cell(base_lines, column, value, index=2):
    lines = [dict(line) for line in base_lines]
    lines[index][column] = value
    return lines


# 20807 就业补助 is in every year's list, its 项 2080798 is in none; 20897 is no 款 at all.
UNLISTED = "2080798"


@pytest.fixture(autouse=True)
def _preconditions(builtin_dictionaries):
    func = dictionaries.func_names(2026)
    assert UNLISTED not in func and "20807" in func
    assert "20897" not in func and "299" not in func
    assert "30298" not in dictionaries.econ_names(2026)


# -- a code written with its name ------------------------------------------------------------

@pytest.mark.parametrize("cell", [f"{UNLISTED} 测试就业补助", f"[{UNLISTED}]测试就业补助",
                                  f"【{UNLISTED}】测试就业补助", f"［{UNLISTED}］测试就业补助",
                                  f"{UNLISTED}-测试就业补助", "208-07-98 测试就业补助",
                                  f"（{UNLISTED}）测试就业补助"])
def test_unlisted_func_code_with_its_name_is_a_warning_and_prints_the_masters_name(
        make_master, base_lines, cell):
    m = read(make_master(lines=with_cell(base_lines, "功能分类科目", cell)))
    f = only(m, "func-code-unlisted")
    assert (f.severity, f.place, f.actual) == (WARNING, "收支明细!B4", UNLISTED)
    assert "2026" in f.message and "测试就业补助" in f.message
    assert not errors(m)
    assert m.lines[2].func == UNLISTED
    assert printed(m)[UNLISTED] == "测试就业补助"
    assert m.name_sources[UNLISTED] == "底稿"


def test_unlisted_econ_code_with_its_name(make_master, base_lines):
    lines = with_cell(base_lines, "经济分类科目", "[30298]测试商品服务", index=1)
    m = read(make_master(lines=lines))
    f = only(m, "econ-code-unlisted")
    assert (f.severity, f.place) == (WARNING, "收支明细!C3")
    assert not errors(m)
    assert printed(m)["30298"] == "测试商品服务"


def test_a_name_on_one_line_names_the_code_on_every_line(make_master, base_lines):
    lines = [dict(base_lines[2], 功能分类科目=UNLISTED), dict(base_lines[2], 功能分类科目=UNLISTED),
             dict(base_lines[2], 功能分类科目=f"{UNLISTED} 测试就业补助", 金额=7)]
    m = read(make_master(lines=lines))
    assert not errors(m)
    f = only(m, "func-code-unlisted")  # one warning per code, at its first line
    assert f.place == "收支明细!B2"
    assert [l.func for l in m.lines] == [UNLISTED] * 3


@pytest.mark.parametrize("header", ["功能分类科目名称", "功能科目名称", "支出功能分类科目名称", "科目名称"])
def test_func_name_column(make_master, base_lines, header):
    headers = HEADERS[:2] + (header,) + HEADERS[2:]
    lines = with_cell(base_lines, "功能分类科目", UNLISTED)
    lines[2][header] = "测试就业补助"
    m = read(make_master(lines=lines, headers=headers))
    assert not [f for f in m.findings if f.rule == "column-extra"]
    f = only(m, "func-code-unlisted")
    assert f.place == "收支明细!B4" and not errors(m)
    assert printed(m)[UNLISTED] == "测试就业补助"


@pytest.mark.parametrize("header", ["经济分类科目名称", "经济科目名称", "部门经济分类科目名称", "科目名称"])
def test_econ_name_column(make_master, base_lines, header):
    headers = HEADERS[:3] + (header,) + HEADERS[3:]  # just right of 经济分类科目 (C)
    lines = with_cell(base_lines, "经济分类科目", "30298", index=1)
    lines[1][header] = "测试商品服务"
    m = read(make_master(lines=lines, headers=headers))
    f = only(m, "econ-code-unlisted")
    assert f.place == "收支明细!C3" and not errors(m)
    assert printed(m)["30298"] == "测试商品服务"


def test_name_columns_beside_both_codes_as_budget_systems_export_them(make_master, base_lines):
    headers = ("单位名称", "功能分类科目", "科目名称", "经济分类科目", "科目名称", "支出类型", "项目名称",
               "资金来源", "金额")
    rows = [["", "2080101", "行政运行", "30101", "基本工资", "人员经费", "", "一般公共预算", 1000],
            ["", UNLISTED, "测试就业补助", "30298", "测试商品服务", "项目支出", "就业", "一般公共预算", 5]]
    book = make_master(lines=OMIT, extra_sheets={"收支明细": [list(headers), *rows]})
    m = read(book)
    assert not errors(m)
    assert sorted(f.rule for f in m.findings) == ["econ-code-unlisted", "func-code-unlisted"]
    assert m.func_names[UNLISTED] == "测试就业补助" and m.econ_names["30298"] == "测试商品服务"


def test_bare_codes_still_read_clean(make_master):
    m = read(make_master())
    assert not m.findings


# -- which name wins -----------------------------------------------------------------------

def test_list_and_master_disagree_warning_and_the_list_name_is_printed(make_master, base_lines):
    lines = with_cell(base_lines, "功能分类科目", "2080799 就业补助其他", index=2)
    m = read(make_master(lines=lines))
    f = only(m, "func-name-differs")
    assert (f.severity, f.place, f.actual) == (WARNING, "收支明细!B4", "就业补助其他")
    listed = dictionaries.func_names(2026)["2080799"]
    assert listed in f.message
    assert not errors(m)
    assert printed(m)["2080799"] == listed


def test_the_same_name_spelled_with_spaces_is_no_disagreement(make_master, base_lines):
    lines = with_cell(base_lines, "功能分类科目", "2080101 行 政 运 行", index=0)
    assert not read(make_master(lines=lines)).findings


def test_dictionary_overrides_list_and_master_without_warning(make_master, base_lines):
    lines = with_cell(base_lines, "功能分类科目", "2080799 底稿的名称", index=2)
    dictionary = [["类型", "科目编码", "科目名称"], ["功能", "2080799", "字典的名称"]]
    m = read(make_master(lines=lines, extra_sheets={"科目字典": dictionary}))
    assert not m.findings
    assert printed(m)["2080799"] == "字典的名称"
    assert m.name_sources["2080799"] == "科目字典"


# -- unknown codes and parents ------------------------------------------------------------

def test_unknown_code_without_a_name_anywhere_is_an_error_at_its_cell(make_master, base_lines):
    m = read(make_master(lines=with_cell(base_lines, "功能分类科目", UNLISTED)))
    f = only(m, "func-code-unknown")
    assert (f.severity, f.place, f.actual) == (ERROR, "收支明细!B4", UNLISTED)
    for hint in ("没有写它的名称", f"{UNLISTED} 科目名称", "功能分类科目名称", "科目字典", "codes import"):
        assert hint in f.message


def test_unknown_parent_the_error_names_the_parent(make_master, base_lines):
    m = read(make_master(lines=with_cell(base_lines, "功能分类科目", "2089701 测试科目")))
    f = only(m, "func-parent-unknown")
    assert (f.severity, f.place, f.actual) == (ERROR, "收支明细!B4", "20897")
    assert "款 20897 没有名称：在科目字典中补上 20897 的名称" in f.message
    assert "项级" in f.message  # a line names only its own 项, never a parent
    assert len(m.lines) == 2


def test_parent_named_in_the_dictionary(make_master, base_lines):
    dictionary = [["类型", "科目编码", "科目名称"], ["功能", "20897", "测试款"]]
    m = read(make_master(lines=with_cell(base_lines, "功能分类科目", "2089701 测试科目"),
                         extra_sheets={"科目字典": dictionary}))
    assert not errors(m)
    assert printed(m)["20897"] == "测试款" and printed(m)["2089701"] == "测试科目"


# -- split 类|款|项 columns ------------------------------------------------------------------

SPLIT_FORMS = {
    "bare": (("类", "款", "项"), ("类", "款")),
    "prefixed": (("功能分类类", "功能分类款", "功能分类项"), ("经济分类类", "经济分类款")),
}


@pytest.mark.parametrize("form", SPLIT_FORMS)
@pytest.mark.parametrize("parts, expected", [
    (("208", "01", "01"), "2080101"), ((208, 1, 1), "2080101"), (("208", "20801", "2080101"), "2080101"),
])
def test_split_code_columns(make_master, form, parts, expected):
    func, econ = SPLIT_FORMS[form]
    headers = ("单位名称", *func, *econ, "支出类型", "项目名称", "资金来源", "金额")
    rows = [["", *parts, "301", "01", "人员经费", "", "一般公共预算", 1000],
            ["", "208", "07", "99", 302, 99, "项目支出", "就业补助", "一般公共预算", 500]]
    m = read(make_master(lines=OMIT, extra_sheets={"收支明细": [list(headers), *rows]}))
    assert not m.findings, [str(f) for f in m.findings]
    assert [(l.func, l.econ) for l in m.lines] == [(expected, "30101"), ("2080799", "30299")]


def test_split_columns_report_at_the_class_cell(make_master):
    headers = ("类", "款", "项", "经济分类科目", "支出类型", "资金来源", "金额")
    rows = [["208", "07", "98", "30101", "人员经费", "一般公共预算", 1],
            ["208", "07", None, "30101", "人员经费", "一般公共预算", 1]]
    m = read(make_master(lines=OMIT, extra_sheets={"收支明细": [list(headers), *rows]}))
    assert only(m, "func-code-unknown").place == "收支明细!A2"
    assert only(m, "func-code-level").place == "收支明细!A3"


def test_split_and_joined_func_columns_together_is_a_duplicate(make_master):
    headers = ("类", "款", "项", "功能分类科目", "经济分类科目", "支出类型", "资金来源", "金额")
    m = read(make_master(lines=OMIT, extra_sheets={"收支明细": [list(headers)]}))
    assert only(m, "column-duplicate").severity is ERROR


# -- an empty 收支明细 --------------------------------------------------------------------

def test_lines_sheet_with_headers_and_no_lines_is_an_error(make_master):
    m = read(make_master(lines=[]))
    f = only(m, "lines-empty")
    assert (f.severity, f.sheet, f.cell) == (ERROR, "收支明细", None)
    assert "收支明细没有任何预算行" in f.message
    assert m.lines == ()

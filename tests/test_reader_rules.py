"""The master-workbook reader: one test per rule of master-workbook.md.

Every test starts from the valid baseline of conftest.write_master, changes one thing, and
checks the rule id, the severity and the exact sheet!cell of the finding, plus that the
message quotes the offending text or gives a Chinese hint.  Default columns: A 单位名称,
B 功能分类科目, C 经济分类科目, D 支出类型, E 项目名称, F 资金来源, G 金额, H 备注; baseline
line i is worksheet row i + 2 (rows 2, 3, 4).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from conftest import BASE_INFO, HEADERS, OMIT, write_master
from xltools import dictionaries
from xltools.findings import Severity
from xltools.reader import ReadError, read_master

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


# -- helpers ------------------------------------------------------------------------------

def read(path):
    return read_master(str(path))


def expect(master, rule, severity, place, *texts, others_ok=False):
    """Exactly one finding of ``rule`` at ``place``; and, unless others_ok, no other error."""
    found = [f for f in master.findings if f.rule == rule]
    assert len(found) == 1, f"expected one {rule}, got {[str(f) for f in master.findings]}"
    f = found[0]
    assert f.severity is severity, str(f)
    assert f.place == place, str(f)
    for text in texts:
        assert text in f.message, f"{text!r} not in {f.message!r}"
    assert str(f).startswith(f"[{severity.label}] {place}"), str(f)
    if not others_ok:
        other = [str(g) for g in master.findings if g.rule != rule and g.severity is ERROR]
        assert not other, other
    return f


def assert_clean(master):
    assert not master.findings, [str(f) for f in master.findings]


def with_line(base_lines, index=0, **changes):
    lines = [dict(line) for line in base_lines]
    lines[index].update(changes)
    return lines


def set_cell(base_lines, column, value, index=0):
    lines = [dict(line) for line in base_lines]
    lines[index][column] = value
    return lines


def rename(headers, old, new):
    return tuple(new if h == old else h for h in headers)


# -- the baseline itself ------------------------------------------------------------------

def test_baseline_is_clean(make_master):
    m = read(make_master())
    assert_clean(m)
    assert m.info.year == 2026 and m.info.entity == "测试局"
    assert m.info.kind == "部门" and m.info.unit == "元"
    assert [(l.row, l.unit, l.func, l.econ, l.type, l.project, l.source, l.amount)
            for l in m.lines] == [
        (2, "测试局", "2080101", "30101", "人员经费", None, "一般公共预算", 100000),
        (3, "测试局", "2080101", "30201", "公用经费", None, "一般公共预算", 20050),
        (4, "测试局", "2080799", "30299", "项目支出", "就业补助项目", "一般公共预算", 500000),
    ]


# -- sheets and columns -------------------------------------------------------------------

@pytest.mark.parametrize("sheet", ["基本信息", "收支明细"])
def test_sheet_missing(make_master, sheet):
    m = read(make_master(info=OMIT) if sheet == "基本信息" else make_master(lines=OMIT))
    f = expect(m, "sheet-missing", ERROR, sheet, sheet)
    assert f.cell is None
    assert m.lines == ()
    if sheet == "基本信息":
        assert m.info is None


@pytest.mark.parametrize("column", ["功能分类科目", "经济分类科目", "支出类型", "资金来源", "金额"])
def test_column_missing(make_master, base_lines, column):
    headers = tuple(h for h in HEADERS if h != column)
    lines = [{k: v for k, v in line.items() if k != column} for line in base_lines]
    m = read(make_master(lines=lines, headers=headers))
    expect(m, "column-missing", ERROR, "收支明细!1:1", column)
    assert m.lines == ()


def test_column_duplicate(make_master):
    m = read(make_master(headers=HEADERS + ("金额",)))  # G1 and I1
    expect(m, "column-duplicate", ERROR, "收支明细!I1", "金额", "G1", "I1")
    assert m.lines == ()


def test_column_duplicate_through_an_alias(make_master):
    m = read(make_master(headers=HEADERS + ("预算数",)))
    expect(m, "column-duplicate", ERROR, "收支明细!I1", "金额")


def test_column_extra_is_info(make_master):
    m = read(make_master(headers=HEADERS + ("科室",)))
    expect(m, "column-extra", INFO, "收支明细!I1", "科室")
    assert len(m.lines) == 3


def test_sheet_extra_is_info(make_master):
    m = read(make_master(extra_sheets={"Sheet1": [["随便写点什么"]]}))
    f = expect(m, "sheet-extra", INFO, "Sheet1", "Sheet1")
    assert f.cell is None
    assert len(m.lines) == 3


def test_optional_sheets_are_not_extra(make_master):
    optional = {"上年预算": [["口径", "科目", "上年预算数", "变动原因"]],
                "项目信息": [["项目名称"]], "绩效指标": [["项目名称"]],
                "其他事项": [["项目", "内容"]], "科目字典": [["类型", "科目编码", "科目名称"]]}
    assert_clean(read(make_master(extra_sheets=optional)))


def test_header_aliases_and_any_column_order(make_master, base_lines):
    alias = {"单位名称": "预算单位", "功能分类科目": "功能科目", "经济分类科目": "部门经济分类",
             "支出类型": "支出类别", "项目名称": "项目", "资金来源": "资金性质", "金额": "预算数"}
    headers = ("预算数", "备注", "资金性质", "项目", "支出类别", "部门经济分类", "功能科目", "预算单位")
    lines = [{alias.get(k, k): v for k, v in line.items()} for line in base_lines]
    lines[0]["预算单位"] = "下属单位"
    expected = read(make_master()).lines
    m = read(make_master(lines=lines, headers=headers, sheet_order=["收支明细", "基本信息"]))
    assert_clean(m)
    assert m.lines[0].unit == "下属单位"
    assert m.lines[1:] == expected[1:]
    assert m.lines[0].amount == expected[0].amount and m.lines[0].func == expected[0].func


@pytest.mark.parametrize("header", ["金额（元）", "金额(元)", " 金 额 ", "功能分类科目编码",
                                    "支出功能分类科目", "部门经济分类科目", "经济科目", "来源", "单位"])
def test_more_header_aliases(make_master, base_lines, header):
    canonical = {"金额（元）": "金额", "金额(元)": "金额", " 金 额 ": "金额",
                 "功能分类科目编码": "功能分类科目", "支出功能分类科目": "功能分类科目",
                 "部门经济分类科目": "经济分类科目", "经济科目": "经济分类科目", "来源": "资金来源",
                 "单位": "单位名称"}[header]
    lines = [{(header if k == canonical else k): v for k, v in line.items()} for line in base_lines]
    m = read(make_master(lines=lines, headers=rename(HEADERS, canonical, header)))
    assert_clean(m)
    assert len(m.lines) == 3


# -- 功能分类科目 --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["abc", "行政运行", "208010", "20801011", "-"])
def test_func_code_bad(make_master, base_lines, value):
    m = read(make_master(lines=set_cell(base_lines, "功能分类科目", value)))
    expect(m, "func-code-bad", ERROR, "收支明细!B2", value)
    assert [l.row for l in m.lines] == [3, 4]


@pytest.mark.parametrize("value, hint", [("20801", "2080101"), ("208", "2080101")])
def test_func_code_level(make_master, base_lines, value, hint):
    m = read(make_master(lines=set_cell(base_lines, "功能分类科目", value)))
    expect(m, "func-code-level", ERROR, "收支明细!B2", value, "项级", hint)


@pytest.mark.parametrize("value", ["2999901", "2350101"])
def test_func_code_unknown(make_master, base_lines, value):
    assert value not in dictionaries.func_names(2026)
    m = read(make_master(lines=set_cell(base_lines, "功能分类科目", value)))
    f = expect(m, "func-code-unknown", ERROR, "收支明细!B2", value, "科目字典")
    assert f.actual == value


def test_func_code_missing(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "功能分类科目", None)))
    expect(m, "func-code-missing", ERROR, "收支明细!B2", "功能分类科目")


def test_unknown_func_code_accepted_when_the_line_names_it(make_master, base_lines):
    # 20807 就业补助 is known, its 项 2080798 is not: the name written on the line is used.
    assert "2080798" not in dictionaries.func_names(2026)
    m = read(make_master(lines=set_cell(base_lines, "功能分类科目", "2080798 测试就业补助", 2)))
    f = expect(m, "func-code-unlisted", WARNING, "收支明细!B4", "2080798", "测试就业补助", "2026")
    assert f.actual == "2080798"
    assert m.lines[2].func == "2080798"
    assert m.func_names["2080798"] == "测试就业补助"


def test_named_func_code_needs_known_parents(make_master, base_lines):
    # 2999901 has no known 类 (299): the name on the line cannot stand in for its parents.
    func = dictionaries.func_names(2026)
    assert "299" not in func and "2999901" not in func
    m = read(make_master(lines=set_cell(base_lines, "功能分类科目", "2999901 测试项目支出", 2)))
    f = expect(m, "func-parent-unknown", ERROR, "收支明细!B4", "2999901", "类 299、款 29999 没有名称",
               "科目字典中补上 299、29999 的名称")
    assert f.actual == "299、29999"


@pytest.mark.parametrize("value", ["208 01 01", "208-01-01", "208.01.01", 2080101, 2080101.0,
                                   "２０８０１０１", "2080101 行政运行", "2080101行政运行",
                                   "208　01　01", " 2080101 ", "2080101.0", "２０８－０１－０１"])
def test_func_code_formats_normalised(make_master, base_lines, value):
    m = read(make_master(lines=set_cell(base_lines, "功能分类科目", value)))
    assert_clean(m)
    assert m.lines[0].func == "2080101"


# -- 经济分类科目 --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["abc", "3010", "3010101", "工资"])
def test_econ_code_bad(make_master, base_lines, value):
    m = read(make_master(lines=set_cell(base_lines, "经济分类科目", value)))
    expect(m, "econ-code-bad", ERROR, "收支明细!C2", value)


def test_econ_code_level(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "经济分类科目", "301")))
    expect(m, "econ-code-level", ERROR, "收支明细!C2", "301", "款级", "30101")


@pytest.mark.parametrize("value", ["30698", "39801"])
def test_econ_code_unknown(make_master, base_lines, value):
    assert value not in dictionaries.econ_names(2026)
    m = read(make_master(lines=set_cell(base_lines, "经济分类科目", value, 2)))
    f = expect(m, "econ-code-unknown", ERROR, "收支明细!C4", value)
    assert f.actual == value


def test_econ_code_missing(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "经济分类科目", None)))
    expect(m, "econ-code-missing", ERROR, "收支明细!C2", "经济分类科目")


def test_unknown_econ_code_accepted_when_the_line_names_it(make_master, base_lines):
    assert "30298" not in dictionaries.econ_names(2026)
    m = read(make_master(lines=set_cell(base_lines, "经济分类科目", "30298 测试商品服务", 2)))
    expect(m, "econ-code-unlisted", WARNING, "收支明细!C4", "30298", "测试商品服务")
    assert m.lines[2].econ == "30298"
    assert m.econ_names["30298"] == "测试商品服务"


def test_named_econ_code_needs_a_known_parent(make_master, base_lines):
    econ = dictionaries.econ_names(2026)
    assert "398" not in econ
    m = read(make_master(lines=set_cell(base_lines, "经济分类科目", "39801 测试", 2)))
    f = expect(m, "econ-parent-unknown", ERROR, "收支明细!C4", "39801", "类 398 没有名称")
    assert f.actual == "398"


@pytest.mark.parametrize("value", ["301 01", "301-01", "301.01", 30101, "３０１０１", "30101 基本工资"])
def test_econ_code_formats_normalised(make_master, base_lines, value):
    m = read(make_master(lines=set_cell(base_lines, "经济分类科目", value)))
    assert_clean(m)
    assert m.lines[0].econ == "30101"


# -- 支出类型, 资金来源, 项目名称 -----------------------------------------------------------

@pytest.mark.parametrize("value", ["基本支出", "工资"])
def test_type_unknown(make_master, base_lines, value):
    m = read(make_master(lines=set_cell(base_lines, "支出类型", value)))
    expect(m, "type-unknown", ERROR, "收支明细!D2", value, "人员经费")


def test_type_missing(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "支出类型", None)))
    expect(m, "type-missing", ERROR, "收支明细!D2", "支出类型")


@pytest.mark.parametrize("value", ["自筹资金", "上年结转"])
def test_source_unknown(make_master, base_lines, value):
    m = read(make_master(lines=set_cell(base_lines, "资金来源", value)))
    expect(m, "source-unknown", ERROR, "收支明细!F2", value, "一般公共预算")


def test_source_missing(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "资金来源", None)))
    expect(m, "source-missing", ERROR, "收支明细!F2", "资金来源")


@pytest.mark.parametrize("value, name", [("上年结转—一般公共预算", "上年结转-一般公共预算"),
                                         ("上年结转一般公共预算", "上年结转-一般公共预算"),
                                         ("财政专户核拨", "财政专户"),
                                         (" 一般公共预算 ", "一般公共预算")])
def test_source_spellings_accepted(make_master, base_lines, value, name):
    m = read(make_master(lines=set_cell(base_lines, "资金来源", value)))
    assert_clean(m)
    assert m.lines[0].source == name


def test_project_name_missing(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "项目名称", None, 2)))
    expect(m, "project-name-missing", ERROR, "收支明细!E4", "项目名称")
    assert len(m.lines) == 2


def test_project_name_missing_without_the_column(make_master, base_lines):
    headers = tuple(h for h in HEADERS if h != "项目名称")  # 支出类型 stays in D
    lines = [{k: v for k, v in line.items() if k != "项目名称"} for line in base_lines]
    m = read(make_master(lines=lines, headers=headers))
    expect(m, "project-name-missing", ERROR, "收支明细!D4", "项目名称")


def test_project_name_on_basic_line_is_warning(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "项目名称", "某某项目", 0)))
    expect(m, "project-name-basic", WARNING, "收支明细!E2", "某某项目")
    assert m.lines[0].project is None


# -- 金额 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["12万", "—", "abc", "1.2.3", "¥100", "100元"])
def test_amount_not_number(make_master, base_lines, value):
    m = read(make_master(lines=set_cell(base_lines, "金额", value)))
    expect(m, "amount-not-number", ERROR, "收支明细!G2", value)
    assert [l.row for l in m.lines] == [3, 4]


@pytest.mark.parametrize("value", [-5, -0.01, "-5"])
def test_amount_negative(make_master, base_lines, value):
    m = read(make_master(lines=set_cell(base_lines, "金额", value)))
    expect(m, "amount-negative", ERROR, "收支明细!G2", "负数", others_ok=False)
    assert len(m.lines) == 2


def test_amount_missing(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "金额", None)))
    expect(m, "amount-missing", ERROR, "收支明细!G2", "金额")


def test_amount_zero_is_fine(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "金额", 0)))
    assert_clean(m)
    assert m.lines[0].amount == 0


@pytest.mark.parametrize("value, fen", [("1,234.50", 123450), ("1234.5", 123450),
                                        ("１，２３４．５０", 123450), (" 1 234.50 ", 123450)])
def test_amount_text_is_info(make_master, base_lines, value, fen):
    m = read(make_master(lines=set_cell(base_lines, "金额", value)))
    expect(m, "amount-text", INFO, "收支明细!G2", value, "1234.5")
    assert m.lines[0].amount == fen


def test_amount_precision_is_warning(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "金额", 1.234)))
    expect(m, "amount-precision", WARNING, "收支明细!G2", "1.234")
    assert m.lines[0].amount == 123


def test_amount_precision_rounds_half_up(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "金额", 1.235)))
    expect(m, "amount-precision", WARNING, "收支明细!G2")
    assert m.lines[0].amount == 124


@pytest.mark.parametrize("header, unit", [("金额（万元）", "元"), ("金额(万元)", "元"), ("金额（元）", "万元")])
def test_amount_unit_conflict(make_master, base_lines, header, unit):
    lines = [{(header if k == "金额" else k): v for k, v in line.items()} for line in base_lines]
    info = dict(BASE_INFO, 金额单位=unit)
    m = read(make_master(info=info, lines=lines, headers=rename(HEADERS, "金额", header)))
    stated = "万元" if "万元" in header else "元"
    expect(m, "amount-unit-conflict", ERROR, "收支明细!G1", stated, unit)


def test_amount_header_unit_agreeing(make_master, base_lines):
    lines = [{("金额（万元）" if k == "金额" else k): v for k, v in line.items()} for line in base_lines]
    info = dict(BASE_INFO, 金额单位="万元")
    m = read(make_master(info=info, lines=lines, headers=rename(HEADERS, "金额", "金额（万元）")))
    assert_clean(m)
    assert m.lines[0].amount == 1000 * 1_000_000


def test_yuan_and_wan_give_the_same_fen(make_master, base_lines):
    yuan = [1000, 200.5, 5000, 1149700, 0.01, 12345678.9]
    wan = [0.1, 0.02005, 0.5, 114.97, 0.000001, 1234.56789]
    extra = dict(base_lines[0])

    def lines_with(amounts):
        out = [dict(line) for line in base_lines]
        out += [dict(extra, 备注=f"第{i}笔") for i in range(len(amounts) - len(out))]
        return [dict(line, 金额=a) for line, a in zip(out, amounts)]

    m_yuan = read(make_master(lines=lines_with(yuan)))
    m_wan = read(make_master(info=dict(BASE_INFO, 金额单位="万元"), lines=lines_with(wan)))
    assert not [f for f in m_yuan.findings + m_wan.findings if f.severity is not INFO]
    assert [l.amount for l in m_yuan.lines] == [l.amount for l in m_wan.lines]
    assert [l.amount for l in m_wan.lines] == [100000, 20050, 500000, 114970000, 1, 1234567890]


# -- cross-column checks ------------------------------------------------------------------

@pytest.mark.parametrize("index, econ, place", [(0, "30201", "收支明细!C2"), (1, "30101", "收支明细!C3")])
def test_type_econ_mismatch_is_warning(make_master, base_lines, index, econ, place):
    m = read(make_master(lines=set_cell(base_lines, "经济分类科目", econ, index)))
    expect(m, "type-econ-mismatch", WARNING, place, econ)
    assert len(m.lines) == 3


def test_type_econ_other_allowed_classes(make_master, base_lines):
    # 人员经费 may be 303 (对个人和家庭的补助), 公用经费 may be 310 (资本性支出).
    econ = dictionaries.econ_names(2026)
    assert "30302" in econ and "31002" in econ and "30113" in econ
    lines = with_line(base_lines, 0, 功能分类科目="2210201", 经济分类科目="30113")  # 住房公积金
    lines += [dict(lines[0], 经济分类科目="30302", 金额=1),
              dict(lines[1], 经济分类科目="31002", 金额=2)]
    m = read(make_master(lines=lines))
    assert_clean(m)
    assert len(m.lines) == 5


def test_line_duplicate_is_warning_on_second_amount(make_master, base_lines):
    lines = base_lines + [dict(base_lines[0])]  # row 5 repeats row 2
    m = read(make_master(lines=lines))
    expect(m, "line-duplicate", WARNING, "收支明细!G5", "第 5 行", "第 2 行")
    assert len(m.lines) == 4


def test_line_not_duplicate_when_unit_differs(make_master, base_lines):
    lines = base_lines + [dict(base_lines[0], 单位名称="下属单位")]
    assert_clean(read(make_master(lines=lines)))


def test_blank_rows_are_skipped(make_master, base_lines):
    lines = [base_lines[0], {}, {"备注": "   "}, base_lines[1]]
    m = read(make_master(lines=lines))
    assert_clean(m)
    assert [l.row for l in m.lines] == [2, 5]


# -- 基本信息 -----------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["预算年度", "单位名称", "公开口径", "金额单位"])
def test_info_key_missing(make_master, key):
    info = {k: v for k, v in BASE_INFO.items() if k != key}
    m = read(make_master(info=info))
    # header + three keys: the key belongs in the next free row, A5
    expect(m, "info-key-missing", ERROR, "基本信息!A5", key)
    assert m.info is None


@pytest.mark.parametrize("key, row", [("预算年度", 2), ("单位名称", 3), ("公开口径", 4), ("金额单位", 5)])
def test_info_key_empty(make_master, key, row):
    m = read(make_master(info=dict(BASE_INFO, **{key: None})))
    expect(m, "info-key-missing", ERROR, f"基本信息!B{row}", key)
    assert m.info is None


@pytest.mark.parametrize("key, value", [("公开口径", "科室"), ("金额单位", "千元"), ("表样", 1999),
                                        ("收入表列", 13), ("上年结转表", "也许"), ("预算年度", "明年"),
                                        ("预算年度", 1999), ("绩效权重合计", "九十")])
def test_info_value_bad(make_master, key, value):
    info = dict(BASE_INFO, **{key: value})
    row = list(info).index(key) + 2
    m = read(make_master(info=info))
    expect(m, "info-value-bad", ERROR, f"基本信息!B{row}", key, str(value))
    assert m.info is None


def test_info_optional_values(make_master):
    info = dict(BASE_INFO, 预算年度="2025年", 表样=2024, 收入表列=12, 上年结转表="否",
                绩效权重合计=100, 联系人="张三")
    m = read(make_master(info=info))
    assert_clean(m)
    assert (m.info.year, m.info.profile, m.info.income_columns, m.info.carryover_table,
            m.info.weight_total) == (2025, "2024", 12, False, 100)
    assert m.info.extra["联系人"] == "张三"


def test_info_defaults(make_master):
    m = read(make_master())
    assert (m.info.profile, m.info.income_columns, m.info.carryover_table, m.info.weight_total) == \
        ("2026", 11, None, 90)


def test_bad_info_value_does_not_invent_a_unit_conflict(make_master, base_lines):
    lines = [{("金额（万元）" if k == "金额" else k): v for k, v in line.items()} for line in base_lines]
    info = dict(BASE_INFO, 金额单位="万元", 公开口径="科室")
    m = read(make_master(info=info, lines=lines, headers=rename(HEADERS, "金额", "金额（万元）")))
    expect(m, "info-value-bad", ERROR, "基本信息!B4", "科室")


def test_bad_info_value_gives_no_unit_dependent_findings(make_master, base_lines):
    info = dict(BASE_INFO, 金额单位="万元", 公开口径="科室")
    m = read(make_master(info=info, lines=[dict(base_lines[0], 金额=1.2345)]))
    expect(m, "info-value-bad", ERROR, "基本信息!B4", "科室")
    assert [f.rule for f in m.findings] == ["info-value-bad"], [str(f) for f in m.findings]


# -- formulas -----------------------------------------------------------------------------

def test_formula_without_cached_value(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "金额", "=100+23.45")))
    expect(m, "formula-no-value", ERROR, "收支明细!G2", "F9")
    assert [l.row for l in m.lines] == [3, 4]


def test_formula_without_cached_value_in_code_cell(make_master, base_lines):
    m = read(make_master(lines=set_cell(base_lines, "功能分类科目", '="2080101"')))
    expect(m, "formula-no-value", ERROR, "收支明细!B2", "重算")


FORMULA_ROW = {"功能分类科目": '="2080101"', "经济分类科目": '="30101"', "支出类型": '="人员经费"',
               "资金来源": '="一般公共预算"', "金额": "=1+1"}


def test_row_of_formulas_without_cached_values(make_master, base_lines):
    # Row 3 holds only formulas without cached values: every one is reported, nothing is read.
    m = read(make_master(lines=base_lines[:1] + [FORMULA_ROW] + base_lines[1:]))
    found = sorted(f.place for f in m.findings if f.rule == "formula-no-value")
    assert found == ["收支明细!B3", "收支明细!C3", "收支明细!D3", "收支明细!F3", "收支明细!G3"]
    assert all(f.severity is ERROR and f.rule == "formula-no-value" for f in m.findings)
    assert [l.row for l in m.lines] == [2, 4, 5]


def test_last_row_of_formulas_without_cached_values(make_master, base_lines):
    m = read(make_master(lines=base_lines + [FORMULA_ROW]))
    found = sorted(f.place for f in m.findings if f.rule == "formula-no-value")
    assert found == ["收支明细!B5", "收支明细!C5", "收支明细!D5", "收支明细!F5", "收支明细!G5"]


def _write_xlsxwriter_master(path, g2_formula, g2_value, fill=None):
    """A baseline-like master written by XlsxWriter, which stores a formula's cached value.

    Row 2 is one 人员经费 line whose 金额 G2 is ``g2_formula`` cached as ``g2_value``;
    ``fill(ws)`` may write more cells into 收支明细.
    """
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("基本信息")
    ws.write_row(0, 0, ["项目", "内容"])
    for r, (k, v) in enumerate(BASE_INFO.items(), start=1):
        ws.write_row(r, 0, [k, v])
    ws = wb.add_worksheet("收支明细")
    ws.write_row(0, 0, list(HEADERS))
    ws.write_row(1, 1, ["2080101", "30101", "人员经费"])
    ws.write_string(1, 5, "一般公共预算")
    ws.write_formula("G2", g2_formula, None, g2_value)
    if fill:
        fill(ws)
    wb.close()
    return path


def test_formula_with_cached_value_is_read_by_value(tmp_path, builtin_dictionaries):
    m = read(_write_xlsxwriter_master(tmp_path / "cached.xlsx", "=100+23.45", 123.45))
    assert_clean(m)
    assert [l.amount for l in m.lines] == [12345]


@pytest.mark.parametrize("formula, value", [("=1/0", "#DIV/0!"), ("=NA()", "#N/A"), ("=#REF!", "#REF!")])
def test_formula_error_value(tmp_path, builtin_dictionaries, formula, value):
    # calamine reads an error result as an empty cell; the reader must name the error.
    m = read(_write_xlsxwriter_master(tmp_path / "err.xlsx", formula, value))
    f = expect(m, "formula-error", ERROR, "收支明细!G2", value)
    assert f.actual == value
    assert m.lines == ()


def test_formula_error_value_in_code_cell(tmp_path, builtin_dictionaries):
    def fill(ws):
        ws.write_formula("B3", "=NA()", None, "#N/A")
        ws.write_row(2, 2, ["30201", "公用经费"])
        ws.write_string(2, 5, "一般公共预算")
        ws.write_number(2, 6, 7)
    m = read(_write_xlsxwriter_master(tmp_path / "err.xlsx", "=5", 5, fill))
    expect(m, "formula-error", ERROR, "收支明细!B3", "#N/A")
    assert [l.row for l in m.lines] == [2]


@pytest.mark.parametrize("where", ["middle", "last"])
def test_row_of_error_values_is_reported(tmp_path, builtin_dictionaries, where):
    bad, good = (3, 4) if where == "middle" else (4, 3)

    def fill(ws):
        for c in "BCDFG":
            ws.write_formula(f"{c}{bad}", "=#REF!", None, "#REF!")
        ws.write_row(good - 1, 1, ["2080101", "30201", "公用经费"])
        ws.write_string(good - 1, 5, "一般公共预算")
        ws.write_number(good - 1, 6, 7)
    m = read(_write_xlsxwriter_master(tmp_path / "errrow.xlsx", "=5", 5, fill))
    assert sorted(l.row for l in m.lines) == [2, good]
    found = [f for f in m.findings if f.severity is ERROR and f.cell and f.cell[1:] == str(bad)]
    assert found and all("#REF!" in f.message for f in found), [str(f) for f in m.findings]


def test_extra_column_formulas_below_data_are_ignored(make_master, base_lines):
    p = make_master(headers=HEADERS + ("校验",))
    wb = openpyxl.load_workbook(p)
    for r in range(2, 10):
        wb["收支明细"][f"I{r}"] = f'=IF(G{r}="","",G{r}*1)'
    wb.save(p)
    m = read(p)
    expect(m, "column-extra", INFO, "收支明细!I1", "校验")
    assert len(m.lines) == 3
    assert [f.rule for f in m.findings] == ["column-extra"], [str(f) for f in m.findings]


def _blank_formula_row(path):
    """Rows 2 and 4 are lines; row 3 holds =IF(…,"x","") in every column, calculated as ""."""
    def fill(ws):
        for c in "BCDFG":
            ws.write_formula(f"{c}3", '=IF(1=0,"x","")', None, "")
        ws.write_row(3, 1, ["2080101", "30201", "公用经费"])
        ws.write_string(3, 5, "一般公共预算")
        ws.write_number(3, 6, 7)
    _write_xlsxwriter_master(path, "=5", 5, fill)
    # Excel marks a calculated text result as t="str" with an empty <v></v>.
    member = "xl/worksheets/sheet2.xml"
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = parts[member].decode("utf-8")
    for c in "BCDFG":
        xml = xml.replace(f'<c r="{c}3"><f>', f'<c r="{c}3" t="str"><f>')
    assert xml.count('t="str"><f>IF(1=0') == 5 and "<v></v>" in xml
    parts[member] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_formula_calculated_as_empty_text_is_a_blank_cell(tmp_path, builtin_dictionaries):
    m = read(_blank_formula_row(tmp_path / "ifblank.xlsx"))
    assert_clean(m)
    assert [l.row for l in m.lines] == [2, 4]


def test_formula_without_value_in_prefixed_xml(make_master, base_lines, tmp_path):
    p = make_master(lines=set_cell(base_lines, "金额", "=1+1"))

    def prefix(data):
        xml = re.sub(r"<(/?)([A-Za-z]+)", r"<\1x:\2", data.decode("utf-8"))
        return xml.replace("<x:worksheet xmlns=", "<x:worksheet xmlns:x=", 1).encode("utf-8")

    q = _rewrite_member(p, tmp_path / "prefixed.xlsx", "xl/worksheets/sheet2.xml", prefix)
    m = read(q)
    assert [l.row for l in m.lines] == [3, 4]  # calamine reads the prefixed sheet
    expect(m, "formula-no-value", ERROR, "收支明细!G2")


# -- 科目字典 -----------------------------------------------------------------------------

DICT_HEADER = ["类型", "科目编码", "科目名称"]


def test_dictionary_sheet_adds_unknown_codes(make_master, base_lines):
    lines = with_line(base_lines, 2, 功能分类科目="2999901", 经济分类科目="39801")
    dict_rows = [DICT_HEADER, ["功能", "299", "测试类"], ["功能", "29999", "测试款"],
                 ["功能", "2999901", "测试项"], ["经济", "398", "测试经济类"], ["经济", 39801, "测试经济款"]]
    m = read(make_master(lines=lines, extra_sheets={"科目字典": dict_rows}))
    assert_clean(m)
    assert (m.lines[2].func, m.lines[2].econ) == ("2999901", "39801")
    assert m.func_names["2999901"] == "测试项" and m.econ_names["39801"] == "测试经济款"


def test_dictionary_sheet_overrides_builtin_name(make_master):
    assert dictionaries.func_names(2026)["2080101"] != "自定义名称"
    rows = [DICT_HEADER, ["功能", "208 01 01", "自定义名称"], ["经济", "30101", "自定义工资"]]
    m = read(make_master(extra_sheets={"科目字典": rows}))
    assert_clean(m)
    assert m.func_names["2080101"] == "自定义名称"
    assert m.econ_names["30101"] == "自定义工资"
    assert dictionaries.func_names(2026)["2080101"] != "自定义名称"  # built-in list untouched


@pytest.mark.parametrize("row, place", [(["科室", "2080101", "x"], "科目字典!A2"),
                                        (["功能", "abc", "x"], "科目字典!B2"),
                                        (["功能", "2999901", None], "科目字典!B2"),
                                        (["功能", "208010", "x"], "科目字典!B2"),
                                        (["经济", "3010101", "x"], "科目字典!B2")])
def test_dictionary_bad_row(make_master, row, place):
    m = read(make_master(extra_sheets={"科目字典": [DICT_HEADER, row]}))
    f = expect(m, "dict-bad", ERROR, place)
    assert "科目字典" in f.message
    if row[0] == "科室":
        assert "科室" in f.message


# -- unreadable files ---------------------------------------------------------------------

def _raises(path, rule):
    with pytest.raises(ReadError) as exc:
        read(path)
    f = exc.value.finding
    assert f.rule == rule, str(f)
    assert f.severity is ERROR
    assert f.place == os.path.basename(str(path))
    assert str(exc.value) == f.message
    return f


def _rewrite_member(src, dst, member, change):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        assert member in zin.namelist()
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(data) if item.filename == member else data)
    return dst


def _with_doctype(data: bytes, padding: bytes = b"") -> bytes:
    decl = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    if data.startswith(b"<?xml"):
        data = data[data.index(b"?>") + 2:]
    return decl + padding + b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + data


def test_file_empty(tmp_path):
    p = tmp_path / "empty.xlsx"
    p.write_bytes(b"")
    _raises(p, "file-empty")


def test_file_not_found(tmp_path):
    f = _raises(tmp_path / "nowhere.xlsx", "file-not-found")
    assert "nowhere.xlsx" in f.message


def test_file_directory_is_not_found(tmp_path):
    _raises(tmp_path, "file-not-found")


@pytest.mark.parametrize("name, content", [
    ("text.xlsx", "这不是工作簿\n".encode("utf-8")),
    ("lines.csv", "功能分类科目,经济分类科目,金额\n2080101,30101,100\n".encode("utf-8")),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00junk" * 200),
])
def test_file_format(tmp_path, name, content):
    p = tmp_path / name
    p.write_bytes(content)
    f = _raises(p, "file-format")
    assert "xlsx" in f.message


def test_file_format_xls_says_so(tmp_path):
    p = tmp_path / "old.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert ".xls" in _raises(p, "file-format").message


def test_file_format_ods(tmp_path):
    p = tmp_path / "sheet.ods"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    assert "ods" in _raises(p, "file-format").message


def test_file_format_other_zip(tmp_path):
    p = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    _raises(p, "file-format")


def test_file_corrupt_truncated(tmp_path):
    good = write_master(tmp_path / "good.xlsx")
    data = good.read_bytes()
    p = tmp_path / "cut.xlsx"
    p.write_bytes(data[: len(data) // 2])
    _raises(p, "file-corrupt")


def test_file_corrupt_workbook_xml(tmp_path):
    good = write_master(tmp_path / "good.xlsx")
    p = _rewrite_member(good, tmp_path / "badbook.xlsx", "xl/workbook.xml", lambda d: b"<workbook><sheets")
    _raises(p, "file-corrupt")


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"])
def test_file_corrupt_sheet_xml(tmp_path, member):
    good = write_master(tmp_path / "good.xlsx")
    p = _rewrite_member(good, tmp_path / "badxml.xlsx", member, lambda d: b"<worksheet><sheetData><row")
    _raises(p, "file-corrupt")


def test_file_corrupt_deflate_data(tmp_path):
    good = write_master(tmp_path / "good.xlsx")
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        item = z.getinfo("xl/worksheets/sheet2.xml")
    start = item.header_offset + 30 + len(item.filename.encode()) + len(item.extra) + 10
    for k in range(20):
        data[start + k] ^= 0x55
    p = tmp_path / "crc.xlsx"
    p.write_bytes(bytes(data))
    _raises(p, "file-corrupt")


def test_file_encrypted(tmp_path):
    p = tmp_path / "locked.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000
                  + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000)
    assert "密码" in _raises(p, "file-encrypted").message


@pytest.mark.parametrize("member", ["xl/sharedStrings.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml"])
def test_file_xml_entity(tmp_path, member):
    good = _write_xlsxwriter_master(tmp_path / "good.xlsx", "=1", 1)  # XlsxWriter has sharedStrings
    p = _rewrite_member(good, tmp_path / "entity.xlsx", member, _with_doctype)
    assert member in _raises(p, "file-xml-entity").message


@pytest.mark.parametrize("padding", [b"<!--" + b"x" * 5000 + b"-->", b" " * 5000,
                                     b"<!-- <a> -->" * 20000, b"<!--" + b"<b>" * 500_000 + b"-->"])
def test_file_xml_entity_after_long_prolog(tmp_path, padding):
    good = _write_xlsxwriter_master(tmp_path / "good.xlsx", "=1", 1)
    p = _rewrite_member(good, tmp_path / "entity.xlsx", "xl/sharedStrings.xml",
                        lambda d: _with_doctype(d, padding))
    _raises(p, "file-xml-entity")


# -- command line -------------------------------------------------------------------------

def _xltools(*args, cwd):
    script = Path(sys.executable).parent / "xltools"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "xltools"]
    return subprocess.run(cmd + [str(a) for a in args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


def _assert_refused(tmp_path, path, code):
    before = path.read_bytes() if path.exists() else None
    out = tmp_path / "out.json"
    r = _xltools("tables", path, "--json", "-o", out, cwd=tmp_path)
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stdout + r.stderr
    assert "内部错误" not in r.stderr, r.stderr
    assert not out.exists()
    if before is not None:
        assert path.read_bytes() == before
    return r


def test_cli_content_error_exits_1(tmp_path, make_master, base_lines):
    p = make_master(lines=set_cell(base_lines, "资金来源", "自筹资金"))
    r = _assert_refused(tmp_path, p, 1)
    assert "收支明细!F2" in r.stderr and "自筹资金" in r.stderr


def test_cli_missing_sheet_exits_1(tmp_path, make_master):
    r = _assert_refused(tmp_path, make_master(info=OMIT), 1)
    assert "基本信息" in r.stderr


@pytest.mark.parametrize("kind", ["text", "empty", "encrypted", "truncated", "missing",
                                  "badxml"])
def test_cli_unreadable_exits_2(tmp_path, kind):
    p = tmp_path / f"{kind}.xlsx"
    if kind == "text":
        p.write_text("hello", encoding="utf-8")
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "encrypted":
        p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"))
    elif kind == "truncated":
        data = write_master(tmp_path / "good.xlsx").read_bytes()
        p.write_bytes(data[: len(data) // 2])
    elif kind == "badxml":
        good = write_master(tmp_path / "good.xlsx")
        _rewrite_member(good, p, "xl/worksheets/sheet2.xml", lambda d: b"<worksheet><sheetData><row")
    r = _assert_refused(tmp_path, p, 2)
    assert "[错误]" in r.stderr


def test_cli_valid_master_exits_0(tmp_path, make_master):
    p = make_master()
    before = p.read_bytes()
    out = tmp_path / "out.json"
    r = _xltools("tables", p, "--json", "-o", out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    json.loads(out.read_text(encoding="utf-8"))
    assert p.read_bytes() == before


def test_lines_built_column_by_column_are_the_lines_the_model_makes():
    """reader/columns.new_lines sets the slots directly: the lines equal, hash and refuse
    changes as Line(...) does, and the garbage collector is left as it was."""
    import gc

    from xltools.model import Line
    from xltools.reader.columns import new_lines

    fields = ([2, 3], ["甲", "乙"], ["2080101", "2010101"], ["30101", "30201"], ["人员经费", "项目支出"],
              [None, "会议"], ["一般公共预算", "财政专户"], [100, 250], [None, "备注"])
    made = new_lines(*fields)
    assert made == list(map(Line, *fields))
    assert {hash(line) for line in made} == {hash(line) for line in map(Line, *fields)}
    with pytest.raises(AttributeError):
        made[0].amount = 1
    assert gc.isenabled()

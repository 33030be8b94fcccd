"""绩效目标表: reading 项目信息/绩效指标, the rules, the amounts and the workbook.

Every rule test starts from a clean baseline (conftest's master plus the sheets below),
changes one thing and checks the rule id, severity and sheet!cell of the finding.  Columns of
绩效指标: A 项目名称, B 一级指标, C 二级指标, D 三级指标, E 指标值, F 指标值设置依据, G 上年完成值,
H 分值权重, I 赋分规则, J 佐证资料.  项目信息: A 项目名称, B 对应明细项目, C 单位名称, D 项目负责人,
… I 总体目标.  Row i of a list below is worksheet row i + 2.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import BASE_INFO, BASE_LINES
from xltools.findings import Severity
from xltools.performance import build
from xltools.performance.values import parse_value
from xltools.reader import read_master
from xltools.sources import CAPITAL, FUND
from xltools.tables import build_tables
from xltools.writers.performance_workbook import (performance_output_name, project_sheet_name,
                                                  write_performance_workbook)

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
FIXTURES = Path(__file__).parent / "fixtures"

PROJECT_HEAD = ["项目名称", "对应明细项目", "单位名称", "项目负责人", "政策依据", "承担单位", "资金分配情况",
                "执行时间", "总体目标", "其他说明"]
INDICATOR_HEAD = ["项目名称", "一级指标", "二级指标", "三级指标", "指标值", "指标值设置依据", "上年完成值",
                  "分值权重", "赋分规则", "佐证资料"]
PROJECTS = [["就业补助项目", None, None, "张三", "测财社〔2026〕1号", "测试局", "按人数分配", "2026年全年",
             "全年发放就业补助，帮助 100 人就业。", None]]
INDICATORS = [
    ["部门整体", "履职效能", "数量指标", "城镇新增就业人数", "≥500人", "年度工作计划", None, 50, None, None],
    ["部门整体", "履职效能", "质量指标", "劳动监察结案率", "≥95%", "年度工作计划", None, 40, None, None],
    ["就业补助项目", "产出指标", "数量指标", "补贴人数", "≥100人", "计划标准", "90人", 30, "按完成比例赋分",
     "工作资料"],
    ["就业补助项目", "产出指标", "时效指标", "补贴发放及时率", "＝100%", "计划标准", "100%", 20,
     "按完成比例赋分", "工作资料"],
    ["就业补助项目", "效益指标", "社会效益指标", "促进当地就业", "有效促进", "计划标准", "有效促进", 20,
     "按评判等级赋分", "工作资料"],
    ["就业补助项目", "满意度指标", "满意度指标", "受益群众满意度", "≥90%", "计划标准", "90%", 20, "满意度赋分",
     "工作资料"],
]
PERF_INFO = {**BASE_INFO, "联系人": "李四", "联系电话": "0994-1234567",
             "年度绩效目标": "促进高质量充分就业，城镇新增就业 500 人以上。"}


# -- helpers ---------------------------------------------------------------------------------

@pytest.fixture
def perf_master(make_master):
    """``perf_master(projects=…, indicators=…, info=…, lines=…)`` → path; None = baseline."""

    def make(projects=None, indicators=None, info=None, lines=None, omit=()):
        sheets = {}
        if "项目信息" not in omit:
            sheets["项目信息"] = [PROJECT_HEAD, *(PROJECTS if projects is None else projects)]
        if "绩效指标" not in omit:
            sheets["绩效指标"] = [INDICATOR_HEAD, *(INDICATORS if indicators is None else indicators)]
        return make_master(info=PERF_INFO if info is None else info,
                           lines=BASE_LINES if lines is None else lines, extra_sheets=sheets)

    return make


def run(path):
    master = read_master(str(path))
    assert master.info is not None, [str(f) for f in master.findings]
    ts = build_tables(master)
    data, findings = build(master, ts)
    return master, ts, data, findings


def findings_of(path):
    return run(path)[3]


def expect(findings, rule, severity, place, *texts, others_ok=False):
    """Exactly one finding of ``rule``; unless others_ok, no finding of any other rule."""
    found = [f for f in findings if f.rule == rule]
    assert len(found) == 1, f"expected one {rule}, got {[str(f) for f in findings]}"
    f = found[0]
    assert f.severity is severity, str(f)
    assert f.place == place, str(f)
    for text in texts:
        assert text in f.message, f"{text!r} not in {f.message!r}"
    if not others_ok:
        other = [str(g) for g in findings if g.rule != rule]
        assert not other, other
    return f


def places(findings, rule):
    return sorted((f.severity.value, f.place) for f in findings if f.rule == rule)


def indicators_with(index, **changes):
    rows = copy.deepcopy(INDICATORS)
    for column, value in changes.items():
        rows[index][INDICATOR_HEAD.index(column)] = value
    return rows


def line(**kw):
    base = {"功能分类科目": "2080799", "经济分类科目": "30299", "支出类型": "项目支出",
            "资金来源": "一般公共预算", "金额": 1000}
    return {**base, **kw}


def project_row(name, covers=None, owner="王五", goal="目标", unit=None):
    return [name, covers, unit, owner, None, None, None, None, goal, None]


def project_indicators(name, weights=(30, 20, 20, 20)):
    levels = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("效益指标", "社会效益指标"),
              ("满意度指标", "满意度指标")]
    return [[name, l1, l2, f"指标{i}", "≥90%", "计划标准", None, w, None, None]
            for i, ((l1, l2), w) in enumerate(zip(levels, weights))]


# -- the baseline ----------------------------------------------------------------------------

def test_baseline_is_clean_and_complete(perf_master):
    _, _, data, findings = run(perf_master())
    assert findings == []
    assert data.weight_total == 90
    dept = data.department
    assert (dept.contact, dept.phone, dept.title) == ("李四", "0994-1234567", "部门整体绩效目标表")
    assert [i.level3 for i in dept.indicators] == ["城镇新增就业人数", "劳动监察结案率"]
    assert dept.funding.total == 62  # 1,000 + 200.50 + 5,000 元 = 0.62 万元 = 62 百元
    (project,) = data.printed_projects
    assert project.name == "就业补助项目" and project.info.owner == "张三"
    assert (project.budget.total, project.budget.fiscal, project.budget.other) == (50, 50, 0)
    assert [i.weight for i in project.indicators] == [30, 20, 20, 20]
    assert project.indicators[1].parsed.op == "=" and project.indicators[1].parsed.unit == "%"


# -- perf-weight-total -----------------------------------------------------------------------

def test_weight_total_of_a_project(perf_master):
    findings = findings_of(perf_master(indicators=indicators_with(2, 分值权重=20)))
    f = expect(findings, "perf-weight-total", ERROR, "绩效指标!H4:H7", "就业补助项目", "合计 80", "应为 90")
    assert (f.expected, f.actual) == (90, "80")


def test_weight_total_of_the_department(perf_master):
    findings = findings_of(perf_master(indicators=indicators_with(0, 分值权重=60)))
    expect(findings, "perf-weight-total", ERROR, "绩效指标!H2:H3", "部门整体绩效目标表", "合计 100")


def test_weight_total_follows_the_configured_total(perf_master):
    findings = findings_of(perf_master(info={**PERF_INFO, "绩效权重合计": 100}))
    found = sorted(f.place for f in findings if f.rule == "perf-weight-total")
    assert found == ["绩效指标!H2:H3", "绩效指标!H4:H7"]
    assert all(f.severity is ERROR and "应为 100" in f.message for f in findings)


def test_fractional_weights_add_up_exactly(perf_master):
    rows = indicators_with(2, 分值权重="29.5")
    rows[3][7] = 20.5
    assert findings_of(perf_master(indicators=rows)) == []


# -- perf-weight-invalid ---------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [("十分", "不是数字"), (None, "为空"), (-5, "负数")])
def test_weight_that_is_not_a_weight(perf_master, value, text):
    findings = findings_of(perf_master(indicators=indicators_with(3, 分值权重=value)))
    # the total is not checked again: the bad cell is the one thing to fix
    expect(findings, "perf-weight-invalid", ERROR, "绩效指标!H5", text)


# -- perf-no-indicators ----------------------------------------------------------------------

def test_project_with_this_years_fiscal_money_needs_indicators(perf_master):
    lines = [*BASE_LINES, line(项目名称="档案运行经费")]
    projects = [*PROJECTS, project_row("档案运行经费")]
    findings = findings_of(perf_master(lines=lines, projects=projects))
    expect(findings, "perf-no-indicators", ERROR, "项目信息!A3", "档案运行经费", "本年财政拨款")


def test_project_without_any_row_is_placed_at_its_first_line(perf_master):
    lines = [*BASE_LINES, line(项目名称="档案运行经费")]
    findings = findings_of(perf_master(lines=lines))
    expect(findings, "perf-no-indicators", ERROR, "收支明细!5:5", "档案运行经费", others_ok=True)
    expect(findings, "perf-text-missing", WARNING, "项目信息", "档案运行经费", others_ok=True)
    assert {f.rule for f in findings} == {"perf-no-indicators", "perf-text-missing"}


def test_project_with_unit_money_only_is_a_warning(perf_master):
    lines = [*BASE_LINES, line(项目名称="培训收费项目", 资金来源="事业收入")]
    projects = [*PROJECTS, project_row("培训收费项目")]
    findings = findings_of(perf_master(lines=lines, projects=projects))
    expect(findings, "perf-no-indicators", WARNING, "项目信息!A3", "单位资金")


def test_carryover_only_project_is_info_and_gets_no_sheet(perf_master):
    lines = [*BASE_LINES, line(项目名称="上年就业补助", 资金来源="上年结转-一般公共预算")]
    projects = [*PROJECTS, project_row("上年就业补助", owner=None, goal=None)]
    _, _, data, findings = run(perf_master(lines=lines, projects=projects))
    expect(findings, "perf-no-indicators", INFO, "项目信息!A3", "上年结转")
    assert [p.name for p in data.printed_projects] == ["就业补助项目"]


def test_department_without_indicators(perf_master):
    findings = findings_of(perf_master(indicators=INDICATORS[2:]))
    expect(findings, "perf-no-indicators", ERROR, "绩效指标", "部门整体绩效目标表", "部门整体")


# -- perf-orphan-indicator -------------------------------------------------------------------

def test_indicators_of_an_unknown_project(perf_master):
    rows = [*INDICATORS, *project_indicators("不存在的项目")]
    findings = findings_of(perf_master(indicators=rows))
    expect(findings, "perf-orphan-indicator", ERROR, "绩效指标!A8", "不存在的项目", "4 个指标")


def test_indicators_of_a_project_without_lines(perf_master):
    projects = [*PROJECTS, project_row("没有资金的项目")]
    rows = [*INDICATORS, *project_indicators("没有资金的项目")]
    _, _, data, findings = run(perf_master(projects=projects, indicators=rows))
    expect(findings, "perf-orphan-indicator", ERROR, "绩效指标!A8", "没有任何金额", others_ok=True)
    expect(findings, "perf-name-mismatch", ERROR, "项目信息!A3", "没有资金的项目", others_ok=True)
    assert len(findings) == 2
    assert [p.name for p in data.printed_projects] == ["就业补助项目"]


# -- perf-value-unparsed ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["≥", "约100至200人", "<=1000元/人|元/人/一次性", "≥有效"])
def test_value_that_cannot_be_split(perf_master, value):
    findings = findings_of(perf_master(indicators=indicators_with(2, 指标值=value)))
    expect(findings, "perf-value-unparsed", WARNING, "绩效指标!E4", value)


def test_value_typed_as_a_fraction_looks_like_a_percentage(perf_master):
    findings = findings_of(perf_master(indicators=indicators_with(5, 指标值=0.9)))
    expect(findings, "perf-value-unparsed", WARNING, "绩效指标!E7", "0.9", "≥90%")


@pytest.mark.parametrize("text, op, number, unit", [
    ("≥510人", ">=", "510", "人"), ("＞=510 人", ">=", "510", "人"), ("> =98%", ">=", "98", "%"),
    ("<=1700元/人/月", "<=", "1700", "元/人/月"), ("100%", None, "100", "%"), ("≥24000", ">=", "24000", ""),
    ("不低于95%", ">=", "95", "%"), ("95%以上", ">=", "95", "%"), ("=0起", "=", "0", "起"),
    ("≤0.35%", "<=", "0.35", "%"), ("1,000元", None, "1000", "元"),
])
def test_values_as_published_parse(text, op, number, unit):
    parsed = parse_value(text)
    assert (parsed.kind, parsed.op, parsed.number, parsed.unit) == ("number", op, Decimal(number), unit)


@pytest.mark.parametrize("text, kind, op, date", [
    ("2026年12月10日前", "date", "<=", "2026-12-10"), ("2026 年 12 月前", "date", "<=", "2026-12"),
    ("=2026年12月10日", "date", "=", "2026-12-10"), ("有所提升", "text", None, None),
    ("达到预期", "text", None, None), ("重点群体就业的，按个人缴费的25%给予补贴", "unparsed", None, None),
    ("2026年13月", "unparsed", None, None),
])
def test_dates_and_qualitative_values(text, kind, op, date):
    parsed = parse_value(text)
    assert (parsed.kind, parsed.op, parsed.date) == (kind, op, date)


# -- perf-level-unknown ----------------------------------------------------------------------

def test_level1_outside_the_framework(perf_master):
    rows = indicators_with(2, 一级指标="产出")
    findings = findings_of(perf_master(indicators=rows))
    expect(findings, "perf-level-unknown", WARNING, "绩效指标!B4", "产出", "产出指标")


def test_level2_outside_the_framework(perf_master):
    findings = findings_of(perf_master(indicators=indicators_with(2, 二级指标="数量")))
    expect(findings, "perf-level-unknown", WARNING, "绩效指标!C4", "数量", "数量指标")


def test_level2_under_the_wrong_level1(perf_master):
    findings = findings_of(perf_master(indicators=indicators_with(2, 二级指标="社会效益指标")))
    expect(findings, "perf-level-unknown", WARNING, "绩效指标!C4", "“产出指标”下")


def test_level_names_broken_over_lines_are_accepted(perf_master):
    assert findings_of(perf_master(indicators=indicators_with(5, 一级指标="满意\n度指标"))) == []


# -- perf-name-mismatch ----------------------------------------------------------------------

def test_sheet_printed_under_another_name_than_the_tables(perf_master):
    projects = [project_row("就业补助资金", covers="就业补助项目", owner="张三")]
    rows = [[("就业补助资金" if r[0] == "就业补助项目" else r[0]), *r[1:]] for r in INDICATORS]
    _, _, data, findings = run(perf_master(projects=projects, indicators=rows))
    f = expect(findings, "perf-name-mismatch", WARNING, "项目信息!A2", "就业补助资金", "就业补助项目")
    assert (f.expected, f.actual) == ("就业补助项目", "就业补助资金")
    assert data.printed_projects[0].budget.total == 50


def test_covered_name_spelt_differently_is_linked_and_reported(perf_master):
    projects = [project_row("就业补助（一期）", covers="就业补助-项目", owner="张三")]
    lines = [dict(BASE_LINES[0]), dict(BASE_LINES[1]), {**BASE_LINES[2], "项目名称": "就业补助项目"}]
    rows = [[("就业补助（一期）" if r[0] == "就业补助项目" else r[0]), *r[1:]] for r in INDICATORS]
    _, _, data, findings = run(perf_master(projects=projects, indicators=rows, lines=lines))
    # the spelling of the cover, and the sheet printed under another name than 表7's
    assert places(findings, "perf-name-mismatch") == [("warning", "项目信息!A2"), ("warning", "项目信息!B2")]
    assert "写法不同" in next(f.message for f in findings if f.cell == "B2")
    assert len(findings) == 2
    assert data.printed_projects[0].budget.total == 50


def test_covered_name_not_in_the_lines(perf_master):
    projects = [project_row("就业补助项目", covers="就业补助项目；社保补贴项目", owner="张三")]
    _, _, data, findings = run(perf_master(projects=projects))
    expect(findings, "perf-name-mismatch", ERROR, "项目信息!B2", "社保补贴项目")
    assert data.printed_projects[0].budget.total == 50


def test_indicators_under_the_tables_name_of_a_renamed_sheet(perf_master):
    projects = [project_row("就业补助资金", covers="就业补助项目", owner="张三")]
    _, _, data, findings = run(perf_master(projects=projects))
    assert places(findings, "perf-name-mismatch") == [("warning", "绩效指标!A4"), ("warning", "项目信息!A2")]
    assert "项目信息中这个项目叫“就业补助资金”" in next(f.message for f in findings if f.cell == "A4")
    assert len(findings) == 2
    assert len(data.printed_projects[0].indicators) == 4


def test_indicator_project_spelt_loosely(perf_master):
    rows = copy.deepcopy(INDICATORS)
    rows[2][0] = "就业补助（项目）"
    for r in rows[3:]:
        r[0] = None  # merged in the master: the name continues downwards
    _, _, data, findings = run(perf_master(indicators=rows))
    expect(findings, "perf-name-mismatch", WARNING, "绩效指标!A4", "写法不同")
    assert len(data.printed_projects[0].indicators) == 4  # the merged-cell carry-down works too


def test_unit_of_a_project_that_is_not_its_unit(perf_master):
    projects = [project_row("就业补助项目", owner="张三", unit="下属单位")]
    _, _, data, findings = run(perf_master(projects=projects))
    expect(findings, "perf-name-mismatch", ERROR, "项目信息!C2", "下属单位", "测试局", others_ok=True)
    assert data.projects[0].budget.total == 0


# -- perf-project-duplicate ------------------------------------------------------------------

def test_two_rows_for_one_project(perf_master):
    findings = findings_of(perf_master(projects=[*PROJECTS, PROJECTS[0]]))
    expect(findings, "perf-project-duplicate", ERROR, "项目信息!A3", "第 2 行")


def test_one_line_project_on_two_sheets(perf_master):
    projects = [*PROJECTS, project_row("就业补助二期", covers="就业补助项目")]
    findings = findings_of(perf_master(projects=projects))
    expect(findings, "perf-project-duplicate", ERROR, "项目信息!B3", "第 2 行", others_ok=True)


# -- perf-field-missing and merged cells -----------------------------------------------------

@pytest.mark.parametrize("column, place", [("三级指标", "绩效指标!D5"), ("指标值", "绩效指标!E5")])
def test_grid_cell_left_empty(perf_master, column, place):
    findings = findings_of(perf_master(indicators=indicators_with(3, **{column: None})))
    expect(findings, "perf-field-missing", ERROR, place, column)


def test_blank_level_cells_continue_the_row_above_like_merged_cells(perf_master):
    rows = indicators_with(3, 一级指标=None)  # 产出指标 continues from the row above
    rows[1][1] = None  # 部门整体's second row: 履职效能 continues, its own 二级 is given
    _, _, data, findings = run(perf_master(indicators=rows))
    assert findings == []
    assert data.printed_projects[0].indicators[1].level1 == "产出指标"
    assert data.department.indicators[1].level1 == "履职效能"


def test_level1_blank_at_the_start_of_a_project(perf_master):
    findings = findings_of(perf_master(indicators=indicators_with(2, 一级指标=None)))
    expect(findings, "perf-field-missing", ERROR, "绩效指标!B4", "一级指标")


def test_indicator_without_project_name_on_the_first_row(perf_master):
    rows = [INDICATORS[2][:], *INDICATORS]
    rows[0][0] = None
    findings = findings_of(perf_master(indicators=rows))
    expect(findings, "perf-field-missing", ERROR, "绩效指标!A2", "项目名称")


# -- perf-text-missing and perf-sheet-missing ------------------------------------------------

def test_project_owner_and_goal_missing(perf_master):
    projects = [project_row("就业补助项目", owner=None, goal="目标")]
    findings = findings_of(perf_master(projects=projects))
    expect(findings, "perf-text-missing", WARNING, "项目信息!D2", "项目负责人")


def test_contact_missing_from_basic_information(perf_master):
    info = {k: v for k, v in PERF_INFO.items() if k != "联系人"}
    findings = findings_of(perf_master(info=info))
    expect(findings, "perf-text-missing", WARNING, "基本信息", "联系人")


def test_master_without_indicator_sheet_warns_once_and_still_builds(perf_master, tmp_path):
    master, ts, data, findings = run(perf_master(omit=("绩效指标",)))
    expect(findings, "perf-sheet-missing", WARNING, "绩效指标")
    assert [p.name for p in data.printed_projects] == ["就业补助项目"]
    target = tmp_path / performance_output_name(ts)
    write_performance_workbook(master, ts, data, str(target))
    assert openpyxl.load_workbook(target).sheetnames == ["部门整体绩效目标表", "1.就业补助项目"]


def test_header_aliases_and_a_missing_column(perf_master, make_master):
    head = ["项目", "一级", "二级", "指标名称", "目标值", "指标设定依据", "上年值", "权重", "评分规则", "佐证材料"]
    path = make_master(info=PERF_INFO, extra_sheets={"项目信息": [PROJECT_HEAD, *PROJECTS],
                                                      "绩效指标": [head, *INDICATORS]})
    assert findings_of(path) == []
    head = [h for h in INDICATOR_HEAD if h != "分值权重"]
    rows = [[v for i, v in enumerate(r) if i != 7] for r in INDICATORS]
    path = make_master(info=PERF_INFO, extra_sheets={"项目信息": [PROJECT_HEAD, *PROJECTS],
                                                      "绩效指标": [head, *rows]})
    expect(findings_of(path), "column-missing", ERROR, "绩效指标!1:1", "分值权重", others_ok=True)


# -- amounts ---------------------------------------------------------------------------------

def test_department_funding_splits_upper_own_and_other(perf_master):
    lines = [*BASE_LINES,
             line(项目名称="中央补助", 资金来源="上级一般公共预算转移支付", 金额=30000),
             line(项目名称="中央补助", 资金来源="上年结转-一般公共预算", 金额=7000),
             line(项目名称="收费项目", 资金来源="事业收入", 金额=2000)]
    _, ts, data, _ = run(perf_master(lines=lines))
    f = data.department.funding
    assert (f.upper, f.own, f.other) == (300, 62, 90)  # 百元
    project = next(p for p in data.projects if p.name == "中央补助")
    assert (project.budget.total, project.budget.fiscal, project.budget.other) == (370, 300, 70)


def fixture_run(name):
    return run(FIXTURES / name / "master.xlsx")


def test_fixture_000_findings_match_the_documents_inconsistencies():
    _, _, data, findings = fixture_run("000_40205af73c47f1b3")
    assert {f.rule for f in findings} == {"perf-weight-total", "perf-name-mismatch",
                                         "perf-no-indicators", "perf-text-missing"}
    # golden: the 1,000.00 sheet's weights add up to 80 (it lacks the 社会效益指标 row)
    assert places(findings, "perf-weight-total") == [("error", "绩效指标!H16:H21")]
    # golden: all four sheets are printed under other names than 表7's
    assert places(findings, "perf-name-mismatch") == [("warning", f"项目信息!A{r}") for r in (2, 3, 4, 5)]
    # the 6.79 单位资金 project has no sheet in the document; its six carryover projects neither
    assert places(findings, "perf-no-indicators") == sorted(
        [("warning", "项目信息!A6")] + [("info", f"项目信息!A{r}") for r in range(7, 13)])
    assert places(findings, "perf-text-missing") == [("warning", "项目信息!D6"), ("warning", "项目信息!I6")]
    assert len(data.printed_projects) == 5


def test_fixture_001_findings_match_the_documents_inconsistencies():
    _, _, data, findings = fixture_run("001_6c762a47265865d0")
    # golden: the 就业见习 sheet is named '乌财社【2024】11号…' while 表7 says '高校毕业生及青年就业见习补贴'
    assert places(findings, "perf-name-mismatch") == [("warning", "项目信息!A5")]
    # golden: the two 乌财债 special-bond carryover projects have no sheet
    assert places(findings, "perf-no-indicators") == [("info", "项目信息!A8"), ("info", "项目信息!A9")]
    assert len(findings) == 3
    assert len(data.printed_projects) == 6


def test_fixture_003_findings_match_the_documents_inconsistencies():
    _, _, data, findings = fixture_run("003_1c0f00ae3f1a4bcd")
    # a sentence and a doubled unit printed as 指标值
    assert places(findings, "perf-value-unparsed") == [("warning", "绩效指标!E11"),
                                                       ("warning", "绩效指标!E71")]
    # the four carryover-only projects: no sheet, as published (8 sheets for 9 projects + these)
    assert places(findings, "perf-no-indicators") == [("info", f"项目信息!A{r}") for r in range(10, 14)]
    assert len(findings) == 6
    assert len(data.printed_projects) == 8


# The figures printed on the published sheets (年度预算总额, 其中：财政拨款, 其他资金).
PUBLISHED = {
    "000_40205af73c47f1b3": [("230.00", "230.00", "0.00"), ("1000.00", "1000.00", "0.00"),
                             ("87.75", "87.75", "0.00"), ("9.25", "9.25", "0.00")],
    "001_6c762a47265865d0": [("6411.57", "1534.00", "4877.57"), ("32.91", "11.10", "21.81"),
                             ("38.00", "18.81", "19.19"), ("132.60", "132.60", "0.00"),
                             ("396.70", "281.25", "115.45"), ("674.08", "333.93", "340.15")],
    "003_1c0f00ae3f1a4bcd": [("812.00", "812.00", "0.00"), ("24.30", "24.30", "0.00"),
                             ("2.00", "2.00", "0.00"), ("2.00", "2.00", "0.00"), ("3.00", "3.00", "0.00"),
                             ("80.00", "80.00", "0.00"), ("17.95", "17.95", "0.00"),
                             ("3452.95", "3452.95", "0.00")],
}


def wan(baiyuan: int) -> str:
    return f"{Decimal(baiyuan).scaleb(-2):.2f}"


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_fixture_project_amounts_are_the_published_ones(name):
    _, _, data, _ = fixture_run(name)
    got = [(wan(p.budget.total), wan(p.budget.fiscal), wan(p.budget.other))
           for p in data.printed_projects if p.indicators]
    assert got == PUBLISHED[name]


def test_fixture_001_department_funding_is_the_published_one():
    _, _, data, _ = fixture_run("001_6c762a47265865d0")
    f = data.department.funding
    assert (wan(f.upper), wan(f.own), wan(f.other), wan(f.total)) == (
        "2179.09", "864.24", "10374.17", "13417.50")


def _rows(ts, table):
    t = ts.tables.get(table)
    return [] if t is None else [(row, vals) for sec in t.sections for row, vals in sec.rows]


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_fixture_amounts_agree_with_the_tables(name):
    master, ts, data, _ = fixture_run(name)
    grand = next(v["amount"] for r, v in _rows(ts, "T_income_expense") if r.fixed_key == "income_grand_total")
    fiscal = next(v["amount"] for r, v in _rows(ts, "T_fiscal") if r.fixed_key == "fiscal_total")
    f = data.department.funding
    assert f.total == grand and f.fiscal == fiscal
    # 表7 holds this year's 一般公共预算 by project; fund and capital money have no project rows
    fund_or_capital = {ln.project for ln in master.lines if ln.source in FUND | CAPITAL}
    for p in data.projects:
        covers = set(p.info.covers)
        t7 = sum(v.get("total", 0) for r, v in _rows(ts, "T_gpb_project")
                 if r.kind == "project" and r.project in covers)
        carry = sum(v.get("total", 0) for r, v in _rows(ts, "T_carryover")
                    if r.kind == "project" and r.project in covers)
        if not covers & fund_or_capital:
            assert p.budget.fiscal == t7, p.name
        assert p.budget.carry_fiscal + p.budget.carry_other == carry, p.name
        assert p.budget.total == p.budget.fiscal + p.budget.other


# -- the workbook ----------------------------------------------------------------------------

def write_fixture(name, tmp_path):
    master, ts, data, _ = fixture_run(name)
    target = tmp_path / performance_output_name(ts)
    write_performance_workbook(master, ts, data, str(target))
    return target, data


def test_output_name():
    _, ts, _, _ = fixture_run("001_6c762a47265865d0")
    assert performance_output_name(ts) == "乌鲁木齐市米东区人力资源和社会保障局2024年单位绩效目标表.xlsx"


def test_sheet_names_are_valid_and_unique():
    long = "乌财企(2023)90号、乌财企(2022)54号-关于提前下达2024年国有企业退休人员社会化管理补助资金"
    names = [project_sheet_name(i, n) for i, n in enumerate(
        [long + "-自治区资金", long + "预算", "a[b]:c*d?e/f\\g", "'引号'"], start=1)]
    assert len({n.lower() for n in names}) == 4
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert names[2] == "3.abcdefg" and names[3] == "4.引号"


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_workbook_has_one_sheet_per_project_with_the_tables_amounts(name, tmp_path):
    target, data = write_fixture(name, tmp_path)
    wb = openpyxl.load_workbook(target)
    projects = data.printed_projects
    assert wb.sheetnames[0] == data.department.title
    assert len(wb.sheetnames) == 1 + len(projects)
    for ws, p in zip(wb.worksheets[1:], projects):
        assert ws["A1"].value == "项目支出绩效目标表"
        assert ws["C4"].value == p.name and ws["I4"].value == (p.info.owner or None)
        assert [ws["D5"].value, ws["F5"].value, ws["I5"].value] == [
            float(Decimal(x).scaleb(-2)) for x in (p.budget.total, p.budget.fiscal, p.budget.other)]
        assert ws["D5"].number_format == "#,##0.00"
        assert [ws.cell(r, 3).value for r in range(8, 8 + len(p.indicators))] == [
            i.level3 for i in p.indicators]
        # indicator values are text, never formulas (=100%)
        assert all(ws.cell(r, 4).data_type == "s" for r in range(8, 8 + len(p.indicators)))
        setup = ws.page_setup
        assert (setup.paperSize, setup.orientation, setup.fitToHeight) == (9, "portrait", 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1)
        assert ws.print_title_rows == "$7:$7"
        assert "&P" in ws.oddFooter.center.text
    dept = wb.worksheets[0]
    f = data.department.funding
    assert [dept["E7"].value, dept["E8"].value, dept["E9"].value, dept["E10"].value] == [
        float(Decimal(x).scaleb(-2)) for x in (f.upper, f.own, f.other, f.total)]


def test_workbook_merges_level_cells_like_the_published_sheets(tmp_path):
    target, data = write_fixture("003_1c0f00ae3f1a4bcd", tmp_path)
    wb = openpyxl.load_workbook(target)
    ws = wb.worksheets[1]  # 2025年中央财政稳岗就业…: 产出 5 rows (数量, 质量, 时效 ×3), 成本, 效益 ×2, 满意度
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A8:A12", "B10:B12", "A14:A15", "B14:B15"} <= merged
    assert not any(r.startswith(("A13:", "B8:", "A16:")) for r in merged)
    assert ws["A8"].value == "产出指标" and ws["B10"].value == "时效指标"
    dept = wb.worksheets[0]
    dmerged = {str(r) for r in dept.merged_cells.ranges}
    assert {"A12:A15", "B12:B13", "B14:B15", "A6:B10", "C7:C8"} <= dmerged
    assert dept["A1"].value == "部门整体绩效目标表" and dept["A2"].value == "（2026年）"


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    master, ts, data, _ = fixture_run("001_6c762a47265865d0")
    target = tmp_path / "out.xlsx"
    from xltools.writers import performance_workbook as writer

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_project", broken)
    with pytest.raises(RuntimeError):
        write_performance_workbook(master, ts, data, str(target))
    assert list(tmp_path.iterdir()) == []


# -- LibreOffice rendering -------------------------------------------------------------------

def _tool(name: str) -> str:
    """A poppler tool; like LibreOffice, a missing one skips locally but fails under CI=true."""
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {name} (poppler-utils) is not installed")
    pytest.skip(f"{name} (poppler-utils) is not installed: apt-get install poppler-utils")


def test_workbook_renders_on_a4_with_every_project_name(soffice, tmp_path):
    from xltools.office import to_pdf

    target, data = write_fixture("001_6c762a47265865d0", tmp_path)
    pdf = tmp_path / "out.pdf"
    to_pdf(str(target), str(pdf))
    info = subprocess.run([_tool("pdfinfo"), "-f", "1", "-l", "100", str(pdf)],
                          capture_output=True, text=True, check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    # one A4 portrait page per sheet: fit to one page wide, and these grids are short
    assert len(sizes) == 1 + len(data.printed_projects)
    assert all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in sizes)
    text = subprocess.run([_tool("pdftotext"), "-raw", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for p in data.printed_projects:
        assert "".join(p.name.split()) in flat, p.name
    assert "部门整体绩效目标表" not in flat  # a 单位 prints 单位整体绩效目标表
    assert "单位整体绩效目标表" in flat and "13,417.50" in flat


def test_many_sheets_workbook_keeps_excels_sheet_name_rules(tmp_path):
    from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

    from xltools.writers.performance_workbook import ManySheetsWorkbook

    wb = ManySheetsWorkbook(str(tmp_path / "names.xlsx"), {"in_memory": True})
    wb.add_worksheet("1.就业补助")
    wb.add_worksheet()  # a default name is still given and remembered
    with pytest.raises(DuplicateWorksheetName):
        wb.add_worksheet("sheet2")
    with pytest.raises(DuplicateWorksheetName):
        wb.add_worksheet("1.就业补助")
    for bad in ("a" * 32, "a/b", "'quoted'"):
        with pytest.raises(InvalidWorksheetName):
            wb.add_worksheet(bad)
    wb.close()
    assert openpyxl.load_workbook(tmp_path / "names.xlsx").sheetnames == ["1.就业补助", "Sheet2"]

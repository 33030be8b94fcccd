"""Acceptance (issue 12): masters of departments other than 人社局, written as accountants
write them — bare codes, no names, some typed as numbers — build on the built-in lists alone.

Every 类/款/项 row of every table must carry the list's name (never an empty label, never
the code standing in for its name), the build must find no error, and the identities must
hold.  Each department is read, checked and tabled through the pipeline functions; one
master is also built end to end with ``xltools build``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import write_master
from xltools import dictionaries
from xltools.findings import Severity
from xltools.pipeline import check_master, tables_with_checks, usable
from xltools.reader import read_master
from xltools.writers.tables_json import tables_dict

YEARS = (2024, 2026)

# Personnel lines every department has: salaries, the pension and medical contributions, the
# housing fund and a little 公用经费.
_PERSONNEL = [
    ("人员经费", "30101", 412_300), ("人员经费", "30102", 188_640), ("人员经费", "30107", 96_000),
    ("人员经费", "30112", 5_210.5), ("公用经费", "30201", 24_000), ("公用经费", "30211", 8_000),
    ("公用经费", "30228", 7_420), ("公用经费", "30231", 12_000),
]
_COMMON = [
    (2080505, "人员经费", "30108", 82_460.16), (2080506, "人员经费", "30109", 32_984.06),
    ("2101101", "人员经费", "30110", 41_230), ("2210201", "人员经费", "30113", 49_476),
]

# department → (its own 项 codes for 基本支出, [(项, 经济, 项目名称, 金额), ...] for 项目支出)
DEPARTMENTS: dict[str, tuple[list, list]] = {
    "教育局": (["2050101", 2050202], [
        ("2050201", "30227", "公办幼儿园保教费补助", 350_000),
        (2050202, "30201", "义务教育公用经费", 1_200_000),
        ("2050203", "30309", "初中学生营养改善计划", 420_000),
        ("2050204", "30308", "普通高中国家助学金", 186_000),
        ("2050803", "30216", "教师全员培训", 90_000),
        ("2059999", "30299", "校园安全保障", 60_000),
    ]),
    "卫生健康委员会": (["2100101", "2100302"], [
        ("2100201", "31002", "县人民医院设备购置", 2_500_000),
        ("2100202", "30227", "中医院中医药传承项目", 300_000),
        ("2100301", "30218", "社区卫生服务中心药品配备", 150_000),
        ("2100302", "30218", "乡镇卫生院能力提升", 600_000),
        ("2100401", "30218", "疫苗冷链运转", 80_000),
        ("2100408", "30227", "基本公共卫生服务项目", 1_800_000),
        ("2100409", "30227", "重大公共卫生服务项目", 240_000),
        ("2100717", "30305", "计划生育家庭奖励扶助", 510_000),
    ]),
    "公安局": (["2040201", "2040250"], [
        ("2040219", "31007", "视频监控平台升级", 900_000),
        ("2040220", "30299", "执法办案经费", 640_000),
        ("2040299", "30226", "辅警劳务费", 1_300_000),
    ]),
    "农业农村局": ([2130101, "2130104"], [
        ("2130106", "30227", "基层农技推广补助", 220_000),
        ("2130122", "30227", "高标准农田管护", 1_000_000),
        ("2130126", "30299", "农村人居环境整治", 400_000),
        ("2130505", "31005", "衔接资金产业发展", 3_000_000),
        ("2130705", "30305", "村干部报酬补助", 1_560_000),
    ]),
    "水利局": (["2130301", "2130304"], [
        ("2130305", "31005", "灌区续建配套", 2_000_000),
        ("2130306", "30213", "水库运行维护", 350_000),
        ("2130314", "30299", "防汛物资储备", 120_000),
        ("2130335", "31005", "农村饮水安全巩固提升", 800_000),
    ]),
    "交通运输局": (["2140101"], [
        ("2140104", "31005", "农村公路建设", 5_000_000),
        ("2140106", "30213", "公路日常养护", 900_000),
        ("2140112", "30299", "道路运输管理", 60_000),
        ("2149901", "31204", "城市公交运营补贴", 1_100_000),
    ]),
    "应急管理局": (["2240101", "2240150"], [
        ("2240106", "30227", "安全生产执法检查", 150_000),
        ("2240108", "30218", "应急救援物资", 260_000),
        ("2240204", "30218", "消防救援装备", 400_000),
        ("2240601", "30227", "地质灾害隐患排查", 180_000),
        ("2240703", "30305", "受灾群众生活补助", 300_000),
    ]),
    # 党政机关: a 县委 and 县政府 budget with its offices as units would be several masters;
    # one 部门 spending on several 201 款 is the same test of the lists.
    "县委办公室": (["2013101", "2013150", "2010301"], [
        ("2013105", "30299", "机要保密工作", 90_000),
        ("2010302", "30215", "县政府常务会议", 30_000),
        ("2010308", "30299", "信访接待", 50_000),
        ("2011104", "30299", "纪检监察办案", 120_000),
        ("2013202", "30216", "干部教育培训", 200_000),
        ("2013816", "30218", "食品安全抽检", 160_000),
        ("2010601", "30299", "财政评审", 40_000),
    ]),
    "文化体育和旅游局": (["2070101", "2070104"], [
        ("2070109", "30227", "送戏下乡", 140_000),
        ("2070204", "30213", "文物保护单位修缮", 500_000),
        ("2070307", "30213", "全民健身中心运维", 200_000),
        ("2070113", "30299", "旅游宣传推介", 100_000),
    ]),
    "住房和城乡建设局": (["2120101", "2120104"], [
        ("2120201", "30227", "国土空间详细规划编制", 300_000),
        ("2120501", "30226", "城区环卫保洁", 2_400_000),
        ("2210105", "30305", "农村危房改造补助", 700_000),
        ("2210108", "31005", "老旧小区改造", 3_500_000),
    ]),
    "生态环境局": (["2110101"], [
        ("2110301", "30218", "大气污染防治", 260_000),
        ("2110302", "30227", "河湖水质监测", 180_000),
        ("2111101", "30227", "环境监测站运行", 90_000),
    ]),
    "科学技术局": (["2060101"], [
        ("2060702", "30299", "科技活动周", 40_000),
        ("2060404", "31204", "科技成果转化奖补", 500_000),
    ]),
}


def lines_of(department: str) -> list[dict]:
    basic_codes, projects = DEPARTMENTS[department]
    lines = []
    for code in basic_codes:
        for kind, econ, amount in _PERSONNEL:
            lines.append({"功能分类科目": code, "经济分类科目": econ, "支出类型": kind,
                          "资金来源": "一般公共预算", "金额": amount})
    for code, kind, econ, amount in _COMMON:
        lines.append({"功能分类科目": code, "经济分类科目": econ, "支出类型": kind,
                      "资金来源": "一般公共预算", "金额": amount})
    for i, (code, econ, project, amount) in enumerate(projects):
        source = "上级一般公共预算转移支付" if i % 3 == 1 else "一般公共预算"
        lines.append({"功能分类科目": code, "经济分类科目": econ, "支出类型": "项目支出",
                      "项目名称": project, "资金来源": source, "金额": amount})
    return lines


def write_department(tmp_path, department: str, year: int):
    info = {"预算年度": year, "单位名称": f"某县{department}", "公开口径": "部门",
            "金额单位": "元"}
    return write_master(tmp_path / f"{department}{year}.xlsx", info=info,
                        lines=lines_of(department))


def coded_rows(tables: dict):
    """(table, code, label) of every 类/款/项 and 经济分类 row the tables print."""
    for key, table in tables["tables"].items():
        for part in ("rows", "expense_rows"):
            for row in table.get(part) or []:
                if row.get("code") and row.get("kind") != "project":
                    yield key, row["code"], row["label"]


def test_departments_cover_ten_classes():
    classes = {str(code)[:3] for basic, projects in DEPARTMENTS.values()
               for code in [*basic, *(p[0] for p in projects)]}
    assert {"201", "204", "205", "210", "213", "214", "224"} <= classes
    assert len(classes) >= 10, sorted(classes)


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("department", sorted(DEPARTMENTS))
def test_department_builds_with_every_row_named(tmp_path, department, year):
    master = read_master(str(write_department(tmp_path, department, year)))
    errors = [f for f in master.findings if f.severity is Severity.ERROR]
    assert not errors, [(f.rule, f.place, f.message) for f in errors]
    assert usable(master)

    ts, findings = tables_with_checks(master)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    assert not errors, [(f.rule, f.place, f.message) for f in errors]

    tables = tables_dict(ts)
    func, econ = dictionaries.func_names(year), dictionaries.econ_names(year)
    printed = list(coded_rows(tables))
    written = {str(c) for c, *_ in DEPARTMENTS[department][1]}
    assert written <= {code for _, code, _ in printed}  # the 项 lines are in the tables
    for table, code, label in printed:
        assert label and label.strip() == label, (table, code, label)
        assert label != code and not label.startswith(code), (table, code, label)
        names = econ if code.startswith("3") else func
        assert label == names[code], (table, code, label, names.get(code))
    # each 项 printed comes with its 款 and 类 in the same table
    by_table: dict[str, set[str]] = {}
    for table, code, _ in printed:
        by_table.setdefault(table, set()).add(code)
    for table, codes in by_table.items():
        for code in codes:
            if code.startswith("2") and len(code) == 7:
                assert {code[:3], code[:5]} <= codes, (table, code)


@pytest.mark.parametrize("year", YEARS)
def test_check_finds_no_error(tmp_path, year):
    master = read_master(str(write_department(tmp_path, "卫生健康委员会", year)))
    errors = [f for f in check_master(master) if f.severity is Severity.ERROR]
    assert not errors, [(f.rule, f.place, f.message) for f in errors]


@pytest.mark.parametrize("year", YEARS)
def test_xltools_build_of_an_education_bureau(tmp_path, year):
    path = write_department(tmp_path, "教育局", year)
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "xltools", "build", str(path), "-o", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "校验通过" in run.stdout, run.stdout
    assert (out / f"某县教育局{year}年部门预算公开表.xlsx").exists()

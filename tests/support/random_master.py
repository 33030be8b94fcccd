"""Random but realistic masters for property tests and benchmarks."""

from __future__ import annotations

import random

from xltools.model import Info, Line, Master
from xltools.sources import EXPENSE_TYPES, NAMES as SOURCES

FUNC_CODES = ("2010101", "2010301", "2050303", "2080101", "2080105", "2080150", "2080199",
              "2080501", "2080505", "2080506", "2080704", "2080705", "2080799", "2101101",
              "2101102", "2101103", "2130899", "2210201", "2230105", "2290402")
PERSONNEL_ECON = ("30101", "30102", "30103", "30107", "30108", "30109", "30110", "30112",
                  "30113", "30199", "30302", "30305", "30399")
PUBLIC_ECON = ("30201", "30202", "30205", "30206", "30211", "30212", "30216", "30217",
               "30226", "30227", "30228", "30231", "30299", "31002", "31013")
PROJECT_ECON = PERSONNEL_ECON + PUBLIC_ECON + ("30905", "31204", "39999")


def random_lines(rng: random.Random, n: int, units: int = 3, projects: int = 12,
                 max_fen: int = 5_000_000_00) -> list[Line]:
    unit_names = [f"测试单位{i}" for i in range(units)]
    project_names = [f"项目{i:03d}" for i in range(projects)]
    lines = []
    for row in range(2, n + 2):
        type_ = rng.choice(EXPENSE_TYPES)
        econ = rng.choice({"人员经费": PERSONNEL_ECON, "公用经费": PUBLIC_ECON}.get(type_, PROJECT_ECON))
        project = rng.choice(project_names) if type_ == "项目支出" else None
        amount = rng.randint(1, max_fen) if rng.random() > 0.02 else 0
        lines.append(Line(row, rng.choice(unit_names), rng.choice(FUNC_CODES), econ, type_,
                          project, rng.choice(SOURCES), amount))
    return lines


def make_master(lines, func_names, econ_names, kind="部门", profile="2026", year=2026,
                income_columns=12) -> Master:
    info = Info(year, "测试部门", kind, "元", profile, None, income_columns, 90)
    return Master("<random>", info, tuple(lines), func_names, econ_names, ())

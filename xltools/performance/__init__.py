"""绩效目标表: the 部门整体绩效目标表 and one 项目支出绩效目标表 per project.

``build(master, ts)`` reads 项目信息 and 绩效指标, ties them to the 收支明细 projects, takes the
money from the TableSet's rounded lines and returns the sheets' data with every finding.
The workbook is written by xltools.writers.performance_workbook.
"""

from __future__ import annotations

from ..findings import Finding
from ..model import Master
from ..tables.engine import TableSet
from .amounts import department_funding, project_budgets
from .checks import check
from .link import Linked, link
from .model import (Budget, DepartmentFunding, DepartmentSheet, Indicator, ParsedValue,
                    PerformanceData, ProjectInfo, ProjectSheet)
from .read import SheetData, overall_text, read_performance

__all__ = ["build", "read_and_link", "Budget", "DepartmentFunding", "DepartmentSheet", "Indicator", "ParsedValue",
           "PerformanceData", "ProjectInfo", "ProjectSheet"]


def read_and_link(master: Master) -> tuple[SheetData, Linked]:
    """项目信息 and 绩效指标 read and tied to the 收支明细 projects: the 绩效目标表 and the
    情况说明 both need them (a second or so at 1,000,000 lines: give them to both builds)."""
    sheets = read_performance(master)
    return sheets, link(master, sheets)


def build(master: Master, ts: TableSet, linked: tuple[SheetData, Linked] | None = None
          ) -> tuple[PerformanceData, list[Finding]]:
    """The performance sheets of a master whose tables are ``ts`` (build_tables(master));
    ``linked``: ``read_and_link(master)`` when the caller has it."""
    sheets, linked = linked or read_and_link(master)
    budgets = project_budgets(ts)
    projects = []
    for p in linked.projects:
        budget = sum((budgets.get(key, Budget()) for key in p.keys), Budget())
        units = sorted({unit for unit, _ in p.keys})
        unit = p.info.unit or (units[0] if len(units) == 1 else ts.entity)
        projects.append(ProjectSheet(p.info, unit, budget, p.indicators))
    text = overall_text(master)
    overall = DepartmentSheet(ts.entity, ts.kind, text.contact, text.phone, text.goal,
                              department_funding(ts), linked.overall)
    data = PerformanceData(ts.year, ts.entity, ts.kind, master.info.weight_total, overall,
                           tuple(projects))
    findings = [*sheets.findings, *linked.findings, *check(data, sheets, master)]
    return data, findings

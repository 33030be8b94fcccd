"""The 绩效目标表 as Word tables: the cells and merges of the 绩效目标表 workbook, in the
document where the reference documents print them (第三部分, after 预算绩效情况).

Column widths, headings and the blank grid come from performance_workbook.py, so the two
outputs cannot drift apart; money is 万元 with two decimals and 0.00 printed, as published.
"""

from __future__ import annotations

from decimal import Decimal

from ..performance.model import DepartmentSheet, Indicator, ProjectSheet
from .docx_table import Cell
from .performance_workbook import (BLANK_ROWS, OVERALL_HEAD, OVERALL_WIDTHS, PROJECT_HEAD,
                                   PROJECT_WIDTHS, _number, _runs)
from .publication_tables import HEAD, NUMBER, TEXT

CENTER = "center"


def money(baiyuan: int) -> str:
    return f"{Decimal(baiyuan).scaleb(-2):,.2f}"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)):
        return str(_number(value))
    return str(value)


def _label(text: str, span: int = 1, vmerge: str | None = None) -> Cell:
    return Cell(text, CENTER, span, vmerge)


def _grid(head: tuple[str, ...], indicators: tuple[Indicator, ...], full: bool) -> list[list[Cell]]:
    rows = [[Cell(h, HEAD) for h in head]]
    if not indicators:
        return rows + [[Cell("", TEXT) for _ in head] for _ in range(BLANK_ROWS)]
    first = [None] * len(indicators)
    second = [None] * len(indicators)
    for a, b in _runs([ind.level1 for ind in indicators]):
        for i in range(a, b + 1):
            first[i] = "restart" if i == a and b > a else "continue" if i > a else None
    for a, b in _runs([(ind.level1, ind.level2) for ind in indicators]):
        for i in range(a, b + 1):
            second[i] = "restart" if i == a and b > a else "continue" if i > a else None
    for i, ind in enumerate(indicators):
        rest = [ind.level3, ind.value, ind.basis]
        rest += [ind.last_year, ind.weight, ind.scoring, ind.evidence] if full else [ind.weight]
        # plain tuples in Cell's order: some 300,000 cells at 1,000,000 lines
        rows.append([(ind.level1, CENTER, 1, first[i], False), (ind.level2, CENTER, 1, second[i], False),
                     (_text(rest[0]), TEXT, 1, None, False), *[(_text(v), CENTER, 1, None, False) for v in rest[1:]]])
    return rows


def overall_rows(sheet: DepartmentSheet) -> tuple[list[float], list[list[Cell]]]:
    who, f = sheet.kind, sheet.funding
    rows = [
        [_label(f"{who}名称（盖章）", 2), Cell(sheet.entity, TEXT, span=4)],
        [_label(f"{who}联系人", 2), _label(sheet.contact), _label("联系电话"), _label(sheet.phone, 2)],
        [_label("年度绩效目标", 2), Cell(sheet.goal, TEXT, span=4)],
        [_label("年度预算（万元）", 2, "restart"), Cell("资金来源", HEAD, span=2),
         Cell("资金总额（万元）", HEAD, span=2)],
        [_label("", 2, "continue"), _label("财政资金（万元）", vmerge="restart"), _label("上级安排"),
         Cell(money(f.upper), NUMBER, span=2)],
        [_label("", 2, "continue"), _label("", vmerge="continue"), _label("本级安排"),
         Cell(money(f.own), NUMBER, span=2)],
        [_label("", 2, "continue"), _label("其他资金（万元）"), _label("其他"),
         Cell(money(f.other), NUMBER, span=2)],
        [_label("", 2, "continue"), _label("合计", 2), Cell(money(f.total), NUMBER, span=2)],
    ]
    return list(OVERALL_WIDTHS), rows + _grid(OVERALL_HEAD, sheet.indicators, full=False)


# The labels every project's table repeats (thousands of tables): made once.
_UNIT, _NAME, _OWNER = _label("预算单位", 2), _label("项目名称", 2), _label("项目负责人", 2)
_MONEY, _TOTAL, _FISCAL = _label("项目资金（万元）", 2), _label("年度预算总额"), _label("其中：财政拨款")
_OTHER, _GOAL = _label("其他资金", 2), _label("项目总体目标", 2)


def project_rows(project: ProjectSheet) -> tuple[list[float], list[list[Cell]]]:
    info, b = project.info, project.budget
    rows = [
        [_UNIT, Cell(project.unit, TEXT, 7)],
        [_NAME, Cell(project.name, TEXT, 4), _OWNER, _label(info.owner)],
        [_MONEY, _TOTAL, Cell(money(b.total), NUMBER), _FISCAL, Cell(money(b.fiscal), NUMBER), _OTHER,
         Cell(money(b.other), NUMBER)],
        [_GOAL, Cell(info.goal, TEXT, 7)],
    ]
    return list(PROJECT_WIDTHS), rows + _grid(PROJECT_HEAD, project.indicators, full=True)

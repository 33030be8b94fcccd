"""Every figure the narrative quotes, read from the TableSet in 百元 (0.01 万元) integers.

The narrative never sums lines again: it quotes table cells, so "every amount equals its
table figure" holds by construction.  Where it quotes a figure no single cell holds, the
figure is a sum of cells (a project that spans two 项 in 表7) or of the rounded line groups
the tables themselves add up (the 预算绩效 project money), never a fresh rounding.
Shares and changes are exact: integer arithmetic, rounded half-up once, to 0.01%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping

from ..money import half_up_div
from ..performance.atom_sums import AtomColumns
from ..sources import BY_NAME
from ..tables.engine import TableResult, TableSet
from .matters import Matters


@dataclass(frozen=True, slots=True)
class Item:
    code: str | None
    label: str
    amount: int


@dataclass(frozen=True, slots=True)
class Project:
    unit: str | None  # the unit row it is printed under (a 部门's tables), else None
    name: str
    amount: int


@dataclass(frozen=True)
class Family:
    """表8 政府性基金 or 表9 国有资本经营: total row, 类 rows and 项 rows."""

    key: str
    total: Mapping[str, int]  # total, personnel, public, project
    classes: tuple[Item, ...]
    items: Mapping[str, Item]  # 7-digit code → 项


@dataclass(frozen=True)
class Carryover:
    total: Mapping[str, int]  # the 总计 row of the 结转 table
    rows: tuple[Item | Project, ...]  # unit rows (Item, code None) and project rows, in order


@dataclass(frozen=True)
class TableRef:
    no: int
    title: str
    empty: bool


@dataclass(frozen=True)
class Figures:
    income: Mapping[str, int]  # 表1 income rows by key
    expense_classes: tuple[Item, ...]  # 表1 expense 类 with money
    expense: Mapping[str, int]  # 表3 总计: total, basic, project
    fiscal_income: Mapping[str, int]  # 表4 income rows by key
    fiscal_classes: tuple[tuple[Item, Mapping[str, int]], ...]  # 表4 类 rows: gpb, fund, capital
    gpb: Mapping[str, int]  # 表5 总计: total, basic, project
    gpb_classes: tuple[Item, ...]
    gpb_items: Mapping[str, Item]  # 表5 项
    gpb_basic: Mapping[str, int]  # 表6 总计: total, personnel, public
    personnel_econ: tuple[str, ...]  # 表6 款 names with 人员经费, in code order
    public_econ: tuple[str, ...]
    gpb_projects: tuple[Project, ...]  # 表7 projects (a project over several 项 summed)
    fund: Family
    capital: Family
    three_public: Mapping[str, int]  # 表10 合计 column by row key
    entrusted: tuple[Project, ...] | None  # 委托业务费 table rows; None: the 表样 has no such table
    entrusted_total: int
    carryover: Carryover | None  # None: the 结转 table is not published
    fiscal_projects: tuple[int, int]  # projects with this year's 财政拨款: count, amount
    other_projects: tuple[int, int]  # projects with this year's 财政专户/单位资金: count, amount
    public_total: int  # 表6 公用经费 合计, the default 机关运行经费
    tables: tuple[TableRef, ...]
    empty_notes: Mapping[str, str | None]  # table key → its 空表 sentence (None: has figures)


def share(amount: int, base: int) -> Decimal:
    """amount ÷ base in percent, half-up to 0.01 (exact integer arithmetic)."""
    return Decimal(half_up_div(amount * 10_000, base)).scaleb(-2) if base else Decimal("0.00")


def tree_items(table: TableResult) -> dict[str, int]:
    """项 code → 合计 of a 功能分类 tree table (表5, 表8, 表9)."""
    return {row.code: vals.get("total", 0) for row, vals in table.section("rows").rows
            if row.kind == "class" and row.code and len(row.code) == 7}


def running_cost(ts: TableSet, matters: Matters) -> int:
    """机关运行经费: 其他事项 when given, else 表6's 公用经费 合计 (every document seen)."""
    given = matters.get("机关运行经费")
    if given is not None:
        return given.value
    return _total(ts.tables["T_gpb_basic"]).get("public", 0)


def build_figures(ts: TableSet) -> Figures:
    t = ts.tables
    income = {r.fixed_key: v.get("amount", 0) for r, v in t["T_income_expense"].section("income_rows").rows}
    expense_classes = tuple(
        Item(r.code, r.label, v["amount"]) for r, v in t["T_income_expense"].section("expense_rows").rows
        if r.code and v.get("amount"))
    fiscal_income = {r.fixed_key: v.get("amount", 0) for r, v in t["T_fiscal"].section("income_rows").rows}
    fiscal_classes = tuple(
        (Item(r.code, r.label, v["total"]), MappingProxyType(dict(v)))
        for r, v in t["T_fiscal"].section("expense_rows").rows if r.code and v.get("total"))
    gpb_rows = t["T_gpb"].section("rows").rows
    basic_rows = t["T_gpb_basic"].section("rows").rows
    return Figures(
        income=MappingProxyType(income),
        expense_classes=expense_classes,
        expense=_total(t["T_expense"]),
        fiscal_income=MappingProxyType(fiscal_income),
        fiscal_classes=fiscal_classes,
        gpb=_total(t["T_gpb"]),
        gpb_classes=tuple(Item(r.code, r.label, v["total"]) for r, v in gpb_rows
                          if r.kind == "class" and len(r.code) == 3 and v.get("total")),
        gpb_items=MappingProxyType({r.code: Item(r.code, r.label, v["total"]) for r, v in gpb_rows
                                    if r.kind == "class" and len(r.code) == 7 and v.get("total")}),
        gpb_basic=_total(t["T_gpb_basic"]),
        personnel_econ=tuple(r.label for r, v in basic_rows
                             if r.kind == "class" and len(r.code) == 5 and v.get("personnel")),
        public_econ=tuple(r.label for r, v in basic_rows
                          if r.kind == "class" and len(r.code) == 5 and v.get("public")),
        gpb_projects=_projects(t["T_gpb_project"]),
        fund=_family(t["T_gov_fund"]),
        capital=_family(t["T_state_capital"]),
        three_public=MappingProxyType({r.fixed_key: v.get("total", 0)
                                       for r, v in t["T_three_public"].section("rows").rows}),
        entrusted=_projects(t["T_entrusted"]) if "T_entrusted" in t else None,
        entrusted_total=_total(t["T_entrusted"]).get("total", 0) if "T_entrusted" in t else 0,
        carryover=_carryover(t["T_carryover"]) if "T_carryover" in t else None,
        fiscal_projects=_project_money(ts, lambda s: s.current_fiscal),
        other_projects=_project_money(ts, lambda s: s.family in ("special", "unit")),
        public_total=_total(t["T_gpb_basic"]).get("public", 0),
        tables=tuple(TableRef(x.no, x.title, x.empty) for x in t.values()),
        empty_notes=MappingProxyType({k: x.empty_note for k, x in t.items()}),
    )


def _total(table: TableResult) -> Mapping[str, int]:
    for row, vals in table.section("rows").rows:
        if row.kind == "total":
            return MappingProxyType(dict(vals))
    return MappingProxyType({})


def _projects(table: TableResult) -> tuple[Project, ...]:
    """Project rows of a table, one per (unit, project), amounts summed over its 项 rows."""
    order: list[tuple[str | None, str]] = []
    amounts: dict[tuple[str | None, str], int] = {}
    for row, vals in table.section("rows").rows:
        if row.kind != "project":
            continue
        key = (row.unit, row.project)
        if key not in amounts:
            order.append(key)
            amounts[key] = 0
        amounts[key] += vals.get("total", 0)
    return tuple(Project(unit, name, amounts[(unit, name)]) for unit, name in order
                 if amounts[(unit, name)])


def _family(table: TableResult) -> Family:
    rows = table.section("rows").rows
    return Family(
        table.key, _total(table),
        tuple(Item(r.code, r.label, v["total"]) for r, v in rows
              if r.kind == "class" and len(r.code) == 3 and v.get("total")),
        MappingProxyType({r.code: Item(r.code, r.label, v["total"]) for r, v in rows
                          if r.kind == "class" and len(r.code) == 7 and v.get("total")}))


def _carryover(table: TableResult) -> Carryover:
    rows: list[Item | Project] = []
    for row, vals in table.section("rows").rows:
        if row.kind == "unit" and vals.get("total"):
            rows.append(Item(None, row.label, vals["total"]))
        elif row.kind == "project" and vals.get("total"):
            rows.append(Project(row.unit, row.project, vals["total"]))
    return Carryover(_total(table), tuple(rows))


def _project_money(ts: TableSet, wanted) -> tuple[int, int]:
    """Projects with money of the wanted sources this year: how many, and how much.

    The rounded line groups are the ones every table adds up, so the amount agrees to the
    0.01 万元 with the tables (表5 + 表8 + 表9 project totals for 财政拨款)."""
    money = AtomColumns(ts).by_project(lambda source: 0 if wanted(BY_NAME[source]) else -1, 1)
    funded = [v for v, in money.values() if v]
    return len(funded), sum(funded)

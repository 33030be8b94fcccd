"""The money of the 绩效目标表, from the rounded line groups of the TableSet.

Summing the same rounded atoms the tables sum makes a project's 年度预算总额 equal its 表7
rows (this year's 一般公共预算) plus its 表12 row (carryover) plus its other sources, to the
0.01 万元 — rounding the project's own lines again could differ by a cent.

How the 部门整体 年度预算 splits (the published documents disagree):
- 上级安排 = this year's 上级一般公共预算/政府性基金/国有资本经营预算转移支付 — the 上级…转移支付
  sources, as 001 prints (上级资金 2,179.09 = 1,845.16 + 333.93).
- 本级安排 = this year's own 一般公共预算, 政府性基金预算 and 国有资本经营预算.
- 其他资金 = 财政专户, 单位资金 and every 上年结转, fiscal or not.  The master records which
  budget a carryover came from but not whether it was 上级 or 本级 money, so it cannot honestly
  go under either; 001 prints its whole 上年结转 as 其他 (10,374.17) and every project sheet
  prints carryover as 其他资金.  003 adds its carryover to 本级安排 although it is 中央 money,
  and 000 lumps 上级 transfers and carryover into 本级安排 — both listed as inconsistencies.
"""

from __future__ import annotations

from ..sources import BY_NAME
from ..tables.engine import TableSet
from .atom_sums import AtomColumns
from .model import Budget, DepartmentFunding

_UPPER = frozenset({"上级一般公共预算转移支付", "上级政府性基金转移支付", "上级国有资本经营预算转移支付"})


def _column(source: str) -> int:
    """Which of Budget's amounts a source's money goes to, in Budget's order."""
    s = BY_NAME[source]
    if s.current_fiscal:
        return 0
    if s.family == "carry_fiscal":
        return 2
    if s.family == "carry_nonfiscal":
        return 3
    return 1


def project_budgets(ts: TableSet) -> dict[tuple[str, str], Budget]:
    """(unit, 收支明细 项目名称) → its money, for every project with lines."""
    return {key: Budget(*sums) for key, sums in AtomColumns(ts).by_project(_column, 4).items()}


def department_funding(ts: TableSet) -> DepartmentFunding:
    def column(source: str) -> int:
        return 0 if source in _UPPER else 1 if BY_NAME[source].current_fiscal else 2
    return DepartmentFunding(*AtomColumns(ts).by_source(column, 3))

"""The performance-target sheets (绩效目标表) as immutable data.

Amounts are integers of 百元 (0.01 万元, the last digit a sheet prints), taken from the
rounded line groups of the TableSet, so a sheet's figures are the tables' figures.
Weights are Decimals: they are scores, not money, and may be fractional (7.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The word 绩效指标.项目名称 uses for the 部门整体绩效目标表 (master-workbook.md).
OVERALL = "部门整体"


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """指标值 split into its parts.

    kind: "number" (≥510人: op ">=", number 510, unit 人), "date" (2026年12月10日前: op "<=",
    date "2026-12-10"), "text" (a 定性 value such as 有所提升) or "unparsed".
    """

    kind: str
    op: str | None = None
    number: Decimal | None = None
    unit: str = ""
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    """One 绩效指标 row; ``row`` is the worksheet row (1-based) for messages."""

    row: int
    owner: str  # 项目名称 as written (after merged cells are carried down)
    level1: str
    level2: str
    level3: str
    value: str
    parsed: ParsedValue
    basis: str
    last_year: str
    weight: Decimal | None  # None: blank or not a number (reported)
    scoring: str
    evidence: str


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    """One 项目信息 row, or a 收支明细 project no row names (``row`` None, texts blank)."""

    row: int | None
    name: str
    covers: tuple[str, ...]  # the 收支明细 项目名称 this sheet covers
    unit: str  # 单位名称; "" means any unit
    owner: str = ""  # 项目负责人
    policy: str = ""  # 政策依据
    implementer: str = ""  # 承担单位
    allocation: str = ""  # 资金分配情况
    period: str = ""  # 执行时间
    goal: str = ""  # 总体目标
    note: str = ""  # 其他说明


@dataclass(frozen=True, slots=True)
class Budget:
    """A sheet's money by kind of source, in 百元."""

    current_fiscal: int = 0  # 本年财政拨款 (一般公共预算, 政府性基金, 国有资本经营, 上级转移支付)
    current_other: int = 0  # 财政专户 and 单位资金 of this year
    carry_fiscal: int = 0  # 上年财政拨款结转
    carry_other: int = 0  # 上年非财政拨款结转结余

    @property
    def total(self) -> int:
        return self.current_fiscal + self.current_other + self.carry_fiscal + self.carry_other

    @property
    def fiscal(self) -> int:
        """其中：财政拨款 — this year's appropriation only; carryover prints as 其他资金."""
        return self.current_fiscal

    @property
    def other(self) -> int:
        return self.total - self.fiscal

    @property
    def current(self) -> int:
        return self.current_fiscal + self.current_other

    def __add__(self, other: Budget) -> Budget:
        return Budget(self.current_fiscal + other.current_fiscal,
                      self.current_other + other.current_other,
                      self.carry_fiscal + other.carry_fiscal,
                      self.carry_other + other.carry_other)


@dataclass(frozen=True, slots=True)
class ProjectSheet:
    """A project as the 项目支出绩效目标表 prints it."""

    info: ProjectInfo
    unit: str  # 预算单位 as printed
    budget: Budget
    indicators: tuple[Indicator, ...]

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def printed(self) -> bool:
        # Carryover-only projects had their targets set the year the money was budgeted;
        # the published documents print no sheet for them unless targets are given.  A
        # project without money has nothing to print (its 项目信息 row is reported).
        return self.budget.total > 0 and (bool(self.indicators) or self.budget.current > 0)


@dataclass(frozen=True, slots=True)
class DepartmentFunding:
    """年度预算 of the 部门整体绩效目标表, in 百元.

    upper: this year's 上级…转移支付; own: this year's own 一般公共预算, 政府性基金 and
    国有资本经营 money; other: 财政专户, 单位资金 and every 上年结转 (see amounts.py).
    """

    upper: int
    own: int
    other: int

    @property
    def fiscal(self) -> int:
        return self.upper + self.own

    @property
    def total(self) -> int:
        return self.upper + self.own + self.other


@dataclass(frozen=True, slots=True)
class DepartmentSheet:
    entity: str
    kind: str  # 部门 | 单位
    contact: str
    phone: str
    goal: str
    funding: DepartmentFunding
    indicators: tuple[Indicator, ...]

    @property
    def title(self) -> str:
        return f"{self.kind}整体绩效目标表"


@dataclass(frozen=True, slots=True)
class PerformanceData:
    year: int
    entity: str
    kind: str
    weight_total: int
    department: DepartmentSheet
    projects: tuple[ProjectSheet, ...]  # every project, in 项目信息 then 收支明细 order

    @property
    def printed_projects(self) -> tuple[ProjectSheet, ...]:
        return tuple(p for p in self.projects if p.printed)

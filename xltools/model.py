"""The master workbook as immutable data: basic information and budget lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Finding


@dataclass(frozen=True, slots=True)
class Line:
    """One 收支明细 row.  ``amount`` is in 分; codes are digit strings."""

    row: int  # the worksheet row, for messages
    unit: str
    func: str  # 7-digit 功能分类 项
    econ: str  # 5-digit 部门经济分类 款
    type: str  # 人员经费 | 公用经费 | 项目支出
    project: str | None
    source: str
    amount: int
    note: str | None = None

    @property
    def basic(self) -> bool:
        return self.type != "项目支出"


@dataclass(frozen=True)
class Info:
    """基本信息, with the keys the table engine needs parsed; the rest kept as text."""

    year: int
    entity: str
    kind: str  # 部门 | 单位
    unit: str  # 元 | 万元 — the unit of the master's amounts
    profile: str
    carryover_table: bool | None  # None: decide by whether there is carryover
    income_columns: int  # 11 or 12
    weight_total: int
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Master:
    path: str
    info: Info | None
    lines: tuple[Line, ...]
    func_names: dict[str, str]  # the names to print: 科目字典, else the list, else the line's
    econ_names: dict[str, str]
    findings: tuple[Finding, ...]
    sheets: dict[str, list[list[object]]] = field(default_factory=dict, repr=False)
    # code → where its printed name comes from: 内置, 导入, 科目字典 or 底稿
    name_sources: dict[str, str] = field(default_factory=dict, repr=False)

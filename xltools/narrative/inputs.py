"""Everything the sections read, gathered once: figures, last year, project texts, 其他事项.

Section functions are plain functions of ``Inputs``; they never touch the master or the
TableSet, so what they can quote is exactly what is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..findings import Finding
from ..performance.model import ProjectInfo
from .figures import Figures
from .matters import Matters
from .prior import PriorData

CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class ProjectTexts:
    """项目信息 rows by the 收支明细 project they cover, with the cells to name in findings."""

    by_key: Mapping[tuple[str, str], ProjectInfo]  # (unit, 收支明细 项目名称) → row
    by_name: Mapping[str, ProjectInfo]  # 收支明细 项目名称 → row, when one row covers it
    columns: Mapping[str, str]  # canonical column → letter
    sheet_present: bool
    missing_sheet: Finding | None  # the one warning for a master without 项目信息
    shared: frozenset[str]  # 收支明细 projects whose row covers other projects as well

    def find(self, unit: str | None, name: str, alone: bool = False) -> ProjectInfo | None:
        """The row covering the project; with ``alone``, only a row about this project only."""
        if alone and name in self.shared:
            return None
        if unit is not None and (unit, name) in self.by_key:
            return self.by_key[(unit, name)]
        return self.by_name.get(name)

    def cell(self, info: ProjectInfo | None, column: str) -> str | None:
        if info is None or info.row is None or column not in self.columns:
            return None
        return f"{self.columns[column]}{info.row}"


@dataclass(frozen=True)
class Inputs:
    entity: str
    year: int
    kind: str  # 部门 | 单位
    profile: str
    info: Mapping[str, object]  # 基本信息 keys (normalised) → cell value
    units: tuple[str, ...]  # the units of 收支明细, in order
    figures: Figures
    prior: PriorData
    projects: ProjectTexts
    matters: Matters
    running_cost: int  # 机关运行经费 (百元)
    func_names: Mapping[str, str]  # this year's names, then last year's for codes since dropped

    def about(self, subject: str) -> str:
        """The heading phrase of 第三部分: 关于<单位><年度>年<subject>."""
        return f"关于{self.entity}{self.year}年{subject}"

    def func_label(self, code: str) -> str:
        """社会保障和就业支出（类）就业补助（款）其他就业补助支出（项）."""
        levels = ("类", "款", "项")
        parts = [f"{self.func_names.get(code[:n], code[:n])}（{lv}）"
                 for n, lv in zip((3, 5, 7), levels) if len(code) >= n]
        return "".join(parts)


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 21 → 二十一; from 100 on, digits (no list runs that long)."""
    if n >= 100:
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")

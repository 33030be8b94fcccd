"""Which name a 收支明细 code gets, and what to tell the accountant about it.

Precedence: 科目字典 > the year's list (imported, then built-in) > the name written in the
master ("2059999 其他教育支出" or a 科目名称 column).  A code is only an error when it has no
name anywhere; a name written in the master stands in for a missing list entry (with a
warning) and loses to a list that names the code differently (also with a warning).
Parents (类, 款) cannot be named by a line — a line is always a 项 (功能) or 款 (经济) — so
they must come from a list or from 科目字典.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .headers import normalise

LIST, DICTIONARY, MASTER = "列表", "科目字典", "底稿"
LEVEL = {3: "类", 5: "款", 7: "项"}


@dataclass
class Verdict:
    ok: bool
    rule: str | None = None  # the finding to report, if any
    error: bool = False
    message: str = ""
    actual: str | None = None


@dataclass
class CodeNamer:
    """Names one dimension's codes for one 收支明细 (func: 功能分类科目; econ: 经济分类科目)."""

    dim: str  # func | econ
    column: str  # 功能分类科目 | 经济分类科目
    year: int
    listed: dict[str, str]  # the year's list: built-in and imported
    dictionary: dict[str, str]  # 科目字典
    written: dict[str, str]  # the first name written in the master for each code
    names: dict[str, str] = field(default_factory=dict)  # what the tables print (filled as checked)
    warned: set = field(default_factory=set)

    @property
    def label(self) -> str:
        return "功能分类" if self.dim == "func" else "经济分类"

    def check(self, code: str, here: str | None) -> Verdict:
        """Whether ``code`` (the name ``here`` written on this line, if any) can be named."""
        if code in self.dictionary:
            return self._parents(code)
        if code in self.listed:
            verdict = self._parents(code)
            if verdict.ok and here and normalise(here) != normalise(self.listed[code]) \
                    and (code, here) not in self.warned:
                self.warned.add((code, here))
                return Verdict(True, f"{self.dim}-name-differs", message=(
                    f"{self.column}“{code}”在底稿中写作“{here}”，{self.year} 年{self.label}科目表中的名称是"
                    f"“{self.listed[code]}”，公开表按科目表打印“{self.listed[code]}”。如要改用底稿的名称，"
                    "请在“科目字典”表填写。"), actual=here)
            return verdict
        name = here or self.written.get(code)
        if not name:
            return Verdict(False, f"{self.dim}-code-unknown", True, (
                f"{self.column}“{code}”不在 {self.year} 年{self.label}科目中，底稿也没有写它的名称。"
                f"请核对编码；如确为新增科目，请写成“{code} 科目名称”、在“{self.column}名称”列填写名称、"
                "在“科目字典”表补充，或用 xltools codes import 导入财政部门下发的科目表。"), code)
        verdict = self._parents(code)
        if not verdict.ok:
            return verdict
        self.names.setdefault(code, self.written.get(code) or name)
        if code in self.warned:
            return verdict
        self.warned.add(code)
        return Verdict(True, f"{self.dim}-code-unlisted", message=(
            f"{self.column}“{code}”不在 {self.year} 年{self.label}科目中，公开表按底稿写的名称"
            f"“{self.names[code]}”打印（其他行的同一编码不再提示）。请确认编码无误；可用 xltools codes "
            "import 导入财政部门下发的科目表。"), actual=code)

    def _parents(self, code: str) -> Verdict:
        lengths = (3, 5) if self.dim == "func" else (3,)
        missing = [code[:n] for n in lengths
                   if len(code) > n and code[:n] not in self.listed and code[:n] not in self.dictionary]
        if not missing:
            return Verdict(True)
        which = "、".join(f"{LEVEL[len(p)]} {p}" for p in missing)
        codes = "、".join(missing)
        kind = "功能" if self.dim == "func" else "经济"
        return Verdict(False, f"{self.dim}-parent-unknown", True, (
            f"{which} 没有名称：在科目字典中补上 {codes} 的名称（类型 {kind}）。{self.column}“{code}”的"
            f"上级科目只能由科目表或“科目字典”命名，收支明细每一行写的名称只用于该行的"
            f"{LEVEL[len(code)]}级科目；也可用 xltools codes import 导入财政部门下发的科目表。"),
            codes)

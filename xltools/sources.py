"""资金来源: the fixed vocabulary of funding sources and what each one counts as.

Every table column and income row is a set of sources, so the sets are named here once
(see master-workbook.md, the table of 资金来源).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    income_key: str  # the leaf income row of 表1
    income_column: str  # the column of 表2 (12-column layout)
    family: str  # gpb | fund | capital | special | unit | carry_fiscal | carry_nonfiscal

    @property
    def current_fiscal(self) -> bool:
        return self.family in ("gpb", "fund", "capital")

    @property
    def carryover(self) -> bool:
        return self.family.startswith("carry")


SOURCES: tuple[Source, ...] = (
    Source("一般公共预算", "gpb_own", "gpb", "gpb"),
    Source("上级一般公共预算转移支付", "gpb_transfer", "gpb_transfer", "gpb"),
    Source("政府性基金预算", "fund_own", "fund", "fund"),
    Source("上级政府性基金转移支付", "fund_transfer", "fund_transfer", "fund"),
    Source("国有资本经营预算", "capital_own", "capital", "capital"),
    Source("上级国有资本经营预算转移支付", "capital_transfer", "capital_transfer", "capital"),
    Source("财政专户", "special_account", "special_account", "special"),
    Source("事业收入", "unit_business", "unit_funds", "unit"),
    Source("上级补助收入", "unit_superior", "unit_funds", "unit"),
    Source("附属单位上缴收入", "unit_affiliated", "unit_funds", "unit"),
    Source("事业单位经营收入", "unit_operating", "unit_funds", "unit"),
    Source("其他收入", "unit_other", "unit_funds", "unit"),
    Source("上年结转-一般公共预算", "carry_fiscal_gpb", "carry_fiscal", "carry_fiscal"),
    Source("上年结转-政府性基金", "carry_fiscal_fund", "carry_fiscal", "carry_fiscal"),
    Source("上年结转-国有资本经营", "carry_fiscal_capital", "carry_fiscal", "carry_fiscal"),
    Source("上年结转-财政专户", "carry_special_account", "carry_nonfiscal", "carry_nonfiscal"),
    Source("上年结转-单位资金", "carry_unit_funds", "carry_nonfiscal", "carry_nonfiscal"),
)

BY_NAME: dict[str, Source] = {s.name: s for s in SOURCES}
NAMES: tuple[str, ...] = tuple(s.name for s in SOURCES)

# Spellings seen in budget-system exports; each maps to exactly one source.
_ALIASES = {
    "一般公共预算拨款": "一般公共预算",
    "一般公共预算资金": "一般公共预算",
    "本级一般公共预算": "一般公共预算",
    "上级一般公共预算安排转移支付": "上级一般公共预算转移支付",
    "上级一般公共预算安排的转移支付": "上级一般公共预算转移支付",
    "政府性基金预算拨款": "政府性基金预算",
    "政府性基金": "政府性基金预算",
    "上级政府性基金安排转移支付": "上级政府性基金转移支付",
    "上级政府性基金安排的转移支付": "上级政府性基金转移支付",
    "国有资本经营预算拨款": "国有资本经营预算",
    "上级国有资本经营预算安排转移支付": "上级国有资本经营预算转移支付",
    "上级国有资本经营预算安排的转移支付": "上级国有资本经营预算转移支付",
    "财政专户核拨": "财政专户",
    "财政专户管理资金": "财政专户",
}


def resolve(text: str) -> Source | None:
    """Find the source a cell names; tolerant of spaces and of the dash variants users type."""
    key = "".join(str(text).split())
    for dash in ("—", "－", "–", "_", "——"):
        key = key.replace(dash, "-")
    key = key.replace("（", "(").replace("）", ")")
    if key in BY_NAME:
        return BY_NAME[key]
    if key in _ALIASES:
        return BY_NAME[_ALIASES[key]]
    if key.startswith("上年结转") and "-" not in key:
        # 上年结转一般公共预算 → 上年结转-一般公共预算
        return BY_NAME.get("上年结转-" + key[4:].strip("()"))
    return None


# Named groups used by table definitions.
GPB = frozenset(s.name for s in SOURCES if s.family == "gpb")
FUND = frozenset(s.name for s in SOURCES if s.family == "fund")
CAPITAL = frozenset(s.name for s in SOURCES if s.family == "capital")
CURRENT_FISCAL = GPB | FUND | CAPITAL
CARRY_FISCAL = frozenset(s.name for s in SOURCES if s.family == "carry_fiscal")
CARRY_NONFISCAL = frozenset(s.name for s in SOURCES if s.family == "carry_nonfiscal")
CARRYOVER = CARRY_FISCAL | CARRY_NONFISCAL
ALL = frozenset(NAMES)

EXPENSE_TYPES = ("人员经费", "公用经费", "项目支出")
BASIC_TYPES = frozenset({"人员经费", "公用经费"})

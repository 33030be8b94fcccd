"""The arguments of BUDGET_SUM as people type them, turned into a query on budget lines.

A filter is one value or a group, named as the tables' columns and rows name them:
资金来源 一般公共预算 is the 一般公共预算 column of 表4/表5 (with the 上级 transfers), 财政拨款
is 本年财政拨款, 支出类型 基本支出 is 人员经费 + 公用经费.  Several values may be listed in one
cell (``一般公共预算、政府性基金预算``) or passed as a range; the query takes their union.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..codes import parse_code
from ..sources import (ALL, BASIC_TYPES, CAPITAL, CARRY_FISCAL, CARRY_NONFISCAL, CARRYOVER,
                       CURRENT_FISCAL, EXPENSE_TYPES, FUND, GPB, resolve)
from ..tables.spec import UNIT_SOURCES

# "No filter", as people write it.
_EVERYTHING = frozenset({"全部", "合计", "总计", "所有"})

# Group names first: the tables' columns read 一般公共预算 for the whole family.  The single
# source 一般公共预算 is 一般财力 (表1) or 本级一般公共预算.
SOURCE_GROUPS: dict[str, frozenset[str]] = {
    "财政拨款": CURRENT_FISCAL, "本年财政拨款": CURRENT_FISCAL, "财政拨款（补助）": CURRENT_FISCAL,
    "一般公共预算": GPB, "一般公共预算拨款": GPB,
    "政府性基金预算": FUND, "政府性基金": FUND, "基金预算拨款": FUND, "政府性基金预算拨款": FUND,
    "国有资本经营预算": CAPITAL, "国有资本经营预算拨款": CAPITAL,
    "单位资金": UNIT_SOURCES,
    "本年收入": ALL - CARRYOVER,
    "上年结转": CARRYOVER, "上年结转结余": CARRYOVER,
    "财政拨款结转": CARRY_FISCAL, "非财政拨款结转结余": CARRY_NONFISCAL,
    "一般财力": frozenset({"一般公共预算"}), "本级一般公共预算": frozenset({"一般公共预算"}),
    "政府性基金收入": frozenset({"政府性基金预算"}),
    "国有资本经营收入": frozenset({"国有资本经营预算"}),
}
TYPE_GROUPS: dict[str, frozenset[str]] = {
    **{t: frozenset({t}) for t in EXPENSE_TYPES},
    "基本支出": BASIC_TYPES,
}

_SEPARATORS = re.compile(r"[、,，;；+＋]")


class FilterError(ValueError):
    """What a worksheet function cannot answer (an argument names nothing the master knows,
    or the master has errors); the message says why, in Chinese."""


@dataclass(frozen=True)
class Query:
    func: str  # 功能分类 prefix; "" for every code
    sources: frozenset[str] | None = None  # None: any
    types: frozenset[str] | None = None
    econ: tuple[str, ...] | None = None  # 经济分类 prefixes

    def matches(self, atom) -> bool:
        return (atom.func.startswith(self.func)
                and (self.sources is None or atom.source in self.sources)
                and (self.types is None or atom.type in self.types)
                and (self.econ is None or atom.econ.startswith(self.econ)))


def _items(arg: object) -> list[object]:
    """The values of one argument: a cell, text listing several, or a range (list of rows)."""
    if isinstance(arg, (list, tuple)):
        return [v for item in arg for v in _items(item)]
    if arg is None or (isinstance(arg, str) and not arg.strip()):
        return []
    if isinstance(arg, str):
        return [p.strip() for p in _SEPARATORS.split(arg) if p.strip()]
    return [arg]


def _words(arg: object) -> list[str] | None:
    """The words of a text filter, without spaces; None when the filter is "everything"."""
    words = ["".join(str(v).split()) for v in _items(arg)]
    if not words or any(w in _EVERYTHING for w in words):
        return None
    return words


def parse_sources(arg: object) -> frozenset[str] | None:
    words = _words(arg)
    if words is None:
        return None
    found: set[str] = set()
    for w in words:
        group = SOURCE_GROUPS.get(w.replace("(", "（").replace(")", "）"))
        source = resolve(w) if group is None else None
        if group is None and source is None:
            raise FilterError(f"资金来源“{w}”无效。可用：一般公共预算、政府性基金预算、国有资本经营预算、"
                              "财政拨款、财政专户、单位资金、上年结转，或收支明细中的任一资金来源。")
        found |= group if group is not None else {source.name}
    return frozenset(found)


def parse_types(arg: object) -> frozenset[str] | None:
    words = _words(arg)
    if words is None:
        return None
    found: set[str] = set()
    for w in words:
        if w not in TYPE_GROUPS:
            raise FilterError(f"支出类型“{w}”无效。可用：人员经费、公用经费、项目支出、基本支出。")
        found |= TYPE_GROUPS[w]
    return frozenset(found)


def _code(value: object, what: str, lengths: tuple[int, ...]) -> str:
    parsed = parse_code(value)
    if parsed is None or len(parsed.code) not in lengths:
        levels = "、".join(f"{n} 位" for n in lengths)
        raise FilterError(f"{what}“{value}”不是科目编码（应为 {levels}，如 208、208 01、2080101）。"
                          if what == "功能分类科目" else
                          f"{what}“{value}”不是科目编码（应为 {levels}，如 302、30201）。")
    return parsed.code


def parse_func(arg: object) -> str:
    """The 功能分类 prefix of BUDGET_SUM's first argument; empty or 合计 for every code."""
    items = _items(arg)
    if not items or (len(items) == 1 and isinstance(items[0], str)
                     and "".join(items[0].split()) in _EVERYTHING):
        return ""
    if len(items) > 1:
        raise FilterError("功能分类科目只能填一个编码。")
    return _code(items[0], "功能分类科目", (3, 5, 7))


def parse_econ(arg: object) -> tuple[str, ...] | None:
    items = _items(arg)
    if not items or any(isinstance(v, str) and "".join(v.split()) in _EVERYTHING for v in items):
        return None
    return tuple(dict.fromkeys(_code(v, "经济分类科目", (3, 5)) for v in items))


def parse_query(code: object, source: object = None, spend_type: object = None,
                econ_code: object = None) -> Query:
    return Query(parse_func(code), parse_sources(source), parse_types(spend_type),
                 parse_econ(econ_code))

"""Recognise a table by its title, in the spellings real documents use.

Titles vary: 部门/单位 prefixes, 财政拨款收支总体情况表 next to 财政拨款收支预算总体情况表, quotes
around 三公 or none, a year or the unit's name in front, 表N or 一、 before, spaces from
wrapping.  Everything is compared after ``normal``.
"""

from __future__ import annotations

import re

from ..codes import to_halfwidth

_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_NUMBERING = re.compile(r"^(?:附表\s*\d*|表\s*\d+|[一二三四五六七八九十]+[、.．]|\d+[、.．])\s*[:：]?")
TABLE_NO = re.compile(r"^\s*(?:附表|表)\s*(\d+)")

# Checked in this order: the more specific patterns first (财政拨款收支… before …收支总体…).
_PREFIX = r"(?:.{0,40}?\d{4}年度?)?(?:部门|单位)?"
TITLES: tuple[tuple[str, re.Pattern], ...] = tuple((key, re.compile(_PREFIX + pattern + r"$")) for key, pattern in (
    ("T_fiscal", r"财政拨款收支(?:预算)?总体情况表"),
    ("T_income_expense", r"收支(?:预算)?总体情况表"),
    ("T_income", r"收入(?:预算)?总体情况表"),
    ("T_expense", r"支出(?:预算)?总体情况表"),
    ("T_gpb_basic", r"一般公共预算(?:财政拨款)?基本支出(?:预算)?情况表"),
    ("T_gpb_project", r"一般公共预算(?:财政拨款)?项目支出(?:预算)?情况表"),
    ("T_gpb", r"一般公共预算(?:财政拨款)?支出(?:预算)?情况表"),
    ("T_gov_fund", r"政府性基金预算(?:财政拨款)?支出(?:预算)?情况表"),
    ("T_state_capital", r"国有资本经营预算(?:财政拨款)?支出(?:预算)?情况表"),
    ("T_three_public", r"(?:财政拨款|一般公共预算)?三公经费(?:支出)?(?:预算)?情况表"),
    ("T_entrusted", r"(?:财政拨款)?委托业务费(?:支出)?(?:预算)?情况表"),
    ("T_carryover", r"上年结转结余(?:资金)?情况(?:明细)?表"),
))


def normal(text: str) -> str:
    text = to_halfwidth(str(text)).translate(_QUOTES)
    text = re.sub(r"\s+", "", text)
    return text.replace("(", "（").replace(")", "）")


def table_key(text: object) -> str | None:
    """The canonical key of a title (with or without 表N / 一、 before it), else None."""
    if not isinstance(text, str) or len(text) > 80:
        return None
    t = _NUMBERING.sub("", normal(text))
    for key, pattern in TITLES:
        if pattern.match(t):
            return key
    return None


def table_no(text: object) -> int | None:
    if not isinstance(text, str):
        return None
    m = TABLE_NO.match(to_halfwidth(text))
    return int(m.group(1)) if m else None


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def contents_no(text: str) -> int | None:
    """The number a 目录 line gives its table: 表3 …, 三、…, 3、…"""
    t = normal(text)
    if (n := table_no(t)) is not None:
        return n
    m = re.match(r"^(\d+)[、.．]", t)
    if m:
        return int(m.group(1))
    m = re.match(r"^([一二三四五六七八九十]+)[、.．]", t)
    if not m:
        return None
    s = m.group(1)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS[s[1]]
    if s.endswith("十"):
        return _CN_DIGITS[s[0]] * 10
    if "十" in s:
        a, b = s.split("十")
        return _CN_DIGITS[a] * 10 + _CN_DIGITS[b]
    return _CN_DIGITS.get(s)

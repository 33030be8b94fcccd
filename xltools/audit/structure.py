"""What a disclosure must contain, beyond its numbers.

Errors: a table the 表样 requires is missing, a 目录 line whose table is not in the body, a
gap in the 表N numbering.  Warnings (wording a reviewer should look at, never a number): a
title that differs from its 目录 line, an empty table without the 空表 sentence or with a
sentence in other words, a 科目 name that differs from the classification or from the same
code elsewhere in the workbook.
"""

from __future__ import annotations

import re

from .. import dictionaries
from ..findings import Finding, error, warning
from ..tables.profiles import PROFILES, default_profile
from .disclosure import Disclosure
from .titles import normal

EMPTY_NOTE = re.compile(r"^.+\d{4}年没有使用.+安排的支出，.+为空表。$")
NAMES = {"T_income_expense": "收支总体情况表", "T_income": "收入总体情况表", "T_expense": "支出总体情况表",
         "T_fiscal": "财政拨款收支预算总体情况表", "T_gpb": "一般公共预算支出情况表",
         "T_gpb_basic": "一般公共预算基本支出情况表", "T_gpb_project": "一般公共预算项目支出情况表",
         "T_gov_fund": "政府性基金预算支出情况表", "T_state_capital": "国有资本经营预算支出情况表",
         "T_three_public": "财政拨款“三公”经费支出情况表", "T_entrusted": "财政拨款委托业务费支出情况表",
         "T_carryover": "上年结转结余情况表"}


def structure_findings(d: Disclosure) -> list[Finding]:
    out: list[Finding] = []
    out += _missing_tables(d)
    out += _numbering(d)
    out += _titles_against_contents(d)
    out += _empty_notes(d)
    out += _labels(d)
    return out


def _required(d: Disclosure) -> tuple[str, ...]:
    profile = PROFILES[default_profile(d.year or 2026)]
    listed = {e.key for e in d.contents}
    if profile.carryover_optional and "T_carryover" not in d.tables and "T_carryover" not in listed:
        return tuple(k for k in profile.tables if k != "T_carryover")
    return profile.tables


def _missing_tables(d: Disclosure) -> list[Finding]:
    out = []
    listed = {e.key: e for e in d.contents}
    for key in dict.fromkeys((*_required(d), *listed)):
        if key in d.tables:
            continue
        entry = listed.get(key)
        name = NAMES[key]
        if entry:
            out.append(error("table-missing", entry.sheet, entry.cell,
                             f"目录列出了“{entry.text.strip()}”，但工作簿正文中没有这张表。请补上该表，"
                             f"或在目录中删去。", expected=name, actual=""))
        else:
            out.append(error("table-missing", None, None,
                             f"{d.year or ''}年表样要求公开“{name}”，工作簿中没有找到。请补上该表"
                             f"（没有数据也要公开，并注明为空表）。", expected=name, actual=""))
    return out


def _numbering(d: Disclosure) -> list[Finding]:
    numbers = sorted(t.no for t in d.tables.values() if t.no is not None)
    if not numbers:
        return []
    # A gap where a missing table belongs is that table's finding, not a second one.
    required = _required(d)
    explained = {e.no for e in d.contents if e.key not in d.tables}
    explained |= {required.index(k) + 1 for k in required if k not in d.tables}
    out = []
    for n in range(1, numbers[-1] + 1):
        if n not in numbers and n not in explained:
            out.append(error("table-number-gap", None, None,
                             f"表的编号跳过了 表{n}：正文有 表{n - 1} 和其后的表，却没有 表{n}。"
                             f"请检查是否漏了一张表或编号有误。", expected=f"表{n}", actual=""))
    return out


def _titles_against_contents(d: Disclosure) -> list[Finding]:
    out = []
    for entry in d.contents:
        table = d.tables.get(entry.key)
        if table is None:
            continue
        listed = re.sub(r"^(?:表\d+|[一二三四五六七八九十]+[、.．]|\d+[、.．])", "", normal(entry.text))
        if listed != table.title:
            out.append(warning("title-contents-mismatch", table.sheet, table.title_cell,
                               f"表题“{table.title}”与目录中的“{listed}”不一致，请统一。",
                               expected=listed, actual=table.title))
        if entry.no is not None and table.no is not None and entry.no != table.no:
            out.append(warning("title-contents-mismatch", table.sheet, table.title_cell,
                               f"“{table.title}”在目录中是第 {entry.no} 张，正文中是 表{table.no}，请统一。",
                               expected=f"表{entry.no}", actual=f"表{table.no}"))
    return out


def _empty_notes(d: Disclosure) -> list[Finding]:
    out = []
    for table in d.tables.values():
        if not table.doc.get("empty"):
            continue
        if table.empty_note is None:
            out.append(warning("empty-note-missing", table.sheet, table.title_cell,
                               f"“{table.title}”没有数据，但没有注明为空表。请在表下加一句："
                               f"“{d.entity}{d.year or ''}年没有使用……安排的支出，{table.title}为空表。”"))
        elif not EMPTY_NOTE.match(normal(table.empty_note[0]).replace(",", "，")):
            out.append(warning("empty-note-nonstandard", table.sheet, table.empty_note[1],
                               f"空表说明“{table.empty_note[0].strip()}”与规范表述不同；规范为“<单位名称><年度>年"
                               f"没有使用<资金>安排的支出，<表名>为空表。”"))
    return out


def _labels(d: Disclosure) -> list[Finding]:
    """Names of 功能分类 codes: against the classification of the year, and across tables."""
    year = d.year or 2026
    func = dictionaries.func_names(year)
    econ = dictionaries.econ_names(year)
    out = []
    seen: dict[tuple[str, str], tuple[str, str, str]] = {}
    for key, table in d.tables.items():
        names = econ if key == "T_gpb_basic" else func
        dim = "econ" if key == "T_gpb_basic" else "func"
        for section in ("rows", "expense_rows"):
            for i, row in enumerate(table.doc.get(section, [])):
                code, label = row.get("code"), normal(row.get("label") or "")
                if not code or not label or row.get("kind") == "project":
                    continue
                cell = table.label_cells.get((section, i))
                official = names.get(code)
                if official and normal(official) != label:
                    out.append(warning("label-dictionary", table.sheet, cell,
                                       f"{code} 的科目名称印为“{label}”，{year}年科目表为“{official}”。",
                                       expected=official, actual=label))
                first = seen.setdefault((dim, code), (label, table.sheet, cell or ""))
                if first[0] != label and not official:
                    out.append(warning("label-inconsistent", table.sheet, cell,
                                       f"{code} 在本表印为“{label}”，在 {first[1]}!{first[2]} 印为“{first[0]}”。",
                                       expected=first[0], actual=label))
    return out

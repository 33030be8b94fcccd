"""What each column of a found table holds, from its header text.

A column's header is the path of labels above it: its own label (the lowest header cell
with text) and, above that, the nearest label to its left on each higher row — which is
where a merged group label sits.  The path is matched against ordered keyword rules per
table; the first rule that matches names the column.
"""

from __future__ import annotations

import re

from .titles import normal

# Stub roles: the code split into 类/款/项, a joined code, the name, the project, a plain label.
CLASS, KUAN, XIANG, CODE, NAME, PROJECT, LABEL = ("@class", "@kuan", "@xiang", "@code", "@name",
                                                  "@project", "@label")
_STUB_EXACT = {"类": CLASS, "款": KUAN, "项": XIANG}

_TOTAL = r"合计|总计|小计"
_BY_FAMILY = ((r"一般公共预算", "gpb"), (r"政府性基金", "fund"), (r"国有资本", "capital"),
              (_TOTAL + r"|预算数", "total"))
VALUE_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "T_income": ((r"非财政拨款结转", "carry_nonfiscal"), (r"财政拨款结转", "carry_fiscal"),
                 (r"上级国有资本", "capital_transfer"), (r"上级政府性基金", "fund_transfer"),
                 (r"上级一般公共预算", "gpb_transfer"), (r"小计", "fiscal_subtotal"),
                 (r"国有资本", "capital"), (r"政府性基金", "fund"), (r"一般公共预算", "gpb"),
                 (r"财政专户", "special_account"), (r"单位资金", "unit_funds"), (_TOTAL, "total")),
    "T_expense": ((r"基本支出", "basic"), (r"项目支出", "project"), (_TOTAL, "total")),
    "T_gpb": ((r"基本支出", "basic"), (r"项目支出", "project"), (_TOTAL, "total")),
    "T_gpb_basic": ((r"人员经费", "personnel"), (r"公用经费", "public"), (_TOTAL, "total")),
    "T_gpb_project": ((r"工资福利", "e301"), (r"商品和?服务", "e302"), (r"对个人和家庭", "e303"),
                      (r"债务利息", "e307"), (r"资本性支出（基本建设）", "e309"), (r"资本性支出", "e310"),
                      (r"对企业补助（基本建设）", "e311"), (r"对企业补助", "e312"),
                      (r"社会保障基金", "e313"), (r"其他支出", "e399"), (_TOTAL + r"|项目支出", "total")),
    "T_gov_fund": ((r"人员经费", "personnel"), (r"公用经费", "public"), (r"项目支出", "project"),
                   (_TOTAL, "total")),
    "T_state_capital": ((r"人员经费", "personnel"), (r"公用经费", "public"), (r"项目支出", "project"),
                        (_TOTAL, "total")),
    "T_fiscal": _BY_FAMILY,
    "T_three_public": _BY_FAMILY,
    "T_entrusted": _BY_FAMILY,
    "T_income_expense": ((r"预算数|金额|合计|总计", "amount"),),
}


def _carryover(path: str) -> str | None:
    prefix = "nonfiscal" if "非财政拨款" in path else "fiscal" if "财政拨款" in path else None
    leaf = path.rsplit("/", 1)[-1]
    for pattern, suffix in ((r"人员经费", "personnel"), (r"公用经费", "public"), (r"项目支出", "project"),
                            (_TOTAL, "total")):
        if re.search(pattern, leaf):
            return "total" if prefix is None else f"{prefix}_{suffix}"
    return None


def stub_role(table: str, path: list[str]) -> str | None:
    leaf = path[-1]
    if leaf in _STUB_EXACT:
        return _STUB_EXACT[leaf]
    joined = "/".join(path)
    if re.search(r"编码|代码", leaf) or (re.search(r"编码|代码", joined) and not re.search(r"名称", leaf)):
        return CODE
    if table == "T_gpb_project" and re.search(r"项目名称|项目$", leaf):
        return PROJECT
    if re.search(r"科目名称|科目$|功能分类|经济分类", leaf):
        return NAME
    if re.search(r"项目|内容|名称|单位", leaf) and not re.search(_TOTAL, leaf):
        return LABEL
    return None


def value_role(table: str, path: list[str]) -> str | None:
    joined = "/".join(path)
    if table == "T_carryover":
        return _carryover(joined)
    for pattern, key in VALUE_RULES.get(table, ()):
        if re.search(pattern, joined if table != "T_gpb_project" else path[-1]):
            return key
    return None


def header_paths(rows: list[list[object]], first: int, last: int, width: int) -> list[list[str]]:
    """For each column, the header labels above it, top to bottom (empty list: no header)."""
    grid = [[normal(v) if isinstance(v, str) and v.strip() else "" for v in
             (list(rows[r]) + [None] * width)[:width]] for r in range(first, last + 1)]
    paths = []
    for c in range(width):
        own = max((i for i in range(len(grid)) if grid[i][c]), default=None)
        if own is None:
            paths.append([])
            continue
        path = []
        for i in range(own):
            left = next((grid[i][k] for k in range(c, -1, -1) if grid[i][k]), "")
            if left and left not in path:
                path.append(left)
        paths.append(path + [grid[own][c]])
    return paths

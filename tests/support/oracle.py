"""Exact table figures computed straight from the lines, independently of the engine.

Written as plain sums per table so that a property test can compare the engine's rounded
figures with the exact ones without trusting the engine's own cell bookkeeping.
Values are in 分.
"""

from __future__ import annotations

from collections import defaultdict

from xltools import sources as S

GPB, FUND, CAPITAL = S.GPB, S.FUND, S.CAPITAL
FISCAL = S.CURRENT_FISCAL
UNIT = {s.name for s in S.SOURCES if s.family == "unit"}


def _tree(lines, keep, columns, levels=(3, 5, 7), dim="func"):
    out = defaultdict(int)
    for ln in lines:
        if not keep(ln):
            continue
        code = ln.func if dim == "func" else ln.econ
        for col, pred in columns.items():
            if pred(ln):
                out[("total", col)] += ln.amount
                for n in levels:
                    out[(code[:n], col)] += ln.amount
    return out


def exact_figures(lines, twelve=True) -> dict[str, dict]:
    basic = lambda ln: ln.type != "项目支出"  # noqa: E731
    project = lambda ln: ln.type == "项目支出"  # noqa: E731
    anyl = lambda ln: True  # noqa: E731
    src = lambda *names: (lambda ln: ln.source in names)  # noqa: E731
    capital = ("国有资本经营预算",) if twelve else ("国有资本经营预算", "上级国有资本经营预算转移支付")
    t2_cols = {
        "total": anyl, "fiscal_subtotal": lambda ln: ln.source in FISCAL,
        "gpb": src("一般公共预算"), "gpb_transfer": src("上级一般公共预算转移支付"),
        "fund": src("政府性基金预算"), "fund_transfer": src("上级政府性基金转移支付"),
        "capital": src(*capital), "special_account": src("财政专户"),
        "unit_funds": lambda ln: ln.source in UNIT,
        "carry_fiscal": lambda ln: ln.source in S.CARRY_FISCAL,
        "carry_nonfiscal": lambda ln: ln.source in S.CARRY_NONFISCAL,
    }
    if twelve:
        t2_cols["capital_transfer"] = src("上级国有资本经营预算转移支付")
    tbp = {"total": anyl, "basic": basic, "project": project}
    ppp = {"total": anyl, "personnel": lambda ln: ln.type == "人员经费",
           "public": lambda ln: ln.type == "公用经费", "project": project}
    out = {
        "T_income": _tree(lines, anyl, t2_cols),
        "T_expense": _tree(lines, anyl, tbp),
        "T_gpb": _tree(lines, lambda ln: ln.source in GPB, tbp),
        "T_gpb_basic": _tree(lines, lambda ln: ln.source in GPB and basic(ln),
                             {k: v for k, v in ppp.items() if k != "project"}, (3, 5), "econ"),
        "T_gov_fund": _tree(lines, lambda ln: ln.source in FUND, ppp),
        "T_state_capital": _tree(lines, lambda ln: ln.source in CAPITAL, ppp),
    }
    t7 = defaultdict(int)
    t12 = defaultdict(int)
    t10 = defaultdict(int)
    income = defaultdict(int)
    for ln in lines:
        if ln.source in GPB and project(ln):
            t7[(ln.unit, ln.func, ln.project, "total")] += ln.amount
            t7[(ln.unit, ln.func, ln.project, "e" + ln.econ[:3])] += ln.amount
        if ln.source in S.CARRYOVER:
            name = ln.project if project(ln) else "基本支出"
            fam = "fiscal" if ln.source in S.CARRY_FISCAL else "nonfiscal"
            kind = {"人员经费": "personnel", "公用经费": "public"}.get(ln.type, "project")
            for col in ("total", f"{fam}_total", f"{fam}_{kind}"):
                t12[(ln.unit, name, col)] += ln.amount
        if ln.source in FISCAL and ln.econ in ("30212", "30217", "30231", "31013"):
            fam = "gpb" if ln.source in GPB else "fund" if ln.source in FUND else "capital"
            item = {"30212": "abroad", "30217": "reception", "30231": "vehicle_operation",
                    "31013": "vehicle_purchase"}[ln.econ]
            for row in {item, "total", "vehicle" if item.startswith("vehicle") else item}:
                for col in ("total", fam):
                    t10[(row, col)] += ln.amount
        income["income_grand_total"] += ln.amount
        income[S.BY_NAME[ln.source].income_key] += ln.amount
    out["T_gpb_project"] = t7
    out["T_carryover"] = t12
    out["T_three_public"] = t10
    out["T_income_expense"] = income
    return out

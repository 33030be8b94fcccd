"""Every identity of tables.md, verified on tables in the JSON form of tables.md.

Working on the JSON form means the same checks serve the tables this tool computes (where
they hold by construction — the check proves it) and tables read back from anyone's
disclosure workbook.  Amounts are compared as integers of 百元 (0.01 万元).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..findings import Finding, error

# Row totals: column = Σ columns, per table.
ROW_TOTALS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "T_income": (
        ("total", ("fiscal_subtotal", "special_account", "unit_funds", "carry_fiscal", "carry_nonfiscal")),
        ("fiscal_subtotal", ("gpb", "gpb_transfer", "fund", "fund_transfer", "capital", "capital_transfer")),
    ),
    "T_expense": (("total", ("basic", "project")),),
    "T_gpb": (("total", ("basic", "project")),),
    "T_gpb_basic": (("total", ("personnel", "public")),),
    "T_gpb_project": (("total", ("e301", "e302", "e303", "e307", "e309", "e310", "e311", "e312",
                                 "e313", "e399")),),
    "T_gov_fund": (("total", ("personnel", "public", "project")),),
    "T_state_capital": (("total", ("personnel", "public", "project")),),
    "T_fiscal": (("total", ("gpb", "fund", "capital")),),
    "T_three_public": (("total", ("gpb", "fund", "capital")),),
    "T_entrusted": (("total", ("gpb", "fund", "capital")),),
    "T_carryover": (
        ("total", ("fiscal_total", "nonfiscal_total")),
        ("fiscal_total", ("fiscal_personnel", "fiscal_public", "fiscal_project")),
        ("nonfiscal_total", ("nonfiscal_personnel", "nonfiscal_public", "nonfiscal_project")),
    ),
}

# Fixed-row sums: row = Σ rows, per table and section.
FIXED_SUMS: dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], ...]] = {
    ("T_income_expense", "income_rows"): (
        ("current_total", ("gpb", "fund", "capital", "special_account", "unit_funds")),
        ("gpb", ("gpb_own", "gpb_transfer")),
        ("fund", ("fund_own", "fund_transfer")),
        ("capital", ("capital_own", "capital_transfer")),
        ("unit_funds", ("unit_business", "unit_superior", "unit_affiliated", "unit_operating", "unit_other")),
        ("carry_total", ("carry_fiscal", "carry_nonfiscal")),
        ("carry_fiscal", ("carry_fiscal_gpb", "carry_fiscal_fund", "carry_fiscal_capital")),
        ("carry_nonfiscal", ("carry_special_account", "carry_unit_funds")),
        ("income_grand_total", ("current_total", "carry_total")),
    ),
    ("T_fiscal", "income_rows"): (
        ("fiscal_total", ("gpb", "fund", "capital")),
        ("income_grand_total", ("fiscal_total",)),
    ),
    ("T_three_public", "rows"): (
        ("total", ("abroad", "reception", "vehicle")),
        ("vehicle", ("vehicle_purchase", "vehicle_operation")),
    ),
}


def cents(value) -> int:
    """A 万元 figure as printed → integer 百元; blanks and non-numbers count as zero."""
    if value is None or value == "" or isinstance(value, bool):
        return 0
    try:
        return int((Decimal(str(value)) * 100).to_integral_value())
    except Exception:
        return 0


@dataclass
class _Row:
    kind: str | None
    code: str
    key: str | None
    label: str
    unit: str | None
    values: dict[str, int]


def _rows(table: dict, section: str) -> list[_Row]:
    out = []
    for r in table.get(section, []):
        if "values" in r:
            vals = {k: cents(v) for k, v in r["values"].items()}
        else:
            vals = {"amount": cents(r.get("amount"))}
        out.append(_Row(r.get("kind"), r.get("code") or "", r.get("key"), r.get("label", ""),
                        r.get("unit"), vals))
    return out


class _Checker:
    def __init__(self, doc: dict):
        self.tables = doc.get("tables", {})
        self.findings: list[Finding] = []

    def no(self, key: str) -> str:
        return f"表{self.tables[key].get('no', '?')}"

    def report(self, rule, key, message, expected, actual) -> None:
        self.findings.append(error(rule, self.no(key), None, message,
                                   expected=_fmt(expected), actual=_fmt(actual)))

    def equal(self, rule, key, what, published, parts) -> None:
        if published != parts:
            self.report(rule, key, f"{self.tables[key].get('title', key)}：{what} 为 {_fmt(published)}，"
                        f"应为 {_fmt(parts)}（差 {_fmt(published - parts)}）", parts, published)

    # -- in-table -----------------------------------------------------------------------
    def row_totals(self, key: str, section: str) -> None:
        for row in _rows(self.tables[key], section):
            for lhs, rhs in ROW_TOTALS.get(key, ()):
                if lhs in row.values or any(c in row.values for c in rhs):
                    self.equal("sum-row", key, f"“{row.label}”{lhs} 列",
                               row.values.get(lhs, 0), sum(row.values.get(c, 0) for c in rhs))

    def fixed_sums(self, key: str, section: str) -> None:
        rows = {r.key: r for r in _rows(self.tables[key], section) if r.key}
        for lhs, rhs in FIXED_SUMS.get((key, section), ()):
            if lhs not in rows:
                continue
            for col in _columns(rows[lhs], [rows[k] for k in rhs if k in rows]):
                self.equal("sum-rows", key, f"“{rows[lhs].label}”{_col(col)}",
                           rows[lhs].values.get(col, 0),
                           sum(rows[k].values.get(col, 0) for k in rhs if k in rows))

    def tree(self, key: str) -> None:
        rows = _rows(self.tables[key], "rows")
        classes = [r for r in rows if r.kind == "class"]
        projects = [r for r in rows if r.kind == "project"]
        for parent in classes:
            children = [c for c in classes if c.unit == parent.unit and _child(parent.code, c.code)]
            if key == "T_gpb_project" and len(parent.code) == 5:
                children = [p for p in projects if p.unit == parent.unit and p.code[:5] == parent.code]
            if children:
                self._sum(key, "sum-children", f"“{parent.code} {parent.label}”", parent, children)
        units = [r for r in rows if r.kind == "unit"]
        for unit in units:
            members = [r for r in rows if r.unit == unit.unit and r.kind in ("class", "project")
                       and (r.kind == "project" or len(r.code) == 3)]
            if key == "T_gpb_project":
                members = [r for r in members if r.kind == "class"]
            self._sum(key, "sum-unit", f"单位“{unit.label}”", unit, members)
        tops = units or [r for r in rows if (r.kind == "class" and len(r.code) == 3)
                         or (r.kind == "project" and not r.code)]
        for total in (r for r in rows if r.kind == "total"):
            if tops:
                self._sum(key, "sum-total", "总计", total, tops)

    def _sum(self, key, rule, what, parent: _Row, children: list[_Row]) -> None:
        for col in _columns(parent, children):
            self.equal(rule, key, f"{what}{_col(col)}", parent.values.get(col, 0),
                       sum(c.values.get(col, 0) for c in children))

    def class_list(self, key: str, total_col: str) -> None:
        rows = _rows(self.tables[key], "expense_rows")
        total = next((r for r in rows if r.key == "expense_grand_total"), None)
        classes = [r for r in rows if r.code]
        if total:
            self._sum(key, "sum-total", "支出总计", total, classes)
        income = {r.key: r for r in _rows(self.tables[key], "income_rows")}
        if total and "income_grand_total" in income:
            self.equal("sum-balance", key, "收入总计与支出总计", income["income_grand_total"].values["amount"],
                       total.values.get(total_col, 0))

    # -- cross-table --------------------------------------------------------------------
    def cross(self) -> None:
        t = self.tables
        fig = _Figures(t)
        pairs = [
            ("T_income_expense", "收入总计", fig.fixed("T_income_expense", "income_rows", "income_grand_total"),
             "T_income", "总计", fig.total("T_income", "total")),
            ("T_income_expense", "收入总计", fig.fixed("T_income_expense", "income_rows", "income_grand_total"),
             "T_expense", "总计", fig.total("T_expense", "total")),
            ("T_income_expense", "二、上年结转结余", fig.fixed("T_income_expense", "income_rows", "carry_total"),
             "T_income", "总计 结转列", _add(fig.total("T_income", "carry_fiscal"),
                                              fig.total("T_income", "carry_nonfiscal"))),
            ("T_fiscal", "一般公共预算", fig.fixed("T_fiscal", "income_rows", "gpb"),
             "T_gpb", "总计", fig.total("T_gpb", "total")),
            ("T_fiscal", "政府性基金预算", fig.fixed("T_fiscal", "income_rows", "fund"),
             "T_gov_fund", "总计", fig.total("T_gov_fund", "total")),
            ("T_fiscal", "国有资本经营预算", fig.fixed("T_fiscal", "income_rows", "capital"),
             "T_state_capital", "总计", fig.total("T_state_capital", "total")),
            ("T_gpb", "总计 基本支出", fig.total("T_gpb", "basic"),
             "T_gpb_basic", "总计", fig.total("T_gpb_basic", "total")),
            ("T_gpb", "总计 项目支出", fig.total("T_gpb", "project"),
             "T_gpb_project", "总计", fig.total("T_gpb_project", "total")),
            ("T_carryover", "总计", fig.total("T_carryover", "total"),
             "T_income_expense", "二、上年结转结余", fig.fixed("T_income_expense", "income_rows", "carry_total")),
        ]
        for a, what_a, va, b, what_b, vb in pairs:
            if va is not None and vb is not None:
                self.equal("cross-table", a, f"{what_a} 与{self.no(b)}{what_b}（{_fmt(vb)}）", va or 0, vb or 0)
        self._codes("T_income", "total", "T_expense", "total")
        self._codes("T_income_expense", "amount", "T_expense", "total", section="expense_rows")
        for col, other in (("gpb", "T_gpb"), ("fund", "T_gov_fund"), ("capital", "T_state_capital")):
            self._codes("T_fiscal", col, other, "total", section="expense_rows")
        self._gpb_project_codes(fig)
        if "T_three_public" in t and "T_gpb_basic" in t:
            op = fig.fixed("T_three_public", "rows", "vehicle_operation", "gpb") or 0
            basic = fig.code("T_gpb_basic", "30231", "total") or 0
            if op < basic:
                self.report("part-le-whole", "T_three_public",
                            f"公务用车运行维护费（一般公共预算）{_fmt(op)} 小于{self.no('T_gpb_basic')}"
                            f" 30231 公务用车运行维护费 {_fmt(basic)}", basic, op)

    def _codes(self, a, col_a, b, col_b, section="rows") -> None:
        if a not in self.tables or b not in self.tables:
            return
        left = {r.code: r.values.get(col_a, 0) for r in _rows(self.tables[a], section)
                if r.code and r.kind != "project"}
        right = {r.code: r.values.get(col_b, 0) for r in _rows(self.tables[b], "rows")
                 if r.kind == "class"}
        for code in sorted(set(left) | set(right)):
            if section == "expense_rows" and len(code) != 3:
                continue
            if left.get(code, 0) != right.get(code, 0):
                self.report("cross-table", a, f"{self.tables[a].get('title', a)}：{code} {_col(col_a)}"
                            f" 为 {_fmt(left.get(code, 0))}，{self.no(b)} 同一科目为 {_fmt(right.get(code, 0))}",
                            right.get(code, 0), left.get(code, 0))

    def _gpb_project_codes(self, fig) -> None:
        if "T_gpb" not in self.tables or "T_gpb_project" not in self.tables:
            return
        by_code: dict[str, int] = {}
        for r in _rows(self.tables["T_gpb_project"], "rows"):
            if r.kind == "project" and r.code:
                by_code[r.code] = by_code.get(r.code, 0) + r.values.get("total", 0)
        gpb = {r.code: r.values.get("project", 0) for r in _rows(self.tables["T_gpb"], "rows")
               if r.kind == "class" and len(r.code) == 7}
        for code in sorted(set(by_code) | {c for c, v in gpb.items() if v}):
            if gpb.get(code, 0) != by_code.get(code, 0):
                self.report("cross-table", "T_gpb", f"{self.tables['T_gpb'].get('title')}：{code} 项目支出 "
                            f"{_fmt(gpb.get(code, 0))} 与{self.no('T_gpb_project')}该科目项目合计 "
                            f"{_fmt(by_code.get(code, 0))} 不一致", by_code.get(code, 0), gpb.get(code, 0))


class _Figures:
    def __init__(self, tables):
        self.tables = tables

    def total(self, key, col):
        if key not in self.tables:
            return None
        rows = [r for r in _rows(self.tables[key], "rows") if r.kind == "total"]
        return rows[0].values.get(col, 0) if rows else None

    def fixed(self, key, section, row_key, col="amount"):
        if key not in self.tables:
            return None
        for r in _rows(self.tables[key], section):
            if r.key == row_key:
                return r.values.get(col, 0)
        return None

    def code(self, key, code, col):
        if key not in self.tables:
            return None
        return sum(r.values.get(col, 0) for r in _rows(self.tables[key], "rows") if r.code == code)


def _add(a, b):
    if a is None and b is None:
        return None
    return (a or 0) + (b or 0)


def _child(parent: str, code: str) -> bool:
    return code.startswith(parent) and len(code) == len(parent) + 2


def _columns(parent: _Row, children: list[_Row]) -> list[str]:
    cols = set(parent.values)
    for c in children:
        cols |= set(c.values)
    return sorted(cols)


def _col(col: str) -> str:
    return "" if col == "amount" else f"（{col} 列）"


def _fmt(value) -> str:
    if value is None:
        return ""
    return f"{Decimal(value).scaleb(-2):,.2f}"


def check_tables(doc: dict) -> list[Finding]:
    """All identities on a tables document (the JSON of ``xltools tables --json``)."""
    c = _Checker(doc)
    for key, table in c.tables.items():
        if key in ("T_income_expense", "T_fiscal"):
            c.fixed_sums(key, "income_rows")
            c.class_list(key, "amount" if key == "T_income_expense" else "total")
            if key == "T_fiscal":
                c.row_totals(key, "expense_rows")
        elif key == "T_three_public":
            c.fixed_sums(key, "rows")
            c.row_totals(key, "rows")
        else:
            c.tree(key)
            c.row_totals(key, "rows")
    c.cross()
    return c.findings

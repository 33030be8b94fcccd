"""Every identity of tables.md, as data: which published figure must equal the sum of which.

Identities are enumerated once, on tables in the JSON form of tables.md, and then used two
ways: evaluated here on the figures (``check_tables`` — for the tables this tool computes,
where they hold by construction, and for tables read back from anyone's workbook), and
written as live formulas in the disclosure workbook's 校验 sheet.  Both read the same list,
so the workbook checks exactly what the tool checks.

A figure is addressed by ``Ref(table, section, row index, column)``: the position of the
row in that section's list, which is also its order in print.  Amounts are compared as
integers of 百元 (0.01 万元).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import NamedTuple

from ..findings import Finding, error, warning

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

# The families, as the 校验 sheet groups them.
FAMILIES = {
    "sum-children": "表内：上级科目 = 下级之和",
    "sum-unit": "表内：单位行 = 所属各行之和",
    "sum-total": "表内：总计 = 各类之和",
    "sum-rows": "表内：合计行 = 所列各行之和",
    "sum-row": "表内：合计列 = 分项列之和",
    "sum-balance": "表内：收入总计 = 支出总计",
    "cross-table": "跨表一致",
    "part-le-whole": "部分不大于整体",
}


class Ref(NamedTuple):
    """A tuple: built by the million at 1,000,000 lines, where a frozen dataclass's
    attribute-by-attribute construction took seconds; and the key its figure has in
    the writers' dictionaries."""

    table: str
    section: str
    row: int
    col: str


class Identity(NamedTuple):
    """``whole`` = Σ ``parts`` (relation "eq") or ``whole`` ≥ Σ ``parts`` (relation "ge").

    ``whole`` is the published figure a reviewer corrects when the identity breaks (a parent,
    a total); None where that figure's row is absent, which prints as zero.
    """

    rule: str
    table: str
    what: str
    whole: Ref | None
    parts: tuple[Ref, ...]
    relation: str = "eq"

    @property
    def family(self) -> str:
        return FAMILIES[self.rule]


def cents(value) -> int:
    """A 万元 figure as printed → integer 百元; blanks and non-numbers count as zero."""
    if value is None or value == "" or isinstance(value, bool):
        return 0
    try:
        return int((Decimal(str(value)) * 100).to_integral_value())
    except Exception:
        return 0


class _Row(NamedTuple):
    index: int
    kind: str | None
    code: str
    key: str | None
    label: str
    unit: str | None


class _Tables:
    """Read access to a tables document: rows by section, figures by Ref."""

    def __init__(self, doc: dict):
        self.tables: dict = doc.get("tables", {})
        self._rows: dict[tuple[str, str], list[_Row]] = {}

    def rows(self, key: str, section: str) -> list[_Row]:
        """The section's rows (made once: the enumeration asks for most sections often)."""
        rows = self._rows.get((key, section))
        if rows is None:
            rows = self._rows[key, section] = [
                _Row(i, r.get("kind"), r.get("code") or "", r.get("key"), r.get("label", ""), r.get("unit"))
                for i, r in enumerate(self.tables.get(key, {}).get(section, []))]
        return rows

    def columns(self, key: str, section: str) -> list[str]:
        table = self.tables.get(key, {})
        rows = table.get(section, [])
        if rows and "values" not in rows[0]:
            return ["amount"]
        return list(table.get("columns", ["amount"]))

    def value(self, ref: Ref | None) -> int:
        if ref is None:
            return 0
        row = self.tables[ref.table][ref.section][ref.row]
        if "values" in row:
            return cents(row["values"].get(ref.col))
        return cents(row.get("amount"))

    def no(self, key: str) -> str:
        return f"表{self.tables.get(key, {}).get('no', '?')}"

    def title(self, key: str) -> str:
        return self.tables.get(key, {}).get("title", key)


@cache
def _column_labels() -> dict[str, str]:
    from ..tables.spec import table_specs

    labels = {"amount": "预算数"}
    for spec in table_specs(True, "").values():
        for sec in spec.sections:
            for c in sec.columns:
                labels.setdefault(c.key, c.label)
    labels["total"] = "合计"
    return labels


def column_label(col: str) -> str:
    return _column_labels().get(col, col)


def _row_name(row: _Row) -> str:
    if row.kind == "total":
        return row.label or "总计"
    if row.code:
        return f"{row.code} {row.label}"
    return row.label


class _Enumerator:
    def __init__(self, doc: dict):
        self.t = _Tables(doc)
        self.out: list[Identity] = []

    def add(self, rule, table, what, whole, parts, relation="eq") -> None:
        self.out.append(Identity(rule, table, what, whole, tuple(parts), relation))

    # -- in-table -----------------------------------------------------------------------
    def row_totals(self, key: str, section: str) -> None:
        cols = set(self.t.columns(key, section))
        # The column part of the wording is the same on every row: built once per rule.
        rules = []
        for lhs, rhs in ROW_TOTALS.get(key, ()):
            parts = tuple(c for c in rhs if c in cols)
            if lhs in cols and parts:
                rules.append((lhs, parts, f"行：{column_label(lhs)} = "
                              + " + ".join(column_label(c) for c in parts)))
        if not rules:
            return
        out = self.out.append
        for row in self.t.rows(key, section):
            name = _row_name(row)
            i = row.index
            for lhs, parts, wording in rules:
                out(Identity("sum-row", key, f"“{name}”{wording}", Ref(key, section, i, lhs),
                             tuple([Ref(key, section, i, c) for c in parts])))

    def fixed_sums(self, key: str, section: str) -> None:
        rows = {r.key: r for r in self.t.rows(key, section) if r.key}
        for lhs, rhs in FIXED_SUMS.get((key, section), ()):
            present = [rows[k] for k in rhs if k in rows]
            if lhs not in rows or not present:
                continue
            for col in self.t.columns(key, section):
                self.add("sum-rows", key,
                         f"“{rows[lhs].label}”{_in_col(col)} = " + " + ".join(r.label for r in present),
                         Ref(key, section, rows[lhs].index, col),
                         [Ref(key, section, r.index, col) for r in present])

    def tree(self, key: str) -> None:
        # Rows are grouped by (unit, parent code) once, so that each parent finds its
        # children by one look-up: at 100,000 lines there are thousands of class rows.
        rows = self.t.rows(key, "rows")
        classes = [r for r in rows if r.kind == "class"]
        sub_classes: dict[tuple, list[_Row]] = {}
        for c in classes:
            if len(c.code) >= 2:  # a child's code is its parent's and two more digits
                sub_classes.setdefault((c.unit, c.code[:-2]), []).append(c)
        projects_of: dict[tuple, list[_Row]] = {}
        if key == "T_gpb_project":
            for p in rows:
                if p.kind == "project":
                    projects_of.setdefault((p.unit, p.code[:5]), []).append(p)
        for parent in classes:
            if key == "T_gpb_project" and len(parent.code) == 5:
                children = projects_of.get((parent.unit, parent.code), [])
            else:
                children = sub_classes.get((parent.unit, parent.code), [])
            if children:
                self._sum(key, "sum-children", f"“{_row_name(parent)}”", parent, children)
        units = [r for r in rows if r.kind == "unit"]
        members_of: dict[str | None, list[_Row]] = {}
        for r in rows:
            if (r.kind == "class" and len(r.code) == 3) or (r.kind == "project" and key != "T_gpb_project"):
                members_of.setdefault(r.unit, []).append(r)
        for unit in units:
            self._sum(key, "sum-unit", f"单位“{unit.label}”", unit, members_of.get(unit.unit, []))
        tops = units or [r for r in rows if (r.kind == "class" and len(r.code) == 3)
                         or (r.kind == "project" and not r.code)]
        for total in (r for r in rows if r.kind == "total"):
            if tops:
                self._sum(key, "sum-total", f"“{total.label or '总计'}”", total, tops)

    def _sum(self, key, rule, what, parent: _Row, children: list[_Row], section="rows") -> None:
        for col in self.t.columns(key, section):
            self.add(rule, key, f"{what}{_in_col(col)} = 下列各行之和", Ref(key, section, parent.index, col),
                     [Ref(key, section, c.index, col) for c in children])

    def class_list(self, key: str, total_col: str) -> None:
        rows = self.t.rows(key, "expense_rows")
        total = next((r for r in rows if r.key == "expense_grand_total"), None)
        if total is None:
            return
        classes = [r for r in rows if r.code]
        for col in self.t.columns(key, "expense_rows"):
            self.add("sum-total", key, f"“支出总计”{_in_col(col)} = 各类支出之和",
                     Ref(key, "expense_rows", total.index, col),
                     [Ref(key, "expense_rows", r.index, col) for r in classes])
        income = {r.key: r for r in self.t.rows(key, "income_rows")}
        if "income_grand_total" in income:
            self.add("sum-balance", key, "收入总计 = 支出总计",
                     Ref(key, "income_rows", income["income_grand_total"].index, "amount"),
                     [Ref(key, "expense_rows", total.index, total_col)])

    # -- cross-table --------------------------------------------------------------------
    def total(self, key, col) -> Ref | None:
        if key not in self.t.tables:
            return None
        row = next((r for r in self.t.rows(key, "rows") if r.kind == "total"), None)
        return None if row is None or col not in self.t.columns(key, "rows") else Ref(key, "rows", row.index, col)

    def fixed(self, key, section, row_key, col="amount") -> Ref | None:
        if key not in self.t.tables:
            return None
        row = next((r for r in self.t.rows(key, section) if r.key == row_key), None)
        return None if row is None else Ref(key, section, row.index, col)

    def cross(self) -> None:
        no = self.t.no
        t1_total = self.fixed("T_income_expense", "income_rows", "income_grand_total")
        t1_carry = self.fixed("T_income_expense", "income_rows", "carry_total")
        pairs = [
            ("T_income_expense", "收入总计", t1_total, "T_income", "总计", [self.total("T_income", "total")]),
            ("T_income_expense", "收入总计", t1_total, "T_expense", "总计", [self.total("T_expense", "total")]),
            ("T_income_expense", "二、上年结转结余", t1_carry, "T_income", "总计 财政拨款结转 + 非财政拨款结转结余",
             [self.total("T_income", "carry_fiscal"), self.total("T_income", "carry_nonfiscal")]),
            ("T_fiscal", "一般公共预算", self.fixed("T_fiscal", "income_rows", "gpb"),
             "T_gpb", "总计", [self.total("T_gpb", "total")]),
            ("T_fiscal", "政府性基金预算", self.fixed("T_fiscal", "income_rows", "fund"),
             "T_gov_fund", "总计", [self.total("T_gov_fund", "total")]),
            ("T_fiscal", "国有资本经营预算", self.fixed("T_fiscal", "income_rows", "capital"),
             "T_state_capital", "总计", [self.total("T_state_capital", "total")]),
            ("T_gpb", "总计 基本支出", self.total("T_gpb", "basic"),
             "T_gpb_basic", "总计", [self.total("T_gpb_basic", "total")]),
            ("T_gpb", "总计 项目支出", self.total("T_gpb", "project"),
             "T_gpb_project", "总计", [self.total("T_gpb_project", "total")]),
            ("T_carryover", "总计", self.total("T_carryover", "total"),
             "T_income_expense", "二、上年结转结余", [t1_carry]),
        ]
        for a, what_a, whole, b, what_b, parts in pairs:
            parts = [p for p in parts if p is not None]
            if whole is not None and parts:
                self.add("cross-table", a, f"{no(a)}{what_a} = {no(b)}{what_b}", whole, parts)
        self.codes("T_income", "total", "T_expense", "total")
        self.codes("T_income_expense", "amount", "T_expense", "total", section="expense_rows")
        for col, other in (("gpb", "T_gpb"), ("fund", "T_gov_fund"), ("capital", "T_state_capital")):
            self.codes("T_fiscal", col, other, "total", section="expense_rows")
        self.gpb_project_codes()
        self.three_public_vehicle()

    def codes(self, a, col_a, b, col_b, section="rows") -> None:
        """The same 功能分类 code carries the same figure in two tables (absent = zero)."""
        if a not in self.t.tables or b not in self.t.tables:
            return
        left = {r.code: r for r in self.t.rows(a, section) if r.code and r.kind != "project"}
        right = {r.code: r for r in self.t.rows(b, "rows") if r.kind == "class"}
        no = self.t.no
        for code in sorted(set(left) | set(right)):
            if section == "expense_rows" and len(code) != 3:
                continue
            name = (left.get(code) or right[code]).label
            whole = Ref(a, section, left[code].index, col_a) if code in left else None
            parts = [Ref(b, "rows", right[code].index, col_b)] if code in right else []
            self.add("cross-table", a, f"{no(a)} {code} {name}{_in_col(col_a)} = {no(b)}同一科目"
                     f"{_in_col(col_b)}", whole, parts)

    def gpb_project_codes(self) -> None:
        if "T_gpb" not in self.t.tables or "T_gpb_project" not in self.t.tables:
            return
        by_code: dict[str, list[_Row]] = {}
        for r in self.t.rows("T_gpb_project", "rows"):
            if r.kind == "project" and r.code:
                by_code.setdefault(r.code, []).append(r)
        gpb = {r.code: r for r in self.t.rows("T_gpb", "rows") if r.kind == "class" and len(r.code) == 7}
        no = self.t.no
        for code in sorted(set(by_code) | set(gpb)):
            whole = Ref("T_gpb", "rows", gpb[code].index, "project") if code in gpb else None
            name = gpb[code].label if code in gpb else ""
            self.add("cross-table", "T_gpb",
                     f"{no('T_gpb')} {code} {name}（项目支出）= {no('T_gpb_project')}该科目各项目合计",
                     whole, [Ref("T_gpb_project", "rows", r.index, "total") for r in by_code.get(code, [])])

    def three_public_vehicle(self) -> None:
        if "T_three_public" not in self.t.tables or "T_gpb_basic" not in self.t.tables:
            return
        op = self.fixed("T_three_public", "rows", "vehicle_operation", "gpb")
        basic = [Ref("T_gpb_basic", "rows", r.index, "total")
                 for r in self.t.rows("T_gpb_basic", "rows") if r.code == "30231"]
        if op is not None:
            no = self.t.no
            self.add("part-le-whole", "T_three_public",
                     f"{no('T_three_public')}公务用车运行维护费（一般公共预算） ≥ "
                     f"{no('T_gpb_basic')} 30231 公务用车运行维护费", op, basic, relation="ge")


def identities(doc: dict) -> list[Identity]:
    """Every identity the tables of ``doc`` allow, in-table ones table by table, then cross-table."""
    e = _Enumerator(doc)
    for key in e.t.tables:
        if key in ("T_income_expense", "T_fiscal"):
            e.fixed_sums(key, "income_rows")
            e.class_list(key, "amount" if key == "T_income_expense" else "total")
            if key == "T_fiscal":
                e.row_totals(key, "expense_rows")
        elif key == "T_three_public":
            e.fixed_sums(key, "rows")
            e.row_totals(key, "rows")
        else:
            e.tree(key)
            e.row_totals(key, "rows")
    e.cross()
    return e.out


def sides(identity: Identity, doc_or_tables) -> tuple[int, int]:
    """The identity's two sides in 百元: the published figure and the sum of its parts."""
    t = doc_or_tables if isinstance(doc_or_tables, _Tables) else _Tables(doc_or_tables)
    return t.value(identity.whole), sum(t.value(p) for p in identity.parts)


def evaluate(idents: list[Identity], value) -> list[tuple[int, int]]:
    """Each identity's two sides in 百元, ``value(ref)`` reading a figure: what ``build``
    both checks and writes to the 校验 sheet, computed once."""
    return [(value(i.whole) if i.whole else 0, sum(map(value, i.parts))) for i in idents]


def figure_reader(ts):
    """``value(ref)`` for the figures of a TableSet, as integers of 百元, straight from the
    tables rather than from their JSON form."""
    rows = {(key, sec.name): sec.rows for key, table in ts.tables.items() for sec in table.sections}

    def value(ref: Ref) -> int:
        return rows[ref.table, ref.section][ref.row][1].get(ref.col, 0)
    return value


def holds(identity: Identity, whole: int, parts: int) -> bool:
    return whole >= parts if identity.relation == "ge" else whole == parts


def check_tables(doc: dict, place=None, slips: bool = False, idents: list[Identity] | None = None,
                 sides_of: list[tuple[int, int]] | None = None) -> list[Finding]:
    """All identities on a tables document (the JSON of ``xltools tables --json``).

    ``place`` maps a Ref to its (sheet, cell) where the tables were read from a workbook.
    With ``slips``, a break of at most 0.01 万元 per part is the warning ``rounding-slip``
    (舍位误差: each figure rounded from 元 on its own), so that reviewers can tell it from a
    real error; the tool's own tables have no slips, so ``build`` leaves this off.
    ``idents``: ``identities(doc)`` when the caller already has them (``build`` writes
    the same list to the 校验 sheet); ``sides_of``: ``evaluate(idents, …)``, likewise.
    """
    t = _Tables(doc)
    out = []
    idents = identities(doc) if idents is None else idents
    for ident, (whole, parts) in zip(idents, sides_of or (sides(i, t) for i in idents)):
        if holds(ident, whole, parts):
            continue
        sheet, cell = t.no(ident.table), None
        if place is not None:
            anchor = ident.whole or (ident.parts[0] if ident.parts else None)
            if anchor is not None:
                sheet, cell = place(anchor)
        if ident.relation == "ge":
            message = f"{t.title(ident.table)}：{ident.what} 不成立：{fmt(whole)} 小于 {fmt(parts)}"
        else:
            message = (f"{t.title(ident.table)}：{ident.what} 不成立：公开数 {fmt(whole)}，"
                       f"应为 {fmt(parts)}（差 {fmt(whole - parts)}）")
        if slips and ident.relation == "eq" and abs(whole - parts) <= max(1, len(ident.parts)):
            out.append(warning("rounding-slip", sheet, cell, message + "。差额不超过每项 0.01 万元，"
                               "是各数分别从元舍位造成的舍位误差：请调整舍位使合计相符。",
                               expected=fmt(parts), actual=fmt(whole)))
            continue
        out.append(error(ident.rule, sheet, cell, message, expected=fmt(parts), actual=fmt(whole)))
    return out


def _child(parent: str, code: str) -> bool:
    return code.startswith(parent) and len(code) == len(parent) + 2


@cache
def _in_col(col: str) -> str:
    return "" if col == "amount" else f"（{column_label(col)}）"


def fmt(value) -> str:
    if value is None:
        return ""
    return f"{Decimal(value).scaleb(-2):,.2f}"

"""Which published figures of a reference document are wrong, read from its golden identities.

A golden lists every identity it checked as ``{id, lhs, rhs, ok}``.  An identity of a table
(its id starts with ``T<no>``) that failed names, on its left side, the published figure that
disagrees with the sum of its parts: ``T2.208.total==sum(children)`` is 表2's 208 row, column
total.  ``expected_failures(golden)`` turns every failed table identity into an ``Expectation``:
the table, the row (index into the golden's list), the column, lhs and rhs; with the map that
``render_golden.render`` returns each expectation gives the cell(s) ``check`` must report.

Ids are written by hand and come in many spellings; ``locate`` reads them (the table by its
number in the golden's ``table_index``):

- ``T2.208.total``, ``T3.总计.basic``, ``T2.total.total``, ``T2.合计.total`` — row (code,
  总计/合计/total, ``unit_row``, a fixed key of 表10, the unit's or a project's name or its first
  characters, ``2080199:昌州财社…`` / ``2080199[乌财社[2023]262]`` a project under a code,
  ``[name]`` / ``.[name]`` a project by name), then column; no column means ``total``;
- ``T2.gpb``, ``T5.basic_total`` — a column of the total row;
- two-sided tables: ``T1.<income key>``, ``T1.income_total``, ``T1.expense_grand_total``,
  ``T1.exp.208`` / ``T1.expense.208``, ``T4.208.gpb``, ``T4.total.total``,
  ``T4.expense_grand_total.gpb``, ``T4.gpb(income)``, ``T4.gpb_total`` (支出总计, column gpb).

An id is not mapped (``Analysis.unmapped`` says why) when its left side is not one published
figure (``T11.普惠金融 items (C2+C3)``, ``T3.208.total-T5.208.total``), when it was computed on
figures other than the golden's tables (``[AS PRINTED …]``: the golden's tables carry the
corrected placement), when the mapped figure is not its lhs, or when its right side, recomputed
from the golden's tables, equals the lhs (the rendered figures do not break it).

``table_breaks(doc)`` is a small independent evaluator of the within-table identities of
tables.md (parent = Σ children, 总计 = Σ 类 / unit rows, unit row = Σ its rows, row total = Σ its
component columns, the fixed rows of 表1/表4/表10); the tests use it to check that a consistent
document really is consistent and to list breaks the golden does not name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .render_golden import TWO_SIDED, columns_of, entity_of, normal, row_kind, table_index, value

EPS = 0.0005


@dataclass(frozen=True)
class Loc:
    """One published figure: ``(table, section, row index in golden[table][section], column)``."""

    table: str
    section: str
    row: int
    column: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.table, self.section, self.row, self.column)


@dataclass(frozen=True)
class Expectation:
    id: str
    table: str
    section: str
    row: int
    row_label: str  # the row as a person names it: code, 总计, a fixed key or the label
    column: str
    lhs: float
    rhs: float
    alternatives: tuple[Loc, ...] = ()  # other figures check may blame instead (a unit row = 总计)
    recomputed_rhs: float | None = None

    @property
    def loc(self) -> Loc:
        return Loc(self.table, self.section, self.row, self.column)

    def cells(self, cell_map: dict) -> list[str]:
        """``Sheet!A1`` of the figure, then of its alternatives (those the workbook has)."""
        locs = (self.loc, *self.alternatives)
        return [cell_map[loc.key] for loc in locs if loc.key in cell_map]


@dataclass
class Analysis:
    expectations: list[Expectation] = field(default_factory=list)
    unmapped: list[tuple[str, str]] = field(default_factory=list)  # (id, why)


class Unmappable(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------

T10_ALIASES = {"purchase": "vehicle_purchase", "operation": "vehicle_operation"}
T10_KEYS = ("total", "abroad", "reception", "vehicle", "vehicle_purchase", "vehicle_operation")


def tables_by_no(doc: dict) -> dict[int, str]:
    out = {e["no"]: e["canonical"] for e in table_index(doc)}
    for k, t in doc["tables"].items():
        out.setdefault(t.get("no"), k)
    return out


def _rows(doc: dict, table: str, section: str = "rows") -> list[dict]:
    return list(doc["tables"][table].get(section) or [])


def _kinds(doc: dict, table: str) -> list[str]:
    ent = entity_of(doc)
    return [row_kind(table, r, ent) for r in _rows(doc, table)]


def _unique(found: list[int], what: str) -> int:
    if len(found) != 1:
        raise Unmappable(f"{what}: {len(found)} rows match")
    return found[0]


def _total_row(doc: dict, table: str) -> int:
    return _unique([i for i, k in enumerate(_kinds(doc, table)) if k == "total"], "total row")


def _bracket(rest: str) -> tuple[str, str]:
    """``[name].col…`` → (name, ".col…"): the ``]`` that ends the name is followed by . = space ( or end."""
    assert rest.startswith("[")
    for j, ch in enumerate(rest):
        if ch == "]" and (j + 1 == len(rest) or rest[j + 1] in ".= ("):
            return rest[1:j], rest[j + 1:]
    raise Unmappable("unbalanced [")


def _by_name(doc: dict, table: str, prefix: str, code: str | None = None) -> int:
    p = normal(prefix)
    if not p:
        raise Unmappable("empty name")
    found = []
    for i, r in enumerate(_rows(doc, table)):
        if code is not None and r.get("code") != code:
            continue
        names = [normal(r.get("project")), normal(r.get("label"))]
        if any(n and n.startswith(p) for n in names):
            found.append(i)
    return _unique(found, f"name {prefix!r}")


def _by_code(doc: dict, table: str, code: str) -> int:
    rows, kinds = _rows(doc, table), _kinds(doc, table)
    cls = [i for i, r in enumerate(rows) if r.get("code") == code and kinds[i] == "class"]
    if cls:
        return _unique(cls, f"code {code}")
    return _unique([i for i, r in enumerate(rows) if r.get("code") == code], f"code {code}")


def _column(doc: dict, table: str, rest: str, default: str, section: str = "rows") -> tuple[str, str]:
    cols = columns_of(table, doc["tables"][table], section)
    m = re.match(r"\.([A-Za-z_0-9]+)", rest)
    if m and m.group(1) in cols:
        return m.group(1), rest[m.end():]
    if m:
        raise Unmappable(f"unknown column {m.group(1)!r}")
    return default, rest


def _check_tail(rest: str) -> None:
    if rest and rest[0] not in " ([":
        raise Unmappable(f"left side is not one figure (…{rest[:30]})")


def _one_sided(doc: dict, table: str, rest: str) -> Loc:
    cols = columns_of(table, doc["tables"][table])
    rows = _rows(doc, table)
    if rest.startswith("."):
        rest = rest[1:]
    elif not rest.startswith("["):
        raise Unmappable("no row after the table")
    if rest.startswith("["):
        name, rest = _bracket(rest)
        row = _by_name(doc, table, name)
    elif m := re.match(r"(\d{3,7})(?=$|[.:\[ =(])", rest):
        code, rest = m.group(1), rest[m.end():]
        if rest.startswith(":"):
            seg = rest[1:].split(".", 1)
            row = _by_name(doc, table, seg[0], code)
            rest = "." + seg[1] if len(seg) > 1 else ""
        elif rest.startswith("["):
            name, rest = _bracket(rest)
            row = _by_name(doc, table, name, code)
        else:
            row = _by_code(doc, table, code)
    else:
        seg, dot, tail = rest.partition(".")
        seg_clean = re.split(r"[ (]", seg, maxsplit=1)[0]
        if not dot:  # "gpb(income)", "total", "basic_total (…)"
            tail_after = seg[len(seg_clean):]
            seg, rest = seg_clean, tail_after
        else:
            rest = "." + tail
        if seg in ("总计", "合计", "total"):
            if table == "T_three_public":
                row = _unique([i for i, r in enumerate(rows) if r.get("key") == "total"], "T10 total")
            else:
                row = _total_row(doc, table)
        elif seg == "unit_row":
            row = _unique([i for i, k in enumerate(_kinds(doc, table)) if k == "unit"], "unit row")
        elif table == "T_three_public" and T10_ALIASES.get(seg, seg) in T10_KEYS:
            key = T10_ALIASES.get(seg, seg)
            row = _unique([i for i, r in enumerate(rows) if r.get("key") == key], f"T10 {key}")
        elif seg in cols:  # T2.gpb: a column of the total row
            _check_tail(rest)
            return Loc(table, "rows", _total_row(doc, table), seg)
        elif seg.endswith("_total") and seg[: -len("_total")] in cols:  # T5.basic_total
            _check_tail(rest)
            return Loc(table, "rows", _total_row(doc, table), seg[: -len("_total")])
        else:
            row = _by_name(doc, table, seg)
    col, rest = _column(doc, table, rest, "total")
    _check_tail(rest)
    return Loc(table, "rows", row, col)


INCOME_ALIASES = {"income_total": "income_grand_total"}


def _two_sided(doc: dict, table: str, rest: str) -> Loc:
    t = doc["tables"][table]
    income = _rows(doc, table, "income_rows")
    expense = _rows(doc, table, "expense_rows")
    if not rest.startswith("."):
        raise Unmappable("no row after the table")
    m = re.match(r"\.([^.( ]+)", rest)
    seg, rest = m.group(1), rest[m.end():]
    ex_cols = columns_of(table, t, "expense_rows")
    ex_default = "amount" if table == "T_income_expense" else "total"

    def expense_row(pred, what) -> int:
        return _unique([i for i, r in enumerate(expense) if pred(r)], what)

    if seg in ("exp", "expense"):
        m = re.match(r"\.(\d{3})", rest)
        if not m:
            raise Unmappable("expense row without a code")
        row, rest = expense_row(lambda r: r.get("code") == m.group(1), m.group(1)), rest[m.end():]
        col, rest = _column(doc, table, rest, ex_default, "expense_rows")
        _check_tail(rest)
        return Loc(table, "expense_rows", row, col)
    if re.fullmatch(r"\d{3}", seg):
        row = expense_row(lambda r: r.get("code") == seg, seg)
        col, rest = _column(doc, table, rest, ex_default, "expense_rows")
        _check_tail(rest)
        return Loc(table, "expense_rows", row, col)
    if seg in ("expense_grand_total", "expense_total") or (table == "T_fiscal" and seg == "total"):
        row = expense_row(lambda r: r.get("key") == "expense_grand_total", "支出总计")
        col, rest = _column(doc, table, rest, ex_default, "expense_rows")
        _check_tail(rest)
        return Loc(table, "expense_rows", row, col)
    key = INCOME_ALIASES.get(seg, seg)
    if any(r.get("key") == key for r in income):
        row = _unique([i for i, r in enumerate(income) if r.get("key") == key], key)
        _check_tail(rest)
        return Loc(table, "income_rows", row, "amount")
    if table == "T_fiscal" and seg.endswith("_total") and seg[: -len("_total")] in ex_cols:
        row = expense_row(lambda r: r.get("key") == "expense_grand_total", "支出总计")
        _check_tail(rest)
        return Loc(table, "expense_rows", row, seg[: -len("_total")])
    raise Unmappable(f"unknown row {seg!r}")


def locate(doc: dict, ref: str) -> Loc:
    """The published figure a reference such as ``T2.208.total`` names; raises Unmappable."""
    m = re.match(r"T(\d+)", ref)
    if not m:
        raise Unmappable("not a table reference")
    table = tables_by_no(doc).get(int(m.group(1)))
    if table is None or table not in doc["tables"]:
        raise Unmappable(f"no table 表{m.group(1)}")
    rest = ref[m.end():]
    if table in TWO_SIDED:
        return _two_sided(doc, table, rest)
    return _one_sided(doc, table, rest)


def figure(doc: dict, loc: Loc) -> float:
    return value(_rows(doc, loc.table, loc.section)[loc.row], loc.column)


def row_label(doc: dict, loc: Loc) -> str:
    r = _rows(doc, loc.table, loc.section)[loc.row]
    kind = row_kind(loc.table, r, entity_of(doc)) if loc.section == "rows" else None
    if kind == "total":
        return r.get("label") or "总计"
    if r.get("code") and r.get("project"):
        return f"{r['code']} {r['project']}"
    return r.get("code") or r.get("key") or r.get("label") or ""


# ---------------------------------------------------------------------------------------------
# Recomputing a right side on the golden's own figures
# ---------------------------------------------------------------------------------------------

def _split_terms(text: str) -> list[str]:
    terms, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "+" and depth == 0:
            terms.append(cur)
            cur = ""
        else:
            cur += ch
    terms.append(cur)
    return [t.strip() for t in terms]


def _next_level(code: str) -> int | None:
    return {3: 5, 5: 7}.get(len(code))


def children(doc: dict, table: str, i: int) -> list[int]:
    rows = _rows(doc, table)
    code = rows[i].get("code")
    if not code or _next_level(code) is None:
        return []
    n = _next_level(code)
    return [j for j, r in enumerate(rows) if j != i and (r.get("code") or "").startswith(code)
            and len(r.get("code") or "") == n]


def _class_rows(doc: dict, table: str, section: str) -> list[int]:
    return [j for j, r in enumerate(_rows(doc, table, section))
            if r.get("code") and len(r["code"]) == 3 and not r.get("project")]


def _project_rows(doc: dict, table: str) -> list[int]:
    return [j for j, k in enumerate(_kinds(doc, table)) if k == "project"]


def evaluate(doc: dict, loc: Loc, rhs: str) -> float | None:
    """The right side of an identity on the golden's figures, or None when not understood."""
    rhs = re.split(r" [(\[]", rhs, maxsplit=1)[0].strip()
    total = 0.0
    rows = _rows(doc, loc.table, loc.section)
    for term in _split_terms(rhs):
        if term == "sum(children)" and loc.section == "rows":
            kids = children(doc, loc.table, loc.row)
            if not kids:
                return None
            total += sum(value(rows[j], loc.column) for j in kids)
        elif re.fullmatch(r"sum\((?:expense )?类(?: rows)?(?: [a-z_]+)?\)", term):
            total += sum(value(rows[j], loc.column) for j in _class_rows(doc, loc.table, loc.section))
        elif term in ("sum(items)", "sum(project rows)"):
            total += sum(value(rows[j], loc.column) for j in _project_rows(doc, loc.table))
        elif term == "sum(econ cols)":
            total += sum(value(rows[loc.row], c) for c in columns_of(loc.table, doc["tables"][loc.table])
                         if c.startswith("e"))
        elif re.match(r"T\d", term):
            try:
                total += figure(doc, locate(doc, term))
            except Unmappable:
                return None
        elif re.fullmatch(r"-?\d+(?:\.\d+)?", term):
            total += float(term)
        elif loc.section == "rows" and loc.table == "T_three_public" and T10_ALIASES.get(term, term) in T10_KEYS:
            key = T10_ALIASES.get(term, term)
            hit = [r for r in rows if r.get("key") == key]
            if len(hit) != 1:
                return None
            total += value(hit[0], loc.column)
        elif loc.section == "rows" and term in columns_of(loc.table, doc["tables"][loc.table]):
            total += value(rows[loc.row], term)
        elif loc.section == "income_rows" and any(r.get("key") == term for r in rows):
            total += value(next(r for r in rows if r.get("key") == term), "amount")
        else:
            return None
    return round(total, 2)


# ---------------------------------------------------------------------------------------------
# Golden identities → expectations
# ---------------------------------------------------------------------------------------------

def _alternatives(doc: dict, loc: Loc) -> tuple[Loc, ...]:
    """A unit row printing the same figure as the 总计 row may be blamed instead of it."""
    if loc.section != "rows":
        return ()
    kinds = _kinds(doc, loc.table)
    if kinds[loc.row] != "total":
        return ()
    rows = _rows(doc, loc.table)
    mine = value(rows[loc.row], loc.column)
    return tuple(Loc(loc.table, "rows", j, loc.column) for j, k in enumerate(kinds)
                 if k == "unit" and abs(value(rows[j], loc.column) - mine) < EPS)


def map_identity(doc: dict, ident: dict) -> Expectation:
    """One failed table identity → its Expectation; raises Unmappable (with why)."""
    iid = ident["id"]
    if "AS PRINTED" in iid:
        raise Unmappable("computed on the as-printed placement; the golden's tables carry the "
                         "corrected one, so the rendered figures do not break it")
    lhs_text, sep, rhs_text = iid.partition("==")
    if not sep:
        raise Unmappable("no ==")
    loc = locate(doc, lhs_text.strip())
    lhs, rhs = float(ident["lhs"]), float(ident["rhs"])
    got = figure(doc, loc)
    if abs(got - lhs) > EPS:
        raise Unmappable(f"the figure at {loc.key} is {got}, not the lhs {lhs}")
    recomputed = evaluate(doc, loc, rhs_text)
    if recomputed is not None and abs(recomputed - lhs) < EPS:
        raise Unmappable(f"on the golden's tables the right side is {recomputed} = lhs: no break")
    return Expectation(iid, loc.table, loc.section, loc.row, row_label(doc, loc), loc.column, lhs,
                       rhs, _alternatives(doc, loc), recomputed)


def is_table_identity(ident: dict) -> bool:
    return bool(re.match(r"T\d", ident.get("id", "")))


def analyse(golden: dict) -> Analysis:
    out = Analysis()
    for ident in golden.get("identities", []):
        if ident.get("ok") or not is_table_identity(ident):
            continue
        try:
            out.expectations.append(map_identity(golden, ident))
        except Unmappable as why:
            out.unmapped.append((ident["id"], str(why)))
    return out


def expected_failures(golden: dict) -> list[Expectation]:
    """Every failed table identity of the golden as an Expectation; prints the ids it cannot map."""
    a = analyse(golden)
    for iid, why in a.unmapped:
        print(f"unmapped golden identity {iid!r}: {why}")
    return a.expectations


def unmapped_failures(golden: dict) -> list[tuple[str, str]]:
    return analyse(golden).unmapped


# ---------------------------------------------------------------------------------------------
# An independent evaluator of the within-table identities
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    loc: Loc
    lhs: float
    rhs: float
    rule: str


COMPONENTS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "T_income": [("total", ("fiscal_subtotal", "special_account", "unit_funds", "carry_fiscal",
                            "carry_nonfiscal")),
                 ("fiscal_subtotal", ("gpb", "gpb_transfer", "fund", "fund_transfer", "capital",
                                      "capital_transfer"))],
    "T_expense": [("total", ("basic", "project"))],
    "T_gpb": [("total", ("basic", "project"))],
    "T_gpb_basic": [("total", ("personnel", "public"))],
    "T_gpb_project": [("total", ("e301", "e302", "e303", "e307", "e309", "e310", "e311", "e312",
                                 "e313", "e399"))],
    "T_gov_fund": [("total", ("personnel", "public", "basic", "project"))],
    "T_state_capital": [("total", ("personnel", "public", "basic", "project"))],
    "T_three_public": [("total", ("gpb", "fund", "capital"))],
    "T_entrusted": [("total", ("gpb", "fund", "capital"))],
    "T_carryover": [("total", ("fiscal_total", "nonfiscal_total")),
                    ("fiscal_total", ("fiscal_personnel", "fiscal_public", "fiscal_project")),
                    ("nonfiscal_total", ("nonfiscal_personnel", "nonfiscal_public", "nonfiscal_project"))],
}

T1_INCOME = [
    ("current_total", ("gpb", "fund", "capital", "special_account", "unit_funds")),
    ("gpb", ("gpb_own", "gpb_transfer")),
    ("fund", ("fund_own", "fund_transfer")),
    ("capital", ("capital_own", "capital_transfer")),
    ("unit_funds", ("unit_business", "unit_superior", "unit_affiliated", "unit_operating", "unit_other")),
    ("carry_total", ("carry_fiscal", "carry_nonfiscal")),
    ("carry_fiscal", ("carry_fiscal_gpb", "carry_fiscal_fund", "carry_fiscal_capital")),
    ("carry_nonfiscal", ("carry_special_account", "carry_unit_funds")),
    ("income_grand_total", ("current_total", "carry_total")),
]


def _blocks(kinds: list[str]) -> dict[int, list[int]]:
    """unit row → the rows under it (up to the next unit or total row)."""
    out: dict[int, list[int]] = {}
    cur = None
    for i, k in enumerate(kinds):
        if k == "unit":
            cur = i
            out[i] = []
        elif k == "total":
            cur = None
        elif cur is not None:
            out[cur].append(i)
    return out


def table_breaks(doc: dict) -> list[Break]:
    """Every within-table identity of tables.md the document's figures break (0.005 tolerance)."""
    out: list[Break] = []

    def check(loc: Loc, lhs: float, rhs: float, rule: str) -> None:
        if abs(lhs - rhs) > 0.005:
            out.append(Break(loc, round(lhs, 2), round(rhs, 2), rule))

    for table, t in doc["tables"].items():
        if table in TWO_SIDED:
            income, expense = t.get("income_rows") or [], t.get("expense_rows") or []
            at = {r.get("key"): i for i, r in enumerate(income) if r.get("key")}

            def amt(k):
                return value(income[at[k]], "amount") if k in at else 0.0

            if table == "T_income_expense":
                for lhs, parts in T1_INCOME:
                    if lhs in at:
                        check(Loc(table, "income_rows", at[lhs], "amount"), amt(lhs),
                              sum(amt(p) for p in parts), f"{lhs}=Σparts")
            else:
                if "fiscal_total" in at:
                    check(Loc(table, "income_rows", at["fiscal_total"], "amount"), amt("fiscal_total"),
                          amt("gpb") + amt("fund") + amt("capital"), "fiscal_total=Σparts")
            cols = columns_of(table, t, "expense_rows")
            grand = [i for i, r in enumerate(expense) if r.get("key") == "expense_grand_total"]
            classes = [i for i, r in enumerate(expense) if r.get("code") and len(r["code"]) == 3]
            for g in grand:
                for c in cols:
                    check(Loc(table, "expense_rows", g, c), value(expense[g], c),
                          sum(value(expense[i], c) for i in classes), "支出总计=Σ类")
                if "income_grand_total" in at:
                    c = "amount" if table == "T_income_expense" else "total"
                    check(Loc(table, "income_rows", at["income_grand_total"], "amount"),
                          amt("income_grand_total"), value(expense[g], c), "收入总计=支出总计")
            if table == "T_fiscal":
                for i, r in enumerate(expense):
                    check(Loc(table, "expense_rows", i, "total"), value(r, "total"),
                          sum(value(r, c) for c in cols if c != "total"), "total=Σsources")
            continue

        rows = t.get("rows") or []
        if not rows:
            continue
        cols = columns_of(table, t)
        kinds = [row_kind(table, r, entity_of(doc)) for r in rows]
        for i, r in enumerate(rows):
            for lhs, parts in COMPONENTS.get(table, []):
                if lhs in cols:
                    check(Loc(table, "rows", i, lhs), value(r, lhs),
                          sum(value(r, p) for p in parts if p in cols), f"{lhs}=Σ{'+'.join(parts)}")
            kids = children(doc, table, i) if kinds[i] == "class" else []
            for c in cols:
                if kids:
                    check(Loc(table, "rows", i, c), value(r, c), sum(value(rows[j], c) for j in kids),
                          "parent=Σchildren")
        blocks = _blocks(kinds)
        for u, members in blocks.items():
            parts = [j for j in members if kinds[j] == "class" and len(rows[j].get("code") or "") == 3]
            if not parts:
                parts = [j for j in members if kinds[j] == "project"]
            for c in cols:
                check(Loc(table, "rows", u, c), value(rows[u], c), sum(value(rows[j], c) for j in parts),
                      "unit=Σ its rows")
        for i in [i for i, k in enumerate(kinds) if k == "total"]:
            if table == "T_three_public":
                by = {r.get("key"): r for r in rows}
                for c in cols:
                    check(Loc(table, "rows", i, c), value(rows[i], c),
                          sum(value(by[k], c) for k in ("abroad", "reception", "vehicle") if k in by),
                          "total=abroad+reception+vehicle")
                continue
            if blocks:
                parts, rule = list(blocks), "总计=Σunit rows"
            else:
                parts = [j for j, k in enumerate(kinds) if k == "class" and len(rows[j].get("code") or "") == 3]
                rule = "总计=Σ类"
                if not parts:
                    parts = [j for j, k in enumerate(kinds) if k in ("project", "item")]
                    rule = "总计=Σrows"
            for c in cols:
                check(Loc(table, "rows", i, c), value(rows[i], c), sum(value(rows[j], c) for j in parts), rule)
        if table == "T_three_public":
            by = {r.get("key"): (j, r) for j, r in enumerate(rows)}
            if "vehicle" in by:
                j, r = by["vehicle"]
                for c in cols:
                    check(Loc(table, "rows", j, c), value(r, c),
                          sum(value(by[k][1], c) for k in ("vehicle_purchase", "vehicle_operation") if k in by),
                          "vehicle=purchase+operation")
    return out

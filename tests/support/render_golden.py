"""Render the published tables of a reference document (a golden JSON) into a workbook.

The acceptance tests of ``xltools check`` need disclosure workbooks that look like the ones other
people make, holding exactly the published figures of the reference documents, so that every
inconsistency the golden lists is in the file at a known cell.  ``render(golden, path, layout)``
writes such a workbook and returns where every figure went.

The same function renders our own tables JSON (``xltools tables MASTER --json``): it has the same
canonical form (``tables`` → ``rows`` / ``income_rows`` / ``expense_rows``), only without
``table_index`` (built from the tables' ``no`` and ``title``).

Layouts
-------
``"split-bottom"``
    One table per sheet (named 表N), a 目录 sheet listing every table of ``table_index`` (a
    table listed but absent from the body — golden 001's 表8 — shows as listed but missing),
    then per table: 表N in A1, the title in row 2, 编制部门：… and 单位：万元 in row 3, multi-level
    merged headers like the published ones, a 栏次 row (※ … 1 2 3 …) as in golden 000, codes
    split into 类 | 款 | 项 text columns (every part printed), total rows at the bottom, numbers
    as numbers, zero / absent figures blank.
``"joined-top"``
    Several tables per sheet (3–4 stacked vertically, two blank rows between them), no 目录, no
    编制部门 line, the title as ``表2 部门收入总体情况表`` in one cell (T_fiscal uses the variant
    财政拨款收支总体情况表), headers not merged (a group label sits in its first cell only), one
    code column with the joined code (``2080101``; ``208 01 01`` with spaces for T_expense and
    T_gpb_basic), total rows right under the header, the figures of T_income, T_fiscal and
    T_gpb_project stored as text with thousands separators (``"1,971.99"``), T_three_public
    printing zeros as 0, every other zero blank.
``"codename"``
    One table per sheet named after the title, the title without 表N, code and name in one cell
    (``208 社会保障和就业支出``), one-row headers where the table allows, rows in the golden's own
    order (totals where the document printed them).

Spellings
---------
``render(doc, path, layout, Spelling(codes, totals, total_in, total_word, stub_group))`` keeps
the sheets, titles and figures of ``layout`` and prints the codes of every table as ``codes``
says: ``split`` (类 | 款 | 项 text columns, "01"), ``split-number`` (the same as numbers: 208 | 1 | 1),
``split-full`` (208 | 20801 | 2080101), ``joined`` ("2080101"), ``number`` (2080101), ``spaced``
("208 01 01"), ``dashed`` ("208-01-01") — these four in a 科目编码 column beside 科目名称, the
expense codes of 表1/表4 too — or ``code-name`` ("2080101 行政运行" in the 科目编码 column, no name
column).  Every total row of a one-sided table goes to the ``totals`` end ("top" / "bottom"), in
the code column (类 when split) or the name column (``total_in``), labelled ``total_word``
("合  计" …) or its own label; so are both 收入总计 and 支出总计 of 表1 and 表4.  表6 prints 科目
above its code and name headers (golden 000) when ``stub_group``, else 经济分类科目编码 /
经济分类科目名称 are its top header row.

Two-sided tables (T_income_expense, T_fiscal) always print the income rows on the left and the
expense rows on the right with 收入总计 / 支出总计 on the last row, in every layout.

The returned map
----------------
A ``RenderMap`` (a dict) keyed ``(table_key, section, row_index, column_key)`` for every table in
the body → ``"Sheet!A1"``:

- ``section`` is ``"rows"`` for one-sided tables and ``"income_rows"`` / ``"expense_rows"`` for
  T_income_expense and T_fiscal;
- ``row_index`` is the index of the row in the golden's list ``table[section]`` (not the printed
  position: the layouts move total rows);
- ``column_key`` is the canonical column key (``"amount"`` for T_income_expense and for the
  income side of T_fiscal).

Every printed column of every golden row has an entry, blank cells (zero) included.  Rows the
renderer adds itself (the blank 总计 row of an empty table that has none) have no entry.  The map
also carries ``titles`` (table_key → cell of its title), ``contents`` (table_key → cell of its
目录 line, split-bottom only), ``sheets`` (table_key → sheet name), ``absent`` (table keys listed in
the 目录 / table_index but not in the body) and ``layout``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

LAYOUTS = ("split-bottom", "joined-top", "codename")
# How codes and totals are spelled in ``render(..., spelling=Spelling(...))``; see the module doc.
CODE_SPELLINGS = ("split", "split-number", "split-full", "joined", "number", "spaced", "dashed",
                  "code-name")
TOTAL_PLACES = ("top", "bottom")
TOTAL_COLUMNS = ("code", "name")
TOTAL_WORDS = ("总计", "合计", "合  计", "总 计：")
TWO_SIDED = ("T_income_expense", "T_fiscal")
TOTAL_LABELS = ("总计", "合计")

TABLE_ORDER = ("T_income_expense", "T_income", "T_expense", "T_fiscal", "T_gpb", "T_gpb_basic",
               "T_gpb_project", "T_gov_fund", "T_state_capital", "T_three_public", "T_entrusted",
               "T_carryover")


@dataclass(frozen=True)
class Spelling:
    """How ``render`` prints codes and total rows (see Spellings in the module doc)."""

    codes: str = "split"
    totals: str = "bottom"  # top | bottom
    total_in: str = "code"  # the code column (类 when split) or the name column
    total_word: str | None = None  # printed on every one-sided total row instead of its label
    stub_group: bool = True  # 表6: 科目 above the code and name headers (golden 000), or nothing

    def __post_init__(self):
        if (self.codes not in CODE_SPELLINGS or self.totals not in TOTAL_PLACES
                or self.total_in not in TOTAL_COLUMNS):
            raise ValueError(f"unknown spelling {self}")

    @property
    def split(self) -> bool:
        return self.codes.startswith("split")

    def __str__(self) -> str:
        return (f"{self.codes}-{self.totals}-{self.total_in}-{normal(self.total_word or 'own')}"
                + ("-科目" if self.stub_group else ""))


class RenderMap(dict):
    """``(table_key, section, row_index, column_key)`` → ``"Sheet!A1"``, plus metadata."""

    def __init__(self, layout: str):
        super().__init__()
        self.layout = layout
        self.titles: dict[str, str] = {}
        self.contents: dict[str, str] = {}
        self.sheets: dict[str, str] = {}
        self.absent: list[str] = []


# ---------------------------------------------------------------------------------------------
# Reading the golden
# ---------------------------------------------------------------------------------------------

def normal(text) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def entity_of(doc: dict) -> str:
    return doc.get("entity") or ""


def year_of(doc: dict) -> int | None:
    return doc.get("year")


def table_index(doc: dict) -> list[dict]:
    """``[{no, title, canonical}]``: the golden's own, else built from the tables."""
    if doc.get("table_index"):
        return list(doc["table_index"])
    return sorted(({"no": t["no"], "title": t["title"], "canonical": k}
                   for k, t in doc["tables"].items()), key=lambda e: e["no"])


def is_absent(table: dict) -> bool:
    """Listed in the 目录 but not printed in the body (golden 001's 表8)."""
    return "totals_position" in table and table["totals_position"] is None and not table.get("rows")


def body_tables(doc: dict) -> list[str]:
    """Canonical keys of the tables printed in the body, in table-number order."""
    keys = [k for k, t in doc["tables"].items() if not is_absent(t)]
    return sorted(keys, key=lambda k: (doc["tables"][k].get("no", 99), TABLE_ORDER.index(k)
                                       if k in TABLE_ORDER else 99))


def row_kind(table_key: str, row: dict, entity: str = "") -> str:
    """``total`` | ``unit`` | ``class`` | ``project`` | ``item`` (a fixed-key or label row)."""
    kind = row.get("kind")
    if kind == "total":
        return "total"
    if kind in ("unit", "unit_total"):
        return "unit"
    if table_key == "T_three_public":
        return "total" if row.get("key") == "total" else "item"
    if kind in ("class", "project"):
        return kind
    if row.get("project"):
        return "project"
    if row.get("code"):
        return "class"
    label = normal(row.get("label"))
    if label in TOTAL_LABELS:
        return "total"
    if entity and label == normal(entity):
        return "unit"
    return "item"


def value(row: dict, column: str) -> float:
    """A figure of a row; absent / null means zero."""
    if "values" in row:
        v = (row.get("values") or {}).get(column)
    else:
        v = row.get("amount") if column == "amount" else None
    return float(v) if v is not None else 0.0


def columns_of(table_key: str, table: dict, section: str = "rows") -> list[str]:
    if table_key == "T_income_expense":
        return ["amount"]
    if table_key == "T_fiscal":
        return ["amount"] if section == "income_rows" else list(
            table.get("columns") or ["total", "gpb", "fund", "capital"])
    return list(table.get("columns") or [])


def is_empty(table: dict) -> bool:
    rows = table.get("rows")
    if rows is None:
        return False
    return not any(v for r in rows for v in (r.get("values") or {}).values())


def empty_note(doc: dict, table_key: str, table: dict) -> str:
    if table.get("empty_note"):
        return table["empty_note"]
    what = {"T_gov_fund": "政府性基金预算拨款", "T_state_capital": "国有资本经营预算拨款",
            "T_entrusted": "委托业务费预算", "T_three_public": "财政拨款“三公”经费",
            "T_carryover": "上年结转结余资金"}.get(table_key, "财政拨款")
    return f"{entity_of(doc)}{year_of(doc)}年没有使用{what}安排的支出，{table['title']}为空表。"


# ---------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    label: str
    key: object = None  # "@stub" or (section, column) for a leaf
    children: tuple["Head", ...] = ()

    def leaves(self) -> list["Head"]:
        if not self.children:
            return [self]
        return [leaf for c in self.children for leaf in c.leaves()]

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


def _group(label: str, *children: Head | None) -> Head | None:
    kids = tuple(c for c in children if c is not None)
    return Head(label, children=kids) if kids else None


INCOME_LABELS = {
    "total": "总计", "fiscal_subtotal": "财政拨款（补助）小计", "gpb": "一般公共预算",
    "gpb_transfer": "上级一般公共预算安排的转移支付", "fund": "政府性基金预算",
    "fund_transfer": "上级政府性基金安排的转移支付", "capital": "国有资本经营预算",
    "capital_transfer": "上级国有资本经营预算安排的转移支付", "special_account": "财政专户（教育收费）",
    "unit_funds": "单位资金", "carry_fiscal": "财政拨款结转", "carry_nonfiscal": "非财政拨款结转结余",
}
FISCAL_INCOME_PARTS = ("fiscal_subtotal", "gpb", "gpb_transfer", "fund", "fund_transfer", "capital",
                       "capital_transfer")
ECON_LABELS = {"e301": "工资福利支出", "e302": "商品和服务支出", "e303": "对个人和家庭的补助",
               "e307": "债务利息及费用支出", "e309": "资本性支出（基本建设）", "e310": "资本性支出",
               "e311": "对企业补助（基本建设）", "e312": "对企业补助", "e313": "对社会保障基金补助",
               "e399": "其他支出"}
BY_FAMILY = {"gpb": "一般公共预算", "fund": "政府性基金", "capital": "国有资本经营预算"}


def _code_heads(layout: str, levels: int, econ: bool = False,
                spelling: Spelling | None = None) -> list[Head]:
    what = "经济分类" if econ else "功能分类"
    if spelling is not None and spelling.codes == "code-name":
        return [Head(f"{what}科目编码", "@code")]
    if spelling is not None and not spelling.split:
        return [Head(f"{what}科目编码", "@code"), Head(f"{what}科目名称", "@name")]
    if layout == "split-bottom" or (spelling is not None and spelling.split):
        parts = [Head(n, f"@{p}") for n, p in zip(("类", "款", "项"), ("class", "kuan", "xiang"))][:levels]
        return [Head(f"{what}科目编码", children=tuple(parts)), Head(f"{what}科目名称", "@name")]
    if layout == "joined-top":
        return [Head("科目编码", "@code"), Head("科目名称", "@name")]
    return [Head(f"{what}科目", "@codename")]


def heads(table_key: str, table: dict, layout: str, spelling: Spelling | None = None) -> list[Head]:
    cols = columns_of(table_key, table)
    has = set(cols)

    def v(col: str, label: str, section: str = "rows") -> Head | None:
        if section == "rows" and col not in has:
            return None
        return Head(label, (section, col))

    flat = layout == "codename"
    two_columns = layout == "joined-top" or (spelling is not None and not spelling.split
                                             and spelling.codes != "code-name")
    if table_key == "T_income_expense":
        ex = ([Head("科目编码", "@ex_code"), Head("科目名称", "@ex_label")] if two_columns
              else [Head("支出功能分类科目", "@ex_label")])
        return [_group("收入", Head("项目", "@in_label"), v("amount", "预算数", "income_rows")),
                _group("支出", *ex, v("amount", "预算数", "expense_rows"))]
    if table_key == "T_fiscal":
        ex = ([Head("科目编码", "@ex_code"), Head("科目名称", "@ex_label")] if two_columns
              else [Head("支出功能分类科目", "@ex_label")])
        labels = {"total": "合计", "gpb": "一般公共预算", "fund": "政府性基金预算",
                  "capital": "国有资本经营预算"}
        return [_group("财政拨款收入", Head("项目", "@in_label"), v("amount", "预算数", "income_rows")),
                _group("财政拨款支出", *ex, *(v(c, labels.get(c, c), "expense_rows")
                                           for c in columns_of(table_key, table, "expense_rows")))]
    if table_key == "T_income":
        fiscal = [v(c, INCOME_LABELS[c]) for c in FISCAL_INCOME_PARTS]
        group = (_group("财政拨款（补助）", *fiscal) if not flat else None)
        return [*_code_heads(layout, 3, spelling=spelling), v("total", "总计"),
                *([group] if group else fiscal),
                *(v(c, INCOME_LABELS[c]) for c in ("special_account", "unit_funds", "carry_fiscal",
                                                    "carry_nonfiscal"))]
    if table_key in ("T_expense", "T_gpb"):
        parts = [v("total", "合计"), v("basic", "基本支出"), v("project", "项目支出")]
        title = "支出预算" if table_key == "T_expense" else "一般公共预算支出"
        return [*_code_heads(layout, 3, spelling=spelling), *([_group(title, *parts)] if not flat else parts)]
    if table_key == "T_gpb_basic":
        parts = [v("total", "合计"), v("personnel", "人员经费"), v("public", "公用经费")]
        if spelling is not None:  # golden 000 prints 科目 over the code and name columns
            stub = _code_heads(layout, 2, econ=True, spelling=spelling)
            return [*([_group("科目", *stub)] if spelling.stub_group else stub),
                    _group("一般公共预算基本支出", *parts)]
        return [*_code_heads(layout, 2, econ=True),
                *([_group("一般公共预算基本支出", *parts)] if not flat else parts)]
    if table_key == "T_gpb_project":
        return [*_code_heads(layout, 3, spelling=spelling), Head("项目名称", "@project"), v("total", "项目支出合计"),
                *(v(c, ECON_LABELS[c]) for c in cols if c in ECON_LABELS)]
    if table_key in ("T_gov_fund", "T_state_capital"):
        title = "政府性基金预算支出" if table_key == "T_gov_fund" else "国有资本经营预算支出"
        basic = (_group("基本支出", v("personnel", "人员经费"), v("public", "公用经费"))
                 if not flat else None)
        parts = [v("total", "合计"), *([basic] if basic else
                                        [v("personnel", "人员经费"), v("public", "公用经费")]),
                 v("basic", "基本支出"), v("project", "项目支出")]
        if flat:
            return [*_code_heads(layout, 3, spelling=spelling), *parts]
        return [_group("科目", *_code_heads(layout, 3, spelling=spelling)), _group(title, *parts)]
    if table_key in ("T_three_public", "T_entrusted"):
        label = "“三公”经费支出内容" if table_key == "T_three_public" else "项目名称"
        fam = [v(c, BY_FAMILY[c]) for c in ("gpb", "fund", "capital")]
        return [Head(label, "@label"), v("total", "合计"),
                *([_group("资金来源", *fam)] if not flat else fam)]
    if table_key == "T_carryover":
        def side(prefix: str, label: str) -> list[Head | None]:
            basic = _group("基本支出", v(f"{prefix}_personnel", "人员经费"),
                           v(f"{prefix}_public", "公用经费"))
            return [_group(label, v(f"{prefix}_total", "合计"), basic, v(f"{prefix}_project", "项目支出"))]
        if flat:
            labels = {"total": "总计", "fiscal_total": "财政拨款合计", "fiscal_personnel": "财政拨款人员经费",
                      "fiscal_public": "财政拨款公用经费", "fiscal_project": "财政拨款项目支出",
                      "nonfiscal_total": "非财政拨款合计", "nonfiscal_personnel": "非财政拨款人员经费",
                      "nonfiscal_public": "非财政拨款公用经费", "nonfiscal_project": "非财政拨款项目支出"}
            return [Head("项目名称", "@label"), *(v(c, labels[c]) for c in cols if c in labels)]
        return [Head("项目名称", "@label"), v("total", "总计"), *side("fiscal", "财政拨款"),
                *side("nonfiscal", "非财政拨款")]
    raise KeyError(table_key)


def _clean(hs: list[Head | None]) -> list[Head]:
    return [h for h in hs if h is not None]


# ---------------------------------------------------------------------------------------------
# Cell contents
# ---------------------------------------------------------------------------------------------

def code_parts(code: str) -> list[str]:
    return [code[:3], code[3:5], code[5:7]][: 1 + (len(code) > 3) + (len(code) > 5)]


def spaced(code: str) -> str:
    return " ".join(code_parts(code))


SPACED_TABLES = ("T_expense", "T_gpb_basic")
TEXT_TABLES = ("T_income", "T_fiscal", "T_gpb_project")


def _money_text(v: float) -> str:
    return f"{v:,.2f}"


@dataclass
class _Sheet:
    ws: object
    row: int = 1  # next free row
    merges: bool = True
    widths: dict = field(default_factory=dict)


def _title_text(doc: dict, table_key: str, table: dict, layout: str) -> str:
    title = table["title"]
    if layout == "joined-top":
        if table_key == "T_fiscal":
            title = title.replace("收支预算总体", "收支总体")
        return f"表{table['no']} {title}"
    return title


def _write_heads(sh: _Sheet, hs: list[Head], first_col: int = 1) -> dict:
    """Write the header tree from sh.row; returns {leaf key: column}; advances sh.row."""
    depth = max(h.depth() for h in hs)
    top = sh.row
    cols: dict = {}

    def put(h: Head, level: int, col: int) -> int:
        width = len(h.leaves())
        r = top + level
        c = sh.ws.cell(row=r, column=col, value=h.label)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.font = Font(bold=True)
        if h.children:
            if sh.merges and width > 1:
                sh.ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + width - 1)
            cc = col
            for child in h.children:
                cc = put(child, level + 1, cc)
        else:
            cols[h.key] = col
            last = top + depth - 1
            if sh.merges and last > r:
                sh.ws.merge_cells(start_row=r, start_column=col, end_row=last, end_column=col)
        return col + width

    col = first_col
    for h in hs:
        col = put(h, 0, col)
    sh.row = top + depth
    return cols


def _put_value(ws, r: int, c: int, v: float, as_text: bool, zero: object = None):
    cell = ws.cell(row=r, column=c)
    if v == 0:
        cell.value = zero
        return cell
    if as_text:
        cell.value = _money_text(v)
        cell.alignment = Alignment(horizontal="right")
    else:
        cell.value = round(v, 2)
        cell.number_format = "#,##0.00"
    return cell


def _ordered(table_key: str, rows: list[dict], entity: str, layout: str,
             spelling: Spelling | None = None) -> list[int]:
    idx = list(range(len(rows)))
    totals = [i for i in idx if row_kind(table_key, rows[i], entity) == "total"]
    others = [i for i in idx if i not in totals]
    if spelling is not None:
        return totals + others if spelling.totals == "top" else others + totals
    if layout == "split-bottom":
        return others + totals
    if layout == "joined-top":
        return totals + others
    return idx


def spelled(code: str, spelling: Spelling, label: str = "") -> object:
    """A code in one cell as ``spelling`` prints it (joined for the split spellings)."""
    if spelling.split:
        return code
    return {"joined": code, "number": int(code), "spaced": spaced(code),
            "dashed": "-".join(code_parts(code)), "code-name": f"{code} {label}"}[spelling.codes]


def spelled_part(code: str, n: int, spelling: Spelling) -> object:
    """类 (n=0), 款 or 项 of a code in its own column, as ``spelling`` prints it."""
    parts = code_parts(code)
    if n >= len(parts):
        return None
    if spelling.codes == "split-number":
        return int(parts[n])
    if spelling.codes == "split-full":
        return "".join(parts[:n + 1])
    return parts[n]


def _write_one_sided(sh: _Sheet, doc: dict, table_key: str, table: dict, layout: str,
                     out: RenderMap, sheet_name: str, spelling: Spelling | None = None) -> None:
    ws = sh.ws
    entity = entity_of(doc)
    hs = _clean(heads(table_key, table, layout, spelling))
    cols = _write_heads(sh, hs)
    leaves = [leaf for h in hs for leaf in h.leaves()]
    stub = [leaf.key for leaf in leaves if isinstance(leaf.key, str)]
    if layout == "split-bottom":  # 栏次 row, as golden 000 prints it
        n = 0
        for leaf in leaves:
            if isinstance(leaf.key, str):
                ws.cell(row=sh.row, column=cols[leaf.key], value="※")
            else:
                n += 1
                ws.cell(row=sh.row, column=cols[leaf.key], value=n)
        sh.row += 1

    rows = list(table.get("rows") or [])
    synthetic_total = is_empty(table) and not any(
        row_kind(table_key, r, entity) == "total" for r in rows)
    order = _ordered(table_key, rows, entity, layout, spelling)
    if synthetic_total:
        top = spelling.totals == "top" if spelling is not None else layout == "joined-top"
        order = [None] + order if top else order + [None]
    as_text = layout == "joined-top" and table_key in TEXT_TABLES
    zero = 0 if (layout == "joined-top" and table_key == "T_three_public") else None
    code_cols = [k for k in ("@class", "@kuan", "@xiang") if k in cols]

    for i in order:
        r = sh.row
        sh.row += 1
        row = rows[i] if i is not None else {"label": "总计", "values": {}}
        kind = row_kind(table_key, row, entity)
        code = row.get("code") if kind in ("class", "project") else None
        label = row.get("label") or ""
        if spelling is not None:
            _write_stub(ws, r, cols, stub, row, kind, code, label, spelling)
        elif kind == "total" and layout == "split-bottom" and code_cols:
            ws.cell(row=r, column=cols[code_cols[0]], value=label)
            if len(code_cols) > 1:
                ws.merge_cells(start_row=r, start_column=cols[code_cols[0]], end_row=r,
                               end_column=cols[code_cols[-1]])
        for key in stub if spelling is None else ():
            c = cols[key]
            val = None
            if key in ("@class", "@kuan", "@xiang") and code:
                parts = code_parts(code)
                n = ("@class", "@kuan", "@xiang").index(key)
                val = parts[n] if n < len(parts) else None
            elif key == "@code" and code:
                val = spaced(code) if table_key in SPACED_TABLES else code
            elif key == "@name":
                if kind == "total" and code_cols:
                    val = None
                else:
                    val = label
            elif key == "@codename":
                val = f"{code} {label}" if code else label
            elif key == "@project":
                val = row.get("project") if kind == "project" else None
            elif key == "@label":
                val = label
            if val is not None:
                ws.cell(row=r, column=c, value=val)
        for leaf in leaves:
            if isinstance(leaf.key, str):
                continue
            _, col = leaf.key
            c = cols[leaf.key]
            _put_value(ws, r, c, value(row, col), as_text, zero)
            if i is not None:
                out[(table_key, "rows", i, col)] = f"{sheet_name}!{get_column_letter(c)}{r}"

    if is_empty(table):
        ws.cell(row=sh.row, column=1, value=empty_note(doc, table_key, table))
        sh.row += 1


def _write_stub(ws, r: int, cols: dict, stub: list[str], row: dict, kind: str, code: str | None,
                label: str, spelling: Spelling) -> None:
    """The code, name, project and label cells of one row in ``spelling``."""
    code_cols = [k for k in ("@class", "@kuan", "@xiang", "@code") if k in cols]
    if kind == "total":
        word = spelling.total_word or label
        names = [k for k in ("@name", "@project", "@label") if k in cols]
        homes = code_cols if spelling.total_in == "code" else names
        key = (homes or code_cols or names)[0]
        ws.cell(row=r, column=cols[key], value=word)
        return
    for key in stub:
        val = None
        if key in ("@class", "@kuan", "@xiang") and code:
            val = spelled_part(code, ("@class", "@kuan", "@xiang").index(key), spelling)
        elif key == "@code" and code:
            val = spelled(code, spelling, label)
        elif key == "@code":  # a unit row when the code column is the only label column
            val = label if "@name" not in cols else None
        elif key == "@name":
            val = label
        elif key == "@project":
            val = row.get("project") if kind == "project" else None
        elif key == "@label":
            val = label
        if val is not None:
            ws.cell(row=r, column=cols[key], value=val)


def _write_two_sided(sh: _Sheet, doc: dict, table_key: str, table: dict, layout: str,
                     out: RenderMap, sheet_name: str, spelling: Spelling | None = None) -> None:
    ws = sh.ws
    hs = _clean(heads(table_key, table, layout, spelling))
    cols = _write_heads(sh, hs)
    income = list(table.get("income_rows") or [])
    expense = list(table.get("expense_rows") or [])
    grand_in = [i for i, r in enumerate(income) if r.get("key") == "income_grand_total"]
    grand_ex = [i for i, r in enumerate(expense) if r.get("key") == "expense_grand_total"]
    body_in = [i for i in range(len(income)) if i not in grand_in]
    body_ex = [i for i in range(len(expense)) if i not in grand_ex]
    n = max(len(body_in), len(body_ex))
    top = sh.row
    as_text = layout == "joined-top" and table_key in TEXT_TABLES

    def total_word(label: str, grand: bool) -> str:
        return spelling.total_word if grand and spelling is not None and spelling.total_word else label

    def place_income(i: int, r: int) -> None:
        row = income[i]
        ws.cell(row=r, column=cols["@in_label"], value=total_word(row.get("label"), i in grand_in))
        c = cols[("income_rows", "amount")]
        _put_value(ws, r, c, value(row, "amount"), as_text)
        out[(table_key, "income_rows", i, "amount")] = f"{sheet_name}!{get_column_letter(c)}{r}"

    def place_expense(i: int, r: int) -> None:
        row = expense[i]
        code = row.get("code")
        label = total_word(row.get("label") or "", i in grand_ex)
        if "@ex_code" in cols:
            if code:
                ws.cell(row=r, column=cols["@ex_code"],
                        value=spelled(code, spelling) if spelling is not None else code)
            ws.cell(row=r, column=cols["@ex_label"], value=label)
        else:
            ws.cell(row=r, column=cols["@ex_label"], value=f"{code} {label}" if code else label)
        for col in columns_of(table_key, table, "expense_rows"):
            c = cols[("expense_rows", col)]
            _put_value(ws, r, c, value(row, col), as_text)
            out[(table_key, "expense_rows", i, col)] = f"{sheet_name}!{get_column_letter(c)}{r}"

    for k, i in enumerate(body_in):
        place_income(i, top + k)
    for k, i in enumerate(body_ex):
        place_expense(i, top + k)
    last = top + n
    for i in grand_in:
        place_income(i, last)
    for i in grand_ex:
        place_expense(i, last)
    sh.row = last + 1


def _write_table(sh: _Sheet, doc: dict, table_key: str, layout: str, out: RenderMap,
                 sheet_name: str, spelling: Spelling | None = None) -> None:
    table = doc["tables"][table_key]
    ws = sh.ws
    hs = _clean(heads(table_key, table, layout, spelling))
    width = sum(len(h.leaves()) for h in hs)
    if layout == "split-bottom":
        ws.cell(row=sh.row, column=1, value=f"表{table['no']}")
        sh.row += 1
    title_row = sh.row
    ws.cell(row=title_row, column=1, value=_title_text(doc, table_key, table, layout)).font = Font(
        bold=True, size=14)
    if sh.merges and width > 1:
        ws.merge_cells(start_row=title_row, start_column=1, end_row=title_row, end_column=width)
    out.titles[table_key] = f"{sheet_name}!A{title_row}"
    out.sheets[table_key] = sheet_name
    sh.row += 1
    if layout == "split-bottom":
        ws.cell(row=sh.row, column=1, value=f"编制部门：{entity_of(doc)}")
    ws.cell(row=sh.row, column=max(width, 2), value="单位：万元")
    sh.row += 1
    if table_key in TWO_SIDED:
        _write_two_sided(sh, doc, table_key, table, layout, out, sheet_name, spelling)
    else:
        _write_one_sided(sh, doc, table_key, table, layout, out, sheet_name, spelling)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14


def _chunks(keys: list[str], size: int = 4) -> list[list[str]]:
    n = max(1, math.ceil(len(keys) / size))
    base, extra = divmod(len(keys), n)
    out, start = [], 0
    for k in range(n):
        step = base + (1 if k < extra else 0)
        out.append(keys[start:start + step])
        start += step
    return out


def render(golden: dict, path, layout: str, spelling: Spelling | None = None) -> RenderMap:
    """Write the golden's published tables into ``path`` (.xlsx) in ``layout``; see the module doc.

    With ``spelling`` codes and total rows are printed that way in the sheets of ``layout``."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {LAYOUTS}")
    path = Path(path)
    out = RenderMap(layout)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    keys = body_tables(golden)
    index = table_index(golden)
    out.absent = [e["canonical"] for e in index if e["canonical"] not in keys]

    if layout == "split-bottom":
        ws = wb.create_sheet("目录")
        ws.cell(row=1, column=1, value="目  录").font = Font(bold=True, size=14)
        ws.cell(row=3, column=1, value="序号")
        ws.cell(row=3, column=2, value="表名")
        for k, e in enumerate(index):
            ws.cell(row=4 + k, column=1, value=f"表{e['no']}")
            ws.cell(row=4 + k, column=2, value=e["title"])
            out.contents[e["canonical"]] = f"目录!B{4 + k}"
        ws.column_dimensions["B"].width = 40
        for key in keys:
            name = f"表{golden['tables'][key]['no']}"
            sh = _Sheet(wb.create_sheet(name))
            _write_table(sh, golden, key, layout, out, name, spelling)
    elif layout == "joined-top":
        numerals = "一二三四五六七八九十"
        for n, group in enumerate(_chunks(keys)):
            name = f"预算公开表{numerals[n]}"
            sh = _Sheet(wb.create_sheet(name), merges=False)
            for k, key in enumerate(group):
                if k:
                    sh.row += 2
                _write_table(sh, golden, key, layout, out, name, spelling)
    else:
        for key in keys:
            name = re.sub(r"[\\/*?:\[\]“”\"]", "", golden["tables"][key]["title"])[:31]
            sh = _Sheet(wb.create_sheet(name))
            _write_table(sh, golden, key, layout, out, name, spelling)
    wb.save(path)
    return out


# ---------------------------------------------------------------------------------------------
# Reading a rendered figure back (for the tests of this module)
# ---------------------------------------------------------------------------------------------

def cell_figure(wb, ref: str) -> float:
    """The figure a rendered cell shows: number, text with separators, blank → 0."""
    sheet, coord = ref.rsplit("!", 1)
    v = wb[sheet][coord].value
    if v is None or v == "":
        return 0.0
    if isinstance(v, str):
        return float(v.replace(",", ""))
    return float(v)

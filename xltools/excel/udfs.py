"""Worksheet functions: =BUDGET_SUM("208 01"), =BUDGET_NAME(…), =BUDGET_TABLE(…), =BUDGET_CHECK().

They read the calling workbook's live sheets (xlwings hands over the calling cell as
``caller``; its sheet's book is the workbook, whichever one is active) once per
recalculation and answer from an index that is rebuilt only when those sheets' values
change (index.py).  ``recalc`` is the add-in VBA's calculation stamp, which tells one
recalculation from the next; left empty, a pause between calls does.  Amounts come from
the same rounded lines as the tables, so a function shaped like a table cell returns exactly
the printed figure.  Money stays integer 百元 until the Excel boundary, where it becomes a
float with two decimals.

On Windows the xlwings decorators register the functions; elsewhere they do nothing and
these are plain functions, called in tests with values as xlwings passes them (numbers as
floats, empty cells as None, ranges as lists of rows).
"""

from __future__ import annotations

import re

import xlwings as xw

from ..codes import parse_code
from ..money import baiyuan_to_wan
from ..reader.master import KNOWN_SHEETS
from ..tables.engine import TableResult, TableSet
from .book import FUNCTION_SHEETS
from .filters import FilterError, parse_query
from .index import IndexCache, LinesIndex
from ..pipeline import check_master, errors_of
from ..rounding import load_search_in_background
from ..rounding_memo import RoundingMemo

_CACHE = IndexCache()
_RECALC_DOC = "由 xltools 加载项自动填写，请留空"

_SECTION_HEAD = {"rows": "项目", "income_rows": "收入", "expense_rows": "支出"}


def _wan(baiyuan: int) -> float:
    return float(baiyuan_to_wan(baiyuan))


def _error(message: str) -> str:
    # Text, not an Excel error value: the cell says what is wrong.
    return f"#错误：{message}"


def _book(caller):
    if caller is None:
        raise FilterError("只能在工作表的单元格中使用。")
    return caller.sheet.book


def _stamp(recalc: object) -> object:
    if recalc is None or recalc == "":
        return None
    return recalc if isinstance(recalc, (str, float, int)) else str(recalc)


def _lines(caller, recalc) -> LinesIndex:
    return _CACHE.get(_book(caller), "lines", FUNCTION_SHEETS, LinesIndex.build, _stamp(recalc))


def reset() -> None:
    """Forget every workbook's index (tests and benchmarks start from scratch)."""
    _CACHE.clear()


def warm() -> None:
    """Get the functions' Python ready before they are first used: the add-in's VBA runs this
    in the xlwings server a few seconds after Excel starts (XltoolsWarmUp in
    macros/XltoolsFunctions.bas), which starts the server and imports this module then; the
    compiled 舍位平衡 search loads on a thread of its own.  The first recalculation of a master
    opened afterwards then waits for neither (benchmarks/udf.py: about 0.15 s against 0.7 s
    for 300 formulas over 5,000 lines).  Returns at once."""
    load_search_in_background()


def _tables(index: LinesIndex) -> TableSet:
    if index.tables is None:
        first = index.errors[0] if index.errors else None
        where = f"（第一个：{first.place}）" if first and first.place else ""
        raise FilterError(f"底稿有 {len(index.errors)} 个错误{where}，请点“预算公开 → 校验”查看并修改。")
    return index.tables


@xw.func(volatile=True)
@xw.arg("code", doc="功能分类科目：类、款或项，如 208、208 01、2080101；留空为合计")
@xw.arg("source", doc="资金来源：如 一般公共预算、财政拨款、政府性基金预算、单位资金、上年结转；留空为全部")
@xw.arg("spend_type", doc="支出类型：人员经费、公用经费、项目支出或基本支出；留空为全部")
@xw.arg("econ_code", doc="经济分类科目：类或款，如 302、30201；留空为全部")
@xw.arg("recalc", doc=_RECALC_DOC)
def BUDGET_SUM(code=None, source=None, spend_type=None, econ_code=None, recalc=None, caller=None):
    """预算数（万元，两位小数），与公开表中对应的数字一致。"""
    try:
        query = parse_query(code, source, spend_type, econ_code)
        index = _lines(caller, recalc)
        _tables(index)
        return _wan(index.total(query))
    except FilterError as exc:
        return _error(str(exc))


@xw.func(volatile=True)
@xw.arg("code", doc="科目编码：功能分类或经济分类，如 2080101、30201")
@xw.arg("recalc", doc=_RECALC_DOC)
def BUDGET_NAME(code=None, recalc=None, caller=None):
    """科目名称（功能分类或部门经济分类），含科目字典补充的名称。"""
    try:
        parsed = parse_code(code)
        if parsed is None or not parsed.code:
            raise FilterError(f"“{code or ''}”不是科目编码。")
        master = _lines(caller, recalc).master
        name = master.func_names.get(parsed.code) or master.econ_names.get(parsed.code)
        if name is None:
            raise FilterError(f"科目“{parsed.code}”不在功能分类和经济分类科目中。")
        return name
    except FilterError as exc:
        return _error(str(exc))


@xw.func(volatile=True)
@xw.arg("table", doc="哪张表：表号（如 3 或 表3）、表名（如 部门支出总体情况表）或 T_expense")
@xw.arg("recalc", doc=_RECALC_DOC)
def BUDGET_TABLE(table=None, recalc=None, caller=None):
    """整张公开表（万元）：每段一行表头，然后每行 编码、项目、各列数字。"""
    try:
        ts = _tables(_lines(caller, recalc))
        return table_array(find_table(ts, table))
    except FilterError as exc:
        return [[_error(str(exc))]]


@xw.func(volatile=True)
@xw.arg("recalc", doc=_RECALC_DOC)
def BUDGET_CHECK(recalc=None, caller=None):
    """“通过”，或校验发现的错误个数（与“校验”按钮、xltools check 相同）。"""
    try:
        book = _book(caller)
    except FilterError as exc:
        return _error(str(exc))
    findings = _CACHE.get(book, "check", KNOWN_SHEETS,
                          lambda master, _: check_master(master, RoundingMemo.in_user_cache()),
                          _stamp(recalc))
    errors = len(errors_of(findings))
    return "通过" if errors == 0 else errors


def find_table(ts: TableSet, key: object) -> TableResult:
    """A table by its number (3, "3", "表3"), its canonical key or its title."""
    text = "".join(str(key if key is not None else "").split())
    if isinstance(key, float) and key.is_integer():
        text = str(int(key))
    if text in ts.tables:
        return ts.tables[text]
    m = re.fullmatch(r"表?(\d+)", text)
    by_title = [t for t in ts.tables.values() if text and (t.title == text or t.title.endswith(text))]
    found = ([t for t in ts.tables.values() if t.no == int(m.group(1))] if m else by_title)
    if len(found) != 1:
        raise FilterError(f"没有“{key if key is not None else ''}”这张表。请填表号 1–{len(ts.tables)} "
                          "或表名，如 3、表3、部门支出总体情况表。")
    return found[0]


def table_array(table: TableResult) -> list[list[object]]:
    """The table as rows for a sheet: per section a header row (编码, 项目 or 收入/支出, the
    column names), then each printed row's code, label and figures; blanks for zeros."""
    width = 2 + max(len(sec.columns) for sec in table.sections)
    out: list[list[object]] = []
    for sec in table.sections:
        rows = [["编码", _SECTION_HEAD[sec.name], *sec.column_labels]]
        rows += [[row.code, row.label, *(_wan(vals[c]) if vals.get(c) else None for c in sec.columns)]
                 for row, vals in sec.rows]
        out += [r + [None] * (width - len(r)) for r in rows]
    return out

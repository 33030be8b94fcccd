"""The worksheet functions, called as xlwings calls them, against the tables JSON.

On Linux xlwings' decorators do nothing, so BUDGET_SUM & co. are plain functions.  Their
``caller`` is the calling cell; here it is a stand-in whose ``sheet.book`` has the shape of
an xlwings Book (benchmarks/fake_excel.py, shared with benchmarks/udf.py), built from a real
master.xlsx with openpyxl (cached values, error values as text — as xlwings reads them with
err_to_str — and numbers as floats, as Excel hands them).  ``FileBook`` is also what
tests/test_excel_ribbon.py drives the ribbon entries with.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.fake_excel import FakeBook  # noqa: E402
from xltools.excel import udfs  # noqa: E402
from xltools.excel.book import BookSheets, sheet_rows  # noqa: E402
from xltools.reader import read_master  # noqa: E402
from xltools.reader.live import read_master_from_sheets  # noqa: E402
from xltools.tables import build_tables  # noqa: E402
from xltools.writers.tables_json import tables_dict  # noqa: E402

FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures").iterdir()
                  if (p / "master.xlsx").is_file())


def FileBook(path: Path, edits: dict[str, dict[str, object]] | None = None) -> FakeBook:
    """The values of an .xlsx as Excel would show them once opened."""
    return FakeBook.from_xlsx(path, edits)


def fixture_book(tmp_path: Path, fixture: Path, edits=None) -> FakeBook:
    """A FileBook over a copy of the fixture, so outputs land in tmp_path."""
    target = tmp_path / "master.xlsx"
    shutil.copy(fixture / "master.xlsx", target)
    return FileBook(target, edits)


@pytest.fixture(autouse=True)
def _fresh_functions():
    udfs.reset()
    yield
    udfs.reset()


class _Range:
    """A used range as xlwings returns it, for the adapter's own tests."""

    def __init__(self, row: int, column: int, values: list[list[object]]):
        self.row, self.column, self._values = row, column, values
        self.asked: dict = {}

    def options(self, **kwargs):
        self.asked = kwargs
        return self

    @property
    def value(self):
        assert self.asked.get("ndim") == 2, "the adapter must ask for a list of rows"
        return self._values


# -- the live reader --------------------------------------------------------------------------
@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_live_values_read_as_the_file_does(fixture: Path):
    book = FileBook(fixture / "master.xlsx")
    live = read_master_from_sheets(book.fullname, BookSheets(book))
    saved = read_master(str(fixture / "master.xlsx"))
    assert live.lines == saved.lines
    assert live.info == saved.info
    assert live.findings == saved.findings
    assert live.sheets == saved.sheets


def test_used_range_not_starting_at_a1_keeps_cell_references():
    class Sheet:
        name = "收支明细"
        used_range = _Range(3, 2, [["x", None], [None, 5.0]])

    assert sheet_rows(Sheet()) == [[], [], [None, "x", None], [None, None, 5.0]]


def test_error_values_are_reported_at_their_cell(tmp_path: Path):
    fixture = FIXTURES[-1]
    book = fixture_book(tmp_path, fixture, {"收支明细": {"G3": "#DIV/0!"}})
    master = read_master_from_sheets(book.fullname, BookSheets(book))
    found = [(f.rule, f.cell, f.actual) for f in master.findings if f.severity.value == "error"]
    assert found == [("formula-error", "G3", "#DIV/0!")]


def test_com_error_codes_become_error_values():
    from xltools.excel.book import cell_value

    assert cell_value(-2146826281) == "#DIV/0!"
    assert cell_value(2045 - 2146828288) == "#SPILL!"
    assert cell_value(7) == 7 and cell_value(True) is True


# -- the functions against the tables ---------------------------------------------------------
@pytest.fixture(scope="module", params=FIXTURES, ids=[p.name for p in FIXTURES])
def case(request):
    path = request.param / "master.xlsx"
    book = FileBook(path)
    return book, tables_dict(build_tables(read_master(str(path))))["tables"]


def rows_of(doc: dict, table: str, section: str = "rows") -> list[dict]:
    return doc[table][section]


def row_values(doc: dict, table: str, code: str | None) -> dict:
    return next(r["values"] for r in rows_of(doc, table) if r["code"] == code and r["kind"] != "project")


def spellings(code: str) -> list[object]:
    """Every way the master accepts a code: compact, spaced, dashed, a number, named."""
    groups = [code[:3]] + [code[i:i + 2] for i in range(3, len(code), 2)]
    return [code, " ".join(groups), "-".join(groups), float(code), f"{code} 名称"]


def test_budget_sum_equals_table3_for_every_code_and_spelling(case):
    book, doc = case
    caller = book.cell()
    checked = 0
    for row in rows_of(doc, "T_expense"):
        if row["kind"] != "class":
            continue
        for spelling in spellings(row["code"]):
            assert udfs.BUDGET_SUM(spelling, caller=caller) == row["values"].get("total", 0.0), spelling
        checked += 1
    assert checked >= 5
    total = next(r for r in rows_of(doc, "T_expense") if r["kind"] == "total")
    assert udfs.BUDGET_SUM(None, caller=caller) == total["values"]["total"]
    assert udfs.BUDGET_SUM("合计", caller=caller) == total["values"]["total"]


def test_budget_sum_208_01_is_table3_20801(case):
    book, doc = case
    assert udfs.BUDGET_SUM("208 01", caller=book.cell()) == row_values(doc, "T_expense", "20801")["total"]


def test_filters_equal_the_matching_table_columns(case):
    book, doc = case
    caller = book.cell("基本信息")
    for row in rows_of(doc, "T_gpb"):
        if row["kind"] != "class":
            continue
        v = row["values"]
        assert udfs.BUDGET_SUM(row["code"], "一般公共预算", "基本支出", caller=caller) == v.get("basic", 0.0)
        assert udfs.BUDGET_SUM(row["code"], "一般公共预算", "项目支出", caller=caller) == v.get("project", 0.0)
        assert udfs.BUDGET_SUM(row["code"], "一般公共预算", caller=caller) == v.get("total", 0.0)
    for row in rows_of(doc, "T_income"):
        if row["kind"] != "class":
            continue
        v = row["values"]
        assert udfs.BUDGET_SUM(row["code"], "财政拨款", caller=caller) == v.get("fiscal_subtotal", 0.0)
        assert (udfs.BUDGET_SUM(row["code"], "上级一般公共预算转移支付", caller=caller)
                == v.get("gpb_transfer", 0.0))
        assert udfs.BUDGET_SUM(row["code"], "单位资金", caller=caller) == v.get("unit_funds", 0.0)
        assert (udfs.BUDGET_SUM(row["code"], "上年结转", caller=caller)
                == round(v.get("carry_fiscal", 0.0) + v.get("carry_nonfiscal", 0.0), 2))
    for row in rows_of(doc, "T_gpb_basic"):
        v = row["values"]
        code = row["code"] or ""
        assert udfs.BUDGET_SUM("", "一般公共预算", "基本支出", code, caller=caller) == v.get("total", 0.0)
        assert (udfs.BUDGET_SUM(None, "一般公共预算", "人员经费", code or None, caller=caller)
                == v.get("personnel", 0.0))
    for row in rows_of(doc, "T_expense"):
        v = row["values"]
        code = row["code"] or ""
        assert udfs.BUDGET_SUM(code, None, "基本支出", caller=caller) == v.get("basic", 0.0)
    fiscal = next(r for r in rows_of(doc, "T_fiscal", "expense_rows") if r["key"] == "expense_grand_total")
    assert udfs.BUDGET_SUM("", "财政拨款", caller=caller) == fiscal["values"].get("total", 0.0)
    assert (udfs.BUDGET_SUM("", "政府性基金预算、国有资本经营预算", caller=caller)
            == round(fiscal["values"].get("fund", 0.0) + fiscal["values"].get("capital", 0.0), 2))
    three = {r["key"]: r["values"] for r in rows_of(doc, "T_three_public")}
    assert (udfs.BUDGET_SUM("", "财政拨款", None, [["30231"], ["31013"]], caller=caller)
            == three["vehicle"].get("total", 0.0))


def test_results_are_two_decimal_floats(case):
    book, _ = case
    value = udfs.BUDGET_SUM("208", caller=book.cell())
    assert isinstance(value, float)
    assert round(value, 2) == value


def test_bad_arguments_say_what_is_wrong(case):
    book, _ = case
    caller = book.cell()
    assert udfs.BUDGET_SUM("20", caller=caller).startswith("#错误：功能分类科目“20”")
    assert "不在" in udfs.BUDGET_SUM("29999", caller=caller)
    assert udfs.BUDGET_SUM("208", "财政资金xx", caller=caller).startswith("#错误：资金来源“财政资金xx”无效")
    assert udfs.BUDGET_SUM("208", None, "基本", caller=caller).startswith("#错误：支出类型“基本”无效")
    assert udfs.BUDGET_SUM("208", None, None, "3020", caller=caller).startswith("#错误：经济分类科目")
    assert udfs.BUDGET_SUM("208") == "#错误：只能在工作表的单元格中使用。"


def test_budget_name_at_every_level(case):
    book, doc = case
    caller = book.cell()
    for row in rows_of(doc, "T_expense") + rows_of(doc, "T_gpb_basic"):
        if row["kind"] == "class":
            assert udfs.BUDGET_NAME(row["code"], caller=caller) == row["label"]
    assert udfs.BUDGET_NAME("208 01 01", caller=caller) == "行政运行"
    assert udfs.BUDGET_NAME(30201.0, caller=caller) == "办公费"
    assert udfs.BUDGET_NAME("99999", caller=caller).startswith("#错误：")


def _expected_array(table: dict) -> list[list[object]]:
    heads = {"rows": "项目", "income_rows": "收入", "expense_rows": "支出"}
    sections = [s for s in ("income_rows", "expense_rows", "rows") if s in table]
    out = []
    for name in sections:
        rows = table[name]
        single = name != "rows" and all("amount" in r for r in rows)
        columns = ["amount"] if single else table["columns"]
        out.append(["编码", heads[name], *columns])  # labels compared separately
        for r in rows:
            values = [r.get("amount")] if single else [r["values"].get(c) for c in columns]
            out.append([r.get("code"), r["label"], *values])
    return out


def test_budget_table_returns_exactly_the_tables_rows(case):
    book, doc = case
    caller = book.cell()
    for key, table in doc.items():
        got = udfs.BUDGET_TABLE(key, caller=caller)
        expected = _expected_array(table)
        width = max(len(r) for r in expected)
        assert [len(r) for r in got] == [width] * len(expected), key
        heads = [i for i, r in enumerate(expected) if r[0] == "编码"]
        for i, (g, e) in enumerate(zip(got, expected)):
            if i in heads:
                assert g[:2] == e[:2] and len([v for v in g[2:] if v]) == len(e) - 2, key
            else:
                assert g[:len(e)] == e and all(v is None for v in g[len(e):]), (key, i)
        assert udfs.BUDGET_TABLE(float(table["no"]), caller=caller) == got
        assert udfs.BUDGET_TABLE(f"表{table['no']}", caller=caller) == got
        assert udfs.BUDGET_TABLE(table["title"], caller=caller) == got
    assert udfs.BUDGET_TABLE("表99", caller=caller)[0][0].startswith("#错误：没有“表99”这张表")


def test_budget_check_counts_what_xltools_check_finds(case):
    from xltools.audit import audit

    book, _ = case
    errors = audit(book.fullname).errors
    assert udfs.BUDGET_CHECK(caller=book.cell()) == (errors or "通过")


def test_errors_in_the_master_show_in_every_function(tmp_path: Path):
    book = fixture_book(tmp_path, FIXTURES[-1], {"收支明细": {"B2": "2089998", "G4": "abc"}})
    caller = book.cell()
    assert udfs.BUDGET_CHECK(caller=caller) == 2
    message = udfs.BUDGET_SUM("208", caller=caller)
    assert message == "#错误：底稿有 2 个错误（第一个：收支明细!B2），请点“预算公开 → 校验”查看并修改。"
    assert udfs.BUDGET_TABLE(3, caller=caller) == [[message]]
    assert udfs.BUDGET_NAME("2080101", caller=caller) == "行政运行"  # names need no valid lines

# How often the functions read the workbook, and when they see an edit: test_udf_snapshot.py.

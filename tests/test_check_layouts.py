"""``check`` on disclosure workbooks that spell codes and totals every way people print them.

Every table of a workbook is rendered (tests/support/render_golden.py, ``Spelling``) with its codes
split into 类 | 款 | 项 columns (款/项 as 2-digit groups, as numbers that lost their leading zero,
or as full codes), joined (``2080101`` as text or as a number, ``208 01 01``, ``208-01-01``) or
with the name in the code cell (``2080101 行政运行``), and its total row at the top or the bottom,
in the code column or the name column, labelled 总计 / 合计 / 合  计 / 总 计： (表1/表4: both grand
totals).  表6 (经济分类, 类 | 款) is printed with 科目 over 经济分类科目编码 and 经济分类科目名称 (golden
000) or with these two as its top header row — the layout in which its 总计 at the top, in the
name column, was read as a unit row without a name.  Every spelling is rendered over the
split-bottom sheets; each code spelling also over the joined-top and codename sheets.

- Our own tables of the fixture masters hold every identity: no error, no warning, in any spelling,
  and every row is read back as what it is (kind, code, name).
- The published tables of the reference documents: exactly the inconsistencies their goldens list,
  each at its cell, and no other error.
- A figure broken on purpose (a 款 or the 总计 of 表6, a 项 of 表3) is reported at the figure that
  no longer adds up, and only there.
- Our own disclosure workbook (xltools' writer), re-spelled by hand the way accountants edit it,
  still checks clean.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from itertools import product
from pathlib import Path

import openpyxl
import pytest

from support.golden_failures import expected_failures
from support.render_golden import (CODE_SPELLINGS, TOTAL_COLUMNS, TOTAL_PLACES, TOTAL_WORDS,
                                   Spelling, cell_figure, render)
from test_check_golden import GOLDENS, is_missing_table_finding, load_golden
from xltools.audit import audit
from xltools.audit.cells import split_code
from xltools.audit.disclosure import is_total, read_disclosure
from xltools.audit.titles import normal
from xltools.reader import read_master
from xltools.reader.workbook import open_workbook
from xltools.tables import build_tables
from xltools.writers.disclosure_workbook import write_disclosure_workbook
from xltools.writers.tables_json import dumps

FIXTURES = Path(__file__).parent / "fixtures"
MASTERS = ("000_40205af73c47f1b3", "001_6c762a47265865d0", "003_1c0f00ae3f1a4bcd")


def _spellings() -> list[Spelling]:
    """Every code spelling × total place × total column; the four total words and 表6 with and
    without 科目 above its code and name headers in turn, so that each word and each 表6 header
    meets each code spelling and each place and column."""
    out = []
    for n, (codes, (place, column)) in enumerate(product(CODE_SPELLINGS,
                                                         product(TOTAL_PLACES, TOTAL_COLUMNS))):
        out.append(Spelling(codes, place, column, TOTAL_WORDS[(n + n // 4) % len(TOTAL_WORDS)],
                            stub_group=(n + n // 8) % 2 == 1))
    return out


SPELLINGS = _spellings()


@lru_cache(maxsize=None)
def _our_tables_text(name: str) -> str:
    return dumps(build_tables(read_master(str(FIXTURES / name / "master.xlsx"))))


def our_tables(name: str) -> dict:
    return json.loads(_our_tables_text(name))


def place(f) -> str | None:
    return f"{f.sheet}!{f.cell}" if f.sheet and f.cell else None


def show(findings, limit: int = 30) -> str:
    lines = [f"  [{f.severity.value}] {f.rule} {place(f) or '-'}: {f.message} "
             f"(expected {f.expected}, actual {f.actual})" for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"  … {len(findings) - limit} more")
    return "\n".join(lines)


@pytest.mark.parametrize("parts, above, code", [
    (["208", "01", "01"], "", "2080101"),
    (["208", "01", None], "", "20801"),
    (["208", None, None], "2070101", "208"),
    ([208, 1, 1], "", "2080101"),  # numbers that lost their leading zero
    ([208.0, 1.0, 5.0], "", "2080105"),
    (["208", "20801", "2080101"], "", "2080101"),  # full codes
    (["208", "20801", "01"], "", "2080101"),
    (["301", "30101"], "", "30101"),
    (["2080101", None, None], "", "2080101"),  # the whole code typed into 类
    ([None, "02", "01"], "2080101", "2080201"),  # only the new part printed
    ([None, None, "05"], "2080101", "2080105"),
    (["208", None, "05"], "2080101", "2080105"),
    (["208", None, "05"], "2070101", ""),  # 项 without its 款
    (["※", "※", "※"], "", ""),
    (["总计", None, None], "", ""),
    ([None, None, None], "2080101", ""),
])
def test_split_code_reads_every_spelling_of_the_parts(parts, above, code):
    assert split_code(parts, above) == code


def test_the_spellings_cover_every_combination():
    assert {(s.codes, s.totals, s.total_in) for s in SPELLINGS} == set(
        product(CODE_SPELLINGS, TOTAL_PLACES, TOTAL_COLUMNS))
    for codes in CODE_SPELLINGS:
        assert {s.total_word for s in SPELLINGS if s.codes == codes} == set(TOTAL_WORDS)
        assert {s.stub_group for s in SPELLINGS if s.codes == codes} == {True, False}
    for where in product(TOTAL_PLACES, TOTAL_COLUMNS):
        assert {s.total_word for s in SPELLINGS if (s.totals, s.total_in) == where} == set(TOTAL_WORDS)
        assert {s.stub_group for s in SPELLINGS if (s.totals, s.total_in) == where} == {True, False}


SHOWN = {"split": ("208", "01", "01"), "split-number": (208, 1, 1),
         "split-full": ("208", "20801", "2080101"), "joined": "2080101", "number": 2080101,
         "spaced": "208 01 01", "dashed": "208-01-01", "code-name": "2080101 行政运行"}


@pytest.mark.parametrize("spelling", SPELLINGS, ids=str)
def test_the_renderer_prints_each_spelling(spelling, tmp_path):
    """The workbooks the tests below audit really spell codes and totals that way."""
    doc = our_tables("003_1c0f00ae3f1a4bcd")
    path = tmp_path / "公开表.xlsx"
    cells = render(doc, path, "split-bottom", spelling)
    wb = openpyxl.load_workbook(path)
    rows = doc["tables"]["T_expense"]["rows"]
    for i, row in enumerate(rows):
        for column, v in row["values"].items():
            assert cell_figure(wb, cells[("T_expense", "rows", i, column)]) == pytest.approx(v)
    ws = wb[cells.sheets["T_expense"]]

    width = 4 if spelling.split else 1 if spelling.codes == "code-name" else 2  # code and name

    def printed(i: int) -> tuple:
        r = int(cells[("T_expense", "rows", i, "total")].rsplit("!", 1)[1][1:])
        return r, tuple(ws.cell(r, c).value for c in range(1, width + 1))

    r, stub = printed(next(i for i, x in enumerate(rows) if x.get("code") == "2080101"))
    assert stub[:3] == SHOWN[spelling.codes] if spelling.split else stub[0] == SHOWN[spelling.codes]
    total_row, total_stub = printed(next(i for i, x in enumerate(rows) if x["kind"] == "total"))
    body = [printed(i)[0] for i in range(len(rows))]
    assert total_row == (min(body) if spelling.totals == "top" else max(body))
    in_name = spelling.total_in == "name" and width > 1
    assert total_stub == tuple(spelling.total_word if c == (width - 1 if in_name else 0) else None
                               for c in range(width))
    sheet, title = cells.titles["T_gpb_basic"].split("!")
    assert wb[sheet].cell(int(title[1:]) + 2, 1).value == (
        "科目" if spelling.stub_group else "经济分类科目编码")


@pytest.mark.parametrize("spelling", SPELLINGS, ids=str)
@pytest.mark.parametrize("name", MASTERS, ids=lambda n: n[:3])
def test_our_tables_check_clean_in_every_spelling(name, spelling, tmp_path):
    doc = our_tables(name)
    path = tmp_path / "公开表.xlsx"
    render(doc, path, "split-bottom", spelling)
    report = audit(str(path))
    assert report.kind == "disclosure"
    bad = [f for f in report.findings if f.severity.value in ("error", "warning")]
    assert not bad, f"{len(bad)} findings on consistent tables:\n{show(bad)}"
    # a row misread can still add up (a 总计 taken for a nameless unit row): every row must
    # come back as what it is, with its code and its name
    book = open_workbook(str(path))
    try:
        read = read_disclosure([book.sheet(n) for n in book.sheet_names]).document()
    finally:
        book.close()
    for key, table in doc["tables"].items():
        assert _rows(read["tables"][key]) == _rows(table), key


def _rows(table: dict) -> tuple:
    """The number of total rows and, in order, every other row's kind, code and name; the keys
    of the fixed rows of 表1/表4 and 表10."""
    if "income_rows" in table:
        return ([r["key"] for r in table["income_rows"]],
                [(r.get("key"), r.get("code"), normal(r["label"]) if r.get("code") else "")
                 for r in table["expense_rows"]])
    rows = table.get("rows") or []
    if rows and "key" in rows[0]:
        return sorted(r["key"] for r in rows)
    totals = [r for r in rows if r.get("kind") == "total"]
    assert all(is_total(r["label"]) for r in totals)
    return len(totals), [(r.get("kind"), r.get("code"), normal(r.get("label") or ""))
                         for r in rows if r.get("kind") != "total"]


@pytest.mark.parametrize("spelling", SPELLINGS, ids=str)
@pytest.mark.parametrize("name", GOLDENS, ids=lambda n: n[:3])
def test_published_tables_give_exactly_their_known_breaks_in_every_spelling(name, spelling, tmp_path):
    _exactly_the_known_breaks(name, "split-bottom", spelling, tmp_path)


def _exactly_the_known_breaks(name: str, layout: str, spelling: Spelling, tmp_path: Path) -> None:
    golden = load_golden(name)
    path = tmp_path / "公开表.xlsx"
    cells = render(golden, path, layout, spelling)
    findings = [f.as_dict() for f in audit(str(path)).findings]
    at = {}
    for f in findings:
        if f["severity"] in ("error", "warning") and f["sheet"] and f["cell"]:
            at.setdefault(f"{f['sheet']}!{f['cell']}", []).append(f)
    expectations = expected_failures(golden)
    missed = [(e.id, e.cells(cells)) for e in expectations if not any(c in at for c in e.cells(cells))]
    assert not missed, "published inconsistencies not reported at their cell:\n" + "\n".join(
        f"  {i} at {' or '.join(c)}" for i, c in missed)
    allowed = {c for e in expectations for c in e.cells(cells)}
    stray = [f for f in findings if f["severity"] == "error"
             and (f"{f['sheet']}!{f['cell']}" if f["sheet"] and f["cell"] else None) not in allowed
             and not is_missing_table_finding(f, golden, cells)]
    assert not stray, "errors that are no published inconsistency:\n" + "\n".join(
        f"  {f['rule']} {f['sheet']}!{f['cell']}: {f['message']}" for f in stray[:30])


# The other sheet layouts (several tables per sheet, figures as text, no 目录; one sheet per
# title, no 表N): each code spelling once, places, columns and words in turn.
OTHER_LAYOUTS = [(layout, s) for layout in ("joined-top", "codename")
                 for n, s in enumerate(SPELLINGS) if n % 4 == (CODE_SPELLINGS.index(s.codes)
                                                               + (layout == "codename")) % 4]


def test_the_other_layouts_meet_every_code_spelling_and_total_place():
    for layout in ("joined-top", "codename"):
        assert sorted(s.codes for l, s in OTHER_LAYOUTS if l == layout) == sorted(CODE_SPELLINGS)
        assert {(s.totals, s.total_in) for l, s in OTHER_LAYOUTS if l == layout} == set(
            product(TOTAL_PLACES, TOTAL_COLUMNS))


@pytest.mark.parametrize("layout, spelling", OTHER_LAYOUTS, ids=lambda x: str(x))
@pytest.mark.parametrize("name", MASTERS, ids=lambda n: n[:3])
def test_our_tables_check_clean_in_the_other_layouts(name, layout, spelling, tmp_path):
    path = tmp_path / "公开表.xlsx"
    render(our_tables(name), path, layout, spelling)
    bad = [f for f in audit(str(path)).findings if f.severity.value in ("error", "warning")]
    assert not bad, f"{len(bad)} findings on consistent tables:\n{show(bad)}"


@pytest.mark.parametrize("layout, spelling", OTHER_LAYOUTS, ids=lambda x: str(x))
@pytest.mark.parametrize("name", GOLDENS, ids=lambda n: n[:3])
def test_published_tables_give_exactly_their_known_breaks_in_the_other_layouts(name, layout, spelling,
                                                                               tmp_path):
    _exactly_the_known_breaks(name, layout, spelling, tmp_path)


def _econ_break(doc: dict) -> tuple[int, int]:
    """Add 1.00 万元 to a 款 of 表6 (合计 and 人员经费 alike, so the row itself still adds up);
    returns the indexes of that 款 and of its 类, which no longer equals the sum of its 款."""
    rows = doc["tables"]["T_gpb_basic"]["rows"]
    child = next(i for i, r in enumerate(rows) if len(r.get("code") or "") == 5
                 and (r["values"].get("personnel") or 0) > 0)
    parent = next(i for i, r in enumerate(rows) if r.get("code") == rows[child]["code"][:3])
    for column in ("total", "personnel"):
        rows[child]["values"][column] = round(rows[child]["values"][column] + 1, 2)
    return child, parent


@pytest.mark.parametrize("spelling", [s for s in SPELLINGS if s.total_in == "name"], ids=str)
def test_a_broken_econ_figure_is_reported_at_its_parent_in_every_spelling(spelling, tmp_path):
    doc = copy.deepcopy(our_tables("003_1c0f00ae3f1a4bcd"))
    _, parent = _econ_break(doc)
    path = tmp_path / "公开表.xlsx"
    cells = render(doc, path, "split-bottom", spelling)
    report = audit(str(path))
    errors = [f for f in report.findings if f.severity.value == "error"]
    want = {cells[("T_gpb_basic", "rows", parent, c)] for c in ("total", "personnel")}
    assert {place(f) for f in errors} == want, show(report.findings)
    assert {f.rule for f in errors} == {"sum-children"}
    assert [f for f in report.findings if f.severity.value == "warning"] == []


@pytest.mark.parametrize("spelling", [s for s in SPELLINGS if s.total_in == "code"], ids=str)
def test_a_broken_function_figure_is_reported_at_its_parent_and_its_row(spelling, tmp_path):
    """表3: a 项 raised by 1.00 in 合计 and 基本支出 breaks its 款 (at the 款's cells) and 表2 = 表3
    for that code (at the 项's cells in 表2 or 表3), nothing else."""
    doc = copy.deepcopy(our_tables("003_1c0f00ae3f1a4bcd"))
    rows = doc["tables"]["T_expense"]["rows"]
    child = next(i for i, r in enumerate(rows) if len(r.get("code") or "") == 7
                 and (r["values"].get("basic") or 0) > 0)
    code = rows[child]["code"]
    parent = next(i for i, r in enumerate(rows) if r.get("code") == code[:5])
    for column in ("total", "basic"):
        rows[child]["values"][column] = round(rows[child]["values"][column] + 1, 2)
    income = next(i for i, r in enumerate(doc["tables"]["T_income"]["rows"]) if r.get("code") == code)
    path = tmp_path / "公开表.xlsx"
    cells = render(doc, path, "split-bottom", spelling)
    report = audit(str(path))
    errors = {place(f) for f in report.findings if f.severity.value == "error"}
    at_parent = {cells[("T_expense", "rows", parent, c)] for c in ("total", "basic")}
    at_row = {cells[("T_expense", "rows", child, "total")], cells[("T_income", "rows", income, "total")]}
    assert at_parent <= errors, show(report.findings)
    assert errors & at_row, show(report.findings)
    assert errors <= at_parent | at_row, show(report.findings)


# -- our own disclosure workbook, re-spelled by hand ------------------------------------------

TOTALS = ("总计", "合计")


def _code_tables(wb):
    """Per sheet with 类 | 款 (| 项) columns: the sheet, the code columns, the name column and
    the body rows (1-based)."""
    for ws in wb.worksheets:
        header = next((r for r in range(1, 12) if ws.cell(r, 1).value == "类"), None)
        if header is None:
            continue
        codes = [c for c in range(1, 4) if ws.cell(header, c).value in ("类", "款", "项")]
        first = header + 1 + (ws.cell(header + 1, 1).value == "※")
        last = first
        while last + 1 <= ws.max_row and any(ws.cell(last + 1, c).value is not None
                                             for c in range(1, ws.max_column + 1)):
            last += 1
        yield ws, codes, codes[-1] + 1, list(range(first, last + 1))


def _respell_codes(how):
    def edit(wb):
        for ws, codes, _, body in _code_tables(wb):
            for r in body:
                parts = [ws.cell(r, c).value for c in codes]
                if not parts[0] or not str(parts[0]).isdigit():
                    continue
                groups = [p for p in parts if p]
                for c, value in zip(codes, how(groups, len(codes))):
                    ws.cell(r, c).value = value
    return edit


def _move_totals(word):
    """Every total row to the other end of its table, its label to the other column, as ``word``."""
    def edit(wb):
        for ws, codes, name, body in _code_tables(wb):
            width = ws.max_column
            rows = [[ws.cell(r, c).value for c in range(1, width + 1)] for r in body]
            totals = [row for row in rows if any(isinstance(v, str) and normal(v) in TOTALS
                                                 for v in row[:name])]
            if not totals:
                continue
            others = [row for row in rows if row not in totals]
            at_top = rows[0] in totals
            for row in totals:
                in_name = row[name - 1] is not None
                row[codes[0] - 1] = word if in_name else None
                row[name - 1] = None if in_name else word
            for r, row in zip(body, others + totals if at_top else totals + others):
                for c, value in enumerate(row, start=1):
                    ws.cell(r, c).value = value
    return edit


EDITS = {
    "parts-as-numbers": _respell_codes(lambda g, n: [int(p) for p in g] + [None] * (n - len(g))),
    "full-codes": _respell_codes(lambda g, n: ["".join(g[:k + 1]) for k in range(len(g))]
                                 + [None] * (n - len(g))),
    "spaced-code-in-class": _respell_codes(lambda g, n: [" ".join(g)] + [None] * (n - 1)),
    "dashed-code-in-class": _respell_codes(lambda g, n: ["-".join(g)] + [None] * (n - 1)),
    "totals-moved-总 计": _move_totals("总 计"),
    "totals-moved-合计：": _move_totals("合计："),
    "totals-moved-合  计": _move_totals("合  计"),
}


@pytest.fixture(scope="module")
def our_workbooks(tmp_path_factory):
    out = {}
    for name in MASTERS:
        ts = build_tables(read_master(str(FIXTURES / name / "master.xlsx")))
        out[name] = tmp_path_factory.mktemp("ours") / f"{name[:3]}.xlsx"
        write_disclosure_workbook(ts, str(out[name]))
    return out


@pytest.mark.parametrize("edit", EDITS, ids=str)
@pytest.mark.parametrize("name", MASTERS, ids=lambda n: n[:3])
def test_our_disclosure_workbook_respelled_by_hand_checks_clean(our_workbooks, name, edit, tmp_path):
    wb = openpyxl.load_workbook(our_workbooks[name])
    EDITS[edit](wb)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    assert audit(str(our_workbooks[name])).findings == []
    report = audit(str(path))
    assert report.findings == [], show(report.findings)


@pytest.mark.parametrize("spelling", SPELLINGS, ids=str)
def test_a_broken_econ_total_is_reported_at_the_total_wherever_it_is_printed(spelling, tmp_path):
    """表6's 总计 raised by 1.00: reported at that 总计 (≠ Σ 类, ≠ 人员经费 + 公用经费) and, for
    表5 基本支出 总计 = 表6 总计, at one of the two; never as a row of its own."""
    doc = copy.deepcopy(our_tables("003_1c0f00ae3f1a4bcd"))
    rows = doc["tables"]["T_gpb_basic"]["rows"]
    total = next(i for i, r in enumerate(rows) if r["kind"] == "total")
    rows[total]["values"]["total"] = round(rows[total]["values"]["total"] + 1, 2)
    gpb_total = next(i for i, r in enumerate(doc["tables"]["T_gpb"]["rows"]) if r["kind"] == "total")
    path = tmp_path / "公开表.xlsx"
    cells = render(doc, path, "split-bottom", spelling)
    report = audit(str(path))
    at_total = cells[("T_gpb_basic", "rows", total, "total")]
    errors = [f for f in report.findings if f.severity.value == "error"]
    assert {f.rule for f in errors if place(f) == at_total} >= {"sum-total", "sum-row"}, show(errors)
    assert {place(f) for f in errors} <= {at_total, cells[("T_gpb", "rows", gpb_total, "basic")]}, \
        show(errors)
    assert any(f.rule == "cross-table" for f in errors), show(errors)

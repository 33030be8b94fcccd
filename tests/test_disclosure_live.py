"""The disclosure workbook in a real spreadsheet engine: LibreOffice recalculates it.

- Every cached value equals what LibreOffice computes, and every 校验 row of the demo
  workbooks says 通过.
- For each family of identities, one figure is changed by hand (openpyxl, as a person would
  in Excel); after recalculation exactly the rows that figure breaks say 不通过 — the rows
  the tool's own evaluation of the identities predicts.
- The PDF: A4, every table one page wide, titles in order, headers repeated on every page.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import write_master
from support.libreoffice import pdf_page_sizes, pdf_pages, recalculate, require_poppler
from xltools.checks.identities import FAMILIES, holds, identities, sides
from xltools.reader import read_master
from xltools.tables import build_tables
from xltools.writers.disclosure_workbook import output_name, write_disclosure_workbook
from xltools.writers.tables_json import tables_dict

FIXTURE = Path(__file__).parent / "fixtures" / "003_1c0f00ae3f1a4bcd" / "master.xlsx"
CHECK_FIRST_ROW = 4  # 1-based row of the first identity on 校验


def xltools(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xltools", *args], capture_output=True,
                          text=True, timeout=600)


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-9
    return (a or None) == (b or None)


def test_demo_workbooks_recalculate_to_their_cached_values_and_pass(soffice, tmp_path):
    run = xltools("demo", "-o", str(tmp_path / "demo"))
    assert run.returncode == 0, run.stderr
    books = sorted((tmp_path / "demo").glob("*预算公开表.xlsx"))
    assert len(books) == 2
    for book in books:
        cached = openpyxl.load_workbook(book, data_only=True)
        formulas = openpyxl.load_workbook(book)
        _, live = recalculate(book, tmp_path, name=f"re-{book.name}")
        checked = 0
        for ws in formulas.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        before = cached[ws.title][cell.coordinate].value
                        after = live[ws.title][cell.coordinate].value
                        assert same(before, after), f"{book.name} {ws.title}!{cell.coordinate}: " \
                                                    f"cached {before!r}, LibreOffice {after!r}"
                        checked += 1
        statuses = [c.value for c in live["校验"]["H"][CHECK_FIRST_ROW - 1:]]
        assert statuses and set(statuses) == {"通过"}, book.name
        assert checked > 4 * len(statuses)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    ts = build_tables(read_master(str(FIXTURE)))
    path = tmp / output_name(ts)
    write_disclosure_workbook(ts, str(path))
    doc = tables_dict(ts)
    return path, doc, identities(doc)


def _cell_of(path: Path, doc: dict, ref):
    """The sheet cell holding a Ref's figure, found from the 校验 formula that points at it."""
    wb = openpyxl.load_workbook(path)
    idents = identities(doc)
    for r, ident in enumerate(idents, start=CHECK_FIRST_ROW):
        if ident.whole == ref:
            formula = wb["校验"].cell(r, 5).value
            sheet, cell = formula.lstrip("=").split("!")
            return sheet.strip("'"), cell.replace("$", "")
    raise AssertionError(f"no 校验 row has {ref} as its published figure")


def _change(doc: dict, ref, delta: float) -> dict:
    doc = copy.deepcopy(doc)
    row = doc["tables"][ref.table][ref.section][ref.row]
    if "values" in row:
        row["values"][ref.col] = round((row["values"].get(ref.col) or 0) + delta, 2)
    else:
        row["amount"] = round((row.get("amount") or 0) + delta, 2)
    return doc


def _target(idents, family):
    """A figure whose change breaks an identity of ``family``: the whole of an equality, or
    a part of a ≥ (raising the whole of a ≥ breaks nothing)."""
    for ident in idents:
        if ident.family != family or ident.whole is None:
            continue
        if ident.relation == "eq":
            return ident.whole
        if ident.parts:
            return ident.parts[0]
    raise AssertionError(f"the fixture has no identity of family {family}")


@pytest.mark.parametrize("family", list(FAMILIES.values()))
def test_changing_one_figure_fails_exactly_the_rows_it_breaks(soffice, built, tmp_path, family):
    path, doc, idents = built
    ref = _target(idents, family)
    changed = _change(doc, ref, 1.23)
    expected = {CHECK_FIRST_ROW + i for i, ident in enumerate(idents)
                if not holds(ident, *sides(ident, changed))}
    assert any(idents[r - CHECK_FIRST_ROW].family == family for r in expected)

    # The whole of a ≥ is located through an equality row that has it as its published figure,
    # or through the part itself.
    sheet, cell = _locate(path, doc, idents, ref)
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell].value = round((wb[sheet][cell].value or 0) + 1.23, 2)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    _, live = recalculate(edited, tmp_path)
    ws = live["校验"]
    failing = {r for r in range(CHECK_FIRST_ROW, ws.max_row + 1) if ws.cell(r, 8).value == "不通过"}
    assert failing == expected
    assert {ws.cell(r, 8).value for r in range(CHECK_FIRST_ROW, ws.max_row + 1)} == {"通过", "不通过"}
    contents = live["目录"]
    status = {contents.cell(r, 1).value: contents.cell(r, 3).value for r in range(1, contents.max_row + 1)}
    broken_tables = {f"表{doc['tables'][idents[r - CHECK_FIRST_ROW].table]['no']}" for r in expected}
    for name in (f"表{t['no']}" for t in doc["tables"].values()):
        assert status[name] == ("不通过" if name in broken_tables else "通过"), name
    assert status["全部"] == "不通过"


def _locate(path, doc, idents, ref):
    try:
        return _cell_of(path, doc, ref)
    except AssertionError:
        wb = openpyxl.load_workbook(path)
        for r, ident in enumerate(idents, start=CHECK_FIRST_ROW):
            if ident.parts == (ref,):
                sheet, cell = wb["校验"].cell(r, 6).value.lstrip("=").split("!")
                return sheet.strip("'"), cell.replace("$", "")
        raise


def _long_master(tmp_path) -> Path:
    """A 部门 with 150 projects: 表7 runs over several pages."""
    lines = [{"功能分类科目": "2080101", "经济分类科目": "30101", "支出类型": "人员经费",
              "资金来源": "一般公共预算", "金额": 800000}]
    for i in range(150):
        lines.append({"功能分类科目": "2080799" if i % 2 else "2080101", "经济分类科目": "30299",
                      "支出类型": "项目支出", "项目名称": f"第{i + 1:03d}号就业补助与职业技能提升专项项目",
                      "资金来源": "一般公共预算", "金额": 10000 + 37 * i})
    return write_master(tmp_path / "long.xlsx", lines=lines)


def test_pdf_is_a4_one_page_wide_with_titles_in_order_and_repeated_headers(soffice, tmp_path):
    require_poppler()
    pdfs = []
    for master in (FIXTURE, _long_master(tmp_path)):
        run = xltools("build", str(master), "-o", str(tmp_path / "out"), "--pdf")
        assert run.returncode == 0, run.stderr
    pdfs = sorted((tmp_path / "out").glob("*预算公开表.pdf"))
    assert len(list((tmp_path / "out").glob("*预算公开.pdf"))) == 2  # --pdf prints the document too
    assert len(pdfs) == 2
    for pdf in pdfs:
        sizes = pdf_page_sizes(pdf)
        pages = pdf_pages(pdf)
        assert sizes and all("(A4" in s for s in sizes), sizes
        assert len(pages) == len(sizes)
        for n, page in enumerate(pages, start=1):
            # The row 编制部门 … 单位：万元 spans the table and repeats on every page: both ends
            # on every page means no page holds only part of the columns.
            assert "编制部门" in page and "单位：万元" in page, f"{pdf.name} page {n}"
        ts = build_tables(read_master(str(FIXTURE if "昌吉" in pdf.name else tmp_path / "long.xlsx")))
        titles = [t.title for t in ts.tables.values()]
        first_page = [next(i for i, p in enumerate(pages) if title in p) for title in titles]
        assert first_page == sorted(first_page), "tables out of order"

    long_pdf = next(p for p in pdfs if "测试局" in p.name)
    pages = pdf_pages(long_pdf)
    start = next(i for i, p in enumerate(pages) if "一般公共预算项目支出情况表" in p)
    nxt = next(i for i, p in enumerate(pages) if "政府性基金预算支出情况表" in p)
    assert nxt - start >= 2, "表7 of 150 projects should take more than one page"
    second = pages[start + 1]
    assert "一般公共预算项目支出情况表" not in second  # the title prints once…
    assert "项目支出合计" in second and "科目代码" in second  # …the header on every page
    assert "第150号" in pages[nxt - 1] or any("第150号" in p for p in pages[start:nxt])

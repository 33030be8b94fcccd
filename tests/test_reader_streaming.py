"""The streaming read of big sheets (reader/cells.py) gives what calamine gives.

Big sheets are rare in tests, so the thresholds are lowered here to send every sheet of
the fixtures and samples through the streaming path: the lines, findings and tables must
not change.  The sparse-sheet case: a value far below the table is one more row to read.
"""

from __future__ import annotations

import glob
import os
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from xltools.reader import read_master
from xltools.reader import workbook as wb
from xltools.reader.cells import read_sparse
from xltools.reader import cells, sheetscan
from xltools.reader.sheetscan import scan_sheet
from xltools.tables import build_tables

HERE = os.path.dirname(__file__)
MASTERS = sorted(glob.glob(os.path.join(HERE, "fixtures", "*", "master.xlsx"))
                 + glob.glob(os.path.join(HERE, "..", "samples", "*.xlsx")))


def _summary(master):
    findings = [(f.rule, f.severity, f.place, f.message) for f in master.findings]
    return master.lines, findings, master.func_names, master.econ_names


@pytest.mark.parametrize("path", MASTERS, ids=os.path.basename)
@pytest.mark.parametrize("mode", ["sparse", "single-pass"])
def test_streaming_read_matches_calamine(path, mode, monkeypatch):
    expected = read_master(path)
    monkeypatch.setattr(wb, "CALAMINE_CELLS", -1)
    if mode == "single-pass":
        monkeypatch.setattr(wb, "CALAMINE_SHEET_BYTES", -1)
    streamed = read_master(path)
    assert _summary(streamed) == _summary(expected)
    if expected.info is not None and not any(f.severity == "error" for f in expected.findings):
        a, b = build_tables(expected), build_tables(streamed)
        assert a.tables == b.tables and a.rounded == b.rounded


def _lines_sheet_with(path, extra_rows: str) -> None:
    """A copy of the first fixture whose 收支明细 ends with ``extra_rows``."""
    src = MASTERS[0]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        part = _lines_part(zin)
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == part:
                data = data.replace(b"</sheetData>", extra_rows.encode() + b"</sheetData>")
            zout.writestr(item, data)


def _lines_part(zin) -> str:
    book = wb.open_workbook(zin.filename)
    try:
        return book._sheet_parts["收支明细"]
    finally:
        book.close()


def test_sparse_sheet_is_read_not_refused(tmp_path):
    """One stray note at row 1,048,547, beside the table: the sheet is read (the same
    lines), and that row is reported like any row holding something."""
    path = tmp_path / "sparse.xlsx"
    _lines_sheet_with(path, '<row r="1048547"><c r="K1048547" t="inlineStr"><is><t>已核对</t></is></c></row>')
    expected = read_master(MASTERS[0])
    got = read_master(str(path))
    assert got.lines == expected.lines
    stray = [(f.rule, f.place) for f in got.findings if f not in expected.findings]
    assert stray == [("func-code-missing", "收支明细!B1048547"), ("econ-code-missing", "收支明细!C1048547"),
                     ("type-missing", "收支明细!D1048547"), ("source-missing", "收支明细!F1048547"),
                     ("amount-missing", "收支明细!G1048547")]


def test_rows_are_counted_when_they_hold_something(tmp_path):
    """The row bound counts rows holding something — formatted empty rows and the empty
    rows above a stray value do not count — and a refusal names the first row too many,
    in the scan before calamine and in the single streaming pass alike."""
    path = tmp_path / "rows.xlsx"
    _lines_sheet_with(path, '<row r="5000"><c r="A5000" s="1"/></row>'
                            '<row r="900000"><c r="C900000"><v>1</v></c></row>')
    filled = read_master(MASTERS[0]).lines[-1].row + 1  # the table's rows and the stray one
    with zipfile.ZipFile(path) as zf:
        part = _lines_part(zf)
        scan = scan_sheet(zf, part, filled, 10**6)
        assert (scan.rows_filled, scan.first_beyond) == (filled, None)
        assert scan_sheet(zf, part, filled - 1, 10**6).first_beyond == "C900000"
        assert read_sparse(zf, part, [], filled).beyond is None
        assert read_sparse(zf, part, [], filled - 1).beyond == "C900000"
        capped = read_sparse(zf, part, [], None, None, 5)
        assert (capped.too_many, capped.beyond) == ("cells", "F1")  # the sixth cell holding something


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
         '</Relationships>')
_BOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
         '<sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
              '</Relationships>')
_STRINGS = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<si><t>行政运行</t></si><si><t xml:space="preserve">  </t></si><si><r><t>一般</t></r><r><t>公共预算</t></r></si>'
            '<si><t/></si><si><t>A&amp;B</t><rPh><t>ア</t></rPh></si></sst>')
# Every form a cell takes, with and without the style attribute, in the regex's bulk forms
# and outside them; rows 6 and 7 hold only blanks and nothing.
_FORMS = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>单位</t></is></c><c r="B1" s="1" t="inlineStr"><is><t>A&amp;B</t></is></c>'
    '<c r="C1" t="s"><v>0</v></c><c r="D1" s="2" t="s"><v>4</v></c><c r="E1" t="s"><v>2</v></c></row>'
    '<row r="2"><c r="A2"><v>2080101</v></c><c r="B2" s="3"><v>-0.5</v></c><c r="C2" t="n"><v>1E3</v></c>'
    '<c r="D2" t="b"><v>1</v></c><c r="E2" s="1" t="b"><v>0</v></c><c r="F2" t="str"><f>A1</f><v>文本</v></c></row>'
    '<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve"> 有空格 </t></is></c><c r="B3"><f>1+1</f><v>2</v></c>'
    '<c r="C3" t="e"><v>#DIV/0!</v></c><c r="D3" t="s"><v>3</v></c><c r="E3" s="4"/><c r="F3"></c></row>'
    '<row r="4"><c r="A4" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c><c r="B4"><v></v></c>'
    '<c r="D4" t="s"><v>1</v></c><c r="G4" t="inlineStr"><is><t>x</t></is></c></row>'
    '<row r="6"><c r="A6" t="s"><v>1</v></c><c r="B6" t="inlineStr"><is><t xml:space="preserve">   </t></is></c></row>'
    '<row r="7"><c r="A7" s="5"/></row>'
    '<row r="9"><c r="AB9"><v>7</v></c><c r="C9" t="inlineStr"><is><t>单位</t></is></c></row>')


def _forms_book(path) -> None:
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData>{_FORMS}</sheetData><mergeCells count="1"><mergeCell ref="A4:B4"/></mergeCells></worksheet>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _BOOK), ("xl/_rels/workbook.xml.rels", _BOOK_RELS),
                           ("xl/sharedStrings.xml", _STRINGS), ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, text)


def _read(path, streaming: bool, monkeypatch):
    monkeypatch.setattr(wb, "CALAMINE_SHEET_BYTES", -1 if streaming else 8 * 1024 * 1024)
    book = wb.open_workbook(str(path))
    try:
        sheet = book.sheet("表")
        # Rows last: once a big sheet is turned into rows, the rest is read from them.
        seen = (sheet.nrows, sheet.filled_rows().tolist(), list(sheet.column(2)),
                _trimmed([sheet.row(r) for r in range(sheet.nrows + 1)]), sheet.merged,
                book.formula_cells("表"))
        return seen + (_trimmed(sheet.rows),)
    finally:
        book.close()


def _trimmed(rows: list[list]) -> list[list]:
    """Rows without their trailing blanks (calamine pads every row to the used width)."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    return out


def test_every_cell_form_reads_as_calamine_reads_it(tmp_path, monkeypatch):
    """Numbers, shared and inline strings (rich, blank, escaped, with phonetics), booleans,
    formula results, errors, empty and style-only cells: the streaming pass gives each the
    value calamine gives, and the same blank rows."""
    path = tmp_path / "forms.xlsx"
    _forms_book(path)
    assert _read(path, True, monkeypatch) == _read(path, False, monkeypatch)


# Cells in every form, spelled as the writers spell them and as they may: the bulk forms
# with and without a style, booleans, formulas with and without a result, errors, empty and
# style-only cells, attributes in another order, whitespace in the tag, a prefixed tag.
_CELL_FORMS = (
    '<c r="{a}"><v>{n}</v></c>', '<c r="{a}" s="1"><v>{n}</v></c>', '<c r="{a}" t="n"><v>{n}</v></c>',
    '<c r="{a}" t="s"><v>{i}</v></c>', '<c r="{a}" s="2" t="s"><v>{i}</v></c>',
    '<c r="{a}" t="inlineStr"><is><t>{t}</t></is></c>', '<c r="{a}" s="3" t="inlineStr"><is><t>{t}</t></is></c>',
    '<c r="{a}" t="inlineStr"><is><t xml:space="preserve">{p}</t></is></c>',
    '<c r="{a}" t="b"><v>{b}</v></c>', '<c r="{a}" t="str"><f>A1</f><v>{t}</v></c>',
    '<c r="{a}"><f>1+1</f></c>', '<c r="{a}"><f>1+1</f><v>{n}</v></c>', '<c r="{a}" t="e"><v>#N/A</v></c>',
    '<c r="{a}" s="4"/>', '<c r="{a}"></c>', '<c s="1" r="{a}"><v>{n}</v></c>', '<c\n r="{a}"><v>{n}</v></c>',
    '<x:c r="{a}" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:v>{n}</x:v></x:c>',
)
_NUMBERS = st.sampled_from(["0", "7", "-0.5", "1E3", "2080101", "97333.75999999999", "1e-7"])
_TEXTS = st.sampled_from(["单位", "A&amp;B", "30101 工资", "x", "2080101"])
# Writers mark text with blanks at its ends xml:space="preserve" (calamine trims it otherwise).
_SPACED = st.sampled_from(["  ", " 有空格 ", "x"])


@st.composite
def _sheet_rows(draw) -> str:
    rows, r = [], 0
    for _ in range(draw(st.integers(1, 12))):
        r += draw(st.integers(1, 3))
        cells, c = [], 0
        for _ in range(draw(st.integers(0, 5))):
            c += draw(st.integers(1, 30))
            form = draw(st.sampled_from(_CELL_FORMS))
            cells.append(form.format(a=f"{wb.col_letter(c - 1)}{r}", n=draw(_NUMBERS), i=draw(st.integers(0, 4)),
                                     t=draw(_TEXTS), p=draw(_SPACED), b=draw(st.sampled_from("01"))))
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    # A value last: calamine's range also takes in cells that hold an empty shared string,
    # which hold nothing here (the reader reads both as blank).
    rows.append(f'<row r="{r + 1}"><c r="A{r + 1}"><v>1</v></c></row>')
    return "".join(rows)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_sheet_rows(), st.sampled_from([64, 300, 8 * 1024 * 1024]), st.sampled_from([1, 1 << 17]))
def test_any_mix_of_cell_forms_reads_as_calamine_reads_it(tmp_path, monkeypatch, rows, piece, cached):
    """Pieces of a few rows each, or the whole sheet in one, the decoded texts kept from
    piece to piece or not: the values, rows holding something, formula problems and merged
    cells are calamine's and the scan's."""
    path = tmp_path / "mix.xlsx"
    monkeypatch.setattr(sheetscan, "_CHUNK", piece)
    monkeypatch.setattr(cells, "_DECODED_AT_MOST", cached)
    monkeypatch.setattr(sys.modules[__name__], "_FORMS", rows)
    _forms_book(path)
    assert _read(path, True, monkeypatch) == _read(path, False, monkeypatch)

"""The streaming read of big sheets (reader/cells.py) gives what calamine gives.

Big sheets are rare in tests, so the thresholds are lowered here to send every sheet of
the fixtures and samples through the streaming path: the lines, findings and tables must
not change.  The sparse-sheet case: a value far below the table is one more row to read.
"""

from __future__ import annotations

import glob
import os
import zipfile

import pytest

from xltools.reader import read_master
from xltools.reader import workbook as wb
from xltools.reader.cells import read_sparse
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

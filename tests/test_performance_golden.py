"""The 绩效目标表 workbook byte for byte: project sheets are written as XML rows straight
(writers/performance_workbook.py), which must stay what XlsxWriter's cells made of them.

Each digest covers every part of the workbook but docProps/core.xml (its creation time).
They were taken from the workbooks written cell by cell through Grid before the rows were
written directly; a deliberate change of the layout changes them (print the new ones with
``_digest``).  000 has a project without indicators (blank rows) and one without 负责人.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from xltools import performance
from xltools.reader import read_master
from xltools.tables import build_tables
from xltools.writers.performance_workbook import write_performance_workbook

FIXTURES = Path(__file__).parent / "fixtures"

DIGESTS = {
    "000_40205af73c47f1b3": (5, "20f37712e08d31eb2f25056594b326f60a8ffb93d1184694ab4404f057e37f8f"),
    "001_6c762a47265865d0": (6, "e92c10d0b78ff288b116ca343ca05db0f54224b5680cb13a4b8a247cc04d7ecc"),
    "003_1c0f00ae3f1a4bcd": (8, "334ae81c89fe03d5ed5c60a693f1d70c8f720720d6896c876482d5622d7626c1"),
}


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name != "docProps/core.xml":
                h.update(name.encode() + b"\0" + z.read(name))
    return h.hexdigest()


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_performance_workbook_is_byte_for_byte_as_written_cell_by_cell(name, tmp_path):
    master = read_master(str(FIXTURES / name / "master.xlsx"))
    ts = build_tables(master)
    data, _ = performance.build(master, ts)
    target = tmp_path / "绩效.xlsx"
    write_performance_workbook(master, ts, data, str(target))
    assert (len(data.printed_projects), _digest(target)) == DIGESTS[name]


def test_rows_and_parts_wait_for_the_zip_deflated(tmp_path, monkeypatch):
    """Thousands of project sheets wait for the workbook to close: their rows, then every
    part's XML, are held deflated (at 1,000,000 lines they were 350 MB as text)."""
    from xltools.writers import performance_workbook as pw

    held = {}

    def close(wb):
        projects = wb.worksheets()[1:]
        held["rows"] = [(ws._bulk, len(ws._deflated)) for ws in projects]
        real_close(wb)

    def create_package(packager):
        files = real_package(packager)
        held["parts"] = [(type(handle), handle.closed, len(handle._deflated)) for handle, _, _ in files]
        return files

    real_close, real_package = pw.ManySheetsWorkbook.close, pw._DeflatingPackager._create_package
    monkeypatch.setattr(pw.ManySheetsWorkbook, "close", close)
    monkeypatch.setattr(pw._DeflatingPackager, "_create_package", create_package)
    name = "001_6c762a47265865d0"
    master = read_master(str(FIXTURES / name / "master.xlsx"))
    ts = build_tables(master)
    data, _ = performance.build(master, ts)
    target = tmp_path / "绩效.xlsx"
    write_performance_workbook(master, ts, data, str(target))
    assert len(held["rows"]) == len(data.printed_projects) == DIGESTS[name][0]
    assert all(rows == [] and size > 0 for rows, size in held["rows"])
    assert held["parts"] and all(kind is pw._DeflatedPart and closed and size > 0
                                 for kind, closed, size in held["parts"])
    assert _digest(target) == DIGESTS[name][1]

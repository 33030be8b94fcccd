"""The rounded atoms added up on their columns equal the same sums made atom by atom."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from xltools.performance.atom_sums import AtomColumns
from xltools.reader import read_master
from xltools.sources import BY_NAME
from xltools.tables import build_tables

FIXTURES = Path(__file__).parent / "fixtures"


def _column(source: str) -> int:
    s = BY_NAME[source]
    return -1 if s.family == "unit" else 0 if s.current_fiscal else 1


@pytest.mark.parametrize("name", ["001_6c762a47265865d0", "003_1c0f00ae3f1a4bcd"])
def test_sums_on_columns_and_on_atom_objects_agree(name):
    ts = build_tables(read_master(str(FIXTURES / name / "master.xlsx")))
    by_project: dict = {}
    by_source = [0, 0]
    for atom, amount in zip(ts.atoms, ts.rounded):
        col = _column(atom.source)
        if col >= 0:
            by_source[col] += amount
        if not atom.basic and atom.project:
            sums = by_project.setdefault((atom.unit, atom.project), [0, 0])
            if col >= 0:
                sums[col] += amount
    assert by_project and any(by_source)

    columns = AtomColumns(ts)  # the TableSet's own columns
    objects = AtomColumns(SimpleNamespace(atoms=list(ts.atoms), rounded=ts.rounded))
    for got in (columns, objects):
        assert got.by_project(_column, 2) == by_project
        assert got.by_source(_column, 2) == by_source

"""The engine's figure layout: built with numpy, reused after an edit of amounts only."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from xltools.reader import read_master
from xltools.tables import build_tables
from xltools.tables.atoms import make_atoms
from xltools.tables import atoms as atoms_module
from xltools.tables.engine import _atom_order, _row_pairs, _sorted_by, _stable_order, _trimmed
from xltools.tables.rows import Context, FixedRows
from xltools.tables.spec import table_specs
from xltools.writers.tables_json import tables_dict

FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures").iterdir()
                  if (p / "master.xlsx").is_file())


@pytest.fixture(scope="module")
def master():
    return read_master(str(FIXTURES[-1] / "master.xlsx"))


def _with_lines(master, change):
    return dataclasses.replace(master, lines=tuple(change(i, ln) for i, ln in enumerate(master.lines)))


def _same(a, b) -> bool:
    return (tables_dict(a) == tables_dict(b) and a.findings == b.findings
            and list(a.rounded) == list(b.rounded) and list(a.atoms) == list(b.atoms))


def test_an_amount_edit_reuses_the_layout_and_gives_a_fresh_builds_tables(master):
    before = build_tables(master)
    edited = _with_lines(master, lambda i, ln: dataclasses.replace(ln, amount=ln.amount + 1_234_567)
                         if i % 3 == 0 else ln)
    again = build_tables(edited, reuse=before.layout)
    assert again.layout is before.layout
    fresh = build_tables(edited)
    assert fresh.layout is not before.layout and _same(again, fresh)
    assert tables_dict(again) != tables_dict(before)


def test_an_edit_of_a_code_or_a_name_builds_the_layout_anew(master):
    before = build_tables(master)
    moved = _with_lines(master, lambda i, ln: dataclasses.replace(ln, func="2080102") if i == 0 else ln)
    again = build_tables(moved, reuse=before.layout)
    assert again.layout is not before.layout and _same(again, build_tables(moved))
    renamed = dataclasses.replace(master, func_names={**master.func_names, "208": "改过的名称"})
    again = build_tables(renamed, reuse=before.layout)
    assert again.layout is not before.layout and _same(again, build_tables(renamed))


def test_atoms_are_made_only_when_asked_for_and_match_one_by_one(master):
    table = make_atoms(master.lines)
    singles = table.atoms_at(np.arange(len(table)))
    assert "atoms" not in table.__dict__
    assert singles == table.atoms
    assert sum(a.amount for a in singles) == sum(ln.amount for ln in master.lines)
    assert all(a.project is None for a in singles if a.basic)


@pytest.mark.parametrize("bound", [1, 300, 1 << 16, (1 << 16) + 1, 5_000_000])
def test_stable_order_is_numpys_stable_argsort(bound):
    keys = np.random.default_rng(bound).integers(0, bound, 50_000)
    assert np.array_equal(_stable_order(keys, bound), np.argsort(keys, kind="stable"))


def test_deviations_print_as_many_decimals_as_they_need():
    assert _trimmed(Decimal("0.010000")) == "0.01"
    assert _trimmed(Decimal("0.012500")) == "0.0125"
    assert _trimmed(Decimal("12.340000")) == "12.34"
    assert _trimmed(Decimal("0E-6")) == "0.00"


@pytest.mark.parametrize("widths", [(3, 5, 1000), (2**20, 2**20, 2**20, 2**10)])
def test_sorted_by_is_numpys_lexsort(widths):
    """Packed into one key when the keys fit in 62 bits (the first case), by lexsort when
    they do not (the second): the same order either way, ties by index."""
    rng = np.random.default_rng(len(widths))
    keys = tuple(rng.integers(-1, w, 20_000) for w in widths)
    assert np.array_equal(_sorted_by(keys), np.lexsort(keys[::-1]))


@pytest.mark.parametrize("table_per_value", [atoms_module._TABLE_PER_VALUE, 0])
def test_groups_are_numbered_by_first_appearance(monkeypatch, table_per_value):
    """Numbered by a table lookup, or (a combination too wide for a table) by sorting."""
    monkeypatch.setattr(atoms_module, "_TABLE_PER_VALUE", table_per_value)
    rng = np.random.default_rng(3)
    for width in (4, 40, 200_000):
        columns = [rng.integers(-1, width, 3_000), rng.integers(-1, 3, 3_000),
                   rng.integers(-1, width, 3_000)]
        numbers, first = atoms_module._first_appearance(columns)
        seen: dict = {}
        expected = [seen.setdefault(key, len(seen)) for key in zip(*(c.tolist() for c in columns))]
        assert numbers.tolist() == expected
        assert first.tolist() == [expected.index(g) for g in range(len(seen))]


class _AskedAtomByAtom:
    """A row scheme the engine can only ask atom by atom."""

    def __init__(self, scheme):
        self.scheme = scheme

    def keys(self, line, ctx):
        return self.scheme.keys(line, ctx)


def test_fixed_rows_told_at_once_match_asking_atom_by_atom(master):
    table = make_atoms(master.lines)
    ctx = Context("部门", "", {}, {}, True, "合计", {}, {})
    atoms = np.arange(len(table))
    schemes = [sec.rows for spec in table_specs(True, "").values() for sec in spec.sections
               if isinstance(sec.rows, FixedRows)]
    assert len(schemes) == 3  # 表1 and 表4 income rows, 表10
    for scheme in schemes:
        counts, rows, row_keys = _row_pairs(scheme, table, atoms, ctx)
        counts_1, rows_1, row_keys_1 = _row_pairs(_AskedAtomByAtom(scheme), table, atoms, ctx)
        assert counts.tolist() == counts_1.tolist()
        assert [row_keys[r] for r in rows.tolist()] == [row_keys_1[r] for r in rows_1.tolist()]


def test_every_project_row_of_table_7_is_one_run_of_the_rounding_order(master):
    """Systematic rounding holds every contiguous run of its order within one unit: 表7's
    project rows (per 经济分类 类 and their total) are runs, so they are never left to the
    search — also for a project paid from both 一般公共预算 sources, in two 款 of one 类
    between which another project has a third."""
    project = next(ln for ln in master.lines if ln.type == "项目支出")
    added = [dataclasses.replace(project, econ="30201", source="一般公共预算", amount=123_456),
             dataclasses.replace(project, econ="30205", source="上级一般公共预算转移支付",
                                 amount=654_321),
             dataclasses.replace(project, econ="30202", source="一般公共预算", amount=111_111,
                                 project="另一个项目")]
    ts = build_tables(dataclasses.replace(master, lines=master.lines + tuple(added)))
    layout = ts.layout
    place = np.empty(len(layout.order), np.int64)
    place[layout.order] = np.arange(len(layout.order))
    cells = layout.cells
    checked = 0
    for f, (t, _, row_key, _) in enumerate(layout.refs):
        if t == "T_gpb_project" and row_key[0] == "project":
            at = np.sort(place[cells.indices[cells.indptr[f]:cells.indptr[f + 1]]])
            assert at[-1] - at[0] == len(at) - 1, layout.refs[f]
            checked += 1
    assert checked > 10

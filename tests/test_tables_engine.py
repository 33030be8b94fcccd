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
from xltools.tables.engine import _stable_order, _trimmed
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

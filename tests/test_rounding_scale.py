"""舍位平衡 on a large problem built directly as arrays: memberships stay compact (no Python
object per membership) and every guarantee still holds.  Timing belongs in benchmarks/."""

from __future__ import annotations

import tracemalloc

import numpy as np

from xltools import rounding_cells, rounding_exact, rounding_search
from xltools.money import half_up_div
from xltools.rounding import controlled_round
from xltools.rounding_exact import Cells

UNIT = 10_000
ATOMS = 200_000


def _problem():
    """A 功能分类-like tree over contiguous runs, crossed by 20 strided classes, with every
    figure given twice (as two tables would) and every atom on its own."""
    rng = np.random.default_rng(7)
    exact = rng.integers(0, 50 * UNIT, ATOMS, dtype=np.int64)
    atoms = np.arange(ATOMS)
    cells = [atoms[s:s + 500] for s in range(0, ATOMS, 500)]  # 项 level
    cells += [atoms[s:s + 10_000] for s in range(0, ATOMS, 10_000)]  # 类 level
    cells += [rng.permutation(atoms[atoms % 20 == j]) for j in range(20)]  # 经济分类, unsorted
    cells += [atoms]  # 合计
    cells = cells + [c[::-1].copy() for c in cells]  # the same figures in another table
    cells += [atoms[i:i + 1] for i in range(0, ATOMS, 97)]
    return exact, cells


def test_a_large_problem_rounds_within_one_unit_in_bounded_memory():
    exact, cells = _problem()
    memberships = sum(len(c) for c in cells)
    tracemalloc.start()
    result = controlled_round(exact, cells, time_budget=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # What the old layout spent on Python tuples and sets alone is ~100 bytes a membership;
    # the int32 CSR plus the search's working set stays well under a third of that.
    assert peak < 32 * memberships + 60 * ATOMS, peak
    assert sum(result.rounded) == half_up_div(int(exact.sum()), UNIT)
    assert result.deviations == {}
    rounded = np.asarray(result.rounded, np.int64)
    for members in cells:
        assert abs(int(rounded[members].sum()) * UNIT - int(exact[members].sum())) < UNIT


def test_equal_figures_share_one_distinct_cell_in_order_of_appearance():
    cells = [np.array([3, 1]), [0], np.array([1, 3], np.int32), [2, 0], [0, 2], [1]]
    cell_of_figure, distinct = rounding_cells.distinct_cells(cells, 4)
    assert cell_of_figure.tolist() == [0, 1, 0, 2, 2, 3]
    assert distinct.indptr.tolist() == [0, 2, 3, 5, 6]
    assert distinct.indices.tolist() == [1, 3, 0, 0, 2, 1]


def test_csr_input_gives_the_same_rounding_as_a_list_of_arrays():
    exact, cells = _problem()
    cells = cells[:60]
    indptr = np.concatenate(([0], np.cumsum([len(c) for c in cells])))
    csr = Cells(indptr, np.concatenate(cells).astype(np.int32))
    assert controlled_round(exact, csr, time_budget=0) == controlled_round(exact, cells,
                                                                           time_budget=0)


def _random_layout(rng, atoms, figures):
    members = [rng.choice(atoms, int(rng.integers(0, min(atoms, 9) + 1)), replace=False)
               for _ in range(figures)]
    members += [members[int(i)][::-1].copy() for i in rng.integers(0, figures, figures // 3)]
    return members


def test_chunked_passes_agree_with_plain_python(monkeypatch):
    """Sums, hashes and the transpose go a chunk at a time; chunks of 3 memberships cut
    every figure somewhere."""
    monkeypatch.setattr(rounding_cells, "_CHUNK", 3)
    monkeypatch.setattr(rounding_exact, "SUM_CHUNK", 3)
    rng = np.random.default_rng(11)
    for _ in range(20):
        atoms = int(rng.integers(1, 40))
        members = _random_layout(rng, atoms, int(rng.integers(1, 30)))
        cell_of_figure, distinct = rounding_cells.distinct_cells(members, atoms)
        firsts: dict = {}
        for f, m in enumerate(members):
            firsts.setdefault(tuple(sorted(m.tolist())), len(firsts))
            assert cell_of_figure[f] == firsts[tuple(sorted(m.tolist()))]
        rows = list(firsts)
        values = rng.integers(0, 10**6, atoms)
        assert distinct.sums(values).tolist() == [int(values[list(r)].sum()) for r in rows]
        wanted = rng.random(atoms) < 0.7
        ptr, cell_ids = rounding_search.atom_cells(distinct, atoms, wanted)
        for a in range(atoms):
            expected = [c for c, r in enumerate(rows) if len(r) >= 2 and a in r and wanted[a]]
            assert cell_ids[ptr[a]:ptr[a + 1]].tolist() == expected


def test_figures_that_hash_alike_are_told_apart_by_their_members(monkeypatch):
    """One hash tells figures apart: when every figure hashes alike (a collision made
    certain), the members decide and the distinct figures are the same."""
    rng = np.random.default_rng(13)
    members = _random_layout(rng, 30, 40)
    expected_of_figure, expected = rounding_cells.distinct_cells(members, 30)
    monkeypatch.setattr(rounding_cells, "_figure_hash",
                        lambda flat, indptr, *mix: np.zeros(len(indptr) - 1, np.uint64))
    cell_of_figure, distinct = rounding_cells.distinct_cells(members, 30)
    assert cell_of_figure.tolist() == expected_of_figure.tolist()
    assert distinct.indptr.tolist() == expected.indptr.tolist()
    assert distinct.indices.tolist() == expected.indices.tolist()


def test_totals_are_each_figures_sum_of_rounded_atoms():
    """Summed once per distinct figure, handed back once per figure, in the figures' order."""
    rng = np.random.default_rng(17)
    for _ in range(10):
        atoms = int(rng.integers(1, 60))
        members = _random_layout(rng, atoms, int(rng.integers(1, 40)))
        exact = rng.integers(0, 30 * UNIT, atoms)
        result = controlled_round(exact, members, unit=UNIT)
        rounded = np.asarray(result.rounded)
        assert result.totals.tolist() == [int(rounded[m].sum()) for m in members]


def test_figures_out_of_order_are_sorted_on_a_copy():
    cells = Cells(np.array([0, 3, 5], np.int64), np.array([2, 0, 1, 4, 3], np.int32))
    _, distinct = rounding_cells.distinct_cells(cells, 5)
    assert distinct.indices.tolist() == [0, 1, 2, 3, 4]
    assert cells.indices.tolist() == [2, 0, 1, 4, 3]


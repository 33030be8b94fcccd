"""舍位平衡: round line amounts to whole 百元 so that every published figure stays within
0.01 万元 of its exact value while every table remains exactly additive.

Rounding happens once, on the budget lines (grouped into atoms: lines no table can tell
apart); every figure is then an exact integer sum of rounded atoms, so all identities hold
by construction.  What is left to choose is each atom's direction (floor or ceiling).

That choice is a 0/1 feasibility problem: a figure F summing atoms S is within one unit
when Σ_{i∈S} x_i lies between floor(Σ r_i / U) and ceil(Σ r_i / U) (r_i the remainders).
Rounding each atom to nearest drifts on large sums.  We start from systematic rounding of
cumulative remainders along a tree order — exact for every figure that is a contiguous run
in that order, which covers the whole 功能分类 tree — and hand the few figures left over to
an exact solver (rounding_exact, HiGHS), which either holds every figure or names those no
rounding can hold.  Should the solver run past its time budget, a local search over swaps
(one atom down, another up) repairs what it can instead.  On a large master, where
systematic rounding leaves too many figures for the solver, the local search runs first
and the solver finishes what it leaves.  All keep the grand total equal to the exact total
rounded half-up.

Memberships are held as compressed sparse rows (rounding_cells: figures deduplicated by
hashing, int32 atom indices, the transpose for the search), so a million-line master's 39
million memberships take a few hundred MB rather than gigabytes of Python tuples and sets.
A large residual is searched in numpy (rounding_search), a small one on Python sets
(_python_search, the search the fallback has always used).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from . import rounding_exact, rounding_search
from .rounding_cells import atom_cells, distinct_cells
from .rounding_exact import Cells

DEFAULT_TIME_BUDGET = 5.0  # seconds for the exact solver before falling back to local search
# Above this many free atoms the exact program takes longer than the local search (5,000
# lines: about 4,800 free atoms, 17 s for HiGHS against 1.5 s), which then goes first.
DIRECT_SOLVE_ATOMS = 1_000
# Atoms (and cells) whose memberships the local search keeps as Python objects at once.
LAZY_KEPT = 20_000
# Free atoms above which the swap search runs in numpy (rounding_search).
NUMPY_SEARCH_ATOMS = 1_000


@dataclass(frozen=True)
class RoundingResult:
    rounded: list[int]  # per atom, in units
    deviations: dict[int, int]  # cell index → (rounded·U − exact), only cells ≥ one unit off
    iterations: int  # local-search iterations (0 unless the fallback ran)
    # "systematic" (nothing left to repair), "exact" (HiGHS) or "local-search" (fallback)
    method: str = "systematic"
    # True when no rounding keeps the deviating figures within one unit: proven by the
    # solver, or there are none.  False after the fallback, which proves nothing.
    unavoidable: bool = True


def controlled_round(
    exact: Sequence[int] | np.ndarray,
    cells: Sequence[Sequence[int] | np.ndarray] | Cells,
    order: Sequence[int] | np.ndarray | None = None,
    unit: int = 10_000,
    max_iterations: int | None = None,
    seed: int = 20240101,
    time_budget: float | None = None,
) -> RoundingResult:
    """Round non-negative integer amounts to multiples of ``unit``.

    ``exact`` holds the atoms' amounts (a list of int or an int64 array); ``cells`` lists,
    per published figure, the atom indices it sums (lists or int arrays, in any order), or
    is a ``Cells`` holding them as compressed sparse rows.  The grand total
    (all atoms) is always the exact total rounded half-up.  ``time_budget`` bounds the
    exact solver in seconds (None: DEFAULT_TIME_BUDGET); 0 leaves it out.
    """
    if time_budget is None:
        time_budget = DEFAULT_TIME_BUDGET
    exact_arr = np.asarray(exact, dtype=np.int64).reshape(-1)
    n = len(exact_arr)
    cell_of_figure, distinct = distinct_cells(cells, n)
    base = exact_arr // unit
    rem = exact_arr % unit
    order_arr = np.arange(n) if order is None else np.asarray(order, dtype=np.int64)

    # Systematic rounding along the order, offset by half a unit: the grand total is the
    # half-up rounding of the exact total and every contiguous run is within one unit.
    cur = (np.cumsum(rem[order_arr]) + unit // 2) // unit
    up = np.zeros(n, np.int64)
    up[order_arr] = np.diff(cur, prepend=0)

    r_sum = distinct.sums(rem)
    method, iterations, solved = "systematic", 0, True
    if _violated(distinct, up, r_sum, unit).any():
        # On a large master systematic rounding leaves thousands of figures off, all their
        # atoms would be free and the program too big to solve in seconds: the local search
        # first brings the residual down to a few figures (usually none).
        if _free_atoms(distinct, rem, up, r_sum, unit) > DIRECT_SOLVE_ATOMS:
            method = "local-search"
            iterations = _local_search(distinct, rem, up, r_sum, unit,
                                       max_iterations, seed)
        if _violated(distinct, up, r_sum, unit).any():
            outcome = (rounding_exact.solve(distinct, rem, up, unit, time_budget)
                       if time_budget > 0 else None)
            if outcome is not None:
                up, method = outcome.up, "exact"
            elif method == "systematic":
                method = "local-search"
                iterations = _local_search(distinct, rem, up, r_sum, unit,
                                       max_iterations, seed)
            solved = outcome is not None

    dev = distinct.sums(up) * unit - r_sum
    rounded = (base + up).tolist()
    far = np.abs(dev) >= unit
    off = np.flatnonzero(far[cell_of_figure])
    deviations = dict(zip(off.tolist(), dev[cell_of_figure[off]].tolist()))
    return RoundingResult(rounded, deviations, iterations, method, solved or not far.any())


def _violated(distinct: Cells, up: np.ndarray, r_sum: np.ndarray, unit: int) -> np.ndarray:
    return np.abs(distinct.sums(up) * unit - r_sum) >= unit


def _free_atoms(distinct: Cells, rem, up, r_sum, unit) -> int:
    """Atoms the exact solver would free first: those with a remainder in a violated figure."""
    free = np.zeros(len(rem), bool)
    start, end = distinct.indptr[:-1], distinct.indptr[1:]
    for c in np.flatnonzero(_violated(distinct, up, r_sum, unit)).tolist():
        free[distinct.indices[start[c]:end[c]]] = True
    return int((free & (rem > 0)).sum())


def _local_search(distinct: Cells, rem, up, r_sum, unit, max_iterations, seed) -> int:
    """Swap-based repair of ``up`` in place; returns the iterations.

    A residual of up to NUMPY_SEARCH_ATOMS free atoms is searched on Python sets
    (_python_search), whose per-step cost is lowest on a few hundred atoms; a larger one in
    numpy (rounding_search), which scores every partner of an atom at once."""
    budget = max_iterations or 200 * distinct.count + 1000
    if _free_atoms(distinct, rem, up, r_sum, unit) <= NUMPY_SEARCH_ATOMS:
        return _python_search(distinct, rem, up, r_sum, unit, budget, seed)
    ptr, cell_ids = atom_cells(distinct, len(rem), rem > 0)
    dev = distinct.sums(up) * unit - r_sum
    return rounding_search.search(distinct, ptr, cell_ids, rem, up, dev, unit, budget, seed)


def _python_search(distinct: Cells, rem_arr, up_arr, r_sum, unit, budget, seed) -> int:
    """The swap search on Python sets, for a small residual; returns the iterations.

    Each atom's cells and each cell's atoms become Python objects only when the search
    first looks at them."""
    ptr, cell_ids = atom_cells(distinct, len(rem_arr), rem_arr > 0)
    cells = _Lazy(lambda c: distinct.indices[distinct.indptr[c]:distinct.indptr[c + 1]].tolist())
    cells_of = _Lazy(lambda a: cell_ids[ptr[a]:ptr[a + 1]].tolist())
    cell_sets = _Lazy(lambda a: frozenset(cells_of[a]))
    rem, up = rem_arr.tolist(), up_arr.tolist()
    dev_arr = distinct.sums(up_arr) * unit - r_sum
    dev = dev_arr.tolist()
    violated = set(np.flatnonzero(np.abs(dev_arr) >= unit).tolist())
    sizes = distinct.sizes.tolist()
    iterations = _repair(cells, cells_of, cell_sets, sizes, rem, up, dev, violated, unit,
                         budget, random.Random(seed))
    up_arr[:] = up
    return iterations


class _Lazy(dict):
    """A mapping that computes a missing entry on first use and keeps at most ``LAZY_KEPT``
    entries: on a million-line master the search wanders over most atoms, and holding every
    atom's cells as Python sets took gigabytes.  Recomputing an entry gives the same value,
    so forgetting them changes nothing but time."""

    def __init__(self, make) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key):
        if len(self) >= LAZY_KEPT:
            self.clear()
        value = self[key] = self._make(key)
        return value


def _penalty(dev: int, unit: int) -> int:
    over = abs(dev) - unit
    return 0 if over < 0 else over // unit + 1


def _repair(cells, cells_of, cell_sets, sizes, rem, up, dev, violated, unit, budget, rng) -> int:
    """Swap-based local search; returns the iterations used."""
    tabu: dict[int, int] = {}
    it = 0
    while violated and it < budget:
        it += 1
        c = rng.choice(tuple(violated))
        too_high = dev[c] > 0
        # The atom inside c must move in the direction that helps c.  A large figure (a
        # grand total, an 经济分类 class over every 功能分类) has thousands of atoms: a
        # random sample of them offers enough moves at a fraction of the cost.
        members = cells[c] if len(cells[c]) <= 256 else rng.sample(cells[c], 256)
        inside = [i for i in members if rem[i] and up[i] == (1 if too_high else 0)
                  and tabu.get(i, -1) < it]
        if not inside:
            violated.discard(c)  # cannot be helped by any move (all atoms fixed)
            continue
        rng.shuffle(inside)
        best = None
        for a in inside[:12]:
            for b in _partners(a, c, cells, cells_of, cell_sets, sizes, rem, up, too_high, it, tabu, rng):
                down, upper = (a, b) if too_high else (b, a)
                delta = _swap_delta(down, upper, cell_sets, dev, unit)
                if best is None or delta < best[0]:
                    best = (delta, down, upper)
                    if delta < 0:  # the first improving swap will do: searching on costs more
                        break
            if best is not None and best[0] < 0:
                break
        if best is None:
            continue
        delta, down, upper = best
        if delta > 0 and rng.random() > 0.1:
            continue
        _apply_swap(down, upper, cell_sets, dev, up, violated, unit)
        tabu[down] = tabu[upper] = it + 7
    return it


def _partners(a, c, cells, cells_of, cell_sets, sizes, rem, up, too_high, it, tabu, rng):
    """Atoms outside c that can take the opposite move, nearest (most shared cells) first."""
    want = 0 if too_high else 1
    seen = {a}
    found = 0
    # Small cells first: atoms sharing a small figure with a share most figures with it.
    for other in sorted(cells_of[a], key=sizes.__getitem__):
        if other == c:
            continue
        members = cells[other]
        if len(members) > 64:
            members = rng.sample(members, 64)
        for b in members:
            if b in seen or not rem[b] or up[b] != want or tabu.get(b, -1) >= it:
                continue
            seen.add(b)
            if c in cell_sets[b]:
                continue
            yield b
            found += 1
            if found >= 24:
                return


def _swap_delta(down: int, upper: int, cell_sets, dev, unit) -> int:
    """Change of the total penalty if ``down`` rounds down and ``upper`` up.

    The hot loop of the search: the penalty is computed inline (see _penalty)."""
    delta = 0
    d_cells, u_cells = cell_sets[down], cell_sets[upper]
    for cells_moved, others, step in ((d_cells, u_cells, -unit), (u_cells, d_cells, unit)):
        for k in cells_moved:
            if k in others:
                continue
            before = dev[k]
            after = before + step
            before = before if before >= 0 else -before
            after = after if after >= 0 else -after
            if before >= unit:
                delta -= (before - unit) // unit + 1
            if after >= unit:
                delta += (after - unit) // unit + 1
    return delta


def _apply_swap(down, upper, cell_sets, dev, up, violated, unit) -> None:
    up[down] = 0
    up[upper] = 1
    for k in cell_sets[down] - cell_sets[upper]:
        dev[k] -= unit
        _mark(k, dev, violated, unit)
    for k in cell_sets[upper] - cell_sets[down]:
        dev[k] += unit
        _mark(k, dev, violated, unit)


def _mark(k, dev, violated, unit) -> None:
    if _penalty(dev[k], unit):
        violated.add(k)
    else:
        violated.discard(k)

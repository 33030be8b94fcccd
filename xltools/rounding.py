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
hashing, int32 atom indices), so a million-line master's 39 million memberships take a few
hundred MB rather than gigabytes of Python tuples and sets.  The search (rounding_search)
runs compiled loops, imported only when it runs: their machine code is loaded from disk in a
few hundredths of a second (search_code), or compiled with numba where there is none yet —
for a command that reads a large master, in a worker process while the master is read
(search_worker).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from . import rounding_exact
from .rounding_cells import distinct_cells
from .rounding_exact import Cells
from .rounding_memo import Answer, RoundingMemo

DEFAULT_TIME_BUDGET = 5.0  # seconds for the exact solver before falling back to local search
# Above this many free atoms the exact program takes longer than the local search (5,000
# lines: about 4,800 free atoms, 17 s for HiGHS against 1.5 s), which then goes first.
DIRECT_SOLVE_ATOMS = 1_000

_loading: threading.Thread | None = None


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
    # per figure, the sum of its rounded atoms in units (int64): summed once per distinct
    # figure, not once per figure (a table's 合计 column and another's are the same atoms)
    totals: np.ndarray | None = field(default=None, repr=False, compare=False)


def controlled_round(
    exact: Sequence[int] | np.ndarray,
    cells: Sequence[Sequence[int] | np.ndarray] | Cells,
    order: Sequence[int] | np.ndarray | None = None,
    unit: int = 10_000,
    max_iterations: int | None = None,
    seed: int = 20240101,
    time_budget: float | None = None,
    memo: RoundingMemo | None = None,
) -> RoundingResult:
    """Round non-negative integer amounts to multiples of ``unit``.

    ``exact`` holds the atoms' amounts (a list of int or an int64 array); ``cells`` lists,
    per published figure, the atom indices it sums (lists or int arrays, in any order), or
    is a ``Cells`` holding them as compressed sparse rows.  The grand total
    (all atoms) is always the exact total rounded half-up.  ``time_budget`` bounds the
    exact solver in seconds (None: DEFAULT_TIME_BUDGET); 0 leaves it out.  ``memo`` keeps
    the answers that needed more than systematic rounding, and gives back one kept for the
    same problem before (rounding_memo).
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
    dev = distinct.sums(up) * unit - r_sum
    method, iterations, solved = "systematic", 0, True
    key = kept = None
    if memo is not None and (np.abs(dev) >= unit).any():
        key = memo.key(exact_arr, distinct.indptr, distinct.indices, order_arr, unit, seed,
                       max_iterations, time_budget)
        kept = memo.recall(key, rem, int(up.sum()))
    if kept is not None:
        up, method, iterations, solved = kept.up, kept.method, kept.iterations, kept.solved
        dev = distinct.sums(up) * unit - r_sum
    elif (np.abs(dev) >= unit).any():
        # On a large master systematic rounding leaves thousands of figures off, all their
        # atoms would be free and the program too big to solve in seconds: the local search
        # first brings the residual down to a few figures (usually none).
        if _free_atoms(distinct, rem, dev, unit) > DIRECT_SOLVE_ATOMS:
            method = "local-search"
            iterations = _local_search(distinct, rem, up, dev, unit, max_iterations, seed,
                                           order_arr)
        if (np.abs(dev) >= unit).any():
            outcome = (rounding_exact.solve(distinct, rem, up, unit, time_budget)
                       if time_budget > 0 else None)
            if outcome is not None:
                up, method = outcome.up, "exact"
                dev = distinct.sums(up) * unit - r_sum
            elif method == "systematic":
                method = "local-search"
                iterations = _local_search(distinct, rem, up, dev, unit, max_iterations, seed,
                                           order_arr)
            solved = outcome is not None
        if key is not None:
            memo.remember(key, Answer(up, method, iterations, solved))

    rounded = base + up
    far = np.abs(dev) >= unit
    off = np.flatnonzero(far[cell_of_figure])
    deviations = dict(zip(off.tolist(), dev[cell_of_figure[off]].tolist()))
    return RoundingResult(rounded.tolist(), deviations, iterations, method,
                          solved or not far.any(), distinct.sums(rounded)[cell_of_figure])


def _free_atoms(distinct: Cells, rem: np.ndarray, dev: np.ndarray, unit: int) -> int:
    """Atoms the exact solver would free first: those with a remainder in a violated figure.

    A figure at a time: a mask over every membership would take tens of MB on a
    million-line master, whose peak memory this would raise."""
    free = np.zeros(len(rem), bool)
    start, end = distinct.indptr[:-1], distinct.indptr[1:]
    for c in np.flatnonzero(np.abs(dev) >= unit).tolist():
        free[distinct.indices[start[c]:end[c]]] = True
    return int((free & (rem > 0)).sum())


def _local_search(distinct: Cells, rem, up, dev, unit, max_iterations, seed, order) -> int:
    """Swap-based repair of ``up`` and ``dev`` in place; returns the iterations."""
    from . import search_worker

    budget = max_iterations or 200 * distinct.count + 1000
    iterations = search_worker.search(distinct, rem, up, dev, unit, budget, seed, order)
    if iterations is not None:  # the worker a command started compiled it already
        return iterations
    from . import rounding_search  # loads machine code: only a master that needs it pays

    return rounding_search.search(distinct, rem, up, dev, unit, budget, seed, order)


def load_search_in_background() -> threading.Thread:
    """Have the search's machine code ready on a thread of its own, now, so that the first
    search of this process does not wait for it: loaded from disk (0.05 s), or compiled with
    numba where there is none yet (seconds).

    For a process that will round masters later but has time on its hands now: the Excel
    add-in's Python server, started when Excel starts, does this while the person opens a
    workbook.  A search asked for meanwhile waits only for what is left (search_code's lock).
    Started once per process; returns the thread, which callers may join.
    """
    global _loading
    if _loading is None:
        _loading = threading.Thread(target=_load_search, daemon=True,
                                    name="xltools-load-rounding-search")
        _loading.start()
    return _loading


def _load_search() -> None:
    try:
        from . import rounding_search

        rounding_search.warm_up()
    except Exception:  # noqa: BLE001 - only a head start: a search that needs it loads it itself
        pass

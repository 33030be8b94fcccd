"""The residual of 舍位平衡 solved exactly: a 0/1 program handed to HiGHS.

After systematic rounding most figures are already within one unit; what is left is to
choose, for a few atoms, floor (x = 0) or ceiling (x = 1) so that every figure F holds

    floor(R_F / U) ≤ Σ_{i∈F} x_i ≤ ceil(R_F / U)          (R_F: the figure's remainders)

while Σ x over all atoms stays what systematic rounding gave (the grand total rounded
half-up).  Only atoms with a remainder can move.  The program is kept small: first only
the atoms of violated figures are free, then their neighbours, then every atom; the rows
are the figures those atoms touch, with the other atoms' directions folded into the
bounds.  The objective steers the solver to keep atoms where systematic rounding put them,
so figures that were fine rarely change; the first point found inside every band is taken.

A master for which no such rounding exists is solved once more with elastic rows: the
smallest total excess over one unit, and the figures carrying it are those that cannot be
held.  Each solve has a wall-clock budget; past it the caller falls back to local search.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import numpy as np

# Figures up to this many atoms link an atom to its neighbours for the second, larger
# program; bigger figures (a 合计 over a whole table) would free nearly every atom at once.
NEIGHBOUR_FIGURE_SIZE = 256
# Memberships summed at a time (Cells.sums): temporaries of a few tens of MB.
SUM_CHUNK = 1 << 22


@dataclass(frozen=True)
class Cells:
    """Distinct figures as a compressed sparse layout: figure c sums
    ``indices[indptr[c]:indptr[c + 1]]``."""

    indptr: np.ndarray
    indices: np.ndarray

    @property
    def count(self) -> int:
        return len(self.indptr) - 1

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.indptr)

    def sums(self, per_atom: np.ndarray) -> np.ndarray:
        """Σ per_atom over each figure (exact in int64), a few million entries at a time so
        that a million-line master needs no second copy of its memberships."""
        prefix = np.zeros(len(self.indptr), np.int64)
        carry = 0
        for s in range(0, len(self.indices), SUM_CHUNK):
            run = np.cumsum(per_atom[self.indices[s:s + SUM_CHUNK]], dtype=np.int64)
            run += carry
            lo = np.searchsorted(self.indptr, s, side="right")
            hi = np.searchsorted(self.indptr, s + len(run), side="right")
            prefix[lo:hi] = run[self.indptr[lo:hi] - s - 1]
            carry = int(run[-1])
        return prefix[1:] - prefix[:-1]

    def figure_of_entry(self) -> np.ndarray:
        kind = np.int32 if self.count < 2**31 else np.int64
        return np.repeat(np.arange(self.count, dtype=kind), self.sizes)


@dataclass(frozen=True)
class ExactOutcome:
    up: np.ndarray  # 0/1 per atom
    unheld: np.ndarray  # distinct figures that no rounding keeps within one unit


def solve(cells: Cells, rem: np.ndarray, up: np.ndarray, unit: int,
          time_budget: float) -> ExactOutcome | None:
    """Directions for every atom keeping every figure within one unit when possible.

    ``up`` is the systematic solution (kept for the atoms left fixed).  Returns None when
    the budget runs out before an answer, so the caller can fall back."""
    deadline = time.monotonic() + time_budget
    r_sum = cells.sums(rem)
    lo = r_sum // unit
    hi = -(-r_sum // unit)
    has_rem = rem > 0
    entry_fig = cells.figure_of_entry()

    count = cells.sums(up)
    violated = (count < lo) | (count > hi)
    if not violated.any():
        return ExactOutcome(up.copy(), np.empty(0, np.int64))

    free = np.zeros(len(rem), bool)
    free[cells.indices[violated[entry_fig]]] = True
    free &= has_rem
    stages = [free]
    small = cells.sizes[entry_fig] <= NEIGHBOUR_FIGURE_SIZE
    touched = np.zeros(cells.count, bool)
    touched[entry_fig[free[cells.indices] & small]] = True
    wider = free.copy()
    wider[cells.indices[touched[entry_fig]]] = True
    wider &= has_rem
    if wider.sum() > free.sum():
        stages.append(wider)
    if has_rem.sum() > wider.sum():
        stages.append(has_rem)

    for free in stages:
        program = _Program(cells, entry_fig, free, up, lo, hi)
        x = program.run(deadline, elastic=False)
        if x is _TIMEOUT:
            return None
        if x is not None:
            new_up = up.copy()
            new_up[free] = x
            return ExactOutcome(new_up, np.empty(0, np.int64))
    # Every atom was free and the rows cannot all hold: find the fewest units of excess.
    x = program.run(deadline, elastic=True)
    if x is _TIMEOUT or x is None:
        return None
    new_up = up.copy()
    new_up[free] = x
    count = cells.sums(new_up)
    unheld = np.flatnonzero((count < lo) | (count > hi))
    return ExactOutcome(new_up, unheld)


_TIMEOUT = object()


class _Program:
    """Rows: the figures touched by free atoms, plus the grand total; columns: free atoms."""

    def __init__(self, cells: Cells, entry_fig: np.ndarray, free: np.ndarray, up: np.ndarray,
                 lo: np.ndarray, hi: np.ndarray) -> None:
        self.cols = np.flatnonzero(free)
        col_of = np.full(len(free), -1, np.int64)
        col_of[self.cols] = np.arange(len(self.cols))
        entry_free = free[cells.indices]
        rows = np.unique(entry_fig[entry_free])
        fixed = cells.sums(np.where(free, 0, up))[rows]
        self.lower = (lo[rows] - fixed).astype(np.float64)
        self.upper = (hi[rows] - fixed).astype(np.float64)
        # CSR entries are grouped by figure, so the free ones are already row-wise.
        self.row_index = col_of[cells.indices[entry_free]].astype(np.int32)
        per_row = np.bincount(entry_fig[entry_free], minlength=cells.count)[rows]
        self.row_start = np.concatenate(([0], np.cumsum(per_row))).astype(np.int32)
        self.start_up = up[self.cols]

    def run(self, deadline: float, elastic: bool):
        import highspy  # 35 ms of every command's start: only a master left to solve pays

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return _TIMEOUT
        n, m = len(self.cols), len(self.lower)
        # Changing an atom costs 1; one unit of excess over the one-unit band costs more
        # than changing every atom, so excess is minimised first.
        change = np.where(self.start_up == 1, -1.0, 1.0)
        cost = [change]
        lower_col = [np.zeros(n)]
        upper_col = [np.ones(n)]
        kinds = [np.full(n, highspy.HighsVarType.kInteger)]
        # Grand total row: Σ x unchanged.
        total = float(self.start_up.sum())
        row_lo = np.append(self.lower, total)
        row_hi = np.append(self.upper, total)
        a_start = np.append(self.row_start, self.row_start[-1] + n).astype(np.int32)
        a_index = np.concatenate((self.row_index, np.arange(n, dtype=np.int32)))
        a_value = np.ones(len(a_index))
        if elastic:
            # One slack column per row for excess above and below: Σx − s⁺ + s⁻ ∈ band.
            weight = float(n + 1)
            cost += [np.full(m, weight), np.full(m, weight)]
            lower_col += [np.zeros(m), np.zeros(m)]
            upper_col += [np.full(m, highspy.kHighsInf), np.full(m, highspy.kHighsInf)]
            kinds += [np.full(2 * m, highspy.HighsVarType.kContinuous)]
            a_start, a_index, a_value = _with_slacks(a_start, a_index, a_value, n, m)
        lp = highspy.HighsLp()
        lp.num_col_ = n + (2 * m if elastic else 0)
        lp.num_row_ = m + 1
        lp.col_cost_ = np.concatenate(cost)
        lp.col_lower_ = np.concatenate(lower_col)
        lp.col_upper_ = np.concatenate(upper_col)
        lp.row_lower_ = row_lo
        lp.row_upper_ = row_hi
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = a_start
        lp.a_matrix_.index_ = a_index
        lp.a_matrix_.value_ = a_value
        lp.integrality_ = list(np.concatenate(kinds))
        h = _silent_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", remaining)
        h.setOptionValue("random_seed", 0)
        if not elastic:
            # Any point inside every band will do; proving the fewest changes can take
            # seconds longer (1,000 lines: 0.5 s against 5 s).
            h.setOptionValue("mip_max_improving_sols", 1)
        h.passModel(lp)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        has_solution = h.getInfo().primal_solution_status == 2  # feasible point found
        stopped = status in (highspy.HighsModelStatus.kTimeLimit,
                             highspy.HighsModelStatus.kSolutionLimit)
        # A point found before a stop is inside every band; an elastic one must be optimal.
        if status == highspy.HighsModelStatus.kOptimal or (has_solution and stopped and not elastic):
            x = np.asarray(h.getSolution().col_value[:n])
            return np.rint(x).astype(np.int64)
        return _TIMEOUT


def _with_slacks(a_start, a_index, a_value, n, m):
    """Row-wise matrix with, in row r < m, +1 on column n + r (s⁻) and −1 on n + m + r (s⁺)."""
    sizes = np.diff(a_start)
    sizes[:m] += 2
    start = np.concatenate(([0], np.cumsum(sizes))).astype(np.int32)
    index = np.empty(start[-1], np.int32)
    value = np.empty(start[-1])
    # Place the original entries, then the two slack entries at the end of each row < m.
    offset = np.repeat(start[:-1] - a_start[:-1], np.diff(a_start))
    pos = np.arange(len(a_index)) + offset
    index[pos] = a_index
    value[pos] = a_value
    ends = start[1:m + 1]
    index[ends - 2] = n + np.arange(m)
    value[ends - 2] = 1.0
    index[ends - 1] = n + m + np.arange(m)
    value[ends - 1] = -1.0
    return start, index, value


def _silent_highs():
    """A HiGHS instance that prints nothing: the public ``Highs`` class prints a banner on
    standard output when it is made, which would corrupt ``xltools tables --json``.

    Its base class (``_Highs``, the compiled solver the public class wraps) is silent; should
    a future highspy drop that name, the banner is swallowed at the file-descriptor level,
    where the C++ library writes it.
    """
    import highspy

    core = getattr(highspy, "_Highs", None)
    if core is not None:
        return core()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)

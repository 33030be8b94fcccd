"""The swap search of 舍位平衡 with its inner loop in numpy.

Like rounding._repair it takes a figure still more than one unit off, an atom inside it that
may move in the helpful direction and a partner atom outside it that moves the other way,
so the grand total never changes.  Here every partner found in the atom's smaller figures
is scored at once — Σ of penalty changes over the figures only one of the two lies in — and
the best is taken, so most iterations repair something.  Memberships stay in the CSR
arrays (rounding_cells): nothing per atom becomes a Python object, which on a million-line
master keeps the search within a few hundred MB.
"""

from __future__ import annotations

import numpy as np

from .rounding_exact import Cells

INSIDE_TRIED = 4  # atoms of the figure tried per iteration
MEMBERS_SAMPLED = 256  # of a large figure, for its moving atoms
PARTNER_CELL_SAMPLE = 64  # of each of the atom's large figures, for partners
PARTNERS_WANTED = 256  # stop collecting partners once this many are in hand
TABU = 7


def search(cells: Cells, ptr: np.ndarray, cell_ids: np.ndarray, rem: np.ndarray,
           up: np.ndarray, dev: np.ndarray, unit: int, budget: int, seed: int) -> int:
    """Repairs ``up`` (and ``dev``, per distinct cell) in place; returns the iterations."""
    rng = np.random.default_rng(seed)
    movable = rem > 0
    sizes = np.diff(cells.indptr)
    tabu = np.zeros(len(rem), np.int64)
    in_a = np.zeros(cells.count, bool)
    queue = np.flatnonzero(np.abs(dev) >= unit).tolist()
    queued = set(queue)
    it = 0
    while queue and it < budget:
        it += 1
        pick = int(rng.integers(len(queue)))
        c = queue[pick]
        if abs(int(dev[c])) < unit:
            queue[pick] = queue[-1]
            queue.pop()
            queued.discard(c)
            continue
        too_high = dev[c] > 0
        members = cells.indices[cells.indptr[c]:cells.indptr[c + 1]]
        if len(members) > MEMBERS_SAMPLED:
            members = members[np.unique(_sample(rng, len(members), MEMBERS_SAMPLED))]
        want_a = 1 if too_high else 0
        inside = members[movable[members] & (up[members] == want_a) & (tabu[members] < it)]
        if not len(inside):
            queue[pick] = queue[-1]  # no move can help it (every atom fixed)
            queue.pop()
            queued.discard(c)
            continue
        if len(inside) > INSIDE_TRIED:
            inside = rng.permutation(inside)[:INSIDE_TRIED]
        step_a = -unit if too_high else unit
        best = None
        for a in inside.tolist():
            found = _best_partner(a, c, cells, sizes, ptr, cell_ids, movable, up, tabu, it,
                                  dev, in_a, 1 - want_a, step_a, unit, rng)
            if found is not None and (best is None or found[0] < best[0]):
                best = (found[0], a, found[1])
                if found[0] < 0:
                    break
        if best is None:
            continue
        delta, a, b = best
        if delta > 0 and rng.random() > 0.1:
            continue
        a_cells = cell_ids[ptr[a]:ptr[a + 1]]
        b_cells = cell_ids[ptr[b]:ptr[b + 1]]
        in_a[b_cells] = True
        only_a = a_cells[~in_a[a_cells]]
        in_a[b_cells] = False
        in_a[a_cells] = True
        only_b = b_cells[~in_a[b_cells]]
        in_a[a_cells] = False
        dev[only_a] += step_a
        dev[only_b] -= step_a
        up[a] = 1 - up[a]
        up[b] = 1 - up[b]
        tabu[a] = tabu[b] = it + TABU
        changed = np.concatenate((only_a, only_b))
        for k in changed[np.abs(dev[changed]) >= unit].tolist():
            if k not in queued:
                queued.add(k)
                queue.append(k)
    return it


def _sample(rng, n: int, k: int) -> np.ndarray:
    """k positions of n drawn with replacement (a repeat only repeats a candidate): O(k),
    where ``choice(replace=False)`` shuffles all n (a 合计 has 900,000 atoms)."""
    return rng.integers(0, n, k)


def _penalty(dev: np.ndarray, unit: int) -> np.ndarray:
    """Units beyond the one-unit band: 0 inside it, k for k·U ≤ |dev| < (k+1)·U."""
    return np.abs(dev) // unit


def _best_partner(a, c, cells, sizes, ptr, cell_ids, movable, up, tabu, it, dev, in_a,
                  want_b, step_a, unit, rng):
    """(penalty change, partner) for the best atom outside ``c`` to move against ``a``."""
    a_cells = cell_ids[ptr[a]:ptr[a + 1]]
    if not len(a_cells):
        return None
    pool = []
    held = 0
    # Small figures first: atoms sharing a small figure with ``a`` share most figures with it.
    for k in a_cells[np.argsort(sizes[a_cells], kind="stable")].tolist():
        if k == c:
            continue
        members = cells.indices[cells.indptr[k]:cells.indptr[k + 1]]
        if len(members) > PARTNER_CELL_SAMPLE:
            members = members[_sample(rng, len(members), PARTNER_CELL_SAMPLE)]
        pool.append(members)
        held += len(members)
        if held >= PARTNERS_WANTED:
            break
    if not pool:
        return None
    cand = np.unique(np.concatenate(pool))
    cand = cand[movable[cand] & (up[cand] == want_b) & (tabu[cand] < it) & (cand != a)]
    if not len(cand):
        return None
    lengths = ptr[cand + 1] - ptr[cand]
    owner = np.repeat(np.arange(len(cand)), lengths)
    starts = np.cumsum(lengths) - lengths
    b_cells = cell_ids[np.arange(int(lengths.sum())) - np.repeat(starts - ptr[cand], lengths)]
    inside_c = np.bincount(owner, weights=b_cells == c, minlength=len(cand)) > 0
    in_a[a_cells] = True
    shared = in_a[b_cells]
    in_a[a_cells] = False
    d_b = dev[b_cells]
    pen_b = _penalty(d_b, unit)
    change_a_here = _penalty(d_b + step_a, unit) - pen_b  # what a's move does to a shared cell
    change_b_here = _penalty(d_b - step_a, unit) - pen_b
    d_a = dev[a_cells]
    change_a = int((_penalty(d_a + step_a, unit) - _penalty(d_a, unit)).sum())
    delta = change_a + np.bincount(owner, weights=np.where(shared, -change_a_here,
                                                              change_b_here),
                                   minlength=len(cand))
    delta[inside_c] = np.inf
    best = int(np.argmin(delta))
    if not np.isfinite(delta[best]):
        return None
    return int(delta[best]), int(cand[best])

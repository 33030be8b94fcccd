"""The swap search of 舍位平衡, compiled with numba.

It takes a figure still more than one unit off, an atom inside it that may move in the
helpful direction and a partner atom outside it that moves the other way, so the grand total
never changes.  Every partner found in the atom's smaller figures is scored — Σ of penalty
changes over the figures only one of the two lies in — and the best is taken, so most
iterations repair something.

Why numba: an iteration touches a few hundred atoms and a few thousand memberships.  In
numpy that was some thirty small array operations per iteration, and the search was bound by
numpy's per-call overhead (100,000 lines: 3.8 s of 4 s); as compiled loops over the CSR
arrays (rounding_cells) it does the same work without temporaries.  This module is imported
only when a search runs: importing numba costs a few tenths of a second, which a small master
(straight to the exact solver) must not pay.  ``cache=True`` keeps the machine code on disk
(beside the package, or in a user cache folder when that is read-only), so only the first
search after an install compiles.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .rounding_exact import Cells

def _compiled(**options):
    """``njit`` with the machine code cached on disk — or, where numba finds no folder it
    may write (the package's is read-only and so is the home folder: a locked-down server),
    compiled afresh in each process (seconds) rather than failing the import."""
    def compile_(function):
        try:
            return njit(cache=True, nogil=True, **options)(function)
        except RuntimeError:  # "cannot cache function …: no locator available"
            return njit(nogil=True, **options)(function)
    return compile_


INSIDE_TRIED = 4  # atoms of the figure tried per iteration
MEMBERS_SAMPLED = 256  # of a large figure, a run from a random place, for its moving atoms
# Of each of the atom's large figures, this many members in a run from a random place are
# partners: read in a run, they cost no cache miss each as random draws did.
PARTNER_CELL_SAMPLE = 64
PARTNERS_WANTED = 256  # stop collecting partners once this many are in hand
TABU = 7  # iterations an atom that moved stays put
ESCAPE = 0.1  # chance of taking a swap that makes things worse


def search(cells: Cells, rem: np.ndarray, up: np.ndarray, dev: np.ndarray, unit: int,
           budget: int, seed: int, order: np.ndarray) -> int:
    """Repairs ``up`` (0/1 per atom) and ``dev`` (rounded − exact per distinct cell) in
    place; returns the iterations.

    Inside, atoms are numbered by their place in ``order`` (the 功能分类 tree order): a
    partner comes from an atom's smallest figures, which are runs of that order, so its
    memberships and state then lie next to the atom's in memory rather than a cache miss
    away (100,000 lines: a fifth less time).  ``cells.indices`` is renumbered in place for
    the search and restored after it: a copy would take 150 MB at a million lines."""
    indptr = np.ascontiguousarray(cells.indptr, np.int64)
    indices = cells.indices
    label = np.empty(len(rem), indices.dtype)
    label[order] = np.arange(len(rem))
    movable, up_l = rem[order] > 0, up[order]
    _renumber(indices, label)
    try:
        ptr, cell_ids = _transpose(indptr, indices, len(rem), movable)
        iterations = _search(indptr, indices, ptr, cell_ids, movable, up_l, dev, unit, budget,
                             seed, INSIDE_TRIED, MEMBERS_SAMPLED, PARTNER_CELL_SAMPLE,
                             PARTNERS_WANTED)
    finally:
        _renumber(indices, np.asarray(order, indices.dtype))
    up[order] = up_l
    # The transpose leaves out single-atom cells (no move matters to them): bring their
    # deviations up to date, so that ``dev`` is exact on return.
    single = np.flatnonzero(cells.sizes == 1)
    atoms = indices[indptr[single]]
    dev[single] = up[atoms] * unit - rem[atoms]
    return int(iterations)


def warm_up() -> None:
    """Load the compiled search by running it once on three atoms, with the argument types
    of a real search (numba loads machine code per type signature)."""
    indptr = np.array([0, 2, 4], np.int64)
    indices = np.array([0, 1, 1, 2], np.int32)
    rem = np.array([6_000, 6_000, 6_000], np.int64)
    up = np.zeros(3, np.int64)
    dev = np.array([-12_000, -12_000], np.int64)
    search(Cells(indptr, indices), rem, up, dev, 10_000, 10, 1, np.arange(3, dtype=np.int64))


def atom_cells(cells: Cells, n_atoms: int, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The transpose for the atoms in ``wanted``: atom a lies in the cells
    ``cell_ids[ptr[a]:ptr[a + 1]]`` (ascending), counting only cells of two atoms or more —
    a single atom is always within one unit, so no move can matter to it."""
    return _transpose(np.ascontiguousarray(cells.indptr, np.int64),
                      np.ascontiguousarray(cells.indices), n_atoms,
                      np.ascontiguousarray(wanted, np.bool_))


@_compiled()
def _renumber(indices, label):
    """indices[j] ← label[indices[j]], in place."""
    for j in range(len(indices)):
        indices[j] = label[indices[j]]


@_compiled()
def _transpose(indptr, indices, n_atoms, wanted):
    """A counting sort: the first pass counts each atom's cells, the second places them,
    with ``ptr[a]`` as atom a's fill position (which ends as ``ptr[a + 1]``, so one shift
    restores the row starts and no second array of atoms is needed)."""
    ptr = np.zeros(n_atoms + 1, np.int64)
    cell_ids = np.empty(0, np.int32)
    for place in range(2):
        for c in range(len(indptr) - 1):
            if indptr[c + 1] - indptr[c] < 2:
                continue
            for j in range(indptr[c], indptr[c + 1]):
                a = indices[j]
                if not wanted[a]:
                    continue
                if place:
                    cell_ids[ptr[a]] = c
                    ptr[a] += 1
                else:
                    ptr[a + 1] += 1
        if not place:
            for a in range(n_atoms):
                ptr[a + 1] += ptr[a]
            cell_ids = np.empty(ptr[n_atoms], np.int32)
    for a in range(n_atoms, 0, -1):
        ptr[a] = ptr[a - 1]
    ptr[0] = 0
    return ptr, cell_ids


@_compiled(inline="always")
def _set_gains(k, dev, unit, gain_up, gain_down):
    """Change of cell k's penalty — the units beyond the one-unit band, |dev| // unit — if
    its deviation rises (gain_up) or falls (gain_down) by one unit.  Kept per cell as int8
    beside ``dev``: scoring a partner then reads a byte per membership, no division."""
    d = dev[k]
    gain_up[k] = 1 if d >= 0 else (-1 if d <= -unit else 0)
    gain_down[k] = 1 if d <= 0 else (-1 if d >= unit else 0)


@_compiled()
def _search(indptr, indices, ptr, cell_ids, movable, up, dev, unit, budget, seed, inside_tried,
            members_sampled, partner_cell_sample, partners_wanted):
    np.random.seed(seed)
    n_cells = len(indptr) - 1
    # Per atom in one word, so that judging a drawn atom is one memory access: bit 0 it
    # can move (has a remainder), bit 1 it rounds up, the rest the iteration its tabu ends.
    state = np.empty(len(up), np.int64)
    for i in range(len(up)):
        state[i] = (1 if movable[i] else 0) | (up[i] << 1)
    # Stamps instead of clearing: an entry equal to the current stamp is marked.
    atom_mark = np.zeros(len(up), np.int64)
    cell_mark = np.zeros(n_cells, np.int64)
    stamp = 0
    queue = np.empty(n_cells, np.int64)
    queued = np.zeros(n_cells, np.bool_)
    size = 0
    for c in range(n_cells):
        if abs(dev[c]) >= unit:
            queue[size] = c
            queued[c] = True
            size += 1
    gain_up = np.empty(n_cells, np.int8)
    gain_down = np.empty(n_cells, np.int8)
    for c in range(n_cells):
        _set_gains(c, dev, unit, gain_up, gain_down)
    inside = np.empty(members_sampled, np.int64)
    cand = np.empty(partners_wanted + partner_cell_sample, np.int64)
    it = 0
    while size > 0 and it < budget:
        it += 1
        pick = np.random.randint(0, size)
        c = queue[pick]
        if abs(dev[c]) < unit:
            size -= 1
            queue[pick] = queue[size]
            queued[c] = False
            continue
        want_a = 1 if dev[c] > 0 else 0
        movable_a = 1 | (want_a << 1)
        step_a = -unit if dev[c] > 0 else unit
        # The atoms of c that may move the helpful way; of a large figure a run of them.
        stamp += 1
        found = 0
        start, members = indptr[c], indptr[c + 1] - indptr[c]
        draws = members_sampled if members > members_sampled else members
        offset = np.random.randint(0, members) if members > members_sampled else 0
        for j in range(draws):
            at = offset + j
            i = indices[start + (at if at < members else at - members)]
            if (state[i] & 3) == movable_a and (state[i] >> 2) < it and atom_mark[i] != stamp:
                atom_mark[i] = stamp
                inside[found] = i
                found += 1
        if found == 0:
            size -= 1  # no move can help it (every atom fixed)
            queue[pick] = queue[size]
            queued[c] = False
            continue
        tried = inside_tried if found > inside_tried else found
        for t in range(tried):  # the first few of a random permutation
            s = t + np.random.randint(0, found - t)
            inside[t], inside[s] = inside[s], inside[t]
        best_delta, best_a, best_b = 0, -1, -1
        for t in range(tried):
            a = inside[t]
            stamp += 1
            delta, b = _best_partner(a, c, indptr, indices, ptr, cell_ids, state, it,
                                     gain_up if step_a > 0 else gain_down,
                                     gain_down if step_a > 0 else gain_up,
                                     atom_mark, cell_mark, stamp, cand, 1 | ((1 - want_a) << 1),
                                     partner_cell_sample, partners_wanted)
            if b >= 0 and (best_b < 0 or delta < best_delta):
                best_delta, best_a, best_b = delta, a, b
                if delta < 0:
                    break
        if best_b < 0:
            continue
        if best_delta > 0 and np.random.random() > ESCAPE:
            continue
        # Apply: a moves by step_a, b against it; cells holding both do not change.
        stamp += 1
        a, b = best_a, best_b
        for j in range(ptr[a], ptr[a + 1]):
            cell_mark[cell_ids[j]] = stamp
        for j in range(ptr[b], ptr[b + 1]):
            k = cell_ids[j]
            if cell_mark[k] == stamp:
                cell_mark[k] = -stamp  # shared
                continue
            dev[k] -= step_a
            _set_gains(k, dev, unit, gain_up, gain_down)
            if abs(dev[k]) >= unit and not queued[k]:
                queued[k] = True
                queue[size] = k
                size += 1
        for j in range(ptr[a], ptr[a + 1]):
            k = cell_ids[j]
            if cell_mark[k] == -stamp:
                continue
            dev[k] += step_a
            _set_gains(k, dev, unit, gain_up, gain_down)
            if abs(dev[k]) >= unit and not queued[k]:
                queued[k] = True
                queue[size] = k
                size += 1
        up[a] = 1 - up[a]
        up[b] = 1 - up[b]
        state[a] = 1 | (up[a] << 1) | ((it + TABU) << 2)
        state[b] = 1 | (up[b] << 1) | ((it + TABU) << 2)
    return it


@_compiled()
def _best_partner(a, c, indptr, indices, ptr, cell_ids, state, it, gain_a, gain_b,
                  atom_mark, cell_mark, stamp, cand, movable_b, partner_cell_sample,
                  partners_wanted):
    """(penalty change, partner) for the best atom outside ``c`` to move against ``a``;
    partner −1 when there is none.  ``gain_a`` / ``gain_b``: per cell, the penalty change
    if a's / b's move alone reaches it; ``movable_b``: the low state bits a partner needs."""
    lo, hi = ptr[a], ptr[a + 1]
    if hi == lo:
        return 0, -1
    a_cells = cell_ids[lo:hi]
    sizes = np.empty(hi - lo, np.int64)
    for j in range(hi - lo):
        sizes[j] = indptr[a_cells[j] + 1] - indptr[a_cells[j]]
    # Small figures first: atoms sharing a small figure with a share most figures with it.
    found, held = 0, 0
    atom_mark[a] = stamp
    for j in np.argsort(sizes, kind="mergesort"):
        k = a_cells[j]
        if k == c:
            continue
        start, members = indptr[k], sizes[j]
        draws = partner_cell_sample if members > partner_cell_sample else members
        offset = np.random.randint(0, members) if members > partner_cell_sample else 0
        for m in range(draws):
            at = offset + m
            b = indices[start + (at if at < members else at - members)]
            if atom_mark[b] == stamp:
                continue
            atom_mark[b] = stamp
            if (state[b] & 3) == movable_b and (state[b] >> 2) < it:
                cand[found] = b
                found += 1
        held += draws
        if held >= partners_wanted:
            break
    if found == 0:
        return 0, -1
    change_a = 0
    for k in a_cells:
        cell_mark[k] = stamp
        change_a += gain_a[k]
    best_delta, best_b = 0, -1
    for t in range(found):
        b = cand[t]
        delta = change_a
        in_c = False
        for j in range(ptr[b], ptr[b + 1]):
            k = cell_ids[j]
            if k == c:  # b would undo a's move on c
                in_c = True
                break
            if cell_mark[k] == stamp:  # a's move does not happen here after all
                delta -= gain_a[k]
            else:
                delta += gain_b[k]
        if not in_c and (best_b < 0 or delta < best_delta):
            best_delta, best_b = delta, b

    return best_delta, best_b


"""The loops of 舍位平衡's swap search, compiled by numba into C functions.

The search (rounding_search drives it) takes a figure still more than one unit off, an atom
inside it that may move in the helpful direction and a partner atom outside it that moves the
other way, so the grand total never changes.  Every partner found in the atom's smaller
figures is scored — Σ of penalty changes over the figures only one of the two lies in — and
the best is taken, so most iterations repair something.

Why compiled: an iteration touches a few hundred atoms and a few thousand memberships.  In
numpy that was some thirty small array operations per iteration, bound by numpy's per-call
overhead (100,000 lines: 3.8 s of 4 s); as compiled loops over the CSR arrays
(rounding_cells) it does the same work without temporaries.

Why C functions (``cfunc``) that allocate nothing and draw their own random numbers: their
machine code then stands alone — no numba runtime, no Python — so search_code can keep it on
disk and load it in a later process without importing numba (0.05 s instead of 0.4 s).
Every array is handed in by the caller as a pointer and a length, the work space included;
the random numbers are splitmix64 on a state the caller holds.  Whichever way the machine
code was obtained, it is the same code, so a master gets the same figures either way.

This module imports numba: only search_code imports it, to compile.
"""

from __future__ import annotations

import numpy as np
from numba import carray, cfunc, njit, types

from .search_code import SIGNATURES

_TYPES = {"i64": types.int64, "i64*": types.CPointer(types.int64),
          "i32*": types.CPointer(types.int32), "i8*": types.CPointer(types.int8),
          "u8*": types.CPointer(types.uint8), "u64*": types.CPointer(types.uint64),
          "f64": types.float64, "void": types.void}
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def compile_entries() -> dict:
    """The entry points of SIGNATURES, compiled now (several seconds): name → numba cfunc.

    No numba disk cache: numba cannot show the code of a function it loaded from there, and
    search_code needs that code to keep it as machine code of its own."""
    made = {}
    for name, (result, params) in SIGNATURES.items():
        signature = _TYPES[result](*(_TYPES[p] for p in params))
        made[name] = cfunc(signature, error_model="numpy")(_PYTHON[name])
    return made


# -- the entry points ------------------------------------------------------------------

def _renumber(indices_p, n_entries, label_p, n_atoms):
    """indices[j] ← label[indices[j]], in place."""
    indices = carray(indices_p, (n_entries,))
    label = carray(label_p, (n_atoms,))
    for j in range(n_entries):
        indices[j] = label[indices[j]]


def _transpose(indptr_p, n_cells, indices_p, n_entries, wanted_p, n_atoms, ptr_p, cell_ids_p,
               n_links):
    """A counting sort of the memberships by atom, in two calls, counting only wanted atoms
    and cells of two atoms or more (a single atom is always within one unit, so no move can
    matter to it).  First, with no room for the result (``n_links`` < 0): ``ptr[a]`` becomes
    where atom a's cells start; returns how many there are.  Then, with ``cell_ids`` of that
    length: atom a's cells go to ``cell_ids[ptr[a]:ptr[a + 1]]`` (ascending), ``ptr[a]``
    serving as the fill position, which ends as ``ptr[a + 1]``: one shift restores it."""
    indptr = carray(indptr_p, (n_cells + 1,))
    indices = carray(indices_p, (n_entries,))
    wanted = carray(wanted_p, (n_atoms,))
    ptr = carray(ptr_p, (n_atoms + 1,))
    place = n_links >= 0
    cell_ids = carray(cell_ids_p, (n_links if place else 0,))
    if not place:
        for a in range(n_atoms + 1):
            ptr[a] = 0
    for c in range(n_cells):
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
    if place:
        for a in range(n_atoms, 0, -1):
            ptr[a] = ptr[a - 1]
        ptr[0] = 0
    else:
        for a in range(n_atoms):
            ptr[a + 1] += ptr[a]
    return ptr[n_atoms]


def _search(indptr_p, n_cells, indices_p, n_entries, ptr_p, cell_ids_p, n_links, movable_p,
            up_p, n_atoms, dev_p, unit, budget, seed, max_degree, work_p, n_work, flags_p, rng_p,
            inside_tried, members_sampled, partner_cell_sample, partners_wanted, tabu, escape):
    """Repairs ``up`` (0/1 per atom) and ``dev`` (rounded − exact per cell) in place;
    returns the iterations.  ``work``: int64, 2·atoms + 2·cells + 2·max_degree + the two
    sample buffers (rounding_search.work_size); ``flags``: 3·cells bytes; ``rng``: one
    uint64.  The rest are the search's settings (rounding_search)."""
    indptr = carray(indptr_p, (n_cells + 1,))
    indices = carray(indices_p, (n_entries,))
    ptr = carray(ptr_p, (n_atoms + 1,))
    cell_ids = carray(cell_ids_p, (n_links,))
    movable = carray(movable_p, (n_atoms,))
    up = carray(up_p, (n_atoms,))
    dev = carray(dev_p, (n_cells,))
    work = carray(work_p, (n_work,))
    flags = carray(flags_p, (3 * n_cells,))
    rng = carray(rng_p, (1,))
    # Per atom in one word, so that judging a drawn atom is one memory access: bit 0 it
    # can move (has a remainder), bit 1 it rounds up, the rest the iteration its tabu ends.
    state = work[:n_atoms]
    # Stamps instead of clearing: an entry equal to the current stamp is marked.
    atom_mark = work[n_atoms:2 * n_atoms]
    cell_mark = work[2 * n_atoms:2 * n_atoms + n_cells]
    queue = work[2 * n_atoms + n_cells:2 * n_atoms + 2 * n_cells]
    at = 2 * n_atoms + 2 * n_cells
    sizes = work[at:at + max_degree]
    by_size = work[at + max_degree:at + 2 * max_degree]
    at += 2 * max_degree
    inside = work[at:at + members_sampled]
    cand = work[at + members_sampled:at + members_sampled + partners_wanted + partner_cell_sample]
    queued = flags[:n_cells]
    gain_up = flags[n_cells:2 * n_cells]
    gain_down = flags[2 * n_cells:]
    rng[0] = np.uint64(seed)
    for i in range(n_atoms):
        state[i] = (1 if movable[i] else 0) | (up[i] << 1)
        atom_mark[i] = 0
    stamp = 0
    size = 0
    for c in range(n_cells):
        cell_mark[c] = 0
        queued[c] = 0
        if abs(dev[c]) >= unit:
            queue[size] = c
            queued[c] = 1
            size += 1
        _set_gains(c, dev, unit, gain_up, gain_down)
    it = 0
    while size > 0 and it < budget:
        it += 1
        pick = _below(rng, size)
        c = queue[pick]
        if abs(dev[c]) < unit:
            size -= 1
            queue[pick] = queue[size]
            queued[c] = 0
            continue
        want_a = 1 if dev[c] > 0 else 0
        movable_a = 1 | (want_a << 1)
        step_a = -unit if dev[c] > 0 else unit
        # The atoms of c that may move the helpful way; of a large figure a run of them.
        stamp += 1
        found = 0
        start, members = indptr[c], indptr[c + 1] - indptr[c]
        draws = members_sampled if members > members_sampled else members
        offset = _below(rng, members) if members > members_sampled else 0
        for j in range(draws):
            k = offset + j
            i = indices[start + (k if k < members else k - members)]
            if (state[i] & 3) == movable_a and (state[i] >> 2) < it and atom_mark[i] != stamp:
                atom_mark[i] = stamp
                inside[found] = i
                found += 1
        if found == 0:
            size -= 1  # no move can help it (every atom fixed)
            queue[pick] = queue[size]
            queued[c] = 0
            continue
        tried = inside_tried if found > inside_tried else found
        for t in range(tried):  # the first few of a random permutation
            s = t + _below(rng, found - t)
            inside[t], inside[s] = inside[s], inside[t]
        best_delta, best_a, best_b = 0, -1, -1
        for t in range(tried):
            a = inside[t]
            stamp += 1
            delta, b = _best_partner(a, c, indptr, indices, ptr, cell_ids, state, it,
                                     gain_up if step_a > 0 else gain_down,
                                     gain_down if step_a > 0 else gain_up,
                                     atom_mark, cell_mark, stamp, cand, sizes, by_size,
                                     1 | ((1 - want_a) << 1), rng, partner_cell_sample,
                                     partners_wanted)
            if b >= 0 and (best_b < 0 or delta < best_delta):
                best_delta, best_a, best_b = delta, a, b
                if delta < 0:
                    break
        if best_b < 0:
            continue
        if best_delta > 0 and _fraction(rng) > escape:
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
                queued[k] = 1
                queue[size] = k
                size += 1
        for j in range(ptr[a], ptr[a + 1]):
            k = cell_ids[j]
            if cell_mark[k] == -stamp:
                continue
            dev[k] += step_a
            _set_gains(k, dev, unit, gain_up, gain_down)
            if abs(dev[k]) >= unit and not queued[k]:
                queued[k] = 1
                queue[size] = k
                size += 1
        up[a] = 1 - up[a]
        up[b] = 1 - up[b]
        state[a] = 1 | (up[a] << 1) | ((it + tabu) << 2)
        state[b] = 1 | (up[b] << 1) | ((it + tabu) << 2)
    return it


# -- what the search calls ---------------------------------------------------------------

@njit(inline="always", error_model="numpy")
def _next(rng):
    """splitmix64: the state advances by a constant, the output is a mix of it."""
    z = rng[0] + _GOLDEN
    rng[0] = z
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(inline="always", error_model="numpy")
def _below(rng, bound):
    """A whole number in [0, bound)."""
    return np.int64(_next(rng) >> np.uint64(1)) % bound


@njit(inline="always", error_model="numpy")
def _fraction(rng):
    """A number in [0, 1)."""
    return np.float64(_next(rng) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(inline="always", error_model="numpy")
def _set_gains(k, dev, unit, gain_up, gain_down):
    """Change of cell k's penalty — the units beyond the one-unit band, |dev| // unit — if
    its deviation rises (gain_up) or falls (gain_down) by one unit.  Kept per cell as a byte
    beside ``dev``: scoring a partner then reads a byte per membership, no division."""
    d = dev[k]
    gain_up[k] = 1 if d >= 0 else (-1 if d <= -unit else 0)
    gain_down[k] = 1 if d <= 0 else (-1 if d >= unit else 0)


@njit(error_model="numpy")
def _best_partner(a, c, indptr, indices, ptr, cell_ids, state, it, gain_a, gain_b,
                  atom_mark, cell_mark, stamp, cand, sizes, by_size, movable_b, rng,
                  partner_cell_sample, partners_wanted):
    """(penalty change, partner) for the best atom outside ``c`` to move against ``a``;
    partner −1 when there is none.  ``gain_a`` / ``gain_b``: per cell, the penalty change
    if a's / b's move alone reaches it; ``movable_b``: the low state bits a partner needs."""
    lo, hi = ptr[a], ptr[a + 1]
    if hi == lo:
        return 0, -1
    count = hi - lo
    # Small figures first: atoms sharing a small figure with a share most figures with it.
    # An insertion sort, stable, of the atom's few dozen figures by size.
    for j in range(count):
        k = cell_ids[lo + j]
        s = indptr[k + 1] - indptr[k]
        sizes[j] = s
        m = j
        while m > 0 and sizes[by_size[m - 1]] > s:
            by_size[m] = by_size[m - 1]
            m -= 1
        by_size[m] = j
    found, held = 0, 0
    atom_mark[a] = stamp
    for t in range(count):
        j = by_size[t]
        k = cell_ids[lo + j]
        if k == c:
            continue
        start, members = indptr[k], sizes[j]
        draws = partner_cell_sample if members > partner_cell_sample else members
        offset = _below(rng, members) if members > partner_cell_sample else 0
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
    for j in range(lo, hi):
        k = cell_ids[j]
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


_PYTHON = {"renumber": _renumber, "transpose": _transpose, "search": _search}

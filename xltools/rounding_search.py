"""The swap search of 舍位平衡, run on the figures' compressed rows (rounding_cells).

It takes a figure still more than one unit off, an atom inside it that may move in the
helpful direction and a partner atom outside it that moves the other way, so the grand total
never changes (search_kernels has the loops and says how a partner is chosen).  This module
lays out the arrays the compiled loops work on and holds the search's settings; the machine
code comes from search_code — loaded from disk, or compiled with numba the first time.
"""

from __future__ import annotations

import numpy as np

from . import search_code
from .rounding_exact import Cells

INSIDE_TRIED = 4  # atoms of the figure tried per iteration
MEMBERS_SAMPLED = 256  # of a large figure, a run from a random place, for its moving atoms
# Of each of the atom's large figures, this many members in a run from a random place are
# partners: read in a run, they cost no cache miss each as random draws did.
PARTNER_CELL_SAMPLE = 64
PARTNERS_WANTED = 256  # stop collecting partners once this many are in hand
TABU = 7  # iterations an atom that moved stays put
ESCAPE = 0.1  # chance of taking a swap that makes things worse


def search(cells: Cells, rem: np.ndarray, up: np.ndarray, dev: np.ndarray, unit: int,
           budget: int, seed: int, order: np.ndarray,
           entries: search_code.Entries | None = None) -> int:
    """Repairs ``up`` (0/1 per atom) and ``dev`` (rounded − exact per distinct cell) in
    place; returns the iterations.

    Inside, atoms are numbered by their place in ``order`` (the 功能分类 tree order): a
    partner comes from an atom's smallest figures, which are runs of that order, so its
    memberships and state then lie next to the atom's in memory rather than a cache miss
    away (100,000 lines: a fifth less time).  ``cells.indices`` is renumbered in place for
    the search and restored after it: a copy would take 150 MB at a million lines."""
    code = entries or search_code.entry_points()
    n, n_cells = len(rem), cells.count
    indptr = np.ascontiguousarray(cells.indptr, np.int64)
    indices = _atom_indices(cells)
    order = np.asarray(order)
    label = np.empty(n, np.int32)
    label[order] = np.arange(n, dtype=np.int32)
    movable = np.ascontiguousarray(rem[order] > 0).view(np.uint8)
    up_l = np.ascontiguousarray(up[order], np.int64)
    dev_c = dev if dev.dtype == np.int64 and dev.flags.c_contiguous else dev.astype(np.int64)
    code.renumber(indices, len(indices), label, n)
    try:
        ptr, cell_ids = _transpose(code, indptr, indices, n, movable)
        degree = int(np.diff(ptr).max()) if n else 0
        work = np.empty(work_size(n, n_cells, degree), np.int64)
        iterations = code.search(
            indptr, n_cells, indices, len(indices), ptr, cell_ids, len(cell_ids), movable, up_l,
            n, dev_c, unit, budget, seed, degree, work, len(work),
            np.empty(3 * n_cells, np.int8), np.zeros(1, np.uint64),
            INSIDE_TRIED, MEMBERS_SAMPLED, PARTNER_CELL_SAMPLE, PARTNERS_WANTED, TABU, ESCAPE)
    finally:
        code.renumber(indices, len(indices), order.astype(np.int32), n)
    up[order] = up_l
    if dev_c is not dev:
        dev[...] = dev_c
    # The transpose leaves out single-atom cells (no move matters to them): bring their
    # deviations up to date, so that ``dev`` is exact on return.
    single = np.flatnonzero(cells.sizes == 1)
    atoms = indices[indptr[single]]
    dev[single] = up[atoms] * unit - rem[atoms]
    return int(iterations)


def work_size(n_atoms: int, n_cells: int, max_degree: int) -> int:
    """int64 entries of the search's work space (search_kernels._search lays it out)."""
    return (2 * n_atoms + 2 * n_cells + 2 * max_degree + MEMBERS_SAMPLED + PARTNERS_WANTED
            + PARTNER_CELL_SAMPLE)


def warm_up() -> str:
    """Have this process's machine code ready now (search_code.entry_points): loaded from
    disk, or compiled — and kept on disk for later processes.  Returns where it came from."""
    return search_code.entry_points().source


def atom_cells(cells: Cells, n_atoms: int, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The transpose for the atoms in ``wanted``: atom a lies in the cells
    ``cell_ids[ptr[a]:ptr[a + 1]]`` (ascending), counting only cells of two atoms or more —
    a single atom is always within one unit, so no move can matter to it."""
    return _transpose(search_code.entry_points(), np.ascontiguousarray(cells.indptr, np.int64),
                      _atom_indices(cells), n_atoms,
                      np.array(wanted, np.bool_).view(np.uint8))


def _atom_indices(cells: Cells) -> np.ndarray:
    """``cells.indices`` as the C-contiguous int32 the machine code takes: the array itself
    when it is one (rounding_cells makes int32 below 2³¹ atoms), else a copy."""
    indices = cells.indices
    if indices.dtype == np.int32 and indices.flags.c_contiguous and indices.flags.writeable:
        return indices
    if len(indices) and int(indices.max()) >= 2**31:
        raise ValueError("more than 2³¹ atoms")
    return np.ascontiguousarray(indices, np.int32)


def _transpose(code: search_code.Entries, indptr: np.ndarray, indices: np.ndarray, n_atoms: int,
               wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.empty(n_atoms + 1, np.int64)
    n_cells = len(indptr) - 1
    links = code.transpose(indptr, n_cells, indices, len(indices), wanted, n_atoms, ptr,
                           np.empty(0, np.int32), -1)
    cell_ids = np.empty(links, np.int32)
    code.transpose(indptr, n_cells, indices, len(indices), wanted, n_atoms, ptr, cell_ids, links)
    return ptr, cell_ids

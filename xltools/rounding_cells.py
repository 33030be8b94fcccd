"""The figures of 舍位平衡 as compressed sparse rows, deduplicated with numpy.

A million-line master has some 320,000 figures and 39 million memberships: held as Python
tuples, lists or sets they take gigabytes, so they are kept as one int32 array of atom
indices (``indices``) cut into figures by ``indptr``.  Figures of different tables often sum
the very same atoms (表2 and 表3 合计 of a code, 表1 and 表3 类 rows); each distinct set
becomes one row of the rounding problem, found by hashing the sorted member arrays.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from .rounding_exact import Cells

_CHUNK = 1 << 18  # memberships hashed at a time: temporaries of a few MB


def as_csr(cells, n_atoms: int) -> tuple[np.ndarray, np.ndarray]:
    """``indptr`` and each figure's atom indices, ascending, from a list of member lists or
    arrays, or from a ``Cells`` (CSR) given directly."""
    dtype = np.int32 if n_atoms < 2**31 else np.int64
    if isinstance(cells, Cells):
        indptr = np.asarray(cells.indptr, np.int64)
        # copied only if a figure must be sorted (below): the distinct figures are a new
        # array anyway, and a copy of a million-line master's memberships costs 0.25 s
        flat = np.asarray(cells.indices, dtype=dtype)
    else:
        sizes = np.fromiter((len(m) for m in cells), np.int64, len(cells))
        indptr = np.zeros(len(cells) + 1, np.int64)
        np.cumsum(sizes, out=indptr[1:])
        if any(isinstance(m, np.ndarray) for m in cells):
            flat = np.empty(int(indptr[-1]), dtype)
            for f, m in enumerate(cells):
                flat[indptr[f]:indptr[f + 1]] = m
        else:
            flat = np.fromiter(chain.from_iterable(cells), dtype, int(indptr[-1]))
    # Members arrive in no particular order: sort only the figures that are not ascending.
    if len(flat) > 1:
        falls = np.flatnonzero(flat[1:] < flat[:-1]) + 1
        fig = np.searchsorted(indptr, falls, side="right") - 1
        unsorted = np.unique(fig[falls != indptr[fig]]).tolist()
        if unsorted and isinstance(cells, Cells):
            flat = flat.copy()  # the caller's array stays as it was
        for f in unsorted:
            flat[indptr[f]:indptr[f + 1]].sort()
    return indptr, flat


def distinct_cells(cells, n_atoms: int) -> tuple[np.ndarray, Cells]:
    """Each figure's distinct cell (numbered by first appearance) and the distinct cells."""
    indptr, flat = as_csr(cells, n_atoms)
    count = len(indptr) - 1
    sizes = np.diff(indptr)
    # One 64-bit hash: figures that hash alike are compared member by member below, so a
    # collision costs time, never a wrong answer (a second hash cost a pass over 39 million
    # memberships at a million lines).
    h1 = _figure_hash(flat, indptr, 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9)
    by_key = np.lexsort((h1, sizes))  # stable: ties keep the figures' order
    k1, ks = h1[by_key], sizes[by_key]
    starts = np.ones(count, bool)
    starts[1:] = (k1[1:] != k1[:-1]) | (ks[1:] != ks[:-1])
    rep = np.empty(count, np.int64)
    rep[by_key] = by_key[np.flatnonzero(starts)[np.cumsum(starts) - 1]]
    if not _same_members(flat, indptr, sizes, rep):
        rep = _exact_representatives(flat, indptr)  # a hash collision: astronomically rare
    is_rep = rep == np.arange(count)
    number = np.cumsum(is_rep) - 1
    cell_of_figure = number[rep]
    keep = np.repeat(is_rep, sizes)
    d_indptr = np.zeros(int(is_rep.sum()) + 1, np.int64)
    np.cumsum(sizes[is_rep], out=d_indptr[1:])
    return cell_of_figure, Cells(d_indptr, flat[keep])


def _figure_hash(flat, indptr, mul1, mul2) -> np.ndarray:
    """Σ mix(member) per figure, modulo 2**64: equal sets hash equal."""
    prefix = np.zeros(len(indptr), np.uint64)
    carry = np.uint64(0)
    with np.errstate(over="ignore"):
        for s in range(0, len(flat), _CHUNK):
            x = flat[s:s + _CHUNK].astype(np.uint64) + np.uint64(1)
            x *= np.uint64(mul1)
            x ^= x >> np.uint64(31)
            x *= np.uint64(mul2)
            x ^= x >> np.uint64(29)
            run = np.cumsum(x, dtype=np.uint64) + carry
            lo = np.searchsorted(indptr, s, side="right")
            hi = np.searchsorted(indptr, s + len(x), side="right")
            prefix[lo:hi] = run[indptr[lo:hi] - s - 1]
            carry = run[-1]
        return prefix[1:] - prefix[:-1]


def _same_members(flat, indptr, sizes, rep) -> bool:
    """Whether every figure holds exactly the atoms of its representative."""
    dup = np.flatnonzero(rep != np.arange(len(rep)))
    # Groups of duplicates of about _CHUNK memberships each; a bigger figure goes alone.
    ends = np.cumsum(sizes[dup])
    cuts = np.searchsorted(ends, np.arange(_CHUNK, int(ends[-1]) if len(ends) else 0, _CHUNK))
    for part in np.split(dup, np.unique(cuts)):
        if len(part) == 1:
            f, g = int(part[0]), int(rep[part[0]])
            if not np.array_equal(flat[indptr[f]:indptr[f + 1]], flat[indptr[g]:indptr[g + 1]]):
                return False
            continue
        lengths = sizes[part]
        within = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        mine = np.repeat(indptr[part], lengths) + within
        theirs = np.repeat(indptr[rep[part]], lengths) + within
        if not np.array_equal(flat[mine], flat[theirs]):
            return False
    return True


def _exact_representatives(flat, indptr) -> np.ndarray:
    first: dict[bytes, int] = {}
    return np.array([first.setdefault(flat[indptr[f]:indptr[f + 1]].tobytes(), f)
                     for f in range(len(indptr) - 1)], np.int64)

"""舍位平衡: round line amounts to whole 百元 so that every published figure stays within
0.01 万元 of its exact value while every table remains exactly additive.

Rounding happens once, on the budget lines (grouped into atoms: lines no table can tell
apart); every figure is then an exact integer sum of rounded atoms, so all identities hold
by construction.  What is left to choose is each atom's direction (floor or ceiling).

That choice is a 0/1 feasibility problem: a figure F summing atoms S is within one unit
when Σ_{i∈S} x_i lies between floor(Σ r_i / U) and ceil(Σ r_i / U) (r_i the remainders).
Rounding each atom to nearest drifts on large sums.  We start from systematic rounding of
cumulative remainders along a tree order — exact for every figure that is a contiguous run
in that order, which covers the whole 功能分类 tree — and repair the remaining violations
by a local search over swaps (one atom down, another up), which keeps the grand total
equal to the exact total rounded half-up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RoundingResult:
    rounded: list[int]  # per atom, in units
    deviations: dict[int, int]  # cell index → (rounded·U − exact), only cells ≥ one unit off
    iterations: int


def _penalty(dev: int, unit: int) -> int:
    over = abs(dev) - unit
    return 0 if over < 0 else over // unit + 1


def controlled_round(
    exact: list[int],
    cells: list[list[int]],
    order: list[int] | None = None,
    unit: int = 10_000,
    max_iterations: int | None = None,
    seed: int = 20240101,
) -> RoundingResult:
    """Round non-negative integer amounts to multiples of ``unit``.

    ``cells`` lists, per published figure, the atom indices it sums.  The grand total
    (all atoms) is always the exact total rounded half-up.
    """
    # Figures of different tables often add up the very same atoms (表2 and 表3 合计 of a
    # code, 表1 and 表3 类 rows): round over each distinct set once.
    distinct: dict[tuple[int, ...], int] = {}
    cell_of_figure = [distinct.setdefault(tuple(sorted(m)), len(distinct)) for m in cells]
    cells = [list(key) for key in distinct]
    n = len(exact)
    base = [e // unit for e in exact]
    rem = [e % unit for e in exact]
    order = list(range(n)) if order is None else order

    # Systematic rounding along the order, offset by half a unit: the grand total is the
    # half-up rounding of the exact total and every contiguous run is within one unit.
    up = [0] * n
    acc = 0
    prev = 0
    half = unit // 2
    for i in order:
        acc += rem[i]
        cur = (acc + half) // unit
        up[i] = cur - prev
        prev = cur

    cells_of: list[list[int]] = [[] for _ in range(n)]
    for c, members in enumerate(cells):
        for i in members:
            cells_of[i].append(c)
    cell_sets = [frozenset(cs) for cs in cells_of]
    exact_cell = [sum(exact[i] for i in members) for members in cells]
    dev = [
        sum(base[i] + up[i] for i in members) * unit - exact_cell[c]
        for c, members in enumerate(cells)
    ]
    violated = {c for c, d in enumerate(dev) if _penalty(d, unit)}
    iterations = 0
    if violated:
        iterations = _repair(cells, cells_of, cell_sets, rem, up, dev, violated, unit,
                             max_iterations or 200 * len(cells) + 1000, random.Random(seed))
    rounded = [base[i] + up[i] for i in range(n)]
    deviations = {f: dev[c] for f, c in enumerate(cell_of_figure) if abs(dev[c]) >= unit}
    return RoundingResult(rounded, deviations, iterations)


def _repair(cells, cells_of, cell_sets, rem, up, dev, violated, unit, budget, rng) -> int:
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
            for b in _partners(a, c, cells, cells_of, cell_sets, rem, up, too_high, it, tabu, rng):
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


def _partners(a, c, cells, cells_of, cell_sets, rem, up, too_high, it, tabu, rng):
    """Atoms outside c that can take the opposite move, nearest (most shared cells) first."""
    want = 0 if too_high else 1
    seen = {a}
    found = 0
    # Small cells first: atoms sharing a small figure with a share most figures with it.
    for other in sorted(cells_of[a], key=lambda k: len(cells[k])):
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

"""A 舍位平衡 problem that needs the swap search, as Python source for tests that run it in a
new process (where numba's loading, a worker or a memo is what is being tested).

Figures are runs of seven atoms in order (systematic rounding holds them), groups of five of a
shuffle (it leaves many of those off) and the grand total; with the exact solver left out
(time_budget=0) the search repairs them.  ``solve`` returns what must not change with the way
the answer was found.
"""

SOURCE = """
import json, os, sys, time
import numpy as np
from xltools import rounding

def problem(seed=7, n=3_000):
    rng = np.random.default_rng(seed)
    exact = rng.integers(0, 10**9, n)
    shuffled = rng.permutation(n)
    cells = ([np.arange(s, min(s + 7, n)) for s in range(0, n, 7)]
             + [np.sort(shuffled[s:s + 5]) for s in range(0, n, 5)] + [np.arange(n)])
    return exact, cells

def solve(memo=None, **problem_args):
    exact, cells = problem(**problem_args)
    r = rounding.controlled_round(exact, cells, time_budget=0, memo=memo)
    return {"rounded": r.rounded, "deviations": sorted(r.deviations.items()),
            "iterations": r.iterations, "method": r.method, "unavoidable": r.unavoidable}
"""

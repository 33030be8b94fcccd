"""Budget lines as columns, and their atoms (lines no table can tell apart) by groupby.

Every field is factorised to integer codes once; atoms are the groups of equal codes, in
the order of their first line, with amounts summed exactly in int64 分.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .select import Select

FIELDS = ("unit", "func", "econ", "type", "project", "source")
PROJECT_TYPE = "项目支出"


@dataclass(frozen=True)
class Atom:
    unit: str
    func: str
    econ: str
    type: str
    project: str | None
    source: str
    amount: int  # 分

    @property
    def basic(self) -> bool:
        return self.type != PROJECT_TYPE


@dataclass
class AtomTable:
    """The atoms as a DataFrame (one column per field, ``amount`` in int64 分) and as
    objects, index for index."""

    frame: pd.DataFrame
    atoms: list[Atom]

    def mask(self, select: Select) -> np.ndarray:
        """Which atoms ``select`` takes."""
        f = self.frame
        ok = np.ones(len(f), dtype=bool)
        if select.sources is not None:
            ok &= f["source"].isin(select.sources).to_numpy()
        if select.types is not None:
            ok &= f["type"].isin(select.types).to_numpy()
        if select.econ is not None:
            ok &= _starts_with(f["econ"], select.econ)
        return ok


def _starts_with(codes: pd.Series, prefixes: tuple[str, ...]) -> np.ndarray:
    # per distinct code: a few hundred, whatever the number of atoms
    values, uniques = pd.factorize(codes)
    hit = np.array([u.startswith(prefixes) for u in uniques] + [False])
    return hit[values]


def make_atoms(lines) -> AtomTable:
    n = len(lines)
    codes = {}
    uniques = {}
    for name in FIELDS:
        if name == "project":  # a basic line's project is ignored (the reader warns)
            values = [ln.project if ln.type == PROJECT_TYPE else None for ln in lines]
        else:
            values = [getattr(ln, name) for ln in lines]
        arr = np.empty(n, dtype=object)
        arr[:] = values
        c, u = pd.factorize(arr)
        codes[name] = c
        uniques[name] = np.append(np.asarray(u, dtype=object), None)  # code -1: None
    amount = np.fromiter((ln.amount for ln in lines), dtype=np.int64, count=n)
    keys = pd.DataFrame(codes)
    keys["amount"] = amount
    sums = keys.groupby(list(FIELDS), sort=False)["amount"].sum()
    index = sums.index.to_frame(index=False) if n else pd.DataFrame({k: [] for k in FIELDS})
    frame = pd.DataFrame({name: uniques[name][index[name].to_numpy(dtype=np.int64)]
                          for name in FIELDS})
    frame["amount"] = sums.to_numpy(dtype=np.int64)
    atoms = [Atom(*row[:-1], amount=int(row[-1]))
             for row in zip(*(frame[k].tolist() for k in (*FIELDS, "amount")))]
    return AtomTable(frame, atoms)

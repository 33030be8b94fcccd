"""Budget lines as columns, and their atoms (lines no table can tell apart) by groupby.

Every field is factorised to integer codes once; atoms are the groups of equal codes, in
the order of their first line, with amounts summed exactly in int64 分.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from .select import Select

FIELDS = ("unit", "func", "econ", "type", "project", "source")
PROJECT_TYPE = "项目支出"


class Atom(NamedTuple):
    """Immutable like a frozen dataclass, and built a million at a time from columns."""

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

    def __post_init__(self):
        # the fields selections look at, as codes into their few distinct values
        self._codes = {name: pd.factorize(self.frame[name]) for name in ("source", "type", "econ")}

    def mask(self, select: Select) -> np.ndarray:
        """Which atoms ``select`` takes."""
        ok = np.ones(len(self.frame), dtype=bool)
        if select.sources is not None:
            ok &= self._lookup("source", lambda u: u in select.sources)
        if select.types is not None:
            ok &= self._lookup("type", lambda u: u in select.types)
        if select.econ is not None:
            ok &= self._lookup("econ", lambda u: u.startswith(select.econ))
        return ok

    def _lookup(self, name: str, test) -> np.ndarray:
        codes, uniques = self._codes[name]
        return np.array([bool(test(u)) for u in uniques] + [False], dtype=bool)[codes]


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
    atoms = list(map(Atom._make, zip(*(frame[k].tolist() for k in (*FIELDS, "amount")))))
    return AtomTable(frame, atoms)

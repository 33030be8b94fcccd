"""The rounded atoms added up by project and by source, on the atoms' numbered columns.

The 绩效目标表 and the 情况说明 quote sums of the rounded line groups the tables add up.  At
1,000,000 lines there are some 900,000 atoms: making each an object to add it into a dict
took seconds of every build, while the TableSet holds them as numbered columns already.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..factorize import factorize
from ..tables.atoms import PROJECT_TYPE, AtomTable

FIELDS = ("unit", "type", "project", "source")

Column = Callable[[str], int]  # a source's name → the column its money adds to, -1: left out


class AtomColumns:
    """Per atom of a TableSet: the codes of its unit, type, project and source into their
    distinct values (-1: None), and its rounded amount in 百元."""

    def __init__(self, ts):
        table = getattr(ts.atoms, "table", None)  # tables.atoms.LazyAtoms: the columns as built
        if isinstance(table, AtomTable):
            self.codes = {k: table.codes[k] for k in FIELDS}
            self.uniques = {k: table.uniques[k] for k in FIELDS}
        else:  # atoms given as objects
            atoms = list(ts.atoms)
            self.codes, self.uniques = {}, {}
            for k in FIELDS:
                self.codes[k], self.uniques[k] = factorize([getattr(a, k) for a in atoms])
        self.amount = np.asarray(ts.rounded, dtype=np.int64).reshape(-1)

    def _per_atom(self, field: str, value_of: Callable, missing) -> np.ndarray:
        """``value_of`` of each atom's ``field`` (``missing`` where it is None)."""
        values = [value_of(u) for u in self.uniques[field]] + [missing]
        return np.array(values, dtype=np.int64)[self.codes[field]]

    def by_source(self, column_of: Column, width: int) -> list[int]:
        """The sum of every atom's amount in the column its source goes to."""
        col = self._per_atom("source", column_of, -1)
        out = np.zeros(width, dtype=np.int64)
        keep = col >= 0
        np.add.at(out, col[keep], self.amount[keep])
        return out.tolist()

    def by_project(self, column_of: Column, width: int) -> dict[tuple, list[int]]:
        """(unit, project) → the sums, per column, of its atoms (项目支出 with a project
        name): every project with an atom, whatever its sums."""
        project = self.codes["project"]
        named = self._per_atom("project", bool, 0).astype(bool)
        spent = self._per_atom("type", lambda t: t == PROJECT_TYPE, 0).astype(bool)
        picked = np.flatnonzero(named & spent)
        unit = self.codes["unit"][picked] + 1  # None (-1) is a unit of its own
        stride = len(self.uniques["project"]) + 1
        keys, group = np.unique(unit * stride + project[picked], return_inverse=True)
        col = self._per_atom("source", column_of, -1)[picked]
        keep = col >= 0
        sums = np.zeros((len(keys), width), dtype=np.int64)
        np.add.at(sums, (group.reshape(-1)[keep], col[keep]), self.amount[picked][keep])
        units, projects = self.uniques["unit"] + [None], self.uniques["project"]
        return {(units[k // stride - 1], projects[k % stride]): row
                for k, row in zip(keys.tolist(), sums.tolist())}

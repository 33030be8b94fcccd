"""Budget lines as columns, and their atoms (lines no table can tell apart) by grouping.

Every field is factorised to integer codes once; atoms are the groups of equal codes, in
the order of their first line, with amounts summed exactly in int64 分.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from ..factorize import factorize
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
    """The atoms as columns: per field, each atom's code into ``uniques[field]`` (None:
    -1), and ``amount`` in int64 分 — selecting and grouping atoms is integer arithmetic —
    and, when first asked for, as objects, index for index."""

    codes: dict[str, np.ndarray]
    uniques: dict[str, list]
    amount: np.ndarray
    # per line, in the lines' order, the codes of "unit" and "project" (a basic line's too):
    # the order units and projects are printed in is that of their first line
    line_codes: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.amount)

    @cached_property
    def atoms(self) -> list[Atom]:
        columns = (_values(self.uniques[k], self.codes[k]).tolist() for k in FIELDS)
        return list(map(Atom._make, zip(*columns, self.amount.tolist())))

    def atoms_at(self, indices: np.ndarray) -> list[Atom]:
        """The atoms ``indices``, without making them all (the engine needs a few thousand)."""
        if "atoms" in self.__dict__:
            return [self.atoms[i] for i in indices.tolist()]
        columns = (_values(self.uniques[k], self.codes[k][indices]).tolist() for k in FIELDS)
        return list(map(Atom._make, zip(*columns, self.amount[indices].tolist())))

    def first_seen(self, names: tuple[str, ...]) -> dict:
        """(value of each of ``names``) → rank of the combination's first line (None
        counts as a value; a name given as None stands for None on every line)."""
        codes = [self.line_codes[k] if k else np.full(len(self.line_codes["unit"]), -1)
                 for k in names]
        first = _first_appearance(codes)[1]
        values = [_values(self.uniques[k], c[first]).tolist() if k else [None] * len(first)
                  for k, c in zip(names, codes)]
        return {key: rank for rank, key in enumerate(zip(*values))}

    def ranks(self, name: str, fill=None, rank=None) -> np.ndarray:
        """Each atom's rank of its ``name`` among that field's values in sorted order (None:
        ``fill``, or -1); ``rank`` ranks a value instead of the sorted order."""
        values = [fill if u is None else u for u in self.uniques[name]]
        if rank is None:
            order = {v: i for i, v in enumerate(sorted(set(values) | ({fill} - {None})))}
            rank = order.__getitem__
        missing = -1 if fill is None else rank(fill)
        return np.array([rank(v) for v in values] + [missing], np.int64)[self.codes[name]]

    def where(self, name: str, test, rows: np.ndarray | None = None) -> np.ndarray:
        """Which atoms' ``name`` passes ``test`` (None never does); of the atoms ``rows`` only,
        when given."""
        passes = [bool(test(u)) for u in self.uniques[name]] + [False]
        codes = self.codes[name] if rows is None else self.codes[name][rows]
        return np.array(passes, dtype=bool)[codes]

    def mask(self, select: Select, rows: np.ndarray | None = None) -> np.ndarray:
        """Which atoms ``select`` takes (of the atoms ``rows`` only, when given)."""
        ok = np.ones(len(self) if rows is None else len(rows), dtype=bool)
        if select.sources is not None:
            ok &= self.where("source", lambda u: u in select.sources, rows)
        if select.types is not None:
            ok &= self.where("type", lambda u: u in select.types, rows)
        if select.econ is not None:
            ok &= self.where("econ", lambda u: u.startswith(select.econ), rows)
        return ok

    def groups(self, fields, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For the atoms ``rows``, a group number per distinct combination of ``fields``
        (numbered by first appearance), and per group the place in ``rows`` of its first atom."""
        return _first_appearance(self.codes[name][rows] for name in fields)


class LazyAtoms(Sequence):
    """The atoms of a table as a list made on first use: writing the tables as JSON never
    needs them, the narrative and the worksheet functions do."""

    def __init__(self, table: AtomTable):
        self._table = table

    @property
    def table(self) -> AtomTable:
        """The atoms as columns, for callers that sum them without making objects."""
        return self._table

    def __getitem__(self, i):
        return self._table.atoms[i]

    def __len__(self) -> int:
        return len(self._table)

    def __iter__(self):
        return iter(self._table.atoms)

    def __eq__(self, other) -> bool:
        return list(self) == list(other)


# A key table of this many entries per value at most: a master's fields have a few thousand
# values each, so their combinations are packed into one integer and numbered by a table
# lookup — numpy's unique sorts, forty times slower (3 million keys: 0.65 s against 0.02 s).
_TABLE_PER_VALUE = 4


def _first_appearance(code_columns) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the number of its combination of codes (-1 included) by first appearance,
    and per number the row where it first appears."""
    key, span = None, 1
    for codes in code_columns:
        codes = codes.astype(np.int64) + 1
        width = int(codes.max(initial=0)) + 1
        if key is None:
            key, span = codes, width
            continue
        if span * width > _table_bound(len(key)):
            # renumbered first (any numbering will do but the last), so that the combined
            # key stays small
            key, span = _dense(key, span)
        key = key * width + codes
        span *= width
    if key is None:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if span > _table_bound(len(key)):
        key, span = _dense(key, span)
    return _numbered(key, span)


def _table_bound(rows: int) -> int:
    return _TABLE_PER_VALUE * rows + (1 << 16)


def _dense(key: np.ndarray, span: int) -> tuple[np.ndarray, int]:
    """``key`` (in [0, span)) renumbered 0, 1, 2… in order of value, and how many values: by
    a table of the values present while it stays small, else by sorting."""
    if span > _table_bound(len(key)):
        _, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
        return inverse, int(inverse.max(initial=-1)) + 1
    present = np.zeros(span, bool)
    present[key] = True
    number = np.cumsum(present) - 1
    return number[key], int(number[-1]) + 1


def _numbered(key: np.ndarray, span: int) -> tuple[np.ndarray, np.ndarray]:
    """``key`` (in [0, span), span within a table's reach) renumbered 0, 1, 2… by first
    appearance, and each number's first row — passes over the rows and the table, no sort:
    the first row of every value by ``np.minimum.at``, then the values in order of those rows
    by placing each at its row."""
    n = len(key)
    first = np.full(span, n, np.int64)
    np.minimum.at(first, key, np.arange(n))
    seen = np.flatnonzero(first < n)
    at_row = np.full(n, -1, np.int64)
    at_row[first[seen]] = seen
    ordered = at_row[at_row >= 0]  # the values by their first row
    number = np.empty(span, np.int64)
    number[ordered] = np.arange(len(ordered))
    return number[key], first[ordered]


def make_atoms(lines) -> AtomTable:
    n = len(lines)
    # one comprehension per field: several times faster than getattr or attrgetter
    columns = {"unit": [ln.unit for ln in lines], "func": [ln.func for ln in lines],
               "econ": [ln.econ for ln in lines], "type": [ln.type for ln in lines],
               "project": [ln.project for ln in lines], "source": [ln.source for ln in lines]}
    codes, uniques = {}, {}
    for name in FIELDS:
        codes[name], uniques[name] = factorize(columns.pop(name))
    line_codes = {"unit": codes["unit"], "project": codes["project"]}
    # a basic line's project is ignored (the reader warns)
    project_type = [i for i, u in enumerate(uniques["type"]) if u == PROJECT_TYPE]
    basic = codes["type"] != project_type[0] if project_type else np.ones(n, bool)
    codes["project"] = np.where(basic, -1, codes["project"])
    amount = np.fromiter((ln.amount for ln in lines), dtype=np.int64, count=n)

    line_atom, first = _first_appearance(codes[name] for name in FIELDS)  # first: its first line
    sums = np.zeros(len(first), np.int64)
    np.add.at(sums, line_atom, amount)  # exact: integers, no float weights
    return AtomTable({name: codes[name][first] for name in FIELDS}, uniques, sums, line_codes)


def _values(uniques: list, codes: np.ndarray) -> np.ndarray:
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = uniques
    table[-1] = None  # code -1
    return table[codes]

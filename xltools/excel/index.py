"""What the worksheet functions compute from, kept between calls.

A sheet may hold hundreds of BUDGET_SUM formulas, all volatile (they depend on 收支明细,
which they do not reference), so each recalculation calls every one of them.  Reading the
lines back from Excel costs one range read per sheet; parsing them, building the tables and
rounding costs far more.  So each call reads the values (the only way to know they are
current), compares them with the values the index was built from, and rebuilds only when
they differ.  Query results are memoised on the index, so a repeated formula is a lookup.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from ..findings import Finding, Severity
from ..model import Master
from ..reader.live import read_master_from_sheets
from ..tables import build_tables
from ..tables.engine import TableSet
from .filters import FilterError, Query


@dataclass
class LinesIndex:
    """A master and, when it reads without errors, its tables and rounded atoms."""

    master: Master
    errors: list[Finding]
    tables: TableSet | None
    _sums: dict[Query, int] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, master: Master) -> "LinesIndex":
        errors = [f for f in master.findings if f.severity is Severity.ERROR]
        ts = build_tables(master) if master.info is not None and not errors else None
        return cls(master, errors, ts)

    def total(self, query: Query) -> int:
        """The sum of the rounded lines ``query`` selects, in 百元 (0.01 万元): every table
        figure is such a sum, so a query shaped like a table cell returns that figure."""
        if query not in self._sums:
            self._check_codes(query)
            ts = self.tables
            self._sums[query] = sum(r for atom, r in zip(ts.atoms, ts.rounded) if query.matches(atom))
        return self._sums[query]

    def _check_codes(self, query: Query) -> None:
        if query.func and query.func not in self.master.func_names:
            raise FilterError(f"功能分类科目“{query.func}”不在 {self.master.info.year} 年科目中。")
        for code in query.econ or ():
            if code not in self.master.econ_names:
                raise FilterError(f"经济分类科目“{code}”不在 {self.master.info.year} 年科目中。")


class IndexCache:
    """Per workbook and purpose, the last index and the values it was built from."""

    def __init__(self, size: int = 8):
        self._size = size
        self._entries: OrderedDict[tuple, tuple[tuple, object]] = OrderedDict()

    def get(self, key: tuple, sheets, build: Callable[[Master], object]):
        """The index of ``sheets`` (a BookSheets); built with ``build`` only when the
        values differ from those of the cached one."""
        snapshot = sheets.snapshot()
        entry = self._entries.get(key)
        if entry is not None and entry[0] == snapshot:
            self._entries.move_to_end(key)
            return entry[1]
        index = build(read_master_from_sheets(key[0], dict(snapshot)))
        self._entries[key] = (snapshot, index)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return index

    def clear(self) -> None:
        self._entries.clear()

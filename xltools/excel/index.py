"""What the worksheet functions compute from, kept between calls and between recalculations.

A sheet may hold hundreds of BUDGET_SUM formulas, all volatile (they depend on 收支明细,
which they do not reference), so every recalculation — after any edit to any cell — calls
every one of them, back to back.  Reading a master sheet crosses COM and carries each of its
cells; doing it once per formula froze Excel for seconds.  So the values are read once per
recalculation (a *burst*) and shared by every call of that burst, whatever its purpose:

- a burst is the calls that carry the same calculation stamp (the add-in's VBA counts
  calculations and edits, see macros/ThisWorkbook.cls) and follow one another within
  ``BURST_GAP`` seconds.  Without a stamp (functions imported with xlwings' Import
  Functions) the time gap alone delimits it.  A new stamp always starts a new burst, so an
  edit shows on the next recalculation; the gap also ends a burst when the VBA's events are
  off (Application.EnableEvents left False), so values are never older than the last pause.
- the first call of a burst reads the sheets (one range read each), compares their values
  with those the index was built from, and rebuilds only when they differ: parsing the lines
  and building the tables costs far more than reading them.

Query results are memoised on the index, so a repeated formula is a lookup.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .. import collector
from ..findings import Finding, Severity
from ..model import Master
from ..reader.live import read_master_from_sheets
from ..rounding_memo import RoundingMemo
from ..tables import build_tables
from ..tables.engine import TableSet
from .book import BookSheets, BookValues, label
from .filters import FilterError, Query

# Sorts after every code that starts with a given prefix (codes are digits).
_AFTER_EVERY_DIGIT = "\uffff"

# Seconds between two calls of one recalculation: Excel calls the formulas back to back
# (milliseconds apart), a person takes longer than this between two edits.
BURST_GAP = 0.25


class _ByFunc:
    """The rounded atoms sorted by 功能分类, each field a code into its few distinct values:
    the atoms under a code are one run (bisection), and a query's filters are decided once
    per distinct value, not once per atom.  After every edit each formula asks anew, and
    scanning atom objects was most of the recalculation."""

    def __init__(self, atoms, rounded, like: "_ByFunc | None" = None):
        if like is None:
            self.order = np.array(sorted(range(len(atoms)), key=lambda i: atoms[i].func), np.int64)
            self.funcs = [atoms[i].func for i in self.order.tolist()]
            self.fields = {name: _codes([getattr(atoms[i], name) for i in self.order.tolist()])
                           for name in ("source", "type", "econ")}
        else:  # the same atoms (an edit of amounts only): their arrangement holds
            self.order, self.funcs, self.fields = like.order, like.funcs, like.fields
        self.rounded = np.asarray(rounded, np.int64)[self.order]

    def total(self, query: Query) -> int:
        lo = bisect_left(self.funcs, query.func)
        hi = bisect_left(self.funcs, query.func + _AFTER_EVERY_DIGIT)
        ok = np.ones(hi - lo, bool)
        for name, test in (("source", None if query.sources is None else query.sources.__contains__),
                           ("type", None if query.types is None else query.types.__contains__),
                           ("econ", None if query.econ is None else lambda u: u.startswith(query.econ))):
            if test is not None:
                codes, uniques = self.fields[name]
                ok &= np.array([bool(test(u)) for u in uniques], bool)[codes[lo:hi]]
        return int(self.rounded[lo:hi][ok].sum())


def _codes(values: list) -> tuple[np.ndarray, list]:
    seen: dict = {}
    codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), np.int64, len(values))
    return codes, list(seen)


@dataclass
class LinesIndex:
    """A master and, when it reads without errors, its tables and rounded atoms."""

    master: Master
    errors: list[Finding]
    tables: TableSet | None
    _sums: dict[Query, int] = field(default_factory=dict, repr=False)
    _by_func: _ByFunc | None = field(default=None, repr=False)
    _like: _ByFunc | None = field(default=None, repr=False)  # the same atoms' before an edit

    @classmethod
    def build(cls, master: Master, previous: "LinesIndex | None" = None) -> "LinesIndex":
        """``previous``: the index of the same workbook before an edit.  After an edit of
        amounts only, its figures' layout is taken over and just the rounding redone."""
        errors = [f for f in master.findings if f.severity is Severity.ERROR]
        if master.info is None or errors:
            return cls(master, errors, None)
        layout = previous.tables.layout if previous is not None and previous.tables else None
        # 舍位平衡's answers kept on disk, one memo for the whole add-in (the buttons and
        # BUDGET_CHECK too): the master reopened tomorrow in a new Python server is not
        # searched again: neither the search nor its machine code is loaded for its first
        # recalculation.
        ts = build_tables(master, reuse=layout, memo=RoundingMemo.in_user_cache())
        same_atoms = previous is not None and ts.layout is layout
        return cls(master, errors, ts, _like=(previous._by_func or previous._like) if same_atoms else None)

    def total(self, query: Query) -> int:
        """The sum of the rounded lines ``query`` selects, in 百元 (0.01 万元): every table
        figure is such a sum, so a query shaped like a table cell returns that figure."""
        if query not in self._sums:
            self._check_codes(query)
            if self._by_func is None:
                self._by_func = _ByFunc(self.tables.atoms, self.tables.rounded, self._like)
            self._sums[query] = self._by_func.total(query)
        return self._sums[query]

    def _check_codes(self, query: Query) -> None:
        if query.func and query.func not in self.master.func_names:
            raise FilterError(f"功能分类科目“{query.func}”不在 {self.master.info.year} 年科目中。")
        for code in query.econ or ():
            if code not in self.master.econ_names:
                raise FilterError(f"经济分类科目“{code}”不在 {self.master.info.year} 年科目中。")


class _BookState:
    """One workbook: the burst in progress and, per purpose, the last index and the values
    it was built from."""

    def __init__(self):
        self.stamp: object = None
        self.last = float("-inf")
        self.values: BookValues | None = None
        self.current: dict[str, object] = {}
        self.built: dict[str, tuple[tuple, object]] = {}

    def start(self, values: BookValues, stamp: object) -> None:
        self.values, self.stamp, self.current = values, stamp, {}


class IndexCache:
    """Per workbook and purpose, the index the worksheet functions answer from."""

    def __init__(self, size: int = 8, gap: float = BURST_GAP, clock: Callable[[], float] = time.monotonic):
        self._size, self._gap, self._clock = size, gap, clock
        self._books: OrderedDict[tuple, _BookState] = OrderedDict()

    def get(self, book, purpose: str, only: tuple[str, ...] | None,
            build: Callable[[Master, object], object], stamp: object = None):
        """The index of ``book``'s sheets ``only`` (None: every sheet), built with
        ``build(master, the index built before for this purpose or None)``.

        Within a burst (same ``stamp``, within the gap of the previous call) nothing is read;
        otherwise the sheets are read once and the index rebuilt only if their values changed.
        """
        name = label(book)
        # The stamp's instance part keeps two Excel instances with same-named books apart.
        key = (name, str(stamp).partition(":")[0] if stamp is not None else None)
        state = self._books.get(key)
        if state is None:
            state = self._books[key] = _BookState()
        self._books.move_to_end(key)
        while len(self._books) > self._size:
            self._books.popitem(last=False)
        if stamp != state.stamp or self._clock() - state.last > self._gap:
            state.start(BookValues(book), stamp)
        try:
            if purpose not in state.current:
                state.current[purpose] = self._index(state, name, purpose, only, build)
            return state.current[purpose]
        finally:
            # From the end of the call: the first one of a burst may take a while to build.
            state.last = self._clock()

    @staticmethod
    def _index(state: _BookState, name: str, purpose: str, only, build):
        sheets = BookSheets(state.values, only)
        snapshot = sheets.snapshot()
        built = state.built.get(purpose)
        if built is not None and built[0] == snapshot:
            return built[1]
        # As for a command (collector.py): the lines, atoms and tables are thousands of
        # objects without cycles; a full collection falling into the build would walk them,
        # and every module the server has loaded, for a tenth of a second.
        with collector.paused():
            index = build(read_master_from_sheets(name, sheets), built[1] if built else None)
        state.built[purpose] = (snapshot, index)
        return index

    def clear(self) -> None:
        self._books.clear()

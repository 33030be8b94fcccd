"""收支明细's per-column rules applied to each DISTINCT value once, then mapped to the rows.

A master repeats its codes, types, sources and units on every line, so each column has
few distinct values: each is parsed once and the verdicts are spread over the rows with
numpy.  A row all of whose cells pass is a clean line, built here without a per-row
parse.  Every other row — anything that gives a finding, a formula problem, a merged
cell, a code the lists lack — goes through the reader's own per-row rules, so findings are
the same, word for word, in the same order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import is_

import numpy as np

from .. import collector
from ..codes import to_halfwidth
from ..factorize import factorize, factorize_ints
from ..model import Line
from ..money import UNIT_FACTORS, AmountError, parse_amount, to_fen
from ..sources import EXPENSE_TYPES, resolve

PROJECT_TYPE = "项目支出"
_NUMBERS = (bool, int, float)


def cell_text(value: object) -> str:
    """A cell as the text a person sees: 2080101 for the float 2080101.0, half-width digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return to_halfwidth(str(value)).strip() if isinstance(value, str) else str(value).strip()


@dataclass
class Column:
    """One column's rows as indices into its distinct values; -1 for None and NaN."""

    codes: np.ndarray
    uniques: list
    mixed: bool  # True and 1.0 hash alike: a column holding booleans is not mapped

    @classmethod
    def of(cls, values: list) -> "Column":
        codes, uniques = factorize(values)
        # 1.0 may have come first and stand for a later True: look at every value's type —
        # when a distinct value equals 0 or 1 (a True met first is one itself).
        mixed = any(u.__class__ in _NUMBERS and (u == 0 or u == 1) for u in uniques) \
            and bool in set(map(type, values))
        return cls(codes, uniques, mixed)

    def verdict(self, ok: list[bool]) -> np.ndarray:
        """Per row, ``ok`` of its distinct value (False for blanks)."""
        if self.mixed:
            return np.zeros(len(self.codes), dtype=bool)
        return np.append(np.asarray(ok, dtype=bool), False)[self.codes]

    def mapped(self, per_unique: list, blank=None) -> np.ndarray:
        out = np.empty(len(self.uniques) + 1, dtype=object)
        out[:-1] = per_unique
        out[-1] = blank
        return out[self.codes]


@dataclass
class CleanLines:
    """The rows that need no finding, and their parsed fields (arrays over those rows)."""

    rows: np.ndarray  # 0-based worksheet rows
    unit: np.ndarray
    func: np.ndarray
    econ: np.ndarray
    type: np.ndarray
    project: np.ndarray
    source: np.ndarray
    amount: np.ndarray  # 分, int64
    note: np.ndarray


def clean_lines(sheet, cols: dict, candidates: np.ndarray, entity: str, unit_name: str,
                func_code: Callable[[object], str | None], econ_code: Callable[[object], str | None],
                type_classes: dict, max_fen: int) -> CleanLines:
    """The rows among ``candidates`` (a bool mask over the sheet's rows) whose every cell
    passes the rules of master.py without a finding.  ``func_code``/``econ_code`` give a
    code cell's value its code when the reader's code rules have nothing to say about it."""
    ok = candidates.copy()
    func = _code_column(sheet.column(cols["功能分类科目"]), func_code)
    econ = _code_column(sheet.column(cols["经济分类科目"]), econ_code)
    ok &= func[0] & econ[0]

    types = Column.of(sheet.column(cols["支出类型"]))
    type_text = [cell_text(u).replace(" ", "") for u in types.uniques]
    ok &= types.verdict([t in EXPENSE_TYPES for t in type_text])
    type_row = types.mapped(type_text, "")

    if cols["项目名称"] is not None:
        projects = Column.of(sheet.column(cols["项目名称"]))
        project_text = [cell_text(u) or None for u in projects.uniques]
        project_row = projects.mapped(project_text)
        if projects.mixed:
            ok[:] = False
        # NaN reads as the text "nan", a project name
        written = np.asarray(sheet.column(cols["项目名称"]), dtype=object)
        nan = (projects.codes < 0) & (written != None)  # noqa: E711 — elementwise
        ok &= ~nan
    else:
        project_row = np.full(len(ok), None, dtype=object)
    has_project = project_row != None  # noqa: E711 — elementwise
    is_project = type_row == PROJECT_TYPE
    ok &= np.where(is_project, has_project, ~has_project)  # else a finding

    sources = Column.of(sheet.column(cols["资金来源"]))
    resolved = [resolve(t) if t else None for t in (cell_text(u) for u in sources.uniques)]
    ok &= sources.verdict([s is not None for s in resolved])
    source_row = sources.mapped([s.name if s else None for s in resolved])

    amount_ok, amount_row = _amount_column(sheet.column(cols["金额"]), unit_name, max_fen)
    ok &= amount_ok

    econ_row = econ[1]
    for type_, classes in type_classes.items():
        prefix_ok = np.array([c is not None and c.startswith(classes) for c in econ[2]] + [False])
        ok &= ~((type_row == type_) & ~prefix_ok[econ[3]])

    units = _text_column(sheet, cols["单位名称"])
    notes = _text_column(sheet, cols["备注"])
    rows = np.flatnonzero(ok)
    unit_row = units[rows] if units is not None else np.full(len(rows), "", dtype=object)
    unit_row = np.where(unit_row == "", entity, unit_row)
    note_row = notes[rows] if notes is not None else np.full(len(rows), None, dtype=object)
    note_row = np.where(note_row == "", None, note_row)
    return CleanLines(rows, unit_row, func[1][rows], econ_row[rows], type_row[rows],
                      np.where(is_project[rows], project_row[rows], None), source_row[rows],
                      amount_row[rows].astype(np.int64), note_row)


def _code_column(values: list, clean_code: Callable[[object], str | None]):
    """(row passes, code per row, code per distinct value, distinct index per row)."""
    col = Column.of(values)
    codes = [clean_code(u) for u in col.uniques]
    return (col.verdict([c is not None for c in codes]), col.mapped(codes), codes, col.codes)


def _amount_column(values, unit_name: str, max_fen: int) -> tuple[np.ndarray, np.ndarray]:
    """(row passes, 分 per row).  Amounts are mostly distinct numbers: a float x is taken
    in bulk when n = rint(x·factor) gives back x as n / factor — then the shortest decimal
    of x has no digit below the 分 (distinct decimals of that many places are distinct
    floats far beyond the amount bound) and n is its exact amount in 分.  Everything else
    (text, negatives, fractions of a 分…) goes through parse_amount, once per distinct value."""
    factor = UNIT_FACTORS[unit_name or "元"]
    n = len(values)
    is_float = np.fromiter(map(is_, map(type, values), repeat(float)), dtype=bool, count=n)
    x = np.zeros(n)
    x[is_float] = np.asarray(values, dtype=object)[is_float].astype(float) if is_float.any() else 0
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.rint(x * factor)
        ok = is_float & np.isfinite(x) & (x >= 0) & (scaled < max_fen) & (scaled / factor == x)
    fen = np.where(ok, scaled, 0).astype(np.int64)
    rest = np.flatnonzero(~ok)
    if len(rest):
        others = Column.of([values[r] for r in rest])
        parsed = [_fen(u, unit_name, max_fen) for u in others.uniques]
        ok[rest] = others.verdict([f is not None for f in parsed])
        fen[rest] = others.mapped([f or 0 for f in parsed], 0).astype(np.int64)
    return ok, fen


def _fen(value, unit_name: str, max_fen: int) -> int | None:
    """The amount in 分 when the cell gives no finding, else None."""
    try:
        amount, as_text = parse_amount(value)
    except AmountError:
        return None
    if as_text or amount < 0:
        return None
    fen, lost = to_fen(amount, unit_name or "元")
    if fen >= max_fen or (lost and unit_name):
        return None
    return fen


def _text_column(sheet, c: int | None) -> np.ndarray | None:
    if c is None:
        return None
    values = sheet.column(c)
    col = Column.of(values)
    out = col.mapped([cell_text(u) for u in col.uniques], "")
    for r in np.flatnonzero(col.codes < 0):  # None reads "", NaN "nan"
        out[r] = cell_text(values[r])
    if col.mixed:
        out = np.array([cell_text(v) for v in values], dtype=object)
    return out


def first_of_equal(fields: list[list]) -> np.ndarray:
    """Per item (items given as parallel lists of their fields), the index of the first
    item equal to it in every field."""
    n = len(fields[0]) if fields else 0
    key = np.zeros(n, dtype=np.int64)
    for values in fields:
        codes, uniques = factorize(values)  # None → -1
        key = factorize_ints(key * (len(uniques) + 1) + codes + 1)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first[inverse]


def distinct(values) -> list:
    """The values that are not None, each once (equal ones as dict keys are: 1.0 and True
    are one), in the order they first come."""
    seen = dict.fromkeys(values)
    seen.pop(None, None)
    return list(seen)


def new_lines(*fields: list) -> list[Line]:
    """Lines from their fields given column by column (row, unit, … note).  A frozen
    dataclass's __init__ sets each field through object.__setattr__; setting the slots
    column by column takes half the time, for the hundreds of thousands of clean lines."""
    if hasattr(Line, "__post_init__") or len(fields) != len(Line.__slots__):
        return list(map(Line, *fields))
    with collector.paused():  # a million new lines would set it off a thousand times
        lines = list(map(object.__new__, repeat(Line, len(fields[0]))))
        for name, values in zip(Line.__slots__, fields):
            deque(map(getattr(Line, name).__set__, lines, values), maxlen=0)
    return lines

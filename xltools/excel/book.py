"""The workbook open in Excel, as the core reads it: sheets of values, a name, a folder.

Everything here works on any object shaped like an xlwings ``Book`` — ``book.name``,
``book.fullname``, ``book.sheets`` (iterable, and indexable by name), each sheet's
``.name`` and ``.used_range`` with ``.row``, ``.column`` and ``.options(...).value`` — so
the add-in's logic runs, and is tested, without Excel.  Nothing here imports xlwings.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from ..model import Master
from ..reader.headers import normalise
from ..reader.live import read_master_from_sheets
from ..reader.master import DICT_SHEET, INFO_SHEET, LINES_SHEET

# Excel's error values as COM hands them over (0x800A0000 + the xlErr code, as a signed
# 32-bit int).  xlwings turns the classic seven into text; newer ones (#SPILL! …) would
# reach us as bare ints and be taken for amounts.
_COM_ERROR_BASE = -2146828288
_COM_ERRORS = {2000: "#NULL!", 2007: "#DIV/0!", 2015: "#VALUE!", 2023: "#REF!", 2029: "#NAME?",
               2036: "#NUM!", 2042: "#N/A", 2043: "#GETTING_DATA", 2045: "#SPILL!",
               2046: "#CONNECT!", 2047: "#BLOCKED!", 2048: "#UNKNOWN!", 2049: "#FIELD!",
               2050: "#CALC!", 2051: "#BUSY!"}

# The sheets the worksheet functions depend on (amounts, codes, names); the checks read
# every sheet the master parser knows.
FUNCTION_SHEETS = (INFO_SHEET, LINES_SHEET, DICT_SHEET)


def cell_value(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        code = value - _COM_ERROR_BASE
        if code in _COM_ERRORS:
            return _COM_ERRORS[code]
    return value


def sheet_rows(sheet) -> list[list[object]]:
    """A sheet's values from A1 to the end of its used range, one list per row."""
    used = sheet.used_range
    values = used.options(ndim=2, err_to_str=True).value
    top, left = used.row - 1, used.column - 1
    rows: list[list[object]] = [[] for _ in range(top)]
    for raw in values:
        rows.append([None] * left + [cell_value(v) for v in raw])
    return rows


class BookValues:
    """A live book's sheet names and values, each read from Excel at most once.

    One of these stands for one moment of the workbook: every reader sharing it sees the
    same values, and a sheet read for one purpose is not read again for another.
    """

    def __init__(self, book):
        self.book = book
        self._names: list[str] | None = None
        self._rows: dict[str, list[list[object]]] = {}

    @property
    def names(self) -> list[str]:
        if self._names is None:
            self._names = [s.name for s in self.book.sheets]
        return self._names

    def rows(self, name: str) -> list[list[object]]:
        if name not in self._rows:
            self._rows[name] = sheet_rows(self.book.sheets[name])
        return self._rows[name]


class BookSheets(Mapping):
    """``{sheet name: rows}`` of a live book, read from Excel when first asked for.

    ``only`` limits the sheets that exist (by the master's own matching of names), so that
    a worksheet function reads three small ranges, not the whole workbook.  ``source`` is
    the book, or a BookValues shared with other readers of the same moment.
    """

    def __init__(self, source, only: tuple[str, ...] | None = None):
        self._values = source if isinstance(source, BookValues) else BookValues(source)
        names = self._values.names
        if only is not None:
            wanted = {normalise(n) for n in only}
            names = [n for n in names if normalise(n) in wanted]
        self._names = names

    def __getitem__(self, name: str) -> list[list[object]]:
        if name not in self._names:
            raise KeyError(name)
        return self._values.rows(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def snapshot(self) -> tuple:
        """Every value of every sheet, hashable and comparable: the worksheet functions
        rebuild their index only when this changes."""
        return tuple((name, tuple(tuple(row) for row in self[name])) for name in self._names)


def label(book) -> str:
    """How findings and messages name the workbook: its path, or Excel's name if unsaved."""
    return getattr(book, "fullname", None) or book.name


def folder(book) -> Path | None:
    """The folder of the saved workbook, or None (never saved, or on SharePoint/OneDrive
    where Excel's path is a web address)."""
    path = os.path.dirname(label(book))
    return Path(path) if path and "://" not in path and os.path.isdir(path) else None


def output_folder(book) -> Path:
    """Where outputs go: next to the workbook, else the user's Documents folder."""
    found = folder(book)
    if found is not None:
        return found
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def read_live_master(book, only: tuple[str, ...] | None = None) -> Master:
    """The master in ``book`` as it is now, unsaved changes included.  Only the sheets the
    parser reads are fetched from Excel; the others are known by name only."""
    return read_master_from_sheets(label(book), BookSheets(book, only))

"""A workbook shaped like xlwings' ``Book`` that counts what crossing COM would cost.

In Excel every ``range.value`` is a round trip to another process that carries each cell of
the range; that, not Python, is what makes a worksheet function slow.  ``FakeBook`` answers
from values in memory and counts each read (``reads``) and the cells it carried (``cells``),
per sheet too (``reads_of``), so a benchmark or a test can say how often the add-in went to
Excel.  The values are as xlwings hands them over: numbers as floats, empty cells as None,
error values as their text (``err_to_str``).

Used by benchmarks/udf.py and by the add-in's tests (tests/test_excel_udfs.py and the ones
importing it); not product code.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path


def excel_value(value: object) -> object:
    """A cell value as Excel hands it over: every number a float."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _cell(ref: str) -> tuple[int, int]:
    """``"G12"`` → (row 12, column 7), both 1-based."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref.upper())
    if m is None:
        raise ValueError(f"not a cell reference: {ref}")
    column = 0
    for ch in m.group(1):
        column = column * 26 + ord(ch) - 64
    return int(m.group(2)), column


class FakeRange:
    """A rectangle of a sheet; reading ``.value`` is the counted round trip."""

    def __init__(self, sheet: "FakeSheet", row: int, column: int, rows: int, columns: int):
        self.sheet = sheet
        self.row, self.column = row, column
        self._rows, self._columns = rows, columns
        self._options: dict = {}

    def options(self, **kwargs) -> "FakeRange":
        out = FakeRange(self.sheet, self.row, self.column, self._rows, self._columns)
        out._options = kwargs
        return out

    @property
    def value(self):
        grid = self.sheet._values
        top, left = self.row - self.sheet._row, self.column - self.sheet._column
        values = [[grid[r][c] if 0 <= r < len(grid) and 0 <= c < len(grid[r]) else None
                   for c in range(left, left + self._columns)]
                  for r in range(top, top + self._rows)]
        self.sheet.book._count(self.sheet.name, self._rows * self._columns)
        if self._options.get("ndim") == 2 or (self._rows > 1 and self._columns > 1):
            return values
        if self._rows == 1 and self._columns == 1:
            return values[0][0]
        return [v for row in values for v in row]

    @value.setter
    def value(self, new: object) -> None:
        if self._rows != 1 or self._columns != 1:
            raise NotImplementedError("the fake writes one cell at a time")
        self.sheet.set(self.row, self.column, new)


class FakeSheet:
    """A sheet whose used range starts at (``row``, ``column``) and holds ``values``."""

    def __init__(self, book: "FakeBook", name: str, values: list[list[object]], row: int = 1,
                 column: int = 1):
        self.book, self.name = book, name
        self._values = [[excel_value(v) for v in r] for r in values] or [[None]]
        self._row, self._column = row, column

    @property
    def used_range(self) -> FakeRange:
        width = max(len(r) for r in self._values)
        return FakeRange(self, self._row, self._column, len(self._values), width)

    def range(self, ref: str) -> FakeRange:
        row, column = _cell(ref)
        return FakeRange(self, row, column, 1, 1)

    def set(self, row: int, column: int, value: object) -> None:
        """Write one cell, as a person typing into it (the used range grows as Excel's does)."""
        if row < self._row or column < self._column:
            raise NotImplementedError("the fake's used range only grows down and right")
        r, c = row - self._row, column - self._column
        while len(self._values) <= r:
            self._values.append([])
        line = self._values[r]
        line.extend([None] * (c + 1 - len(line)))
        line[c] = excel_value(value)


class FakeSheets:
    def __init__(self, sheets: list[FakeSheet]):
        self._sheets = sheets

    def __iter__(self):
        return iter(self._sheets)

    def __len__(self) -> int:
        return len(self._sheets)

    def __getitem__(self, name: str) -> FakeSheet:
        found = next((s for s in self._sheets if s.name == name), None)
        if found is None:
            raise KeyError(name)
        return found


class Caller:
    """The calling cell xlwings passes a worksheet function as ``caller``."""

    def __init__(self, sheet: FakeSheet, address: str = "$A$1"):
        self.sheet, self.address = sheet, address


class FakeBook:
    """``{sheet name: rows}`` behind the part of xlwings' Book the add-in uses."""

    def __init__(self, name: str, sheets: dict[str, list[list[object]]], fullname: str | None = None,
                 origins: dict[str, tuple[int, int]] | None = None):
        self.name = name
        self.fullname = fullname or name
        self.sheets = FakeSheets([FakeSheet(self, n, rows, *(origins or {}).get(n, (1, 1)))
                                  for n, rows in sheets.items()])
        self.reads = 0
        self.cells = 0
        self.reads_of: Counter[str] = Counter()

    @classmethod
    def from_xlsx(cls, path: str | Path, edits: dict[str, dict[str, object]] | None = None) -> "FakeBook":
        """The values of an .xlsx as Excel shows them once opened (cached formula results)."""
        import openpyxl

        path = Path(path)
        wb = openpyxl.load_workbook(path, data_only=True, read_only=False)
        sheets, origins = {}, {}
        for ws in wb.worksheets:
            for ref, value in (edits or {}).get(ws.title, {}).items():
                ws[ref] = value
            top, left = ws.min_row, ws.min_column
            sheets[ws.title] = [list(r) for r in ws.iter_rows(min_row=top, min_col=left, values_only=True)]
            origins[ws.title] = (top, left)
        wb.close()
        return cls(path.name, sheets, str(path), origins)

    def add_sheet(self, name: str, rows: list[list[object]]) -> FakeSheet:
        sheet = FakeSheet(self, name, rows)
        self.sheets._sheets.append(sheet)
        return sheet

    def _count(self, sheet: str, cells: int) -> None:
        self.reads += 1
        self.cells += cells
        self.reads_of[sheet] += 1

    def reset_counts(self) -> None:
        self.reads = self.cells = 0
        self.reads_of.clear()

    def edit(self, sheet: str, ref: str, value: object) -> None:
        """A person types ``value`` into ``sheet!ref`` (not counted: Excel's own work)."""
        self.sheets[sheet].set(*_cell(ref), value)

    def value(self, sheet: str, ref: str) -> object:
        """One cell, uncounted: for tests that look before they edit."""
        s = self.sheets[sheet]
        row, column = _cell(ref)
        r, c = row - s._row, column - s._column
        return s._values[r][c] if 0 <= r < len(s._values) and 0 <= c < len(s._values[r]) else None

    def cell(self, sheet: str = "收支明细", address: str = "$A$1") -> Caller:
        """A calling cell on ``sheet``, as xlwings passes ``caller``."""
        return Caller(self.sheets[sheet], address)

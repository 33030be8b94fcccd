"""A worksheet that takes tens of thousands of uniform rows at the cost of string formatting.

The 校验 sheet of a 100,000-line master has one row per identity, about 50,000 rows of nine
cells, five of them formulas.  Through XlsxWriter's cell API each cell is checked, wrapped in
a tuple, and later turned into XML attribute by attribute: 19 s of a profiled 45 s workbook.
Here a row's cells are kept as XML fragments (strings still go to the workbook's shared
string table, formats are resolved to their index when the sheet is assembled, exactly as
XlsxWriter does) and written after the rows XlsxWriter manages, which must all lie above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import StringIO
from typing import Callable, Iterable

from xlsxwriter.utility import xl_col_to_name

from .classic_formulas import ClassicFormulaSheet

MAX_STRING = 32767  # Excel's limit for a cell's text, in UTF-16 units


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula (no leading =) with the value it computes, stored so any viewer shows it."""

    body: str
    value: float | int | str


_LETTERS: list[str] = []


def _letters(last: int) -> list[str]:
    """Column letters A, B, … up to column ``last`` (zero-based), made once."""
    while len(_LETTERS) <= last:
        _LETTERS.append(xl_col_to_name(len(_LETTERS)))
    return _LETTERS


def fit(text: str) -> str:
    """``text`` cut to what Excel holds in a cell, as XlsxWriter cuts it."""
    if len(text) > MAX_STRING // 2 and len(text.encode("utf-16-le")) // 2 > MAX_STRING:
        return text.encode("utf-16-le")[:2 * MAX_STRING].decode("utf-16-le", "ignore")
    return text


def escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class Grid:
    """Cells, merges and row heights collected for a whole sheet, then appended as bulk rows.

    Takes the calls sheet-layout code makes — ``set_row``, ``merge_range``, ``write_string``,
    ``write_number``, ``write_blank`` — with XlsxWriter's meaning (a later write replaces an
    earlier one; a merge fills its range with formatted blanks); ``flush`` writes them.
    """

    def __init__(self, ws: BulkRowsSheet):
        self.ws = ws
        self.cells: dict[int, dict[int, tuple]] = {}
        self.heights: dict[int, float] = {}
        self.merges: list[tuple[int, int, int, int]] = []

    def __getattr__(self, name: str):
        # Page set-up and the rest go to the worksheet itself.
        return getattr(self.ws, name)

    def set_row(self, row: int, height: float) -> None:
        # XlsxWriter stores whole pixels: the same rounding keeps the heights identical.
        self.heights[row] = 0.75 * int(height * 4.0 / 3.0 + 0.5)

    def _put(self, row: int, col: int, value, fmt) -> None:
        self.cells.setdefault(row, {})[col] = (col, value, fmt)

    def write(self, row: int, col: int, value, fmt=None) -> None:
        if value is None or value == "":
            self.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            self.write_string(row, col, value, fmt)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.write_number(row, col, value, fmt)
        else:
            raise TypeError(f"Grid.write takes text or a number, not {type(value).__name__}")

    def write_string(self, row: int, col: int, text: str, fmt=None) -> None:
        self.cells.setdefault(row, {})[col] = (col, text, fmt)  # _put, inline: every figure

    def write_number(self, row: int, col: int, number, fmt=None) -> None:
        self.cells.setdefault(row, {})[col] = (col, number, fmt)

    def write_blank(self, row: int, col: int, _blank=None, fmt=None) -> None:
        if fmt is not None:  # XlsxWriter leaves out a blank without format too
            self._put(row, col, None, fmt)

    def merge_range(self, first_row: int, first_col: int, last_row: int, last_col: int, text: str,
                    fmt=None) -> None:
        self.merges.append((first_row, first_col, last_row, last_col))
        for row in range(first_row, last_row + 1):
            for col in range(first_col, last_col + 1):
                self._put(row, col, None, fmt)
        if text:
            self._put(first_row, first_col, text, fmt)

    def flush(self) -> None:
        for row in sorted(self.cells.keys() | self.heights.keys()):
            cells = self.cells.get(row, {})
            self.ws.bulk_row(row, [cells[c] for c in sorted(cells)], self.heights.get(row))
        for merge in self.merges:
            self.ws.bulk_merge(*merge)


class BulkRowsSheet(ClassicFormulaSheet):
    """``bulk_row`` appends a whole row; ordinary writes stay for the rows above the first."""

    def _initialize(self, init_data) -> None:
        super()._initialize(init_data)
        # (row, its XML, the formats its %s stand for: None where it is final)
        self._bulk: list[tuple[int, str, tuple | None]] = []
        self._last_col = 0
        self._later: tuple[int, Callable[[Callable], Iterable[str]]] | None = None

    def rows_later(self, first: int, last: int, last_col: int,
                   render: Callable[[Callable], Iterable[str]]) -> None:
        """Rows ``first``–``last`` (zero-based, after every bulk row), made only as the sheet
        is written: ``render(style)`` yields each row's XML, whole, as ``bulk_row`` writes
        it, with ``style(format)`` the format's index (resolved then, as XlsxWriter does).
        Strings must already be in the shared string table.  A row held as XML until the
        workbook closes costs ten times its cells' data: 校验 has 500,000 rows at 1,000,000
        lines."""
        if self._later is not None or (self._bulk and first <= self._bulk[-1][0]):
            raise ValueError(f"rows made later must come last: row {first}")
        if self._check_dimensions(first, 0) or self._check_dimensions(last, last_col):
            raise ValueError(f"row {last + 1} is outside the worksheet")
        self._last_col = max(self._last_col, last_col)
        self._later = (first, render)

    def bulk_row(self, row: int, cells, height: float | None = None) -> None:
        """Append row ``row`` (zero-based, after every earlier one) of ``cells``: (col, value,
        format) with value a number, a string, a Formula or None (a formatted blank).
        ``height`` in points, None for the default."""
        if self._bulk and row <= self._bulk[-1][0]:
            raise ValueError(f"bulk rows must be appended in order: row {row} after {self._bulk[-1][0]}")
        if self._later is not None:
            raise ValueError(f"rows made later must come last: row {row} after them")
        # The row becomes its XML now, each cell's style attribute a %s: formats are numbered
        # only as the sheet is written (XlsxWriter's order), then filled in by one % per row.
        r = row + 1
        parts = [f'<row r="{r}" ht="{height:.16g}" customHeight="1">' if height is not None
                 else f'<row r="{r}">']
        append = parts.append
        fmts = []
        shared = self.str_table._get_shared_string_index
        letters = _letters(max((col for col, _, _ in cells), default=0))
        first, last = None, 0
        # Dispatch on the exact type first: this loop runs for every cell of every bulk row.
        for col, value, fmt in cells:
            if first is None or col < first:
                first = col
            if col > last:
                last = col
            fmts.append(fmt)
            kind = type(value)
            if kind is str or (kind is not Formula and isinstance(value, str)):
                append(f'<c r="{letters[col]}{r}"%s t="s"><v>{shared(fit(value))}</v></c>')
            elif value is None:
                append(f'<c r="{letters[col]}{r}"%s/>')
            elif kind is Formula:
                body = escape(value.body).replace("%", "%%")
                if isinstance(value.value, str):
                    append(f'<c r="{letters[col]}{r}"%s t="str"><f>{body}</f>'
                           f'<v>{escape(value.value).replace("%", "%%")}</v></c>')
                else:
                    append(f'<c r="{letters[col]}{r}"%s><f>{body}</f><v>{value.value}</v></c>')
            else:
                append(f'<c r="{letters[col]}{r}"%s><v>{value:.16G}</v></c>')
        append("</row>")
        # Keeps <dimension>, print areas and autofilters right, as an ordinary write would.
        if self._check_dimensions(row, last) or self._check_dimensions(row, first or 0):
            raise ValueError(f"row {row + 1} is outside the worksheet")
        self._last_col = max(self._last_col, last)
        self._bulk.append((row, "".join(parts), tuple(fmts)))

    def xml_row(self, row: int, xml: str, first_col: int, last_col: int) -> None:
        """Append row ``row`` already written as XML, as ``bulk_row`` writes it, with its
        cells' formats resolved by the caller: only where every cell of the workbook before
        it was resolved in order (``resolve_formats``), or the styles would be numbered
        otherwise than XlsxWriter numbers them.  Cells span ``first_col``–``last_col``."""
        if self._bulk and row <= self._bulk[-1][0]:
            raise ValueError(f"bulk rows must be appended in order: row {row} after {self._bulk[-1][0]}")
        if self._later is not None:
            raise ValueError(f"rows made later must come last: row {row} after them")
        if self._check_dimensions(row, last_col) or self._check_dimensions(row, first_col):
            raise ValueError(f"row {row + 1} is outside the worksheet")
        self._last_col = max(self._last_col, last_col)
        self._bulk.append((row, xml, None))

    def resolve_formats(self) -> None:
        """Number the formats of the bulk rows now, in the order writing them would."""
        for _, _, fmts in self._bulk:
            for fmt in fmts or ():
                if fmt is not None:
                    fmt._get_xf_index()

    def bulk_merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Merge a range whose cells (value and formatted blanks) come through ``bulk_row``."""
        self.merge.append([first_row, first_col, last_row, last_col])

    def _write_rows(self) -> None:
        super()._write_rows()
        if not self._bulk and self._later is None:
            return
        first = self._bulk[0][0] if self._bulk else self._later[0]
        managed = [r for r, cells in self.table.items() if cells] + list(self.row_info)
        if managed and max(managed) >= first:
            raise ValueError(f"row {max(managed) + 1} was written cell by cell below the bulk rows")
        write = self.fh.write
        styles: dict[int, int] = {}  # id(format) → its index, resolved once per format
        attrs: dict[int, str] = {}  # id(format) → the cells' style attribute

        def style_of(fmt) -> int:
            index = styles.get(id(fmt))
            if index is None:
                index = styles[id(fmt)] = 0 if fmt is None else fmt._get_xf_index()
            return index

        def attr_of(fmt) -> str:
            attr = attrs.get(id(fmt))
            if attr is None:
                index = style_of(fmt)
                attr = attrs[id(fmt)] = f' s="{index}"' if index else ""
            return attr

        # Each row is let go as it is written: the sheet is written once, when the workbook
        # closes, and a workbook of thousands of sheets holds all their XML by then.
        bulk, self._bulk = self._bulk, []
        bulk.reverse()
        while bulk:
            _, xml, fmts = bulk.pop()
            write(xml if fmts is None else xml % tuple([attr_of(fmt) for fmt in fmts]))
        if self._later is not None:
            for xml in self._later[1](style_of):
                write(xml)


class SameLayoutSheet(BulkRowsSheet):
    """One of thousands of sheets set up alike (columns, page, print options, footer): the
    first is written whole by XlsxWriter and the XML around its dimension, rows and merges
    kept in ``layout``, a dict the caller shares between the sheets of one workbook; the
    others write only those three themselves (XlsxWriter's own XML of the rest took a
    fifth of a 绩效 workbook's time).  The caller answers for the set-up being the same; a
    selected, active or hidden sheet is keyed apart."""

    layout: dict | None = None

    def _assemble_xml_file(self) -> None:
        key = (self.selected, self.active, self.hidden)
        pieces = None if self.layout is None else self.layout.get(key)
        if pieces is None:
            self._assemble_and_keep(key)
            return
        head, middle, between, tail = pieces
        write = self.fh.write
        write(head)
        self._write_dimension()
        write(middle)
        self._write_sheet_data()
        write(between)
        self._write_merge_cells()
        write(tail)
        self._xml_close()

    def _assemble_and_keep(self, key) -> None:
        target, internal = self.fh, self.internal_fh
        self.fh, self.internal_fh = StringIO(), False
        super()._assemble_xml_file()
        xml = self.fh.getvalue()
        self.fh, self.internal_fh = target, internal
        target.write(xml)
        self._xml_close()
        if self.layout is None:
            return
        dimension = re.search(r'<dimension ref="[^"]*"/>', xml)
        data = re.search(r"<sheetData/>|<sheetData>.*</sheetData>", xml, re.S)
        merges = re.search(r'<mergeCells count="\d+">.*</mergeCells>', xml, re.S)
        if dimension and data and merges and dimension.end() <= data.start() and data.end() <= merges.start():
            self.layout[key] = (xml[:dimension.start()], xml[dimension.end():data.start()],
                                xml[data.end():merges.start()], xml[merges.end():])

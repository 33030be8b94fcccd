"""Read a big worksheet's values as a stream of sparse columns, never as a dense grid.

calamine builds the whole used range in memory before handing out a row; a million-line
收支明细 (or a table with one stray value far below it) is read here instead, one piece of
XML at a time, keeping only the cells that hold something, column by column.  Values take
the types calamine gives them — text, float, bool — so the parser sees the same thing
either way; number formats are not looked at (a date-formatted number stays a number).
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field

import numpy as np

from .sheetscan import _FORMULA_TAG, _chunks, _formulas, col_index, formula_problem, walk_cells

# A cell with its address first (Excel, WPS, XlsxWriter and openpyxl all write r first),
# then the value in one of the forms nearly every cell takes, which the pass decodes in bulk
# — a number (its text alone; LibreOffice adds t="n"), a shared string's index or an inline
# text (with the markup around it, so that one dict maps either to its value) — or any cell
# at all: its attributes and body ("" for <c …/>).  Pieces where not every cell matches (no address, a namespace
# prefix) are walked instead.
_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]{1,7})"(?: s="[0-9]+")?'
                   rb'(?:(?: t="n")?><v>([^<]+)</v></c>|( t="s"><v>[^<]+</v>| t="inlineStr"><is><t>[^<]+</t></is>)</c>'
                   rb'|([^>/]*)(?:/>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>))')
_SHARED, _INLINE, _INLINE_END = b' t="s"><v>', b' t="inlineStr"><is><t>', b"</t></is>"
# A cell's start tag, with or without a prefix: outside the cells the pattern took, one
# means a cell it did not take.
_CELL_TAG = re.compile(rb'<(?:\w+:)?c[\s/>]')
_TYPE = re.compile(rb'\bt="(\w+)"')
_V = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')
_T = re.compile(rb'<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>')
_PHONETIC = re.compile(rb'<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>', re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
# Runs of text between tags taken whole, not a character at a time (.*?): LibreOffice writes
# every string as rich text, a few hundred bytes each.
_SI = re.compile(rb'<(?:\w+:)?si>([^<]*(?:<(?!/(?:\w+:)?si>)[^<]*)*)</(?:\w+:)?si>|<(?:\w+:)?si/>')


@dataclass
class SparseColumn:
    rows: np.ndarray  # 0-based worksheet rows (int64), in the order of the XML
    values: np.ndarray  # object array: text, float or bool


@dataclass
class SparseSheet:
    """The cells of a sheet that hold something, per 0-based column."""

    columns: dict[int, SparseColumn]
    nrows: int  # 1 + the last row holding something
    merged: tuple = ()  # ((first row, first col), (last row, last col)), 0-based, as calamine
    beyond: str | None = None  # read with limits: the cell where one was passed
    too_many: str | None = None  # which: "rows" or "cells"
    # Rows with a cell holding something other than blanks (text of spaces is blank).
    nonblank_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    # Columns asked for whole (dense), each then held instead of its sparse form: for a
    # big sheet the two would take twice the memory.
    whole: dict[int, np.ndarray] = field(default_factory=dict)

    def dense(self, col: int) -> np.ndarray:
        """Column ``col`` as ``nrows`` values (an object array, read-only), None where blank."""
        out = self.whole.get(col)
        if out is None:
            out = self.whole[col] = np.full(self.nrows, None, dtype=object)
            column = self.columns.pop(col, None)
            if column is not None and len(column.rows):
                out[column.rows] = column.values
            out.flags.writeable = False
        return out

    def filled_rows(self) -> np.ndarray:
        """Per row, whether a cell holds something other than blanks."""
        mask = np.zeros(self.nrows, dtype=bool)
        mask[self.nonblank_rows] = True
        return mask

    def _cells(self):
        """(column, its rows, their values) for every column, sparse or whole."""
        yield from ((c, column.rows, column.values) for c, column in self.columns.items())
        for c, values in self.whole.items():
            rows = np.flatnonzero(values != None)  # noqa: E711 — elementwise
            yield c, rows, values[rows]

    def row(self, r: int) -> list[object]:
        found = {}
        for c, column in self.columns.items():
            i = int(np.searchsorted(column.rows, r))
            if i < len(column.rows) and column.rows[i] == r:
                found[c] = column.values[i]
        for c, values in self.whole.items():
            if r < len(values) and values[r] is not None:
                found[c] = values[r]
        out = [None] * (max(found) + 1 if found else 0)
        for c, v in found.items():
            out[c] = v
        return out

    def rows(self) -> list[list[object]]:
        """The dense rows the small-sheet reader gives (row r ends at its last value)."""
        cells = list(self._cells())
        width: dict[int, int] = {}
        for c, rows, _ in cells:
            for r in rows.tolist():
                if width.get(r, 0) <= c:
                    width[r] = c + 1
        out: list[list[object]] = [[] for _ in range(self.nrows)]
        for r, w in width.items():
            out[r] = [None] * w
        for c, rows, values in cells:
            for r, v in zip(rows.tolist(), values.tolist()):
                out[r][c] = v
        return out


def shared_strings(zf: zipfile.ZipFile, part: str | None) -> list[str]:
    if not part or part not in zf.namelist():
        return []
    data = zf.read(part)
    out = []
    for body in _SI.findall(data):
        if b"rPh" in body:
            body = _PHONETIC.sub(b"", body)
        out.append(_text(b"".join(_T.findall(body))))
    return out


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


def read_sparse(zf: zipfile.ZipFile, part: str, strings: list[str], row_limit: int | None = None,
                formulas: dict[str, str] | None = None, cell_limit: int | None = None) -> SparseSheet:
    """Read ``part``.  With ``row_limit`` the pass also bounds the sheet (instead of a scan
    before it): it stops at the first row past ``row_limit`` rows holding something and
    returns what it has, with ``beyond`` set to a cell of that row; formula cells without
    a value or holding an error are collected into ``formulas``; past ``cell_limit`` cells
    it stops the same way."""
    reader = _Pieces(strings, row_limit, cell_limit)
    merged = []
    state = {"row": 0}
    with zf.open(part) as fh:
        for chunk in _chunks(fh):
            # The cells' groups, each a list: split gives them flat, in order, with what lies
            # between the cells, and makes no tuple per cell.
            parts = _CELL.split(chunk)
            addr, attrs, body = parts[1::_STRIDE], parts[4::_STRIDE], parts[5::_STRIDE]
            # Whatever the pattern left — the rows' tags, the XML around sheetData, the few
            # cells in no bulk form — is small: looked at instead of the whole piece.
            outside = b"".join(parts[0::_STRIDE])
            odd = b"".join(filter(None, attrs)) + b"".join(filter(None, body))
            if _CELL_TAG.search(outside) or _CELL_TAG.search(odd):
                # Cells without an address, or prefixed tags: every cell one by one.
                del parts
                groups = _walk(chunk, state)
                if b"mergeCell" in chunk:
                    merged += _merged(chunk)
                if formulas is not None and (b't="e"' in chunk or ((b"<f" in chunk or b":f" in chunk)
                                                                   and _FORMULA_TAG.search(chunk))):
                    _formulas(chunk, formulas)
            else:
                groups = (addr, parts[2::_STRIDE], parts[3::_STRIDE], attrs, body)
                del parts
                if b"mergeCell" in outside or b"mergeCell" in odd:
                    merged += _merged(outside + odd)
                if formulas is not None and (b't="e"' in odd or _FORMULA_TAG.search(odd)):
                    for i in _given(attrs):
                        problem = formula_problem(attrs[i], body[i] or b"")
                        if problem is not None:
                            formulas[addr[i].decode("ascii")] = problem
            if groups[0] and not reader.add(*groups):
                break
    return reader.sheet(tuple(merged))


def _merged(xml: bytes) -> list:
    return [((int(r0) - 1, col_index(c0) - 1), (int(r1) - 1, col_index(c1) - 1))
            for c0, r0, c1, r1 in _MERGE.findall(xml)]


def _given(group: list) -> list[int]:
    """Where a group of the pattern matched (attributes may match empty)."""
    if group.count(None) == len(group):
        return []
    return [i for i, g in enumerate(group) if g is not None]


class _Decoded(dict):
    """A text cell's markup (None for a cell in another form) → its value, decoded the first
    time it is met: a dict lookup per cell, and no pass to find the cells not yet known.
    (It holds nothing that refers back to the reader: the reader is left for the cyclic
    collector otherwise, which a big read pauses.)"""

    def __init__(self, strings: list[str]):
        super().__init__({None: None})
        self.strings = strings
        self.nothing = False  # some markup decodes to None (an empty shared string)
        self.blanks: set[str] = set()  # the values met so far that are text of blanks only

    def forget(self) -> None:
        self.clear()
        self[None] = None

    def __missing__(self, raw: bytes):
        value = self[raw] = self._decode(raw)
        if value is None:
            self.nothing = True
        elif value.__class__ is str and not value.strip():
            self.blanks.add(value)
        return value

    def _decode(self, raw: bytes):
        if raw.startswith(_SHARED):
            try:
                return self.strings[int(raw[len(_SHARED):-4])] or None
            except (ValueError, IndexError):
                return None
        return _text(raw[len(_INLINE):-len(_INLINE_END)]) or None


class _Pieces:
    """The cells of a sheet, taken a piece of XML at a time: text values are decoded once
    per distinct markup (codes, types and sources repeat on every line), numbers in bulk,
    and each piece's cells handed to their columns as arrays, not one by one."""

    def __init__(self, strings: list[str], row_limit: int | None, cell_limit: int | None):
        self.strings = strings
        self.row_limit, self.cell_limit = row_limit, cell_limit
        self.parts: dict[int, tuple[list, list]] = {}  # column → (row arrays, value arrays)
        self.nonblank: list[np.ndarray] = []
        self.kinds: dict[bytes, bytes] = {}  # attributes → cell type
        self.texts: dict[bytes, str] = {}  # text decoded in the per-cell forms
        self.decoded = _Decoded(strings)
        self.last = -1
        self.filled = 0
        self.held = 0
        self.last_row = -1  # of the last cell taken
        self.beyond: str | None = None
        self.too_many: str | None = None

    def add(self, addr: list, number: list, text: list, attrs: list, body: list) -> bool:
        """Take a piece's cells, as the regex's groups (None where a group is not there);
        False once a limit is passed (the rest is not read)."""
        values, maybe_none = self._values(number, text, attrs, body)
        if len(self.decoded) + len(self.texts) > _DECODED_AT_MOST:
            # A note per line, say: the cache would grow with the sheet and help nothing.
            self.decoded.forget()
            self.texts.clear()
        if maybe_none:
            keep = np.flatnonzero(values != None)  # noqa: E711 — elementwise
            if not len(keep):
                return True
            if len(keep) < len(values):
                values = values[keep]
                addr = [addr[i] for i in keep.tolist()]
        rows, columns = _addresses(addr)
        # A new row starts wherever the row changes, as the cells come.
        starts = np.empty(len(rows), dtype=bool)
        starts[0] = rows[0] != self.last_row
        np.not_equal(rows[1:], rows[:-1], out=starts[1:])
        end = len(rows)
        if self.row_limit is not None:
            over = np.flatnonzero(self.filled + np.cumsum(starts) > self.row_limit)
            if len(over):
                end = int(over[0])
                self.too_many = "rows"
        if self.cell_limit is not None and self.held + end > self.cell_limit:
            end = max(self.cell_limit - self.held, 0) + 1  # the cell past the limit is held
            self.too_many = "cells"
        if self.too_many:
            i = end - 1 if self.too_many == "cells" else end
            self.beyond = addr[i].decode("ascii")
        if not end:
            return False
        if end < len(rows):
            rows, columns, starts, values = rows[:end], columns[:end], starts[:end], values[:end]
        self.filled += int(starts.sum())
        self.held += end
        self.last_row = int(rows[-1])
        self.last = max(self.last, int(rows.max()))
        if self.decoded.blanks:
            blank = np.fromiter(map(self.decoded.blanks.__contains__, values), dtype=bool, count=end)
            nonblank = rows[~blank]
        else:
            nonblank = rows
        if len(nonblank):
            self.nonblank.append(nonblank[np.r_[True, nonblank[1:] != nonblank[:-1]]])
        order = np.argsort(columns, kind="stable")
        columns = columns[order]
        bounds = np.flatnonzero(columns[1:] != columns[:-1]) + 1
        for lo, hi in zip(np.r_[0, bounds].tolist(), np.r_[bounds, end].tolist()):
            at = order[lo:hi]
            row_parts, value_parts = self.parts.setdefault(int(columns[lo]), ([], []))
            row_parts.append(rows[at])
            value_parts.append(values[at])
        return self.too_many is None

    def _values(self, number: list, text: list, attrs: list, body: list) -> tuple[np.ndarray, bool]:
        """Each cell's value, and whether some may be None (cells holding nothing)."""
        n = len(text)
        # fromiter, not np.array: that one looks into every bytes object as a sequence.
        values = np.fromiter(map(self.decoded.__getitem__, text), dtype=object, count=n)
        maybe_none = self.decoded.nothing
        numbers = n - number.count(None)
        if numbers:
            at = np.fromiter(number, dtype=object, count=n) != None  # noqa: E711 — elementwise
            # As objects: a list would be made a float64 array and every float boxed again.
            values[at] = np.fromiter(map(float, filter(None, number)), dtype=object, count=numbers)
        for i in _given(attrs):
            value = values[i] = (_cell_value(self._kind(attrs[i]), body[i], self.strings, self.texts)
                                 if body[i] else None)
            if value is None:
                maybe_none = True
            elif value.__class__ is str and not value.strip():
                self.decoded.blanks.add(value)
        return values, maybe_none

    def _kind(self, attrs: bytes) -> bytes:
        kind = self.kinds.get(attrs)
        if kind is None:
            t = _TYPE.search(attrs)
            kind = self.kinds[attrs] = t.group(1) if t else b"n"
        return kind

    def sheet(self, merged: tuple) -> SparseSheet:
        columns = {c: SparseColumn(np.concatenate(rows), np.concatenate(values))
                   for c, (rows, values) in sorted(self.parts.items())}
        nonblank = np.concatenate(self.nonblank) if self.nonblank else np.zeros(0, dtype=np.int64)
        return SparseSheet(columns, self.last + 1, merged, self.beyond, self.too_many, nonblank)


_STRIDE = 6  # what re.split gives per cell: the text before it and its five groups
_DECODED_AT_MOST = 1 << 17  # distinct texts held decoded between pieces (about 20 MB)


def _addresses(addr: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Cell addresses (b"AB12", at most 3 letters and 9 digits) as 0-based rows and columns,
    for a whole piece at once."""
    places = np.fromiter(addr, dtype="S12", count=len(addr)).view(np.uint8).reshape(-1, 12)
    width = int(np.flatnonzero(places.any(axis=0))[-1]) + 1  # shorter spellings end in zero bytes
    letters = 1 if width < 2 or (places[:, 1] < 65).all() else 3
    columns = places[:, 0].astype(np.int64) - 64
    rows = np.zeros(len(addr), dtype=np.int64)
    for k in range(1, width):
        place = places[:, k].astype(np.int64)  # a place at a time: the whole would be 8 bytes a letter
        if k < letters:
            letter = place >= 65
            columns = np.where(letter, columns * 26 + place - 64, columns)
            rows = np.where((place > 0) & ~letter, rows * 10 + place - 48, rows)
        else:
            rows = np.where(place > 0, rows * 10 + place - 48, rows)
    return rows - 1, columns - 1


def _cell_value(kind: bytes, body: bytes, strings: list[str], texts: dict[bytes, str]):
    """The value of a cell of type ``kind`` whose body is ``body`` (None: it holds nothing)."""
    if kind == b"n" and body[:3] == b"<v>" and body[-4:] == b"</v>":
        return float(body[3:-4]) if len(body) > 7 else None
    return _value(kind, body, strings, texts)


def _value(kind: bytes, body: bytes, strings: list[str], texts: dict[bytes, str]):
    if kind == b"inlineStr":
        text = texts.get(body)
        if text is None:
            text = texts[body] = _text(b"".join(_T.findall(_PHONETIC.sub(b"", body))))
        return text or None
    v = _V.search(body)
    if v is None:
        return None
    raw = v.group(1)
    if kind == b"n":
        return float(raw) if raw else None
    if kind == b"s":
        try:
            return strings[int(raw)] or None
        except (ValueError, IndexError):
            return None
    if kind in (b"str", b"d"):
        text = texts.get(raw)
        if text is None:
            text = texts[raw] = _text(raw)
        return text or None
    if kind == b"b":
        return raw.strip() == b"1"
    return None  # t="e": the scan has the error value


def _walk(chunk: bytes, state: dict) -> tuple[list, list, list, list, list]:
    """The groups of the cells of a piece where rows or cells lack their address, placed as
    calamine places them (sheetscan.walk_cells), every cell in the pattern's last form."""
    from .workbook import col_letter

    cells = [(f"{col_letter(col - 1)}{row}".encode("ascii"), attrs, body)
             for col, row, attrs, body in walk_cells(chunk, state)]
    addr, attrs, body = (list(g) for g in zip(*cells)) if cells else ([], [], [])
    return addr, [None] * len(cells), [None] * len(cells), attrs, body

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
from itertools import compress
from dataclasses import dataclass, field

import numpy as np

from .sheetscan import _FORMULA_TAG, _chunks, _formulas, col_index, walk_cells

# A cell with its address first (Excel, WPS, XlsxWriter and openpyxl all write r first):
# letters, digits, then the value in one of four forms — the three that nearly every cell
# takes, which the pass decodes in bulk (a number, a shared string's index, an inline
# text: the style attribute is the only other one), or any cell at all: its attributes
# and body ("" for <c …/>).  Pieces where not every cell matches (no address, a namespace
# prefix) are walked instead.
_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="[0-9]+")?'
                   rb'(?:><v>([^<]+)</v></c>| t="s"><v>([^<]+)</v></c>'
                   rb'| t="inlineStr"><is><t>([^<]+)</t></is></c>'
                   rb'|([^>/]*)(?:/>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>))')
_PREFIXED_CELL = re.compile(rb'<\w+:c[\s/>]')
_TYPE = re.compile(rb'\bt="(\w+)"')
_V = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')
_T = re.compile(rb'<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>')
_PHONETIC = re.compile(rb'<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>', re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
_SI = re.compile(rb'<(?:\w+:)?si>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si/>', re.S)


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

    def dense(self, col: int) -> np.ndarray:
        """Column ``col`` as ``nrows`` values (an object array), None where blank."""
        out = np.full(self.nrows, None, dtype=object)
        column = self.columns.get(col)
        if column is not None and len(column.rows):
            out[column.rows] = column.values
        return out

    def filled_rows(self) -> np.ndarray:
        """Per row, whether a cell holds something other than blanks."""
        mask = np.zeros(self.nrows, dtype=bool)
        mask[self.nonblank_rows] = True
        return mask

    def row(self, r: int) -> list[object]:
        found = {}
        for c, column in self.columns.items():
            i = int(np.searchsorted(column.rows, r))
            if i < len(column.rows) and column.rows[i] == r:
                found[c] = column.values[i]
        out = [None] * (max(found) + 1 if found else 0)
        for c, v in found.items():
            out[c] = v
        return out

    def rows(self) -> list[list[object]]:
        """The dense rows the small-sheet reader gives (row r ends at its last value)."""
        width: dict[int, int] = {}
        for c, column in self.columns.items():
            for r in column.rows.tolist():
                if width.get(r, 0) <= c:
                    width[r] = c + 1
        rows: list[list[object]] = [[] for _ in range(self.nrows)]
        for r, w in width.items():
            rows[r] = [None] * w
        for c, column in self.columns.items():
            for r, v in zip(column.rows.tolist(), column.values.tolist()):
                rows[r][c] = v
        return rows


def shared_strings(zf: zipfile.ZipFile, part: str | None) -> list[str]:
    if not part or part not in zf.namelist():
        return []
    data = zf.read(part)
    out = []
    for m in _SI.finditer(data):
        body = _PHONETIC.sub(b"", m.group(1) or b"")
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
            if b"mergeCell" in chunk:
                merged += [((int(r0) - 1, col_index(c0) - 1), (int(r1) - 1, col_index(c1) - 1))
                           for c0, r0, c1, r1 in _MERGE.findall(chunk)]
            # A substring test first: the regex alone walks every tag of the piece.
            if formulas is not None and (b't="e"' in chunk or ((b"<f" in chunk or b":f" in chunk)
                                                               and _FORMULA_TAG.search(chunk))):
                _formulas(chunk, formulas)
            # The cells' groups, each a list: split gives them flat, in order, with what lies
            # between the cells, and makes no tuple per cell.
            parts = _CELL.split(chunk)
            found = len(parts) // _STRIDE
            # Every "<c" a cell matched (one count); else count the cell tags alone.
            if (found != chunk.count(b"<c") and found != chunk.count(b"<c ")
                    + chunk.count(b"<c>") + chunk.count(b"<c/")) \
                    or (b":c" in chunk and _PREFIXED_CELL.search(chunk)):
                walked = _walk(chunk, state)  # cells without an address, or prefixed tags
                found = len(walked)
                groups = [list(g) for g in zip(*walked)] if walked else []
                groups[2:2] = [[None] * found] * 3  # every cell in the last form
            else:
                groups = [parts[k::_STRIDE] for k in range(1, _STRIDE)]
            del parts
            if found and not reader.add(*groups):
                break
    return reader.sheet(tuple(merged))


class _Pieces:
    """The cells of a sheet, taken a piece of XML at a time: each piece's values are
    decoded once per distinct text (codes, types and sources repeat on every line) and
    its cells handed to their columns as arrays, not one by one."""

    def __init__(self, strings: list[str], row_limit: int | None, cell_limit: int | None):
        self.strings = strings
        self.row_limit, self.cell_limit = row_limit, cell_limit
        self.parts: dict[int, tuple[list, list]] = {}  # column → (row arrays, value arrays)
        self.nonblank: list[np.ndarray] = []
        self.kinds: dict[bytes, bytes] = {}  # attributes → cell type
        self.texts: dict[bytes, str] = {}  # repeated text values are decoded once
        self.last = -1
        self.filled = 0
        self.held = 0
        self.last_digits = b""
        self.beyond: str | None = None
        self.too_many: str | None = None

    def add(self, letters: list, digits: list, *forms: list) -> bool:
        """Take a piece's cells, as the regex's groups (None or b"" where a group is not
        there); False once a limit is passed (the rest is not read)."""
        values, blank = self._values(*forms)
        held = values != None  # noqa: E711 — elementwise
        keep = np.flatnonzero(held)
        if not len(keep):
            return True
        if len(keep) < len(digits):
            held = held.tolist()
            letters, digits = list(compress(letters, held)), list(compress(digits, held))
        spelled = np.array(digits, dtype="S")
        # A new row starts wherever the address's digits change, as the cells come.
        starts = np.empty(len(keep), dtype=bool)
        starts[0] = spelled[0] != self.last_digits
        np.not_equal(spelled[1:], spelled[:-1], out=starts[1:])
        end = len(keep)
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
            self.beyond = (letters[i] + digits[i]).decode("ascii")
        if not end:
            return False
        keep, starts = keep[:end], starts[:end]
        rows = _numbers(spelled[:end], 10, 48) - 1
        column_of = {x: col_index(x) - 1 for x in set(letters)}
        columns = np.fromiter(map(column_of.__getitem__, letters[:end]), dtype=np.int64, count=end)
        self.filled += int(starts.sum())
        self.held += end
        self.last_digits = spelled[end - 1]
        self.last = max(self.last, int(rows.max()))
        values = values[keep]
        nonblank = rows[~blank[keep]]
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

    def _values(self, number: list, shared: list, inline: list, attrs: list,
                body: list) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's value (None where it holds nothing) and whether it is blank text."""
        n = len(body)
        values = np.full(n, None, dtype=object)
        blank = np.zeros(n, dtype=bool)
        if any(number):
            at = np.fromiter(compress(range(n), number), dtype=np.int64)
            values[at] = np.array(list(map(float, compress(number, number))), dtype=object)
        self._by_distinct(values, blank, shared, self._shared)
        self._by_distinct(values, blank, inline, self._inline)
        for i in compress(range(n), body):
            value = _cell_value(self._kind(attrs[i]), body[i], self.strings, self.texts)
            values[i] = value
            blank[i] = value.__class__ is str and not value.strip()
        return values, blank

    def _kind(self, attrs: bytes) -> bytes:
        kind = self.kinds.get(attrs)
        if kind is None:
            t = _TYPE.search(attrs)
            kind = self.kinds[attrs] = t.group(1) if t else b"n"
        return kind

    def _shared(self, raw: bytes):
        try:
            return self.strings[int(raw)] or None
        except (ValueError, IndexError):
            return None

    def _inline(self, raw: bytes):
        text = self.texts.get(raw)
        if text is None:
            text = self.texts[raw] = _text(raw)
        return text or None

    @staticmethod
    def _by_distinct(values, blank, raw: list, decode) -> None:
        """Set the cells where ``raw`` has bytes to them, decoded once per distinct one."""
        if not any(raw):
            return
        at = np.fromiter(compress(range(len(raw)), raw), dtype=np.int64)
        raw = list(compress(raw, raw))
        decoded = {r: decode(r) for r in set(raw)}
        values[at] = np.array(list(map(decoded.__getitem__, raw)), dtype=object)
        if any(value.__class__ is str and not value.strip() for value in decoded.values()):
            blank_of = {r: value.__class__ is str and not value.strip() for r, value in decoded.items()}
            blank[at] = np.fromiter(map(blank_of.__getitem__, raw), dtype=bool, count=len(raw))

    def sheet(self, merged: tuple) -> SparseSheet:
        columns = {c: SparseColumn(np.concatenate(rows), np.concatenate(values))
                   for c, (rows, values) in sorted(self.parts.items())}
        nonblank = np.concatenate(self.nonblank) if self.nonblank else np.zeros(0, dtype=np.int64)
        return SparseSheet(columns, self.last + 1, merged, self.beyond, self.too_many, nonblank)


_STRIDE = 8  # what re.split gives per cell: the text before it and its seven groups


def _numbers(spelled: np.ndarray, base: int, zero: int) -> np.ndarray:
    """Addresses' digits (base 10 from "0") or column letters (base 26 from "A"), spelled
    as a bytes array, as integers — for a whole piece at once."""
    width = spelled.dtype.itemsize
    places = spelled.view(np.uint8).reshape(-1, width).astype(np.int64)
    out = np.zeros(len(spelled), dtype=np.int64)
    for k in range(width):  # shorter spellings end in zero bytes
        place = places[:, k]
        out = np.where(place > 0, out * base + place - zero, out)
    return out


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


def _walk(chunk: bytes, state: dict) -> list[tuple[bytes, bytes, bytes, bytes]]:
    """Cells of a piece where rows or cells lack their address, placed as calamine places
    them (sheetscan.walk_cells), with their address spelled as in the XML."""
    from .workbook import col_letter

    return [(col_letter(col - 1).encode("ascii"), str(row).encode("ascii"), attrs, body)
            for col, row, attrs, body in walk_cells(chunk, state)]

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
import pandas as pd

from .sheetscan import _FORMULA_TAG, _chunks, _formulas, col_index, walk_cells

# A cell with its address first (Excel, WPS, XlsxWriter and openpyxl all write r first):
# letters, digits, the other attributes, and the body ("" for <c …/>) in one of three
# groups: the text of a lone <v>, of a lone inline <t>, or the whole body otherwise (the
# first two are what nearly every cell is, and the cheapest to match).  Pieces where not
# every cell matches (no address, a namespace prefix) are walked instead.
_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>/]*)(?:/>|><v>([^<]+)</v></c>'
                   rb'|><is><t>([^<]+)</t></is></c>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>)')
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
            cells = _CELL.findall(chunk)
            # Every "<c" a cell matched (one count); else count the cell tags alone.
            if (len(cells) != chunk.count(b"<c") and len(cells) != chunk.count(b"<c ")
                    + chunk.count(b"<c>") + chunk.count(b"<c/")) \
                    or (b":c" in chunk and _PREFIXED_CELL.search(chunk)):
                cells = _walk(chunk, state)  # cells without an address, or prefixed tags
            if cells and not reader.add(cells):
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

    def add(self, cells: list[tuple]) -> bool:
        """Take a piece's cells; False once a limit is passed (the rest is not read)."""
        table = np.empty((len(cells), len(cells[0])), dtype=object)
        table[:] = cells
        values, blank = self._values(table[:, 2], table[:, 3:])
        keep = np.flatnonzero(values != None)  # noqa: E711 — elementwise
        if not len(keep):
            return True
        letters, digits = table[keep, 0], table[keep, 1]
        spelled = digits.astype("S")
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
        columns = _numbers(letters[:end].astype("S"), 26, 64) - 1
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

    def _values(self, attrs: np.ndarray, bodies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each cell's value (None where it holds nothing) and whether it is blank text.
        ``bodies`` are the regex's three forms: a lone <v>, a lone inline <t>, anything else
        (the walk gives only the last)."""
        n = len(attrs)
        attr_codes, attr_uniques = _factorize(attrs)
        kinds = np.array([_KIND_IDS.get(self._kind(a), _OTHER) for a in attr_uniques],
                         dtype=np.int8)[attr_codes]
        values = np.full(n, None, dtype=object)
        blank = np.zeros(n, dtype=bool)
        present = bodies[:, -1].astype(bool)
        if bodies.shape[1] == 3:
            v, t = bodies[:, 0], bodies[:, 1]
            has_v, has_t = v.astype(bool), t.astype(bool)
            present |= has_v | has_t
            number = np.flatnonzero(has_v & (kinds == _NUMBER))
            values[number] = list(map(float, v[number]))
            shared = np.flatnonzero(has_v & (kinds == _SHARED))
            self._by_distinct(values, blank, shared, v[shared], self._shared)
            inline = np.flatnonzero(has_t & (kinds == _INLINE))
            self._by_distinct(values, blank, inline, t[inline], self._inline)
            present[number] = present[shared] = present[inline] = False
        for i in np.flatnonzero(present).tolist():
            value = _cell_value(self._kind(attrs[i]), _body(*bodies[i]), self.strings, self.texts)
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
    def _by_distinct(values, blank, at, raw, decode) -> None:
        if not len(at):
            return
        codes, uniques = _factorize(raw)
        decoded = [decode(u) for u in uniques]
        table = np.empty(len(decoded), dtype=object)
        table[:] = decoded
        values[at] = table[codes]
        blank[at] = np.array([v.__class__ is str and not v.strip() for v in decoded], dtype=bool)[codes]

    def sheet(self, merged: tuple) -> SparseSheet:
        columns = {c: SparseColumn(np.concatenate(rows), np.concatenate(values))
                   for c, (rows, values) in sorted(self.parts.items())}
        nonblank = np.concatenate(self.nonblank) if self.nonblank else np.zeros(0, dtype=np.int64)
        return SparseSheet(columns, self.last + 1, merged, self.beyond, self.too_many, nonblank)


_NUMBER, _SHARED, _INLINE, _OTHER = range(4)
_KIND_IDS = {b"n": _NUMBER, b"s": _SHARED, b"inlineStr": _INLINE}


def _factorize(items: np.ndarray) -> tuple[np.ndarray, list]:
    """Per item, the index of its distinct value; and the distinct values, in order."""
    codes, uniques = pd.factorize(items)
    return codes, list(uniques)


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


def _body(*forms: bytes) -> bytes:
    """A cell's body as written, from the regex's three forms (or the walk's one)."""
    if len(forms) == 1:
        return forms[0]
    v, t, other = forms
    if v:
        return b"<v>" + v + b"</v>"
    if t:
        return b"<is><t>" + t + b"</t></is>"
    return other


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

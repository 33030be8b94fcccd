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
from array import array
from dataclasses import dataclass, field

import numpy as np

from .sheetscan import _FORMULA_TAG, _chunks, _formulas, col_index, walk_cells

# A cell with its address first (Excel, WPS, XlsxWriter and openpyxl all write r first):
# letters, digits, the other attributes, and the body ("" for <c …/>).  Pieces where not
# every cell matches (no address, a namespace prefix) are walked instead.
_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"([^>/]*)(?:/>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>)')
_PREFIXED_CELL = re.compile(rb'<\w+:c[\s/>]')
_TYPE = re.compile(rb'\bt="(\w+)"')
_V = re.compile(rb'<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>')
_T = re.compile(rb'<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>')
_PHONETIC = re.compile(rb'<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>', re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
_SI = re.compile(rb'<(?:\w+:)?si>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si/>', re.S)


@dataclass
class SparseColumn:
    rows: array = field(default_factory=lambda: array("q"))  # 0-based worksheet rows, ascending
    values: list[object] = field(default_factory=list)


@dataclass
class SparseSheet:
    """The cells of a sheet that hold something, per 0-based column."""

    columns: dict[int, SparseColumn]
    nrows: int  # 1 + the last row holding something
    merged: tuple = ()  # ((first row, first col), (last row, last col)), 0-based, as calamine
    beyond: str | None = None  # read with limits: the cell where one was passed
    too_many: str | None = None  # which: "rows" or "cells"

    def dense(self, col: int) -> np.ndarray:
        """Column ``col`` as ``nrows`` values (an object array), None where blank."""
        out = np.full(self.nrows, None, dtype=object)
        column = self.columns.get(col)
        if column and len(column.rows):
            values = np.empty(len(column.values), dtype=object)
            values[:] = column.values
            out[np.frombuffer(column.rows, dtype=np.int64)] = values
        return out

    def filled_rows(self) -> np.ndarray:
        """Per row, whether a cell holds something other than blanks (text of spaces is blank)."""
        mask = np.zeros(self.nrows, dtype=bool)
        blank: dict[str, bool] = {}
        for column in self.columns.values():
            rows = np.frombuffer(column.rows, dtype=np.int64)
            texts = {v for v in column.values if v.__class__ is str}
            for v in texts:
                blank[v] = not v.strip()
            if not any(blank[v] for v in texts):
                mask[rows] = True
                continue
            keep = np.fromiter((not (v.__class__ is str and blank[v]) for v in column.values),
                               dtype=bool, count=len(column.values))
            mask[rows[keep]] = True
        return mask

    def rows(self) -> list[list[object]]:
        """The dense rows the small-sheet reader gives (row r ends at its last value)."""
        width: dict[int, int] = {}
        for c, column in self.columns.items():
            for r in column.rows:
                if width.get(r, 0) <= c:
                    width[r] = c + 1
        rows: list[list[object]] = [[] for _ in range(self.nrows)]
        for r, w in width.items():
            rows[r] = [None] * w
        for c, column in self.columns.items():
            for r, v in zip(column.rows, column.values):
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
    columns: dict[int, SparseColumn] = {}
    by_letters: dict[bytes, tuple] = {}  # column letters → (append row, append value)
    kinds: dict[bytes, bytes] = {}   # attributes → cell type
    texts: dict[bytes, str] = {}     # repeated text values are decoded once
    state = {"row": 0}
    last = -1
    filled = 0
    merged = []
    beyond = None
    last_digits = b""
    row = -1
    held = 0
    too_many = None
    with zf.open(part) as fh:
        for chunk in _chunks(fh):
            if b"mergeCell" in chunk:
                merged += [((int(r0) - 1, col_index(c0) - 1), (int(r1) - 1, col_index(c1) - 1))
                           for c0, r0, c1, r1 in _MERGE.findall(chunk)]
            if formulas is not None and (b't="e"' in chunk or _FORMULA_TAG.search(chunk)):
                _formulas(chunk, formulas)
            cells = _CELL.findall(chunk)
            if len(cells) != chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/") \
                    or (b":c" in chunk and _PREFIXED_CELL.search(chunk)):
                cells = _walk(chunk, state)  # cells without an address, or prefixed tags
            for letters, digits, attrs, body in cells:
                if not body:
                    continue
                kind = kinds.get(attrs)
                if kind is None:
                    t = _TYPE.search(attrs)
                    kind = kinds[attrs] = t.group(1) if t else b"n"
                if kind == b"n" and body[:3] == b"<v>" and body[-4:] == b"</v>":
                    value = float(body[3:-4]) if len(body) > 7 else None
                elif kind == b"inlineStr":
                    value = texts.get(body)
                    if value is None:
                        value = texts[body] = _text(b"".join(_T.findall(_PHONETIC.sub(b"", body))))
                    value = value or None
                else:
                    value = _value(kind, body, strings, texts)
                if value is None:
                    continue
                if digits != last_digits:
                    last_digits = digits
                    row = int(digits) - 1
                    filled += 1
                    if row_limit is not None and filled > row_limit:
                        beyond = (letters + digits).decode("ascii")
                        too_many = "rows"
                        break
                    if row > last:
                        last = row
                add = by_letters.get(letters)
                if add is None:
                    column = columns.setdefault(col_index(letters) - 1, SparseColumn())
                    add = by_letters[letters] = (column.rows.append, column.values.append)
                add[0](row)
                add[1](value)
                held += 1
                if cell_limit is not None and held > cell_limit:
                    beyond = (letters + digits).decode("ascii")
                    too_many = "cells"
                    break
            if beyond:
                break
    sheet = SparseSheet(columns, last + 1, tuple(merged))
    sheet.beyond, sheet.too_many = beyond, too_many
    return sheet


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

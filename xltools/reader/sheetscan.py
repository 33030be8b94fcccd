"""One streaming pass over a worksheet's XML before calamine reads it.

calamine builds a dense grid from the first to the last cell that holds something, so a
single stray value in XFD1048576 makes it allocate billions of cells and the process dies
without a word.  This pass finds the extent of the cells that hold something (value,
inline text or formula), in bounded memory, and stops as soon as the extent is too large
for a budget workbook — so the reader can refuse it, naming the cell, before calamine
starts.  It also collects what calamine hides: formulas without a cached value and cells
holding an error value.

Cells normally carry their address (r="G17"); rows and cells without one (some exporters)
take the next position, as calamine places them, and are walked one by one.
"""

from __future__ import annotations

import re
import zipfile
from operator import itemgetter
from dataclasses import dataclass, field

# A piece of XML at a time: the cells' groups of a piece take several times its size while
# it is read (100,000 lines: 91 MB traced at 8 MB pieces, 53 MB at 4 MB, the same time).
_CHUNK = 4 * 1024 * 1024
_MAX_CARRY = 64 * 1024 * 1024  # a row this long is processed as it is

# Attributes, one at a time (a character-wise scan is several times slower on big sheets).
_ATTR = rb'(?:\s+[\w:]+\s*=\s*"[^"]*")'
_NOT_R = rb'(?:\s+(?!r\s*=)[\w:]+\s*=\s*"[^"]*")'
# A cell with an address whose first child is a value, inline text or formula.  Style-only
# cells (<c r="A5" s="1"/>, as Excel writes for formatted empty rows) do not match.
_CONTENT_REF = re.compile(rb'<(?:\w+:)?c' + _NOT_R + rb'*\s+r\s*=\s*"([A-Z]{1,3})([0-9]{1,7})"'
                          + _ATTR + rb'*\s*>\s*<(?:\w+:)?(?:v|is|f)\b')
_ANY_CONTENT = re.compile(rb'<(?:\w+:)?(?:v|is|f)[\s>/]')
# A row or cell start tag without an address.
_NO_ADDRESS = re.compile(rb'<(?:\w+:)?(?:c|row)' + _NOT_R + rb'*\s*/?>')
_ROW_END = re.compile(rb'</(?:\w+:)?row>')
_ROW_START = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="([0-9]{1,7})"')
# For the walk of address-less rows and cells: row tags, and whole cells with their body.
_WALK = re.compile(rb'<(?:\w+:)?row(?=[\s/>])([^>]*)>'
                   rb'|<(?:\w+:)?c(?=[\s/>])([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_ROW_ATTR = re.compile(rb'\br="([0-9]{1,7})"')
_CELL_ATTR = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_HAS_CONTENT = re.compile(rb'<(?:\w+:)?(?:v|is|f)\b')

# Formula and error cells (only in chunks that have any).  Some exporters write the
# spreadsheetml namespace with a prefix (<x:c>), hence (?:\w+:)?.
_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\br="([A-Z]+[0-9]+)"[^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v>|<(?:\w+:)?is[\s>]")
_VALUE_TEXT = re.compile(rb"<(?:\w+:)?v>([^<]*)<")
_STRING_TYPE = re.compile(rb'\bt="(?:str|inlineStr)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_FORMULA_TAG = re.compile(rb'<(?:\w+:)?f[\s>/]')


def col_index(letters: bytes | str) -> int:
    """Excel column letters → 1-based index."""
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class SheetScan:
    max_row: int = 0           # 1-based; 0 when nothing holds anything
    max_col: int = 0
    rows_filled: int = 0       # rows with at least one cell that holds something
    cells_filled: int = 0      # cells that hold something
    first_beyond: str | None = None   # a cell of the first row past ``row_limit`` filled rows
    widest: str | None = None         # a cell in the last used column
    formulas: dict[str, str] = field(default_factory=dict)  # ref → "" (uncalculated) or error


def scan_sheet(zf: zipfile.ZipFile, part: str, row_limit: int, cell_limit: int) -> SheetScan:
    """Scan ``part``; stop early once more than ``row_limit`` rows or ``cell_limit`` cells
    hold something (a stray value far below the table counts as one row, not as all the
    rows above it).  Raises what zipfile raises for a damaged member."""
    scan = SheetScan()
    state = {"row": 0}
    with zf.open(part) as fh:
        for chunk in _chunks(fh):
            if _NO_ADDRESS.search(chunk):
                _widen(scan, [(_ref(c, r), c, r) for c, r in _walk(chunk, state)], row_limit)
            else:
                # Formatted empty rows (a million of them, say) hold no value at all.
                if _ANY_CONTENT.search(chunk):
                    _widen_by_refs(scan, _CONTENT_REF.findall(chunk), row_limit)
                state["row"] = _last_row_number(chunk) or state["row"]
            if b't="e"' in chunk or _FORMULA_TAG.search(chunk):
                _formulas(chunk, scan.formulas)
            if scan.first_beyond or scan.cells_filled > cell_limit:
                break
    return scan


def _widen_by_refs(scan: SheetScan, refs: list[tuple[bytes, bytes]], row_limit: int) -> None:
    """_widen for (letters, digits) pairs in C-level passes: a sheet may hold millions of
    cells; only the cell that sets a new bound is looked for one by one."""
    if not refs:
        return
    top = max(map(int, map(itemgetter(1), refs)))
    scan.max_row = max(scan.max_row, top)
    scan.cells_filled += len(refs)
    rows = set(map(itemgetter(1), refs))
    if scan.rows_filled + len(rows) > row_limit and scan.first_beyond is None:
        seen = set()
        for c, r in refs:  # rows are in order: the cell that starts the first row too many
            if r not in seen:
                seen.add(r)
                if scan.rows_filled + len(seen) > row_limit:
                    scan.first_beyond = (c + r).decode("ascii")
                    break
    scan.rows_filled += len(rows)
    wide = max(set(map(itemgetter(0), refs)), key=col_index)
    if col_index(wide) > scan.max_col:
        scan.max_col = col_index(wide)
        scan.widest = next((c + r).decode("ascii") for c, r in refs if c == wide)


def _widen(scan: SheetScan, cells: list[tuple[str, int, int]], row_limit: int) -> None:
    last = None
    for ref, col, row in cells:
        scan.cells_filled += 1
        if row != last:
            last = row
            scan.rows_filled += 1
            if scan.rows_filled > row_limit and scan.first_beyond is None:
                scan.first_beyond = ref
        if row > scan.max_row:
            scan.max_row = row
        if col > scan.max_col:
            scan.max_col, scan.widest = col, ref


def _ref(col: int, row: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _chunks(fh):
    """The member's bytes in pieces that end after a </row>, so no cell is cut in two."""
    carry = b""
    while True:
        data = fh.read(_CHUNK)
        if not data:
            if carry:
                yield carry
            return
        buf = carry + data
        cut = _last_row_end(buf)
        if cut == 0 and len(buf) < _MAX_CARRY:
            carry = buf
            continue
        cut = cut or len(buf)
        yield buf[:cut]
        carry = buf[cut:]


def _last_row_end(buf: bytes) -> int:
    end = len(buf)
    while True:
        i = buf.rfind(b"row>", 0, end)
        if i < 0:
            return 0
        j = buf.rfind(b"<", 0, i)
        if j >= 0 and _ROW_END.fullmatch(buf, j, i + 4):
            return i + 4
        end = i


def _last_row_number(chunk: bytes) -> int:
    """The address of the chunk's last row (rows are in order), for rows after it that
    have none."""
    end = len(chunk)
    while True:
        i = chunk.rfind(b"row", 0, end)
        j = chunk.rfind(b"<", 0, i) if i > 0 else -1
        if j < 0:
            return 0
        m = _ROW_START.match(chunk, j)
        if m and m.start(1) > i:
            return int(m.group(1))
        end = i


def walk_cells(chunk: bytes, state: dict):
    """Cells with a body in a piece where rows or cells lack their address, as (column from 1,
    row, attributes, body): each takes the next position, as calamine places them (row
    numbering carries over from piece to piece through ``state``; consume it whole)."""
    row, col = state["row"], 0
    for m in _WALK.finditer(chunk):
        if m.group(1) is not None:
            r = _ROW_ATTR.search(m.group(1) or b"")
            row = int(r.group(1)) if r else row + 1
            col = 0
            continue
        a = _CELL_ATTR.search(m.group(2))
        if a:
            col, cell_row = col_index(a.group(1)), int(a.group(2))
        else:
            col, cell_row = col + 1, max(row, 1)
        if m.group(3):
            yield col, cell_row, m.group(2), m.group(3)
    state["row"] = row


def _walk(chunk: bytes, state: dict) -> list[tuple[int, int]]:
    """Positions of the cells that hold something, in a piece walked cell by cell."""
    return [(col, row) for col, row, _, body in walk_cells(chunk, state) if _HAS_CONTENT.search(body)]


def _formulas(chunk: bytes, found: dict[str, str]) -> None:
    for m in _CELL.finditer(chunk):
        problem = formula_problem(m.group(1), m.group(3) or b"")
        if problem is not None:
            found[m.group(2).decode("ascii")] = problem


def formula_problem(attrs: bytes, body: bytes) -> str | None:
    """What calamine hides about a cell: "" for a formula never calculated, the error value
    for a cell holding one, else None."""
    if _ERROR_TYPE.search(attrs):
        v = _VALUE_TEXT.search(body)
        return v.group(1).decode("utf-8", "replace") if v else "#错误"
    if _FORMULA.search(body) and not _has_value(attrs, body):
        return ""
    return None


def _has_value(attrs: bytes, body: bytes) -> bool:
    """Whether a formula cell carries a result.  An empty <v></v> is a result only for a
    string formula (t="str": it returned ""); openpyxl writes it — or <v/> — for formulas
    it never calculated, depending on its XML library."""
    v = _VALUE_TEXT.search(body)
    if v and v.group(1):
        return True
    if _VALUE.search(body):
        return bool(_STRING_TYPE.search(attrs)) or b"<is" in body
    return False

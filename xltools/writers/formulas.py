"""Worksheet formula text that Excel, WPS and LibreOffice all read the same way.

Only plain references, ranges and SUM are produced here; the 校验 sheet adds ROUND, IF and
ABS around them.  Cell lists are folded into ranges where rows run on, and a list longer
than a function may take (255 arguments in Excel) is split into nested SUMs.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

MAX_ARGS = 200  # below Excel's 255, leaving room for nesting

Place = tuple[str, int, int]  # sheet, row, col (zero-based)


_LETTERS: list[str] = []


def absolute(row: int, col: int) -> str:
    """$E$5 for (4, 4); the 校验 sheet makes some 200,000 of them at 100,000 lines."""
    while len(_LETTERS) <= col:
        _LETTERS.append(xl_col_to_name(len(_LETTERS)))
    return f"${_LETTERS[col]}${row + 1}"


def ref(sheet: str, row: int, col: int) -> str:
    return f"'{sheet}'!{absolute(row, col)}"


def _ranges(places: list[Place]) -> list[str]:
    by_column: dict[tuple[str, int], list[int]] = {}
    for sheet, row, col in places:
        by_column.setdefault((sheet, col), []).append(row)
    out = []
    for (sheet, col), rows in by_column.items():
        rows = sorted(set(rows))
        start = prev = rows[0]
        for row in rows[1:] + [None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            first = absolute(start, col)
            out.append(f"'{sheet}'!{first}" if start == prev
                       else f"'{sheet}'!{first}:{absolute(prev, col)}")
            if row is not None:
                start = prev = row
    return out


def sum_of(places: list[Place]) -> str:
    """A formula body (no leading =) adding up ``places``; "0" for none.

    A single cell is referenced as it is, so a reviewer clicking into the formula lands on it.
    """
    if not places:
        return "0"
    if len(places) == 1:  # most sides of the 校验 sheet: one published figure
        return ref(*places[0])
    if len({(sheet, col) for sheet, _, col in places}) == len(places):
        # Each cell alone in its column (a row's columns adding up: most of the 校验 sheet):
        # no range to fold, the cells in their order (as ``ref`` writes them, inline).
        absolute(0, max(col for _, _, col in places))  # the letters up to the last column
        args = [f"'{sheet}'!${_LETTERS[col]}${row + 1}" for sheet, row, col in places]
    else:
        args = _ranges(places)
    if len(args) == 1 and ":" not in args[0]:
        return args[0]
    while len(args) > MAX_ARGS:
        args = [f"SUM({','.join(args[i:i + MAX_ARGS])})" for i in range(0, len(args), MAX_ARGS)]
    return f"SUM({','.join(args)})"

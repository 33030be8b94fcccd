"""Row heights for wrapped text.

Neither Excel nor LibreOffice grows a row to fit wrapped text in merged cells, and
LibreOffice does not do it for rows read from .xlsx either, so a long project name would
print cut off.  We estimate the lines a text needs in a column and set the height.  Column
widths are in Excel's units (the width of "0" in the default font); a CJK character of
宋体 10 pt takes about two of them.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

LINE_HEIGHT = 13.5  # points per line at 10 pt
PADDING = 3.0


WIDE = 1.65  # a CJK character, in units of "0"


def display_units(text: str) -> float:
    """Width of ``text`` at 10 pt in column-width units."""
    if text.isascii():
        return float(len(text))
    return sum(map(_units, text))


@lru_cache(maxsize=None)  # a few thousand distinct characters at most
def _units(ch: str) -> float:
    return WIDE if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0


@lru_cache(maxsize=1 << 16)  # the same labels and indicator texts recur on thousands of sheets
def lines_needed(text: str, width: float, font_size: float = 10) -> int:
    if not text:
        return 1
    usable = max(1.0, (width - 1.0) * 10 / font_size)
    if type(text) is str and len(text) * WIDE < usable * (1 - 1e-9) and "\n" not in text:
        return 1  # fits however wide its characters: most labels and 校验 rows, not measured
    return sum(max(1, math.ceil(display_units(part) / usable)) for part in str(text).split("\n"))


def height(lines: int, font_size: float = 10) -> float:
    return lines * LINE_HEIGHT * font_size / 10 + PADDING


def wrapped_height(*cells: tuple[str, float], font_size: float = 10) -> float:
    """Height of a row whose (text, column width) cells all wrap."""
    lines = max((lines_needed(text, width, font_size) for text, width in cells if text), default=1)
    return height(lines, font_size)


class RowHeights:
    """Collects what each row needs; cells spanning several rows get their share at the bottom."""

    def __init__(self):
        self.need: dict[int, float] = {}
        self.spans: list[tuple[int, int, float]] = []

    def cell(self, row: int, text: str, width: float, rows: int = 1) -> None:
        h = height(lines_needed(text, width))
        if rows == 1:
            self.need[row] = max(self.need.get(row, height(1)), h)
        else:
            self.spans.append((row, row + rows - 1, h))

    def apply(self, ws) -> None:
        for top, bottom, h in self.spans:
            have = sum(self.need.get(r, height(1)) for r in range(top, bottom + 1))
            if have < h:
                self.need[bottom] = self.need.get(bottom, height(1)) + (h - have)
        for row, h in sorted(self.need.items()):
            if h > height(1):
                ws.set_row(row, h)

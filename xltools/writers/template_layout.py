"""Row heights for wrapped text in the template's own sheets.

Heights are set explicitly because Excel does not re-fit rows when it opens a file, so a
wrapped cell would otherwise show one line and hide the rest.
"""

from __future__ import annotations

import math

LINE_HEIGHT = 16  # points per line of 11-point text, with a little leading


def _lines(text: str, width: float) -> int:
    # A CJK character takes about two character widths; keep a margin for line breaks.
    used = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, math.ceil(used / (width - 2)))


def wrapped_height(*cells: tuple[str, float]) -> float:
    """Height of a row whose (text, column width) cells all wrap."""
    return LINE_HEIGHT * max(_lines(text, width) for text, width in cells) + 2

"""Cell values as printed in disclosure workbooks: figures in 万元 and codes."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..codes import parse_code, to_halfwidth

_DASHES = {"-", "—", "－", "–", "/", "——"}
CODE_TEXT = re.compile(r"^\d{3}(?:\s*\d{2}){0,2}$")


class NotANumber(ValueError):
    pass


def figure(value: object) -> Decimal | None:
    """A printed 万元 figure: numbers, text such as "1,971.99" or "（12.00）"; blank and dashes → None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = to_halfwidth(str(value)).strip().replace(",", "").replace(" ", "")
    if not text or text in _DASHES:
        return None
    negative = text.startswith("（") and text.endswith("）") or text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise NotANumber(text) from None
    return -number if negative else number


def is_figure(value: object) -> bool:
    try:
        return figure(value) is not None
    except NotANumber:
        return False


def split_code(parts: list[object], above: str) -> str:
    """The code of a row whose 类, 款 (and 项) sit in columns of their own; "" when none.

    Each part is printed as its 2-digit group ("01"), as a number that lost its leading zero
    (1), or as the full code ("20801", "2080101").  Documents that print only the new part
    (款 and 项 without the 类 above them) take the rest from ``above``, the last code read.
    """
    code = ""
    for level, value in enumerate(parts):
        parsed = parse_code(value)
        part = parsed.code if parsed is not None else ""
        width = 3 + 2 * level
        if not part:
            continue
        if level and len(part) <= 2:
            prefix = code if len(code) == width - 2 else above[:width - 2]
            if len(prefix) != width - 2 or not prefix.startswith(code):
                return ""
            code = prefix + part.zfill(2)
        elif len(part) in (3, 5, 7) and len(part) >= width:
            code = part  # a full code, even the whole code typed into 类
        elif level == 0 and len(part) < 3:
            code = part.zfill(3)
        else:
            return ""
    return code


def joined_code(value: object) -> tuple[str, str | None] | None:
    """A code in one cell — ``2080101``, ``208 01 01``, ``208 社会保障和就业支出`` — and its name."""
    if value is None:
        return None
    parsed = parse_code(value)
    if parsed is None or len(parsed.code) not in (3, 5, 7):
        return None
    return parsed.code, parsed.name

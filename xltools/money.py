"""Exact money.

Amounts are held as integers of 分 (0.01 元) while reading, and tables are computed in
integers of 百元 (0.01 万元, the last digit a disclosure prints).  Floats never hold money:
a float read from a workbook is converted through its shortest decimal representation,
which is exactly what the user typed for any amount with at most 15 significant digits.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, ROUND_HALF_UP

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000
FEN_PER_BAIYUAN = 10_000  # one 百元 = 0.01 万元 = 10,000 分

UNIT_FACTORS = {"元": FEN_PER_YUAN, "万元": FEN_PER_WAN}

_FULLWIDTH_NUM = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+",
                               "\u200b\u200c\u200d\u2060\ufeff")  # invisible, see codes.py
_SPACES = re.compile(r"\s+")
_NUMBER_TEXT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


class AmountError(ValueError):
    """The cell does not hold an amount; the message says why, in Chinese."""


def parse_amount(value: object) -> tuple[Decimal, bool]:
    """Return (amount, typed_as_text) for a cell value in the workbook's own unit.

    Text is accepted when it is plainly a number (``1,234.50``, full-width digits) because
    budget-system exports often store numbers as text; anything else is refused.
    """
    if isinstance(value, bool) or value is None:
        raise AmountError("不是数字")
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise AmountError("不是有限的数字")
        return Decimal(repr(value)), False
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError("不是有限的数字")
        return value, False
    # Spaces of any kind (no-break, full-width) group digits in pasted text: "1 234.50".
    text = _SPACES.sub("", str(value).translate(_FULLWIDTH_NUM))
    if not _NUMBER_TEXT.match(text):
        raise AmountError(f"“{value}”不是数字")
    try:
        return Decimal(text.replace(",", "")), True
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise AmountError(f"“{value}”不是数字") from exc


def to_fen(amount: Decimal, unit: str) -> tuple[int, bool]:
    """Convert an amount in 元 or 万元 to whole 分, half-up; the flag says precision was lost."""
    scaled = amount * UNIT_FACTORS[unit]
    fen = int(scaled.to_integral_value(rounding=ROUND_HALF_UP))
    return fen, Decimal(fen) != scaled


def half_up_div(numerator: int, denominator: int) -> int:
    """Integer division rounding half away from zero (the 四舍五入 of accountants)."""
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


def baiyuan_to_wan(value: int) -> Decimal:
    """百元 integer → 万元 with exactly two decimals."""
    return Decimal(value).scaleb(-2)


def format_wan(value: int) -> str:
    return f"{baiyuan_to_wan(value):,.2f}"

"""Unit tests of code normalisation (xltools.codes) and exact money (xltools.money)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from xltools.codes import ParsedCode, econ_levels, func_levels, parse_code, to_halfwidth
from xltools.money import (AmountError, FEN_PER_BAIYUAN, baiyuan_to_wan, format_wan, half_up_div,
                           parse_amount, to_fen)

# -- parse_code ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "2080101", "208 01 01", "208-01-01", "208.01.01", 2080101, 2080101.0, "2080101.0",
    "２０８０１０１", "２０８　０１　０１", "２０８－０１－０１", "２０８．０１．０１",
    " 2080101 ", "\t2080101\n", "208  01  01",
])
def test_parse_code_formats(value):
    assert parse_code(value) == ParsedCode("2080101", None)


@pytest.mark.parametrize("value, name", [
    ("2080101 行政运行", "行政运行"),
    ("2080101行政运行", "行政运行"),
    ("208 01 01 行政运行", "行政运行"),
    ("2080101-行政运行", "行政运行"),
    ("2080101—行政运行", "行政运行"),
    ("2080101：行政运行", "行政运行"),
    ("2080101、行政运行", "行政运行"),
    ("２０８０１０１　行政运行", "行政运行"),
    ("2080101 行政运行 ", "行政运行"),
])
def test_parse_code_with_name(value, name):
    assert parse_code(value) == ParsedCode("2080101", name)


@pytest.mark.parametrize("value, code, name", [("2080101 1号楼维修", "2080101", "1号楼维修"),
                                               ("30101 2026年工资", "30101", "2026年工资")])
def test_parse_code_name_starting_with_a_digit(value, code, name):
    # "30101 2026年工资" is the code 30101 named "2026年工资", not the code 301012026.
    assert parse_code(value) == ParsedCode(code, name)


@pytest.mark.parametrize("value, code", [("30101", "30101"), ("301 01", "30101"), (30101, "30101"),
                                         ("301", "301"), ("20801", "20801"), (0, "0")])
def test_parse_code_other_lengths(value, code):
    # parse_code only normalises; the reader judges the length.
    assert parse_code(value).code == code


@pytest.mark.parametrize("value", [None, "", "   ", "　", "abc", "行政运行", "行政运行 2080101", -5, "-5",
                                   2080101.5, -2080101.0, True, False, float("nan"), float("inf"),
                                   "-", "—", ".5"])
def test_parse_code_junk(value):
    assert parse_code(value) is None


def test_to_halfwidth():
    assert to_halfwidth("２０８．０１－０１　，") == "208.01-01 ,"


def test_levels():
    assert func_levels("2080101") == ["208", "20801", "2080101"]
    assert func_levels("20801") == ["208", "20801"]
    assert econ_levels("30101") == ["301", "30101"]


@given(st.text(alphabet="0123456789", min_size=7, max_size=7).filter(lambda s: s[0] != "0"),
       st.sampled_from([" ", "-", ".", "　", "－", "．"]))
def test_parse_code_separators_property(code, sep):
    spaced = sep.join([code[:3], code[3:5], code[5:]])
    assert parse_code(spaced) == ParsedCode(code, None)
    assert parse_code(spaced + " 某科目") == ParsedCode(code, "某科目")
    assert parse_code(int(code)) == ParsedCode(code, None)


# -- parse_amount -------------------------------------------------------------------------

@pytest.mark.parametrize("value, amount, as_text", [
    (5, Decimal(5), False),
    (0, Decimal(0), False),
    (0.1, Decimal("0.1"), False),
    (1234.5, Decimal("1234.5"), False),
    (-3, Decimal(-3), False),
    (Decimal("1.005"), Decimal("1.005"), False),
    ("1,234.50", Decimal("1234.50"), True),
    ("1234.50", Decimal("1234.50"), True),
    ("１，２３４．５０", Decimal("1234.50"), True),
    (" 1 234.50 ", Decimal("1234.50"), True),
    ("-1,234.5", Decimal("-1234.5"), True),
    ("+7", Decimal(7), True),
    ("1,234,567", Decimal(1234567), True),
    ("0", Decimal(0), True),
])
def test_parse_amount(value, amount, as_text):
    got, text = parse_amount(value)
    assert got == amount and text is as_text
    assert isinstance(got, Decimal)


@pytest.mark.parametrize("value", [None, True, False, float("nan"), float("inf"), float("-inf"),
                                   Decimal("NaN"), Decimal("Infinity"), "", "   ", "12万", "—", "abc",
                                   "1,23", "12,3456", "1.2.3", ".5", "5.", "1e3", "¥100", "100元",
                                   "(100)", "1 234,50"])
def test_parse_amount_refuses(value):
    with pytest.raises(AmountError) as exc:
        parse_amount(value)
    assert str(exc.value)  # a Chinese reason for the message


def test_parse_amount_refusal_quotes_the_text():
    with pytest.raises(AmountError, match="12万"):
        parse_amount("12万")


# -- to_fen -------------------------------------------------------------------------------

def test_float_noise_becomes_exact_cents_with_flag():
    amount, _ = parse_amount(0.1 + 0.2)  # 0.30000000000000004
    assert amount == Decimal("0.30000000000000004")
    assert to_fen(amount, "元") == (30, True)


def test_wan_to_fen_exact():
    assert to_fen(parse_amount(114.97)[0], "万元") == (114970000, False)
    assert to_fen(parse_amount("114.97")[0], "万元") == (114970000, False)
    assert to_fen(parse_amount(0.000001)[0], "万元") == (1, False)


@pytest.mark.parametrize("amount, unit, expected", [
    (Decimal("1"), "元", (100, False)),
    (Decimal("1.23"), "元", (123, False)),
    (Decimal("1.230000"), "元", (123, False)),
    (Decimal("1.005"), "元", (101, True)),     # half up, not to even
    (Decimal("1.015"), "元", (102, True)),
    (Decimal("1.0049"), "元", (100, True)),
    (Decimal("-1.005"), "元", (-101, True)),   # half away from zero
    (Decimal("0.0000005"), "万元", (1, True)),
    (Decimal("0.0000004"), "万元", (0, True)),
    (Decimal("12345678.901234"), "万元", (12345678901234, False)),
])
def test_to_fen(amount, unit, expected):
    assert to_fen(amount, unit) == expected


def test_to_fen_uses_the_typed_decimal_not_the_binary_float():
    # 2.675 is 2.67499999… in binary; the user typed 2.675, which rounds half up to 268 分.
    assert to_fen(parse_amount(2.675)[0], "元") == (268, True)
    assert to_fen(parse_amount(1.005)[0], "元") == (101, True)


def test_to_fen_unknown_unit():
    with pytest.raises(KeyError):
        to_fen(Decimal(1), "千元")


# -- half_up_div --------------------------------------------------------------------------

@pytest.mark.parametrize("numerator, denominator, expected", [
    (0, 10, 0), (4, 10, 0), (5, 10, 1), (6, 10, 1), (15, 10, 2), (25, 10, 3), (35, 10, 4),
    (-4, 10, 0), (-5, 10, -1), (-6, 10, -1), (-15, 10, -2), (-25, 10, -3),
    (14999, FEN_PER_BAIYUAN, 1), (15000, FEN_PER_BAIYUAN, 2), (-15000, FEN_PER_BAIYUAN, -2),
    (-14999, FEN_PER_BAIYUAN, -1), (5000, FEN_PER_BAIYUAN, 1), (-5000, FEN_PER_BAIYUAN, -1),
    (4999, FEN_PER_BAIYUAN, 0), (7, 1, 7), (-7, 1, -7), (1, 2, 1), (-1, 2, -1), (1, 3, 0),
])
def test_half_up_div(numerator, denominator, expected):
    assert half_up_div(numerator, denominator) == expected


@given(st.integers(-10**18, 10**18), st.integers(1, 10**9))
def test_half_up_div_matches_decimal(numerator, denominator):
    from decimal import ROUND_HALF_UP, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        exact = (Decimal(numerator) / Decimal(denominator)).to_integral_value(rounding=ROUND_HALF_UP)
    assert half_up_div(numerator, denominator) == int(exact)


def test_baiyuan_to_wan_and_format():
    assert baiyuan_to_wan(11497) == Decimal("114.97")
    assert baiyuan_to_wan(-5) == Decimal("-0.05")
    assert format_wan(123456789) == "1,234,567.89"
    assert format_wan(0) == "0.00"


# -- round trips --------------------------------------------------------------------------

@given(st.integers(-10**17, 10**17))
def test_formatted_yuan_text_parses_back_exactly(n):
    text = f"{Decimal(n).scaleb(-2):,.2f}"  # Decimal, never float: e.g. "-1,234.56"
    amount, as_text = parse_amount(text)
    assert as_text is True
    assert amount == Decimal(n).scaleb(-2)
    assert to_fen(amount, "元") == (n, False)


@given(st.integers(-10**17, 10**17))
def test_formatted_wan_text_parses_back_exactly(n):
    text = f"{Decimal(n).scaleb(-6):,.6f}"
    assert to_fen(parse_amount(text)[0], "万元") == (n, False)


@given(st.integers(-(10**15 - 1), 10**15 - 1))
def test_typed_float_with_15_digits_is_exact(n):
    # What money.py promises: a float the user typed (≤ 15 significant digits) is read exactly.
    value = float(f"{Decimal(n).scaleb(-2)}")
    amount, as_text = parse_amount(value)
    assert as_text is False
    assert to_fen(amount, "元") == (n, False)

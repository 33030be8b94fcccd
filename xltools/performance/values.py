"""指标值 as people type it → operator, number and unit.

Published sheets write the same target many ways: ``≥510人``, ``＞=510 人``, ``> =98%``,
``>=4980人次``, ``不低于95%``, ``95%以上``, ``100%`` (no operator), ``2026年12月10日前``
(a deadline) or a 定性 phrase (``有所提升``).  Anything else — a sentence with numbers in
it, two units, an operator without a number — is "unparsed" and reported, because a
reviewer cannot score it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .model import ParsedValue

_WIDE = str.maketrans("０１２３４５６７８９．，％＞＜＝／（）", "0123456789.,%><=/()")
_SYMBOLS = (("≥", ">="), ("≧", ">="), ("≤", "<="), ("≦", "<="), ("=>", ">="), ("=<", "<="))
_WORDS = (("大于等于", ">="), ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("达到", ">="),
          ("小于等于", "<="), ("不高于", "<="), ("不超过", "<="), ("不大于", "<="), ("不多于", "<="),
          ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"), ("小于", "<"), ("低于", "<"),
          ("少于", "<"), ("等于", "="))
_OP = re.compile(r"^(>=|<=|>|<|=)")
_NUMBER = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
# A unit is a short run of words and marks: 人, 人次, %, 元/人/月, 万元, 个月, ℃.
_UNIT = re.compile(r"^[%‰℃°a-zA-Z\u4e00-\u9fff/·()]{0,12}$")
_DATE = re.compile(r"^((?:19|20)\d\d)(?:年(\d{1,2})月(?:(\d{1,2})日)?|[-./](\d{1,2})[-./](\d{1,2}))"
                   r"(前|之前|以前|底|末|内|以内)?$")
_AFTER = (("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="))
_DIGIT = re.compile(r"\d")


def normalise(text: str) -> str:
    s = "".join(str(text).translate(_WIDE).split())
    for a, b in _SYMBOLS:
        s = s.replace(a, b)
    return s


def parse_value(text: str) -> ParsedValue:
    s = normalise(text)
    if not s:
        return ParsedValue("unparsed")
    op = None
    for word, symbol in _WORDS:
        # only before a number: 达到预期 is a 定性 value, 达到95% a target
        if s.startswith(word) and s[len(word):len(word) + 1].isdigit():
            op, s = symbol, s[len(word):]
            break
    else:
        m = _OP.match(s)
        if m:
            op, s = m.group(1), s[m.end():]
    date = _DATE.match(s)
    if date:
        return _date(op, date)
    m = _NUMBER.match(s)
    if m:
        unit = s[m.end():]
        for word, symbol in _AFTER:
            if unit.endswith(word) and op is None:
                op, unit = symbol, unit[: -len(word)]
                break
        if not _UNIT.match(unit):
            return ParsedValue("unparsed", op)
        number = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
        return ParsedValue("number", op, number, unit)
    if op is None and not _DIGIT.search(s):
        return ParsedValue("text")
    return ParsedValue("unparsed", op)


def _date(op: str | None, m: re.Match) -> ParsedValue:
    year = m.group(1)
    month = m.group(2) or m.group(4)
    day = m.group(3) or m.group(5)
    if not 1 <= int(month) <= 12 or (day and not 1 <= int(day) <= 31):
        return ParsedValue("unparsed", op)
    # "前/底/以内" sets a deadline: done by that date.
    if m.group(6) and op is None:
        op = "<="
    iso = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    return ParsedValue("date", op, date=iso)

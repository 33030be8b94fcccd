"""Normalise classification codes as people type them.

Users paste codes from budget systems, Word tables and WPS: ``2080101``, ``208 01 01``,
``208-01-01``, ``208.01.01``, a number ``2080101`` (possibly ``2080101.0`` after a round
trip through a float), full-width digits, or the code followed by its name
(``2080101 行政运行``, ``[2080101]行政运行``, ``【2080101】行政运行``, ``2080101-行政运行``).
Everything becomes the plain digit string ``2080101``.
"""

from __future__ import annotations

from functools import lru_cache

import re
from dataclasses import dataclass

# Zero-width characters and the byte-order mark come along when cells are pasted from web
# pages, chat messages or a CSV: invisible, so the user cannot see why "2080101" fails.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９．－　，", "0123456789.- ,", INVISIBLE
)
_SPACES = re.compile(r"\s")
_GROUPS = re.compile(r"^\s*([0-9]+)")
_NEXT_GROUP = re.compile(r"^[ .\-]+([0-9]{2})(?![0-9])")
_FLOAT_TAIL = re.compile(r"^([0-9]+)\.0+$")
# Budget systems export "[2059999]其他教育支出"; Word documents write 【】 or （）.
_BRACKETED = re.compile(r"^[\[【［(（〔]\s*([0-9][0-9 .\-]*?)\s*[\]】］)）〕](.*)$")


@dataclass(frozen=True, slots=True)
class ParsedCode:
    code: str
    name: str | None  # the name written after the code, if any


def to_halfwidth(text: str) -> str:
    """Full-width digits and punctuation as ASCII, invisible characters removed."""
    return text.translate(_FULLWIDTH)


def parse_code(value: object) -> ParsedCode | None:
    """Return the digits of a code cell and any trailing name, or None when it holds no code.

    Numbers are accepted because Excel turns typed codes into numbers unless the column is
    formatted as text; a float can only hold an integral code.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return ParsedCode(str(value), None) if value >= 0 else None
    if isinstance(value, float):
        if value != value or value < 0 or not value.is_integer():
            return None
        return ParsedCode(str(int(value)), None)
    return _parse_text(str(value))


# Masters repeat the same few hundred codes over thousands of lines: parse each spelling once.
@lru_cache(maxsize=1 << 16)
def _parse_text(value: str) -> ParsedCode | None:
    # Any space (tab, no-break space from Word) separates groups as an ASCII space does.
    text = _SPACES.sub(" ", to_halfwidth(value)).strip()
    if not text:
        return None
    bracketed = _BRACKETED.match(text)
    if bracketed:
        text = f"{bracketed.group(1)} {bracketed.group(2).strip()}".strip()
    float_form = _FLOAT_TAIL.match(text)
    if float_form:
        return ParsedCode(float_form.group(1), None)
    m = _GROUPS.match(text)
    if not m:
        return None
    # A compact code stands alone; a separated one is 类 then two-digit groups (208 01 01).
    # Anything after that — even digits, as in "2080101 1号楼维修" — is the name.
    groups = [m.group(1)]
    rest = text[m.end():]
    if len(groups[0]) < 5:
        while len("".join(groups)) < 7:
            g = _NEXT_GROUP.match(rest)
            if not g:
                break
            groups.append(g.group(1))
            rest = rest[g.end():]
    name = rest.strip(" \t\r\n-—:：、.") or None
    return ParsedCode("".join(groups), name)


def func_levels(code: str) -> list[str]:
    """类, 款, 项 prefixes of a 功能分类 code (3, 5, 7 digits)."""
    return [code[:n] for n in (3, 5, 7) if len(code) >= n]


def econ_levels(code: str) -> list[str]:
    """类, 款 prefixes of a 部门经济分类 code (3, 5 digits)."""
    return [code[:n] for n in (3, 5) if len(code) >= n]

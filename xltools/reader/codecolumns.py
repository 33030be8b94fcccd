"""How 收支明细 lays out its codes: one column per code, or 类|款|项 split over columns, and
the name columns budget-system exports put beside them.

``code_layout`` looks at row 1 only and returns a header the ordinary column finder can
read (a split dimension shows up as its canonical column at the 类 cell) plus where the
split parts and the name columns are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..codes import to_halfwidth
from .headers import alias_map, normalise

FUNC, ECON = "功能分类科目", "经济分类科目"

NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    FUNC: ("功能分类科目名称", "功能科目名称", "支出功能分类科目名称", "功能分类名称"),
    ECON: ("经济分类科目名称", "经济科目名称", "部门经济分类科目名称", "部门经济分类名称", "经济分类名称"),
}
# A bare 科目名称 names whichever code column stands just left of it.
GENERIC_NAMES = ("科目名称", "名称")

_PARTS = ("类", "款", "项")
_PREFIXES = {
    FUNC: ("功能分类", "功能分类科目", "功能", "功能科目", "支出功能分类", "支出功能分类科目"),
    ECON: ("经济分类", "经济分类科目", "经济", "经济科目", "部门经济分类", "部门经济分类科目"),
}


@dataclass
class CodeLayout:
    header: list  # row 1 as the column finder should see it
    split: dict[str, list[int]] = field(default_factory=dict)  # FUNC/ECON → 类, 款[, 项] columns
    names: dict[str, int] = field(default_factory=dict)  # FUNC/ECON → its name column


def code_layout(header: list, line_columns: dict[str, tuple[str, ...]]) -> CodeLayout:
    texts = [normalise(h) for h in header]
    layout = CodeLayout(list(header))
    parts: dict[str, dict[str, int]] = {FUNC: {}, ECON: {}}
    bare: list[tuple[int, str]] = []
    for c, t in enumerate(texts):
        if t in _PARTS:
            bare.append((c, t))
            continue
        for dim, prefixes in _PREFIXES.items():
            if t[-1:] in _PARTS and t[:-1] in prefixes and t[-1] not in parts[dim]:
                parts[dim][t[-1]] = c
    # Bare 类|款|项 headers: a run holding 项 is 功能分类, a run of 类|款 is 经济分类.
    for run in _runs(bare):
        labels = [t for _, t in run]
        dim = FUNC if "项" in labels else ECON
        if not parts[dim]:
            parts[dim] = {t: c for c, t in run}
    for dim, found in parts.items():
        if "类" not in found:
            continue
        cols = [found[p] for p in _PARTS if p in found]
        layout.split[dim] = cols
        layout.header[cols[0]] = dim
        for c in cols[1:]:
            layout.header[c] = None

    specific = {normalise(a): dim for dim, aliases in NAME_COLUMNS.items() for a in aliases}
    aliases = alias_map(line_columns)
    code_at = {c: aliases.get(normalise(h)) for c, h in enumerate(layout.header)}
    for dim, cols in layout.split.items():
        code_at[cols[-1]] = dim
    generic = {normalise(g) for g in GENERIC_NAMES}
    for c, t in enumerate(texts):
        dim = specific.get(t)
        if dim is None and t in generic and c > 0 and code_at.get(c - 1) in (FUNC, ECON):
            dim = code_at[c - 1]
        if dim is not None and dim not in layout.names:
            layout.names[dim] = c
            layout.header[c] = None
    return layout


def _runs(bare: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Adjacent bare headers starting at 类, in order: 类|款|项 or 类|款."""
    runs: list[list[tuple[int, str]]] = []
    for c, t in bare:
        if t == "类" or not runs or runs[-1][-1][0] != c - 1:
            runs.append([(c, t)])
        else:
            runs[-1].append((c, t))
    return [r for r in runs if r[0][1] == "类"]


def joined_code(values: list[object]) -> object:
    """One code from 类|款|项 cells: "208" | "01" | "01" → "2080101".

    A 款 typed into a number cell loses its leading zero (1 for "01"); exports that repeat the
    whole code in each level ("208" | "20801" | "2080101") are accepted too.  Returns None for
    an empty row and the raw text when a part is not digits, for the caller to report."""
    parts = [_part(v) for v in values]
    if not any(parts):
        return None
    code = ""
    for i, part in enumerate(parts):
        if not part:
            continue
        if not part.isdigit():
            return " ".join(p for p in parts if p)
        if code and part.startswith(code) and len(part) > len(code):
            code = part
        elif i == 0 or len(part) > 2:
            code += part
        else:
            code += part.zfill(2)
    return code


def _part(value: object) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return to_halfwidth(str(value)).strip()

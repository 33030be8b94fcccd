"""第二部分's tables as Word tables: the same layouts (table_layouts.py) as the workbook.

The header tree becomes merged header rows (a parent spans its leaves, a leaf reaches down
to the last header row), repeated on every page; then the 栏次 row where the 表样 prints
one, then the body rows in the workbook's order, money in 万元 with two decimals and thousands
separators, zeros blank, codes as text.
"""

from __future__ import annotations

from decimal import Decimal

from ..tables.engine import TableResult
from ..tables.profiles import Profile
from .docx_table import Cell
from .table_layouts import CODE_PARTS, PORTRAIT_MAX_WIDTH, Head, Layout, layout, width

# Cell styles by role; publication_styles.CELL_STYLES names them in the template.
HEAD, TEXT, NUMBER, CODE = "head", "text", "number", "code"


def wan_text(baiyuan: int | None) -> str:
    """百元 as 万元 text, "1,234.50"; zero and missing print blank, as published."""
    if not baiyuan:
        return ""
    return f"{Decimal(baiyuan).scaleb(-2):,.2f}"


def table_layout(table: TableResult) -> Layout:
    return layout(table.key, tuple(c for sec in table.sections for c in sec.columns))


def is_landscape(lay: Layout) -> bool:
    return sum(width(leaf) for leaf in lay.leaves) > PORTRAIT_MAX_WIDTH


# A Word table is as wide as its page, not as wide as its Excel columns: codes get enough room
# never to wrap ("208" broken over two lines), names a little less than in the workbook.
_WORD_WIDTHS = {"@class": 8, "@kuan": 6.5, "@xiang": 6.5, "@name": 20, "@project": 24}


def column_weights(lay: Layout) -> list[float]:
    return [_WORD_WIDTHS.get(leaf.key, width(leaf)) if isinstance(leaf.key, str) else width(leaf)
            for leaf in lay.leaves]


def header_rows(lay: Layout, column_numbers: bool) -> list[list[Cell]]:
    depth = lay.depth
    grid: list[list[tuple[int, Cell]]] = [[] for _ in range(depth)]

    def place(head: Head, row: int, col: int) -> int:
        if not head.children:
            grid[row].append((col, Cell(head.label, HEAD, vmerge="restart" if row < depth - 1 else None)))
            for below in range(row + 1, depth):
                grid[below].append((col, Cell("", HEAD, vmerge="continue")))
            return 1
        span = len(head.leaves())
        grid[row].append((col, Cell(head.label, HEAD, span=span)))
        c = col
        for child in head.children:
            c += place(child, row + 1, c)
        return span

    col = 0
    for head in lay.heads:
        col += place(head, 0, col)
    rows = [[cell for _, cell in sorted(r, key=lambda item: item[0])] for r in grid]
    if column_numbers and lay.column_numbers:
        n, numbers = 0, []
        for leaf in lay.leaves:
            if isinstance(leaf.key, str):
                numbers.append(Cell("※", HEAD))
            else:
                n += 1
                numbers.append(Cell(str(n), HEAD))
        rows.append(numbers)
    return rows


def _split(code: str | None) -> tuple[str, str, str]:
    if not code:
        return "", "", ""
    return code[:3], code[3:5], code[5:7]


def body_rows(table: TableResult, lay: Layout, profile: Profile,
              func_names: dict[str, str]) -> list[list[Cell]]:
    if lay.two_sided:
        return _two_sided(table, lay)
    sec = table.sections[0]
    indexed = list(enumerate(sec.rows))
    # 表10's fixed rows carry 合计 first; documents that print 总计 last move it down (as the workbook).
    if table.key == "T_three_public" and not profile.total_first:
        indexed = indexed[1:] + indexed[:1]
    out = []
    leaves = lay.leaves  # a property that walks the tree: once, not per row
    # cells as plain tuples in Cell's order: a million of them at 1,000,000 lines
    for _, (r, vals) in indexed:
        bold = r.kind in ("total", "unit") or r.fixed_key == "total"
        parts = dict(zip(CODE_PARTS, _split(r.code if r.kind in ("class", "project") else None)))
        cells = []
        for leaf in leaves:
            key = leaf.key
            if isinstance(key, tuple):
                cells.append((wan_text(vals.get(key[1])), NUMBER, 1, None, bold))
            elif key in parts:
                cells.append((parts[key], CODE, 1, None, False))
            elif key == "@name":
                label = func_names.get(r.code or "", "") if r.kind == "project" else r.label
                cells.append((label or "", TEXT, 1, None, bold))
            elif key == "@project":
                cells.append((r.project if r.kind == "project" else "", TEXT, 1, None, False))
            else:  # @label
                cells.append((r.label or "", TEXT, 1, None, bold))
        out.append(cells)
    return out


def _two_sided(table: TableResult, lay: Layout) -> list[list[Cell]]:
    """表1 and 表4: income rows left, expense rows right, the two 总计 on one last row."""
    leaves = lay.leaves
    split = next(i for i, leaf in enumerate(leaves) if leaf.key == "@ex_label")
    sides = []
    for sec, lo, hi in ((table.section("income_rows"), 0, split),
                        (table.section("expense_rows"), split, len(leaves))):
        *rows, total = sec.rows
        sides.append((rows, total, leaves[lo:hi]))
    body = max(len(sides[0][0]), len(sides[1][0]))
    out = []
    for i in range(body + 1):
        cells = []
        for rows, total, side_leaves in sides:
            is_total = i == body
            item = total if is_total else rows[i] if i < len(rows) else None
            for leaf in side_leaves:
                if item is None:
                    cells.append(Cell("", NUMBER if isinstance(leaf.key, tuple) else TEXT))
                    continue
                row, vals = item
                if isinstance(leaf.key, tuple):
                    cells.append(Cell(wan_text(vals.get(leaf.key[1])), NUMBER, bold=is_total))
                else:
                    text = f"{row.code} {row.label}" if row.code else row.label
                    cells.append(Cell(text, TEXT, bold=is_total))
        out.append(cells)
    return out

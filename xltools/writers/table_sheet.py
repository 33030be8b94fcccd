"""One table on its own worksheet, printed like the published ones.

Returns where every figure went — ``(section, row index, column) → (row, col)`` — so the
校验 sheet can point its formulas at the very cells a person may later edit.
"""

from __future__ import annotations

from ..tables.engine import TableResult
from ..tables.profiles import Profile
from .text_fit import RowHeights
from .table_layouts import CODE_PARTS, PORTRAIT_MAX_WIDTH, Head, Layout, layout, width
from .xlsx_styles import Styles

HEADER_TOP = 3  # rows 0–2: 表N, title, 编制部门 / 单位：万元
FOOTER = "&C第 &P 页，共 &N 页"

Cells = dict[tuple[str, int, str], tuple[int, int]]


def sheet_name(table: TableResult) -> str:
    return f"表{table.no}"


def wan(value: int) -> float:
    # 百元 → 万元: the float only carries a two-decimal literal into the file.  Dividing two
    # integers rounds once, to the float nearest the exact quotient: the float that
    # Decimal(value).scaleb(-2) converts to, at a fraction of the cost (a million figures).
    return value / 100


def write_table_sheet(ws, st: Styles, table: TableResult, profile: Profile, entity: str, kind: str,
                      func_names: dict[str, str]) -> Cells:
    columns = tuple(c for sec in table.sections for c in sec.columns)
    lay = layout(table.key, columns)
    leaves = lay.leaves
    last_col = len(leaves) - 1
    for c, leaf in enumerate(leaves):
        ws.set_column(c, c, width(leaf))

    ws.write(0, 0, f"表{table.no}", st.no)
    ws.set_row(1, 30)
    ws.merge_range(1, 0, 1, last_col, table.title, st.title)
    half = last_col // 2
    if half:
        ws.merge_range(2, 0, 2, half, f"编制{kind}：{entity}", st.maker)
    else:
        ws.write(2, 0, f"编制{kind}：{entity}", st.maker)
    ws.write(2, last_col, "单位：万元", st.unit)

    heights = RowHeights()
    bottom = HEADER_TOP + lay.depth - 1
    col = 0
    for head in lay.heads:
        col += _head(ws, st, head, HEADER_TOP, col, bottom, heights)
    row = bottom + 1
    if profile.column_numbers and lay.column_numbers:
        n = 0
        for c, leaf in enumerate(leaves):
            if isinstance(leaf.key, str):
                ws.write(row, c, "※", st.colnum)
            else:
                n += 1
                ws.write_number(row, c, n, st.colnum)
        row += 1
    header_end = row - 1

    body = _TwoSided(ws, st, lay, table) if lay.two_sided else _Rows(ws, st, lay, table, func_names,
                                                                   profile.total_first)
    cells, row = body.write(row, heights)

    total_width = sum(width(leaf) for leaf in leaves)
    if table.empty_note:
        ws.merge_range(row + 1, 0, row + 1, last_col, table.empty_note, st.note)
        heights.cell(row + 1, table.empty_note, total_width)
        row += 2
    heights.apply(ws)

    if total_width > PORTRAIT_MAX_WIDTH:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
    ws.repeat_rows(2, header_end)
    ws.set_footer(FOOTER)
    ws.print_area(0, 0, row - 1, last_col)
    ws.freeze_panes(header_end + 1, 0)
    return cells


def _head(ws, st: Styles, head: Head, row: int, col: int, bottom: int, heights: RowHeights) -> int:
    """Write ``head`` at (row, col); returns the number of columns it spans."""
    leaves = head.leaves()
    heights.cell(row, head.label, sum(width(leaf) for leaf in leaves),
                 rows=1 if head.children else bottom - row + 1)
    if not head.children:
        if row < bottom:
            ws.merge_range(row, col, bottom, col, head.label, st.head)
        else:
            ws.write(row, col, head.label, st.head)
        return 1
    span = len(leaves)
    if span > 1:
        ws.merge_range(row, col, row, col + span - 1, head.label, st.head)
    else:
        ws.write(row, col, head.label, st.head)
    c = col
    for child in head.children:
        c += _head(ws, st, child, row + 1, c, bottom, heights)
    return span


def _money(ws, st: Styles, r: int, c: int, value: int | None, bold: bool) -> None:
    fmt = st.money_bold if bold else st.money
    if value:
        ws.write_number(r, c, wan(value), fmt)
    else:
        ws.write_blank(r, c, None, fmt)


def _text(ws, r: int, c: int, text: str | None, fmt) -> None:
    # An empty string would be stored as a string; a blank cell is what a person expects.
    if text:
        ws.write_string(r, c, text, fmt)
    else:
        ws.write_blank(r, c, None, fmt)


def _split(code: str | None) -> tuple[str, str, str]:
    if not code:
        return "", "", ""
    return code[:3], code[3:5], code[5:7]


class _Rows:
    """Tables with one row section: trees, project lists, 表10."""

    def __init__(self, ws, st: Styles, lay: Layout, table: TableResult, func_names, total_first):
        self.ws, self.st, self.lay, self.table = ws, st, lay, table
        self.func_names = func_names
        self.total_first = total_first
        self.leaves = lay.leaves  # a property that walks the heads: once, not per cell
        self.widths = [width(leaf) for leaf in self.leaves]

    def _order(self, rows):
        # 表10's fixed rows carry 合计 first; documents that print 总计 last move it down.
        indexed = list(enumerate(rows))
        if self.table.key == "T_three_public" and not self.total_first:
            indexed = indexed[1:] + indexed[:1]
        return indexed

    def write(self, row: int, heights: RowHeights) -> tuple[Cells, int]:
        cells: Cells = {}
        sec = self.table.sections[0]
        self.heights = heights
        for index, (r, vals) in self._order(sec.rows):
            bold = r.kind in ("total", "unit") or r.fixed_key == "total"
            parts = dict(zip(CODE_PARTS, _split(r.code if r.kind in ("class", "project") else None)))
            for c, leaf in enumerate(self.leaves):
                key = leaf.key
                if isinstance(key, tuple):
                    _money(self.ws, self.st, row, c, vals.get(key[1]), bold)
                    cells[(sec.name, index, key[1])] = (row, c)
                elif key in parts:
                    _text(self.ws, row, c, parts[key], self.st.code)
                elif key == "@name":
                    label = self.func_names.get(r.code or "", "") if r.kind == "project" else r.label
                    self._label(row, c, label, r.kind)
                elif key == "@project":
                    self._label(row, c, r.project if r.kind == "project" else "", r.kind)
                else:  # @label
                    self._label(row, c, r.label, r.kind or ("total" if r.fixed_key == "total" else None))
            row += 1
        return cells, row

    def _label(self, row, c, text, kind) -> None:
        st = self.st
        fmt = st.total_label if kind == "total" else st.label_bold if kind == "unit" else st.label
        _text(self.ws, row, c, text, fmt)
        self.heights.cell(row, text or "", self.widths[c])


class _TwoSided:
    """表1 and 表4: income rows on the left, expense rows on the right, totals on one last row."""

    def __init__(self, ws, st: Styles, lay: Layout, table: TableResult):
        self.ws, self.st, self.lay, self.table = ws, st, lay, table

    def write(self, row: int, heights: RowHeights) -> tuple[Cells, int]:
        cells: Cells = {}
        self.heights = heights
        income, expense = self.table.section("income_rows"), self.table.section("expense_rows")
        leaves = self.lay.leaves
        split = next(i for i, leaf in enumerate(leaves) if leaf.key == "@ex_label")
        left = list(enumerate(income.rows))
        right = list(enumerate(expense.rows))
        body = max(len(left), len(right)) - 1
        for side, items, first_col, sec in ((0, left, 0, income), (1, right, split, expense)):
            *rows, total = items
            rows += [None] * (body - len(rows))
            for offset, item in enumerate(rows + [total]):
                r = row + offset
                is_total = offset == body
                self._side(r, leaves, first_col, split if side == 0 else len(leaves), sec.name,
                           item, is_total, cells)
        return cells, row + body + 1

    def _side(self, r, leaves, start, stop, section, item, is_total, cells) -> None:
        st = self.st
        for c in range(start, stop):
            key = leaves[c].key
            if item is None:
                self.ws.write_blank(r, c, None, st.money if isinstance(key, tuple) else st.label)
                continue
            index, (row, vals) = item
            if isinstance(key, tuple):
                _money(self.ws, st, r, c, vals.get(key[1]), is_total)
                cells[(section, index, key[1])] = (r, c)
            else:
                text = f"{row.code} {row.label}" if row.code else row.label
                self.ws.write_string(r, c, text, st.total_label if is_total else st.label)
                self.heights.cell(r, text, width(leaves[c]))

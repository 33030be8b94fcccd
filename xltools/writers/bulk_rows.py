"""A worksheet that takes tens of thousands of uniform rows at the cost of string formatting.

The 校验 sheet of a 100,000-line master has one row per identity, about 50,000 rows of nine
cells, five of them formulas.  Through XlsxWriter's cell API each cell is checked, wrapped in
a tuple, and later turned into XML attribute by attribute: 19 s of a profiled 45 s workbook.
Here a row's cells are kept as XML fragments (strings still go to the workbook's shared
string table, formats are resolved to their index when the sheet is assembled, exactly as
XlsxWriter does) and written after the rows XlsxWriter manages, which must all lie above.
"""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import xl_col_to_name

from .classic_formulas import ClassicFormulaSheet

MAX_STRING = 32767  # Excel's limit for a cell's text, in UTF-16 units


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula (no leading =) with the value it computes, stored so any viewer shows it."""

    body: str
    value: float | int | str


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class BulkRowsSheet(ClassicFormulaSheet):
    """``bulk_row`` appends a whole row; ordinary writes stay for the rows above the first."""

    def _initialize(self, init_data) -> None:
        super()._initialize(init_data)
        self._bulk: list[tuple[int, float | None, list]] = []
        self._letters: list[str] = []

    def bulk_row(self, row: int, cells, height: float | None = None) -> None:
        """Append row ``row`` (zero-based, after every earlier one) of ``cells``: (col, value,
        format) with value a number, a string, a Formula or None (a formatted blank).
        ``height`` in points, None for the default."""
        if self._bulk and row <= self._bulk[-1][0]:
            raise ValueError(f"bulk rows must be appended in order: row {row} after {self._bulk[-1][0]}")
        out = []
        last = 0
        for col, value, fmt in cells:
            last = max(last, col)
            if isinstance(value, Formula):
                body = _escape(value.body)
                if isinstance(value.value, str):
                    out.append((col, fmt, f' t="str"><f>{body}</f><v>{_escape(value.value)}</v></c>'))
                else:
                    out.append((col, fmt, f"><f>{body}</f><v>{value.value}</v></c>"))
            elif isinstance(value, str):
                if len(value) > MAX_STRING // 2 and len(value.encode("utf-16-le")) // 2 > MAX_STRING:
                    raise ValueError(f"text longer than Excel allows in row {row + 1}")
                index = self.str_table._get_shared_string_index(value)
                out.append((col, fmt, f' t="s"><v>{index}</v></c>'))
            elif value is None:
                out.append((col, fmt, "/>"))
            else:
                out.append((col, fmt, f"><v>{value:.16G}</v></c>"))
        # Keeps <dimension>, print areas and autofilters right, as an ordinary write would.
        if self._check_dimensions(row, last):
            raise ValueError(f"row {row + 1} is outside the worksheet")
        self._bulk.append((row, height, out))

    def _write_rows(self) -> None:
        super()._write_rows()
        if not self._bulk:
            return
        first = self._bulk[0][0]
        managed = [r for r, cells in self.table.items() if cells] + list(self.row_info)
        if managed and max(managed) >= first:
            raise ValueError(f"row {max(managed) + 1} was written cell by cell below the bulk rows")
        write = self.fh.write
        letters = self._letters
        for row, height, cells in self._bulk:
            r = row + 1
            write(f'<row r="{r}" ht="{height:.16g}" customHeight="1">' if height is not None
                  else f'<row r="{r}">')
            for col, fmt, tail in cells:
                while len(letters) <= col:
                    letters.append(xl_col_to_name(len(letters)))
                style = fmt._get_xf_index() if fmt is not None else 0
                write(f'<c r="{letters[col]}{r}" s="{style}"{tail}' if style else f'<c r="{letters[col]}{r}"{tail}')
            write("</row>")

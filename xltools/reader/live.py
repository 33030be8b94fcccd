"""Read a master from cell values already in memory — a workbook open in Excel, say.

The Excel add-in works on the live, possibly unsaved workbook, whose file on disk may be
stale; it hands over each sheet's values as rows.  ``LiveWorkbook`` gives them the
interface of ``Workbook`` (sheet_names, sheet(name), formula_cells), so the one master
parser reads them and every rule and message stays the same as for a file.

Values are what Excel shows: numbers as floats, text as text, empty cells as None.  A cell
holding an error value arrives as its literal (``#DIV/0!``); like the file reader, it is
then an empty cell whose error is reported by the parser (formula-error).  A live workbook
has no formula without a value: Excel calculated them all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Master
from .master import _MasterParser
from .workbook import Sheet, cell_ref

# Every error value Excel can show in a cell.
ERROR_VALUES = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
    "#SPILL!", "#CONNECT!", "#BLOCKED!", "#UNKNOWN!", "#FIELD!", "#CALC!", "#BUSY!", "#PYTHON!",
})

Rows = Sequence[Sequence[object]]


class LiveWorkbook:
    """The ``Workbook`` interface over ``{sheet name: rows}``; row 0 is worksheet row 1.

    ``sheets`` may fetch lazily: a sheet's rows are asked for only when the parser reads
    that sheet, and only once.
    """

    def __init__(self, path: str, sheets: Mapping[str, Rows]):
        self.path = path
        self.sheet_names = list(sheets)
        self._sheets = sheets
        self._read: dict[str, tuple[list[list[object]], dict[str, str]]] = {}

    def _load(self, name: str) -> tuple[list[list[object]], dict[str, str]]:
        if name not in self._read:
            rows: list[list[object]] = []
            errors: dict[str, str] = {}
            for r, raw in enumerate(self._sheets[name]):
                row = []
                for c, value in enumerate(raw):
                    if isinstance(value, str) and value.strip() in ERROR_VALUES:
                        errors[cell_ref(r, c)] = value.strip()
                        value = None
                    row.append(None if value == "" else value)
                rows.append(row)
            self._read[name] = (rows, errors)
        return self._read[name]

    def sheet(self, name: str) -> Sheet:
        return Sheet(name, self._load(name)[0], self)

    def formula_cells(self, sheet: str) -> dict[str, str]:
        """The cells holding an error value: ref → the error (never "": no uncalculated
        formula in a live workbook)."""
        return self._load(sheet)[1]

    def close(self) -> None:
        """Nothing to release: the values belong to the caller."""


def read_master_from_sheets(path_label: str, sheets: Mapping[str, Rows]) -> Master:
    """Parse a master from its sheets' values, as ``read_master`` parses a file.

    ``path_label`` names the workbook in the result (its path or Excel's name for it).
    Only the sheets in ``sheets`` exist for the parser.
    """
    return _MasterParser(LiveWorkbook(path_label, sheets)).parse()

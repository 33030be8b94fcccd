"""Excel around the ribbon entries: message boxes, opening results, selecting a cell.

Only reached from ``ribbon.dispatch`` inside Excel on Windows; everything it does goes
through xlwings' open-source Book/App API (plus ``os.startfile`` for Word documents).
"""

from __future__ import annotations

import os

from .ribbon import Host, Outcome


def _same_file(a: str, b: str) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


class ExcelHost(Host):
    def __init__(self, book):
        self.book = book
        self.app = book.app

    def release(self, path: str) -> None:
        # The previous result is usually still open (we opened it); Windows refuses to
        # replace an open file.  Close it unless the accountant has changed it.
        for other in self.app.books:
            if _same_file(other.fullname, path) and other.api.Saved:
                other.close()

    def alert(self, title: str, message: str, failed: bool = False) -> None:
        self.app.alert(message, title, mode="critical" if failed else "info")

    def _open(self, path: str) -> None:
        if path.lower().endswith((".xlsx", ".xlsm")):
            self.app.books.open(path)
        else:
            os.startfile(path)  # Word (or WPS) for the .docx

    def _select(self, sheet: str, cell: str) -> None:
        target = self.book.sheets[sheet]
        target.activate()
        target.range(cell.split(":")[0]).select()

    def finish(self, title: str, outcome: Outcome) -> None:
        if outcome.files:
            self._open(outcome.files[0])
        elif outcome.first_error is not None:
            f = outcome.first_error
            try:
                self._select(f.sheet, f.cell)
            except Exception:  # a place that is no single cell (a merged range, a table)
                pass
        self.alert(title, outcome.message, failed=not outcome.ok)

"""A worksheet that writes formulas exactly as given, for sheets with thousands of them."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet


class ClassicFormulaSheet(Worksheet):
    """A worksheet whose formulas are written exactly as given.

    XlsxWriter runs some thirty regular expressions over every formula to prefix Excel 365
    functions with ``_xlfn.``; the formulas we write use none of them (SUM, SUMIFS,
    ROUND, IF, ABS and the template's text functions), and on thousands of long formulas that pass was nine tenths of the time
    the template and the 校验 sheet took to write (4.3 s → 0.5 s for 2000 template rows).  Subclassing a worksheet is
    what XlsxWriter's ``worksheet_class`` argument is for; tests/test_template.py and
    tests/test_disclosure_workbook.py check that the stock method would leave these formulas
    unchanged.
    """

    def _prepare_formula(self, formula, *args, **kwargs):
        return formula.removeprefix("=")

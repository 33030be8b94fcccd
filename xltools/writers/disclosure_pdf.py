"""The disclosure tables as PDF: the table sheets only, in order, printed by LibreOffice."""

from __future__ import annotations

import os
import tempfile

from ..office import to_pdf
from ..tables.engine import TableSet
from .disclosure_workbook import output_name, write_disclosure_workbook


def pdf_name(ts: TableSet) -> str:
    return os.path.splitext(output_name(ts))[0] + ".pdf"


def write_disclosure_pdf(ts: TableSet, target: str) -> None:
    # 封面, 目录 and 校验 are for the screen; the published PDF is the tables.
    with tempfile.TemporaryDirectory(prefix="xltools-pdf-") as work:
        tables_only = os.path.join(work, "tables.xlsx")
        write_disclosure_workbook(ts, tables_only, tables_only=True)
        to_pdf(tables_only, target)

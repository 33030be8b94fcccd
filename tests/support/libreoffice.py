"""LibreOffice in tests: recalculate for real, never mock the spreadsheet engine.

A test that needs LibreOffice uses the ``soffice`` fixture (conftest.py).  Without
LibreOffice it skips with the reason — except under CI=true, where it fails, because CI
installs LibreOffice and a silent skip there would hide a broken check.
"""

from __future__ import annotations

import os

import openpyxl
import pytest

from xltools.office import find_soffice, recalculated_copy


def require_soffice() -> str:
    found = find_soffice()
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but LibreOffice (soffice) is not installed: run .ci/run, which installs it")
    pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")


def recalculate(path, tmp_path, name: str = "recalculated.xlsx"):
    """``path`` recalculated by LibreOffice; returns (formulas workbook, values workbook)."""
    out = os.path.join(str(tmp_path), name)
    recalculated_copy(str(path), out)
    return openpyxl.load_workbook(out), openpyxl.load_workbook(out, data_only=True)


def require_poppler() -> None:
    import shutil

    if shutil.which("pdftotext") and shutil.which("pdfinfo"):
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but poppler-utils (pdftotext, pdfinfo) is not installed: run .ci/run")
    pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed: apt-get install poppler-utils")


def pdf_pages(path) -> list[str]:
    """The text of each page (pdftotext -layout), in order."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def pdf_page_sizes(path) -> list[str]:
    """pdfinfo's size line of every page, e.g. '595.276 x 841.89 pts (A4)'."""
    import re
    import subprocess

    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", str(path)], capture_output=True,
                          text=True, check=True).stdout
    return re.findall(r"^Page\s+\d+\s+size:\s+(.*)$", info, flags=re.M)

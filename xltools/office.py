"""LibreOffice headless: the spreadsheet engine we can run on any machine.

Two uses: converting a workbook or document to PDF (``--pdf``), and recalculating a workbook
for real — every formula evaluated again by LibreOffice Calc, not trusted from its cached
values — which is how the tests prove that the formulas we write compute what we cached.

Each call runs in a throwaway user profile, so a user's open LibreOffice is not disturbed,
two calls can run side by side, and the profile can force recalculation on load
(OOXMLRecalcMode = 0, "always").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .atomic import atomic_path

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
TIMEOUT = 300  # seconds; a large workbook converts in well under a minute


class OfficeError(Exception):
    """LibreOffice is missing or failed; the message says what to do."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice",
                      r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if os.path.exists(candidate):
            return candidate
    return None


def _convert(source: str, filter_: str, suffix: str, target: str) -> None:
    soffice = find_soffice()
    if soffice is None:
        raise OfficeError("没有找到 LibreOffice（soffice）。请安装 LibreOffice 后重试，"
                          "或不加 --pdf，只生成 Excel 文件。")
    with tempfile.TemporaryDirectory(prefix="xltools-lo-") as work:
        profile = Path(work, "profile", "user")
        profile.mkdir(parents=True)
        (profile / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        # LibreOffice names its output after the input; a plain ASCII copy avoids any
        # trouble with long Chinese names on odd file systems.
        src = Path(work, "in" + Path(source).suffix)
        shutil.copyfile(source, src)
        outdir = Path(work, "out")
        cmd = [soffice, f"-env:UserInstallation={Path(work, 'profile').as_uri()}",
               "--headless", "--norestore", "--nolockcheck",
               "--convert-to", filter_, "--outdir", str(outdir), str(src)]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, text=True)
        except subprocess.TimeoutExpired:
            raise OfficeError(f"LibreOffice 转换“{Path(source).name}”超过 {TIMEOUT} 秒，已放弃。") from None
        produced = outdir / ("in" + suffix)
        if done.returncode != 0 or not produced.exists():
            detail = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or [""]
            raise OfficeError(f"LibreOffice 没能转换“{Path(source).name}”：{detail[0]}")
        with atomic_path(target) as tmp:
            shutil.copyfile(produced, tmp)


def to_pdf(source: str, target: str) -> None:
    """Any workbook or document LibreOffice opens, as PDF (every sheet it would print)."""
    _convert(source, "pdf", ".pdf", target)


def recalculated_copy(source: str, target: str) -> None:
    """``source`` (.xlsx) recalculated by LibreOffice Calc and saved as ``target`` (.xlsx)."""
    _convert(source, "xlsx:Calc MS Excel 2007 XML", ".xlsx", target)

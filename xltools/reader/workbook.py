"""Open an .xlsx/.xlsm defensively and hand out its sheets as rows of cell values.

Workbooks come from anywhere (budget-system exports, other departments), so before any
parser sees one we check what it is (a zip, an encrypted or legacy OLE file, an .ods, a
text file renamed), how big it claims to be once unzipped, and that its XML declares no
entities.  Values are read with calamine (fast, cached values of formulas); the sheet XML
is consulted only to tell a formula without a cached value from an empty cell.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import cached_property

from defusedxml import ElementTree as SafeET

from ..findings import Finding, error

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # zip bombs compress far better than any real sheet
MAX_ROWS = 1_100_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "pr": "http://schemas.openxmlformats.org/package/2006/relationships"}


class ReadError(Exception):
    """The file cannot be read as a workbook at all (exit code 2)."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def _refuse(path: str, rule: str, message: str) -> ReadError:
    return ReadError(error(rule, os.path.basename(path), None, message))


def col_letter(index: int) -> str:
    """0-based column index → Excel letters."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row0: int, col0: int) -> str:
    return f"{col_letter(col0)}{row0 + 1}"


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]  # row 0 is worksheet row 1; blank cells are None
    _book: "Workbook" = field(repr=False)

    def formula_without_value(self, ref: str) -> bool:
        return self._book.formula_cells(self.name).get(ref) == ""

    def error_value(self, ref: str) -> str | None:
        """The error a formula cell holds (#DIV/0!, #N/A…), which calamine reads as empty."""
        value = self._book.formula_cells(self.name).get(ref)
        return value or None

    def problem_cells_below(self, nrows: int, columns: set[str]) -> dict[str, str]:
        """Formula cells in ``columns`` below the last row calamine returned (it stops at the
        last cell with a value): ref → "" when uncalculated, else the error value."""
        found = {}
        for ref, v in self._book.formula_cells(self.name).items():
            m = re.match(r"([A-Z]+)([0-9]+)$", ref)
            if m and m.group(1) in columns and int(m.group(2)) > nrows:
                found[ref] = v
        return found


class Workbook:
    def __init__(self, path: str, names: list[str], calamine_book, zf: zipfile.ZipFile):
        self.path = path
        self.sheet_names = names
        self._book = calamine_book
        self._zip = zf
        self._uncached: dict[str, set[str]] = {}

    def sheet(self, name: str) -> Sheet:
        try:
            return self._read_sheet(name)
        except ReadError:
            raise
        except Exception as exc:  # calamine reports broken XML with several error types
            raise _refuse(self.path, "file-corrupt",
                          f"工作表“{name}”已损坏，无法读取（{exc}）。请在 Excel 中打开并重新保存。") from exc

    def _read_sheet(self, name: str) -> Sheet:
        data = self._book.get_sheet_by_name(name)
        if data.height > MAX_ROWS:
            raise _refuse(self.path, "file-too-large",
                          f"工作表“{name}”有 {data.height} 行，超过上限 {MAX_ROWS} 行。"
                          "请删除多余的空行或拆分工作簿。")
        rows = []
        start_row, start_col = data.start if data.start else (0, 0)
        rows.extend([] for _ in range(start_row))
        for raw in data.iter_rows():
            rows.append([None] * start_col + [None if v == "" else v for v in raw])
        return Sheet(name, rows, self)

    @cached_property
    def _sheet_parts(self) -> dict[str, str]:
        """sheet name → zip member of its XML."""
        wb = SafeET.fromstring(self._zip.read("xl/workbook.xml"))
        rels = SafeET.fromstring(self._zip.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.findall("pr:Relationship", _NS)}
        parts = {}
        for s in wb.findall("m:sheets/m:sheet", _NS):
            target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
            target = target.lstrip("/")
            parts[s.get("name")] = target if target.startswith("xl/") else "xl/" + target
        return parts

    def formula_cells(self, sheet: str) -> dict[str, str]:
        """Cells calamine shows empty that are not: ref → "" (a formula never calculated)
        or the error value it holds (t="e")."""
        if sheet not in self._uncached:
            part = self._sheet_parts.get(sheet)
            found: dict[str, str] = {}
            if part and part in self._zip.namelist():
                xml = self._zip.read(part).decode("utf-8", "replace")
                for m in _CELL.finditer(xml):
                    attrs, body = m.group(1), m.group(3) or ""
                    if _ERROR_TYPE.search(attrs):
                        v = _VALUE_TEXT.search(body)
                        found[m.group(2)] = v.group(1) if v else "#错误"
                    elif _FORMULA.search(body) and not _VALUE.search(body):
                        found[m.group(2)] = ""
            self._uncached[sheet] = found
        return self._uncached[sheet]

    def close(self) -> None:
        self._book.close()
        self._zip.close()


# Some exporters write the spreadsheetml namespace with a prefix (<x:c>), hence (?:\w+:)?.
_CELL = re.compile(r'<(?:\w+:)?c\b([^>]*?\br="([A-Z]+[0-9]+)"[^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', re.S)
_FORMULA = re.compile(r"<(?:\w+:)?f[\s>/]")
# <v/> (as openpyxl writes) holds nothing; <v></v> is a calculated empty string.
_VALUE = re.compile(r"<(?:\w+:)?v>|<(?:\w+:)?is[\s>]")
_VALUE_TEXT = re.compile(r"<(?:\w+:)?v>([^<]*)<")
_ERROR_TYPE = re.compile(r'\bt="e"')


def open_workbook(path: str) -> Workbook:
    """Open ``path`` or raise ReadError with a Chinese message saying what the file is."""
    import python_calamine

    if not os.path.isfile(path):
        raise _refuse(path, "file-not-found", f"找不到文件“{path}”，请检查路径。")
    size = os.path.getsize(path)
    if size == 0:
        raise _refuse(path, "file-empty", "文件是空的（0 字节），请重新保存或导出工作簿。")
    if size > MAX_FILE_BYTES:
        raise _refuse(path, "file-too-large",
                      f"文件有 {size // (1024 * 1024)} MB，超过上限 {MAX_FILE_BYTES // (1024 * 1024)} MB。")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        with open(path, "rb") as fh:
            encrypted = _ENCRYPTED_MARK in fh.read(min(size, 4 * 1024 * 1024))
        if encrypted:
            raise _refuse(path, "file-encrypted",
                          "工作簿设置了打开密码。请在 Excel 中取消密码（文件→信息→保护工作簿）后另存为 .xlsx。")
        raise _refuse(path, "file-format",
                      "这是旧版 .xls（Excel 97-2003）文件。请在 Excel 或 WPS 中另存为 .xlsx 后再试。")
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise _refuse(path, "file-corrupt",
                          "工作簿文件不完整或已损坏（可能下载或复制时被截断）。请重新导出或复制该文件。")
        raise _refuse(path, "file-format",
                      "文件不是 Excel 工作簿（.xlsx）。如果是 CSV 或文本文件，请在 Excel 中打开后另存为 .xlsx。")
    try:
        zf = zipfile.ZipFile(path)
        members = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(path, "file-corrupt", f"文件已损坏，无法解压（{exc}）。请重新导出工作簿。") from exc
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        zf.close()
        if "content.xml" in names:
            raise _refuse(path, "file-format",
                          "这是 OpenDocument（.ods）表格。请在 WPS、Excel 或 LibreOffice 中另存为 .xlsx。")
        raise _refuse(path, "file-format", "压缩包里没有 Excel 工作簿内容，请确认选对了文件。")
    _check_sizes(path, zf, members)
    _check_no_entities(path, zf, members)
    try:
        book = python_calamine.CalamineWorkbook.from_path(path)
    except Exception as exc:  # calamine raises several types for broken parts
        zf.close()
        raise _refuse(path, "file-corrupt", f"工作簿无法读取（{exc}）。请在 Excel 中打开并重新保存。") from exc
    return Workbook(path, list(book.sheet_names), book, zf)


def _check_sizes(path, zf, members) -> None:
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > 10 * 1024 * 1024 and m.compress_size and m.file_size / m.compress_size > MAX_RATIO:
            zf.close()
            raise _refuse(path, "file-bomb", f"文件中的“{m.filename}”压缩比异常（疑似压缩炸弹），已拒绝读取。")
    if total > MAX_UNZIPPED_BYTES:
        zf.close()
        raise _refuse(path, "file-too-large", "工作簿解压后超过 2 GB，已拒绝读取。")


_PROLOG_LIMIT = 1024 * 1024
_ROOT_START = re.compile(rb"<[A-Za-z_]")


def _prolog(fh) -> bytes | None:
    """The bytes before the root element (declaration, comments, DTD); None if too long."""
    data = b""
    while len(data) < _PROLOG_LIMIT:
        chunk = fh.read(65536)
        if not chunk:
            return data
        data += chunk
        # Skip comments so that "<" inside them is not taken for the root element.
        text = re.sub(rb"<!--.*?-->", b"", data, flags=re.S)
        if b"<!--" in text:
            continue  # an unterminated comment: read on
        m = _ROOT_START.search(text)
        if m:
            return text[:m.start()]
    return None


def _check_no_entities(path, zf, members) -> None:
    # Real workbooks never declare a DTD; entity expansion is how XML bombs work.  The
    # whole prolog is examined, however long its comments or whitespace.
    for m in members:
        if not m.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with zf.open(m) as fh:
                prolog = _prolog(fh)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            zf.close()
            raise _refuse(path, "file-corrupt",
                          f"文件中的“{m.filename}”已损坏，无法解压（{exc}）。请重新导出工作簿。") from exc
        if prolog is None or b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
            zf.close()
            raise _refuse(path, "file-xml-entity",
                          f"文件中的“{m.filename}”包含 XML 实体声明（可能是恶意文件），已拒绝读取。")

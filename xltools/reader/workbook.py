"""Open an .xlsx/.xlsm defensively and hand out its sheets as rows of cell values.

Workbooks come from anywhere (budget-system exports, other departments), so before any
parser sees one we check what it is (a zip, an encrypted or legacy OLE file, an .ods, a
text file renamed), how big it claims to be once unzipped, and that its XML declares no
entities.  Values are read with calamine (fast, cached values of formulas); before it
reads a sheet, one streaming pass over the sheet XML (sheetscan.py) bounds the used range —
calamine allocates all of it, and dies on a stray value in XFD1048576 — and tells a formula
without a cached value from an empty cell.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
import zlib
from functools import cached_property

import numpy as np

from defusedxml import ElementTree as SafeET

from ..findings import Finding, error
from .cells import SparseSheet, read_sparse, shared_strings
from .sheetscan import scan_sheet

# Limits (README, "Limits and what errors mean").  A real master has a few thousand lines,
# a prefecture bureau consolidating a hundred departments about 100,000; the bounds admit
# a million lines, read streaming within a minute and 2 GB, and refuse what is beyond.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_PART_BYTES = 128 * 1024 * 1024  # one XML part unzipped other than a sheet (shared strings…)
# A worksheet unzipped: a million lines written with inline strings (XlsxWriter's
# constant_memory, openpyxl's write-only mode) take 434 MB; sheets are read streaming.
MAX_SHEET_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # zip bombs compress far better than any real sheet
MAX_ROWS = 1_000_001  # rows of one sheet that hold something: the header and a million lines
# (formatted empty rows and the empty rows above a stray value do not count)
MAX_FILLED_CELLS = 20_000_000  # cells of one sheet that hold something
# Up to this used range (rows × columns) and sheet size calamine reads the sheet, after a
# scan that bounds it; a bigger one is read in one streaming pass, as sparse columns
# (cells.py): calamine allocates the whole used range, and scan + calamine is slower than
# the single pass beyond a few MB (100,000 lines: 6.1 s against 3.8 s).
CALAMINE_CELLS = 5_000_000
CALAMINE_SHEET_BYTES = 8 * 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


class ReadError(Exception):
    """The file cannot be read as a workbook at all (exit code 2)."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def _refuse(path: str, rule: str, message: str) -> ReadError:
    return ReadError(error(rule, os.path.basename(path), None, message))


def _is_panic(exc: BaseException) -> bool:
    """pyo3 turns a Rust panic inside calamine into PanicException, a BaseException."""
    return type(exc).__name__ == "PanicException"


def col_letter(index: int) -> str:
    """0-based column index → Excel letters."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_REF = re.compile(r"([A-Z]+)([0-9]+)$")


def cell_ref(row0: int, col0: int) -> str:
    return f"{col_letter(col0)}{row0 + 1}"


class Sheet:
    """One worksheet's values.  ``rows``: row 0 is worksheet row 1, blank cells are None.
    A big sheet is held as sparse columns (cells.py) and turned into rows only if asked."""

    def __init__(self, name: str, rows: list[list[object]] | None, book, merged: tuple = (),
                 sparse: SparseSheet | None = None):
        self.name = name
        self._rows = rows
        self._book = book
        # Merged ranges as ((first row, first col), (last row, last col)), 0-based; only the
        # first cell of each holds the value.
        self.merged = merged
        self._sparse = sparse

    @property
    def rows(self) -> list[list[object]]:
        if self._rows is None:
            self._rows = self._sparse.rows()
        return self._rows

    @property
    def nrows(self) -> int:
        if self._sparse is None and self._rows is None:
            return self._nrows  # the values are dropped
        return self._sparse.nrows if self._rows is None else len(self._rows)

    def drop_values(self) -> None:
        """Let the values go once they are made into lines: a million-line sheet's columns
        take a few hundred MB, as many as the lines.  Its extent and formula cells stay."""
        self._nrows = self.nrows
        self._rows = self._sparse = None

    def row(self, r: int) -> list[object]:
        """Row ``r`` alone (a big sheet is not turned into rows for it)."""
        if self._rows is not None:
            return self._rows[r] if r < len(self._rows) else []
        return self._sparse.row(r)

    def column(self, c: int) -> list[object]:
        """Column ``c`` as ``nrows`` values, None where blank."""
        if self._rows is None:
            return self._sparse.dense(c)  # made once, and read-only: asked for more than once
        return [row[c] if c < len(row) else None for row in self._rows]

    def filled_rows(self) -> np.ndarray:
        """Per row, whether any cell holds something other than blanks."""
        if self._rows is None:
            return self._sparse.filled_rows()
        return np.fromiter((any(v is not None and not (isinstance(v, str) and not v.strip())
                                for v in row) for row in self._rows), dtype=bool,
                           count=len(self._rows))

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
            m = _REF.match(ref)
            if m and m.group(1) in columns and int(m.group(2)) > nrows:
                found[ref] = v
        return found


class Workbook:
    def __init__(self, path: str, names: list[str], calamine_book, zf: zipfile.ZipFile):
        self.path = path
        self.sheet_names = names
        self._book = calamine_book
        self._zip = zf
        self._formulas: dict[str, dict[str, str]] = {}

    def sheet(self, name: str) -> Sheet:
        try:
            return self._read_sheet(name)
        except ReadError:
            raise
        except BaseException as exc:  # calamine reports broken XML with several error types
            if not isinstance(exc, Exception) and not _is_panic(exc):
                raise
            raise _refuse(self.path, "file-corrupt",
                          f"工作表“{name}”已损坏，无法读取（{exc}）。请在 Excel 中打开并重新保存。") from exc

    def _read_sheet(self, name: str) -> Sheet:
        part = self._sheet_parts.get(name)
        if part not in self._member_names:
            raise _refuse(self.path, "file-corrupt",
                          f"工作簿里找不到工作表“{name}”的内容，文件已损坏。请在 Excel 中打开并重新保存。")
        if self._zip.getinfo(part).file_size > CALAMINE_SHEET_BYTES:
            # One streaming pass reads the values and enforces the bounds as it goes.
            self._formulas[name] = {}
            sparse = read_sparse(self._zip, part, self._shared_strings, MAX_ROWS,
                                 self._formulas[name], MAX_FILLED_CELLS)
            if sparse.too_many == "rows":
                raise ReadError(_too_many_rows(name, sparse.beyond))
            if sparse.too_many == "cells":
                raise ReadError(_too_many_cells(name, sparse.beyond))
            return Sheet(name, None, self, sparse.merged, sparse)
        scan = self._check_extent(name, part)
        if scan.max_row * scan.max_col > CALAMINE_CELLS:
            sparse = read_sparse(self._zip, part, self._shared_strings)
            return Sheet(name, None, self, sparse.merged, sparse)
        data = self._book.get_sheet_by_name(name)
        start_col = data.start[1] if data.start else 0
        raw_rows = list(data.iter_rows())
        # iter_rows gives the rows from the sheet's first (not the used range's first, as
        # to_python does) and the columns from the used range's first.
        end_row = data.end[0] if data.end else -1
        rows: list[list[object]] = [[] for _ in range(end_row + 1 - len(raw_rows))]
        rows.extend([None] * start_col + [None if v == "" else v for v in raw] for raw in raw_rows)
        merged = tuple(data.merged_cell_ranges or ())
        return Sheet(name, rows, self, merged)

    def _check_extent(self, name: str, part: str):
        """Refuse a sheet with more rows or cells holding something than any master has."""
        scan = scan_sheet(self._zip, part, MAX_ROWS, MAX_FILLED_CELLS)
        self._formulas[name] = scan.formulas
        if scan.first_beyond:
            raise ReadError(_too_many_rows(name, scan.first_beyond))
        if scan.cells_filled > MAX_FILLED_CELLS:
            raise ReadError(_too_many_cells(name, scan.widest))
        return scan

    @cached_property
    def _shared_strings(self) -> list[str]:
        self._sheet_parts  # noqa: B018 — finds the shared strings' part too
        return shared_strings(self._zip, self._strings_part)

    @cached_property
    def _member_names(self) -> frozenset[str]:
        return frozenset(self._zip.namelist())

    @cached_property
    def _sheet_parts(self) -> dict[str, str]:
        """sheet name → zip member of its XML."""
        try:
            wb = SafeET.fromstring(self._zip.read("xl/workbook.xml"))
            rels = SafeET.fromstring(self._zip.read("xl/_rels/workbook.xml.rels"))
        # ValueError: defusedxml's refusals (DTDForbidden…) and undecodable text.
        except (KeyError, ValueError, SafeET.ParseError, zipfile.BadZipFile, OSError, EOFError,
                zlib.error) as exc:
            raise _refuse(self.path, "file-corrupt",
                          f"工作簿的目录部分已损坏（{exc}）。请在 Excel 中打开并重新保存。") from exc
        # By local names: Strict OOXML files use other namespaces for the same elements.
        targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter()
                   if r.tag.rpartition("}")[2] == "Relationship"}
        self._strings_part = next((_xl_part(r.get("Target") or "") for r in rels.iter()
                                   if r.tag.rpartition("}")[2] == "Relationship"
                                   and (r.get("Type") or "").endswith("/sharedStrings")),
                                  "xl/sharedStrings.xml")
        parts = {}
        for sheet in wb.iter():
            if sheet.tag.rpartition("}")[2] != "sheet":
                continue
            rid = next((v for k, v in sheet.attrib.items() if k.rpartition("}")[2] == "id"), "")
            parts[sheet.get("name")] = _xl_part(targets.get(rid, ""))
        return parts

    def formula_cells(self, sheet: str) -> dict[str, str]:
        """Cells calamine shows empty that are not: ref → "" (a formula never calculated)
        or the error value it holds (t="e").  Found while the sheet was read."""
        return self._formulas.get(sheet, {})

    def close(self) -> None:
        self._book.close()
        self._zip.close()


def _too_many_rows(name: str, ref: str) -> Finding:
    return error("file-too-large", name, ref,
                 f"工作表“{name}”有内容的行超过上限 {MAX_ROWS:,} 行（到 {ref} 已超出）。"
                 "请删除表格下方多余的内容，或把底稿拆成几个文件。")


def _too_many_cells(name: str, ref: str) -> Finding:
    return error("file-too-large", name, ref,
                 f"工作表“{name}”有内容的单元格超过上限 {MAX_FILLED_CELLS:,} 个（{ref} 附近）。"
                 "请删除表格右侧和下方多余的内容后保存。")


def _xl_part(target: str) -> str:
    # Relative to xl/ ("worksheets/sheet1.xml"), or absolute ("/xl/worksheets/…").
    if target.startswith("/") or target.startswith("xl/"):
        target = target.lstrip("/")
    else:
        target = "xl/" + target
    return posixpath.normpath(target)


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
        if _has_encrypted_package(path):
            raise _refuse(path, "file-encrypted",
                          "工作簿设置了打开密码。请在 Excel 中取消密码（文件→信息→保护工作簿）后另存为 .xlsx。")
        raise _refuse(path, "file-format",
                      "这是旧版 .xls（Excel 97-2003）文件。请在 Excel 或 WPS 中另存为 .xlsx 后再试。")
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK"):
            raise _refuse(path, "file-corrupt",
                          "工作簿文件不完整或已损坏（可能下载或复制时被截断）。请重新导出或复制该文件。")
        if os.path.basename(path).startswith("~$"):
            raise _refuse(path, "file-format",
                          "这是 Excel/WPS 打开工作簿时生成的临时锁文件（文件名以 ~$ 开头），不是底稿本身。"
                          "请选择同一文件夹里不带 ~$ 的那个文件。")
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
    except BaseException as exc:  # calamine raises several types for broken parts
        if not isinstance(exc, Exception) and not _is_panic(exc):
            raise
        zf.close()
        raise _refuse(path, "file-corrupt", f"工作簿无法读取（{exc}）。请在 Excel 中打开并重新保存。") from exc
    return Workbook(path, list(book.sheet_names), book, zf)


def _has_encrypted_package(path: str) -> bool:
    """Whether an OLE file holds the stream of a password-protected .xlsx.  Its directory
    may sit anywhere in the file, so the whole file (at most MAX_FILE_BYTES) is searched."""
    overlap = len(_ENCRYPTED_MARK) - 1
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(4 * 1024 * 1024):
            if _ENCRYPTED_MARK in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def _check_sizes(path, zf, members) -> None:
    mb = 1024 * 1024
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > 10 * mb and m.compress_size and m.file_size / m.compress_size > MAX_RATIO:
            zf.close()
            raise _refuse(path, "file-bomb",
                          f"文件中的“{m.filename}”解压后是压缩时的 {m.file_size // m.compress_size:,} 倍"
                          f"（上限 {MAX_RATIO} 倍），疑似压缩炸弹，已拒绝读取。请确认文件来源，重新导出工作簿。")
        bound = MAX_SHEET_BYTES if m.filename.startswith("xl/worksheets/") else MAX_PART_BYTES
        if m.file_size > bound and m.filename.endswith((".xml", ".rels")):
            zf.close()
            raise _refuse(path, "file-too-large",
                          f"文件中的“{m.filename}”解压后有 {m.file_size // mb:,} MB，超过上限 "
                          f"{bound // mb:,} MB。底稿不需要这么大：请删除多余的行、列或工作表后另存。")
    if total > MAX_UNZIPPED_BYTES:
        zf.close()
        raise _refuse(path, "file-too-large",
                      f"工作簿解压后有 {total // mb:,} MB，超过上限 {MAX_UNZIPPED_BYTES // mb:,} MB，已拒绝读取。"
                      "请删除多余的工作表、图片后另存。")


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
                          f"文件中的“{m.filename}”包含 XML 实体声明（正常的工作簿没有，可能是恶意文件），"
                          "已拒绝读取。请确认文件来源，或请对方用 Excel 重新保存后再发送。")

"""Builders of the bad-input corpus: each writes one master that breaks one thing.

Every builder takes the target path (the case table in cases.py chooses the file name,
whose suffix matters) and writes the same bytes every time.  Nothing big is committed:
huge sheets and bombs are generated here, streamed into the zip, in well under a second
or two each.  Small realistic cases start from the valid baseline of tests/conftest.py
(write_master) and change one thing with openpyxl; cases the usual writers cannot
produce (address-less cells, entity declarations, lying zip headers, OLE containers) are
written as raw parts.

    python tests/bad_inputs/make_corpus.py OUTDIR     # write every case into OUTDIR
"""

from __future__ import annotations

import re
import struct
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for conftest
from conftest import BASE_INFO, BASE_LINES, HEADERS, OMIT, write_master  # noqa: E402


EXCEL_ROWS = 1_048_576
MB = 1024 * 1024
# Deterministic zip entries: a fixed timestamp, so the same case has the same bytes.
_DATE = (2026, 1, 1, 0, 0, 0)


# -- the baseline and small changes ------------------------------------------------------

def master(path: Path, **kw) -> None:
    """conftest.write_master, with openpyxl's save time taken out (same case, same bytes)."""
    write_master(path, **kw)
    _stable(path)


def _stable(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        parts = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            z.writestr(zipfile.ZipInfo(name, _DATE), data, zipfile.ZIP_DEFLATED)


def lines_with(index: int = 0, **changes) -> list[dict]:
    lines = [dict(line) for line in BASE_LINES]
    lines[index].update(changes)
    return lines


def plain(path: Path) -> None:
    """The baseline master: the twin of every valid-but-unusual variant."""
    master(path)


def _edit(path: Path, change, **changes) -> None:
    """The baseline (with write_master's keyword ``changes``), then ``change(workbook)``."""
    write_master(path, **changes)
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    _stable(path)


def _set(path: Path, column: str, value, index: int = 0) -> None:
    master(path, lines=lines_with(index, **{column: value}))


# -- raw workbooks -----------------------------------------------------------------------

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="{main}"/>{sheets}</Types>')
_SHEET_CT = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
              'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook '
         'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<sheets>{sheets}</sheets></workbook>')
_BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships '
              'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
_SHEET_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
              '2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def col_letters(col: int) -> str:
    """1-based column → letters."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_xml(row: int, col: int, value, address: bool = True) -> str:
    """One cell: numbers as <v>, text inline (no shared strings needed)."""
    r = f' r="{col_letters(col)}{row}"' if address else ""
    if isinstance(value, (int, float)):
        return f"<c{r}><v>{value!r}</v></c>"
    return f'<c{r} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def row_xml(row: int, values: Iterable, address: bool = True) -> str:
    cells = "".join(cell_xml(row, c, v, address) for c, v in enumerate(values, 1) if v is not None)
    r = f' r="{row}"' if address else ""
    return f"<row{r}>{cells}</row>"


def info_rows(info: dict | None = None) -> list[list]:
    return [["项目", "内容"]] + [[k, v] for k, v in (info or BASE_INFO).items()]


def line_rows(lines: list[dict] | None = None, headers=HEADERS) -> list[list]:
    return [list(headers)] + [[line.get(h) for h in headers] for line in (lines or BASE_LINES)]


def sheet_xml(rows: Iterable[list], address: bool = True, before: str = "", after: str = "") -> Iterator[str]:
    """A worksheet's XML in pieces (rows may be many): head, rows, tail."""
    yield SHEET_HEAD + before + "<sheetData>"
    for r, values in enumerate(rows, 1):
        yield row_xml(r, values, address)
    yield "</sheetData>" + after + "</worksheet>"


def raw_xlsx(path: Path, sheets: dict[str, Iterable[str | bytes]], extra: dict[str, bytes] | None = None,
             content_type: str = _MAIN, level: int = 6) -> None:
    """A workbook from sheet XML pieces, each sheet streamed into its member."""
    names = list(sheets)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        def put(name: str, data: str | bytes) -> None:
            z.writestr(zipfile.ZipInfo(name, _DATE), data, zipfile.ZIP_DEFLATED)

        put("[Content_Types].xml", _CT.format(
            main=content_type, sheets="".join(_SHEET_CT.format(n=n) for n in range(1, len(names) + 1))))
        put("_rels/.rels", _ROOT_RELS)
        put("xl/workbook.xml", _BOOK.format(sheets="".join(
            f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1))))
        put("xl/_rels/workbook.xml.rels", _BOOK_RELS.format(
            rels="".join(_SHEET_REL.format(n=n) for n in range(1, len(names) + 1))))
        for n, name in enumerate(names, 1):
            info = zipfile.ZipInfo(f"xl/worksheets/sheet{n}.xml", _DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            try:
                info.compress_level = level  # Python 3.13+
            except AttributeError:
                info._compresslevel = level
            with z.open(info, "w", force_zip64=True) as fh:
                buf: list[bytes] = []
                size = 0
                for piece in sheets[name]:
                    data = piece.encode("utf-8") if isinstance(piece, str) else piece
                    buf.append(data)
                    size += len(data)
                    if size > MB:
                        fh.write(b"".join(buf))
                        buf, size = [], 0
                fh.write(b"".join(buf))
        for name, data in (extra or {}).items():
            put(name, data)


def raw_master(path: Path, lines_sheet: Iterable[str | bytes], **kw) -> None:
    raw_xlsx(path, {"基本信息": sheet_xml(info_rows()), "收支明细": lines_sheet}, **kw)


def rewrite_member(src: Path, dst: Path, member: str, change) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        assert member in zin.namelist(), f"{src.name} has no {member}"
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(data) if item.filename == member else data)


def _from_plain(path: Path, member: str, change) -> None:
    base = path.with_name(path.name + ".base.xlsx")
    master(base)
    rewrite_member(base, path, member, change)
    base.unlink()


# -- not a workbook ----------------------------------------------------------------------

def empty_file(path: Path) -> None:
    path.write_bytes(b"")


def text_named_xlsx(path: Path) -> None:
    path.write_text("单位名称\t功能分类科目\t金额\n测试局\t2080101\t1000\n", encoding="utf-8")


def csv_given(path: Path) -> None:
    rows = [",".join(HEADERS)] + [",".join(str(line.get(h, "")) for h in HEADERS) for line in BASE_LINES]
    path.write_bytes("\n".join(rows).encode("utf-8-sig"))


def ods_given(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", _DATE), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(zipfile.ZipInfo("content.xml", _DATE),
                   '<?xml version="1.0"?><office:document-content '
                   'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')


def zip_not_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("预算底稿/说明.txt", _DATE), "压缩包里只有说明".encode("utf-8"))


def excel_lock_file(path: Path) -> None:
    """What Excel leaves next to an open workbook: ~$name.xlsx, the user's name, 165 bytes."""
    user = "张会计".encode("utf-16-le")
    path.write_bytes(bytes([3]) + b"\x00" * 53 + bytes([3, 0]) + user + b"\x20\x00" * 52)


def missing_file(path: Path) -> None:
    """Nothing is written: the path the user typed does not exist."""


def directory_given(path: Path) -> None:
    path.mkdir()


# -- OLE containers (.xls, password-protected .xlsx) -------------------------------------

_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _dir_entry(name: str, kind: int, start: int = _END, size: int = 0, left: int = _FREE,
               right: int = _FREE, child: int = _FREE) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1 if name else 0,
                       left, right, child, b"", 0, 0, 0, start, size)


def ole_file(path: Path, streams: list[tuple[str, int]]) -> None:
    """A well-formed compound file (CFB v3, 512-byte sectors) holding ``streams`` (name,
    size) of zero bytes.  Streams of 4096 bytes or more live in ordinary sectors, so no
    mini stream is needed; the directory comes after the data, as in big real files."""
    sectors: list[bytes] = []
    fat: list[int] = []
    entries = [None]
    for name, size in streams:
        count = -(-size // 512)
        start = len(sectors) if count else _END
        sectors += [b"\x00" * 512] * count
        fat += [len(fat) + i + 1 for i in range(count - 1)] + ([_END] if count else [])
        entries.append((name, start, size))
    # Root → first stream; the others hang off it as right siblings (a valid, all-black tree
    # is not required by readers that look names up, and detection only reads names).
    directory = _dir_entry("Root Entry", 5, child=1 if streams else _FREE)
    for i, (name, start, size) in enumerate(entries[1:], 1):
        right = i + 1 if i < len(streams) else _FREE
        directory += _dir_entry(name, 2, start, size, right=right)
    while len(directory) % 512:
        directory += _dir_entry("", 0)
    dir_start = len(sectors)
    dir_count = len(directory) // 512
    sectors += [directory[i:i + 512] for i in range(0, len(directory), 512)]
    fat += [dir_start + i + 1 for i in range(dir_count - 1)] + [_END]
    fat_count = -(-(len(fat) + 1) // 127)  # each FAT sector also needs its own entry
    assert fat_count <= 109, "a corpus OLE file needs no DIFAT sectors"
    fat_start = len(sectors)
    fat += [_FATSECT] * fat_count
    fat += [_FREE] * (fat_count * 128 - len(fat))
    sectors += [struct.pack("<128I", *fat[i * 128:(i + 1) * 128]) for i in range(fat_count)]
    difat = [fat_start + i for i in range(fat_count)] + [_FREE] * (109 - fat_count)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII109I", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"",
                         0x3E, 3, 0xFFFE, 9, 6, b"", 0, fat_count, dir_start, 0, 4096, _END, 0,
                         _END, 0, *difat)
    with open(path, "wb") as fh:
        fh.write(header)
        for s in sectors:
            fh.write(s)


def xls_given(path: Path) -> None:
    ole_file(path, [("Workbook", 8192), ("\x05SummaryInformation", 4096)])


def encrypted(path: Path) -> None:
    """A password-protected .xlsx as Excel writes it: an OLE file whose streams are
    EncryptionInfo and EncryptedPackage (here empty and zero-filled)."""
    ole_file(path, [("EncryptionInfo", 0), ("EncryptedPackage", 8192)])


def encrypted_large(path: Path) -> None:
    """The same, 6 MB: the directory naming EncryptedPackage lies beyond the first 4 MB."""
    ole_file(path, [("EncryptionInfo", 0), ("EncryptedPackage", 6 * MB)])


# -- damaged zips ------------------------------------------------------------------------

def truncated_zip(path: Path) -> None:
    master(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


def sheet_xml_broken(path: Path) -> None:
    _from_plain(path, "xl/worksheets/sheet2.xml", lambda d: d[: len(d) // 2])


def _stored_big_master(path: Path) -> None:
    """A valid master whose 收支明细 is stored uncompressed and is bigger than one read."""
    lines = [dict(BASE_LINES[0], 备注=f"第{i}笔工资") for i in range(3000)]
    raw_master(path, sheet_xml(line_rows(lines)))
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for item, data in parts:
            z.writestr(item, data, zipfile.ZIP_STORED)


def crc_mismatch(path: Path) -> None:
    """One byte of the sheet changed after the zip recorded its checksum: a bad copy."""
    _stored_big_master(path)
    data = bytearray(path.read_bytes())
    at = data.rindex("第2999笔".encode("utf-8"))
    data[at + 3] = ord("8")  # 第2999笔 → 第2899笔: still well-formed XML
    path.write_bytes(bytes(data))


def sheet_part_missing(path: Path) -> None:
    """workbook.xml names a sheet whose part is not in the zip."""
    base = path.with_name(path.name + ".base.xlsx")
    master(base)
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet2.xml":
                zout.writestr(item, zin.read(item.filename))
    base.unlink()


# -- bombs and huge sheets ---------------------------------------------------------------

_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
           + "]>")


def _billion_laughs(data: bytes, where: bytes) -> bytes:
    """Insert a billion-laughs DTD before the root element and use it at ``where``."""
    text = data.decode("utf-8")
    root = text.index("<", text.index("?>") + 2 if text.startswith("<?xml") else 0)
    text = text[:root] + _LAUGHS + text[root:]
    return text.replace(where.decode(), where.decode() + "&lol9;", 1).encode("utf-8")


def entity_bomb_shared_strings(path: Path) -> None:
    base = path.with_name(path.name + ".base.xlsx")
    xlsxwriter_master(base)  # XlsxWriter keeps text in sharedStrings.xml
    rewrite_member(base, path, "xl/sharedStrings.xml", lambda d: _billion_laughs(d, b"<t>"))
    base.unlink()


def entity_bomb_sheet(path: Path) -> None:
    raw_master(path, sheet_xml(line_rows()))
    rewrite_member(path, path.with_suffix(".tmp"), "xl/worksheets/sheet2.xml",
                   lambda d: _billion_laughs(d, b'<t xml:space="preserve">'))
    path.with_suffix(".tmp").replace(path)


def external_entity(path: Path) -> None:
    """XXE: workbook.xml asks the parser to read a local file."""
    def change(data: bytes) -> bytes:
        text = data.decode("utf-8")
        root = text.index("<workbook")
        return (text[:root] + '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                + text[root:]).encode("utf-8")
    _from_plain(path, "xl/workbook.xml", change)


def zip_bomb(path: Path) -> None:
    """收支明细 inflates about 1000:1 (64 MB of whitespace between its rows)."""
    def pieces():
        yield SHEET_HEAD + "<sheetData>" + "".join(row_xml(r, v) for r, v in enumerate(line_rows(), 1))
        blank = b" " * MB
        for _ in range(64):
            yield blank
        yield "</sheetData></worksheet>"
    raw_master(path, pieces(), level=9)


def zip_bomb_declared(path: Path) -> None:
    """The zip directory claims 收支明细 unzips to 4 GB from a few hundred bytes."""
    master(path)
    data = bytearray(path.read_bytes())
    end = data.rindex(b"PK\x05\x06")
    at = struct.unpack_from("<I", data, end + 16)[0]  # the central directory
    while data[at:at + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46:at + 46 + n] == b"xl/worksheets/sheet2.xml":
            struct.pack_into("<I", data, at + 24, 0xFFFF0000)  # uncompressed size
        at += 46 + n + m + k
    path.write_bytes(bytes(data))


def rows_1048576(path: Path) -> None:
    """Every row of the sheet, down to Excel's last (1,048,576), holds an amount."""
    def pieces():
        yield SHEET_HEAD + "<sheetData>" + row_xml(1, HEADERS)
        row = '<row r="{0}"><c r="G{0}"><v>7</v></c></row>'.format
        for start in range(2, EXCEL_ROWS + 1, 1 << 16):
            yield "".join(map(row, range(start, min(start + (1 << 16), EXCEL_ROWS + 1))))
        yield "</sheetData></worksheet>"
    raw_master(path, pieces(), level=1)


def stray_value_last_row(path: Path) -> None:
    """The lines, then a single space typed into A1048576 (Ctrl+↓, then a key)."""
    raw_master(path, _with_far_cell(1, EXCEL_ROWS))


def stray_value_last_cell(path: Path) -> None:
    """A value in XFD1048576, Excel's very last cell: a used range of 17 billion cells."""
    raw_master(path, _with_far_cell(16384, EXCEL_ROWS))


def used_range_too_wide(path: Path) -> None:
    """400 rows and a value in column XFD: 400 × 16,384 cells in the used range."""
    raw_master(path, _with_far_cell(16384, 400))


def sparse_sheet(path: Path) -> None:
    """The lines, then a note typed far below them, beside the table (J1048547)."""
    raw_master(path, _with_far_cell(10, 1048547, "已核对"))


def _with_far_cell(col: int, row: int, value: str = " ") -> Iterator[str]:
    yield SHEET_HEAD + "<sheetData>" + "".join(row_xml(r, v) for r, v in enumerate(line_rows(), 1))
    yield f'<row r="{row}">{cell_xml(row, col, value)}</row></sheetData></worksheet>'


def sheet_xml_too_large(path: Path) -> None:
    """收支明细 unzips to 1.1 GB (a pasted export of notes): refused before it is parsed.
    Rows without address repeat a 300 KB block, which compresses like any text (≈ 10:1)."""
    block = "".join(f'<row><c/><c/><c/><c/><c/><c/><c/><c t="inlineStr"><is><t>备注{i:05d}：'
                    f'{"甲乙丙丁"[i % 4] * (i % 37)}</t></is></c></row>' for i in range(3000)).encode("utf-8")

    def pieces():
        yield SHEET_HEAD + "<sheetData>" + "".join(row_xml(r, v) for r, v in enumerate(line_rows(), 1))
        for _ in range(1100 * MB // len(block) + 1):
            yield block
        yield "</sheetData></worksheet>"
    raw_master(path, pieces(), level=1)


# -- the sheets and their columns --------------------------------------------------------

def missing_info_sheet(path: Path) -> None:
    master(path, info=OMIT)


def missing_lines_sheet(path: Path) -> None:
    master(path, lines=OMIT)


def missing_amount_column(path: Path) -> None:
    headers = [h for h in HEADERS if h != "金额"]
    master(path, headers=headers, lines=[{k: v for k, v in l.items() if k != "金额"} for l in BASE_LINES])


def duplicate_header(path: Path) -> None:
    master(path, headers=HEADERS + ("预算数",))  # 预算数 is 金额 again, in I1


def header_in_row_2(path: Path) -> None:
    """A title row above the headers, as budget-system exports print it."""
    def change(wb):
        wb["收支明细"].insert_rows(1)
        wb["收支明细"]["A1"] = "2026年部门预算收支明细表"
    _edit(path, change)


def merged_cells_over_lines(path: Path) -> None:
    """支出类型 merged over two lines (D2:D3), as in a printed table."""
    _edit(path, lambda wb: wb["收支明细"].merge_cells("D2:D3"))


def merged_unit_column(path: Path) -> None:
    """单位名称 merged down three lines: rows 3 and 4 would silently lose their unit."""
    def change(wb):
        ws = wb["收支明细"]
        ws["A2"] = "测试局机关"
        ws.merge_cells("A2:A4")
    _edit(path, change)


def formula_no_cached_value(path: Path) -> None:
    _set(path, "金额", "=500+500")  # openpyxl stores no cached value


def xlsxwriter_master(path: Path, amounts: dict[int, tuple[str, object]] | None = None) -> None:
    """The baseline written by XlsxWriter, which stores shared strings and the cached value
    of a formula; ``amounts`` maps a line index to the (formula, cached value) of its 金额."""
    import datetime

    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": datetime.datetime(2026, 1, 1)})
    for name, rows in (("基本信息", info_rows()), ("收支明细", line_rows())):
        ws = wb.add_worksheet(name)
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                if v is not None:
                    ws.write(r, c, v)
    for index, (formula, value) in (amounts or {}).items():
        wb.worksheets()[1].write_formula(index + 1, HEADERS.index("金额"), formula, None, value)
    wb.close()


def formula_error_value(path: Path) -> None:
    xlsxwriter_master(path, {0: ("=1000/0", "#DIV/0!")})


# -- amounts -----------------------------------------------------------------------------

def amount_wan_suffix(path: Path) -> None:
    _set(path, "金额", "12万")


def amount_dash(path: Path) -> None:
    _set(path, "金额", "—")


def amount_currency_sign(path: Path) -> None:
    _set(path, "金额", "￥1,000.00")


def amount_negative(path: Path) -> None:
    _set(path, "金额", -1000)


def amount_negative_text(path: Path) -> None:
    _set(path, "金额", "-1,000.00")


def amount_infinite(path: Path) -> None:
    """A number too big for a double (1E+999) in the sheet XML: read as infinity."""
    lines = line_rows()
    raw_master(path, (p.replace("<v>1000</v>", "<v>1E+999</v>") for p in sheet_xml(lines)))


def amount_not_a_number(path: Path) -> None:
    raw_master(path, (p.replace("<v>1000</v>", "<v>NaN</v>") for p in sheet_xml(line_rows())))


def amount_astronomical(path: Path) -> None:
    _set(path, "金额", 1e300)


# -- codes and words ---------------------------------------------------------------------

def func_code_lost_class(path: Path) -> None:
    _set(path, "功能分类科目", "0101")  # 款 and 项 pasted without the 类 208


def func_code_lost_digits(path: Path) -> None:
    _set(path, "功能分类科目", 80101)  # 2080101 with its first two digits cut off, as a number


def econ_code_lost_prefix(path: Path) -> None:
    _set(path, "经济分类科目", 101)  # 30101 pasted from a column that dropped "30"


def func_code_fraction(path: Path) -> None:
    _set(path, "功能分类科目", 208.0101)  # typed as a decimal number


def unknown_source(path: Path) -> None:
    _set(path, "资金来源", "自筹资金")


def unknown_type(path: Path) -> None:
    _set(path, "支出类型", "基本支出")


def info_unit_bad(path: Path) -> None:
    master(path, info=dict(BASE_INFO, 金额单位="千元"))


# -- valid but unusual: each must give the tables of `plain` -----------------------------

def amounts_as_text(path: Path) -> None:
    lines = [dict(BASE_LINES[0], 金额="1,000"), dict(BASE_LINES[1], 金额="２００．５０"),
             dict(BASE_LINES[2], 金额="5\u00a0000.00")]
    master(path, lines=lines)


def codes_in_every_form(path: Path) -> None:
    lines = [dict(BASE_LINES[0], 功能分类科目="208 01 01", 经济分类科目=30101),
             dict(BASE_LINES[1], 功能分类科目="２０８－０１－０１", 经济分类科目="302.01"),
             dict(BASE_LINES[2], 功能分类科目=2080799.0, 经济分类科目="30299 其他商品和服务支出")]
    master(path, lines=lines)


def invisible_characters(path: Path) -> None:
    """What pasting from a web page or a CSV brings: BOM, zero-width and no-break spaces."""
    lines = [dict(BASE_LINES[0], 功能分类科目="\ufeff2080101", 支出类型="人员经费\u200b"),
             dict(BASE_LINES[1], 资金来源="\u00a0一般公共预算"), dict(BASE_LINES[2])]
    headers = ("\ufeff单位名称",) + HEADERS[1:]
    master(path, lines=[{("\ufeff单位名称" if k == "单位名称" else k): v for k, v in l.items()}
                              for l in lines], headers=headers)


def blank_rows_inside(path: Path) -> None:
    master(path, lines=[BASE_LINES[0], {}, {}, BASE_LINES[1], {"备注": "  "}, BASE_LINES[2]])


def formatted_to_last_row(path: Path) -> None:
    """Every row down to 1,048,576 formatted (a whole-column format, as some exports do)."""
    def pieces():
        yield SHEET_HEAD + "<sheetData>" + "".join(row_xml(r, v) for r, v in enumerate(line_rows(), 1))
        row = '<row r="%d" s="1" customFormat="1"/>'.__mod__
        for start in range(len(BASE_LINES) + 2, EXCEL_ROWS + 1, 1 << 16):
            yield "".join(map(row, range(start, min(start + (1 << 16), EXCEL_ROWS + 1))))
        yield "</sheetData></worksheet>"
    raw_master(path, pieces(), level=1)


def dimension_claims_whole_sheet(path: Path) -> None:
    raw_master(path, sheet_xml(line_rows(), before='<dimension ref="A1:XFD1048576"/>'))


def inline_strings(path: Path) -> None:
    raw_master(path, sheet_xml(line_rows()))


def cells_without_address(path: Path) -> None:
    """Rows and cells without r="…" (some exporters): every cell takes the next place."""
    rows = [[("" if v is None else v) for v in r] for r in line_rows()]
    raw_master(path, sheet_xml(rows, address=False))


def prefixed_namespace(path: Path) -> None:
    """<x:worksheet><x:sheetData><x:row>… as some .NET exporters write it."""
    def prefix(data: bytes) -> bytes:
        text = re.sub(r"<(/?)(?!\?)([A-Za-z]+)", r"<\1x:\2", data.decode("utf-8"))
        return text.replace("<x:worksheet xmlns=", "<x:worksheet xmlns:x=", 1).encode("utf-8")
    _from_plain(path, "xl/worksheets/sheet2.xml", prefix)


def macro_workbook(path: Path) -> None:
    """Saved as .xlsm with a (dummy) VBA project."""
    raw_master(path, sheet_xml(line_rows()), extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 508},
               content_type=_MACRO_MAIN)


def columns_shuffled(path: Path) -> None:
    """Aliased headers in another order, 收支明细 first, an extra sheet and an extra column."""
    alias = {"功能分类科目": "功能科目", "经济分类科目": "部门经济分类", "资金来源": "资金性质",
             "金额": "金额（元）", "单位名称": "预算单位"}
    headers = ("金额（元）", "科室", "资金性质", "项目名称", "支出类型", "部门经济分类", "功能科目", "预算单位")
    lines = [{alias.get(k, k): v for k, v in l.items()} | {"科室": "办公室"} for l in BASE_LINES]
    master(path, lines=lines, headers=headers, extra_sheets={"说明": [["这张表不是底稿的一部分"]]},
                 sheet_order=["收支明细", "说明", "基本信息"])


def formulas_with_cached_values(path: Path) -> None:
    """Amounts computed by formulas that Excel calculated and saved (XlsxWriter stores them)."""
    xlsxwriter_master(path, {0: ("=600+400", 1000), 1: ("=401/2", 200.5), 2: ("=5*1000", 5000)})


def header_only_merged(path: Path) -> None:
    """A merged title cell over the header row only (G1:H1): no line loses anything."""
    def change(wb):
        ws = wb["收支明细"]
        ws["H1"] = None
        ws.merge_cells("G1:H1")
    _edit(path, change, headers=HEADERS[:-1] + ("",),
          lines=[{k: v for k, v in l.items()} for l in BASE_LINES])


def far_right_extra_column(path: Path) -> None:
    """A note typed in XFD1, Excel's last column: an extra column, ignored."""
    raw_master(path, _far_header())


def _far_header() -> Iterator[str]:
    rows = line_rows()
    yield SHEET_HEAD + "<sheetData>"
    yield f'<row r="1">{"".join(cell_xml(1, c, v) for c, v in enumerate(rows[0], 1))}{cell_xml(1, 16384, "备用")}</row>'
    yield "".join(row_xml(r, v) for r, v in enumerate(rows[1:], 2))
    yield "</sheetData></worksheet>"


def write_all(folder: Path) -> dict[str, Path]:
    """Write every case of cases.CASES into ``folder``; name → path."""
    from cases import CASES

    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for case in CASES.values():
        path = folder / case.filename
        case.build(path)
        out[case.name] = path
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUTDIR")
    for name, path in write_all(Path(sys.argv[1])).items():
        size = path.stat().st_size if path.is_file() else 0
        print(f"{name:32} {size:>12,}  {path.name}")

"""Read a classification list (科目表) in the forms ministries and finance bureaus hand out.

- a worksheet (.xlsx) or .csv with a code column and a name column (科目编码 | 科目名称);
- the same with 类 | 款 | 项 in separate columns beside the name ("201" | "01" | "01"; a row
  with only 类 is a 类, a blank 类 repeats the one above, as printed tables leave it);
- the same under a two-row header: 类 | 款 | 项 beneath a merged 科目编码, as printed lists have it;
- text (.txt) or Word (.docx) with one "2010101 行政运行" per line (a .docx's tables are
  read like a worksheet).  Lines that do not start with a code — the document's title
  ("2026年政府收支分类科目"), part headings ("第二部分 支出功能分类科目", "一、…"), notes — are
  skipped and counted, so a list copied whole from the ministry's document imports as it is.

The kind is told by the code's shape: 2xx in 3/5/7 digits is 支出功能分类 (func), 3xx in 3/5
digits 部门预算支出经济分类 (econ), 5xx in 3/5 digits 政府预算支出经济分类 (govecon).  收入分类
(1xx) is skipped: xltools does not use it.  Anything else is an error naming its row — the
whole file is refused, so a bad list never half-replaces a good one.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field

from .codes import parse_code, to_halfwidth
from .reader.codecolumns import joined_code
from .reader.headers import normalise

KIND_LABELS = {"func": "支出功能分类", "econ": "部门经济分类", "govecon": "政府经济分类"}

_CODE_HEADERS = {normalise(h) for h in ("科目编码", "编码", "代码", "科目代码", "功能分类科目编码",
                                         "经济分类科目编码", "分类编码")}
_NAME_HEADERS = {normalise(h) for h in ("科目名称", "名称", "功能分类科目名称", "经济分类科目名称")}
_PARTS = ("类", "款", "项")
_HEADER_SEARCH = 10  # rows of title that may stand above the header
_YEAR_IN_NAME = re.compile(r"(20\d{2})")
# A line of a text list that holds a code starts with its digits (perhaps in brackets or
# full-width); one starting with a year ("2026年…") is a title.
_CODE_LINE = re.compile(r"^[\s\[【（(]*[0-9０-９]")
_TITLE_YEAR = re.compile(r"^\s*(?:20|２０)[0-9０-９]{2}\s*年")


class CodeListError(Exception):
    """The file cannot be imported; the message says where and what to fix (Chinese)."""


@dataclass
class CodeList:
    lists: dict[str, dict[str, str]] = field(default_factory=dict)  # kind → code → name
    skipped_income: int = 0  # 收入分类 rows left out
    skipped_text: list[str] = field(default_factory=list)  # "第 n 行“…”": headings and notes

    def count(self) -> int:
        return sum(len(v) for v in self.lists.values())


def kind_of(code: str) -> str | None:
    """func | econ | govecon by the code's shape, "income" for 收入分类, else None."""
    if not code.isdigit():
        return None
    if code[0] == "1" and len(code) in (3, 5, 7, 9):
        return "income"
    if code[0] == "2" and len(code) in (3, 5, 7):
        return "func"
    if code[0] == "3" and len(code) in (3, 5):
        return "econ"
    if code[0] == "5" and len(code) in (3, 5):
        return "govecon"
    return None


def year_from_name(path: str) -> int | None:
    m = _YEAR_IN_NAME.search(os.path.basename(path))
    return int(m.group(1)) if m else None


def read_code_list(path: str) -> CodeList:
    if not os.path.isfile(path):
        raise CodeListError(f"找不到文件“{path}”，请检查路径。")
    ext = os.path.splitext(path)[1].lower()
    out = _Collector()
    if ext in (".xlsx", ".xlsm"):
        _read_workbook(path, out)
    elif ext == ".csv":
        _read_table(_csv_rows(path), "", out)
    elif ext == ".docx":
        _read_docx(path, out)
    elif ext in (".txt", ".text", ""):
        _read_lines(_decode(path).splitlines(), "第 {n} 行", out)
    else:
        raise CodeListError(f"不支持“{ext}”文件。请提供 .xlsx、.csv、.txt 或 .docx 格式的科目表"
                            "（.xls 请先在 Excel 或 WPS 中另存为 .xlsx）。")
    if not out.result.count():
        raise CodeListError("文件里没有找到任何支出功能分类或经济分类科目（如“2010101 行政运行”）。")
    return out.result


class _Collector:
    def __init__(self):
        self.result = CodeList()
        self.where: dict[str, str] = {}

    def add(self, code_text: object, name: object, where: str) -> None:
        parsed = parse_code(code_text) if code_text is not None else None
        name = to_halfwidth(str(name)).strip() if name is not None else ""
        if parsed is not None and not name:
            name = parsed.name or ""
        shown = str(code_text).strip() if code_text is not None else ""
        if parsed is None or not parsed.code:
            raise CodeListError(f"{where}：“{shown}”不是科目编码。请填写数字编码，如 2010101。")
        code = parsed.code
        kind = kind_of(code)
        if kind is None:
            raise CodeListError(
                f"{where}：编码“{code}”不是支出功能分类（2 开头，3/5/7 位）、部门经济分类（3 开头，"
                "3/5 位）或政府经济分类（5 开头，3/5 位）科目。请核对这一行。")
        if kind == "income":
            self.result.skipped_income += 1
            return
        if not name:
            raise CodeListError(f"{where}：编码“{code}”没有科目名称。请补上名称。")
        names = self.result.lists.setdefault(kind, {})
        if code in names and names[code] != name:
            raise CodeListError(f"{where}：编码“{code}”的名称“{name}”与{self.where[code]}的"
                                f"“{names[code]}”不同。请只保留一个。")
        names[code] = name
        self.where.setdefault(code, where)


def _decode(path: str) -> str:
    data = open(path, "rb").read()
    # Excel and WPS in Chinese Windows save CSV and text as GBK unless told otherwise.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CodeListError("无法识别文件的文字编码。请另存为 UTF-8 编码后再导入。")


def _csv_rows(path: str) -> list[list[object]]:
    return [[v if v.strip() else None for v in row] for row in csv.reader(io.StringIO(_decode(path)))]


def _read_workbook(path: str, out: _Collector) -> None:
    from .reader.workbook import ReadError, open_workbook

    try:
        book = open_workbook(path)
    except ReadError as exc:
        raise CodeListError(exc.finding.message) from None
    try:
        found = False
        for name in book.sheet_names:
            found |= _read_table(book.sheet(name).rows, f"工作表“{name}”", out, required=False)
    except ReadError as exc:
        raise CodeListError(exc.finding.message) from None
    finally:
        book.close()
    if not found:
        raise CodeListError(_NO_HEADER)


_NO_HEADER = ("没有找到表头：需要“科目编码”和“科目名称”两列，或“类”“款”“项”分列加“科目名称”列"
              "（表头可在前 10 行内）。")


def _header(rows: list[list[object]]) -> tuple[int, list[int], int] | None:
    """(last header row, code columns — one, or 类/款/项 —, name column) of a table.

    类/款/项 may stand in the row under a merged 科目编码 (the name spans both rows)."""
    for r, row in enumerate(rows[:_HEADER_SEARCH]):
        texts = [normalise(v) for v in row]
        name = next((c for c, t in enumerate(texts) if t in _NAME_HEADERS), None)
        if name is None:
            continue
        parts = _parts(texts)
        below = _parts([normalise(v) for v in rows[r + 1]]) if r + 1 < len(rows) else None
        if parts is None and below is not None:
            return r + 1, below, name
        code = next((c for c, t in enumerate(texts) if t in _CODE_HEADERS), None)
        if code is not None:
            return r, [code], name
        if parts is not None:
            return r, parts, name
    return None


def _parts(texts: list[str]) -> list[int] | None:
    """The 类, 款 (and 项) columns of a header row, when it has at least 类 and 款."""
    parts = [next((c for c, t in enumerate(texts) if t == p), None) for p in _PARTS]
    if parts[0] is None or parts[1] is None:
        return None
    return [c for c in parts if c is not None]


def _read_table(rows: list[list[object]], place: str, out: _Collector, required: bool = True) -> bool:
    found = _header(rows)
    if found is None:
        if required:
            raise CodeListError(_NO_HEADER)
        return False
    top, code_cols, name_col = found
    carry = [None] * len(code_cols)
    for r in range(top + 1, len(rows)):
        row = rows[r]
        cells = [row[c] if c < len(row) else None for c in code_cols]
        name = row[name_col] if name_col < len(row) else None
        if all(_blank(v) for v in cells) and _blank(name):
            continue
        where = f"{place}第 {r + 1} 行"
        if len(code_cols) == 1:
            out.add(cells[0], name, where)
            continue
        deepest = max((i for i, v in enumerate(cells) if not _blank(v)), default=-1)
        if deepest < 0:
            raise CodeListError(f"{where}：有名称“{name}”但没有类/款/项编码。")
        # A printed table writes 类 once and leaves it blank on the 款 and 项 rows under it.
        filled = [carry[i] if _blank(cells[i]) and i < deepest else cells[i] for i in range(len(cells))]
        carry[:deepest + 1] = filled[:deepest + 1]
        out.add(joined_code(filled[:deepest + 1]), name, where)
    return True


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _read_lines(lines, where: str, out: _Collector) -> None:
    for n, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if not _CODE_LINE.match(text) or _TITLE_YEAR.match(text):
            out.result.skipped_text.append(f"{where.format(n=n)}“{text[:30]}”")
            continue
        parsed = parse_code(text)
        if parsed is None or not parsed.name:
            raise CodeListError(f"{where.format(n=n)}：“{text[:40]}”不是“编码 名称”的形式"
                                "（如“2010101 行政运行”）。")
        out.add(parsed.code, parsed.name, where.format(n=n))


def _read_docx(path: str, out: _Collector) -> None:
    import docx

    try:
        document = docx.Document(path)
    except Exception as exc:  # python-docx raises zip, XML and key errors alike
        raise CodeListError(f"无法读取这个 Word 文件（{exc}）。请在 Word 或 WPS 中另存为 .docx 后再试。") from None
    tables = False
    for k, table in enumerate(document.tables, start=1):
        rows = [[cell.text.strip() or None for cell in row.cells] for row in table.rows]
        tables |= _read_table(rows, f"第 {k} 个表格", out, required=False)
    if not tables:
        _read_lines([p.text for p in document.paragraphs], "第 {n} 段", out)

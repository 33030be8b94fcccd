"""The 绩效目标表 workbook: the 部门整体绩效目标表 and one 项目支出绩效目标表 per project.

Laid out like the published sheets (the Xinjiang 预算一体化 forms): a title, the year, the
heading block with merged label cells, the money in 万元 with two decimals (0.00 printed,
as published), and the indicator grid whose 一级/二级 cells are merged over the rows they
head.  Each sheet prints on A4 portrait, one page wide, the grid's header repeated on every
page, page numbers in the footer.

Excel does not size rows for wrapped text in merged cells, and LibreOffice/WPS differ when
left to guess, so every row gets a height estimated from its longest text.
"""

from __future__ import annotations

import re
import zlib
from decimal import Decimal
from functools import cache
from io import StringIO

import xlsxwriter
from xlsxwriter.packager import Packager
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

from ..atomic import atomic_path
from ..model import Master
from ..performance.model import DepartmentSheet, Indicator, PerformanceData, ProjectSheet
from ..tables.engine import TableSet
from .bulk_rows import BulkRowsSheet, Grid, SameLayoutSheet, fit
from .text_fit import wrapped_height

FONT = "宋体"
MONEY = "#,##0.00"
FOOTER = "&C第 &P 页，共 &N 页"
MIN_ROW = 21.0
BLANK_ROWS = 5  # an empty grid still prints bordered rows to fill in by hand

# Column widths (Excel character units); each sheet sums to about one A4 portrait width.
PROJECT_WIDTHS = (8, 11, 22, 12, 11, 10, 7, 12, 11)
PROJECT_HEAD = ("一级指标", "二级指标", "三级指标", "指标值", "指标值设置依据", "上年完成值", "分值权重",
                "赋分规则", "佐证资料")
OVERALL_WIDTHS = (10, 12, 30, 16, 22, 10)
OVERALL_HEAD = ("一级指标", "二级指标", "三级指标", "指标值", "指标设定依据", "分值权重")

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def performance_output_name(ts: TableSet) -> str:
    return f"{ts.entity}{ts.year}年{ts.kind}绩效目标表.xlsx"


def project_sheet_name(number: int, name: str) -> str:
    """Excel's rules: ≤ 31 characters, none of []:*?/\\, no leading/trailing apostrophe.
    The number keeps names unique however long the shared prefix of the projects is."""
    clean = _SHEET_BAD.sub("", " ".join(name.split())).strip("'")
    return f"{number}.{clean}"[:31].rstrip("'") or str(number)


def write_performance_workbook(master: Master, ts: TableSet, perf: PerformanceData,
                               target: str) -> None:
    """Write ``perf`` (performance.build(master, ts)) to ``target``, completely or not at all.

    ``master`` and ``ts`` are the inputs ``perf`` was built from; the sheets take their
    title year from ``ts``.
    """
    with atomic_path(target) as tmp:
        wb = ManySheetsWorkbook(tmp, {"strings_to_numbers": False, "strings_to_formulas": False,
                                      "strings_to_urls": False, "in_memory": True})
        st = _Styles(wb)
        ws = wb.add_worksheet(perf.department.title, worksheet_class=BulkRowsSheet)
        grid = Grid(ws)
        _overall(grid, st, perf.department, ts.year)
        grid.flush()
        # Every sheet's formats numbered as its rows are made, in the order writing the
        # sheets would number them: the project sheets' rows are then final XML at once.
        ws.resolve_formats()
        attrs = _FormatAttrs()
        layout: dict = {}
        for number, project in enumerate(perf.printed_projects, start=1):
            # Written as whole rows of XML: through XlsxWriter's cell calls the ~110 cells
            # of each sheet took three quarters of the time at 5,000 sheets.
            ws = wb.add_worksheet(project_sheet_name(number, project.name), worksheet_class=_ProjectSheet)
            ws.layout = layout
            _project(ws, st, attrs, project, ts.year)
            ws.deflate_rows()
        wb.close()


class ManySheetsWorkbook(xlsxwriter.Workbook):
    """A workbook of thousands of sheets (one per project: 5,000 at 100,000 lines).

    XlsxWriter compares every new sheet name with every earlier one, lower-casing both each
    time: quadratic, 56 s of a 100,000-line build.  The same check against a set of the names
    taken is constant time; Excel's other rules are checked as XlsxWriter checks them.  Use it
    with ``in_memory``: a temporary file per sheet costs more than the sheet's few rows.
    """

    def _check_sheetname(self, sheetname, is_chartsheet=False):
        taken = self.__dict__.setdefault("_taken_names", set())
        if is_chartsheet or not sheetname:
            name = super()._check_sheetname(sheetname, is_chartsheet)
            taken.add(name.lower())
            return name
        self.sheetname_count += 1
        if len(sheetname.encode("utf-16-le")) // 2 > 31 or _SHEET_BAD.search(sheetname) \
                or sheetname.startswith("'") or sheetname.endswith("'"):
            raise InvalidWorksheetName(f"Excel worksheet name '{sheetname}' is not valid.")
        if sheetname.lower() in taken:
            raise DuplicateWorksheetName(f"Sheetname '{sheetname}', with case ignored, is already in use.")
        taken.add(sheetname.lower())
        return sheetname

    def _get_packager(self):
        return _DeflatingPackager()


# XlsxWriter holds every sheet until the workbook closes, then makes the XML of every part
# before the first goes into the zip: at 1,000,000 lines, 20,000 sheets' rows and XML, some
# 350 MB while the other writers peak too.  Both are kept deflated (a tenth of the size) and
# let go once used; the file is the same.

class _ProjectSheet(SameLayoutSheet):
    """A project's sheet, whose rows are kept deflated from when they are made."""

    _deflated = b""

    def deflate_rows(self) -> None:
        """Keep the rows made so far deflated: no row can follow them, and the sheet has
        no rows but these (``xml_row``)."""
        self._deflated = zlib.compress("".join([xml for _, xml, _ in self._bulk]).encode("utf-8"), 1)
        self._bulk = []

    def _write_rows(self) -> None:
        # Every row is here: XlsxWriter's loop over its own rows would only add an empty
        # dict per row to the sheet's table, kept until the workbook is written.
        deflated, self._deflated = self._deflated, b""
        self.fh.write(zlib.decompress(deflated).decode("utf-8"))


class _DeflatingPackager(Packager):
    def _filename(self, xml_filename):
        self._deflate_last()
        handle = super()._filename(xml_filename)
        if isinstance(handle, StringIO):  # in memory: every part is made before the zip is
            handle = _DeflatedPart()
            self.filenames[-1] = (handle, *self.filenames[-1][1:])
        return handle

    def _create_package(self):
        files = super()._create_package()
        self._deflate_last()
        return files

    def _deflate_last(self) -> None:
        # a part is written whole before the next is begun
        if self.filenames and isinstance(self.filenames[-1][0], _DeflatedPart):
            self.filenames[-1][0].deflate()


class _DeflatedPart(StringIO):
    """A part's XML: written, then kept deflated, then read once into the zip."""

    _deflated: bytes | None = None

    def deflate(self) -> None:
        if self._deflated is None:
            self._deflated = zlib.compress(super().getvalue().encode("utf-8"), 1)
            self.close()

    def getvalue(self) -> str:
        self.deflate()
        xml = zlib.decompress(self._deflated).decode("utf-8")
        self._deflated = b""
        return xml


class _Styles:
    def __init__(self, wb):
        def fmt(**kw):
            return wb.add_format({"font_name": FONT, "font_size": 10, "valign": "vcenter", **kw})

        box = {"border": 1, "text_wrap": True}
        self.title = fmt(font_size=18, bold=True, align="center")
        self.year = fmt(font_size=11, align="center")
        self.label = fmt(align="center", **box)
        self.head = fmt(bold=True, align="center", **box)
        self.text = fmt(align="left", **box)
        self.center = fmt(align="center", **box)
        self.money = fmt(num_format=MONEY, align="right", **box)
        self.weight = fmt(num_format="General", align="center", **box)


# -- text measurement ------------------------------------------------------------------------

def _height(cells: list[tuple[str, float]]) -> float:
    return max(MIN_ROW, wrapped_height(*cells) + 3)


def _span(widths, first: int, last: int) -> float:
    return sum(widths[first:last + 1])


# -- cells -------------------------------------------------------------------------------------

def _put(ws, row: int, col: int, value, fmt) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, (int, Decimal)):
        ws.write_number(row, col, _number(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _number(value: int | Decimal) -> int | float:
    # Weights: 15 stays an integer; 7.5 needs a float only to carry its literal to the file.
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _wan(baiyuan: int) -> float:
    # 百元 → 万元: the float only carries a two-decimal literal into the file (see table_sheet.wan).
    return baiyuan / 100


def _cell(ws, r1: int, c1: int, r2: int, c2: int, value, fmt) -> None:
    """A value in a (possibly merged) range; strings are never read as formulas (=100%)."""
    if (r1, c1) != (r2, c2):
        ws.merge_range(r1, c1, r2, c2, "", fmt)
    _put(ws, r1, c1, value, fmt)


def _money(ws, r1: int, c1: int, r2: int, c2: int, baiyuan: int, fmt) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_range(r1, c1, r2, c2, "", fmt)
    ws.write_number(r1, c1, _wan(baiyuan), fmt)


def _page(ws, widths, header_row: int, last_row: int) -> None:
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_paper(9)  # A4
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    ws.repeat_rows(header_row)
    ws.print_area(0, 0, last_row, len(widths) - 1)
    ws.set_footer(FOOTER)


def _heading(ws, st, title: str, year: int, last_col: int) -> None:
    ws.set_row(0, 32)
    _cell(ws, 0, 0, 0, last_col, title, st.title)
    ws.set_row(1, 20)
    _cell(ws, 1, 0, 1, last_col, f"（{year}年）", st.year)


# -- the indicator grid ----------------------------------------------------------------------

def _runs(keys: list) -> list[tuple[int, int]]:
    """(first, last) index of each run of equal consecutive keys."""
    runs, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            runs.append((start, i - 1))
            start = i
    return runs


def _grid(ws, st, top: int, widths, head, indicators: tuple[Indicator, ...], full: bool) -> int:
    """The header row at ``top`` and one row per indicator; returns the last row written."""
    ws.set_row(top, _height([(h, w) for h, w in zip(head, widths)]))
    for c, text in enumerate(head):
        _put(ws, top, c, text, st.head)
    first = top + 1
    if not indicators:
        for r in range(first, first + BLANK_ROWS):
            ws.set_row(r, MIN_ROW)
            for c in range(len(head)):
                _put(ws, r, c, "", st.text)
        return first + BLANK_ROWS - 1
    for i, ind in enumerate(indicators):
        r = first + i
        rest = [ind.level3, ind.value, ind.basis]
        rest += [ind.last_year, ind.weight, ind.scoring, ind.evidence] if full else [ind.weight]
        fmts = [st.text, st.center, st.center]
        fmts += [st.center, st.weight, st.center, st.center] if full else [st.weight]
        for c, (value, fmt) in enumerate(zip(rest, fmts), start=2):
            _put(ws, r, c, value, fmt)
        texts = [(str(v), widths[c]) for c, v in enumerate(rest, start=2) if v is not None]
        ws.set_row(r, _height(texts + [(ind.level2, widths[1])]))
    level1 = [ind.level1 for ind in indicators]
    for a, b in _runs(level1):
        _cell(ws, first + a, 0, first + b, 0, level1[a], st.center)
    level2 = [(ind.level1, ind.level2) for ind in indicators]
    for a, b in _runs(level2):
        _cell(ws, first + a, 1, first + b, 1, level2[a][1], st.center)
    return first + len(indicators) - 1


# -- 部门整体绩效目标表 --------------------------------------------------------------------------

def _overall(ws, st, sheet: DepartmentSheet, year: int) -> None:
    w = OVERALL_WIDTHS
    last = len(w) - 1
    _heading(ws, st, sheet.title, year, last)
    who = sheet.kind
    ws.set_row(2, _height([(sheet.entity, _span(w, 2, 5))]))
    _cell(ws, 2, 0, 2, 1, f"{who}名称（盖章）", st.label)
    _cell(ws, 2, 2, 2, 5, sheet.entity, st.text)
    ws.set_row(3, MIN_ROW)
    _cell(ws, 3, 0, 3, 1, f"{who}联系人", st.label)
    _cell(ws, 3, 2, 3, 2, sheet.contact, st.center)
    _cell(ws, 3, 3, 3, 3, "联系电话", st.label)
    _cell(ws, 3, 4, 3, 5, sheet.phone, st.center)
    ws.set_row(4, _height([(sheet.goal, _span(w, 2, 5))]))
    _cell(ws, 4, 0, 4, 1, "年度绩效目标", st.label)
    _cell(ws, 4, 2, 4, 5, sheet.goal, st.text)

    f = sheet.funding
    for r in range(5, 10):
        ws.set_row(r, MIN_ROW)
    _cell(ws, 5, 0, 9, 1, "年度预算（万元）", st.label)
    _cell(ws, 5, 2, 5, 3, "资金来源", st.head)
    _cell(ws, 5, 4, 5, 5, "资金总额（万元）", st.head)
    _cell(ws, 6, 2, 7, 2, "财政资金（万元）", st.label)
    _cell(ws, 6, 3, 6, 3, "上级安排", st.label)
    _money(ws, 6, 4, 6, 5, f.upper, st.money)
    _cell(ws, 7, 3, 7, 3, "本级安排", st.label)
    _money(ws, 7, 4, 7, 5, f.own, st.money)
    _cell(ws, 8, 2, 8, 2, "其他资金（万元）", st.label)
    _cell(ws, 8, 3, 8, 3, "其他", st.label)
    _money(ws, 8, 4, 8, 5, f.other, st.money)
    _cell(ws, 9, 2, 9, 3, "合计", st.label)
    _money(ws, 9, 4, 9, 5, f.total, st.money)

    end = _grid(ws, st, 10, w, OVERALL_HEAD, sheet.indicators, full=False)
    _page(ws, w, 10, end)


# -- 项目支出绩效目标表 --------------------------------------------------------------------------
#
# Thousands of sheets of one layout: each row is written straight as the XML that Grid and
# BulkRowsSheet.bulk_row would make of the same cells, merges and heights (the department's
# sheet above is written through them; tests/test_performance_golden.py holds the bytes).

_COLS = tuple(xl_col_to_name(c) for c in range(len(PROJECT_WIDTHS)))


class _FormatAttrs(dict):
    """id(format) → its cells' style attribute, the format numbered on first use."""

    def of(self, fmt) -> str:
        attr = self.get(id(fmt))
        if attr is None:
            index = fmt._get_xf_index()
            attr = self[id(fmt)] = f' s="{index}"' if index else ""
        return attr


def _value(value):
    """A cell's value as ``_put`` writes it: None for a blank, a number, or text."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, Decimal)):
        return _number(value)
    return str(value)


def _row(ws: BulkRowsSheet, attrs: _FormatAttrs, r: int, height: float, cells) -> None:
    """Row ``r`` of ``cells`` (value, format) from column A, values as ``_value`` gives them."""
    shared = ws.str_table._get_shared_string_index
    n = r + 1
    # Grid.set_row's whole pixels
    parts = [f'<row r="{n}" ht="{0.75 * int(height * 4.0 / 3.0 + 0.5):.16g}" customHeight="1">']
    for col, (value, fmt) in zip(_COLS, cells):
        attr = attrs.of(fmt)
        if value is None:
            parts.append(f'<c r="{col}{n}"{attr}/>')
        elif type(value) is str:
            parts.append(f'<c r="{col}{n}"{attr} t="s"><v>{shared(fit(value))}</v></c>')
        else:
            parts.append(f'<c r="{col}{n}"{attr}><v>{value:.16G}</v></c>')
    parts.append("</row>")
    ws.xml_row(r, "".join(parts), 0, len(cells) - 1)


@cache
def _head_height() -> float:
    return _height([(h, w) for h, w in zip(PROJECT_HEAD, PROJECT_WIDTHS)])


def _project(ws: BulkRowsSheet, st, attrs: _FormatAttrs, project: ProjectSheet, year: int) -> None:
    w = PROJECT_WIDTHS
    info, b = project.info, project.budget
    title, label, text, center, money = st.title, st.label, st.text, st.center, st.money
    _row(ws, attrs, 0, 32, [("项目支出绩效目标表", title)] + [(None, title)] * 8)
    _row(ws, attrs, 1, 20, [(f"（{year}年）", st.year)] + [(None, st.year)] * 8)
    _row(ws, attrs, 2, _height([(project.unit, _span(w, 2, 8))]),
         [("预算单位", label), (None, label), (_value(project.unit), text)] + [(None, text)] * 6)
    _row(ws, attrs, 3, _height([(project.name, _span(w, 2, 5)), (info.owner, w[8])]),
         [("项目名称", label), (None, label), (_value(project.name), text), (None, text), (None, text),
          (None, text), ("项目负责人", label), (None, label), (_value(info.owner), center)])
    _row(ws, attrs, 4, _height([("其中：财政拨款", w[4])]),
         [("项目资金（万元）", label), (None, label), ("年度预算总额", label), (_wan(b.total), money),
          ("其中：财政拨款", label), (_wan(b.fiscal), money), ("其他资金", label), (None, label),
          (_wan(b.other), money)])
    _row(ws, attrs, 5, _height([(info.goal, _span(w, 2, 8))]),
         [("项目总体目标", label), (None, label), (_value(info.goal), text)] + [(None, text)] * 6)
    merges = [(0, 0, 0, 8), (1, 0, 1, 8), (2, 0, 2, 1), (2, 2, 2, 8), (3, 0, 3, 1), (3, 2, 3, 5),
              (3, 6, 3, 7), (4, 0, 4, 1), (4, 6, 4, 7), (5, 0, 5, 1), (5, 2, 5, 8)]

    _row(ws, attrs, 6, _head_height(), [(h, st.head) for h in PROJECT_HEAD])
    indicators = project.indicators
    if not indicators:
        for r in range(7, 7 + BLANK_ROWS):
            _row(ws, attrs, r, MIN_ROW, [(None, text)] * len(w))
        end = 6 + BLANK_ROWS
    else:
        # a run of equal 一级 (二级) indicators: its first row holds the text, merged down
        first1 = [False] * len(indicators)
        first2 = [False] * len(indicators)
        for firsts, keys, col in ((first1, [ind.level1 for ind in indicators], 0),
                                  (first2, [(ind.level1, ind.level2) for ind in indicators], 1)):
            for a, z in _runs(keys):
                firsts[a] = True
                if z > a:
                    merges.append((7 + a, col, 7 + z, col))
        fmts = (text, center, center, center, st.weight, center, center)
        for i, ind in enumerate(indicators):
            rest = (ind.level3, ind.value, ind.basis, ind.last_year, ind.weight, ind.scoring, ind.evidence)
            texts = [(str(v), w[c]) for c, v in enumerate(rest, start=2) if v is not None]
            _row(ws, attrs, 7 + i, _height(texts + [(ind.level2, w[1])]),
                 [(_value(ind.level1) if first1[i] else None, center),
                  (_value(ind.level2) if first2[i] else None, center),
                  *((_value(v), fmt) for v, fmt in zip(rest, fmts))])
        end = 6 + len(indicators)
    for merge in merges:
        ws.bulk_merge(*merge)
    _page(ws, w, 6, end)

"""收支明细's live checks: a hidden 科目表, code drop-downs and a 校验结果 column per line.

Every check is a native formula so the accountant sees problems while typing, in Excel, WPS
or LibreOffice, long before running xltools.  The formulas mirror the reader's rules
(reader/master.py) closely enough to catch the usual mistakes; the reader stays the judge —
it also checks what a formula cannot (parent codes, duplicate lines).

Formulas use only functions every spreadsheet has (IF, AND, OR, NOT, LEN, LEFT, MID, TRIM,
SUBSTITUTE, FIND, MATCH, COUNTIFS, ISNA, ISERR, ISNUMBER): no LET, TEXTJOIN or array
formulas, which older Excel and WPS lack.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from .. import dictionaries
from ..reader.headers import CHECK_COLUMNS, LINE_COLUMNS, TEMPLATE_SHEETS
from ..reader.master import DICT_SHEET, TYPE_ECON_CLASSES
from ..sources import EXPENSE_TYPES, NAMES as SOURCE_NAMES

_, _, CODES_SHEET, OPTIONS_SHEET = TEMPLATE_SHEETS
FLAG_HEADER, FUNC_KEY_HEADER, ECON_KEY_HEADER = CHECK_COLUMNS
FUNC_LEN, ECON_LEN = 7, 5  # the reader wants 项-level 功能 and 款-level 经济 codes

# The texts the 校验结果 column shows, with what the accountant should do (for 填表说明).
# No spaces inside a message: the formula joins them with TRIM and turns the spaces into "；".
MESSAGES: dict[str, tuple[str, str]] = {
    "func-missing": ("未填功能分类科目", "填写 7 位功能分类科目编码。"),
    "func-unknown": ("功能分类科目不在科目表", "编码须为科目表中的项级（7 位）科目，如 2080101；请核对位数和编码。"
                     f"确属新增科目的，在编码后写上科目名称（如 2059999 其他教育支出），"
                     f"或在“{DICT_SHEET}”表补充（类型填“功能”）。"),
    "econ-missing": ("未填经济分类科目", "填写 5 位部门预算支出经济分类科目编码。"),
    "econ-unknown": ("经济分类科目不在科目表", "编码须为科目表中的款级（5 位）科目，如 30101；新增科目在编码后写上名称，"
                     f"或在“{DICT_SHEET}”表补充（类型填“经济”）。"),
    "type-missing": ("未填支出类型", "从下拉列表选择支出类型。"),
    "type-bad": ("支出类型须从下拉列表选择", "只能是 人员经费、公用经费 或 项目支出，多余的空格也会导致不一致。"),
    "project-missing": ("项目支出须填项目名称", "项目支出必须写明所属项目。"),
    "project-basic": ("基本支出不填项目名称", "人员经费、公用经费属于基本支出，项目名称会被忽略；"
                      "如确属项目，请把支出类型改为项目支出。"),
    "source-missing": ("未填资金来源", "从下拉列表选择资金来源。"),
    "source-bad": ("资金来源须从下拉列表选择", "资金来源与下拉列表不完全一致时，控制数无法汇总这一行。"),
    "amount-missing": ("未填金额", "填写金额（数字）。"),
    "amount-negative": ("金额不能为负数", "预算数不能为负，调减请直接修改原行金额。"),
    "amount-text": ("金额须为数字（文本不计入控制数）", "金额是文本（如带了“元”或从系统粘贴成文本），"
                    "请改为数字。"),
}
for _type, _classes in TYPE_ECON_CLASSES.items():
    MESSAGES[f"mismatch-{_type}"] = (
        f"{_type}的经济分类应为{'或'.join(_classes)}类",
        "请确认支出类型或经济分类科目是否填错。")

# Workbook-level names keep the per-row formulas short (they are written thousands of times)
# and readable.
NAMES = {
    "功能编码表": f"='{CODES_SHEET}'!$A:$A",
    "经济编码表": f"='{CODES_SHEET}'!$E:$E",
    "字典类型": f"='{DICT_SHEET}'!$A:$A",
    "字典编码": f"='{DICT_SHEET}'!$B:$B",
    "支出类型表": f"='{OPTIONS_SHEET}'!$A$1:$A${len(EXPENSE_TYPES)}",
    "资金来源表": f"='{OPTIONS_SHEET}'!$B$1:$B${len(SOURCE_NAMES)}",
}


def write_code_lists(wb, ws, head, text, year: int) -> dict[str, str]:
    """The hidden 科目表: the built-in codes of the level a line uses (项 for 功能, 款 for
    经济) as text, their names, and the drop-down items "编码 名称" — the reader accepts a
    code followed by its name, so a picked item is valid as it stands.

    Only that level is listed, so a look-up of a 3- or 5-digit 功能 code fails as it should.
    Defines the workbook names the formulas use; returns the drop-down ranges.
    """
    ws.write_row(0, 0, ("功能分类编码", "功能分类名称", "功能分类（下拉）", "",
                        "经济分类编码", "经济分类名称", "经济分类（下拉）"), head)
    items = {}
    for first, names, length, key in ((0, dictionaries.func_names(year), FUNC_LEN, "func"),
                                      (4, dictionaries.econ_names(year), ECON_LEN, "econ")):
        codes = sorted(c for c in names if len(c) == length)
        for r, code in enumerate(codes, start=1):
            ws.write_string(r, first, code)
            ws.write_string(r, first + 1, names[code])
            ws.write_string(r, first + 2, f"{code} {names[code]}")
        letter = xl_col_to_name(first + 2)
        items[key] = f"='{CODES_SHEET}'!${letter}$2:${letter}${len(codes) + 1}"
    ws.set_column(0, 6, 14, text)
    ws.set_column(1, 2, 36)
    ws.set_column(5, 6, 36)
    ws.hide()
    for name, ref in NAMES.items():
        wb.define_name(name, ref)
    return items


class _Refs:
    """Absolute-column references of one 收支明细 row, by canonical header."""

    def __init__(self, col: dict[str, int], row: int):
        self.col, self.row = col, row

    def __getitem__(self, name: str) -> str:
        return f"${xl_col_to_name(self.col[name])}{self.row}"


def _normalised_code(cell: str) -> str:
    # The spellings master-workbook.md allows: 208 01 01, 208-01-01, 208.01.01, full-width
    # spaces; SUBSTITUTE also turns a number typed as 2080101 into the text "2080101".
    out = cell
    for sep in (" ", "\u3000", "-", "."):
        out = f'SUBSTITUTE({out},"{sep}","")'
    return out


def _code_piece(key: str, length: int, kind: str, dim: str, codes: str) -> str:
    """Missing, or not a known code of the right level (built in, or added in 科目字典).

    The code is the first ``length`` characters; what follows must not be a digit (an
    8-digit 功能 code is wrong) but may be a name, as in a picked "2080101 行政运行".
    The "x" keeps MID from returning "" — FIND("") is 1 in Excel but an error in Calc.
    """
    code = f"LEFT({key},{length})"
    shape = f'LEN({key})>{length - 1},ISERR(FIND(MID({key}&"x",{length + 1},1),"0123456789"))'
    # A code written with its name ("2059999 其他教育支出") is accepted even when no list has
    # it, as the reader does: the tables print that name (with a warning from the reader).
    known = (f"OR(ISNUMBER(MATCH({code},{codes},0)),"
             f'COUNTIFS(字典类型,"{kind}",字典编码,{code})>0,LEN({key})>{length})')
    return (f'IF({key}="","{MESSAGES[f"{dim}-missing"][0]}",'
            f'IF(AND({shape},{known}),"","{MESSAGES[f"{dim}-unknown"][0]}"))')


def _choice_piece(cell: str, options: str, dim: str) -> str:
    missing, bad = MESSAGES[f"{dim}-missing"][0], MESSAGES[f"{dim}-bad"][0]
    return f'IF(LEN(TRIM({cell}))=0,"{missing}",IF(ISNA(MATCH({cell},{options},0)),"{bad}",""))'


def _project_piece(type_: str, project: str) -> str:
    empty = f"LEN(TRIM({project}))=0"
    basic = ",".join(f'{type_}="{t}"' for t in TYPE_ECON_CLASSES)
    return (f'IF(AND({type_}="项目支出",{empty}),"{MESSAGES["project-missing"][0]}",'
            f'IF(AND(OR({basic}),NOT({empty})),"{MESSAGES["project-basic"][0]}",""))')


def _mismatch_piece(type_: str, econ_key: str) -> str:
    # Mirrors the reader's type-econ-mismatch: the 类 (first 3 digits) must be one of the
    # classes its 支出类型 is paid from; only judged once the 经济分类 looks like a code.
    out = '""'
    for t, classes in reversed(TYPE_ECON_CLASSES.items()):
        outside = ",".join(f'LEFT({econ_key},3)<>"{c}"' for c in classes)
        out = f'IF(AND({type_}="{t}",{outside}),"{MESSAGES[f"mismatch-{t}"][0]}",{out})'
    return f'IF({econ_key}="","",{out})'


def _amount_piece(amount: str) -> str:
    return (f'IF(LEN(TRIM({amount}))=0,"{MESSAGES["amount-missing"][0]}",'
            f'IF(ISNUMBER({amount}),IF({amount}<0,"{MESSAGES["amount-negative"][0]}",""),'
            f'"{MESSAGES["amount-text"][0]}"))')


def flag_formula(col: dict[str, int], row: int) -> str:
    """The 校验结果 text of worksheet row ``row``: "" for a blank line, else the messages."""
    c = _Refs(col, row)
    pieces = (
        _code_piece(c[FUNC_KEY_HEADER], FUNC_LEN, "功能", "func", "功能编码表"),
        _code_piece(c[ECON_KEY_HEADER], ECON_LEN, "经济", "econ", "经济编码表"),
        _choice_piece(c["支出类型"], "支出类型表", "type"),
        _project_piece(c["支出类型"], c["项目名称"]),
        _mismatch_piece(c["支出类型"], c[ECON_KEY_HEADER]),
        _choice_piece(c["资金来源"], "资金来源表", "source"),
        _amount_piece(c["金额"]),
    )
    # The reader skips a row whose line cells are all blank; so does the flag.
    blank = "LEN(TRIM(" + "&".join(c[name] for name in LINE_COLUMNS) + "))=0"
    joined = '&" "&'.join(pieces)
    return f'=IF({blank},"",SUBSTITUTE(TRIM({joined})," ","；"))'


def write_line_checks(wb, ws, col: dict[str, int], rows: int, head) -> None:
    """校验结果 plus two hidden helper columns right of the line columns, for rows 2..rows+1.

    ``col`` maps every line column and check column to its index.  Cached values are ""
    (a blank line has no flag), so a reader that does not recalculate sees empty cells.
    """
    flag_head = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    flag_cell = wb.add_format({"font_color": "#C00000"})
    red_line = wb.add_format({"bg_color": "#FFC7CE"})
    flag, func_key, econ_key = (col[h] for h in CHECK_COLUMNS)
    ws.write_string(0, flag, FLAG_HEADER, flag_head)
    ws.write_string(0, func_key, FUNC_KEY_HEADER, head)
    ws.write_string(0, econ_key, ECON_KEY_HEADER, head)
    ws.set_column(flag, flag, 48, flag_cell)
    # Helpers hold the normalised codes once, so the 校验结果 formula stays readable.
    ws.set_column(min(func_key, econ_key), max(func_key, econ_key), 12, None, {"hidden": True})
    func_cell, econ_cell = col["功能分类科目"], col["经济分类科目"]
    for r in range(1, rows + 1):
        excel_row = r + 1
        ws.write_formula(r, func_key, "=" + _normalised_code(f"${xl_col_to_name(func_cell)}{excel_row}"),
                         None, "")
        ws.write_formula(r, econ_key, "=" + _normalised_code(f"${xl_col_to_name(econ_cell)}{excel_row}"),
                         None, "")
        ws.write_formula(r, flag, flag_formula(col, excel_row), flag_cell, "")
    flag_letter = xl_col_to_name(flag)
    last_line_col = max(c for name, c in col.items() if name in LINE_COLUMNS)
    ws.conditional_format(1, 0, rows, max(last_line_col, flag), {
        "type": "formula", "criteria": f'=${flag_letter}2<>""', "format": red_line})


def write_code_validations(ws, col: dict[str, int], rows: int, items: dict[str, str]) -> None:
    """Drop-downs of "编码 名称" on the code columns, as help only: a typed code is fine too."""
    for name, key, example in (("功能分类科目", "func", "2080101"), ("经济分类科目", "econ", "30101")):
        length = FUNC_LEN if key == "func" else ECON_LEN
        ws.data_validation(1, col[name], rows, col[name], {
            "validate": "list", "source": items[key], "show_error": False,
            "input_title": name,
            "input_message": f"{length} 位编码，文本，如 {example}；也可从下拉列表选择“编码 名称”。"})

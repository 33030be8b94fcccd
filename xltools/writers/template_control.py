"""The 控制数 sheet: the finance bureau's approved figures (批复数) against the master's sums.

The accountant types each 批复数; 底稿合计 is a live SUMIFS over 收支明细, so a line typed
wrong shows up at once as 不通过 instead of after the tables are built and sent back.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from ..reader.headers import TEMPLATE_SHEETS
from ..sources import EXPENSE_TYPES, SOURCES
from .text_fit import wrapped_height

_, CONTROL_SHEET, _, _ = TEMPLATE_SHEETS
LINES_SHEET = "收支明细"
HEADERS = ("项目", "批复数", "底稿合计", "差额", "状态", "口径（汇总收支明细中的）")
FIRST_ROW = 3  # 0-based: title, unit note and header come first
STATUS_PASS, STATUS_FAIL, STATUS_EMPTY = "通过", "不通过", "待填"
SCOPE_WIDTH = 64  # the 口径 column, in character widths


def _family(*families: str) -> tuple[str, ...]:
    return tuple(s.name for s in SOURCES if s.family in families)


# (项目, the 收支明细 column summed by, its values); no column = every line.  Families
# follow sources.py, so a new 资金来源 joins its row without touching this list.
ROWS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("收支总计", None, ()),
    ("一般公共预算（含上级转移支付）", "资金来源", _family("gpb")),
    ("政府性基金预算（含上级转移支付）", "资金来源", _family("fund")),
    ("国有资本经营预算（含上级转移支付）", "资金来源", _family("capital")),
    ("财政专户", "资金来源", _family("special")),
    ("单位资金", "资金来源", _family("unit")),
    ("上年结转", "资金来源", _family("carry_fiscal", "carry_nonfiscal")),
    ("其中：财政拨款结转", "资金来源", _family("carry_fiscal")),
    ("其中：非财政拨款结转结余", "资金来源", _family("carry_nonfiscal")),
    ("基本支出", "支出类型", EXPENSE_TYPES[:2]),
    ("其中：人员经费", "支出类型", EXPENSE_TYPES[:1]),
    ("其中：公用经费", "支出类型", EXPENSE_TYPES[1:2]),
    ("项目支出", "支出类型", EXPENSE_TYPES[2:]),
)


def _whole(col: dict[str, int], name: str) -> str:
    letter = xl_col_to_name(col[name])
    return f"'{LINES_SHEET}'!${letter}:${letter}"


def sum_formula(col: dict[str, int], by: str | None, values: tuple[str, ...]) -> str:
    """Whole-column sums, so lines added below the prepared rows still count."""
    amount = _whole(col, "金额")
    if by is None:
        return f"=SUM({amount})"
    key = _whole(col, by)
    return "=" + "+".join(f'SUMIFS({amount},{key},"{v}")' for v in values)


def write_control(wb, ws, col: dict[str, int], unit_cell: str, head) -> None:
    """``unit_cell`` is 基本信息's 金额单位 cell (e.g. '基本信息'!$B$5)."""
    title = wb.add_format({"bold": True, "font_size": 14})
    note = wb.add_format({"font_color": "#595959", "text_wrap": True, "valign": "top"})
    money = wb.add_format({"num_format": "#,##0.00", "border": 1})
    entry = wb.add_format({"num_format": "#,##0.00", "border": 1, "bg_color": "#FFF2CC"})
    plain = wb.add_format({"border": 1})
    sub = wb.add_format({"border": 1, "indent": 1})
    scope_fmt = wb.add_format({"border": 1, "text_wrap": True, "font_color": "#595959"})
    status = wb.add_format({"border": 1, "align": "center"})
    fail = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "bold": True})
    ok = wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})

    ws.merge_range(0, 0, 0, len(HEADERS) - 1, "控制数核对：财政批复数与底稿合计", title)
    ws.merge_range(1, 0, 1, len(HEADERS) - 1, "", note)
    before = "批复数请按基本信息的金额单位填写（当前："
    after = "），只在黄色单元格录入；不需要核对的行留空，状态显示待填。"
    ws.write_formula(1, 0, f'="{before}"&IF({unit_cell}="","未填",{unit_cell})&"{after}"', note,
                     f"{before}未填{after}")
    ws.set_row(1, 32)
    ws.write_row(2, 0, HEADERS, head)
    for i, (label, by, values) in enumerate(ROWS):
        r = FIRST_ROW + i
        n = r + 1  # worksheet row number in formulas
        ws.write_string(r, 0, label, sub if label.startswith("其中") else plain)
        ws.write_blank(r, 1, None, entry)
        ws.write_formula(r, 2, sum_formula(col, by, values), money, 0)
        ws.write_formula(r, 3, f'=IF($B{n}="","",IF(ISNUMBER($B{n}),ROUND($C{n}-$B{n},2),"批复数须为数字"))',
                         money, "")
        ws.write_formula(r, 4, (f'=IF($B{n}="","{STATUS_EMPTY}",IF(ISNUMBER($B{n}),'
                                f'IF(ROUND($C{n}-$B{n},2)=0,"{STATUS_PASS}","{STATUS_FAIL}"),"{STATUS_FAIL}"))'),
                         status, STATUS_EMPTY)
        scope = "收支明细全部金额" if by is None else f"{by}为 " + "、".join(values)
        ws.write_string(r, 5, scope, scope_fmt)
        ws.set_row(r, wrapped_height((scope, SCOPE_WIDTH), font_size=11))
    last = FIRST_ROW + len(ROWS) - 1
    ws.data_validation(FIRST_ROW, 1, last, 1, {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "error_message": "批复数必须是不小于 0 的数字（单位同基本信息“金额单位”）"})
    for text, fmt in ((STATUS_FAIL, fail), (STATUS_PASS, ok)):
        ws.conditional_format(FIRST_ROW, 4, last, 4, {
            "type": "cell", "criteria": "==", "value": f'"{text}"', "format": fmt})
    ws.set_column(0, 0, 34)
    ws.set_column(1, 3, 18)
    ws.set_column(4, 4, 10)
    ws.set_column(5, 5, SCOPE_WIDTH)
    ws.freeze_panes(FIRST_ROW, 0)
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)

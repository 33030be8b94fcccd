"""A blank master workbook (预算底稿) with the sheets and headers of master-workbook.md.

Code columns are formatted as text so Excel keeps ``2080101`` a code, and 支出类型 and
资金来源 offer their fixed words as drop-downs (read from a hidden sheet, which works in
Excel, WPS and LibreOffice alike).  On top of that the template checks itself while the
accountant types: a 校验结果 column on 收支明细 (template_checks.py), a 控制数 sheet comparing
approved figures with the master's sums (template_control.py), and a 填表说明 sheet
(template_guide.py).  The reader skips all of these (reader/headers.py, TEMPLATE_SHEETS).
"""

from __future__ import annotations

import xlsxwriter

from ..atomic import atomic_path
from ..reader.headers import CHECK_COLUMNS, LINE_COLUMNS, TEMPLATE_SHEETS
from ..sources import EXPENSE_TYPES, NAMES as SOURCE_NAMES
from .classic_formulas import ClassicFormulaSheet
from .template_checks import (write_code_lists, write_code_validations,
                              write_line_checks)
from .template_control import write_control
from .template_guide import write_guide

INFO_KEYS = (
    ("预算年度", "必填，如 2026"), ("单位名称", "必填，公开主体全称"), ("公开口径", "必填：部门 或 单位"),
    ("金额单位", "必填：元 或 万元（收支明细金额的单位）"), ("表样", "可选：2023/2024/2025/2026，默认按年度"),
    ("上年结转表", "可选：是/否（2023–2025 表样）"), ("收入表列", "可选：11 或 12"),
    ("绩效权重合计", "可选：默认 90"), ("年度绩效目标", ""), ("联系人", ""), ("联系电话", ""),
    ("主要职能", ""), ("机构设置", ""), ("编制数", ""), ("实有人数", ""), ("在职人数", ""),
    ("在职增减", ""), ("退休人数", ""), ("退休增减", ""), ("离休人数", ""), ("离休增减", ""),
)
OTHER_SHEETS = {
    "上年预算": ("口径", "科目", "上年预算数", "变动原因"),
    "项目信息": ("项目名称", "对应明细项目", "单位名称", "项目负责人", "政策依据", "承担单位",
              "资金分配情况", "执行时间", "总体目标", "其他说明"),
    "绩效指标": ("项目名称", "一级指标", "二级指标", "三级指标", "指标值", "指标值设置依据",
              "上年完成值", "分值权重", "赋分规则", "佐证资料"),
    "其他事项": ("项目", "内容"),
    "科目字典": ("类型", "科目编码", "科目名称"),
}
GUIDE_SHEET, CONTROL_SHEET, CODES_SHEET, OPTIONS_SHEET = TEMPLATE_SHEETS
# Rows prepared with formats, drop-downs and check formulas.  Real masters have tens to a
# few hundred lines; 2000 rows make a 0.3 MB file that LibreOffice recalculates in about
# half a second more than an empty one (5000: 0.7 MB, +1.7 s — slow on an old office PC).
# More rows are one copy of the last row away (填表说明 says so).
LINE_ROWS = 2000
DEFAULT_YEAR = 2026


def write_template(target: str, *, year: int = DEFAULT_YEAR) -> None:
    """Write the blank master; ``year`` picks the built-in code lists of 科目表."""
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(tmp)
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        text = wb.add_format({"num_format": "@"})
        # 填表说明 comes first and opens first: someone new to the template reads it before
        # typing anything, and the tabs after it follow the filling order.
        guide = wb.add_worksheet(GUIDE_SHEET)
        unit_cell = _write_info(wb, wb.add_worksheet("基本信息"), head, text)
        lines = wb.add_worksheet("收支明细", worksheet_class=ClassicFormulaSheet)
        control = wb.add_worksheet(CONTROL_SHEET)
        for name, cols in OTHER_SHEETS.items():
            sheet = wb.add_worksheet(name)
            sheet.write_row(0, 0, cols, head)
            sheet.set_column(0, len(cols) - 1, 18, text if name == "科目字典" else None)
        codes = wb.add_worksheet(CODES_SHEET)
        options = wb.add_worksheet(OPTIONS_SHEET)
        options.write_column(0, 0, EXPENSE_TYPES)
        options.write_column(0, 1, SOURCE_NAMES)
        options.hide()

        items = write_code_lists(wb, codes, head, text, year)
        col = _write_lines(wb, lines, head, text)
        write_code_validations(lines, col, LINE_ROWS, items)
        write_line_checks(wb, lines, col, LINE_ROWS, head)
        write_control(wb, control, col, unit_cell, head)
        write_guide(wb, guide, year, LINE_ROWS)
        guide.activate()
        wb.close()


def _write_info(wb, ws, head, text) -> str:
    """基本信息 with its keys and hints; returns the 金额单位 value cell for formulas."""
    hint = wb.add_format({"font_color": "#808080"})
    ws.write_row(0, 0, ("项目", "内容", "说明"), head)
    rows = {}
    for r, (key, note) in enumerate(INFO_KEYS, start=1):
        ws.write_string(r, 0, key)
        ws.write_string(r, 2, note, hint)
        rows[key] = r
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 40, text)
    ws.set_column(2, 2, 40)
    ws.data_validation(rows["公开口径"], 1, rows["公开口径"], 1, {"validate": "list", "source": ["部门", "单位"]})
    ws.data_validation(rows["金额单位"], 1, rows["金额单位"], 1, {"validate": "list", "source": ["元", "万元"]})
    return f"'基本信息'!$B${rows['金额单位'] + 1}"


def _write_lines(wb, ws, head, text) -> dict[str, int]:
    """收支明细's header, formats and word drop-downs; returns column indices by header,
    the check columns placed right after the line columns."""
    money = wb.add_format({"num_format": "#,##0.00"})
    headers = list(LINE_COLUMNS)
    ws.write_row(0, 0, headers, head)
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    widths = {"单位名称": 24, "功能分类科目": 22, "经济分类科目": 22, "支出类型": 10,
              "项目名称": 40, "资金来源": 26, "金额": 16, "备注": 24}
    for c, name in enumerate(headers):
        ws.set_column(c, c, widths[name], money if name == "金额" else text)
    col = {name: c for c, name in enumerate(headers + list(CHECK_COLUMNS))}
    ws.data_validation(1, col["支出类型"], LINE_ROWS, col["支出类型"], {
        "validate": "list", "source": f"={OPTIONS_SHEET}!$A$1:$A${len(EXPENSE_TYPES)}",
        "error_message": "只能选择 人员经费、公用经费 或 项目支出"})
    ws.data_validation(1, col["资金来源"], LINE_ROWS, col["资金来源"], {
        "validate": "list", "source": f"={OPTIONS_SHEET}!$B$1:$B${len(SOURCE_NAMES)}",
        "error_message": "请从下拉列表选择资金来源"})
    ws.data_validation(1, col["金额"], LINE_ROWS, col["金额"], {
        "validate": "decimal", "criteria": ">=", "value": 0,
        "error_message": "金额必须是不小于 0 的数字"})
    return col

"""The 填表说明 sheet: what each sheet and column means, in the accountant's words.

The check messages and the 支出类型/经济分类 rule are taken from the modules that write the
formulas, so the instructions cannot drift from what the sheet actually checks.
"""

from __future__ import annotations

from .. import dictionaries
from ..reader.master import DICT_SHEET, TYPE_ECON_CLASSES
from ..sources import EXPENSE_TYPES, NAMES as SOURCE_NAMES
from .template_checks import CODES_SHEET, FLAG_HEADER, MESSAGES, OPTIONS_SHEET
from .template_control import CONTROL_SHEET, STATUS_EMPTY, STATUS_FAIL, STATUS_PASS
from .text_fit import wrapped_height

KEY_WIDTH, TEXT_WIDTH = 22, 96  # columns A and B, in character widths


def _sections(year: int, line_rows: int) -> list[tuple[str, list[tuple[str, str]]]]:
    econ = dictionaries.econ_names(year)
    type_rule = "；".join(
        f"{t}使用 " + "、".join(f"{c}（{econ.get(c, '')}）" for c in classes) + "类科目"
        for t, classes in TYPE_ECON_CLASSES.items())
    return [
        ("一、这本底稿怎么用", [
            ("用途", "本底稿是生成部门（单位）预算公开表的唯一数据来源：公开表的每个数字都由“收支明细”汇总得出。"
                   "填好后用 xltools build 生成全部公开表和说明。"),
            ("填写顺序", f"先填“基本信息”，再填“收支明细”，然后在“{CONTROL_SHEET}”录入财政批复数核对，"
                     "最后按需填写其余各表。"),
            ("不要改名", "程序按工作表名称和第 1 行的列标题识别内容：请不要修改工作表名称和列标题。"
                     "列的先后顺序可以调整，多出来的表和列会被忽略。"),
        ]),
        ("二、各工作表", [
            ("基本信息", "两列：项目 | 内容。预算年度、单位名称、公开口径（部门 或 单位）、金额单位（元 或 万元）必填，"
                     "其余各项见该表“说明”列。"),
            ("收支明细", "每行一笔预算：功能分类科目 × 经济分类科目 × 支出类型 ×（项目）× 资金来源 的金额。"
                     "部门汇总时，各下属单位的明细都填在这里，用“单位名称”列区分。"),
            (CONTROL_SHEET, "录入财政部门批复的控制数，与收支明细的合计自动比对，见第六部分。"),
            ("上年预算", "上年预算数和变动原因，用于情况说明中的增减对比。列：口径 | 科目 | 上年预算数 | 变动原因。"),
            ("项目信息", "每个项目一行：项目负责人、政策依据、总体目标等，用于情况说明和项目支出绩效目标表。"),
            ("绩效指标", "项目及部门整体的绩效指标，一个项目多行；部门整体绩效目标的项目名称填“部门整体”。"),
            ("其他事项", "两列：项目 | 内容。政府采购、国有资产占用、机关运行经费等情况。"),
            (DICT_SHEET, "内置科目表没有的新科目：类型填“功能”或“经济”，科目编码写成连续数字，再填科目名称。"),
            ("隐藏的表", f"“{CODES_SHEET}”是内置的 {year} 年功能分类和经济分类科目，“{OPTIONS_SHEET}”是下拉列表的内容，"
                     "供下拉列表和校验公式使用，请不要修改或删除。"),
        ]),
        ("三、收支明细各列", [
            ("单位名称", "实际使用资金的单位，可不填；不填时按基本信息的单位名称。"),
            ("功能分类科目", "必填。项级（7 位）支出功能分类科目编码，如 2080101；也可从下拉列表选择“2080101 行政运行”。"),
            ("经济分类科目", "必填。款级（5 位）部门预算支出经济分类科目编码，如 30101；写法同功能分类科目。"),
            ("支出类型", f"必填，从下拉列表选择：{'、'.join(EXPENSE_TYPES)}。人员经费和公用经费合称基本支出。"),
            ("项目名称", "项目支出必填；人员经费、公用经费不填。"),
            ("资金来源", f"必填，从下拉列表选择，共 {len(SOURCE_NAMES)} 种：{'、'.join(SOURCE_NAMES)}。"),
            ("金额", "必填，不小于 0 的数字，单位与基本信息“金额单位”一致；不要带“元”“万元”等文字。"),
            ("备注", "可选，自由填写。"),
            (FLAG_HEADER, "自动生成的检查结果，请不要填写或删除，见第五部分。"),
        ]),
        ("四、科目编码和金额单位", [
            ("编码是文本", "科目编码按文本填写，编码列已设为文本格式，2080101 不会变成数字或科学计数法。"
                      "2080101、208 01 01、208-01-01 都可以。从其他系统复制时请用“选择性粘贴 → 数值”，"
                      "以免覆盖单元格格式和下拉列表。"),
            ("支出类型与经济分类", type_rule + "。"),
            ("金额单位", "底稿中所有金额（收支明细、上年预算、其他事项、控制数的批复数）都按基本信息“金额单位”填写，"
                     "元 或 万元；公开表一律以万元列示，保留两位小数。"),
        ]),
        (f"五、{FLAG_HEADER}列怎么看", [
            (f"{FLAG_HEADER}列", f"“收支明细”最右侧的“{FLAG_HEADER}”列逐行自动检查：没有问题时为空；有问题时显示提示，"
                    "多条用“；”分隔，整行标为浅红色。空行不检查。"),
            ("增加行", f"模板已为前 {line_rows} 行明细设置了校验公式；行数不够时，把最后一行整行复制到下方，"
                    "即可带上公式。"),
            *[(message, advice) for message, advice in MESSAGES.values()],
            ("公式不更新", "请确认已开启自动计算（Excel：公式 → 计算选项 → 自动；WPS 相同），或按 F9 重新计算。"),
            ("最终校验", f"{FLAG_HEADER}列是填写时的提示。生成公开表时程序还会完整检查一遍（包括上级科目、重复行等），"
                     "以程序的报告为准。"),
        ]),
        ("六、控制数怎么用", [
            ("批复数", f"在“{CONTROL_SHEET}”表的黄色单元格录入财政部门批复的金额，单位与基本信息“金额单位”相同；"
                    "不需要核对的行留空。"),
            ("底稿合计", "按资金来源或支出类型自动汇总收支明细的金额（口径见该表最后一列），请不要修改。"),
            ("差额", "底稿合计减批复数，保留两位小数。"),
            ("状态", f"批复数为空时显示“{STATUS_EMPTY}”；底稿合计与批复数相等（精确到分）显示“{STATUS_PASS}”，"
                   f"否则显示“{STATUS_FAIL}”并标红。请修改收支明细，直到全部为“{STATUS_PASS}”。"),
            ("注意", "底稿合计只汇总资金来源、支出类型与下拉列表完全一致且金额为数字的行，"
                   f"请先消除{FLAG_HEADER}列的提示再核对控制数。"),
        ]),
    ]


def write_guide(wb, ws, year: int, line_rows: int) -> None:
    title = wb.add_format({"bold": True, "font_size": 14})
    section = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    key = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    body = wb.add_format({"text_wrap": True, "valign": "top", "border": 1})
    ws.write_string(0, 0, f"预算底稿填表说明（内置 {year} 年政府收支分类科目）", title)
    ws.set_row(0, 24)
    r = 2
    for heading, items in _sections(year, line_rows):
        ws.merge_range(r, 0, r, 1, heading, section)
        r += 1
        for name, text in items:
            ws.write_string(r, 0, name, key)
            ws.write_string(r, 1, text, body)
            ws.set_row(r, wrapped_height((name, KEY_WIDTH), (text, TEXT_WIDTH), font_size=11))
            r += 1
        r += 1
    ws.set_column(0, 0, KEY_WIDTH)
    ws.set_column(1, 1, TEXT_WIDTH)
    ws.hide_gridlines(2)
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # printed, column B stays on the page of its label

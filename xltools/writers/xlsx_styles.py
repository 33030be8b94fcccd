"""The cell formats of the disclosure workbook, made once per workbook.

Published tables are set in 宋体 with thin borders; figures are #,##0.00 and a zero prints
blank (the third section of the number format is empty), so a zero typed later by hand is
blank too.  Excel and WPS have 宋体; LibreOffice substitutes a CJK font it has.
"""

from __future__ import annotations

MONEY = "#,##0.00;-#,##0.00;;@"
FONT = "宋体"


class Styles:
    def __init__(self, wb):
        def fmt(**kw):
            return wb.add_format({"font_name": FONT, "font_size": 10, "valign": "vcenter", **kw})

        cell = {"border": 1}
        self.no = fmt(font_size=11)
        self.title = fmt(font_size=16, bold=True, align="center")
        self.maker = fmt(font_size=10)
        self.unit = fmt(font_size=10, align="right")
        self.head = fmt(bold=True, align="center", text_wrap=True, **cell)
        self.colnum = fmt(align="center", **cell)
        self.code = fmt(align="center", num_format="@", **cell)
        self.label = fmt(text_wrap=True, **cell)
        self.label_bold = fmt(text_wrap=True, bold=True, **cell)
        self.total_label = fmt(bold=True, align="center", **cell)
        self.money = fmt(num_format=MONEY, **cell)
        self.money_bold = fmt(num_format=MONEY, bold=True, **cell)
        self.note = fmt(text_wrap=True, valign="top")
        # 封面, 目录 and 校验
        self.cover_title = fmt(font_size=26, bold=True, align="center", text_wrap=True)
        self.cover_line = fmt(font_size=16, align="center")
        self.link = fmt(font_color="#0563C1", underline=1, **cell)
        self.text = fmt(text_wrap=True, **cell)
        self.center = fmt(align="center", **cell)
        self.status = fmt(align="center", bold=True, **cell)
        self.fail = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE", "bold": True})
        self.pass_ = wb.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"})

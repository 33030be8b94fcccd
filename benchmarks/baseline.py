"""The workbook an accountant builds by hand today: the lines, and SUMIFS formulas for the tables.

收支明细 gets helper columns for the 类/款/项 of each code (what people add to make SUMIFS
work); 表2, 表3, 表5 and 表6 each get one formula per figure, in 万元 rounded to 2 decimals —
each figure rounded on its own, which is exactly how published tables end up 0.01 off.
"""

from __future__ import annotations

import xlsxwriter

from xltools import sources as S
from xltools.reader import read_master

_INCOME_COLUMNS = (
    ("一般公共预算", ("一般公共预算",)), ("上级一般公共预算转移支付", ("上级一般公共预算转移支付",)),
    ("政府性基金预算", ("政府性基金预算",)), ("上级政府性基金转移支付", ("上级政府性基金转移支付",)),
    ("国有资本经营预算", ("国有资本经营预算", "上级国有资本经营预算转移支付")),
    ("财政专户", ("财政专户",)),
    ("单位资金", ("事业收入", "上级补助收入", "附属单位上缴收入", "事业单位经营收入", "其他收入")),
    ("财政拨款结转", tuple(sorted(S.CARRY_FISCAL))), ("非财政拨款结转结余", tuple(sorted(S.CARRY_NONFISCAL))),
)
GPB = tuple(sorted(S.GPB))


def write_baseline(master_path: str, target: str) -> int:
    """Write the hand-made workbook for ``master_path``; returns the number of formulas."""
    master = read_master(master_path)
    lines = master.lines
    n = len(lines) + 1
    wb = xlsxwriter.Workbook(target, {"constant_memory": True})
    ws = wb.add_worksheet("收支明细")
    ws.write_row(0, 0, ("单位名称", "功能分类科目", "经济分类科目", "支出类型", "项目名称", "资金来源", "金额",
                        "类", "款", "项", "经济类", "经济款"))
    for r, ln in enumerate(lines, start=1):
        ws.write_row(r, 0, (ln.unit, ln.func, ln.econ, ln.type, ln.project or "", ln.source))
        ws.write_number(r, 6, ln.amount / 100)
        ws.write_row(r, 7, (ln.func[:3], ln.func[:5], ln.func, ln.econ[:3], ln.econ))

    amount = f"收支明细!$G$2:$G${n}"
    level = {3: f"收支明细!$H$2:$H${n}", 5: f"收支明细!$I$2:$I${n}", 7: f"收支明细!$J$2:$J${n}"}
    econ_level = {3: f"收支明细!$K$2:$K${n}", 5: f"收支明细!$L$2:$L${n}"}
    type_ = f"收支明细!$D$2:$D${n}"
    source = f"收支明细!$F$2:$F${n}"

    def sumifs(criteria: list[tuple[str, str]], sources=()) -> str:
        parts = []
        for src in sources or (None,):
            crit = criteria + ([(source, src)] if src else [])
            parts.append("SUMIFS(" + amount + "".join(f',{rng},"{val}"' for rng, val in crit) + ")")
        return f"=ROUND(({'+'.join(parts)})/10000,2)"

    func_codes = sorted({ln.func[:k] for ln in lines for k in (3, 5, 7)})
    econ_codes = sorted({ln.econ[:k] for ln in lines for k in (3, 5)
                         if ln.source in S.GPB and ln.type != "项目支出"})
    count = 0
    sheets = {
        "表2": [(label, srcs) for label, srcs in _INCOME_COLUMNS],
        "表3": [("合计", None), ("基本支出", "<>项目支出"), ("项目支出", "项目支出")],
        "表5": [("合计", None), ("基本支出", "<>项目支出"), ("项目支出", "项目支出")],
    }
    for name, columns in sheets.items():
        sheet = wb.add_worksheet(name)
        sheet.write_row(0, 0, ("科目编码", *(c[0] for c in columns)))
        for r, code in enumerate(func_codes, start=1):
            sheet.write_string(r, 0, code)
            for c, (_, spec) in enumerate(columns, start=1):
                crit = [(level[len(code)], code)]
                if name == "表2":
                    formula = sumifs(crit, spec)
                else:
                    if spec:
                        crit.append((type_, spec))
                    formula = sumifs(crit, GPB if name == "表5" else ())
                sheet.write_formula(r, c, formula)
                count += 1
    sheet = wb.add_worksheet("表6")
    sheet.write_row(0, 0, ("经济分类", "合计", "人员经费", "公用经费"))
    for r, code in enumerate(econ_codes, start=1):
        sheet.write_string(r, 0, code)
        for c, spec in enumerate(("<>项目支出", "人员经费", "公用经费"), start=1):
            sheet.write_formula(r, c, sumifs([(econ_level[len(code)], code), (type_, spec)], GPB))
            count += 1
    wb.close()
    return count

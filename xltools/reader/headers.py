"""Column headers of the master's sheets and the aliases users write for them."""

from __future__ import annotations

import re

from ..codes import INVISIBLE
from ..findings import error, info
from .workbook import cell_ref, col_letter

LINE_COLUMNS: dict[str, tuple[str, ...]] = {
    "单位名称": ("预算单位", "单位"),
    "功能分类科目": ("功能科目", "功能分类科目编码", "支出功能分类科目"),
    "经济分类科目": ("经济科目", "部门经济分类科目", "部门经济分类"),
    "支出类型": ("支出类别",),
    "项目名称": ("项目",),
    "资金来源": ("资金性质", "来源"),
    "金额": ("预算数", "金额（元）", "金额（万元）"),
    "备注": (),
}
LINE_REQUIRED = ("功能分类科目", "经济分类科目", "支出类型", "资金来源", "金额")

# What `xltools template` adds for the accountant: instructions, look-up lists, the 控制数
# check and 收支明细's check columns.  They hold no figures, so the reader skips them
# without a finding (a template must read clean).
TEMPLATE_SHEETS = ("填表说明", "控制数", "科目表", "选项")
CHECK_COLUMNS = ("校验结果", "功能编码（校验用）", "经济编码（校验用）")

DICT_COLUMNS: dict[str, tuple[str, ...]] = {
    "类型": (), "科目编码": ("编码",), "科目名称": ("名称",),
}


# A CSV opened in Excel leaves its byte-order mark in A1; web pages leave zero-width spaces.
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


def normalise(text: object) -> str:
    """Header text without spaces, with full-width brackets, as the spec writes them."""
    s = re.sub(r"\s+", "", str(text or "")).translate(_INVISIBLE)
    return s.replace("(", "（").replace(")", "）")


def alias_map(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out = {}
    for canonical, aliases in columns.items():
        out[normalise(canonical)] = canonical
        for a in aliases:
            out[normalise(a)] = canonical
    return out


def header_unit(text: object) -> str | None:
    """金额（元）/金额（万元）: the unit a header states, if any."""
    s = normalise(text)
    if s.endswith("（万元）"):
        return "万元"
    if s.endswith("（元）"):
        return "元"
    return None


def find_columns(sheet: str, header: list, columns: dict[str, tuple[str, ...]], required,
                 add, ignore=frozenset(), hint: str = "") -> dict[str, int] | None:
    """Canonical column name → index, found by header text (aliases accepted).

    Reports through ``add(finding)``: an unknown header (info, ignored), a column given twice
    or a required one missing (errors; then None is returned).  Headers in ``ignore`` are
    skipped without a word.
    """
    aliases = alias_map(columns)
    found: dict[str, int] = {}
    ok = True
    for c, text in enumerate(header):
        if text is None or normalise(text) == "" or normalise(text) in ignore:
            continue
        canonical = aliases.get(normalise(text))
        if canonical is None:
            add(info("column-extra", sheet, cell_ref(0, c), f"列“{text}”不是工作表“{sheet}”的标准列，已忽略。"))
        elif canonical in found:
            add(error("column-duplicate", sheet, cell_ref(0, c),
                      f"“{canonical}”列出现了两次（{col_letter(found[canonical])}1 和 {cell_ref(0, c)}），"
                      "请删除或改名其中一列。"))
            ok = False
        else:
            found[canonical] = c
    for name in required:
        if name not in found:
            add(error("column-missing", sheet, "1:1",
                      f"工作表“{sheet}”第 1 行缺少“{name}”列。" + (hint or "请添加这一列的标题。")))
            ok = False
    return found if ok else None

"""Read the master's 项目信息 and 绩效指标 sheets (kept raw in ``master.sheets``).

Columns are found by header text in row 1, with the aliases people write, never by position.
Accountants often copy the published grid, whose 项目名称/一级/二级 cells are merged: a
blank cell there continues the row above, as the merge meant.  Problems of a single cell
(a weight that is not a number) are reported here, at the cell; rules that need the whole
picture are in checks.py and link.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from ..codes import to_halfwidth
from ..findings import Finding, error, warning
from ..model import Master
from ..money import AmountError, parse_amount
from ..reader.headers import find_columns, normalise
from ..reader.workbook import cell_ref, col_letter
from .model import Indicator, ProjectInfo
from .values import parse_value

PROJECT_SHEET = "项目信息"
INDICATOR_SHEET = "绩效指标"

PROJECT_COLUMNS: dict[str, tuple[str, ...]] = {
    "项目名称": ("项目", "绩效项目名称"),
    "对应明细项目": ("明细项目", "对应项目", "包含项目", "对应收支明细项目"),
    "单位名称": ("预算单位", "单位"),
    "项目负责人": ("负责人",),
    "政策依据": ("设立依据", "立项依据", "设立的政策依据"),
    "承担单位": ("实施单位", "项目承担单位"),
    "资金分配情况": ("资金分配",),
    "执行时间": ("实施时间", "实施周期", "执行期限"),
    "总体目标": ("项目总体目标", "年度目标", "绩效目标"),
    "其他说明": ("备注", "说明"),
}
INDICATOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "项目名称": ("项目",),
    "一级指标": ("一级",),
    "二级指标": ("二级",),
    "三级指标": ("三级", "指标名称"),
    "指标值": ("目标值", "指标目标值"),
    "指标值设置依据": ("指标值设定依据", "指标设定依据", "指标设置依据", "设置依据", "依据"),
    "上年完成值": ("上年实际完成值", "上年值"),
    "分值权重": ("权重", "指标分值权重", "分值"),
    "赋分规则": ("指标赋分规则", "评分规则"),
    "佐证资料": ("佐证材料",),
}
INDICATOR_REQUIRED = ("项目名称", "一级指标", "二级指标", "三级指标", "指标值", "分值权重")
# Columns a merged cell may span in the published grid.
_CARRIED = ("项目名称", "一级指标", "二级指标")
_LIST_SEPARATORS = re.compile(r"[；;\n]+")


@dataclass(frozen=True)
class SheetData:
    """What read_performance found; a sheet the master lacks is None."""

    projects: tuple[ProjectInfo, ...] | None
    indicators: tuple[Indicator, ...] | None
    project_columns: dict[str, str]  # canonical column → letter, for findings
    indicator_columns: dict[str, str]
    findings: tuple[Finding, ...]
    present: frozenset[str] = frozenset()  # the sheets the master has, readable or not


@dataclass(frozen=True)
class OverallText:
    contact: str
    phone: str
    goal: str


def cell_text(value: object) -> str:
    """A cell as printed text: integral floats without ".0", dates as 2026-01-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def name_text(value: object) -> str:
    """Names are compared with 收支明细's, so they get the reader's normalisation."""
    return to_halfwidth(cell_text(value)).strip()


def overall_text(master: Master) -> OverallText:
    extra = master.info.extra if master.info else {}
    return OverallText(cell_text(extra.get("联系人")), cell_text(extra.get("联系电话")),
                       cell_text(extra.get("年度绩效目标")))


def read_performance(master: Master) -> SheetData:
    findings: list[Finding] = []
    projects = indicators = None
    present = frozenset(n for n in (PROJECT_SHEET, INDICATOR_SHEET) if _sheet(master, n) is not None)
    project_cols: dict[str, int] = {}
    indicator_cols: dict[str, int] = {}
    rows = _sheet(master, PROJECT_SHEET)
    if rows is not None:
        cols = _columns(rows, PROJECT_SHEET, PROJECT_COLUMNS, ("项目名称",), findings)
        if cols is not None:
            project_cols = cols
            projects = tuple(_projects(rows, cols))
    rows = _sheet(master, INDICATOR_SHEET)
    if rows is not None:
        cols = _columns(rows, INDICATOR_SHEET, INDICATOR_COLUMNS, INDICATOR_REQUIRED, findings)
        if cols is not None:
            indicator_cols = cols
            indicators = tuple(_indicators(rows, cols, findings))
    return SheetData(projects, indicators, _letters(project_cols), _letters(indicator_cols),
                     tuple(findings), present)


def _sheet(master: Master, name: str) -> list[list[object]] | None:
    for actual, rows in master.sheets.items():
        if normalise(actual) == normalise(name):
            return rows
    return None


def _letters(cols: dict[str, int]) -> dict[str, str]:
    return {k: col_letter(v) for k, v in cols.items()}


def _columns(rows, sheet, columns, required, findings) -> dict[str, int] | None:
    return find_columns(sheet, rows[0] if rows else [], columns, required, findings.append)


def _get(row: list, cols: dict[str, int], name: str) -> object:
    c = cols.get(name)
    return row[c] if c is not None and c < len(row) else None


def _blank(row: list) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _projects(rows, cols):
    for r in range(1, len(rows)):
        row = rows[r]
        if _blank(row):
            continue
        name = name_text(_get(row, cols, "项目名称"))
        listed = _LIST_SEPARATORS.split(name_text(_get(row, cols, "对应明细项目")))
        covers = tuple(n for n in (p.strip() for p in listed) if n)

        def text(column: str) -> str:
            return cell_text(_get(row, cols, column))

        yield ProjectInfo(r + 1, name, covers or ((name,) if name else ()),
                          name_text(_get(row, cols, "单位名称")), text("项目负责人"), text("政策依据"),
                          text("承担单位"), text("资金分配情况"), text("执行时间"), text("总体目标"),
                          text("其他说明"))


def _indicators(rows, cols, findings):
    carried = {name: "" for name in _CARRIED}
    content = [c for c in INDICATOR_COLUMNS if c != "项目名称"]
    for r in range(1, len(rows)):
        row = rows[r]
        if all(cell_text(_get(row, cols, c)) == "" for c in content):
            continue  # a blank row, or a project name with nothing to print
        values = {c: cell_text(_get(row, cols, c)) for c in INDICATOR_COLUMNS}
        values["项目名称"] = name_text(_get(row, cols, "项目名称"))
        if values["项目名称"] and values["项目名称"] != carried["项目名称"]:
            carried["一级指标"] = carried["二级指标"] = ""  # a new project starts a new grid
        if values["一级指标"] and values["一级指标"] != carried["一级指标"]:
            carried["二级指标"] = ""
        for name in _CARRIED:
            values[name] = values[name] or carried[name]
            carried[name] = values[name]
        raw_value = _get(row, cols, "指标值")
        if isinstance(raw_value, (int, float)) and not isinstance(raw_value, bool) \
                and 0 < raw_value < 1:
            findings.append(warning(
                "perf-value-unparsed", INDICATOR_SHEET, cell_ref(r, cols["指标值"]),
                f"指标值是数值 {raw_value}，看不出比较符号和单位；如果是百分比，请把单元格设为文本"
                f"后写成“≥{(Decimal(repr(raw_value)) * 100).normalize():f}%”这样的形式。", actual=raw_value))
        yield Indicator(
            r + 1, values["项目名称"], _level(values["一级指标"]), _level(values["二级指标"]),
            values["三级指标"], values["指标值"], parse_value(values["指标值"]),
            values["指标值设置依据"], values["上年完成值"],
            _weight(_get(row, cols, "分值权重"), r, cols["分值权重"], findings),
            values["赋分规则"], values["佐证资料"])


def _level(text: str) -> str:
    # Published grids break level names over lines ("满意\n度指\n标"); the name has no spaces.
    return "".join(text.split())


def _weight(value, r, c, findings) -> Decimal | None:
    ref = cell_ref(r, c)
    if value is None or cell_text(value) == "":
        findings.append(error("perf-weight-invalid", INDICATOR_SHEET, ref,
                              "分值权重为空。请填写这个指标的分值（数字，如 10）。"))
        return None
    try:
        weight, _ = parse_amount(value)
    except AmountError:
        findings.append(error("perf-weight-invalid", INDICATOR_SHEET, ref,
                              f"分值权重“{value}”不是数字。请只填数字（如 10），不要带“分”或其他文字。",
                              actual=cell_text(value)))
        return None
    if weight < 0:
        findings.append(error("perf-weight-invalid", INDICATOR_SHEET, ref,
                              f"分值权重 {weight} 为负数。请填写 0 或正数。", actual=str(weight)))
        return None
    integral = weight.to_integral_value()
    return integral if weight == integral else weight.normalize()

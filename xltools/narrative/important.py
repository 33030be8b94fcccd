"""其他重要事项: 机关运行经费, 政府采购, 国有资产, 预算绩效, 其他需说明的事项.

机关运行经费 is 表6's 公用经费 合计 unless 其他事项 gives it, compared with 上年预算.  The
政府采购 and 国有资产 figures are the accountant's (其他事项); a figure the sheet lacks is a
visible placeholder with its warning, never a silent zero.  政府采购预算 is the sum of its
three parts, so the printed parts always add up.
"""

from __future__ import annotations

from . import checks
from . import wording as w
from .document import Block, Heading, Part, PerformanceSlot, Placeholder, Quote, para
from .inputs import Inputs
from .matters import PROCUREMENT, VEHICLE_FUNDS
from .prior import RUNNING, RUNNING_TOTAL, compare


def important(inp: Inputs) -> tuple[str, tuple[Block, ...]]:
    blocks: list[Block] = [
        Heading("（一）机关运行经费情况", 3), *running(inp),
        Heading("（二）政府采购情况", 3), *procurement(inp),
        Heading("（三）国有资产占用使用情况", 3), *assets(inp),
        Heading("（四）预算绩效情况", 3), *performance(inp),
        Heading("（五）其他需说明的事项", 3), *other(inp),
    ]
    return "其他重要事项的情况说明", tuple(blocks)


def running(inp: Inputs) -> list[Block]:
    c = compare(inp.prior, RUNNING, RUNNING_TOTAL, inp.running_cost)
    return [para(f"{inp.entity}{inp.year}年机关运行经费财政拨款预算{w.wan(inp.running_cost)}",
                 w.compared(c), "。")]


def _missing(inp: Inputs, key: str) -> Placeholder:
    return Placeholder(f"【请在其他事项填写{key}】", checks.matter_missing(key, inp.matters.present))


def _money(inp: Inputs, key: str) -> Part:
    m = inp.matters.get(key)
    if m is None or isinstance(m.value, str):
        return _missing(inp, key)
    return w.wan(m.value)


def _count(inp: Inputs, key: str) -> Part:
    m = inp.matters.get(key)
    return _missing(inp, key) if m is None else str(m.value)


def _area(inp: Inputs, key: str) -> Part:
    m = inp.matters.get(key)
    return _missing(inp, key) if m is None else f"{m.value:,.2f}"


def procurement(inp: Inputs) -> list[Block]:
    if not inp.matters.present:
        return [para(_missing(inp, "政府采购货物、工程、服务预算"))]
    parts = [inp.matters.get(k) for k in PROCUREMENT]
    if all(p is not None for p in parts):
        total_value = sum(p.value for p in parts)
        total: Part = w.wan(total_value)
    else:
        total_value = None
        total = _missing(inp, PROCUREMENT[[p is None for p in parts].index(True)])
    reserved = inp.matters.get("面向中小企业预留")
    if total_value == 0 and (reserved is None or reserved.value == 0):
        return [para(f"{inp.year}年，{inp.entity}未安排政府采购预算。")]
    lead = f"{inp.year}年，{inp.entity}"
    return [
        para(lead, "政府采购预算", total, "，其中：政府采购货物预算", _money(inp, "政府采购货物"),
             "，政府采购工程预算", _money(inp, "政府采购工程"), "，政府采购服务预算",
             _money(inp, "政府采购服务"), "。"),
        para(lead, "面向中小企业预留政府采购项目预算金额", _money(inp, "面向中小企业预留"),
             "，其中：小微企业预留政府采购项目预算金额", _money(inp, "其中小微企业预留"), "。"),
    ]


def assets(inp: Inputs) -> list[Block]:
    if not inp.matters.present:
        return [para(_missing(inp, "国有资产占用使用情况"))]
    date = inp.matters.get("国有资产截至日期")
    # Assets are reported as at the end of the year before the budget year.
    as_of: Part = Quote(date.value) if date is not None else f"{inp.year - 1}年底"
    return [
        para("截至", as_of, f"，{inp.entity}占用使用国有资产总体情况为："),
        para("1. 房屋", _area(inp, "房屋面积"), "平方米，价值", _money(inp, "房屋价值"), "。"),
        para("2. 车辆", _count(inp, "车辆总数"), "辆，价值", _money(inp, "车辆价值"),
             "；其中：一般公务用车", _count(inp, "一般公务用车数"), "辆，价值", _money(inp, "一般公务用车价值"),
             "；执法执勤用车", _count(inp, "执法执勤用车数"), "辆，价值", _money(inp, "执法执勤用车价值"),
             "；其他车辆", _count(inp, "其他车辆数"), "辆，价值", _money(inp, "其他车辆价值"), "。"),
        para("3. 办公家具价值", _money(inp, "办公家具价值"), "。"),
        para("4. 其他资产价值", _money(inp, "其他资产价值"), "。"),
        para("单位价值50万元以上大型设备", _count(inp, "50万元以上设备台数"), "台，单位价值100万元以上大型设备",
             _count(inp, "100万元以上设备台数"), "台。"),
        para(f"{inp.year}年{inp.kind}预算", _vehicle_funds(inp), "，安排购置单位价值50万元以上大型设备",
             _count(inp, "本年购置50万元以上设备台数"), "台，单位价值100万元以上大型设备",
             _count(inp, "本年购置100万元以上设备台数"), "台。"),
    ]


def _vehicle_funds(inp: Inputs) -> Part:
    m = inp.matters.get(VEHICLE_FUNDS)
    if m is None:
        return _missing(inp, VEHICLE_FUNDS)
    if isinstance(m.value, str):
        text = m.value.strip(" 。")
        if text in ("未安排", "无", "未安排购置车辆经费", "没有安排"):
            return "未安排购置车辆经费"
        return Quote(text)
    if m.value == 0:
        return "未安排购置车辆经费"
    return f"安排购置车辆经费{w.wan(m.value)}"


def performance(inp: Inputs) -> list[Block]:
    f = inp.figures
    fiscal_n, fiscal_amount = f.fiscal_projects
    other_n, other_amount = f.other_projects
    return [para(
        f"{inp.year}年，本{inp.kind}预算绩效管理整体预算绩效目标1个，涉及预算金额"
        f"{w.wan(f.income.get('income_grand_total', 0))}；当年财政拨款项目{fiscal_n}个，涉及预算金额"
        f"{w.wan(fiscal_amount)}；当年非财政拨款项目{other_n}个，涉及预算金额{w.wan(other_amount)}。"
        "具体情况见下表："), PerformanceSlot()]


def other(inp: Inputs) -> list[Block]:
    note = inp.matters.get("非财政拨款项目说明")
    if note is not None and note.value:
        return [para(Quote(note.value))]
    return [para(f"本{inp.kind}无其他需说明的事项。")]

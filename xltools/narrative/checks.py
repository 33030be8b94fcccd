"""The findings of the 情况说明, with their rule ids.

Severity follows what the accountant must do before publishing:
- error — an input row cannot be used, so a figure or a reason would silently go missing:
  prior-row-unknown (口径 or 科目 not in the contract, a code that is no 项),
  prior-row-duplicate, prior-amount-bad (上年预算数 not a number), prior-master-invalid
  (--prior names a master with errors), other-matter-bad (其他事项 value not a number).
- warning — the document is written, but a sentence shows a visible placeholder or the
  inputs contradict each other: narrative-reason-missing (a change of 10% or more, or money
  from nothing, without a 变动原因), prior-amount-missing (no 上年预算数 for a figure this year
  has), narrative-text-missing (主要职能, 机构设置, staffing, a project's 政策依据 or 资金分配情况),
  other-matter-missing, prior-missing (no 上年预算 at all: no comparisons are printed),
  prior-sum-mismatch (the 上年预算 rows break the identities the tables keep: Σ 项 = 一般公共预算
  基本 + 项目, 收入 = 支出 …), prior-amount-differs (--prior and 上年预算 disagree),
  prior-year-mismatch, narrative-staff-inconsistent (实有人数 ≠ 在职 + 退休 + 离休),
  other-matter-inconsistent (车辆总数 ≠ Σ vehicles, 预留 > 采购).
- info — other-matter-unknown (an extra 其他事项 row, ignored).
Header problems of 上年预算 are reported with the reader's own rules (column-missing …).
"""

from __future__ import annotations

from ..findings import Finding, warning
from ..money import FEN_PER_BAIYUAN, format_wan, half_up_div
from .matters import MATTERS_SHEET, PROCUREMENT, RESERVED, VEHICLE_COUNTS, VEHICLE_VALUES, Matters
from .prior import (CAPITAL_CODE, EXPENSE, FUND_CODE, GPB, GPB_CODE, INCOME, PRIOR_SHEET,
                    Comparison, PriorData)

INFO_SHEET = "基本信息"
PROJECT_SHEET = "项目信息"


def _subject(c: Comparison) -> str:
    return f"口径“{c.scope}”、科目“{c.item}”"


def reason_missing(c: Comparison) -> Finding:
    where = (f"请在第 {c.row} 行的“变动原因”中填写" if c.row is not None else
             f"请在“上年预算”表中为{_subject(c)}添加一行并填写“变动原因”")
    move = ("上年未安排、本年新增" if c.prior == 0 else
            f"{'增长' if c.change > 0 else '下降'} {abs(c.pct)}%")
    return warning("narrative-reason-missing", *c.place,
                   f"{_subject(c)}比上年预算{move}，情况说明需要说明主要原因。{where}；"
                   "在此之前，说明中显示为待填写。", actual=format_wan(c.change))


def amount_missing(c: Comparison) -> Finding:
    where = f"请在“上年预算”表中添加{_subject(c)}一行，填写上年预算数"
    if c.row is not None:
        where = f"请在第 {c.row} 行填写上年预算数"
    return warning("prior-amount-missing", PRIOR_SHEET, c.amount_cell,
                   f"{_subject(c)}本年有预算 {format_wan(c.current)} 万元，但没有上年预算数，"
                   f"无法说明增减。{where}（上年没有安排的填 0）。")


def prior_missing() -> Finding:
    return warning("prior-missing", PRIOR_SHEET, None,
                   "底稿没有“上年预算”表，也没有用 --prior 指定上年底稿，情况说明中不含与上年预算的比较。"
                   "请添加“上年预算”表（口径 | 科目 | 上年预算数 | 变动原因）或用 --prior 指定上年底稿。")


def text_missing(sheet: str, cell: str | None, what: str, how: str) -> Finding:
    return warning("narrative-text-missing", sheet, cell,
                   f"情况说明需要“{what}”，但没有填写；说明中显示为待填写。{how}")


def matter_missing(key: str, present: bool) -> Finding:
    how = (f"请在“其他事项”表新增一行“{key}”并填写内容。" if present else
           "请添加“其他事项”表（项目 | 内容），填写政府采购和国有资产等数字。")
    return warning("other-matter-missing", MATTERS_SHEET, None,
                   f"情况说明需要其他事项“{key}”，但没有填写；说明中显示为待填写。{how}")


# -- identities of the inputs ----------------------------------------------------------------

def prior_identities(prior: PriorData) -> list[Finding]:
    """The sums the 上年预算 rows must keep, as last year's tables kept them.

    Checked only between rows that are all present: a partial sheet is reported where a
    figure is needed (prior-amount-missing), not twice."""
    if prior.source != "sheet":
        return []
    out: list[Finding] = []

    def value(scope: str, item: str) -> int | None:
        e = prior.get(scope, item)
        return None if e is None else e.amount

    def total(scope: str, items) -> int | None:
        values = [value(scope, i) for i in items]
        return None if any(v is None for v in values) else sum(values)

    def codes_total(scope: str) -> int | None:
        codes = prior.codes(scope)
        return total(scope, codes) if codes else None

    def check(left: str, a: int | None, right: str, b: int | None) -> None:
        if a is not None and b is not None and a != b:
            out.append(warning(
                "prior-sum-mismatch", PRIOR_SHEET, None,
                f"上年预算表中{left}为 {format_wan(a)} 万元，{right}为 {format_wan(b)} 万元，"
                f"相差 {format_wan(abs(a - b))} 万元。上年的公开表中两者相等，请核对上年预算数。",
                expected=format_wan(b), actual=format_wan(a)))

    incomes = [e.item for e in prior.entries.values() if e.scope == INCOME]
    gpb = total(GPB, ("基本支出", "项目支出"))
    check("收入各项合计", total(INCOME, incomes) if incomes else None,
          "支出（基本支出 + 项目支出）", total(EXPENSE, ("基本支出", "项目支出")))
    check("收入“一般公共预算 + 上级一般公共预算转移支付”",
          total(INCOME, ("一般公共预算", "上级一般公共预算转移支付")),
          "一般公共预算（基本支出 + 项目支出）", gpb)
    check("一般公共预算科目合计", codes_total(GPB_CODE), "一般公共预算（基本支出 + 项目支出）", gpb)
    check("政府性基金科目合计", codes_total(FUND_CODE), "收入“政府性基金预算 + 上级政府性基金转移支付”",
          total(INCOME, ("政府性基金预算", "上级政府性基金转移支付")))
    check("国有资本经营科目合计", codes_total(CAPITAL_CODE),
          "收入“国有资本经营预算 + 上级国有资本经营预算转移支付”",
          total(INCOME, ("国有资本经营预算", "上级国有资本经营预算转移支付")))
    return out


def staffing(values: dict[str, int]) -> list[Finding]:
    keys = ("实有人数", "在职人数", "退休人数", "离休人数")
    if not all(k in values for k in keys):
        return []
    parts = values["在职人数"] + values["退休人数"] + values["离休人数"]
    if parts == values["实有人数"]:
        return []
    return [warning("narrative-staff-inconsistent", INFO_SHEET, None,
                    f"实有人数 {values['实有人数']} 人不等于在职 {values['在职人数']} 人、退休 "
                    f"{values['退休人数']} 人、离休 {values['离休人数']} 人之和 {parts} 人。请核对基本信息。",
                    expected=parts, actual=values["实有人数"])]


def matters_consistency(matters: Matters) -> list[Finding]:
    out: list[Finding] = []

    def get(key: str):
        m = matters.get(key)
        return None if m is None or isinstance(m.value, str) else m

    def compare_sum(total_key: str, parts: tuple[str, ...], fen: bool) -> None:
        total = get(total_key)
        items = [get(k) for k in parts]
        if total is None or any(i is None for i in items):
            return
        value = (lambda m: m.fen) if fen else (lambda m: m.value)
        expected = sum(value(i) for i in items)
        if value(total) != expected:
            shown = (lambda v: f"{format_wan(_baiyuan(v))} 万元") if fen else (lambda v: f"{v} 辆")
            out.append(warning(
                "other-matter-inconsistent", MATTERS_SHEET, total.cell,
                f"“{total_key}”为 {shown(value(total))}，但{'、'.join(parts)}之和为 {shown(expected)}。"
                "请核对其他事项。", expected=shown(expected), actual=shown(value(total))))

    compare_sum("车辆总数", VEHICLE_COUNTS, fen=False)
    compare_sum("车辆价值", VEHICLE_VALUES, fen=True)
    bought = [get(k) for k in PROCUREMENT]
    reserved, small = (get(k) for k in RESERVED)
    if reserved is not None and all(b is not None for b in bought) \
            and reserved.fen > sum(b.fen for b in bought):
        out.append(warning(
            "other-matter-inconsistent", MATTERS_SHEET, reserved.cell,
            "面向中小企业预留的政府采购预算大于政府采购预算总额（货物 + 工程 + 服务）。请核对其他事项。"))
    if reserved is not None and small is not None and small.fen > reserved.fen:
        out.append(warning(
            "other-matter-inconsistent", MATTERS_SHEET, small.cell,
            "小微企业预留的政府采购预算大于面向中小企业预留的金额（前者是后者的一部分）。请核对其他事项。"))
    return out


def _baiyuan(fen: int) -> int:
    return half_up_div(fen, FEN_PER_BAIYUAN)

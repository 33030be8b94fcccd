"""The parts around 第三部分: the cover and 目录, 第一部分 概况, 第二部分 (the tables, by reference),
第四部分 名词解释 and the signature.

第二部分 holds a slot per table: the publication writer prints each table there as a Word
table, from the same computed tables as the workbook, so the figures cannot differ.
"""

from __future__ import annotations

from ..money import AmountError, parse_amount
from . import checks
from .document import Block, Heading, PageBreak, Paragraph, Part, Placeholder, Quote, TableSlot, para
from .inputs import Inputs, cn_number
from . import wording as w

STAFF_KEYS = ("编制数", "实有人数", "在职人数", "在职增减", "退休人数", "退休增减", "离休人数", "离休增减")


def cover_and_contents(inp: Inputs, body: list[Block]) -> list[Block]:
    """Title, then a 目录 of the parts and sections that ``body`` holds."""
    blocks: list[Block] = [Heading(inp.entity, 0), Heading(f"{inp.year}年{inp.kind}预算公开", 0),
                           para("目  录", align="center")]
    for b in body:
        if isinstance(b, Heading) and b.level in (1, 2):
            blocks.append(para(b.text, align="toc1" if b.level == 1 else "toc2"))
        if isinstance(b, TableSlot):
            blocks.append(para(f"{cn_number(b.no)}、{b.title}", align="toc2"))
    return blocks


def part_one(inp: Inputs) -> list[Block]:
    staff = {k: inp.info[k] for k in STAFF_KEYS if _given(inp.info.get(k))}
    blocks: list[Block] = [Heading(f"第一部分 {inp.year}年{inp.kind}概况", 1),
                           Heading("一、主要职能", 2)]
    blocks += _text_block(inp, "主要职能", f"本{inp.kind}的主要职能")
    blocks.append(Heading("二、机构设置及人员情况" if staff else "二、机构设置", 2))
    subordinate = [u for u in inp.units if u != inp.entity]
    if inp.kind == "部门" and subordinate:
        blocks.append(para(f"{inp.entity}{inp.year}年部门预算包括{len(inp.units)}个预算单位："
                           f"{'、'.join(inp.units)}。"))
    blocks += _text_block(inp, "机构设置", "机构设置（内设机构、下属单位）")
    if staff:
        blocks.append(_staffing(inp))
    return blocks


def staff_numbers(inp: Inputs) -> dict[str, int]:
    """The staffing keys that hold whole numbers, for the 实有人数 check."""
    out = {}
    for key in STAFF_KEYS:
        n = _int(inp.info.get(key))
        if n is not None:
            out[key] = n
    return out


def _given(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _int(value: object) -> int | None:
    if not _given(value):
        return None
    try:
        number, _ = parse_amount(value)
    except AmountError:
        return None
    return int(number) if number == number.to_integral_value() else None


def _text_block(inp: Inputs, key: str, what: str) -> list[Block]:
    value = inp.info.get(key)
    if _given(value):
        lines = [ln.strip() for ln in str(value).splitlines() if ln.strip()]
        return [para(Quote(ln)) for ln in lines]
    finding = checks.text_missing(checks.INFO_SHEET, None, key,
                                  f"请在基本信息表新增一行“{key}”，在内容列填写{what}。")
    return [para(Placeholder(f"【请在基本信息填写{key}】", finding))]


def _staffing(inp: Inputs) -> Paragraph:
    def number(key: str) -> Part:
        n = _int(inp.info.get(key))
        if n is not None:
            return str(n)
        if _given(inp.info.get(key)):
            return Quote(str(inp.info[key]).strip())
        return Placeholder(f"【请在基本信息填写{key}】", checks.text_missing(
            checks.INFO_SHEET, None, key, f"请在基本信息表新增一行“{key}”并填写人数。"))

    def delta(key: str) -> Part | tuple:
        n = _int(inp.info.get(key))
        if n is not None:
            return w.headcount_change(n)
        return ("比上年", number(key))

    return para(f"{inp.entity}编制数", number("编制数"), "，实有人数", number("实有人数"),
                "人，其中：在职", number("在职人数"), "人，", delta("在职增减"),
                "；退休", number("退休人数"), "人，", delta("退休增减"),
                "；离休", number("离休人数"), "人，", delta("离休增减"), "。")


def part_two(inp: Inputs) -> list[Block]:
    blocks: list[Block] = [Heading(f"第二部分 {inp.year}年{inp.kind}预算公开表", 1)]
    blocks += [TableSlot(t.no, t.title, t.empty) for t in inp.figures.tables]
    return blocks


# 第四部分: the definitions every reference document prints; the 2026 表样 adds 委托业务费 and
# words 三公 as 因公出国（境）费用 with 新能源汽车充电费.
_GLOSSARY = (
    ("财政拨款", "指由一般公共预算、政府性基金预算、国有资本经营预算安排的财政拨款数。"),
    ("一般公共预算", "包括公共财政拨款（补助）资金、专项收入。"),
    ("财政专户管理资金", "包括专户管理行政事业性收费（主要是教育收费）、其他非税收入。"),
    ("单位资金", "包括事业收入、上级补助收入、附属单位上缴收入、事业单位经营收入、其他收入等。"),
    ("基本支出", "包括人员经费、公用经费（定额）。其中，人员经费包括工资福利支出、对个人和家庭的补助。"),
    ("项目支出", "部门（单位）支出预算的组成部分，是各部门（单位）为完成其特定的行政任务或事业发展目标，"
                 "在基本支出预算之外编制的年度项目支出计划。"),
)
_THREE_PUBLIC = ("“三公”经费", "指部门（单位）因公出国（境）费、公务用车购置及运行维护费和公务接待费，其中："
                 "因公出国（境）费反映机关和参公事业单位公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、"
                 "培训费、公杂费等支出；公务用车购置反映公务用车购置支出（含车辆购置税、牌照费）；公务用车运行维护费"
                 "反映机关和参公事业单位按规定保留的公务用车燃料费、维修费、过桥过路费、保险费、安全奖励费用等支出；"
                 "公务接待费反映机关和参公事业单位按规定开支的各类公务接待（含外宾接待）费用。")
_THREE_PUBLIC_2026 = ("“三公”经费", "指部门（单位）因公出国（境）费用、公务用车购置及运行维护费和公务接待费。其中："
                      "因公出国（境）费用反映单位公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、"
                      "公杂费等支出；公务用车购置反映公务用车购置支出（含车辆购置税、牌照费）；公务用车运行维护费反映"
                      "单位按规定保留的公务用车燃料费、新能源汽车充电费、维修费、过桥过路费、保险费、安全奖励费用等支出；"
                      "公务接待费反映单位按规定开支的各类公务接待（含外宾接待）费用。")
_RUNNING = ("机关运行经费", "指行政单位（含参照公务员法管理事业单位）的公用经费，包括办公及印刷费、邮电费、差旅费、"
            "会议费、福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、"
            "公务用车运行维护费及其他费用。")
_ENTRUSTED = ("委托业务费", "反映因委托外单位办理业务而支付的委托业务费。")


def part_four(inp: Inputs) -> list[Block]:
    entries = list(_GLOSSARY)
    entries.append(_THREE_PUBLIC_2026 if inp.figures.entrusted is not None else _THREE_PUBLIC)
    entries.append(_RUNNING)
    if inp.figures.entrusted is not None:
        entries.append(_ENTRUSTED)
    blocks: list[Block] = [Heading("第四部分 名词解释", 1)]
    for n, (term, text) in enumerate(entries, start=1):
        blocks.append(para(f"{cn_number(n)}、{term}：{text}"))
    blocks.append(para(inp.entity, align="right"))
    return blocks


def document_blocks(inp: Inputs, part_three: list[Block]) -> list[Block]:
    body = [*part_one(inp), *part_two(inp), *part_three, *part_four(inp)]
    return [*cover_and_contents(inp, body), PageBreak(), *body]

"""第三部分 情况说明: one function per section, in the order of the reference documents.

一 收支总体, 二 收入, 三 支出, 四 财政拨款, 五 一般公共预算当年拨款 (规模变化, 结构, every 项),
六 基本支出, 七 each project, 八 政府性基金, 九 国有资本经营, 十 三公; then what the 表样
publishes a table for: 委托业务费 (2026) and 上年结转结余 (2026, and 2023–2025 when the
结转 table is printed); last 其他重要事项 (important.py).  Sections are numbered by position,
so 十一 … 十三 follow the 表样 without a table of numbers.

Each function returns (heading text without its number, blocks).  Every amount is a table
figure from ``inp.figures``; shares and changes are computed in wording.py.
"""

from __future__ import annotations

from ..performance.model import ProjectInfo
from . import checks
from . import wording as w
from .document import Block, Heading, Part, Placeholder, Quote, para
from .figures import Family, Item, Project
from .important import important
from .inputs import Inputs, cn_number
from .prior import (CAPITAL_CODE, EXPENSE, FUND_CODE, GPB, GPB_CODE, INCOME, THREE_PUBLIC,
                    compare, compare_sum)

Section = tuple[str, tuple[Block, ...]]

# 表1 income rows the narrative explains, with the 上年预算 科目 they compare with.
INCOME_LINES = (
    ("一般公共预算", "gpb_own", "一般公共预算"),
    ("上级一般公共预算安排的转移支付", "gpb_transfer", "上级一般公共预算转移支付"),
    ("政府性基金预算", "fund_own", "政府性基金预算"),
    ("上级政府性基金安排的转移支付", "fund_transfer", "上级政府性基金转移支付"),
    ("国有资本经营预算", "capital_own", "国有资本经营预算"),
    ("上级国有资本经营预算安排的转移支付", "capital_transfer", "上级国有资本经营预算转移支付"),
    ("财政专户管理资金", "special_account", "财政专户"),
    ("单位资金", "unit_funds", "单位资金"),
    ("财政拨款结转", "carry_fiscal", "财政拨款结转"),
    ("非财政拨款结转结余", "carry_nonfiscal", "非财政拨款结转结余"),
)
INCOME_GROUPS = (("一般公共预算", "gpb"), ("政府性基金预算", "fund"), ("国有资本经营预算", "capital"),
                 ("财政专户管理资金", "special_account"), ("单位资金", "unit_funds"),
                 ("财政拨款结转", "carry_fiscal"), ("非财政拨款结转结余", "carry_nonfiscal"))
FISCAL_FAMILIES = (("一般公共预算", "gpb"), ("政府性基金预算", "fund"), ("国有资本经营预算", "capital"))
THREE_PUBLIC_LINES = (("因公出国（境）费", "abroad"), ("公务用车购置费", "vehicle_purchase"),
                      ("公务用车运行维护费", "vehicle_operation"), ("公务接待费", "reception"))
FAMILY_PARTS = (("人员经费", "personnel"), ("公用经费", "public"), ("项目支出", "project"))


def part_three(inp: Inputs) -> list[Block]:
    f = inp.figures
    sections: list[Section] = [
        overall(inp), income(inp), expense(inp), fiscal(inp), gpb(inp), gpb_basic(inp),
        gpb_projects(inp),
        family(inp, f.fund, "政府性基金预算", ("政府性基金预算", "fund_own"),
               ("上级政府性基金转移支付", "fund_transfer"), FUND_CODE),
        family(inp, f.capital, "国有资本经营预算", ("国有资本经营预算", "capital_own"),
               ("上级国有资本经营预算转移支付", "capital_transfer"), CAPITAL_CODE),
        three_public(inp),
    ]
    if f.entrusted is not None:
        sections.append(entrusted(inp))
    if f.carryover is not None:
        sections.append(carryover(inp))
    sections.append(important(inp))
    blocks: list[Block] = [Heading(f"第三部分 {inp.year}年{inp.kind}预算情况说明", 1)]
    for n, (title, body) in enumerate(sections, start=1):
        blocks.append(Heading(f"{cn_number(n)}、{title}", 2))
        blocks.extend(body)
    return blocks


def line(label: str, amount: int, base: int | None, c) -> Block:
    """"基本支出638.19万元，占29.35%，比上年预算减少…，主要原因是…。" or "…未安排。"."""
    if amount == 0 and (c is None or not c.prior):
        return para(f"{label}未安排。")
    share = ("，", w.share_of(amount, base)) if base and amount else ()
    return para(f"{label}{w.wan(amount)}", share, w.compared(c), "。")


def overall(inp: Inputs) -> Section:
    f = inp.figures
    total = f.income.get("income_grand_total", 0)
    incomes = [name for name, key in INCOME_GROUPS if f.income.get(key)]
    blocks = [
        para(f"按照全口径预算的原则，{inp.entity}{inp.year}年所有收入和支出均纳入{inp.kind}预算管理。"
             f"收支总预算{w.wan(total)}。"),
        para(f"收入预算包括：{'、'.join(incomes)}。" if incomes else "本年没有收入预算。"),
    ]
    if f.expense_classes:
        blocks.append(para(f"支出预算包括：{'、'.join(i.label for i in f.expense_classes)}。"))
    return inp.about("收支预算情况的总体说明"), tuple(blocks)


def income(inp: Inputs) -> Section:
    f = inp.figures
    total = f.income.get("income_grand_total", 0)
    blocks: list[Block] = [para(f"{inp.entity}{inp.year}年收入预算{w.wan(total)}，其中：")]
    for label, key, item in INCOME_LINES:
        amount = f.income.get(key, 0)
        blocks.append(line(label, amount, total, compare(inp.prior, INCOME, item, amount)))
    return inp.about("收入预算情况说明"), tuple(blocks)


def expense(inp: Inputs) -> Section:
    e = inp.figures.expense
    total = e.get("total", 0)
    blocks: list[Block] = [para(f"{inp.entity}{inp.year}年支出预算{w.wan(total)}，其中：")]
    for item, key in (("基本支出", "basic"), ("项目支出", "project")):
        amount = e.get(key, 0)
        blocks.append(line(item, amount, total, compare(inp.prior, EXPENSE, item, amount)))
    return inp.about("支出预算情况说明"), tuple(blocks)


def fiscal(inp: Inputs) -> Section:
    f = inp.figures
    title = inp.about("财政拨款收支预算情况的总体说明")
    total = f.fiscal_income.get("income_grand_total", 0)
    if not total:
        return title, (para(f"{inp.entity}{inp.year}年没有财政拨款收支预算。"),)
    have = [(n, k) for n, k in FISCAL_FAMILIES if f.fiscal_income.get(k)]
    lack = [n for n, k in FISCAL_FAMILIES if not f.fiscal_income.get(k)]
    income_text = "、".join(f"{n}拨款{w.wan(f.fiscal_income[k])}" for n, k in have)
    lack_text = f"；无{'和'.join(n + '拨款' for n in lack)}" if lack else ""
    blocks: list[Block] = [
        para(f"{inp.entity}{inp.year}年财政拨款收支总预算{w.wan(total)}。"),
        para(f"收入预算包括：{income_text}{lack_text}。"),
    ]
    for name, key in have:
        spent = [f"{item.label}{w.wan(vals[key])}" for item, vals in f.fiscal_classes if vals.get(key)]
        blocks.append(para(f"{name}支出包括：{'、'.join(spent)}。"))
    return title, tuple(blocks)


def gpb(inp: Inputs) -> Section:
    f, prior = inp.figures, inp.prior
    total = f.gpb.get("total", 0)
    basic, project = f.gpb.get("basic", 0), f.gpb.get("project", 0)
    blocks: list[Block] = [Heading("（一）一般公共预算当年拨款规模变化情况", 3)]
    c_total = compare_sum(prior, GPB, (("基本支出", basic), ("项目支出", project)), total)
    blocks.append(para(f"{inp.entity}{inp.year}年一般公共预算拨款合计{w.wan(total)}",
                       w.compared(c_total), "，其中："))
    for item, amount in (("基本支出", basic), ("项目支出", project)):
        blocks.append(line(item, amount, None, compare(prior, GPB, item, amount)))

    blocks.append(Heading("（二）一般公共预算当年拨款结构情况", 3))
    for i, cls in enumerate(f.gpb_classes, start=1):
        blocks.append(para(f"{i}. {cls.label}（类）{w.wan(cls.amount)}，{w.share_of(cls.amount, total)}。"))
    if not f.gpb_classes:
        blocks.append(para(f.empty_notes["T_gpb"] or ""))

    blocks.append(Heading("（三）一般公共预算当年拨款具体使用情况", 3))
    items = _code_lines(inp, f.gpb_items, GPB_CODE)
    blocks.extend(items or [para(f.empty_notes["T_gpb"] or "")])
    return inp.about("一般公共预算当年拨款情况说明"), tuple(blocks)


def _code_lines(inp: Inputs, items: dict[str, Item], scope: str) -> list[Block]:
    """One line per 项: this year's, and last year's that fell to zero (from 上年预算)."""
    out: list[Block] = []
    for code in sorted(set(items) | set(inp.prior.codes(scope))):
        amount = items[code].amount if code in items else 0
        c = compare(inp.prior, scope, code, amount)
        if amount == 0 and (c is None or not c.prior):
            continue
        out.append(para(f"{len(out) + 1}. {inp.func_label(code)}：{inp.year}年预算数为{w.wan(amount)}",
                        w.compared(c), "。"))
    return out


def gpb_basic(inp: Inputs) -> Section:
    f = inp.figures
    title = inp.about("一般公共预算基本支出情况说明")
    total = f.gpb_basic.get("total", 0)
    if not total:
        return title, (para(f.empty_notes["T_gpb_basic"] or ""),)
    blocks: list[Block] = [para(f"{inp.entity}{inp.year}年一般公共预算基本支出{w.wan(total)}，其中：")]
    for label, key, names in (("人员经费", "personnel", f.personnel_econ),
                              ("公用经费", "public", f.public_econ)):
        amount = f.gpb_basic.get(key, 0)
        if amount:
            blocks.append(para(f"{label}{w.wan(amount)}，{w.share_of(amount, total)}，"
                               f"主要包括：{'、'.join(names)}。"))
        else:
            blocks.append(para(f"{label}未安排。"))
    return title, tuple(blocks)


def gpb_projects(inp: Inputs) -> Section:
    f = inp.figures
    title = inp.about("一般公共预算项目支出情况说明")
    if not f.gpb_projects:
        return title, (para(f.empty_notes["T_gpb_project"] or ""),)
    blocks: list[Block] = []
    for i, p in enumerate(f.gpb_projects, start=1):
        info = inp.projects.find(p.unit, p.name)
        blocks.append(Heading(f"（{cn_number(i)}）项目名称：{p.name}", 3))
        blocks.append(para("设立的政策依据：", _project_text(inp, p, info, "政策依据")))
        blocks.append(para(f"预算安排规模：{w.wan(p.amount)}"))
        implementer = info.implementer if info is not None and info.implementer else ""
        blocks.append(para("项目承担单位：", Quote(implementer) if implementer else
                           (info.unit if info is not None and info.unit else p.unit or inp.entity)))
        blocks.append(para("资金分配情况：", _project_text(inp, p, info, "资金分配情况")))
        period = info.period if info is not None else ""
        blocks.append(para("资金执行时间：", Quote(period) if period else
                           f"{inp.year}年1月1日至{inp.year}年12月31日"))
        for note in _notes(info.note if info is not None else ""):
            blocks.append(para(Quote(note)))
    return title, tuple(blocks)


_PROJECT_FIELDS = {"政策依据": "policy", "资金分配情况": "allocation"}


def _project_text(inp: Inputs, p: Project, info: ProjectInfo | None, column: str) -> Part:
    text = getattr(info, _PROJECT_FIELDS[column]) if info is not None else ""
    if text:
        return Quote(text)
    texts = inp.projects
    if not texts.sheet_present:
        finding = texts.missing_sheet
    elif info is None or info.row is None:
        finding = checks.text_missing(
            checks.PROJECT_SHEET, None, f"项目“{p.name}”的{column}",
            f"项目信息表没有这个项目的行。请新增一行（项目名称填“{p.name}”）并填写{column}。")
    else:
        finding = checks.text_missing(checks.PROJECT_SHEET, texts.cell(info, column),
                                      f"项目“{info.name}”的{column}", f"请在项目信息表填写{column}。")
    return Placeholder(f"【请在项目信息表填写{column}】", finding)


def _notes(text: str) -> list[str]:
    """其他说明, one statement a line ("资金来源：本级财政配套")."""
    out = []
    for piece in text.replace(";", "；").replace("\n", "；").split("；"):
        piece = piece.strip()
        if piece:
            key, sep, value = piece.partition(":")
            out.append(f"{key.strip()}：{value.strip()}" if sep else piece)
    return out


def family(inp: Inputs, fam: Family, label: str, own: tuple[str, str], transfer: tuple[str, str],
           code_scope: str) -> Section:
    """八 政府性基金 / 九 国有资本经营: the total, its make-up and every 项, compared."""
    f = inp.figures
    title = inp.about(f"{label}拨款情况说明")
    total = fam.total.get("total", 0)
    parts = tuple((item, f.income.get(key, 0)) for item, key in (own, transfer))
    c_total = compare_sum(inp.prior, INCOME, parts, total)
    items = _code_lines(inp, dict(fam.items), code_scope)
    if not total and not items:
        return title, (para(f.empty_notes[fam.key] or ""),)
    blocks: list[Block] = [para(f"{inp.entity}{inp.year}年{label}支出{w.wan(total)}",
                                w.compared(c_total), "。")]
    made_of = [f"{name}{w.wan(fam.total[key])}" for name, key in FAMILY_PARTS if fam.total.get(key)]
    if made_of:
        blocks.append(para(f"其中：{'，'.join(made_of)}。"))
    blocks.extend(items)
    return title, tuple(blocks)


def three_public(inp: Inputs) -> Section:
    t = inp.figures.three_public
    title = inp.about("财政拨款“三公”经费预算情况说明")
    total = t.get("total", 0)
    if total:
        items = "，".join(f"{label}{w.wan(t[key])}" if t.get(key) else f"{label}未安排"
                          for label, key in THREE_PUBLIC_LINES)
        blocks: list[Block] = [para(f"{inp.entity}{inp.year}年财政拨款“三公”经费预算数为{w.wan(total)}，"
                                    f"其中：{items}。")]
    else:
        blocks = [para(f"{inp.entity}{inp.year}年未安排财政拨款“三公”经费预算。")]
    parts = tuple((label, t.get(key, 0)) for label, key in THREE_PUBLIC_LINES)
    c_total = compare_sum(inp.prior, THREE_PUBLIC, parts, total)
    if c_total is None or (not total and c_total.prior == 0):
        return title, tuple(blocks)
    clauses: list[Part | tuple] = []
    for label, amount in parts:
        c = compare(inp.prior, THREE_PUBLIC, label, amount)
        if clauses:
            clauses.append("；")
        if amount == 0 and c.prior == 0:
            clauses.append(f"{label}本年和上年均未安排")
        else:
            clauses.append((f"{label}{w.wan(amount)}", w.compared(c)))
    blocks.append(para(f"{inp.year}年财政拨款“三公”经费预算{w.wan(total)}", w.compared(c_total),
                       "，其中：", tuple(clauses), "。"))
    return title, tuple(blocks)


def entrusted(inp: Inputs) -> Section:
    f = inp.figures
    title = inp.about("财政拨款委托业务费支出情况说明")
    if not f.entrusted:
        return title, (para(f.empty_notes["T_entrusted"] or ""),)
    blocks: list[Block] = [para(f"{inp.entity}{inp.year}年财政拨款委托业务费预算{w.wan(f.entrusted_total)}，其中：")]
    many = len({p.unit for p in f.entrusted}) > 1
    for i, p in enumerate(f.entrusted, start=1):
        where = f"{p.unit}：" if many and p.unit else ""
        blocks.append(para(f"{i}. {where}{p.name}，金额{w.wan(p.amount)}。"))
    return title, tuple(blocks)


def carryover(inp: Inputs) -> Section:
    f = inp.figures
    co = f.carryover
    title = inp.about("上年结转结余预算情况说明")
    total = co.total.get("total", 0)
    if not total:
        return title, (para(f.empty_notes["T_carryover"] or ""),)
    fiscal_ = co.total.get("fiscal_total", 0)
    other = co.total.get("nonfiscal_total", 0)
    made_of = "，".join((f"财政拨款结转{w.wan(fiscal_)}" if fiscal_ else "无财政拨款结转",
                        f"非财政拨款结转结余{w.wan(other)}" if other else "无非财政拨款结转结余"))
    blocks: list[Block] = [para(f"{inp.entity}{inp.year}年上年结转结余{w.wan(total)}，包括：{made_of}，其中：")]
    many_units = sum(isinstance(r, Item) for r in co.rows) > 1
    n = 0
    for r in co.rows:
        if isinstance(r, Item):
            if many_units:
                blocks.append(para(f"{r.label}{w.wan(r.amount)}："))
            continue
        n += 1
        # A 项目信息 row that covers this year's money as well describes this year's project,
        # not what the carryover is for.
        info = inp.projects.find(r.unit, r.name, alone=True)
        use = w.purpose(info.allocation) if info is not None else ""
        blocks.append(para(f"{n}. {r.name}，金额{w.wan(r.amount)}",
                           ("，主要用于：", Quote(use)) if use else (), "。"))
    return title, tuple(blocks)

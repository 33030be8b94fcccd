"""Every standard table, defined as data (tables.md), and the 表样 that choose among them."""

from __future__ import annotations

from dataclasses import dataclass

from .. import sources as S
from .rows import ClassList, CodeTree, FixedRow, FixedRows, ProjectList, ProjectTree
from .select import ANY, Column, Select

PERSONNEL = Select(types=frozenset({"人员经费"}))
PUBLIC = Select(types=frozenset({"公用经费"}))
BASIC = Select(types=S.BASIC_TYPES)
PROJECT = Select(types=frozenset({"项目支出"}))


def src(*names: str) -> Select:
    return Select(sources=frozenset(names))


def group(names: frozenset[str]) -> Select:
    return Select(sources=names)


# The 30 功能分类 类 every 表1/表4 prints, empty ones too (all four reference documents).
EXPENSE_CLASSES = (
    "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212",
    "213", "214", "215", "216", "217", "219", "220", "221", "222", "223", "224", "227",
    "229", "230", "231", "232", "233", "234",
)

THREE_PUBLIC_CODES = ("30212", "30217", "30231", "31013")
ENTRUSTED_CODE = "30227"

UNIT_SOURCES = frozenset(s.name for s in S.SOURCES if s.family == "unit")
CURRENT = S.ALL - S.CARRYOVER


@dataclass(frozen=True)
class Section:
    name: str  # rows | income_rows | expense_rows
    select: Select  # the lines this section adds up
    rows: object  # a row scheme from rows.py
    columns: tuple[Column, ...]
    single: bool = False  # one value per row, printed as "amount"


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str  # {kind} stands for 部门/单位
    sections: tuple[Section, ...]
    empty_subject: str  # completes "…年没有使用<subject>安排的支出"


TOTAL_BASIC_PROJECT = (Column("total", "合计"), Column("basic", "基本支出", BASIC),
                       Column("project", "项目支出", PROJECT))
TOTAL_PERSONNEL_PUBLIC_PROJECT = (
    Column("total", "合计"), Column("personnel", "人员经费", PERSONNEL),
    Column("public", "公用经费", PUBLIC), Column("project", "项目支出", PROJECT))
TOTAL_BY_FISCAL_FAMILY = (
    Column("total", "合计"), Column("gpb", "一般公共预算", group(S.GPB)),
    Column("fund", "政府性基金预算", group(S.FUND)),
    Column("capital", "国有资本经营预算", group(S.CAPITAL)))


def income_columns(twelve: bool) -> tuple[Column, ...]:
    capital = ("国有资本经营预算",) if twelve else ("国有资本经营预算", "上级国有资本经营预算转移支付")
    cols = [
        Column("total", "合计"),
        Column("fiscal_subtotal", "本年财政拨款小计", group(S.CURRENT_FISCAL)),
        Column("gpb", "一般公共预算", src("一般公共预算")),
        Column("gpb_transfer", "上级一般公共预算安排的转移支付", src("上级一般公共预算转移支付")),
        Column("fund", "政府性基金预算", src("政府性基金预算")),
        Column("fund_transfer", "上级政府性基金安排的转移支付", src("上级政府性基金转移支付")),
        Column("capital", "国有资本经营预算", src(*capital)),
    ]
    if twelve:
        cols.append(Column("capital_transfer", "上级国有资本经营预算安排的转移支付",
                           src("上级国有资本经营预算转移支付")))
    cols += [
        Column("special_account", "财政专户", src("财政专户")),
        Column("unit_funds", "单位资金", group(UNIT_SOURCES)),
        Column("carry_fiscal", "财政拨款结转", group(S.CARRY_FISCAL)),
        Column("carry_nonfiscal", "非财政拨款结转结余", group(S.CARRY_NONFISCAL)),
    ]
    return tuple(cols)


def _income_rows_t1() -> FixedRows:
    r = FixedRow
    return FixedRows((
        r("current_total", "一、本年收入", group(CURRENT)),
        r("gpb", "1.一般公共预算拨款", group(S.GPB)),
        r("gpb_own", "其中：一般财力", src("一般公共预算")),
        r("gpb_transfer", "上级一般公共预算安排转移支付", src("上级一般公共预算转移支付")),
        r("fund", "2.基金预算拨款", group(S.FUND)),
        r("fund_own", "其中：政府性基金收入", src("政府性基金预算")),
        r("fund_transfer", "上级政府性基金安排转移支付", src("上级政府性基金转移支付")),
        r("capital", "3.国有资本经营预算拨款", group(S.CAPITAL)),
        r("capital_own", "其中：国有资本经营收入", src("国有资本经营预算")),
        r("capital_transfer", "上级国有资本经营预算安排转移支付", src("上级国有资本经营预算转移支付")),
        r("special_account", "4.财政专户核拨", src("财政专户")),
        r("unit_funds", "5.单位资金", group(UNIT_SOURCES)),
        r("unit_business", "其中：事业收入", src("事业收入")),
        r("unit_superior", "上级补助收入", src("上级补助收入")),
        r("unit_affiliated", "附属单位上缴收入", src("附属单位上缴收入")),
        r("unit_operating", "事业单位经营收入", src("事业单位经营收入")),
        r("unit_other", "其他收入", src("其他收入")),
        r("carry_total", "二、上年结转结余", group(S.CARRYOVER)),
        r("carry_fiscal", "1.财政拨款结转", group(S.CARRY_FISCAL)),
        r("carry_fiscal_gpb", "其中：一般公共预算拨款", src("上年结转-一般公共预算")),
        r("carry_fiscal_fund", "基金预算拨款", src("上年结转-政府性基金")),
        r("carry_fiscal_capital", "国有资本经营预算拨款", src("上年结转-国有资本经营")),
        r("carry_nonfiscal", "2.非财政拨款结转结余", group(S.CARRY_NONFISCAL)),
        r("carry_special_account", "其中：财政专户核拨", src("上年结转-财政专户")),
        r("carry_unit_funds", "单位资金", src("上年结转-单位资金")),
        r("income_grand_total", "收入总计", ANY),
    ))


def _income_rows_t4() -> FixedRows:
    r = FixedRow
    return FixedRows((
        r("fiscal_total", "一、财政拨款（补助）", group(S.CURRENT_FISCAL)),
        r("gpb", "一般公共预算", group(S.GPB)),
        r("fund", "政府性基金预算", group(S.FUND)),
        r("capital", "国有资本经营预算", group(S.CAPITAL)),
        r("income_grand_total", "收入总计", group(S.CURRENT_FISCAL)),
    ))


def _three_public_rows() -> FixedRows:
    r = FixedRow
    return FixedRows((
        r("total", "合计", Select(econ=THREE_PUBLIC_CODES)),
        r("abroad", "因公出国（境）费", Select(econ=("30212",))),
        r("reception", "公务接待费", Select(econ=("30217",))),
        r("vehicle", "公务用车购置及运行维护费（小计）", Select(econ=("31013", "30231"))),
        r("vehicle_purchase", "其中：公务用车购置费", Select(econ=("31013",))),
        r("vehicle_operation", "公务用车运行维护费", Select(econ=("30231",))),
    ))


AMOUNT = (Column("amount", "预算数"),)
ECON_CLASS_COLUMNS = (Column("total", "合计"),) + tuple(
    Column(f"e{c}", label, Select(econ=(c,))) for c, label in (
        ("301", "工资福利支出"), ("302", "商品和服务支出"), ("303", "对个人和家庭的补助"),
        ("307", "债务利息及费用支出"), ("309", "资本性支出（基本建设）"), ("310", "资本性支出"),
        ("311", "对企业补助（基本建设）"), ("312", "对企业补助"), ("313", "对社会保障基金补助"),
        ("399", "其他支出")))
CARRYOVER_COLUMNS = (
    Column("total", "合计"),
    Column("fiscal_total", "财政拨款结转小计", group(S.CARRY_FISCAL)),
    Column("fiscal_personnel", "财政拨款结转·人员经费", group(S.CARRY_FISCAL) & PERSONNEL),
    Column("fiscal_public", "财政拨款结转·公用经费", group(S.CARRY_FISCAL) & PUBLIC),
    Column("fiscal_project", "财政拨款结转·项目支出", group(S.CARRY_FISCAL) & PROJECT),
    Column("nonfiscal_total", "非财政拨款结转结余小计", group(S.CARRY_NONFISCAL)),
    Column("nonfiscal_personnel", "非财政拨款结转结余·人员经费", group(S.CARRY_NONFISCAL) & PERSONNEL),
    Column("nonfiscal_public", "非财政拨款结转结余·公用经费", group(S.CARRY_NONFISCAL) & PUBLIC),
    Column("nonfiscal_project", "非财政拨款结转结余·项目支出", group(S.CARRY_NONFISCAL) & PROJECT),
)


def table_specs(twelve_income_columns: bool, carryover_title: str) -> dict[str, TableSpec]:
    func_tree = CodeTree("func")
    gpb = group(S.GPB)
    return {
        "T_income_expense": TableSpec("T_income_expense", "{kind}收支总体情况表", (
            Section("income_rows", ANY, _income_rows_t1(), AMOUNT, single=True),
            Section("expense_rows", ANY, ClassList(EXPENSE_CLASSES), AMOUNT, single=True),
        ), "预算资金"),
        "T_income": TableSpec("T_income", "{kind}收入总体情况表", (
            Section("rows", ANY, func_tree, income_columns(twelve_income_columns)),), "预算资金"),
        "T_expense": TableSpec("T_expense", "{kind}支出总体情况表", (
            Section("rows", ANY, func_tree, TOTAL_BASIC_PROJECT),), "预算资金"),
        "T_fiscal": TableSpec("T_fiscal", "财政拨款收支预算总体情况表", (
            Section("income_rows", group(S.CURRENT_FISCAL), _income_rows_t4(), AMOUNT, single=True),
            Section("expense_rows", group(S.CURRENT_FISCAL), ClassList(EXPENSE_CLASSES),
                    TOTAL_BY_FISCAL_FAMILY),
        ), "财政拨款"),
        "T_gpb": TableSpec("T_gpb", "一般公共预算支出情况表", (
            Section("rows", gpb, func_tree, TOTAL_BASIC_PROJECT),), "一般公共预算拨款"),
        "T_gpb_basic": TableSpec("T_gpb_basic", "一般公共预算基本支出情况表", (
            Section("rows", gpb & BASIC, CodeTree("econ"),
                    (Column("total", "合计"), Column("personnel", "人员经费", PERSONNEL),
                     Column("public", "公用经费", PUBLIC))),), "一般公共预算拨款基本支出"),
        "T_gpb_project": TableSpec("T_gpb_project", "一般公共预算项目支出情况表", (
            Section("rows", gpb & PROJECT, ProjectTree(), ECON_CLASS_COLUMNS),),
            "一般公共预算拨款项目支出"),
        "T_gov_fund": TableSpec("T_gov_fund", "政府性基金预算支出情况表", (
            Section("rows", group(S.FUND), func_tree, TOTAL_PERSONNEL_PUBLIC_PROJECT),),
            "政府性基金预算拨款"),
        "T_state_capital": TableSpec("T_state_capital", "国有资本经营预算支出情况表", (
            Section("rows", group(S.CAPITAL), func_tree, TOTAL_PERSONNEL_PUBLIC_PROJECT),),
            "国有资本经营预算拨款"),
        "T_three_public": TableSpec("T_three_public", "财政拨款“三公”经费支出情况表", (
            Section("rows", group(S.CURRENT_FISCAL), _three_public_rows(), TOTAL_BY_FISCAL_FAMILY),),
            "财政拨款“三公”经费"),
        "T_entrusted": TableSpec("T_entrusted", "财政拨款委托业务费支出情况表", (
            Section("rows", group(S.CURRENT_FISCAL) & Select(econ=(ENTRUSTED_CODE,)),
                    ProjectList(), TOTAL_BY_FISCAL_FAMILY),), "财政拨款委托业务费"),
        "T_carryover": TableSpec("T_carryover", carryover_title, (
            Section("rows", group(S.CARRYOVER), ProjectList(), CARRYOVER_COLUMNS),),
            "上年结转结余资金"),
    }

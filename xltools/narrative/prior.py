"""Last year's figures (上年预算) as immutable data, and this year's figures compared with them.

Two places can give last year's figures:
- the master's sheet 上年预算 (口径 | 科目 | 上年预算数 | 变动原因), typed by the accountant;
- last year's master (``--prior``): ``from_master`` computes the same comparisons from its
  tables, exactly as this year's are computed.  The reasons still come from 上年预算
  (``merge``), because only the accountant knows why a figure moved.

Amounts are integers of 百元 (0.01 万元, the unit the narrative prints).  A row the sheet
lacks is "unknown" when this year's figure is not zero (the narrative shows a placeholder
and warns) and zero when this year's figure is zero too: master-workbook.md asks for every
row that had money last year, codes that fell to zero included.  Figures computed from a
master are complete: what its tables do not show was zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping

from .. import dictionaries
from ..codes import parse_code, to_halfwidth
from ..findings import Finding, error, warning
from ..model import Master
from ..money import AmountError, FEN_PER_BAIYUAN, format_wan, half_up_div, parse_amount, to_fen
from ..reader.headers import find_columns, normalise
from ..reader.workbook import cell_ref
from ..sources import resolve
from ..tables import build_tables
from .figures import running_cost, tree_items
from .matters import read_matters

PRIOR_SHEET = "上年预算"

INCOME = "收入"
EXPENSE = "支出"
GPB = "一般公共预算"
GPB_CODE = "一般公共预算科目"
FUND_CODE = "政府性基金科目"
CAPITAL_CODE = "国有资本经营科目"
THREE_PUBLIC = "三公经费"
RUNNING = "机关运行经费"
RUNNING_TOTAL = "合计"

INCOME_ITEMS = ("一般公共预算", "上级一般公共预算转移支付", "政府性基金预算", "上级政府性基金转移支付",
                "国有资本经营预算", "上级国有资本经营预算转移支付", "财政专户", "单位资金", "财政拨款结转",
                "非财政拨款结转结余")
EXPENSE_ITEMS = ("基本支出", "项目支出")
THREE_PUBLIC_ITEMS = ("因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费")
CODE_SCOPES = (GPB_CODE, FUND_CODE, CAPITAL_CODE)
ITEMS: dict[str, tuple[str, ...]] = {
    INCOME: INCOME_ITEMS, EXPENSE: EXPENSE_ITEMS, GPB: EXPENSE_ITEMS,
    THREE_PUBLIC: THREE_PUBLIC_ITEMS, RUNNING: (RUNNING_TOTAL,),
}

COLUMNS: dict[str, tuple[str, ...]] = {
    "口径": ("类别", "比较口径"),
    "科目": ("科目编码", "科目名称", "项目"),
    "上年预算数": ("上年数", "上年预算", "上年金额", "上年预算数（元）", "上年预算数（万元）"),
    "变动原因": ("原因", "增减原因", "变动原因说明", "主要原因"),
}
REQUIRED = ("口径", "科目", "上年预算数", "变动原因")

_SCOPE_ALIASES = {
    "收入预算": INCOME, "支出预算": EXPENSE, "一般公共预算支出": GPB, "一般公共预算拨款": GPB,
    "一般公共预算功能科目": GPB_CODE, "政府性基金预算科目": FUND_CODE,
    "国有资本经营预算科目": CAPITAL_CODE, "三公": THREE_PUBLIC, "“三公”经费": THREE_PUBLIC,
    "\"三公\"经费": THREE_PUBLIC, "机关运行经费合计": RUNNING, "收入科目": INCOME,
}
_ITEM_ALIASES = {
    "财政拨款结转结余": "财政拨款结转", "非财政拨款结转": "非财政拨款结转结余",
    "因公出国（境）费用": "因公出国（境）费", "因公出国费": "因公出国（境）费",
    "公务用车购置": "公务用车购置费", "公务用车运行费": "公务用车运行维护费",
    "公务用车运行维护": "公务用车运行维护费", "公务接待": "公务接待费",
}


@dataclass(frozen=True, slots=True)
class PriorEntry:
    scope: str  # 口径
    item: str  # 科目: an item of ITEMS[scope], or a 7-digit code
    amount: int | None  # 百元; None: the cell is blank
    reason: str
    row: int | None  # worksheet row (1-based) of 上年预算; None: computed from last year's master
    amount_cell: str | None = None
    reason_cell: str | None = None


@dataclass(frozen=True)
class PriorData:
    entries: Mapping[tuple[str, str], PriorEntry]
    source: str  # sheet | master | none
    sheet_present: bool  # the master has a 上年预算 sheet (where reasons belong)

    @property
    def complete(self) -> bool:
        # A master's tables show every figure that was not zero.
        return self.source == "master"

    def get(self, scope: str, item: str) -> PriorEntry | None:
        return self.entries.get((scope, item))

    def codes(self, scope: str) -> tuple[str, ...]:
        return tuple(sorted(i for s, i in self.entries if s == scope))


NO_PRIOR = PriorData(MappingProxyType({}), "none", False)


@dataclass(frozen=True, slots=True)
class Comparison:
    """This year's figure against last year's, with where the reason is (or belongs)."""

    scope: str
    item: str
    current: int  # 百元
    prior: int | None  # None: unknown
    reason: str
    place: tuple[str | None, str | None]  # (sheet, cell) of the reason, for the finding
    row: int | None  # 上年预算 row of the reason, None when the sheet has none
    amount_cell: str | None = None  # 上年预算 cell of last year's figure, when there is a row
    derived: bool = False  # a sum of other rows: has no reason of its own

    @property
    def change(self) -> int | None:
        return None if self.prior is None else self.current - self.prior

    @property
    def pct(self) -> Decimal | None:
        """change ÷ last year, in percent, half-up to 0.01; None when last year was zero."""
        if not self.prior:
            return None
        return Decimal(half_up_div(self.change * 10_000, self.prior)).scaleb(-2)

    @property
    def needs_reason(self) -> bool:
        """A change of 10% or more, or money from nothing, must be explained."""
        if self.derived or self.prior is None or self.change == 0:
            return False
        return self.prior == 0 or abs(self.change) * 10 >= self.prior


def compare(prior: PriorData, scope: str, item: str, current: int) -> Comparison | None:
    """None when there is nothing to compare with at all (no 上年预算, no --prior)."""
    if prior.source == "none":
        return None
    entry = prior.get(scope, item)
    amount = entry.amount if entry is not None else None
    if amount is None and (current == 0 or prior.complete):
        amount = 0
    if entry is None:
        return Comparison(scope, item, current, amount, "", (PRIOR_SHEET, None), None)
    place = (PRIOR_SHEET, entry.reason_cell if entry.row is not None else None)
    return Comparison(scope, item, current, amount, entry.reason, place, entry.row, entry.amount_cell)


def compare_sum(prior: PriorData, scope: str, parts: tuple[tuple[str, int], ...], current: int
                ) -> Comparison | None:
    """A total whose last-year figure is the sum of rows (三公 合计, 政府性基金 total).

    ``parts`` are (科目, this year's figure): a row the sheet lacks counts as zero only when
    this year's part is zero too, as in ``compare``."""
    if prior.source == "none":
        return None
    known = [compare(prior, scope, item, amount).prior for item, amount in parts]
    total = None if any(v is None for v in known) else sum(known)
    return Comparison(scope, "合计", current, total, "", (PRIOR_SHEET, None), None, None, True)


# -- reading the sheet --------------------------------------------------------------------

def _scope(text: str) -> str | None:
    key = normalise(to_halfwidth(text)).replace("(", "（").replace(")", "）")
    if key in ITEMS or key in CODE_SCOPES:
        return key
    return _SCOPE_ALIASES.get(key)


def _item(scope: str, value: object, names: Mapping[str, str]) -> str | None:
    if scope in CODE_SCOPES:
        parsed = parse_code(value)
        if parsed is None or len(parsed.code) != 7 or parsed.code not in names:
            return None
        return parsed.code
    text = normalise(to_halfwidth(str(value or ""))).replace("(", "（").replace(")", "）")
    allowed = ITEMS[scope]
    if text in allowed:
        return text
    text = _ITEM_ALIASES.get(text, text)
    if text in allowed:
        return text
    source = resolve(text)
    if source is not None and source.name in allowed:
        return source.name
    if scope == INCOME and text in ("单位资金", "其他资金"):
        return "单位资金"
    return None


def to_baiyuan(value: object, unit: str) -> int:
    """An amount cell in the master's unit → 百元, half-up.  Raises AmountError."""
    amount, _ = parse_amount(value)
    if amount < 0:
        raise AmountError(f"{amount} 为负数")
    fen, _ = to_fen(amount, unit)
    return half_up_div(fen, FEN_PER_BAIYUAN)


def read_prior(master: Master) -> tuple[PriorData, list[Finding]]:
    """The master's 上年预算 sheet; NO_PRIOR when it has none."""
    rows = _sheet(master, PRIOR_SHEET)
    if rows is None:
        return NO_PRIOR, []
    findings: list[Finding] = []
    cols = find_columns(PRIOR_SHEET, rows[0] if rows else [], COLUMNS, REQUIRED, findings.append)
    if cols is None:
        return PriorData(MappingProxyType({}), "sheet", True), findings
    names = dict(dictionaries.func_names(master.info.year - 1))
    names.update(master.func_names)
    entries: dict[tuple[str, str], PriorEntry] = {}
    for r in range(1, len(rows)):
        row = rows[r]

        def get(name: str):
            c = cols[name]
            return row[c] if c < len(row) else None

        def ref(name: str) -> str:
            return cell_ref(r, cols[name])

        if all(_blank(get(c)) for c in COLUMNS):
            continue
        scope = _scope(str(get("口径") or ""))
        if scope is None:
            findings.append(error(
                "prior-row-unknown", PRIOR_SHEET, ref("口径"),
                f"口径“{get('口径') or ''}”无效。口径只能是 收入、支出、一般公共预算、一般公共预算科目、"
                "政府性基金科目、国有资本经营科目、三公经费 或 机关运行经费。", actual=get("口径")))
            continue
        item = _item(scope, get("科目"), names)
        if item is None:
            findings.append(error("prior-row-unknown", PRIOR_SHEET, ref("科目"),
                                  _unknown_item(scope, get("科目")), actual=get("科目")))
            continue
        if (scope, item) in entries:
            findings.append(error(
                "prior-row-duplicate", PRIOR_SHEET, ref("科目"),
                f"口径“{scope}”、科目“{item}”在第 {entries[(scope, item)].row} 行已经有一行。"
                "每个科目只能填一行，请合并或删除重复的行。", actual=item))
            continue
        amount = None
        raw = get("上年预算数")
        if not _blank(raw):
            try:
                amount = to_baiyuan(raw, master.info.unit)
            except AmountError as exc:
                findings.append(error(
                    "prior-amount-bad", PRIOR_SHEET, ref("上年预算数"),
                    f"上年预算数{exc}。请填写上年预算的数字（{master.info.unit}），不要带单位或文字。",
                    actual=raw))
                continue
        entries[(scope, item)] = PriorEntry(scope, item, amount, _reason(get("变动原因")), r + 1,
                                            ref("上年预算数"), ref("变动原因"))
    return PriorData(MappingProxyType(entries), "sheet", True), findings


def _unknown_item(scope: str, value: object) -> str:
    if scope in CODE_SCOPES:
        return (f"科目“{value or ''}”不是已知的项级（7 位）功能分类科目编码。口径“{scope}”的科目请填写"
                "如 2080101 的编码。")
    return f"口径“{scope}”下没有科目“{value or ''}”。可填：{'、'.join(ITEMS[scope])}。"


def _sheet(master: Master, name: str) -> list[list[object]] | None:
    for actual, rows in master.sheets.items():
        if normalise(actual) == normalise(name):
            return rows
    return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _reason(value: object) -> str:
    if _blank(value):
        return ""
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return text


# -- last year's master ---------------------------------------------------------------------

def figures_from_tables(ts, running_cost: int) -> dict[tuple[str, str], int]:
    """Every figure the 上年预算 sheet would hold, read from a TableSet (百元)."""
    t1 = {row.fixed_key: vals.get("amount", 0)
          for row, vals in ts.tables["T_income_expense"].section("income_rows").rows}
    income_keys = ("gpb_own", "gpb_transfer", "fund_own", "fund_transfer", "capital_own",
                   "capital_transfer", "special_account", "unit_funds", "carry_fiscal",
                   "carry_nonfiscal")
    out: dict[tuple[str, str], int] = {}
    for item, key in zip(INCOME_ITEMS, income_keys):
        out[(INCOME, item)] = t1.get(key, 0)
    for scope, table in ((EXPENSE, "T_expense"), (GPB, "T_gpb")):
        total = next(v for r, v in ts.tables[table].section("rows").rows if r.kind == "total")
        out[(scope, "基本支出")] = total.get("basic", 0)
        out[(scope, "项目支出")] = total.get("project", 0)
    for scope, table in ((GPB_CODE, "T_gpb"), (FUND_CODE, "T_gov_fund"), (CAPITAL_CODE, "T_state_capital")):
        for code, amount in tree_items(ts.tables[table]).items():
            out[(scope, code)] = amount
    t10 = {row.fixed_key: vals.get("total", 0)
           for row, vals in ts.tables["T_three_public"].section("rows").rows}
    for item, key in zip(THREE_PUBLIC_ITEMS, ("abroad", "vehicle_purchase", "vehicle_operation",
                                              "reception")):
        out[(THREE_PUBLIC, item)] = t10.get(key, 0)
    out[(RUNNING, RUNNING_TOTAL)] = running_cost
    return out


def from_master(prior_master: Master, year: int) -> tuple[PriorData, list[Finding]]:
    """Last year's figures computed from last year's master (``--prior``).

    ``year`` is this year's 预算年度: a master of another year is used but reported.
    """
    name = prior_master.path
    bad = [f for f in prior_master.findings if f.severity.value == "error"]
    if prior_master.info is None or bad:
        first = f"第一个错误：{bad[0]}" if bad else "基本信息无法读取。"
        return NO_PRIOR, [error(
            "prior-master-invalid", None, None,
            f"上年底稿“{name}”有 {len(bad)} 个错误，不能用来计算上年数；情况说明改用本年底稿的"
            f"“上年预算”表。{first}", actual=len(bad))]
    findings: list[Finding] = []
    if prior_master.info.year != year - 1:
        findings.append(warning(
            "prior-year-mismatch", None, None,
            f"上年底稿“{name}”的预算年度是 {prior_master.info.year} 年，不是 {year - 1} 年。"
            "请确认 --prior 指定的是上一年的底稿。", expected=year - 1, actual=prior_master.info.year))
    ts = build_tables(prior_master)
    matters, _ = read_matters(prior_master)
    amounts = figures_from_tables(ts, running_cost(ts, matters))
    entries = {key: PriorEntry(key[0], key[1], amount, "", None)
               for key, amount in amounts.items() if amount}
    return PriorData(MappingProxyType(entries), "master", False), findings


def merge(sheet: PriorData, computed: PriorData) -> tuple[PriorData, list[Finding]]:
    """Amounts from last year's master, reasons (and their cells) from this year's sheet."""
    findings: list[Finding] = []
    entries: dict[tuple[str, str], PriorEntry] = {}
    for key, entry in computed.entries.items():
        entries[key] = entry
    for key, entry in sheet.entries.items():
        amount = computed.entries[key].amount if key in computed.entries else 0
        if entry.amount is not None and entry.amount != amount:
            findings.append(warning(
                "prior-amount-differs", PRIOR_SHEET, entry.amount_cell,
                f"口径“{key[0]}”、科目“{key[1]}”的上年预算数 {_wan(entry.amount)} 万元与上年底稿计算的 "
                f"{_wan(amount)} 万元不同，情况说明按上年底稿。请核对后修改或清空这个单元格。",
                expected=_wan(amount), actual=_wan(entry.amount)))
        entries[key] = PriorEntry(entry.scope, entry.item, amount, entry.reason, entry.row,
                                  entry.amount_cell, entry.reason_cell)
    return PriorData(MappingProxyType(entries), "master", sheet.sheet_present), findings


def _wan(value: int) -> str:
    return format_wan(value)

"""情况说明: every figure in the generated .docx against the tables, the wording, 上年预算, --prior.

The acceptance test writes the .docx of each fixture, reads it back with python-docx and takes
every number out of the paragraphs with regular expressions:
- amounts "1,234.56万元" must equal a figure of the tables JSON (``tables_dict``), or one of the
  derived figures listed in ``derived_amounts`` (each says where it comes from);
- shares "占12.34%" must equal the amount before them ÷ the section's base, half-up to 0.01;
- changes "比上年预算增加12.34万元，增长5.67%" must recompute from the amount before them: last
  year = amount ∓ change, and the percentage = change ÷ last year; last year must be a figure of
  the master's 上年预算 sheet (or a documented sum of its rows); "（上年未安排）" means last year 0.
Runs in the character style 底稿文字 are the accountant's own text (reasons, policy texts); their
numbers are not the tool's and are left out, as the style marks them.
"""

from __future__ import annotations

import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from conftest import BASE_INFO
from xltools.findings import Severity
from xltools.narrative import build
from xltools.narrative.document import Placeholder, Quote
from xltools.narrative.prior import Comparison
from xltools.narrative import wording
from xltools.reader import read_master
from xltools.tables import build_tables
from xltools import performance
from xltools.writers.narrative_docx import PLACEHOLDER_STYLE, QUOTE_STYLE
from xltools.writers.publication_docx import publication_output_name, write_publication_docx
from xltools.writers.tables_json import tables_dict

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "master.xlsx").exists())
CENT = Decimal("0.01")
WARNING, ERROR = Severity.WARNING, Severity.ERROR

AMT = r"\d{1,3}(?:,\d{3})*\.\d{2}"
PCT = r"\d+\.\d{2}"
TOKENS = re.compile(
    rf"(?P<change>比上年预算(?P<dir>增加|减少)(?P<c>{AMT})万元"
    rf"(?:，(?P<pdir>增长|下降)(?P<p>{PCT})%|(?P<new>（上年未安排）))?)"
    rf"|(?P<share>占(?P<s>{PCT})%)"
    rf"|(?P<amount>(?P<a>{AMT})万元)")
# Any number followed by 万元 or %, however written: nothing of the kind may escape TOKENS.
LOOSE = re.compile(r"[\d,]+(?:\.\d+)?\s*(?:万元(?!以上)|%)")  # "50万元以上设备" is a size, not money


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# -- reading the fixture independently of the code under test -----------------------------

def sheet_rows(path: Path, name: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return [tuple(r) for r in wb[name].iter_rows(values_only=True)] if name in wb.sheetnames else []
    finally:
        wb.close()


def money(value) -> Decimal:
    """A 万元 cell of the fixtures (every fixture master is in 万元)."""
    return half_up(Decimal(str(value)))


def prior_values(path: Path) -> set[Decimal]:
    """Every last-year figure the narrative may compare with: a 上年预算 amount, or the sums the
    narrative forms of them (一般公共预算 基本 + 项目; the four 三公 items; 政府性基金 and 国有资本经营
    收入 rows), and zero (a row the sheet does not list for a figure that is zero this year)."""
    rows = sheet_rows(path, "上年预算")[1:]
    by_key = {(r[0], str(r[1])): money(r[2]) for r in rows if r[0] and r[2] is not None}
    out = set(by_key.values()) | {Decimal("0.00")}
    out.add(by_key.get(("一般公共预算", "基本支出"), 0) + by_key.get(("一般公共预算", "项目支出"), 0))
    out.add(sum((v for (scope, _), v in by_key.items() if scope == "三公经费"), Decimal("0.00")))
    for pair in (("政府性基金预算", "上级政府性基金转移支付"), ("国有资本经营预算", "上级国有资本经营预算转移支付")):
        out.add(sum((by_key.get(("收入", item), Decimal(0)) for item in pair), Decimal("0.00")))
    return out


def table_numbers(node) -> set[Decimal]:
    """Every number of the tables JSON."""
    out: set[Decimal] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("no", "year"):
                continue
            out |= table_numbers(value)
    elif isinstance(node, list):
        for value in node:
            out |= table_numbers(value)
    elif isinstance(node, float):
        out.add(half_up(Decimal(repr(node))))
    return out


def total_row(tables: dict, key: str) -> dict:
    return next(r["values"] for r in tables[key]["rows"] if r["kind"] == "total")


def derived_amounts(tables: dict, path: Path) -> set[Decimal]:
    """The amounts the narrative quotes that no single table cell holds, and where each is from."""
    out = {Decimal("0.00")}  # a figure that is zero this year (an empty cell), e.g. a 项 that fell to zero
    # 七: a project over several 项 is one project: the sum of its 表7 rows.
    per_project: dict[tuple, Decimal] = {}
    for row in tables["T_gpb_project"]["rows"]:
        if row["kind"] == "project":
            key = (row["unit"], row["project"])
            per_project[key] = per_project.get(key, Decimal(0)) + half_up(Decimal(repr(row["values"]["total"])))
    out |= set(per_project.values())
    # 其他重要事项: the accountant's 其他事项 figures, and 政府采购预算 = 货物 + 工程 + 服务.
    matters = {r[0]: r[1] for r in sheet_rows(path, "其他事项")[1:] if r[0]}
    for key, value in matters.items():
        if isinstance(value, (int, float)):
            out.add(money(value))
    out.add(sum((money(matters[k]) for k in ("政府采购货物", "政府采购工程", "政府采购服务") if k in matters),
                Decimal("0.00")))
    # 预算绩效: projects with this year's 财政拨款 = 表5 + 表8 + 表9 项目支出; projects with this year's
    # 财政专户/单位资金 = 表3 项目支出 − those − the carryover projects of the 结转 table.
    def value(key, column):
        return half_up(Decimal(repr(total_row(tables, key).get(column, 0.0))))

    fiscal = value("T_gpb", "project") + value("T_gov_fund", "project") + value("T_state_capital", "project")
    out.add(fiscal)
    assert "T_carryover" in tables, "every fixture publishes its 结转 table"
    carried = value("T_carryover", "fiscal_project") + value("T_carryover", "nonfiscal_project")
    out.add(value("T_expense", "project") - fiscal - carried)
    return out


def section_bases(tables: dict) -> dict[str, Decimal]:
    """Section number → the base of its shares."""
    income_total = next(r["amount"] for r in tables["T_income_expense"]["income_rows"]
                        if r["key"] == "income_grand_total")
    return {
        "二": half_up(Decimal(repr(income_total))),  # 收入: of 收入总计 (表1)
        "三": half_up(Decimal(repr(total_row(tables, "T_expense")["total"]))),  # 支出: of 表3 总计
        "五": half_up(Decimal(repr(total_row(tables, "T_gpb")["total"]))),  # 结构: of 表5 总计
        "六": half_up(Decimal(repr(total_row(tables, "T_gpb_basic")["total"]))),  # 人员/公用: of 表6 总计
    }


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style, text without the accountant's own runs) of every paragraph."""
    out = []
    for p in Document(str(path)).paragraphs:
        text = "".join(r.text for r in p.runs if r.style is None or r.style.name != QUOTE_STYLE)
        out.append((p.style.name, text))
    return out


def build_fixture(name: str, tmp_path: Path):
    path = FIXTURES / name / "master.xlsx"
    master = read_master(str(path))
    assert master.info is not None, [str(f) for f in master.findings]
    ts = build_tables(master)
    doc, findings = build(master, ts)
    target = tmp_path / publication_output_name(ts)
    write_publication_docx(doc, ts, performance.build(master, ts)[0], str(target))
    return path, ts, doc, findings, target


# -- acceptance: every figure in the document ---------------------------------------------

@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_figure_recomputes(name, tmp_path):
    path, ts, doc, findings, target = build_fixture(name, tmp_path)
    tables = tables_dict(ts)["tables"]
    allowed = table_numbers(tables) | derived_amounts(tables, path)
    priors = prior_values(path)
    bases = section_bases(tables)
    counts = {"amount": 0, "share": 0, "change": 0, "pct": 0}
    section = None
    for style, text in docx_paragraphs(target):
        if style == "Heading 2" and "、" in text:
            section = text.split("、", 1)[0]
        if style == "Heading 1":
            section = None
        last_amount: Decimal | None = None
        covered = []
        for m in TOKENS.finditer(text):
            covered.append(m.span())
            if m.group("amount"):
                last_amount = dec(m.group("a"))
                assert last_amount in allowed, f"{name} §{section}: {last_amount} is no table figure: {text}"
                counts["amount"] += 1
            elif m.group("share"):
                assert last_amount is not None and section in bases, f"share without base: {text}"
                expected = half_up(last_amount * 100 / bases[section])
                assert dec(m.group("s")) == expected, f"{name} §{section}: {text}"
                counts["share"] += 1
            else:
                assert last_amount is not None, f"change without its amount: {text}"
                change = dec(m.group("c"))
                prior = last_amount - change if m.group("dir") == "增加" else last_amount + change
                assert prior >= 0 and change > 0, text
                assert prior in priors, f"{name} §{section}: last year {prior} is not in 上年预算: {text}"
                counts["change"] += 1
                if m.group("new"):
                    assert prior == 0, text
                else:
                    assert m.group("p") is not None and prior > 0, f"a change needs its percentage: {text}"
                    assert m.group("pdir") == ("增长" if m.group("dir") == "增加" else "下降"), text
                    assert dec(m.group("p")) == half_up(change * 100 / prior), f"{name}: {text}"
                    counts["pct"] += 1
        rest = "".join(ch for i, ch in enumerate(text) if not any(a <= i < b for a, b in covered))
        assert not LOOSE.search(rest), f"a figure the checks do not read: {LOOSE.search(rest)} in {text}"
    # Every fixture quotes dozens of figures; a parser that finds none proves nothing.
    assert counts["amount"] >= 60 and counts["share"] >= 8 and counts["change"] >= 15, counts
    assert counts["pct"] >= 10, counts


def test_fixture_findings(tmp_path):
    """What the narrative reports on the fixtures: their 上年预算 break identities the tables keep
    (the 0.01 slips the published narratives show), and 主要职能 is not in the masters."""
    rules = {}
    for name in FIXTURE_NAMES:
        _, _, doc, findings, _ = build_fixture(name, tmp_path)
        rules[name] = sorted({f.rule for f in findings})
        assert not [f for f in findings if f.severity is ERROR], [str(f) for f in findings]
        assert any(f.rule == "narrative-text-missing" and f.sheet == "基本信息" for f in findings)
        assert not [f for f in findings if f.rule == "narrative-reason-missing"]
    mismatch = {name for name in FIXTURE_NAMES
                if "prior-sum-mismatch" in rules[name]}
    assert {"000_40205af73c47f1b3", "003_1c0f00ae3f1a4bcd"} <= mismatch


def test_sections_follow_the_profile(tmp_path):
    """2024: 十一 上年结转结余, 十二 其他重要事项; 2026: 十一 委托业务费, 十二 结转, 十三 其他."""
    heads = {}
    for name in ("000_40205af73c47f1b3", "003_1c0f00ae3f1a4bcd"):
        _, _, doc, _, target = build_fixture(name, tmp_path)
        heads[name] = [t for s, t in docx_paragraphs(target) if s == "Heading 2"
                       and ("关于" in t or t.startswith(("十二、其他", "十三、其他")))]
    h2024, h2026 = heads["000_40205af73c47f1b3"], heads["003_1c0f00ae3f1a4bcd"]
    assert h2024[10].startswith("十一、") and "上年结转结余" in h2024[10]
    assert h2024[11] == "十二、其他重要事项的情况说明" and len(h2024) == 12
    assert "委托业务费" in h2026[10] and "上年结转结余" in h2026[11]
    assert h2026[12] == "十三、其他重要事项的情况说明" and len(h2026) == 13
    assert not any("委托业务费" in h for h in h2024)


# -- wording ------------------------------------------------------------------------------

def cmp(current: int, prior: int | None, reason: str = "", row: int | None = 5) -> Comparison:
    return Comparison("收入", "一般公共预算", current, prior, reason, ("上年预算", "D5" if row else None),
                      row, "C5" if row else None)


def text_of(parts) -> str:
    return "".join(p if isinstance(p, str) else p.text for p in parts)


@pytest.mark.parametrize("current, prior, expected", [
    (12_000, 10_000, "比上年预算增加20.00万元，增长20.00%"),
    (9_000, 10_000, "比上年预算减少10.00万元，下降10.00%"),
    (10_000, 10_000, "与上年预算持平"),
    (679, 0, "比上年预算增加6.79万元（上年未安排）"),
    (0, 500, "比上年预算减少5.00万元，下降100.00%"),
    (10_001, 30_000, "比上年预算减少199.99万元，下降66.66%"),  # 66.663…% → 66.66
    (20_001, 30_000, "比上年预算减少99.99万元，下降33.33%"),  # 33.33 exactly
    (1, 8, "比上年预算减少0.07万元，下降87.50%"),
    (123_456_789, 100_000_000, "比上年预算增加234,567.89万元，增长23.46%"),  # half-up of 23.456789
])
def test_change_wording(current, prior, expected):
    assert text_of(wording.change(cmp(current, prior))) == expected


def test_percent_rounds_half_up():
    # 1/8 = 12.5%; 1/16 = 6.25%; 1/32 = 3.125% → 3.13 (half-up, not banker's 3.12)
    assert cmp(33, 32).pct == Decimal("3.13")
    assert cmp(30, 32).pct == Decimal("-6.25")


def test_reason_is_quoted_and_prefix_not_doubled():
    parts = wording.reason(cmp(12_000, 10_000, "主要原因是人员增加。"))
    assert text_of(parts) == "，主要原因是人员增加"
    assert isinstance(parts[-1], Quote)
    parts = wording.reason(cmp(12_000, 10_000, "增长的主要原因为新增项目"))
    assert text_of(parts) == "，增长的主要原因为新增项目"


@pytest.mark.parametrize("current, prior, needs", [
    (11_000, 10_000, True),  # +10.00% exactly: the threshold counts
    (10_999, 10_000, False),  # +9.99%
    (9_000, 10_000, True),  # −10%
    (9_001, 10_000, False),
    (1, 0, True),  # from zero
    (0, 1, True),  # to zero
    (10_000, 10_000, False),
])
def test_big_change_without_reason_gets_placeholder_and_warning(current, prior, needs):
    c = cmp(current, prior)
    parts = wording.reason(c)
    holders = [p for p in parts if isinstance(p, Placeholder)]
    assert bool(holders) is needs
    if needs:
        f = holders[0].finding
        assert (f.rule, f.severity, f.sheet, f.cell) == ("narrative-reason-missing", WARNING, "上年预算", "D5")
        assert "【" in text_of(parts)


def test_unknown_last_year_is_a_placeholder():
    parts = wording.change(cmp(5_000, None, row=None))
    (holder,) = [p for p in parts if isinstance(p, Placeholder)]
    assert holder.finding.rule == "prior-amount-missing" and holder.finding.severity is WARNING


# -- small masters ------------------------------------------------------------------------

PRIOR_HEAD = ["口径", "科目", "上年预算数", "变动原因"]
WAN_INFO = {**BASE_INFO, "金额单位": "万元", "预算年度": 2026, "主要职能": "负责就业工作。",
            "机构设置": "内设2个科室。"}


def line(func, econ, type_, source, amount, project=None):
    return {"功能分类科目": func, "经济分类科目": econ, "支出类型": type_, "项目名称": project,
            "资金来源": source, "金额": amount}


THIS_YEAR = [
    line("2080101", "30101", "人员经费", "一般公共预算", 110),
    line("2080101", "30201", "公用经费", "一般公共预算", 20),
    line("2080101", "30231", "公用经费", "一般公共预算", 3),
    line("2080799", "30299", "项目支出", "上级一般公共预算转移支付", 500, "就业补助项目"),
    line("2080105", "30299", "项目支出", "一般公共预算", 2, "劳动监察办案经费"),
]
LAST_YEAR = [
    line("2080101", "30101", "人员经费", "一般公共预算", 100),
    line("2080101", "30201", "公用经费", "一般公共预算", 20),
    line("2080101", "30231", "公用经费", "一般公共预算", 3),
    line("2080799", "30299", "项目支出", "一般公共预算", 400, "就业补助项目"),
    line("2210201", "30113", "人员经费", "一般公共预算", 10),
]
# LAST_YEAR's figures, worked out by hand, with a reason for each.
PRIOR_ROWS = [
    ["收入", "一般公共预算", 533, "部分项目改由上级转移支付安排"],
    ["收入", "上级一般公共预算转移支付", 0, "上级提前下达就业补助资金"],
    ["支出", "基本支出", 133, "人员调入"],
    ["支出", "项目支出", 400, "就业补助增加"],
    ["一般公共预算", "基本支出", 133, "人员调入"],
    ["一般公共预算", "项目支出", 400, "就业补助增加"],
    ["一般公共预算科目", "2080101", 123, "人员调入"],
    ["一般公共预算科目", "2080799", 400, "就业补助增加"],
    ["一般公共预算科目", "2210201", 10, "住房公积金改由单位资金安排"],
    ["一般公共预算科目", "2080105", 0, "新设劳动监察办案经费"],
    ["三公经费", "公务用车运行维护费", 3, None],
    ["机关运行经费", "合计", 23, None],
]


def narrative(path, prior_path=None):
    master = read_master(str(path))
    assert master.info is not None, [str(f) for f in master.findings]
    prior = read_master(str(prior_path)) if prior_path else None
    return build(master, build_tables(master), prior)


def texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs()]


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


def test_prior_master_gives_the_same_sentences(make_master):
    with_sheet = make_master(info=WAN_INFO, lines=THIS_YEAR, extra_sheets={"上年预算": [PRIOR_HEAD, *PRIOR_ROWS]})
    reasons_only = make_master(info=WAN_INFO, lines=THIS_YEAR, extra_sheets={
        "上年预算": [PRIOR_HEAD, *([s, i, None, r] for s, i, _, r in PRIOR_ROWS)]})
    last = make_master(info={**WAN_INFO, "预算年度": 2025}, lines=LAST_YEAR)
    doc_sheet, f_sheet = narrative(with_sheet)
    doc_prior, f_prior = narrative(reasons_only, last)
    doc_both, f_both = narrative(with_sheet, last)
    assert texts(doc_sheet) == texts(doc_prior) == texts(doc_both)
    for findings in (f_sheet, f_prior, f_both):
        assert not by_rule(findings, "prior-amount-differs") and not by_rule(findings, "prior-amount-missing")
        assert not by_rule(findings, "prior-sum-mismatch")
    body = "\n".join(texts(doc_sheet))
    # the comparisons the hand-made figures give
    assert "一般公共预算135.00万元，占21.26%，比上年预算减少398.00万元，下降74.67%" in body
    assert "（项）：2026年预算数为0.00万元，比上年预算减少10.00万元，下降100.00%，主要原因是住房公积金" in body
    assert "劳动保障监察（项）：2026年预算数为2.00万元，比上年预算增加2.00万元（上年未安排），主要原因是新设" in body
    assert "公务用车运行维护费3.00万元，与上年预算持平" in body


def test_prior_master_differing_from_the_sheet_is_reported(make_master):
    rows = [list(r) for r in PRIOR_ROWS]
    rows[0][2] = 530  # 收入/一般公共预算 typed wrong
    path = make_master(info=WAN_INFO, lines=THIS_YEAR, extra_sheets={"上年预算": [PRIOR_HEAD, *rows]})
    last = make_master(info={**WAN_INFO, "预算年度": 2024}, lines=LAST_YEAR)
    doc, findings = narrative(path, last)
    (f,) = by_rule(findings, "prior-amount-differs")
    assert (f.severity, f.sheet, f.cell) == (WARNING, "上年预算", "C2")
    (year,) = by_rule(findings, "prior-year-mismatch")
    assert year.severity is WARNING
    assert "比上年预算减少398.00万元" in "\n".join(texts(doc))  # last year's master wins


def test_invalid_prior_master_is_an_error(make_master):
    path = make_master(info=WAN_INFO, lines=THIS_YEAR, extra_sheets={"上年预算": [PRIOR_HEAD, *PRIOR_ROWS]})
    broken = make_master(info={**WAN_INFO, "预算年度": 2025},
                         lines=[line("2080101", "30101", "人员经费", "不存在的来源", 1)])
    doc, findings = narrative(path, broken)
    (f,) = by_rule(findings, "prior-master-invalid")
    assert f.severity is ERROR
    assert "比上年预算减少398.00万元" in "\n".join(texts(doc))  # falls back to 上年预算


def test_prior_sheet_errors_name_the_cell(make_master):
    rows = [
        ["收入", "一般公共预算", 533, None],  # row 2: fine
        ["去年", "一般公共预算", 1, None],  # row 3: unknown 口径
        ["收入", "土地出让金", 1, None],  # row 4: no such 科目
        ["三公经费", "公务接待费", "十万", None],  # row 5: not a number
        ["收入", "一般公共预算拨款", 533, None],  # row 6: the same 科目 again (an alias)
        ["一般公共预算科目", "20801", 5, None],  # row 7: a 款, not a 项
        ["一般公共预算科目", "2089998", 5, None],  # row 8: no such code
        ["支出", "基本支出", -3, None],  # row 9: negative
        [None, None, None, None],  # row 10: blank, ignored
        ["机关运行经费", "合计", 23, None],  # row 11: fine
    ]
    path = make_master(info=WAN_INFO, lines=THIS_YEAR, extra_sheets={"上年预算": [PRIOR_HEAD, *rows]})
    _, findings = narrative(path)
    got = {(f.rule, f.cell) for f in findings if f.sheet == "上年预算" and f.severity is ERROR}
    assert got == {("prior-row-unknown", "A3"), ("prior-row-unknown", "B4"), ("prior-amount-bad", "C5"),
                   ("prior-row-duplicate", "B6"), ("prior-row-unknown", "B7"), ("prior-row-unknown", "B8"),
                   ("prior-amount-bad", "C9")}


def test_prior_sheet_without_a_column(make_master):
    path = make_master(info=WAN_INFO, lines=THIS_YEAR,
                       extra_sheets={"上年预算": [["口径", "科目", "变动原因"], ["收入", "一般公共预算", "x"]]})
    _, findings = narrative(path)
    (f,) = [f for f in findings if f.rule == "column-missing"]
    assert (f.severity, f.sheet) == (ERROR, "上年预算") and "上年预算数" in f.message


def test_missing_reason_and_missing_row_are_visible(make_master):
    rows = [list(r) for r in PRIOR_ROWS if r[:2] != ["收入", "上级一般公共预算转移支付"]]
    rows[0][3] = None  # 收入/一般公共预算: −74.67% without a reason (worksheet row 2)
    next(r for r in rows if r[1] == "2080101")[3] = ""  # 133 vs 123: +8.13% without a reason is fine
    path = make_master(info=WAN_INFO, lines=THIS_YEAR, extra_sheets={"上年预算": [PRIOR_HEAD, *rows]})
    doc, findings = narrative(path)
    body = "\n".join(texts(doc))
    reason = by_rule(findings, "narrative-reason-missing")
    assert [(f.severity, f.sheet, f.cell) for f in reason] == [(WARNING, "上年预算", "D2")]
    assert "下降74.67%，主要原因是【请填写变动原因】" in body
    assert "增长8.13%。" in body  # small change, no reason: no placeholder
    (missing,) = by_rule(findings, "prior-amount-missing")
    assert "上级一般公共预算转移支付" in missing.message and missing.severity is WARNING
    assert "上级一般公共预算安排的转移支付500.00万元，占78.74%，比上年预算【上年预算数未填写】" in body
    placeholders = {p.finding.rule for p in doc.placeholders()}
    assert {"narrative-reason-missing", "prior-amount-missing"} <= placeholders


def test_without_prior_there_are_no_comparisons(make_master):
    path = make_master(info=WAN_INFO, lines=THIS_YEAR)
    doc, findings = narrative(path)
    (f,) = by_rule(findings, "prior-missing")
    assert f.severity is WARNING
    body = "\n".join(texts(doc))
    assert "比上年" not in body and "上年未安排" not in body
    assert "一般公共预算135.00万元，占21.26%。" in body


def test_other_matters_and_staffing(make_master):
    info = {**WAN_INFO, "编制数": 10, "实有人数": 12, "在职人数": 9, "在职增减": -1, "退休人数": 2,
            "退休增减": 0, "离休人数": 0, "离休增减": 0}
    matters = [["项目", "内容"], ["政府采购货物", 3], ["政府采购工程", 0], ["政府采购服务", 2.5],
               ["面向中小企业预留", 6], ["其中小微企业预留", 1], ["车辆总数", 2], ["一般公务用车数", 1],
               ["执法执勤用车数", 0], ["其他车辆数", 0], ["车辆价值", 10], ["一般公务用车价值", 10],
               ["执法执勤用车价值", 0], ["其他车辆价值", 0], ["房屋面积", "十"], ["机关运行经费", 30],
               ["办公室面积", 5]]
    path = make_master(info=info, lines=THIS_YEAR,
                       extra_sheets={"上年预算": [PRIOR_HEAD, *PRIOR_ROWS], "其他事项": matters})
    doc, findings = narrative(path)
    body = "\n".join(texts(doc))
    (staff,) = by_rule(findings, "narrative-staff-inconsistent")
    assert staff.severity is WARNING and staff.sheet == "基本信息"
    assert "在职9人，减少1人；退休2人，与上年持平" in body
    inconsistent = by_rule(findings, "other-matter-inconsistent")
    assert {f.cell for f in inconsistent} == {"B7", "B5"}  # 车辆总数 2 ≠ 1; 预留 6 > 5.5
    (bad,) = by_rule(findings, "other-matter-bad")
    assert (bad.severity, bad.cell) == (ERROR, "B15")
    assert [f.severity for f in by_rule(findings, "other-matter-unknown")] == [Severity.INFO]
    assert "政府采购预算5.50万元，其中：政府采购货物预算3.00万元" in body
    assert "机关运行经费财政拨款预算30.00万元，比上年预算增加7.00万元，增长30.43%，主要原因是【请填写变动原因】" in body
    missing = {f.message.split("“")[1].split("”")[0] for f in by_rule(findings, "other-matter-missing")}
    assert {"房屋面积", "房屋价值", "办公家具价值", "国有资产截至日期"} - missing == {"国有资产截至日期"}
    assert "截至2025年底" in body  # the date defaults to the end of last year


def test_docx_layout(tmp_path):
    _, ts, doc, _, target = build_fixture("003_1c0f00ae3f1a4bcd", tmp_path)
    assert target.name == "昌吉市人力资源和社会保障局2026年部门预算公开.docx"
    d = Document(str(target))
    sec = d.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)  # stored in twips
    assert sec.orientation == 0  # portrait
    with zipfile.ZipFile(target) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        footer = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer"))
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S).group(0)
    assert 'w:eastAsia="仿宋"' in normal and 'w:firstLineChars="200"' in normal
    heading = re.search(r'<w:style [^>]*w:styleId="Heading2".*?</w:style>', styles, re.S).group(0)
    assert 'w:eastAsia="黑体"' in heading and "Theme" not in heading
    assert "PAGE" in footer
    runs = [r for p in d.paragraphs for r in p.runs]
    holders = [r for r in runs if r.style is not None and r.style.name == PLACEHOLDER_STYLE]
    assert len(holders) == len(doc.placeholders()) > 0
    assert all(r.text.startswith("【") for r in holders)
    assert sum(1 for r in runs if r.style is not None and r.style.name == QUOTE_STYLE) > 20
    assert d.core_properties.title == "昌吉市人力资源和社会保障局2026年部门预算公开"


def test_libreoffice_renders_a4_with_the_headings(soffice, tmp_path):
    from support.libreoffice import pdf_page_sizes, pdf_pages, require_poppler
    from xltools.office import to_pdf

    require_poppler()
    for name in ("000_40205af73c47f1b3", "003_1c0f00ae3f1a4bcd"):
        _, _, doc, _, target = build_fixture(name, tmp_path)
        pdf = tmp_path / f"{name}.pdf"
        to_pdf(str(target), str(pdf))
        sizes = pdf_page_sizes(pdf)
        assert len(sizes) >= 10 and all("A4" in s for s in sizes), sizes
        pages = ["".join(p.split()) for p in pdf_pages(pdf)]
        text = "".join(pages)
        headings = [b.text for b in doc.blocks if getattr(b, "level", None) in (1, 2)]
        assert len(headings) > 15
        for h in headings:
            assert "".join(h.split()) in text, h
        # every part starts on a page of its own
        for part in ("第一部分", "第二部分", "第三部分", "第四部分"):
            assert any(p.startswith(part) for p in pages), part


def test_prior_amounts_are_in_the_masters_unit(make_master, base_lines):
    """A master in 元: 上年预算数 is in 元 too (金额单位 is the unit of every amount)."""
    rows = [["收入", "一般公共预算", 5000, "人员经费增加"]]
    doc, _ = narrative(make_master(lines=base_lines, extra_sheets={"上年预算": [PRIOR_HEAD, *rows]}))
    # 6,200.50 元 this year is 0.62 万元; 5,000 元 last year is 0.50 万元.
    assert "一般公共预算0.62万元，占100.00%，比上年预算增加0.12万元，增长24.00%，主要原因是人员经费增加。" \
        in texts(doc)

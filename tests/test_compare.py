"""Tests of tests/support/compare.py against the fixtures README's comparison rules."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from support.compare import (
    CompareResult,
    Mismatch,
    compare,
    digits,
    loose,
    reconcile_units,
    tree_kind,
    ws,
)

FIXTURES_DIR = Path(__file__).parent / "fixtures"
FIXTURES = sorted(p.name for p in FIXTURES_DIR.iterdir() if (p / "expected.json").is_file())
ROW_FIELDS = ("kind", "key", "code", "project", "unit")


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES_DIR / name / "expected.json").read_text(encoding="utf-8"))


def locate(doc: dict[str, Any], place: dict[str, Any]) -> dict[str, Any]:
    """The one row of `doc` a known_mismatches / leaf_keys entry points at (fields as in a row)."""
    rows = doc["tables"][place["table"]][place["section"]]
    found = [
        row
        for row in rows
        if all(row.get(f) == place[f] for f in ROW_FIELDS if f in place and f in row)
    ]
    assert len(found) == 1, (place, found)
    return found[0]


def uses_amount(place: dict[str, Any]) -> bool:
    return place["section"] == "income_rows" or (
        place["table"] == "T_income_expense" and place["section"] == "expense_rows"
    )


def set_figure(doc: dict[str, Any], place: dict[str, Any], column: str, value: float) -> None:
    row = locate(doc, place)
    if uses_amount(place):
        row["amount"] = value
    else:
        row.setdefault("values", {})[column] = value


def get_figure(doc: dict[str, Any], place: dict[str, Any], column: str) -> float:
    row = locate(doc, place)
    value = row.get("amount") if uses_amount(place) else row.get("values", {}).get(column)
    return float(value or 0)


def only(result: CompareResult) -> Mismatch:
    assert len(result.mismatches) == 1, result.report()
    return result.mismatches[0]


# --- synthetic documents --------------------------------------------------------------


def doc(tables: dict[str, Any], known: list[dict[str, Any]] | None = None, **top: Any) -> dict[str, Any]:
    base = {"entity": "测试局", "year": 2024, "kind": "部门", "unit": "万元", "profile": "2024"}
    base.update(top)
    base["tables"] = tables
    base["known_mismatches"] = known or []
    return base


def table(columns: list[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"no": 3, "title": "t", "columns": columns, "empty": not rows, "rows": rows}


def row(
    kind: str | None,
    code: str | None = None,
    values: dict[str, Any] | None = None,
    project: str | None = None,
    unit: str | None = None,
    label: str = "",
) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "label": label, "unit": unit, "project": project}
    if kind is not None:
        out["kind"] = kind
    out["values"] = values or {}
    return out


def t(columns: list[str], *rows: dict[str, Any], name: str = "T_expense") -> dict[str, Any]:
    """A one-table document."""
    return doc({name: table(columns, list(rows))})


TB = ["total", "basic", "project"]


def known(table_: str, column: str, published: float, reproducible: float, **fields: Any) -> dict[str, Any]:
    entry = {"table": table_, "section": "rows", "kind": None, "key": None, "code": None,
             "label": "", "project": None, "unit": None, "column": column,
             "published": published, "reproducible_value": reproducible, "cause": "parent≠Σchildren",
             "reason": ""}
    entry.update(fields)
    return entry


# =======================================================================================
# Fixtures
# =======================================================================================


@pytest.mark.parametrize("name", FIXTURES)
def test_expected_against_itself_has_no_mismatch(name: str) -> None:
    expected = load(name)
    result = compare(copy.deepcopy(expected), expected)
    assert result.ok, result.report()
    assert result.compared > 0
    assert result.report().endswith(f"0 mismatches in {result.compared} compared figures")


KM_CASES = [(name, i) for name in FIXTURES for i in range(len(load(name)["known_mismatches"]))]


@pytest.mark.parametrize("name", [n for n in FIXTURES if load(n)["known_mismatches"]])
def test_reproducible_values_pass(name: str) -> None:
    expected = load(name)
    actual = copy.deepcopy(expected)
    for entry in expected["known_mismatches"]:
        set_figure(actual, entry, entry["column"], entry["reproducible_value"])
    result = compare(actual, expected)
    assert result.ok, result.report()
    assert result.excused == len(expected["known_mismatches"])
    assert result.compared == compare(expected, expected).compared


@pytest.mark.parametrize(("name", "index"), KM_CASES)
def test_known_mismatch_with_a_third_value_is_one_mismatch(name: str, index: int) -> None:
    expected = load(name)
    actual = copy.deepcopy(expected)
    for entry in expected["known_mismatches"]:
        set_figure(actual, entry, entry["column"], entry["reproducible_value"])
    entry = expected["known_mismatches"][index]
    third = round(entry["published"] + 0.37, 2)
    set_figure(actual, entry, entry["column"], third)
    mismatch = only(compare(actual, expected))
    assert (mismatch.table, mismatch.section, mismatch.column) == (
        entry["table"], entry["section"], entry["column"])
    assert mismatch.expected == pytest.approx(entry["published"])
    assert mismatch.actual == pytest.approx(third)


def leaf_cases() -> list[tuple[str, int]]:
    """Per fixture and section: the first leaf with a printed non-zero figure."""
    cases: list[tuple[str, int]] = []
    for name in FIXTURES:
        expected = load(name)
        seen: set[tuple[str, str]] = set()
        for i, leaf in enumerate(expected["leaf_keys"]):
            where = (leaf["table"], leaf["section"])
            if where in seen or leaf["table"] not in expected["tables"]:
                continue
            found = locate(expected, leaf)
            if found.get("amount") or any(found.get("values", {}).values()):
                seen.add(where)
                cases.append((name, i))
    return cases


@pytest.mark.parametrize(("name", "index"), leaf_cases())
def test_perturbed_leaf_is_exactly_one_mismatch(name: str, index: int) -> None:
    expected = load(name)
    leaf = expected["leaf_keys"][index]
    found = locate(expected, leaf)
    column = "amount" if uses_amount(leaf) else next(k for k, v in found["values"].items() if v)
    actual = copy.deepcopy(expected)
    before = get_figure(expected, leaf, column)
    set_figure(actual, leaf, column, round(before + 1.23, 2))
    mismatch = only(compare(actual, expected))
    assert (mismatch.table, mismatch.section, mismatch.column) == (leaf["table"], leaf["section"], column)
    named = leaf.get("key") or digits(leaf.get("code")) or ws(leaf.get("project"))
    assert named and named in mismatch.row
    assert mismatch.expected == pytest.approx(before)
    assert str(mismatch).startswith(f"{leaf['table']}.{leaf['section']} ")


@pytest.mark.parametrize("name", FIXTURES)
def test_missing_table_is_compared_as_empty(name: str) -> None:
    expected = load(name)
    actual = copy.deepcopy(expected)
    gone = actual["tables"].pop("T_gpb_basic")
    nonzero = sum(1 for r in gone["rows"] for v in r["values"].values() if v)
    result = compare(actual, expected)
    assert len(result.mismatches) == nonzero > 0
    assert all(m.table == "T_gpb_basic" and m.actual == 0 for m in result.mismatches)


def test_extra_item_row_in_expense_table_is_a_mismatch() -> None:
    expected = load("000_40205af73c47f1b3")
    actual = copy.deepcopy(expected)
    actual["tables"]["T_expense"]["rows"].append(row("class", "2089999", {"total": 5.0}, label="新项"))
    mismatch = only(compare(actual, expected))
    assert (mismatch.table, mismatch.row[:2], mismatch.column, mismatch.actual) == (
        "T_expense", ("class", "2089999"), "total", 5.0)
    assert mismatch.note == "extra row"


@pytest.mark.parametrize("name", ["000_40205af73c47f1b3", "003_1c0f00ae3f1a4bcd"])
def test_item_subtotal_rows_in_gpb_project_are_ignored(name: str) -> None:
    expected = load(name)
    actual = copy.deepcopy(expected)
    rows = actual["tables"]["T_gpb_project"]["rows"]
    # A generator that prints 项 subtotals above its projects.
    subtotals: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["kind"] == "project":
            sub = subtotals.setdefault(r["code"], row("class", r["code"], {}, unit=r["unit"]))
            for k, v in r["values"].items():
                sub["values"][k] = round(sub["values"].get(k, 0) + v, 2)
    rows.extend(subtotals.values())
    assert compare(actual, expected).ok


def test_department_generator_unit_rows_collapse_on_a_real_fixture() -> None:
    expected = load("000_40205af73c47f1b3")
    actual = copy.deepcopy(expected)
    rows = actual["tables"]["T_expense"]["rows"]
    total = rows[0]
    for r in rows[1:]:
        r["unit"] = "某单位"
    rows.insert(1, row("unit", values=dict(total["values"]), unit="某单位", label="某单位"))
    assert compare(actual, expected).ok


def test_project_names_with_other_brackets_spaces_and_dashes_match_on_a_real_fixture() -> None:
    expected = load("000_40205af73c47f1b3")
    actual = copy.deepcopy(expected)
    respell = str.maketrans({"【": "[", "】": "]", "〔": "（", "〕": "）", "—": "-", "“": '"', "”": '"'})
    changed = 0
    for name in ("T_gpb_project", "T_carryover"):
        for r in actual["tables"][name]["rows"]:
            if r["project"]:
                new = r["project"].translate(respell).replace(" ", "")
                changed += new != r["project"]
                r["project"] = r["label"] = new
    assert changed >= 5
    result = compare(actual, expected)
    assert result.ok, result.report()


@pytest.mark.parametrize("name", FIXTURES)
def test_three_public_rows_without_key_are_keyed_by_label(name: str) -> None:
    expected = load(name)
    actual = copy.deepcopy(expected)
    for r in actual["tables"]["T_three_public"]["rows"]:
        del r["key"]
    assert compare(actual, expected).ok
    # and the label really decides: swapping two labels moves the figures
    rows = actual["tables"]["T_three_public"]["rows"]
    by_label = {ws(r["label"]): r for r in rows}
    vehicle = next(r for k, r in by_label.items() if "小计" in k)
    reception = next(r for k, r in by_label.items() if "接待" in k)
    vehicle["label"], reception["label"] = reception["label"], vehicle["label"]
    assert not compare(actual, expected).ok


# =======================================================================================
# Normalisation
# =======================================================================================


def test_ws_removes_all_whitespace() -> None:
    assert ws(" 收 入\t总\n计\u3000") == "收入总计"
    assert ws(None) == ""


@pytest.mark.parametrize(
    ("code", "want"),
    [
        ("208 01 01 行政运行", "2080101"),
        ("２０８０１", "20801"),
        ("208.01-01", "2080101"),
        ("2080101行政运行 2", "2080101"),
        (None, ""),
        ("", ""),
        ("合计", ""),
        (208, "208"),
    ],
)
def test_digits(code: Any, want: str) -> None:
    assert digits(code) == want


def test_loose() -> None:
    assert loose("昌州财社【2023】69 号-通知") == loose("昌州财社[2023]69号—通知") == "昌州财社202369号通知"
    assert loose("“三支一扶”计划（第二批）") == loose('"三支一扶"计划(第二批)')
    assert loose("ＡＢＣ：ｄ；e、f·g") == "abcdefg"
    assert loose("a_b~c～d–e－f") == "abcdef"
    assert loose("《甲》「乙」『丙』<丁>{戊}〔己〕") == "甲乙丙丁戊己"
    assert loose("Ａ\u3000Ｂ") == "ab"


# =======================================================================================
# Step 1: document
# =======================================================================================


def test_document_fields() -> None:
    expected = doc({}, entity="吉木萨尔县 人社局", year=2024, kind="部门")
    same = doc({}, entity="吉木萨尔县人社局", year="2024", kind="部门", unit="元", profile="x")
    assert compare(same, expected).ok
    differs = doc({}, entity="别的局", year=2025, kind="单位")
    result = compare(differs, expected)
    assert sorted(m.column for m in result.mismatches) == ["entity", "kind", "year"]
    assert result.compared == 0
    assert all(m.table == "document" for m in result.mismatches)


# =======================================================================================
# Step 2: tables
# =======================================================================================


def test_table_only_in_actual_is_ignored() -> None:
    expected = t(TB, row("total", values={"total": 1}))
    actual = copy.deepcopy(expected)
    actual["tables"]["T_gpb"] = table(TB, [row("total", values={"total": 99})])
    assert compare(actual, expected).ok


def test_missing_tables_key_counts_as_empty() -> None:
    expected = t(TB, row("total", values={"total": 1}), row("class", "201", {"total": 1}))
    actual = doc({})
    del actual["tables"]
    result = compare(actual, expected)
    assert len(result.mismatches) == 2 and result.compared == 2
    assert all(m.note == "no matching row" for m in result.mismatches)


# =======================================================================================
# Step 3: sections, values, columns
# =======================================================================================


def income_expense(income: list[tuple[str, Any]], expense: list[dict[str, Any]]) -> dict[str, Any]:
    return doc({"T_income_expense": {
        "no": 1, "title": "x", "columns": ["amount"],
        "income_rows": [{"key": k, "label": k, "amount": a} for k, a in income],
        "expense_rows": expense,
    }})


def test_income_expense_amounts_and_identities() -> None:
    expected = income_expense(
        [("gpb", 10.0), ("fund", None), ("income_grand_total", 10.0)],
        [{"code": "208", "key": None, "label": "社保", "amount": 10.0},
         {"code": "201", "key": None, "label": "一般", "amount": None},
         {"code": None, "key": "expense_grand_total", "label": "支出总计", "amount": 10.0}],
    )
    actual = income_expense(
        [("income_grand_total", 10.0), ("gpb", 10), ("fund", "")],  # order does not matter
        [{"code": None, "key": "expense_grand_total", "label": "合计", "amount": 10.0},
         {"code": "２０８ 社会保障和就业支出", "key": None, "label": "", "amount": 10.0},
         {"code": "201", "key": None, "label": "", "amount": 0}],
    )
    result = compare(actual, expected)
    assert result.ok, result.report()
    assert result.compared == 4


def test_income_expense_expense_row_with_values_is_read_from_values() -> None:
    expected = income_expense([], [{"code": "208", "key": None, "label": "", "amount": 10.0}])
    actual = income_expense([], [{"code": "208", "key": None, "label": "", "values": {"total": 10.0}, "amount": 10.0}])
    mismatch = only(compare(actual, expected))
    assert (mismatch.column, mismatch.expected, mismatch.actual) == ("amount", 10.0, 0.0)


@pytest.mark.parametrize("bad", [None, "", "10.00", True, float("nan"), [10]])
def test_non_numbers_count_as_zero(bad: Any) -> None:
    expected = t(TB, row("class", "201", {"total": 10.0}))
    actual = t(TB, row("class", "201", {"total": bad}))
    assert only(compare(actual, expected)).actual == 0.0


def test_fiscal_sections() -> None:
    def fiscal(income: float, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return doc({"T_fiscal": {"no": 4, "title": "x", "columns": ["total", "gpb", "fund", "capital"],
                                 "income_rows": [{"key": "gpb", "label": "一般公共预算", "amount": income}],
                                 "expense_rows": rows}})

    expected = fiscal(5.0, [{"code": "208", "key": None, "label": "", "values": {"total": 5.0, "gpb": 5.0}},
                            {"code": None, "key": "expense_grand_total", "label": "", "values": {"total": 5.0, "gpb": 5.0}}])
    actual = fiscal(5.0, [{"code": "208", "key": None, "label": "", "values": {"total": 5.0, "gpb": 5.0, "x": 1}},
                          {"code": None, "key": "expense_grand_total", "label": "", "values": {"total": 5.0, "gpb": 4.0}}])
    mismatch = only(compare(actual, expected))
    assert (mismatch.section, mismatch.row, mismatch.column) == ("expense_rows", ("expense", "expense_grand_total"), "gpb")


def test_printed_columns_rule() -> None:
    # ACTUAL's columns beyond EXPECTED's are never looked at ...
    expected = t(["total", "capital"], row("class", "201", {"total": 5.0, "capital": 5.0}), name="T_income")
    actual = t(["total", "capital", "capital_transfer"],
               row("class", "201", {"total": 5.0, "capital": 5.0, "capital_transfer": 5.0}), name="T_income")
    assert compare(actual, expected).ok
    # ... so an 11-column 表2 needs the transfer money under capital.
    actual = t(["total", "capital", "capital_transfer"],
               row("class", "201", {"total": 5.0, "capital_transfer": 5.0}), name="T_income")
    assert only(compare(actual, expected)).column == "capital"
    # A key EXPECTED prints in a row's values is compared even if `columns` lacks it.
    expected = t(["total"], row("class", "201", {"total": 5.0, "odd": 2.0}), name="T_income")
    actual = t(["total"], row("class", "201", {"total": 5.0}), name="T_income")
    assert only(compare(actual, expected)).column == "odd"


@pytest.mark.parametrize("name", ["T_gov_fund", "T_state_capital"])
def test_basic_is_personnel_plus_public_in_fund_tables(name: str) -> None:
    expected = t(["total", "basic", "project"],
                 row("total", values={"total": 10.0, "basic": 7.0, "project": 3.0}),
                 row("class", "212", {"total": 10.0, "basic": 7.0, "project": 3.0}), name=name)
    actual = t(["total", "personnel", "public", "project"],
               row("total", values={"total": 10.0, "personnel": 4.0, "public": 3.0, "project": 3.0}),
               row("class", "212", {"total": 10.0, "personnel": 4.0, "public": 3.0, "project": 3.0}), name=name)
    assert compare(actual, expected).ok
    # an ACTUAL `basic` key wins over the derived one
    actual["tables"][name]["rows"][1]["values"]["basic"] = 6.0
    assert only(compare(actual, expected)).column == "basic"


def test_basic_is_not_derived_in_other_tables() -> None:
    expected = t(TB, row("class", "201", {"total": 7.0, "basic": 7.0}), name="T_gpb")
    actual = t(TB, row("class", "201", {"total": 7.0, "personnel": 4.0, "public": 3.0}), name="T_gpb")
    assert only(compare(actual, expected)).column == "basic"


# =======================================================================================
# Step 4: row identity
# =======================================================================================


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("公务用车购置及运行维护费（小计）", "vehicle"),
        ("其中：公务用车购置费", "vehicle_purchase"),
        ("公务用车运行维护费", "vehicle_operation"),
        ("因公出国（境）费", "abroad"),
        ("因公出境费用", "abroad"),
        ("公务接待费", "reception"),
        ("合 计", "total"),
        ("总计", "total"),
    ],
)
def test_three_public_label_keys(label: str, key: str) -> None:
    def three(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return doc({"T_three_public": {"no": 10, "title": "x", "columns": ["total", "gpb"], "rows": rows}})

    expected = three([{"key": key, "label": "whatever", "values": {"total": 1.0}}])
    assert compare(three([{"label": label, "values": {"total": 1.0}}]), expected).ok
    assert compare(three([{"key": None, "label": label, "values": {"total": 1.0}}]), expected).ok


def test_three_public_other_label_keyed_by_ws_label() -> None:
    def three(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return doc({"T_three_public": {"no": 10, "title": "x", "columns": ["total"], "rows": rows}})

    expected = three([{"label": "其 他", "values": {"total": 1.0}}])
    assert compare(three([{"label": "其他", "values": {"total": 1.0}}]), expected).ok


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ({"kind": "unit_total"}, "unit"),
        ({"kind": "class", "project": "x"}, "class"),
        ({"project": "某项目", "code": "2080101"}, "project"),
        ({"code": "2080101", "label": "总计"}, "class"),
        ({"label": "总 计"}, "total"),
        ({"label": "合计"}, "total"),
        ({"label": "总额"}, "total"),
        ({"label": "合计数"}, "total"),
        ({"label": "本年总计"}, "total"),
        ({"label": "收入支出总计"}, "unit"),
        ({"label": "某某单位"}, "unit"),
        ({"kind": "", "label": "某某单位"}, "unit"),
    ],
)
def test_tree_kind(raw: dict[str, Any], kind: str) -> None:
    assert tree_kind(raw) == kind


def test_rows_without_kind_are_matched_by_inferred_kind() -> None:
    expected = t(TB, row("total", values={"total": 3.0}), row("class", "201", {"total": 3.0}))
    actual = t(TB, row(None, "201 一般公共服务", {"total": 3.0}), row(None, values={"total": 3.0}, label="合 计"))
    assert compare(actual, expected).ok


def test_class_rows_are_identified_by_code_not_label() -> None:
    expected = t(TB, row("class", "201", {"total": 3.0}, label="甲"), row("class", "202", {"total": 4.0}, label="乙"))
    actual = t(TB, row("class", "201", {"total": 3.0}, label="乙"), row("class", "202", {"total": 4.0}, label="甲"))
    assert compare(actual, expected).ok


# =======================================================================================
# Step 5: units
# =======================================================================================


def test_unit_rows_collapse_when_expected_prints_none() -> None:
    expected = t(TB,
                 row("total", values={"total": 10.0}),
                 row("class", "208", {"total": 10.0}),
                 row("class", "2080101", {"total": 10.0}))
    actual = t(TB,
               row("total", values={"total": 10.0}),
               row("unit", values={"total": 6.0}, unit="甲单位", label="甲单位"),
               row("class", "208", {"total": 6.0}, unit="甲单位"),
               row("class", "2080101", {"total": 6.0}, unit="甲单位"),
               row("unit_total", values={"total": 4.0}, unit="乙单位", label="乙单位"),
               row("class", "208", {"total": 4.0}, unit="乙单位"),
               row("class", "2080101", {"total": 4.0}, unit="乙单位"))
    result = compare(actual, expected)
    assert result.ok, result.report()
    assert result.compared == 3
    actual["tables"]["T_expense"]["rows"][-1]["values"]["total"] = 4.5
    assert only(compare(actual, expected)).row == ("class", "2080101", "", "")


def per_unit_expected() -> dict[str, Any]:
    return t(TB,
             row("total", values={"total": 10.0}),
             row("unit", values={"total": 6.0}, unit="甲单位", label="甲单位"),
             row("class", "208", {"total": 6.0}),  # belongs to the unit row above
             row("unit", values={"total": 4.0}, unit="乙单位", label="乙单位"),
             row("class", "208", {"total": 4.0}, unit="乙单位"),
             name="T_gpb_project")


def test_rows_are_matched_within_their_unit() -> None:
    expected = per_unit_expected()
    actual = t(TB,
               row("unit", values={"total": 4.0}, unit="乙单位", label="乙单位"),
               row("class", "208", {"total": 4.0}, unit="乙单位"),
               row("unit_total", values={"total": 6.0}, label="甲单位"),
               row("class", "208", {"total": 6.0}, unit="甲单位"),
               row("total", values={"total": 10.0}),
               name="T_gpb_project")
    assert compare(actual, expected).ok
    # swapping the units' figures is two units' worth of mismatches
    rows = actual["tables"]["T_gpb_project"]["rows"]
    rows[1]["unit"], rows[3]["unit"] = "甲单位", "乙单位"
    result = compare(actual, expected)
    assert {m.row for m in result.mismatches} == {("class", "208", "", "甲单位"), ("class", "208", "", "乙单位")}


def test_single_unit_each_side_takes_expected_name() -> None:
    expected = t(TB, row("unit", values={"total": 1.0}, unit="昌吉市人社局"),
                 row("class", "208", {"total": 1.0}, unit="昌吉市人社局"), name="T_gpb_project")
    actual = t(TB, row("unit", values={"total": 1.0}, label="完全不同的名字"),
               row("class", "208", {"total": 1.0}, unit="完全不同的名字"), name="T_gpb_project")
    assert compare(actual, expected).ok


def test_reconcile_units() -> None:
    assert reconcile_units(["甲"], ["乙"]) == {"甲": "乙"}
    expected = ["昌吉市人力资源和社会保障局", "昌吉市就业服务中心"]
    # equal under loose, contained, containing
    assert reconcile_units(["昌吉市人力资源和社会保障局（本级）", "昌吉市 就业服务中心", "X"], expected) == {
        "昌吉市人力资源和社会保障局（本级）": "昌吉市人力资源和社会保障局",
        "昌吉市 就业服务中心": "昌吉市就业服务中心",
    }
    assert reconcile_units(["就业服务中心", "人力资源"], expected) == {
        "就业服务中心": "昌吉市就业服务中心", "人力资源": "昌吉市人力资源和社会保障局"}
    # ambiguous: contained in both → not renamed
    assert reconcile_units(["昌吉市", "Y"], expected) == {}
    # names EXPECTED already has are left alone
    assert reconcile_units(["昌吉市就业服务中心", "昌吉市就业服务中心分部"], expected) == {
        "昌吉市就业服务中心分部": "昌吉市就业服务中心"}


def test_unit_renaming_applies_to_unit_and_class_rows() -> None:
    expected = per_unit_expected()
    actual = t(TB,
               row("total", values={"total": 10.0}),
               row("unit", values={"total": 6.0}, unit="甲 单位（本级）"),
               row("class", "208", {"total": 6.0}, unit="甲 单位（本级）"),
               row("unit", values={"total": 4.0}, unit="乙单位"),
               row("class", "208", {"total": 4.0}, unit="乙单位"),
               name="T_gpb_project")
    assert compare(actual, expected).ok


# =======================================================================================
# Step 6: projects without codes
# =======================================================================================


def carry(*rows: dict[str, Any]) -> dict[str, Any]:
    return t(["total", "fiscal_total"], *rows, name="T_carryover")


def test_codeless_expected_projects_match_by_name_and_sum_codes() -> None:
    expected = carry(row("project", None, {"total": 10.0}, project="就业补助"),
                     row("project", None, {"total": 2.0}, project="三支一扶"))
    actual = carry(row("project", "2080799", {"total": 7.0}, project="就业补助"),
                   row("project", "2080704", {"total": 3.0}, project="就业补助"),
                   row("project", "2080199", {"total": 2.0}, project="三支 一扶"),
                   row("total", values={"total": 12.0}))  # no total printed → ignored
    result = compare(actual, expected)
    assert result.ok, result.report()


def test_coded_expected_projects_keep_codes() -> None:
    expected = t(TB, row("project", "2080799", {"total": 10.0}, project="就业补助"), name="T_gpb_project")
    actual = t(TB, row("project", "2080799", {"total": 7.0}, project="就业补助"),
               row("project", "2080704", {"total": 3.0}, project="就业补助"), name="T_gpb_project")
    result = compare(actual, expected)
    assert {(m.row[1], m.note) for m in result.mismatches} == {("2080799", ""), ("2080704", "extra row")}


# =======================================================================================
# Step 7: duplicates in ACTUAL
# =======================================================================================


def test_duplicate_class_rows_are_summed_first_total_is_used_per_unit() -> None:
    expected = per_unit_expected()
    actual = t(TB,
               row("total", values={"total": 10.0}),
               row("total", values={"total": 99.0}),  # per unit: the first total is used
               row("unit", values={"total": 6.0}, unit="甲单位"),
               row("unit", values={"total": 99.0}, unit="甲单位"),  # ... and the first unit row
               row("class", "208", {"total": 2.0}, unit="甲单位"),
               row("class", "208", {"total": 4.0}, unit="甲单位"),
               row("unit", values={"total": 4.0}, unit="乙单位"),
               row("class", "208", {"total": 4.0}, unit="乙单位"),
               name="T_gpb_project")
    assert compare(actual, expected).ok


def test_when_units_collapse_total_rows_are_summed_too() -> None:
    expected = t(TB, row("total", values={"total": 10.0}))
    actual = t(TB, row("total", values={"total": 6.0}), row(None, values={"total": 4.0}, label="合计"))
    assert compare(actual, expected).ok


def test_duplicate_flat_rows_first_is_used() -> None:
    expected = income_expense([("gpb", 10.0)], [])
    actual = income_expense([("gpb", 10.0), ("gpb", 3.0)], [])
    assert compare(actual, expected).ok


# =======================================================================================
# Step 8: matching
# =======================================================================================


def test_loose_stage_matches_project_and_unit_spellings() -> None:
    expected = t(TB, row("unit", values={"total": 1.0}, unit="甲单位"),
                 row("unit", values={"total": 2.0}, unit="乙（单位）"),
                 row("project", "2080799", {"total": 2.0}, project="乌财社[2023]275号-关于就业", unit="乙（单位）"),
                 name="T_gpb_project")
    actual = t(TB, row("unit", values={"total": 1.0}, unit="甲单位"),
               row("unit", values={"total": 2.0}, unit="乙(单位)"),
               row("project", "2080799", {"total": 2.0}, project="乌财社〔2023〕275 号—关于就业", unit="乙(单位)"),
               name="T_gpb_project")
    assert compare(actual, expected).ok


def test_loose_stage_needs_a_single_candidate() -> None:
    expected = t(TB, row("project", "2080799", {"total": 2.0}, project="A-B"), name="T_gpb_project")
    actual = t(TB, row("project", "2080799", {"total": 2.0}, project="A—B"),
               row("project", "2080799", {"total": 5.0}, project="A（B）"), name="T_gpb_project")
    result = compare(actual, expected)
    notes = sorted(m.note for m in result.mismatches)
    assert notes == ["extra row", "extra row", "no matching row"]


def test_exact_identity_wins_over_an_earlier_loose_match() -> None:
    expected = t(TB, row("project", "2080799", {"total": 2.0}, project="A（B）"),
                 row("project", "2080799", {"total": 3.0}, project="A(B)"),
                 row("project", "2080799", {"total": 4.0}, project="A-B"), name="T_gpb_project")
    actual = t(TB, row("project", "2080799", {"total": 3.0}, project="A(B)"),
               row("project", "2080799", {"total": 2.0}, project="A【B】"),
               row("project", "2080799", {"total": 4.0}, project="A-B"), name="T_gpb_project")
    assert compare(actual, expected).ok


def test_any_unit_stage_when_actual_leaves_unit_empty() -> None:
    expected = t(TB, row("unit", values={"total": 2.0}, unit="甲"), row("unit", values={"total": 3.0}, unit="乙"),
                 row("project", "2080799", {"total": 2.0}, project="P", unit="甲"),
                 row("project", "2080799", {"total": 3.0}, project="Q", unit="乙"), name="T_gpb_project")
    actual = t(TB, row("unit", values={"total": 2.0}, unit="甲"), row("unit", values={"total": 3.0}, unit="乙"),
               row("project", "2080799", {"total": 2.0}, project="P"),
               row("project", "2080799", {"total": 3.0}, project="Q", unit="丙"), name="T_gpb_project")
    assert compare(actual, expected).ok


def test_any_unit_stage_only_without_candidates_and_only_per_unit() -> None:
    # a single loose candidate in the right unit wins; the other-unit row stays an extra
    expected = t(TB, row("unit", values={"total": 2.0}, unit="甲"), row("unit", values={"total": 3.0}, unit="乙"),
                 row("project", "2080799", {"total": 2.0}, project="P", unit="甲"), name="T_gpb_project")
    actual = t(TB, row("unit", values={"total": 2.0}, unit="甲"), row("unit", values={"total": 3.0}, unit="乙"),
               row("project", "2080799", {"total": 2.0}, project="P ", unit="甲"),
               row("project", "2080799", {"total": 9.0}, project="P", unit="乙"), name="T_gpb_project")
    mismatch = only(compare(actual, expected))
    assert (mismatch.note, mismatch.actual) == ("extra row", 9.0)
    # two rows in other units: ambiguous, no match
    actual = t(TB, row("unit", values={"total": 2.0}, unit="甲"), row("unit", values={"total": 3.0}, unit="乙"),
               row("project", "2080799", {"total": 2.0}, project="P", unit="乙"),
               row("project", "2080799", {"total": 2.0}, project="P", unit="丙"), name="T_gpb_project")
    assert "no matching row" in {m.note for m in compare(actual, expected).mismatches}


def test_unmatched_expected_row_is_compared_against_zeros() -> None:
    expected = t(TB, row("class", "201", {"total": 3.0, "basic": 3.0}))
    result = compare(t(TB), expected)
    assert [(m.column, m.expected, m.actual) for m in result.mismatches] == [("total", 3.0, 0.0), ("basic", 3.0, 0.0)]


# =======================================================================================
# Step 9: figures
# =======================================================================================


@pytest.mark.parametrize(
    ("e", "a", "compared", "mismatches"),
    [
        (1.0, 1.0, 1, 0),
        (1.01, 1.015, 1, 0),
        (1.01, 1.005, 1, 0),
        (1.01, 1.0, 1, 1),
        (1.01, 1.016, 1, 1),
        (0.0, 0.004, 0, 0),
        (0.004, -0.004, 0, 0),
        (0.0, 0.005, 1, 0),
        (0.0, 0.01, 1, 1),
        (None, 0.0, 0, 0),
    ],
)
def test_figure_thresholds(e: float | None, a: float, compared: int, mismatches: int) -> None:
    expected = t(TB, row("class", "201", {"total": e}))
    actual = t(TB, row("class", "201", {"total": a}))
    result = compare(actual, expected)
    assert (result.compared, len(result.mismatches)) == (compared, mismatches)


# =======================================================================================
# Step 10: extra ACTUAL rows
# =======================================================================================


def test_extra_rows_with_zero_values_are_ignored() -> None:
    expected = t(TB, row("class", "201", {"total": 3.0}))
    actual = t(TB, row("class", "201", {"total": 3.0}), row("class", "202", {"total": 0.0, "basic": 0.004}))
    result = compare(actual, expected)
    assert result.ok and result.compared == 1


def test_extra_rows_values_only_in_expected_columns() -> None:
    expected = t(TB, row("class", "201", {"total": 3.0}))
    actual = t(TB, row("class", "201", {"total": 3.0}), row("class", "202", {"other": 5.0}))
    assert compare(actual, expected).ok


@pytest.mark.parametrize(
    ("extra", "flagged"),
    [
        (row("class", "20101", {"total": 1.0}), False),  # 款: no 款 printed
        (row("class", "203", {"total": 1.0}), True),  # 类: 类 printed
        (row("class", "2010101", {"total": 1.0}), True),  # 项: 项 printed
        (row("project", "2010101", {"total": 1.0}, project="P"), False),  # no project rows printed
        (row("total", values={"total": 1.0}), False),  # no total printed
        (row(None, values={"total": 1.0}, label="某单位"), False),  # unit rows collapse (dropped)
    ],
)
def test_extra_row_categories(extra: dict[str, Any], flagged: bool) -> None:
    expected = t(TB, row("class", "201", {"total": 3.0}), row("class", "2019999", {"total": 3.0}))
    actual = copy.deepcopy(expected)
    actual["tables"]["T_expense"]["rows"].append(extra)
    result = compare(actual, expected)
    assert (not result.ok) == flagged, result.report()
    if flagged:
        assert only(result).note == "extra row" and result.compared == 3


def test_extra_unit_row_per_unit_is_a_mismatch() -> None:
    expected = per_unit_expected()
    actual = copy.deepcopy(expected)
    actual["tables"]["T_gpb_project"]["rows"].append(row("unit", values={"total": 1.0}, unit="丙单位"))
    mismatch = only(compare(actual, expected))
    assert mismatch.row == ("unit", "丙单位")


def test_extra_flat_rows_are_one_category_each() -> None:
    expected = income_expense([("gpb", 1.0)], [{"code": "201", "key": None, "label": "", "amount": 1.0}])
    actual = income_expense([("gpb", 1.0), ("fund", 2.0)],
                            [{"code": "201", "key": None, "label": "", "amount": 1.0},
                             {"code": "20101", "key": None, "label": "", "amount": 2.0}])
    result = compare(actual, expected)
    assert sorted(m.row for m in result.mismatches) == [("expense", "20101"), ("income", "fund")]
    # a section EXPECTED prints empty has no category at all
    expected = income_expense([("gpb", 1.0)], [])
    assert only(compare(actual, expected)).row == ("income", "fund")


def test_extra_three_public_row_is_a_mismatch() -> None:
    def three(rows: list[dict[str, Any]]) -> dict[str, Any]:
        return doc({"T_three_public": {"no": 10, "title": "x", "columns": ["total"], "rows": rows}})

    expected = three([{"key": "total", "label": "合计", "values": {"total": 1.0}}])
    actual = three([{"key": "total", "label": "合计", "values": {"total": 1.0}},
                    {"key": "reception", "label": "公务接待费", "values": {"total": 1.0}}])
    assert only(compare(actual, expected)).row == ("three_public", "reception")


# =======================================================================================
# Step 11: known mismatches
# =======================================================================================


def test_known_mismatch_excuses_only_the_reproducible_value() -> None:
    expected = t(TB, row("total", values={"total": 5.0}), row("class", "201", {"total": 4.99}))
    expected["known_mismatches"] = [known("T_expense", "total", 5.0, 4.99, kind="total", label="总计")]
    for value, ok in ((4.99, True), (5.0, True), (4.995, True), (4.98, False), (5.01, False)):
        actual = t(TB, row("total", values={"total": value}), row("class", "201", {"total": 4.99}))
        result = compare(actual, expected)
        assert result.ok == ok, (value, result.report())
        assert result.compared == 2


def test_known_mismatch_unit_part_only_when_expected_prints_units() -> None:
    # per unit: the entry's unit is part of the place
    expected = per_unit_expected()
    expected["known_mismatches"] = [known("T_gpb_project", "total", 4.0, 4.01, kind="class", code="208", unit="乙单位")]
    actual = copy.deepcopy(expected)
    actual["tables"]["T_gpb_project"]["rows"][4]["values"]["total"] = 4.01
    assert compare(actual, expected).ok
    actual = copy.deepcopy(expected)
    actual["tables"]["T_gpb_project"]["rows"][2]["values"]["total"] = 6.01  # 甲单位's 208: not excused
    assert not compare(actual, expected).ok

    # collapsed: the entry's unit is ignored
    expected = t(TB, row("class", "208", {"total": 4.0}))
    expected["known_mismatches"] = [known("T_expense", "total", 4.0, 4.01, kind="class", code="208", unit="任何单位")]
    assert compare(t(TB, row("class", "208", {"total": 4.01})), expected).ok


def test_known_mismatch_in_flat_sections_and_by_label() -> None:
    expected = income_expense([("gpb", 10.0)], [{"code": None, "key": "expense_grand_total", "label": "", "amount": 10.0}])
    expected["known_mismatches"] = [
        known("T_income_expense", "amount", 10.0, 10.01, section="income_rows", key="gpb"),
        known("T_income_expense", "amount", 10.0, 10.01, section="expense_rows", key="expense_grand_total"),
    ]
    actual = income_expense([("gpb", 10.01)], [{"code": None, "key": "expense_grand_total", "label": "", "amount": 10.01}])
    assert compare(actual, expected).excused == 2


def test_known_mismatch_for_a_codeless_project() -> None:
    expected = carry(row("unit", values={"total": 4.53}, unit="甲"),
                     row("project", None, {"total": 4.53}, project="昌州财金【2022】33 号", unit="甲"))
    expected["known_mismatches"] = [known("T_carryover", "total", 4.53, 4.52, kind="project",
                                          project="昌州财金【2022】33 号", unit="甲")]
    actual = carry(row("unit", values={"total": 4.53}, unit="甲"),
                   row("project", "2130899", {"total": 4.52}, project="昌州财金【2022】33 号", unit="甲"))
    result = compare(actual, expected)
    assert result.ok and result.excused == 1


# =======================================================================================
# Step 12: result
# =======================================================================================


def test_report_lists_each_mismatch_then_the_count() -> None:
    expected = t(TB, row("class", "2080101", {"total": 3.0, "basic": 3.0}, label="行政运行"))
    actual = t(TB, row("class", "2080101", {"total": 3.5, "basic": 3.0}))
    result = compare(actual, expected)
    lines = result.report().splitlines()
    assert lines[-1] == "1 mismatches in 2 compared figures"
    assert lines[0] == "T_expense.rows class 2080101 (行政运行) [total]: expected 3.00, actual 3.50"
    assert str(result.mismatches[0]) == lines[0]

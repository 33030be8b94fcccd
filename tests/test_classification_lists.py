"""The built-in 政府收支分类科目 lists in xltools/data: shape, hierarchy and the printed names.

Each year's file is read as shipped (not through the year fallback of ``dictionaries.load``),
so a year whose file is missing or broken fails here by name.
"""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from xltools import dictionaries

YEARS = (2023, 2024, 2025, 2026)
KINDS = ("func", "econ", "govecon")
LENGTHS = {"func": (3, 5, 7), "econ": (3, 5), "govecon": (3, 5)}
FIXTURES = Path(__file__).parent / "fixtures"

# The 类 whose 款 must all come with their 项 (issue 12).
FULL_CLASSES = ("201", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214",
                "221", "224")
# 款 of those 类 that are shipped without 项, each for a stated reason (SOURCES.md):
# 20804, 20822 and 21106 have 项 whose names are not certain, nor do those of the fund 款
# 21211 and 21462.  A master's 科目字典 fills them in.
KUAN_WITHOUT_XIANG = {"20804", "20822", "21106", "21211", "21462"}

# 部门经济分类 and 政府经济分类 类 shipped for every year.
ECON_CLASSES = ("301", "302", "303", "307", "309", "310", "311", "312", "313", "399")
GOVECON_CLASSES = ("501", "502", "503", "504", "505", "506", "507", "508", "509", "510", "511",
                   "512", "513", "514", "599")

# The one misprint of the reference documents (SOURCES.md "Misprints"): 表9 of
# 001_6c762a47265865d0 labels 223 and 22301 with the name of the 项 2230105.
MISPRINTS = {("001_6c762a47265865d0", "T_state_capital", "223"),
             ("001_6c762a47265865d0", "T_state_capital", "22301")}


def shipped(kind: str, year: int) -> tuple[list[str], list[tuple[str, str]]]:
    """The header and the (code, name) rows of data/<kind>_<year>.csv, exactly as written."""
    text = resources.files("xltools.data").joinpath(f"{kind}_{year}.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], [(r[0], r[1]) for r in rows[1:]]


@pytest.fixture(scope="module", params=[(k, y) for k in KINDS for y in YEARS],
                ids=lambda p: f"{p[0]}_{p[1]}")
def listing(request):
    kind, year = request.param
    header, rows = shipped(kind, year)
    return kind, year, header, rows


def test_header_and_row_shape(listing):
    kind, year, header, rows = listing
    assert header == ["code", "name"]
    assert rows, f"{kind}_{year}.csv is empty"
    for code, name in rows:
        assert re.fullmatch(r"\d+", code), (kind, year, code)
        assert len(code) in LENGTHS[kind], (kind, year, code)


def test_codes_are_unique_and_sorted_as_text(listing):
    kind, year, _, rows = listing
    codes = [c for c, _ in rows]
    assert len(codes) == len(set(codes)), [c for c in codes if codes.count(c) > 1]
    assert codes == sorted(codes)


def test_names_are_clean(listing):
    kind, year, _, rows = listing
    for code, name in rows:
        assert name, (kind, year, code)
        assert not re.search(r"\s", name), f"{kind}_{year} {code}: whitespace in {name!r}"
        assert not re.search(r"[()]", name), f"{kind}_{year} {code}: half-width bracket in {name!r}"
        assert name.count("（") == name.count("）"), (kind, year, code, name)


def test_every_code_has_its_parents_in_the_same_file(listing):
    kind, year, _, rows = listing
    codes = {c for c, _ in rows}
    for code in codes:
        for length in (3, 5):
            if len(code) > length:
                assert code[:length] in codes, f"{kind}_{year}: {code} lacks {code[:length]}"


def test_class_ranges(listing):
    kind, year, _, rows = listing
    classes = {c for c, _ in rows if len(c) == 3}
    first = {"func": "2", "econ": "3", "govecon": "5"}[kind]
    assert all(c.startswith(first) for c in classes), sorted(classes)
    if kind == "econ":
        assert set(ECON_CLASSES) <= classes and all("301" <= c <= "399" for c in classes)
    if kind == "govecon":
        assert set(GOVECON_CLASSES) <= classes and all("501" <= c <= "599" for c in classes)


@pytest.mark.parametrize("year", YEARS)
def test_every_economic_class_has_its_kuan(year):
    for kind, classes in (("econ", ECON_CLASSES), ("govecon", GOVECON_CLASSES)):
        codes = {c for c, _ in shipped(kind, year)[1]}
        for cls in classes:
            assert any(len(c) == 5 and c.startswith(cls) for c in codes), (kind, year, cls)


@pytest.mark.parametrize("year", YEARS)
def test_all_functional_classes(year):
    classes = {c for c, _ in shipped("func", year)[1] if len(c) == 3}
    expected = {str(c) for c in range(201, 218)} | {str(c) for c in range(219, 225)}
    expected |= {"227", "229", "230", "231", "232", "233", "234"}
    assert classes == expected


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("cls", FULL_CLASSES)
def test_main_classes_have_kuan_with_xiang(year, cls):
    codes = {c for c, _ in shipped("func", year)[1]}
    kuan = sorted(c for c in codes if len(c) == 5 and c.startswith(cls))
    assert len(kuan) >= 3, (cls, kuan)
    bare = [k for k in kuan if k not in KUAN_WITHOUT_XIANG
            and not any(len(c) == 7 and c.startswith(k) for c in codes)]
    assert not bare, f"{year}: 款 without 项 in {cls}: {bare}"


@pytest.mark.parametrize("year", YEARS)
def test_the_codes_issue_12_names(year):
    func = dictionaries.func_names(year)
    assert func["2059999"] == "其他教育支出"
    assert func["2050803"] == "培训支出"
    assert func["20508"] == "进修及培训"
    assert func["20599"] == "其他教育支出"


def printed_pairs():
    """Every (fixture, table, year, code, label) a fixture's expected tables print."""
    for path in sorted(FIXTURES.glob("*/expected.json")):
        doc = json.loads(path.read_text("utf-8"))
        for key, table in doc["tables"].items():
            for part in ("rows", "income_rows", "expense_rows"):
                for row in table.get(part) or []:
                    if row.get("code"):
                        yield path.parent.name, key, doc["year"], row["code"], row["label"]


def test_fixtures_print_codes():
    assert len(list(printed_pairs())) > 400  # the three documents print ~480 coded rows


def test_every_printed_name_is_in_the_list_of_its_year():
    wrong = []
    checked_misprints = set()
    for fixture, table, year, code, label in printed_pairs():
        names = dictionaries.econ_names(year) if code.startswith("3") else \
            dictionaries.func_names(year)
        if (fixture, table, code) in MISPRINTS:
            checked_misprints.add((fixture, table, code))
            assert names.get(code) != label  # the list carries the official name instead
            continue
        if names.get(code) != label:
            wrong.append((fixture, table, code, label, names.get(code)))
    assert not wrong, wrong
    assert checked_misprints == MISPRINTS


def test_govecon_names_by_year():
    assert dictionaries.govecon_names(2024)["501"] == "机关工资福利支出"
    assert dictionaries.govecon_names(2026)["50101"] == "工资奖金津补贴"
    # a later year without its own file uses the newest one shipped
    assert dictionaries.govecon_names(2030) == dictionaries.govecon_names(2026)
    # the copy handed out is the caller's own
    names = dictionaries.govecon_names(2026)
    names["501"] = "改过"
    assert dictionaries.govecon_names(2026)["501"] == "机关工资福利支出"

"""Compare a generator's `xltools tables --json` output with a fixture's expected.json.

This implements tests/fixtures' contract ("Comparing a generator's output with
expected.json", steps 1-12 of the fixtures README) and nothing more: rows are never
matched by position, labels only stand in for a missing key/code/kind, and a figure
counts as equal within 0.005 万元 (half a cent of the printed 2-decimal number).

Vocabulary used below: ACTUAL is the generator's JSON, EXPECTED the fixture's.
A *section* is one list of rows of a table (`rows`, `income_rows`, `expense_rows`).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# A printed figure has 2 decimals, so anything within half a cent is the same figure.
TOLERANCE = 0.005
# Float noise guard: 1.01 - 1.005 must count as "≤ 0.005", not as 0.0050000000000001.
_EPS = 1e-9

# Step 3: T_fiscal's expense rows compare these columns when EXPECTED names none.
_FISCAL_COLUMNS: tuple[str, ...] = ("total", "gpb", "fund", "capital")
# Step 3 exception: these tables are sometimes printed as 合计/基本支出/项目支出.
_BASIC_FROM_PARTS_TABLES = frozenset({"T_gov_fund", "T_state_capital"})
_CODED_KINDS = frozenset({"class", "project"})
_TOTAL_LABELS = frozenset({"总计", "合计", "总额", "合计数"})

# Row families decide how a row is read and identified (steps 3 and 4).
_INCOME = "income"
_EXPENSE = "expense"
_THREE_PUBLIC = "three_public"
_TREE = "tree"

Identity = tuple[str, ...]
Json = Mapping[str, Any]


# ---------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------

_WS_RE = re.compile(r"\s+")
_FULLWIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}
# U+FF01..U+FF5E are the full-width forms of ASCII 0x21..0x7E.
_FULLWIDTH_ASCII = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_LOOSE_DELETE = frozenset(
    "【】[]〔〕（）()「」『』<>《》{}"  # brackets
    "—–－-~～_"  # dashes
    "“”\"'‘’、，,。.：:；;·・"  # marks
    "\u3000"  # ideographic space
)


def _text(value: Any) -> str:
    """JSON null (or anything absent) is the empty string; numbers become their text."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def ws(value: Any) -> str:
    """Remove all whitespace (PDF extraction scatters spaces into names)."""
    return _WS_RE.sub("", _text(value))


def digits(code: Any) -> str:
    """The digits of the leading run of digits/whitespace/'.'/'-': "208 01 01 行政运行" → "2080101"."""
    text = _text(code).translate(_FULLWIDTH_DIGITS)
    kept: list[str] = []
    for ch in text:
        if ch in "0123456789":
            kept.append(ch)
        elif ch.isspace() or ch in ".-":
            continue
        else:
            break
    return "".join(kept)


def loose(value: Any) -> str:
    """ws() without brackets, dashes, punctuation, full-width forms or case.

    Full-width ASCII is folded *before* deleting, so that e.g. ［ or ＿ go the way of [ and _;
    every character the README deletes is still deleted (its full-width members fold onto
    ASCII members of the same list).
    """
    text = ws(value).translate(_FULLWIDTH_ASCII)
    return "".join(ch for ch in text if ch not in _LOOSE_DELETE).lower()


def _number(value: Any) -> float:
    """Step 3: a missing key, null, "" or a non-number counts as 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    number = float(value)
    # NaN would make every comparison false, i.e. silently "equal"; treat it as no number.
    return number if math.isfinite(number) else 0.0


def _is_zero(value: float) -> bool:
    return abs(value) < TOLERANCE


# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------


def _fmt(value: float | str) -> str:
    if isinstance(value, str):
        return repr(value)
    # Show 2 decimals like the tables, unless that would hide the difference.
    return f"{value:.2f}" if abs(value * 100 - round(value * 100)) < 1e-6 else repr(value)


def describe_identity(identity: Identity) -> str:
    """A readable rendering of a row identity, e.g. `project 2080799 «name» @unit`."""
    if not identity:
        return "?"
    head, rest = identity[0], identity[1:]
    if head in _CODED_KINDS or len(identity) == 4:
        code, project, unit = rest
        parts = [head, code or "(no code)"]
        if project:
            parts.append(f"«{project}»")
        if unit:
            parts.append(f"@{unit}")
        return " ".join(parts)
    return " ".join([head, *(f"«{part}»" for part in rest)]) if rest else head


@dataclass(frozen=True)
class Mismatch:
    """One figure (or document field) where ACTUAL differs from EXPECTED."""

    table: str  # canonical table key, or "document" for step 1
    section: str  # rows / income_rows / expense_rows ("" for document fields)
    row: Identity  # the row identity of step 4
    column: str
    expected: float | str
    actual: float | str
    label: str = ""  # the printed label, for people only
    note: str = ""  # why: "no matching row", "extra row", …

    def __str__(self) -> str:
        where = self.table if not self.section else f"{self.table}.{self.section}"
        row = describe_identity(self.row)
        # The label only helps when the identity does not already show it (codes, keys).
        label = f" ({self.label})" if ws(self.label) and ws(self.label) not in ws(row) else ""
        note = f" [{self.note}]" if self.note else ""
        return (
            f"{where} {row}{label} [{self.column}]: "
            f"expected {_fmt(self.expected)}, actual {_fmt(self.actual)}{note}"
        )


@dataclass
class CompareResult:
    mismatches: list[Mismatch] = field(default_factory=list)
    compared: int = 0  # figures counted by steps 9 and 10 (document fields are not figures)
    excused: int = 0  # compared figures that only passed because of known_mismatches

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def report(self) -> str:
        lines = [str(mismatch) for mismatch in self.mismatches]
        lines.append(f"{len(self.mismatches)} mismatches in {self.compared} compared figures")
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Sections and rows
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    table: str
    name: str
    family: str
    columns: tuple[str, ...]  # EXPECTED's columns for this section


@dataclass
class _Row:
    """A row reduced to what the comparison looks at."""

    identity: Identity
    kind: str
    code: str  # digits(code), "" when ignored (step 6) or absent
    project: str  # ws(project)
    unit: str  # ws(unit part); "" when units collapse
    values: dict[str, float]
    label: str
    columns: tuple[str, ...] = ()  # EXPECTED rows only: the printed-columns rule

    @property
    def category(self) -> tuple[str | int, ...]:
        """Step 10: kind + code length for class/project rows; total and unit a category each."""
        if self.kind in (_INCOME, _EXPENSE, _THREE_PUBLIC):
            return (self.kind,)
        if self.kind in ("total", "unit"):
            return (self.kind,)
        return (self.kind, len(self.code))


def _sections(table: str, expected_table: Json) -> list[_Section]:
    """Step 3: which sections a table has and which columns each compares."""
    columns = tuple(c for c in expected_table.get("columns") or () if isinstance(c, str))
    if table == "T_income_expense":
        return [
            _Section(table, "income_rows", _INCOME, ("amount",)),
            _Section(table, "expense_rows", _EXPENSE, ("amount",)),
        ]
    if table == "T_fiscal":
        return [
            _Section(table, "income_rows", _INCOME, ("amount",)),
            _Section(table, "expense_rows", _EXPENSE, columns or _FISCAL_COLUMNS),
        ]
    if table == "T_three_public":
        return [_Section(table, "rows", _THREE_PUBLIC, columns)]
    return [_Section(table, "rows", _TREE, columns)]


def _raw_rows(table: Json | None, section: str) -> list[Json]:
    rows = (table or {}).get(section)
    if not isinstance(rows, list):
        return []
    return [row for row in rows if isinstance(row, Mapping)]


def _values(raw: Json, section: _Section, actual: bool = False) -> dict[str, float]:
    """Step 3: read a row's numbers as {column: value}."""
    if section.family == _INCOME:
        return {"amount": _number(raw.get("amount"))}
    if section.family == _EXPENSE and "values" not in raw:
        # An expense row is read from `values` whenever it has that key, so a
        # T_income_expense row must carry `amount` (and a T_fiscal row `values`).
        return {"amount": _number(raw.get("amount"))}
    printed = raw.get("values")
    values = {k: _number(v) for k, v in printed.items()} if isinstance(printed, Mapping) else {}
    if actual and section.table in _BASIC_FROM_PARTS_TABLES and "basic" not in values:
        # EXPECTED may print 合计/基本支出/项目支出 while a generator prints personnel/public.
        # Deriving unconditionally is harmless: ACTUAL columns EXPECTED lacks are never read.
        values["basic"] = values.get("personnel", 0.0) + values.get("public", 0.0)
    return values


def _printed_columns(raw: Json, section: _Section) -> tuple[str, ...]:
    """Printed-columns rule: the table's columns plus any other key printed in this row."""
    if section.family == _INCOME or (section.family == _EXPENSE and "values" not in raw):
        return section.columns
    printed = raw.get("values")
    extra = [k for k in printed if k not in section.columns] if isinstance(printed, Mapping) else []
    return section.columns + tuple(extra)


def _three_public_key(raw: Json) -> str:
    """Step 4: a T_three_public row is its key, or a key read from its label."""
    key = ws(raw.get("key"))
    if key:
        return key
    label = ws(raw.get("label"))
    # Order matters: "公务用车购置及运行维护费（小计）" names both 购置 and 运行.
    for needles, derived in (
        (("小计",), "vehicle"),
        (("购置",), "vehicle_purchase"),
        (("运行",), "vehicle_operation"),
        (("出国", "出境"), "abroad"),
        (("接待",), "reception"),
        (("合计", "总计"), "total"),
    ):
        if any(needle in label for needle in needles):
            return derived
    return label


def tree_kind(raw: Json) -> str:
    """Step 4: a tree row's kind, inferred when the row has none; unit_total counts as unit."""
    kind = raw.get("kind")
    if isinstance(kind, str) and kind.strip():
        kind = kind.strip()
        return "unit" if kind == "unit_total" else kind
    if ws(raw.get("project")):
        return "project"
    if ws(raw.get("code")):
        return "class"
    label = ws(raw.get("label"))
    if label in _TOTAL_LABELS or (len(label) <= 4 and label.endswith("总计")):
        return "total"
    return "unit"


def _unit_name(raw: Json) -> str:
    """A unit row is named by its `unit`, or by its label when that is empty."""
    return ws(raw.get("unit")) or ws(raw.get("label"))


def _flat_row(raw: Json, section: _Section, actual: bool = False) -> _Row:
    """Income, expense and T_three_public rows: no kinds, no units (step 4)."""
    values = _values(raw, section, actual)
    label = _text(raw.get("label"))
    if section.family == _INCOME:
        identity: Identity = (_INCOME, ws(raw.get("key")))
    elif section.family == _EXPENSE:
        # A row without a code (支出总计) is identified by its key instead.
        identity = (_EXPENSE, digits(raw.get("code")) or ws(raw.get("key")))
    else:
        identity = (_THREE_PUBLIC, _three_public_key(raw))
    return _Row(identity, section.family, "", "", "", values, label)


def _tree_identity(kind: str, code: str, project: str, unit: str, unit_name: str) -> Identity:
    if kind == "total":
        return ("total",)
    if kind == "unit":
        return ("unit", unit_name)
    return (kind, code, project, unit)


# ---------------------------------------------------------------------------
# Per-table context: unit handling (step 5) and codeless projects (step 6)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _TreeMode:
    per_unit: bool  # EXPECTED prints unit rows → match within units; else collapse
    codeless_projects: bool  # step 6: EXPECTED's project rows carry no code


def _tree_mode(expected_rows: Sequence[Json]) -> _TreeMode:
    kinds = [tree_kind(raw) for raw in expected_rows]
    projects = [raw for raw, kind in zip(expected_rows, kinds) if kind == "project"]
    return _TreeMode(
        per_unit="unit" in kinds,
        codeless_projects=bool(projects) and not any(digits(r.get("code")) for r in projects),
    )


def _expected_tree_rows(raws: Sequence[Json], section: _Section, mode: _TreeMode) -> list[_Row]:
    rows: list[_Row] = []
    current_unit = ""  # a class/project row belongs to the unit row printed above it
    for raw in raws:
        kind = tree_kind(raw)
        code = digits(raw.get("code"))
        if kind == "project" and mode.codeless_projects:
            code = ""
        unit_name = _unit_name(raw) if kind == "unit" else ""
        if kind == "unit":
            current_unit = unit_name
        unit = (ws(raw.get("unit")) or current_unit) if mode.per_unit else ""
        identity = _tree_identity(kind, code, ws(raw.get("project")), unit, unit_name)
        rows.append(
            _Row(
                identity,
                kind,
                code,
                ws(raw.get("project")),
                unit if kind not in ("total", "unit") else unit_name,
                _values(raw, section),
                _text(raw.get("label")),
                _printed_columns(raw, section),
            )
        )
    return rows


def _unit_names(rows: Iterable[tuple[str, str]]) -> list[str]:
    """Distinct non-empty unit names in first-seen order, from (kind, name) pairs."""
    seen: dict[str, None] = {}
    for _kind, name in rows:
        if name:
            seen.setdefault(name, None)
    return list(seen)


def reconcile_units(actual_units: Sequence[str], expected_units: Sequence[str]) -> dict[str, str]:
    """Step 5: rename ACTUAL's units to EXPECTED's spelling; returns {actual name: new name}."""
    if len(actual_units) == 1 and len(expected_units) == 1:
        # One unit on each side: it is the same unit, however it is spelt.
        return {actual_units[0]: expected_units[0]}
    renames: dict[str, str] = {}
    for name in actual_units:
        if name in expected_units:
            continue
        mine = loose(name)
        if not mine:
            continue  # "" is contained in every name; it identifies nothing
        candidates = [
            theirs
            for theirs in expected_units
            if (other := loose(theirs)) and (mine == other or mine in other or other in mine)
        ]
        if len(candidates) == 1:
            renames[name] = candidates[0]
    return renames


def _actual_tree_rows(
    raws: Sequence[Json], section: _Section, mode: _TreeMode, expected: Sequence[_Row]
) -> list[_Row]:
    kinds = [tree_kind(raw) for raw in raws]
    if not mode.per_unit:
        # Unit-row collapse: drop ACTUAL's unit rows and ignore the unit of the others.
        kept = [(raw, kind) for raw, kind in zip(raws, kinds) if kind != "unit"]
        renames: dict[str, str] = {}
    else:
        kept = list(zip(raws, kinds))
        actual_units = _unit_names(
            (kind, _unit_name(raw) if kind == "unit" else ws(raw.get("unit")))
            for raw, kind in kept
            if kind == "unit" or kind in _CODED_KINDS
        )
        expected_units = _unit_names(
            (row.kind, row.unit) for row in expected if row.kind == "unit" or row.kind in _CODED_KINDS
        )
        renames = reconcile_units(actual_units, expected_units)

    rows: list[_Row] = []
    for raw, kind in kept:
        code = digits(raw.get("code"))
        if kind == "project" and mode.codeless_projects:
            code = ""  # step 6: matched by name only, codes ignored
        unit_name = ""
        unit = ""
        if mode.per_unit:
            # ACTUAL rows belong to the unit their own `unit` names (no inheritance).
            own = _unit_name(raw) if kind == "unit" else ws(raw.get("unit"))
            own = renames.get(own, own)
            unit_name = own if kind == "unit" else ""
            unit = own if kind != "total" else ""
        project = ws(raw.get("project"))
        identity = _tree_identity(kind, code, project, unit, unit_name)
        rows.append(
            _Row(identity, kind, code, project, unit, _values(raw, section, True), _text(raw.get("label")))
        )
    return _merge_duplicates(rows, sum_all=not mode.per_unit)


def _merge_duplicates(rows: Sequence[_Row], sum_all: bool) -> list[_Row]:
    """Step 7: class/project duplicates are summed (all rows when units collapse);
    otherwise the first row with an identity is used."""
    merged: dict[Identity, _Row] = {}
    for row in rows:
        first = merged.get(row.identity)
        if first is None:
            merged[row.identity] = _Row(
                row.identity, row.kind, row.code, row.project, row.unit, dict(row.values), row.label
            )
        elif sum_all or row.kind in _CODED_KINDS:
            for column, value in row.values.items():
                first.values[column] = first.values.get(column, 0.0) + value
    return list(merged.values())


def _flat_actual_rows(raws: Sequence[Json], section: _Section) -> list[_Row]:
    # Flat rows are neither class nor project rows, so the first of each identity is used.
    return _merge_duplicates([_flat_row(raw, section, True) for raw in raws], sum_all=False)


# ---------------------------------------------------------------------------
# Matching (step 8)
# ---------------------------------------------------------------------------


def _match(expected: Sequence[_Row], actual: Sequence[_Row], per_unit: bool) -> list[int | None]:
    """For each EXPECTED row, the index of its ACTUAL row, or None."""
    by_identity = {row.identity: i for i, row in enumerate(actual)}  # unique after merging
    result: list[int | None] = [by_identity.get(row.identity) for row in expected]
    # Exact identities are claimed first, so that a loose match for an earlier EXPECTED
    # row cannot take the ACTUAL row a later EXPECTED row matches exactly.
    matched = {i for i in result if i is not None}

    for position, row in enumerate(expected):
        if result[position] is not None or row.kind not in _CODED_KINDS:
            continue
        same_code = [
            i
            for i, other in enumerate(actual)
            if i not in matched and other.kind == row.kind and other.code == row.code
        ]
        project = loose(row.project)
        same_name = [i for i in same_code if loose(actual[i].project) == project]
        candidates = [i for i in same_name if loose(actual[i].unit) == loose(row.unit)]
        if len(candidates) == 1:
            chosen: int | None = candidates[0]
        elif not candidates and per_unit and len(same_name) == 1:
            # Stage 3: the row sits in another (or no) unit in ACTUAL.
            chosen = same_name[0]
        else:
            chosen = None  # ambiguous, or nothing: compared against zeros
        if chosen is not None:
            result[position] = chosen
            matched.add(chosen)
    return result


# ---------------------------------------------------------------------------
# Known mismatches (step 11)
# ---------------------------------------------------------------------------

_KnownPlace = tuple[str, str, Identity, str]


def _known_identity(entry: Json, section: _Section, mode: _TreeMode | None) -> Identity:
    """The identity of a known_mismatches entry, built from its fields exactly as in step 4."""
    if section.family != _TREE or mode is None:
        return _flat_row(entry, section).identity
    kind = tree_kind(entry)
    code = digits(entry.get("code"))
    if kind == "project" and mode.codeless_projects:
        code = ""
    # The unit part only applies when EXPECTED's table prints unit rows.
    unit = ws(entry.get("unit")) if mode.per_unit else ""
    return _tree_identity(kind, code, ws(entry.get("project")), unit, _unit_name(entry))


def _known_places(expected: Json) -> dict[_KnownPlace, float]:
    tables = expected.get("tables") or {}
    places: dict[_KnownPlace, float] = {}
    for entry in expected.get("known_mismatches") or []:
        if not isinstance(entry, Mapping):
            continue
        table_name = _text(entry.get("table"))
        table = tables.get(table_name)
        if not isinstance(table, Mapping):
            continue
        for section in _sections(table_name, table):
            if section.name != _text(entry.get("section")):
                continue
            mode = _tree_mode(_raw_rows(table, section.name)) if section.family == _TREE else None
            identity = _known_identity(entry, section, mode)
            place = (table_name, section.name, identity, _text(entry.get("column")))
            places[place] = _number(entry.get("reproducible_value"))
    return places


# ---------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------


class _Comparison:
    def __init__(self, expected: Json) -> None:
        self.result = CompareResult()
        self.known = _known_places(expected)

    def figure(self, section: _Section, row: _Row, column: str, e: float, a: float, note: str) -> None:
        """Step 9: one figure; step 11 may excuse it."""
        if _is_zero(e) and _is_zero(a):
            return
        self.result.compared += 1
        if abs(e - a) <= TOLERANCE + _EPS:
            return
        reproducible = self.known.get((section.table, section.name, row.identity, column))
        if reproducible is not None and abs(a - reproducible) <= TOLERANCE + _EPS:
            self.result.excused += 1
            return
        self.result.mismatches.append(
            Mismatch(section.table, section.name, row.identity, column, e, a, row.label, note)
        )

    def section(self, section: _Section, expected_table: Json, actual_table: Json | None) -> None:
        expected_raw = _raw_rows(expected_table, section.name)
        actual_raw = _raw_rows(actual_table, section.name)
        per_unit = False
        if section.family == _TREE:
            mode = _tree_mode(expected_raw)
            per_unit = mode.per_unit
            expected = _expected_tree_rows(expected_raw, section, mode)
            actual = _actual_tree_rows(actual_raw, section, mode, expected)
        else:
            expected = [_flat_row(raw, section) for raw in expected_raw]
            for row, raw in zip(expected, expected_raw):
                row.columns = _printed_columns(raw, section)
            actual = _flat_actual_rows(actual_raw, section)

        matches = _match(expected, actual, per_unit)
        for row, index in zip(expected, matches):
            other = actual[index].values if index is not None else {}
            note = "" if index is not None else "no matching row"
            for column in row.columns:
                self.figure(section, row, column, row.values.get(column, 0.0), other.get(column, 0.0), note)

        used = set(matches)
        self.extra_rows(section, expected, [row for i, row in enumerate(actual) if i not in used])

    def extra_rows(self, section: _Section, expected: Sequence[_Row], extra: Sequence[_Row]) -> None:
        """Step 10: a row only ACTUAL prints is fine when it is zero or of a category
        EXPECTED does not print in this section; otherwise its figures are mismatches against 0."""
        categories = {row.category for row in expected}
        for row in extra:
            if row.category not in categories:
                continue
            for column in section.columns:
                value = row.values.get(column, 0.0)
                if not _is_zero(value):
                    self.result.compared += 1
                    self.result.mismatches.append(
                        Mismatch(section.table, section.name, row.identity, column, 0.0, value, row.label, "extra row")
                    )

    def document(self, actual: Json, expected: Json) -> None:
        """Step 1: year and kind as strings, entity after ws; not compared figures."""
        for name, normalise in (("year", _text), ("kind", _text), ("entity", ws)):
            e, a = normalise(expected.get(name)), normalise(actual.get(name))
            if e != a:
                self.result.mismatches.append(Mismatch("document", "", (name,), name, e, a))


def compare(actual: Json, expected: Json) -> CompareResult:
    """Compare ACTUAL (`xltools tables --json`) with EXPECTED (a fixture's expected.json)."""
    comparison = _Comparison(expected)
    comparison.document(actual, expected)
    actual_tables = actual.get("tables")
    if not isinstance(actual_tables, Mapping):
        actual_tables = {}
    expected_tables = expected.get("tables") or {}
    # Step 2: every EXPECTED table; one only ACTUAL prints is ignored; a missing one is empty.
    for name, expected_table in expected_tables.items():
        if not isinstance(expected_table, Mapping):
            continue
        actual_table = actual_tables.get(name)
        if not isinstance(actual_table, Mapping):
            actual_table = None
        for section in _sections(name, expected_table):
            comparison.section(section, expected_table, actual_table)
    return comparison.result


def compare_files(actual_path: str | Path, expected_path: str | Path) -> CompareResult:
    """Convenience for scripts: compare two JSON files."""
    actual = json.loads(Path(actual_path).read_text(encoding="utf-8"))
    expected = json.loads(Path(expected_path).read_text(encoding="utf-8"))
    return compare(actual, expected)


def main(argv: Sequence[str] | None = None) -> int:
    """`python tests/support/compare.py ACTUAL.json EXPECTED.json` prints the report."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python tests/support/compare.py ACTUAL.json EXPECTED.json", file=sys.stderr)
        return 2
    result = compare_files(args[0], args[1])
    print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

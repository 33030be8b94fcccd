"""Fill the tables of a 表样 from the budget lines.

The lines are grouped into atoms (lines no table can tell apart, atoms.py) and every
figure gets the integer array of the atoms it adds up: per section, atoms are selected by
column masks and grouped by the fields its row scheme looks at, so the scheme is asked
once per distinct combination, not once per atom.  Rounding then picks each atom's whole number of 百元 (see
rounding.py) and every cell becomes an exact integer sum — so every identity of tables.md
holds by construction, in every table and across tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd

from ..findings import Finding, info
from ..model import Master
from ..money import FEN_PER_BAIYUAN, format_wan
from ..rounding import controlled_round
from ..sources import NAMES as SOURCE_ORDER
from .profiles import PROFILES, Profile, published_tables
from .atoms import Atom, AtomTable, make_atoms
from .rows import Context, Row
from .spec import TableSpec, table_specs

_SOURCE_RANK = {name: i for i, name in enumerate(SOURCE_ORDER)}


@dataclass
class SectionResult:
    name: str
    columns: tuple[str, ...]
    column_labels: tuple[str, ...]
    single: bool
    rows: list[tuple[Row, dict[str, int]]]  # values in 百元, zeros omitted


@dataclass
class TableResult:
    key: str
    no: int
    title: str
    empty: bool
    empty_note: str | None
    sections: list[SectionResult]

    def section(self, name: str) -> SectionResult:
        return next(s for s in self.sections if s.name == name)


@dataclass
class TableSet:
    entity: str
    year: int
    kind: str
    profile: str
    tables: dict[str, TableResult]
    findings: list[Finding] = field(default_factory=list)
    # the rounded atoms, for callers that sum lines again (functions in cells, narrative)
    atoms: list[Atom] = field(default_factory=list, repr=False)
    rounded: list[int] = field(default_factory=list, repr=False)
    # 功能分类 names, for writers that print a project's 项 name beside it (表7)
    func_names: dict[str, str] = field(default_factory=dict, repr=False)


def build_tables(master: Master) -> TableSet:
    info_ = master.info
    profile: Profile = PROFILES[info_.profile]
    table = make_atoms(master.lines)
    atoms = table.atoms
    has_carry = bool(((table.frame["source"].str.startswith("上年结转"))
                      & (table.frame["amount"] != 0)).any())
    keys = published_tables(profile, info_.carryover_table, has_carry)
    specs = table_specs(info_.income_columns == 12, profile.carryover_title)
    units = _column(ln.unit for ln in master.lines)
    projects = _column(ln.project for ln in master.lines)
    shown_under = units if info_.kind == "部门" else np.full(len(units), None, dtype=object)
    ctx = Context(
        kind=info_.kind, entity=info_.entity, func_names=master.func_names,
        econ_names=master.econ_names, total_first=profile.total_first,
        total_label=profile.total_label, unit_order=_first_seen(units),
        # keyed by the unit a row is shown under: a 单位 shows every project under None
        project_order=_first_seen_pairs(shown_under, projects),
    )

    # Cells: (table, section, row key, column) → index; members: cell → atom indices.
    cell_index: dict[tuple, int] = {}
    members: list[np.ndarray] = []
    for t in keys:
        for sec in specs[t].sections:
            for ref, idx in _section_cells(t, sec, table, ctx):
                cell_index[ref] = len(members)
                members.append(idx)

    exact = table.frame["amount"].to_numpy(dtype=np.int64)
    order = _atom_order(table)
    result = controlled_round(exact, members, order=order, unit=FEN_PER_BAIYUAN)
    rounded = np.asarray(result.rounded, dtype=np.int64)
    values = [int(rounded[m].sum()) for m in members]

    by_section: dict[tuple, dict[tuple, dict[str, int]]] = {}
    for (t, s, rk, col), idx in cell_index.items():
        if values[idx]:
            by_section.setdefault((t, s), {}).setdefault(rk, {})[col] = values[idx]
    tables: dict[str, TableResult] = {}
    for no, t in enumerate(keys, start=1):
        tables[t] = _assemble(specs[t], no, ctx, info_, by_section)
    findings = _deviation_findings(result.deviations, cell_index, values, tables,
                                   result.unavoidable)
    return TableSet(info_.entity, info_.year, info_.kind, info_.profile, tables, findings,
                    atoms, [int(r) for r in result.rounded], dict(master.func_names))


def _section_cells(t: str, sec, table: AtomTable, ctx: Context) -> list[tuple[tuple, np.ndarray]]:
    """The section's cells with their atoms (ascending), in the order a walk over the
    atoms would meet them — atom by atom, row key by row key, column by column — which is
    the order rounding and its findings were defined on."""
    picked = np.flatnonzero(table.mask(sec.select))
    if not len(picked):
        return []
    col_masks = [(c.key, table.mask(c.select)) for c in sec.columns]
    parts: dict[tuple, list[np.ndarray]] = {}
    first: dict[tuple, tuple[int, int, int]] = {}
    fields = list(sec.rows.depends)
    groups = table.frame.iloc[picked].groupby(fields, sort=False, dropna=False).indices
    for positions in groups.values():
        group = picked[positions]
        atom = table.atoms[group[0]]
        in_cols = [(j, col, idx) for j, (col, mask) in enumerate(col_masks)
                   if len(idx := group[mask[group]])]
        for k, rk in enumerate(sec.rows.keys(atom, ctx)):
            for j, col, idx in in_cols:
                ref = (t, sec.name, rk, col)
                seen = (int(idx[0]), k, j)
                if ref in first:
                    parts[ref].append(idx)
                    if seen < first[ref]:
                        first[ref] = seen
                else:
                    parts[ref] = [idx]
                    first[ref] = seen
    # a cell's atoms in no particular order: rounding takes them as a set
    cells = [(ref, np.concatenate(p) if len(p) > 1 else p[0]) for ref, p in parts.items()]
    cells.sort(key=lambda cell: first[cell[0]])
    return cells


def _atom_order(table: AtomTable) -> np.ndarray:
    """Atoms sorted by (功能分类, source rank, type, 经济分类, unit, project): the 功能分类
    tree first, so every tree figure of every source is a contiguous run."""
    f = table.frame
    rank = f["source"].map(_SOURCE_RANK).fillna(99).to_numpy(dtype=np.int64)
    keys = [pd.factorize(f[name].fillna("") if name == "project" else f[name], sort=True)[0]
            for name in ("func", "type", "econ", "unit", "project")]
    func, type_, econ, unit, project = keys
    return np.lexsort((project, unit, econ, type_, rank, func)).astype(np.int64)


def _column(values) -> np.ndarray:
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _none(u):
    return None if u is None or (isinstance(u, float) and u != u) else u


def _first_seen(values: np.ndarray) -> dict:
    """value → rank of its first appearance."""
    _, uniques = pd.factorize(values, use_na_sentinel=False)
    return {_none(u): i for i, u in enumerate(uniques.tolist())}


def _first_seen_pairs(a: np.ndarray, b: np.ndarray) -> dict:
    """(a, b) → rank of the pair's first appearance."""
    ca, ua = pd.factorize(a, use_na_sentinel=False)
    cb, ub = pd.factorize(b, use_na_sentinel=False)
    keys = ca.astype(np.int64) * (len(ub) + 1) + cb
    _, first = np.unique(keys, return_index=True)
    first.sort()
    ua, ub = [_none(u) for u in ua], [_none(u) for u in ub]
    return {(ua[ca[i]], ub[cb[i]]): rank for rank, i in enumerate(first.tolist())}


def _assemble(spec: TableSpec, no: int, ctx: Context, info_, by_section) -> TableResult:
    """Lay out the rows of each section; ``by_section`` holds the non-zero cell values."""
    sections = []
    any_value = False
    for sec in spec.sections:
        col_keys = tuple(c.key for c in sec.columns)
        cells = by_section.get((spec.key, sec.name), {})
        rows = []
        for row in sec.rows.layout(set(cells), ctx):
            vals = {col: cells[row.key][col] for col in col_keys if col in cells.get(row.key, {})}
            any_value = any_value or bool(vals)
            rows.append((row, vals))
        sections.append(SectionResult(sec.name, col_keys, tuple(c.label for c in sec.columns),
                                      sec.single, rows))
    title = spec.title.format(kind=ctx.kind)
    note = None if any_value else (
        f"{ctx.entity}{info_.year}年没有使用{spec.empty_subject}安排的支出，{title}为空表。")
    return TableResult(spec.key, no, title, not any_value, note, sections)


# What a deviation means to the accountant: all tables still balance exactly; the figure is
# off because the tables could not balance otherwise (proven), or the solver ran out of time.
_UNAVOIDABLE = ("要使各表合计与明细、表与表之间的数字分毫不差，这个数无法再接近精确值：这是万元取两位"
                "小数后舍位平衡的必然结果，不是底稿错误，无需修改；如被问及，可说明差额来自舍位平衡。")
_NOT_PROVEN = ("各表仍分毫不差地平衡，但舍位计算在限定时间内未能让这个数更接近精确值；"
               "可在空闲时重新生成一次，或核对后按此公开。")


def _deviation_findings(deviations, cell_index, values, tables, unavoidable=True) -> list[Finding]:
    if not deviations:
        return []
    by_index = {idx: ref for ref, idx in cell_index.items()}
    out = []
    for idx, dev in sorted(deviations.items()):
        t, sec, rk, col = by_index[idx]
        dev = int(dev)
        table = tables[t]
        label = next((r.label for r, _ in table.section(sec).rows if r.key == rk), str(rk))
        exact = Decimal(values[idx] * FEN_PER_BAIYUAN - dev).scaleb(-6)
        out.append(info(
            "rounding-deviation", f"表{table.no}", None,
            f"{table.title}“{label}”{col} 列舍位后为 {format_wan(values[idx])} 万元，"
            f"与精确值 {exact} 万元相差 {abs(Decimal(dev).scaleb(-6))} 万元（不小于 0.01 万元）。"
            + (_UNAVOIDABLE if unavoidable else _NOT_PROVEN),
            expected=str(exact), actual=format_wan(values[idx])))
    return out

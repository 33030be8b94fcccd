"""Fill the tables of a 表样 from the budget lines.

The lines are grouped into atoms (lines no table can tell apart, atoms.py) and every
figure gets the integer array of the atoms it adds up: per section, atoms are selected by
column masks and grouped by the fields its row scheme looks at, so the scheme is asked
once per distinct combination, not once per atom; the memberships are then laid out with
numpy as one compressed sparse array (figure → atoms) for the whole disclosure.  Rounding
then picks each atom's whole number of 百元 (see rounding.py) and every cell becomes an
exact integer sum — so every identity of tables.md holds by construction, in every table
and across tables.  All of this but the rounding and the sums depends on the lines' fields,
not their amounts (``Layout``): a rebuild after an edit of amounts takes it over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

import numpy as np

from ..findings import Finding, info
from ..model import Master
from ..money import FEN_PER_BAIYUAN, format_wan
from ..rounding import controlled_round
from ..rounding_exact import Cells
from ..rounding_memo import RoundingMemo
from ..sources import BY_NAME, NAMES as SOURCE_ORDER, SOURCES
from .profiles import PROFILES, Profile, published_tables
from .atoms import FIELDS, Atom, AtomTable, LazyAtoms, make_atoms
from .rows import Context, FixedRows, Row
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
    atoms: Sequence[Atom] = field(default_factory=list, repr=False)
    rounded: list[int] = field(default_factory=list, repr=False)
    # 功能分类 names, for writers that print a project's 项 name beside it (表7)
    func_names: dict[str, str] = field(default_factory=dict, repr=False)
    # what the figures are, for a rebuild after an edit of amounts only (build_tables(reuse=))
    layout: "Layout | None" = field(default=None, repr=False)


@dataclass(frozen=True)
class Layout:
    """What the figures are, apart from the amounts: which tables, their rows' context,
    every figure as (table, section, row key, column) with the atoms it sums, and the order
    rounding walks the atoms in.  After an edit that changes only amounts it is the same,
    so a caller that rebuilds the tables again and again (the worksheet functions) hands
    the last one back to ``build_tables`` and only the rounding and the sums are redone."""

    key: tuple  # everything the layout was made from, apart from the amounts
    ctx: Context
    keys: list[str]
    specs: dict[str, TableSpec]
    refs: list[tuple]  # per figure: (table, section, row key, column)
    cells: Cells  # per figure, its atoms (ascending)
    order: np.ndarray
    # per (table, section): where its figures sit in a grid of its rows and columns
    grids: dict[tuple, "_Grid"] = field(default_factory=dict)


class _Grid(NamedTuple):
    """A section's figures ``start`` … ``start + len(rows)`` in its grid: figure
    ``start + i`` is in row ``rows[i]`` (of ``row_keys``) and column ``cols[i]``."""

    start: int
    row_keys: list[tuple]
    rows: np.ndarray
    cols: np.ndarray
    n_cols: int


def build_tables(master: Master, reuse: Layout | None = None,
                 memo: RoundingMemo | None = None) -> TableSet:
    """The tables of ``master``; ``reuse`` is the layout of a previous build of the same
    workbook (``TableSet.layout``), taken when nothing but amounts changed; ``memo`` keeps
    and gives back the rounding's answers (rounding_memo)."""
    info_ = master.info
    table = make_atoms(master.lines)
    layout = _layout(master, table, reuse)
    exact = table.amount
    result = controlled_round(exact, layout.cells, order=layout.order, unit=FEN_PER_BAIYUAN,
                              memo=memo)
    values = result.totals

    by_section: dict[tuple, dict[tuple, list[int]]] = {}
    for place, grid in layout.grids.items():
        # the values laid out in the section's rows and columns, and per row that holds one
        # its values column by column (zero where none)
        values_at = np.zeros((len(grid.row_keys), grid.n_cols), np.int64)
        values_at[grid.rows, grid.cols] = values[grid.start:grid.start + len(grid.rows)]
        held = np.flatnonzero(values_at.any(axis=1))
        by_section[place] = dict(zip([grid.row_keys[r] for r in held.tolist()],
                                     values_at[held].tolist()))
    tables: dict[str, TableResult] = {}
    for no, t in enumerate(layout.keys, start=1):
        tables[t] = _assemble(layout.specs[t], no, layout.ctx, info_, by_section)
    findings = _deviation_findings(result.deviations, layout.refs, values, tables,
                                   result.unavoidable)
    return TableSet(info_.entity, info_.year, info_.kind, info_.profile, tables, findings,
                    LazyAtoms(table), result.rounded, dict(master.func_names), layout)


def _layout(master: Master, table: AtomTable, reuse: Layout | None) -> Layout:
    info_ = master.info
    profile: Profile = PROFILES[info_.profile]
    has_carry = bool((table.where("source", lambda s: s.startswith("上年结转"))
                      & (table.amount != 0)).any())
    unit_order = {unit: rank for (unit,), rank in table.first_seen(("unit",)).items()}
    # keyed by the unit a row is shown under: a 单位 shows every project under None
    project_order = table.first_seen(("unit" if info_.kind == "部门" else None, "project"))
    key = (info_, has_carry, master.func_names, master.econ_names, unit_order, project_order,
           tuple(tuple(table.uniques[name]) for name in FIELDS),
           np.stack([table.codes[name] for name in FIELDS]).tobytes())
    if reuse is not None and _same_key(reuse.key, key):
        return reuse
    keys = published_tables(profile, info_.carryover_table, has_carry)
    specs = table_specs(info_.income_columns == 12, profile.carryover_title)
    ctx = Context(
        kind=info_.kind, entity=info_.entity, func_names=master.func_names,
        econ_names=master.econ_names, total_first=profile.total_first,
        total_label=profile.total_label, unit_order=unit_order, project_order=project_order,
    )
    refs: list[tuple] = []
    sizes, members = [], []
    masks: dict = {}
    grids: dict[tuple, _Grid] = {}
    for t in keys:
        for sec in specs[t].sections:
            r, n, m, row_keys, cell = _section_cells(t, sec, table, ctx, masks)
            grids[t, sec.name] = _Grid(len(refs), row_keys, cell // len(sec.columns),
                                       cell % len(sec.columns), len(sec.columns))
            refs += r
            sizes.append(n)
            members.append(m)
    indptr = np.zeros(len(refs) + 1, np.int64)
    if refs:
        np.cumsum(np.concatenate(sizes), out=indptr[1:])
    indices = np.concatenate(members) if members else np.zeros(0, np.int32)
    return Layout(key, ctx, keys, specs, refs, Cells(indptr, indices), _atom_order(table),
                  grids)


def _same_key(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x is y or x == y for x, y in zip(a, b))


def _section_cells(t: str, sec, table: AtomTable, ctx: Context, masks: dict
                   ) -> tuple[list[tuple], np.ndarray, np.ndarray, list[tuple], np.ndarray]:
    """The section's cells — their references, sizes and atoms (ascending, one run per
    cell), its row keys and each cell's place (row × columns + column) — in the order a walk over the atoms would meet them: atom by atom, row key by
    row key, column by column, which is the order rounding and its findings were defined on.

    The row scheme is asked once per distinct combination of the fields it looks at; the
    memberships are then numpy arrays, a column at a time: every (atom, row key) pair of the
    column sorted by row, so each of its cells is a run of ascending atoms.  ``masks`` keeps
    the atoms each column's selection takes, for the next section with the same one."""
    picked = np.flatnonzero(table.mask(sec.select))
    if not len(picked):
        return [], np.zeros(0, np.int64), np.zeros(0, np.int32), [], np.zeros(0, np.int64)
    group, first = table.groups(sec.rows.depends, picked)
    n_keys, row_of_pair, row_keys_of = _row_pairs(sec.rows, table, picked[first], ctx)
    pair_start = np.cumsum(n_keys) - n_keys
    n_rows = len(row_keys_of)
    group_of_pair = np.repeat(np.arange(len(n_keys)), n_keys)

    member_parts, size_parts, head_parts, k_parts, cell_parts = [], [], [], [], []
    kind = np.int32 if len(row_of_pair) < 2**31 else np.int64
    for j, col in enumerate(sec.columns):
        if col.select not in masks:
            masks[col.select] = table.mask(col.select)
        inside = masks[col.select][picked]
        atoms, g = picked[inside].astype(np.int32), group[inside]
        if not len(atoms):
            continue
        reps = n_keys[g]
        # entry e of an atom: its group's pairs, one after another (int32: half the bytes)
        pair = np.repeat((pair_start[g] - (np.cumsum(reps) - reps)).astype(kind), reps)
        pair += np.arange(len(pair), dtype=kind)
        row = row_of_pair[pair]
        # Stable by row: within a cell the entries stay by atom.
        by_row = _stable_order(row, n_rows)
        sizes = np.bincount(row, minlength=n_rows)
        rows = np.flatnonzero(sizes)
        sizes = sizes[rows]
        head_entry = by_row[np.cumsum(sizes) - sizes]
        head_pair = pair[head_entry].astype(np.int64)
        member_parts.append(np.repeat(atoms, reps)[by_row])
        size_parts.append(sizes)
        head_parts.append(member_parts[-1][np.cumsum(sizes) - sizes])
        k_parts.append(head_pair - pair_start[group_of_pair[head_pair]])
        cell_parts.append(rows * len(sec.columns) + j)
        del pair, row, by_row
    if not member_parts:  # no column takes any of the section's atoms
        return [], np.zeros(0, np.int64), np.zeros(0, np.int32), [], np.zeros(0, np.int64)
    members = np.concatenate(member_parts)
    del member_parts
    sizes, head, k, cell = (np.concatenate(p) for p in (size_parts, head_parts, k_parts, cell_parts))
    # each cell's first entry is its smallest atom: cells by (that atom, row key, column)
    seq = np.lexsort((cell % len(sec.columns), k, head))
    starts = np.cumsum(sizes) - sizes
    # the cells' runs laid out again in that order
    kind = np.int32 if len(members) < 2**31 else np.int64
    take = np.repeat((starts[seq] - (np.cumsum(sizes[seq]) - sizes[seq])).astype(kind), sizes[seq])
    take += np.arange(len(members), dtype=kind)
    columns = [c.key for c in sec.columns]
    n_cols = len(columns)
    cell = cell[seq]
    refs = [(t, sec.name, row_keys_of[i // n_cols], columns[i % n_cols]) for i in cell.tolist()]
    return refs, sizes[seq], members[take], row_keys_of, cell


def _row_pairs(scheme, table: AtomTable, atoms: np.ndarray, ctx: Context
               ) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
    """For each of ``atoms`` (one per group), how many row keys it adds into and, one after
    another, their rows; and the row keys by row.  Fixed rows are told by their selections
    over all the atoms at once, a row at a time; other schemes are asked atom by atom."""
    if isinstance(scheme, FixedRows):
        hit = np.array([table.mask(r.select, atoms) for r in scheme.rows], bool).reshape(
            len(scheme.rows), len(atoms))
        _, row = np.nonzero(hit.T)  # atom by atom, rows in the scheme's order
        return (hit.sum(axis=0).astype(np.int64), row.astype(np.int32),
                [("fixed", r.key) for r in scheme.rows])
    row_of: dict[tuple, int] = {}
    pair_row: list[int] = []  # per (atom, k): the row of the atom's k-th row key
    counts: list[int] = []
    for atom in table.atoms_at(atoms):
        row_keys = scheme.keys(atom, ctx)
        counts.append(len(row_keys))
        pair_row += [row_of.setdefault(rk, len(row_of)) for rk in row_keys]
    return np.array(counts, np.int64), np.array(pair_row, np.int32), list(row_of)


def _stable_order(keys: np.ndarray, bound: int) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` for keys in [0, bound): numpy sorts 16-bit keys
    by radix, several times faster than its merge sort, so wider keys go 16 bits at a time."""
    if bound > 1 << 32:
        return np.argsort(keys, kind="stable")
    order = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if bound > 1 << 16:
        order = order[np.argsort((keys[order] >> 16).astype(np.uint16), kind="stable")]
    return order


def _atom_order(table: AtomTable) -> np.ndarray:
    """Atoms sorted by 功能分类, source family, type, unit, project, 经济分类 类, source,
    经济分类: the 功能分类 tree first, so every tree figure of every family is a contiguous
    run; within a 项, a project's atoms are one run per family, and per 经济分类 类 — 表7's
    project rows and the 结转 table's are mostly runs too.  (Sorting by source before the
    project left twice the figures off at a million lines: 44,720 against 17,464, and the
    swap search that repairs them took twice the time.)"""
    family: dict[str, int] = {}
    for s in SOURCES:
        family.setdefault(s.family, len(family))
    fam = table.ranks("source", rank=lambda s: family[BY_NAME[s].family] if s in BY_NAME else 99)
    rank = table.ranks("source", rank=lambda s: _SOURCE_RANK.get(s, 99))
    fam[table.codes["source"] < 0] = rank[table.codes["source"] < 0] = 99
    classes = {c: i for i, c in enumerate(sorted({e[:3] for e in table.uniques["econ"]}))}
    econ_class = table.ranks("econ", rank=lambda e: classes[e[:3]])
    func, type_, econ, unit = (table.ranks(name) for name in ("func", "type", "econ", "unit"))
    project = table.ranks("project", fill="")
    return _sorted_by((func, fam, type_, unit, project, econ_class, rank, econ))


def _sorted_by(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """``np.lexsort(keys[::-1])``: the keys (bounded ranks) packed into one int64 when they fit,
    so that one stable sort does the work of a sort per key."""
    if not len(keys[0]):
        return np.zeros(0, np.int64)
    packed = np.zeros(len(keys[0]), np.int64)
    span = 1
    for key in keys:
        low, high = int(key.min()), int(key.max())
        width = high - low + 1
        span *= width
        if span >= 2**62:
            return np.lexsort(keys[::-1]).astype(np.int64)
        packed *= width
        packed += key - low
    return np.argsort(packed, kind="stable").astype(np.int64)


def _assemble(spec: TableSpec, no: int, ctx: Context, info_, by_section) -> TableResult:
    """Lay out the rows of each section; ``by_section`` holds, per row with a value, its
    values in column order (0 for none)."""
    sections = []
    any_value = False
    for sec in spec.sections:
        col_keys = tuple(c.key for c in sec.columns)
        cells = by_section.get((spec.key, sec.name), {})
        rows = []
        for row in sec.rows.layout(set(cells), ctx):
            got = cells.get(row.key)
            vals = {col: v for col, v in zip(col_keys, got) if v} if got else {}
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


def _deviation_findings(deviations, refs, values, tables, unavoidable=True) -> list[Finding]:
    if not deviations:
        return []
    out = []
    for idx, dev in sorted(deviations.items()):
        t, sec, rk, col = refs[idx]
        dev = int(dev)
        table = tables[t]
        section = table.section(sec)
        label = next((r.label for r, _ in section.rows if r.key == rk), str(rk))
        column = section.column_labels[section.columns.index(col)]
        value = int(values[idx])
        exact = Decimal(value * FEN_PER_BAIYUAN - dev).scaleb(-6)
        out.append(info(
            "rounding-deviation", f"表{table.no}", None,
            f"{table.title}“{label}”行“{column}”列舍位后为 {format_wan(value)} 万元，"
            f"与精确值 {_trimmed(exact)} 万元相差 {_trimmed(abs(Decimal(dev).scaleb(-6)))} 万元"
            "（不小于 0.01 万元）。" + (_UNAVOIDABLE if unavoidable else _NOT_PROVEN),
            expected=str(exact), actual=format_wan(value)))
    return out


def _trimmed(wan: Decimal) -> str:
    """万元 with two decimals, more only where 分 need them: 0.010000 → 0.01."""
    return f"{wan.quantize(Decimal('0.01')) if wan == wan.quantize(Decimal('0.01')) else wan.normalize():f}"

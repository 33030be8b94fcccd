"""Fill the tables of a 表样 from the budget lines.

One pass groups the lines into atoms (lines no table can tell apart) and maps every atom
to the cells it adds into.  Rounding then picks each atom's whole number of 百元 (see
rounding.py) and every cell becomes an exact integer sum — so every identity of tables.md
holds by construction, in every table and across tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..findings import Finding, info
from ..model import Master
from ..money import FEN_PER_BAIYUAN, format_wan
from ..rounding import controlled_round
from ..sources import NAMES as SOURCE_ORDER
from .profiles import PROFILES, Profile, published_tables
from .rows import Context, Row
from .spec import TableSpec, table_specs

_SOURCE_RANK = {name: i for i, name in enumerate(SOURCE_ORDER)}


@dataclass(frozen=True)
class Atom:
    unit: str
    func: str
    econ: str
    type: str
    project: str | None
    source: str
    amount: int  # 分

    @property
    def basic(self) -> bool:
        return self.type != "项目支出"


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


def make_atoms(lines) -> list[Atom]:
    groups: dict[tuple, int] = {}
    for ln in lines:
        key = (ln.unit, ln.func, ln.econ, ln.type, ln.project if not ln.basic else None, ln.source)
        groups[key] = groups.get(key, 0) + ln.amount
    return [Atom(*k, amount=v) for k, v in groups.items()]


def build_tables(master: Master) -> TableSet:
    info_ = master.info
    profile: Profile = PROFILES[info_.profile]
    atoms = make_atoms(master.lines)
    has_carry = any(a.source.startswith("上年结转") and a.amount for a in atoms)
    keys = published_tables(profile, info_.carryover_table, has_carry)
    specs = table_specs(info_.income_columns == 12, profile.carryover_title)
    ctx = Context(
        kind=info_.kind, entity=info_.entity, func_names=master.func_names,
        econ_names=master.econ_names, total_first=profile.total_first,
        total_label=profile.total_label, unit_order=_first_seen(ln.unit for ln in master.lines),
        # keyed by the unit a row is shown under: a 单位 shows every project under None
        project_order=_first_seen((ln.unit if info_.kind == "部门" else None, ln.project)
                                  for ln in master.lines),
    )

    # Cells: (table, section, row key, column) → index; members: cell → atom indices.
    cell_index: dict[tuple, int] = {}
    members: list[list[int]] = []
    for t in keys:
        for sec in specs[t].sections:
            for i, atom in enumerate(atoms):
                if not sec.select.matches(atom):
                    continue
                cols = [c.key for c in sec.columns if c.select.matches(atom)]
                for rk in sec.rows.keys(atom, ctx):
                    for col in cols:
                        ref = (t, sec.name, rk, col)
                        idx = cell_index.get(ref)
                        if idx is None:
                            idx = cell_index[ref] = len(members)
                            members.append([])
                        members[idx].append(i)

    exact = [a.amount for a in atoms]
    order = sorted(range(len(atoms)), key=lambda i: _atom_order(atoms[i]))
    result = controlled_round(exact, members, order=order, unit=FEN_PER_BAIYUAN)
    values = [sum(result.rounded[i] for i in m) for m in members]

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
                    atoms, result.rounded, dict(master.func_names))


def _atom_order(a: Atom) -> tuple:
    # The 功能分类 tree first: every tree figure of every source is then a contiguous run.
    return (a.func, _SOURCE_RANK.get(a.source, 99), a.type, a.econ, a.unit, a.project or "")


def _first_seen(items) -> dict:
    seen: dict = {}
    for item in items:
        seen.setdefault(item, len(seen))
    return seen


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

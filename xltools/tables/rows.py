"""Row schemes: how a table's lines are grouped into printed rows, and in what order.

Each scheme answers two questions: which rows a line adds into (``keys``) and which rows
are printed, in order, with their labels (``layout``).  Row keys are tuples:
("total",), ("unit", unit), ("class", code, unit), ("project", code, project, unit),
("fixed", key).  ``depends`` names the atom fields ``keys`` looks at: the engine asks once
per distinct combination of them, not once per atom.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..codes import econ_levels, func_levels
from .select import Select

BASIC_ROW = "基本支出"


@dataclass(frozen=True, slots=True)
class Row:
    """A printed row.  ``shape`` tells the JSON writer which fields the row carries."""

    key: tuple
    kind: str | None  # total | unit | class | project | None for fixed rows
    label: str
    code: str | None = None
    unit: str | None = None
    project: str | None = None
    fixed_key: str | None = None


class Context:
    """What a scheme needs to know about the disclosure: names, units, order of lines."""

    def __init__(self, kind, entity, func_names, econ_names, total_first, total_label,
                 unit_order, project_order):
        self.kind = kind
        self.entity = entity
        self.func_names = func_names
        self.econ_names = econ_names
        self.total_first = total_first
        self.total_label = total_label
        self.unit_order = unit_order  # unit → first appearance
        self.project_order = project_order  # (unit, project) → first appearance

    @property
    def unit_rows(self) -> bool:
        # A 部门 lists its units in the project and carryover tables; a 单位 is the unit.
        return self.kind == "部门"


def _with_total(rows: list[Row], ctx: Context) -> list[Row]:
    total = Row(("total",), "total", ctx.total_label)
    return [total, *rows] if ctx.total_first else [*rows, total]


@dataclass(frozen=True)
class CodeTree:
    """总计 + a classification tree (功能分类 类/款/项 or 经济分类 类/款)."""

    dim: str  # func | econ

    @property
    def depends(self) -> tuple[str, ...]:
        return (self.dim,)

    def keys(self, line, ctx) -> list[tuple]:
        code = line.func if self.dim == "func" else line.econ
        levels = func_levels(code) if self.dim == "func" else econ_levels(code)
        return [("total",), *(("class", c, None) for c in levels)]

    def layout(self, present: set[tuple], ctx: Context) -> list[Row]:
        names = ctx.func_names if self.dim == "func" else ctx.econ_names
        codes = sorted(k[1] for k in present if k[0] == "class")
        rows = [Row(("class", c, None), "class", names.get(c, c), code=c) for c in codes]
        return _with_total(rows, ctx)


@dataclass(frozen=True)
class ProjectTree:
    """表7: 总计; per unit (部门 only) a unit row, 类 and 款 rows, then project rows with their 项."""

    depends = ("unit", "func", "project")

    def keys(self, line, ctx) -> list[tuple]:
        unit, keys = _unit_keys(line, ctx)
        keys += [("class", line.func[:3], unit), ("class", line.func[:5], unit)]
        keys.append(("project", line.func, line.project, unit))
        return keys

    def layout(self, present: set[tuple], ctx: Context) -> list[Row]:
        by_unit: dict = {}
        for k in present:
            if k[0] == "class":
                by_unit.setdefault(k[2], []).append(((k[1], -1, ""), Row(
                    k, "class", ctx.func_names.get(k[1], k[1]), code=k[1], unit=k[2])))
            elif k[0] == "project":
                seq = ctx.project_order.get((k[3], k[2]), 0)
                by_unit.setdefault(k[3], []).append(((k[1], seq, k[2]), Row(
                    k, "project", k[2], code=k[1], unit=k[3], project=k[2])))
        rows: list[Row] = []
        for unit in _units(present, ctx):
            rows += _unit_row(unit)
            rows += [r for _, r in sorted(by_unit.get(unit, []), key=lambda t: t[0])]
        return _with_total(rows, ctx)


@dataclass(frozen=True)
class ProjectList:
    """结转 and 委托业务费 tables: 总计; per unit a unit row and one row per project (no codes).

    Basic-expenditure lines have no project; they are shown together as one row 基本支出.
    """

    depends = ("unit", "type", "project")

    def keys(self, line, ctx) -> list[tuple]:
        project = line.project if not line.basic and line.project else BASIC_ROW
        unit, keys = _unit_keys(line, ctx)
        keys.append(("project", None, project, unit))
        return keys

    def layout(self, present: set[tuple], ctx: Context) -> list[Row]:
        by_unit: dict = {}
        for k in present:
            if k[0] == "project":
                by_unit.setdefault(k[3], []).append(k)
        rows: list[Row] = []
        for unit in _units(present, ctx):
            rows += _unit_row(unit)
            projects = by_unit.get(unit, [])
            projects.sort(key=lambda k: (k[2] != BASIC_ROW, ctx.project_order.get((unit, k[2]), 0), k[2]))
            rows += [Row(k, "project", k[2], unit=unit, project=k[2]) for k in projects]
        return _with_total(rows, ctx)


def _unit_keys(line, ctx: Context) -> tuple[str | None, list[tuple]]:
    """The unit a line is shown under (None for a 单位) and its total/unit row keys."""
    unit = line.unit if ctx.unit_rows else None
    return unit, [("total",)] + ([("unit", unit)] if unit is not None else [])


def _unit_row(unit: str | None) -> list[Row]:
    return [] if unit is None else [Row(("unit", unit), "unit", unit, unit=unit)]


def _units(present: set[tuple], ctx: Context) -> list[str | None]:
    if not ctx.unit_rows:
        return [None]
    units = {k[1] for k in present if k[0] == "unit"}
    return sorted(units, key=lambda u: ctx.unit_order.get(u, 0))


@dataclass(frozen=True, slots=True)
class FixedRow:
    key: str
    label: str
    select: Select


@dataclass(frozen=True)
class FixedRows:
    """Rows fixed by the 表样 (表1/表4 income side, 表10): always printed, in this order."""

    rows: tuple[FixedRow, ...]

    depends = ("source", "type", "econ")

    def keys(self, line, ctx) -> list[tuple]:
        return [("fixed", r.key) for r in self.rows if r.select.matches(line)]

    def layout(self, present: set[tuple], ctx: Context) -> list[Row]:
        return [Row(("fixed", r.key), None, r.label, fixed_key=r.key) for r in self.rows]


@dataclass(frozen=True)
class ClassList:
    """表1/表4 expense side: every 功能分类 类 of the 表样, empty ones too, then 支出总计."""

    classes: tuple[str, ...]
    total_key: str = "expense_grand_total"
    total_label: str = "支出总计"

    depends = ("func",)

    def keys(self, line, ctx) -> list[tuple]:
        return [("class", line.func[:3], None), ("fixed", self.total_key)]

    def layout(self, present: set[tuple], ctx: Context) -> list[Row]:
        # A 类 outside the 表样's list (added through 科目字典) is still shown, so that
        # the expense side keeps adding up to 支出总计.
        extra = {k[1] for k in present if k[0] == "class"} - set(self.classes)
        codes = sorted(set(self.classes) | extra)
        rows = [Row(("class", c, None), "class", ctx.func_names.get(c, c), code=c)
                for c in codes]
        rows.append(Row(("fixed", self.total_key), None, self.total_label,
                        fixed_key=self.total_key))
        return rows

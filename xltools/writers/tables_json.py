"""The machine-readable tables of tables.md ("Machine-readable output")."""

from __future__ import annotations

import json

from ..tables.engine import SectionResult, TableResult, TableSet


def _number(value: int):
    # 百元 → 万元 for JSON.  The float is only the carrier of a two-decimal literal: Python
    # prints the shortest repr that round-trips, which for such a value is the value itself.
    # int / int is correctly rounded, so this is float(baiyuan_to_wan(value)), 20× faster.
    return value / 100


def _values(vals: dict[str, int]) -> dict:
    return {k: _number(v) for k, v in vals.items()}


def _section_rows(sec: SectionResult, table_key: str) -> list[dict]:
    out = []
    for row, vals in sec.rows:
        if sec.name == "income_rows":
            out.append({"key": row.fixed_key, "label": row.label,
                        "amount": _number(vals["amount"]) if vals.get("amount") else None})
        elif sec.name == "expense_rows":
            item = {"code": row.code, "key": row.fixed_key, "label": row.label}
            if sec.single:
                item["amount"] = _number(vals["amount"]) if vals.get("amount") else None
            else:
                item["values"] = _values(vals)
            out.append(item)
        elif row.fixed_key is not None:  # 表10
            out.append({"key": row.fixed_key, "label": row.label, "values": _values(vals)})
        else:
            out.append({"kind": row.kind, "code": row.code, "label": row.label,
                        "unit": row.unit, "project": row.project, "values": _values(vals)})
    return out


def table_dict(table: TableResult) -> dict:
    out: dict = {"no": table.no, "title": table.title}
    rows_section = next((s for s in table.sections if s.name == "rows"), None)
    if rows_section is not None:
        out["columns"] = list(rows_section.columns)
    elif table.key == "T_fiscal":
        out["columns"] = list(table.section("expense_rows").columns)
    else:
        out["columns"] = ["amount"]
    out["empty"] = table.empty
    if table.empty_note:
        out["empty_note"] = table.empty_note
    for sec in table.sections:
        out[sec.name] = _section_rows(sec, table.key)
    return out


def tables_dict(ts: TableSet) -> dict:
    return {
        "entity": ts.entity,
        "year": ts.year,
        "kind": ts.kind,
        "unit": "万元",
        "profile": ts.profile,
        "tables": {key: table_dict(t) for key, t in ts.tables.items()},
    }


# json's C encoder runs only without indent; the layout below keeps the text readable.
_FLAT = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def dumps(ts: TableSet) -> str:
    """The tables as JSON, one table row per line."""
    return _readable(tables_dict(ts), "")


def _readable(value, indent: str) -> str:
    """A dict holding tables or rows gets a line per key, a list of rows a line per row;
    everything else one line, encoded by the C encoder."""
    inner = indent + " "
    if isinstance(value, dict) and any(_nested(v) for v in value.values()):
        items = [f"{inner}{_FLAT.encode(k)}: {_readable(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + _FLAT.encode(v) for v in value) + "\n" + indent + "]"
    return _FLAT.encode(value)


def _nested(value) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value))

"""Read figures out of the tables JSON in the same keys as oracle.py (values in 分)."""

from __future__ import annotations

from decimal import Decimal


def fen(value) -> int:
    return int(Decimal(str(value)) * 1_000_000)


def figures(doc: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    t = doc["tables"]
    for key in ("T_income", "T_expense", "T_gpb", "T_gpb_basic", "T_gov_fund", "T_state_capital"):
        if key not in t:
            continue
        d = {}
        for row in t[key]["rows"]:
            rid = "total" if row["kind"] == "total" else row["code"]
            for col, v in row["values"].items():
                d[(rid, col)] = fen(v)
        out[key] = d
    if "T_gpb_project" in t:
        d = {}
        for row in t["T_gpb_project"]["rows"]:
            if row["kind"] == "project":
                for col, v in row["values"].items():
                    d[(row["unit"], row["code"], row["project"], col)] = fen(v)
        out["T_gpb_project"] = d
    if "T_carryover" in t:
        d = {}
        for row in t["T_carryover"]["rows"]:
            if row["kind"] == "project":
                for col, v in row["values"].items():
                    d[(row["unit"], row["project"], col)] = fen(v)
        out["T_carryover"] = d
    if "T_three_public" in t:
        out["T_three_public"] = {(r["key"], c): fen(v) for r in t["T_three_public"]["rows"]
                                 for c, v in r["values"].items()}
    out["T_income_expense"] = {r["key"]: fen(r["amount"]) for r in
                               t["T_income_expense"]["income_rows"] if r["amount"] is not None}
    return out

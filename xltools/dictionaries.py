"""Built-in classification lists (政府收支分类科目), one CSV per year and kind.

Files: ``data/func_<year>.csv`` (支出功能分类: 类, 款, 项) and ``data/econ_<year>.csv``
(部门预算支出经济分类: 类, 款), columns ``code,name``.  A year without its own file uses
the nearest earlier year, else the earliest one shipped.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from importlib import resources

_FILE = re.compile(r"^(func|econ|govecon)_(\d{4})\.csv$")


def _available() -> dict[str, list[int]]:
    years: dict[str, list[int]] = {"func": [], "econ": [], "govecon": []}
    for entry in resources.files("xltools.data").iterdir():
        m = _FILE.match(entry.name)
        if m:
            years[m.group(1)].append(int(m.group(2)))
    return {k: sorted(v) for k, v in years.items()}


def _pick_year(kind: str, year: int) -> int | None:
    years = _available()[kind]
    if not years:
        return None
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else years[0]


@lru_cache(maxsize=16)
def load(kind: str, year: int) -> dict[str, str]:
    """code → name for ``kind`` (func | econ) as in force in ``year``."""
    chosen = _pick_year(kind, year)
    if chosen is None:
        return {}
    text = resources.files("xltools.data").joinpath(f"{kind}_{chosen}.csv").read_text("utf-8-sig")
    return {row["code"].strip(): row["name"].strip()
            for row in csv.DictReader(io.StringIO(text)) if row.get("code")}


def func_names(year: int) -> dict[str, str]:
    return dict(load("func", year))


def econ_names(year: int) -> dict[str, str]:
    return dict(load("econ", year))


def govecon_names(year: int) -> dict[str, str]:
    return dict(load("govecon", year))

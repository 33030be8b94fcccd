"""Classification lists (政府收支分类科目): built-in, plus the ones the user imported.

Built-in: ``data/<kind>_<year>.csv`` (func 支出功能分类: 类, 款, 项; econ 部门预算支出经济分类:
类, 款), columns ``code,name``.  A year without its own file uses the nearest earlier year,
else the earliest one shipped.

Imported (``xltools codes import``): ``<user data folder>/codes/<year>.csv``, columns
``kind,code,name``, for exactly that year.  An imported name overrides the built-in one:
the user brought the list the finance bureau handed out.  Every consumer (reader, template,
audit, worksheet functions) goes through ``load``, so an import reaches all of them.
"""

from __future__ import annotations

import csv
import io
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

_FILE = re.compile(r"^([a-z]+)_(\d{4})\.csv$")

BUILTIN, IMPORTED = "内置", "导入"


def _available() -> dict[str, list[int]]:
    years: dict[str, list[int]] = {"func": [], "econ": [], "govecon": []}
    for entry in resources.files("xltools.data").iterdir():
        m = _FILE.match(entry.name)
        if m:
            years.setdefault(m.group(1), []).append(int(m.group(2)))
    return {k: sorted(v) for k, v in years.items()}


def _pick_year(kind: str, year: int) -> int | None:
    years = _available().get(kind, [])
    if not years:
        return None
    earlier = [y for y in years if y <= year]
    return earlier[-1] if earlier else years[0]


@lru_cache(maxsize=16)
def builtin(kind: str, year: int) -> dict[str, str]:
    """code → name of the list shipped with xltools (do not mutate: cached)."""
    chosen = _pick_year(kind, year)
    if chosen is None:
        return {}
    text = resources.files("xltools.data").joinpath(f"{kind}_{chosen}.csv").read_text("utf-8-sig")
    return {row["code"].strip(): row["name"].strip()
            for row in csv.DictReader(io.StringIO(text)) if row.get("code")}


# -- the user's imported lists -----------------------------------------------------------

def user_folder() -> Path:
    """Where imported lists live: platformdirs' user data folder (XDG_DATA_HOME on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("xltools", appauthor=False)) / "codes"


def imported_path(year: int) -> Path:
    return user_folder() / f"{year}.csv"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=16)
def _read_imported(path: str, stamp: tuple[int, int] | None) -> dict[str, dict[str, str]]:
    # Keyed by the file's stamp: an import in this process (or the add-in's) is seen at once.
    if stamp is None:
        return {}
    out: dict[str, dict[str, str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("kind") and row.get("code"):
                out.setdefault(row["kind"], {})[row["code"].strip()] = (row.get("name") or "").strip()
    return out


def imported_all(year: int) -> dict[str, dict[str, str]]:
    """kind → code → name of the list imported for ``year`` (empty when none)."""
    path = imported_path(year)
    return _read_imported(str(path), _stamp(path))


def imported(kind: str, year: int) -> dict[str, str]:
    return dict(imported_all(year).get(kind, {}))


def save_imported(year: int, lists: dict[str, dict[str, str]], replace: bool = False) -> Path:
    """Store ``lists`` (kind → code → name) as the imported list of ``year``, atomically.

    Without ``replace`` they are merged into what was imported before (the new name wins)."""
    from .atomic import write_text

    merged: dict[str, dict[str, str]] = {} if replace else {k: dict(v) for k, v in imported_all(year).items()}
    for kind, names in lists.items():
        merged.setdefault(kind, {}).update(names)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["kind", "code", "name"])
    for kind in sorted(merged):
        for code in sorted(merged[kind]):
            w.writerow([kind, code, merged[kind][code]])
    path = imported_path(year)
    os.makedirs(path.parent, exist_ok=True)
    write_text(str(path), buf.getvalue())
    return path


# -- what consumers call ------------------------------------------------------------------

def load(kind: str, year: int) -> dict[str, str]:
    """code → name for ``kind`` (func | econ) as in force in ``year``: built-in, then imported."""
    names = dict(builtin(kind, year))
    names.update(imported_all(year).get(kind, {}))
    return names


def sources(kind: str, year: int) -> dict[str, str]:
    """code → where its name comes from: 内置 or 导入."""
    out = dict.fromkeys(builtin(kind, year), BUILTIN)
    out.update(dict.fromkeys(imported_all(year).get(kind, {}), IMPORTED))
    return out


def func_names(year: int) -> dict[str, str]:
    return load("func", year)


def econ_names(year: int) -> dict[str, str]:
    return load("econ", year)


def govecon_names(year: int) -> dict[str, str]:
    return load("govecon", year)

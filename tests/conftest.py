"""Shared helpers for tests that need a master workbook (预算底稿) on disk.

``write_master`` writes a small valid baseline with openpyxl: 基本信息 (项目 | 内容) and
收支明细 (header row + one row per line).  Tests change one thing and look at the findings.
Fixtures: ``base_info`` / ``base_lines`` (fresh copies of the baseline), ``make_master``
(a factory writing into tmp_path) and ``builtin_dictionaries`` (fails loudly, never skips,
when the built-in code lists are not shipped).
"""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import openpyxl
import pytest

INFO_SHEET = "基本信息"
LINES_SHEET = "收支明细"

# Omit a whole sheet: write_master(path, info=OMIT) has no 基本信息.
OMIT = object()

BASE_INFO: dict[str, object] = {
    "预算年度": 2026,
    "单位名称": "测试局",
    "公开口径": "部门",
    "金额单位": "元",
}

# Column letters of the default header: A 单位名称, B 功能, C 经济, D 支出类型, E 项目名称,
# F 资金来源, G 金额, H 备注.  Line i (0-based) is worksheet row i + 2.
HEADERS: tuple[str, ...] = ("单位名称", "功能分类科目", "经济分类科目", "支出类型", "项目名称",
                            "资金来源", "金额", "备注")
COL = {h: chr(ord("A") + i) for i, h in enumerate(HEADERS)}

BASE_LINES: list[dict[str, object]] = [
    {"功能分类科目": "2080101", "经济分类科目": "30101", "支出类型": "人员经费",
     "资金来源": "一般公共预算", "金额": 1000},
    {"功能分类科目": "2080101", "经济分类科目": "30201", "支出类型": "公用经费",
     "资金来源": "一般公共预算", "金额": 200.5},
    {"功能分类科目": "2080799", "经济分类科目": "30299", "支出类型": "项目支出",
     "项目名称": "就业补助项目", "资金来源": "一般公共预算", "金额": 5000},
]


def write_master(path, info=None, lines=None, headers=None, extra_sheets=None,
                 sheet_order=None) -> Path:
    """Write a master workbook; ``None`` means the baseline, ``OMIT`` leaves the sheet out.

    ``info`` maps 项目 → 内容 (written in dict order).  ``lines`` are dicts keyed by header
    text; each header in ``headers`` takes ``line.get(header)``, so a duplicated header gets
    the same value twice.  A string starting with "=" becomes a formula (without a cached
    value — that is what openpyxl writes).  ``extra_sheets`` maps a sheet name to its rows.
    """
    path = Path(path)
    info = BASE_INFO if info is None else info
    lines = BASE_LINES if lines is None else lines
    headers = HEADERS if headers is None else tuple(headers)
    if lines is not OMIT:
        for line in lines:
            unknown = set(line) - set(headers)
            assert not unknown, f"line keys {unknown} are not among the headers {headers}"

    sheets: dict[str, list[list[object]]] = {}
    if info is not OMIT:
        sheets[INFO_SHEET] = [["项目", "内容"]] + [[k, v] for k, v in info.items()]
    if lines is not OMIT:
        sheets[LINES_SHEET] = [list(headers)] + [[line.get(h) for h in headers] for line in lines]
    for name, rows in (extra_sheets or {}).items():
        sheets[name] = [list(r) for r in rows]

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in sheet_order or sheets:
        ws = wb.create_sheet(name)
        for row in sheets[name]:
            ws.append(row)
    wb.save(path)
    return path


@pytest.fixture(autouse=True)
def user_data_folder(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own empty user data folder (imported code lists live there), so no
    test reads or writes the real one; subprocesses inherit it through the environment."""
    folder = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    return folder


@pytest.fixture(autouse=True)
def user_cache_folder(tmp_path_factory, monkeypatch) -> Path:
    """The same for the user cache folder (the rounding memo lives there): no test reads an
    answer another test, or a person's own use, left behind."""
    folder = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def base_info() -> dict[str, object]:
    return dict(BASE_INFO)


@pytest.fixture
def base_lines() -> list[dict[str, object]]:
    return copy.deepcopy(BASE_LINES)


@pytest.fixture
def builtin_dictionaries():
    """The built-in code lists (xltools/data/*.csv) must know the baseline codes.

    Never skips: without the lists every "known code" test must fail, and this says why.
    """
    from xltools import dictionaries

    func, econ = dictionaries.func_names(2026), dictionaries.econ_names(2026)
    missing = [c for c in ("208", "20801", "2080101", "20807", "2080799", "221", "22102",
                           "2210201") if c not in func]
    missing += [c for c in ("301", "30101", "302", "30201", "30299") if c not in econ]
    assert not missing, (f"built-in dictionaries (xltools/data/func_*.csv, econ_*.csv) lack "
                         f"{missing}; the reader tests need them")


@pytest.fixture
def make_master(tmp_path, builtin_dictionaries):
    """Factory: ``make_master(info=..., lines=..., ...)`` → path of a new workbook in tmp_path."""
    counter = itertools.count(1)

    def make(info=None, lines=None, headers=None, extra_sheets=None, sheet_order=None,
             name=None) -> Path:
        target = tmp_path / (name or f"master{next(counter)}.xlsx")
        return write_master(target, info, lines, headers, extra_sheets, sheet_order)

    return make


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice binary; skips without it, except under CI=true (see support/libreoffice.py)."""
    from support.libreoffice import require_soffice

    return require_soffice()

"""The same master written in 元 and in 万元 gives identical tables."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xltools.reader import read_master
from xltools.tables import build_tables
from xltools.writers.tables_json import tables_dict

FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures").iterdir() if (p / "master.xlsx").is_file())


def _rewrite_in_yuan(src: Path, dst: Path) -> None:
    wb = openpyxl.load_workbook(src)
    info = wb["基本信息"]
    for row in info.iter_rows(min_row=2):
        if row[0].value == "金额单位":
            row[1].value = "元"
    lines = wb["收支明细"]
    header = [c.value for c in lines[1]]
    col = header.index("金额") + 1
    for r in range(2, lines.max_row + 1):
        cell = lines.cell(r, col)
        if cell.value is not None:
            # 万元 with two decimals → whole 元 (multiples of 100), as text-free integers
            cell.value = int(Decimal(str(cell.value)) * 10_000)
    wb.save(dst)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_yuan_and_wan_give_identical_tables(fixture: Path, tmp_path: Path):
    yuan = tmp_path / "yuan.xlsx"
    _rewrite_in_yuan(fixture / "master.xlsx", yuan)
    in_wan = tables_dict(build_tables(read_master(str(fixture / "master.xlsx"))))
    in_yuan = tables_dict(build_tables(read_master(str(yuan))))
    assert json.dumps(in_yuan, ensure_ascii=False) == json.dumps(in_wan, ensure_ascii=False)

"""Realistic master workbooks of any size, for the benchmarks.

A prefecture finance bureau consolidating a hundred departments has about 10⁵ lines: many
units, hundreds of projects, every 资金来源.  The masters here follow that shape: units and
projects grow with the size, codes come from the built-in classification (项 for 功能分类,
款 for 经济分类, consistent with 支出类型), amounts are in 元 with 分.

    python benchmarks/generate.py 100000 -o benchmarks/.cache/master_100000.xlsx
"""

from __future__ import annotations

import argparse
import os
import random
import sys

import xlsxwriter

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from xltools import dictionaries  # noqa: E402
from xltools.atomic import atomic_path  # noqa: E402
from xltools.sources import NAMES as SOURCES  # noqa: E402

YEAR = 2026
# Most money is this year's 一般公共预算; the other sources are rarer, as in real masters.
SOURCE_WEIGHTS = {name: (60 if name == "一般公共预算" else 10 if name.startswith("上级一般") else 2)
                  for name in SOURCES}


def shape(lines: int) -> tuple[int, int]:
    """Units and projects for a master of ``lines`` lines."""
    units = max(1, min(600, lines // 800))
    projects = max(5, min(20000, lines // 20))
    return units, projects


def generate(lines: int, target: str, seed: int = 20261122) -> None:
    rng = random.Random(seed)
    func = [c for c in dictionaries.func_names(YEAR) if len(c) == 7]
    econ = [c for c in dictionaries.econ_names(YEAR) if len(c) == 5]
    personnel = [c for c in econ if c[:3] in ("301", "303")]
    public = [c for c in econ if c[:3] in ("302", "310")]
    units, projects = shape(lines)
    unit_names = [f"示例市第{i + 1:03d}单位" for i in range(units)]
    # Each project belongs to one unit and one 功能分类 项, as in a budget system export.
    project_rows = [(f"{2026}年{rng.choice(('就业', '社保', '培训', '信息化', '办案', '补助'))}专项"
                     f"{i + 1:05d}", rng.choice(unit_names), rng.choice(func)) for i in range(projects)]
    sources, weights = list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values())
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_numbers": False})
        info = wb.add_worksheet("基本信息")
        for r, (k, v) in enumerate((("项目", "内容"), ("预算年度", YEAR), ("单位名称", "示例市人力资源和社会保障局"),
                                    ("公开口径", "部门"), ("金额单位", "元"))):
            info.write(r, 0, k)
            info.write(r, 1, v)
        ws = wb.add_worksheet("收支明细")
        ws.write_row(0, 0, ("单位名称", "功能分类科目", "经济分类科目", "支出类型", "项目名称", "资金来源", "金额"))
        for r in range(1, lines + 1):
            kind = rng.random()
            if kind < 0.45:
                type_, econ_code, project = "人员经费", rng.choice(personnel), None
                unit, func_code = rng.choice(unit_names), rng.choice(func[:40])
            elif kind < 0.65:
                type_, econ_code, project = "公用经费", rng.choice(public), None
                unit, func_code = rng.choice(unit_names), rng.choice(func[:40])
            else:
                project, unit, func_code = rng.choice(project_rows)
                type_, econ_code = "项目支出", rng.choice(econ)
            ws.write_string(r, 0, unit)
            ws.write_string(r, 1, func_code)
            ws.write_string(r, 2, econ_code)
            ws.write_string(r, 3, type_)
            if project:
                ws.write_string(r, 4, project)
            ws.write_string(r, 5, rng.choices(sources, weights)[0])
            ws.write_number(r, 6, rng.randint(100, 50_000_000) / 100)
        wb.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", type=int)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    generate(args.lines, args.output)


if __name__ == "__main__":
    main()

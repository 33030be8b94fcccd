"""`xltools batch`: a folder of good and bad masters, built in worker processes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

SAMPLES = Path(__file__).parent.parent / "samples"


def xltools(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xltools", *args], capture_output=True, text=True,
                          timeout=600)


def folder_of_masters(tmp_path: Path, make_master) -> Path:
    folder = tmp_path / "各部门"
    folder.mkdir()
    for sample in SAMPLES.glob("*.xlsx"):
        shutil.copy(sample, folder / sample.name)
    (folder / "坏文件.xlsx").write_text("这不是工作簿", encoding="utf-8")
    shutil.copy(make_master(lines=[{"功能分类科目": "2089998", "经济分类科目": "30101", "支出类型": "人员经费",
                                    "资金来源": "一般公共预算", "金额": 5}]), folder / "错科目.xlsx")
    (folder / "~$正在编辑.xlsx").write_bytes(b"lock")  # Excel's lock file is no workbook to build
    return folder


def test_batch_builds_the_good_lists_every_file_bad_first_and_exits_1(tmp_path, make_master):
    folder = folder_of_masters(tmp_path, make_master)
    out = tmp_path / "输出"
    run = xltools("batch", str(folder), "-o", str(out), "-j", "2")
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    built = sorted(p.name for p in out.iterdir())
    assert "昌吉市人力资源和社会保障局2026年部门预算公开表.xlsx" in built
    assert "乌鲁木齐市米东区人力资源和社会保障局2024年单位预算公开表.xlsx" in built
    assert "昌吉市人力资源和社会保障局2026年部门绩效目标表.xlsx" in built
    ws = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [r[0] for r in rows[:2]] == ["坏文件.xlsx", "错科目.xlsx"]  # failures first
    assert {r[1] for r in rows[:2]} == {"有错误"} and {r[1] for r in rows[2:]} == {"通过"}
    assert len(rows) == 4  # the lock file is not listed
    assert "2089998" in rows[1][9] and "不是 Excel 工作簿" in rows[0][9]
    chj = next(r for r in rows if r[3] == "昌吉市人力资源和社会保障局")
    assert chj[4] == 2026 and chj[5] == "5,487.17" and chj[6] == 0
    assert "预算公开表.xlsx" in chj[8]


def test_batch_check_only_audits_without_writing_tables(tmp_path, make_master):
    folder = folder_of_masters(tmp_path, make_master)
    out = tmp_path / "审核"
    run = xltools("batch", str(folder), "-o", str(out), "--check-only", "-j", "1")
    assert run.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["汇总.xlsx"]
    ws = openpyxl.load_workbook(out / "汇总.xlsx")["汇总"]
    kinds = {r[0].value: r[2].value for r in ws.iter_rows(min_row=4)}
    assert kinds["错科目.xlsx"] == "底稿"


def test_batch_of_an_empty_folder_is_a_usage_error(tmp_path):
    run = xltools("batch", str(tmp_path))
    assert run.returncode == 2 and "没有 .xlsx" in run.stderr

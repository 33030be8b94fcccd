"""The commands as a user runs them: outputs, exit codes, no tracebacks, inputs untouched."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from xltools.findings import Severity
from xltools.reader import read_master

FIXTURE = Path(__file__).parent / "fixtures" / "003_1c0f00ae3f1a4bcd" / "master.xlsx"


def xltools(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xltools", *args], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_writes_the_tables_workbook_and_leaves_the_master_alone(tmp_path: Path):
    before = digest(FIXTURE)
    run = xltools("build", str(FIXTURE), "-o", str(tmp_path))
    assert run.returncode == 0, run.stderr
    out = tmp_path / "昌吉市人力资源和社会保障局2026年部门预算公开表.xlsx"
    assert out.exists()
    assert "校验通过" in run.stdout
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["封面", "目录", *(f"表{n}" for n in range(1, 13)), "校验"]
    assert wb["表1"]["A1"].value == "表1"
    assert wb["表1"]["A2"].value == "部门收支总体情况表"
    assert digest(FIXTURE) == before
    # both outputs, and no temporary file left
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [out.name, "昌吉市人力资源和社会保障局2026年部门绩效目标表.xlsx",
         "昌吉市人力资源和社会保障局2026年部门预算公开.docx"])


def test_build_refuses_to_overwrite_without_force(tmp_path: Path):
    assert xltools("build", str(FIXTURE), "-o", str(tmp_path)).returncode == 0
    again = xltools("build", str(FIXTURE), "-o", str(tmp_path))
    assert again.returncode == 2
    assert "--force" in again.stderr
    assert xltools("build", str(FIXTURE), "-o", str(tmp_path), "--force").returncode == 0


def test_tables_text_output_lists_every_table():
    run = xltools("tables", str(FIXTURE))
    assert run.returncode == 0, run.stderr
    for n in range(1, 13):
        assert f"\n表{n} " in run.stdout


def test_template_is_a_master_the_reader_accepts(tmp_path: Path):
    target = tmp_path / "模板.xlsx"
    assert xltools("template", "-o", str(target)).returncode == 0
    wb = openpyxl.load_workbook(target)
    for sheet in ("基本信息", "收支明细", "上年预算", "项目信息", "绩效指标", "其他事项", "科目字典"):
        assert sheet in wb.sheetnames
    assert wb["选项"].sheet_state == "hidden"
    info = wb["基本信息"]
    values = {"预算年度": "2026", "单位名称": "测试局", "公开口径": "单位", "金额单位": "元"}
    for row in info.iter_rows(min_row=2):
        if row[0].value in values:
            row[1].value = values[row[0].value]
    wb["收支明细"].append([None, "2080101", "30101", "人员经费", None, "一般公共预算", 12345.67])
    wb.save(target)
    master = read_master(str(target))
    assert [f for f in master.findings if f.severity is Severity.ERROR] == []
    assert [ln.amount for ln in master.lines] == [1234567]
    validations = wb["收支明细"].data_validations.dataValidation
    assert any("选项!$B$1" in (v.formula1 or "") for v in validations)


def test_demo_builds_every_sample(tmp_path: Path):
    run = xltools("demo", "-o", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    built = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert built == ["乌鲁木齐市米东区人力资源和社会保障局2024年单位绩效目标表.xlsx",
                     "乌鲁木齐市米东区人力资源和社会保障局2024年单位预算公开.docx",
                     "乌鲁木齐市米东区人力资源和社会保障局2024年单位预算公开表.xlsx",
                     "昌吉市人力资源和社会保障局2026年部门绩效目标表.xlsx",
                     "昌吉市人力资源和社会保障局2026年部门预算公开.docx",
                     "昌吉市人力资源和社会保障局2026年部门预算公开表.xlsx"]
    assert run.stdout.count("校验通过") == 2


def test_usage_errors_exit_2_without_traceback():
    for args in (["tables"], ["nonsense"], ["tables", "missing.xlsx", "--json"]):
        run = xltools(*args)
        assert run.returncode == 2, args
        assert "Traceback" not in run.stderr + run.stdout


def test_tables_are_the_same_whatever_the_hash_seed():
    """Row order must not depend on Python's string hashing (sets of row keys are sorted)."""
    master = Path(__file__).parent / "fixtures" / "001_6c762a47265865d0" / "master.xlsx"
    outs = set()
    for seed in ("1", "2", "3"):
        run = subprocess.run([sys.executable, "-m", "xltools", "tables", str(master), "--json"],
                             capture_output=True, text=True, timeout=300,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        assert run.returncode == 0, run.stderr
        outs.add(run.stdout)
    assert len(outs) == 1

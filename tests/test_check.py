"""`xltools check`: masters and disclosure workbooks, findings at the cell, exit codes.

The published documents rendered in other layouts are in test_check_golden.py; here the
workbook this tool writes is edited the way a person would, and each edit must be found
exactly where it was made.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from xltools.audit import audit
from xltools.reader import read_master
from xltools.tables import build_tables
from xltools.writers.disclosure_workbook import output_name, write_disclosure_workbook

FIXTURES = Path(__file__).parent / "fixtures"
CHJ = FIXTURES / "003_1c0f00ae3f1a4bcd" / "master.xlsx"


def xltools(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xltools", *args], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    ts = build_tables(read_master(str(CHJ)))
    path = tmp_path_factory.mktemp("check") / output_name(ts)
    write_disclosure_workbook(ts, str(path))
    return path


def edited(workbook: Path, tmp_path: Path, edit) -> Path:
    wb = openpyxl.load_workbook(workbook)
    edit(wb)
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


def row_of(ws, *cells) -> int:
    """The row whose first cells read ``cells``."""
    for r in range(1, ws.max_row + 1):
        if tuple(ws.cell(r, c + 1).value for c in range(len(cells))) == cells:
            return r
    raise AssertionError(cells)


def errors(report):
    return [f for f in report.findings if f.severity.value == "error"]


@pytest.mark.parametrize("master", sorted(FIXTURES.glob("*/master.xlsx")), ids=lambda p: p.parent.name[:3])
def test_our_own_workbooks_and_masters_check_clean(master, tmp_path):
    ts = build_tables(read_master(str(master)))
    path = tmp_path / output_name(ts)
    write_disclosure_workbook(ts, str(path))
    report = audit(str(path))
    assert report.kind == "disclosure"
    assert report.findings == []
    of_master = audit(str(master))
    assert of_master.kind == "master"
    # the rebuilt masters keep the published 绩效 and 情况说明 slips (test_performance.py and
    # test_narrative.py pin them); tables and reader rules are clean
    own = ("perf-", "narrative-", "prior-", "other-matter-")
    assert [f for f in of_master.findings if not f.rule.startswith(own)] == []
    assert not [f for f in of_master.findings if f.rule.startswith(("narrative-", "prior-"))
                and f.severity.value == "error"]


def test_a_changed_parent_is_reported_at_its_cell_with_the_sum_of_its_parts(workbook, tmp_path):
    def edit(wb):
        ws = wb["表3"]
        r = row_of(ws, "208", "01", None)
        ws.cell(r, 6).value = 700.00  # 20801 基本支出 705.09 → 700.00
    report = audit(str(edited(workbook, tmp_path, edit)))
    found = [f for f in errors(report) if f.sheet == "表3"]
    r = row_of(openpyxl.load_workbook(workbook)["表3"], "208", "01", None)
    at_cell = [f for f in found if f.cell == f"F{r}"]
    assert [f.rule for f in at_cell] == ["sum-children"]
    children = at_cell[0]
    # 合计 = 基本支出 + 项目支出 now fails on the same row: that finding sits on 合计 (E)
    assert [f.rule for f in found if f.cell == f"E{r}"] == ["sum-row"]
    assert (children.expected, children.actual) == ("705.09", "700.00")
    # the 类 above it now disagrees with its children, which is a finding at 208's cell, not here
    assert all(f.cell in (f"F{r}", f"F{r - 1}") for f in found if f.rule == "sum-children")


def test_a_one_cent_slip_is_a_rounding_warning_not_an_error(workbook, tmp_path):
    def edit(wb):
        ws = wb["表6"]
        r = row_of(ws, "301", None)
        ws.cell(r, 4).value = round(ws.cell(r, 4).value + 0.01, 2)
        ws.cell(r, 5).value = round(ws.cell(r, 5).value + 0.01, 2)
    report = audit(str(edited(workbook, tmp_path, edit)))
    assert errors(report) == []
    slips = [f for f in report.findings if f.rule == "rounding-slip"]
    r = row_of(openpyxl.load_workbook(workbook)["表6"], "301", None)
    assert {(f.sheet, f.cell) for f in slips} >= {("表6", f"D{r}"), ("表6", f"E{r}")}
    assert all("舍位误差" in f.message for f in slips)


def test_cross_table_break_points_at_the_published_figure(workbook, tmp_path):
    def edit(wb):
        ws = wb["表4"]
        r = row_of(ws, "一般公共预算")
        ws.cell(r, 2).value = 5000.00
    report = audit(str(edited(workbook, tmp_path, edit)))
    r = row_of(openpyxl.load_workbook(workbook)["表4"], "一般公共预算")
    cross = [f for f in errors(report) if f.rule == "cross-table"]
    assert [(f.sheet, f.cell) for f in cross] == [("表4", f"B{r}")]
    assert "表5" in cross[0].message


def test_figures_stored_as_text_and_dashes_are_read(workbook, tmp_path):
    def edit(wb):
        ws = wb["表3"]
        for row in ws.iter_rows(min_row=7):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.value = f"{cell.value:,.2f}"
        r = row_of(ws, "208", "01", "01")
        ws.cell(r, 7).value = "—"
    report = audit(str(edited(workbook, tmp_path, edit)))
    assert report.findings == []


def test_a_missing_table_listed_in_the_contents_is_an_error_at_the_contents_line(workbook, tmp_path):
    report = audit(str(edited(workbook, tmp_path, lambda wb: wb.remove(wb["表8"]))))
    missing = [f for f in errors(report) if f.rule == "table-missing"]
    assert len(missing) == 1
    assert missing[0].sheet == "目录" and "政府性基金预算支出情况表" in missing[0].message
    assert all(f.rule == "table-missing" for f in errors(report))


def test_a_missing_table_not_in_the_contents_is_still_an_error(workbook, tmp_path):
    def edit(wb):
        wb.remove(wb["表11"])
        wb.remove(wb["目录"])
    report = audit(str(edited(workbook, tmp_path, edit)))
    assert [f.rule for f in errors(report)] == ["table-missing"]
    assert "委托业务费" in errors(report)[0].message


def test_empty_table_without_its_sentence_is_a_warning(workbook, tmp_path):
    def edit(wb):
        ws = wb["表9"]
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "空表" in cell.value:
                    cell.value = None
    report = audit(str(edited(workbook, tmp_path, edit)))
    assert [(f.rule, f.severity.value, f.sheet) for f in report.findings] == [
        ("empty-note-missing", "warning", "表9")]


def test_cli_json_exit_codes_and_report_workbook(workbook, tmp_path):
    bad = edited(workbook, tmp_path, lambda wb: wb["表2"].cell(7, 5, 1.00))
    run = xltools("check", str(bad), "--json", "-o", str(tmp_path / "结果.xlsx"))
    assert run.returncode == 1, run.stderr
    doc = json.loads(run.stdout)
    assert doc["kind"] == "disclosure" and doc["file"].endswith("edited.xlsx")
    first = doc["findings"][0]
    assert set(first) == {"rule", "severity", "sheet", "cell", "message", "expected", "actual"}
    assert any(f["sheet"] == "表2" and f["cell"] == "E7" and f["severity"] == "error"
               for f in doc["findings"])
    ws = openpyxl.load_workbook(tmp_path / "结果.xlsx")["校验结果"]
    assert [c.value for c in ws[4]] == ["序号", "级别", "规则", "位置", "说明", "应为", "实际"]
    assert ws["B5"].value == "错误"
    link = next(ws.cell(r, 4) for r in range(5, ws.max_row + 1) if ws.cell(r, 4).value == "表2!E7")
    assert link.hyperlink.target.endswith("edited.xlsx") or "edited.xlsx" in (link.hyperlink.location or "") \
        or "edited.xlsx" in str(link.hyperlink.target)

    text = xltools("check", str(bad))
    assert text.returncode == 1
    assert "表2 部门收入总体情况表" in text.stdout and "[错误] 表2!E7" in text.stdout
    assert "校验不通过" in text.stderr
    assert xltools("check", str(workbook)).returncode == 0


def test_cli_check_master_and_unreadable_file(tmp_path, make_master):
    bad = make_master(lines=[{"功能分类科目": "2089998", "经济分类科目": "30101", "支出类型": "人员经费",
                              "资金来源": "一般公共预算", "金额": 5}])
    run = xltools("check", str(bad), "--json")
    assert run.returncode == 1
    doc = json.loads(run.stdout)
    assert doc["kind"] == "master"
    assert [f["rule"] for f in doc["findings"] if f["severity"] == "error"] == ["func-code-unknown"]
    text = tmp_path / "x.xlsx"
    text.write_text("not a workbook")
    run = xltools("check", str(text))
    assert run.returncode == 2 and "Traceback" not in run.stderr

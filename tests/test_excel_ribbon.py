"""The ribbon entries, driven with a workbook-like object built from a real master.xlsx.

Each entry must write what the command line writes for the same master (compared cell by
cell), stop on errors in the master naming their cells, and say in Chinese what it did.
``dispatch`` — the glue between the VBA button and an entry — runs against a stand-in for
xlwings' Book.caller() and App.
"""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest
import xlwings
from click.testing import CliRunner

from test_excel_udfs import FIXTURES, FileBook, fixture_book
from xltools.audit import audit
from xltools.cli import main
from xltools.excel import ribbon
from xltools.reader import read_master
from xltools.writers.check_report import ordered


def build_in_process(master: Path, outdir: Path):
    """`xltools build MASTER -o OUTDIR`, run by click in this process."""
    result = CliRunner().invoke(main, ["build", str(master), "-o", str(outdir)])
    assert result.exit_code in (0, 1), result.output
    return result


def cells(path: Path) -> dict:
    """Every cell's content (formula text or value) of every sheet."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row
                       if c.value is not None} for ws in wb.worksheets}


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs]


def outputs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "master.xlsx")


class RecordingHost(ribbon.Host):
    def __init__(self):
        self.released: list[str] = []

    def release(self, path: str) -> None:
        self.released.append(path)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_generate_tables_writes_what_xltools_build_writes(tmp_path: Path, fixture: Path):
    cli_dir = tmp_path / "cli"
    run = build_in_process(fixture / "master.xlsx", cli_dir)
    live_dir = tmp_path / "live"
    live_dir.mkdir()
    host = RecordingHost()
    outcome = ribbon.generate_tables(fixture_book(live_dir, fixture), host)

    assert outcome.ok
    assert outputs(live_dir) == outputs(cli_dir) and len(outputs(cli_dir)) == 3
    assert [Path(f).name for f in outcome.files] == [Path(f).name for f in host.released]
    assert Path(outcome.files[0]).name.endswith("预算公开表.xlsx")
    for name in outputs(cli_dir):
        if name.endswith(".xlsx"):
            assert cells(live_dir / name) == cells(cli_dir / name), name
        else:
            assert paragraphs(live_dir / name) == paragraphs(cli_dir / name), name
    assert f"已生成：{Path(outcome.files[0]).name}" in outcome.message
    assert f"保存在：{live_dir}" in outcome.message
    assert outcome.message.count("[错误]") == run.output.count("[错误]")


def test_errors_in_the_master_stop_the_build_and_name_their_cells(tmp_path: Path):
    book = fixture_book(tmp_path, FIXTURES[-1], {"收支明细": {"B2": "2089998", "G4": "abc"}})
    outcome = ribbon.generate_tables(book)
    assert not outcome.ok and outcome.files == [] and outputs(tmp_path) == []
    assert outcome.message.startswith("底稿有 2 个错误，没有生成文件。")
    assert "[错误] 收支明细!B2: 功能分类科目“2089998”不在 2026 年功能分类科目中" in outcome.message
    assert "[错误] 收支明细!G4: 金额“abc”不是数字" in outcome.message
    assert (outcome.first_error.sheet, outcome.first_error.cell) == ("收支明细", "B2")
    for entry in (ribbon.export_performance, ribbon.export_narrative):
        again = entry(book)
        assert not again.ok and again.files == [] and outputs(tmp_path) == []


def test_unsaved_edits_are_what_counts(tmp_path: Path):
    """The file on disk says one thing, Excel holds another: the live values win."""
    fixture = FIXTURES[-1]
    book = fixture_book(tmp_path, fixture)
    lines = book.sheets["收支明细"]._values
    amount = lines[0].index("金额")
    lines[1][amount] = lines[1][amount] + 1000.0
    outcome = ribbon.generate_tables(book)
    on_disk = read_master(str(fixture / "master.xlsx"))
    wb = openpyxl.load_workbook(outcome.files[0], data_only=True)
    totals = [v for row in wb["表3"].iter_rows(values_only=True) for v in row if isinstance(v, float)]
    exact = sum(ln.amount for ln in on_disk.lines) / 1_000_000 + 1000
    assert round(max(totals), 2) == round(exact, 2)


def test_a_locked_output_is_reported_not_crashed(tmp_path: Path, monkeypatch):
    import xltools.atomic as atomic

    def refuse(src, dst):
        raise PermissionError(13, "in use")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    outcome = ribbon.generate_tables(fixture_book(tmp_path, FIXTURES[-1]))
    assert not outcome.ok
    assert "正在 Excel 或 WPS 中打开" in outcome.message
    assert outputs(tmp_path) == []


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_check_finds_what_xltools_check_finds(tmp_path: Path, fixture: Path):
    book = fixture_book(tmp_path, fixture)
    outcome = ribbon.check(book)
    report = audit(book.fullname)
    assert sorted(map(str, outcome.findings)) == sorted(map(str, report.findings))
    assert outcome.ok == (report.errors == 0)
    assert outcome.message.startswith(f"校验{'通过' if report.errors == 0 else '不通过'}")
    if any(f.severity.value != "info" for f in report.findings):
        assert outputs(tmp_path) == ["master校验结果.xlsx"]
        sheet = openpyxl.load_workbook(tmp_path / "master校验结果.xlsx")["校验结果"]
        assert sheet.max_row - 4 == len(report.findings)
    else:
        assert outputs(tmp_path) == []


def test_check_audits_a_disclosure_workbook_too(tmp_path: Path):
    fixture = FIXTURES[-1]
    assert build_in_process(fixture / "master.xlsx", tmp_path).exit_code == 0
    disclosure = next(tmp_path.glob("*预算公开表.xlsx"))
    outcome = ribbon.check(FileBook(disclosure))
    report = audit(str(disclosure))
    assert report.kind == "disclosure"
    assert sorted(map(str, outcome.findings)) == sorted(map(str, report.findings))
    assert outcome.ok and outcome.message.startswith("校验通过")


def test_check_of_a_broken_disclosure_names_the_cell(tmp_path: Path):
    fixture = FIXTURES[-1]
    assert build_in_process(fixture / "master.xlsx", tmp_path).exit_code == 0
    disclosure = next(tmp_path.glob("*预算公开表.xlsx"))
    wb = openpyxl.load_workbook(disclosure, data_only=True)
    ws = wb["表3"]
    ref = next(c.coordinate for row in ws.iter_rows() for c in row
               if isinstance(c.value, float) and c.value > 10)
    outcome = ribbon.check(FileBook(disclosure, {"表3": {ref: 1.23}}))
    errors = [f for f in outcome.findings if f.severity.value == "error"]
    assert not outcome.ok and outcome.message.startswith("校验不通过")
    assert any(f.sheet == "表3" and f.cell for f in errors)
    first = ordered(errors)[0]
    assert f"[错误] {first.place}: {first.message}"[:150] in outcome.message


def test_export_performance_writes_the_build_s_performance_workbook(tmp_path: Path):
    fixture = FIXTURES[-1]
    cli_dir = tmp_path / "cli"
    build_in_process(fixture / "master.xlsx", cli_dir)
    live_dir = tmp_path / "live"
    live_dir.mkdir()
    outcome = ribbon.export_performance(fixture_book(live_dir, fixture))
    assert outcome.ok and len(outcome.files) == 1
    name = Path(outcome.files[0]).name
    assert name.endswith("绩效目标表.xlsx") and outputs(live_dir) == [name]
    assert cells(live_dir / name) == cells(cli_dir / name)


def test_export_narrative_writes_the_publication_of_the_core(tmp_path: Path):
    from xltools import narrative, performance
    from xltools.tables import build_tables
    from xltools.writers.publication_docx import write_publication_docx

    fixture = FIXTURES[-1]
    outcome = ribbon.export_narrative(fixture_book(tmp_path, fixture))
    assert outcome.ok and len(outcome.files) == 1
    assert outcome.files[0].endswith("预算公开.docx")
    master = read_master(str(fixture / "master.xlsx"))
    ts = build_tables(master)
    perf, perf_findings = performance.build(master, ts)
    doc, findings = narrative.build(master, ts)
    write_publication_docx(doc, ts, perf, str(tmp_path / "direct.docx"))
    assert paragraphs(outcome.files[0]) == paragraphs(tmp_path / "direct.docx")
    assert sorted(map(str, outcome.findings)) == sorted(map(str, perf_findings + findings))


def test_new_master_never_overwrites(tmp_path: Path):
    book = fixture_book(tmp_path, FIXTURES[-1])
    first, second = ribbon.new_master(book), ribbon.new_master(book)
    assert [Path(o.files[0]).name for o in (first, second)] == ["预算底稿模板.xlsx", "预算底稿模板(2).xlsx"]
    assert "收支明细" in openpyxl.load_workbook(second.files[0]).sheetnames
    assert first.message.startswith("已新建空白底稿：预算底稿模板.xlsx")


def test_an_unsaved_workbook_writes_to_documents(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "Documents").mkdir()
    book = FileBook(FIXTURES[-1] / "master.xlsx")
    book.fullname = book.name = "工作簿1"
    outcome = ribbon.generate_tables(book)
    assert outcome.ok and all(Path(f).parent == tmp_path / "Documents" for f in outcome.files)


# -- dispatch, as the VBA button runs it ------------------------------------------------------
class FakeApp:
    def __init__(self):
        self.alerts: list[tuple[str, str, str]] = []
        self.opened: list[str] = []
        self.books: list = []
        outer = self

        class Books(list):
            def open(self, path):
                outer.opened.append(path)

        self.books = Books()

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((title, prompt, mode))


def _in_excel(monkeypatch, book) -> FakeApp:
    app = FakeApp()
    book.app = app
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    return app


def test_dispatch_runs_the_button_opens_the_result_and_says_so(tmp_path: Path, monkeypatch):
    book = fixture_book(tmp_path, FIXTURES[-1])
    app = _in_excel(monkeypatch, book)
    ribbon.dispatch("xltools_build")
    assert len(app.opened) == 1 and app.opened[0].endswith("预算公开表.xlsx")
    (title, message, mode), = app.alerts
    assert title == "xltools：生成公开表" and mode == "info" and "已生成" in message


def test_dispatch_selects_the_first_error_cell(tmp_path: Path, monkeypatch):
    book = fixture_book(tmp_path, FIXTURES[-1], {"收支明细": {"C5": "38888"}})
    selected = []

    class Range:
        def __init__(self, ref):
            self.ref = ref

        def select(self):
            selected.append(self.ref)

    for sheet in book.sheets:
        sheet.activate = lambda: None
        sheet.range = Range
    app = _in_excel(monkeypatch, book)
    ribbon.dispatch("xltools_build")
    assert app.opened == [] and selected == ["C5"]
    (title, message, mode), = app.alerts
    assert mode == "critical" and "收支明细!C5" in message


def test_dispatch_turns_a_crash_into_a_message(tmp_path: Path, monkeypatch):
    book = fixture_book(tmp_path, FIXTURES[-1])
    app = _in_excel(monkeypatch, book)
    monkeypatch.setitem(ribbon.ENTRIES, "xltools_check", lambda b, h: 1 / 0)
    ribbon.dispatch("xltools_check")
    (title, message, mode), = app.alerts
    assert message.startswith("内部错误：ZeroDivisionError") and mode == "critical"
    ribbon.dispatch("no_such_button")
    assert "未知的按钮“no_such_button”" in app.alerts[-1][1]

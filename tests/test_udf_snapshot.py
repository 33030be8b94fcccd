"""The worksheet functions read each master sheet at most once per recalculation.

Excel calls every volatile formula back to back in one recalculation; a person edits between
two.  A recalculation is told from the next by the add-in VBA's calculation stamp (``recalc``)
or, without one, by a pause longer than BURST_GAP.  These tests drive the functions with a
counting fake of xlwings' Book (benchmarks/fake_excel.py) and a clock they move by hand.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.fake_excel import FakeBook  # noqa: E402
from xltools.excel import index as index_module  # noqa: E402
from xltools.excel import udfs  # noqa: E402
from xltools.reader import read_master  # noqa: E402
from xltools.tables import build_tables  # noqa: E402
from xltools.writers.tables_json import tables_dict  # noqa: E402

FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures").iterdir()
                  if (p / "master.xlsx").is_file())
CODES = ("208", "20801", "2080101", "221")


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def pause(self, seconds: float = index_module.BURST_GAP * 4) -> None:
        """A person between two recalculations."""
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(udfs, "_CACHE", index_module.IndexCache(clock=clock))
    return clock


@pytest.fixture
def builds(monkeypatch) -> list:
    """Every index built (a parse of the master and its tables)."""
    built = []
    real = index_module.LinesIndex.build.__func__

    def counting(cls, master, previous=None):
        built.append(master)
        return real(cls, master, previous)

    monkeypatch.setattr(index_module.LinesIndex, "build", classmethod(counting))
    return built


def book_copy(tmp_path: Path, fixture: Path, name: str = "master.xlsx") -> FakeBook:
    target = tmp_path / name
    shutil.copy(fixture / "master.xlsx", target)
    return FakeBook.from_xlsx(target)


def total(doc: dict) -> float:
    return next(r for r in doc["T_expense"]["rows"] if r["kind"] == "total")["values"]["total"]


def tables_of(path) -> dict:
    return tables_dict(build_tables(read_master(str(path))))["tables"]


def amount_ref(book: FakeBook, code_prefix: str) -> str:
    """The 金额 cell of the first line whose 功能分类 starts with ``code_prefix``."""
    rows = book.sheets["收支明细"]._values
    header = rows[0]
    func, amount = header.index("功能分类科目"), header.index("金额")
    r = next(i for i, row in enumerate(rows) if i and str(row[func]).startswith(code_prefix))
    return f"{chr(ord('A') + amount)}{r + 1}"


def recalculate(book: FakeBook, stamp=None, sheet: str = "基本信息") -> list:
    """One recalculation of a sheet holding every kind of formula."""
    caller = book.cell(sheet)
    out = [udfs.BUDGET_SUM(code, recalc=stamp, caller=caller) for code in CODES]
    out += [udfs.BUDGET_SUM(code, "一般公共预算", "基本支出", recalc=stamp, caller=caller) for code in CODES]
    out.append(udfs.BUDGET_NAME("2080101", recalc=stamp, caller=caller))
    out.append(udfs.BUDGET_TABLE(3, recalc=stamp, caller=caller))
    out.append(udfs.BUDGET_CHECK(recalc=stamp, caller=caller))
    return out


# -- a burst reads once ------------------------------------------------------------------------
@pytest.mark.parametrize("stamp", ["7:1", None], ids=["vba-stamp", "burst-window"])
def test_a_recalculation_reads_each_sheet_once(tmp_path: Path, clock: Clock, stamp):
    book = book_copy(tmp_path, FIXTURES[-1])
    recalculate(book, stamp)
    master_sheets = {"基本信息", "收支明细"} | {s.name for s in book.sheets if s.name == "科目字典"}
    assert master_sheets <= set(book.reads_of)
    assert max(book.reads_of.values()) == 1, book.reads_of
    used = sum(len(r) * max(len(x) for x in r) for r in (s._values for s in book.sheets
                                                          if s.name in book.reads_of))
    assert book.cells == used  # one used range each, nothing more


def test_many_formulas_read_no_more_than_one(tmp_path: Path, clock: Clock):
    book = book_copy(tmp_path, FIXTURES[-1])
    for _ in range(50):
        recalculate(book, "7:1")
        clock.now += 0.01  # Excel's own work between two calls
    assert max(book.reads_of.values()) == 1


def test_a_new_stamp_starts_a_new_recalculation_at_once(tmp_path: Path, clock: Clock, builds):
    book = book_copy(tmp_path, FIXTURES[-1])
    first = recalculate(book, "7:1")
    ref = amount_ref(book, "20801")
    book.edit("收支明细", ref, book.value("收支明细", ref) + 100.0)  # the master is in 万元
    book.reset_counts()
    # A macro's edit: no pause at all, but the VBA counted a calculation and a change.
    after = recalculate(book, "7:3")
    assert after[1] == round(first[1] + 100, 2) and after[0] == round(first[0] + 100, 2)
    assert after[3] == first[3]  # 221 untouched
    assert max(book.reads_of.values()) == 1 and len(builds) == 2


def test_without_a_stamp_an_edit_shows_after_the_pause(tmp_path: Path, clock: Clock, builds):
    book = book_copy(tmp_path, FIXTURES[-1])
    first = recalculate(book)
    ref = amount_ref(book, "20801")
    book.edit("收支明细", ref, book.value("收支明细", ref) + 100.0)
    # Within the burst the snapshot holds: this is the recalculation already under way.
    clock.now += index_module.BURST_GAP / 2
    assert udfs.BUDGET_SUM("20801", caller=book.cell()) == first[1]
    clock.pause()
    book.reset_counts()
    after = recalculate(book)
    assert after[1] == round(first[1] + 100, 2)
    assert max(book.reads_of.values()) == 1 and len(builds) == 2


def test_a_stamp_that_never_moves_still_ends_at_the_pause(tmp_path: Path, clock: Clock):
    """Events off (Application.EnableEvents left False by some macro): the stamp stays, the
    pause still ends the burst."""
    book = book_copy(tmp_path, FIXTURES[-1])
    first = recalculate(book, "7:1")
    ref = amount_ref(book, "20801")
    book.edit("收支明细", ref, book.value("收支明细", ref) + 100.0)
    clock.pause()
    assert recalculate(book, "7:1")[1] == round(first[1] + 100, 2)


def test_an_unrelated_edit_reads_again_but_builds_nothing(tmp_path: Path, clock: Clock, builds):
    book = book_copy(tmp_path, FIXTURES[-1])
    first = recalculate(book, "7:1")
    book.add_sheet("汇总", [[None]])
    book.edit("汇总", "B2", "备注")
    book.reset_counts()
    assert recalculate(book, "7:2", sheet="汇总") == first
    assert max(book.reads_of.values()) == 1 and len(builds) == 1


def test_an_edit_to_the_dictionary_or_info_shows_too(tmp_path: Path, clock: Clock):
    book = book_copy(tmp_path, FIXTURES[-1])
    caller = book.cell()
    assert udfs.BUDGET_NAME("2080101", recalc="7:1", caller=caller) == "行政运行"
    book.add_sheet("科目字典", [["类型", "科目编码", "科目名称"], ["功能", "2080101", "行政运行（本局）"]])
    assert udfs.BUDGET_NAME("2080101", recalc="7:2", caller=caller) == "行政运行（本局）"


# -- workbooks and Excel instances stay apart --------------------------------------------------
@pytest.mark.parametrize("stamps", [("7:1", "7:2"), (None, None)], ids=["vba-stamp", "burst-window"])
def test_two_workbooks_interleaved_do_not_mix(tmp_path: Path, clock: Clock, builds, stamps):
    a = book_copy(tmp_path, FIXTURES[0], "a.xlsx")
    b = book_copy(tmp_path, FIXTURES[-1], "b.xlsx")
    ta, tb = total(tables_of(a.fullname)), total(tables_of(b.fullname))
    assert ta != tb
    first, second = stamps
    for _ in range(3):
        assert udfs.BUDGET_SUM(None, recalc=first, caller=a.cell()) == ta
        assert udfs.BUDGET_SUM(None, recalc=first, caller=b.cell()) == tb
        assert udfs.BUDGET_NAME("2080101", recalc=first, caller=b.cell()) == "行政运行"
    assert a.reads_of["收支明细"] == b.reads_of["收支明细"] == 1
    # An edit in one shows there only.
    ref = amount_ref(a, "2")
    a.edit("收支明细", ref, a.value("收支明细", ref) + 100.0)
    clock.pause()
    assert udfs.BUDGET_SUM(None, recalc=second, caller=b.cell()) == tb
    assert udfs.BUDGET_SUM(None, recalc=second, caller=a.cell()) == round(ta + 100, 2)
    assert udfs.BUDGET_SUM(None, recalc=second, caller=b.cell()) == tb
    assert a.reads_of["收支明细"] == b.reads_of["收支明细"] == 2
    assert len(builds) == 3  # a, b, and a again after its edit


def test_same_named_books_in_two_excel_instances_do_not_mix(tmp_path: Path, clock: Clock):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    a = book_copy(tmp_path / "x", FIXTURES[0])
    b = book_copy(tmp_path / "y", FIXTURES[-1])
    a.fullname = b.fullname = a.name = b.name = "工作簿1"  # two unsaved books, one name
    ta, tb = total(tables_of(tmp_path / "x" / "master.xlsx")), total(tables_of(tmp_path / "y" / "master.xlsx"))
    for _ in range(2):
        assert udfs.BUDGET_SUM(None, recalc="100:4", caller=a.cell()) == ta
        assert udfs.BUDGET_SUM(None, recalc="200:4", caller=b.cell()) == tb
    assert a.reads_of["收支明细"] == b.reads_of["收支明细"] == 1


# -- the benchmark ----------------------------------------------------------------------------
def test_benchmark_reads_once_and_sees_the_edit(tmp_path: Path):
    from benchmarks import udf

    figures = udf.measure(lines=200, formulas=40, cache=str(tmp_path))
    for mode in ("stamped", "unstamped"):
        for step in ("first", "edit", "other"):
            assert figures[mode][step]["reads_per_sheet"] == 1, (mode, step)
            assert figures[mode][step]["reads"] == 3, (mode, step)  # 基本信息, 收支明细, 科目字典
        assert figures[mode]["edit"]["changed"] > 0 and figures[mode]["other"]["changed"] == 0


def test_an_amount_edit_keeps_the_figures_layout_and_rounds_anew(tmp_path: Path, clock: Clock):
    """After an edit of amounts only, the index takes over the tables' layout (which figure
    sums which lines) and redoes the rounding: the same tables as a build from scratch."""
    book = book_copy(tmp_path, FIXTURES[-1])
    recalculate(book, "7:1")
    before = udfs._lines(book.cell(), "7:1")
    ref = amount_ref(book, "20801")
    book.edit("收支明细", ref, book.value("收支明细", ref) + 100.0)
    recalculate(book, "7:2")
    after = udfs._lines(book.cell(), "7:2")
    assert after is not before and after.tables.layout is before.tables.layout
    assert tables_dict(after.tables) == tables_dict(build_tables(after.master))
    assert total(tables_dict(after.tables)["tables"]) == round(total(tables_dict(before.tables)["tables"]) + 100, 2)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_every_query_sums_exactly_the_atoms_it_matches(fixture: Path):
    from xltools.excel.filters import Query

    index = index_module.LinesIndex.build(read_master(str(fixture / "master.xlsx")))
    pairs = list(zip(index.tables.atoms, index.tables.rounded))
    funcs = {""} | {a.func[:n] for a, _ in pairs for n in (3, 5, 7)}
    filters = [Query(""), Query("", frozenset({"一般公共预算"}), frozenset({"人员经费", "公用经费"})),
               Query("", types=frozenset({"项目支出"}), econ=("302", "30101")),
               Query("", sources=frozenset({"没有的来源"}))]
    for func in sorted(funcs):
        for f in filters:
            query = Query(func, f.sources, f.types, f.econ)
            expected = sum(r for atom, r in pairs if query.matches(atom))
            assert index.total(query) == expected, query

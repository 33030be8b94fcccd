"""What one recalculation of a sheet of =BUDGET_SUM(…) formulas costs, Excel modelled.

Excel recalculates every volatile formula after any edit, calling the worksheet functions one
after the other.  A workbook shaped like xlwings' Book (fake_excel.FakeBook) holds a generated
master of ``lines`` lines plus a 科目字典 and counts each range read and the cells it carries:
the round trips to Excel that a real recalculation pays for.  ``formulas`` BUDGET_SUM calls
(功能分类 codes at every level, with and without filters) make one recalculation.

Three recalculations are measured, each as the add-in's VBA makes them (a new calculation
stamp) and with no stamp (the burst window alone, as with xlwings' Import Functions):
- first: right after opening (the index is built), in a Python server the add-in warmed when
  Excel started (udfs.warm: the compiled search of 舍位平衡 loaded on a thread of its own);
- edit: after a person changes one amount (the index is rebuilt; the result must move);
- other: after an edit elsewhere (values unchanged: read once, nothing rebuilt).
And once more the first, in a new process that was not warmed ("cold"): Excel started by a
double-click on a master, whose recalculation starts the server and loads the search's machine
code itself (search_code) — or, for a master rounded before, reads its answer from the memo.
Both on a computer where the add-in was installed, which compiled that machine code once
(``xltools addin install``); what that compile costs is measured too.

    python benchmarks/udf.py [lines] [formulas]
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from benchmarks.fake_excel import FakeBook  # noqa: E402
from benchmarks.generate import generate  # noqa: E402
from xltools.excel import udfs  # noqa: E402
from xltools.excel.index import BURST_GAP  # noqa: E402
from xltools import search_code  # noqa: E402
from xltools.rounding import load_search_in_background  # noqa: E402
from xltools.tables import engine  # noqa: E402

TARGET_SECONDS = 0.3
TARGET_READS_PER_SHEET = 1
CACHE = os.path.join(HERE, ".cache")

# The filters an accountant pairs with a 功能分类 code, as the tables' columns do.
_FILTERS = ((), ("一般公共预算", "基本支出"), ("财政拨款",), (None, "项目支出"), ("一般公共预算", "人员经费"))


def master_book(lines: int, cache: str = CACHE) -> FakeBook:
    """A generated master of ``lines`` lines, opened as Excel shows it, with a 科目字典."""
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, f"master_{lines}.xlsx")
    if not os.path.exists(path):
        generate(lines, path)
    book = FakeBook.from_xlsx(path)
    book.add_sheet("科目字典", [["类型", "科目编码", "科目名称"], ["功能", "2089901", "其他社会保障和就业支出（本局）"]])
    return book


def formulas_for(book: FakeBook, count: int) -> list[tuple]:
    """``count`` BUDGET_SUM argument lists: the grand total (so that any edit of an amount
    moves a result), then every 类, 款 and 项 of the master, each with a filter in turn,
    repeated until there are enough."""
    lines = book.sheets["收支明细"].used_range.options(ndim=2).value
    book.reset_counts()
    column = lines[0].index("功能分类科目")
    codes = sorted({str(r[column])[:n] for r in lines[1:] if r[column] for n in (3, 5, 7)})
    out: list[tuple] = [(None,)]
    while len(out) < count:
        for i, code in enumerate(codes):
            out.append((code, *_FILTERS[(i + len(out) // len(codes)) % len(_FILTERS)]))
            if len(out) == count:
                break
    return out


class _Recalculation:
    """Calls every formula as Excel does in one recalculation, with the VBA's stamp or none."""

    def __init__(self, book: FakeBook, formulas: list[tuple], stamped: bool):
        self.book, self.formulas = book, formulas
        self.stamped = stamped
        self.count = 0

    def __call__(self) -> tuple[dict, list]:
        # A person takes longer than the burst window between two recalculations.
        time.sleep(BURST_GAP * 1.5)
        self.count += 1
        extra = {"recalc": f"1:{self.count}"} if self.stamped else {}
        caller = self.book.cell("汇总")
        self.book.reset_counts()
        rounding = _RoundingClock()
        t, cpu = time.perf_counter(), time.process_time()
        with rounding:
            results = [udfs.BUDGET_SUM(*args, caller=caller, **extra) for args in self.formulas]
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        return {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                "rounding_cpu_seconds": round(rounding.spent, 3),
                "reads": self.book.reads, "cells": self.book.cells,
                "reads_per_sheet": max(self.book.reads_of.values(), default=0)}, results


class _RoundingClock:
    """The CPU seconds spent in 舍位平衡 (controlled_round) while active: the rest of a
    recalculation is the worksheet functions' own cost."""

    def __init__(self):
        self.spent = 0.0

    def __enter__(self):
        self._real = engine.controlled_round

        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return self._real(*args, **kwargs)
            finally:
                self.spent += time.process_time() - start

        engine.controlled_round = timed
        return self

    def __exit__(self, *exc):
        engine.controlled_round = self._real


def _amount_cell(book: FakeBook) -> str:
    header = book.sheets["收支明细"].used_range.options(ndim=2).value[0]
    book.reset_counts()
    return chr(ord("A") + header.index("金额")) + "2"


def measure(lines: int = 5000, formulas: int = 300, cache: str = CACHE) -> dict:
    """Seconds of Python, range reads and cells carried for one recalculation of ``formulas``
    BUDGET_SUM over a ``lines``-line master: first, after an edit, after an unrelated edit;
    with the VBA's calculation stamp and without.  Masters are generated into ``cache``.

    Returns ``{"lines", "formulas", "target_seconds", "target_reads_per_sheet", "stamped": {…},
    "unstamped": {…}}``; each mode maps "first", "edit" and "other" to ``{"seconds",
    "cpu_seconds", "rounding_cpu_seconds", "reads", "cells", "reads_per_sheet"}`` (and "changed": how many results
    moved, for "edit" and "other")."""
    # As `xltools addin install` leaves the computer: the search's machine code on disk.
    search_code.entry_points()
    with tempfile.TemporaryDirectory(prefix="xltools-udf-cache-") as users_cache:
        out: dict = {"lines": lines, "formulas": formulas, "target_seconds": TARGET_SECONDS,
                     "target_reads_per_sheet": TARGET_READS_PER_SHEET,
                     "install": install_compile(),
                     "cold": cold_first(lines, formulas, cache, users_cache),
                     # the same master once more: its rounding is in the memo now
                     "cold_seen": cold_first(lines, formulas, cache, users_cache)}
    # The add-in's warm-up, seconds before a person opens a master (udfs.warm).
    udfs.warm()
    load_search_in_background().join()
    for mode in ("stamped", "unstamped"):
        with _users_cache(tempfile.mkdtemp(prefix="xltools-udf-cache-")):
            out[mode] = _three_recalculations(lines, formulas, cache, mode)
    return out


@contextlib.contextmanager
def _users_cache(folder: str):
    """The rounding memo (in the user cache folder) starts empty and is removed after: the
    figures are those of a master never rounded before, and the person's own cache is left
    alone."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = folder
    try:
        yield
    finally:
        if saved is None:
            del os.environ["XDG_CACHE_HOME"]
        else:
            os.environ["XDG_CACHE_HOME"] = saved
        shutil.rmtree(folder, ignore_errors=True)


def _three_recalculations(lines: int, formulas: int, cache: str, mode: str) -> dict:
    book = master_book(lines, cache)
    book.add_sheet("汇总", [[None]])
    calls = formulas_for(book, formulas)
    udfs.reset()
    recalc = _Recalculation(book, calls, mode == "stamped")
    first, before = recalc()
    cell = _amount_cell(book)
    book.edit("收支明细", cell, (book.value("收支明细", cell) or 0) + 10_000)
    edit, after = recalc()
    edit["changed"] = sum(a != b for a, b in zip(before, after))
    book.edit("汇总", "Z99", "备注")
    other, again = recalc()
    other["changed"] = sum(a != b for a, b in zip(after, again))
    return {"first": first, "edit": edit, "other": other}


def cold_first(lines: int, formulas: int, cache: str, users_cache: str) -> dict:
    """The first recalculation in a new process that nothing warmed, as when opening a master
    starts Excel and the add-in's server: numba loads during it, unless the rounding memo in
    ``users_cache`` holds the master's answer.  Measured in a process of its own, since this
    one may have loaded numba already."""
    env = {**os.environ, "XDG_CACHE_HOME": users_cache}
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--cold-first", str(lines),
                           str(formulas), cache], capture_output=True, text=True, timeout=600,
                          env=env)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _cold_first_here(lines: int, formulas: int, cache: str) -> dict:
    book = master_book(lines, cache)
    book.add_sheet("汇总", [[None]])
    calls = formulas_for(book, formulas)
    if "numba" in sys.modules or search_code.loaded():
        raise RuntimeError("the search was loaded before the first recalculation: not a cold start")
    figure, _ = _Recalculation(book, calls, stamped=True)()
    figure["search"] = search_code.entry_points().source if search_code.loaded() else "not run"
    if "numba" in sys.modules:
        raise RuntimeError("numba was loaded: the machine code was not on disk")
    return figure


def install_compile() -> dict:
    """Seconds to compile the search and keep its machine code (checked in a new process),
    as ``xltools addin install`` does once per computer: in a process of its own, with an
    empty folder for the code."""
    with tempfile.TemporaryDirectory(prefix="xltools-search-code-") as folder:
        done = subprocess.run([sys.executable, os.path.abspath(__file__), "--install", folder],
                              capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _install_here(folder: str) -> dict:
    from pathlib import Path

    search_code._folders = lambda: [Path(folder)]
    start, cpu = time.perf_counter(), time.process_time()
    source = search_code.entry_points().source
    return {"seconds": round(time.perf_counter() - start, 3),
            "cpu_seconds": round(time.process_time() - cpu, 3), "source": source,
            "kept": len(list(Path(folder).glob("search-*.o")))}


def main() -> None:
    if sys.argv[1:2] == ["--cold-first"]:
        print(json.dumps(_cold_first_here(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])))
        return
    if sys.argv[1:2] == ["--install"]:
        print(json.dumps(_install_here(sys.argv[2])))
        return
    args = [int(a) for a in sys.argv[1:3]]
    figures = measure(*args)
    print(f"{figures['formulas']} × BUDGET_SUM over {figures['lines']:,} lines, one recalculation "
          f"(target ≤ {TARGET_SECONDS} s of Python, ≤ {TARGET_READS_PER_SHEET} read per sheet)")
    print("| mode | recalculation | seconds | CPU seconds | of which rounding | reads "
          "| reads per sheet | cells read | results changed |")
    print("|---|---|---|---|---|---|---|---|---|")
    for mode in ("stamped", "unstamped"):
        for step, label in (("first", "first (index built; server warmed by the add-in)"), ("edit", "after an amount edit"),
                            ("other", "after an unrelated edit")):
            f = figures[mode][step]
            _row('VBA stamp' if mode == 'stamped' else 'burst window', label, f)
    _row("VBA stamp", "first, in a new server nothing warmed, master never rounded (the search's "
         "machine code loads)", figures["cold"])
    _row("VBA stamp", "first, in a new server nothing warmed, master rounded before (memo)",
         figures["cold_seen"])
    once = figures["install"]
    print(f"\nOnce per computer, at `xltools addin install`: the search compiled and its machine "
          f"code kept, {once['seconds']:.1f} s ({once['cpu_seconds']:.1f} s CPU in that process).")


def _row(mode: str, label: str, f: dict) -> None:
    print(f"| {mode} | {label} | {f['seconds']:.3f} | {f['cpu_seconds']:.3f} "
          f"| {f['rounding_cpu_seconds']:.3f} | {f['reads']} | {f['reads_per_sheet']} "
          f"| {f['cells']:,} | {f.get('changed', '—')} |")


if __name__ == "__main__":
    main()

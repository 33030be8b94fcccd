"""舍位平衡 paths: the exact solver (HiGHS), the local-search fallback, and a master that no
rounding can hold entirely."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest

from support.figures import fen, figures
from support.oracle import exact_figures
from support.random_master import make_master, random_lines
from test_rounding_property import _names
from xltools import rounding, rounding_exact
from xltools.checks.identities import check_tables
from xltools.model import Line
from xltools.money import half_up_div
from xltools.rounding import controlled_round
from xltools.tables import build_tables
from xltools.writers.tables_json import tables_dict

UNIT = 10_000  # 分 in 0.01 万元

# Three atoms of half a unit each, pairwise in a figure: every pair must round to exactly
# one unit, so the three directions would have to alternate around an odd cycle.
ODD_CYCLE = ([5_000, 5_000, 5_000], [[0, 1], [1, 2], [0, 2], [0, 1, 2], [0], [1], [2]])


def _master_systematic_rounding_leaves_off():
    """Random lines on which systematic rounding leaves figures 0.01 万元 off, though a
    rounding holding all of them exists."""
    rng = random.Random(28)
    n = rng.choice([150, 300, 600, 1000])
    lines = random_lines(rng, n, units=rng.randint(1, 4), projects=rng.randint(1, 40),
                         max_fen=rng.choice([99_999, 5_000_000, 5_000_000_00]))
    func, econ = _names(2026)
    return lines, make_master(lines, func, econ)


def _spy(monkeypatch, **forced):
    """Records the RoundingResult the engine gets, rounding with ``forced`` keywords."""
    import xltools.tables.engine as engine
    seen = []

    def recording(*args, **kw):
        seen.append(rounding.controlled_round(*args, **kw, **forced))
        return seen[-1]

    monkeypatch.setattr(engine, "controlled_round", recording)
    return seen


@pytest.fixture
def spy(monkeypatch):
    return _spy(monkeypatch)


def _far_figures(lines, ts) -> list:
    doc = tables_dict(ts)
    assert check_tables(doc) == []  # every identity, in and across tables
    t1 = {r["key"]: r["amount"] for r in doc["tables"]["T_income_expense"]["income_rows"]}
    total = sum(ln.amount for ln in lines)
    assert fen(t1["income_grand_total"]) == half_up_div(total, UNIT) * UNIT
    shown = figures(doc)
    return [(t, k) for t, cells in exact_figures(lines).items() if t in shown
            for k, v in cells.items() if abs(shown[t].get(k, 0) - v) >= UNIT]


def test_solver_holds_every_figure_systematic_rounding_leaves_off(spy):
    lines, master = _master_systematic_rounding_leaves_off()
    ts = build_tables(master)
    assert spy[-1].method == "exact"
    assert _far_figures(lines, ts) == []
    assert not [f for f in ts.findings if f.rule == "rounding-deviation"]


def test_fallback_when_the_solver_runs_out_of_time(monkeypatch):
    # No time for the solver, and a search cut short after one swap: figures stay off, as
    # on a master too hard for both.
    seen = _spy(monkeypatch, time_budget=0, max_iterations=1)
    lines, master = _master_systematic_rounding_leaves_off()
    ts = build_tables(master)
    result = seen[-1]
    assert result.method == "local-search" and result.iterations == 1
    assert not result.unavoidable
    assert _far_figures(lines, ts)  # off, yet still additive with the grand total half-up
    deviation = [f for f in ts.findings if f.rule == "rounding-deviation"]
    assert len(deviation) == len(result.deviations)  # each figure off is reported
    assert all("限定时间内" in f.message for f in deviation)


def test_a_tiny_time_budget_falls_back_to_local_search(monkeypatch):
    monkeypatch.setattr(rounding, "DEFAULT_TIME_BUDGET", 1e-9)
    result = controlled_round(*ODD_CYCLE, unit=10_000)
    assert result.method == "local-search" and not result.unavoidable
    assert sum(result.rounded) == 2  # 1.5 units, half-up


def test_no_exact_rounding_names_the_figure_that_cannot_be_held():
    exact, cells = ODD_CYCLE
    result = controlled_round(exact, cells, unit=10_000)
    assert result.method == "exact" and result.unavoidable
    assert sum(result.rounded) == 2
    # Exactly one pair carries the unavoidable unit; every other figure is held.
    (figure, dev), = result.deviations.items()
    assert figure in (0, 1, 2) and dev == 10_000
    for f, members in enumerate(cells):
        off = sum(result.rounded[i] for i in members) * 10_000 - sum(exact[i] for i in members)
        assert (abs(off) >= 10_000) == (f == figure)


def test_master_with_no_exact_rounding_reports_the_figure():
    # Three lines of 50 元: 项目支出 {甲, 丙}, 政府性基金 {乙, 丙} and 功能分类 2010101 {甲, 乙}
    # pair them up, each pair exactly 0.01 万元, while the total of 0.015 rounds to 0.02.
    lines = [Line(2, "单位甲", "2010101", "30201", "项目支出", "项目甲", "一般公共预算", 5000),
             Line(3, "单位甲", "2010101", "30101", "人员经费", None, "政府性基金预算", 5000),
             Line(4, "单位甲", "2080101", "30201", "项目支出", "项目乙", "政府性基金预算", 5000)]
    func, econ = _names(2026)
    ts = build_tables(make_master(lines, func, econ))
    assert check_tables(tables_dict(ts)) == []
    deviation = [f for f in ts.findings if f.rule == "rounding-deviation"]
    assert deviation and all(f.severity.name == "INFO" for f in deviation)
    f = deviation[0]
    assert "“总计”行“项目支出”列" in f.message and "舍位后为 0.02 万元" in f.message
    assert "与精确值 0.01 万元相差 0.01 万元" in f.message and f.expected == "0.010000"
    assert "无法再接近精确值" in f.message and "不是底稿错误" in f.message
    assert f.actual == "0.02"


def _engine_input(monkeypatch):
    """What the engine hands controlled_round for the master above."""
    import xltools.tables.engine as engine
    seen = {}

    def capture(exact, cells, order=None, unit=UNIT, **kw):
        seen.update(exact=exact, cells=cells, order=order)
        return rounding.controlled_round(exact, cells, order=order, unit=unit, **kw)

    monkeypatch.setattr(engine, "controlled_round", capture)
    build_tables(_master_systematic_rounding_leaves_off()[1])
    monkeypatch.undo()
    layout = seen["cells"]  # the engine's figures as CSR: here as one list per figure
    cells = [layout.indices[a:b].tolist()
             for a, b in zip(layout.indptr[:-1].tolist(), layout.indptr[1:].tolist())]
    return seen["exact"], cells, seen["order"]


def test_numpy_inputs_give_the_same_rounding_as_lists(monkeypatch):
    exact, cells, order = _engine_input(monkeypatch)
    plain = controlled_round(exact, cells, order=order)
    arrays = controlled_round(np.array(exact, np.int64), [np.array(c, np.int32) for c in cells],
                              order=np.array(order))
    assert arrays == plain and plain.method == "exact"
    assert all(type(v) is int for v in arrays.rounded)
    assert sum(plain.rounded) == half_up_div(sum(exact), UNIT)
    assert plain.deviations == {}


def test_large_residual_goes_to_local_search_first_then_the_solver(monkeypatch):
    exact, cells, order = _engine_input(monkeypatch)
    monkeypatch.setattr(rounding, "DIRECT_SOLVE_ATOMS", 0)
    result = controlled_round(exact, cells, order=order, max_iterations=1)
    # The local search ran first, cut short it left figures off, and the solver held them.
    assert result.method == "exact" and result.iterations == 1
    assert sum(result.rounded) == half_up_div(sum(exact), UNIT)
    assert result.deviations == {}


def test_solver_reports_the_unheld_figure_and_keeps_the_total():
    exact, cells = ODD_CYCLE
    layout = rounding_exact.Cells(np.array([0, 2, 4, 6, 9]), np.array([0, 1, 1, 2, 0, 2, 0, 1, 2]))
    rem = np.array(exact, np.int64)
    systematic = np.array([1, 0, 1])  # total 2 = 1.5 half-up; pair {0, 2} at 2
    outcome = rounding_exact.solve(layout, rem, systematic, 10_000, time_budget=5.0)
    assert outcome.up.sum() == 2
    assert len(outcome.unheld) == 1 and outcome.unheld[0] in (0, 1, 2)


def test_a_residual_the_solver_takes_does_not_load_numba():
    """The compiled search costs hundredths of a second to load, numba tenths: a small
    master, which goes straight to the solver, must pay neither."""
    code = ("import sys; from xltools.rounding import controlled_round; "
            f"r = controlled_round(*{ODD_CYCLE!r}, unit=10_000); "
            "assert r.method == 'exact', r.method; "
            "assert 'numba' not in sys.modules and 'llvmlite' not in sys.modules "
            "and 'xltools.rounding_search' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_search_loads_its_code_only_when_it_runs(tmp_path):
    """A search loads the machine code kept on disk (search_code), not numba — compiling it
    first, and keeping it, where there is none yet."""
    code = ("import sys; from pathlib import Path; import xltools.rounding as r; "
            "from xltools import search_code as s; s._folders = lambda: [Path(sys.argv[1])]; "
            "assert 'llvmlite' not in sys.modules and not s.loaded(); "
            f"res = r.controlled_round(*{ODD_CYCLE!r}, unit=10_000, time_budget=0); "
            "assert res.method == 'local-search', res.method; print(s.entry_points().source, "
            "'numba' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, text=True,
                           capture_output=True).stdout.split() for _ in range(2)]
    assert runs == [["numba", "True"], ["machine", "code", "False"]]


def test_the_search_runs_where_its_code_can_be_kept_nowhere(tmp_path):
    """A locked-down machine (read-only package folder, no writable home): the search is
    compiled in each process instead, and nothing fails."""
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    code = ("import sys; from pathlib import Path; import xltools.rounding as r; "
            "from xltools import search_code as s; "
            "s._folders = lambda: [Path(sys.argv[1]) / 'x', Path(sys.argv[1]) / 'y']; "
            f"res = r.controlled_round(*{ODD_CYCLE!r}, unit=10_000, time_budget=0); "
            "assert res.method == 'local-search', res.method; "
            "assert s.entry_points().source == 'numba'")
    subprocess.run([sys.executable, "-c", code, str(blocked)], check=True)
    assert blocked.read_text() == "not a folder"

"""舍位平衡 answers kept on disk (xltools/rounding_memo.py): a problem rounded once is given
the same answer again without searching — in a new process, without loading the search — and an
answer that fails its checks, or belongs to another problem, is never taken."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from support.search_problem import SOURCE
from xltools import rounding
from xltools.rounding_memo import KEEP, RoundingMemo

ROOT = Path(__file__).resolve().parent.parent

# The search's problem, smaller, with the memo to test.
PROBLEM = SOURCE + """
from xltools.rounding_memo import RoundingMemo

def answer(memo, seed=5):
    return solve(memo, seed=seed, n=1_500)
"""


def _here():
    namespace: dict = {}
    exec(PROBLEM, namespace)
    return namespace["problem"], namespace["answer"]


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bin"))


def test_an_answer_kept_is_given_back_in_a_new_process_without_the_search(tmp_path):
    _, answer = _here()
    memo = RoundingMemo(tmp_path / "memo")
    first = answer(memo)
    assert first["method"] == "local-search" and first["iterations"] > 0
    assert len(_files(tmp_path / "memo")) == 1
    done = subprocess.run([sys.executable, "-c", PROBLEM + textwrap.dedent(f"""
        import json, sys
        got = answer(RoundingMemo({str(tmp_path / "memo")!r}))
        print(json.dumps({{"answer": got, "searched": "xltools.rounding_search" in sys.modules}}))
    """)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["searched"] is False
    assert got["answer"] == first  # the same figures, method and iterations as when searched


def test_without_a_memo_the_answer_is_the_same(tmp_path):
    _, answer = _here()
    assert answer(RoundingMemo(tmp_path)) == answer(None) == answer(RoundingMemo(tmp_path))


@pytest.mark.parametrize("damage", ["cut short", "one more atom up", "not a memo", "direction 2"])
def test_a_damaged_answer_is_ignored_and_written_anew(tmp_path, damage):
    _, answer = _here()
    memo = RoundingMemo(tmp_path)
    first = answer(memo)
    (path,) = _files(tmp_path)
    data = bytearray(path.read_bytes())
    head = len(data) - 1_500
    up = np.frombuffer(bytes(data[head:]), np.uint8)
    if damage == "cut short":
        data = data[:-1]
    elif damage == "not a memo":
        data[0:5] = b"PK\x03\x04\x00"
    elif damage == "direction 2":
        data[head] = 2
    else:  # the grand total moves: no longer the half-up rounding of the exact total
        data[head + int(np.flatnonzero(up == 0)[0])] = 1
    path.write_bytes(bytes(data))
    assert answer(memo) == first
    assert path.read_bytes() != bytes(data)  # the good answer is back on disk


def test_an_atom_without_remainder_never_comes_back_rounded_up(tmp_path):
    """A memo claiming an up move for an atom with nothing to round is refused."""
    memo = RoundingMemo(tmp_path)
    rem = np.array([0, 5_000, 7_000, 0], np.int64)
    key = memo.key(np.arange(3))
    from xltools.rounding_memo import Answer

    memo.remember(key, Answer(np.array([1, 1, 0, 0]), "local-search", 3, True))
    assert memo.recall(key, rem, 2) is None
    memo.remember(key, Answer(np.array([0, 1, 1, 0]), "local-search", 3, True))
    kept = memo.recall(key, rem, 2)
    assert kept is not None and kept.up.tolist() == [0, 1, 1, 0] and kept.iterations == 3
    assert memo.recall(key, rem, 1) is None  # the grand total is not what rounding gives


def test_another_problem_is_another_answer(tmp_path):
    _, answer = _here()
    memo = RoundingMemo(tmp_path)
    a, b = answer(memo, seed=5), answer(memo, seed=6)
    assert len(_files(tmp_path)) == 2 and a != b
    assert answer(memo, seed=5) == a == answer(None, seed=5)


def test_an_answer_is_kept_only_for_the_code_that_found_it():
    """The digest covers the rounding modules' source, so a changed search is not handed
    an answer the old one found."""
    from xltools import rounding_memo

    before = RoundingMemo.key(np.arange(5), 10_000)
    saved = rounding_memo._code_digest
    try:
        rounding_memo._code_digest = b"other code"
        assert RoundingMemo.key(np.arange(5), 10_000) != before
    finally:
        rounding_memo._code_digest = saved
    assert RoundingMemo.key(np.arange(5), 10_000) == before
    assert RoundingMemo.key(np.arange(5), 10_000) != RoundingMemo.key(np.arange(5), 100)
    assert RoundingMemo.key(np.arange(5)) != RoundingMemo.key(np.arange(5, dtype=np.int32))


def test_only_the_most_recent_answers_are_kept(tmp_path):
    from xltools.rounding_memo import Answer

    memo = RoundingMemo(tmp_path, keep=3)
    for i in range(5):
        key = memo.key(i)
        memo.remember(key, Answer(np.zeros(4, np.int64), "exact", 0, True))
        os.utime(tmp_path / f"{key}.bin", ns=(10**18 + i, 10**18 + i))
    kept = {p.stem for p in _files(tmp_path)}
    assert kept == {memo.key(i) for i in (2, 3, 4)}
    assert KEEP >= 16


def test_a_folder_that_cannot_be_written_only_means_no_memo(tmp_path):
    _, answer = _here()
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert answer(RoundingMemo(blocked / "memo")) == answer(None)


def test_nothing_is_kept_when_systematic_rounding_holds_every_figure(tmp_path):
    memo = RoundingMemo(tmp_path)
    r = rounding.controlled_round([12_345, 23_456, 34_567], [[0, 1], [0, 1, 2]], memo=memo)
    assert r.method == "systematic" and _files(tmp_path) == []


def test_the_worksheet_functions_keep_their_answers_in_the_user_cache(tmp_path, user_cache_folder):
    """A master recalculated once is not searched again by a new Python server: its first
    recalculation there does not load the search."""
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from benchmarks.fake_excel import FakeBook
        from benchmarks.generate import generate
        from xltools.excel import udfs
        path = {str(tmp_path / "master.xlsx")!r}
        if sys.argv[1] == "first":
            generate(3_000, path)
        book = FakeBook.from_xlsx(path)
        book.add_sheet("汇总", [[None]])
        total = udfs.BUDGET_SUM(None, caller=book.cell("汇总"), recalc="1:1")
        print(json.dumps({{"total": total, "searched": "xltools.rounding_search" in sys.modules}}))
    """)
    runs = []
    for which in ("first", "again"):
        done = subprocess.run([sys.executable, "-c", script, which], capture_output=True,
                              text=True, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert runs[0]["searched"] is True  # 3,000 generated lines need the search
    assert runs[1] == {"total": runs[0]["total"], "searched": False}
    assert len(list((user_cache_folder / "xltools" / "rounding").glob("*.bin"))) == 1


def test_the_addins_buttons_and_budget_check_take_the_functions_answers(tmp_path, monkeypatch):
    """One memo for the whole add-in: after the worksheet functions have rounded a master,
    BUDGET_CHECK and the buttons (生成公开表, 校验, 导出绩效目标表) take that answer instead of
    searching again."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.fake_excel import FakeBook
    from benchmarks.generate import generate
    from xltools.excel import ribbon, udfs

    path = tmp_path / "master.xlsx"
    generate(3_000, str(path))
    book = FakeBook.from_xlsx(path)
    book.add_sheet("汇总", [[None]])
    udfs.reset()
    total = udfs.BUDGET_SUM(None, caller=book.cell("汇总"), recalc="1:1")
    assert isinstance(total, float)
    recalled = []
    real = RoundingMemo.recall

    def recall(self, *args):
        answer = real(self, *args)
        recalled.append(answer)
        return answer

    monkeypatch.setattr(RoundingMemo, "recall", recall)
    assert udfs.BUDGET_CHECK(caller=book.cell("汇总"), recalc="1:2") == "通过"
    for entry in (ribbon.check, ribbon.generate_tables, ribbon.export_performance):
        outcome = entry(book, ribbon.Host())
        assert outcome.ok, outcome.message
    assert len(recalled) == 4 and all(a is not None and a.method == "local-search" for a in recalled)
    udfs.reset()

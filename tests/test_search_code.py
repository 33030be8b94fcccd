"""The search's machine code kept on disk and loaded without numba (xltools/search_code.py):
kept only once a new process has loaded it and given numba's answer, never loaded when
damaged, and the same answers whichever way the code was obtained."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from support.search_problem import SOURCE
from xltools import rounding_search, search_code

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compiled():
    """numba's own compile of the kernels, in this process (seconds, once)."""
    from xltools import search_kernels

    made = search_kernels.compile_entries()
    return made, search_code.Entries.at({name: f.address for name, f in made.items()}, "numba",
                                        made)


def _python(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_code_kept_is_loaded_in_a_new_process_without_numba_and_answers_alike(tmp_path, compiled):
    made, entries = compiled
    kept = search_code.write(made, entries, [tmp_path])
    assert kept is not None and kept.parent == tmp_path and kept.name.startswith("search-")
    assert list(tmp_path.glob(".~*")) == []  # no temporary file left behind
    loaded = _python(SOURCE + textwrap.dedent("""
        import time
        from pathlib import Path
        from xltools import search_code
        search_code._folders = lambda: [Path(sys.argv[1])]
        start = time.perf_counter()
        source = search_code.entry_points().source
        seconds = time.perf_counter() - start
        print(json.dumps({"answer": solve(), "source": source, "seconds": seconds,
                          "numba": "numba" in sys.modules}))
    """), str(tmp_path))
    assert loaded["source"] == "machine code" and loaded["numba"] is False
    assert loaded["seconds"] < 5  # hundredths of a second; a compile would take seconds

    namespace: dict = {}
    exec(SOURCE, namespace)
    search_code._entries, saved = entries, search_code._entries
    try:
        here = namespace["solve"]()
    finally:
        search_code._entries = saved
    assert here["method"] == "local-search" and here["iterations"] > 0
    assert loaded["answer"] == here


def test_code_a_new_process_answers_differently_with_is_not_kept(tmp_path, compiled, monkeypatch):
    made, entries = compiled
    monkeypatch.setattr(search_code, "_answer_elsewhere", lambda path: [0, [], []])
    assert search_code.write(made, entries, [tmp_path]) is None
    assert list(tmp_path.iterdir()) == []


def test_code_that_would_crash_a_new_process_is_not_kept(tmp_path, compiled, monkeypatch):
    """Machine code that calls something missing crashes the process that runs it: the
    check runs where that harms nothing, and the file is dropped."""
    made, entries = compiled

    def calls_nowhere(llvm, modules):
        entry_points = "".join(
            f'define void @"{f.native_name}"() {{\n  call void @xltools_nowhere()\n  ret void\n}}\n'
            for f in made.values())
        module = llvm.parse_assembly("declare void @xltools_nowhere()\n" + entry_points)
        return search_code._target_machine(llvm).emit_object(module)

    monkeypatch.setattr(search_code, "object_code", calls_nowhere)
    assert search_code.write(made, entries, [tmp_path]) is None
    assert list(tmp_path.iterdir()) == []


def test_a_file_another_process_cannot_read_is_not_kept(tmp_path, compiled, monkeypatch):
    made, entries = compiled
    monkeypatch.setattr(search_code, "_MAGIC", b"xltools-search-code-0\n")  # not theirs
    assert search_code.write(made, entries, [tmp_path]) is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("damage", ["cut", "byte", "magic", "header"])
def test_a_damaged_file_is_not_loaded(tmp_path, compiled, damage):
    made, entries = compiled
    kept = search_code.write(made, entries, [tmp_path])
    data = kept.read_bytes()
    if damage == "cut":
        data = data[:-100]
    elif damage == "byte":
        data = data[:-50] + bytes([data[-50] ^ 0xFF]) + data[-49:]
    elif damage == "magic":
        data = b"X" + data[1:]
    else:
        data = data.replace(b'"symbols"', b'"symbolz"')
    kept.write_bytes(data)
    assert search_code.load([tmp_path]) is None


def test_the_next_folder_is_tried_when_the_first_cannot_be_written(tmp_path, compiled):
    made, entries = compiled
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    kept = search_code.write(made, entries, [blocked / "code", tmp_path / "cache"])
    assert kept is not None and kept.parent == tmp_path / "cache"
    assert search_code.load([blocked / "code", tmp_path / "cache"]).source == "machine code"


def test_only_numbas_error_path_is_given_empty_bodies():
    """What the kernels' wrappers declare for an error they never raise is stubbed; a call
    to anything else would be a call the code really makes, and no file is written."""
    ir = textwrap.dedent("""\
        @PyExc_SystemError = external global i8
        declare void @numba_gil_ensure(ptr) local_unnamed_addr
        declare ptr @PyUnicode_FromString(ptr) local_unnamed_addr
        declare i64 @llvm.smax.i64(i64, i64)
    """)
    out = search_code._standalone(ir)
    assert "@PyExc_SystemError = internal global i8 zeroinitializer" in out
    assert "define internal void @numba_gil_ensure(ptr) {\n  ret void\n}" in out
    assert "define internal ptr @PyUnicode_FromString(ptr) {\n  ret ptr null\n}" in out
    assert "declare i64 @llvm.smax.i64(i64, i64)" in out
    with pytest.raises(ValueError, match="memcpy"):
        search_code._standalone("declare ptr @memcpy(ptr, ptr, i64)")
    with pytest.raises(ValueError, match="errno"):
        search_code._standalone("@errno = external global i32")


def test_arrays_of_the_wrong_kind_are_refused_before_the_code_runs(compiled):
    _, entries = compiled
    indices = np.array([0, 1], np.int64)  # the code takes int32
    with pytest.raises(TypeError, match="i32"):
        entries.renumber(indices, 2, np.array([1, 0], np.int32), 2)
    with pytest.raises(TypeError, match="i32"):
        entries.renumber(np.array([0, 1, 2, 3], np.int32)[::2], 2, np.array([1, 0], np.int32), 2)
    with pytest.raises(TypeError, match="takes 4"):
        entries.renumber(np.array([0, 1], np.int32), 2)


def test_indices_not_held_as_int32_are_searched_on_a_copy(compiled):
    """rounding_cells holds atom indices as int32; other ones are copied for the code, and
    the caller's are left as they were."""
    _, entries = compiled
    from xltools.rounding_exact import Cells

    indptr = np.array([0, 2, 4, 7], np.int64)
    wide = np.array([0, 1, 1, 2, 0, 1, 2], np.int64)
    rem = np.array([6_000, 6_000, 6_000], np.int64)
    answers = []
    for indices in (wide, wide.astype(np.int32)):
        cells = Cells(indptr, indices)
        up = np.array([1, 0, 1], np.int64)
        dev = cells.sums(up) * 10_000 - cells.sums(rem)
        answers.append((rounding_search.search(cells, rem, up, dev, 10_000, 100, 1,
                                               np.arange(3), entries=entries),
                        up.tolist(), dev.tolist()))
    assert answers[0] == answers[1]
    assert wide.tolist() == [0, 1, 1, 2, 0, 1, 2]

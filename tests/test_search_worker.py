"""The rounding search run in a worker process started before the master is read
(xltools/search_worker.py): the same result as in this process, and the search still runs
here whenever the worker cannot.  The worker is for a computer without the search's machine
code on disk, so each script here keeps that in a folder of its own, empty at first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from support.search_problem import SOURCE
from xltools import search_worker

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the worker is forked: Linux only")

# The search's problem (tests/support/search_problem.py), and the file that makes a master
# large enough for the worker.
PROBLEM = SOURCE + """
from pathlib import Path
from xltools import search_code, search_worker
big = sys.argv[1]
search_code._folders = lambda: [Path(sys.argv[2])]
"""


def _run(script: str, tmp_path) -> dict:
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"\0" * search_worker.WORTH_IT_BYTES)
    done = subprocess.run([sys.executable, "-c", PROBLEM + textwrap.dedent(script), str(big),
                           str(tmp_path / "code")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_worker_gives_the_search_of_this_process(tmp_path):
    got = _run("""
        with search_worker.ready_for(big):
            worker = search_worker._worker.process
            there = solve()
            loaded_here = "xltools.rounding_search" in sys.modules
        ended = not worker.is_alive()
        here = solve()
        print(json.dumps({"same": there == here, "method": there["method"],
                          "iterations": there["iterations"], "loaded_here": loaded_here,
                          "ended": ended, "loaded_after": "xltools.rounding_search" in sys.modules}))
    """, tmp_path)
    assert got["method"] == "local-search" and got["iterations"] > 0
    assert got["same"]
    assert not got["loaded_here"]  # the search ran in the worker only
    assert got["ended"]  # and the worker ends with the block
    assert got["loaded_after"]  # without it the search ran here


def test_a_worker_killed_before_the_search_leaves_it_to_this_process(tmp_path):
    got = _run("""
        with search_worker.ready_for(big):
            search_worker._worker.process.kill()
            search_worker._worker.process.join()
            there = solve()
            gone = search_worker._worker is None
        here = solve()
        print(json.dumps({"same": there == here, "gone": gone,
                          "loaded": "xltools.rounding_search" in sys.modules}))
    """, tmp_path)
    assert got == {"same": True, "gone": True, "loaded": True}


def test_a_search_failing_in_the_worker_is_left_to_this_process(tmp_path):
    """The worker tells why it failed and is not asked again; the caller then runs the
    search here, where the same error is the one the user sees."""
    got = _run("""
        with search_worker.ready_for(big):
            # An order of floats: numpy refuses to index with it, there as it would here.
            r = search_worker.search(rounding.rounding_exact.Cells(
                np.array([0, 2], np.int64), np.array([0, 1], np.int32)),
                np.array([6000, 6000], np.int64), np.zeros(2, np.int64),
                np.array([-12000], np.int64), 10000, 10, 1, np.arange(2.0))
            gone = search_worker._worker is None
        print(json.dumps({"answer": r, "gone": gone}))
    """, tmp_path)
    assert got == {"answer": None, "gone": True}


def test_no_worker_where_the_machine_code_loads(tmp_path):
    """Loading the search's machine code takes a few hundredths of a second: a worker would
    only cost a fork and the copies of the arrays."""
    got = _run("""
        search_code.entry_points()  # compiled here, and kept in the folder
        search_code._entries = None  # as a later process
        with search_worker.ready_for(big):
            worker = search_worker._worker
            source = search_code.entry_points().source
        print(json.dumps({"worker": worker is not None, "source": source}))
    """, tmp_path)
    assert got == {"worker": False, "source": "machine code"}


def test_a_small_master_starts_no_worker(tmp_path):
    small = tmp_path / "small.xlsx"
    small.write_bytes(b"\0" * (search_worker.WORTH_IT_BYTES - 1))
    with search_worker.ready_for(str(small), None, str(tmp_path / "missing.xlsx")):
        assert search_worker._worker is None


def test_the_worker_ends_when_the_command_is_killed(tmp_path):
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"\0" * search_worker.WORTH_IT_BYTES)
    script = textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from xltools import search_code, search_worker
        search_code._folders = lambda: [Path(sys.argv[2])]
        with search_worker.ready_for(sys.argv[1]):
            print(search_worker._worker.process.pid, flush=True)
            time.sleep(60)
    """)
    command = subprocess.Popen([sys.executable, "-c", script, str(big), str(tmp_path / "code")],
                               cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        pid = int(command.stdout.readline())
        time.sleep(1.0)  # the worker is compiling the search, or waiting for one
        command.send_signal(signal.SIGKILL)
        command.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(pid)
    finally:
        command.kill()


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has ended; its parent, here init, reaps it)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_tables_command_rounds_in_the_worker_and_writes_the_same_json(tmp_path):
    """`xltools tables` on a master that needs the search: the worker runs it (the command
    itself never loads the search) and the JSON is the one a run without it writes."""
    from benchmarks.generate import generate

    master = tmp_path / "master.xlsx"
    generate(3_000, str(master))
    script = textwrap.dedent("""
        import json, sys
        from pathlib import Path
        from xltools import search_code, search_worker
        from xltools.cli import run
        search_worker.WORTH_IT_BYTES = int(sys.argv[3])
        code_folder = Path(sys.argv[4])
        search_code._folders = lambda: [code_folder]
        sys.argv = ["xltools", "tables", sys.argv[1], "--json", "-o", sys.argv[2]]
        try:
            run()
        except SystemExit as exc:
            assert not exc.code, exc.code
        print(json.dumps("xltools.rounding_search" in sys.modules))
    """)
    loaded = {}
    for name, threshold in (("worker", 1), ("here", 10**12)):
        done = subprocess.run([sys.executable, "-c", script, str(master),
                               str(tmp_path / f"{name}.json"), str(threshold),
                               str(tmp_path / f"code-{name}")],
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        loaded[name] = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"worker": False, "here": True}
    assert (tmp_path / "worker.json").read_bytes() == (tmp_path / "here.json").read_bytes()

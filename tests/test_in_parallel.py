"""Outputs written in several processes (xltools/writers/in_parallel.py) behave as written in one:
every job runs, errors come back here in output order, an error or an interruption here
stops the other processes and leaves no temporary file, and ``build`` writes the same files."""

from __future__ import annotations

import os
import signal
import time
import zipfile
from pathlib import Path

import pytest

from xltools import pipeline
from xltools.atomic import TEMP_PREFIX, OutputError, OutputLocked, atomic_path
from xltools.reader import read_master
from xltools.writers import in_parallel

pytestmark = pytest.mark.skipif(not in_parallel.can_fork(), reason="needs fork")


def _write(path: Path, text: str):
    def job():
        with atomic_path(str(path)) as tmp:
            Path(tmp).write_text(text, encoding="utf-8")
    return job


def test_every_job_runs_and_the_other_process_does_its_part(tmp_path):
    parent = os.getpid()
    seen = tmp_path / "pid.txt"

    def where():
        seen.write_text(str(os.getpid()), encoding="utf-8")

    in_parallel.run([_write(tmp_path / "a.txt", "a")],
                    [_write(tmp_path / "b.txt", "b"), where, _write(tmp_path / "c.txt", "c")])
    assert [(p.name, p.read_text(encoding="utf-8")) for p in sorted(tmp_path.glob("?.txt"))] == [
        ("a.txt", "a"), ("b.txt", "b"), ("c.txt", "c")]
    assert int(seen.read_text(encoding="utf-8")) != parent


def test_an_error_over_there_is_raised_here_with_its_class_and_message(tmp_path):
    def fails():
        raise OutputLocked("无法写入“b.txt”：文件可能正在 Excel 或 WPS 中打开，请关闭后重试。")

    with pytest.raises(OutputLocked, match="请关闭后重试"):
        in_parallel.run([_write(tmp_path / "a.txt", "a")], [fails, _write(tmp_path / "c.txt", "c")])
    assert (tmp_path / "a.txt").exists() and not (tmp_path / "c.txt").exists()  # c came after b


def test_an_error_that_cannot_be_pickled_still_comes_back(tmp_path):
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a}/{b}")

    def fails():
        raise Odd(1, 2)

    with pytest.raises(RuntimeError, match="Odd: 1/2"):
        in_parallel.run([], [fails])


def test_the_first_outputs_error_wins_and_nothing_is_left_behind(tmp_path):
    def slow_then_write():
        with atomic_path(str(tmp_path / "b.txt")) as tmp:
            Path(tmp).write_text("half", encoding="utf-8")
            time.sleep(30)  # stopped long before

    def fails():
        time.sleep(0.3)
        raise OutputError("磁盘空间不足")

    start = time.monotonic()
    with pytest.raises(OutputError, match="磁盘空间不足"):
        in_parallel.run([fails], [slow_then_write])
    assert time.monotonic() - start < 20
    assert list(tmp_path.iterdir()) == []  # the other process removed its temporary file


def test_sigterm_here_stops_both_and_cleans_up(tmp_path):
    def signal_self():
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)

    def slow():
        with atomic_path(str(tmp_path / "b.txt")) as tmp:
            Path(tmp).write_text("half", encoding="utf-8")
            time.sleep(30)

    with pytest.raises(KeyboardInterrupt):
        in_parallel.run([signal_self], [slow])
    assert list(tmp_path.glob(TEMP_PREFIX + "*")) == [] and list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_each_list_runs_in_a_process_of_its_own(tmp_path):
    def where(name):
        def job():
            (tmp_path / name).write_text(str(os.getpid()), encoding="utf-8")
        return job

    in_parallel.run([where("here")], [where("one")], [where("two")])
    pids = {p.name: int(p.read_text(encoding="utf-8")) for p in tmp_path.iterdir()}
    assert pids["here"] == os.getpid() and len(set(pids.values())) == 3


def test_errors_come_back_in_the_order_of_the_lists(tmp_path):
    def fails_late():
        time.sleep(0.5)
        raise OutputError("first")

    def fails_at_once():
        raise OutputError("second")

    with pytest.raises(OutputError, match="first"):
        in_parallel.run([_write(tmp_path / "a.txt", "a")], [fails_late], [fails_at_once])
    with pytest.raises(OutputError, match="second"):
        in_parallel.run([], [_write(tmp_path / "b.txt", "b")], [fails_at_once])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_an_error_here_stops_every_other_process(tmp_path):
    def slow(name):
        def job():
            with atomic_path(str(tmp_path / name)) as tmp:
                Path(tmp).write_text("half", encoding="utf-8")
                time.sleep(30)
        return job

    def fails():
        time.sleep(0.3)
        raise OutputError("磁盘空间不足")

    start = time.monotonic()
    with pytest.raises(OutputError, match="磁盘空间不足"):
        in_parallel.run([fails], [slow("b.txt")], [slow("c.txt")])
    assert time.monotonic() - start < 20
    assert list(tmp_path.iterdir()) == []


def test_not_parallel_runs_everything_here_in_order(tmp_path):
    order = []
    in_parallel.run([lambda: order.append(("a", os.getpid()))], [lambda: order.append(("b", os.getpid()))],
                    parallel=False)
    assert order == [("a", os.getpid()), ("b", os.getpid())]


def _sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:  # docProps/core.xml carries the time of writing
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_build_writes_the_same_files_either_way(make_master, tmp_path):
    master = read_master(str(make_master()))
    _, one, _ = pipeline.write_outputs(master, str(tmp_path / "one"), parallel=False)
    _, two, _ = pipeline.write_outputs(master, str(tmp_path / "two"), parallel=True)
    assert [Path(p).name for p in one] == [Path(p).name for p in two]
    for a, b in zip(one, two):
        assert _sheets(Path(a)) == _sheets(Path(b)), a


def test_a_killed_build_does_not_go_on_writing(tmp_path):
    """SIGKILL of the build: the other process removes its temporary file and ends too."""
    import subprocess
    import sys

    script = f"""
import time
from pathlib import Path
from xltools.atomic import atomic_path
from xltools.writers import in_parallel

def slow():
    with atomic_path({str(tmp_path / 'b.txt')!r}) as tmp:
        Path(tmp).write_text("half", encoding="utf-8")
        time.sleep(60)

in_parallel.run([lambda: time.sleep(60)], [slow])
"""
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob(TEMP_PREFIX + "*")) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert list(tmp_path.glob(TEMP_PREFIX + "*")), "the other process never started writing"
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 20
        while list(tmp_path.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(tmp_path.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()


def test_build_writes_without_the_cyclic_collector_and_restores_it(make_master, tmp_path, monkeypatch):
    """The collector is off while the outputs are written (full collections over a large
    master cost a third of the writing), and back on afterwards, even after an error."""
    import gc

    master = read_master(str(make_master()))
    seen = []
    real = pipeline.write_performance_workbook

    def spy(*args):
        seen.append(gc.isenabled())
        real(*args)

    monkeypatch.setattr(pipeline, "write_performance_workbook", spy)
    assert gc.isenabled()
    pipeline.write_outputs(master, str(tmp_path / "ok"), parallel=False)
    assert seen == [False] and gc.isenabled() and gc.get_freeze_count() == 0

    def fails(*args):
        raise OutputError("磁盘空间不足")

    monkeypatch.setattr(pipeline, "write_performance_workbook", fails)
    with pytest.raises(OutputError):
        pipeline.write_outputs(master, str(tmp_path / "failed"), parallel=False)
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("processes, groups", [
    (4, [["a"], ["b"], ["c"]]),
    (3, [["a"], ["b"], ["c"]]),
    (2, [["a"], ["b", "c"]]),
    (1, [["a", "b", "c"]]),
])
def test_lists_regrouped_for_the_processes_there_are(processes, groups):
    """Beyond the cores a process only waits for one: the lists past the last process's
    share follow one another in it, in their order."""
    got = in_parallel.at_most(processes, ["a"], ["b"], ["c"])
    assert [list(jobs) for jobs in got] == groups


def test_build_on_two_cores_writes_in_two_processes(make_master, tmp_path, monkeypatch):
    """The 绩效 workbook and the document share the second process; the files are those
    of a build in one process."""
    master = read_master(str(make_master()))
    forks = []
    real_run = in_parallel.run

    def counting(here, *elsewhere, parallel=True):
        forks.append(len(elsewhere))
        return real_run(here, *elsewhere, parallel=parallel)

    monkeypatch.setattr(in_parallel, "cores", lambda: 2)
    monkeypatch.setattr(in_parallel, "run", counting)
    _, two, _ = pipeline.write_outputs(master, str(tmp_path / "two"), parallel=True)
    _, one, _ = pipeline.write_outputs(master, str(tmp_path / "one"), parallel=False)
    assert forks[0] == 1  # one list for the second process
    for a, b in zip(two, one):
        assert _sheets(Path(a)) == _sheets(Path(b)), a

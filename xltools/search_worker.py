"""The rounding search in a process of its own, made ready while the master is read.

The swap search of 舍位平衡 loads its machine code from disk in a few hundredths of a second
(search_code).  Only where there is none yet — the first search on a computer where
``xltools addin install`` did not compile it, or one where it can be kept nowhere — is it
compiled with numba: seconds, plus the import of numba itself, more when its 180 MB LLVM
library is not in the operating system's file cache.  A command that is about to read a large master then forks this worker first: it
compiles on the other core while this process reads the master and lays out the figures,
then runs each search it is sent and sends back the result — the same result, since it runs
the same code on the same arrays.

The worker is only a way to save time.  Where it is not needed (the machine code loads),
cannot be started (not Linux; a thread other than the main one, as in the Excel add-in) or
stops answering, the search runs in this process.  It takes no signals of its own: it
ends when this process closes its end of the pipe, exits or is killed (the kernel ends it
then), and Ctrl-C is handled here alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from typing import Iterator

import numpy as np

from . import search_code
from .rounding_exact import Cells

# A master file this large is likely to need the search (generated masters: about 40 bytes a
# line, so some 5,000 lines; systematic rounding leaves figures off from about 1,000 lines).
# Smaller ones would compile the search in the worker for nothing.
WORTH_IT_BYTES = 200_000

_worker: "_Worker | None" = None


@contextlib.contextmanager
def ready_for(*paths: str | None) -> Iterator[None]:
    """Within the block, searches run in a worker started now if one of the masters at
    ``paths`` is large enough to need the search and this process can fork; the worker is
    ended on the way out.  Enter before reading the masters."""
    global _worker
    if (_worker is not None or not any(_worth_it(p) for p in paths if p) or not _can_fork()
            or search_code.from_disk()):
        yield
        return
    _worker = _Worker()
    try:
        yield
    finally:
        stop()


def stop() -> None:
    """End the worker now, if there is one: its searches are done and its memory is wanted
    (a search asked for after all runs in this process)."""
    global _worker
    worker, _worker = _worker, None
    if worker is not None:
        worker.close()


def _worth_it(path: str) -> bool:
    try:
        return os.path.getsize(path) >= WORTH_IT_BYTES
    except OSError:
        return False  # the reader says what is wrong with the path


def search(cells: Cells, rem: np.ndarray, up: np.ndarray, dev: np.ndarray, unit: int,
           budget: int, seed: int, order: np.ndarray) -> int | None:
    """``rounding_search.search`` run in the worker: ``up`` and ``dev`` repaired in place and
    the iterations returned — or None, with both untouched, when there is no worker to run
    it (the caller then runs the search itself)."""
    if _worker is None:
        return None
    try:
        return _worker.run(cells, rem, up, dev, unit, budget, seed, order)
    except Exception:  # noqa: BLE001 - gone, out of step or failed: run here, never again there
        stop()
        return None


def _can_fork() -> bool:
    """Linux, the main thread, the search not loaded here already, and not itself a daemonic
    process (batch's pool workers may not have children)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread()
            and not multiprocessing.current_process().daemon
            and not search_code.loaded())


class _Worker:
    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, self.conn, os.getpid()),
                                       daemon=True, name="xltools-rounding-search")
        self.process.start()
        theirs.close()

    def run(self, cells, rem, up, dev, unit, budget, seed, order) -> int:
        arrays = [np.ascontiguousarray(a) for a in (cells.indptr, cells.indices, rem, up, dev,
                                                     order)]
        self.conn.send([(a.dtype.str, a.shape) for a in arrays] + [unit, budget, seed])
        for a in arrays:
            self.conn.send_bytes(memoryview(a).cast("B"))
        answer = self.conn.recv()
        if not isinstance(answer, int):
            raise ValueError(answer)  # the search failed there: it is run here, and says why
        # Into copies first: a worker killed halfway must not leave half a result.
        new_up, new_dev = np.empty_like(up), np.empty_like(dev)
        for a in (new_up, new_dev):
            if self.conn.recv_bytes_into(memoryview(a).cast("B")) != a.nbytes:
                raise ValueError("short answer")
        up[...] = new_up
        dev[...] = new_dev
        return answer

    def close(self) -> None:
        """An idle worker ends as soon as the pipe closes; one still compiling (the
        master was refused, or needed no search) is not waited for."""
        with contextlib.suppress(OSError):
            self.conn.close()
        self.process.join(timeout=0.1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(conn, parents_end, parent: int) -> None:
    """The worker: compile the search, then run the searches asked for until the parent
    closes its end."""
    parents_end.close()  # else the pipe would never report the parent gone
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        return
    from . import rounding_search

    rounding_search.warm_up()
    while True:
        try:
            header = conn.recv()
        except (EOFError, OSError):
            return
        *shapes, unit, budget, seed = header
        arrays = []
        for dtype, shape in shapes:
            a = np.empty(shape, np.dtype(dtype))
            conn.recv_bytes_into(memoryview(a).cast("B"))
            arrays.append(a)
        indptr, indices, rem, up, dev, order = arrays
        try:
            iterations = rounding_search.search(Cells(indptr, indices), rem, up, dev, unit,
                                                budget, seed, order)
        except Exception as exc:  # noqa: BLE001 - told to the parent, which runs it itself
            conn.send(f"{type(exc).__name__}: {exc}")
            continue
        conn.send(int(iterations))
        conn.send_bytes(memoryview(up).cast("B"))
        conn.send_bytes(memoryview(dev).cast("B"))
        del arrays, indptr, indices, rem, up, dev, order


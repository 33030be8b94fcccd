"""Write independent outputs at the same time: some here, the rest in forked processes.

At 100,000 lines the three outputs of ``build`` take seconds each and share nothing but the
figures already computed, so processes started with ``fork`` (which inherit those figures
instead of pickling them) each write one while this one goes on.  Where fork is not
the way to start a process (Windows; macOS, where it is unsafe), from a thread other than
the main one (the Excel add-in), or when asked to, the jobs simply run one after the other.

What the user sees stays as before: each file is written completely or not at all
(xltools/atomic.py, in every process); an error is raised here as if the jobs had run here
one after the other, the first output's before the others'; Ctrl-C, SIGTERM or an error here
stops the other processes, each of which removes its temporary file before it ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from typing import Callable

from ..atomic import _interrupt_on_termination

Job = Callable[[], None]


def can_fork() -> bool:
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread()
            and threading.active_count() == 1)


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def at_most(processes: int, here: list[Job], *elsewhere: list[Job]) -> tuple[list[Job], ...]:
    """``here`` and ``elsewhere`` regrouped for at most ``processes`` processes: the lists
    of ``elsewhere`` beyond the last process's share run after one another in it, so the
    order in which errors are raised stays that of the lists."""
    others = max(processes - 1, 0)
    if len(elsewhere) <= others:
        return (here, *elsewhere)
    if others == 0:
        return ([job for jobs in (here, *elsewhere) for job in jobs],)
    kept, rest = list(elsewhere[:others - 1]), elsewhere[others - 1:]
    return (here, *kept, [job for jobs in rest for job in jobs])


def run(here: list[Job], *elsewhere: list[Job], parallel: bool = True) -> None:
    """Run ``here`` in this process and each list of ``elsewhere`` in a forked process of its
    own, each list in order (with ``parallel`` False or no fork: all of ``here``, then each
    list of ``elsewhere``, here).  An error is raised as the sequential run would raise it:
    that of ``here``, else that of the first list of ``elsewhere`` that failed."""
    elsewhere = tuple(jobs for jobs in elsewhere if jobs)
    if not (parallel and elsewhere and can_fork()):
        for jobs in (here, *elsewhere):
            for job in jobs:
                job()
        return
    # SIGTERM and SIGHUP become KeyboardInterrupt from before the fork: in this process the
    # others are stopped on the way out, and the others inherit the same handling.
    with _interrupt_on_termination():
        children: list[_Child] = []
        try:
            for jobs in elsewhere:
                children.append(_Child(jobs))
            for job in here:
                job()
            for child in children:
                error = child.outcome()
                if error is not None:
                    raise error
        except BaseException:
            for child in children:
                child.stop()
            raise


class _Child:
    def __init__(self, jobs: list[Job]):
        read, write = os.pipe()
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read)
            _child_main(jobs, write, parent)  # never returns
        os.close(write)
        self.read: int | None = read
        self.data = b""
        self.status: int | None = None

    def stop(self) -> None:
        """Ask the child to end now (it cleans up as on Ctrl-C), and wait for it; what it
        says then does not matter: the error being raised here is the one to report."""
        if self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(Exception):
            self.outcome()

    def outcome(self) -> BaseException | None:
        """Wait for the child's jobs: their error, if any (resumable when interrupted)."""
        while self.read is not None:
            chunk = os.read(self.read, 1 << 16)
            if chunk:
                self.data += chunk
            else:
                os.close(self.read)
                self.read = None
        if self.status is None:
            self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        if self.data:
            try:
                return pickle.loads(self.data)
            except Exception:  # noqa: BLE001 - cut short: the exit code tells what is known
                pass
        if self.status != 0:
            return RuntimeError(f"写文件的子进程意外结束（退出码 {self.status}）")
        return None


def _child_main(jobs: list[Job], write: int, parent: int) -> None:
    code, error = 0, None
    try:
        try:
            _end_with_parent(parent)
            for job in jobs:
                job()
        except BaseException as exc:  # noqa: BLE001 - every outcome goes back to the parent
            code, error = 1, exc
        data = b"" if error is None else _portable(error)
        with os.fdopen(write, "wb") as fh:
            fh.write(data)
    finally:
        # Not sys.exit: the parent's atexit handlers and buffered output are the parent's.
        os._exit(code)


def _end_with_parent(parent: int) -> None:
    """A build killed outright (SIGKILL) must not go on writing: the kernel sends this
    process SIGTERM when its parent dies, which removes its temporary file and ends it."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request took effect
        raise KeyboardInterrupt("parent ended")


def _portable(error: BaseException) -> bytes:
    """The error pickled, or — if its class cannot be rebuilt from a pickle — a RuntimeError
    with its text."""
    try:
        data = pickle.dumps(error)
        pickle.loads(data)
        return data
    except Exception:  # noqa: BLE001
        return pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}"))

"""Write a file completely or not at all.

Outputs are written to a temporary file in the target folder and renamed over the target,
so a crash, a full disk or Ctrl-C never leaves a half-written file where the user looks.
While an output is being written, SIGTERM and SIGHUP (a batch job stopped, the terminal
closed) raise KeyboardInterrupt like Ctrl-C, so even then the temporary file is removed;
only SIGKILL or a power cut can leave one behind, under its hidden name ``.~xltools-…``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
import threading

TEMP_PREFIX = ".~xltools-"


class OutputError(OSError):
    """An output cannot be written (no permission, disk full, a file where the folder
    should be); the message says why, in Chinese."""


class OutputLocked(OutputError):
    """The target exists and cannot be replaced — usually open in Excel or WPS."""


@contextlib.contextmanager
def atomic_path(target: str):
    """Yield a temporary path next to ``target``; on success it replaces ``target``."""
    folder = os.path.dirname(os.path.abspath(target)) or "."
    suffix = os.path.splitext(target)[1]
    tmp = None
    with _interrupt_on_termination():
        try:
            try:
                os.makedirs(folder, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=folder)
            except OSError as exc:
                raise OutputError(_cannot_create(folder, exc)) from exc
            os.close(fd)
            # mkstemp makes the file private (0600); an output gets the permissions of any new file.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            try:
                yield tmp
            except OSError as exc:
                if exc.errno in _DISK_FULL and not isinstance(exc, OutputError):
                    raise OutputError(f"写入“{target}”时磁盘空间不足，文件没有生成。"
                                      "请清理磁盘或换一个输出文件夹后重试。") from exc
                raise
            try:
                os.replace(tmp, target)
            except PermissionError as exc:
                raise OutputLocked(
                    f"无法写入“{target}”：文件可能正在 Excel 或 WPS 中打开，请关闭后重试。") from exc
            except OSError as exc:
                raise OutputError(f"无法写入“{target}”（{exc.strerror or exc}）。"
                                  "请检查文件名和输出文件夹后重试。") from exc
        finally:
            if tmp:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(tmp)


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _cannot_create(folder: str, exc: OSError) -> str:
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return f"无法在“{folder}”中写入文件：这个路径（或它的上级）是一个文件，不是文件夹。请换一个输出文件夹。"
    if isinstance(exc, PermissionError):
        return f"没有权限在“{folder}”中写入文件。请换一个输出文件夹，或请管理员开放写入权限。"
    if exc.errno in _DISK_FULL:
        return f"“{folder}”所在磁盘空间不足，文件没有生成。请清理磁盘或换一个输出文件夹后重试。"
    return f"无法在“{folder}”中写入文件（{exc.strerror or exc}）。请换一个输出文件夹后重试。"


@contextlib.contextmanager
def _interrupt_on_termination():
    """Turn SIGTERM/SIGHUP into KeyboardInterrupt for the duration, so that the cleanup
    runs; their default action would end the process before any ``finally``.  Handlers
    can only be set from the main thread, and one set by the caller is left alone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
            previous[sig] = signal.signal(sig, _interrupt)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def write_text(target: str, text: str) -> None:
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)

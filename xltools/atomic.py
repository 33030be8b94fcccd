"""Write a file completely or not at all.

Outputs are written to a temporary file in the target folder and renamed over the target,
so a crash, a full disk or Ctrl-C never leaves a half-written file where the user looks.
"""

from __future__ import annotations

import contextlib
import os
import tempfile


class OutputLocked(OSError):
    """The target exists and cannot be replaced — usually open in Excel or WPS."""


@contextlib.contextmanager
def atomic_path(target: str):
    """Yield a temporary path next to ``target``; on success it replaces ``target``."""
    folder = os.path.dirname(os.path.abspath(target)) or "."
    os.makedirs(folder, exist_ok=True)
    suffix = os.path.splitext(target)[1]
    fd, tmp = tempfile.mkstemp(prefix=".~xltools-", suffix=suffix, dir=folder)
    os.close(fd)
    # mkstemp makes the file private (0600); an output gets the permissions of any new file.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise OutputLocked(
                f"无法写入“{target}”：文件可能正在 Excel 或 WPS 中打开，请关闭后重试。") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)


def write_text(target: str, text: str) -> None:
    with atomic_path(target) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)

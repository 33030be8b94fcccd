"""舍位平衡 answers kept on disk, so that a master rounded once is not searched again.

Why: the Excel add-in's Python server is a new process every time Excel starts, and the
master an accountant opens today is usually the one closed yesterday, already rounded by the
add-in then.  Its answer is read back here instead of searched for again: one byte per atom,
without loading the search's machine code (search_code) and without the search itself
(0.01 s at 5,000 lines, a second at 100,000).  Where there is no machine code yet (the
first search after an install that did not compile it), it saves numba's compile too.

A problem is known by a digest of everything the answer depends on: the atoms' exact
amounts, the figures' memberships, the rounding order, the unit, the search's seed and
budget, and the source of the rounding modules themselves — so an answer found by other
code (another version of xltools) is never taken, and a master gives the same figures
whether its answer was searched for or remembered.

An answer read back is still checked as any answer could be: one 0/1 direction per atom,
no atom without a remainder rounded up, the grand total as systematic rounding gives it.
A file that fails (damaged, cut short) is ignored and written anew.  Files are written to a
temporary name and renamed, and only the most recent ``KEEP`` are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KEEP = 64  # answers kept: a few workbooks, each with the states of a session's edits
_MAGIC = b"xltools-rounding-memo-1\n"
_METHODS = ("systematic", "exact", "local-search")
_CODE = ("rounding.py", "rounding_search.py", "search_kernels.py", "rounding_exact.py",
         "rounding_cells.py")
_code_digest: bytes | None = None


@dataclass(frozen=True)
class Answer:
    up: np.ndarray  # 0/1 per atom (int64)
    method: str
    iterations: int
    solved: bool  # RoundingResult.unavoidable before the deviations are known


class RoundingMemo:
    """Answers in ``folder`` (created when the first one is written)."""

    def __init__(self, folder: str | os.PathLike, keep: int = KEEP) -> None:
        self.folder = Path(folder)
        self.keep = keep

    @classmethod
    def in_user_cache(cls) -> "RoundingMemo":
        """platformdirs' user cache folder (XDG_CACHE_HOME on Linux, %LOCALAPPDATA% on Windows)."""
        from platformdirs import user_cache_dir

        return cls(Path(user_cache_dir("xltools", appauthor=False)) / "rounding")

    @staticmethod
    def key(*parts) -> str:
        """The digest of a problem: arrays by their bytes and dtype, anything else by repr."""
        h = hashlib.blake2b(_code(), digest_size=20)
        for part in parts:
            if isinstance(part, np.ndarray):
                a = np.ascontiguousarray(part)
                h.update(f"{a.dtype.str}{a.shape}".encode())
                h.update(memoryview(a).cast("B"))
            else:
                h.update(repr(part).encode())
            h.update(b"\0")
        return h.hexdigest()

    def recall(self, key: str, rem: np.ndarray, total_up: int) -> Answer | None:
        """The answer kept for ``key``, if there is one and it passes the checks."""
        n = len(rem)
        head = len(_MAGIC) + 6
        path = self.folder / f"{key}.bin"
        try:
            # the size first: a stray file of any size is never read whole
            data = path.read_bytes() if path.stat().st_size == head + n else b""
        except OSError:
            return None
        if len(data) != head + n or not data.startswith(_MAGIC):
            return None
        method, solved = data[len(_MAGIC)], data[len(_MAGIC) + 1]
        iterations = int.from_bytes(data[len(_MAGIC) + 2:head], "little")
        up = np.frombuffer(data, np.uint8, n, head).astype(np.int64)
        if (method >= len(_METHODS) or solved > 1 or (up > 1).any()
                or (up[rem == 0] != 0).any() or int(up.sum()) != total_up):
            return None
        return Answer(up, _METHODS[method], iterations, bool(solved))

    def remember(self, key: str, answer: Answer) -> None:
        """Keep ``answer``; a folder that cannot be written only means no memo."""
        data = (_MAGIC + bytes((_METHODS.index(answer.method), int(answer.solved)))
                + min(answer.iterations, 2**32 - 1).to_bytes(4, "little")
                + np.asarray(answer.up, np.uint8).tobytes())
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".part", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, self.folder / f"{key}.bin")
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        kept = []
        for path in self.folder.glob("*.bin"):
            with contextlib.suppress(OSError):
                kept.append((path.stat().st_mtime_ns, path))
        kept.sort(reverse=True)
        for _, path in kept[self.keep:]:
            with contextlib.suppress(OSError):
                path.unlink()


def _code() -> bytes:
    """The rounding modules' source: an answer is only valid for the code that found it."""
    global _code_digest
    if _code_digest is None:
        from . import __version__

        h = hashlib.blake2b(__version__.encode(), digest_size=20)
        here = Path(__file__).resolve().parent
        for name in _CODE:
            try:
                h.update((here / name).read_bytes())
            except OSError:  # installed without sources: the version alone tells the code
                h.update(name.encode())
        _code_digest = h.digest()
    return _code_digest


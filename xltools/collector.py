"""The cyclic garbage collector paused while a command reads, computes and writes.

A master's lines, atoms and a writer's cells are millions of objects that hold no cycles and
live until the command ends; each time allocations pass the collector's threshold it walks
them all again (100,000 lines: 0.3 s of `tables`; 1,000,000 lines: a third of the writing).
Reference counting still frees everything that is not a cycle.  Paused, the objects that
exist are also frozen, so a collection asked for explicitly (after a workbook is closed: it
holds cycles) walks only what is new, and processes forked to write copy no page only for
the collector's bookkeeping.  Nested pauses are one: the outermost restores the collector.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    if not gc.isenabled():  # paused already (or by the caller): leave it as it is
        yield
        return
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()

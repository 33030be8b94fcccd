"""Speed and memory of xltools against the floor and against what accountants do today.

For each size it prints:
- floor: reading 收支明细 with python-calamine alone (the fastest reader there is);
- read: `read_master` (the same read plus every check of master-workbook.md);
- tables: `xltools tables --json` (read, build, identities, JSON);
- build: `xltools build` (everything, both workbooks written);
- peak memory of `tables` and `build` (each in its own process);
- baseline: the workbook an accountant makes by hand — the lines plus one SUMIFS formula per
  figure of 表2, 表3, 表5 and 表6 — recalculated by LibreOffice headless, and its ratio to build.

    python benchmarks/run.py                 # 1K, 10K, 100K
    python benchmarks/run.py 1000 1000000    # any sizes (the reader refuses more than 200,000 rows)
    python benchmarks/run.py batch           # xltools batch -j 2 over 200 sample masters

Masters are generated once into benchmarks/.cache/ (generate.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(HERE, ".cache")
sys.path.insert(0, os.path.join(HERE, ".."))

from benchmarks.baseline import write_baseline  # noqa: E402
from benchmarks.generate import generate  # noqa: E402
from xltools.office import find_soffice, recalculated_copy  # noqa: E402

STEP = """
import json, resource, sys, time
t = time.perf_counter()
step, path, out = sys.argv[1:4]
if step == "floor":
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_path(path)
    rows = book.get_sheet_by_name("收支明细").to_python()
elif step == "read":
    from xltools.reader import read_master
    read_master(path)
elif step == "tables":
    from xltools.cli import run
    sys.argv = ["xltools", "tables", path, "--json", "-o", out]
    try:
        run()
    except SystemExit as exc:
        assert exc.code == 0, exc.code
elif step == "build":
    from xltools.cli import run
    sys.argv = ["xltools", "build", path, "-o", out, "--force"]
    try:
        run()
    except SystemExit as exc:
        assert exc.code in (0, 1), exc.code
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""


def measure(step: str, master: str, out: str) -> dict:
    done = subprocess.run([sys.executable, "-c", STEP, step, master, out], capture_output=True,
                          text=True, cwd=os.path.join(HERE, ".."))
    if done.returncode != 0:
        raise RuntimeError(f"{step} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def baseline(master: str, work: str) -> tuple[float | None, int]:
    if find_soffice() is None:
        return None, 0
    book = os.path.join(work, "baseline.xlsx")
    formulas = write_baseline(master, book)
    t = time.perf_counter()
    recalculated_copy(book, os.path.join(work, "baseline-recalculated.xlsx"))
    return time.perf_counter() - t, formulas


def master_for(lines: int) -> str:
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, f"master_{lines}.xlsx")
    if not os.path.exists(path):
        print(f"  generating {lines:,} lines …", file=sys.stderr)
        generate(lines, path)
    return path


def batch(copies: int = 200, jobs: int = 2) -> float:
    """``xltools batch -j 2`` over ``copies`` copies of the bundled 部门 sample."""
    import shutil

    sample = next(p for p in sorted(os.listdir(os.path.join(HERE, "..", "samples"))) if "部门" in p)
    with tempfile.TemporaryDirectory(prefix="xltools-batch-") as work:
        folder = os.path.join(work, "masters")
        os.makedirs(folder)
        for i in range(copies):
            shutil.copy(os.path.join(HERE, "..", "samples", sample), os.path.join(folder, f"{i:03d}.xlsx"))
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "xltools", "batch", folder, "-o",
                               os.path.join(work, "out"), "-j", str(jobs)], capture_output=True, text=True)
        seconds = time.perf_counter() - t
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
    return seconds


def main() -> None:
    if sys.argv[1:] == ["batch"]:
        print(f"batch of 200 sample masters (-j 2): {batch():.0f} s")
        return
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000, 100000]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} — {dt.date.today().isoformat()}")
    header = ("lines", "floor s", "read s", "tables s", "build s", "tables MB", "build MB",
              "build ÷ floor", "LibreOffice SUMIFS s", "formulas", "baseline ÷ build")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for lines in sizes:
        master = master_for(lines)
        with tempfile.TemporaryDirectory(prefix="xltools-bench-") as work:
            floor = measure("floor", master, work)
            read = measure("read", master, work)
            tables = measure("tables", master, os.path.join(work, "tables.json"))
            build = measure("build", master, os.path.join(work, "out"))
            base, formulas = baseline(master, work) if lines <= 100_000 else (None, 0)
        row = (f"{lines:,}", f"{floor['seconds']:.1f}", f"{read['seconds']:.1f}",
               f"{tables['seconds']:.1f}", f"{build['seconds']:.1f}", f"{tables['peak_mb']:.0f}",
               f"{build['peak_mb']:.0f}", f"{build['seconds'] / floor['seconds']:.1f}",
               "—" if base is None else f"{base:.1f}", f"{formulas:,}" if formulas else "—",
               "—" if base is None else f"{base / build['seconds']:.1f}")
        print("| " + " | ".join(row) + " |", flush=True)
    if not sys.argv[1:]:
        print(f"\nbatch of 200 sample masters (-j 2): {batch():.0f} s")


if __name__ == "__main__":
    main()

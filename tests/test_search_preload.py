"""The compiled rounding search loaded ahead of its first use (rounding.load_search_in_background),
as the Excel add-in has its Python server do when Excel starts (udfs.warm, run by the VBA's
XltoolsWarmUp): its machine code loads (or, where there is none yet, numba compiles it) on a
thread of its own, the call returns at once, and a search afterwards gives the answer it
gives without the head start."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from support.search_problem import SOURCE

ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "macros"



def _python(script: str) -> dict:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _vba_python_statement() -> str:
    """The Python that XltoolsWarmUp hands to the xlwings server's Exec, as VBA builds it."""
    text = (MACROS / "XltoolsFunctions.bas").read_text("ascii")
    body = text.split("Public Sub XltoolsWarmUp()\n", 1)[1].split("End Sub", 1)[0]
    call = re.search(r'^\s*server\.Exec (.+)$', body, re.M).group(1)
    pieces = re.split(r"\s*&\s*", call)
    assert all(p == "vbLf" or (p.startswith('"') and p.endswith('"')) for p in pieces), call
    return "".join("\n" if p == "vbLf" else p[1:-1].replace('""', '"') for p in pieces)


def test_the_vbas_warm_up_loads_the_search_in_the_background_and_returns_at_once():
    statement = _vba_python_statement()
    got = _python(f"""
        import sys, time
        import xltools.excel.udfs
        before = "numba" in sys.modules
        t = time.perf_counter()
        exec({statement!r})
        returned_in = time.perf_counter() - t
        from xltools import rounding
        thread = rounding.load_search_in_background()
        again_same = thread is rounding.load_search_in_background()
        thread.join(120)
        from xltools import search_code
        import json
        print(json.dumps({{"numba_before": before, "returned_in": returned_in,
                          "same_thread": again_same, "alive": thread.is_alive(),
                          "loaded": search_code.loaded()}}))
    """)
    assert got["numba_before"] is False  # importing the functions does not load numba itself
    # Compiling takes seconds where there is no machine code yet; the statement only starts it.
    assert got["returned_in"] < 0.25, got
    assert got["same_thread"] and not got["alive"]
    assert got["loaded"], got


def test_a_search_after_the_head_start_gives_the_same_answer():
    plain = _python(SOURCE + "import json\nprint(json.dumps(solve()))")
    head_start = _python(SOURCE + textwrap.dedent("""
        import json
        rounding.load_search_in_background().join(120)
        print(json.dumps(solve()))
    """))
    assert plain["method"] == "local-search" and plain["iterations"] > 0
    assert head_start == plain


def test_a_search_asked_for_while_the_search_loads_waits_for_it_and_gives_the_same_answer():
    plain = _python(SOURCE + "import json\nprint(json.dumps(solve()))")
    racing = _python(SOURCE + textwrap.dedent("""
        import json
        rounding.load_search_in_background()  # not joined: the search below races the load
        print(json.dumps(solve()))
    """))
    assert racing == plain


def test_the_addin_schedules_the_warm_up_when_it_opens():
    text = (MACROS / "ThisWorkbook.cls").read_text("ascii")
    opening = text.split("Private Sub Workbook_Open()\n", 1)[1].split("End Sub", 1)[0]
    assert re.search(r"Application\.OnTime Now \+ TimeSerial\(0, 0, WARM_UP_AFTER_SECONDS\), "
                     r"\"'\" & ThisWorkbook\.Name & \"'!XltoolsWarmUp\"", opening)
    seconds = int(re.search(r"Private Const WARM_UP_AFTER_SECONDS As Long = (\d+)", text).group(1))
    assert 1 <= seconds <= 10  # after Excel's own start, before a person has opened a master
    warm = (MACROS / "XltoolsFunctions.bas").read_text("ascii").split("Public Sub XltoolsWarmUp()", 1)[1]
    # silent when xlwings or Python is missing: no message box at Excel's start
    assert "On Error Resume Next" in warm.split("End Sub", 1)[0]
    assert "MsgBox" not in warm.split("End Sub", 1)[0]

"""Acceptance tests of ``xltools check FILE --json`` on the published tables of the reference documents.

Each golden's tables are rendered (tests/support/render_golden.py) into workbooks in three
layouts — codes split into 类/款/项 with totals at the bottom and a 目录; joined codes with totals
at the top, several tables per sheet, numbers stored as text; code and name in one cell — and
``check`` must report every failed table identity the golden lists (tests/support/
golden_failures.py) at the cell of the published figure that disagrees with the sum of its
parts (as an error, or as a 舍位 warning when the break is 0.01 per part), and nothing else as an
error, save the missing-table finding for a table the 目录 / table_index lists but the body lacks
(golden 001: 表8).  A document whose figures are consistent (our own tables of fixture 003) gives
no error and no warning in any layout.

These tests fail until ``xltools check`` lands; that is expected.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from support.golden_failures import expected_failures
from support.render_golden import LAYOUTS, RenderMap, render, table_index

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN_DIR = FIXTURES / "golden"
GOLDENS = ("000_40205af73c47f1b3", "001_6c762a47265865d0", "003_1c0f00ae3f1a4bcd")
CONSISTENT = ("000_40205af73c47f1b3", "001_6c762a47265865d0", "003_1c0f00ae3f1a4bcd")


@lru_cache(maxsize=None)
def _golden_text(name: str) -> str:
    return (GOLDEN_DIR / f"{name}.golden.json").read_text(encoding="utf-8")


def load_golden(name: str) -> dict:
    return json.loads(_golden_text(name))


def run_check(path: Path) -> tuple[int, dict, str]:
    out = subprocess.run([sys.executable, "-m", "xltools", "check", str(path), "--json"],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert out.returncode in (0, 1), (
        f"check exited {out.returncode} on {path.name}\nstdout:\n{out.stdout[-3000:]}\n"
        f"stderr:\n{out.stderr[-3000:]}")
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError as e:
        raise AssertionError(f"check --json printed no JSON ({e}):\n{out.stdout[-2000:]}"
                             f"\nstderr:\n{out.stderr[-2000:]}")
    return out.returncode, report, out.stderr


def place(f: dict) -> str | None:
    if f.get("sheet") and f.get("cell"):
        return f"{f['sheet']}!{f['cell']}"
    return None


def _show(findings: list[dict], limit: int = 40) -> str:
    lines = [f"  [{f.get('severity')}] {f.get('rule')} {place(f) or f.get('sheet') or '-'}: "
             f"{f.get('message')} (expected {f.get('expected')}, actual {f.get('actual')})"
             for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"  … {len(findings) - limit} more")
    return "\n".join(lines)


def is_missing_table_finding(f: dict, golden: dict, cells: RenderMap) -> bool:
    """An error about a table the 目录 / table_index lists but the body lacks."""
    figure_cells = set(cells.values())
    if place(f) in figure_cells:
        return False
    for e in table_index(golden):
        if e["canonical"] not in cells.absent:
            continue
        if place(f) is not None and place(f) == cells.contents.get(e["canonical"]):
            return True
        text = f"{f.get('message') or ''} {f.get('expected') or ''}"
        if e["title"] in text or re.search(rf"表\s*{e['no']}(?!\d)", text):
            return True
    return False


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", GOLDENS)
def test_check_reports_every_published_inconsistency_at_its_cell(name, layout, tmp_path):
    golden = load_golden(name)
    path = tmp_path / f"{name}-{layout}.xlsx"
    cells = render(golden, path, layout)
    expectations = expected_failures(golden)

    code, report, stderr = run_check(path)
    assert report.get("kind") == "disclosure", report.get("kind")
    findings = report.get("findings") or []
    errors = [f for f in findings if f.get("severity") == "error"]
    assert code == (1 if errors else 0), f"exit code {code} with {len(errors)} errors"

    reported = {}
    for f in findings:
        if f.get("severity") in ("error", "warning") and place(f):
            reported.setdefault(place(f), []).append(f)
    missed = [(e.id, e.cells(cells)) for e in expectations
              if not any(c in reported for c in e.cells(cells))]
    assert not missed, (
        f"{len(missed)} of {len(expectations)} published inconsistencies not reported at their "
        f"cell:\n" + "\n".join(f"  {iid} at {' or '.join(c)}" for iid, c in missed)
        + f"\nfindings:\n{_show(findings)}")

    allowed = {c for e in expectations for c in e.cells(cells)}
    stray = [f for f in errors
             if place(f) not in allowed and not is_missing_table_finding(f, golden, cells)]
    assert not stray, f"errors that are no published inconsistency:\n{_show(stray)}"


def test_check_reports_the_table_listed_but_missing(tmp_path):
    """Golden 001 lists 表8 in its 目录 but prints no 表8: check says so (split-bottom has a 目录)."""
    golden = load_golden("001_6c762a47265865d0")
    path = tmp_path / "001.xlsx"
    cells = render(golden, path, "split-bottom")
    assert cells.absent == ["T_gov_fund"]
    _, report, _ = run_check(path)
    hits = [f for f in report.get("findings") or []
            if f.get("severity") == "error" and is_missing_table_finding(f, golden, cells)]
    assert hits, f"no finding about the missing 表8:\n{_show(report.get('findings') or [])}"


@lru_cache(maxsize=None)
def _our_tables_text(name: str) -> str:
    out = subprocess.run([sys.executable, "-m", "xltools", "tables",
                          str(FIXTURES / name / "master.xlsx"), "--json"],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", CONSISTENT)
def test_check_finds_nothing_in_consistent_tables(name, layout, tmp_path):
    """Our own tables of a fixture master (``xltools tables --json``): every identity holds exactly.

    fixtures/*/expected.json is not usable here: it holds the published figures, with their breaks.
    """
    doc = json.loads(_our_tables_text(name))
    path = tmp_path / f"{name}-{layout}.xlsx"
    render(doc, path, layout)
    code, report, _ = run_check(path)
    assert report.get("kind") == "disclosure"
    bad = [f for f in report.get("findings") or [] if f.get("severity") in ("error", "warning")]
    assert not bad, f"{len(bad)} errors/warnings on consistent tables:\n{_show(bad)}"
    assert code == 0

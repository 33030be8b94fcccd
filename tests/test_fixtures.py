"""Every fixture (a master rebuilt from a real published disclosure) reproduces its tables.

`xltools tables master.xlsx --json` is compared with expected.json as the fixtures' README
describes; the published figures that break their own identities (known_mismatches) must
come out as their reproducible values.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support.compare import compare

FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures").iterdir() if (p / "master.xlsx").is_file())


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_tables_match_published_figures(fixture: Path):
    run = subprocess.run(
        [sys.executable, "-m", "xltools", "tables", str(fixture / "master.xlsx"), "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    actual = json.loads(run.stdout)
    expected = json.loads((fixture / "expected.json").read_text("utf-8"))
    result = compare(actual, expected)
    assert result.compared > 250
    assert result.ok, result.report()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture_master_reads_without_errors_or_warnings(fixture: Path):
    from xltools.findings import Severity
    from xltools.reader import read_master

    master = read_master(str(fixture / "master.xlsx"))
    problems = [str(f) for f in master.findings if f.severity is not Severity.INFO]
    assert problems == []

"""Every master of the bad-input corpus (tests/bad_inputs), through the command line.

A broken case must end with its exit code, a Chinese message at its place saying what to
do, no traceback, no output file and its input bytes unchanged; the bombs and huge sheets
within a bounded CPU time and memory.  The reader must report the case's rule at that
place.  A valid-but-unusual variant must build, and print the same tables as its plain twin.

The corpus is generated once per module and the commands run in parallel (each is a
separate process; CPU time and peak memory are those of that process alone).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import signal
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
import make_corpus  # noqa: E402
from cases import BROKEN, CASES, OK, REFUSED, VARIANTS  # noqa: E402

from xltools.reader import ReadError, read_master  # noqa: E402

CPU_LIMIT_S = 20  # generous: machines are slow and shared
MEMORY_LIMIT_MB = 1024
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WHAT_TO_DO = re.compile(r"请|只能是|应为")


@dataclass
class Run:
    code: int
    out: str
    err: str
    cpu_s: float
    max_rss_mb: float
    workdir: Path

    @property
    def text(self) -> str:
        return self.out + self.err


# Linux counts in a child's peak RSS the memory of the process it was forked from, so
# pytest (hundreds of MB by now) cannot measure its children directly: a small Python
# process forks the command and reports the command's own CPU time and peak RSS.
_MEASURE = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "xltools", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    json.dump([usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024], fh)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def xltools(args: list[str], workdir: Path) -> Run:
    """Run ``python -m xltools`` in ``workdir``; CPU time and peak RSS of that process."""
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        usage = Path(scratch, "usage.json")
        with open(Path(scratch, "out"), "w+b") as out, open(Path(scratch, "err"), "w+b") as err:
            proc = subprocess.Popen([sys.executable, "-c", _MEASURE, str(usage), *args], cwd=workdir,
                                    stdout=out, stderr=err, start_new_session=True)
            try:
                proc.wait(timeout=120)  # a hang fails this case, not the suite
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            out.seek(0)
            err.seek(0)
            cpu, rss = json.loads(usage.read_text()) if usage.exists() else (float("inf"),) * 2
            return Run(proc.returncode, out.read().decode("utf-8", "replace"),
                       err.read().decode("utf-8", "replace"), cpu, rss, workdir)


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[dict[str, Path], dict[str, str | None]]:
    paths = make_corpus.write_all(tmp_path_factory.mktemp("corpus"))
    return paths, {name: digest(p) for name, p in paths.items()}


@pytest.fixture(scope="module")
def runs(corpus, tmp_path_factory) -> dict[tuple[str, str], Run]:
    paths, _ = corpus
    root = tmp_path_factory.mktemp("runs")
    jobs: dict[tuple[str, str], tuple[list[str], Path]] = {}
    for name, case in CASES.items():
        src = str(paths[name])
        jobs[name, "build"] = (["build", src, "-o", "out"], root / name / "build")
        if case.exit != OK:
            jobs[name, "check"] = (["check", src, "--json"], root / name / "check")
        else:
            jobs[name, "tables"] = (["tables", src, "--json"], root / name / "tables")
    # The big cases first, so that they do not finish last on their own.
    order = sorted(jobs, key=lambda k: not CASES[k[0]].bounded)
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = pool.map(lambda key: xltools(*jobs[key]), order)
        return dict(zip(order, done))


def _error_line(run: Run, place: str) -> str:
    """The printed error at ``place``: `[错误] place: message`."""
    lines = [ln.strip() for ln in run.text.splitlines() if f"[错误] {place}: " in ln]
    assert lines, f"no error at {place!r} in:\n{run.text}"
    return lines[0]


def _assert_clean_refusal(run: Run, case) -> None:
    assert "Traceback" not in run.text, run.text
    assert "内部错误" not in run.text, run.text
    line = _error_line(run, case.where()) if run.code == REFUSED else None
    if line:
        message = line.split(": ", 1)[1]
        assert _CJK.search(message) and _WHAT_TO_DO.search(message), line
    leftovers = [p for p in run.workdir.rglob("*")]
    assert not leftovers, f"{case.name}: wrote {leftovers}"


@pytest.mark.parametrize("name", BROKEN)
def test_broken_case_is_refused_cleanly(name, corpus, runs):
    case = CASES[name]
    paths, digests = corpus
    build = runs[name, "build"]
    assert build.code == case.exit, (build.code, build.text)
    _assert_clean_refusal(build, case)
    if build.code != REFUSED:
        line = _error_line(build, case.where())
        assert _CJK.search(line) and _WHAT_TO_DO.search(line), line

    check = runs[name, "check"]
    exit_, rule, place = case.check or (case.exit, case.rule, case.where())
    assert check.code == exit_, (check.code, check.text)
    _assert_clean_refusal(check, case)
    if check.code != REFUSED and rule:
        found = json.loads(check.out)["findings"]
        at = [f for f in found if f["rule"] == rule and f"{f['sheet']}!{f['cell']}".removesuffix("!None") == place]
        assert at and at[0]["severity"] == "error", (rule, place, found)

    assert digest(paths[name]) == digests[name], "the input was modified"
    if case.bounded:
        for run in (build, check):
            assert run.cpu_s < CPU_LIMIT_S and run.max_rss_mb < MEMORY_LIMIT_MB, (run.cpu_s, run.max_rss_mb)


@pytest.mark.parametrize("name", BROKEN)
def test_reader_reports_the_rule_at_the_place(name, corpus):
    """The rule behind each message, read in-process (the command line prints no rule ids)."""
    case = CASES[name]
    path = corpus[0][name]
    if case.exit == REFUSED:
        with pytest.raises(ReadError) as exc:
            read_master(str(path))
        finding = exc.value.finding
        assert (finding.rule, finding.place) == (case.rule, case.where()), str(finding)
    else:
        master = read_master(str(path))
        at = [f for f in master.findings if f.rule == case.rule and f.place == case.where()]
        assert at, [str(f) for f in master.findings]


@pytest.mark.parametrize("name", ["plain"] + VARIANTS)
def test_unusual_but_valid_master_builds_the_same_tables(name, corpus, runs):
    case = CASES[name]
    paths, digests = corpus
    build = runs[name, "build"]
    assert build.code == OK, build.text
    assert "Traceback" not in build.text
    written = sorted(p.name for p in (build.workdir / "out").iterdir())
    assert "测试局2026年部门预算公开表.xlsx" in written, written
    assert not [n for n in written if n.startswith(".~")], written
    tables = runs[name, "tables"]
    assert tables.code == OK, tables.text
    if case.twin:
        assert json.loads(tables.out) == json.loads(runs[case.twin, "tables"].out)
    assert digest(paths[name]) == digests[name], "the input was modified"
    if case.bounded:
        assert build.cpu_s < CPU_LIMIT_S and build.max_rss_mb < MEMORY_LIMIT_MB, (build.cpu_s, build.max_rss_mb)


def test_corpus_is_big_enough_and_deterministic(tmp_path):
    """The issue asks for at least 30 broken masters; builders write the same bytes twice
    (the big ones are left out here, the whole corpus is written above)."""
    assert len(BROKEN) >= 30 and len(VARIANTS) >= 10
    for name, case in CASES.items():
        if case.bounded or case.name in ("missing_file", "directory_given"):
            continue
        a, b = tmp_path / "a" / case.filename, tmp_path / "b" / case.filename
        a.parent.mkdir(exist_ok=True)
        b.parent.mkdir(exist_ok=True)
        case.build(a)
        case.build(b)
        assert a.read_bytes() == b.read_bytes(), name

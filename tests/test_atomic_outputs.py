"""Outputs are written completely or not at all (xltools/atomic.py).

A build killed while it writes leaves no half-written file where the user looks: with
SIGTERM nothing at all (the temporary file is removed), with SIGKILL at most the hidden
temporary file.  A target open in Excel, a folder that is a file and a full disk each end
with a Chinese message saying what to do, exit code 2, and nothing half-written.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))
import make_corpus as mc  # noqa: E402

from xltools import cli  # noqa: E402
from xltools.atomic import TEMP_PREFIX, atomic_path  # noqa: E402

DISCLOSURE = "测试局2026年部门预算公开表.xlsx"


def big_master(path: Path, projects: int = 1200) -> Path:
    """A master whose outputs take a while to write: one 项目支出 line per project."""
    lines = list(mc.BASE_LINES[:2]) + [
        dict(mc.BASE_LINES[2], 项目名称=f"就业补助项目{i:04d}", 金额=1000 + i) for i in range(projects)]
    mc.raw_master(path, mc.sheet_xml(mc.line_rows(lines)))
    return path


def temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(TEMP_PREFIX + "*")) if folder.exists() else []


def complete(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        return z.testzip() is None


def _build_and_kill(master: Path, out: Path, sig: int) -> tuple[subprocess.Popen, bool, str]:
    """Start a build; as soon as its first temporary file has bytes, send ``sig``.
    Returns the process, whether the final file already existed then, and stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "xltools", "build", str(master), "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    final_before = None
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            written = [p for p in temps(out) if p.stat().st_size > 0] if out.exists() else []
            if written:
                final_before = (out / DISCLOSURE).exists()
                proc.send_signal(sig)
                break
            time.sleep(0.002)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert final_before is not None, "the build ended before it was seen writing"
    return proc, final_before, err


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    return big_master(tmp_path_factory.mktemp("big") / "大底稿.xlsx")


def test_sigterm_during_a_write_leaves_nothing_behind(master, tmp_path):
    before = hashlib.sha256(master.read_bytes()).hexdigest()
    out = tmp_path / "out"
    proc, final_before, err = _build_and_kill(master, out, signal.SIGTERM)
    assert proc.returncode == 2, (proc.returncode, err)
    assert "已取消" in err and "Traceback" not in err, err
    assert temps(out) == [], "the temporary file was left behind"
    for p in out.iterdir():  # only outputs finished before the signal
        assert complete(p), p
    if not final_before:
        assert not (out / DISCLOSURE).exists()
    assert hashlib.sha256(master.read_bytes()).hexdigest() == before


def test_sigkill_during_a_write_leaves_no_partial_output(master, tmp_path):
    out = tmp_path / "out"
    proc, final_before, _ = _build_and_kill(master, out, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    # Nothing can clean up after SIGKILL: the half-written file keeps its hidden name.
    for p in out.iterdir():
        assert p.name.startswith(TEMP_PREFIX) or complete(p), p
    if not final_before:
        assert not (out / DISCLOSURE).exists()


def _run_cli(monkeypatch, capsys, *args) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["xltools", *map(str, args)])
    with pytest.raises(SystemExit) as exc:
        cli.run()
    return exc.value.code, capsys.readouterr().err


def test_target_open_in_excel(make_master, tmp_path, monkeypatch, capsys):
    """Windows refuses to replace a file Excel holds open: os.replace raises PermissionError."""
    out = tmp_path / "out"
    assert _run_cli(monkeypatch, capsys, "build", make_master(), "-o", out)[0] == 0
    old = (out / DISCLOSURE).read_bytes()

    def locked(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied", dst)

    monkeypatch.setattr(os, "replace", locked)
    code, err = _run_cli(monkeypatch, capsys, "build", make_master(), "-o", out, "--force")
    assert code == 2
    assert DISCLOSURE in err and "Excel" in err and "请关闭后重试" in err, err
    assert "Traceback" not in err and "内部错误" not in err
    assert (out / DISCLOSURE).read_bytes() == old  # the open file is untouched
    assert temps(out) == []


def test_output_folder_is_a_file(make_master, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "输出"
    blocker.write_text("不是文件夹", encoding="utf-8")
    code, err = _run_cli(monkeypatch, capsys, "build", make_master(), "-o", blocker)
    assert code == 2
    assert "是一个文件，不是文件夹" in err and "请换一个输出文件夹" in err, err
    assert blocker.read_text(encoding="utf-8") == "不是文件夹"


def test_disk_full_while_writing(make_master, tmp_path, monkeypatch, capsys):
    import xlsxwriter

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", full)
    out = tmp_path / "out"
    code, err = _run_cli(monkeypatch, capsys, "build", make_master(), "-o", out)
    assert code == 2
    assert "磁盘空间不足" in err and "Traceback" not in err, err
    assert list(out.iterdir()) == []


def test_atomic_path_cleans_up_and_restores_signal_handlers(tmp_path):
    target = tmp_path / "a.txt"
    for failure in (ValueError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(failure)):
            with atomic_path(str(target)) as tmp:
                Path(tmp).write_text("half", encoding="utf-8")
                assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
                raise failure
        assert list(tmp_path.iterdir()) == []
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    with atomic_path(str(target)) as tmp:
        Path(tmp).write_text("whole", encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert target.read_text(encoding="utf-8") == "whole"


def test_atomic_path_from_another_thread(tmp_path):
    """The add-in writes from worker threads, where no signal handler can be set."""
    errors = []

    def write():
        try:
            with atomic_path(str(tmp_path / "t.txt")) as tmp:
                Path(tmp).write_text("x", encoding="utf-8")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    t = threading.Thread(target=write)
    t.start()
    t.join()
    assert errors == [] and (tmp_path / "t.txt").read_text(encoding="utf-8") == "x"

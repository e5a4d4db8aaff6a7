"""`onewindow check --watch`: a saved file is re-checked incrementally; Ctrl+C ends cleanly."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from onewindow.dsl.incremental import Checker
from onewindow.engine.cli.check_watch import WatchedCheck, _Watcher, watch_checks
from tests.conftest import JURISDICTIONS

EXE = shutil.which("onewindow")
DISTRICT = Path("山东省/临沂市/兰山区/兰山区.ow")


def _break(path: Path) -> str:
    """Misspell the department the district's matters use; return the original text."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("department 审批局 ", "department 审批X ", 1), encoding="utf-8")
    return text


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "jurisdictions"
    shutil.copytree(JURISDICTIONS, root)
    return root


def test_watch_checks_rechecks_each_batch_incrementally(tree: Path) -> None:
    seen: list[WatchedCheck] = []
    district = tree / DISTRICT

    def batches():
        original = _break(district)
        yield [str(district)]
        district.write_text(original, encoding="utf-8")
        yield [str(district)]
        shutil.move(tree, tree.with_name("gone"))
        yield [str(district)]
        shutil.move(tree.with_name("gone"), tree)
        yield [str(district)]

    watch_checks(Checker([tree]), seen.append, batches())
    first, broken, fixed, gone, back = seen
    assert first.result is not None and first.result.ok and first.stats.full
    assert broken.result is not None and not broken.result.ok
    assert {d.code for d in broken.result.errors} == {"OW102"}
    assert not broken.stats.full and broken.stats.reparsed == 1
    assert fixed.result is not None and fixed.result.ok and not fixed.stats.full
    assert gone.result is None and gone.error is not None  # reported, and still watching
    assert gone.stats.full and gone.stats.rebuilt_files == 0  # not the last check's figures
    assert back.result is not None and back.result.ok and back.stats.full
    assert [c.number for c in seen] == [1, 2, 3, 4, 5]


def _lines(stream) -> queue.Queue[str]:
    out: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            out.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return out


def _watch(tree: Path) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    """`onewindow check --watch --json TREE`, and a queue of the lines it prints."""
    proc = subprocess.Popen(
        [EXE, "check", "--watch", "--json", str(tree)],  # type: ignore[list-item]
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
    )
    return proc, _lines(proc.stdout)


def _ctrl_c(proc: subprocess.Popen[str]) -> tuple[int, str]:
    """Stop the watch as Ctrl+C does; its exit code and what it printed on stderr."""
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=30)
    return code, proc.stderr.read() if proc.stderr else ""


@pytest.mark.skipif(EXE is None, reason="the onewindow command is not installed")
def test_the_command_reports_each_save_and_stops_on_ctrl_c(tree: Path) -> None:
    proc, lines = _watch(tree)
    try:
        first = json.loads(lines.get(timeout=60))
        assert first["check"] == 1 and first["errors"] == 0
        district = tree / DISTRICT
        original = _break(district)
        broken = json.loads(lines.get(timeout=30))
        assert broken["incremental"] and broken["errors"] > 0
        assert {d["code"] for d in broken["diagnostics"]} == {"OW102"}
        assert broken["changed"] == [str(district)]
        district.write_text(original, encoding="utf-8")
        fixed = json.loads(lines.get(timeout=30))
        assert fixed["incremental"] and fixed["errors"] == 0
    finally:
        code, stderr = _ctrl_c(proc)
    assert code == 0, stderr  # the last check was clean
    assert "Traceback" not in stderr


@pytest.mark.skipif(EXE is None, reason="the onewindow command is not installed")
def test_a_removed_root_is_reported_and_watched_again_once_restored(tree: Path) -> None:
    proc, lines = _watch(tree)
    try:
        assert json.loads(lines.get(timeout=60))["errors"] == 0
        shutil.rmtree(tree)
        gone = json.loads(lines.get(timeout=30))
        assert "no such file or folder" in gone["error"]
        shutil.copytree(JURISDICTIONS, tree)
        back = json.loads(lines.get(timeout=30))
        while "error" in back or back["incremental"]:  # events of the copy itself, if any
            back = json.loads(lines.get(timeout=30))
        assert back["errors"] == 0 and not back["incremental"]  # the whole tree again
        district = tree / DISTRICT
        _break(district)
        edited = json.loads(lines.get(timeout=30))
        while edited["errors"] == 0:  # the copy's last events may come first
            edited = json.loads(lines.get(timeout=30))
        assert {d["code"] for d in edited["diagnostics"]} == {"OW102"}
    finally:
        code, stderr = _ctrl_c(proc)
    assert code == 1, stderr  # the last check found the error
    assert "Traceback" not in stderr


@pytest.mark.skipif(EXE is None, reason="the onewindow command is not installed")
def test_a_missing_path_is_a_usage_error_not_a_watch(tmp_path: Path) -> None:
    r = subprocess.run(
        [EXE, "check", "--watch", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 2
    assert "no such file or folder" in r.stderr and "Traceback" not in r.stderr


def test_a_watcher_that_cannot_watch_hands_its_error_to_the_caller(tmp_path: Path) -> None:
    """What the watch thread meets (a missing folder, a watch limit) is raised in the caller."""
    with _Watcher(tmp_path / "nowhere") as watcher, pytest.raises(OSError):
        next(iter(watcher))

"""A run killed mid-way (SIGINT, SIGKILL) leaves the run database consistent; the next run works.

`onewindow simulate TREE --db sqlite:///…` runs as a real subprocess on a generated tree big
enough to take a few seconds. The signal is sent at a known moment: during the simulation
(once the database file exists, which `simulate` opens before simulating) or during the
write (once SQLite's rollback journal appears, i.e. inside the run's one transaction). The
database is then inspected with plain `sqlite3`, listed with `onewindow runs`, and used
for a new run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from onewindow.engine.cli import sim_cmd
from onewindow.engine.generate import ProvinceSpec, generate
from tests.robustness.helpers import invoke_sim as invoke

SPEC = ProvinceSpec(districts=2, towns_per_district=4, villages_per_town=1, matters=12, seed=1)
AS_OF = "2019-12-31"
LONG_DAYS = "250"  # ~37,000 cases: seconds of simulation and a write of several chunks
HANG_GUARD_S = 600
CLI = ("-c", "from onewindow.engine.cli.main import main; main()")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kill") / "province"
    generate(root, SPEC)
    return root


def start(tree: Path, db: Path, days: str = LONG_DAYS) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *CLI, "simulate", str(tree), "--db", f"sqlite:///{db}",
         "--days", days, "--as-of", AS_OF, "--start", AS_OF],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200", "OPENBLAS_NUM_THREADS": "1"},
    )  # fmt: skip


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str]) -> bool:
    """Poll every millisecond until `condition` holds (True) or the process ends (False)."""
    deadline = time.monotonic() + HANG_GUARD_S
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.001)
    proc.kill()
    raise AssertionError("the run neither started writing nor ended: hung")


def in_write(db: Path) -> Callable[[], bool]:
    journal = db.with_name(db.name + "-journal")
    wal = db.with_name(db.name + "-wal")
    return lambda: journal.exists() or wal.exists()


def consistent(db: Path) -> list[tuple[int, int]]:
    """Check the database with plain sqlite3; return (run id, stored cases) of every run."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        runs = con.execute("SELECT id, stored_cases, metric_count FROM runs ORDER BY id").fetchall()
        for table in ("run_cases", "run_metrics"):
            orphans = con.execute(
                f"SELECT count(*) FROM {table} WHERE run_id NOT IN (SELECT id FROM runs)"
            ).fetchone()[0]
            assert orphans == 0, f"{orphans} rows of {table} belong to no run"
        for run_id, stored, metric_count in runs:
            cases = con.execute("SELECT count(*) FROM run_cases WHERE run_id = ?", (run_id,))
            assert cases.fetchone()[0] == stored, f"run {run_id} is missing cases"
            metrics = con.execute("SELECT count(*) FROM run_metrics WHERE run_id = ?", (run_id,))
            assert metrics.fetchone()[0] == metric_count, f"run {run_id} is missing metrics"
        return [(r[0], r[1]) for r in runs]
    finally:
        con.close()


def listed(db: Path) -> list[int]:
    result = invoke("runs", "--db", f"sqlite:///{db}", "--json")
    assert result.exit_code == 0, result.output
    return [r["id"] for r in json.loads(result.stdout)["runs"]]


def next_run_works(tree: Path, db: Path, before: list[int]) -> None:
    result = invoke(
        "simulate", str(tree), "--db", f"sqlite:///{db}", "--days", "3",
        "--as-of", AS_OF, "--start", AS_OF, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    new_id = json.loads(result.stdout)["id"]
    assert new_id not in before
    assert [r for r, _ in consistent(db)] == sorted([*before, new_id])


def one_finished_run(tree: Path, db: Path) -> list[int]:
    result = invoke(
        "simulate", str(tree), "--db", f"sqlite:///{db}", "--days", "3", "--as-of", AS_OF,
        "--start", AS_OF, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return [r for r, _ in consistent(db)]


def test_sigkill_during_the_write_leaves_no_partial_run(tree: Path, tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    before = one_finished_run(tree, db)
    proc = start(tree, db)
    caught = wait_for(in_write(db), proc)
    if caught:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=HANG_GUARD_S)
    if not caught:
        pytest.skip("the run finished before its write could be caught; nothing to test")
    assert proc.returncode == -signal.SIGKILL
    assert in_write(db)()  # a hot journal (or WAL) is left: the next open rolls it back
    assert listed(db) == sorted(before, reverse=True)
    assert [r for r, _ in consistent(db)] == before
    next_run_works(tree, db, before)


def test_sigint_during_the_write_rolls_back_and_says_so(tree: Path, tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    before = one_finished_run(tree, db)
    proc = start(tree, db)
    caught = wait_for(in_write(db), proc)
    if caught:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=HANG_GUARD_S)
    if not caught:
        pytest.skip("the run finished before its write could be caught; nothing to test")
    assert proc.returncode == sim_cmd.EXIT_INTERRUPTED, err
    assert "interrupted" in err and "no run was stored" in err
    assert "Traceback" not in err
    assert [r for r, _ in consistent(db)] == before
    assert listed(db) == sorted(before, reverse=True)
    next_run_works(tree, db, before)


def test_sigint_during_the_simulation_stores_nothing(tree: Path, tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    proc = start(tree, db)
    if wait_for(db.exists, proc):
        time.sleep(0.3)  # the store is open: the simulation is under way
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=HANG_GUARD_S)
    assert proc.returncode == sim_cmd.EXIT_INTERRUPTED, err
    assert "interrupted: no run was stored" in err
    assert "Traceback" not in err
    assert consistent(db) == []
    assert listed(db) == []
    next_run_works(tree, db, [])

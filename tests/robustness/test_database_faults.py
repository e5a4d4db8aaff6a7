"""A read-only run database or a full disk gives a clear error (exit 2), never a traceback.

Tests run as root here, and root ignores file permissions, so "read-only" is made three
ways: SQLite's own read-only mode (`sqlite:///file:…?mode=ro&uri=true`, works anywhere), a
read-only filesystem (a tmpfs remounted read-only), and file permissions (only when not
root). The full disk is a 1 MB tmpfs. The mounts need CAP_SYS_ADMIN; without it those tests
are skipped and say so.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from onewindow.engine.generate import ProvinceSpec, generate
from tests.robustness.helpers import invoke_sim as invoke

SPEC = ProvinceSpec(districts=1, towns_per_district=2, villages_per_town=1, matters=6, seed=2)
AS_OF = "2019-12-31"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dbfaults") / "province"
    generate(root, SPEC)
    return root


def simulate(tree: Path, url: str, days: int = 3):
    return invoke(
        "simulate", str(tree), "--db", url, "--days", str(days), "--as-of", AS_OF,
        "--start", AS_OF, "--json",
    )  # fmt: skip


def runs_in(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return con.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        con.close()


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    """A small tmpfs mounted at `where`, or a skip saying why it cannot be."""
    where.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip() or 'mount failed'})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_sqlite_read_only_mode_is_a_clear_error(tree: Path, tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    assert simulate(tree, f"sqlite:///{db}").exit_code == 0
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    result = simulate(tree, url)
    assert result.exit_code == 2, result.output
    assert "read-only" in result.output
    assert runs_in(db) == 1
    listing = invoke("runs", "--db", url, "--json")  # reading still works
    assert listing.exit_code == 0, listing.output
    assert len(json.loads(listing.stdout)["runs"]) == 1


def test_a_read_only_filesystem_is_a_clear_error(tree: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "16m") as mnt:
        db = mnt / "runs.db"
        assert simulate(tree, f"sqlite:///{db}").exit_code == 0
        remount = subprocess.run(
            ["mount", "-o", "remount,ro", str(mnt)], capture_output=True, text=True, check=False
        )
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only here ({remount.stderr.strip()})")
        result = simulate(tree, f"sqlite:///{db}")
        assert result.exit_code == 2, result.output
        assert "read-only" in result.output
        assert runs_in(db) == 1
        assert invoke("runs", "--db", f"sqlite:///{db}").exit_code == 0


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_file_without_write_permission_is_a_clear_error(tree: Path, tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    assert simulate(tree, f"sqlite:///{db}").exit_code == 0
    db.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        result = simulate(tree, f"sqlite:///{db}")
    finally:
        tmp_path.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert "read-only" in result.output


def test_a_full_disk_is_an_error_and_keeps_earlier_runs(tree: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "1m") as mnt:
        db = mnt / "runs.db"
        assert simulate(tree, f"sqlite:///{db}", days=3).exit_code == 0
        result = simulate(tree, f"sqlite:///{db}", days=250)  # far more than 1 MB of cases
        assert result.exit_code == 2, result.output
        assert "full" in result.output
        assert runs_in(db) == 1
        assert not db.with_name("runs.db-journal").exists()
        assert invoke("runs", "--db", f"sqlite:///{db}").exit_code == 0


def test_a_full_disk_says_so_in_plain_words(tree: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "mnt", "1m") as mnt:
        db = mnt / "runs.db"
        simulate(tree, f"sqlite:///{db}", days=3)
        result = simulate(tree, f"sqlite:///{db}", days=250)
        assert "disk" in result.output and "full" in result.output
        assert "server" not in result.output
        assert "cannot be reached" not in result.output

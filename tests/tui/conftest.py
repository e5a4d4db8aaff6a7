"""TUI test fixtures: run from the repository root, local time in UTC, a fresh run database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.tui.snapshot_app import REPO


@pytest.fixture(autouse=True)
def _repo_cwd_utc(monkeypatch: pytest.MonkeyPatch):
    """Paths on screen are relative to the repository root; run times show in UTC."""
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "runs.db"

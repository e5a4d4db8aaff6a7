"""Snapshots of each screen at 120×40 and the explorer at 80×24 (pytest-textual-snapshot).

Update them with `pytest --snapshot-update tests/tui` only after reading the new SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, TabbedContent

from tests.tui.helpers import checked, until
from tests.tui.snapshot_app import broken_tree, make_app, store_runs

WIDE = (120, 40)
NARROW = (80, 24)


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["120x40", "80x24"])
def test_explorer(snap_compare, db: Path, size: tuple[int, int]) -> None:
    async def ready(pilot: Pilot) -> None:
        await checked(pilot)
        await pilot.press("down", "down")  # 示范区

    assert snap_compare(make_app(db), terminal_size=size, run_before=ready)


def test_service_guide(snap_compare, db: Path) -> None:
    async def ready(pilot: Pilot) -> None:
        await checked(pilot)
        await pilot.press("down", "down", "m", "enter")

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=ready)


def test_diagnostics(snap_compare, db: Path, tmp_path: Path, monkeypatch) -> None:
    broken_tree(tmp_path)
    monkeypatch.chdir(tmp_path)

    async def ready(pilot: Pilot) -> None:
        await checked(pilot)
        await pilot.press("2")

    assert snap_compare(make_app(db, ["tree"]), terminal_size=WIDE, run_before=ready)


@pytest.mark.parametrize("tab", ["res-metrics", "res-trips", "res-util"])
def test_simulate(snap_compare, db: Path, tab: str) -> None:
    async def ready(pilot: Pilot) -> None:
        await checked(pilot)
        await pilot.press("3")
        screen = pilot.app.screen
        screen.query_one("#in-days").value = "10"
        await pilot.press("f5")
        await until(pilot, lambda: screen.outcome is not None)
        screen.query_one("#sim-results", TabbedContent).active = tab
        await pilot.pause()

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=ready)


def test_scorecard(snap_compare, db: Path) -> None:
    async def ready(pilot: Pilot) -> None:
        await checked(pilot)
        await pilot.press("4")
        screen = pilot.app.screen
        await until(pilot, lambda: screen.scored is not None)
        await pilot.press("down", "down", "down")  # the shortfall item, explained

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=ready)


def test_runs(snap_compare, db: Path) -> None:
    store_runs(db)

    async def ready(pilot: Pilot) -> None:
        await checked(pilot)
        await pilot.press("5")
        table = pilot.app.screen.query_one("#runs-table", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await pilot.press("space", "down", "space")

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=ready)


def test_compare(snap_compare, db: Path) -> None:
    store_runs(db)

    async def ready(pilot: Pilot) -> None:
        await checked(pilot)
        await pilot.press("5")
        table = pilot.app.screen.query_one("#runs-table", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        await pilot.press("space", "down", "space", "c")
        await pilot.pause()
        metrics = pilot.app.screen.query_one("#compare-metrics", DataTable)
        await until(pilot, lambda: metrics.row_count > 0)

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=ready)


def test_help(snap_compare, db: Path) -> None:
    async def ready(pilot: Pilot) -> None:
        await checked(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make_app(db), terminal_size=WIDE, run_before=ready)

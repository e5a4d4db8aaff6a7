"""Helpers for Pilot tests: run async tests, wait for the app, read what widgets show."""

from __future__ import annotations

import asyncio
import functools
import io
from collections.abc import Awaitable, Callable
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from onewindow.tui.app import OnewindowApp


def pilot_test(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (no asyncio plugin needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def until(pilot: Pilot, ready: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the app run until `ready()` holds (workers finish, files are re-checked)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not ready():
        assert loop.time() < end, "the app did not get there in time"
        await pilot.pause(0.05)


async def checked(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, OnewindowApp)
    await until(pilot, lambda: app.last_checked is not None)
    await pilot.pause()


def static_text(screen, selector: str) -> str:
    """What a Static shows, as plain text (tables and groups rendered 200 columns wide)."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()


def table_column(table: DataTable, column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]

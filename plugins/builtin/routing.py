"""Built-in routing: an applicant joins the eligible window with the shortest expected wait."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from onewindow.plugins.hookspecs import hookimpl


def shortest_expected_wait(matter: str, windows: Sequence[Any], now: float) -> Any:
    """The window whose earliest free server frees up first (ties: the first listed)."""
    best = windows[0]
    best_free = best.free[0]
    for w in windows[1:]:
        if w.free[0] < best_free:
            best, best_free = w, w.free[0]
        if best_free <= now:
            break
    return best


@hookimpl(trylast=True)
def onewindow_router(jurisdiction: str, hall: str) -> Callable[..., Any]:
    return shortest_expected_wait

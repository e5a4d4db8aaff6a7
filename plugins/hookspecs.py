"""The plugin contract: every hook onewindow calls, marked with `HookspecMarker("onewindow")`.

Built-in rules, metrics and calendars implement these hooks exactly as a third-party plugin
does (see `onewindow.plugins.builtin`). Hook names start with `onewindow_`.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "onewindow"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------- language


@hookspec
def onewindow_settings() -> list[Any]:
    """Declare the `set KEY = VALUE` keys (and facts) a plugin's rules read.

    Called once when the plugin manager is built. A `set` line whose key no plugin declares
    gets a warning (OW151), so typos in plugin settings are caught.

    :returns: a list of `onewindow.plugins.api.SettingSpec`.

    Example::

        @hookimpl
        def onewindow_settings():
            return [SettingSpec(key="grid_cadres", where="jurisdiction",
                                description="cadres doing grid visits (网格干部)")]
    """


# ---------------------------------------------------------------- lint


@hookspec
def onewindow_lint_rules() -> list[Any]:
    """Provide lint rules run after validation by `onewindow lint` and `check --lint`.

    :returns: a list of `onewindow.plugins.api.LintRule` (code, name, default severity,
        summary, and a `check(workspace) -> Iterable[Diagnostic]` callable).

    Example::

        @hookimpl
        def onewindow_lint_rules():
            return [LintRule(code="SD001", name="grid-visits", summary="...",
                             check=check_grid_visits)]
    """


# ---------------------------------------------------------------- metrics


@hookspec
def onewindow_metrics() -> list[Any]:
    """Provide metric definitions: names usable in `target`, `shortfall` and `threshold`.

    :returns: a list of `onewindow.plugins.api.MetricSpec` (name, unit, source — static,
        simulated or fact — description, and for static metrics a
        `compute(workspace, jurisdiction_name, as_of) -> float | None` callable).

    Example::

        @hookimpl
        def onewindow_metrics():
            return [MetricSpec(name="grid_visit_rate", unit="visits", source="fact",
                               description="网格走访 per cadre per grid per month")]
    """


# ---------------------------------------------------------------- scoring


@hookspec
def onewindow_rule_kinds() -> list[Any]:
    """Provide scoring rule kinds usable as `rule KIND { … }` inside an assessment.

    :returns: a list of `onewindow.plugins.api.RuleKind` (name, parameters, and an
        `evaluate(rule, inputs) -> RuleResult` callable).
    """


# ---------------------------------------------------------------- calendars


@hookspec(firstresult=True)
def onewindow_calendar(name: str) -> Any:
    """Return the working-day calendar provider called `name` (e.g. ``"cn"``).

    Called when a jurisdiction says `calendar NAME` (default ``cn``). Stops at first
    non-None result, so a plugin marked `tryfirst=True` can replace a built-in calendar.

    :param name: the calendar name written in the jurisdiction file.
    :returns: an object implementing `onewindow.engine.calendar.CalendarProvider`, or None
        if this plugin does not know the name.
    """


# ---------------------------------------------------------------- routing


@hookspec(firstresult=True)
def onewindow_router(jurisdiction: str, hall: str) -> Any:
    """Return the function that picks the window an arriving applicant queues at.

    Called once per hall and run (not per applicant, so routing stays fast). The function
    is called as ``route(matter, windows, now) -> window`` where `windows` are the
    eligible `WindowState`s (read only: `.name`, `.kind`, `.staff`, `.free` — a heap of
    the minutes at which each server is next free) and `now` is the arrival minute.
    Stops at first non-None result; the built-in shortest-expected-wait router is
    `trylast`, so any plugin that returns a function wins.

    :param jurisdiction: name of the jurisdiction owning the hall.
    :param hall: name of the hall.
    :returns: a routing function, or None to let the next plugin decide.

    Example::

        @hookimpl
        def onewindow_router(jurisdiction, hall):
            return lambda matter, windows, now: windows[0]   # always the first window
    """


# ---------------------------------------------------------------- observers


@hookspec
def onewindow_run_stored(run: Any) -> None:
    """Called after a simulation run has been committed to the run store.

    Observers must not modify the run; an exception here is reported with the plugin's
    name but never undoes or corrupts the stored run.

    :param run: the stored run summary (id, inputs, metrics).
    """

"""The plugin contract: every hook onewindow calls, marked with `HookspecMarker("onewindow")`.

This module is what a plugin author reads. A plugin is any module (or object) with functions
named like the hooks below and decorated with `hookimpl`::

    from onewindow.plugins.hookspecs import hookimpl

    @hookimpl
    def onewindow_metrics():
        return [MetricSpec(name="grid_visits_logged", source="fact", description="…")]

A plugin implements only the hooks it needs, and may take fewer arguments than the hook
offers (pluggy passes only the ones it names). Built-in rules, metrics and calendars are
ordinary plugins under `onewindow.plugins.builtin`, registered through these same hooks.

How plugins are found (see `onewindow.plugins.manager`): the built-ins; every installed
distribution's entry points in the group ``onewindow``; modules named with ``--plugin
MODULE`` on any command; and modules named by ``plugins "MODULE"`` lines in jurisdiction
files. `onewindow plugins` lists what is loaded, from where, and which hooks each implements.

Order: hooks are called newest registration first (entry points and ``--plugin`` modules
before the built-ins). ``@hookimpl(tryfirst=True)`` moves an implementation to the front,
``@hookimpl(trylast=True)`` to the back; that matters for the `firstresult` hooks
(`onewindow_calendar`, `onewindow_router`), where the first non-None answer wins.
Hook wrappers (``wrapper=True`` / ``hookwrapper=True``) are not supported: onewindow calls
each implementation on its own so that a failure names its plugin.

Isolation: an implementation that raises, or returns something of the wrong type, stops the
command with a `PluginError` naming the plugin, the hook and what it returned. It never
leaves a half-written run or a wrong score: hooks are called before anything is stored, and
run observers only after the run is committed.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "onewindow"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ================================================================ language: keys and facts
#
# Called when the plugin manager's `Registry` is built (once per command, and again when a
# file names a new plugin), before any file is validated.


@hookspec
def onewindow_settings() -> list[Any]:
    """Declare the `set KEY = VALUE` keys a plugin's rules read: the keywords they need.

    Called once when the `Registry` is built. The checker accepts a ``set`` line whose key
    some plugin declares; a key no loaded plugin declares gets a warning (OW151), so typos
    in settings are caught. Several plugins may declare the same key.

    The other half of "what a rule needs" is facts: a plugin adds a fact name by returning
    a `MetricSpec` with ``source="fact"`` from `onewindow_metrics`; files then write it in
    ``facts`` blocks (``metric NAME VALUE``) and rules read it with `ctx.metric(NAME)`.
    Parameters of a plugin's own rule kind are declared in `RuleKind.params`.

    :returns: a list of `onewindow.plugins.api.SettingSpec`, or None for none.

    Example::

        @hookimpl
        def onewindow_settings():
            return [SettingSpec(key="grid_cadres", where=("jurisdiction",),
                                description="cadres doing grid visits (网格干部)")]

    Then a file may say ``set grid_cadres = 45`` without a warning.
    """


# ================================================================ lint


@hookspec
def onewindow_lint_rules() -> list[Any]:
    """Provide lint rules, run after validation by `onewindow lint` and `check --lint`.

    Called once when the `Registry` is built. Each rule's `check(workspace)` is then called
    once per lint pass with the resolved workspace and yields diagnostics with the rule's
    code (see `onewindow.plugins.api.LintRule` for the exact contract). Files may change a
    rule's severity or silence it with ``lint CODE off``.

    :returns: a list of `onewindow.plugins.api.LintRule`, or None for none. Codes must be
        unique across plugins; use your own prefix (``SD001``), not ``OW``.

    Example::

        def check_grids(workspace):
            for j in workspace.jurisdictions.values():
                keys = {s.key for s in j.settings}
                if "grids" in keys and "grid_cadres" not in keys:
                    yield warning("SD001", j.span, f"{j.name} sets grids but not grid_cadres")

        @hookimpl
        def onewindow_lint_rules():
            return [LintRule(code="SD001", name="grid-cadres", summary="grids need cadres",
                             check=check_grids)]
    """


# ================================================================ metrics


@hookspec
def onewindow_metrics() -> list[Any]:
    """Provide metric definitions: names usable in `target`, `shortfall`, `threshold` and facts.

    Called once when the `Registry` is built. Static metrics carry a `compute` callable the
    engine calls per jurisdiction (``compute(workspace, jurisdiction, as_of, subject=None)``);
    simulated metrics are reported by the simulation; fact metrics are written in ``facts``
    blocks. Metric names must be unique across plugins.

    :returns: a list of `onewindow.plugins.api.MetricSpec`, or None for none.

    Example::

        def window_staff(workspace, jurisdiction, as_of, subject=None):
            halls = workspace.jurisdictions[jurisdiction].halls
            return float(sum(w.staff for h in halls for w in h.windows))

        @hookimpl
        def onewindow_metrics():
            return [
                MetricSpec(name="window_staff", source="static", unit="staff",
                           description="staff at all windows", compute=window_staff),
                MetricSpec(name="grid_visits_logged", source="fact", unit="visits",
                           description="grid visits in the visit log (走访台账) per month"),
            ]
    """


# ================================================================ scoring


@hookspec
def onewindow_rule_kinds() -> list[Any]:
    """Provide scoring rule kinds usable as ``rule KIND { key value … }`` in an assessment.

    Called once when the `Registry` is built; the checker reports an unknown KIND (OW152).
    When an assessment is scored, each rule's `evaluate(rule, ctx)` is called once per
    assessed jurisdiction with the model node (`PluginRule`: its `params`) and a
    `onewindow.plugins.api.RuleContext` (`ctx.metric(name)`, `ctx.findings(name)`,
    `ctx.events(name)`, `ctx.param(key)` — every value read is recorded as an input of the
    explanation), and returns a `onewindow.plugins.api.RuleResult(points, arithmetic,
    note=None)`: signed points and the arithmetic in words. The category's cap and floor
    are applied by the engine afterwards. Kind names must be unique across plugins.

    :returns: a list of `onewindow.plugins.api.RuleKind`, or None for none.

    Example::

        def evaluate(rule, ctx):
            visits = ctx.metric("grid_visits_logged")
            if visits.value is None:
                return RuleResult(0.0, "no grid visits observed", note="counted as none")
            short = max(0.0, float(ctx.param("need")) - visits.value)
            return RuleResult(-short, f"{ctx.param('need')} needed, {visits.value:g} logged")

        @hookimpl
        def onewindow_rule_kinds():
            return [RuleKind(name="visits", description="…", params=("need",),
                             required=("need",), evaluate=evaluate)]

    A file then writes ``rule visits { need 40 }`` inside a category.
    """


# ================================================================ calendars


@hookspec(firstresult=True)
def onewindow_calendar(name: str) -> Any:
    """Return the working-day calendar provider called `name` (e.g. ``"cn"``).

    Called when a jurisdiction says ``calendar NAME`` (default ``cn``), by the checker (to
    know the name exists), the simulation and ``onewindow calendar``.
    Stops at first non-None result: return None for names you do not know. A plugin marked
    ``@hookimpl(tryfirst=True)`` is asked before the built-in ``cn`` and may replace it.

    :param name: the calendar name written in the jurisdiction file.
    :returns: an object implementing `onewindow.engine.calendar.CalendarProvider` (`name`,
        `known_years`, `supported_years`, `is_workday(day)`), or None if this plugin does
        not know the name.

    Example::

        class Weekdays:
            name = "weekdays"
            known_years = supported_years = range(2000, 2100)
            def is_workday(self, day):
                return day.weekday() < 5

        @hookimpl
        def onewindow_calendar(name):
            return Weekdays() if name == "weekdays" else None
    """


# ================================================================ simulation: routing


@hookspec(firstresult=True)
def onewindow_router(jurisdiction: str, hall: str) -> Any:
    """Return the function that picks the window an arriving applicant queues at.

    Called by the simulation once per hall and run (not per applicant, so routing stays
    fast). Stops at first non-None result: return None for halls you leave to others. The
    built-in shortest-expected-wait router is ``trylast``, so any plugin that returns a
    function wins; mark yours ``tryfirst`` to win over other plugins too.

    The function is called as ``route(matter, windows, now) -> window`` where `matter` is
    the matter's (or chain's) name, `windows` the eligible `WindowState`s (read only:
    `.name`, `.kind`, `.staff`, `.free` — a heap of the minutes at which each server is next
    free) and `now` the arrival minute. It must return one of `windows` itself; anything
    else stops the run with a `PluginError` naming the plugin, before anything is stored.

    :param jurisdiction: name of the jurisdiction owning the hall.
    :param hall: name of the hall.
    :returns: a routing function, or None to let the next plugin decide.

    Example::

        def first_listed(matter, windows, now):
            return windows[0]

        @hookimpl
        def onewindow_router(jurisdiction, hall):
            return first_listed if jurisdiction == "山亭区" else None
    """


# ================================================================ runs: observers


@hookspec
def onewindow_run_stored(run: Any) -> None:
    """Called after a simulation run has been committed to the run store.

    Called by `RunStore.save` once per stored run, after the transaction commits, for
    every plugin that implements it (all are called; the return value is ignored). Use it
    to export, notify or index runs. An exception here is reported with the plugin's name
    but never undoes or corrupts the stored run; observers must not modify `run`.

    :param run: the stored run, a `onewindow.engine.store.StoredRun` (`id`, `source`,
        `options`, `metrics`, `case_note`, `as_dict()`).
    :returns: nothing.

    Example::

        @hookimpl
        def onewindow_run_stored(run):
            print(f"run {run.id}: {len(run.metrics)} metrics stored")
    """

"""Intake simulation: the public entry point (seeded, reproducible, replicated).

`simulate(workspace, registry, options)` compiles the workspace into a plan (engine/sim/plan.py),
runs `options.replications` independent replications over `options.days` calendar days from
`options.start` (engine/sim/replication.py), and returns every case plus metrics averaged
over replications with 95% confidence intervals. Replication r of seed s always draws from
`SeedSequence([s, r])`, so the same inputs give identical results on any machine, and two
variants run with the same seed share their random numbers (common random numbers).
"""

from __future__ import annotations

import datetime as dt
import warnings as warnings_module
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from onewindow.dsl.gcpause import gc_paused
from onewindow.dsl.model import CalendarOverride
from onewindow.dsl.resolve import Workspace
from onewindow.engine.calendar import ProvisionalYearWarning, calendar_for
from onewindow.engine.executor import Executor, LocalExecutor, chunks
from onewindow.engine.results import CaseTable, MetricValue, SimOptions, SimulationResult, mean_ci
from onewindow.engine.sim.metrics import Columns, channel_names, combine, replication_metrics
from onewindow.engine.sim.plan import build_plan
from onewindow.engine.sim.replication import (
    DayIndex,
    HallResult,
    PackedHalls,
    Raw,
    day_index,
    run_halls,
)
from onewindow.plugins.registry import PluginError, Registry, first_result

#: Calendar days indexed beyond the horizon so deadlines and decisions land on real days.
DEADLINE_MARGIN_DAYS = 400

#: How many tasks (groups of halls) each replication is split into on parallel executors.
TASKS_PER_REPLICATION = 4

Progress = Callable[[int, int], None]


def onewindow_version() -> str:
    try:
        return version("onewindow")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def source_hash(ws: Workspace) -> str:
    """SHA-256 over the workspace's files (path and content), in path order (cached)."""
    return ws.digest


def _calendars(
    ws: Workspace, registry: Registry, names: set[str], start: dt.date, horizon: int, length: int
) -> tuple[dict[str, DayIndex], list[str]]:
    out: dict[str, DayIndex] = {}
    warnings: list[str] = []
    days = [start + dt.timedelta(days=i) for i in range(length)]
    horizon_years = set(range(start.year, (start + dt.timedelta(days=horizon - 1)).year + 1))
    # jurisdictions with the same calendar and the same inherited open/closed days (most of
    # a province's villages) share one index
    shared: dict[tuple[str, tuple[CalendarOverride, ...]], DayIndex] = {}
    for name in sorted(names):
        key = (ws.calendar_name(name), tuple(ws.calendar_overrides(name)))
        if key in shared:
            out[name] = shared[key]
            continue
        cal = calendar_for(ws, name, registry)
        with warnings_module.catch_warnings():
            # the margin past the horizon may reach provisional years: only the horizon's count
            warnings_module.simplefilter("ignore", ProvisionalYearWarning)
            is_open = [cal.is_workday(d) for d in days]
        appointment = []
        for d, o in zip(days, is_open, strict=True):
            ov = cal.override_on(d) if o else None
            appointment.append(bool(ov is not None and ov.open and d.weekday() >= 5))
        out[name] = shared[key] = day_index(is_open, appointment)
        for year in cal.provisional_years:
            text = cal.provisional_warning(year)
            if year in horizon_years and text not in warnings:
                warnings.append(text)
    return out, warnings


def _routers(plan, registry: Registry) -> dict[tuple[str, str], Callable]:
    routers = {}
    for hp in plan.halls:
        found = first_result(
            registry.pm, "onewindow_router", jurisdiction=hp.jurisdiction, hall=hp.name
        )
        if found is None or not callable(found[1]):
            plugin = found[0] if found else "(none)"
            raise PluginError(
                plugin,
                "onewindow_router",
                f"returned {found[1] if found else None!r}, expected a function",
            )
        routers[(hp.jurisdiction, hp.name)] = _checked_router(found[0], found[1])
    return routers


class CheckedRouter:
    """A plugin's router, checked: a bad answer names the plugin instead of corrupting the run.

    A class rather than a closure so that it can be sent to worker processes.
    """

    def __init__(self, plugin: str, route: Callable) -> None:
        self.plugin = plugin
        self.route = route

    def __call__(self, matter, windows, now):
        try:
            chosen = self.route(matter, windows, now)
        except Exception as exc:
            raise PluginError(
                self.plugin, "onewindow_router", f"raised {type(exc).__name__}: {exc}"
            ) from exc
        if not any(chosen is w for w in windows):
            raise PluginError(
                self.plugin,
                "onewindow_router",
                f"returned {chosen!r}, not one of the eligible windows",
            )
        return chosen


def _checked_router(plugin: str, route: Callable) -> Callable:
    return route if plugin.startswith("builtin:") else CheckedRouter(plugin, route)


def _task(args: tuple) -> list[HallResult] | PackedHalls:
    """One task: some halls of one replication (runs in any executor).

    Results that travel to another process are packed into a few arrays (`PackedHalls`).
    """
    halls, days, calendars, routers, seed, rep, pack = args
    results = run_halls(halls, days, calendars, routers, seed, rep)
    for r in results:
        r.hall = None  # the caller has the plan
    return PackedHalls.pack(results) if pack else results


def _add_cases(cols: Columns, rep: int, start: dt.date, table: CaseTable) -> None:
    """Add one replication's cases to the table, converted to Python values when read."""
    n = cols.size
    if n == 0:
        return
    d = cols.data
    epoch = np.datetime64(start.isoformat(), "D")

    def as_dates(arr: np.ndarray) -> list[dt.date | None]:
        days = np.where(arr >= 0, epoch + arr.astype("timedelta64[D]"), np.datetime64("NaT"))
        return days.astype("datetime64[D]").tolist()

    def labels(names: list[str], codes: np.ndarray) -> list[str]:
        return np.array(names, dtype=object)[codes].tolist()

    def build(first: int) -> dict[str, list]:
        return {
            "rep": [rep] * n,
            "case": list(range(first + 1, first + n + 1)),
            "jurisdiction": labels(cols.jurisdictions, d["jurisdiction"]),
            "level": labels(cols.levels, d["jurisdiction"]),
            "matter": labels(cols.matters, d["matter"]),
            "kind": labels(cols.kinds, d["matter"]),
            "channel": channel_names(d["channel"]).tolist(),
            "window": labels(cols.window_names, d["window"]),
            "trips": d["trips"].tolist(),
            "trip_causes": d["causes"].tolist(),
            "wait_minutes": d["wait"].tolist(),
            "service_minutes": d["service"].tolist(),
            "arrival_day": as_dates(d["arrival"]),
            "accept_day": as_dates(d["accept"]),
            "deadline_day": as_dates(d["deadline"]),
            "finish_day": as_dates(d["finish"]),
            "on_time": d["on_time"].tolist(),
            "outcome": np.where(d["served"], "finished", "unserved").tolist(),
        }

    table.add_block(n, build)


def simulate(
    ws: Workspace,
    registry: Registry,
    options: SimOptions,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> SimulationResult:
    """Run the intake simulation; never prints. Raises CalendarError or PluginError.

    `executor` (engine/executor.py) runs the tasks — groups of halls of one replication —
    in process (default), in a process pool or on a Dask cluster, with identical results.
    `progress(done, total)` is called as tasks finish.
    """
    with gc_paused():  # millions of small plan and result objects, none of them cyclic
        return _simulate(ws, registry, options, progress, executor)


def _simulate(
    ws: Workspace,
    registry: Registry,
    options: SimOptions,
    progress: Progress | None,
    executor: Executor | None,
) -> SimulationResult:
    as_of = options.as_of or options.start
    plan = build_plan(ws, as_of, options.jurisdictions)
    names = {hp.calendar_key for hp in plan.halls}
    calendars, cal_warnings = _calendars(
        ws, registry, names, options.start, options.days, options.days + DEADLINE_MARGIN_DAYS
    )
    routers = _routers(plan, registry)
    executor = executor or LocalExecutor()
    # tasks: groups of halls of one replication, balanced by expected arrivals
    weights = [sum(st.rate for st in hp.streams) + 1.0 for hp in plan.halls]
    parts = 1 if isinstance(executor, LocalExecutor) else max(1, TASKS_PER_REPLICATION)
    groups = chunks(list(range(len(plan.halls))), weights, parts) or [[]]
    tasks = []
    for rep in range(options.replications):
        for group in groups:
            needed = {plan.halls[i].calendar_key for i in group}
            cals = {k: v for k, v in calendars.items() if k in needed}
            own = {(plan.halls[i].jurisdiction, plan.halls[i].name) for i in group}
            rts = {k: v for k, v in routers.items() if k in own}
            # only the task's own halls travel with it (a province's plan is tens of MB)
            halls = [(i, plan.halls[i]) for i in group]
            tasks.append((halls, options.days, cals, rts, options.seed, rep, parts > 1))
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], len(tasks))

    outputs = [
        out.unpack() if isinstance(out, PackedHalls) else out
        for out in executor.map(_task, tasks, on_done=tick)
    ]
    table = CaseTable()
    per_rep: dict[tuple[str, str, str], list[float | None]] = {}
    for rep in range(options.replications):
        halls = [r for task, out in zip(tasks, outputs, strict=True) if task[5] == rep for r in out]
        halls.sort(key=lambda r: r.index)
        for r in halls:
            r.hall = plan.halls[r.index]
        raw = Raw(halls=halls)
        cols = combine(raw)
        for scope, subject, metric, value in replication_metrics(
            raw, cols, options.start, options.days
        ):
            per_rep.setdefault((scope, subject, metric), []).append(value)
        _add_cases(cols, rep, options.start, table)
    metrics = []
    for (scope, subject, metric), values in per_rep.items():
        mean, low, high = mean_ci([v for v in values if v is not None])
        metrics.append(
            MetricValue(
                metric=metric,
                scope=scope,
                subject=subject,
                value=mean,
                ci_low=low,
                ci_high=high,
                n=sum(v is not None for v in values),
            )
        )
    return SimulationResult(
        options=options,
        source_hash=source_hash(ws),
        cases=table,
        metrics=metrics,
        warnings=plan.warnings + cal_warnings,
        version=onewindow_version(),
        per_replication=per_rep,
    )

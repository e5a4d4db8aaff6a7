"""Simulate: a form, a progress bar while the engine runs in a worker, then tables and charts."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    ProgressBar,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import get_current_worker

from onewindow.engine.calendar import CalendarError, ProvisionalYearWarning
from onewindow.engine.results import MetricValue, SimOptions, SimulationResult
from onewindow.engine.simulate import simulate
from onewindow.engine.store import StoreError
from onewindow.plugins.registry import PluginError
from onewindow.tui.screens.base import BaseScreen
from onewindow.tui.widgets import format as fmt
from onewindow.tui.widgets.charts import BarChart, LineChart
from onewindow.tui.widgets.tables import fill

#: Run-scope metrics drawn as the trips distribution, with their bar labels.
TRIP_BARS = (
    ("trips_0_share", "0"),
    ("trips_1_share", "1"),
    ("trips_2_share", "2"),
    ("trips_3plus_share", "3+"),
)

#: The form's fields: (id, label, default, placeholder).
FIELDS = (
    ("days", "Days", "250", "days simulated"),
    ("seed", "Seed", "1", "same seed, same run"),
    ("replications", "Replications", "1", "for 95% intervals"),
    ("start", "Start", "", "as of, else today"),
    ("as_of", "As of", "", "YYYY-MM-DD"),
    ("facts", "Facts file", "", "optional .ow file"),
)


class FormError(Exception):
    """A form value the run cannot use: names the field and says what is expected."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Cancelled(Exception):
    """Raised inside the progress callback to stop a cancelled simulation."""


@dataclass(frozen=True)
class Request:
    """What the form asks for: the simulation options and the extra facts file."""

    options: SimOptions
    facts: str | None


@dataclass(frozen=True)
class Outcome:
    """A finished run: its stored id and what the engine returned."""

    run_id: int
    result: SimulationResult
    specs: dict[str, Any]


class SimulateScreen(BaseScreen):
    """Form on the left, results (metrics, trips, waits, utilisation, on-time) on the right."""

    AUTO_FOCUS = "#run"
    TITLE_TEXT = "Simulate"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "run", "Run"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.outcome: Outcome | None = None
        self._last_step = -1

    def body(self) -> ComposeResult:
        with Horizontal(id="simulate"):
            with VerticalScroll(id="sim-form"):
                with Grid(id="sim-fields"):
                    for key, label, default, placeholder in FIELDS:
                        yield Label(label, classes="field-label")
                        yield Input(default, placeholder=placeholder, id=f"in-{key}", compact=True)
                yield Button("Run  F5", id="run", variant="primary", compact=True)
                yield ProgressBar(id="sim-progress", show_eta=False)
                yield Static("Fill in the form and press F5 (or Enter).", id="sim-status")
            with TabbedContent(id="sim-results"):
                with TabPane("Metrics", id="res-metrics"):
                    yield DataTable(id="sim-metrics", cursor_type="row", zebra_stripes=True)
                with TabPane("Trips", id="res-trips"):
                    yield BarChart(id="chart-trips")
                with TabPane("Waits", id="res-waits"), Horizontal(classes="chart-row"):
                    yield BarChart(id="chart-waits")
                    yield DataTable(id="legend-waits", cursor_type="row", classes="legend")
                with TabPane("Utilisation", id="res-util"), Horizontal(classes="chart-row"):
                    yield BarChart(id="chart-util")
                    yield DataTable(id="legend-util", cursor_type="row", classes="legend")
                with TabPane("On time", id="res-ontime"):
                    yield LineChart(id="chart-ontime")

    def on_mount(self) -> None:
        super().on_mount()
        if self.session.as_of is not None:
            self.query_one("#in-as_of", Input).value = self.session.as_of.isoformat()
        self.query_one("#sim-progress", ProgressBar).update(total=100, progress=0)
        self.query_one("#run", Button).focus()

    # ---------------------------------------------------------------- the form

    def read_form(self) -> Request:
        """The form as a request, or a FormError naming the field in the user's terms."""
        values = {key: self.query_one(f"#in-{key}", Input).value.strip() for key, *_ in FIELDS}

        def whole(key: str, label: str, low: int) -> int:
            try:
                number = int(values[key])
            except ValueError:
                raise FormError(key, f"{label} must be a whole number, e.g. 250") from None
            if number < low:
                raise FormError(key, f"{label} must be at least {low}")
            return number

        def date(key: str, label: str) -> dt.date | None:
            if not values[key]:
                return None
            try:
                return dt.date.fromisoformat(values[key])
            except ValueError:
                raise FormError(
                    key, f"{label} '{values[key]}' is not a date: write YYYY-MM-DD"
                ) from None

        days = whole("days", "Days", 1)
        seed = whole("seed", "Seed", 0)
        replications = whole("replications", "Replications", 1)
        as_of = date("as_of", "As of")
        start = date("start", "Start") or as_of or dt.date.today()
        facts = values["facts"] or None
        if facts is not None:
            path = Path(facts)
            if not path.is_file() and not path.is_absolute():
                path = self.session.root / facts  # also accept a path below the tree's root
            if not path.is_file():
                raise FormError(
                    "facts", f"no facts file '{facts}': give a .ow file of facts blocks"
                )
            facts = str(path)
        options = SimOptions(
            start=start, days=days, seed=seed, replications=replications, as_of=as_of
        )
        return Request(options, facts)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#run")
    def _pressed(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        try:
            request = self.read_form()
        except FormError as exc:
            self._status(exc.message, "bold red")
            self.query_one(f"#in-{exc.field}", Input).focus()
            return
        self._last_step = -1
        self.query_one("#sim-progress", ProgressBar).update(total=100, progress=0)
        self.session.facts_file = request.facts
        self._status("checking the tree …", "")
        button = self.query_one("#run", Button)
        button.focus()  # out of the form: number keys change screens again
        button.disabled = True
        self.run_simulation(request)

    def action_cancel(self) -> None:
        """Stop a running simulation; otherwise leave the form so number keys change screen."""
        if self.workers_running():
            self.workers.cancel_group(self, "simulate")
            self._status("cancelling …", "bold yellow")
        else:
            self.query_one("#run", Button).focus()

    def workers_running(self) -> bool:
        return any(w.group == "simulate" and w.is_running for w in self.workers)

    # ---------------------------------------------------------------- the worker

    @work(thread=True, exclusive=True, group="simulate")
    def run_simulation(self, request: Request) -> None:
        """Check, simulate with progress, store the run; hand each step back to the UI."""
        worker = get_current_worker()
        session = self.session
        checked = session.check()
        if checked.result is None:
            self.app.call_from_thread(self._failed, f"{checked.problem} — {checked.hint or ''}")
            return
        result = checked.result
        if not result.ok:
            self.app.call_from_thread(
                self._failed,
                f"not simulated: the tree has {len(result.errors)} error(s) — see Diagnostics (2)",
            )
            return
        self.app.call_from_thread(self._status, "simulating …", "")

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            step = 100 * done // max(1, total)
            if step != self._last_step:
                self._last_step = step
                self.app.call_from_thread(self._progress, step)

        try:
            with warnings.catch_warnings():  # they come back in result.warnings
                warnings.simplefilter("ignore", ProvisionalYearWarning)
                sim = simulate(
                    result.workspace, result.registry, request.options, progress=progress
                )
            if worker.is_cancelled:
                raise _Cancelled
            self.app.call_from_thread(self._status, f"storing {len(sim.cases):,} cases …", "")
            with session.store() as store:
                run_id = store.save(sim, result.registry, source=" ".join(session.paths))
        except _Cancelled:
            self.app.call_from_thread(self._failed, "cancelled: no run was stored")
            return
        except (CalendarError, PluginError, StoreError) as exc:
            message = getattr(exc, "message", str(exc))
            hint = getattr(exc, "hint", None)
            self.app.call_from_thread(self._failed, f"{message}" + (f" — {hint}" if hint else ""))
            return
        outcome = Outcome(run_id, sim, dict(result.registry.metrics))
        self.app.call_from_thread(self._done, outcome)

    def _progress(self, step: int) -> None:
        self.query_one("#sim-progress", ProgressBar).update(progress=step)

    def _status(self, message: str, style: str) -> None:
        self.query_one("#sim-status", Static).update(Text(message, style=style))

    def _failed(self, message: str) -> None:
        self.query_one("#run", Button).disabled = False
        self._status(message, "bold red")

    def _done(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self.session.score_run = outcome.run_id
        self.query_one("#run", Button).disabled = False
        self.query_one("#sim-progress", ProgressBar).update(progress=100)
        self.query_one("#sim-metrics", DataTable).focus()
        sim = outcome.result
        text = Text(f"run {outcome.run_id} stored", style="bold green")
        text.append(f" · {len(sim.cases):,} cases — compare it in Runs (5)")
        for w in sim.warnings:
            text.append(f"\nwarning: {w}", style="yellow")
        self.query_one("#sim-status", Static).update(text)
        self.show_outcome(outcome)
        self.ow.runs_signal.publish(outcome.run_id)

    # ---------------------------------------------------------------- results

    def show_outcome(self, outcome: Outcome) -> None:
        """Fill the metric table and the four charts from the engine's result."""
        sim, specs = outcome.result, outcome.specs
        run = [m for m in sim.metrics if m.scope == "run"]
        rows: list[tuple[str, list[object]]] = []
        for m in run:
            spec = specs.get(m.metric)
            rows.append(
                (
                    m.metric,
                    [
                        m.metric,
                        Text(fmt.number(m.value, spec), justify="right"),
                        Text(fmt.interval(m, spec), justify="right"),
                        m.n,
                        getattr(spec, "description", ""),
                    ],
                )
            )
        fill(
            self.query_one("#sim-metrics", DataTable),
            ("metric", "value", "95% CI", "n", "meaning"),
            rows,
        )
        by_name = {m.metric: m for m in run}
        self.query_one("#chart-trips", BarChart).show_bars(
            [label for _, label in TRIP_BARS],
            [_value(by_name.get(name)) for name, _ in TRIP_BARS],
            title="Trips per case (% of cases)",
            ylabel="%",
        )
        self._window_chart(
            sim.metrics, "mean_wait_minutes", "waits", "Mean wait by window (minutes)", specs
        )
        self._window_chart(
            sim.metrics, "window_utilisation", "util", "Window utilisation (%)", specs
        )
        ticks, values = weekly_on_time(sim)
        self.query_one("#chart-ontime", LineChart).show_line(
            ticks,
            values,
            title="On-time rate by week of decision (%)",
            ylabel="%",
        )

    def _window_chart(
        self,
        metrics: list[MetricValue],
        name: str,
        suffix: str,
        title: str,
        specs: dict[str, Any],
        upper: float | None = None,
    ) -> None:
        found = [m for m in metrics if m.scope == "window" and m.metric == name]
        ticks = [f"W{i + 1}" for i in range(len(found))]
        self.query_one(f"#chart-{suffix}", BarChart).show_bars(
            ticks, [m.value for m in found], title=title, upper=upper
        )
        spec = specs.get(name)
        rows = [
            (m.subject, [tick, m.subject, Text(fmt.number(m.value, spec), justify="right")])
            for tick, m in zip(ticks, found, strict=True)
        ]
        fill(self.query_one(f"#legend-{suffix}", DataTable), ("", "window", "value"), rows)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Simulate: run", "Run the simulation with the form's values (F5)", self.action_run
        )
        yield SystemCommand(
            "Simulate: cancel", "Stop the running simulation (Escape)", self.action_cancel
        )


def _value(m: MetricValue | None) -> float | None:
    return None if m is None else m.value


def weekly_on_time(sim: SimulationResult) -> tuple[list[str], list[float | None]]:
    """The engine's on-time rate per week of the run (metrics of scope "week")."""
    weekly = sorted(
        (m.subject, m.value)
        for m in sim.metrics
        if m.scope == "week" and m.metric == "on_time_rate"
    )
    ticks = [dt.date.fromisoformat(subject).strftime("%m-%d") for subject, _ in weekly]
    return ticks, [value for _, value in weekly]

"""Runs: stored simulation runs (运行记录), one run's metrics, and two runs side by side."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from onewindow.engine.results import MetricValue
from onewindow.engine.store import StoredRun, StoreError
from onewindow.tui.screens.base import BaseScreen
from onewindow.tui.widgets import format as fmt
from onewindow.tui.widgets.tables import fill

#: Headline metrics shown per run in the list.
HEADLINE = (("trips_le1_share", "trips ≤1"), ("on_time_rate", "on time"))

#: Metric scopes in display order.
SCOPES = ("run", "jurisdiction", "matter", "window")


def stored_when(run: StoredRun) -> str:
    """When a run was stored, in local time to the minute."""
    return run.created_at.astimezone().strftime("%Y-%m-%d %H:%M")


def scope_order(m: MetricValue) -> tuple[int, str]:
    return (SCOPES.index(m.scope) if m.scope in SCOPES else len(SCOPES), m.subject)


class RunsScreen(BaseScreen):
    """The run list (newest first); space marks two runs, c compares them."""

    AUTO_FOCUS = "#runs-table"
    TITLE_TEXT = "Runs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "Mark", key_display="␣"),
        Binding("c", "compare", "Compare"),
        Binding("s", "score", "Score with"),
        Binding("r", "reload", "Reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.runs: dict[str, StoredRun] = {}
        self.marked: list[str] = []
        self._specs: dict[str, Any] = {}

    def body(self) -> ComposeResult:
        with Vertical(id="runs"):
            yield Static("reading the run database …", id="runs-head")
            yield DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="run-title")
            yield DataTable(id="run-metrics", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.ow.runs_signal.subscribe(self, lambda _run_id: self.load_runs())
        self.load_runs()

    def show_checked(self, checked: Any) -> None:
        if checked.result is not None:
            self._specs = dict(checked.result.registry.metrics)

    # ---------------------------------------------------------------- loading

    @work(thread=True, exclusive=True, group="runs")
    def load_runs(self) -> None:
        """Read the run list from the database (any SQLAlchemy URL) off the UI thread."""
        try:
            with self.session.store() as store:
                runs = store.list_runs()
                where = store_name(store.display_url)
        except StoreError as exc:
            self.app.call_from_thread(self._problem, exc)
            return
        self.app.call_from_thread(self._show_runs, runs, where)

    def _problem(self, exc: StoreError) -> None:
        text = Text(f"cannot read the runs: {exc.message}", style="bold red")
        if exc.hint:
            text.append(f"\nhint: {exc.hint}", style="")
        self.query_one("#runs-head", Static).update(text)

    def _show_runs(self, runs: list[StoredRun], where: str) -> None:
        self.runs = {str(r.id): r for r in runs}
        self.marked = [k for k in self.marked if k in self.runs]
        head = Text(f"{len(runs)} run(s) in {where}", style="bold")
        head.append("   space: mark two · c: compare · enter: every metric", style="dim")
        if not runs:
            head = Text(f"no runs stored in {where} yet — run one in Simulate (3)")
        self.query_one("#runs-head", Static).update(head)
        self._fill_runs()

    def _fill_runs(self) -> None:
        rows: list[tuple[str, list[object]]] = []
        for key, r in self.runs.items():
            mark = "A" if self.marked[:1] == [key] else "B" if self.marked[1:2] == [key] else ""
            cells: list[object] = [
                Text(mark, style="bold reverse") if mark else "",
                r.id,
                stored_when(r),
                r.source or "—",
                r.options.start.isoformat(),
                f"{r.options.days}×{r.options.replications}",
                r.options.seed,
                r.case_count,
            ]
            for metric, _ in HEADLINE:
                m = r.metric(metric)
                cells.append(
                    Text(
                        fmt.number(m.value if m else None, self._specs.get(metric)), justify="right"
                    )
                )
            rows.append((key, cells))
        columns = ("", "id", "stored", "source", "start", "days×reps", "seed", "cases")
        fill(
            self.query_one("#runs-table", DataTable),
            (*columns, *(h for _, h in HEADLINE)),
            rows,
            ("id",),
        )

    # ---------------------------------------------------------------- one run

    @on(DataTable.RowHighlighted, "#runs-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        run = self.runs.get(event.row_key.value or "")
        if run is not None:
            self._show_run(run, list(run.metrics), "run-scope metrics")

    @on(DataTable.RowSelected, "#runs-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        run = self.runs.get(event.row_key.value or "")
        if run is not None:
            self.load_metrics(run)

    @work(thread=True, exclusive=True, group="run-metrics")
    def load_metrics(self, run: StoredRun) -> None:
        try:
            with self.session.store() as store:
                metrics = store.metrics(run.id)
        except StoreError as exc:
            self.app.call_from_thread(self._problem, exc)
            return
        self.app.call_from_thread(self._show_run, run, metrics, "every metric")

    def _show_run(self, run: StoredRun, metrics: list[MetricValue], what: str) -> None:
        o = run.options
        title = Text(f"Run {run.id}", style="bold")
        title.append(
            f" · {what} · start {o.start} · as of {fmt.day(o.as_of)} · {run.case_note}", style="dim"
        )
        for w in run.warnings:
            title.append(f"\nwarning: {w}", style="yellow")
        self.query_one("#run-title", Static).update(title)
        rows: list[tuple[str, list[object]]] = []
        for m in sorted(metrics, key=scope_order):
            spec = self._specs.get(m.metric)
            rows.append(
                (
                    f"{m.scope}|{m.subject}|{m.metric}",
                    [
                        m.scope,
                        m.subject or "—",
                        m.metric,
                        Text(fmt.number(m.value, spec), justify="right"),
                        Text(fmt.interval(m, spec), justify="right"),
                    ],
                )
            )
        fill(
            self.query_one("#run-metrics", DataTable),
            ("scope", "subject", "metric", "value", "95% CI"),
            rows,
        )

    # ---------------------------------------------------------------- actions

    def action_mark(self) -> None:
        table = self.query_one("#runs-table", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None:
            return
        if key in self.marked:
            self.marked.remove(key)
        else:
            self.marked = [*self.marked, key][-2:]
        self._fill_runs()

    def action_compare(self) -> None:
        if len(self.marked) != 2:
            self.notify("mark two runs with space first", severity="warning")
            return
        from onewindow.tui.screens.compare import CompareScreen

        a, b = (self.runs[k] for k in self.marked)
        self.app.push_screen(CompareScreen(a, b, self._specs))

    def action_score(self) -> None:
        """Score the tree with the highlighted run's simulated metrics."""
        table = self.query_one("#runs-table", DataTable)
        if not table.row_count:
            self.notify("no run to score with yet", severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None:
            return
        self.session.score_run = int(key)
        self.app.switch_mode("scorecard")

    def action_reload(self) -> None:
        self.load_runs()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Runs: mark", "Mark the highlighted run for comparison (space)", self.action_mark
        )
        yield SystemCommand(
            "Runs: compare", "Compare the two marked runs side by side (c)", self.action_compare
        )
        yield SystemCommand("Runs: reload", "Read the run list again (r)", self.action_reload)


def store_name(url: str) -> str:
    """A run database as shown on screen: the file name of a SQLite file, else its URL."""
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        return url.rsplit("/", 1)[-1]
    return url

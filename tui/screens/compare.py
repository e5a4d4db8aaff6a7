"""Two stored runs side by side: their inputs, then every metric, differences marked."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from onewindow.engine.results import MetricValue
from onewindow.engine.store import StoredRun, StoreError
from onewindow.tui.screens.base import BaseScreen
from onewindow.tui.screens.runs import SCOPES
from onewindow.tui.widgets import format as fmt
from onewindow.tui.widgets.tables import fill

Key = tuple[str, str, str]


def inputs(run: StoredRun) -> dict[str, str]:
    """What a run was asked to do, as text, for the side-by-side table."""
    o = run.options
    return {
        "source": run.source or "—",
        "source hash": run.source_hash[:12],
        "start": o.start.isoformat(),
        "days": str(o.days),
        "seed": str(o.seed),
        "replications": str(o.replications),
        "as of": fmt.day(o.as_of),
        "jurisdictions": ", ".join(o.jurisdictions) or "all",
        "onewindow": run.version,
        "cases": str(run.case_count),
    }


def change(a: MetricValue | None, b: MetricValue | None) -> Text:
    """How B stands against A: ▲ higher, ▼ lower, = equal, or which run lacks the metric."""
    if a is None or a.value is None:
        return Text("only B" if b is not None and b.value is not None else "", style="dim")
    if b is None or b.value is None:
        return Text("only A", style="dim")
    if b.value > a.value:
        return Text("▲ higher", style="bold")
    if b.value < a.value:
        return Text("▼ lower", style="bold")
    return Text("=", style="dim")


class CompareScreen(BaseScreen):
    """Run A against run B; `d` shows only the metrics that differ."""

    TITLE_TEXT = "Compare runs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("d", "only_different", "Differences"),
    ]

    def __init__(self, a: StoredRun, b: StoredRun, specs: dict[str, Any]) -> None:
        super().__init__()
        self.a, self.b = a, b
        self.specs = specs
        self.only_different = False
        self._metrics: tuple[list[MetricValue], list[MetricValue]] | None = None

    def body(self) -> ComposeResult:
        with Vertical(id="compare"):
            yield Static(self._title(), id="compare-head")
            yield DataTable(id="compare-inputs", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="compare-metrics", cursor_type="row", zebra_stripes=True)

    def _title(self) -> Text:
        text = Text(f"A = run {self.a.id}   B = run {self.b.id}", style="bold")
        text.append(
            "   ▲/▼: B is higher/lower than A · d: only differences · Esc: back", style="dim"
        )
        return text

    def on_mount(self) -> None:
        super().on_mount()
        ia, ib = inputs(self.a), inputs(self.b)
        rows = [
            (
                name,
                [name, ia[name], ib[name], Text("≠", style="bold") if ia[name] != ib[name] else ""],
            )
            for name in ia
        ]
        fill(self.query_one("#compare-inputs", DataTable), ("input", "A", "B", ""), rows)
        self.load()

    @work(thread=True, exclusive=True, group="compare")
    def load(self) -> None:
        try:
            with self.session.store() as store:
                metrics = (store.metrics(self.a.id), store.metrics(self.b.id))
        except StoreError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self._loaded, metrics)

    def _loaded(self, metrics: tuple[list[MetricValue], list[MetricValue]]) -> None:
        self._metrics = metrics
        self._fill()

    def _fill(self) -> None:
        if self._metrics is None:
            return
        by_a: dict[Key, MetricValue] = {(m.scope, m.subject, m.metric): m for m in self._metrics[0]}
        by_b: dict[Key, MetricValue] = {(m.scope, m.subject, m.metric): m for m in self._metrics[1]}
        keys = list(by_a) + [k for k in by_b if k not in by_a]
        keys.sort(key=lambda k: (SCOPES.index(k[0]) if k[0] in SCOPES else len(SCOPES), k[1]))
        rows: list[tuple[str, list[object]]] = []
        for key in keys:
            a, b = by_a.get(key), by_b.get(key)
            marker = change(a, b)
            if self.only_different and marker.plain in ("=", ""):
                continue
            spec = self.specs.get(key[2])
            rows.append(
                (
                    "|".join(key),
                    [
                        key[0],
                        key[1] or "—",
                        key[2],
                        Text(fmt.number(a.value if a else None, spec), justify="right"),
                        Text(fmt.number(b.value if b else None, spec), justify="right"),
                        marker,
                    ],
                )
            )
        table = self.query_one("#compare-metrics", DataTable)
        fill(table, ("scope", "subject", "metric", "A", "B", "B vs A"), rows)

    def action_only_different(self) -> None:
        self.only_different = not self.only_different
        self._fill()

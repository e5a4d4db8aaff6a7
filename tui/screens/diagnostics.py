"""Diagnostics: errors and lint warnings of the open tree, re-checked when a file changes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from onewindow.dsl.diagnostics import Diagnostic, Severity
from onewindow.dsl.render import summary
from onewindow.tui.screens.base import BaseScreen
from onewindow.tui.session import Checked
from onewindow.tui.widgets.source import SourceBlock
from onewindow.tui.widgets.tables import fill

SEVERITY_STYLE = {
    Severity.error: "bold red",
    Severity.warning: "bold yellow",
    Severity.info: "bold blue",
}

#: Filters cycled by the `f` key: (name, severities shown).
FILTERS: tuple[tuple[str, frozenset[Severity]], ...] = (
    ("all", frozenset(Severity)),
    ("errors", frozenset({Severity.error})),
    ("warnings", frozenset({Severity.warning, Severity.info})),
)


class DiagnosticsScreen(BaseScreen):
    """A table of diagnostics; the highlighted one is shown with its source lines below."""

    AUTO_FOCUS = "#diag-table"
    TITLE_TEXT = "Diagnostics"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "cycle_filter", "Filter"),
        Binding("r", "app.recheck", "Re-check", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._checked: Checked | None = None
        self._filter = 0
        self._shown: dict[str, Diagnostic] = {}
        self._block: SourceBlock | None = None

    def body(self) -> ComposeResult:
        with Vertical(id="diagnostics"):
            yield Static("checking …", id="diag-summary")
            yield DataTable(id="diag-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="diag-detail"):
                yield Static("", id="diag-source")

    def show_checked(self, checked: Checked) -> None:
        self._checked = checked
        self._block = SourceBlock(self.session.root, self.session.show)
        self._redraw()

    def _redraw(self) -> None:
        checked = self._checked
        head = self.query_one("#diag-summary", Static)
        table = self.query_one("#diag-table", DataTable)
        if checked is None:
            return
        if checked.result is None:
            head.update(
                Text(
                    f"cannot check: {checked.problem}\nhint: {checked.hint or ''}", style="bold red"
                )
            )
            fill(table, ("severity", "code", "where", "message"), [])
            self.query_one("#diag-source", Static).update("")
            return
        result = checked.result
        errors, warnings = summary(result.diagnostics)
        name, wanted = FILTERS[self._filter]
        text = Text()
        if errors or warnings:
            text.append(f"{errors} error(s)", style="bold red" if errors else "bold")
            text.append(", ")
            text.append(f"{warnings} warning(s)", style="bold yellow" if warnings else "bold")
            text.append(f" in {len(result.files)} file(s)")
        else:
            n = len(result.workspace.jurisdictions)
            text.append("✓ ", style="bold green")
            text.append(f"{len(result.files)} file(s), {n} jurisdiction(s): no errors, no warnings")
        text.append(
            f"   showing {name} · check {checked.number} · file watching {self.ow.watching}",
            style="dim",
        )
        head.update(text)
        self._shown = {}
        rows: list[tuple[str, list[object]]] = []
        for i, d in enumerate(result.diagnostics):
            if d.severity not in wanted:
                continue
            key = str(i)
            self._shown[key] = d
            where = f"{self.session.show(d.span.file)}:{d.span.line}:{d.span.column}"
            rows.append(
                (
                    key,
                    [
                        Text(d.severity.value, style=SEVERITY_STYLE[d.severity]),
                        d.code,
                        where,
                        d.message,
                    ],
                )
            )
        fill(table, ("severity", "code", "where", "message"), rows)
        if rows:
            self._detail(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        else:
            self.query_one("#diag-source", Static).update(
                Text("Nothing to show: the tree checks clean." if name == "all" else f"No {name}.")
            )

    @on(DataTable.RowHighlighted, "#diag-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.row_key.value)

    def _detail(self, key: str | None) -> None:
        d = self._shown.get(key or "")
        if d is None or self._block is None:
            return
        self.query_one("#diag-source", Static).update(self._block.diagnostic(d))

    # ---------------------------------------------------------------- actions

    def action_cycle_filter(self) -> None:
        self._filter = (self._filter + 1) % len(FILTERS)
        self._redraw()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Diagnostics: filter",
            "Show all, errors only, or warnings only (key f)",
            self.action_cycle_filter,
        )

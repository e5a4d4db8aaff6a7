"""A read-only view of a whole source file, opened at the line a rule or diagnostic points at."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

from onewindow.dsl.model import Span


class SourceScreen(ModalScreen[None]):
    """The file of `span`, cursor on its line and column; Escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close"),
    ]

    def __init__(self, span: Span, shown: str) -> None:
        super().__init__()
        self.span = span
        self.shown = shown
        try:
            self.text = Path(span.file).read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            self.text = f"cannot read {shown}: {exc.strerror or exc}"

    def compose(self) -> ComposeResult:
        with Vertical(id="source"):
            yield Static(f"{self.shown}:{self.span.line}:{self.span.column}", id="source-title")
            yield TextArea(
                self.text,
                read_only=True,
                show_line_numbers=True,
                soft_wrap=False,
                id="source-text",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        area = self.query_one("#source-text", TextArea)
        area.cursor_location = (max(0, self.span.line - 1), max(0, self.span.column - 1))
        area.focus()
        self.call_after_refresh(area.scroll_cursor_visible, center=True, animate=False)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)

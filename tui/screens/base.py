"""What every onewindow screen shares: the header, the footer and the app's open session."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult, SystemCommand
from textual.screen import Screen
from textual.widgets import Footer, Header

from onewindow.tui.session import Checked, Session

if TYPE_CHECKING:
    from onewindow.tui.app import OnewindowApp


class BaseScreen(Screen[None]):
    """A screen of the app: `body()` is its content between the header and the footer.

    Screens that show the checked tree override `show_checked`; it is called once the screen
    is mounted and after every re-check, and again when the screen comes back into view.
    """

    #: Title shown in the header after the tree's name.
    TITLE_TEXT = ""

    def __init__(self) -> None:
        super().__init__()
        self._shown_check = -1

    @property
    def ow(self) -> OnewindowApp:
        return cast("OnewindowApp", self.app)

    @property
    def session(self) -> Session:
        return self.ow.session

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.body()
        yield Footer(compact=True)

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.title = f"onewindow · {self.TITLE_TEXT}"
        self.sub_title = self.session.title
        self.ow.checked_signal.subscribe(self, self._on_checked)
        self._refresh_checked()

    def on_screen_resume(self) -> None:
        self._refresh_checked()

    def _refresh_checked(self) -> None:
        last = self.ow.last_checked
        if last is not None and last.number != self._shown_check:
            self._on_checked(last)

    def _on_checked(self, checked: Checked) -> None:
        if checked.number == self._shown_check:
            return
        self._shown_check = checked.number
        self.show_checked(checked)

    def show_checked(self, checked: Checked) -> None:
        """Show a new check of the tree (override)."""

    def palette_commands(self) -> Iterable[SystemCommand]:
        """This screen's actions for the command palette (override)."""
        yield from ()

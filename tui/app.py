"""The onewindow terminal app: screens, key bindings, themes, re-check and file-watch workers."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.signal import Signal
from textual.theme import Theme

from onewindow.tui.screens.diagnostics import DiagnosticsScreen
from onewindow.tui.screens.explorer import ExplorerScreen
from onewindow.tui.screens.help import HelpScreen
from onewindow.tui.screens.runs import RunsScreen
from onewindow.tui.screens.scorecard import ScorecardScreen
from onewindow.tui.screens.simulate import SimulateScreen
from onewindow.tui.session import Checked, Session

#: The screens, in the order of their number keys: (mode, key, footer label, title, help).
SCREENS: tuple[tuple[str, str, str, str, str], ...] = (
    ("explorer", "1", "Explore", "Explorer", "Jurisdiction tree, matters, windows, delegations"),
    ("diagnostics", "2", "Diagnose", "Diagnostics", "Errors and lint warnings, re-checked on save"),
    ("simulate", "3", "Simulate", "Simulate", "Run the intake simulation and chart its results"),
    ("scorecard", "4", "Score", "Scorecard", "Assessment points, explanations, targets, rankings"),
    ("runs", "5", "Runs", "Runs", "Stored runs; compare two side by side"),
)

#: The number keys show as one group in the footer: `12345 Screens`.
SCREEN_KEYS = Binding.Group("Screens", compact=True)

DARK = Theme(
    name="onewindow-dark",
    primary="#4EA1D3",
    secondary="#7FB069",
    accent="#E6AA68",
    warning="#E6AA68",
    error="#E26D5A",
    success="#7FB069",
    foreground="#E0E0E0",
    background="#15191E",
    surface="#1E242B",
    panel="#27303A",
    dark=True,
)

LIGHT = Theme(
    name="onewindow-light",
    primary="#1F6FA8",
    secondary="#3F7D20",
    accent="#B25E09",
    warning="#B25E09",
    error="#B3261E",
    success="#3F7D20",
    foreground="#1B1F24",
    background="#F6F7F9",
    surface="#FFFFFF",
    panel="#E4E8EE",
    dark=False,
)


class OnewindowApp(App[None]):
    """Explore, check, simulate and score a jurisdiction tree (一窗受理) from the terminal."""

    TITLE = "onewindow"
    CSS_PATH = "onewindow.tcss"
    MODES: ClassVar = {
        "explorer": ExplorerScreen,
        "diagnostics": DiagnosticsScreen,
        "simulate": SimulateScreen,
        "scorecard": ScorecardScreen,
        "runs": RunsScreen,
    }
    DEFAULT_MODE = "explorer"
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (100, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"switch_mode('{mode}')", label, tooltip=help_text, group=SCREEN_KEYS)
            for mode, key, label, _, help_text in SCREENS
        ),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+r", "recheck", "Re-check", show=False),
        Binding("q", "quit", "Quit", show=False),
    ]

    def __init__(self, session: Session, *, watch: bool = True) -> None:
        super().__init__()
        self.session = session
        self.watch_enabled = watch
        self.last_checked: Checked | None = None
        self.checked_signal: Signal[Checked] = Signal(self, "checked")
        self.runs_signal: Signal[int] = Signal(self, "runs")
        self.watching: str = "off"
        self._stop_watching = threading.Event()

    def on_mount(self) -> None:
        self.register_theme(DARK)
        self.register_theme(LIGHT)
        self.theme = DARK.name
        self.sub_title = self.session.title
        self.recheck()
        if self.watch_enabled:
            self.watch_files()

    def on_unmount(self) -> None:
        self._stop_watching.set()

    # ---------------------------------------------------------------- workers

    @work(thread=True, exclusive=True, group="recheck")
    def recheck(self, incremental: bool = False) -> None:
        """Check the open tree again (lint included) and tell the screens.

        `incremental`: only the files the watcher reported (see `Session.changed`).
        """
        checked = self.session.check(incremental=incremental)
        self.call_from_thread(self._checked, checked)

    def _checked(self, checked: Checked) -> None:
        if self.last_checked is not None and checked.number < self.last_checked.number:
            return  # a slower, older re-check finishing late
        self.last_checked = checked
        self.checked_signal.publish(checked)

    @work(thread=True, exclusive=True, group="watch")
    def watch_files(self) -> None:
        """Re-check whenever a `.ow` or `onewindow.toml` file under the root changes."""
        try:
            from watchfiles import watch
        except ImportError:
            self.call_from_thread(self._watch_state, "off (install watchfiles)")
            return

        def wanted(_change: object, path: str) -> bool:
            return path.endswith((".ow", "onewindow.toml"))

        self.call_from_thread(self._watch_state, "on")
        for changes in watch(
            self.session.root,
            watch_filter=wanted,
            debounce=300,
            step=50,
            rust_timeout=500,
            stop_event=self._stop_watching,
            yield_on_timeout=False,
        ):
            if self._stop_watching.is_set():
                break
            self.session.changed([path for _change, path in changes])
            self.call_from_thread(self.recheck, True)

    def _watch_state(self, state: str) -> None:
        self.watching = state

    # ---------------------------------------------------------------- actions

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT.name if self.theme == DARK.name else DARK.name

    def action_recheck(self) -> None:
        self.recheck()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action in the command palette: screens, app actions, then the screen's own."""
        for mode, key, _, title, help_text in SCREENS:
            yield SystemCommand(
                f"Go to {title}", f"{help_text} (key {key})", lambda m=mode: self.switch_mode(m)
            )
        yield SystemCommand("Help", "Keys and what each screen shows (key ?)", self.action_help)
        yield SystemCommand(
            "Toggle light/dark theme",
            "Switch onewindow's light and dark themes (ctrl+t)",
            self.action_toggle_theme,
        )
        yield SystemCommand(
            "Re-check files", "Check the open tree again now (ctrl+r)", self.action_recheck
        )
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()
        yield from super().get_system_commands(screen)

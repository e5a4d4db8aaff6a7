"""What the TUI has open: the checked tree, its options and the run store (no widgets here)."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path

from onewindow.dsl.check import CheckResult
from onewindow.dsl.incremental import Checker, RecheckStats
from onewindow.dsl.load import LoadError, ParseCache, find_root
from onewindow.engine.store import RunStore
from onewindow.engine.summary import outline
from onewindow.plugins.registry import PluginError

#: Folder opened when `onewindow tui` is given no path and the working directory has one.
DEFAULT_TREE = "jurisdictions"


def default_path() -> str:
    """`jurisdictions/` when the working directory has it, else the working directory."""
    return DEFAULT_TREE if Path(DEFAULT_TREE).is_dir() else "."


@dataclass(frozen=True)
class Checked:
    """One check of the open tree: the result, or why the tree could not be read at all."""

    number: int
    result: CheckResult | None
    problem: str | None = None
    hint: str | None = None
    #: The tree as the explorer lists it: (name, depth) in tree order, worked out with the
    #: check (off the UI thread).
    outline: tuple[tuple[str, int], ...] = ()


@dataclass
class Session:
    """The open jurisdiction tree (辖区目录), plugins, run database and as-of day.

    `check()` may be called from a worker thread: calls are serialised. Files a watcher
    reports through `changed()` are re-checked incrementally (dsl/incremental.py): only
    they are parsed again, and only what they declare is validated again.
    """

    paths: list[str]
    plugins: tuple[str, ...] = ()
    db_url: str | None = None
    as_of: dt.date | None = None
    cache: ParseCache = field(default_factory=ParseCache)
    checks: int = 0
    #: Scoring inputs chosen in the app: a facts file (事实) and the run whose simulated
    #: metrics the rules read (set by Simulate after a run, or by `s` in Runs).
    facts_file: str | None = None
    score_run: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _checker: Checker | None = field(default=None, repr=False)
    _pending: set[str] = field(default_factory=set, repr=False)
    _pending_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def root(self) -> Path:
        """The jurisdictions root of the first path (the folder holding `onewindow.toml`)."""
        return find_root(Path(self.paths[0]).resolve())

    @property
    def title(self) -> str:
        """The root folder's name, as shown in the header (never an absolute path)."""
        return self.root.name or str(self.root)

    def show(self, file: str) -> str:
        """A source file as shown on screen: relative to the root when below it."""
        path = Path(file)
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            return file

    @property
    def last_check(self) -> RecheckStats | None:
        """Whether the last check was whole or incremental, and how much it did."""
        return None if self._checker is None else self._checker.stats

    def changed(self, paths: list[str]) -> None:
        """Note files a watcher saw change: the next `check(incremental=True)` takes them."""
        with self._pending_lock:
            self._pending.update(paths)

    def check(self, extra: list[str] | None = None, *, incremental: bool = False) -> Checked:
        """Check the tree (with lint rules) plus `extra` files; never raises for user mistakes.

        `incremental`: re-check only the files noted by `changed()` since the last check
        (the result is the same as a whole check's); otherwise check the whole tree.
        """
        with self._lock:
            self.checks += 1
            number = self.checks
            with self._pending_lock:
                changed, self._pending = self._pending, set()
            paths = [*self.paths, *(extra or [])]
            try:
                checker = self._checker
                if checker is None or checker.paths != paths:
                    checker = Checker(paths, plugins=self.plugins, lint=True, cache=self.cache)
                    self._checker = checker
                    result = checker.check()
                elif incremental:
                    result = checker.recheck(sorted(changed))
                else:
                    result = checker.check()
            except LoadError as exc:
                self._checker = None
                return Checked(number, None, exc.message, exc.hint)
            except PluginError as exc:
                self._checker = None
                return Checked(number, None, str(exc), "fix or uninstall the plugin")
            return Checked(number, result, outline=tuple(outline(result.workspace)))

    def store(self) -> RunStore:
        """The run store (运行记录库); raises `StoreError` with a plain message."""
        store = RunStore(self.db_url)
        store.ensure_schema()
        return store

"""`onewindow check --watch`: check, then re-check each time a file of the tree is saved.

The incremental checker (dsl/incremental.py) re-parses only the saved files and validates
only what they can change, so a re-check of one edited file in a province-sized tree takes
tens of milliseconds. File events come from `watchfiles` (inotify on Linux, polling where
there is none); a burst of saves within 300 ms is one re-check.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from onewindow.dsl.check import CheckResult
from onewindow.dsl.incremental import Checker, RecheckStats
from onewindow.dsl.load import ROOT_MARKER, LoadError, find_root

#: Files whose change can change a check: jurisdiction files and the root marker.
WATCHED_SUFFIXES = (".ow", ROOT_MARKER)
#: How often a removed root folder is looked for again.
ROOT_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class WatchedCheck:
    """One check of the watch loop: its result (None when the paths became unusable)."""

    number: int
    result: CheckResult | None
    stats: RecheckStats
    seconds: float
    changed: tuple[str, ...]
    error: LoadError | None = None


class _Watcher:
    """File events under a root, collected by a thread from the moment it is started.

    Started before the first check, so that a file saved while a big tree is being
    checked is re-checked afterwards instead of lost. (A process running this thread
    parses in-process: forking it for parse workers would not be safe.)
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.batches: queue.Queue[list[str] | BaseException | None] = queue.Queue()
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._pump, name="onewindow-watch", daemon=True)

    def _pump(self) -> None:
        from watchfiles import watch

        def wanted(_change: object, path: str) -> bool:
            return path.endswith(WATCHED_SUFFIXES)

        try:
            for batch in watch(
                self.root,
                watch_filter=wanted,
                debounce=300,
                step=50,
                rust_timeout=100,
                yield_on_timeout=True,  # an empty batch: the watcher is running
                stop_event=self.stop,
            ):
                self.ready.set()
                if batch:
                    self.batches.put(sorted({path for _change, path in batch}))
        except BaseException as exc:  # handed to the main thread, raised there
            self.batches.put(exc)
        finally:
            self.ready.set()
            self.batches.put(None)

    def __enter__(self) -> _Watcher:
        self.thread.start()
        self.ready.wait(timeout=10)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)

    def __iter__(self) -> Iterator[list[str]]:
        while (batch := self.batches.get()) is not None:
            if isinstance(batch, BaseException):
                raise batch
            yield batch


def watch_checks(
    checker: Checker,
    on_check: Callable[[WatchedCheck], None],
    changes: Iterable[list[str]] | None = None,
) -> None:
    """Check once, then re-check after every batch of `changes` (default: file events).

    `on_check` receives each check as it completes. A path that stops being usable (a
    folder removed, say) is reported and the watch goes on; when the root folder itself
    is removed, the watch waits for it to come back, then checks the whole tree again.
    Returns when `changes` ends; interrupting it (Ctrl+C) is the caller's to handle.

    :raises LoadError: the paths are unusable at the first check.
    :raises OSError: the root folder cannot be watched (the system's watch limit, say).
    """
    root = find_root(Path(checker.paths[0]).resolve())
    number = 0

    def run(changed: list[str] | None) -> None:
        nonlocal number
        number += 1
        started = time.perf_counter()
        try:
            result = checker.check() if changed is None else checker.recheck(changed)
            error, stats = None, checker.stats
        except LoadError as exc:
            if number == 1:
                raise  # unusable from the start: nothing to watch
            result, error = None, exc
            stats = RecheckStats(full=True, reason="the paths could not be read", rebuilt_files=0)
            checker.reset()
        seconds = time.perf_counter() - started
        on_check(WatchedCheck(number, result, stats, seconds, tuple(changed or ()), error))

    if changes is not None:
        run(None)
        for changed in changes:
            run(changed)
        return
    while True:
        try:
            with _Watcher(root) as watcher:
                watched = _identity(root)
                run(None)
                for changed in watcher:
                    run(changed)
                    if _identity(root) != watched:
                        break  # the folder was removed (maybe already put back): its watch is gone
                else:
                    return
        except OSError:
            if root.is_dir():
                raise  # it is there but cannot be watched (watch limits): the caller says so
        while not root.is_dir():  # wait for the folder to come back (restored, checked out)
            time.sleep(ROOT_POLL_SECONDS)


def _identity(folder: Path) -> tuple[int, int] | None:
    """Which folder is at `folder` (device, inode): a folder put back there is another one."""
    try:
        st = folder.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino

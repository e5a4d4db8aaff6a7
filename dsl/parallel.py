"""Parse many files at once in worker processes, to fill a `ParseCache` before a big load.

Parsing is pure CPU work per file, so a tree of thousands of files parses on every core:
workers read, parse and build each file and send the models back (pickled). Small jobs
stay in-process, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from onewindow.dsl.load import ParseCache, _Parsed

#: Below this many files to parse, parse in this process.
MIN_FILES = 2000
#: Files sent to a worker at a time: large enough to amortise pickling round trips.
CHUNK = 256


def workers_for(count: int, workers: int | None = None) -> int:
    """How many worker processes to use for `count` files (1: parse in this process)."""
    if workers is not None:
        return max(1, workers)
    if count < MIN_FILES:
        return 1
    env = os.environ.get("ONEWINDOW_PARSE_WORKERS")
    if env and env.isdigit():
        return max(1, int(env))
    return max(1, min(os.cpu_count() or 1, 8))


def _parse_one(job: tuple[str, str]) -> _Parsed:
    from onewindow.dsl.load import _parse_file

    path, shown = job
    return _parse_file(Path(path), shown)


def _context() -> multiprocessing.context.BaseContext | None:
    """Fork, when it is safe: on Linux, from a process running no other thread.

    Forked workers start at once with the grammar already loaded. Forking a threaded
    process (the TUI checks in a worker thread) can deadlock, and the other start methods
    re-import the caller's main script; those cases parse in-process instead.
    """
    if sys.platform != "linux" or threading.active_count() > 1:
        return None
    return multiprocessing.get_context("fork")


def prefill(
    cache: ParseCache,
    files: list[tuple[Path, str]],
    workers: int | None = None,
) -> int:
    """Parse the files among `files` (path, shown path) that the cache lacks; return how many.

    Files the cache holds an older version of are few (the ones just edited) and left to
    the load, so a warm check costs no `stat` here. With one worker (few files, one core,
    `ONEWINDOW_PARSE_WORKERS=1`, or a process that runs threads) nothing is done here: the
    load parses each file when it first needs it.
    """
    lacking = [(path, shown) for path, shown in files if cache.lacks(path, shown)]
    n = workers_for(len(lacking), workers)
    context = _context() if n > 1 and lacking else None
    if context is None:
        return 0
    jobs = [(path, shown, key) for path, shown in lacking if (key := cache.stale(path, shown))]
    try:
        with ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
            parsed = pool.map(
                _parse_one, [(str(path), shown) for path, shown, _ in jobs], chunksize=CHUNK
            )
            for (path, shown, key), result in zip(jobs, parsed, strict=True):
                cache.put(path, shown, key, result)
    except (OSError, BrokenProcessPool):
        return 0  # no workers to be had (limits, memory): the load parses the rest itself
    return len(jobs)

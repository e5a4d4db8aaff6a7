"""Parse many files at once on every core, to fill a `ParseCache` before a big load.

Parsing is pure CPU work per file, so a tree of thousands of files parses on every core:
this process and `n - 1` forked workers take chunks of files from one queue (the workers
from its front, this process from its back, so neither waits for the other). Workers send
their models back pickled; unpickling them costs this process about a third of parsing
them, which is why it parses too rather than only collecting. Small jobs stay in-process,
where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from onewindow.dsl.load import ParseCache, _Parsed

#: Below this many files to parse, parse in this process only.
MIN_FILES = 2000
#: Files in a chunk: large enough to amortise pickling round trips, small enough that the
#: last chunks finish together.
CHUNK = 128
#: Chunks sent ahead to each worker, so that none waits for work.
FLIGHT = 2

_Job = tuple[Path, str, tuple[int, int]]  # path, shown path, (mtime, size) when listed
T = TypeVar("T")
R = TypeVar("R")


def workers_for(count: int, workers: int | None = None) -> int:
    """How many processes parse `count` files, this one included (1: this one alone)."""
    if workers is not None:
        return max(1, workers)
    if count < MIN_FILES:
        return 1
    env = os.environ.get("ONEWINDOW_PARSE_WORKERS")
    if env and env.isdigit():
        return max(1, int(env))
    return max(1, min(os.cpu_count() or 1, 8))


def _parse_chunk(jobs: list[tuple[str, str]]) -> list[_Parsed]:
    from onewindow.dsl.load import _parse_file

    return [_parse_file(Path(path), shown) for path, shown in jobs]


def _context() -> multiprocessing.context.BaseContext | None:
    """Fork, when it is safe: on Linux, from a process running no other thread.

    Forked workers start at once with the grammar already loaded. Forking a threaded
    process (the TUI checks in a worker thread) can deadlock, and the other start methods
    re-import the caller's main script; those cases parse in-process instead.
    """
    if sys.platform != "linux" or threading.active_count() > 1:
        return None
    return multiprocessing.get_context("fork")


def _store(cache: ParseCache, chunk: list[_Job], parsed: list[_Parsed]) -> None:
    for (path, shown, key), result in zip(chunk, parsed, strict=True):
        cache.put(path, shown, key, result)


def prefill(
    cache: ParseCache,
    files: list[tuple[Path, str]],
    workers: int | None = None,
) -> int:
    """Parse the files among `files` (path, shown path) that the cache lacks; return how many.

    `workers` counts the processes that parse, this one included. Files the cache holds an
    older version of are few (the ones just edited) and left to the load, so a warm check
    costs no `stat` here. With one process (few files, one core,
    `ONEWINDOW_PARSE_WORKERS=1`, or a process that runs threads) nothing is done here: the
    load parses each file when it first needs it.
    """
    from onewindow.dsl.load import _parse_file

    lacking = [(path, shown) for path, shown in files if cache.lacks(path, shown)]
    n = workers_for(len(lacking), workers)
    context = _context() if n > 1 and lacking else None
    if context is None:
        return 0
    jobs = [(path, shown, key) for path, shown in lacking if (key := cache.stale(path, shown))]
    queue = deque(jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK))
    sent: deque[tuple[list[_Job], Future[list[_Parsed]]]] = deque()
    try:
        with ProcessPoolExecutor(max_workers=n - 1, mp_context=context) as pool:

            def top_up() -> None:  # FLIGHT chunks ahead per worker
                while queue and len(sent) < FLIGHT * (n - 1):
                    chunk = queue.popleft()
                    sent.append(
                        (chunk, pool.submit(_parse_chunk, [(str(p), s) for p, s, _ in chunk]))
                    )

            top_up()
            while queue or sent:
                while sent and (sent[0][1].done() or not queue):
                    chunk, future = sent.popleft()
                    _store(cache, chunk, future.result())
                    top_up()
                if queue:
                    chunk = queue.pop()
                    _store(cache, chunk, [_parse_file(path, shown) for path, shown, _ in chunk])
                    top_up()
    except (OSError, BrokenProcessPool):
        return 0  # no workers to be had (limits, memory): the load parses the rest itself
    return len(jobs)


def map_files(fn: Callable[[T], R], items: Sequence[T], workers: int | None = None) -> Iterator[R]:
    """`fn` over `items`, results in order: on every core for thousands of items.

    For per-file work whose result the caller then writes or prints (`onewindow fmt`).
    `fn` must be a module-level function that returns, not raises, a file's problems.
    Small jobs, a threaded process or a pool that cannot start run here, one by one.
    """
    n = workers_for(len(items), workers)
    context = _context() if n > 1 else None
    done = 0
    if context is not None:
        try:
            with ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
                for result in pool.map(fn, items, chunksize=CHUNK):
                    done += 1
                    yield result
            return
        except (OSError, BrokenProcessPool):
            pass  # no workers to be had: the rest here
    for item in items[done:]:
        yield fn(item)

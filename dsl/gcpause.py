"""Pause Python's cyclic garbage collector around work that builds millions of objects.

Loading a province or planning its simulation allocates millions of small acyclic objects
(models, spans, plans); the collector would walk them again and again, a fifth or more of
the time, for garbage that reference counting frees anyway.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # pauses in force, in any thread
_was_enabled = False  # the collector's state before the first of them


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic collection inside the block; with `freeze`, none over what it built either.

    Pauses may overlap (the TUI checks and simulates in two threads): the collector is
    switched back on when the last one ends, whatever their order. `freeze`
    (`gc.freeze`) is for results kept a long time (a checked tree): they are still freed
    when nothing refers to them, but the collector no longer walks them, else the first
    collection after a province check would stall for seconds.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            if freeze:
                gc.freeze()
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()

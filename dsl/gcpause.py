"""Pause Python's cyclic garbage collector around work that builds millions of objects.

Loading a province or planning its simulation allocates millions of small acyclic objects
(models, spans, plans); the collector would walk them again and again, a fifth or more of
the time, for garbage that reference counting frees anyway.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic collection inside the block; with `freeze`, none over what it built either.

    `freeze` (`gc.freeze`) is for results kept a long time (a checked tree): they are still
    freed when nothing refers to them, but the collector no longer walks them, else the
    first collection after a province check would stall for seconds.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()

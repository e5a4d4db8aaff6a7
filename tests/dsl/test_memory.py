"""A whole check leaves no reference cycles through its models.

Whole checks freeze what they built for the cyclic garbage collector (dsl/incremental.py):
models are then freed by reference counting alone, so a cycle through them would keep a
whole tree alive for good (a province is over a gigabyte).
"""

from __future__ import annotations

import gc
from pathlib import Path

from onewindow.dsl.check import check
from onewindow.dsl.load import ParseCache
from onewindow.dsl.model import Span

BUNDLED = Path(__file__).resolve().parents[2] / "jurisdictions"


def test_a_dropped_check_result_is_freed_without_the_cycle_collector() -> None:
    check([BUNDLED], cache=ParseCache())  # warm up: plugins, grammar, caches
    gc.unfreeze()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        result = check([BUNDLED], cache=ParseCache())
        assert result.workspace.jurisdictions
        del result
        gc.unfreeze()
        gc.collect()
        in_cycles = [o for o in gc.garbage if isinstance(o, Span)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert in_cycles == [], f"{len(in_cycles)} spans were only reachable through cycles"

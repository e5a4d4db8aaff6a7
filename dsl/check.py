"""The check pipeline as one call: load → resolve → validate (→ lint), with plugins."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from onewindow.dsl.incremental import (
    Checker,
    CheckResult,
    file_plugins,
    lint_diagnostics,
    vocabulary,
)
from onewindow.dsl.load import DEFAULT_CACHE, ParseCache
from onewindow.plugins.registry import Registry

__all__ = ["CheckResult", "check", "file_plugins", "lint_diagnostics", "vocabulary"]


def check(
    paths: Iterable[str | Path],
    *,
    plugins: Iterable[str] = (),
    lint: bool = False,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    cache: ParseCache | None = None,
    overlays: Iterable[str | Path] = (),
    workers: int | None = None,
) -> CheckResult:
    """Load and validate the tree of `paths`; raises `LoadError` for unusable paths.

    Lint rules always run when a file's `lint RULE error` line makes them errors; their
    warnings and infos (and every other rule) are reported only with `lint=True`. `as_of`
    is the day lint rules judge dated delegations and limits for (None: all in force).
    `overlays` are reform files applied on top of the tree (dsl/overlay.py). `workers`:
    processes that parse a big tree, this one included (None: one per core for
    thousands of files; 1: this one alone).
    To re-check after edits, keep a `Checker` (dsl/incremental.py) instead.
    """
    checker = Checker(
        list(paths),
        plugins=tuple(plugins),
        lint=lint,
        as_of=as_of,
        registry=registry,
        cache=cache if cache is not None else DEFAULT_CACHE,
        overlays=tuple(overlays),
        workers=workers,
    )
    return checker.check()

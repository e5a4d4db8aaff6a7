"""Incremental checking (增量检查): after an edit, re-check only what the edit can change.

A `Checker` checks a tree once and keeps what it learnt: the parse cache, the load's
diagnostics by file, the workspace, and the validation diagnostics by jurisdiction and by
file. `recheck(changed)` then re-parses the changed files, rebuilds the files they belong
to, swaps them into a copy of the workspace and validates again only the jurisdictions
declared there and their descendants (they inherit matters, departments, delegations).

An edit that changes the tree's shape — a file added or removed, a jurisdiction renamed or
moved to another parent, an include, a plugin line, `onewindow.toml` or an overlay — falls
back to a whole check (over the warm parse cache). Either way the result equals a fresh
`check()` of the same files: tests/dsl/test_incremental.py holds it to that.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from onewindow.dsl.diagnostics import Diagnostic, Severity
from onewindow.dsl.gcpause import gc_paused
from onewindow.dsl.lint import LintResult, run_lint
from onewindow.dsl.load import ROOT_MARKER, LoadState, ParseCache, include_targets, load
from onewindow.dsl.model import Jurisdiction, LintSetting, SourceFile
from onewindow.dsl.resolve import Workspace
from onewindow.dsl.validate import (
    Vocabulary,
    inherited_view,
    validate_file,
    validate_jurisdiction,
)
from onewindow.plugins.registry import PluginError, Registry


@dataclass
class CheckResult:
    """A checked workspace and the diagnostics of the requested files, in file order.

    `lint_failures` lists lint rules that crashed or answered with the wrong type (each a
    `PluginError` naming the plugin); their findings are left out, the other rules' kept.
    """

    workspace: Workspace
    diagnostics: list[Diagnostic]
    registry: Registry
    files: list[str]
    lint_failures: list[PluginError] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.error]

    @property
    def ok(self) -> bool:
        return not self.errors


def vocabulary(ws: Workspace, registry: Registry) -> Vocabulary:
    """Names the files may use, as provided by the loaded plugins."""
    used = {j.calendar.name for j in ws.jurisdictions.values() if j.calendar is not None}
    calendars = {name for name in used | {"cn"} if registry.calendar(name) is not None}
    if not registry.pm.hook.onewindow_calendar.get_hookimpls():
        calendars.add("cn")  # no calendar plugin loaded yet: accept the default name
    return Vocabulary(
        metrics=frozenset(registry.metrics),
        settings=frozenset(registry.settings),
        calendars=frozenset(calendars),
        plugins=frozenset(registry.plugin_names()),
        rule_kinds=frozenset(registry.rule_kinds),
        unavailable_plugins=dict(registry.load_errors),
    )


def file_plugins(ws: Workspace) -> list[str]:
    """Plugins the files ask for with `plugins "…"` lines, at top level and in blocks."""
    names = [u.name for f in ws.files.values() for u in f.plugins]
    return names + [u.name for j in ws.jurisdictions.values() for u in j.plugins]


def lint_diagnostics(
    ws: Workspace, registry: Registry, *, lint: bool, as_of: dt.date | None
) -> LintResult:
    """Lint findings: every rule with `lint=True`, else only rules a file makes errors."""
    return run_lint(
        ws,
        registry.lint_rules,
        dict(getattr(registry, "lint_rule_owner", {})),
        as_of=as_of,
        errors_only=not lint,
    )


def _keep(table: dict[str, list[Diagnostic]], key: str, found: list[Diagnostic]) -> None:
    """Store `found` under `key`, or drop the key when nothing was found (tables stay small)."""
    if found:
        table[key] = found
    else:
        table.pop(key, None)


def _plugin_lines(files: list[SourceFile]) -> list[str]:
    """The `plugins "…"` lines of some files: at top level and in their blocks."""
    names = [u.name for f in files for u in f.plugins]
    return names + [u.name for f in files for j in f.jurisdictions for u in j.plugins]


def _calendars(files: Iterable[SourceFile]) -> set[str]:
    return {j.calendar.name for f in files for j in f.jurisdictions if j.calendar is not None}


def _lint_lines(jurisdictions: Iterable[Jurisdiction]) -> dict[str, tuple[LintSetting, ...]]:
    return {j.name: j.lint for j in jurisdictions if j.lint}


@dataclass
class _Checked:
    """Everything the last check learnt, by origin, so that parts can be replaced."""

    load: LoadState
    workspace: Workspace
    vocab: Vocabulary
    requested: list[str]
    by_jurisdiction: dict[str, list[Diagnostic]]  # only the non-empty lists
    by_file: dict[str, list[Diagnostic]]
    lint_lines: dict[str, tuple[LintSetting, ...]]  # jurisdictions with `lint` lines
    lint: LintResult


@dataclass
class RecheckStats:
    """What the last `check`/`recheck` did: whole or incremental, and how much of it."""

    full: bool = True
    reason: str = "first check"
    reparsed: int = 0
    rebuilt_files: int = 0
    revalidated: int = 0


@dataclass
class Checker:
    """Checks one tree, then re-checks edits to it cheaply (see the module docstring).

    Not thread-safe: callers serialise `check` and `recheck` (the TUI's session does).
    """

    paths: list[str | Path]
    plugins: tuple[str, ...] = ()
    lint: bool = False
    as_of: dt.date | None = None
    registry: Registry | None = None
    cache: ParseCache = field(default_factory=ParseCache)
    overlays: tuple[str | Path, ...] = ()
    workers: int | None = None
    stats: RecheckStats = field(default_factory=RecheckStats)
    _last: _Checked | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.registry is None:
            self.registry = Registry.build(self.plugins)

    # ------------------------------------------------------------ whole tree

    def check(self) -> CheckResult:
        """Load and validate the whole tree (unchanged files come from the parse cache)."""
        return self._full("whole check")

    def _full(self, reason: str) -> CheckResult:
        with gc_paused(freeze=True):
            return self._full_check(reason)

    def _full_check(self, reason: str) -> CheckResult:
        assert self.registry is not None
        misses = self.cache.misses
        loaded = load(
            list(self.paths), cache=self.cache, overlays=list(self.overlays), workers=self.workers
        )
        assert loaded.state is not None
        ws = loaded.workspace
        self.registry.load_file_plugins(file_plugins(ws))
        vocab = vocabulary(ws, self.registry)
        lint_lines = _lint_lines(ws.jurisdictions.values())
        self._last = _Checked(
            load=loaded.state,
            workspace=ws,
            vocab=vocab,
            requested=loaded.requested_files,
            by_jurisdiction={
                j.name: found
                for j in ws.jurisdictions.values()
                if (found := validate_jurisdiction(ws, j, vocab))
            },
            by_file={
                f.path: found for f in ws.files.values() if (found := validate_file(ws, f, vocab))
            },
            lint_lines=lint_lines,
            lint=self._lint(ws, lint_lines),
        )
        self.stats = RecheckStats(
            full=True,
            reason=reason,
            reparsed=self.cache.misses - misses,
            rebuilt_files=len(ws.files),
            revalidated=len(ws.jurisdictions),
        )
        return self._result()

    def _lint(self, ws: Workspace, lines: dict[str, tuple[LintSetting, ...]]) -> LintResult:
        """Lint findings; with `lint` off and no `lint … error` line, none (and no cost)."""
        assert self.registry is not None
        if not self.lint and not any(s.severity == "error" for f in lines.values() for s in f):
            return LintResult()
        return lint_diagnostics(ws, self.registry, lint=self.lint, as_of=self.as_of)

    def _result(self) -> CheckResult:
        assert self._last is not None and self.registry is not None
        last = self._last
        diagnostics = last.load.diagnostics()
        for found in last.by_jurisdiction.values():
            diagnostics.extend(found)
        for found in last.by_file.values():
            diagnostics.extend(found)
        diagnostics.extend(last.lint.diagnostics)
        wanted = set(last.requested)
        shown = [d for d in diagnostics if d.span.file in wanted]
        shown.sort(key=lambda d: (*d.sort_key, d.message))
        return CheckResult(
            workspace=last.workspace,
            diagnostics=shown,
            registry=self.registry,
            files=last.requested,
            lint_failures=list(last.lint.failures),
        )

    def reset(self) -> None:
        """Forget the last check: the next `recheck` checks the whole tree."""
        self._last = None

    # ------------------------------------------------------------ edits

    def recheck(self, changed: Iterable[str | Path] | None = None) -> CheckResult:
        """Check again after the files `changed` were edited (None: unknown, check all).

        `changed` holds the paths a file watcher reported; unchanged paths among them cost
        only a `stat`.
        """
        if self._last is None:
            return self._full("first check")
        if changed is None:
            return self._full("changed files unknown")
        misses = self.cache.misses
        plan = self._plan([Path(os.path.abspath(p)) for p in changed])
        if isinstance(plan, str):
            return self._full(plan)
        return self._patch(*plan, misses=misses)

    def _plan(self, changed: list[Path]) -> str | tuple[list[Path], list[Path]]:
        """The changed fragments and the standalone files to rebuild, or why to check all."""
        assert self._last is not None
        state = self._last.load
        if os.getcwd() != state.loader.cwd:
            return "the working directory changed (paths are shown relative to it)"
        known = state.known
        fragments: list[Path] = []
        standalone: set[Path] = set()
        for raw in changed:
            if raw.name == ROOT_MARKER or raw in state.overlays:
                return f"{raw.name} changed"
            path = raw if raw in known else raw.resolve()
            if path not in known:
                if path.suffix != ".ow":
                    continue  # not a jurisdiction file: nothing to do
                return f"new file {raw.name}"
            if not path.is_file():
                return f"{raw.name} was removed"
            if self._includes(path) != state.targets.get(path, set()):
                return f"the includes of {raw.name} changed"
            if path in state.fragments:
                fragments.append(path)
                standalone |= state.includers(path)
            else:
                standalone.add(path)
        return fragments, sorted(standalone)

    def _includes(self, path: Path) -> set[Path]:
        assert self._last is not None
        return include_targets(self._last.load.loader, path)

    def _patch(self, fragments: list[Path], standalone: list[Path], misses: int) -> CheckResult:
        assert self._last is not None and self.registry is not None
        last = self._last
        state = last.load
        loader = state.loader
        rebuilt: list[tuple[Path, SourceFile, list[Diagnostic]]] = []
        for path in standalone:
            sf, found = loader.build_file(path)
            old = last.workspace.files.get(sf.path)
            if old is None or not last.workspace.same_shape(old, sf):
                return self._full(f"the jurisdictions of {path.name} were renamed or moved")
            rebuilt.append((path, sf, found))
        touched = {sf.path for _, sf, _ in rebuilt}
        for d in state.resolved:
            spans = [d.span, *(span for span, _ in d.related)]
            if any(s.file in touched for s in spans):
                return self._full("a file with tree-level errors (duplicates, cycles) changed")
        before = [last.workspace.files[sf.path] for _, sf, _ in rebuilt]
        after = [sf for _, sf, _ in rebuilt]
        if _plugin_lines(before) != _plugin_lines(after):
            return self._full("a plugins line changed")
        ws = last.workspace.patched(after)
        vocab = last.vocab
        if _calendars(before) != _calendars(after):
            vocab = vocabulary(ws, self.registry)
            if vocab != last.vocab:
                return self._full("the calendars the files use changed")
        for path, _sf, found in rebuilt:
            state.set_found(path, found)
        for path in fragments:
            state.set_found(path, list(loader.parsed(path).diagnostics))
        # the edited jurisdictions, and the descendants of those whose names passed down changed
        revalidate: set[str] = set()
        for _, sf, _ in rebuilt:
            for j in sf.jurisdictions:
                revalidate.add(j.name)
                if inherited_view(j) != inherited_view(last.workspace.jurisdictions[j.name]):
                    revalidate.update(d.name for d in ws.descendants(j.name))
        by_jurisdiction = dict(last.by_jurisdiction)
        for name in revalidate:
            _keep(by_jurisdiction, name, validate_jurisdiction(ws, ws.jurisdictions[name], vocab))
        by_file = dict(last.by_file)
        for name in touched:
            _keep(by_file, name, validate_file(ws, ws.files[name], vocab))
        lint_lines = dict(last.lint_lines)
        for _, sf, _ in rebuilt:
            for j in sf.jurisdictions:
                lint_lines.pop(j.name, None)
            lint_lines.update(_lint_lines(sf.jurisdictions))
        self._last = _Checked(
            load=state,
            workspace=ws,
            vocab=vocab,
            requested=last.requested,
            by_jurisdiction=by_jurisdiction,
            by_file=by_file,
            lint_lines=lint_lines,
            lint=self._lint(ws, lint_lines),
        )
        self.stats = RecheckStats(
            full=False,
            reason="edited files only",
            reparsed=self.cache.misses - misses,
            rebuilt_files=len(rebuilt),
            revalidated=len(revalidate),
        )
        return self._result()

"""The check pipeline: load → resolve → validate (→ lint), with plugins, as one call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from onewindow.dsl.diagnostics import Diagnostic, Severity
from onewindow.dsl.lint import run_lint
from onewindow.dsl.load import ParseCache, load
from onewindow.dsl.resolve import Workspace
from onewindow.dsl.validate import Vocabulary, validate
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


def check(
    paths: Iterable[str | Path],
    *,
    plugins: Iterable[str] = (),
    lint: bool = False,
    as_of: dt.date | None = None,
    registry: Registry | None = None,
    cache: ParseCache | None = None,
    overlays: Iterable[str | Path] = (),
) -> CheckResult:
    """Load and validate the tree of `paths`; raises `LoadError` for unusable paths.

    Lint rules always run when a file's `lint RULE error` line makes them errors; their
    warnings and infos (and every other rule) are reported only with `lint=True`. `as_of`
    is the day lint rules judge dated delegations and limits for (None: all in force).
    `overlays` are reform files applied on top of the tree (dsl/overlay.py).
    """
    registry = registry or Registry.build(plugins)
    loaded = load(list(paths), cache=cache, overlays=list(overlays))
    ws = loaded.workspace
    file_plugins = [u.name for f in ws.files.values() for u in f.plugins]
    file_plugins += [u.name for j in ws.jurisdictions.values() for u in j.plugins]
    registry.load_file_plugins(file_plugins)
    diagnostics = loaded.diagnostics + validate(ws, vocabulary(ws, registry))
    linted = run_lint(
        ws,
        registry.lint_rules,
        dict(getattr(registry, "lint_rule_owner", {})),
        as_of=as_of,
        errors_only=not lint,
    )
    diagnostics += linted.diagnostics
    wanted = set(loaded.requested_files)
    shown = [d for d in diagnostics if d.span.file in wanted]
    shown.sort(key=lambda d: d.sort_key)
    return CheckResult(
        workspace=ws,
        diagnostics=shown,
        registry=registry,
        files=loaded.requested_files,
        lint_failures=linted.failures,
    )

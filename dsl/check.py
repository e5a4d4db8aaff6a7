"""The check pipeline: load → resolve → validate (→ lint), with plugins, as one call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from onewindow.dsl.diagnostics import Diagnostic, Severity
from onewindow.dsl.load import ParseCache, load
from onewindow.dsl.resolve import Workspace
from onewindow.dsl.validate import Vocabulary, validate
from onewindow.plugins.registry import Registry


@dataclass
class CheckResult:
    """A checked workspace and the diagnostics of the requested files, in file order."""

    workspace: Workspace
    diagnostics: list[Diagnostic]
    registry: Registry
    files: list[str]

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
    registry: Registry | None = None,
    cache: ParseCache | None = None,
    overlays: Iterable[str | Path] = (),
) -> CheckResult:
    """Load and validate the tree of `paths` (with reform `overlays` applied, dsl/overlay.py).

    Raises `LoadError` for unusable paths.
    """
    registry = registry or Registry.build(plugins)
    loaded = load(list(paths), cache=cache, overlays=list(overlays))
    ws = loaded.workspace
    file_plugins = [u.name for f in ws.files.values() for u in f.plugins]
    file_plugins += [u.name for j in ws.jurisdictions.values() for u in j.plugins]
    registry.load_file_plugins(file_plugins)
    diagnostics = loaded.diagnostics + validate(ws, vocabulary(ws, registry))
    if lint:
        for rule in registry.lint_rules:
            diagnostics.extend(rule.check(ws))
    wanted = set(loaded.requested_files)
    shown = [d for d in diagnostics if d.span.file in wanted]
    shown.sort(key=lambda d: d.sort_key)
    return CheckResult(
        workspace=ws, diagnostics=shown, registry=registry, files=loaded.requested_files
    )

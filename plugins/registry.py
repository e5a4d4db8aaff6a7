"""Collect what plugins provide (metrics, settings, rule kinds, lint rules) with isolation.

Hooks are called plugin by plugin (in pluggy's order) rather than through pluggy's own
loop, so that when one raises or answers with the wrong type the `PluginError` names it.
The callables plugins hand back (`MetricSpec.compute`, `LintRule.check`,
`RuleKind.evaluate`) are wrapped the same way: the engine only ever calls checked versions,
and a bad answer stops the command before anything is stored or scored.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import pluggy

from onewindow.dsl.diagnostics import Diagnostic
from onewindow.plugins.api import LintRule, MetricSpec, RuleKind, SettingSpec
from onewindow.plugins.manager import (
    BUILTIN_PREFIX,
    ENTRY_POINT_GROUP,
    LoadedPlugin,
    PluginError,
    PluginFailure,
    PluginLoadError,
    PluginManager,
    describe,
    get_plugin_manager,
    import_plugin,
    load_module,
    origin_of,
)

__all__ = [
    "PluginError",
    "PluginLoadError",
    "Registry",
    "collect",
    "first_result",
    "notify",
]

METRIC_SOURCES = ("static", "simulated", "fact")
SETTING_PLACES = ("jurisdiction", "matter", "chain", "hall", "window")
LINT_SEVERITIES = ("error", "warning", "info")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _impls(pm: pluggy.PluginManager, hook: str) -> list[pluggy.HookImpl]:
    """A hook's implementations in calling order (tryfirst first), wrappers left out."""
    caller = getattr(pm.hook, hook)
    return [i for i in reversed(caller.get_hookimpls()) if not (i.wrapper or i.hookwrapper)]


def _call(impl: pluggy.HookImpl, hook: str, kwargs: dict[str, Any]) -> Any:
    try:
        return impl.function(**{k: kwargs[k] for k in impl.argnames})
    except PluginError:
        raise
    except Exception as exc:  # isolate: a plugin's bug is reported with its name
        raise PluginError(impl.plugin_name, hook, f"raised {type(exc).__name__}: {exc}") from exc


def collect(
    pm: pluggy.PluginManager, hook: str, item_type: type, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Call a list-returning hook plugin by plugin, in pluggy's order; check each item's type.

    :returns: (plugin name, item) pairs.
    :raises PluginError: naming the plugin when it raises or returns something else.
    """
    out: list[tuple[str, Any]] = []
    for impl in _impls(pm, hook):
        result = _call(impl, hook, kwargs)
        if result is None:
            continue
        if not isinstance(result, list | tuple):
            raise PluginError(impl.plugin_name, hook, f"returned {_short(result)}, expected a list")
        for item in result:
            if not isinstance(item, item_type):
                raise PluginError(
                    impl.plugin_name,
                    hook,
                    f"returned {_short(item)} in its list, expected {item_type.__name__}",
                )
            out.append((impl.plugin_name, item))
    return out


def first_result(pm: pluggy.PluginManager, hook: str, **kwargs: Any) -> tuple[str, Any] | None:
    """Call a first-result hook plugin by plugin; the first non-None result and who gave it."""
    for impl in _impls(pm, hook):
        result = _call(impl, hook, kwargs)
        if result is not None:
            return impl.plugin_name, result
    return None


def notify(pm: pluggy.PluginManager, hook: str, **kwargs: Any) -> list[PluginError]:
    """Call every implementation of an observer hook; return the failures, never raise.

    For hooks such as `onewindow_run_stored`, called after something is committed: one
    observer's failure must neither stop the others nor undo what was stored.
    """
    errors: list[PluginError] = []
    for impl in _impls(pm, hook):
        try:
            _call(impl, hook, kwargs)
        except PluginError as exc:
            errors.append(exc)
    return errors


# ---------------------------------------------------------------- checked callables


def _is_number(value: Any) -> bool:
    if type(value) is float or type(value) is int:  # the common case, without the ABC check
        return math.isfinite(value)
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _guard_compute(plugin: str, spec: MetricSpec) -> MetricSpec:
    inner = spec.compute
    if inner is None:
        return spec
    hook = "onewindow_metrics"

    def compute(*args: Any, **kwargs: Any) -> float | None:
        try:
            value = inner(*args, **kwargs)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(
                plugin, hook, f"metric '{spec.name}': compute raised {type(exc).__name__}: {exc}"
            ) from exc
        if value is None:
            return None
        if not _is_number(value):
            raise PluginError(
                plugin,
                hook,
                f"metric '{spec.name}': compute returned {_short(value)}, "
                "expected a finite number or None",
            )
        return float(value)

    functools.update_wrapper(compute, inner)
    return replace(spec, compute=compute)


def _guard_check(plugin: str, rule: LintRule) -> LintRule:
    inner = rule.check
    hook = "onewindow_lint_rules"

    def check(workspace: Any) -> list[Diagnostic]:
        try:
            found = list(inner(workspace) or ())
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(
                plugin, hook, f"lint rule {rule.code}: check raised {type(exc).__name__}: {exc}"
            ) from exc
        for d in found:
            if not isinstance(d, Diagnostic):
                raise PluginError(
                    plugin,
                    hook,
                    f"lint rule {rule.code}: check yielded {_short(d)}, expected a Diagnostic",
                )
            if d.code != rule.code:
                raise PluginError(
                    plugin,
                    hook,
                    f"lint rule {rule.code}: check yielded a diagnostic with code {d.code!r}; "
                    "a rule yields only its own code",
                )
        return found

    functools.update_wrapper(check, inner)
    return replace(rule, check=check)


def _where(rule: Any) -> str:
    span = getattr(rule, "span", None)
    return f" (rule at {span})" if span is not None else ""


def _guard_evaluate(plugin: str, kind: RuleKind) -> RuleKind:
    inner = kind.evaluate
    assert inner is not None
    hook = "onewindow_rule_kinds"

    from onewindow.engine.scoring.kinds import RuleResult  # imported once per kind, not per call

    def evaluate(rule: Any, ctx: Any) -> Any:
        try:
            result = inner(rule, ctx)
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(
                plugin,
                hook,
                f"rule kind '{kind.name}': evaluate raised {type(exc).__name__}: {exc}"
                f"{_where(rule)}",
            ) from exc
        where = _where(rule)
        if not isinstance(result, RuleResult):
            raise PluginError(
                plugin,
                hook,
                f"rule kind '{kind.name}': evaluate returned {_short(result)}, "
                f"expected a RuleResult{where}",
            )
        if not _is_number(result.points):
            raise PluginError(
                plugin,
                hook,
                f"rule kind '{kind.name}': evaluate returned points {_short(result.points)}, "
                f"expected a finite number{where}",
            )
        if not isinstance(result.arithmetic, str):
            raise PluginError(
                plugin,
                hook,
                f"rule kind '{kind.name}': evaluate returned arithmetic "
                f"{_short(result.arithmetic)}, expected text",
            )
        return result

    functools.update_wrapper(evaluate, inner)
    return replace(kind, evaluate=evaluate)


def _require(ok: bool, plugin: str, hook: str, problem: str) -> None:
    if not ok:
        raise PluginError(plugin, hook, problem)


def _unique(owner: str | None, plugin: str, hook: str, what: str) -> None:
    """Raise when `what` is already provided; blame the third-party plugin over a built-in."""
    if owner is None:
        return
    culprit, other = plugin, owner
    if plugin.startswith(BUILTIN_PREFIX) and not owner.startswith(BUILTIN_PREFIX):
        culprit, other = owner, plugin
    raise PluginError(culprit, hook, f"{what} is already provided by plugin '{other}'")


def _name_ok(name: Any) -> bool:
    return isinstance(name, str) and bool(name) and not any(c.isspace() for c in name)


# ---------------------------------------------------------------- the registry


def _entry_point_modules() -> set[str]:
    """Module and entry names of the installed plugins of the `onewindow` entry-point group."""
    out: set[str] = set()
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        out.add(ep.name)
        out.add(ep.module)
        out.add(ep.module.split(".")[0])
    return out


def _spec_exists(name: str) -> bool:
    """Whether a top-level module is importable, without importing it or running its code."""
    top = name.split(".")[0]
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


@dataclass
class Registry:
    """What the loaded plugins provide, gathered once, with the plugin that provides each."""

    pm: pluggy.PluginManager
    metrics: dict[str, MetricSpec] = field(default_factory=dict)
    metric_owner: dict[str, str] = field(default_factory=dict)
    settings: dict[str, SettingSpec] = field(default_factory=dict)
    setting_owners: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rule_kinds: dict[str, RuleKind] = field(default_factory=dict)
    rule_kind_owner: dict[str, str] = field(default_factory=dict)
    lint_rules: list[LintRule] = field(default_factory=list)
    lint_rule_owner: dict[str, str] = field(default_factory=dict)
    load_errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls, extra: Iterable[str] = (), *, entry_points: bool = True, disabled: Iterable[str] = ()
    ) -> Registry:
        """Load the plugins (see `get_plugin_manager`) and gather what they provide.

        :raises PluginLoadError: a ``--plugin`` module cannot be loaded.
        :raises PluginError: a plugin's hook raised or returned the wrong type.
        """
        pm = get_plugin_manager(extra, entry_points=entry_points, disabled=disabled)
        reg = cls(pm=pm, load_errors=dict(pm.load_errors))
        reg._gather()
        return reg

    @classmethod
    def from_manager(cls, pm: pluggy.PluginManager) -> Registry:
        """Gather what the plugins of an existing manager provide (tests, embedding)."""
        reg = cls(pm=pm, load_errors=dict(getattr(pm, "load_errors", {})))
        reg._gather()
        return reg

    def refresh(self) -> None:
        """Gather again, after plugins were registered on `pm` directly."""
        self._gather()

    def _gather(self) -> None:
        self.metrics.clear()
        self.metric_owner.clear()
        self.settings.clear()
        self.setting_owners.clear()
        self.rule_kinds.clear()
        self.rule_kind_owner.clear()
        self.lint_rule_owner.clear()
        self._gather_metrics()
        self._gather_settings()
        self._gather_rule_kinds()
        self._gather_lint_rules()

    def _gather_metrics(self) -> None:
        hook = "onewindow_metrics"
        for plugin, spec in collect(self.pm, hook, MetricSpec):
            _require(_name_ok(spec.name), plugin, hook, f"metric name {spec.name!r} is not a word")
            _require(
                spec.source in METRIC_SOURCES,
                plugin,
                hook,
                f"metric '{spec.name}' has source {spec.source!r}, expected one of "
                + ", ".join(METRIC_SOURCES),
            )
            _require(
                spec.source != "static" or callable(spec.compute),
                plugin,
                hook,
                f"static metric '{spec.name}' has no compute function",
            )
            _unique(self.metric_owner.get(spec.name), plugin, hook, f"metric '{spec.name}'")
            self.metrics[spec.name] = _guard_compute(plugin, spec)
            self.metric_owner[spec.name] = plugin

    def _gather_settings(self) -> None:
        hook = "onewindow_settings"
        for plugin, spec in collect(self.pm, hook, SettingSpec):
            _require(_name_ok(spec.key), plugin, hook, f"setting key {spec.key!r} is not a word")
            bad = [w for w in spec.where if w not in SETTING_PLACES]
            _require(
                not bad,
                plugin,
                hook,
                f"setting '{spec.key}' names unknown blocks {bad}; blocks: "
                + ", ".join(SETTING_PLACES),
            )
            self.settings.setdefault(spec.key, spec)
            owners = self.setting_owners.get(spec.key, ())
            if plugin not in owners:
                self.setting_owners[spec.key] = (*owners, plugin)

    def _gather_rule_kinds(self) -> None:
        hook = "onewindow_rule_kinds"
        for plugin, kind in collect(self.pm, hook, RuleKind):
            _require(
                _name_ok(kind.name), plugin, hook, f"rule kind name {kind.name!r} is not a word"
            )
            _require(
                callable(kind.evaluate),
                plugin,
                hook,
                f"rule kind '{kind.name}' has no evaluate function",
            )
            _unique(self.rule_kind_owner.get(kind.name), plugin, hook, f"rule kind '{kind.name}'")
            self.rule_kinds[kind.name] = _guard_evaluate(plugin, kind)
            self.rule_kind_owner[kind.name] = plugin

    def _gather_lint_rules(self) -> None:
        hook = "onewindow_lint_rules"
        rules: list[LintRule] = []
        for plugin, rule in collect(self.pm, hook, LintRule):
            _require(_name_ok(rule.code), plugin, hook, f"lint code {rule.code!r} is not a word")
            _require(
                plugin.startswith(BUILTIN_PREFIX) or not rule.code.upper().startswith("OW"),
                plugin,
                hook,
                f"lint code {rule.code} uses onewindow's own prefix OW; "
                "give your rules a prefix of their own",
            )
            _require(callable(rule.check), plugin, hook, f"lint rule {rule.code} has no check")
            _require(
                rule.severity in LINT_SEVERITIES,
                plugin,
                hook,
                f"lint rule {rule.code} has severity {rule.severity!r}, expected one of "
                + ", ".join(LINT_SEVERITIES),
            )
            _unique(self.lint_rule_owner.get(rule.code), plugin, hook, f"lint code {rule.code}")
            rules.append(_guard_check(plugin, rule))
            self.lint_rule_owner[rule.code] = plugin
        self.lint_rules = rules

    # ---- plugins named by files

    def load_file_plugins(self, names: Iterable[str]) -> None:
        """Register plugins named by `plugins "…"` lines; remember the ones that fail.

        Names are module names (files never name Python files). A name already loaded —
        by registered name, module, entry-point name or distribution — is not loaded again.
        Failures go to `load_errors` (reported as OW150 where the file names them).
        :raises PluginError: a newly loaded plugin's hook raised or returned the wrong type.
        """
        added = False
        installed = _entry_point_modules()
        for name in names:
            if name in self.plugin_names() or name in self.load_errors:
                continue
            if name not in installed:
                # files are data: they may name installed onewindow plugins, never run an
                # arbitrary module (SECURITY.md)
                if "/" in name or "\\" in name or name.endswith(".py"):
                    reason = "a `plugins` line names an installed module, never a Python file"
                elif not _spec_exists(name):
                    reason = "it is not installed"
                else:
                    reason = (
                        "it is not a onewindow plugin (no 'onewindow' entry point names it; "
                        "load other modules with --plugin)"
                    )
                self.load_errors[name] = reason
                continue
            try:
                if isinstance(self.pm, PluginManager):
                    load_module(self.pm, name, kind="file")
                else:
                    module = import_plugin(name)
                    if self.pm.is_registered(module):
                        continue
                    self.pm.register(module, name=name)
            except PluginLoadError as exc:
                self.load_errors[name] = exc.reason
                continue
            added = True
        if added:
            self._gather()

    def plugin_names(self) -> set[str]:
        """Every name a file may use for a loaded plugin (registered, module, dist, entry)."""
        names: set[str] = set()
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:
                continue
            origin = origin_of(self.pm, name, plugin)
            names.add(name)
            names.add(getattr(plugin, "__name__", name))
            if origin.module:
                names.add(origin.module)
            for dist in (origin.distribution,):
                if dist:
                    names |= {dist, dist.replace("-", "_"), dist.replace("_", "-")}
            if origin.entry_point:
                names.add(origin.entry_point.split("=")[0].strip())
        return names

    # ---- asking plugins

    def vocabulary(self) -> dict[str, dict[str, dict[str, Any]]]:
        """The names files may use that plugins provide, each with its description and owner.

        metrics (targets, rules, facts), `set` keys, rule kinds and lint rule codes: what
        `onewindow schema` adds to the model's JSON Schema for editors and generators.
        """
        return {
            "metrics": {
                name: {
                    "source": str(m.source),
                    "description": m.description,
                    "unit": m.unit,
                    "percent": m.percent,
                    "plugin": self.metric_owner.get(name, ""),
                }
                for name, m in sorted(self.metrics.items())
            },
            "settings": {
                key: {
                    "description": s.description,
                    "where": list(s.where),
                    "plugins": list(self.setting_owners.get(key, ())),
                }
                for key, s in sorted(self.settings.items())
            },
            "rule_kinds": {
                name: {
                    "description": k.description,
                    "params": list(k.params),
                    "required": list(k.required),
                    "plugin": self.rule_kind_owner.get(name, ""),
                }
                for name, k in sorted(self.rule_kinds.items())
            },
            "lint_rules": {
                r.code: {
                    "name": r.name,
                    "summary": r.summary,
                    "severity": r.severity,
                    "plugin": self.lint_rule_owner.get(r.code, ""),
                }
                for r in sorted(self.lint_rules, key=lambda r: r.code)
            },
        }

    def calendar(self, name: str) -> Any | None:
        """The calendar provider called `name`, or None (see `onewindow_calendar`)."""
        found = first_result(self.pm, "onewindow_calendar", name=name)
        return None if found is None else found[1]

    def notify_run_stored(self, run: Any) -> list[PluginError]:
        """Tell every `onewindow_run_stored` observer; return the failures, never raise."""
        return notify(self.pm, "onewindow_run_stored", run=run)

    # ---- describing

    def describe(self) -> list[LoadedPlugin]:
        """The loaded plugins, their origin and hooks (see `manager.describe`)."""
        return describe(self.pm)

    @property
    def failures(self) -> list[PluginFailure]:
        """Entry-point plugins that were found but could not be loaded."""
        return list(getattr(self.pm, "failures", ()))

    def provided_by(self, plugin: str) -> dict[str, list[str]]:
        """What one plugin provides: metric names, setting keys, rule kinds, lint codes."""
        return {
            "metrics": sorted(n for n, p in self.metric_owner.items() if p == plugin),
            "settings": sorted(k for k, ps in self.setting_owners.items() if plugin in ps),
            "rule_kinds": sorted(n for n, p in self.rule_kind_owner.items() if p == plugin),
            "lint_rules": sorted(c for c, p in self.lint_rule_owner.items() if p == plugin),
        }

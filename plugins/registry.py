"""Collect what plugins provide (metrics, settings, rule kinds, lint rules) with isolation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pluggy

from onewindow.plugins.api import LintRule, MetricSpec, RuleKind, SettingSpec
from onewindow.plugins.manager import PluginLoadError, get_plugin_manager, import_plugin


class PluginError(Exception):
    """A plugin raised or returned the wrong type: names the plugin, the hook and the value."""

    def __init__(self, plugin: str, hook: str, problem: str) -> None:
        super().__init__(f"plugin '{plugin}' failed in hook {hook}: {problem}")
        self.plugin = plugin
        self.hook = hook
        self.problem = problem


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def collect(
    pm: pluggy.PluginManager, hook: str, item_type: type, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Call a list-returning hook plugin by plugin, in pluggy's order; check each item's type.

    :returns: (plugin name, item) pairs.
    :raises PluginError: naming the plugin when it raises or returns something else.
    """
    caller = getattr(pm.hook, hook)
    out: list[tuple[str, Any]] = []
    for impl in reversed(caller.get_hookimpls()):
        try:
            result = impl.function(**{k: kwargs[k] for k in impl.argnames})
        except Exception as exc:  # isolate: a plugin's bug is reported with its name
            raise PluginError(
                impl.plugin_name, hook, f"raised {type(exc).__name__}: {exc}"
            ) from exc
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
    caller = getattr(pm.hook, hook)
    for impl in reversed(caller.get_hookimpls()):
        try:
            result = impl.function(**{k: kwargs[k] for k in impl.argnames})
        except Exception as exc:
            raise PluginError(
                impl.plugin_name, hook, f"raised {type(exc).__name__}: {exc}"
            ) from exc
        if result is not None:
            return impl.plugin_name, result
    return None


@dataclass
class Registry:
    """What the loaded plugins provide, gathered once."""

    pm: pluggy.PluginManager
    metrics: dict[str, MetricSpec] = field(default_factory=dict)
    metric_owner: dict[str, str] = field(default_factory=dict)
    settings: dict[str, SettingSpec] = field(default_factory=dict)
    rule_kinds: dict[str, RuleKind] = field(default_factory=dict)
    lint_rules: list[LintRule] = field(default_factory=list)
    load_errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, extra: Iterable[str] = (), *, entry_points: bool = True) -> Registry:
        reg = cls(pm=get_plugin_manager(extra, entry_points=entry_points))
        reg._gather()
        return reg

    def _gather(self) -> None:
        self.metrics.clear()
        self.metric_owner.clear()
        self.settings.clear()
        self.rule_kinds.clear()
        for plugin, spec in collect(self.pm, "onewindow_metrics", MetricSpec):
            self.metrics.setdefault(spec.name, spec)
            self.metric_owner.setdefault(spec.name, plugin)
        for _, spec in collect(self.pm, "onewindow_settings", SettingSpec):
            self.settings.setdefault(spec.key, spec)
        for _, kind in collect(self.pm, "onewindow_rule_kinds", RuleKind):
            self.rule_kinds.setdefault(kind.name, kind)
        self.lint_rules = [rule for _, rule in collect(self.pm, "onewindow_lint_rules", LintRule)]

    def load_file_plugins(self, names: Iterable[str]) -> None:
        """Register plugins named by `plugins "…"` lines; remember the ones that fail."""
        added = False
        for name in names:
            if name in self.plugin_names() or name in self.load_errors:
                continue
            try:
                module = import_plugin(name)
            except PluginLoadError as exc:
                self.load_errors[name] = exc.reason
                continue
            if not self.pm.is_registered(module):
                self.pm.register(module, name=name)
                added = True
        if added:
            self._gather()

    def plugin_names(self) -> set[str]:
        names = {n for n, p in self.pm.list_name_plugin() if p is not None}
        names |= {getattr(p, "__name__", n) for n, p in self.pm.list_name_plugin() if p is not None}
        names |= {d.project_name.replace("-", "_") for _, d in self.pm.list_plugin_distinfo()}
        return names

    def calendar(self, name: str) -> Any | None:
        found = first_result(self.pm, "onewindow_calendar", name=name)
        return None if found is None else found[1]

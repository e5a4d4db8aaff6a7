"""Build the plugin manager: hook specs, built-in plugins, entry points, module paths."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass

import pluggy

from onewindow.plugins import hookspecs

ENTRY_POINT_GROUP = "onewindow"

#: Built-in plugins, registered through the same hooks as third-party ones (like pytest's
#: `default_plugins`). Modules under `onewindow.plugins.builtin`.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "metrics_static",
    "metrics_sim",
    "metrics_facts",
    "settings",
    "routing",
    "calendar_cn",
)

#: Built-ins that cannot be disabled.
ESSENTIAL_PLUGINS: frozenset[str] = frozenset({"metrics_static"})


class PluginLoadError(Exception):
    """A plugin named on the command line or in a file could not be imported."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"error importing plugin '{name}': {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class LoadedPlugin:
    name: str
    origin: str
    hooks: tuple[str, ...]


def import_plugin(name: str) -> object:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise PluginLoadError(name, str(exc)) from exc
    except Exception as exc:  # a plugin whose import itself crashes is named, never a traceback
        raise PluginLoadError(name, f"{type(exc).__name__}: {exc}") from exc


def get_plugin_manager(
    extra: Iterable[str] = (), *, entry_points: bool = True, disabled: Iterable[str] = ()
) -> pluggy.PluginManager:
    """A plugin manager with the specs, built-ins, entry-point plugins and `extra` modules."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    skip = set(disabled) - ESSENTIAL_PLUGINS
    for short in DEFAULT_PLUGINS:
        if short in skip:
            continue
        module = import_plugin(f"onewindow.plugins.builtin.{short}")
        pm.register(module, name=f"builtin:{short}")
    if entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for name in extra:
        if pm.has_plugin(name):
            continue
        module = import_plugin(name)
        if not pm.is_registered(module):
            pm.register(module, name=name)
    return pm


def describe(pm: pluggy.PluginManager) -> list[LoadedPlugin]:
    """Every registered plugin: its name, where it came from, and the hooks it implements."""
    dists = {id(p): d for p, d in pm.list_plugin_distinfo()}
    out: list[LoadedPlugin] = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        hooks = tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ()))
        dist = dists.get(id(plugin))
        if name.startswith("builtin:"):
            origin = "built-in"
        elif dist is not None:
            origin = f"entry point ({dist.project_name} {dist.version})"
        else:
            origin = getattr(plugin, "__file__", None) or "module path"
        out.append(LoadedPlugin(name=name, origin=origin, hooks=hooks))
    return out

"""Build the plugin manager: hook specs, built-in plugins, entry points, module paths.

Like pytest's `default_plugins`, onewindow's own rules, metrics and calendar are plain
modules under `onewindow.plugins.builtin`, named in `DEFAULT_PLUGINS` and registered through
the same hooks as anybody's. Third-party plugins come from the ``onewindow`` entry-point
group of installed distributions, from ``--plugin MODULE`` (a dotted module name, or a
``.py`` file), and from ``plugins "MODULE"`` lines in jurisdiction files (module names only:
files are data and never name Python files).

Every plugin is checked when it is registered: a module that fails to import, implements
a hook that does not exist (a typo such as ``onewindow_metric``), takes arguments the hook
does not offer, or uses a hook wrapper, is refused with a `PluginLoadError` naming it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal

import pluggy

from onewindow.plugins import hookspecs

ENTRY_POINT_GROUP = "onewindow"

#: Set to a non-empty value to skip entry-point plugins (like pytest's
#: PYTEST_DISABLE_PLUGIN_AUTOLOAD); built-ins and explicitly named plugins still load.
AUTOLOAD_ENV = "ONEWINDOW_DISABLE_PLUGIN_AUTOLOAD"

#: Prefix of the registered names of built-in plugins (``builtin:metrics_static``).
BUILTIN_PREFIX = "builtin:"

#: Built-in plugins, registered through the same hooks as third-party ones (like pytest's
#: `default_plugins`). Modules under `onewindow.plugins.builtin`.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "metrics_static",
    "metrics_sim",
    "metrics_facts",
    "settings",
    "routing",
    "calendar_cn",
    "rules",
    "lint_rules",
)

#: Built-ins that cannot be disabled.
ESSENTIAL_PLUGINS: frozenset[str] = frozenset({"metrics_static"})

OriginKind = Literal["built-in", "entry point", "module path", "file", "registered"]


class PluginError(Exception):
    """A plugin raised or returned the wrong type: names the plugin, the hook and the value.

    Raised wherever onewindow calls a plugin (see `onewindow.plugins.registry`); commands
    print it plainly and exit 2, and nothing half-done is stored.
    """

    def __init__(self, plugin: str, hook: str, problem: str) -> None:
        super().__init__(f"plugin '{plugin}' failed in hook {hook}: {problem}")
        self.plugin = plugin
        self.hook = hook
        self.problem = problem


class PluginLoadError(PluginError):
    """A plugin could not be imported or registered: names it and says why.

    A `PluginError` (with an empty `hook`), so every place that reports plugin failures
    reports this one too.
    """

    def __init__(self, name: str, reason: str, hint: str | None = None) -> None:
        Exception.__init__(self, f"cannot load plugin '{name}': {reason}")
        self.plugin = self.name = name
        self.hook = ""
        self.problem = self.reason = reason
        self.hint = hint or (
            "check the module name, install the plugin (pip install …), or fix the plugin"
        )


@dataclass(frozen=True)
class PluginOrigin:
    """Where a registered plugin came from.

    `kind`: ``built-in``; ``entry point`` (of an installed distribution); ``module path``
    (``--plugin``); ``file`` (a ``plugins "…"`` line of a jurisdiction file); ``registered``
    (put in by code, e.g. a test).
    """

    kind: OriginKind
    module: str = ""
    path: str | None = None
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None

    def __str__(self) -> str:
        if self.kind == "entry point":
            dist = f"{self.distribution} {self.version}" if self.distribution else "?"
            return f"entry point ({dist})"
        if self.kind == "module path":
            return f"--plugin {self.module}"
        if self.kind == "file":
            return f'plugins "{self.module}" in a jurisdiction file'
        return self.kind


@dataclass(frozen=True)
class PluginFailure:
    """A plugin found but not loaded (an entry point whose import or registration failed)."""

    name: str
    origin: PluginOrigin
    reason: str


@dataclass(frozen=True)
class LoadedPlugin:
    """One registered plugin as `onewindow plugins` shows it."""

    name: str
    origin: str
    hooks: tuple[str, ...]
    kind: OriginKind = "registered"
    module: str = ""
    path: str | None = None
    distribution: str | None = None
    version: str | None = None
    #: (hook, ordering) pairs; ordering is "tryfirst", "trylast" or "".
    ordering: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "origin": self.origin,
            "kind": self.kind,
            "module": self.module,
            "path": self.path,
            "distribution": self.distribution,
            "version": self.version,
            "hooks": [{"hook": h, "order": o} for h, o in self.ordering],
        }


class PluginManager(pluggy.PluginManager):
    """A pluggy manager for the ``onewindow`` project that remembers where plugins came from.

    `origins` maps registered names to `PluginOrigin`; `failures` lists entry-point plugins
    that could not be loaded (reported by `onewindow plugins` and by OW150 when a file
    names them); `load_errors` maps every name a file might use for such a plugin (entry
    point name, module, distribution) to the reason.
    """

    def __init__(self) -> None:
        super().__init__(hookspecs.PROJECT)
        self.add_hookspecs(hookspecs)
        self.origins: dict[str, PluginOrigin] = {}
        self.failures: list[PluginFailure] = []
        self.load_errors: dict[str, str] = {}

    def add_plugin(self, plugin: object, name: str, origin: PluginOrigin) -> str:
        """Register `plugin` under `name` after checking it; returns the registered name.

        :raises PluginLoadError: the plugin implements an unknown hook, takes arguments a
            hook does not offer, uses a hook wrapper, or implements no hook at all.
        """
        if self.is_registered(plugin):
            return self.get_name(plugin) or name
        if self.has_plugin(name):
            raise PluginLoadError(name, "another plugin is already registered under this name")
        try:
            self.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            if self.has_plugin(name):  # pluggy may have added part of its hooks
                self.unregister(name=name)
            raise PluginLoadError(
                name,
                "; ".join(line.strip() for line in str(exc).splitlines() if line.strip()),
                "a hook implementation may take only the arguments its hook offers "
                "(see onewindow.plugins.hookspecs)",
            ) from exc
        problem = _hook_problem(self, plugin, origin.kind == "built-in")
        if problem is not None:
            self.unregister(plugin)
            raise PluginLoadError(name, problem[0], problem[1])
        self.origins[name] = origin
        return name


def _hook_problem(
    pm: pluggy.PluginManager, plugin: object, builtin: bool = False
) -> tuple[str, str] | None:
    """(reason, hint) when a just-registered plugin breaks the contract, else None.

    A third-party module with no hook at all is refused (``--plugin os`` is a mistake);
    a built-in helper module listed by mistake is merely idle.
    """
    callers = pm.get_hookcallers(plugin) or []
    if not callers and not builtin:
        return (
            "it implements no onewindow hook",
            "mark its functions with @hookimpl from onewindow.plugins.hookspecs and name them "
            "after a hook (onewindow_metrics, onewindow_lint_rules, …)",
        )
    known = sorted(n for n in dir(hookspecs) if n.startswith("onewindow_"))
    for caller in callers:
        if caller.spec is None:
            from difflib import get_close_matches

            close = get_close_matches(caller.name, known, n=1)
            hint = f"did you mean {close[0]}?" if close else "hooks: " + ", ".join(known)
            return f"it implements {caller.name}, which is not a onewindow hook", hint
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and (impl.wrapper or impl.hookwrapper):
                return (
                    f"its {caller.name} is a hook wrapper, which onewindow does not support",
                    "use @hookimpl(tryfirst=True) or @hookimpl(trylast=True) to order it",
                )
    return None


def _from_file(path: Path) -> ModuleType:
    """Import a plugin from a ``.py`` file (``--plugin ./my_rule.py``) as module `path.stem`."""
    name = path.stem
    resolved = path.resolve()
    existing = sys.modules.get(name)
    if existing is not None:
        if Path(getattr(existing, "__file__", "") or "").resolve() == resolved:
            return existing
        raise PluginLoadError(
            str(path),
            f"a different module named '{name}' is already imported",
            "rename the plugin file",
        )
    spec = importlib.util.spec_from_file_location(name, resolved)
    if spec is None or spec.loader is None:
        raise PluginLoadError(str(path), "it is not a Python file", "give a .py file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _is_file_path(name: str) -> bool:
    return name.endswith(".py") or "/" in name or os.sep in name


def import_plugin(name: str, *, allow_path: bool = False) -> object:
    """Import the plugin module `name`; a `.py` path too when `allow_path` (``--plugin``).

    :raises PluginLoadError: naming the plugin: not installed, or its import failed (with
        the exception it raised, never a traceback).
    """
    if allow_path and _is_file_path(name):
        path = Path(name)
        if not path.is_file():
            raise PluginLoadError(name, "no such file", "give the path of a .py file")
        try:
            return _from_file(path)
        except PluginLoadError:
            raise
        except Exception as exc:
            raise PluginLoadError(name, f"importing it raised {type(exc).__name__}: {exc}") from exc
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
            raise PluginLoadError(
                name,
                "it is not installed",
                f"install it (pip install {name.split('.')[0].replace('_', '-')}) or check "
                "the module name",
            ) from exc
        raise PluginLoadError(
            name, f"importing it failed: {exc}", "install what the plugin needs"
        ) from exc
    except Exception as exc:  # a plugin whose import itself crashes is named, never a traceback
        raise PluginLoadError(name, f"importing it raised {type(exc).__name__}: {exc}") from exc


def _dist_of(ep: importlib.metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    return dist.metadata["Name"], dist.version


def load_entry_points(pm: PluginManager, disabled: Iterable[str] = ()) -> None:
    """Register every ``onewindow`` entry point; failures go to `pm.failures`, not raised.

    A broken third-party package must not stop every command (nor `onewindow plugins`, the
    command that diagnoses it): it is reported there, and a file that names it gets OW150
    with the reason.
    """
    skip = set(disabled)
    seen: set[str] = set()
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in seen or pm.has_plugin(ep.name) or pm.is_blocked(ep.name):
            continue
        seen.add(ep.name)
        dist, version = _dist_of(ep)
        module = ep.value.split(":")[0].strip()
        if {ep.name, module, dist or ""} & skip:
            continue
        origin = PluginOrigin(
            "entry point",
            module=module,
            distribution=dist,
            version=version,
            entry_point=f"{ep.name} = {ep.value}",
        )
        try:
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginLoadError(
                    ep.name, f"importing {ep.value} raised {type(exc).__name__}: {exc}"
                ) from exc
            pm.add_plugin(plugin, ep.name, origin)
        except PluginLoadError as exc:
            pm.failures.append(PluginFailure(ep.name, origin, exc.reason))
            for alias in _aliases(ep.name, module, dist):
                pm.load_errors.setdefault(alias, f"{exc.reason} (entry point of {dist})")


def _aliases(*names: str | None) -> set[str]:
    out: set[str] = set()
    for n in names:
        if n:
            out |= {n, n.replace("-", "_"), n.replace("_", "-")}
    return out


def load_module(pm: PluginManager, name: str, kind: OriginKind = "module path") -> str:
    """Import and register the module `name`; returns its registered name.

    A module already registered (e.g. by its entry point) is not registered twice.
    :raises PluginLoadError: see `import_plugin` and `PluginManager.add_plugin`.
    """
    if pm.has_plugin(name):
        return name
    if kind == "file" and _is_file_path(name):
        raise PluginLoadError(
            name,
            "a `plugins` line names an installed module, never a Python file",
            "install the plugin, or load the file with --plugin PATH",
        )
    module = import_plugin(name, allow_path=kind == "module path")
    if pm.is_registered(module):
        return pm.get_name(module) or name
    module_name = getattr(module, "__name__", name)
    path = getattr(module, "__file__", None)
    label = module_name if _is_file_path(name) else name
    return pm.add_plugin(module, label, PluginOrigin(kind, module=module_name, path=path))


def get_plugin_manager(
    extra: Iterable[str] = (), *, entry_points: bool = True, disabled: Iterable[str] = ()
) -> PluginManager:
    """A plugin manager with the specs, built-ins, entry-point plugins and `extra` modules.

    :param extra: ``--plugin`` values: dotted module names or ``.py`` files.
    :param entry_points: load the ``onewindow`` entry-point group (also off when the
        environment variable ``ONEWINDOW_DISABLE_PLUGIN_AUTOLOAD`` is set).
    :param disabled: built-ins (short names) or entry points (name or distribution) to skip;
        essential built-ins cannot be disabled.
    :raises PluginLoadError: a built-in or an `extra` module cannot be loaded.
    """
    pm = PluginManager()
    skip = set(disabled)
    for short in DEFAULT_PLUGINS:
        if short in skip and short not in ESSENTIAL_PLUGINS:
            continue
        module_name = f"onewindow.plugins.builtin.{short}"
        module = import_plugin(module_name)
        pm.add_plugin(
            module,
            BUILTIN_PREFIX + short,
            PluginOrigin("built-in", module=module_name, path=getattr(module, "__file__", None)),
        )
    if entry_points and not os.environ.get(AUTOLOAD_ENV):
        load_entry_points(pm, skip)
    for name in extra:
        load_module(pm, name)
    return pm


def origin_of(pm: pluggy.PluginManager, name: str, plugin: object) -> PluginOrigin:
    """Where the plugin registered as `name` came from (works for any pluggy manager)."""
    origins: dict[str, PluginOrigin] = getattr(pm, "origins", {})
    if name in origins:
        return origins[name]
    module = getattr(plugin, "__name__", type(plugin).__name__)
    path = getattr(plugin, "__file__", None)
    for p, dist in pm.list_plugin_distinfo():
        if p is plugin:
            return PluginOrigin(
                "entry point",
                module=module,
                path=path,
                distribution=dist.project_name,
                version=dist.version,
                entry_point=name,
            )
    if name.startswith(BUILTIN_PREFIX):
        return PluginOrigin("built-in", module=module, path=path)
    return PluginOrigin("registered", module=module, path=path)


def _order(impl: pluggy.HookImpl) -> str:
    return "tryfirst" if impl.tryfirst else "trylast" if impl.trylast else ""


def describe(pm: pluggy.PluginManager) -> list[LoadedPlugin]:
    """Every registered plugin: its name, where it came from, and the hooks it implements."""
    out: list[LoadedPlugin] = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        ordering: list[tuple[str, str]] = []
        for caller in pm.get_hookcallers(plugin) or ():
            for impl in caller.get_hookimpls():
                if impl.plugin is plugin:
                    ordering.append((caller.name, _order(impl)))
        ordering.sort()
        origin = origin_of(pm, name, plugin)
        out.append(
            LoadedPlugin(
                name=name,
                origin=str(origin),
                hooks=tuple(h for h, _ in ordering),
                kind=origin.kind,
                module=origin.module,
                path=origin.path,
                distribution=origin.distribution,
                version=origin.version,
                ordering=tuple(ordering),
            )
        )
    return out

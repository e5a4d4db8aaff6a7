"""Discovery: built-ins, entry points of real distributions, --plugin, and `plugins` lines."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from onewindow.dsl.check import check
from onewindow.plugins import hookspecs
from onewindow.plugins.manager import (
    AUTOLOAD_ENV,
    DEFAULT_PLUGINS,
    PluginError,
    PluginLoadError,
    describe,
    get_plugin_manager,
)
from onewindow.plugins.registry import Registry

DEMO = """
from onewindow.plugins.api import MetricSpec
from onewindow.plugins.hookspecs import hookimpl

@hookimpl
def onewindow_metrics():
    return [MetricSpec("demo_visits", "fact", "visits counted by the demo plugin")]
"""

BROKEN = """
raise RuntimeError("needs a licence file")
"""


def ow150(result) -> list[str]:
    return [d.message for d in result.diagnostics if d.code == "OW150"]


# ---------------------------------------------------------------- built-ins


def test_every_builtin_is_an_ordinary_plugin_implementing_hooks() -> None:
    pm = get_plugin_manager(entry_points=False)
    listed = {p.name: p for p in describe(pm)}
    for short in DEFAULT_PLUGINS:
        p = listed[f"builtin:{short}"]
        assert p.kind == "built-in" and p.module == f"onewindow.plugins.builtin.{short}"
        assert p.hooks and all(h.startswith("onewindow_") for h in p.hooks)
    assert listed["builtin:routing"].ordering == (("onewindow_router", "trylast"),)


def test_a_builtin_can_be_disabled_but_not_an_essential_one() -> None:
    pm = get_plugin_manager(entry_points=False, disabled=["routing", "metrics_static"])
    assert not pm.has_plugin("builtin:routing")
    assert pm.has_plugin("builtin:metrics_static")


# ---------------------------------------------------------------- --plugin


def test_plugin_by_module_name() -> None:
    reg = Registry.build(["tests.plugins.township_rule"], entry_points=False)
    (p,) = [p for p in reg.describe() if p.name == "tests.plugins.township_rule"]
    assert p.kind == "module path" and p.origin == "--plugin tests.plugins.township_rule"
    assert p.hooks == (
        "onewindow_lint_rules",
        "onewindow_metrics",
        "onewindow_rule_kinds",
        "onewindow_settings",
    )
    assert reg.provided_by(p.name) == {
        "metrics": ["window_staff"],
        "settings": ["window_veto"],
        "rule_kinds": ["flat"],
        "lint_rules": ["TR001"],
    }


def test_plugin_by_file_path(tmp_path: Path) -> None:
    path = tmp_path / "shanting_rule.py"
    path.write_text(DEMO, encoding="utf-8")
    try:
        reg = Registry.build([str(path)], entry_points=False)
        (p,) = [p for p in reg.describe() if p.name == "shanting_rule"]
        assert p.path == str(path.resolve()) and reg.metric_owner["demo_visits"] == "shanting_rule"
    finally:
        sys.modules.pop("shanting_rule", None)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (None, "it is not installed"),
        ("import numpyy\n", "importing it failed: No module named 'numpyy'"),
        (BROKEN, "importing it raised RuntimeError: needs a licence file"),
        (
            "from onewindow.plugins.hookspecs import hookimpl\n"
            "@hookimpl\ndef onewindow_metric():\n    return []\n",
            "it implements onewindow_metric, which is not a onewindow hook",
        ),
        (
            "from onewindow.plugins.hookspecs import hookimpl\n"
            "@hookimpl(wrapper=True)\ndef onewindow_metrics():\n    return (yield)\n",
            "its onewindow_metrics is a hook wrapper, which onewindow does not support",
        ),
        ("X = 1\n", "it implements no onewindow hook"),
    ],
)
def test_a_plugin_that_cannot_load_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str | None, reason: str
) -> None:
    if code is not None:
        (tmp_path / "ow_township_x.py").write_text(code, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    try:
        with pytest.raises(PluginLoadError) as info:
            get_plugin_manager(["ow_township_x"], entry_points=False)
    finally:
        sys.modules.pop("ow_township_x", None)
    assert info.value.name == "ow_township_x" and info.value.reason == reason
    assert isinstance(info.value, PluginError)  # reported wherever plugin errors are
    assert str(info.value) == f"cannot load plugin 'ow_township_x': {reason}"


def test_a_misspelt_hook_gets_a_did_you_mean(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "ow_typo.py").write_text(
        "from onewindow.plugins.hookspecs import hookimpl\n"
        "@hookimpl\ndef onewindow_lint_rule():\n    return []\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(PluginLoadError) as info:
            get_plugin_manager(["ow_typo"], entry_points=False)
    finally:
        sys.modules.pop("ow_typo", None)
    assert info.value.hint == "did you mean onewindow_lint_rules?"


def test_an_argument_the_hook_does_not_offer_is_refused_cleanly(tmp_path, monkeypatch) -> None:
    (tmp_path / "ow_args.py").write_text(
        "from onewindow.plugins.hookspecs import hookimpl\n"
        "@hookimpl\ndef onewindow_metrics():\n    return []\n"
        "@hookimpl\ndef onewindow_calendar(name, year):\n    return None\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    from onewindow.plugins.manager import PluginManager, PluginOrigin

    pm = PluginManager()
    try:
        module = importlib.import_module("ow_args")
        with pytest.raises(PluginLoadError) as info:
            pm.add_plugin(module, "ow_args", PluginOrigin("module path", module="ow_args"))
    finally:
        sys.modules.pop("ow_args", None)
    assert "year" in info.value.reason
    assert not pm.has_plugin("ow_args") and not pm.hook.onewindow_metrics.get_hookimpls()


# ---------------------------------------------------------------- entry points


def test_entry_point_of_an_installed_distribution(make_dist) -> None:
    make_dist("onewindow-demo", "onewindow_demo", DEMO, "demo = onewindow_demo")
    reg = Registry.build()
    (p,) = [p for p in reg.describe() if p.name == "demo"]
    assert (p.kind, p.distribution, p.version, p.module) == (
        "entry point",
        "onewindow-demo",
        "1.0",
        "onewindow_demo",
    )
    assert p.origin == "entry point (onewindow-demo 1.0)"
    assert reg.metric_owner["demo_visits"] == "demo"
    assert {"demo", "onewindow_demo", "onewindow-demo"} <= reg.plugin_names()


def test_entry_points_can_be_turned_off(make_dist, monkeypatch: pytest.MonkeyPatch) -> None:
    make_dist("onewindow-demo", "onewindow_demo", DEMO, "demo = onewindow_demo")
    assert not Registry.build(entry_points=False).pm.has_plugin("demo")
    monkeypatch.setenv(AUTOLOAD_ENV, "1")
    assert not Registry.build().pm.has_plugin("demo")
    assert Registry.build(["onewindow_demo"]).pm.has_plugin("onewindow_demo")  # named: loads


def test_a_module_loaded_by_its_entry_point_is_not_registered_twice(make_dist) -> None:
    make_dist("onewindow-demo", "onewindow_demo", DEMO, "demo = onewindow_demo")
    reg = Registry.build(["onewindow_demo"])
    assert [p.name for p in reg.describe() if p.module == "onewindow_demo"] == ["demo"]


def test_a_broken_entry_point_is_reported_not_raised(make_dist, write_tree) -> None:
    make_dist("onewindow-broken", "onewindow_broken", BROKEN, "broken = onewindow_broken")
    reg = Registry.build()
    (f,) = reg.failures
    assert f.name == "broken" and f.origin.distribution == "onewindow-broken"
    assert f.reason == "importing onewindow_broken raised RuntimeError: needs a licence file"
    root = write_tree(
        {"甲乡.ow": 'jurisdiction 甲乡 {\n  level township\n  plugins "onewindow_broken"\n}\n'}
    )
    (message,) = ow150(check([root]))
    assert message == (
        "plugin 'onewindow_broken' is not available: importing onewindow_broken raised "
        "RuntimeError: needs a licence file (entry point of onewindow-broken)"
    )


# ---------------------------------------------------------------- `plugins "…"` lines


def test_a_file_loads_the_installed_plugin_it_names(write_tree) -> None:
    pytest.importorskip("onewindow_sidian")
    root = write_tree(
        {
            "甲乡.ow": 'plugins "onewindow_sidian"\n'
            "jurisdiction 甲乡 {\n  level township\n  set grids = 4\n}\n"
        }
    )
    result = check([root], registry=Registry.build(entry_points=False))
    assert result.ok, result.diagnostics
    (p,) = [p for p in result.registry.describe() if p.kind == "file"]
    assert p.name == "onewindow_sidian"
    assert p.origin == 'plugins "onewindow_sidian" in a jurisdiction file'


def test_a_file_never_imports_a_module_that_is_not_a_onewindow_plugin(write_tree) -> None:
    root = write_tree(
        {"甲乡.ow": 'plugins "tests.plugins.township_rule"\njurisdiction 甲乡 { level township }\n'}
    )
    result = check([root], registry=Registry.build(entry_points=False))
    (message,) = ow150(result)
    assert "not a onewindow plugin" in message
    assert not any(p.kind == "file" for p in result.registry.describe())


def test_a_file_naming_a_plugin_that_is_not_installed_gets_ow150(write_tree) -> None:
    root = write_tree(
        {"甲乡.ow": 'jurisdiction 甲乡 {\n  level township\n  plugins "onewindow_nowhere"\n}\n'}
    )
    result = check([root])
    assert ow150(result) == ["plugin 'onewindow_nowhere' is not available: it is not installed"]
    (d,) = [d for d in result.diagnostics if d.code == "OW150"]
    assert (d.span.line, d.span.column) == (3, 11)


def test_files_never_load_python_files(write_tree, tmp_path: Path) -> None:
    (tmp_path / "evil.py").write_text(DEMO, encoding="utf-8")
    root = write_tree(
        {"甲乡.ow": f'plugins "{tmp_path / "evil.py"}"\njurisdiction 甲乡 {{ level township }}\n'}
    )
    result = check([root])
    (message,) = ow150(result)
    assert message.endswith("a `plugins` line names an installed module, never a Python file")
    assert "evil" not in sys.modules


def test_hookspecs_module_is_the_whole_contract() -> None:
    """Every hook is documented: params, returns, an example; first-result ones say so."""
    hooks = [n for n in dir(hookspecs) if n.startswith("onewindow_")]
    assert len(hooks) >= 7
    pm = get_plugin_manager(entry_points=False)
    for name in hooks:
        doc = " ".join((getattr(hookspecs, name).__doc__ or "").split())
        caller = getattr(pm.hook, name)
        assert ":returns:" in doc and "Example::" in doc, name
        for arg in caller.spec.argnames:
            assert f":param {arg}:" in doc, (name, arg)
        first = caller.spec.opts.get("firstresult", False)
        assert ("Stops at first non-None result" in doc) == first, name

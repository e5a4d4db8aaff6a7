"""Fixtures for plugin tests: registries with test plugins, small trees, real distributions."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from onewindow.plugins.manager import PluginOrigin, get_plugin_manager
from onewindow.plugins.registry import Registry

#: A district with one matter and a hall of two comprehensive windows: enough to simulate.
DISTRICT = """\
jurisdiction 测试区 {
  level district
  department 审批局
  domains 商事登记
  matter 登记 {
    department 审批局  domain 商事登记
    limit promised 3 workdays
    handling promised
    volume 5000 per year
    service 10 minutes
  }
  hall 大厅 {
    hours 09:00-12:00, 13:30-17:00
    window 甲 { kind comprehensive  domains 商事登记  staff 1 }
    window 乙 { kind comprehensive  domains 商事登记  staff 2 }
  }
}
"""

RegistryWith = Callable[..., Registry]


@pytest.fixture
def registry_with() -> RegistryWith:
    """A registry of the built-ins (no entry points) plus the given plugin objects."""

    def make(*plugins: object, extra: tuple[str, ...] = ()) -> Registry:
        pm = get_plugin_manager(extra, entry_points=False)
        for p in plugins:
            name = getattr(p, "name", None) or type(p).__name__
            pm.add_plugin(p, name, PluginOrigin("registered", module=type(p).__module__))
        return Registry.from_manager(pm)

    return make


@pytest.fixture
def district(write_tree) -> Path:
    """The root of a tree holding DISTRICT (and anything else passed)."""
    return write_tree({"测试区.ow": DISTRICT})


@pytest.fixture
def make_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Install a real (tiny) distribution on sys.path: a module plus its .dist-info.

    `make_dist("onewindow-demo", "onewindow_demo", code, entry="demo = onewindow_demo")`
    writes `onewindow_demo.py` and `onewindow_demo-1.0.dist-info/` (METADATA,
    entry_points.txt) in a fresh folder and puts it first on sys.path, so
    `importlib.metadata.entry_points()` finds it exactly as it finds a pip-installed one.
    """
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    added: list[str] = []

    def make(dist: str, module: str, code: str, entry: str, version: str = "1.0") -> Path:
        (site / f"{module}.py").write_text(textwrap.dedent(code), encoding="utf-8")
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(f"[onewindow]\n{entry}\n", encoding="utf-8")
        added.append(module)
        importlib.invalidate_caches()
        return site

    yield make
    for module in added:
        sys.modules.pop(module, None)

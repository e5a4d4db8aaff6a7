"""The example plugin package (examples/onewindow-sidian), installed, used from the CLI.

CI installs it (``python -m pip install ./examples/onewindow-sidian``) and sets
``ONEWINDOW_REQUIRE_EXAMPLES=1`` so that a missing install fails instead of skipping.
"""

from __future__ import annotations

import importlib.metadata
import json
import os

import pytest
import typer
from typer.testing import CliRunner

from onewindow.engine.cli import check_cmd, plugins_cmd
from tests.conftest import REPO

PACKAGE = REPO / "examples" / "onewindow-sidian"
EXAMPLE = PACKAGE / "example"
INSTALL = "python -m pip install ./examples/onewindow-sidian"

try:
    DIST = importlib.metadata.distribution("onewindow-sidian")
except importlib.metadata.PackageNotFoundError:
    if os.environ.get("ONEWINDOW_REQUIRE_EXAMPLES"):
        pytest.fail(f"onewindow-sidian is not installed: {INSTALL}", pytrace=False)
    pytest.skip(f"onewindow-sidian is not installed ({INSTALL})", allow_module_level=True)

APP = typer.Typer(pretty_exceptions_enable=False)
plugins_cmd.register(APP)
check_cmd.register(APP)
RUNNER = CliRunner()
ENV = {"ONEWINDOW_DISABLE_PLUGIN_AUTOLOAD": None, "COLUMNS": "200"}


def invoke(*args: str):
    return RUNNER.invoke(APP, list(args), env=ENV)


def test_plugins_lists_it_as_an_entry_point_of_its_distribution() -> None:
    r = invoke("plugins", "--json")
    assert r.exit_code == 0, r.stderr
    (p,) = [p for p in json.loads(r.stdout)["plugins"] if p["name"] == "sidian"]
    assert (p["kind"], p["distribution"], p["version"], p["module"]) == (
        "entry point",
        "onewindow-sidian",
        DIST.version,
        "onewindow_sidian",
    )
    assert [h["hook"] for h in p["hooks"]] == [
        "onewindow_lint_rules",
        "onewindow_metrics",
        "onewindow_rule_kinds",
        "onewindow_settings",
    ]
    assert p["provides"]["rule_kinds"] == ["grid_visits"]


def test_plugins_shows_its_rule_kind_and_lint_rules() -> None:
    r = invoke("plugins", "--rule-kinds", "--lint-rules", "--metrics")
    assert r.exit_code == 0, r.stderr
    for text in ("grid_visits", "per_cadre_month*", "SD001", "SD002", "grid_visits_logged"):
        assert text in r.stdout


def test_check_lint_on_the_example_tree_reports_its_warning() -> None:
    r = invoke("check", str(EXAMPLE), "--lint", "--json")
    assert r.exit_code == 0, r.stderr
    found = [(d["code"], d["message"]) for d in json.loads(r.stdout)["diagnostics"]]
    assert found == [
        (
            "SD001",
            "陈店乡 is scored on grid visits but does not say how many grids and grid cadres it has",
        )
    ]


def test_without_the_entry_point_the_files_plugins_line_still_loads_it() -> None:
    env = {**ENV, "ONEWINDOW_DISABLE_PLUGIN_AUTOLOAD": "1"}
    r = RUNNER.invoke(APP, ["plugins", str(EXAMPLE), "--json"], env=env)
    assert r.exit_code == 0, r.stderr
    (p,) = [p for p in json.loads(r.stdout)["plugins"] if p["module"] == "onewindow_sidian"]
    assert p["kind"] == "file" and p["named_at"].endswith("新县.ow:2:9")

"""`onewindow plugins` (and `check --plugin`) through Typer's CliRunner."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from onewindow.engine.cli import check_cmd, plugins_cmd
from tests.plugins.test_discovery import BROKEN

APP = typer.Typer(pretty_exceptions_enable=False)
plugins_cmd.register(APP)
check_cmd.register(APP)
RUNNER = CliRunner()
NO_AUTOLOAD = {"ONEWINDOW_DISABLE_PLUGIN_AUTOLOAD": "1", "COLUMNS": "200"}
AUTOLOAD = {"ONEWINDOW_DISABLE_PLUGIN_AUTOLOAD": None, "COLUMNS": "200"}
TOWNSHIP = "tests.plugins.township_rule"


def invoke(*args: str, autoload: bool = False):
    return RUNNER.invoke(APP, list(args), env=AUTOLOAD if autoload else NO_AUTOLOAD)


def test_lists_the_builtins_with_their_hooks() -> None:
    r = invoke("plugins")
    assert r.exit_code == 0, r.stderr
    for line in ("builtin:metrics_static", "builtin:calendar_cn", "router (trylast)"):
        assert line in r.stdout


def test_json_says_where_each_plugin_came_from_and_what_it_provides() -> None:
    r = invoke("plugins", "--plugin", TOWNSHIP, "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    (mine,) = [p for p in data["plugins"] if p["name"] == TOWNSHIP]
    assert mine["kind"] == "module path" and mine["module"] == TOWNSHIP
    assert {"hook": "onewindow_rule_kinds", "order": ""} in mine["hooks"]
    assert mine["provides"]["lint_rules"] == ["TR001"]
    metrics = {m["name"]: m for m in data["metrics"]}
    assert metrics["window_staff"]["plugin"] == TOWNSHIP
    assert metrics["one_window_share"] == {
        "name": "one_window_share",
        "source": "static",
        "unit": "%",
        "percent": True,
        "plugin": "builtin:metrics_static",
        "description": metrics["one_window_share"]["description"],
    }
    assert {"key": "window_veto", "where": ["jurisdiction"], "plugins": [TOWNSHIP]} | {
        "description": "whether a window may refuse a case"
    } in data["settings"]
    assert [k["name"] for k in data["rule_kinds"] if k["plugin"] == TOWNSHIP] == ["flat"]
    assert data["failures"] == []


def test_metrics_and_settings_tables() -> None:
    r = invoke("plugins", "--metrics", "--settings", "--rule-kinds", "--lint-rules", "-p", TOWNSHIP)
    assert r.exit_code == 0, r.stderr
    for text in ("Metrics", "one_window_share", "builtin:metrics_sim", "Settings", "grid_cadres"):
        assert text in r.stdout
    assert "TR001" in r.stdout and "flat" in r.stdout


def test_a_plugin_that_is_not_installed_is_a_usage_error() -> None:
    r = invoke("plugins", "--plugin", "onewindow_nowhere")
    assert r.exit_code == 2
    assert "cannot load plugin 'onewindow_nowhere': it is not installed" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_a_broken_installed_plugin_is_listed_as_a_failure(make_dist) -> None:
    make_dist("onewindow-broken", "onewindow_broken", BROKEN, "broken = onewindow_broken")
    r = invoke("plugins", autoload=True)
    assert r.exit_code == 1
    assert "plugin 'broken' (entry point (onewindow-broken 1.0)) could not be loaded" in r.stderr
    data = json.loads(invoke("plugins", "--json", autoload=True).stdout)
    assert data["failures"] == [
        {
            "name": "broken",
            "where": "entry point (onewindow-broken 1.0)",
            "reason": "importing onewindow_broken raised RuntimeError: needs a licence file",
        }
    ]


def test_paths_add_the_plugins_their_files_name(write_tree) -> None:
    pytest.importorskip("onewindow_sidian")  # files may name installed onewindow plugins only
    root = write_tree(
        {
            "甲乡.ow": 'plugins "onewindow_sidian"\njurisdiction 甲乡 { level township }\n',
            "乙乡.ow": 'jurisdiction 乙乡 {\n  level township\n  plugins "onewindow_nowhere"\n}\n',
        }
    )
    r = invoke("plugins", str(root), "--json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    (mine,) = [p for p in data["plugins"] if p["name"] == "onewindow_sidian"]
    assert mine["kind"] == "file" and mine["named_at"].endswith("甲乡.ow:1:9")
    (missing,) = data["failures"]
    assert missing["name"] == "onewindow_nowhere" and missing["reason"] == "it is not installed"
    assert missing["where"].startswith('plugins "onewindow_nowhere" at ')


def test_check_takes_plugins_and_runs_their_lint_rules(write_tree) -> None:
    root = write_tree(
        {"甲乡.ow": "jurisdiction 甲乡 {\n  level township\n  set window_veto = yes\n}\n"}
    )
    r = invoke("check", str(root), "--plugin", TOWNSHIP, "--lint", "--json")
    data = json.loads(r.stdout)
    assert [d["code"] for d in data["diagnostics"]] == ["TR001"]
    bad = invoke("check", str(root), "--plugin", "onewindow_nowhere")
    assert bad.exit_code == 2 and "cannot load plugin 'onewindow_nowhere'" in bad.stderr


def test_schema_lists_the_names_plugins_provide() -> None:
    plain = json.loads(invoke("schema").stdout)
    assert plain["title"] == "Jurisdiction" and "properties" in plain
    vocab = plain["x-onewindow-vocabulary"]
    assert vocab["metrics"]["one_window_share"]["plugin"] == "builtin:metrics_static"
    assert "OW201" in vocab["lint_rules"] and "deduct" in vocab["rule_kinds"]
    assert "window_staff" not in vocab["metrics"]
    r = invoke("schema", "--plugin", TOWNSHIP)
    assert r.exit_code == 0, r.stderr
    mine = json.loads(r.stdout)["x-onewindow-vocabulary"]
    assert mine["metrics"]["window_staff"] == {
        "source": "static",
        "description": "staff at all windows",
        "unit": "staff",
        "percent": False,
        "plugin": TOWNSHIP,
    }
    assert mine["lint_rules"]["TR001"]["plugin"] == TOWNSHIP


def test_schema_with_a_missing_plugin_is_a_usage_error() -> None:
    r = invoke("schema", "--plugin", "no_such_plugin_module")
    assert r.exit_code == 2
    assert "cannot load plugin 'no_such_plugin_module'" in r.stderr

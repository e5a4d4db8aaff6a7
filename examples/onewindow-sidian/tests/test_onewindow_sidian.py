"""onewindow-sidian, installed: its entry point, lint rules, metrics and the grid_visits kind.

Run from the package folder (``python -m pytest``) or from onewindow's repository, whose
test run includes this folder. Needs the package installed
(``python -m pip install ./examples/onewindow-sidian``).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
from pathlib import Path

import pytest

from onewindow.dsl.check import check
from onewindow.engine.scoring.score import score_tree
from onewindow.engine.scoring.tests import run_tests
from onewindow.plugins.registry import PluginError, Registry

try:
    importlib.metadata.distribution("onewindow-sidian")
except importlib.metadata.PackageNotFoundError:
    WHY = "onewindow-sidian is not installed: python -m pip install ./examples/onewindow-sidian"
    if os.environ.get("ONEWINDOW_REQUIRE_EXAMPLES"):
        pytest.fail(WHY, pytrace=False)
    pytest.skip(WHY, allow_module_level=True)

EXAMPLE = Path(__file__).resolve().parent.parent / "example"

DISTRICT = """\
plugins "onewindow_sidian"
jurisdiction 新县 {
  level district
  assessment 网格化走访考核 {
    assesses township
    category 网格走访 max 20 {
      rule grid_visits { PARAMS }
    }
  }
}
"""


def tree(tmp_path: Path, town: str, params: str = "per_cadre_month 1  costs 2") -> Path:
    root = tmp_path / "tree"
    (root / "新县").mkdir(parents=True, exist_ok=True)
    (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
    (root / "新县" / "新县.ow").write_text(DISTRICT.replace("PARAMS", params), encoding="utf-8")
    body = f"jurisdiction 泗店乡 {{\n  level township\n  parent 新县\n{town}}}\n"
    (root / "新县" / "泗店乡.ow").write_text(body, encoding="utf-8")
    return root


def lint(root: Path) -> list[tuple[str, int, str]]:
    result = check([root], lint=True)
    assert result.ok, result.diagnostics
    return [(d.code, d.span.line, d.message) for d in result.diagnostics if d.code.startswith("SD")]


def score(root: Path, day: dt.date = dt.date(2018, 12, 31)):
    result = check([root])
    assert result.ok, result.diagnostics
    report = score_tree(result.workspace, result.registry, day, jurisdictions=["泗店乡"])
    (card,) = report.scorecards
    (category,) = card.assessments[0].categories
    return category


# ---------------------------------------------------------------- discovery


def test_the_entry_point_is_installed() -> None:
    (ep,) = [e for e in importlib.metadata.entry_points(group="onewindow") if e.name == "sidian"]
    assert ep.value == "onewindow_sidian" and ep.dist.metadata["Name"] == "onewindow-sidian"


def test_loaded_through_the_ordinary_hooks() -> None:
    reg = Registry.build()
    assert reg.rule_kind_owner["grid_visits"] == "sidian"
    assert (
        reg.metric_owner["grid_cadre_count"] == reg.metric_owner["grid_visits_logged"] == "sidian"
    )
    assert reg.lint_rule_owner == reg.lint_rule_owner | {"SD001": "sidian", "SD002": "sidian"}
    assert "sidian" in reg.setting_owners["grid_cadres"]


# ---------------------------------------------------------------- SD001


@pytest.mark.parametrize(
    ("town", "expected"),
    [
        ("  set grids = 18\n  set grid_cadres = 45\n", []),
        (
            "",
            [
                (
                    1,
                    "泗店乡 is scored on grid visits but does not say how many grids and grid cadres it has",
                )
            ],
        ),
        ("  set grids = 18\n", [(4, "泗店乡 sets grids but not grid_cadres")]),
        (
            "  set grids = 18\n  set grid_cadres = 12\n",
            [(5, "12 grid cadres for 18 grids: every grid needs at least one")],
        ),
        (
            "  set grids = 2.5\n  set grid_cadres = 45\n",
            [(4, "`set grids = 2.5` is not a positive whole number")],
        ),
    ],
)
def test_grid_settings(tmp_path: Path, town: str, expected: list[tuple[int, str]]) -> None:
    root = tree(tmp_path, town)
    assert lint(root) == [("SD001", line, message) for line, message in expected]


def test_a_township_not_scored_on_grid_visits_needs_no_grid_settings(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
    (root / "甲乡.ow").write_text("jurisdiction 甲乡 { level township }\n", encoding="utf-8")
    assert lint(root) == []


# ---------------------------------------------------------------- SD002


@pytest.mark.parametrize(
    ("params", "messages"),
    [
        ("per_cadre_month 1  costs 2  months 3", []),
        (
            "per_cadre 1  costs 2",
            [
                "rule grid_visits needs 'per_cadre_month'",
                "rule grid_visits has no parameter 'per_cadre'",
            ],
        ),
        (
            "per_cadre_month 1  costs many",
            ["'costs' of rule grid_visits must be a number ≥ 0, not many"],
        ),
    ],
)
def test_rule_parameters(tmp_path: Path, params: str, messages: list[str]) -> None:
    root = tree(tmp_path, "  set grids = 18\n  set grid_cadres = 45\n", params)
    assert [m for code, _, m in lint(root) if code == "SD002"] == messages


# ---------------------------------------------------------------- grid_visits


def test_visits_short_cost_points(tmp_path: Path) -> None:
    town = "  set grids = 18\n  set grid_cadres = 45\n  facts as of 2018-12-31 { metric grid_visits_logged 40 }\n"
    category = score(tree(tmp_path, town))
    (item,) = category.items
    assert (category.points, item.points) == (10, -10)
    assert item.explanation.arithmetic == (
        "1 visit(s) × 45 cadres × 1 month(s) = 45 required, 40 logged: 5 short × 2 = 10 off"
    )
    assert [(i.name, i.value, i.source) for i in item.explanation.inputs] == [
        ("grid_cadre_count", 45, "static"),
        ("grid_visits_logged", 40, "fact"),
    ]


def test_enough_visits_cost_nothing_and_months_scale_the_duty(tmp_path: Path) -> None:
    town = "  set grids = 18\n  set grid_cadres = 45\n  facts as of 2018-12-31 { metric grid_visits_logged 130 }\n"
    assert score(tree(tmp_path, town)).points == 20
    three_months = score(tree(tmp_path, town, "per_cadre_month 1  costs 0.5  months 3"))
    assert three_months.points == 20 - 0.5 * (135 - 130)


def test_no_visits_logged_counts_as_none(tmp_path: Path) -> None:
    category = score(tree(tmp_path, "  set grids = 18\n  set grid_cadres = 45\n"))
    (item,) = category.items
    assert item.points == -90 and category.points == 0  # 扣完为止: the floor
    assert item.explanation.note == "no grid visits logged: counted as none"


def test_without_cadres_the_rule_is_not_scored(tmp_path: Path) -> None:
    category = score(tree(tmp_path, ""))
    (item,) = category.items
    assert item.points == 0 and item.missing
    assert item.explanation.note == "泗店乡 has no `set grid_cadres = N`: the rule is not scored"


def test_unusable_parameters_stop_scoring_and_name_the_plugin(tmp_path: Path) -> None:
    root = tree(
        tmp_path, "  set grids = 18\n  set grid_cadres = 45\n", "per_cadre_month 1  costs many"
    )
    with pytest.raises(PluginError) as info:
        score(root)
    assert "sidian" in str(info.value)
    assert "'costs' must be a number ≥ 0, not 'many'" in str(info.value)


def test_the_example_tree_passes_its_own_tests() -> None:
    result = check([EXAMPLE])
    assert result.ok, result.diagnostics
    run = run_tests(result.workspace, result.registry)
    assert [r.name for r in run.results] == [
        "40 of 45 visits logged: 5 short × 2 = 10 off",
        "every cadre visited: full marks",
    ]
    assert all(c.passed for r in run.results for c in r.checks)

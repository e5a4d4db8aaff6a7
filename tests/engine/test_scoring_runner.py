"""In-file tests and coverage, facts sources (blocks, --facts files, runs), plugin rule kinds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from onewindow.dsl.check import check
from onewindow.engine.results import MetricValue
from onewindow.engine.scoring import ScoringError, SimulatedValues, run_tests, score_tree
from onewindow.engine.scoring.facts_file import load_facts_file
from onewindow.engine.scoring.kinds import RuleContext, RuleResult
from onewindow.plugins.api import RuleKind
from onewindow.plugins.hookspecs import hookimpl
from onewindow.plugins.registry import PluginError, Registry

THIS = "tests.engine.test_scoring_runner"

DISTRICT = """\
jurisdiction 示例区 {
  level district
  assessment 考核 {
    assesses township
    category 建设 max 15 { deduct 5 per finding }
    category 比例 max 10 {
      shortfall good_rating_share below 95% costs 1 per point
    }
    threshold immediate_case_share >= 70% gives 10
    bonus 表彰 +5
    penalty 曝光 -10 each
  }
}
"""

TOWN = """\
jurisdiction 甲镇 {
  level township
  parent 示例区
  target good_rating_share >= 90% by 2019-12-31
  target good_rating_share >= 95% by 2020-12-31
  target double_random_share >= 5%
  facts as of 2019-06-30 { metric good_rating_share 80%  findings 建设 1 }
  facts as of 2019-12-31 { findings 建设 2 }

  test "年末：两处问题，好评率取六月的80%" {
    as of 2019-12-31
    facts { findings 建设 2  metric good_rating_share 93% }
    expect 考核.建设 = 5
    expect 考核.比例 = 8
    expect target good_rating_share by 2019-12-31 met
  }
  test "测试不带事实块时看不到本镇的事实" {
    as of 2019-12-31
    expect 考核.建设 = 15
    expect 考核 = 15
  }
  test "写错的预期" {
    as of 2019-12-31
    facts { findings 建设 1 }
    expect 考核.建设 = 9
    expect 考核.不存在 = 1
    expect 没有这个考核 = 1
    expect target good_rating_share met
    expect target cross_department_share met
  }
}
"""


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.build(extra=["onewindow.plugins.builtin.rules", THIS])


@pytest.fixture
def tree(write_tree) -> Path:
    return write_tree({"示例区.ow": DISTRICT, "甲镇.ow": TOWN})


def test_runner_passes_and_fails_with_messages(tree: Path, registry: Registry) -> None:
    checked = check([tree], registry=registry)
    assert checked.ok, [d.message for d in checked.errors]
    run = run_tests(checked.workspace, registry)
    by_name = {r.name: r for r in run.results}
    assert by_name["年末：两处问题，好评率取六月的80%"].passed
    assert by_name["测试不带事实块时看不到本镇的事实"].passed  # facts replaced by none
    bad = by_name["写错的预期"]
    assert not bad.passed
    messages = [c.message for c in bad.checks if not c.passed]
    assert messages[0] == "expected 9, got 10"
    assert "no category '不存在'" in messages[1]
    assert "unknown assessment '没有这个考核'" in messages[2]
    assert "2 targets of 甲镇 are on good_rating_share" in messages[3]
    assert "甲镇 has no target on cross_department_share" in messages[4]
    assert bad.checks[0].line_id == "甲镇/考核/建设"


def test_coverage_lists_what_no_test_exercises(tree: Path, registry: Registry) -> None:
    run = run_tests(check([tree], registry=registry).workspace, registry)
    texts = {(u.kind, u.text) for u in run.uncovered}
    assert ("rule", "threshold immediate_case_share >= 70% gives 10") in texts
    assert ("rule", "bonus 表彰 +5 once") in texts
    assert ("rule", "penalty 曝光 -10 each") in texts
    assert ("rule", "deduct 5 per finding") not in texts  # findings given and checked
    assert ("category", "建设 max 15") not in texts
    assert ("target", "good_rating_share >= 95% by 2020-12-31") in texts
    assert ("target", "double_random_share >= 5%") in texts
    assert ("target", "good_rating_share >= 90% by 2019-12-31") not in texts
    assert run.totals == {"rule": 5, "category": 2, "target": 3}


def test_latest_fact_per_name_and_facts_file(
    tree: Path, registry: Registry, tmp_path: Path
) -> None:
    checked = check([tree], registry=registry)
    ws = checked.workspace
    report = score_tree(ws, registry, dt.date(2019, 12, 31))
    a = report.scorecards[0].assessments[0]
    assert [c.points for c in a.categories] == [5, 0]  # 2 findings (December); 80% from June
    extra = tmp_path / "observed.ow"
    extra.write_text(
        "facts 甲镇 as of 2019-12-31 { findings 建设 0  metric good_rating_share 96% }\n",
        encoding="utf-8",
    )
    blocks, diags = load_facts_file(str(extra), ws, registry)
    assert diags == []
    report = score_tree(ws, registry, dt.date(2019, 12, 31), extra_facts=blocks)
    a = report.scorecards[0].assessments[0]
    assert [c.points for c in a.categories] == [15, 10]  # same date: the --facts file wins
    item = a.categories[1].items[0]
    assert item.explanation.inputs[0].span.file.endswith("observed.ow")  # type: ignore[union-attr]


def test_facts_file_diagnostics(tree: Path, registry: Registry, tmp_path: Path) -> None:
    ws = check([tree], registry=registry).workspace
    bad = tmp_path / "bad.ow"
    bad.write_text(
        "facts 乙镇 as of 2019-12-31 { metric good_ratng_share 96%  metric good_rating_share 120% }\n"
        "jurisdiction 丙镇 { level township }\n",
        encoding="utf-8",
    )
    _, diags = load_facts_file(str(bad), ws, registry)
    assert [d.code for d in diags] == ["OW105", "OW106", "OW121", "OW145"]
    assert "did you mean 'good_rating_share'" in (diags[1].hint or "")
    inside, diags = load_facts_file(str(tree / "甲镇.ow"), ws, registry)
    assert (inside, diags) == ([], [])  # part of the tree already


def test_simulated_values_feed_thresholds(tree: Path, registry: Registry) -> None:
    ws = check([tree], registry=registry).workspace
    day = dt.date(2019, 12, 31)
    a = score_tree(ws, registry, day).scorecards[0].assessments[0]
    threshold = next(i for i in a.items if i.kind == "threshold")
    assert threshold.points == 0 and threshold.missing
    assert "not reached" in (threshold.explanation.note or "")
    run = SimulatedValues.from_metrics(
        "run 7",
        [
            MetricValue("immediate_case_share", "jurisdiction", "甲镇", 72.0, 70.0, 74.0, 3),
            MetricValue("immediate_case_share", "run", "", 10.0),
        ],
    )
    a = score_tree(ws, registry, day, simulated=run).scorecards[0].assessments[0]
    threshold = next(i for i in a.items if i.kind == "threshold")
    assert threshold.points == 10
    (inp,) = threshold.explanation.inputs
    assert inp.source == "simulated"
    assert "run 7" in inp.origin and "3 replications" in inp.origin


# ---------------------------------------------------------------- a plugin rule kind


def evaluate_per_unit_off(rule, ctx: RuleContext) -> RuleResult:
    """`rule per_unit_off { metric M  points N }`: N points off per unit of M (third party)."""
    metric = ctx.param("metric")
    points = float(ctx.param("points", 1))
    value = ctx.metric(metric).value or 0.0
    return RuleResult(-points * value, f"{points:g} × {value:g} = {points * value:g} off")


def evaluate_broken(rule, ctx: RuleContext) -> RuleResult:
    raise ZeroDivisionError("boom")


@hookimpl
def onewindow_rule_kinds() -> list[RuleKind]:
    return [
        RuleKind("per_unit_off", "N off per unit", ("metric", "points"), evaluate_per_unit_off),
        RuleKind("broken", "always fails", (), evaluate_broken),
    ]


PLUGIN_DISTRICT = """\
jurisdiction 示例区 {
  level district
  assessment 走访 {
    assesses township
    category 网格 max 10 { rule per_unit_off { metric grid_visits_per_cadre_month  points 2 } }
    RULE
  }
}
"""


def test_plugin_rule_kind_goes_through_the_hook(write_tree, registry: Registry) -> None:
    root = write_tree(
        {
            "示例区.ow": PLUGIN_DISTRICT.replace("RULE", ""),
            "甲镇.ow": "jurisdiction 甲镇 { level township  parent 示例区\n"
            "  facts as of 2019-01-01 { metric grid_visits_per_cadre_month 1.5 } }\n",
        }
    )
    checked = check([root], registry=registry)
    assert checked.ok, [d.message for d in checked.errors]
    card = score_tree(checked.workspace, registry, dt.date(2019, 12, 31)).scorecards[0]
    (item,) = card.assessments[0].categories[0].items
    assert item.points == -3 and item.kind == "per_unit_off"
    assert item.explanation.rule.startswith("rule per_unit_off {")
    assert card.assessments[0].categories[0].points == 7


def test_a_failing_rule_kind_is_named(write_tree, registry: Registry) -> None:
    root = write_tree(
        {
            "示例区.ow": PLUGIN_DISTRICT.replace("RULE", "rule broken { }"),
            "甲镇.ow": "jurisdiction 甲镇 { level township  parent 示例区 }\n",
        }
    )
    checked = check([root], registry=registry)
    with pytest.raises(PluginError) as info:
        score_tree(checked.workspace, registry, dt.date(2019, 12, 31))
    assert "broken" in str(info.value) and "boom" in str(info.value)


def test_without_the_rules_plugin_scoring_says_so(tree: Path) -> None:
    bare = Registry.build(entry_points=False, disabled=["rules"])
    assert "deduct" not in bare.rule_kinds  # no private path: the kinds come from the plugin
    ws = check([tree], registry=bare).workspace
    with pytest.raises(ScoringError) as info:
        score_tree(ws, bare, dt.date(2019, 12, 31))
    assert "rule kind 'deduct'" in info.value.message

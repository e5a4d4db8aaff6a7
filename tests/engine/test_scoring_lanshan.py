"""Hand-worked 六统一 scorecards (seed 004, 兰山区 rules) on a small tree of four towns."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.dsl.check import check
from onewindow.engine.scoring import ScoreReport, score_tree
from onewindow.plugins.registry import Registry

AS_OF = dt.date(2019, 12, 31)

DISTRICT = """\
jurisdiction 示例区 {
  level district
  assessment 区委2号文 { assesses township }
  assessment 六统一 folds into 区委2号文 weight 10 {
    assesses township
    category 统一管理模式 max 15 floor 0 {
      shortfall standard_village_room_share below 40% costs 1 per point
      shortfall village_room_coverage below 100% costs 1 per point
    }
    category 统一建设要求 max 15 floor 0 { deduct 5 per finding }
    category 统一进驻事项 max 15 floor 0 { deduct 5 per finding }
    category 统一网络平台 max 15 floor 0 { deduct 5 per finding }
    category 统一运行规范 max 20 floor 0 { deduct 5 per finding }
    category 统一队伍建设 max 20 floor 0 { deduct 5 per finding }
    bonus 品牌全区推广 +20 once
    bonus 品牌全市推广 +50 once
    bonus 统一着装 +10 once
    bonus 免费复印 +5 once
    bonus 免费邮寄 +5 once
    bonus 免费代办帮办 +5 once
    bonus 自助服务专区 +10 once
    penalty 媒体曝光或领导批示 -20 each
    rank bottom 2 "约谈"
  }
}
"""


def town(name: str, facts: str) -> str:
    return (
        f"jurisdiction {name} {{\n  level township\n  parent 示例区\n"
        f"  facts as of 2019-12-31 {{\n{facts}\n  }}\n}}\n"
    )


TOWNS = {
    # 管理 15 − (40 − 35.5) − (100 − 97) = 7.5; 建设 15 − 5 = 10; others at max
    # → 7.5 + 10 + 15 + 15 + 20 + 20 = 87.5; +5 (免费复印) − 2 × 20 → 52.5; folds 5.25
    "甲镇": """
    metric standard_village_room_share 35.5%
    metric village_room_coverage 97%
    findings 统一建设要求 1
    event 免费复印
    event 媒体曝光或领导批示 2""",
    # 管理 15 − 30 − 20 → floor 0; 进驻 15 − 20 → floor 0; 队伍 20 − 5 = 15
    # → 0 + 15 + 0 + 15 + 20 + 15 = 65; +50 +10 −3 × 20 → 65; folds 6.5
    "乙镇": """
    metric standard_village_room_share 10%
    metric village_room_coverage 80%
    findings 统一进驻事项 4
    findings 统一队伍建设 1
    event 品牌全市推广
    event 统一着装
    event 媒体曝光或领导批示 3""",
    # everything met → 100; +20 +10 +5 → 135; folds 13.5
    "丙镇": """
    metric standard_village_room_share 45%
    metric village_room_coverage 100%
    event 品牌全区推广
    event 自助服务专区
    event 免费邮寄 2""",
    # 管理 15; 建设 10; 运行 20 − 10 = 10 → 15 + 10 + 15 + 15 + 10 + 20 = 85; −20 → 65 (ties 乙镇)
    "丁镇": """
    metric standard_village_room_share 40%
    metric village_room_coverage 100%
    findings 统一建设要求 1
    findings 统一运行规范 2
    event 媒体曝光或领导批示 1""",
}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.build(extra=["onewindow.plugins.builtin.rules"])


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> ScoreReport:
    root = tmp_path_factory.mktemp("lanshan")
    (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
    (root / "示例区.ow").write_text(DISTRICT, encoding="utf-8")
    for name, facts in TOWNS.items():
        (root / f"{name}.ow").write_text(town(name, facts), encoding="utf-8")
    checked = check([root], registry=registry)
    assert checked.ok, [d.message for d in checked.errors]
    return score_tree(checked.workspace, registry, AS_OF)


def points(report: ScoreReport, town: str) -> dict[str, float]:
    card = next(c for c in report.scorecards if c.jurisdiction == town)
    a = card.assessment("六统一")
    assert a is not None
    out = {c.name: c.points for c in a.categories}
    out["total"] = a.total
    parent = card.assessment("区委2号文")
    assert parent is not None
    out["区委2号文"] = parent.total
    return out


def test_both_proportional_rules_short_count_fractional_points(report: ScoreReport) -> None:
    p = points(report, "甲镇")
    assert p["统一管理模式"] == pytest.approx(7.5)
    assert p["统一建设要求"] == 10
    assert p["total"] == pytest.approx(52.5)
    assert p["区委2号文"] == pytest.approx(5.25)


def test_floors_hit_and_multiple_penalties(report: ScoreReport) -> None:
    p = points(report, "乙镇")
    assert p["统一管理模式"] == 0  # 15 − 50, 扣完为止
    assert p["统一进驻事项"] == 0  # 15 − 20
    assert p["统一队伍建设"] == 15
    assert p["total"] == pytest.approx(65)  # 65 + 60 − 60
    assert p["区委2号文"] == pytest.approx(6.5)
    card = next(c for c in report.scorecards if c.jurisdiction == "乙镇")
    a = card.assessment("六统一")
    assert a is not None
    penalty = next(i for i in a.items if i.kind == "penalty")
    assert penalty.points == -60  # each: 3 × 20, 累计扣分
    manage = a.category("统一管理模式")
    assert manage is not None
    assert manage.raw == pytest.approx(-35) and manage.adjustment == pytest.approx(35)
    assert "floor 0" in manage.arithmetic


def test_all_met_with_cumulative_once_bonuses(report: ScoreReport) -> None:
    p = points(report, "丙镇")
    assert [p[c] for c in ("统一管理模式", "统一建设要求", "统一运行规范")] == [15, 15, 20]
    assert p["total"] == pytest.approx(135)  # 免费邮寄 2 occurrences still count once
    assert p["区委2号文"] == pytest.approx(13.5)


def test_ranking_ties_share_the_better_rank_and_the_cut_takes_all_tied(
    report: ScoreReport,
) -> None:
    (ranking,) = report.rankings
    assert [(e.jurisdiction, e.rank) for e in ranking.entries] == [
        ("丙镇", 1),
        ("丁镇", 2),
        ("乙镇", 2),
        ("甲镇", 4),
    ]
    # bottom 2: the second-lowest total is 65, shared by 乙镇 and 丁镇: three are flagged
    assert set(ranking.flagged) == {"甲镇", "乙镇", "丁镇"}
    assert ranking.action == "约谈"


def test_item_explanation_names_rule_span_inputs_and_arithmetic(report: ScoreReport) -> None:
    card = next(c for c in report.scorecards if c.jurisdiction == "甲镇")
    a = card.assessment("六统一")
    assert a is not None
    manage = a.category("统一管理模式")
    assert manage is not None
    first = manage.items[0]
    line = DISTRICT.splitlines().index(
        "      shortfall standard_village_room_share below 40% costs 1 per point"
    )
    assert first.id == f"甲镇/六统一/统一管理模式/shortfall@L{line + 1}"
    e = first.explanation
    assert e.rule == "shortfall standard_village_room_share below 40% costs 1 per point"
    assert e.span is not None and e.span.file.endswith("示例区.ow") and e.span.line == line + 1
    (inp,) = e.inputs
    assert (inp.value, inp.source, inp.percent) == (35.5, "fact", True)
    assert inp.span is not None and inp.span.file.endswith("甲镇.ow")
    assert "facts as of 2019-12-31" in inp.origin
    assert "40% - 35.5%" in e.arithmetic and "4.5" in e.arithmetic
    assert first.points == pytest.approx(-4.5)


def test_chain_runs_from_an_item_up_to_the_folded_total(report: ScoreReport) -> None:
    card = next(c for c in report.scorecards if c.jurisdiction == "甲镇")
    item_id = card.assessments[0].categories[0].items[0].id
    chain = [i for i, _ in report.chain(item_id)]
    assert chain == [
        item_id,
        "甲镇/六统一/统一管理模式",
        "甲镇/六统一",
        "甲镇/区委2号文/fold:六统一",
        "甲镇/区委2号文",
    ]
    fold = report.find("甲镇/区委2号文/fold:六统一")
    assert fold is not None
    assert fold.explanation.arithmetic == "52.5 / 100 × 10 = 5.25"  # type: ignore[union-attr]


def test_folded_assessment_comes_before_its_parent(report: ScoreReport) -> None:
    card = report.scorecards[0]
    assert [a.name for a in card.assessments] == ["六统一", "区委2号文"]
    parent = card.assessments[1]
    assert parent.max == 10  # no categories of its own: the weight folded in


def test_json_has_assessments_categories_items_with_explanations(report: ScoreReport) -> None:
    data = report.as_dict()
    card = next(c for c in data["scorecards"] if c["jurisdiction"] == "甲镇")
    a = card["assessments"][0]
    assert (a["name"], a["points"], a["max"], a["contribution"]) == ("六统一", 52.5, 100, 5.25)
    cat = a["categories"][0]
    assert (cat["name"], cat["points"], cat["max"]) == ("统一管理模式", 7.5, 15)
    item = cat["items"][0]
    assert set(item) >= {"id", "points", "explanation"}
    assert item["explanation"]["inputs"][0]["source"] == "fact"
    assert item["explanation"]["span"]["line"] > 0

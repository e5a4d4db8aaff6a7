"""Parse + build: every construct of the language lands in the model with its values and span."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.dsl.build import RawJurisdiction, assemble
from onewindow.dsl.check import check
from onewindow.dsl.model import (
    Comparison,
    Handling,
    Level,
    LimitKind,
    MaterialSource,
    StepGroup,
    TimeUnit,
    WindowKind,
)
from onewindow.dsl.parse import parse_items
from tests.conftest import FIXTURES


def build_one(text: str):
    items, diags = parse_items(text, "t.ow")
    assert diags == [] and items is not None
    raws = [i for i in items if isinstance(i, RawJurisdiction)]
    j, adiags = assemble(raws[0])
    assert adiags == []
    return j


@pytest.fixture(scope="module")
def everything():
    result = check([FIXTURES / "everything"])
    assert result.ok, result.diagnostics
    return result.workspace


def test_jurisdiction_header(everything) -> None:
    j = everything.jurisdictions["示范区"]
    assert j.level is Level.district
    assert j.parent.name == "示范市"
    assert [d.name for d in j.departments] == ["审批局", "公安分局"]
    assert j.seal_range.low == 9 and j.seal_range.high == 20
    assert j.span.line == 1 and j.file.endswith("示范区.ow")


def test_matter_has_all_ten_elements(everything) -> None:
    m = everything.jurisdictions["示范区"].matters[0]
    assert m.name == "个体工商户设立登记"
    assert m.code == "37011300XK00001"
    assert m.type.value == "licensing"
    assert m.basis == "《促进个体工商户发展条例》"
    assert m.level is Level.district
    assert m.conditions
    assert [s.value for s in m.serves] == ["person", "business"]
    assert [x.source for x in m.materials] == [
        MaterialSource.applicant,
        MaterialSource.applicant,
        MaterialSource.matter,
        MaterialSource.shared,
        MaterialSource.elicence,
    ]
    assert m.materials[1].deferrable and not m.materials[0].deferrable
    assert m.materials[2].source_matter.name == "企业设立登记"
    legal, promised = m.limits
    assert (legal.kind, legal.amount, legal.unit) == (LimitKind.legal, 15, TimeUnit.workdays)
    assert promised.valid_from == dt.date(2019, 1, 1)
    assert m.fee.amount == 0
    assert m.handling is Handling.promised
    assert m.trips == 1 and m.volume == 1200 and m.service_minutes == 8
    assert [d.value for d in m.delivery] == ["pickup", "mail"]
    assert m.settings[0].key == "complete_share"


def test_chain_steps_shape(everything) -> None:
    c = everything.jurisdictions["示范区"].chains[0]
    assert c.lead.name == "审批局"
    assert isinstance(c.steps, StepGroup) and c.steps.op == "serial"
    first, rest = c.steps.items
    assert first.matter.name == "企业设立登记"
    assert rest.op == "parallel" and [s.matter.name for s in rest.items] == ["公章刻制", "发票申领"]
    assert c.form == "开办企业一表通"


def test_hall_windows_and_zones(everything) -> None:
    h = everything.jurisdictions["示范区"].halls[0]
    assert [(x.start.hour, x.end.hour) for x in h.hours] == [(9, 12), (13, 17)]
    kinds = {w.name: w.kind_of for w in h.windows}
    assert kinds == {
        "综合受理一": WindowKind.comprehensive,
        "出件": WindowKind.delivery,
        "帮办代办": WindowKind.agency,
    }
    agency = next(w for w in h.windows if w.name == "帮办代办")
    assert agency.zone.name == "企业" and agency.staff == 2


def test_delegation_targets_assessment(everything) -> None:
    j = everything.jurisdictions["示范区"]
    d = j.delegations[0]
    assert d.seal == 9 and [t.name for t in d.to] == ["示范街道"]
    assert d.valid_from == dt.date(2019, 9, 16)
    t = j.targets[1]
    assert t.subject.name == "开办企业" and t.op is Comparison.le and t.value.value == 2
    a = j.assessments[1]
    assert a.folds_into.name == "区委2号文" and a.weight.value == 10
    assert [c.max for c in a.categories] == [15, 15]
    bonus, penalty, threshold = a.rules
    assert (bonus.points, bonus.each) == (20, False)
    assert (penalty.points, penalty.each) == (20, True)
    assert threshold.points == 5
    assert a.ranking.bottom == 1 and a.ranking.action == "约谈"


def test_include_fragment_is_spliced(everything) -> None:
    village = everything.jurisdictions["示范村"]
    assert [h.name for h in village.halls] == ["村级便民服务室"]
    assert village.halls[0].span.file.endswith("村级服务室.ow")


def test_facts_and_tests(everything) -> None:
    town = everything.jurisdictions["示范街道"]
    facts = town.facts[0]
    assert facts.as_of == dt.date(2019, 12, 31)
    assert [(f.fact, f.name, f.value.value) for f in facts.facts] == [
        ("value", "standard_village_room_share", 35),
        ("findings", "统一建设要求", 2),
        ("event", "媒体曝光", 1),
    ]
    assert everything.facts_for("示范街道")[-1].facts[1].name == "品牌全区推广"
    (case,) = town.tests
    assert case.expectations[0].path == ("六统一", "统一建设要求")


def test_chinese_keywords_parse_like_english() -> None:
    en = build_one(
        "jurisdiction 甲 { level township  matter 乙 { handling immediate  "
        "limit legal 5 workdays  trips 0 } }"
    )
    zh = build_one(
        "辖区 甲 { 层级 乡镇  事项 乙 { 办件类型 即办  时限 法定 5 工作日  跑动次数 0 } }"
    )
    strip = lambda j: j.model_dump(exclude={"span", "level_span"}, mode="json")  # noqa: E731
    a, b = strip(en), strip(zh)
    for m in (*a["matters"], *b["matters"]):
        m.pop("span")
        for lim in m["limits"]:
            lim.pop("span")
    assert a == b


def test_keyword_prefix_is_still_a_name() -> None:
    j = build_one('jurisdiction 甲 { level township  department matters "x"  department 事项科 }')
    assert [d.name for d in j.departments] == ["matters", "事项科"]

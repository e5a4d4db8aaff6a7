"""The seed lint rules (OW201–OW211), the lint pass (severities, isolation) and their pages.

Each rule has a case that must report it and one that must not. The pages
docs/diagnostics/OW2nn.md are checked like test_codes.py checks the others, but under
`lint`: the `ow bad` block gives the page's code (and its `also=` codes) and nothing else,
the `ow good` block gives nothing, and the "What the checker reports" block is today's output
(refresh with ONEWINDOW_UPDATE_DOCS=1 and read the diff).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import textwrap
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onewindow.dsl.check import check
from onewindow.dsl.diagnostics import Diagnostic, Severity
from onewindow.dsl.lint import Finding, run_lint, severity_for
from onewindow.dsl.render import SourceLines, render_text
from onewindow.engine.cli import lint_cmd
from onewindow.plugins import manager
from onewindow.plugins.builtin import lint_catch_all, lint_figures, lint_rules
from onewindow.plugins.registry import Registry

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "diagnostics"
UPDATE = os.environ.get("ONEWINDOW_UPDATE_DOCS") == "1"
CODES = [r.code for r in lint_rules.RULES]


@pytest.fixture(autouse=True)
def builtin_lint_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register `lint_rules` as a built-in (a no-op once it is in DEFAULT_PLUGINS)."""
    if "lint_rules" not in manager.DEFAULT_PLUGINS:
        monkeypatch.setattr(manager, "DEFAULT_PLUGINS", (*manager.DEFAULT_PLUGINS, "lint_rules"))


def registry(*extra: str) -> Registry:
    return Registry.build(extra, entry_points=False)


def run(
    write_tree, files: dict[str, str], *, as_of: dt.date | None = None, lint: bool = True
) -> list[Diagnostic]:
    root = write_tree({k: textwrap.dedent(v) for k, v in files.items()})
    result = check([root], lint=lint, as_of=as_of, registry=registry())
    assert result.lint_failures == []
    errors = [d for d in result.diagnostics if d.code < "OW200" and d.severity is Severity.error]
    assert errors == [], errors
    return result.diagnostics


def codes(diags: list[Diagnostic]) -> list[str]:
    return [d.code for d in diags]


# ---------------------------------------------------------------- building blocks


def matter(
    name: str = "个体工商户设立登记",
    *,
    domain: str = "市场准入",
    level: str = "district",
    materials: str | None = None,
    limit: str = "limit legal 15 workdays, promised 1 workdays",
    handling: str = "immediate",
    extra: str = "",
    conditions: str = "经营者具有经营能力",
    code: str = "37130200XK00101",
) -> str:
    """A matter stating all ten 三级十同 elements (clean under every rule by default)."""
    if materials is None:
        materials = f'"{name}申请书" from applicant'
    return f"""
    matter {name} {{
      code "{code}"  type licensing  basis "《个体工商户条例》"  level {level}
      conditions "{conditions}"  serves person  department 审批局  domain {domain}
      materials {{ {materials} }}
      {limit}
      fee none  handling {handling}
      {extra}
    }}"""


def district(body: str, name: str = "兰山区", parent: str = "") -> str:
    up = f"parent {parent}" if parent else ""
    return f"""
    jurisdiction {name} {{
      level district
      {up}
      department 审批局 "行政审批服务局"
      domains 市场准入, 社会事务
      {body}
    }}
    """


CENTER = """
    hall 便民服务中心 {
      window 市场准入综合窗口 { kind comprehensive  domains 市场准入 }
      window 全能窗口 { kind all-round }
      window 代办帮办窗口 { kind agency }
    }"""


def town(body: str = CENTER, name: str = "兰山街道", parent: str = "兰山区") -> str:
    return f"""
    jurisdiction {name} {{
      level township
      parent {parent}
      {body}
    }}
    """


def test_building_blocks_are_clean(write_tree) -> None:
    files = {
        "d.ow": district(matter() + "\ndelegate 个体工商户设立登记 to 兰山街道"),
        "t.ow": town(),
    }
    assert run(write_tree, files) == []


# ---------------------------------------------------------------- OW201 catch-all wording


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("其他相关材料", ["其他", "相关"]),
        ("其他材料", ["其他材料"]),
        ("营业执照、身份证等", ["等"]),
        ("其它证明", ["其它"]),
        ("公民、法人或者其他组织", []),
        ("职业技能等级证书", []),
        ("《中华人民共和国平等就业等规定》", []),
        ("二等功证书", []),
        ("经营场所使用证明", []),
    ],
)
def test_vague_words(text: str, found: list[str]) -> None:
    assert lint_catch_all.vague_words(text) == found


def test_catch_all_material_and_conditions_are_reported(write_tree) -> None:
    body = matter(
        materials='"申请书" from applicant  "其他相关材料" from applicant',
        conditions="符合法律、法规规定的其他条件",
    )
    diags = run(write_tree, {"d.ow": district(body)})
    assert codes(diags) == ["OW201", "OW201"]
    assert "'其他相关材料'" in diags[1].message and "'其他', '相关'" in diags[1].message
    assert "conditions of '个体工商户设立登记'" in diags[0].message


def test_precise_materials_are_not_reported(write_tree) -> None:
    body = matter(materials='"申请书" from applicant  "经营场所使用证明" from applicant')
    assert run(write_tree, {"d.ow": district(body)}) == []


# ---------------------------------------------------------------- OW202 single-matter window


def test_single_matter_windows_are_reported(write_tree) -> None:
    hall = """
    hall 大厅 {
      window 个体户窗口 { kind comprehensive  domains 市场准入  matters 个体工商户设立登记 }
      window 部门窗口 { kind single  matters 个体工商户设立登记, 食品经营许可 }
    }"""
    body = matter() + matter("食品经营许可", code="X2") + hall
    diags = run(write_tree, {"d.ow": district(body)})
    assert codes(diags) == ["OW202", "OW202"]
    assert "takes in one matter only" in diags[0].message
    assert "kind single" in diags[1].message


def test_domain_and_multi_matter_windows_are_not_reported(write_tree) -> None:
    hall = """
    chain 开店 { lead 审批局  steps 个体工商户设立登记 -> 食品经营许可 }
    hall 大厅 {
      window 综合一 { kind comprehensive  domains 市场准入 }
      window 综合二 { kind comprehensive  matters 个体工商户设立登记, 食品经营许可 }
      window 一件事 { kind comprehensive  matters 开店 }
      window 代办 { kind agency }
    }"""
    body = matter() + matter("食品经营许可", code="X2") + hall
    assert run(write_tree, {"d.ow": district(body)}) == []


# ---------------------------------------------------------------- OW203 township center


def test_township_center_without_all_round_and_agency_is_reported(write_tree) -> None:
    hall = "hall 中心 { window 综合 { kind comprehensive  domains 社会事务 } }"
    diags = run(write_tree, {"d.ow": district(""), "t.ow": town(hall)})
    assert codes(diags) == ["OW203"]
    assert "no all-round window (全能窗口) and no agency window" in diags[0].message


def test_complete_center_hall_less_town_and_district_hall_are_not_reported(write_tree) -> None:
    district_hall = "hall 大厅 { window 综合 { kind comprehensive  domains 社会事务 } }"
    files = {
        "d.ow": district(district_hall),
        "t.ow": town(),
        "u.ow": town("", name="金雀山街道"),
    }
    assert run(write_tree, files) == []


# ---------------------------------------------------------------- OW204 promise not shorter


def test_promise_equal_to_law_or_missing_is_reported(write_tree) -> None:
    body = matter(limit="limit legal 20 workdays, promised 20 workdays", handling="promised")
    body += matter("食品经营许可", code="X2", limit="limit legal 20 workdays", handling="promised")
    diags = run(write_tree, {"d.ow": district(body)})
    assert codes(diags) == ["OW204", "OW204"]
    assert "no shorter than its legal limit" in diags[0].message
    assert "no promised limit" in diags[1].message


def test_shorter_promise_and_immediate_matters_are_not_reported(write_tree) -> None:
    body = matter(limit="limit legal 20 workdays, promised 5 workdays", handling="promised")
    body += matter("食品经营许可", code="X2", limit="limit legal 20 workdays")  # immediate
    body += matter(
        "药品零售",
        code="X3",
        limit="limit legal 20 days, promised 20 workdays",
        handling="promised",
    )
    assert run(write_tree, {"d.ow": district(body)}) == []


def test_promise_is_read_as_of_the_day(write_tree) -> None:
    limit = "limit legal 20 workdays, promised 5 workdays from 2020-01-01"
    files = {"d.ow": district(matter(limit=limit, handling="promised"))}
    assert codes(run(write_tree, files, as_of=dt.date(2019, 6, 1))) == ["OW204"]
    assert run(write_tree, files, as_of=dt.date(2020, 6, 1)) == []


# ---------------------------------------------------------------- OW205 high volume


def test_busy_promised_matter_without_deferrable_material_is_reported(write_tree) -> None:
    body = matter(handling="promised", extra="volume 2500 per year")
    diags = run(write_tree, {"d.ow": district(body)})
    assert codes(diags) == ["OW205"]
    assert "2500 cases a year" in diags[0].message


@pytest.mark.parametrize(
    ("materials", "handling", "volume", "setting"),
    [
        ('"申请书" from applicant deferrable', "promised", 2500, ""),
        ('"申请书" from applicant', "immediate", 2500, ""),
        ('"申请书" from applicant', "promised", 500, ""),
        ('"户口簿" from shared', "promised", 2500, ""),
        ('"申请书" from applicant', "promised", 2500, "set lint_high_volume = 3000"),
    ],
)
def test_quick_quiet_or_shared_matters_are_not_reported(
    write_tree, materials: str, handling: str, volume: int, setting: str
) -> None:
    body = setting + matter(materials=materials, handling=handling, extra=f"volume {volume}")
    assert run(write_tree, {"d.ow": district(body)}) == []


# ---------------------------------------------------------------- OW206 pushed up


DELEGATED = matter() + "\ndelegate 个体工商户设立登记 to 兰山街道"
VAGUE = matter(materials='"其他材料" from applicant')
DHALL = "\nhall 大厅 { window 市场准入 { kind comprehensive  domains 市场准入 } }"


def test_delegated_matter_no_town_window_takes_is_reported(write_tree) -> None:
    hall = """
    hall 中心 {
      window 社会事务 { kind comprehensive  domains 社会事务 }
      window 代办 { kind agency }
    }"""
    diags = run(write_tree, {"d.ow": district(DELEGATED), "t.ow": town(hall)})
    assert codes(diags) == ["OW203", "OW206"]
    pushed = diags[1]
    assert "takes none of them: '个体工商户设立登记'" in pushed.message
    assert pushed.related and "'兰山区' delegates" in pushed.related[0][1]


def test_town_without_hall_holding_matters_is_reported(write_tree) -> None:
    diags = run(write_tree, {"d.ow": district(DELEGATED), "t.ow": town("")})
    assert codes(diags) == ["OW206"]
    assert "no service hall" in diags[0].message


def test_matter_taken_by_domain_or_all_round_window_is_not_pushed_up(write_tree) -> None:
    all_round = "hall 中心 { window 全能 { kind all-round }  window 代办 { kind agency } }"
    assert run(write_tree, {"d.ow": district(DELEGATED), "t.ow": town()}) == []
    assert run(write_tree, {"d.ow": district(DELEGATED), "t.ow": town(all_round)}) == []


# ---------------------------------------------------------------- OW207 beyond delegation


def test_own_copy_of_a_delegated_matter_is_reported(write_tree) -> None:
    copy = matter(level="township", conditions="在本街道经营") + CENTER
    diags = run(write_tree, {"d.ow": district(DELEGATED), "t.ow": town(copy)})
    assert codes(diags) == ["OW207"]
    assert "declares its own '个体工商户设立登记'" in diags[0].message


def test_window_taking_a_matter_before_its_delegation_is_reported(write_tree) -> None:
    body = matter() + matter("食品经营许可", code="X2")
    body += "\ndelegate 个体工商户设立登记, 食品经营许可 to 兰山街道 from 2019-09-16"
    hall = """
    hall 中心 {
      window 市场准入 { kind comprehensive  matters 个体工商户设立登记, 食品经营许可 }
      window 全能 { kind all-round }
      window 代办 { kind agency }
    }"""
    files = {"d.ow": district(body), "t.ow": town(hall)}
    before = run(write_tree, files, as_of=dt.date(2019, 9, 1))
    assert "OW207" in codes(before)
    early = next(d for d in before if d.code == "OW207")
    assert "before '兰山区' delegates them here (from 2019-09-16)" in early.message
    assert run(write_tree, files, as_of=dt.date(2019, 9, 16)) == []
    assert run(write_tree, files) == []


# ---------------------------------------------------------------- OW208 shareable material


def test_material_shared_elsewhere_in_the_county_is_reported(write_tree) -> None:
    body = matter(materials='"居民身份证" from applicant')
    body += matter("食品经营许可", code="X2", materials='"居民身份证" from shared')
    diags = run(write_tree, {"d.ow": district(body)})
    assert codes(diags) == ["OW208"]
    assert "obtains by data sharing" in diags[0].message


def test_sharing_in_another_county_or_everywhere_is_not_reported(write_tree) -> None:
    city = "jurisdiction 临沂市 { level city }"
    here = district(matter(materials='"居民身份证" from applicant'), parent="临沂市")
    there = district(matter(materials='"居民身份证" from shared'), name="罗庄区", parent="临沂市")
    assert run(write_tree, {"c.ow": city, "d.ow": here, "e.ow": there}) == []
    both = matter(materials='"居民身份证" from shared')
    both += matter("食品经营许可", code="X2", materials='"居民身份证" from elicence')
    assert run(write_tree, {"d.ow": district(both)}) == []


# ---------------------------------------------------------------- OW209 chain materials


TWO = matter(materials='"营业执照" from applicant  "申请书" from applicant') + matter(
    "食品经营许可", code="X2", materials='"营业执照" from applicant'
)


def test_material_asked_at_two_steps_is_reported(write_tree) -> None:
    body = TWO + "\nchain 开店 { lead 审批局  steps 个体工商户设立登记 & 食品经营许可 }"
    diags = run(write_tree, {"d.ow": district(body)})
    assert codes(diags) == ["OW209"]
    assert "'营业执照' at 2 steps" in diags[0].message
    assert len(diags[0].related) == 2


def test_material_named_twice_in_the_chain_block_is_reported(write_tree) -> None:
    chain = """
    chain 开店 {
      lead 审批局  steps 个体工商户设立登记 & 食品经营许可
      materials { "营业执照" from applicant  "营业执照" from applicant }
    }"""
    assert codes(run(write_tree, {"d.ow": district(TWO + chain)})) == ["OW209"]


def test_one_set_of_materials_or_results_passed_on_are_not_reported(write_tree) -> None:
    block = """
    chain 开店 {
      lead 审批局  steps 个体工商户设立登记 & 食品经营许可
      materials { "营业执照" from applicant  "申请书" from applicant }
    }"""
    assert run(write_tree, {"d.ow": district(TWO + block)}) == []
    passed = matter(materials='"营业执照" from applicant') + matter(
        "食品经营许可", code="X2", materials='"营业执照" from matter 个体工商户设立登记'
    )
    serial = "\nchain 开店 { lead 审批局  steps 个体工商户设立登记 -> 食品经营许可 }"
    assert run(write_tree, {"d.ow": district(passed + serial)}) == []


# ---------------------------------------------------------------- OW210 ten elements


def test_matter_missing_elements_is_reported(write_tree) -> None:
    body = """
    matter 残疾人证核发 {
      department 审批局
      materials { "申请表" from applicant }
      limit legal 20 workdays, promised 10 workdays
      handling promised
    }"""
    diags = run(write_tree, {"d.ow": district(body)})
    assert codes(diags) == ["OW210"]
    assert "lacks 7 of the ten" in diags[0].message
    for element in ("code (编码)", "basis (设定依据)", "fee (收费项目)", "serves (服务对象)"):
        assert element in diags[0].message


def test_complete_matter_and_empty_materials_block_are_not_reported(write_tree) -> None:
    assert run(write_tree, {"d.ow": district(matter(materials=""))}) == []


def test_completeness_figures(write_tree) -> None:
    body = matter() + "\nmatter 残疾人证核发 { department 审批局 }"
    body += "\ntarget guide_elements_complete >= 37"
    root = write_tree({"d.ow": district(body)})
    ws = check([root], registry=registry()).workspace
    [ten] = lint_figures.ten_elements(ws, ["兰山区"])
    assert (ten.matters, ten.present, ten.complete) == (2, 10 + 1, 1)
    assert ten.share == pytest.approx(55.0)
    [guide] = lint_figures.guide_elements(ws, ["兰山区"])
    assert (guide.asked, guide.listed, guide.held) == (37, 37, 18)
    # the full matter states 15 of the 18 held elements (not online, trips, delivery); the
    # bare one its name and department
    assert guide.of_held.present == 15 + 2
    assert len(lint_figures.GUIDE_ELEMENTS) == 37


# ---------------------------------------------------------------- OW211 coverage


def test_matter_nobody_takes_in_for_a_town_is_a_gap(write_tree) -> None:
    diags = run(write_tree, {"d.ow": district(matter()), "t.ow": town()})
    assert codes(diags) == ["OW211"]
    assert (
        "no level takes in '个体工商户设立登记' for 1 township(s): '兰山街道'" in diags[0].message
    )


def test_matter_taken_in_at_district_and_town_is_an_overlap(write_tree) -> None:
    diags = run(write_tree, {"d.ow": district(DELEGATED + DHALL), "t.ow": town()})
    assert codes(diags) == ["OW211"]
    assert "taken in at two levels for 1 township(s)" in diags[0].message
    notes = [n for _, n in diags[0].related]
    assert any("'兰山区' delegates" in n for n in notes)
    assert any("'兰山街道' takes it in at window '市场准入综合窗口'" in n for n in notes)


def test_exactly_one_level_is_not_reported(write_tree) -> None:
    hall = "hall 大厅 { window 市场准入 { kind comprehensive  domains 市场准入 } }"
    kept = {"d.ow": district(matter() + hall), "t.ow": town()}
    assert run(write_tree, kept) == []
    handed = {"d.ow": district(DELEGATED), "t.ow": town()}
    assert run(write_tree, handed) == []


def test_coverage_is_judged_as_of_the_day(write_tree) -> None:
    body = matter() + "\ndelegate 个体工商户设立登记 to 兰山街道 from 2020-01-01"
    files = {"d.ow": district(body), "t.ow": town()}
    assert codes(run(write_tree, files, as_of=dt.date(2019, 6, 1))) == ["OW211"]
    assert run(write_tree, files, as_of=dt.date(2020, 6, 1)) == []


# ---------------------------------------------------------------- severities


def test_lint_line_sets_severity_and_children_inherit_it(write_tree) -> None:
    files = {
        "d.ow": district("lint OW201 error\n" + VAGUE + DHALL),
        "t.ow": town(
            matter("生育服务登记", level="township", code="T1", materials='"其他" from applicant')
            + CENTER
        ),
    }
    root = write_tree({k: textwrap.dedent(v) for k, v in files.items()})
    result = check([root], lint=True, registry=registry())
    assert [(d.code, d.severity) for d in result.diagnostics] == [
        ("OW201", Severity.error),
        ("OW201", Severity.error),
    ]
    plain = check([root], registry=registry())  # no --lint: errors still reported
    assert [d.code for d in plain.diagnostics] == ["OW201", "OW201"]
    assert not plain.ok


def test_nearest_lint_line_wins_and_off_drops(write_tree) -> None:
    files = {
        "d.ow": district("lint catch-all-wording off\n" + VAGUE + DHALL),
        "t.ow": town(
            "lint OW201 info\n"
            + matter("生育服务登记", level="township", code="T1", materials='"其他" from applicant')
            + CENTER
        ),
    }
    root = write_tree({k: textwrap.dedent(v) for k, v in files.items()})
    result = check([root], lint=True, registry=registry())
    assert [(d.code, d.severity, d.span.file.endswith("t.ow")) for d in result.diagnostics] == [
        ("OW201", Severity.info, True)
    ]
    assert check([root], registry=registry()).diagnostics == []


def test_last_line_of_a_jurisdiction_wins(write_tree) -> None:
    root = write_tree({"d.ow": district("lint OW201 off\nlint OW201 error\n" + VAGUE)})
    reg = registry()
    ws = check([root], registry=reg).workspace
    rule = next(r for r in reg.lint_rules if r.code == "OW201")
    assert severity_for(ws, "兰山区", rule) == "error"
    assert severity_for(ws, None, rule) == "warning"


def test_warnings_are_shown_by_check_only_with_lint(write_tree) -> None:
    root = write_tree({"d.ow": textwrap.dedent(district(VAGUE))})
    assert check([root], registry=registry()).diagnostics == []
    assert codes(check([root], lint=True, registry=registry()).diagnostics) == ["OW201"]


def test_unknown_rule_in_lint_line_is_reported(write_tree) -> None:
    diags = run(write_tree, {"d.ow": district("lint OW299 off\nlint catch-all-wording info")})
    assert codes(diags) == ["OW200"]
    assert "'OW299'" in diags[0].message


def test_fragment_findings_are_reported_once(write_tree) -> None:
    files = {
        "d.ow": district(""),
        "common/m.ow": matter(level="township", materials='"其他材料" from applicant'),
        "t.ow": town('include "common/m.ow"' + CENTER),
        "u.ow": town('include "common/m.ow"' + CENTER, name="金雀山街道"),
    }
    assert codes(run(write_tree, files)) == ["OW201"]


# ---------------------------------------------------------------- isolation

CRASH = """
from onewindow.dsl.diagnostics import warning
from onewindow.plugins.api import LintRule
from onewindow.plugins.hookspecs import hookimpl


def boom(ws):
    raise ValueError("boom")


def odd(ws):
    yield "not a diagnostic"


def wrong(ws):
    j = next(iter(ws.jurisdictions.values()))
    yield warning("OW201", j.span, "not mine")


@hookimpl
def onewindow_lint_rules():
    return [
        LintRule(code="XX001", name="boom", summary="raises", check=boom),
        LintRule(code="XX002", name="odd", summary="yields text", check=odd),
        LintRule(code="XX003", name="wrong", summary="yields another code", check=wrong),
    ]
"""


def test_crashing_rules_are_named_and_the_others_still_run(write_tree, tmp_path: Path) -> None:
    plugin = tmp_path / "crashing_lint_plugin.py"
    plugin.write_text(CRASH, encoding="utf-8")
    root = write_tree({"d.ow": textwrap.dedent(district(VAGUE))})
    result = check([root], lint=True, registry=registry(str(plugin)))
    assert codes(result.diagnostics) == ["OW201"]
    problems = sorted(str(f) for f in result.lint_failures)
    assert len(problems) == 3
    assert all("plugin 'crashing_lint_plugin'" in p for p in problems)
    assert "XX001" in problems[0] and "raised ValueError: boom" in problems[0]
    assert "XX002" in problems[1] and "expected a Diagnostic" in problems[1]
    assert "XX003" in problems[2] and "'OW201'" in problems[2]
    # plain check runs only rules promoted to error: the broken rules are not run
    assert check([root], registry=registry(str(plugin))).lint_failures == []


def test_run_lint_isolates_unwrapped_rules(write_tree) -> None:
    from onewindow.plugins.api import LintRule

    root = write_tree({"d.ow": textwrap.dedent(district(VAGUE))})
    ws = check([root], registry=registry()).workspace

    def bad(ws):
        raise RuntimeError("nope")

    def good(ws):
        j = ws.jurisdictions["兰山区"]
        yield Finding(code="XX009", severity=Severity.error, span=j.span, message="m",
                      jurisdiction="兰山区")  # fmt: skip

    rules = [
        LintRule(code="XX008", name="bad", summary="", check=bad),
        LintRule(code="XX009", name="good", summary="", check=good),
    ]
    result = run_lint(ws, rules, {"XX008": "mine"})
    assert [str(f) for f in result.failures] == [
        "plugin 'mine' failed in hook onewindow_lint_rules: lint rule XX008: "
        "check raised RuntimeError: nope"
    ]
    assert [(d.code, d.severity, type(d)) for d in result.diagnostics] == [
        ("XX009", Severity.warning, Diagnostic)
    ]


# ---------------------------------------------------------------- the command


def cli(*args: str):
    app = typer.Typer()
    lint_cmd.register(app)

    @app.command("other")
    def other() -> None:  # a second command keeps typer's subcommand form
        """Unused."""

    return CliRunner().invoke(app, ["lint", *args])


def test_lint_command_reports_and_exits(write_tree) -> None:
    body = VAGUE + "\ntarget guide_elements_complete >= 37"
    root = write_tree({"d.ow": textwrap.dedent(district(body))})
    r = cli(str(root))
    assert r.exit_code == 0, r.output
    assert "warning OW201" in r.output and "三级十同" in r.output
    assert "asks for 37 elements; the model holds 18 of our list of 37" in r.output
    r = cli(str(root), "--json", "--as-of", "2019-12-31")
    assert r.exit_code == 0
    assert '"as_of": "2019-12-31"' in r.output and '"guide_elements_held_by_model": 18' in r.output
    strict = write_tree({"d.ow": textwrap.dedent(district("lint OW201 error\n" + VAGUE))})
    assert cli(str(strict)).exit_code == 1
    assert cli(str(root), "--as-of", "2019-13-01").exit_code == 2


# ---------------------------------------------------------------- the pages

FENCE = re.compile(r"^```ow (bad|good)([^\n]*)\n(.*?)^```$", re.M | re.S)
REPORT = re.compile(r"(What the checker reports:\n\n```text\n)(.*?)(\n?```)", re.S)
PAGES = ["OW200", *CODES]


def page_examples(page: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for kind, attrs, body in FENCE.findall(page):
        also = dict(a.split("=", 1) for a in attrs.split()).get("also", "")
        out[kind] = (body, tuple(filter(None, also.split(","))))
    return out


def lint_example(text: str, root: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    root.mkdir()
    (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
    (root / "example.ow").write_text(text, encoding="utf-8")
    monkeypatch.chdir(root)
    return check([root], lint=True, registry=registry()).diagnostics


@pytest.mark.parametrize("code", PAGES)
def test_page_examples(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = DOCS / f"{code}.md"
    page = path.read_text(encoding="utf-8")
    assert page.startswith(f"# {code}: ")
    assert page.split("\n")[2].startswith("warning · preview ·")
    ex = page_examples(page)
    bad = lint_example(ex["bad"][0], tmp_path / "bad", monkeypatch)
    rendered = "\n".join(render_text(d, SourceLines(), markup=False) for d in bad)
    assert {d.code for d in bad} == {code, *ex["bad"][1]}
    assert lint_example(ex["good"][0], tmp_path / "good", monkeypatch) == []
    shown = REPORT.search(page)
    assert shown is not None
    if UPDATE and shown.group(2) != rendered:
        page = page[: shown.start(2)] + rendered + "\n```" + page[shown.end(3) :]
        path.write_text(page, encoding="utf-8")
    else:
        assert shown.group(2) == rendered


@pytest.mark.parametrize("rule", lint_rules.RULES, ids=lambda r: r.code)
def test_rule_docstrings_follow_the_page_sections(rule) -> None:
    for section in ("## What it does", "## Why", "## Example", "## Use instead", "— seed 00"):
        assert section in rule.doc
    assert rule.doc.startswith(f"{rule.code} `{rule.name}`")
    assert (DOCS / f"{rule.code}.md").is_file()

"""Every diagnostic code from a minimal input: code, message, line, column and hint pinned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from onewindow.dsl.check import check
from onewindow.dsl.codes import Status, all_codes, lookup
from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.load import MAX_FILE_BYTES

Files = dict[str, str | bytes]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Files], list[Diagnostic]]:
    """Write a tree (with onewindow.toml) and check it from inside, so paths read `a.ow`."""
    root = tmp_path / "tree"
    root.mkdir()
    (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
    monkeypatch.chdir(root)

    def go(files: Files) -> list[Diagnostic]:
        for rel, content in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")
        return check([root]).diagnostics

    return go


def jur(body: str, name: str = "兰山区", level: str = "district") -> str:
    """A jurisdiction block around indented body lines; the body starts on line 3."""
    return f"jurisdiction {name} {{\n  level {level}\n{body}}}\n"


@dataclass
class Case:
    """One minimal input and the single diagnostic it must give."""

    id: str
    files: Files
    code: str
    line: int
    column: int
    message: str
    hint: str | None  # substring of the hint; None: the diagnostic has no hint
    file: str = "a.ow"
    also: tuple[str, ...] = ()  # other codes the input gives as well
    marks: tuple = field(default=())


DISTRICT_TOWN = (
    "jurisdiction 兰山区 {\n"  # 1
    "  level district\n"  # 2
    "  seals 9..20\n"  # 3
    "  matter 个体工商户设立登记 { handling promised }\n"  # 4
    "{delegations}"  # 5 …
    "}\n"
    "jurisdiction 兰山街道 { level township  parent 兰山区 }\n"
    "jurisdiction 金雀山街道 { level township  parent 兰山区 }\n"
    "jurisdiction 枣园村 { level village  parent 兰山街道 }\n"
)


def delegations(*lines: str) -> str:
    return DISTRICT_TOWN.replace("{delegations}", "".join(f"  {x}\n" for x in lines))


CASES: list[Case] = [
    # ------------------------------------------------------------ syntax
    Case(
        "OW001-bad-unit",
        {"a.ow": jur("  matter 甲 {\n    limit legal 20 weeks\n  }\n")},
        "OW001", 4, 20, "unexpected 'weeks'; expected 'day', 'days', 'workday', 'workdays'",
        "write it like: limit legal 20 workdays",
    ),
    Case(
        "OW001-statement-in-wrong-block",
        {"a.ow": jur("  staff 3\n")},
        "OW001", 3, 3, "unexpected 'staff' here", "write it like: staff 2",
    ),
    Case(
        "OW002-unclosed-block",
        {"a.ow": "jurisdiction 兰山区 {\n  level district\n  matter 甲 {\n    fee none\n}\n"},
        "OW002", 1, 18, "this block is never closed", "add the missing '}'",
    ),
    Case(
        "OW003-unterminated-text",
        {"a.ow": jur('  matter 甲 {\n    code "37011300XK00001\n  }\n')},
        "OW003", 4, 10, "this text is never closed", "add the closing '\"'",
    ),
    Case(
        "OW004-curly-quote",
        {"a.ow": jur("  matter 甲 {\n    basis “《条例》”\n  }\n")},
        "OW004", 4, 11, "curly quote '“' cannot start a text", 'use straight quotes: "…"',
    ),
    Case(
        "OW004-stray-character",
        {"a.ow": jur("  matter 甲 { trips 1; }\n")},
        "OW004", 3, 21, "unexpected character ';'", "remove it",
    ),
    Case(
        "OW004-nul-byte",
        {"a.ow": jur('  department 审批局 "a\x00b"\n')},
        "OW004", 3, 20, "NUL byte in the file", "save the file as UTF-8 text",
    ),
    Case(
        "OW005-gbk-file",
        {"a.ow": jur('  department 审批局 "兰山区行政审批服务局"\n').encode("gbk")},
        "OW005", 1, 14, "the file is not UTF-8 text (byte 0xc0 cannot be read)",
        "save the file as UTF-8",
    ),
    Case(
        "OW010-incomplete-limit",
        {"a.ow": jur("  matter 甲 {\n    limit legal\n    fee none\n  }\n")},
        "OW010", 4, 16, "incomplete statement: expected a number after 'limit legal'",
        "write it like: limit legal 20 workdays, promised 5 workdays",
    ),
    Case(
        "OW012-misspelt-keyword",
        {"a.ow": jur('  matter 甲 {\n    cod "1"\n  }\n')},
        "OW012", 4, 5, "unknown statement 'cod'", "did you mean 'code'?",
    ),
    Case(
        "OW012-misspelt-chinese-keyword",
        {"a.ow": jur("  事项 甲 {\n    办件类 即办\n  }\n")},
        "OW012", 4, 5, "unknown statement '办件类'", "did you mean '办件类型'?",
    ),
    Case(
        "OW012-top-level",
        {"a.ow": "jurisdictoin 兰山区 {\n  level district\n}\n"},
        "OW012", 1, 1, "unknown statement 'jurisdictoin'", "did you mean 'jurisdiction'?",
    ),
    # ------------------------------------------------------------ unknown words and names
    Case(
        "OW101-matter-type",
        {"a.ow": jur("  matter 甲 { type 许可 }\n")},
        "OW101", 3, 19, "unknown matter type '许可'", "did you mean '行政许可'?",
    ),
    Case(
        "OW101-window-kind",
        {"a.ow": jur("  hall 大厅 { window 一 { kind comprehensiv } }\n")},
        "OW101", 3, 29, "unknown window kind 'comprehensiv'", "did you mean 'comprehensive'?",
    ),
    Case(
        "OW101-handling",
        {"a.ow": jur("  matter 甲 { handling soon }\n")},
        "OW101", 3, 23, "unknown handling 'soon'", "use one of: immediate, promised",
    ),
    Case(
        "OW101-material-source",
        {"a.ow": jur('  matter 甲 { materials { "营业执照" from shop } }\n')},
        "OW101", 3, 38, "unknown material source 'shop'", "use one of: applicant, shared",
    ),
    Case(
        "OW101-delivery",
        {"a.ow": jur("  matter 甲 { delivery pickup, post }\n")},
        "OW101", 3, 31, "unknown delivery way 'post'", "use one of: pickup, mail, elicence",
    ),
    Case(
        "OW101-online",
        {"a.ow": jur("  matter 甲 { online 全程 }\n")},
        "OW101", 3, 21, "unknown online depth '全程'", "did you mean '全程网办'?",
    ),
    Case(
        "OW101-service-object",
        {"a.ow": jur("  matter 甲 { serves person, company }\n")},
        "OW101", 3, 29, "unknown service object 'company'", "use one of: person, business",
    ),
    Case(
        "OW101-assesses-level",
        {"a.ow": jur("  assessment 六统一 { assesses town }\n")},
        "OW101", 3, 29, "unknown level 'town'", "did you mean 'township'?",
    ),
    Case(
        "OW101-target-status",
        {
            "a.ow": jur(
                '  test "t" {\n    as of 2019-12-31\n'
                "    expect target one_window_share reached\n  }\n"
            )
        },
        "OW101", 5, 36, "unknown target status 'reached'", "use met, missed or pending",
    ),
    Case(
        "OW101-lint-severity",
        {"a.ow": jur("  lint OW151 loud\n")},
        "OW101", 3, 14, "unknown lint severity 'loud'", "use error, warning, info or off",
    ),
    Case(
        "OW102-matter-department",
        {"a.ow": jur('  department 审批局 "兰山区行政审批服务局"\n  matter 甲 { department 审批 }\n')},
        "OW102", 4, 25, "unknown department '审批'", "did you mean '审批局'?",
    ),
    Case(
        "OW102-chain-lead-not-inherited-from-child",
        {"a.ow": jur("  chain 开办企业 { lead 市场监管局 }\n")},
        "OW102", 3, 21, "unknown department '市场监管局'",
        'declare it: department 市场监管局 "full name" (here or in a parent)',
    ),
    Case(
        "OW103-window-matter",
        {"a.ow": jur("  matter 甲事项 { }\n  hall 大厅 { window 一 { matters 乙事项 } }\n")},
        "OW103", 4, 32, "unknown matter '乙事项'", "did you mean '甲事项'?",
    ),
    Case(
        "OW103-chain-step",
        {"a.ow": jur("  chain 开办企业 { steps 企业设立登记 }\n")},
        "OW103", 3, 22, "unknown matter '企业设立登记'", "declare it with 'matter'",
    ),
    Case(
        "OW103-material-issuer",
        {"a.ow": jur('  matter 甲 { materials { "营业执照" from matter 企业设立 } }\n')},
        "OW103", 3, 45, "unknown matter '企业设立' issuing material '营业执照'", None,
    ),
    Case(
        "OW103-target-subject",
        {"a.ow": jur("  target promised_workdays of 开办企业 <= 2\n")},
        "OW103", 3, 31, "unknown matter or chain '开办企业' in target", None,
    ),
    Case(
        "OW104-domain",
        {"a.ow": jur("  domains 商事登记\n  matter 甲 { domain 商事 }\n")},
        "OW104", 4, 21, "unknown service domain '商事'", "did you mean '商事登记'?",
    ),
    Case(
        "OW104-window-domain",
        {"a.ow": jur("  hall 大厅 { window 一 { domains 投资项目 } }\n")},
        "OW104", 3, 32, "unknown service domain '投资项目'", "declare it: domains 投资项目",
    ),
    Case(
        "OW105-parent",
        {"a.ow": "jurisdiction 临沂市 { level city }\n" + jur("  parent 临沂\n")},
        "OW105", 4, 10, "unknown parent jurisdiction '临沂'", "did you mean '临沂市'?",
    ),
    Case(
        "OW105-delegation-target",
        {"a.ow": delegations("delegate 个体工商户设立登记 to 白沙埠镇")},
        "OW105", 5, 25, "unknown jurisdiction '白沙埠镇'", None,
    ),
    Case(
        "OW105-facts",
        {"a.ow": jur(""), "f.ow": "facts 兰山 as of 2019-12-31 { event 媒体曝光 }\n"},
        "OW105", 1, 7, "unknown jurisdiction '兰山'", "did you mean '兰山区'?", file="f.ow",
    ),
    Case(
        "OW105-top-level-test-without-subject",
        {"a.ow": jur(""), "t.ow": 'test "t" { as of 2019-12-31 }\n'},
        "OW105", 1, 1, "test 't' outside a jurisdiction does not say which one it tests",
        "add: jurisdiction NAME", file="t.ow",
    ),
    Case(
        "OW106-target-metric",
        {"a.ow": jur("  target one_window_shar >= 60% by 2018-12-31\n")},
        "OW106", 3, 10, "unknown metric 'one_window_shar'", "did you mean 'one_window_share'?",
    ),
    Case(
        "OW106-shortfall-metric",
        {
            "a.ow": jur(
                "  assessment 六统一 {\n    category 统一管理模式 max 15 {\n"
                "      shortfall 规范化占比 below 40% costs 1 per point\n    }\n  }\n"
            )
        },
        "OW106", 5, 17, "unknown metric '规范化占比'", "onewindow plugins --metrics",
    ),
    Case(
        "OW106-fact-metric",
        {"a.ow": jur("  facts as of 2019-12-31 { metric no_such_metric 5 }\n")},
        "OW106", 3, 28, "unknown metric 'no_such_metric'", "onewindow plugins --metrics",
    ),
    Case(
        "OW107-calendar",
        {"a.ow": jur("  calendar china\n")},
        "OW107", 3, 12, "unknown calendar 'china'", "'cn' is the built-in one",
    ),
    # ------------------------------------------------------------ duplicates and missing
    Case(
        "OW110-jurisdiction",
        {"a.ow": jur(""), "b.ow": jur("")},
        "OW110", 1, 14, "jurisdiction '兰山区' is declared twice", "the other is at a.ow:1:14",
        file="b.ow",
    ),
    Case(
        "OW110-department",
        {"a.ow": jur('  department 审批局 "一"\n  department 审批局 "二"\n')},
        "OW110", 4, 14, "department '审批局' is declared twice in jurisdiction '兰山区'",
        "the first is at line 3",
    ),
    Case(
        "OW110-window",
        {"a.ow": jur("  hall 大厅 {\n    window 综合 { }\n    window 综合 { }\n  }\n")},
        "OW110", 5, 12, "window '综合' is declared twice in hall '大厅'", "the first is at line 4",
    ),
    Case(
        "OW110-category",
        {
            "a.ow": jur(
                "  assessment 六统一 {\n    category 甲 max 5 { }\n    category 甲 max 5 { }\n  }\n"
            )
        },
        "OW110", 5, 14, "category '甲' is declared twice in assessment '六统一'",
        "the first is at line 4",
    ),
    Case(
        "OW111-matter-code",
        {"a.ow": jur('  matter 甲 { code "X1" }\n  matter 乙 { code "X1" }\n')},
        "OW111", 4, 10, "matter code 'X1'", "line 3",
    ),
    Case(
        "OW112-matter-statement",
        {"a.ow": jur("  matter 甲 {\n    handling promised\n    handling immediate\n  }\n")},
        "OW112", 5, 5, "'handling' is given twice in matter '甲'", "the first is at line 4",
    ),
    Case(
        "OW112-jurisdiction-statement",
        {"a.ow": jur("  level township\n")},
        "OW112", 3, 3, "'level' is given twice in jurisdiction '兰山区'", "keep one",
    ),
    Case(
        "OW112-window-statement",
        {"a.ow": jur("  hall 大厅 { window 一 { staff 1  staff 2 } }\n")},
        "OW112", 3, 33, "'staff' is given twice in window '一'", "keep one",
    ),
    Case(
        "OW113-missing-level",
        {"a.ow": "jurisdiction 兰山街道 {\n  department 审批局\n}\n"},
        "OW113", 1, 14, "jurisdiction '兰山街道' does not say its level",
        "add: level province | city | district | township | village",
    ),
    # ------------------------------------------------------------ values
    Case(
        "OW120-promised-over-legal",
        {"a.ow": jur("  matter 甲 {\n    limit legal 15 workdays, promised 20 workdays\n  }\n")},
        "OW120", 4, 30,
        "promised limit 20 workdays is longer than the legal limit 15 workdays",
        "must not exceed the legal one",
    ),
    Case(
        "OW121-target",
        {"a.ow": jur("  target one_window_share >= 600% by 2018-12-31\n")},
        "OW121", 3, 30, "target 600% is outside 0–100%", "between 0% and 100%",
    ),
    Case(
        "OW121-fact",
        {"a.ow": jur("  facts as of 2019-12-31 { metric village_room_coverage 120% }\n")},
        "OW121", 3, 57, "value of 'village_room_coverage' 120% is outside 0–100%",
        "between 0% and 100%",
    ),
    Case(
        "OW121-weight",
        {
            "a.ow": jur(
                "  assessment 区委2号文 { }\n  assessment 六统一 folds into 区委2号文 weight 150% { }\n"
            )
        },
        "OW121", 4, 42, "weight 150% is outside 0–100%", "between 0% and 100%",
    ),
    Case(
        "OW122-no-such-day",
        {"a.ow": jur("  target one_window_share >= 60% by 2018-11-31\n")},
        "OW122", 3, 37, "'2018-11-31' is not a real date", "write dates as YYYY-MM-DD",
    ),
    Case(
        "OW122-reversed-range",
        {"a.ow": jur('  closed 2019-10-08..2019-10-05 "系统升级"\n')},
        "OW122", 3, 3, "date range ends (2019-10-05) before it starts (2019-10-08)",
        "write the earlier date first",
    ),
    Case(
        "OW123-reversed-hours",
        {"a.ow": jur("  hall 大厅 { hours 09:00-12:00, 17:00-13:30 }\n")},
        "OW123", 3, 32, "opening hours end (13:30) before they start (17:00)",
        "write the earlier time first",
    ),
    Case(
        "OW123-no-such-time",
        {"a.ow": jur("  hall 大厅 { hours 08:30-25:00 }\n")},
        "OW123", 3, 19, "'08:30-25:00' is not a valid time range", "use 24-hour times",
    ),
    Case(
        "OW124-test-without-date",
        {"a.ow": jur('  test "两处不达标扣10分" {\n    facts { findings 统一建设要求 2 }\n  }\n')},
        "OW124", 3, 3, "test '两处不达标扣10分' has no 'as of' date", "add: as of 2019-12-31",
    ),
    Case(
        "OW125-floor-above-max",
        {"a.ow": jur("  assessment 六统一 {\n    category 甲 max 15 floor 20 { }\n  }\n")},
        "OW125", 4, 14, "category '甲' has floor 20 above its max 15", None,
    ),
    Case(
        "OW125-seal-range",
        {"a.ow": jur("  seals 20..9\n")},
        "OW125", 3, 3, "seal range 20..9 is empty", "write the lower number first",
    ),
    # ------------------------------------------------------------ delegation and seals
    Case(
        "OW130-grandchild",
        {"a.ow": delegations("delegate 个体工商户设立登记 to 枣园村")},
        "OW130", 5, 25, "'枣园村' is not a child of '兰山区'", "'枣园村' has parent '兰山街道'",
    ),
    Case(
        "OW131-not-held",
        {"a.ow": delegations("delegate 药品零售企业设立 to 兰山街道")},
        "OW131", 5, 12, "'兰山区' delegates '药品零售企业设立', which it does not hold",
        "only matters declared here or delegated here can be delegated on",
    ),
    Case(
        "OW132-window-lists-parent-matter",
        {
            "a.ow": delegations()
            + "jurisdiction 义堂镇 {\n  level township\n  parent 兰山区\n"
            "  hall 便民服务中心 { window 综合 { matters 个体工商户设立登记 } }\n}\n"
        },
        "OW132", 12, 37, "'义堂镇' handles '个体工商户设立登记' of '兰山区' without a delegation",
        "add to 兰山区: delegate 个体工商户设立登记 to 义堂镇 (不得越权)",
    ),
    Case(
        "OW132-town-declares-district-matter",
        {"a.ow": jur("  matter 甲 { level district }\n", name="兰山街道", level="township")},
        "OW132", 3, 10, "'兰山街道' (township) declares '甲' exercised at district level",
        "declare the matter in the district that holds it and delegate it here",
    ),
    Case(
        "OW133-seal-reused",
        {
            "a.ow": delegations(
                "delegate 个体工商户设立登记 to 兰山街道 seal 9",
                "delegate 个体工商户设立登记 to 金雀山街道 seal 9",
            )
        },
        "OW133", 6, 36, "seal 9 is already used for 兰山街道", "its own numbered seal",
    ),
    Case(
        "OW134-seal-outside-range",
        {"a.ow": delegations("delegate 个体工商户设立登记 to 兰山街道 seal 21")},
        "OW134", 5, 35, "seal 21 is outside the declared range 9..20",
        "use a seal between 9 and 20",
    ),
    # ------------------------------------------------------------ the tree
    Case(
        "OW140-parent-cycle",
        {"a.ow": "jurisdiction 甲 { level city  parent 乙 }\njurisdiction 乙 { level city  parent 甲 }\n"},
        "OW140", 1, 37, "parents form a cycle: 甲 → 乙 → 甲", "fix one 'parent' line",
        also=("OW144",),
    ),
    Case(
        "OW141-include-cycle",
        {
            "a.ow": jur('  include "p/b.ow"\n'),
            "p/b.ow": 'include "c.ow"\n',
            "p/c.ow": 'include "b.ow"\n',
        },
        "OW141", 1, 1, "includes form a cycle: p/b.ow → p/c.ow → p/b.ow",
        "remove one of these includes", file="p/c.ow",
    ),
    Case(
        "OW142-include-leaves-root",
        {"a.ow": jur('  include "../elsewhere.ow"\n')},
        "OW142", 3, 3, "include '../elsewhere.ow' leaves the jurisdictions root",
        "keep included files inside the folder that holds onewindow.toml",
    ),
    Case(
        "OW143-include-not-found",
        {"a.ow": jur('  include "common/大厅.ow"\n')},
        "OW143", 3, 3, "included file 'common/大厅.ow' does not exist", "paths are relative to",
    ),
    Case(
        "OW144-level-not-below-parent",
        {"a.ow": jur("") + "jurisdiction 兰山街道 {\n  level district\n  parent 兰山区\n}\n"},
        "OW144", 5, 9, "a district cannot sit under the district '兰山区'",
        "a child's level must be below its parent's",
    ),
    Case(
        "OW145-loose-item",
        {"a.ow": 'department 审批局 "兰山区行政审批服务局"\n' + jur("")},
        "OW145", 1, 1, "'department' is outside any jurisdiction block",
        "put it inside 'jurisdiction NAME { … }'",
    ),
    Case(
        "OW146-jurisdiction-in-fragment",
        {
            "a.ow": jur('  include "村/枣园村.ow"\n', name="兰山街道", level="township"),
            "村/枣园村.ow": "jurisdiction 枣园村 { level village }\n",
        },
        "OW146", 1, 14, "jurisdiction '枣园村' is in a file included inside another jurisdiction",
        "include this file at the top level", file="村/枣园村.ow",
    ),
    # ------------------------------------------------------------ plugins
    Case(
        "OW150-plugin-missing",
        {"a.ow": jur('  plugins "onewindow_no_such_plugin"\n')},
        "OW150", 3, 11, "plugin 'onewindow_no_such_plugin' is not available",
        "pip install onewindow-no-such-plugin",
    ),
    Case(
        "OW150-top-level-plugins-line",
        {"a.ow": 'plugins "onewindow_no_such_plugin"\n' + jur("")},
        "OW150", 1, 9, "plugin 'onewindow_no_such_plugin' is not available", "--plugin",
    ),
    Case(
        "OW151-setting",
        {"a.ow": jur("  set vilages = 12\n")},
        "OW151", 3, 3, "no loaded plugin reads the setting 'vilages'", "did you mean 'villages'?",
    ),
    Case(
        "OW152-rule-kind",
        {"a.ow": jur("  assessment 考核 {\n    rule grid_patrols { per_cadre 1 }\n  }\n")},
        "OW152", 4, 10, "unknown rule kind 'grid_patrols'", "rule kinds come from plugins",
    ),
    # ------------------------------------------------------------ assessments
    Case(
        "OW160-fold-target",
        {"a.ow": jur("  assessment 区委2号文 { }\n  assessment 六统一 folds into 区委2号 { }\n")},
        "OW160", 4, 29, "unknown assessment '区委2号' to fold into", "did you mean '区委2号文'?",
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_code(case: Case, run: Callable[[Files], list[Diagnostic]]) -> None:
    diags = run(case.files)
    assert sorted({d.code for d in diags}) == sorted({case.code, *case.also})
    found = [d for d in diags if d.code == case.code]
    assert len(found) == 1, found
    d = found[0]
    assert (d.span.file, d.span.line, d.span.column) == (case.file, case.line, case.column)
    assert case.message in d.message
    if case.hint is None:
        assert d.hint is None
    else:
        assert d.hint is not None and case.hint in d.hint
    info = lookup(d.code)
    assert info is not None and d.severity == info.severity


def test_every_live_code_has_a_case() -> None:
    # OW006: see test_file_too_large; OW170/OW171: see test_overlay_* below
    live = {c.code for c in all_codes() if c.status is not Status.removed}
    covered = {c.code for c in CASES} | {"OW006", "OW007", "OW170", "OW171"}
    covered |= {c for c in live if c >= "OW200"}  # lint rules: tests/dsl/test_lint_rules.py
    assert live - covered == set()


def test_overlay_naming_an_unknown_jurisdiction(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "onewindow.toml").write_text("", encoding="utf-8")
    (root / "a.ow").write_text(jur("  department 审批局\n"), encoding="utf-8")
    reform = tmp_path / "reform.ow"
    reform.write_text("jurisdiction 兰山 { department 审批局 }\n", encoding="utf-8")
    diags = check([root], overlays=[reform]).diagnostics
    assert [(d.code, d.span.line, d.span.column) for d in diags] == [("OW170", 1, 14)]
    assert "兰山区" in (diags[0].hint or "")


def test_overlay_statement_outside_a_jurisdiction(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "onewindow.toml").write_text("", encoding="utf-8")
    (root / "a.ow").write_text(jur("  department 审批局\n"), encoding="utf-8")
    reform = tmp_path / "reform.ow"
    reform.write_text("department 审批局\n", encoding="utf-8")
    diags = check([root], overlays=[reform]).diagnostics
    assert [(d.code, d.span.line, d.span.column) for d in diags] == [("OW171", 1, 1)]


def test_overlay_replaces_named_blocks_and_adds_new_ones(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "onewindow.toml").write_text("", encoding="utf-8")
    base = "  department 审批局\n  matter 甲 { department 审批局  trips 2 }\n"
    (root / "a.ow").write_text(jur(base), encoding="utf-8")
    reform = tmp_path / "reform.ow"
    reform.write_text(
        "jurisdiction 兰山区 {\n  matter 甲 { department 审批局  trips 1 }\n"
        "  matter 乙 { department 审批局 }\n}\n",
        encoding="utf-8",
    )
    result = check([root], overlays=[reform])
    assert result.ok, result.diagnostics
    matters = {m.name: m for m in result.workspace.jurisdictions["兰山区"].matters}
    assert matters["甲"].trips == 1 and set(matters) == {"甲", "乙"}
    assert matters["甲"].span.file.endswith("reform.ow")


def test_file_too_large(run: Callable[[Files], list[Diagnostic]]) -> None:
    (Path.cwd() / "big.ow").write_text(jur(""), encoding="utf-8")
    with (Path.cwd() / "big.ow").open("r+b") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, the size is checked first
    diags = run({})
    assert [(d.code, d.span.file, d.span.line, d.span.column) for d in diags] == [
        ("OW006", "big.ow", 1, 1)
    ]
    assert "the file is too large" in diags[0].message
    assert diags[0].hint is not None and "include" in diags[0].hint


# ---------------------------------------------------------------- syntax recovery


def test_three_syntax_errors_in_one_file_are_all_reported(
    run: Callable[[Files], list[Diagnostic]],
) -> None:
    text = (
        "jurisdiction 兰山区 {\n"  # 1
        "  level district\n"  # 2
        "  matter 个体工商户设立登记 {\n"  # 3
        '    code "37011300XK00001\n'  # 4  unterminated text
        "    fee none\n"  # 5
        "    volume per year\n"  # 6  number missing
        "  }\n"  # 7
        "  staff 3\n"  # 8  window statement in a jurisdiction
        "  hall 大厅 { hours 09:00-12:00 }\n"  # 9
        "}\n"
    )
    diags = run({"a.ow": text})
    assert [(d.code, d.span.line) for d in diags] == [("OW003", 4), ("OW001", 6), ("OW001", 8)]
    # what follows the broken lines is still read and checked
    assert "兰山区" in check([Path.cwd()]).workspace.jurisdictions


def test_misspelt_keyword_suggests_code(run: Callable[[Files], list[Diagnostic]]) -> None:
    diags = run({"a.ow": jur('  matter 甲 {\n    cod "37011300XK00001"\n  }\n')})
    assert [d.hint for d in diags] == ["did you mean 'code'?"]


def test_incomplete_limit_blames_its_own_line(run: Callable[[Files], list[Diagnostic]]) -> None:
    text = jur("  matter 甲 {\n    limit legal\n\n    # a comment\n    fee none\n  }\n")
    (d,) = run({"a.ow": text})
    assert (d.code, d.span.line) == ("OW010", 4)
    assert "'limit legal'" in d.message


def test_syntax_errors_in_an_included_fragment_name_the_fragment(
    run: Callable[[Files], list[Diagnostic]],
) -> None:
    diags = run({"a.ow": jur('  include "hall.ow"\n'), "hall.ow": "hall 大厅 { hours 9 }\n"})
    assert [(d.code, d.span.file, d.span.line) for d in diags] == [("OW001", "hall.ow", 1)]


# ---------------------------------------------------------------- problems found and fixed


def test_self_include_is_a_cycle_not_a_silent_loss(
    run: Callable[[Files], list[Diagnostic]],
) -> None:
    diags = run({"a.ow": 'include "a.ow"\n' + jur("")})
    assert [d.code for d in diags] == ["OW141"]


def test_misspelt_level_is_one_error(run: Callable[[Files], list[Diagnostic]]) -> None:
    diags = run({"a.ow": "jurisdiction 兰山区 {\n  level distric\n}\n"})
    assert [d.code for d in diags] == ["OW101"]


def test_incomplete_statement_at_end_of_file_blames_that_statement(
    run: Callable[[Files], list[Diagnostic]],
) -> None:
    (d,) = run({"a.ow": jur("") + "facts 兰山区 as of\n"})
    assert (d.code, d.span.line) == ("OW002", 4)
    assert d.hint is not None and "facts" in d.hint


def test_unexpected_token_lists_only_what_may_follow(
    run: Callable[[Files], list[Diagnostic]],
) -> None:
    (d,) = run({"a.ow": jur("  target one_window_share >= 60% of 开办企业\n")})
    assert d.code == "OW001"
    assert "'costs'" not in d.message and "'as of'" not in d.message


def test_empty_seal_range_is_reported_once(run: Callable[[Files], list[Diagnostic]]) -> None:
    text = delegations("delegate 个体工商户设立登记 to 兰山街道 seal 9").replace(
        "seals 9..20", "seals 20..9"
    )
    assert [d.code for d in run({"a.ow": text})] == ["OW125"]


def test_duplicate_code_hint_speaks_of_the_code(run: Callable[[Files], list[Diagnostic]]) -> None:
    (d,) = run({"a.ow": jur('  matter 甲 { code "X1" }\n  matter 乙 { code "X1" }\n')})
    assert d.hint is not None and "rename" not in d.hint and "code" in d.hint

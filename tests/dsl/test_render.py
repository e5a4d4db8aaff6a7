"""Snapshots of rendered diagnostics: head line, numbered gutter, carets (CJK-wide), hint, JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.text import Text

from onewindow.dsl.check import check
from onewindow.dsl.diagnostics import Diagnostic, Severity, error, warning
from onewindow.dsl.model import Span
from onewindow.dsl.render import SourceLines, render_text, summary, to_json

SOURCE = {
    "兰山区.ow": [
        "jurisdiction 兰山区 {",
        "  level district",
        '  department 审批局 "兰山区行政审批服务局"',
        "  matter 个体工商户设立登记 {",
        "    department 审批",
        "  }",
        "  delegate 个体工商户设立登记 to 兰山街道 seal 21",
        "}",
        "",
        "",
        "",
        "  set vilages = 12",
    ]
}


def sources() -> SourceLines:
    """Source lines served from memory, as SourceLines would read them from disk."""
    return SourceLines(lambda path: SOURCE.get(path))


def span(line: int, col: int, end_col: int, end_line: int | None = None) -> Span:
    return Span(
        file="兰山区.ow", line=line, column=col, end_line=end_line or line, end_column=end_col
    )


def plain(d: Diagnostic) -> str:
    return render_text(d, sources(), markup=False)


def test_head_gutter_carets_and_hint_under_a_chinese_name() -> None:
    d = error("OW102", span(5, 16, 18), "unknown department '审批'", "did you mean '审批局'?")
    assert plain(d) == (
        "兰山区.ow:5:16: error OW102: unknown department '审批'\n"
        "  |\n"
        "5 |     department 审批\n"
        "  |                ^^^^\n"
        "  hint: did you mean '审批局'?"
    )


def test_carets_line_up_after_wide_characters() -> None:
    # the seal number follows 13 Chinese characters (two cells each) on the line
    d = error("OW134", span(7, 35, 37), "seal 21 is outside the declared range 9..20")
    source_line, caret_line = plain(d).split("\n")[2:4]
    assert source_line == "7 |   delegate 个体工商户设立登记 to 兰山街道 seal 21"
    assert caret_line == "  | " + " " * 47 + "^^"  # 2 + 8 + 1 + 18 + 1 + 2 + 1 + 8 + 1 + 4 + 1
    # the carets start exactly under the '2' of '21', counted in terminal cells
    assert caret_line.index("^") == cell_len(source_line[: source_line.index("21")])


def test_caret_width_is_the_cell_width_of_the_span() -> None:
    d = error("OW103", span(4, 10, 19), "x")
    caret_line = plain(d).split("\n")[3]
    assert caret_line.count("^") == cell_len("个体工商户设立登记") == 18


def test_gutter_widens_with_the_line_number() -> None:
    d = warning(
        "OW151",
        span(12, 3, 19),
        "no loaded plugin reads the setting 'vilages'",
        "did you mean 'villages'?",
    )
    assert plain(d) == (
        "兰山区.ow:12:3: warning OW151: no loaded plugin reads the setting 'vilages'\n"
        "   |\n"
        "12 |   set vilages = 12\n"
        "   |   ^^^^^^^^^^^^^^^^\n"
        "  hint: did you mean 'villages'?"
    )


def test_related_notes_come_before_the_hint() -> None:
    d = error(
        "OW110",
        span(3, 14, 17),
        "department '审批局' is declared twice in jurisdiction '兰山区'",
        "rename or remove one; the first is at line 1",
        related=((span(1, 14, 17), "first declared here"),),
    )
    assert plain(d).split("\n")[4:] == [
        "  note: first declared here at 兰山区.ow:1:14",
        "  hint: rename or remove one; the first is at line 1",
    ]


def test_no_hint_no_hint_line() -> None:
    d = error("OW125", span(2, 9, 17), "category '甲' has floor 20 above its max 15")
    assert plain(d).split("\n")[-1] == "  |         ^^^^^^^^"
    assert "hint:" not in plain(d)


def test_span_at_the_end_of_a_line_gets_one_caret_after_the_text() -> None:
    d = error("OW010", span(2, 17, 18), "incomplete statement")
    assert plain(d).split("\n")[2:4] == ["2 |   level district", "  |                 ^"]


def test_span_over_several_lines_is_underlined_to_the_end_of_its_first_line() -> None:
    d = error("OW124", span(4, 3, 4, end_line=6), "test 't' has no 'as of' date")
    assert plain(d).split("\n")[3] == "  |   " + "^" * cell_len("matter 个体工商户设立登记 {")


def test_missing_source_gives_head_and_hint_only() -> None:
    d = error(
        "OW005",
        Span(file="gone.ow", line=1, column=1, end_line=1, end_column=2),
        "cannot read the file: Permission denied",
        "check the file's permissions",
    )
    assert plain(d) == (
        "gone.ow:1:1: error OW005: cannot read the file: Permission denied\n"
        "  hint: check the file's permissions"
    )


def test_markup_form_shows_the_same_text_with_brackets_escaped() -> None:
    d = error("OW001", span(5, 16, 18), "unexpected '[' here; expected a name", "use [quotes]")
    marked = render_text(d, sources(), markup=True)
    assert marked != plain(d)
    assert Text.from_markup(marked).plain == plain(d)


def test_carets_line_up_on_a_tab_indented_line() -> None:
    src = SourceLines(lambda path: ["\t\tdepartment 审批"])
    d = error("OW102", Span(file="t.ow", line=1, column=14, end_line=1, end_column=16), "x")
    source_line, caret_line = render_text(d, src, markup=False).split("\n")[2:4]
    assert caret_line.index("^") == cell_len(source_line[: source_line.index("审批")])
    assert caret_line.count("^") == 4


def test_json_form_keys_and_values() -> None:
    d = error(
        "OW110",
        span(3, 14, 17),
        "department '审批局' is declared twice",
        "rename one",
        related=((span(1, 14, 17), "first declared here"),),
    )
    data = to_json(d)
    assert data == {
        "code": "OW110",
        "severity": "error",
        "file": "兰山区.ow",
        "line": 3,
        "column": 14,
        "end_line": 3,
        "end_column": 17,
        "message": "department '审批局' is declared twice",
        "hint": "rename one",
        "related": [{"file": "兰山区.ow", "line": 1, "column": 14, "note": "first declared here"}],
    }
    assert to_json(warning("OW151", span(12, 3, 19), "m"))["hint"] is None


def test_summary_counts_errors_and_warnings() -> None:
    ds = [
        error("OW102", span(5, 16, 18), "a"),
        error("OW134", span(7, 35, 37), "b"),
        warning("OW151", span(12, 3, 19), "c"),
    ]
    assert summary(ds) == (2, 1)
    assert {d.severity for d in ds} == {Severity.error, Severity.warning}


def test_rendered_from_a_checked_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "onewindow.toml").write_text("", encoding="utf-8")
    (tmp_path / "兰山区.ow").write_text("\n".join(SOURCE["兰山区.ow"][:8]) + "\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = check([tmp_path])
    text = "\n".join(render_text(d, SourceLines(), markup=False) for d in result.diagnostics)
    assert text == (
        "兰山区.ow:5:16: error OW102: unknown department '审批'\n"
        "  |\n"
        "5 |     department 审批\n"
        "  |                ^^^^\n"
        "  hint: did you mean '审批局'?\n"
        "兰山区.ow:7:25: error OW105: unknown jurisdiction '兰山街道'\n"
        "  |\n"
        "7 |   delegate 个体工商户设立登记 to 兰山街道 seal 21\n"
        "  |                                  ^^^^^^^^"
    )

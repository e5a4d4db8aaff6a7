"""Tests of the formatter (dsl/format.py) and of `onewindow fmt` (engine/cli/fmt_cmd.py)."""

from __future__ import annotations

import os
import stat
from collections import Counter
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from onewindow.dsl import format as fmt
from onewindow.dsl.build import transform
from onewindow.dsl.format import comments_of, format_file, format_text, write_atomic
from onewindow.dsl.parse import grammar, parse_text
from onewindow.dsl.printer import comparable
from onewindow.engine.cli import fmt_cmd
from tests.conftest import FIXTURES, JURISDICTIONS
from tests.dsl.strategies import source_texts

BUNDLED = sorted([*JURISDICTIONS.rglob("*.ow"), *FIXTURES.rglob("*.ow")])
EVERYTHING = sorted((FIXTURES / "everything").rglob("*.ow"))


def meaning(text: str) -> object:
    """The statements a text builds, spans aside (the formatter must keep them)."""
    tree, diagnostics = parse_text(text, "m.ow")
    assert tree is not None and not diagnostics, [d.message for d in diagnostics]
    items, _ = transform(tree, "m.ow")
    return comparable(items)


def formatted(text: str, lang: str | None = None) -> str:
    result = format_text(text, "t.ow", lang)  # type: ignore[arg-type]
    assert result.text is not None, [d.message for d in result.diagnostics]
    return result.text


# ---------------------------------------------------------------- bundled files


def _rel(path: Path) -> str:
    return str(path.relative_to(JURISDICTIONS.parent))


@pytest.mark.parametrize("path", BUNDLED, ids=_rel)
def test_bundled_file_formats_idempotently(path: Path) -> None:
    """fmt of fmt changes nothing; meaning and comments are checked inside `format_text`."""
    result = format_file(path)
    assert result.text is not None, [d.message for d in result.diagnostics]
    assert formatted(result.text) == result.text


def test_the_formatter_checks_meaning_and_comments_before_returning() -> None:
    source = "jurisdiction 甲 {\n  level district  # 区\n}\n"
    tokens, tree = fmt._lex(source)
    comments = fmt._comments(source, tokens)
    fmt._verify("t.ow", tree, comments, source.replace("  ", "    "))  # layout only: fine
    with pytest.raises(fmt.FormatError, match="means"):
        fmt._verify("t.ow", tree, comments, source.replace("district", "township"))
    with pytest.raises(fmt.FormatError, match="comment"):
        fmt._verify("t.ow", tree, comments, source.replace("# 区", ""))
    with pytest.raises(fmt.FormatError, match="parse"):
        fmt._verify("t.ow", tree, comments, source.replace("}", ""))


@pytest.mark.parametrize("path", EVERYTHING, ids=_rel)
def test_everything_fixture_converts_en_zh_en_without_loss(path: Path) -> None:
    english = formatted(path.read_text(encoding="utf-8"), "en")
    chinese = formatted(english, "zh")
    assert fmt.dominant_language(fmt._lex(chinese)[0]) == "zh"
    assert meaning(chinese) == meaning(english)
    assert formatted(chinese) == chinese  # a Chinese file stays Chinese by default
    assert formatted(chinese, "en") == english


def test_everything_fixture_in_chinese_reads_naturally() -> None:
    text = formatted((FIXTURES / "everything" / "示范区" / "示范区.ow").read_text("utf-8"), "zh")
    assert "    时限 法定 15 工作日, 承诺 3 工作日 自 2019-01-01\n" in text
    assert '      "经营场所使用证明" 自 申请人 容缺\n' in text
    assert "    窗口 出件 { 窗口类型 出件  人员 1 }\n" in text
    assert "    减分 媒体曝光 -20 每次\n" in text


def test_the_formatter_knows_every_grammar_rule() -> None:
    """A new statement in the grammar must be taught to the formatter and the printer."""
    rules = {str(r.alias or r.origin.name) for r in grammar().lark.rules}
    rules = {r for r in rules if not r.startswith("_")}
    assert rules <= fmt.STATEMENTS | fmt.PARTS, rules - fmt.STATEMENTS - fmt.PARTS
    assert all(hasattr(fmt._TreeWriter, rule) for rule in fmt.STATEMENTS)


# ---------------------------------------------------------------- layout and comments


def test_comments_stay_with_their_statements() -> None:
    source = (
        "# about the file\n"
        "jurisdiction 甲 {   # after the brace\n"
        "  level   district # trailing\n"
        "  # about the parent\n"
        "\n"
        "\n"
        "  parent 乙\n"
        "  # before the closing brace\n"
        "}\n"
        "# the end\n"
    )
    assert formatted(source) == (
        "# about the file\n"
        "jurisdiction 甲 {  # after the brace\n"
        "  level district  # trailing\n"
        "  # about the parent\n"
        "\n"
        "  parent 乙\n"
        "  # before the closing brace\n"
        "}\n"
        "# the end\n"
    )


def test_a_comment_inside_a_multiline_statement_moves_above_it() -> None:
    source = (
        "matter 乙 {\n"
        "  limit legal 15 workdays,   # first\n"
        "        promised 3 workdays  # second\n"
        "}\n"
    )
    assert formatted(source) == (
        "matter 乙 {\n  # first\n  limit legal 15 workdays, promised 3 workdays  # second\n}\n"
    )


def test_a_one_line_block_keeps_its_comment_after_the_brace_when_expanded() -> None:
    source = (
        "jurisdiction 甲 {\n"
        "  matter 公章刻制 { department 公安分局  limit legal 5 days }  # one line\n"
        "  hall 大厅 {\n"
        "    window 综合 { kind comprehensive  staff 1  staff 2  staff 3  staff 4 }  # five\n"
        "    window 出件 { kind delivery }   # short\n"
        "  }\n"
        "}\n"
    )
    assert formatted(source) == (
        "jurisdiction 甲 {\n"
        "  matter 公章刻制 {  # one line\n"
        "    department 公安分局\n"
        "    limit legal 5 days\n"
        "  }\n"
        "\n"
        "  hall 大厅 {\n"
        "    window 综合 {  # five\n"
        "      kind comprehensive\n"
        "      staff 1\n"
        "      staff 2\n"
        "      staff 3\n"
        "      staff 4\n"
        "    }\n"
        "    window 出件 { kind delivery }  # short\n"
        "  }\n"
        "}\n"
    )


def test_blocks_blank_lines_and_spelling_are_canonical() -> None:
    source = (
        "jurisdiction 甲{\n\n\n  层级 区\n"
        "  matter 一 { fee 0  volume 12.50 }\n"
        "  matter 二 { 办件类型 承诺件  服务时长 8 }\n"
        "  chain 链 { steps (一 -> 二) & 三 → 四 }\n"
        "  closed 2019-1-5～2019-01-05\n"
        "  target x ≥ 60.0% by 2019-12-31\n\n\n"
        "}"
    )
    assert formatted(source, "en") == (
        "jurisdiction 甲 {\n"
        "  level district\n"
        "  matter 一 {\n"
        "    fee 0 yuan\n"
        "    volume 12.5 per year\n"
        "  }\n"
        "\n"
        "  matter 二 {\n"
        "    handling promised\n"
        "    service 8 minutes\n"
        "  }\n"
        "\n"
        "  chain 链 {\n"
        "    steps (一 -> 二) & 三 -> 四\n"
        "  }\n"
        "  closed 2019-01-05\n"
        "  target x >= 60% by 2019-12-31\n"
        "}\n"
    )


def test_the_dominant_language_is_kept_by_default() -> None:
    source = "辖区 甲 { 层级 区县  上级 乙  level district }\n"
    assert formatted(source).startswith("辖区 甲 {\n  层级 区县\n  上级 乙\n  层级 区县\n")
    assert format_text(source, "t.ow").lang == "zh"


def test_syntax_errors_give_diagnostics_and_no_text() -> None:
    result = format_text("jurisdiction 甲 {\n  level\n}\n", "bad.ow")
    assert result.text is None and not result.changed
    assert result.diagnostics and result.diagnostics[0].span.file == "bad.ow"


def test_nul_bytes_are_syntax_errors_even_inside_texts() -> None:
    result = format_text('jurisdiction 甲 { source "a\x00b" }\n', "nul.ow")
    assert result.text is None and result.diagnostics[0].code == "OW004"


def test_empty_and_comment_only_files() -> None:
    assert formatted("") == ""
    assert formatted("\n\n  \n") == ""
    assert formatted("# only\n\n\n# comments  \n") == "# only\n\n# comments\n"


def test_lint_severities_and_dated_expectations_convert() -> None:
    source = (
        "jurisdiction 甲 {\n  lint OW201 off\n\n"
        '  test "t" {\n    as of 2019-12-31\n    expect target m by 2019-12-31 met\n  }\n}\n'
    )
    chinese = formatted(source, "zh")
    assert "  检查 OW201 关闭\n" in chinese
    assert "    预期 目标 m 截止 2019-12-31 达成\n" in chinese
    assert formatted(chinese, "en") == source


def test_unknown_words_and_odd_values_are_kept() -> None:
    source = 'matter 甲 { type 自定义  online "部分"  handling "承诺"  fee "工本费10元" }\n'
    assert formatted(source) == (
        "matter 甲 {\n  type 自定义\n  online 部分\n  handling promised\n  fee 工本费10元\n}\n"
    )
    assert formatted("open 2019-02-30\n") == "open 2019-02-30\n"  # the checker reports it


# ---------------------------------------------------------------- properties

#: Each example is a whole scrambled jurisdiction formatted four times: 50 keep the file quick.
PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(source_texts())
def test_generated_texts_round_trip_are_idempotent_and_keep_comments(source: str) -> None:
    english = formatted(source, "en")
    assert meaning(english) == meaning(source)  # parse(fmt(x)) == parse(x)
    assert formatted(english) == english  # idempotent
    assert Counter(comments_of(english)) == Counter(comments_of(source))
    chinese = formatted(english, "zh")
    assert formatted(chinese, "en") == english  # zh → en


# ---------------------------------------------------------------- atomic writes


def test_write_atomic_keeps_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "甲.ow"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o640)
    write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["甲.ow"]


def test_an_interrupted_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "甲.ow"
    path.write_text("old\n", encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["甲.ow"]


def test_write_atomic_follows_a_symbolic_link(tmp_path: Path) -> None:
    target = tmp_path / "real.ow"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.ow"
    link.symlink_to(target)
    write_atomic(link, "new\n")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new\n"


# ---------------------------------------------------------------- the command


@pytest.fixture
def run():
    app = typer.Typer()
    fmt_cmd.register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["fmt", *map(str, args)])


MESSY = "jurisdiction 甲 {\n    level   district   # 区\n}\n"
CLEAN = "jurisdiction 甲 {\n  level district  # 区\n}\n"


def test_fmt_rewrites_files_in_place(tmp_path: Path, run) -> None:
    (tmp_path / "sub").mkdir()
    messy, clean = tmp_path / "sub" / "a.ow", tmp_path / "b.ow"
    messy.write_text(MESSY, encoding="utf-8")
    clean.write_text(CLEAN, encoding="utf-8")
    (tmp_path / "notes.txt").write_text(MESSY, encoding="utf-8")
    result = run(tmp_path)
    assert result.exit_code == 0, result.output
    assert messy.read_text(encoding="utf-8") == CLEAN
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == MESSY
    assert "1 file(s) reformatted, 1 left unchanged" in result.stderr
    assert run("--check", tmp_path).exit_code == 0


def test_fmt_check_exits_1_and_writes_nothing(tmp_path: Path, run) -> None:
    path = tmp_path / "a.ow"
    path.write_text(MESSY, encoding="utf-8")
    result = run("--check", path)
    assert result.exit_code == 1
    assert "would reformat" in result.stderr
    assert path.read_text(encoding="utf-8") == MESSY


def test_fmt_diff_prints_a_unified_diff(tmp_path: Path, run) -> None:
    path = tmp_path / "a.ow"
    path.write_text(MESSY, encoding="utf-8")
    result = run("--diff", path)
    assert result.exit_code == 1
    assert path.read_text(encoding="utf-8") == MESSY
    assert "-    level   district   # 区\n+  level district  # 区\n" in result.stdout
    assert result.stdout.startswith("--- ")


def test_fmt_lang_converts_keywords(tmp_path: Path, run) -> None:
    path = tmp_path / "a.ow"
    path.write_text(CLEAN, encoding="utf-8")
    assert run("--lang", "zh", path).exit_code == 0
    assert path.read_text(encoding="utf-8") == "辖区 甲 {\n  层级 区县  # 区\n}\n"
    assert run("--lang", "en", path).exit_code == 0
    assert path.read_text(encoding="utf-8") == CLEAN


def test_fmt_leaves_a_file_with_syntax_errors_untouched(tmp_path: Path, run) -> None:
    path = tmp_path / "bad.ow"
    data = "jurisdiction 甲 {\r\n  level\r\n}  \n".encode()
    path.write_bytes(data)
    result = run(path)
    assert result.exit_code == 1
    assert path.read_bytes() == data
    assert "OW0" in result.stderr and "left untouched" in result.stderr


def test_fmt_reports_a_file_that_is_not_utf8(tmp_path: Path, run) -> None:
    path = tmp_path / "gbk.ow"
    data = "jurisdiction 甲 {}\n".encode("gbk")
    path.write_bytes(data)
    result = run(path)
    assert result.exit_code == 1 and "OW005" in result.stderr
    assert path.read_bytes() == data


def test_fmt_bad_path_and_bad_option_exit_2(tmp_path: Path, run) -> None:
    result = run(tmp_path / "missing.ow")
    assert result.exit_code == 2 and "no such file or folder" in result.stderr
    assert run("--lang", "fr", tmp_path).exit_code == 2


def test_fmt_folder_without_files(tmp_path: Path, run) -> None:
    result = run(tmp_path)
    assert result.exit_code == 0 and "no .ow files" in result.stderr

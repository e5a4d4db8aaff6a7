"""Pathological inputs give a clear diagnostic, in bounded time and memory, never a traceback.

Small cases run the checker in this process; the large ones (10 MB files, 1 MB strings) run
the real `onewindow check` in a fresh interpreter whose address space is capped
(`helpers.MEMORY_LIMIT`), with a hang guard.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from onewindow.dsl.check import check
from onewindow.dsl.load import ParseCache
from onewindow.dsl.render import SourceLines, render_text
from tests.robustness.helpers import found, onewindow, write

MB = 1024 * 1024
DISTRICT = 'jurisdiction 甲区 {\n  level district\n  department 审批局 "甲区行政审批服务局"\n}\n'


def codes(root: Path) -> list[str]:
    return [c for c, *_ in found(root)]


# ---------------------------------------------------------------- bytes and encodings


def test_nul_bytes_are_reported_where_they_are(tmp_path: Path) -> None:
    text = "jurisdiction 甲区 {\n  level dis\x00trict\n}\n"
    root = write(tmp_path, {"a.ow": text})
    assert ("OW004", "a.ow", 2, 12) in found(root)


def test_invalid_utf8_is_reported_with_its_position(tmp_path: Path) -> None:
    data = 'jurisdiction 甲区 {\n  level district\n  source "'.encode() + b"\xff\xfe" + b'"\n}\n'
    root = write(tmp_path, {"a.ow": data})
    assert found(root) == [("OW005", "a.ow", 3, 11)]


def test_a_gbk_file_is_one_clear_error(tmp_path: Path) -> None:
    root = write(tmp_path, {"a.ow": DISTRICT.encode("gbk")})
    assert codes(root) == ["OW005"]


def test_a_bom_is_accepted_and_columns_ignore_it(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {"a.ow": "\ufeff" + DISTRICT, "b.ow": "\ufeffjurisdiction 乙区 { levl district }\n"},
    )
    assert [where for _, *where in found(root)] == [["b.ow", 1, 19]]


def test_a_bom_in_the_middle_is_whitespace(tmp_path: Path) -> None:
    root = write(tmp_path, {"a.ow": DISTRICT.replace("level", "\ufefflevel")})
    assert found(root) == []


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_crlf_and_cr_line_endings_check_clean(newline: str, tmp_path: Path) -> None:
    root = write(tmp_path, {"a.ow": DISTRICT.replace("\n", newline)})
    assert found(root) == []


def test_crlf_errors_point_at_the_right_line_and_render_without_cr(tmp_path: Path) -> None:
    text = "jurisdiction 甲区 {\r\n  level district\r\n  parent 无此市\r\n}\r\n"
    root = write(tmp_path, {"a.ow": text})
    result = check([root], cache=ParseCache())
    (d,) = result.diagnostics
    assert (d.code, d.span.line, d.span.column) == ("OW105", 3, 10)
    shown = render_text(d, SourceLines(), markup=False)
    assert "\r" not in shown
    assert "parent 无此市" in shown


# ---------------------------------------------------------------- sizes


def test_a_10_mb_file_of_comments_with_an_error_at_its_end(tmp_path: Path) -> None:
    """Line counting and recovery stay right at the end of a 10 MB file."""
    line = "# " + "注释" * 40 + "\n"
    count = 10 * MB // len(line.encode())
    text = line * count + "jurisdiction 甲区 {\n  levl district\n}\n"
    root = write(tmp_path, {"big.ow": text})
    ran = onewindow("check", str(root))
    assert ran.code == 1, ran.output
    assert f"big.ow:{count + 2}:3: error" in ran.output
    assert "Traceback" not in ran.output
    assert len(ran.output) < 5_000


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    root = write(tmp_path, {"a.ow": DISTRICT})
    with (root / "huge.ow").open("wb") as f:  # sparse: no 65 MB written to disk
        f.truncate(65 * MB)
    assert ("OW006", "huge.ow", 1, 1) in found(root)


def test_a_10_mb_word_is_one_error_in_bounded_memory(tmp_path: Path) -> None:
    root = write(tmp_path, {"a.ow": "x" * (10 * MB)})
    ran = onewindow("check", str(root))
    assert ran.code == 1, ran.output[-2000:]
    assert "OW012" in ran.output  # an unknown statement, named once
    assert len(ran.output) < 5_000


def test_a_1_mb_string_checks_clean_in_bounded_memory(tmp_path: Path) -> None:
    text = f'jurisdiction 甲区 {{\n  level district\n  source "{"长" * (MB // 3)}"\n}}\n'
    root = write(tmp_path, {"a.ow": text})
    ran = onewindow("check", str(root))
    assert ran.code == 0, ran.output[-2000:]


def test_an_unterminated_1_mb_string_is_one_short_error(tmp_path: Path) -> None:
    text = f'jurisdiction 甲区 {{\n  level district\n  source "{"长" * MB}\n}}\n'
    root = write(tmp_path, {"a.ow": text})
    ran = onewindow("check", str(root))
    assert ran.code == 1, ran.output[-2000:]
    assert "a.ow:3:10: error OW003" in ran.output
    assert len(ran.output) < 5_000


def test_an_error_after_a_1_mb_string_is_shown_briefly(tmp_path: Path) -> None:
    text = f'jurisdiction 甲区 {{ level district source "{"长" * (MB // 3)}" oops }}\n'
    root = write(tmp_path, {"a.ow": text})
    ran = onewindow("check", str(root))
    assert ran.code == 1, ran.output[-2000:]
    assert "OW012" in ran.output  # an unknown statement, named once
    assert len(ran.output) < 5_000


# ---------------------------------------------------------------- nesting


def test_10000_nested_braces_are_one_syntax_error(tmp_path: Path) -> None:
    text = "jurisdiction 甲区 {" + "{" * 10_000 + "}" * 10_000 + "}\n"
    root = write(tmp_path, {"a.ow": text})
    assert codes(root) == ["OW001"]


def test_10000_steps_in_a_row_check_clean(tmp_path: Path) -> None:
    steps = " -> ".join(["甲"] * 10_000)
    text = (
        f"jurisdiction 甲区 {{ level district  matter 甲 {{ }}  chain 链 {{ steps {steps} }} }}\n"
    )
    root = write(tmp_path, {"a.ow": text})
    assert codes(root) == []


def test_10000_nested_parentheses_in_steps_are_a_diagnostic(tmp_path: Path) -> None:
    steps = "(" * 10_000 + "甲" + ")" * 10_000
    text = (
        f"jurisdiction 甲区 {{ level district  matter 甲 {{ }}  chain 链 {{ steps {steps} }} }}\n"
    )
    root = write(tmp_path, {"a.ow": text})
    assert codes(root)


def _include_chain(tmp_path: Path, depth: int) -> Path:
    files: dict[str, str | bytes] = {
        "a.ow": 'jurisdiction 甲区 {\n  level district\n  include "f0.ow"\n}\n'
    }
    for i in range(depth):
        files[f"f{i}.ow"] = f'include "f{i + 1}.ow"\n'
    files[f"f{depth}.ow"] = 'department 审批局 "甲区行政审批服务局"\n'
    return write(tmp_path, files)


def test_includes_1500_deep_give_a_diagnostic_not_a_crash(tmp_path: Path) -> None:
    root = _include_chain(tmp_path, 1500)
    assert codes(root)


def test_includes_1500_deep_are_called_too_deep(tmp_path: Path) -> None:
    root = _include_chain(tmp_path, 1500)
    result = check([root], cache=ParseCache())
    assert result.diagnostics
    assert all("symlink" not in d.message for d in result.diagnostics)


# ---------------------------------------------------------------- includes and links


def test_an_include_cycle_is_reported_once_per_include(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "a.ow": 'jurisdiction 甲区 {\n  level district\n  include "b.ow"\n}\n',
            "b.ow": 'include "c.ow"\n',
            "c.ow": 'include "b.ow"\n',
        },
    )
    assert set(codes(root)) == {"OW141"}


@pytest.mark.parametrize(
    "target",
    ["../outside.ow", "/etc/passwd", "sub/../../outside.ow"],
    ids=["up", "absolute", "dotdot"],
)
def test_an_include_outside_the_root_is_refused_unread(target: str, tmp_path: Path) -> None:
    (tmp_path / "outside.ow").write_text(
        'department 外部 "secret-outside-text"\n', encoding="utf-8"
    )
    root = write(
        tmp_path / "root",
        {"a.ow": f'jurisdiction 甲区 {{\n  level district\n  include "{target}"\n}}\n'},
    )
    result = check([root], cache=ParseCache())
    assert [d.code for d in result.diagnostics] == ["OW142"]
    assert "外部" not in result.workspace.departments("甲区")
    assert not any(str(f).endswith(("outside.ow", "passwd")) for f in result.workspace.files)


def test_a_symlink_inside_the_root_pointing_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.ow").write_text('department 外部 "secret"\n', encoding="utf-8")
    root = write(
        tmp_path / "root",
        {"a.ow": 'jurisdiction 甲区 {\n  level district\n  include "link.ow"\n}\n'},
    )
    os.symlink(tmp_path / "outside.ow", root / "link.ow")
    result = check([root], cache=ParseCache())
    assert "OW142" in [d.code for d in result.diagnostics]
    assert "外部" not in result.workspace.departments("甲区")


def test_a_walked_file_symlink_pointing_outside_the_root_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.ow").write_text("jurisdiction 外区 { level district }\n", encoding="utf-8")
    root = write(tmp_path / "root", {"a.ow": DISTRICT})
    os.symlink(tmp_path / "outside.ow", root / "link.ow")
    result = check([root], cache=ParseCache())
    assert "外区" not in result.workspace.jurisdictions
    assert "OW142" in [d.code for d in result.diagnostics]


def test_a_folder_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    root = write(tmp_path, {"a.ow": DISTRICT})
    os.symlink(".", root / "loop")
    os.symlink("../sub", root / "sub2")
    (root / "sub").mkdir()
    os.symlink("../sub2", root / "sub" / "back")
    assert found(root) == []


@pytest.mark.parametrize("loop", ["self", "ping-pong"])
def test_an_include_of_a_symlink_loop_is_a_diagnostic(loop: str, tmp_path: Path) -> None:
    root = write(tmp_path, {"a.ow": 'jurisdiction 甲区 {\n  level district\n  include "x.ow"\n}\n'})
    if loop == "self":
        os.symlink("x.ow", root / "x.ow")
    else:
        os.symlink("y.ow", root / "x.ow")
        os.symlink("x.ow", root / "y.ow")
    # the include fails (OW143) and each looping link is itself reported as unreadable
    links = 1 if loop == "self" else 2
    assert codes(root) == ["OW143"] + ["OW005"] * links


def test_a_walked_symlink_loop_is_reported(tmp_path: Path) -> None:
    root = write(tmp_path, {"a.ow": DISTRICT})
    os.symlink("loop.ow", root / "loop.ow")
    assert "loop.ow" in [f for _, f, *_ in found(root)]


def test_an_include_of_a_fifo_does_not_block(tmp_path: Path) -> None:
    root = write(
        tmp_path, {"a.ow": 'jurisdiction 甲区 {\n  level district\n  include "pipe.ow"\n}\n'}
    )
    os.mkfifo(root / "pipe.ow")
    # nothing is read from the pipe: the include fails, and the pipe is not a regular file
    assert codes(root) == ["OW143", "OW005"]

"""An incremental re-check equals a fresh check of the edited tree, whatever the edit."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.dsl.check import CheckResult, check
from onewindow.dsl.incremental import Checker
from onewindow.dsl.load import ParseCache

BUNDLED = Path(__file__).resolve().parents[2] / "jurisdictions"


def comparable(result: CheckResult) -> tuple:
    """What a user and the engine see of a check: diagnostics and the resolved tree."""
    ws = result.workspace
    diags = [(d.code, d.severity, d.span, d.message, d.hint, d.related) for d in result.diagnostics]
    tree = {
        name: (
            j,
            ws.children.get(name, ()),
            ws.held_matters_static(name),
            ws.delegated_in(name),
            ws.handled_matters(name),
        )
        for name, j in ws.jurisdictions.items()
    }
    return diags, tree, sorted(ws.files), result.files


class Tree:
    """A copy of the bundled jurisdictions with a checker kept across edits."""

    def __init__(self, root: Path, lint: bool = False) -> None:
        shutil.copytree(BUNDLED, root)
        self.root = root
        self.lint = lint
        self.files = sorted(root.rglob("*.ow"))
        self.checker = Checker([root], lint=lint)
        self.checker.check()
        self.tick = 0

    def write(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        # a later mtime than any earlier write, even within one clock tick
        self.tick += 1
        st_ = path.stat()
        os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + self.tick * 1_000_000_000))

    def assert_same_as_fresh(self, changed: list[Path]) -> Checker:
        got = self.checker.recheck(changed)
        fresh = check([self.root], cache=ParseCache(), lint=self.lint)
        assert comparable(got) == comparable(fresh)
        return self.checker


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path / "jurisdictions")


def file_named(tree: Tree, name: str) -> Path:
    return next(p for p in tree.files if p.name == name)


def test_a_changed_number_rechecks_only_the_edited_district(tree: Tree) -> None:
    path = file_named(tree, "周村区.ow")
    text = path.read_text(encoding="utf-8")
    tree.write(path, re.sub(r"volume (\d+)", lambda m: f"volume {int(m[1]) + 7}", text, count=1))
    checker = tree.assert_same_as_fresh([path])
    assert not checker.stats.full
    assert checker.stats.reparsed == 1 and checker.stats.rebuilt_files == 1


def test_an_error_appears_and_goes_away_again(tree: Tree) -> None:
    path = file_named(tree, "周村区.ow")
    text = path.read_text(encoding="utf-8")
    broken = text.replace("limit legal", "limit lega", 1)
    assert broken != text
    tree.write(path, broken)
    checker = tree.assert_same_as_fresh([path])
    assert checker.recheck([path]).errors
    tree.write(path, text)
    assert tree.assert_same_as_fresh([path]).recheck([path]).ok


def test_lint_findings_follow_an_edit_as_in_a_whole_check(tmp_path: Path) -> None:
    """The TUI re-checks with every lint rule on."""
    tree = Tree(tmp_path / "jurisdictions", lint=True)
    path = file_named(tree, "兰山区.ow")
    text = path.read_text(encoding="utf-8")
    tree.write(path, re.sub(r"staff (\d+)", "staff 1", text))
    checker = tree.assert_same_as_fresh([path])
    assert not checker.stats.full
    assert any(d.code.startswith("OW2") for d in checker.recheck([path]).diagnostics)


def test_an_edit_to_a_parent_revalidates_its_descendants(tree: Tree) -> None:
    path = file_named(tree, "新县.ow")
    text = path.read_text(encoding="utf-8")
    # drop the county's first matter: delegations and villages' inherited matters change
    match = re.search(r"\n  matter [^\n]*\{.*?\n  \}\n", text, flags=re.S)
    assert match is not None
    tree.write(path, text[: match.start()] + "\n" + text[match.end() :])
    checker = tree.assert_same_as_fresh([path])
    assert not checker.stats.full and checker.stats.revalidated > 1


def test_a_fragment_edit_rebuilds_every_file_that_includes_it(tree: Tree) -> None:
    fragment = file_named(tree, "村居便民服务中心.ow")
    text = fragment.read_text(encoding="utf-8")
    tree.write(fragment, text.replace("staff 1", "staff 2", 1) + "\n# edited\n")
    checker = tree.assert_same_as_fresh([fragment])
    assert not checker.stats.full and checker.stats.rebuilt_files > 1


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda t: t.replace("jurisdiction 周村区 {", "jurisdiction 周村新区 {", 1), "renamed"),
        (lambda t: t + '\nplugins "onewindow_nothing"\n', "plugins"),
        # an existing file included: it turns from a standalone file into a fragment
        (lambda t: t + '\ninclude "../../../吉林省/吉林省.ow"\n', "includes"),
    ],
)
def test_a_change_of_shape_falls_back_to_a_whole_check(tree: Tree, edit, reason: str) -> None:
    path = file_named(tree, "周村区.ow")
    assert (path.parent / "../../../吉林省/吉林省.ow").resolve().is_file()
    tree.write(path, edit(path.read_text(encoding="utf-8")))
    checker = tree.assert_same_as_fresh([path])
    assert checker.stats.full and reason in checker.stats.reason


def test_added_and_removed_files_fall_back_to_a_whole_check(tree: Tree) -> None:
    new = tree.root / "山东省" / "新区.ow"
    tree.write(new, "jurisdiction 新区 {\n  level district\n  parent 淄博市\n}\n")
    assert tree.assert_same_as_fresh([new]).stats.full
    new.unlink()
    assert tree.assert_same_as_fresh([new]).stats.full


def test_paths_that_are_not_jurisdiction_files_are_ignored(tree: Tree) -> None:
    notes = tree.root / "notes.txt"
    notes.write_text("x", encoding="utf-8")
    checker = tree.assert_same_as_fresh([notes])
    assert not checker.stats.full and checker.stats.rebuilt_files == 0


EDITS = st.sampled_from(["digit", "delete", "duplicate", "junk", "swap-parent"])


def mutate(text: str, kind: str, where: int, other: str) -> str:
    lines = text.split("\n")
    i = where % len(lines)
    if kind == "digit":
        lines[i] = re.sub(r"\d", lambda m: str((int(m[0]) + 1) % 10), lines[i], count=1)
    elif kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "junk":
        lines.insert(i, "  frobnicate 12")
    else:
        return re.sub(r"parent \S+", f"parent {other}", text, count=1)
    return "\n".join(lines)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pick=st.integers(min_value=0),
    kind=EDITS,
    where=st.integers(min_value=0),
    other=st.sampled_from(["周村区", "兰山区", "不存在区", "泗店乡"]),
)
def test_any_edit_rechecks_like_a_fresh_check(
    tree: Tree, pick: int, kind: str, where: int, other: str
) -> None:
    path = tree.files[pick % len(tree.files)]
    tree.write(path, mutate(path.read_text(encoding="utf-8"), kind, where, other))
    tree.assert_same_as_fresh([path])

"""Mutated multi-file trees give only diagnostics, each pointing into a file of the tree.

tests/dsl/test_robustness.py fuzzes single files; this fuzzes whole generated provinces
(engine/generate.py): files deleted, duplicated or moved, jurisdictions renamed (so parents,
delegations and includes point at nothing), lines dropped, repeated or swapped, names
swapped across files, includes redirected. What must hold: `check` returns a result (no
exception), every diagnostic names a file of the tree and a line inside it. The default run
is quick; `pytest -m slow tests/robustness/test_mutated_trees.py` runs 100,000 examples.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.dsl.check import check
from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.load import ParseCache
from onewindow.engine.generate import ProvinceSpec, province_files

SPEC = ProvinceSpec(districts=1, towns_per_district=2, villages_per_town=1, matters=3, seed=11)
BASE = province_files(SPEC)
OW_FILES = sorted(p for p in BASE if p.endswith(".ow"))
NAMES = sorted(
    set(re.findall(r"第\d+[市区](?:第\d+镇(?:第\d+村)?)?|模拟省", "".join(BASE.values())))
)
INCLUDE_TARGETS = ["../common/镇级事项.ow", "../common/missing.ow", "../../..", "/etc/hostname",
                   "第001区.ow", "../第001区第01镇/第001区第01镇.ow", ""]  # fmt: skip

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=100_000, deadline=None, suppress_health_check=list(HealthCheck))


def _lines(draw, text: str) -> str:
    rows = text.split("\n")
    i = draw(st.integers(0, len(rows) - 1))
    j = draw(st.integers(0, len(rows) - 1))
    op = draw(st.sampled_from(["drop", "repeat", "swap", "cut"]))
    if op == "drop":
        del rows[i]
    elif op == "repeat":
        rows.insert(i, rows[j])
    elif op == "swap":
        rows[i], rows[j] = rows[j], rows[i]
    else:  # cut the file short in the middle of a line
        rows = [*rows[:i], rows[i][: len(rows[i]) // 2]]
    return "\n".join(rows)


@st.composite
def mutated_trees(draw) -> dict[str, str]:
    """The base province with 1–4 mutations, each of a file or across files."""
    files = dict(BASE)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(["lines", "rename", "swap_names", "delete", "copy", "move", "include"])
        )
        path = draw(st.sampled_from(sorted(p for p in files if p.endswith(".ow")) or OW_FILES))
        text = files.get(path, "")
        if op == "lines" and text:
            files[path] = _lines(draw, text)
        elif op == "rename":  # one name replaced everywhere in one file, or in all files
            old, new = draw(st.sampled_from(NAMES)), draw(st.sampled_from([*NAMES, "无名", "甲"]))
            scope = [path] if draw(st.booleans()) else list(files)
            for p in scope:
                files[p] = files.get(p, "").replace(old, new)
        elif op == "swap_names":
            a, b = draw(st.sampled_from(NAMES)), draw(st.sampled_from(NAMES))
            files[path] = text.replace(a, "\0").replace(b, a).replace("\0", b)
        elif op == "delete":
            files.pop(path, None)
        elif op == "copy":
            files[path.replace(".ow", "-副本.ow")] = text
        elif op == "move":
            other = draw(st.sampled_from(OW_FILES))
            files.pop(path, None)
            files[str(Path(other).parent / Path(path).name)] = text
        elif op == "include":
            target = draw(st.sampled_from([*INCLUDE_TARGETS, path.split("/")[-1]]))
            files[path] = re.sub(r'include "[^"]*"', f'include "{target}"', text, count=1)
    return files


def checks_to_diagnostics(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        result = check([root], cache=ParseCache())
        lines = {
            str((root / rel).resolve()): text.count("\n") + 1
            for rel, text in files.items()
            if rel.endswith(".ow")
        }
        for d in result.diagnostics:
            assert isinstance(d, Diagnostic)
            shown = str(Path(d.span.file).resolve())
            assert shown in lines, f"{d.code} names {d.span.file}, not a file of the tree"
            assert 1 <= d.span.line <= lines[shown], f"{d.code} points past the end: {d}"


def test_the_unmutated_province_is_clean() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for rel, text in BASE.items():
            path = Path(folder) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert check([folder], cache=ParseCache(), lint=True).diagnostics == []


@FAST
@given(mutated_trees())
def test_mutated_trees_give_only_diagnostics_in_their_files(files: dict[str, str]) -> None:
    checks_to_diagnostics(files)


@LONG
@given(mutated_trees())
def _long_mutated_trees(files: dict[str, str]) -> None:
    checks_to_diagnostics(files)


@pytest.mark.slow
def test_long_run_of_mutated_trees(request: pytest.FixtureRequest) -> None:
    """100,000 mutated trees: `pytest -m slow tests/robustness/test_mutated_trees.py`."""
    selected = request.config.option.markexpr or ""
    if "slow" not in selected or "not slow" in selected:
        pytest.skip("opt-in long run: select it with -m slow")
    _long_mutated_trees()

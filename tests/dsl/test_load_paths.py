"""The loader's fast paths give exactly what their plain definitions give.

Shown paths are a string join below the root, the walk reads entry types from the folder
listing, and held matters reuse each ancestor's result: each is compared here with the
straightforward computation it replaces.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from onewindow.dsl.check import check
from onewindow.dsl.load import ParseCache, _Loader, _walk, display_path
from onewindow.dsl.model import Matter
from onewindow.dsl.resolve import Workspace
from onewindow.engine.generate import ProvinceSpec, generate

BUNDLED = Path(__file__).resolve().parents[2] / "jurisdictions"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "a" / "b" / "root"
    for rel in ("x.ow", "sub/y.ow", "sub/deeper/z.ow", "sub/deeper/notes.txt", "其他/村.ow"):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("# empty\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "cwd",
    [".", "sub", "sub/deeper", "..", "../..", "../../..", "../sibling", "../../x/y/z"],
)
def test_shown_paths_equal_display_path_from_any_cwd(tree: Path, cwd: str) -> None:
    here = os.path.normpath(tree / cwd)
    loader = _Loader(root=tree, cache=ParseCache(), cwd=here)
    for p in [*sorted(tree.rglob("*")), tree, tree.parent, tree / "sub"]:
        assert loader.show(p) == display_path(p, here), (p, here)


def _walk_reference(root: Path) -> list[Path]:
    """The definition: os.walk in name order, plain `.ow` files and links to files inside."""
    out = []
    real_root = root.resolve()
    for folder, dirs, names in os.walk(real_root):
        dirs.sort()
        for n in sorted(names):
            p = Path(folder) / n
            if not n.endswith(".ow"):
                continue
            if not p.is_symlink():
                if p.is_file():
                    out.append(p)
                continue
            try:
                real = p.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if real_root in real.parents and real.is_file():
                out.append(real)
    return out


def test_the_walk_lists_what_os_walk_lists_in_the_same_order(tree: Path) -> None:
    os.symlink(tree / "sub" / "y.ow", tree / "sub" / "deeper" / "link.ow")  # a link inside
    os.symlink(tree / "nowhere.ow", tree / "broken.ow")  # reported, not listed
    os.symlink(tree / "sub", tree / "folder-link.ow")  # a folder link: not followed
    os.symlink(tree.parent, tree / "sub" / "up")  # a loop, if it were followed
    (tree / "dir.ow").mkdir()  # a folder named like a file
    (tree / "dir.ow" / "inside.ow").write_text("# empty\n", encoding="utf-8")
    files, problems = _walk(tree)
    assert files == _walk_reference(tree)
    assert [d.code for d in problems] == ["OW005"]


def _held_reference(ws: Workspace, name: str) -> dict[str, Matter]:
    """The definition: walk the lineage from its top, passing delegated matters down."""
    held: dict[str, Matter] = {}
    lineage = list(reversed(ws.lineage(name)))
    for i, j in enumerate(lineage):
        current = {m.name: m for m in j.matters}
        if i > 0:
            for d in lineage[i - 1].delegations:
                if any(t.name == j.name for t in d.to):
                    for m in d.matters:
                        if m.name in held and m.name not in current:
                            current[m.name] = held[m.name]
        held = current
    return held


def _assert_held_as_defined(root: Path) -> None:
    ws = check([root], cache=ParseCache()).workspace
    names = list(ws.jurisdictions)
    for name in [*reversed(names), *names]:  # leaves first, then from the top: both caches
        got = ws.held_matters_static(name)
        want = _held_reference(ws, name)
        assert list(got.items()) == list(want.items()), name


def test_held_matters_reuse_ancestors_and_equal_the_definition(tmp_path: Path) -> None:
    _assert_held_as_defined(BUNDLED)
    root = tmp_path / "province"
    generate(root, ProvinceSpec(2, 3, 2, 5, seed=7))
    _assert_held_as_defined(root)


def test_held_matters_in_a_parent_cycle_equal_the_definition(write_tree) -> None:
    root = write_tree(
        {
            "a.ow": """jurisdiction 甲 { level district  parent 乙
  department 局 "某局"
  matter 事一 { department 局 }
  delegate 事一 to 乙 }
""",
            "b.ow": """jurisdiction 乙 { level township  parent 甲
  department 局 "某局"
  matter 事二 { department 局 }
  delegate 事二 to 甲 }
""",
            "c.ow": "jurisdiction 丙 { level village  parent 乙 }\n",
        }
    )
    _assert_held_as_defined(root)


def test_held_matters_of_an_unknown_name_are_none() -> None:
    ws = check([BUNDLED], cache=ParseCache()).workspace
    assert ws.held_matters_static("不存在的乡") == {}

"""The tree outline (explorer, summary): parents before children, siblings by name."""

from __future__ import annotations

from onewindow.dsl.check import check
from onewindow.engine.summary import outline, summarize
from tests.conftest import JURISDICTIONS


def test_outline_is_a_depth_first_walk_in_name_order() -> None:
    ws = check([JURISDICTIONS]).workspace

    def walk(name: str, depth: int) -> list[tuple[str, int]]:
        out = [(name, depth)]
        for child in sorted(ws.children.get(name, ())):
            out += walk(child, depth + 1)
        return out

    want = [row for root in sorted(ws.roots) for row in walk(root, 0)]
    got = outline(ws)
    assert got == want
    assert len(got) == len(ws.jurisdictions)  # every jurisdiction of a clean tree, once
    assert [(r.name, r.depth) for r in summarize(ws)] == got
    assert [n for n, d in got if d == 0] == sorted(ws.roots)

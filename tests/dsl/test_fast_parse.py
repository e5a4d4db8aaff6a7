"""The fast parse loop (dsl/fast_parse.py `_FastParser`) builds exactly what lark's parser builds.

The loop runs lark's own parse table and lexers; these tests hold it to lark's result on
every bundled file, on scrambled valid texts and on broken ones, so a lark upgrade that
changes its internals fails here instead of changing models silently.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.dsl.build import transform
from onewindow.dsl.fast_parse import build_fast
from onewindow.dsl.grammar import grammar
from tests.dsl.strategies import source_texts

REPO = Path(__file__).resolve().parents[2]
FILES = sorted([*REPO.glob("jurisdictions/**/*.ow"), *REPO.glob("examples/**/*.ow")])


def by_lark(text: str, path: str):
    """Items and diagnostics through lark's own parser and the Transformer, or None."""
    try:
        tree = grammar().lark.parse(text)
    except Exception:
        return None
    return transform(tree, path)


def by_fast_loop(text: str, path: str):
    try:
        return build_fast(text, path)
    except Exception:
        return None


def test_every_bundled_file_builds_the_same() -> None:
    assert len(FILES) > 50
    for file in FILES:
        text = file.read_text(encoding="utf-8-sig")
        expected = by_lark(text, str(file))
        assert expected is not None, file
        assert by_fast_loop(text, str(file)) == expected, file


@settings(max_examples=80, deadline=None)
@given(text=source_texts())
def test_scrambled_valid_texts_build_the_same(text: str) -> None:
    assert by_fast_loop(text, "x.ow") == by_lark(text, "x.ow")


@settings(max_examples=200, deadline=None)
@given(
    file=st.sampled_from(FILES),
    cut=st.integers(min_value=0),
    junk=st.sampled_from(["", "{", "}", "matter", '"', "level", " 12 ", "%", "\n", "->", "("]),
)
def test_broken_texts_are_refused_exactly_when_lark_refuses_them(
    file: Path, cut: int, junk: str
) -> None:
    text = file.read_text(encoding="utf-8-sig")
    at = cut % (len(text) + 1)
    mutated = text[:at] + junk + text[at + len(junk) // 2 :]
    assert by_fast_loop(mutated, "x.ow") == by_lark(mutated, "x.ow")

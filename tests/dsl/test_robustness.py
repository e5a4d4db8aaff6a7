"""Any input gives diagnostics, never a traceback: random bytes, token soups, mutated files.

Each input goes to `parse_text` (and the builder, as the loader would), to the formatter,
and, written into a temporary jurisdiction tree, to the whole `check` pipeline. The default
example counts keep this file well under a minute; `test_long_run` repeats everything with
100 000 examples each and runs only when selected with `pytest -m slow`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onewindow.dsl.build import transform
from onewindow.dsl.check import CheckResult, check
from onewindow.dsl.diagnostics import Diagnostic
from onewindow.dsl.format import format_text
from onewindow.dsl.load import ParseCache
from onewindow.dsl.parse import grammar, parse_text
from tests.conftest import FIXTURES, JURISDICTIONS

FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=100_000, deadline=None, suppress_health_check=list(HealthCheck))
CHUNK_LINES = 60  # mutations work on a window of a large file, to keep examples quick


# ---------------------------------------------------------------- what must hold


def parses_to_diagnostics(text: str) -> None:
    """Parsing, building and formatting return values (diagnostics), never raise."""
    tree, diagnostics = parse_text(text, "fuzz.ow")
    assert all(isinstance(d, Diagnostic) for d in diagnostics)
    if tree is not None:
        _, built = transform(tree, "fuzz.ow")
        assert all(isinstance(d, Diagnostic) for d in built)
    result = format_text(text, "fuzz.ow")  # refuses exactly the texts with syntax errors
    assert (result.text is None) == bool(diagnostics)


def checks_to_diagnostics(data: bytes) -> None:
    """The whole pipeline on a one-file tree returns a result with diagnostics."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
        (root / "fuzz.ow").write_bytes(data)
        result = check([root], cache=ParseCache())
        assert isinstance(result, CheckResult)
        assert all(isinstance(d, Diagnostic) for d in result.diagnostics)


def survives(text: str) -> None:
    parses_to_diagnostics(text)
    checks_to_diagnostics(text.encode("utf-8", errors="surrogatepass"))


# ---------------------------------------------------------------- inputs

_KEYWORDS = sorted({w for spellings in grammar().keywords.values() for w in spellings})
_WORDS = [
    "legal", "法定", "promised", "承诺", "workdays", "工作日", "days", "自然日",
    "each", "每次", "once", "一次", "district", "区县", "township", "licensing",
    "comprehensive", "出件", "none", "免费", "met", "达成", "applicant", "shared",
]  # fmt: skip
_NAMES = ["兰山区", "审批局", "个体工商户设立登记", "示范街道", "a", "x_1", "综合-受理", "甲·乙"]
_VALUES = [
    '"营业执照"', '"a\\"b"', '"unterminated', '""', "“弯引号”",
    "0", "15", "1.5", "007", "60%", "100.5%", "2019-12-31", "2019-02-30", "9999-99-99",
    "09:00", "25:99", "09:00-12:00", "12:00-09:00", "9..20", "20..9",
]  # fmt: skip
_PUNCT = [
    "{", "}", "(", ")", ",", "，", "、", "=", "&", "->", "→", "..", "～", ".",
    "+", "-", ">=", "<=", ">", "<", "≥", "≤", "%", ":", "#", "# 注释\n", "\x00", "\ufeff",
]  # fmt: skip
_SEPARATORS = [" ", "  ", "\n", "", "\t", "\u3000", "\r\n"]

tokens = st.sampled_from(_KEYWORDS + _WORDS + _NAMES + _VALUES + _PUNCT)
token_soups = st.lists(st.tuples(tokens, st.sampled_from(_SEPARATORS)), max_size=80).map(
    lambda pairs: "".join(t + s for t, s in pairs)
)


def _bundled_texts() -> list[str]:
    paths = sorted([*JURISDICTIONS.rglob("*.ow"), *FIXTURES.rglob("*.ow")])
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths]


BUNDLED_TEXTS = _bundled_texts()


@st.composite
def mutated_files(draw) -> str:
    """A window of a bundled file with characters and lines deleted, repeated or swapped."""
    lines = draw(st.sampled_from(BUNDLED_TEXTS)).split("\n")
    start = draw(st.integers(0, max(0, len(lines) - CHUNK_LINES)))
    text = "\n".join(lines[start : start + CHUNK_LINES])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["del", "dup", "swap", "del_line", "dup_line", "swap_line"]))
        if op.endswith("line"):
            rows = text.split("\n")
            i = draw(st.integers(0, len(rows) - 1))
            j = min(i + 1, len(rows) - 1)
            if op == "del_line":
                del rows[i]
            elif op == "dup_line":
                rows.insert(i, rows[i])
            else:
                rows[i], rows[j] = rows[j], rows[i]
            text = "\n".join(rows)
        elif text:
            i = draw(st.integers(0, len(text) - 1))
            if op == "del":
                text = text[:i] + text[i + 1 :]
            elif op == "dup":
                text = text[:i] + text[i] + text[i:]
            elif i + 1 < len(text):
                text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


# ---------------------------------------------------------------- properties


@FAST
@given(st.binary(max_size=600))
def test_random_bytes_give_only_diagnostics(data: bytes) -> None:
    parses_to_diagnostics(data.decode("utf-8", errors="replace"))
    checks_to_diagnostics(data)


@FAST
@given(token_soups)
def test_token_soups_give_only_diagnostics(text: str) -> None:
    survives(text)


@FAST
@given(mutated_files())
def test_mutated_bundled_files_give_only_diagnostics(text: str) -> None:
    survives(text)


def test_bundled_files_survive_unmutated() -> None:
    assert BUNDLED_TEXTS
    for text in BUNDLED_TEXTS[:5]:
        parses_to_diagnostics(text)


# ---------------------------------------------------------------- opt-in long run


@LONG
@given(st.binary(max_size=2000))
def _long_bytes(data: bytes) -> None:
    parses_to_diagnostics(data.decode("utf-8", errors="replace"))
    checks_to_diagnostics(data)


@LONG
@given(token_soups)
def _long_soups(text: str) -> None:
    survives(text)


@LONG
@given(mutated_files())
def _long_mutations(text: str) -> None:
    survives(text)


@pytest.mark.slow
@pytest.mark.parametrize(
    "run", [_long_bytes, _long_soups, _long_mutations], ids=lambda f: f.__name__
)
def test_long_run(run, request: pytest.FixtureRequest) -> None:
    """100 000 examples per input kind: `pytest -m slow tests/dsl/test_robustness.py`."""
    selected = request.config.option.markexpr or ""
    if "slow" not in selected or "not slow" in selected:
        pytest.skip("opt-in long run: select it with -m slow")
    run()

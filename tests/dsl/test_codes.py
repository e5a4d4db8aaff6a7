"""The code registry is complete, every code has a page, and every page's examples are true.

Like rustc's `compile_fail` examples: each `ow bad` block of docs/diagnostics/OWnnn.md must
give that page's code and each `ow good` block must check clean. The "What the checker
reports" block must be what the checker prints today; after a deliberate change of wording,
refresh the pages with `ONEWINDOW_UPDATE_DOCS=1 pytest tests/dsl/test_codes.py` and read the
diff.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from onewindow.dsl import vocab
from onewindow.dsl.check import check
from onewindow.dsl.codes import Status, all_codes, lookup
from onewindow.dsl.diagnostics import Diagnostic, Severity
from onewindow.dsl.parse import grammar, parse_text
from onewindow.dsl.render import SourceLines, render_text

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "diagnostics"
LANGUAGE = REPO / "docs" / "language.md"
SOURCE_DIRS = ("dsl", "engine", "plugins")
CODE_IN_SOURCE = re.compile(r"""["'](OW\d{3})["']""")
UPDATE = os.environ.get("ONEWINDOW_UPDATE_DOCS") == "1"


# ---------------------------------------------------------------- the registry


def emitted_codes() -> dict[str, list[str]]:
    """Every quoted `"OWnnn"` in the source packages, with where it occurs."""
    found: dict[str, list[str]] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((REPO / folder).rglob("*.py")):
            if path == REPO / "dsl" / "codes.py":
                continue
            text = path.read_text(encoding="utf-8")
            for m in CODE_IN_SOURCE.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.setdefault(m.group(1), []).append(f"{path.relative_to(REPO)}:{line}")
    return found


def test_every_emitted_code_is_registered_and_live() -> None:
    found = emitted_codes()
    assert found, "no codes found: has the source layout changed?"
    unknown = {c: where for c, where in found.items() if lookup(c) is None}
    assert unknown == {}, "add these codes to dsl/codes.py"
    removed = {c: where for c, where in found.items() if lookup(c).status is Status.removed}
    assert removed == {}, "removed codes must not be emitted; give the problem a new code"


def test_registry_rows_are_unique_and_well_formed() -> None:
    rows = re.findall(r'^\s*\("(OW\d{3})",', (REPO / "dsl" / "codes.py").read_text("utf-8"), re.M)
    assert len(rows) == len(set(rows)), "a code is listed twice in dsl/codes.py"
    assert [c.code for c in all_codes()] == sorted(rows)
    for c in all_codes():
        assert re.fullmatch(r"OW\d{3}", c.code)
        assert c.title and c.title == c.title.strip() and "\n" not in c.title
        assert c.summary.endswith(".") and "\n" not in c.summary
        assert isinstance(c.severity, Severity) and isinstance(c.status, Status)


def test_lookup() -> None:
    info = lookup("ow102")
    assert info is not None and info.code == "OW102" and info.title == "unknown department"
    assert info.doc_path == "docs/diagnostics/OW102.md"
    assert lookup("OW999") is None


def test_every_code_has_a_page_and_an_index_row() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for c in all_codes():
        assert (REPO / c.doc_path).is_file(), f"missing page {c.doc_path}"
        assert f"| [{c.code}]({c.code}.md) | {c.title} |" in index
    pages = {p.stem for p in DOCS.glob("OW*.md")}
    assert pages == {c.code for c in all_codes()}, "a page without a registered code"


# ---------------------------------------------------------------- the pages' examples

FENCE = re.compile(r"^```ow (bad|good)([^\n]*)\n(.*?)^```$", re.M | re.S)
REPORT = re.compile(r"(What the checker reports:\n\n```text\n)(.*?)(\n```)", re.S)


@dataclass
class Example:
    files: dict[str, str]
    encoding: str = "utf-8"
    size: int | None = None
    also: tuple[str, ...] = ()
    overlays: tuple[str, ...] = ()


def examples(page: str) -> dict[str, Example]:
    """The page's `ow bad` and `ow good` examples; blocks of one kind form one tree."""
    out: dict[str, Example] = {}
    for kind, attrs_text, body in FENCE.findall(page):
        attrs = dict([*a.split("=", 1), ""][:2] for a in attrs_text.split())
        ex = out.setdefault(kind, Example(files={}))
        ex.files[attrs.get("file", "example.ow")] = body
        ex.encoding = attrs.get("encoding", ex.encoding)
        if "size" in attrs:
            ex.size = int(attrs["size"].removesuffix("MiB")) * 1024 * 1024
        if "also" in attrs:
            ex.also = tuple(attrs["also"].split(","))
        if "overlay" in attrs:  # a reform file applied on top of the tree, outside its root
            ex.overlays = (*ex.overlays, attrs.get("file", "reform.ow"))
    return out


def run_example(
    ex: Example, root: Path, monkeypatch: pytest.MonkeyPatch, lint: bool = False
) -> list[Diagnostic]:
    """Check the example's tree; lint-rule pages (OW2nn) are run with the linter on."""
    root.mkdir()
    (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
    for rel, text in ex.files.items():
        path = (root.parent / rel) if rel in ex.overlays else (root / rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(ex.encoding))
        if ex.size is not None:
            with path.open("r+b") as f:
                f.truncate(ex.size)  # sparse padding: the size is checked before reading
    monkeypatch.chdir(root)
    return check([root], overlays=[root.parent / o for o in ex.overlays], lint=lint).diagnostics


CODES = [c.code for c in all_codes() if c.status is not Status.removed]


def test_page_header_matches_the_registry() -> None:
    for c in all_codes():
        lines = (REPO / c.doc_path).read_text(encoding="utf-8").split("\n")
        assert lines[0] == f"# {c.code}: {c.title}"
        assert lines[2].startswith(f"{c.severity.value} · {c.status.value} ·")


@pytest.mark.parametrize("code", CODES)
def test_bad_example_gives_the_code(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = DOCS / f"{code}.md"
    page = path.read_text(encoding="utf-8")
    bad = examples(page)["bad"]
    diags = run_example(bad, tmp_path / "bad", monkeypatch, lint=code >= "OW200")
    assert code in {d.code for d in diags}
    assert {d.code for d in diags} == {code, *bad.also}
    rendered = "\n".join(render_text(d, SourceLines(), markup=False) for d in diags)
    shown = REPORT.search(page)
    assert shown is not None, "the page lacks its 'What the checker reports' block"
    if UPDATE and shown.group(2) != rendered:
        page = page[: shown.start(2)] + rendered + page[shown.end(2) :]
        path.write_text(page, encoding="utf-8")
    else:
        assert shown.group(2) == rendered


@pytest.mark.parametrize("code", CODES)
def test_good_example_is_clean(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = examples((DOCS / f"{code}.md").read_text(encoding="utf-8"))["good"]
    assert run_example(good, tmp_path / "good", monkeypatch, lint=code >= "OW200") == []


# ---------------------------------------------------------------- the language reference


def test_language_reference_lists_every_keyword_spelling() -> None:
    page = LANGUAGE.read_text(encoding="utf-8")
    missing = [w for words in grammar().keywords.values() for w in words if f"`{w}`" not in page]
    assert missing == []


def test_language_reference_lists_every_enumerated_word() -> None:
    page = LANGUAGE.read_text(encoding="utf-8")
    missing = [
        (name, w)
        for name in vocab.VOCABULARIES
        for w in vocab.spellings(name)
        if f"`{w}`" not in page
    ]
    missing += [("fee", w) for w in vocab.FEE_NONE if f"`{w}`" not in page]
    assert missing == []


def test_language_reference_examples_parse() -> None:
    """Every complete `ow` example of the reference (one with a jurisdiction) checks clean."""
    page = LANGUAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```ow\n(.*?)^```$", page, re.M | re.S)
    assert blocks
    for block in blocks:
        _, diags = parse_text(block, "language.md")
        assert diags == [], block

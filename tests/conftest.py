"""Shared fixtures: paths to the bundled trees and a helper to write small trees."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
JURISDICTIONS = REPO / "jurisdictions"
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture
def write_tree(tmp_path: Path):
    """Write {relative path: text} under a fresh root (with onewindow.toml); return the root."""

    def write(files: dict[str, str]) -> Path:
        root = tmp_path / "tree"
        root.mkdir(exist_ok=True)
        (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
        for rel, text in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        return root

    return write

"""The code base stays formatted and linted with ruff (configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO

RUFF = shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is installed with the test extras")
@pytest.mark.parametrize("args", [("check", "."), ("format", "--check", ".")])
def test_ruff_is_clean(args: tuple[str, ...]) -> None:
    r = subprocess.run([RUFF, *args], cwd=REPO, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr

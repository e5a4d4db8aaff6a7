"""End to end: the installed `onewindow` command on the bundled jurisdictions and broken copies."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, JURISDICTIONS

EXE = shutil.which("onewindow")
pytestmark = pytest.mark.skipif(EXE is None, reason="the onewindow command is not installed")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def test_bundled_jurisdictions_are_clean() -> None:
    r = run("check", str(JURISDICTIONS))
    assert r.returncode == 0, r.stderr
    assert "no errors" in r.stdout


def test_summary_lists_every_seed_district() -> None:
    r = run("summary", str(JURISDICTIONS), "--json")
    assert r.returncode == 0, r.stderr
    names = {j["name"] for j in json.loads(r.stdout)["jurisdictions"]}
    for district in ("周村区", "东昌区", "山亭区", "兰山区", "泗店乡"):
        assert district in names
    for town in ("兰山街道", "金雀山街道", "白沙埠镇", "义堂镇"):
        assert town in names


def test_broken_copy_reports_errors_with_exit_1(tmp_path: Path) -> None:
    tree = tmp_path / "jurisdictions"
    shutil.copytree(JURISDICTIONS, tree)
    target = next(p for p in sorted(tree.rglob("兰山区.ow")))
    text = target.read_text(encoding="utf-8")
    broken = text.replace("department 审批局", "department 审批", 1).replace(
        "level district", "level distrct", 1
    )
    assert broken != text
    target.write_text(broken + "\nmatter 孤儿 { }\n", encoding="utf-8")
    r = run("check", str(tree), "--json")
    assert r.returncode == 1
    data = json.loads(r.stdout)
    codes = {d["code"] for d in data["diagnostics"]}
    assert "OW101" in codes  # unknown level word
    assert "OW145" in codes  # matter outside a jurisdiction block
    for d in data["diagnostics"]:
        assert d["file"] and d["line"] >= 1 and d["column"] >= 1
    human = run("check", str(tree))
    assert human.returncode == 1
    assert "Traceback" not in human.stderr
    assert "error OW101" in human.stderr and "hint:" in human.stderr


def test_fixture_tree_uses_every_construct_and_is_clean() -> None:
    r = run("check", str(FIXTURES / "everything"))
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("check", "/no/such/path"),
        ("check",),
        ("check", "--bogus", "."),
        ("summary", ".", "--as-of", "2019-13-45"),
    ],
)
def test_command_line_mistakes_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    r = run(*args, cwd=FIXTURES / "everything")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr


def test_schema_is_json() -> None:
    r = run("schema")
    assert r.returncode == 0
    schema = json.loads(r.stdout)
    assert schema["title"] == "Jurisdiction"


def test_python_module_entry_is_the_same_command() -> None:
    r = subprocess.run(
        [sys.executable, "-c", "from onewindow.engine.cli.main import app; app(['--help'])"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "check" in r.stdout


def test_bundled_files_are_in_canonical_form() -> None:
    r = run("fmt", "--check", str(JURISDICTIONS))
    assert r.returncode == 0, r.stdout + r.stderr

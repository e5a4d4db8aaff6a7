"""End to end: `onewindow score`, `explain` and `test` on the bundled jurisdictions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import JURISDICTIONS

EXE = shutil.which("onewindow")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    assert EXE is not None
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def _registered() -> bool:
    if EXE is None:
        return False
    return run("score", "--help").returncode == 0


pytestmark = pytest.mark.skipif(
    not _registered(), reason="the onewindow command with `score` is not installed"
)

YEAR_END = ("--as-of", "2019-12-31")


def test_score_json_gives_the_hand_worked_totals() -> None:
    r = run("score", str(JURISDICTIONS), *YEAR_END, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    cards = {c["jurisdiction"]: c for c in data["scorecards"]}
    lanshan = {a["name"]: a for a in cards["兰山街道"]["assessments"]}
    assert lanshan["六统一"]["points"] == 150  # the year-end facts of 兰山街道.ow
    assert lanshan["区委2号文"]["points"] == 15
    yitang = {a["name"]: a for a in cards["义堂镇"]["assessments"]}
    assert yitang["六统一"]["points"] == 62
    category = yitang["六统一"]["categories"][0]
    assert (category["name"], category["points"], category["max"]) == ("统一管理模式", 7, 15)
    assert category["items"][0]["explanation"]["inputs"][0]["source"] == "fact"
    assert any(t["jurisdiction"] == "周村区" for t in data["targets"])
    assert {r["assessment"] for r in data["rankings"]} >= {"放管服改革考核评估"}


def test_score_prints_tables_with_line_ids() -> None:
    r = run("score", str(JURISDICTIONS / "山东省" / "临沂市" / "兰山区"), *YEAR_END, "--brief")
    assert r.returncode == 0, r.stderr
    assert "兰山街道" in r.stdout and "150" in r.stdout
    r = run("score", str(JURISDICTIONS), *YEAR_END, "-j", "金雀山街道")
    assert r.returncode == 0, r.stderr
    assert "六统一/统一管理模式" in r.stdout and "explain a line" in r.stdout


def test_explain_prints_the_chain() -> None:
    line = "金雀山街道/六统一/统一管理模式"
    r = run("explain", str(JURISDICTIONS), line, *YEAR_END)
    assert r.returncode == 0, r.stderr
    assert "15 - 1.5 = 13.5" in r.stdout
    assert "118.5 / 100 × 10 = 11.85" in r.stdout
    r = run("explain", str(JURISDICTIONS), line, *YEAR_END, "--json")
    data = json.loads(r.stdout)
    assert data["line"]["points"] == 13.5
    assert [f["id"] for f in data["feeds"]][-1] == "金雀山街道/区委2号文"


def test_explain_unknown_line_is_a_user_error() -> None:
    r = run("explain", str(JURISDICTIONS), "金雀山街道/六统一/统一管理", *YEAR_END)
    assert r.returncode == 2
    assert "did you mean" in r.stderr and "Traceback" not in r.stderr


def test_bundled_tests_pass_and_coverage_lists_gaps() -> None:
    r = run("test", str(JURISDICTIONS), "--coverage")
    assert r.returncode == 0, r.stdout + r.stderr
    assert " 0 failed" in r.stdout
    assert "coverage:" in r.stdout


def test_a_wrong_expectation_fails_with_exit_1(tmp_path: Path) -> None:
    tree = tmp_path / "jurisdictions"
    shutil.copytree(JURISDICTIONS, tree)
    town = next(tree.rglob("义堂镇.ow"))
    text = town.read_text(encoding="utf-8")
    town.write_text(text.replace("expect 六统一 = 62", "expect 六统一 = 63", 1), encoding="utf-8")
    r = run("test", str(tree))
    assert r.returncode == 1
    assert "expected 63, got 62" in r.stdout
    assert "onewindow explain" in r.stdout


def test_files_with_errors_are_not_scored(tmp_path: Path) -> None:
    (tmp_path / "onewindow.toml").write_text("", encoding="utf-8")
    (tmp_path / "a.ow").write_text("jurisdiction 甲 { level distrct }\n", encoding="utf-8")
    r = run("score", str(tmp_path))
    assert r.returncode == 1
    assert "not scored" in r.stderr


def test_facts_file_and_option_errors(tmp_path: Path) -> None:
    facts = tmp_path / "observed.ow"
    facts.write_text(
        "facts 义堂镇 as of 2019-12-31 { metric standard_village_room_share 40%\n"
        "  metric village_room_coverage 100% }\n",
        encoding="utf-8",
    )
    r = run("score", str(JURISDICTIONS), *YEAR_END, "--facts", str(facts), "--json")
    assert r.returncode == 0, r.stderr
    cards = {c["jurisdiction"]: c for c in json.loads(r.stdout)["scorecards"]}
    assert cards["义堂镇"]["assessments"][0]["points"] == 70  # 管理 back to 15: 62 + 8
    r = run("score", str(JURISDICTIONS), "--run", "1", "--simulate")
    assert r.returncode == 2 and "cannot be used together" in r.stderr
    r = run("score", str(JURISDICTIONS), "--as-of", "2019-13-01")
    assert r.returncode == 2 and "not a date" in r.stderr


def test_simulate_gives_simulated_metrics_a_value() -> None:
    r = run(
        "score",
        str(JURISDICTIONS / "吉林省"),
        "--as-of",
        "2018-12-31",
        "--simulate",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    target = next(t for t in data["targets"] if t["metric"] == "immediate_case_share")
    assert target["measured"]["source"] == "simulated"
    assert data["sources"]["simulation"].startswith("simulation 2018-01-01..2018-12-31")

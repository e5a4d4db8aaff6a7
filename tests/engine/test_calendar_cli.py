"""`onewindow calendar workdays|deadline`, through typer's CliRunner and the installed command."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onewindow.engine.calendars_cn import cn_calendar
from onewindow.engine.cli import calendar_cmd
from tests.conftest import FIXTURES

runner = CliRunner()
DISTRICT = FIXTURES / "everything" / "示范区" / "示范区.ow"
TOWN_FILE = FIXTURES / "everything" / "示范区" / "示范街道.ow"  # declares 示范街道 and 示范村


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    calendar_cmd.register(app)
    return app


def run(app: typer.Typer, *args: str):
    return runner.invoke(app, ["calendar", *map(str, args)])


def test_workdays_json(app) -> None:
    r = run(app, "workdays", "2019-09-30", "2019-10-08", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["workdays"] == 1
    assert data["calendar"] == "cn"
    assert data["warnings"] == []
    off = {d["date"] for d in data["days_off_pattern"] if not d["workday"]}
    assert off == {"2019-10-01", "2019-10-02", "2019-10-03", "2019-10-04", "2019-10-07"}


def test_workdays_human_names_the_holiday(app) -> None:
    r = run(app, "workdays", "2019-09-30", "2019-10-31")
    assert r.exit_code == 0, r.output
    assert "19 working day(s)" in r.stdout
    assert "国庆节" in r.stdout and "调休" in r.stdout


def test_deadline_json_and_human(app) -> None:
    r = run(app, "deadline", "2019-09-27", "3", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["deadline"] == "2019-10-08"
    assert data["amount"] == 3 and data["unit"] == "workdays"
    assert [d["date"] for d in data["counted_days"]] == ["2019-09-29", "2019-09-30", "2019-10-08"]
    human = run(app, "deadline", "2019-09-27", "3")
    assert human.exit_code == 0
    assert "deadline 2019-10-08 (Tue)" in human.stdout


def test_deadline_natural_days(app) -> None:
    r = run(app, "deadline", "2019-09-25", "7", "--natural", "--json")
    assert json.loads(r.stdout)["deadline"] == "2019-10-08"
    r = run(app, "deadline", "2019-09-25", "7", "--natural", "--no-roll", "--json")
    assert json.loads(r.stdout)["deadline"] == "2019-10-02"


def test_jurisdiction_overrides_apply(app) -> None:
    r = run(app, "workdays", "2019-09-30", "2019-10-10", "--jurisdiction", DISTRICT, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["jurisdiction"] == "示范区"
    assert data["workdays"] == 2  # open 10-05 and 10-10; 10-08, 10-09 closed


def test_inherited_overrides_with_name(app) -> None:
    r = run(app, "deadline", "2019-09-30", "1", "-j", TOWN_FILE, "--name", "示范村", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["deadline"] == "2019-10-05"


def test_several_jurisdictions_need_a_name(app) -> None:
    r = run(app, "workdays", "2019-09-30", "2019-10-10", "-j", TOWN_FILE)
    assert r.exit_code == 2
    assert "--name" in r.stderr and "示范村" in r.stderr
    r = run(app, "workdays", "2019-09-30", "2019-10-10", "-j", TOWN_FILE, "--name", "示范衔道")
    assert r.exit_code == 2
    assert "did you mean '示范街道'" in r.stderr


def test_arrival_after_closing_uses_hall_hours(app) -> None:
    r = run(
        app, "deadline", "2019-09-30", "1", "--at", "17:30", "-j", TOWN_FILE, "--name", "示范街道",
        "--json",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    # closed after 17:30; 10-05 is an inherited open day; the town hall opens at 08:30
    assert data["accepted_at"] == "2019-10-05T08:30"
    assert data["hall"] == "便民服务中心"
    assert data["deadline"] == "2019-10-10"


def test_at_without_a_jurisdiction_is_a_usage_error(app) -> None:
    r = run(app, "deadline", "2019-09-30", "1", "--at", "17:30")
    assert r.exit_code == 2
    assert "--at needs --jurisdiction" in r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("workdays", "2019-02-30", "2019-03-01"), "FROM '2019-02-30' is not a date"),
        (("deadline", "tomorrow", "3"), "DATE 'tomorrow' is not a date"),
        (("workdays", "1999-01-01", "2019-01-01"), "outside the 'cn' calendar"),
        (("deadline", "2019-01-01", "3", "--calendar", "mars"), "unknown calendar 'mars'"),
        (("workdays", "2019-01-01", "2019-01-02", "-j", "nowhere.ow"), "nowhere.ow"),
        (("deadline", "2019-09-30", "1", "--at", "25:00", "-j", DISTRICT), "not a time of day"),
    ],
)
def test_user_errors_exit_2(app, args: tuple[str, ...], message: str) -> None:
    r = run(app, *args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert "Traceback" not in r.output


def test_provisional_year_warns_but_answers(app) -> None:
    year = cn_calendar().known_years.stop
    r = run(app, "workdays", f"{year}-01-01", f"{year}-01-31", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["provisional_years"] == [year]
    assert "PROVISIONAL" in data["warnings"][0]
    human = run(app, "workdays", f"{year}-01-01", f"{year}-01-31")
    assert "warning:" in human.stderr and "PROVISIONAL" in human.stderr


def test_a_file_with_errors_exits_1(app, write_tree) -> None:
    root = write_tree({"x.ow": "jurisdiction 某地 {\n  level distrct\n}\n"})
    r = run(app, "workdays", "2019-01-01", "2019-02-01", "-j", root / "x.ow")
    assert r.exit_code == 1
    assert "has errors" in r.stderr


EXE = shutil.which("onewindow")


def _registered() -> bool:
    if EXE is None:
        return False
    probe = subprocess.run(
        [EXE, "calendar", "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _registered(), reason="`onewindow calendar` is not registered yet")
def test_installed_command(tmp_path: Path) -> None:
    r = subprocess.run(
        [EXE, "calendar", "deadline", "2019-10-12", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["deadline"] == "2019-10-14"

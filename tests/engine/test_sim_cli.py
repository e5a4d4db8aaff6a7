"""`onewindow simulate` and `onewindow runs` through Typer's CliRunner, on real SQLite files."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import textwrap
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onewindow.engine.cli import sim_cmd
from onewindow.engine.results import MetricValue
from onewindow.engine.store import RunStore
from tests.conftest import JURISDICTIONS
from tests.engine.test_store import make_result


def make_app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    sim_cmd.register(app)

    @app.command("version")  # a second command so Typer keeps `runs`/`simulate` as names
    def version() -> None:
        """Unused."""

    return app


APP = make_app()
RUNNER = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None):
    """Run the commands as a user would, in a wide terminal so tables do not wrap."""
    result = RUNNER.invoke(APP, list(args), env={"COLUMNS": "200", **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'cli-runs.db').as_posix()}"


@pytest.fixture
def stored(db: str) -> list[int]:
    """Three runs saved by the store itself (seeds 1, 2, 3); the last with a sample."""
    with RunStore(db) as store:
        ids = [store.save(make_result(10, seed=s), source="jurisdictions") for s in (1, 2)]
    with RunStore(db, max_cases=5) as store:
        ids.append(store.save(make_result(10, seed=3), source="jurisdictions/山东省"))
    return ids


def count_runs(url: str) -> int:
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] if "runs" in tables else 0


# ---------------------------------------------------------------- runs


def test_runs_on_an_empty_database(db: str) -> None:
    r = invoke("runs", "--db", db)
    assert r.exit_code == 0
    assert "no runs stored" in r.stdout
    r = invoke("runs", "--db", db, "--json")
    assert json.loads(r.stdout)["runs"] == []


def test_runs_lists_newest_first(db: str, stored: list[int]) -> None:
    r = invoke("runs", "--db", db, "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert [run["id"] for run in data["runs"]] == stored[::-1]
    assert data["runs"][0]["cases_sampled"] is True
    human = invoke("runs", "--db", db)
    assert human.exit_code == 0
    for run_id in stored:
        assert str(run_id) in human.stdout
    assert "(sample)" in human.stdout
    assert "91.5%" in human.stdout  # trips_le1_share of each run, as a percentage
    limited = json.loads(invoke("runs", "--db", db, "--limit", "1", "--json").stdout)
    assert [run["id"] for run in limited["runs"]] == [stored[-1]]


def test_runs_show_prints_options_warnings_and_metrics(db: str, stored: list[int]) -> None:
    run_id = stored[-1]
    r = invoke("runs", "show", str(run_id), "--db", db)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert f"Run {run_id}" in out
    for text in ("2020-01-01", "2019-12-31", "兰山区, 兰山街道", "sha256:0123abcd", "0.1.0-test"):
        assert text in out
    assert "PROVISIONAL" in out  # the run's warning
    assert "sample of 5" in out  # the case note
    for scope in ("run", "jurisdiction", "matter", "window"):
        assert f"Metrics — {scope}" in out
    assert "89.0% – 94.0%" in out  # a run-scope CI


def test_runs_show_json_scope_and_cases(db: str, stored: list[int]) -> None:
    run_id = stored[0]
    data = json.loads(invoke("runs", "show", str(run_id), "--db", db, "--json").stdout)
    assert data["id"] == run_id and data["options"]["seed"] == 1
    assert len(data["metrics"]) == 5 and data["metric_count"] == 5
    assert "cases" not in data
    data = json.loads(
        invoke(
            "runs", "show", str(run_id), "--db", db, "--json", "--scope", "run", "--cases", "4"
        ).stdout
    )
    assert {m["scope"] for m in data["metrics"]} == {"run"}
    assert len(data["cases"]) == 4 and data["cases"][0]["matter"] == "开办企业"
    human = invoke("runs", "show", str(run_id), "--db", db, "--cases", "3")
    assert "First 3 stored case(s)" in human.stdout


def test_runs_show_limits_subjects_per_scope_and_filters_by_subject(db: str) -> None:
    """A province run has a row per jurisdiction: show the first few, or the ones asked for."""
    result = make_result(10)
    towns = [f"第{i:03d}镇" for i in range(60)]
    result.metrics += [
        MetricValue("cases", "jurisdiction", t, float(i), None, None, 1)
        for i, t in enumerate(towns)
    ]
    with RunStore(db) as store:
        run_id = store.save(result, source="province")
    out = invoke("runs", "show", str(run_id), "--db", db).stdout
    # 61 subjects in the order stored (兰山区, then the towns): the first 40 are shown
    assert "兰山区" in out and "第038镇" in out and "第039镇" not in out
    assert "and 21 more jurisdiction subject(s)" in out
    assert "Metrics — run" in out and "more run subject" not in out
    everything = invoke("runs", "show", str(run_id), "--db", db, "--limit", "0").stdout
    assert "第059镇" in everything and "more jurisdiction" not in everything
    one = invoke("runs", "show", str(run_id), "--db", db, "--subject", "第059镇", "--json").stdout
    rows = json.loads(one)["metrics"]
    assert {(m["scope"], m["subject"]) for m in rows} == {("run", ""), ("jurisdiction", "第059镇")}


def test_db_option_before_the_subcommand_and_from_env(db: str, stored: list[int]) -> None:
    r = invoke("runs", "--db", db, "show", str(stored[1]), "--json")
    assert json.loads(r.stdout)["id"] == stored[1]
    r = invoke("runs", "--json", env={"ONEWINDOW_DB": db})
    assert len(json.loads(r.stdout)["runs"]) == 3


def test_unknown_run_and_bad_databases_exit_2_in_plain_words(
    db: str, stored: list[int], tmp_path: Path
) -> None:
    r = invoke("runs", "show", "999", "--db", db)
    assert r.exit_code == 2
    assert "there is no run 999" in r.stderr and "hint:" in r.stderr
    r = invoke("runs", "--db", "not a url")
    assert r.exit_code == 2 and "is not a database URL" in r.stderr
    garbage = tmp_path / "garbage.db"
    garbage.write_text("hello" * 400, encoding="utf-8")
    r = invoke("runs", "--db", f"sqlite:///{garbage.as_posix()}")
    assert r.exit_code == 2 and "not a SQLite database" in r.stderr
    with sqlite3.connect(db.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE onewindow_schema SET version = 42")
    r = invoke("runs", "--db", db)
    assert r.exit_code == 2 and "schema version 42" in r.stderr and "upgrade" in r.stderr


# ---------------------------------------------------------------- simulate (no engine needed)


def test_simulate_refuses_files_with_errors(db: str, write_tree) -> None:
    root = write_tree({"a.ow": "jurisdiction 甲区 {\n  level distrct\n}\n"})
    r = invoke("simulate", str(root), "--db", db)
    assert r.exit_code == 1
    assert "error OW101" in r.stderr and "not simulated" in r.stderr
    r = invoke("simulate", str(root), "--db", db, "--json")
    assert r.exit_code == 1
    assert json.loads(r.stdout)["errors"] >= 1
    assert count_runs(db) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as-of", "2019-13-45"), "--as-of '2019-13-45' is not a date"),
        (("--start", "soon"), "--start 'soon' is not a date"),
        (("--days", "0"), "--days"),
        (("--replications", "0"), "--replications"),
    ],
)
def test_simulate_bad_options_exit_2(db: str, write_tree, args, message: str) -> None:
    root = write_tree({"a.ow": "jurisdiction 甲区 {\n  level district\n}\n"})
    r = invoke("simulate", str(root), "--db", db, *args)
    assert r.exit_code == 2
    assert message in r.stderr


def test_simulate_bad_db_and_unknown_jurisdiction_exit_2(db: str, write_tree) -> None:
    root = write_tree({"a.ow": "jurisdiction 甲区 {\n  level district\n}\n"})
    r = invoke("simulate", str(root), "--db", "nonsense://")
    assert r.exit_code == 2 and "hint:" in r.stderr
    r = invoke("simulate", str(root), "--db", db, "--jurisdiction", "甲")
    assert r.exit_code == 2
    assert "'甲' is not a jurisdiction" in r.stderr and "甲区" in r.stderr


# ---------------------------------------------------------------- simulate with the engine


@pytest.fixture
def engine():
    return pytest.importorskip("onewindow.engine.simulate")


OBSERVER = """
from onewindow.plugins.hookspecs import hookimpl

SEEN = []

@hookimpl
def onewindow_run_stored(run):
    SEEN.append(run.id)
    raise RuntimeError("observer on fire")
"""


def test_simulate_bundled_jurisdictions_end_to_end(engine, db: str) -> None:
    r = invoke("simulate", str(JURISDICTIONS), "--days", "10", "--seed", "3", "--db", db, "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    run_id = data["id"]
    assert data["options"]["days"] == 10 and data["options"]["seed"] == 3
    assert data["case_count"] >= data["stored_cases"] > 0
    assert any(m["scope"] == "run" for m in data["metrics"])
    assert count_runs(db) == 1

    shown = json.loads(invoke("runs", "show", str(run_id), "--db", db, "--json").stdout)
    assert shown["metrics"] == data["metrics"]
    assert shown["source_hash"] == data["source_hash"]

    human = invoke("simulate", str(JURISDICTIONS), "--days", "10", "--seed", "3", "--db", db)
    assert human.exit_code == 0, human.stderr
    assert f"Run {run_id + 1}" in human.stdout and "95% CI" in human.stdout
    assert f"run {run_id + 1} stored" in human.stdout
    again = json.loads(invoke("runs", "show", str(run_id + 1), "--db", db, "--json").stdout)
    assert again["metrics"] == data["metrics"]  # same seed, same inputs: same run
    listed = json.loads(invoke("runs", "--db", db, "--json").stdout)
    assert [run["id"] for run in listed["runs"]] == [run_id + 1, run_id]


def test_simulate_with_failing_observer_keeps_the_run(
    engine, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fiery_observer.py").write_text(textwrap.dedent(OBSERVER), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("fiery_observer", None)
    tree = tmp_path / "tree"
    shutil.copytree(JURISDICTIONS, tree)
    r = invoke(
        "simulate", str(tree), "--days", "5", "--db", db, "--plugin", "fiery_observer", "--json"
    )
    assert r.exit_code == 0, r.stderr
    assert "plugin 'fiery_observer'" in r.stderr and "observer on fire" in r.stderr
    data = json.loads(r.stdout)
    assert data["observer_errors"] and "fiery_observer" in data["observer_errors"][0]
    assert count_runs(db) == 1
    shown = invoke("runs", "show", str(data["id"]), "--db", db, "--json")
    assert json.loads(shown.stdout)["stored_cases"] == data["stored_cases"]


ROUTER = """
from onewindow.plugins.hookspecs import hookimpl

CALLS = [0]

def route(matter, windows, now):
    CALLS[0] += 1
    if CALLS[0] == 500:
        raise {exc}("stopped half-way through the simulation")
    return windows[0]

@hookimpl(tryfirst=True)
def onewindow_router(jurisdiction, hall):
    return route
"""


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        ("KeyboardInterrupt", 130, "interrupted: no run was stored"),
        ("ValueError", 2, "plugin 'stopping_router"),
    ],
)
def test_simulate_stopped_half_way_stores_nothing(
    engine,
    db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    exc: str,
    code: int,
    message: str,
) -> None:
    name = f"stopping_router_{exc.lower()}"
    (tmp_path / f"{name}.py").write_text(ROUTER.format(exc=exc), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop(name, None)
    r = invoke("simulate", str(JURISDICTIONS), "--days", "20", "--db", db, "--plugin", name)
    assert r.exit_code == code, (r.stdout, r.stderr)
    assert message in r.stderr
    assert count_runs(db) == 0
    ok = invoke("simulate", str(JURISDICTIONS), "--days", "5", "--db", db, "--json")
    assert ok.exit_code == 0 and count_runs(db) == 1

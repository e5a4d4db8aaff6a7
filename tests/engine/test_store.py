"""The run store on real SQLite files: round trip, schema, atomic writes, sampling, observers."""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
import subprocess
import sys
import textwrap
import threading
import types
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from onewindow.engine import store as store_mod
from onewindow.engine.results import (
    CASE_COLUMNS,
    CaseTable,
    MetricValue,
    SimOptions,
    SimulationResult,
)
from onewindow.engine.store import (
    MAX_STORED_CASES,
    SCHEMA_VERSION,
    RunStore,
    StoredRun,
    StoreError,
    default_url,
)
from onewindow.plugins.hookspecs import hookimpl
from onewindow.plugins.registry import PluginError, Registry

DAY0 = dt.date(2020, 1, 2)


def make_cases(n: int, reps: int = 1) -> CaseTable:
    """n cases spread over `reps` replications, with every kind of value a column can hold."""
    t = CaseTable()
    per = math.ceil(n / reps)
    for i in range(n):
        unfinished = i % 7 == 3
        row = {
            "rep": i // per,
            "case": i % per,
            "jurisdiction": "兰山区" if i % 2 else "兰山街道",
            "level": "district" if i % 2 else "township",
            "matter": "个体工商户设立登记" if i % 3 else "开办企业",
            "kind": "matter" if i % 3 else "chain",
            "channel": ("hall", "online", "village")[i % 3],
            "window": "" if i % 3 == 1 else "综合受理一",
            "trips": i % 3,
            "trip_causes": "materials incomplete" if i % 3 == 2 else "",
            "wait_minutes": i * 0.25,
            "service_minutes": 10.0 + i % 5,
            "arrival_day": DAY0 + dt.timedelta(days=i % 30),
            "accept_day": DAY0 + dt.timedelta(days=i % 30),
            "deadline_day": DAY0 + dt.timedelta(days=i % 30 + 5),
            "finish_day": None if unfinished else DAY0 + dt.timedelta(days=i % 30 + 3),
            "on_time": None if unfinished else i % 11 != 0,
            "outcome": "unserved" if unfinished else "finished",
        }
        for name, value in row.items():
            t.columns[name].append(value)
    return t


def make_result(
    n: int = 40, seed: int = 7, warnings: list[str] | None = None, cases: CaseTable | None = None
) -> SimulationResult:
    options = SimOptions(
        start=dt.date(2020, 1, 1),
        days=60,
        seed=seed,
        replications=2,
        as_of=dt.date(2019, 12, 31),
        jurisdictions=("兰山区", "兰山街道"),
    )
    metrics = [
        MetricValue("trips_le1_share", "run", "", 91.5, 89.0, 94.0, 2),
        MetricValue("on_time_rate", "run", "", 97.25, None, None, 1),
        MetricValue("mean_wait_minutes", "jurisdiction", "兰山区", 4.5, 3.0, 6.0, 2),
        MetricValue("window_utilisation", "window", "综合受理一", None, None, None, 0),
        MetricValue("mean_trips", "matter", "开办企业", float("nan"), None, None, 0),
    ]
    return SimulationResult(
        options=options,
        source_hash="sha256:0123abcd",
        cases=cases if cases is not None else make_cases(n, reps=2),
        metrics=metrics,
        warnings=warnings if warnings is not None else ["calendar 'cn': 2027 is PROVISIONAL"],
        version="0.1.0-test",
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'runs.db').as_posix()}"


def count_rows(url: str) -> dict[str, int]:
    """Rows per table, read with plain sqlite3 (not through the store)."""
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("runs", "run_metrics", "run_cases")
        }


# ---------------------------------------------------------------- round trip


def test_round_trip_keeps_inputs_metrics_and_cases(db: str) -> None:
    result = make_result()
    with RunStore(db) as store:
        run_id = store.save(result, source="jurisdictions/山东省")
        run = store.get(run_id)
        assert isinstance(run, StoredRun)
        assert run.id == run_id
        assert run.options == result.options
        assert run.source == "jurisdictions/山东省"
        assert run.source_hash == "sha256:0123abcd"
        assert run.version == "0.1.0-test"
        assert run.warnings == ("calendar 'cn': 2027 is PROVISIONAL",)
        assert run.case_count == run.stored_cases == 40 and not run.cases_sampled
        assert run.case_note == "all 40 cases stored"
        assert run.created_at.tzinfo is dt.UTC
        assert [m.metric for m in run.metrics] == ["trips_le1_share", "on_time_rate"]
        assert run.metric("on_time_rate") == result.metrics[1]

        metrics = store.metrics(run_id)
        assert metrics[:4] == result.metrics[:4]
        assert metrics[4].value is None  # NaN is stored as "no value"
        assert store.metrics(run_id, scope="jurisdiction") == [result.metrics[2]]

        cases = store.cases(run_id)
        assert cases.columns == result.cases.columns
        assert run.as_dict()["options"]["as_of"] == "2019-12-31"


def test_case_filters_limit_and_offset(db: str) -> None:
    with RunStore(db) as store:
        run_id = store.save(make_result(40))
        online = store.cases(run_id, filters={"channel": "online"})
        assert len(online) == sum(1 for i in range(40) if i % 3 == 1)
        assert set(online.columns["channel"]) == {"online"}
        two = store.cases(run_id, filters={"channel": ["hall", "village"]}, limit=3, offset=2)
        assert len(two) == 3 and set(two.columns["channel"]) <= {"hall", "village"}
        unfinished = store.cases(run_id, filters={"finish_day": None})
        assert set(unfinished.columns["outcome"]) == {"unserved"}
        assert len(store.cases(run_id, filters={"rep": 1})) == 20
        with pytest.raises(ValueError, match="unknown case column 'colour'"):
            store.cases(run_id, filters={"colour": "red"})


def test_runs_are_listed_newest_first_and_unknown_ids_are_none(db: str) -> None:
    with RunStore(db) as store:
        assert store.list_runs() == []
        ids = [store.save(make_result(5, seed=s)) for s in (1, 2, 3)]
        assert len(set(ids)) == 3
        listed = store.list_runs()
        assert [r.id for r in listed] == sorted(ids, reverse=True)
        assert [r.seed for r in listed] == [3, 2, 1]
        assert [r.id for r in store.list_runs(limit=2)] == sorted(ids, reverse=True)[:2]
        assert all(len(r.metrics) == 2 for r in listed)
        assert store.get(max(ids) + 100) is None
        assert store.metrics(max(ids) + 100) == []


def test_table_columns_follow_case_columns() -> None:
    assert [c.name for c in store_mod.CaseRow.__table__.columns] == [  # type: ignore[attr-defined]
        "id",
        "run_id",
        *CASE_COLUMNS,
    ]


def test_ddl_compiles_for_postgresql() -> None:
    dialect = postgresql.dialect()
    for table in store_mod._METADATA.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert "AUTOINCREMENT" not in ddl.upper()
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))


# ---------------------------------------------------------------- schema


def test_schema_is_created_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.db"
    path.parent.mkdir()
    store = RunStore(f"sqlite:///{path.as_posix()}")
    assert not path.exists()  # opening a store touches nothing
    assert store.list_runs() == []
    assert path.exists()
    assert store.schema_version() == SCHEMA_VERSION
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"runs", "run_metrics", "run_cases", "onewindow_schema"} <= names
    store.close()
    again = RunStore(f"sqlite:///{path.as_posix()}")
    assert again.schema_version() == SCHEMA_VERSION  # a second open keeps the tables
    again.close()


def _set_version(url: str, version: int) -> None:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE onewindow_schema SET version = ?", (version,))


def test_newer_schema_version_is_refused_in_plain_words(db: str) -> None:
    RunStore(db).save(make_result(3))
    _set_version(db, SCHEMA_VERSION + 5)
    with pytest.raises(StoreError) as info:
        RunStore(db).list_runs()
    err = info.value
    assert f"schema version {SCHEMA_VERSION + 5}" in err.message
    assert "newer" in err.message and "upgrade onewindow" in (err.hint or "")
    assert "sqlalchemy" not in str(err).lower() and "Traceback" not in str(err)


def test_older_schema_without_migration_is_refused(db: str) -> None:
    RunStore(db).list_runs()
    _set_version(db, SCHEMA_VERSION - 1)
    with pytest.raises(StoreError, match="cannot migrate"):
        RunStore(db).save(make_result(3))
    assert count_rows(db)["runs"] == 0


def test_older_schema_is_migrated_through_the_migration_table(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    RunStore(db).save(make_result(3))
    _set_version(db, SCHEMA_VERSION - 1)
    applied: list[int] = []

    def add_note_column(conn) -> None:
        applied.append(SCHEMA_VERSION - 1)

    monkeypatch.setitem(store_mod.MIGRATIONS, SCHEMA_VERSION - 1, add_note_column)
    store = RunStore(db)
    assert store.schema_version() == SCHEMA_VERSION
    assert applied == [SCHEMA_VERSION - 1]
    assert len(store.list_runs()) == 1


def test_foreign_tables_with_our_names_are_refused(db: str) -> None:
    with sqlite3.connect(db.removeprefix("sqlite:///")) as conn:
        conn.execute("CREATE TABLE runs (x TEXT)")
    with pytest.raises(StoreError, match="not made by onewindow"):
        RunStore(db).list_runs()


# ---------------------------------------------------------------- unusable databases


def test_unusable_databases_give_plain_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    cases = {
        "not a database URL": "nonsense",
        "no database driver": "nosuchdialect://x/y",
        "is not a SQLite database": f"sqlite:///{garbage.as_posix()}",
        "cannot be opened": f"sqlite:///{(tmp_path / 'no' / 'dir' / 'x.db').as_posix()}",
    }
    for expected, url in cases.items():
        with pytest.raises(StoreError) as info:
            RunStore(url).list_runs()
        assert expected in info.value.message, (url, info.value.message)
        assert info.value.hint
        assert "sqlalchemy" not in info.value.message.lower()


def test_password_is_hidden_in_messages() -> None:
    try:
        store = RunStore("postgresql+psycopg://ow:s3cret@127.0.0.1:1/runs")
    except StoreError as exc:  # no driver installed: fine too
        assert "s3cret" not in str(exc)
        return
    with pytest.raises(StoreError) as info:
        store.list_runs()
    assert "s3cret" not in str(info.value) and "cannot be reached" in info.value.message


def test_read_only_database_refuses_writes_but_lists(db: str) -> None:
    RunStore(db).save(make_result(3))
    path = db.removeprefix("sqlite:///")
    ro = RunStore(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert len(ro.list_runs()) == 1
    with pytest.raises(StoreError, match="read-only"):
        ro.save(make_result(3))
    assert count_rows(db)["runs"] == 1


def test_locked_database_says_locked_and_keeps_nothing(db: str) -> None:
    RunStore(db).list_runs()
    holder = sqlite3.connect(db.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as info:
            RunStore(db, busy_timeout=0.05).save(make_result(3))
        assert "locked" in info.value.message
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert count_rows(db) == {"runs": 0, "run_metrics": 0, "run_cases": 0}
    assert RunStore(db).save(make_result(3)) >= 1


def test_default_url_uses_env_then_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEWINDOW_DB", "sqlite:///elsewhere.db")
    assert default_url() == "sqlite:///elsewhere.db"
    assert RunStore().url == "sqlite:///elsewhere.db"
    monkeypatch.delenv("ONEWINDOW_DB")
    url = default_url()
    assert url.startswith("sqlite:///") and url.endswith("/runs.db")
    assert "onewindow" in url


# ---------------------------------------------------------------- one transaction per run


def test_failure_half_way_through_the_cases_leaves_no_run(db: str) -> None:
    cases = make_cases(100)
    cases.columns["deadline_day"][70] = 12345  # not a date: fails in the 8th chunk
    store = RunStore(db, chunk_size=10)
    inserted: list[int] = []
    event.listen(
        store.engine,
        "before_cursor_execute",
        lambda conn, cur, stmt, params, ctx, many: (
            inserted.append(1) if stmt.startswith("INSERT INTO run_cases") else None
        ),
    )
    with pytest.raises(TypeError, match="deadline_day"):
        store.save(make_result(cases=cases))
    assert len(inserted) == 7  # seven chunks went in before the failure …
    assert count_rows(db) == {"runs": 0, "run_metrics": 0, "run_cases": 0}  # … and were undone
    assert store.list_runs() == []
    ok = store.save(make_result(30))
    assert [r.id for r in store.list_runs()] == [ok]
    assert count_rows(db) == {"runs": 1, "run_metrics": 5, "run_cases": 30}


@pytest.mark.parametrize("exc_type", [RuntimeError, KeyboardInterrupt])
def test_exception_injected_mid_insert_leaves_no_run(db: str, exc_type: type) -> None:
    store = RunStore(db, chunk_size=8)
    first = store.save(make_result(20))
    calls = {"n": 0}

    def explode(conn, cursor, statement, params, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO RUN_CASES"):
            calls["n"] += 1
            if calls["n"] == 3:
                raise exc_type("injected in the middle of the case inserts")

    event.listen(store.engine, "before_cursor_execute", explode)
    with pytest.raises(exc_type):
        store.save(make_result(40))
    event.remove(store.engine, "before_cursor_execute", explode)
    assert count_rows(db) == {"runs": 1, "run_metrics": 5, "run_cases": 20}
    second = store.save(make_result(40))
    assert second > first
    assert [r.id for r in store.list_runs()] == [second, first]
    assert len(store.cases(second)) == 40


def test_process_killed_mid_write_leaves_no_run(db: str, tmp_path: Path) -> None:
    script = tmp_path / "killed.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, sys
            sys.path.insert(0, {str(Path(__file__).parent)!r})
            from sqlalchemy import event
            from onewindow.engine.store import RunStore
            from test_store import make_result
            store = RunStore({db!r}, chunk_size=10)
            n = [0]
            def die(conn, cursor, statement, *rest):
                if statement.startswith("INSERT INTO run_cases"):
                    n[0] += 1
                    if n[0] == 4:
                        os._exit(9)
            event.listen(store.engine, "before_cursor_execute", die)
            store.save(make_result(100))
            """
        ),
        encoding="utf-8",
    )
    RunStore(db).list_runs()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=120)
    assert done.returncode == 9, done.stderr.decode()
    store = RunStore(db)
    assert store.list_runs() == []
    assert count_rows(db) == {"runs": 0, "run_metrics": 0, "run_cases": 0}
    assert store.save(make_result(5)) >= 1


def test_concurrent_writers_from_first_use_get_distinct_ids(db: str) -> None:
    ids: list[int] = []
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        try:
            store = RunStore(db)
            for k in range(3):
                ids.append(store.save(make_result(50, seed=seed * 10 + k)))
            store.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(s,)) for s in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(ids)) == 9
    assert count_rows(db) == {"runs": 9, "run_metrics": 45, "run_cases": 450}


# ---------------------------------------------------------------- sampling


def test_more_cases_than_the_limit_store_a_seeded_sample(db: str) -> None:
    assert MAX_STORED_CASES >= 10_000  # documented size: stays useful for drill-down
    store = RunStore(db, max_cases=50)
    result = make_result(120, seed=5)
    a = store.save(result)
    b = store.save(result)
    run = store.get(a)
    assert run is not None
    assert run.cases_sampled and run.case_count == 120 and run.stored_cases == 50
    assert "sample of 50" in run.case_note and "120 cases" in run.case_note
    sample_a, sample_b = store.cases(a), store.cases(b)
    assert len(sample_a) == 50
    assert sample_a.columns == sample_b.columns  # same seed, same sample
    pairs = list(zip(sample_a.columns["rep"], sample_a.columns["case"], strict=True))
    assert pairs == sorted(pairs)  # kept in simulation order
    every = set(zip(result.cases.columns["rep"], result.cases.columns["case"], strict=True))
    assert set(pairs) <= every
    other = store.save(make_result(120, seed=6))
    assert store.cases(other).columns["case"] != sample_a.columns["case"]


def test_exactly_the_limit_is_not_a_sample(db: str) -> None:
    store = RunStore(db, max_cases=40)
    run = store.get(store.save(make_result(40)))
    assert run is not None and not run.cases_sampled and run.stored_cases == 40


# ---------------------------------------------------------------- observers


def _observer_plugin(name: str, seen: list[StoredRun], fail: bool) -> types.ModuleType:
    module = types.ModuleType(name)

    @hookimpl
    def onewindow_run_stored(run: StoredRun) -> None:
        seen.append(run)
        if fail:
            raise RuntimeError("observer exploded")

    module.onewindow_run_stored = onewindow_run_stored  # type: ignore[attr-defined]
    return module


def test_failing_observer_is_named_and_the_run_stays(db: str) -> None:
    registry = Registry.build(entry_points=False)
    seen_bad: list[StoredRun] = []
    seen_good: list[StoredRun] = []
    registry.pm.register(_observer_plugin("bad", seen_bad, True), name="bad_observer")
    registry.pm.register(_observer_plugin("good", seen_good, False), name="good_observer")
    store = RunStore(db)
    run_id = store.save(make_result(12), registry)
    assert len(store.last_observer_errors) == 1
    err = store.last_observer_errors[0]
    assert isinstance(err, PluginError)
    assert err.plugin == "bad_observer" and err.hook == "onewindow_run_stored"
    assert "plugin 'bad_observer'" in str(err) and "observer exploded" in str(err)
    assert [r.id for r in seen_good] == [run_id] and [r.id for r in seen_bad] == [run_id]
    assert seen_good[0].metric("trips_le1_share") is not None
    run = store.get(run_id)
    assert run is not None and run.stored_cases == 12
    assert len(store.cases(run_id)) == 12
    assert count_rows(db) == {"runs": 1, "run_metrics": 5, "run_cases": 12}
    store.save(make_result(3))
    assert store.last_observer_errors == []

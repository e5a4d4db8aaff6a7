"""The run store on both backends: SQLite files and a real PostgreSQL server.

PostgreSQL comes from `ONEWINDOW_TEST_POSTGRES` (a SQLAlchemy URL of a role that may create
databases), which `.ci/run` sets after installing and starting the server with
`.ci/postgres.sh`; every test gets a fresh database of its own.
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from onewindow.engine.store import RunStore
from tests.engine.test_store import make_result

PG_ENV = "ONEWINDOW_TEST_POSTGRES"


def _postgres_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if url is None and os.environ.get("CI") == "true":
        pytest.fail(f"{PG_ENV} is not set: .ci/run must start PostgreSQL for these tests")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'runs.db').as_posix()}"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip(f"set {PG_ENV} to run the PostgreSQL backend tests (CI does)")
    name = f"ow_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_round_trip(db_url: str) -> None:
    with RunStore(db_url) as store:
        result = make_result(n=120)
        run_id = store.save(result)
        run = store.get(run_id)
        assert run is not None and run.case_count == 120 and run.stored_cases == 120
        assert run.options == result.options
        stored = store.cases(run_id)
        assert len(stored) == 120
        assert sorted(stored.columns["wait_minutes"]) == sorted(
            result.cases.columns["wait_minutes"]
        )
        assert {m.metric for m in store.metrics(run_id)} >= {"trips_le1_share", "on_time_rate"}


def test_failure_mid_write_leaves_no_partial_run(db_url: str) -> None:
    with RunStore(db_url) as store:
        store.ensure_schema()
        seen = {"case_inserts": 0}

        def explode(conn, cursor, statement, parameters, context, executemany):
            if "run_cases" in statement and statement.lstrip().upper().startswith("INSERT"):
                seen["case_inserts"] += 1
                if seen["case_inserts"] == 2:
                    raise RuntimeError("disk went away")

        event.listen(store.engine, "before_cursor_execute", explode)
        with pytest.raises(Exception, match="disk went away"):
            store.save(make_result(n=30_000))
        event.remove(store.engine, "before_cursor_execute", explode)
        assert seen["case_inserts"] >= 2
        assert store.list_runs() == []
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM run_cases")).scalar() == 0
            assert conn.execute(sa.text("SELECT count(*) FROM run_metrics")).scalar() == 0
        run_id = store.save(make_result(n=10))  # the next run works
        assert store.get(run_id).case_count == 10


def _writer(url: str, runs: int, seed: int) -> None:
    with RunStore(url) as store:
        for i in range(runs):
            store.save(make_result(n=200, seed=seed * 100 + i))


def test_two_processes_writing_at_once_lose_nothing(db_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db_url, 4, s)) for s in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with RunStore(db_url) as store:
        runs = store.list_runs()
        assert len(runs) == 8
        assert len({r.id for r in runs}) == 8
        assert sorted(r.seed for r in runs) == sorted(s * 100 + i for s in (1, 2) for i in range(4))
        for r in runs:
            assert len(store.cases(r.id)) == 200

"""The run store: simulation runs (运行记录) kept in any SQLAlchemy database, one transaction each.

A run is one `SimulationResult` plus what it was asked to do: the inputs (source hash, seed,
options, as-of date, onewindow version), every metric, and the per-case table for drill-down.
Cases are stored in full up to `MAX_STORED_CASES`; beyond that a seeded uniform sample of
`MAX_STORED_CASES` cases is stored and the run says so (`cases_sampled`, `case_note`).

The default database is a SQLite file in the user's data directory (`default_url()`); any
SQLAlchemy URL (e.g. PostgreSQL) can be given instead. The SQL is portable: ids are assigned
by the database, cases are bulk-inserted in chunks, and a run's rows are written in one
transaction, so a failed or interrupted save leaves nothing behind.

Every database problem a user can cause (unreachable, locked, read-only, not a onewindow
database, a newer schema) is raised as `StoreError` with a plain message and a hint.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import math
import os
import random
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    insert,
    inspect,
    text,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.orm import registry as sa_registry
from sqlmodel import Field, Session, SQLModel, col, select

from onewindow.engine.results import (
    CASE_COLUMNS,
    CaseTable,
    MetricValue,
    SimOptions,
    SimulationResult,
)

#: Most cases stored per run. A run with more cases stores a uniform random sample of this
#: many, drawn with the run's seed (so the same run stores the same sample), and records
#: `cases_sampled=True` with the full count in `case_count`. Metrics always cover every case.
MAX_STORED_CASES = 50_000

#: Cases inserted per statement (all inside the run's one transaction).
CASE_CHUNK = 5_000

#: Version of the tables below. Bump it when they change and add a migration to MIGRATIONS.
SCHEMA_VERSION = 1

#: Schema migrations: `MIGRATIONS[v]` upgrades a version-v database to v+1 on a connection
#: inside one transaction. A database older than SCHEMA_VERSION with no path of migrations
#: is refused with a StoreError, never used as is.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}

#: Environment variable naming the database URL when `--db` is not given.
DB_ENV = "ONEWINDOW_DB"

#: Case columns that hold days (stored as dates).
DAY_COLUMNS = ("arrival_day", "accept_day", "deadline_day", "finish_day")


class StoreError(Exception):
    """The run store cannot do what was asked: a plain message for users, and a hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} ({self.hint})"


# ---------------------------------------------------------------- tables


class _Table(SQLModel, registry=sa_registry()):
    """Base of the store's tables: their own metadata, apart from any other SQLModel tables."""


_ID = BigInteger().with_variant(Integer(), "sqlite")  # INTEGER PRIMARY KEY is SQLite's rowid


class SchemaRow(_Table, table=True):
    """The one row saying which version of these tables the database holds."""

    __tablename__ = "onewindow_schema"

    id: int = Field(default=1, primary_key=True)
    version: int
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    onewindow_version: str = Field(default="", sa_column=Column(String(64), nullable=False))


class RunRow(_Table, table=True):
    """A stored simulation run: its inputs and what its case table holds."""

    __tablename__ = "runs"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused after a rollback

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(sa_column=Column(DateTime, nullable=False))
    source: str = Field(default="", sa_column=Column(Text, nullable=False))
    source_hash: str = Field(sa_column=Column(String(128), nullable=False))
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    days: int
    replications: int
    start: dt.date = Field(sa_column=Column(Date, nullable=False))
    as_of: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    options: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    version: str = Field(sa_column=Column(String(64), nullable=False))
    warnings: list[str] = Field(sa_column=Column(JSON, nullable=False))
    case_count: int
    stored_cases: int
    cases_sampled: bool = Field(sa_column=Column(Boolean, nullable=False))
    metric_count: int


class MetricRow(_Table, table=True):
    """One metric of a run over one scope and subject, with its 95% interval."""

    __tablename__ = "run_metrics"
    __table_args__ = (Index("ix_run_metrics_run_scope", "run_id", "scope", "subject"),)

    id: int | None = Field(default=None, sa_column=Column(_ID, primary_key=True))
    run_id: int = Field(
        sa_column=Column(Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False)
    )
    position: int
    metric: str = Field(sa_column=Column(String(200), nullable=False))
    scope: str = Field(sa_column=Column(String(32), nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    value: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    ci_low: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    ci_high: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    n: int


class CaseRow(_Table, table=True):
    """One stored case of a run; columns as in `results.CASE_COLUMNS`."""

    __tablename__ = "run_cases"
    __table_args__ = (Index("ix_run_cases_run_rep_case", "run_id", "rep", "case"),)

    id: int | None = Field(default=None, sa_column=Column(_ID, primary_key=True))
    run_id: int = Field(
        sa_column=Column(Integer, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False)
    )
    rep: int
    case: int
    jurisdiction: str = Field(sa_column=Column(Text, nullable=False))
    level: str = Field(sa_column=Column(String(32), nullable=False))
    matter: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(String(16), nullable=False))
    channel: str = Field(sa_column=Column(String(32), nullable=False))
    window: str = Field(sa_column=Column(Text, nullable=False))
    trips: int
    trip_causes: str = Field(sa_column=Column(Text, nullable=False))
    wait_minutes: float = Field(sa_column=Column(Float, nullable=False))
    service_minutes: float = Field(sa_column=Column(Float, nullable=False))
    arrival_day: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    accept_day: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    deadline_day: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    finish_day: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    on_time: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))
    outcome: str = Field(sa_column=Column(String(32), nullable=False))


_METADATA = _Table.metadata
_OUR_TABLES = frozenset(_METADATA.tables)
_CASES = CaseRow.__table__  # type: ignore[attr-defined]
_METRICS = MetricRow.__table__  # type: ignore[attr-defined]


# ---------------------------------------------------------------- values handed out


@dataclass(frozen=True)
class StoredRun:
    """A stored run as read back: inputs, case-table facts and its run-scope metrics.

    `metrics` holds the run-scope metrics only (scope 'run'); `RunStore.metrics(id)` gives
    every scope. This is also what `onewindow_run_stored` observers receive.
    """

    id: int
    created_at: dt.datetime  # UTC
    source: str
    source_hash: str
    options: SimOptions
    version: str
    warnings: tuple[str, ...]
    case_count: int
    stored_cases: int
    cases_sampled: bool
    metric_count: int
    db: str  # the store's URL, password hidden
    metrics: tuple[MetricValue, ...] = field(default=())

    @property
    def seed(self) -> int:
        return self.options.seed

    @property
    def as_of(self) -> dt.date | None:
        return self.options.as_of

    @property
    def case_note(self) -> str:
        """One sentence saying which cases the run holds."""
        if not self.cases_sampled:
            return f"all {self.case_count} cases stored"
        return (
            f"{self.case_count} cases simulated; a uniform random sample of "
            f"{self.stored_cases} is stored (seed {self.options.seed})"
        )

    def metric(self, name: str) -> MetricValue | None:
        return next((m for m in self.metrics if m.metric == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "source": self.source,
            "source_hash": self.source_hash,
            "options": self.options.as_dict(),
            "version": self.version,
            "warnings": list(self.warnings),
            "case_count": self.case_count,
            "stored_cases": self.stored_cases,
            "cases_sampled": self.cases_sampled,
            "case_note": self.case_note,
            "metric_count": self.metric_count,
            "db": self.db,
            "metrics": [asdict(m) for m in self.metrics],
        }


# ---------------------------------------------------------------- URLs


def default_url() -> str:
    """`$ONEWINDOW_DB` if set, else a SQLite file `runs.db` in the user's data directory."""
    env = os.environ.get(DB_ENV, "").strip()
    if env:
        return env
    path = Path(user_data_dir("onewindow", appauthor=False)) / "runs.db"
    return f"sqlite:///{path.as_posix()}"


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None for other databases and in-memory SQLite."""
    try:
        u = make_url(url)
    except sa_exc.ArgumentError:
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    db = u.database
    if db.startswith("file:"):
        db = db[5:].split("?", 1)[0]
    return Path(db)


def _display(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return url


# ---------------------------------------------------------------- errors in plain words


def _plain(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()
    return first[0] if first else type(orig).__name__


def _translate(exc: Exception, shown: str, action: str) -> StoreError:
    """A database exception as a StoreError in plain words (no SQLAlchemy text beyond one line)."""
    detail = _plain(exc)
    low = detail.lower()
    where = f"the run database {shown}"
    if "locked" in low or "could not obtain lock" in low or "deadlock" in low:
        return StoreError(
            f"cannot {action}: {where} is locked by another program",
            "wait for the other run to finish and try again",
        )
    if any(w in low for w in ("disk is full", "no space left", "could not extend file")):
        return StoreError(
            f"cannot {action}: the disk holding {where} is full",
            f"free some space, or choose another database with --db or ${DB_ENV}",
        )
    if "readonly" in low or "read-only" in low or "read only" in low:
        return StoreError(
            f"cannot {action}: {where} is read-only",
            f"make it writable, or choose another with --db or ${DB_ENV}",
        )
    if "file is not a database" in low or "file is encrypted" in low:
        return StoreError(
            f"cannot {action}: {where} is not a SQLite database",
            f"point --db or ${DB_ENV} at a onewindow run database, or at a new file",
        )
    if "unable to open database file" in low:
        return StoreError(
            f"cannot {action}: {where} cannot be opened (its folder is missing or not writable)",
            "create the folder, or choose another file with --db",
        )
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return StoreError(
            f"cannot {action}: {where} cannot be reached ({detail})",
            "check that the database server is running and the URL is right",
        )
    return StoreError(
        f"cannot {action}: {where} answered with an error ({detail})",
        "check the URL given by --db or $ONEWINDOW_DB",
    )


@contextmanager
def _db_errors(shown: str, action: str) -> Iterator[None]:
    try:
        yield
    except StoreError:
        raise
    except sa_exc.SQLAlchemyError as exc:
        raise _translate(exc, shown, action) from exc
    except OSError as exc:
        raise StoreError(
            f"cannot {action}: the run database {shown} is unusable ({exc.strerror or exc})",
            "choose another file with --db",
        ) from exc


# ---------------------------------------------------------------- case rows


def _day(value: Any, column: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"case column '{column}' holds {value!r}; the run store keeps days as dates")


def _float(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return None if math.isnan(x) else x


def _convert(name: str, values: list[Any]) -> list[Any]:
    """One case column made storable; values of the expected type pass through untouched."""
    if name in DAY_COLUMNS:
        return [v if type(v) is dt.date else _day(v, name) for v in values]
    if name in ("rep", "case", "trips"):
        return [v if type(v) is int else int(v or 0) for v in values]
    if name in ("wait_minutes", "service_minutes"):
        return [_float(v) or 0.0 for v in values]
    if name == "on_time":
        return [v if v is None or type(v) is bool else bool(v) for v in values]
    return [v if type(v) is str else ("" if v is None else str(v)) for v in values]


def sample_positions(total: int, keep: int, seed: int) -> list[int] | None:
    """Positions of the cases to store, in order: None for all, else a seeded uniform sample."""
    if total <= keep:
        return None
    return sorted(random.Random(seed).sample(range(total), keep))


def case_chunks(
    cases: CaseTable, run_id: int, positions: list[int] | None, size: int
) -> Iterator[list[dict[str, Any]]]:
    """Rows of `cases` ready to insert, `size` at a time, converted chunk by chunk."""
    total = len(cases) if positions is None else len(positions)
    names = list(CASE_COLUMNS)
    columns = cases.columns
    for a in range(0, total, size):
        b = min(a + size, total)
        cols = []
        for name in names:
            values = columns.get(name)
            if values is None:
                part: list[Any] = [None] * (b - a)
            elif positions is None:
                part = values[a:b]
            else:
                part = [values[i] for i in positions[a:b]]
            cols.append(_convert(name, part))
        yield [
            {"run_id": run_id, **dict(zip(names, row, strict=True))}
            for row in zip(*cols, strict=True)
        ]


def _real_sqlite_transactions(engine: Engine) -> None:
    """Make SQLite transactions cover DDL too, and let writers take the lock up front.

    Python's sqlite3 driver opens a transaction only before INSERT/UPDATE/DELETE, so table
    creation would commit piecemeal. Here SQLAlchemy's own BEGIN starts every transaction
    (the driver's documented recipe); connections marked `onewindow_write` begin with
    BEGIN IMMEDIATE, so two writers queue on the busy timeout instead of failing.
    """

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("onewindow_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _onewindow_version() -> str:
    try:
        return importlib.metadata.version("onewindow")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# ---------------------------------------------------------------- the store


class RunStore:
    """Runs in one database: `save` a result, then `list_runs`, `get`, `metrics`, `cases`.

    :param url: a SQLAlchemy URL; None means `default_url()` (the folder of the default
        SQLite file is created when missing).
    :param max_cases: most cases stored per run (see MAX_STORED_CASES).
    :param chunk_size: cases per INSERT statement (see CASE_CHUNK).
    :param busy_timeout: seconds a SQLite writer waits for another one before "locked".
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        max_cases: int = MAX_STORED_CASES,
        chunk_size: int = CASE_CHUNK,
        busy_timeout: float = 30.0,
    ) -> None:
        explicit = url is not None and url.strip() != ""
        self.url = url.strip() if explicit and url else default_url()
        self.max_cases = max_cases
        self.chunk_size = chunk_size
        self.last_observer_errors: list[Exception] = []
        self._schema_ok = False
        shown = _display(self.url)
        self.display_url = shown
        try:
            u = make_url(self.url)
        except sa_exc.ArgumentError:
            raise StoreError(
                f"'{self.url}' is not a database URL",
                "write e.g. sqlite:///path/to/runs.db or postgresql+psycopg://user@host/db",
            ) from None
        file = _sqlite_file(self.url)
        if file is not None and not explicit:
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the data folder {file.parent} ({exc.strerror or exc})",
                    f"choose a database with --db or ${DB_ENV}",
                ) from exc
        kwargs: dict[str, Any] = {}
        if u.get_backend_name() == "sqlite":
            kwargs["connect_args"] = {"timeout": busy_timeout}
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except sa_exc.NoSuchModuleError as exc:
            raise StoreError(
                f"'{u.drivername}' in {shown} is not a database kind onewindow can use "
                "(no database driver for it)",
                "use sqlite:///path/to/runs.db, or postgresql+psycopg://user@host/db",
            ) from exc
        except ImportError as exc:
            raise StoreError(
                f"no database driver for '{u.drivername}' is installed ({_plain(exc)})",
                "install the driver (e.g. `pip install psycopg` for PostgreSQL) or use sqlite:///",
            ) from exc
        except (sa_exc.ArgumentError, TypeError, ValueError) as exc:
            raise StoreError(
                f"the database URL {shown} cannot be used ({_plain(exc)})",
                "write e.g. sqlite:///path/to/runs.db",
            ) from exc
        if u.get_backend_name() == "sqlite":
            _real_sqlite_transactions(self.engine)

    # ---- lifetime

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- schema

    def ensure_schema(self) -> None:
        """Create the tables on first use; check (or migrate) the schema version otherwise.

        The check only reads. Creating or migrating runs in one transaction holding the write
        lock, and looks again once it has it, so concurrent first uses create the tables once.
        """
        if self._schema_ok:
            return
        with _db_errors(self.display_url, "open the run store"):
            with self.engine.connect() as conn:
                ready = self._schema_ready(conn)
            if not ready:
                try:
                    self._create_or_migrate()
                except (sa_exc.IntegrityError, sa_exc.ProgrammingError):
                    # another process (a server database) created the tables at the same time
                    with self.engine.connect() as conn:
                        if not self._schema_ready(conn):
                            raise
        self._schema_ok = True

    def _schema_ready(self, conn: Connection) -> bool:
        """True when the tables are there at our version; False when there is work to do."""
        present = set(inspect(conn).get_table_names())
        if SchemaRow.__tablename__ not in present:
            ours = sorted(present & _OUR_TABLES)
            if ours:
                raise StoreError(
                    f"the database {self.display_url} has tables named like onewindow's "
                    f"({', '.join(ours)}) but no schema version: it was not made by onewindow",
                    "use another database with --db, or rename those tables",
                )
            return False
        found = conn.execute(text("SELECT version FROM onewindow_schema WHERE id = 1")).scalar()
        if found is None:
            raise StoreError(
                f"the run database {self.display_url} has an empty schema-version table",
                "use another database with --db",
            )
        found = int(found)
        if found == SCHEMA_VERSION:
            return True
        if found > SCHEMA_VERSION:
            raise StoreError(
                f"the run database {self.display_url} has schema version {found}, newer than "
                f"this onewindow ({_onewindow_version()}) reads (version {SCHEMA_VERSION})",
                "upgrade onewindow, or choose another database with --db",
            )
        missing = [v for v in range(found, SCHEMA_VERSION) if v not in MIGRATIONS]
        if missing:
            raise StoreError(
                f"the run database {self.display_url} has schema version {found}; this "
                f"onewindow reads version {SCHEMA_VERSION} and cannot migrate from "
                f"version {missing[0]}",
                "keep using the older onewindow for it, or start a new database with --db",
            )
        return False

    def _create_or_migrate(self) -> None:
        with self._writing() as conn, conn.begin():
            if self._schema_ready(conn):  # someone else did it while we waited for the lock
                return
            if not inspect(conn).has_table(SchemaRow.__tablename__):
                _METADATA.create_all(conn)
                conn.execute(
                    insert(SchemaRow.__table__),  # type: ignore[attr-defined]
                    {
                        "id": 1,
                        "version": SCHEMA_VERSION,
                        "created_at": _utcnow(),
                        "onewindow_version": _onewindow_version(),
                    },
                )
                return
            found = int(conn.execute(text("SELECT version FROM onewindow_schema")).scalar_one())
            for v in range(found, SCHEMA_VERSION):
                MIGRATIONS[v](conn)
            conn.execute(
                text("UPDATE onewindow_schema SET version = :v WHERE id = 1"),
                {"v": SCHEMA_VERSION},
            )

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A connection whose transactions take the write lock when they begin (SQLite)."""
        with self.engine.connect() as conn:
            conn.execution_options(onewindow_write=True)
            yield conn

    def schema_version(self) -> int:
        """The schema version the database holds (creating the tables if they are missing)."""
        self.ensure_schema()
        with _db_errors(self.display_url, "read the schema version"), self.engine.connect() as c:
            return int(
                c.execute(text("SELECT version FROM onewindow_schema WHERE id = 1")).scalar()
            )

    # ---- writing

    def save(self, result: SimulationResult, registry: Any = None, *, source: str = "") -> int:
        """Store a run in one transaction and return its id; then tell the run observers.

        :param result: what the simulation produced.
        :param registry: a plugin `Registry` (or pluggy manager) whose `onewindow_run_stored`
            observers are called after the commit. An observer that raises is collected in
            `last_observer_errors` as a `PluginError` naming it; the run stays stored.
        :param source: the paths simulated, as the user gave them (for listings).
        :raises StoreError: the database cannot be written; nothing of the run is stored.
        """
        self.ensure_schema()
        self.last_observer_errors = []
        opts = result.options
        total = len(result.cases)
        keep = sample_positions(total, self.max_cases, opts.seed)
        stored = total if keep is None else len(keep)
        row = RunRow(
            created_at=_utcnow(),
            source=source,
            source_hash=result.source_hash,
            seed=opts.seed,
            days=opts.days,
            replications=opts.replications,
            start=opts.start,
            as_of=opts.as_of,
            options=opts.as_dict(),
            version=result.version or _onewindow_version(),
            warnings=[str(w) for w in result.warnings],
            case_count=total,
            stored_cases=stored,
            cases_sampled=keep is not None,
            metric_count=len(result.metrics),
        )
        with (
            _db_errors(self.display_url, "store the run"),
            self._writing() as conn,
            Session(bind=conn, expire_on_commit=False) as session,
            session.begin(),
        ):
            session.add(row)
            session.flush()
            run_id = int(row.id)  # type: ignore[arg-type]
            if result.metrics:
                session.execute(
                    insert(_METRICS),
                    [
                        {
                            "run_id": run_id,
                            "position": i,
                            "metric": m.metric,
                            "scope": m.scope,
                            "subject": m.subject,
                            "value": _float(m.value),
                            "ci_low": _float(m.ci_low),
                            "ci_high": _float(m.ci_high),
                            "n": int(m.n),
                        }
                        for i, m in enumerate(result.metrics)
                    ],
                )
            for chunk in case_chunks(result.cases, run_id, keep, self.chunk_size):
                session.execute(insert(_CASES), chunk)
        self._notify(run_id, registry)
        return run_id

    def _notify(self, run_id: int, registry: Any) -> None:
        if registry is None:
            return
        from onewindow.plugins.registry import PluginError

        pm = getattr(registry, "pm", registry)
        impls = pm.hook.onewindow_run_stored.get_hookimpls()
        if not impls:
            return
        try:
            run = self.get(run_id)
        except StoreError as exc:  # the run is committed; only its observers miss out
            self.last_observer_errors.append(exc)
            return
        for impl in reversed(impls):
            if getattr(impl, "hookwrapper", False) or getattr(impl, "wrapper", False):
                continue
            try:
                impl.function(**{k: run for k in impl.argnames if k == "run"})
            except Exception as exc:  # isolate: an observer never undoes the stored run
                self.last_observer_errors.append(
                    PluginError(
                        impl.plugin_name,
                        "onewindow_run_stored",
                        f"raised {type(exc).__name__}: {exc}",
                    )
                )

    # ---- reading

    def _stored(self, r: RunRow, metrics: tuple[MetricValue, ...]) -> StoredRun:
        known = {f.name for f in fields(SimOptions)}
        given = {k: v for k, v in (r.options or {}).items() if k in known}
        given.update(
            start=r.start,
            days=r.days,
            seed=r.seed,
            replications=r.replications,
            as_of=r.as_of,
            jurisdictions=tuple(given.get("jurisdictions") or ()),
        )
        options = SimOptions(**given)
        return StoredRun(
            id=int(r.id),  # type: ignore[arg-type]
            created_at=r.created_at.replace(tzinfo=dt.UTC),
            source=r.source,
            source_hash=r.source_hash,
            options=options,
            version=r.version,
            warnings=tuple(r.warnings or ()),
            case_count=r.case_count,
            stored_cases=r.stored_cases,
            cases_sampled=bool(r.cases_sampled),
            metric_count=r.metric_count,
            db=self.display_url,
            metrics=metrics,
        )

    @staticmethod
    def _metric(m: MetricRow) -> MetricValue:
        return MetricValue(m.metric, m.scope, m.subject, m.value, m.ci_low, m.ci_high, m.n)

    def _run_metrics(self, session: Session, ids: list[int]) -> dict[int, list[MetricValue]]:
        out: dict[int, list[MetricValue]] = {i: [] for i in ids}
        if not ids:
            return out
        q = (
            select(MetricRow)
            .where(col(MetricRow.run_id).in_(ids), MetricRow.scope == "run")
            .order_by(col(MetricRow.run_id), col(MetricRow.position))
        )
        for m in session.exec(q):
            out[m.run_id].append(self._metric(m))
        return out

    def list_runs(self, limit: int | None = None) -> list[StoredRun]:
        """Stored runs, newest first, each with its run-scope metrics."""
        self.ensure_schema()
        with _db_errors(self.display_url, "list the runs"), Session(self.engine) as session:
            q = select(RunRow).order_by(col(RunRow.id).desc())
            if limit is not None:
                q = q.limit(limit)
            rows = list(session.exec(q))
            ms = self._run_metrics(session, [int(r.id) for r in rows])  # type: ignore[arg-type]
            return [self._stored(r, tuple(ms[int(r.id)])) for r in rows]  # type: ignore[arg-type]

    def get(self, run_id: int) -> StoredRun | None:
        """One stored run with its run-scope metrics, or None when there is no such run."""
        self.ensure_schema()
        with _db_errors(self.display_url, f"read run {run_id}"), Session(self.engine) as session:
            r = session.get(RunRow, run_id)
            if r is None:
                return None
            return self._stored(r, tuple(self._run_metrics(session, [run_id])[run_id]))

    def metrics(
        self, run_id: int, scope: str | None = None, subject: str | None = None
    ) -> list[MetricValue]:
        """Every metric of a run in the order the simulation gave them, optionally filtered."""
        self.ensure_schema()
        with _db_errors(self.display_url, f"read run {run_id}"), Session(self.engine) as session:
            q = select(MetricRow).where(MetricRow.run_id == run_id)
            if scope is not None:
                q = q.where(MetricRow.scope == scope)
            if subject is not None:
                q = q.where(MetricRow.subject == subject)
            q = q.order_by(col(MetricRow.position))
            return [self._metric(m) for m in session.exec(q)]

    def cases(
        self,
        run_id: int,
        limit: int | None = None,
        filters: Mapping[str, Any] | None = None,
        offset: int = 0,
    ) -> CaseTable:
        """Stored cases of a run, in (replication, case) order, for drill-down.

        :param limit: at most this many cases (None: all stored).
        :param filters: column → value (equality) or column → list/tuple/set (any of);
            columns as in `CASE_COLUMNS`.
        :param offset: skip this many matching cases first (paging).
        :raises ValueError: a filter names an unknown column.
        """
        self.ensure_schema()
        q = select(_CASES).where(_CASES.c.run_id == run_id)
        for name, value in (filters or {}).items():
            if name not in CASE_COLUMNS:
                known = ", ".join(CASE_COLUMNS)
                raise ValueError(f"unknown case column '{name}' (known: {known})")
            c = _CASES.c[name]
            if isinstance(value, list | tuple | set | frozenset):
                q = q.where(c.in_(list(value)))
            else:
                q = q.where(c.is_(None) if value is None else c == value)
        q = q.order_by(_CASES.c.rep, _CASES.c.case, _CASES.c.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        table = CaseTable()
        with (
            _db_errors(self.display_url, f"read the cases of run {run_id}"),
            self.engine.connect() as conn,
        ):
            for r in conn.execute(q).mappings():
                for name in CASE_COLUMNS:
                    table.columns[name].append(r[name])
        return table

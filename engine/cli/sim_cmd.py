"""`onewindow simulate` and `onewindow runs`: run the intake simulation (办件模拟), keep its runs."""

from __future__ import annotations

import datetime as dt
import difflib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from onewindow.dsl.render import to_json
from onewindow.engine.calendar import ProvisionalYearWarning
from onewindow.engine.cli.check_cmd import PathsArg, print_diagnostics, run_check, user_errors
from onewindow.engine.cli.common import (
    EXIT_FILE_ERRORS,
    AsOfOpt,
    JsonOpt,
    PluginOpt,
    UserError,
    console,
    err_console,
    fail,
    parse_date,
    print_json,
    report_user_error,
)
from onewindow.engine.executor import ExecutorError, executor_from_spec
from onewindow.engine.results import MetricValue, SimOptions
from onewindow.engine.store import DB_ENV, RunStore, StoredRun, StoreError

#: Exit code after Ctrl-C (128 + SIGINT), as shells use.
EXIT_INTERRUPTED = 130

#: Headline metrics shown per run in `onewindow runs`.
HEADLINE = (("trips_le1_share", "trips ≤1"), ("on_time_rate", "on time"))

#: Metric scopes in the order `runs show` prints them.
SCOPE_ORDER = ("run", "jurisdiction", "matter", "window")

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=f"Run database URL (default: ${DB_ENV}, else runs.db in the user data folder).",
        show_default=False,
    ),
]


# ---------------------------------------------------------------- helpers


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn a run-store problem into a plain message and exit code 2."""
    try:
        yield
    except StoreError as exc:
        report_user_error(UserError(exc.message, exc.hint))


def open_store(db: str | None) -> RunStore:
    """The run store at `db` (or the default), schema checked, or a plain error and exit 2."""
    with store_errors():
        store = RunStore(db)
        store.ensure_schema()
    return store


def metric_specs(registry: Any = None, plugins: list[str] | None = None) -> dict[str, Any]:
    """Metric specs by name, for units; empty when plugins cannot be loaded."""
    if registry is None:
        try:
            from onewindow.plugins.registry import Registry

            registry = Registry.build(plugins or ())
        except Exception:  # units are decoration: a broken plugin must not hide stored runs
            return {}
    return dict(registry.metrics)


def fmt_number(value: float | None, spec: Any = None, unit: bool = True) -> str:
    """A metric value for people: percentages with %, others with two decimals and a unit."""
    if value is None:
        return "—"
    if spec is not None and spec.percent:
        return f"{value:.1f}%"
    whole = value.is_integer() and (spec is None or not spec.unit)
    text = f"{value:,.0f}" if whole or abs(value) >= 1e6 else f"{value:,.2f}"
    name = getattr(spec, "unit", "") if spec is not None and unit else ""
    return f"{text} {name}" if name and name != "%" else text


def fmt_ci(m: MetricValue, spec: Any = None) -> str:
    if m.ci_low is None or m.ci_high is None:
        return "—"
    return f"{fmt_number(m.ci_low, spec, False)} – {fmt_number(m.ci_high, spec, False)}"


def metrics_table(title: str, metrics: list[MetricValue], specs: dict[str, Any]) -> Table:
    """Metrics with their 95% intervals; a subject column unless every row is run-scope."""
    with_subject = any(m.subject for m in metrics)
    table = Table(title=title, title_justify="left")
    if with_subject:
        table.add_column("subject")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("n", justify="right")
    for m in metrics:
        spec = specs.get(m.metric)
        cells = [m.metric, fmt_number(m.value, spec), fmt_ci(m, spec), str(m.n)]
        table.add_row(*([m.subject, *cells] if with_subject else cells))
    return table


def run_json(run: StoredRun, metrics: list[MetricValue] | None = None) -> dict[str, Any]:
    """A run as JSON: `StoredRun.as_dict()`, with every metric when `metrics` is given."""
    data = run.as_dict()
    if metrics is not None:
        data["metrics"] = [m.as_dict() for m in metrics]
    return data


def _local(when: dt.datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def _cases_cell(run: StoredRun) -> str:
    return (
        f"{run.stored_cases}/{run.case_count} (sample)"
        if run.cases_sampled
        else str(run.case_count)
    )


def _check_names(wanted: list[str], known: set[str]) -> None:
    for name in wanted:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "`onewindow summary PATH` lists them"
            fail(f"--jurisdiction '{name}' is not a jurisdiction of the checked files", hint)


def _progress_bar(disabled: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
        disable=disabled,
    )


@contextmanager
def _storing(disabled: bool) -> Iterator[None]:
    """A spinner while the run is written (cases can take a second or two)."""
    if disabled:
        yield
        return
    with err_console.status("storing the run…"):
        yield


def _print_observer_errors(store: RunStore, run_id: int) -> None:
    for exc in store.last_observer_errors:
        err_console.print(
            f"[bold yellow]warning:[/] {escape(str(exc))} — run {run_id} is stored all the same"
        )


# ---------------------------------------------------------------- commands


def register(app: typer.Typer) -> None:
    """Add `simulate` and the `runs` group (`runs`, `runs show ID`) to `app`."""

    @app.command("simulate")
    def simulate_command(
        paths: PathsArg,
        days: Annotated[
            int,
            typer.Option("--days", min=1, help="Length of the run in days (250 ≈ a working year)."),
        ] = 250,
        seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same run.")] = 1,
        replications: Annotated[
            int,
            typer.Option(
                "--replications", "-r", min=1, help="Independent replications (for 95% CIs)."
            ),
        ] = 1,
        as_of: AsOfOpt = None,
        start: Annotated[
            str | None,
            typer.Option("--start", help="First simulated day (default: --as-of, else today)."),
        ] = None,
        jurisdiction: Annotated[
            list[str] | None,
            typer.Option(
                "--jurisdiction", "-j", help="Simulate only this jurisdiction (repeatable)."
            ),
        ] = None,
        db: DbOpt = None,
        plugin: PluginOpt = None,
        executor: Annotated[
            str,
            typer.Option(
                "--executor",
                help="Where tasks run: local, process[:N] or dask://HOST:PORT (same results).",
            ),
        ] = "local",
        as_json: JsonOpt = False,
    ) -> None:
        """Simulate intake over the checked tree, store the run, print its metrics."""
        with user_errors():
            day = parse_date(as_of)
            first = parse_date(start, "--start") or day or dt.date.today()
            checked = run_check(paths, plugin)
        if not checked.ok:
            if as_json:
                print_json(
                    {
                        "errors": len(checked.errors),
                        "diagnostics": [to_json(d) for d in checked.diagnostics],
                    }
                )
            else:
                print_diagnostics(checked)
                err_console.print("[bold red]not simulated:[/] fix the errors above first")
            raise typer.Exit(EXIT_FILE_ERRORS)
        if not as_json:
            print_diagnostics(checked)  # warnings only, if any
        with user_errors():
            _check_names(jurisdiction or [], set(checked.workspace.jurisdictions))
        try:
            runner = executor_from_spec(executor)
        except ExecutorError as exc:
            report_user_error(UserError(exc.message, exc.hint))
        store = open_store(db)  # fail on a bad --db before a long simulation, not after

        sim_module = _engine()

        options = SimOptions(
            start=first,
            days=days,
            seed=seed,
            replications=replications,
            as_of=day,
            jurisdictions=tuple(jurisdiction or ()),
        )
        known_errors: tuple[type[BaseException], ...] = _engine_errors(sim_module)
        run_id: int | None = None
        try:
            with _progress_bar(as_json or not err_console.is_terminal) as bar:
                task = bar.add_task("simulate", total=None)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                with warnings.catch_warnings():  # they come back in result.warnings
                    warnings.simplefilter("ignore", ProvisionalYearWarning)
                    result = sim_module.simulate(
                        checked.workspace,
                        checked.registry,
                        options,
                        progress=progress,
                        executor=runner,
                    )
            with store_errors(), _storing(as_json or not err_console.is_terminal):
                run_id = store.save(result, checked.registry, source=" ".join(paths))
                run = store.get(run_id)
                metrics = store.metrics(run_id)
        except KeyboardInterrupt:
            done = "no run was stored" if run_id is None else f"run {run_id} was stored"
            err_console.print(f"[bold red]interrupted:[/] {done}")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except known_errors as exc:
            message = getattr(exc, "message", str(exc))
            report_user_error(UserError(message, getattr(exc, "hint", None)))
        finally:
            store.close()
            runner.close()
        assert run is not None and run_id is not None
        _print_observer_errors(store, run_id)
        if as_json:
            data = run_json(run, metrics)
            data["observer_errors"] = [str(e) for e in store.last_observer_errors]
            data["diagnostics"] = [to_json(d) for d in checked.diagnostics]
            print_json(data)
            return
        specs = metric_specs(checked.registry)
        console.print(metrics_table(f"Run {run_id}", list(run.metrics), specs))
        for w in run.warnings:
            console.print(f"[yellow]warning:[/] {escape(w)}")
        console.print(
            f"{run.case_note}; {len(metrics)} metric value(s) over all scopes.\n"
            f"[green]✓[/] run [bold]{run_id}[/] stored in {escape(run.db)} — "
            f"`onewindow runs show {run_id}` shows it in full"
        )

    runs_app = typer.Typer(
        help="List stored simulation runs; `runs show ID` shows one in full.",
        invoke_without_command=True,
        no_args_is_help=False,
    )

    @runs_app.callback(invoke_without_command=True)
    def runs_command(
        ctx: typer.Context,
        db: DbOpt = None,
        plugin: PluginOpt = None,
        limit: Annotated[
            int | None, typer.Option("--limit", min=1, help="Show only the newest N runs.")
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """List stored runs, newest first."""
        ctx.ensure_object(dict)["db"] = db
        ctx.obj["plugins"] = plugin
        if ctx.invoked_subcommand is not None:
            return
        store = open_store(db)
        with store_errors():
            runs = store.list_runs(limit)
        store.close()
        if as_json:
            print_json({"db": store.display_url, "runs": [run_json(r) for r in runs]})
            return
        if not runs:
            console.print(
                f"no runs stored in {store.display_url} yet — `onewindow simulate PATH` makes one"
            )
            return
        specs = metric_specs(plugins=plugin)
        table = Table(title=f"Runs in {escape(store.display_url)}", title_justify="left")
        table.add_column("id", justify="right")
        table.add_column("stored", no_wrap=True)
        for name in ("source", "start", "days×reps", "seed", "cases"):
            table.add_column(name)
        for _, label in HEADLINE:
            table.add_column(label, justify="right")
        for r in runs:
            cells = [
                str(r.id),
                _local(r.created_at),
                r.source,
                r.options.start.isoformat(),
                f"{r.options.days}×{r.options.replications}",
                str(r.options.seed),
                _cases_cell(r),
            ]
            for metric, _ in HEADLINE:
                m = r.metric(metric)
                cells.append(fmt_number(m.value if m else None, specs.get(metric)))
            table.add_row(*cells)
        console.print(table)

    @runs_app.command("show")
    def runs_show(
        ctx: typer.Context,
        run_id: Annotated[int, typer.Argument(help="Run id, as listed by `onewindow runs`.")],
        db: DbOpt = None,
        scope: Annotated[
            list[str] | None,
            typer.Option("--scope", help="Only metrics of this scope (run, jurisdiction, …)."),
        ] = None,
        subject: Annotated[
            list[str] | None,
            typer.Option(
                "--subject",
                help="Only metrics of this jurisdiction, matter or window (repeatable).",
            ),
        ] = None,
        limit: Annotated[
            int,
            typer.Option(
                "--limit",
                min=0,
                help="Subjects shown per scope (0: all); --json always has all.",
            ),
        ] = 40,
        cases: Annotated[
            int, typer.Option("--cases", min=0, help="Also show the first N stored cases.")
        ] = 0,
        plugin: PluginOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Show one run: inputs, warnings, its metrics (and cases with --cases)."""
        db = db or (ctx.obj or {}).get("db")
        plugin = plugin or (ctx.obj or {}).get("plugins")
        store = open_store(db)
        with store_errors():
            run = store.get(run_id)
            if run is None:
                store.close()
                report_user_error(
                    UserError(
                        f"there is no run {run_id} in {store.display_url}",
                        "`onewindow runs` lists the stored runs",
                    )
                )
            metrics = store.metrics(run_id)
            table = store.cases(run_id, limit=cases) if cases else None
        store.close()
        if scope:
            metrics = [m for m in metrics if m.scope in scope]
        if subject:
            wanted = set(subject)
            metrics = [m for m in metrics if m.subject in wanted or m.scope == "run"]
        if as_json:
            data = run_json(run, metrics)
            if table is not None:
                data["cases"] = list(table.rows())
            print_json(data)
            return
        _print_run(run, metrics, table, plugin, limit)

    app.add_typer(runs_app, name="runs")


def _first_subjects(rows: list[MetricValue], limit: int) -> tuple[list[MetricValue], int]:
    """The rows of the first `limit` subjects (0: all), and how many subjects were left out."""
    subjects = list(dict.fromkeys(m.subject for m in rows))
    if not limit or len(subjects) <= limit:
        return rows, 0
    kept = set(subjects[:limit])
    return [m for m in rows if m.subject in kept], len(subjects) - limit


def _print_run(
    run: StoredRun,
    metrics: list[MetricValue],
    cases: Any,
    plugins: list[str] | None = None,
    limit: int = 0,
) -> None:
    o = run.options
    inputs = Table(title=f"Run {run.id}", title_justify="left", show_header=False)
    inputs.add_column("input", style="bold")
    inputs.add_column("value")
    for key, value in (
        ("stored", f"{_local(run.created_at)} in {run.db}"),
        ("source", run.source or "—"),
        ("source hash", run.source_hash),
        ("start", o.start.isoformat()),
        ("days", str(o.days)),
        ("seed", str(o.seed)),
        ("replications", str(o.replications)),
        ("as of", o.as_of.isoformat() if o.as_of else "—"),
        ("jurisdictions", ", ".join(o.jurisdictions) or "all"),
        ("onewindow", run.version),
        ("cases", run.case_note),
    ):
        inputs.add_row(key, Text(value))
    console.print(inputs)
    if run.warnings:
        console.print("[bold yellow]Warnings[/]")
        for w in run.warnings:
            console.print(Text(f"  • {w}"))
    specs = metric_specs(plugins=plugins)
    scopes = sorted({m.scope for m in metrics}, key=_scope_key)
    for s in scopes:
        rows, left_out = _first_subjects([m for m in metrics if m.scope == s], limit)
        console.print(metrics_table(f"Metrics — {s}", rows, specs))
        if left_out:
            console.print(
                f"  … and {left_out:,} more {s} subject(s): name them with --subject, "
                "or show all with --limit 0 (or --json)"
            )
    if not metrics:
        console.print("no metrics stored for this run")
    if cases is not None:
        shown = ("rep", "case", "jurisdiction", "matter", "channel", "window", "trips")
        shown += ("wait_minutes", "deadline_day", "finish_day", "on_time", "outcome")
        table = Table(title=f"First {len(cases)} stored case(s)", title_justify="left")
        for name in shown:
            table.add_column(name.replace("_", " "))
        for row in cases.rows():
            table.add_row(*("" if row[n] is None else str(row[n]) for n in shown))
        console.print(table)


def _scope_key(scope: str) -> tuple[int, str]:
    return (SCOPE_ORDER.index(scope) if scope in SCOPE_ORDER else len(SCOPE_ORDER), scope)


def _engine() -> Any:
    """The simulation engine module, imported only when a simulation is asked for."""
    try:
        from onewindow.engine import simulate
    except ModuleNotFoundError as exc:
        if exc.name != "onewindow.engine.simulate":
            raise
        report_user_error(
            UserError(
                "this onewindow has no simulation engine (onewindow.engine.simulate)",
                "reinstall onewindow with `pip install -e .`",
            )
        )
    return simulate


def _engine_errors(module: Any) -> tuple[type[BaseException], ...]:
    """Exceptions the engine raises for user mistakes (bad calendar dates, failing plugins)."""
    from onewindow.engine.calendar import CalendarError
    from onewindow.plugins.registry import PluginError

    found: list[type[BaseException]] = [CalendarError, PluginError, ExecutorError]
    extra = getattr(module, "SimulationError", None)
    if isinstance(extra, type) and issubclass(extra, Exception):
        found.append(extra)
    return tuple(found)

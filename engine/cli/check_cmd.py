"""`onewindow check`, `summary` and `schema`: the checker and what it found."""

from __future__ import annotations

import datetime as dt
import json
import sys
import warnings
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from onewindow.dsl.check import CheckResult, check
from onewindow.dsl.incremental import Checker
from onewindow.dsl.load import LoadError, display_path, find_root
from onewindow.dsl.render import SourceLines, render_text, summary, to_json
from onewindow.engine.calendar import ProvisionalYearWarning
from onewindow.engine.cli.check_watch import WatchedCheck, watch_checks
from onewindow.engine.cli.common import (
    EXIT_FILE_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    AsOfOpt,
    JsonOpt,
    PluginOpt,
    UserError,
    console,
    err_console,
    parse_date,
    print_json,
    report_user_error,
)
from onewindow.engine.overview import Overview, overview
from onewindow.engine.summary import summarize
from onewindow.plugins.registry import PluginError, Registry

PathsArg = Annotated[list[str], typer.Argument(help="Jurisdiction files or folders.")]


@contextmanager
def user_errors():
    """Turn load, plugin and option mistakes into a plain message and exit code 2."""
    try:
        yield
    except LoadError as exc:
        report_user_error(UserError(exc.message, exc.hint))
    except PluginError as exc:
        report_user_error(UserError(str(exc), "fix or uninstall the plugin, or leave out --plugin"))
    except UserError as exc:
        report_user_error(exc)


def run_check(paths: list[str], plugins: list[str] | None, lint: bool = False) -> CheckResult:
    return check(paths, plugins=plugins or (), lint=lint)


def print_diagnostics(result: CheckResult) -> None:
    sources = SourceLines()
    for d in result.diagnostics:
        err_console.print(render_text(d, sources), soft_wrap=True)
        err_console.print()
    errors, warnings = summary(result.diagnostics)
    files = len(result.files)
    if errors or warnings:
        err_console.print(
            f"[bold]{errors} error(s), {warnings} warning(s)[/] in {files} file(s) checked"
        )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def print_overview(view: Overview, jurisdictions: int, files: int) -> None:
    """One screen: districts, a simulated year, assessments and targets."""
    contents = Table(title=f"{jurisdictions} jurisdictions in {files} files", title_justify="left")
    for col in ("district", "towns", "villages", "matters", "chains", "windows", "delegated"):
        contents.add_column(col, justify="left" if col == "district" else "right")
    for d in view.districts:
        contents.add_row(
            escape(d.name),
            str(d.townships),
            str(d.villages),
            str(d.matters),
            str(d.chains),
            str(d.windows),
            str(d.delegated_matters),
        )
    console.print(contents)
    year = Table(
        title=f"A simulated year {view.start} … {view.as_of} (seed {view.seed})",
        title_justify="left",
    )
    for col in ("district", "cases", "≤1 trip", "0 trips", "wait min", "on time", "local", "一窗"):
        year.add_column(col, justify="left" if col == "district" else "right")
    for d in view.districts:
        m = d.metrics
        wait = m.get("mean_wait_minutes")
        year.add_row(
            escape(d.name),
            f"{m.get('cases') or 0:,.0f}",
            _pct(m.get("trips_le1_share")),
            _pct(m.get("zero_trip_share")),
            "—" if wait is None else f"{wait:.1f}",
            _pct(m.get("on_time_rate")),
            _pct(m.get("local_share")),
            _pct(m.get("one_window_case_share")),
        )
    console.print(year)
    scores = Table(title=f"Assessments and targets as of {view.as_of}", title_justify="left")
    for col in ("district", "assessment", "scored", "mean", "lowest", "flagged", "targets ✓/✗/…"):
        scores.add_column(col, justify="left" if col in ("district", "assessment") else "right")
    for d in view.districts:
        t = d.targets
        target_text = f"{t['met']}/{t['missed']}/{t['pending']}"
        if not d.assessments:
            scores.add_row(escape(d.name), "—", "", "", "", "", target_text)
        for i, a in enumerate(d.assessments):
            flagged = str(len(a["flagged"])) if a["flagged"] else ""
            scores.add_row(
                escape(d.name) if i == 0 else "",
                escape(a["assessment"]),
                str(a["scored"]),
                f"{a['mean']:.1f}",
                f"{a['lowest']:.1f}",
                escape(flagged),
                target_text if i == 0 else "",
            )
    console.print(scores)
    for w in view.warnings:
        console.print(f"[yellow]warning:[/] {escape(w)}")
    console.print(
        "[green]✓[/] no errors. Details: `onewindow score PATH`, `onewindow simulate PATH`, "
        "`onewindow tui PATH`"
    )


def _print_watched(checked: WatchedCheck, as_json: bool) -> None:
    """One check of `check --watch`: a JSON line, or a header, diagnostics and a verdict."""
    result, stats = checked.result, checked.stats
    if as_json:
        data: dict = {
            "check": checked.number,
            "changed": list(checked.changed),
            "incremental": not stats.full,
            "milliseconds": round(checked.seconds * 1000, 1),
        }
        if result is None:
            assert checked.error is not None
            data |= {"error": checked.error.message, "hint": checked.error.hint}
        else:
            data |= {
                "files": result.files,
                "errors": len(result.errors),
                "diagnostics": [to_json(d) for d in result.diagnostics],
            }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()
        return
    clock = dt.datetime.now().strftime("%H:%M:%S")
    took = f"{checked.seconds * 1000:.0f} ms"
    if checked.number > 1:
        what = (
            f"re-checked {stats.rebuilt_files} file(s), {stats.revalidated} jurisdiction(s)"
            if not stats.full
            else f"checked the whole tree ({stats.reason})"
        )
        err_console.rule(f"{clock} · {what} in {took}", style="dim")
    if result is None:
        assert checked.error is not None
        err_console.print(f"[bold red]error:[/] {escape(checked.error.message)}")
        if checked.error.hint:
            err_console.print(f"  [cyan]hint:[/] {escape(checked.error.hint)}")
        return
    print_diagnostics(result)
    if result.ok:
        n = len(result.workspace.jurisdictions)
        console.print(f"[green]✓[/] {len(result.files)} file(s), {n} jurisdiction(s): no errors")


def watch_command(checker: Checker, as_json: bool) -> int:
    """Run `check --watch` until Ctrl+C; the exit code is the last check's."""
    last: list[WatchedCheck] = []

    def on_check(checked: WatchedCheck) -> None:
        last[:] = [checked]
        _print_watched(checked, as_json)
        if checked.number == 1 and not as_json:
            root = find_root(Path(checker.paths[0]).resolve())
            err_console.print(
                f"[dim]watching {escape(display_path(root))} for saved files (Ctrl+C to stop)[/]"
            )

    try:
        watch_checks(checker, on_check)
    except KeyboardInterrupt:
        pass
    except LoadError as exc:  # the first check: paths unusable from the start
        report_user_error(UserError(exc.message, exc.hint))
    except PluginError as exc:
        report_user_error(UserError(str(exc), "fix or uninstall the plugin, or leave out --plugin"))
    except OSError as exc:  # from the file watcher
        root = display_path(find_root(Path(checker.paths[0]).resolve()))
        report_user_error(
            UserError(
                f"cannot watch {root} for saved files: {exc}",
                "on Linux, raise the watch limit (sysctl fs.inotify.max_user_watches) or "
                "check a smaller folder; `onewindow check` without --watch still works",
            )
        )
    if not last or last[0].result is None:
        return EXIT_USAGE
    return EXIT_OK if last[0].result.ok else EXIT_FILE_ERRORS


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_command(
        paths: PathsArg,
        plugin: PluginOpt = None,
        lint: Annotated[bool, typer.Option("--lint", help="Also report lint warnings.")] = False,
        watch: Annotated[
            bool,
            typer.Option(
                "--watch",
                "-w",
                help="Keep checking: re-check each time a file of the tree is saved (Ctrl+C stops).",
            ),
        ] = False,
        as_json: JsonOpt = False,
    ) -> None:
        """Check jurisdiction files: exit 0 when clean, 1 when they have errors."""
        if watch:
            with user_errors():
                checker = Checker(list(paths), plugins=tuple(plugin or ()), lint=lint)
            raise typer.Exit(watch_command(checker, as_json))
        with user_errors():
            result = run_check(paths, plugin, lint)
        if as_json:
            print_json(
                {
                    "files": result.files,
                    "errors": len(result.errors),
                    "diagnostics": [to_json(d) for d in result.diagnostics],
                }
            )
        else:
            print_diagnostics(result)
            if result.ok:
                n = len(result.workspace.jurisdictions)
                console.print(
                    f"[green]✓[/] {len(result.files)} file(s), {n} jurisdiction(s): no errors"
                )
        raise typer.Exit(EXIT_OK if result.ok else EXIT_FILE_ERRORS)

    @app.command("summary")
    def summary_command(
        paths: PathsArg,
        plugin: PluginOpt = None,
        as_of: AsOfOpt = None,
        days: Annotated[
            int, typer.Option("--days", min=1, help="Days simulated up to --as-of.")
        ] = 365,
        seed: Annotated[int, typer.Option("--seed", help="Random seed of the simulation.")] = 1,
        as_json: JsonOpt = False,
    ) -> None:
        """The main job: check the tree, simulate a year per district, score it, summarise."""
        with user_errors():
            day = parse_date(as_of) or dt.date.today()
            result = run_check(paths, plugin)
        rows = summarize(result.workspace, day)
        if not result.ok:
            if as_json:
                print_json(
                    {
                        "errors": len(result.errors),
                        "diagnostics": [to_json(d) for d in result.diagnostics],
                    }
                )
            else:
                print_diagnostics(result)
                err_console.print(
                    "[bold red]not simulated or scored:[/] fix the errors above first"
                )
            raise typer.Exit(EXIT_FILE_ERRORS)
        with user_errors(), warnings.catch_warnings():
            warnings.simplefilter("ignore", ProvisionalYearWarning)  # listed in view.warnings
            with console.status("simulating and scoring …") if not as_json else nullcontext():
                view = overview(result.workspace, result.registry, day, days=days, seed=seed)
        if as_json:
            data = view.as_dict()
            data["jurisdictions"] = [r.as_dict() for r in rows]
            data["diagnostics"] = [to_json(d) for d in result.diagnostics]
            print_json(data)
            raise typer.Exit(EXIT_OK)
        print_diagnostics(result)
        print_overview(view, len(rows), len(result.files))
        raise typer.Exit(EXIT_OK)

    @app.command("schema")
    def schema_command(plugin: PluginOpt = None) -> None:
        """Print the JSON Schema of the jurisdiction model, and the names plugins provide.

        The names (metrics, `set` keys, rule kinds, lint rule codes of the built-in and
        loaded plugins) are under the schema's `x-onewindow-vocabulary` key.
        """
        from onewindow.dsl.model import Jurisdiction

        with user_errors():
            registry = Registry.build(plugin or ())
        schema = Jurisdiction.model_json_schema()
        schema["x-onewindow-vocabulary"] = registry.vocabulary()
        console.print_json(json.dumps(schema, ensure_ascii=False))

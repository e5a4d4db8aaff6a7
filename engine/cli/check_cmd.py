"""`onewindow check`, `summary` and `schema`: the checker and what it found."""

from __future__ import annotations

import json
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table

from onewindow.dsl.check import CheckResult, check
from onewindow.dsl.load import LoadError
from onewindow.dsl.render import SourceLines, render_text, summary, to_json
from onewindow.engine.cli.common import (
    EXIT_FILE_ERRORS,
    EXIT_OK,
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
from onewindow.engine.summary import summarize
from onewindow.plugins.registry import PluginError

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


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check_command(
        paths: PathsArg,
        plugin: PluginOpt = None,
        lint: Annotated[bool, typer.Option("--lint", help="Also report lint warnings.")] = False,
        as_json: JsonOpt = False,
    ) -> None:
        """Check jurisdiction files: exit 0 when clean, 1 when they have errors."""
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
        as_json: JsonOpt = False,
    ) -> None:
        """Check the tree and print what it contains: the main job on a jurisdiction tree."""
        with user_errors():
            day = parse_date(as_of)
            result = run_check(paths, plugin)
        rows = summarize(result.workspace, day)
        if as_json:
            print_json(
                {
                    "errors": len(result.errors),
                    "diagnostics": [to_json(d) for d in result.diagnostics],
                    "jurisdictions": [r.as_dict() for r in rows],
                }
            )
            raise typer.Exit(EXIT_OK if result.ok else EXIT_FILE_ERRORS)
        print_diagnostics(result)
        table = Table(title="Jurisdictions", title_justify="left")
        for col in (
            "jurisdiction",
            "level",
            "matters",
            "delegated in",
            "chains",
            "windows",
            "delegated out",
            "targets",
            "assessments",
        ):
            table.add_column(col, justify="left" if col in ("jurisdiction", "level") else "right")
        for r in rows:
            table.add_row(
                "  " * r.depth + r.name,
                r.level,
                str(r.matters),
                str(r.delegated_in),
                str(r.chains),
                str(r.windows),
                str(r.delegated_out),
                str(r.targets),
                str(r.assessments),
            )
        console.print(table)
        status = "[green]no errors[/]" if result.ok else f"[red]{len(result.errors)} error(s)[/]"
        console.print(f"{len(result.files)} file(s) checked: {status}")
        raise typer.Exit(EXIT_OK if result.ok else EXIT_FILE_ERRORS)

    @app.command("schema")
    def schema_command() -> None:
        """Print the JSON Schema of the jurisdiction model."""
        from onewindow.dsl.model import Jurisdiction

        console.print_json(json.dumps(Jurisdiction.model_json_schema(), ensure_ascii=False))

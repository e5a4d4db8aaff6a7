"""Shared pieces of the command line: consoles, exit codes, user errors, common options."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

EXIT_OK = 0
EXIT_FILE_ERRORS = 1  # the files have errors, checks or tests failed
EXIT_USAGE = 2  # bad command line, unreadable path, unusable database …

console = Console(highlight=False, emoji=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)


class UserError(Exception):
    """A mistake on the command line or in the environment: printed plainly, exit 2."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def fail(message: str, hint: str | None = None) -> NoReturn:
    raise UserError(message, hint)


def report_user_error(exc: UserError) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {exc.message}")
    if exc.hint:
        err_console.print(f"  [cyan]hint:[/] {exc.hint}")
    raise typer.Exit(EXIT_USAGE)


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option} '{value}' is not a date", "write dates as YYYY-MM-DD, e.g. 2019-12-31")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


PluginOpt = Annotated[
    list[str] | None,
    typer.Option("--plugin", "-p", help="Load a plugin by module path (repeatable)."),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Evaluate dated values as of this day (YYYY-MM-DD).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

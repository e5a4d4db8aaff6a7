"""Entry point of the `onewindow` command: registers every subcommand."""

from __future__ import annotations

import typer

from onewindow.engine.cli import (
    calendar_cmd,
    check_cmd,
    compare_cmd,
    export_cmd,
    fmt_cmd,
    generate_cmd,
    lint_cmd,
    plugins_cmd,
    score_cmd,
    sim_cmd,
    tui_cmd,
)
from onewindow.engine.cli.common import UserError, report_user_error

app = typer.Typer(
    name="onewindow",
    help="Describe, check, simulate and score one-window service reforms (一窗受理).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

check_cmd.register(app)  # check, summary (the main job), schema
lint_cmd.register(app)
fmt_cmd.register(app)
sim_cmd.register(app)  # simulate, runs
score_cmd.register(app)  # score, explain, test
compare_cmd.register(app)
export_cmd.register(app)
calendar_cmd.register(app)
plugins_cmd.register(app)
tui_cmd.register(app)
generate_cmd.register(app)


def main() -> None:
    """Run the CLI; user errors print plainly and exit 2, never as a traceback."""
    try:
        app()
    except UserError as exc:  # raised outside a command body (rare)
        report_user_error(exc)

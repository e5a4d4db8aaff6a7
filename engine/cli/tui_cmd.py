"""`onewindow tui [PATH]`: open the terminal app on a jurisdiction tree (终端界面)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from onewindow.engine.cli.common import (
    AsOfOpt,
    PluginOpt,
    UserError,
    fail,
    parse_date,
    report_user_error,
)
from onewindow.engine.store import DB_ENV, RunStore, StoreError


def register(app: typer.Typer) -> None:
    """Add the `tui` command to `app`."""

    @app.command("tui")
    def tui_command(
        path: Annotated[
            str | None,
            typer.Argument(
                help="Jurisdiction folder or file (default: jurisdictions/ if present, else .).",
                show_default=False,
            ),
        ] = None,
        db: Annotated[
            str | None,
            typer.Option(
                "--db",
                help=f"Run database URL (default: ${DB_ENV}, else runs.db in the user data folder).",
                show_default=False,
            ),
        ] = None,
        plugin: PluginOpt = None,
        as_of: AsOfOpt = None,
        no_watch: Annotated[
            bool, typer.Option("--no-watch", help="Do not re-check when files change.")
        ] = False,
    ) -> None:
        """Explore, check, simulate and score the tree in an interactive terminal app."""
        from onewindow.tui.session import Session, default_path

        try:
            day = parse_date(as_of)
            target = path or default_path()
            if not Path(target).exists():
                fail(
                    f"no such file or folder: {target}",
                    "give a jurisdiction folder, e.g. jurisdictions/",
                )
            try:
                RunStore(db).close()  # a bad --db is a command-line mistake: say so before starting
            except StoreError as exc:
                fail(exc.message, exc.hint)
        except UserError as exc:
            report_user_error(exc)
        from onewindow.tui.app import OnewindowApp

        session = Session([target], plugins=tuple(plugin or ()), db_url=db, as_of=day)
        OnewindowApp(session, watch=not no_watch).run()

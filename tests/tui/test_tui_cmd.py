"""`onewindow tui`: command-line mistakes are reported plainly before the app starts."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from onewindow.engine.cli import tui_cmd


def cli() -> typer.Typer:
    app = typer.Typer()
    tui_cmd.register(app)

    @app.command("other")
    def other() -> None:  # a second command keeps `tui` a subcommand
        """Nothing."""

    return app


def test_missing_path_exits_2_with_a_hint(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli(), ["tui", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    assert "Traceback" not in result.output


def test_bad_database_url_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli(), ["tui", str(tmp_path), "--db", "nosuchdb://x"])
    assert result.exit_code == 2
    assert "nosuchdb" in result.output


def test_bad_as_of_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli(), ["tui", str(tmp_path), "--as-of", "2019-13-01"])
    assert result.exit_code == 2
    assert "is not a date" in result.output

"""`onewindow export guide`: the service guides (办事指南) of a tree, one page per jurisdiction.

`--format md|html|json`; with `--out DIR` one file per jurisdiction (`NAME.md`, …) is
written atomically (a temporary file beside it, then `os.replace`), so an interrupted
export never leaves half a page. Without `--out`, JSON goes to stdout as one document;
Markdown and HTML need `--out`. Exit 0 when written, 1 when the files have errors, 2 for a
bad option or an unwritable folder.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from onewindow.dsl.render import to_json
from onewindow.engine.cli.check_cmd import PathsArg, print_diagnostics, run_check, user_errors
from onewindow.engine.cli.common import (
    EXIT_FILE_ERRORS,
    AsOfOpt,
    PluginOpt,
    UserError,
    err_console,
    fail,
    parse_date,
    print_json,
    report_user_error,
)
from onewindow.engine.guide import build_guide, guide_jurisdictions
from onewindow.engine.guide_render import render, render_all_json


class GuideFormat(StrEnum):
    """Output formats of a service guide."""

    md = "md"
    html = "html"
    json = "json"


#: Characters not allowed in file names on common systems.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def page_file_name(name: str, fmt: str) -> str:
    """`示范区.md`: a jurisdiction's page file (unsafe characters replaced by `_`)."""
    safe = _UNSAFE.sub("_", name).strip(" .") or "_"
    return f"{safe}.{fmt}"


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` in one step: a temporary file in the same folder, then
    `os.replace`; the temporary file is removed if anything fails."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_out(out: str) -> Path:
    """`--out` as a folder path; refused when it names an existing file."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        fail(f"--out {out} is a file, not a folder", "name a folder to write the pages into")
    return path


def _make_out(path: Path) -> None:
    """Create the output folder (and its parents); a plain error when it cannot be written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create the folder {path}: {exc.strerror}", "choose a writable folder")
    if not os.access(path, os.W_OK):
        fail(f"cannot write into {path}: permission denied", "choose a writable folder")


def register(app: typer.Typer) -> None:
    """Add the `export` group with `export guide` to `app`."""
    export_app = typer.Typer(
        help="Export what a tree describes for readers outside onewindow.",
        no_args_is_help=True,
    )

    @export_app.command("guide")
    def guide_command(
        paths: PathsArg,
        fmt: Annotated[
            GuideFormat,
            typer.Option(
                "--format", "-f", help="md, html (prints well) or json.", case_sensitive=False
            ),
        ] = GuideFormat.md,
        out: Annotated[
            str | None,
            typer.Option(
                "--out", help="Folder for one file per jurisdiction (json: stdout without it)."
            ),
        ] = None,
        as_of: AsOfOpt = None,
        plugin: PluginOpt = None,
    ) -> None:
        """Write the service guide (办事指南) of each jurisdiction: every matter it handles,
        its materials, limits, fee, trips and where to apply."""
        with user_errors():
            day = parse_date(as_of)
            if out is None and fmt is not GuideFormat.json:
                fail(
                    f"--format {fmt.value} writes one file per jurisdiction: give --out DIR",
                    "or use --format json to print every page on stdout",
                )
            folder = _check_out(out) if out is not None else None
            checked = run_check(paths, plugin)
        if not checked.ok:
            if folder is None:
                print_json(
                    {
                        "errors": len(checked.errors),
                        "diagnostics": [to_json(d) for d in checked.diagnostics],
                    }
                )
            else:
                print_diagnostics(checked)
                err_console.print("[bold red]not exported:[/] fix the errors above first")
            raise typer.Exit(EXIT_FILE_ERRORS)
        if folder is not None:
            print_diagnostics(checked)  # warnings only, if any
            with user_errors():
                _make_out(folder)
        guide = build_guide(checked.workspace, day)
        if folder is None:
            sys.stdout.write(render_all_json(guide))
            return
        written = []
        names: dict[str, str] = {}
        for page in guide.pages:
            file_name = page_file_name(page.name, fmt.value)
            if file_name in names:  # two names that differ only in unsafe characters
                file_name = page_file_name(f"{page.name}_{len(names)}", fmt.value)
            names[file_name] = page.name
            target = folder / file_name
            try:
                write_atomic(target, render(guide, page, fmt.value))
            except OSError as exc:
                report_user_error(
                    UserError(f"cannot write {target}: {exc.strerror}", "choose a writable folder")
                )
            written.append(target)
        skipped = len(guide_jurisdictions(checked.workspace)) - len(guide.pages)
        err_console.print(
            f"[green]✓[/] {len(written)} guide page(s) written to {escape(str(folder))}"
            + (f"; {skipped} jurisdiction(s) without matters skipped" if skipped else "")
        )

    app.add_typer(export_app, name="export")

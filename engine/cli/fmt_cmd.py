"""`onewindow fmt`: rewrite `.ow` files in the canonical layout, or check or diff them.

Exit codes: 0 when every file is (now) formatted; 1 when a file has syntax errors (it is
left untouched and its diagnostics are printed) or, with `--check` / `--diff`, when a file
would change; 2 for a bad path or option. `--check` and `--diff` never write; `--diff`
prints a unified diff on stdout, everything else goes to stderr. Files are written
atomically (temporary file, then rename), so an interrupted run never leaves half a file.
"""

from __future__ import annotations

import difflib
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from onewindow.dsl.format import FormatError, Formatted, format_file, write_atomic
from onewindow.dsl.load import SUFFIX, display_path
from onewindow.dsl.parallel import map_files
from onewindow.dsl.render import SourceLines, render_text
from onewindow.engine.cli.common import (
    EXIT_FILE_ERRORS,
    EXIT_OK,
    UserError,
    err_console,
    report_user_error,
)


class FmtLang(StrEnum):
    """Language of keywords and enumerated words in the output."""

    en = "en"
    zh = "zh"


def collect_files(paths: list[str]) -> list[Path]:
    """The `.ow` files named or found (recursively, sorted) under the paths; raises UserError."""
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UserError(f"no such file or folder: {raw}", "check the spelling of the path")
        if not os.access(path, os.R_OK):
            raise UserError(f"cannot read {raw}: permission denied")
        if path.is_dir():
            candidates = []
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                candidates += [Path(folder) / n for n in sorted(names) if n.endswith(SUFFIX)]
        else:
            candidates = [path]
        for file in candidates:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


def unified_diff(before: str, after: str, shown: str) -> str:
    """A unified diff of one file, marking a missing final newline like `diff` does."""
    out = []
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{shown}\t(original)",
        tofile=f"{shown}\t(formatted)",
    )
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _format_one(
    job: tuple[Path, str, FmtLang | None],
) -> tuple[Formatted | None, OSError | FormatError | None]:
    """Format one file (in a worker process for big trees); its problem is returned."""
    file, shown, lang = job
    try:
        return format_file(file, shown, lang.value if lang else None), None
    except (OSError, FormatError) as exc:
        return None, exc


def register(app: typer.Typer) -> None:
    @app.command("fmt")
    def fmt_command(
        paths: Annotated[list[str], typer.Argument(help="Jurisdiction files or folders.")],
        check: Annotated[
            bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")
        ] = False,
        diff: Annotated[
            bool, typer.Option("--diff", help="Write nothing; print a unified diff (exit 1).")
        ] = False,
        lang: Annotated[
            FmtLang | None,
            typer.Option(
                "--lang",
                help="Keywords in English or Chinese (default: each file's dominant language).",
            ),
        ] = None,
    ) -> None:
        """Format jurisdiction files: one canonical layout, comments kept (格式化)."""
        try:
            files = collect_files(paths)
        except UserError as exc:
            report_user_error(exc)
        if not files:
            err_console.print(f"no {SUFFIX} files found under: {escape(', '.join(paths))}")
            raise typer.Exit(EXIT_OK)
        sources = SourceLines()
        changed = unchanged = broken = 0
        jobs = [
            (file, display_path(file.resolve()) if file.is_absolute() else str(file), lang)
            for file in files
        ]
        for (file, shown, _), (result, problem) in zip(
            jobs, map_files(_format_one, jobs), strict=True
        ):
            if isinstance(problem, OSError):
                err_console.print(f"[bold red]error:[/] cannot read {escape(shown)}: {problem}")
                broken += 1
                continue
            if problem is not None:
                err_console.print(
                    f"[bold red]error:[/] {escape(str(problem))}; the file is left untouched "
                    "(a formatter bug: please report it with the file)"
                )
                broken += 1
                continue
            assert result is not None
            if not result.ok:
                for d in result.diagnostics:
                    err_console.print(render_text(d, sources), soft_wrap=True)
                    err_console.print()
                err_console.print(f"{escape(shown)}: syntax errors, left untouched")
                broken += 1
                continue
            if not result.changed:
                unchanged += 1
                continue
            changed += 1
            assert result.text is not None
            if diff:
                sys.stdout.write(unified_diff(result.source, result.text, shown))
                sys.stdout.flush()
            if check or diff:
                err_console.print(f"would reformat {escape(shown)}")
            else:
                try:
                    write_atomic(file, result.text)
                except OSError as exc:
                    err_console.print(f"[bold red]error:[/] cannot write {escape(shown)}: {exc}")
                    broken += 1
                    changed -= 1
                    continue
                err_console.print(f"reformatted {escape(shown)}")
        verb = "would be reformatted" if check or diff else "reformatted"
        parts = [f"{changed} file(s) {verb}", f"{unchanged} left unchanged"]
        if broken:
            parts.append(f"{broken} with errors left untouched")
        err_console.print(", ".join(parts))
        failed = broken > 0 or ((check or diff) and changed > 0)
        raise typer.Exit(EXIT_FILE_ERRORS if failed else EXIT_OK)

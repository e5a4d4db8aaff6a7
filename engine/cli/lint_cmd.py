"""`onewindow lint`: run the lint rules, print findings and the completeness figures."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from onewindow.dsl.check import CheckResult, check
from onewindow.dsl.diagnostics import Severity
from onewindow.dsl.render import SourceLines, render_text, to_json
from onewindow.engine.cli.check_cmd import user_errors
from onewindow.engine.cli.common import (
    EXIT_FILE_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    AsOfOpt,
    JsonOpt,
    PluginOpt,
    console,
    err_console,
    parse_date,
    print_json,
)
from onewindow.plugins.builtin.lint_figures import (
    Completeness,
    GuideCompleteness,
    guide_elements,
    ten_elements,
)

PathsArg = Annotated[list[str], typer.Argument(help="Jurisdiction files or folders.")]


def _counts(result: CheckResult) -> dict[str, int]:
    return {
        s.value + "s": sum(d.severity is s for d in result.diagnostics)
        for s in (Severity.error, Severity.warning, Severity.info)
    }


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _tables(ten: list[Completeness], guide: list[GuideCompleteness]) -> None:
    if ten:
        table = Table(title="三级十同: the ten elements matters state", title_justify="left")
        for col in ("jurisdiction", "matters", "elements stated", "share", "complete matters"):
            table.add_column(col, justify="left" if col == "jurisdiction" else "right")
        for c in ten:
            table.add_row(
                c.jurisdiction,
                str(c.matters),
                f"{c.present} / {c.matters * c.per_matter}",
                _pct(c.share),
                f"{c.complete} / {c.matters}",
            )
        console.print(table)
    for g in guide:
        c = g.of_held
        console.print(
            f"{c.jurisdiction}: the service guide (服务指南) asks for {g.asked:g} elements; "
            f"the model holds {g.held} of our list of {g.listed}. Against those {g.held}: "
            f"{_pct(c.share)} stated ({c.complete} of {c.matters} matters complete); against "
            f"all {g.listed}: {_pct(g.share_of_listed)} (see docs/lint.md for the mapping).",
            soft_wrap=True,
        )


def _print_text(result: CheckResult) -> None:
    sources = SourceLines()
    for d in result.diagnostics:
        err_console.print(render_text(d, sources), soft_wrap=True)
        err_console.print()
    for failure in result.lint_failures:
        err_console.print(f"[bold red]error:[/] {failure}", soft_wrap=True)
        err_console.print("  [cyan]hint:[/] fix or uninstall the plugin, or leave out --plugin")
    n = _counts(result)
    err_console.print(
        f"[bold]{n['errors']} error(s), {n['warnings']} warning(s), {n['infos']} info(s)[/] "
        f"in {len(result.files)} file(s) linted"
    )


def register(app: typer.Typer) -> None:
    @app.command("lint")
    def lint_command(
        paths: PathsArg,
        plugin: PluginOpt = None,
        as_of: AsOfOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Run the lint rules (seed rules OW201–OW211 and plugins' rules) over the files.

        Prints every finding with its severity (files change severities with `lint RULE
        error|warning|info|off`), then the 三级十同 completeness of each jurisdiction and,
        where a target asks for service-guide elements, the guide completeness. Exit 1 when
        a finding is an error, 2 when a lint rule failed (the plugin is named), else 0.
        """
        with user_errors():
            day = parse_date(as_of)
            result = check(paths, plugins=plugin or (), lint=True, as_of=day)
        ws = result.workspace
        wanted = set(result.files)
        names = sorted(
            (n for n, j in ws.jurisdictions.items() if j.file in wanted),
            key=lambda n: [j.name for j in reversed(ws.lineage(n))],
        )
        ten = ten_elements(ws, names)
        guide = guide_elements(ws, names)
        if as_json:
            data: dict[str, Any] = {
                "files": result.files,
                "as_of": None if day is None else day.isoformat(),
                **_counts(result),
                "diagnostics": [to_json(d) for d in result.diagnostics],
                "failures": [
                    {"plugin": f.plugin, "hook": f.hook, "problem": f.problem, "message": str(f)}
                    for f in result.lint_failures
                ],
                "ten_elements": [c.as_dict() for c in ten],
                "guide_elements": [g.as_dict() for g in guide],
            }
            print_json(data)
        else:
            _print_text(result)
            _tables(ten, guide)
        if result.lint_failures:
            raise typer.Exit(EXIT_USAGE)
        raise typer.Exit(EXIT_OK if result.ok else EXIT_FILE_ERRORS)

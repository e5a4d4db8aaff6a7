"""`onewindow compare`: a what-if comparison (方案比较) of a base tree and a variant.

The variant is a second tree (`VARIANT`) or the base with reform files applied
(`--overlay FILE`). Both are simulated with the same seed and replications (common random
numbers) and scored; the table shows each metric and score side by side with the paired
difference and its 95% interval, marking significant differences (engine/compare.py).
Exit 0 after a comparison, 1 when a tree has errors, 2 for a bad command line.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

from onewindow.dsl.check import CheckResult, check
from onewindow.dsl.render import to_json
from onewindow.engine.calendar import CalendarError, ProvisionalYearWarning
from onewindow.engine.cli.check_cmd import print_diagnostics, user_errors
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
from onewindow.engine.compare import Comparison, ComparisonRow, Side, run_comparison
from onewindow.engine.results import SimOptions
from onewindow.plugins.registry import PluginError

#: Scopes always shown in full; rows of other scopes only when significantly different.
ALWAYS_SHOWN = ("run",)

KIND_TITLES = {
    "score": "Scores",
    "target": "Targets (share of replications met)",
    "static": "Static metrics",
    "simulated": "Simulated metrics",
}


def _check(path: str, plugins: list[str] | None, overlays: list[str]) -> CheckResult:
    """Check one side; overlays (reform files) applied on top of the tree."""
    if overlays:
        return check([path], plugins=plugins or (), overlays=overlays)
    return check([path], plugins=plugins or ())


def _print_failed(label: str, checked: CheckResult, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "side": label,
                "errors": len(checked.errors),
                "diagnostics": [to_json(d) for d in checked.diagnostics],
            }
        )
        return
    print_diagnostics(checked)
    err_console.print(f"[bold red]not compared:[/] {escape(label)} has errors; fix them first")


def fmt_value(value: float | None, row: ComparisonRow, signed: bool = False) -> str:
    """A value of a row: percentages with %, small numbers with up to 3 decimals."""
    if value is None:
        return "—"
    places = 3 if not row.percent and abs(value) < 10 else 2
    text = f"{value:+,.{places}f}" if signed else f"{value:,.{places}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    if text in ("+0", "-0"):
        text = "0"
    return f"{text}%" if row.percent else text


def fmt_interval(row: ComparisonRow) -> str:
    if row.exact:
        return "exact"
    if row.ci_low is None or row.ci_high is None:
        return "—"
    return f"{fmt_value(row.ci_low, row, True)} … {fmt_value(row.ci_high, row, True)}"


def _shown(
    rows: list[ComparisonRow], everything: bool, scopes: list[str] | None
) -> tuple[list[ComparisonRow], int]:
    """Rows to print: all with --all or --scope; else every run-scope row, every score and
    target, and rows of other scopes whose difference is significant."""
    if scopes:
        rows = [r for r in rows if r.scope in scopes]
    if everything or scopes:
        return rows, 0
    kept = [
        r for r in rows if r.scope in ALWAYS_SHOWN or r.kind in ("score", "target") or r.significant
    ]
    return kept, len(rows) - len(kept)


def comparison_tables(rows: list[ComparisonRow]) -> list[Table]:
    """One table per kind and scope: subject, name, base, variant, difference, interval."""
    groups: dict[tuple[str, str], list[ComparisonRow]] = {}
    for r in rows:
        groups.setdefault((r.kind, r.scope), []).append(r)
    tables = []
    for (kind, scope), group in groups.items():
        with_subject = any(r.subject for r in group)
        table = Table(title=f"{KIND_TITLES[kind]} — {scope}", title_justify="left")
        if with_subject:
            table.add_column("subject", overflow="fold")
        table.add_column("name", no_wrap=True)
        table.add_column("base", justify="right")
        table.add_column("variant", justify="right")
        table.add_column("difference", justify="right")
        table.add_column("95% CI", justify="right")
        table.add_column("sig", justify="center")
        for r in group:
            base, variant = fmt_value(r.base, r), fmt_value(r.variant, r)
            if r.base_status is not None or r.variant_status is not None:
                base = f"{base} {r.base_status or '—'}"
                variant = f"{variant} {r.variant_status or '—'}"
            style = "bold" if r.significant else ("dim" if not r.changed else "")
            cells: list[str | Text] = [
                Text(r.name),
                base,
                variant,
                Text(fmt_value(r.difference, r, True), style=style),
                fmt_interval(r),
                Text("*", style="bold green") if r.significant else "",
            ]
            table.add_row(*([Text(r.subject), *cells] if with_subject else cells))
        tables.append(table)
    return tables


def register(app: typer.Typer) -> None:
    """Add `compare` to `app`."""

    @app.command("compare")
    def compare_command(
        base: Annotated[str, typer.Argument(help="The base jurisdiction tree (file or folder).")],
        variant: Annotated[
            str | None,
            typer.Argument(help="The variant tree; or leave it out and give --overlay."),
        ] = None,
        overlay: Annotated[
            list[str] | None,
            typer.Option(
                "--overlay",
                "-o",
                help="A reform file applied on top of BASE to make the variant (repeatable).",
            ),
        ] = None,
        replications: Annotated[
            int,
            typer.Option("--replications", "-r", min=1, help="Paired replications (2+ for CIs)."),
        ] = 5,
        seed: Annotated[int, typer.Option("--seed", help="Random seed shared by both sides.")] = 1,
        days: Annotated[
            int, typer.Option("--days", min=1, help="Length of each run in days (250 ≈ a year).")
        ] = 250,
        start: Annotated[
            str | None,
            typer.Option("--start", help="First simulated day (default: --as-of, else today)."),
        ] = None,
        as_of: AsOfOpt = None,
        jurisdiction: Annotated[
            list[str] | None,
            typer.Option(
                "--jurisdiction", "-j", help="Simulate and score only this one (repeatable)."
            ),
        ] = None,
        scope: Annotated[
            list[str] | None,
            typer.Option("--scope", help="Show only rows of this scope (run, matter, …)."),
        ] = None,
        show_all: Annotated[
            bool, typer.Option("--all", help="Show unchanged rows of every scope too.")
        ] = False,
        plugin: PluginOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Compare a base tree with a variant: every metric and score, paired differences."""
        with user_errors():
            if variant is None and not overlay:
                fail(
                    "nothing to compare BASE with",
                    "give a VARIANT tree, or a reform file with --overlay FILE",
                )
            if variant is not None and overlay:
                fail(
                    "give either a VARIANT tree or --overlay, not both",
                    "to change a second tree, put the reform into it",
                )
            day = parse_date(as_of)
            first = parse_date(start, "--start") or day or dt.date.today()
            for p in overlay or []:
                if not Path(p).is_file():
                    fail(f"no such overlay file: {p}", "pass the reform file to apply")
            base_checked = _check(base, plugin, [])
            variant_checked = _check(variant or base, plugin, list(overlay or []))
        labels = (base, variant or f"{base} + {', '.join(overlay or [])}")
        for label, checked in zip(labels, (base_checked, variant_checked), strict=True):
            if not checked.ok:
                _print_failed(label, checked, as_json)
                raise typer.Exit(EXIT_FILE_ERRORS)
        if not as_json:
            print_diagnostics(base_checked)  # warnings only, if any
            print_diagnostics(variant_checked)
        known = set(base_checked.workspace.jurisdictions) | set(
            variant_checked.workspace.jurisdictions
        )
        for name in jurisdiction or []:
            if name not in known:
                report_user_error(
                    UserError(
                        f"--jurisdiction '{name}' is not a jurisdiction of either tree",
                        "`onewindow summary PATH` lists them",
                    )
                )
        options = SimOptions(
            start=first,
            days=days,
            seed=seed,
            replications=replications,
            as_of=day,
            jurisdictions=tuple(jurisdiction or ()),
        )
        comparison = _run(
            Side(labels[0], base_checked.workspace, base_checked.registry),
            Side(labels[1], variant_checked.workspace, variant_checked.registry),
            options,
            quiet=as_json or not err_console.is_terminal,
        )
        if as_json:
            print_json(comparison.as_dict())
            return
        _print(comparison, show_all, scope)


def _run(base: Side, variant: Side, options: SimOptions, quiet: bool) -> Comparison:
    from onewindow.engine.scoring.rules import ScoringError

    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]simulating {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
        disable=quiet,
    )
    tasks: dict[str, Any] = {}

    def progress(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(escape(label), total=total)
        bar.update(tasks[label], completed=done, total=total)

    try:
        with bar, warnings.catch_warnings():
            warnings.simplefilter("ignore", ProvisionalYearWarning)  # kept in the warnings
            return run_comparison(base, variant, options, progress)
    except (CalendarError, PluginError, ScoringError) as exc:
        report_user_error(UserError(getattr(exc, "message", str(exc)), getattr(exc, "hint", None)))


def _print(c: Comparison, show_all: bool, scopes: list[str] | None) -> None:
    o = c.options
    console.print(Text.assemble(("base:    ", "bold"), c.base_label))
    console.print(Text.assemble(("variant: ", "bold"), c.variant_label))
    console.print(
        f"{o.replications} paired replication(s) of {o.days} days from {o.start.isoformat()}, "
        f"seed {o.seed}, common random numbers"
        + (f", as of {o.as_of.isoformat()}" if o.as_of else "")
    )
    rows, hidden = _shown(c.rows, show_all, scopes)
    for table in comparison_tables(rows):
        console.print(table)
    for w in c.warnings:
        console.print(Text(f"warning: {w}", style="yellow"))
    significant = c.significant
    console.print(
        f"[bold]{len(significant)}[/] significant difference(s) of {len(c.rows)} row(s) "
        "([bold green]*[/]: the 95% interval of the paired difference excludes 0; "
        "exact rows: any change)."
    )
    if hidden:
        console.print(
            f"{hidden} row(s) without a significant difference hidden — `--all` shows them."
        )
    if o.replications < 2:
        console.print(
            "[yellow]note:[/] with one replication there is no interval, so no simulated "
            "difference is marked significant — use --replications 2 or more."
        )

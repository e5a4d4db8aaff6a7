"""`onewindow score`, `explain` and `test`: scorecards (考核得分), why each number, in-file tests."""

from __future__ import annotations

import datetime as dt
import difflib
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from onewindow.dsl.check import CheckResult
from onewindow.dsl.diagnostics import Diagnostic, Severity
from onewindow.dsl.model import Facts, Span
from onewindow.dsl.render import SourceLines, render_text, to_json
from onewindow.engine.cli.check_cmd import PathsArg, print_diagnostics, run_check, user_errors
from onewindow.engine.cli.common import (
    EXIT_FILE_ERRORS,
    EXIT_OK,
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
from onewindow.engine.scoring.facts_file import load_facts_file
from onewindow.engine.scoring.metrics import SimulatedValues
from onewindow.engine.scoring.ranking import RankingResult
from onewindow.engine.scoring.rules import ScoringError
from onewindow.engine.scoring.score import Line, ScoreReport, score_tree
from onewindow.engine.scoring.scorecard import (
    AssessmentScore,
    CategoryScore,
    Item,
    Scorecard,
    fmt,
    fmt_signed,
)
from onewindow.engine.scoring.targets import TargetLine
from onewindow.engine.scoring.tests import TestRun, report_for_test, run_tests
from onewindow.engine.store import DB_ENV, RunStore, StoreError

# ---------------------------------------------------------------- options

FactsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--facts", help="A file of `facts NAME as of DATE { … }` blocks to add (repeatable)."
    ),
]
RunOpt = Annotated[
    int | None,
    typer.Option("--run", help="Take simulated metrics from this stored run (`onewindow runs`)."),
]
SimulateOpt = Annotated[
    bool,
    typer.Option(
        "--simulate", help="Simulate the year up to --as-of first and use its metrics (not stored)."
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed for --simulate.")]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=f"Run database URL for --run (default: ${DB_ENV}, else the user data folder).",
        show_default=False,
    ),
]
JurisdictionOpt = Annotated[
    list[str] | None,
    typer.Option("--jurisdiction", "-j", help="Only this jurisdiction's scorecard (repeatable)."),
]
BriefOpt = Annotated[
    bool, typer.Option("--brief", help="One line per assessment instead of full scorecards.")
]

STATUS_STYLE = {"met": "green", "missed": "red", "pending": "yellow"}


# ---------------------------------------------------------------- preparing a scoring run


@dataclass
class Prepared:
    """A checked tree plus what scoring reads besides it."""

    checked: CheckResult
    as_of: dt.date
    facts: list[Facts]
    simulated: SimulatedValues | None
    sources: dict[str, Any]


def _render_diagnostics(diags: list[Diagnostic]) -> None:
    sources = SourceLines()
    for d in diags:
        err_console.print(render_text(d, sources), soft_wrap=True)
        err_console.print()


def _refuse(checked: CheckResult, extra: list[Diagnostic], as_json: bool, verb: str) -> None:
    """Exit 1 with the diagnostics when the files (or --facts files) have errors."""
    errors = checked.errors + [d for d in extra if d.severity is Severity.error]
    if not errors:
        if not as_json:
            print_diagnostics(checked)  # warnings only, if any
            _render_diagnostics(extra)
        return
    if as_json:
        print_json(
            {
                "errors": len(errors),
                "diagnostics": [to_json(d) for d in [*checked.diagnostics, *extra]],
            }
        )
    else:
        print_diagnostics(checked)
        _render_diagnostics(extra)
        err_console.print(f"[bold red]not {verb}:[/] fix the errors above first")
    raise typer.Exit(EXIT_FILE_ERRORS)


@contextmanager
def _engine_errors() -> Iterator[None]:
    """Scoring, store and calendar problems as a plain message and exit 2."""
    from onewindow.engine.calendar import CalendarError

    try:
        yield
    except (ScoringError, StoreError, CalendarError) as exc:
        report_user_error(UserError(exc.message, exc.hint))


def _simulated(
    checked: CheckResult, day: dt.date, run: int | None, simulate: bool, seed: int, db: str | None
) -> tuple[SimulatedValues | None, list[str]]:
    notes: list[str] = []
    if run is not None:
        from onewindow.engine.simulate import source_hash

        with _engine_errors():
            store = RunStore(db)
            try:
                store.ensure_schema()
                stored = store.get(run)
                if stored is None:
                    fail(
                        f"there is no run {run} in {store.display_url}",
                        "`onewindow runs` lists the stored runs",
                    )
                metrics = store.metrics(run, scope="jurisdiction")
            finally:
                store.close()
        if stored.source_hash != source_hash(checked.workspace):
            notes.append(
                f"run {run} was simulated from other versions of these files: "
                "its metrics may not match the rules now written"
            )
        return SimulatedValues.from_metrics(f"run {run}", metrics), notes
    if simulate:
        from onewindow.engine.calendar import ProvisionalYearWarning
        from onewindow.engine.results import SimOptions
        from onewindow.engine.simulate import simulate as run_simulation

        start = day - dt.timedelta(days=364)
        options = SimOptions(start=start, days=365, seed=seed, as_of=day)
        with _engine_errors(), warnings.catch_warnings():
            warnings.simplefilter("ignore", ProvisionalYearWarning)
            result = run_simulation(checked.workspace, checked.registry, options)
        notes.extend(result.warnings)
        label = f"simulation {start.isoformat()}..{day.isoformat()} (seed {seed}, not stored)"
        return SimulatedValues.from_metrics(label, result.metrics), notes
    return None, notes


def prepare(
    paths: list[str],
    plugin: list[str] | None,
    facts: list[str] | None,
    run: int | None,
    simulate: bool,
    seed: int,
    db: str | None,
    as_of: str | None,
    as_json: bool,
) -> Prepared:
    """Check the tree and --facts files (exit 1 on errors), then get simulated values."""
    with user_errors():
        day = parse_date(as_of) or dt.date.today()
        if run is not None and simulate:
            fail("--run and --simulate cannot be used together", "choose one source of simulation")
        checked = run_check(paths, plugin)
        blocks: list[Facts] = []
        diags: list[Diagnostic] = []
        for path in facts or []:
            got, found = load_facts_file(path, checked.workspace, checked.registry)
            blocks.extend(got)
            diags.extend(found)
    _refuse(checked, diags, as_json, "scored")
    simulated, notes = _simulated(checked, day, run, simulate, seed, db)
    sources: dict[str, Any] = {
        "facts": ["facts blocks in the tree", *(facts or [])],
        "simulation": simulated.label if simulated is not None else None,
        "notes": notes,
    }
    return Prepared(checked, day, blocks, simulated, sources)


def build_report(p: Prepared, jurisdictions: list[str] | None = None) -> ScoreReport:
    ws = p.checked.workspace
    with user_errors(), _engine_errors():
        for name in jurisdictions or []:
            if name not in ws.jurisdictions:
                close = difflib.get_close_matches(name, list(ws.jurisdictions), n=1)
                fail(
                    f"--jurisdiction '{name}' is not a jurisdiction of the checked files",
                    f"did you mean '{close[0]}'?"
                    if close
                    else "`onewindow summary PATH` lists them",
                )
        return score_tree(
            ws,
            p.checked.registry,
            p.as_of,
            extra_facts=p.facts,
            simulated=p.simulated,
            jurisdictions=jurisdictions or None,
            sources=p.sources,
        )


# ---------------------------------------------------------------- rendering


def _points(value: float, signed: bool = False) -> str:
    return fmt_signed(value) if signed else fmt(value)


def _item_cell(i: Item) -> str:
    text = escape(i.explanation.arithmetic)
    if i.missing:
        text += " [yellow](no value)[/]"
    return text


def _local(card: Scorecard, line_id: str) -> str:
    prefix = card.jurisdiction + "/"
    return line_id[len(prefix) :] if line_id.startswith(prefix) else line_id


def scorecard_table(card: Scorecard) -> Table:
    """One jurisdiction's scorecard: assessments, categories, items, with line ids."""
    level = f" ({card.level})" if card.level else ""
    table = Table(
        title=f"{escape(card.jurisdiction)}{level} — as of {card.as_of.isoformat()}",
        title_justify="left",
        caption=f"explain a line: onewindow explain PATH {escape(card.jurisdiction)}/<id>",
        caption_justify="left",
    )
    table.add_column("line")
    table.add_column("points", justify="right")
    table.add_column("max", justify="right")
    table.add_column("how")
    table.add_column("id", style="dim")
    for a in card.assessments:
        how = escape(a.arithmetic)
        if a.folds_into is not None and a.contribution is not None:
            how += f" → {escape(a.folds_into)} {fmt_signed(a.contribution)}"
        table.add_row(
            f"[bold]{escape(a.name)}[/] [dim]({escape(a.owner)})[/]",
            f"[bold]{fmt(a.total)}[/]",
            fmt(a.max),
            how,
            escape(_local(card, a.id)),
        )
        for c in a.categories:
            table.add_row(
                f"  {escape(c.name)}",
                fmt(c.points),
                fmt(c.max),
                escape(c.arithmetic),
                escape(_local(card, c.id)),
            )
            for i in c.items:
                table.add_row(
                    f"    {escape(i.explanation.rule)}",
                    _points(i.points, True),
                    "",
                    _item_cell(i),
                    escape(_local(card, i.id)),
                    style="dim" if i.points == 0 and not i.missing else None,
                )
        for i in a.items:
            table.add_row(
                f"  {escape(i.explanation.rule)}",
                _points(i.points, True),
                "",
                _item_cell(i),
                escape(_local(card, i.id)),
                style="dim" if i.points == 0 and not i.missing else None,
            )
    return table


def _rank_of(report: ScoreReport) -> dict[tuple[str, str], tuple[int, int, bool, str | None]]:
    out = {}
    for r in report.rankings:
        for e in r.entries:
            out[(e.jurisdiction, r.assessment)] = (e.rank, len(r.entries), e.flagged, r.action)
    return out


def brief_table(report: ScoreReport, title: str | None = None) -> Table:
    """One row per (jurisdiction, assessment): points, max, folded points, rank and flag."""
    table = Table(
        title=title or f"Scorecards as of {report.as_of.isoformat()}", title_justify="left"
    )
    for name in ("jurisdiction", "assessment", "points", "max", "folded", "rank"):
        table.add_column(name, justify="right" if name in ("points", "max", "rank") else "left")
    ranks = _rank_of(report)
    marked = False
    for card in report.scorecards:
        for a in card.assessments:
            folded = ""
            if a.folds_into is not None and a.contribution is not None:
                folded = f"→ {escape(a.folds_into)} {fmt_signed(a.contribution)}"
            rank = ""
            found = ranks.get((card.jurisdiction, a.name))
            if found is not None:
                pos, n, flagged, action = found
                rank = f"{pos}/{n}"
                if flagged:
                    rank = f"[red]{rank} {escape(action or 'bottom')}[/]"
            points = fmt(a.total)
            if _missing(a):
                points += " [yellow]*[/]"
                marked = True
            table.add_row(
                escape(card.jurisdiction), escape(a.name), points, fmt(a.max), folded, rank
            )
    if marked:
        table.caption = "* a rule had no value and counted as its worst case (docs/scoring.md)"
        table.caption_justify = "left"
    return table


def _missing(a: AssessmentScore) -> int:
    return sum(i.missing for c in a.categories for i in c.items) + sum(i.missing for i in a.items)


def targets_table(targets: list[TargetLine]) -> Table:
    table = Table(title="Targets", title_justify="left")
    for name in ("jurisdiction", "target", "measured", "status", "id"):
        table.add_column(name, style="dim" if name == "id" else None)
    for t in targets:
        m = t.measured
        measured = fmt(m.value, m.percent)
        if m.value is not None:
            measured += f" [dim]({m.source})[/]"
        style = STATUS_STYLE.get(t.status, "")
        table.add_row(
            escape(t.jurisdiction),
            escape(t.text),
            measured,
            f"[{style}]{t.status}[/]",
            escape(t.id.split("/", 1)[1]),
        )
    return table


def ranking_table(r: RankingResult) -> Table:
    """A ranking: rank, jurisdiction, points, and the action for the flagged bottom N."""
    table = Table(
        title=f"Ranking: {escape(r.assessment)} of {escape(r.owner)}",
        title_justify="left",
        min_width=48,
        caption=f"bottom {r.bottom} flagged; ties share the better rank (1, 2, 2, 4) — "
        f"id {escape(r.id)}",
        caption_justify="left",
    )
    for name in ("rank", "jurisdiction", "points", "flag"):
        table.add_column(name, justify="right" if name in ("rank", "points") else "left")
    for e in r.entries:
        flag = f"[red]{escape(r.action or 'bottom')}[/]" if e.flagged else ""
        table.add_row(str(e.rank), escape(e.jurisdiction), fmt(e.total), flag)
    return table


def print_report(report: ScoreReport, brief: bool = False) -> None:
    sim = report.sources.get("simulation")
    console.print(
        f"[bold]Scores as of {report.as_of.isoformat()}[/] — facts: "
        f"{escape(', '.join(report.sources.get('facts', [])))}; simulation: "
        f"{escape(sim) if sim else 'none (simulated metrics have no value unless facts give them)'}"
    )
    for note in report.sources.get("notes", []):
        console.print(f"[yellow]note:[/] {escape(note)}")
    if not report.scorecards:
        console.print("no assessment scores the jurisdictions of these files")
    elif brief:
        console.print(brief_table(report))
    else:
        for card in report.scorecards:
            console.print(scorecard_table(card))
    if report.targets:
        console.print(targets_table(report.targets))
    for r in report.rankings:
        console.print(ranking_table(r))
    missing = sum(
        1
        for card in report.scorecards
        for _, i in card.lines()
        if isinstance(i, Item) and i.missing
    )
    if missing:
        console.print(
            f"[yellow]{missing} rule line(s) had no value[/] and were scored as their worst case "
            "(docs/scoring.md): give the values in facts blocks, or use --simulate / --run ID"
        )


# ---------------------------------------------------------------- explain


def _source_line(span: Span | None, sources: SourceLines) -> list[str]:
    if span is None:
        return []
    out = [f"  [bold]written at[/]  {escape(str(span))}"]
    text = sources.line(span.file, span.line)
    if text is not None:
        out.append(f"      [blue]{span.line} |[/] {escape(text.strip())}")
    return out


def _explain_item(line_id: str, i: Item, sources: SourceLines) -> list[str]:
    e = i.explanation
    out = [
        f"[bold]{escape(line_id)}[/]  {fmt_signed(i.points)} points",
        f"  [bold]rule[/]        {escape(e.rule)} [dim]({escape(e.kind)})[/]",
        *_source_line(e.span, sources),
    ]
    for inp in e.inputs:
        out.append(f"  [bold]input[/]       {escape(inp.text())}")
    out.append(f"  [bold]arithmetic[/]  {escape(e.arithmetic)}")
    if e.note:
        out.append(f"  [bold]note[/]        [yellow]{escape(e.note)}[/]")
    return out


def _item_summary(i: Item) -> str:
    """One line per scored item inside a category or assessment explanation."""
    return (
        f"  [bold]item[/]        {fmt_signed(i.points):>6}  {escape(i.explanation.rule)}"
        f" — {escape(i.explanation.arithmetic)}  [dim]{escape(i.id)}[/]"
    )


def _explain_category(line_id: str, c: CategoryScore, sources: SourceLines) -> list[str]:
    out = [
        f"[bold]{escape(line_id)}[/]  {fmt(c.points)} of {fmt(c.max)} points",
        f"  [bold]rule[/]        category {escape(c.name)} max {fmt(c.max)} floor {fmt(c.floor)}",
        *_source_line(c.span, sources),
    ]
    for i in c.items:
        out.append(_item_summary(i))
    out.append(f"  [bold]arithmetic[/]  {escape(c.arithmetic)}")
    return out


def _explain_assessment(line_id: str, a: AssessmentScore, sources: SourceLines) -> list[str]:
    out = [
        f"[bold]{escape(line_id)}[/]  {fmt(a.total)} points (max {fmt(a.max)})",
        f"  [bold]rule[/]        assessment {escape(a.name)} of {escape(a.owner)}",
        *_source_line(a.span, sources),
    ]
    for c in a.categories:
        out.append(
            f"  [bold]category[/]    {fmt(c.points):>6} / {fmt(c.max)}  {escape(c.name)}"
            f"  [dim]{escape(c.id)}[/]"
        )
    for i in a.items:
        out.append(_item_summary(i))
    out.append(f"  [bold]arithmetic[/]  {escape(a.arithmetic)}")
    if a.fold_arithmetic:
        out.append(
            f"  [bold]folded[/]      into {escape(a.folds_into or '')}: {escape(a.fold_arithmetic)}"
        )
    return out


def _explain_target(t: TargetLine, sources: SourceLines) -> list[str]:
    style = STATUS_STYLE.get(t.status, "")
    out = [
        f"[bold]{escape(t.id)}[/]  [{style}]{t.status}[/]",
        f"  [bold]target[/]      {escape(t.text)}",
        *_source_line(t.target.span, sources),
        f"  [bold]input[/]       {escape(t.measured.text())}",
        f"  [bold]reason[/]      {escape(t.reason)}",
    ]
    if t.target.note:
        out.append(f"  [bold]quote[/]       {escape(t.target.note)}")
    return out


def _explain_ranking(r: RankingResult, sources: SourceLines) -> list[str]:
    return [
        f"[bold]{escape(r.id)}[/]  flagged: {escape(', '.join(r.flagged) or 'none')}",
        f"  [bold]rule[/]        rank bottom {r.bottom}"
        + (f" {escape(r.action)}" if r.action else ""),
        *_source_line(r.span, sources),
        f"  [bold]ranking[/]     {escape(r.arithmetic)}",
        "  [bold]ties[/]        equal totals share the better rank (1, 2, 2, 4); "
        "everyone tied at the cut is flagged",
    ]


def _chain_step(line: Line) -> tuple[str, str]:
    if isinstance(line, Item):
        return fmt_signed(line.points), line.explanation.arithmetic
    if isinstance(line, CategoryScore):
        return fmt(line.points), line.arithmetic
    if isinstance(line, AssessmentScore):
        return fmt(line.total), line.arithmetic
    return "", ""


def explain_lines(report: ScoreReport, line_id: str) -> list[str]:
    """The explanation of one line and the chain of lines it feeds, as console markup."""
    sources = SourceLines()
    line = report.find(line_id)
    if isinstance(line, Item):
        out = _explain_item(line_id, line, sources)
    elif isinstance(line, CategoryScore):
        out = _explain_category(line_id, line, sources)
    elif isinstance(line, AssessmentScore):
        out = _explain_assessment(line_id, line, sources)
    elif isinstance(line, TargetLine):
        return _explain_target(line, sources)
    elif isinstance(line, RankingResult):
        return _explain_ranking(line, sources)
    else:
        return []
    chain = report.chain(line_id)[1:]
    if chain:
        out.append("[bold]feeds[/]")
        for cid, cline in chain:
            points, how = _chain_step(cline)
            out.append(f"  {escape(cid)}  [bold]{points}[/]  {escape(how)}")
    return out


def _explain_json(report: ScoreReport, line_id: str) -> dict[str, Any]:
    line = report.find(line_id)
    assert line is not None
    chain = []
    for cid, cline in report.chain(line_id)[1:]:
        points, how = _chain_step(cline)
        chain.append({"id": cid, "points": points, "arithmetic": how})
    return {
        "as_of": report.as_of.isoformat(),
        "id": line_id,
        "line": line.as_dict(),
        "feeds": chain,
    }


def _unknown_line(report: ScoreReport, line_id: str) -> None:
    ids = report.ids()
    close = difflib.get_close_matches(line_id, ids, n=3, cutoff=0.5)
    if not close:
        close = [i for i in ids if i.startswith(line_id.rstrip("/") + "/")][:3]
    hint = (
        "did you mean " + ", ".join(f"'{c}'" for c in close) + "?"
        if close
        else "`onewindow score PATH` shows every line with its id"
    )
    report_user_error(UserError(f"no line '{line_id}' in the scores of these files", hint))


# ---------------------------------------------------------------- tests


def print_test_run(run: TestRun, path_hint: str, coverage: bool) -> None:
    for r in run.results:
        where = f"{r.span.file}:{r.span.line}"
        subject = escape(r.subject or "?")
        if r.passed:
            console.print(
                f"[green]PASS[/] {subject} · {escape(r.name)}  [dim]{escape(where)}[/]",
                soft_wrap=True,
            )
            continue
        console.print(
            f"[bold red]FAIL[/] {subject} · {escape(r.name)}  [dim]{escape(where)}[/]",
            soft_wrap=True,
        )
        if r.error:
            console.print(f"     [red]{escape(r.error)}[/]")
        for c in r.checks:
            if c.passed:
                continue
            console.print(
                f"     {escape(f'{c.span.file}:{c.span.line}')}: expect {escape(c.label)} — "
                f"[red]{escape(c.message)}[/]"
            )
            if c.line_id:
                console.print(
                    f"       [dim]onewindow explain {escape(path_hint)} {escape(c.line_id)} "
                    f"--test {escape(repr(r.name))}[/]"
                )
    failed = len(run.failed)
    passed = len(run.results) - failed
    if not run.results:
        console.print("no tests in these files")
    else:
        colour = "red" if failed else "green"
        console.print(f"[bold {colour}]{passed} passed, {failed} failed[/]")
    if not coverage:
        return
    exercised = {k: n - sum(u.kind == k for u in run.uncovered) for k, n in run.totals.items()}
    plural = {"rule": "rules", "category": "categories", "target": "targets"}
    console.print(
        "coverage: "
        + ", ".join(
            f"{plural.get(k, k)} {exercised[k]}/{n} exercised" for k, n in run.totals.items()
        ),
        soft_wrap=True,
    )
    if run.uncovered:
        console.print("[bold]not exercised by any test:[/]")
        for u in run.uncovered:
            console.print(
                f"  {escape(str(u.span))}: {u.kind} [bold]{escape(u.text)}[/] [dim]({escape(u.where)})[/]",
                soft_wrap=True,
            )


# ---------------------------------------------------------------- commands


def register(app: typer.Typer) -> None:
    """Add `score`, `explain` and `test` to `app`."""

    @app.command("score")
    def score_command(
        paths: PathsArg,
        facts: FactsOpt = None,
        run: RunOpt = None,
        simulate: SimulateOpt = False,
        seed: SeedOpt = 1,
        db: DbOpt = None,
        as_of: AsOfOpt = None,
        jurisdiction: JurisdictionOpt = None,
        brief: BriefOpt = False,
        plugin: PluginOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Score the checked tree: scorecards, target statuses and rankings, every number explained."""
        prepared = prepare(paths, plugin, facts, run, simulate, seed, db, as_of, as_json)
        report = build_report(prepared, jurisdiction)
        if as_json:
            print_json(report.as_dict())
        else:
            print_report(report, brief)
        raise typer.Exit(EXIT_OK)

    @app.command("explain")
    def explain_command(
        path: Annotated[str, typer.Argument(help="Jurisdiction file or folder.")],
        line_id: Annotated[
            str, typer.Argument(metavar="LINE-ID", help="A line id as `onewindow score` shows it.")
        ],
        facts: FactsOpt = None,
        run: RunOpt = None,
        simulate: SimulateOpt = False,
        seed: SeedOpt = 1,
        db: DbOpt = None,
        as_of: AsOfOpt = None,
        test: Annotated[
            str | None,
            typer.Option("--test", help="Explain with this in-file test's facts and day."),
        ] = None,
        plugin: PluginOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Print how one line of a scorecard was worked out: rule, source, inputs, arithmetic."""
        prepared = prepare([path], plugin, facts, run, simulate, seed, db, as_of, as_json)
        if test is not None:
            ws = prepared.checked.workspace
            found = [(home, t) for home, t in ws.tests() if t.name == test]
            if not found:
                names = [t.name for _, t in ws.tests()]
                close = difflib.get_close_matches(test, names, n=1)
                report_user_error(
                    UserError(
                        f"no test named '{test}' in these files",
                        f"did you mean '{close[0]}'?"
                        if close
                        else "`onewindow test PATH` lists them",
                    )
                )
            with user_errors(), _engine_errors():
                report = report_for_test(ws, prepared.checked.registry, *found[0])
        else:
            first = line_id.split("/", 1)[0]
            names = [first] if first in prepared.checked.workspace.jurisdictions else None
            report = build_report(prepared, names)
        if report.find(line_id) is None:
            _unknown_line(report, line_id)
        if as_json:
            print_json(_explain_json(report, line_id))
        else:
            for text in explain_lines(report, line_id):
                console.print(text, soft_wrap=True)
        raise typer.Exit(EXIT_OK)

    @app.command("test")
    def test_command(
        paths: PathsArg,
        coverage: Annotated[
            bool,
            typer.Option(
                "--coverage", help="Also list rules, categories and targets no test exercises."
            ),
        ] = False,
        plugin: PluginOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Run the in-file tests (facts in, expected points and statuses out): exit 1 on failure."""
        with user_errors():
            checked = run_check(paths, plugin)
        _refuse(checked, [], as_json, "tested")
        with user_errors(), _engine_errors():
            result = run_tests(checked.workspace, checked.registry, coverage=coverage)
        if as_json:
            data = result.as_dict()
            if not coverage:
                data.pop("coverage")
            print_json(data)
        else:
            print_test_run(result, paths[0] if len(paths) == 1 else "PATH", coverage)
        raise typer.Exit(EXIT_FILE_ERRORS if result.failed else EXIT_OK)

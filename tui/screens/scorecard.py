"""Scorecard: assessments → categories → items, each explained; targets; rankings (考核)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane, Tree

from onewindow.dsl.check import CheckResult
from onewindow.dsl.load import LoadError
from onewindow.dsl.model import Span
from onewindow.engine.scoring import (
    AssessmentScore,
    CategoryScore,
    Item,
    RankingResult,
    ScoreReport,
    ScoringError,
    SimulatedValues,
    TargetLine,
    fmt,
    score_tree,
)
from onewindow.engine.scoring.facts_file import load_facts_file
from onewindow.engine.scoring.scorecard import fmt_signed
from onewindow.engine.store import StoreError
from onewindow.plugins.registry import PluginError
from onewindow.tui.screens.base import BaseScreen
from onewindow.tui.screens.explorer import tab_label
from onewindow.tui.screens.source import SourceScreen
from onewindow.tui.session import Checked
from onewindow.tui.widgets.source import SourceBlock
from onewindow.tui.widgets.tables import fill

#: The tabs: (id, title, key).
TABS = (("points", "Points", "p"), ("targets", "Targets", "t"), ("ranking", "Ranking", "k"))

STATUS_STYLE = {"met": "bold green", "missed": "bold red", "pending": "bold yellow"}

Line = AssessmentScore | CategoryScore | Item | TargetLine | RankingResult


@dataclass(frozen=True)
class Scored:
    """One scoring of the checked tree: the report, or why there is none."""

    key: tuple[Any, ...]
    report: ScoreReport | None
    as_of: dt.date | None
    run_id: int | None
    facts: str | None
    problem: str | None = None
    facts_errors: int = 0


def line_span(line: Line) -> Span | None:
    """The source span an explanation line points at (the rule, category or assessment)."""
    if isinstance(line, Item):
        return line.explanation.span
    if isinstance(line, CategoryScore | AssessmentScore):
        return line.span
    if isinstance(line, TargetLine):
        return line.target.span
    return line.span


class ScorecardScreen(BaseScreen):
    """Points tree and explanation side by side; targets and rankings in their own tabs."""

    AUTO_FOCUS = "#score-tree"
    TITLE_TEXT = "Scorecard"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"tab('{tab}')", title, show=False) for tab, title, key in TABS),
        Binding("s", "source", "Source"),
        Binding("n", "no_run", "No run", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scored: Scored | None = None
        self._checked: Checked | None = None
        self._current: str | None = None
        self._lines: dict[str, Line] = {}

    def body(self) -> ComposeResult:
        with Vertical(id="scorecard"):
            yield Static("scoring …", id="score-head")
            with TabbedContent(id="score-tabs"):
                with TabPane(tab_label("Points", "p"), id="tab-points"), Horizontal():
                    yield Tree("scorecards", id="score-tree")
                    with VerticalScroll(id="score-detail"):
                        yield Static("", id="score-explain")
                with TabPane(tab_label("Targets", "t"), id="tab-targets"):
                    yield DataTable(id="score-targets", cursor_type="row", zebra_stripes=True)
                    with VerticalScroll(classes="score-below"):
                        yield Static("", id="target-explain")
                with TabPane(tab_label("Ranking", "k"), id="tab-ranking"):
                    yield DataTable(id="score-ranking", cursor_type="row", zebra_stripes=True)
                    with VerticalScroll(classes="score-below"):
                        yield Static("", id="ranking-explain")

    def on_mount(self) -> None:
        tree = self.query_one("#score-tree", Tree)
        tree.show_root = False
        tree.guide_depth = 2
        super().on_mount()

    # ---------------------------------------------------------------- scoring

    def show_checked(self, checked: Checked) -> None:
        self._checked = checked
        self.rescore()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self._checked is not None and (self.scored is None or self.scored.key != self._key()):
            self.rescore()

    def _key(self) -> tuple[Any, ...]:
        s = self.session
        number = self._checked.number if self._checked is not None else -1
        return (number, s.score_run, s.facts_file, s.as_of)

    def rescore(self) -> None:
        checked = self._checked
        if checked is None:
            return
        if checked.result is None:
            self._show_problem(f"cannot score: {checked.problem}", checked.hint)
            return
        self.score(checked.result, self._key())

    @work(thread=True, exclusive=True, group="score")
    def score(self, result: CheckResult, key: tuple[Any, ...]) -> None:
        """Score the tree with the chosen facts file and run, off the UI thread."""
        s = self.session
        run_id, facts_path = s.score_run, s.facts_file
        simulated = None
        run_as_of = None
        try:
            if run_id is not None:
                with s.store() as store:
                    run = store.get(run_id)
                    if run is not None:
                        simulated = SimulatedValues.from_metrics(
                            f"run {run_id}", store.metrics(run_id, scope="jurisdiction")
                        )
                        run_as_of = run.options.as_of or run.options.start
                    else:
                        run_id = None
            as_of = s.as_of or run_as_of or dt.date.today()
            extra, facts_diags = [], []
            if facts_path is not None:
                extra, facts_diags = load_facts_file(facts_path, result.workspace, result.registry)
            errors = [d for d in facts_diags if d.severity.value == "error"]
            report = score_tree(
                result.workspace,
                result.registry,
                as_of,
                extra_facts=extra,
                simulated=simulated,
                sources={"facts": facts_path},
            )
        except (ScoringError, LoadError, StoreError) as exc:
            scored = Scored(key, None, None, run_id, facts_path, _problem(exc))
        except PluginError as exc:
            scored = Scored(key, None, None, run_id, facts_path, str(exc))
        else:
            scored = Scored(key, report, as_of, run_id, facts_path, facts_errors=len(errors))
        self.app.call_from_thread(self._show, scored)

    def _show_problem(self, problem: str, hint: str | None = None) -> None:
        text = Text(problem, style="bold red")
        if hint:
            text.append(f"\nhint: {hint}", style="")
        self.query_one("#score-head", Static).update(text)

    def _show(self, scored: Scored) -> None:
        self.scored = scored
        report = scored.report
        if report is None:
            self._show_problem(scored.problem or "cannot score")
            self.query_one("#score-tree", Tree).clear()
            return
        head = Text(f"as of {report.as_of.isoformat()}", style="bold")
        run = f"run {scored.run_id}" if scored.run_id is not None else "none"
        head.append(f" · simulated metrics: {run}")
        if scored.facts is not None:
            head.append(f" · facts file: {self.session.show(scored.facts)}")
            if scored.facts_errors:
                head.append(f" ({scored.facts_errors} error(s))", style="bold red")
        head.append("   enter: explain · s: source", style="dim")
        self.query_one("#score-head", Static).update(head)
        self._lines = {}
        self._fill_tree(report)
        self._fill_targets(report)
        self._fill_ranking(report)

    # ---------------------------------------------------------------- points

    def _fill_tree(self, report: ScoreReport) -> None:
        tree = self.query_one("#score-tree", Tree)
        tree.clear()
        first: str | None = None
        for card in report.scorecards:
            label = Text(card.jurisdiction, style="bold")
            label.append(f"  {card.level or ''}", style="dim")
            jnode = tree.root.add(label, expand=True)
            for a in card.assessments:
                self._lines[a.id] = a
                first = first or a.id
                anode = jnode.add(_points(a.name, a.total, a.max), data=a.id, expand=True)
                for c in a.categories:
                    self._lines[c.id] = c
                    cnode = anode.add(_points(c.name, c.points, c.max), data=c.id, expand=True)
                    for i in c.items:
                        self._lines[i.id] = i
                        cnode.add_leaf(_item(i), data=i.id)
                for i in a.items:
                    self._lines[i.id] = i
                    anode.add_leaf(_item(i), data=i.id)
        if not report.scorecards:
            tree.root.add_leaf(
                Text("no assessment scores a jurisdiction of this tree", style="dim")
            )
        keep = self._current if self._current in self._lines else first
        self._explain(keep)
        if keep is not None:
            for node in _walk(tree.root):
                if node.data == keep:
                    tree.move_cursor(node)
                    break

    @on(Tree.NodeHighlighted, "#score-tree")
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        if isinstance(event.node.data, str):
            self._explain(event.node.data)

    @on(Tree.NodeSelected, "#score-tree")
    def _selected(self, event: Tree.NodeSelected) -> None:
        if isinstance(event.node.data, str) and isinstance(self._lines.get(event.node.data), Item):
            self.action_source()

    def _explain(self, line_id: str | None) -> None:
        self._current = line_id
        panel = self.query_one("#score-explain", Static)
        report = self.scored.report if self.scored else None
        line = self._lines.get(line_id or "")
        if report is None or line is None or line_id is None:
            panel.update("")
            return
        panel.update(self._explanation(report, line_id, line))

    def _explanation(self, report: ScoreReport, line_id: str, line: Line) -> Group:
        rows = Table(show_header=False, box=None, expand=True, padding=(0, 1, 0, 0))
        rows.add_column("what", style="bold", no_wrap=True)
        rows.add_column("value", ratio=1)
        title = Text(line_id, style="bold underline")
        if isinstance(line, Item):
            e = line.explanation
            rows.add_row("points", Text(fmt_signed(line.points), style=_sign_style(line.points)))
            rows.add_row("rule", Text(e.rule))
            rows.add_row("kind", e.kind)
            for n, i in enumerate(e.inputs):
                rows.add_row("inputs" if n == 0 else "", Text(i.text()))
            if not e.inputs:
                rows.add_row("inputs", Text("none", style="dim"))
            rows.add_row("arithmetic", Text(e.arithmetic))
            if e.note:
                rows.add_row("note", Text(e.note))
            if line.missing:
                rows.add_row(
                    "", Text("an input has no value: scored as its worst case", style="yellow")
                )
        elif isinstance(line, CategoryScore):
            rows.add_row(
                "points", f"{fmt(line.points)} of {fmt(line.max)} (floor {fmt(line.floor)})"
            )
            rows.add_row("arithmetic", Text(line.arithmetic))
        elif isinstance(line, AssessmentScore):
            rows.add_row("points", f"{fmt(line.total)} of {fmt(line.max)}")
            rows.add_row("defined in", line.owner)
            rows.add_row("arithmetic", Text(line.arithmetic))
            if line.fold_arithmetic:
                rows.add_row("folds into", Text(f"{line.folds_into}: {line.fold_arithmetic}"))
        feeds = report.chain(line_id)[1:]
        if feeds:
            path = " → ".join(f"{_name(i, x)} {_total(x)}" for i, x in feeds)
            rows.add_row("feeds", Text(path))
        parts: list[Any] = [title, rows]
        span = line_span(line)
        if span is not None:
            block = SourceBlock(self.session.root, self.session.show)
            parts += [Text(""), block.span(span, "rule at ")]
        return Group(*parts)

    # ---------------------------------------------------------------- targets and ranking

    def _fill_targets(self, report: ScoreReport) -> None:
        rows: list[tuple[str, list[object]]] = []
        for t in report.targets:
            self._lines[t.id] = t
            rows.append(
                (
                    t.id,
                    [
                        t.jurisdiction,
                        Text(t.text),
                        Text(t.status, style=STATUS_STYLE.get(t.status, "")),
                        Text(fmt(t.measured.value, t.measured.percent)),
                        Text(t.target.note or ""),
                    ],
                )
            )
        table = self.query_one("#score-targets", DataTable)
        fill(table, ("jurisdiction", "target", "status", "measured", "note"), rows)
        self._explain_target(rows[0][0] if rows else None)

    @on(DataTable.RowHighlighted, "#score-targets")
    def _target_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._explain_target(event.row_key.value)

    def _explain_target(self, line_id: str | None) -> None:
        panel = self.query_one("#target-explain", Static)
        t = self._lines.get(line_id or "")
        if not isinstance(t, TargetLine):
            panel.update(Text("no target is written for these jurisdictions", style="dim"))
            return
        block = SourceBlock(self.session.root, self.session.show)
        panel.update(
            Group(
                Text(t.reason),
                Text(f"measured: {t.measured.text()}", style="dim"),
                block.span(t.target.span, "target at "),
            )
        )

    def _fill_ranking(self, report: ScoreReport) -> None:
        rows: list[tuple[str, list[object]]] = []
        for r in report.rankings:
            self._lines[r.id] = r
            for e in r.entries:
                flag = f"bottom {r.bottom}" + (f": {r.action}" if r.action else "")
                rows.append(
                    (
                        f"{r.id}|{e.jurisdiction}",
                        [
                            f"{r.assessment} ({r.owner})",
                            e.rank,
                            e.jurisdiction,
                            Text(fmt(e.total), justify="right"),
                            Text(flag, style="bold red") if e.flagged else "",
                        ],
                    )
                )
        table = self.query_one("#score-ranking", DataTable)
        fill(table, ("assessment", "rank", "jurisdiction", "points", "flagged"), rows)
        text = Text()
        for r in report.rankings:
            text.append(f"{r.assessment} ({r.owner}): ", style="bold")
            text.append(r.arithmetic + "\n")
        if not report.rankings:
            text.append("no assessment of this tree ranks its jurisdictions", style="dim")
        self.query_one("#ranking-explain", Static).update(text)

    # ---------------------------------------------------------------- actions

    def action_tab(self, tab: str) -> None:
        self.query_one("#score-tabs", TabbedContent).active = f"tab-{tab}"
        target = {"points": "#score-tree", "targets": "#score-targets", "ranking": "#score-ranking"}
        self.query_one(target[tab]).focus()

    def action_source(self) -> None:
        """Open the rule's (or target's) file at its line."""
        active = self.query_one("#score-tabs", TabbedContent).active
        line_id = self._current
        if active == "tab-targets":
            table = self.query_one("#score-targets", DataTable)
            if table.row_count:
                line_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        elif active == "tab-ranking":
            table = self.query_one("#score-ranking", DataTable)
            if table.row_count:
                key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
                line_id = (key or "").split("|")[0]
        line = self._lines.get(line_id or "")
        span = line_span(line) if line is not None else None
        if span is None:
            self.notify("no source line for this entry", severity="warning")
            return
        self.app.push_screen(SourceScreen(span, self.session.show(span.file)))

    def action_no_run(self) -> None:
        """Score without simulated metrics (rules reading them count as missing)."""
        self.session.score_run = None
        self.rescore()

    def palette_commands(self) -> Iterable[SystemCommand]:
        for tab, title, key in TABS:
            yield SystemCommand(
                f"Scorecard: {title}",
                f"Show the {title.lower()} tab (key {key})",
                lambda t=tab: self.action_tab(t),
            )
        yield SystemCommand(
            "Scorecard: open source", "Open the rule's file at its line (s)", self.action_source
        )
        yield SystemCommand(
            "Scorecard: score without a run", "Drop the simulated metrics (n)", self.action_no_run
        )


def _problem(exc: ScoringError | LoadError | StoreError) -> str:
    return exc.message + (f" — {exc.hint}" if exc.hint else "")


def _points(name: str, points: float, cap: float) -> Text:
    text = Text(name)
    text.append(f"  {fmt(points)}/{fmt(cap)}", style="bold")
    return text


def _item(item: Item) -> Text:
    text = Text(item.id.rsplit("/", 1)[-1])
    text.append(f"  {fmt_signed(item.points)}", style=_sign_style(item.points))
    if item.missing:
        text.append(" ?", style="yellow")
    return text


def _sign_style(points: float) -> str:
    return "bold green" if points > 0 else "bold red" if points < 0 else "bold"


def _name(line_id: str, line: Line) -> str:
    return getattr(line, "name", None) or line_id.rsplit("/", 1)[-1]


def _total(line: Line) -> str:
    if isinstance(line, AssessmentScore):
        return fmt(line.total)
    if isinstance(line, CategoryScore):
        return fmt(line.points)
    if isinstance(line, Item):
        return fmt_signed(line.points)
    return ""


def _walk(node: Any) -> Iterable[Any]:
    yield node
    for child in node.children:
        yield from _walk(child)

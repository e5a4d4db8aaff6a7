"""Score a tree: scorecards per jurisdiction, target statuses and rankings, one report.

Which assessments score a jurisdiction J: every assessment in force for J (its own and its
ancestors', nearest declaration of a name wins) whose owner is an ancestor of J and that
`assesses` J's level (without `assesses`: the owner's direct children), plus every
assessment those fold into. Folded children are scored before their parent.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from onewindow.dsl.model import Assessment, Facts
from onewindow.dsl.resolve import Workspace
from onewindow.engine.scoring.fold import contribution, fold_item, scale_share
from onewindow.engine.scoring.kinds import RuleContext
from onewindow.engine.scoring.metrics import FactsIndex, MetricResolver, SimulatedValues
from onewindow.engine.scoring.ranking import RankingResult, competition_rank
from onewindow.engine.scoring.rules import AssessmentPlan, compile_assessment, evaluate_rule
from onewindow.engine.scoring.scorecard import AssessmentScore, CategoryScore, Item, Scorecard
from onewindow.engine.scoring.targets import TargetLine, judge_targets
from onewindow.plugins.registry import Registry

Line = AssessmentScore | CategoryScore | Item | TargetLine | RankingResult


class Scorer:
    """Evaluates assessments for jurisdictions with one metric resolver (one day, one
    set of facts, optionally one simulation)."""

    def __init__(self, ws: Workspace, registry: Registry, resolver: MetricResolver) -> None:
        self.ws = ws
        self.registry = registry
        self.resolver = resolver
        self.as_of = resolver.as_of
        self._plans: dict[int, AssessmentPlan] = {}
        self._cards: dict[str, Scorecard] = {}
        self._order: dict[str, int] | None = None

    # ------------------------------------------------------------ who is assessed

    def assesses(self, owner: str, a: Assessment, name: str) -> bool:
        """True when `a`, declared by `owner`, scores jurisdiction `name`."""
        j = self.ws.jurisdictions.get(name)
        if j is None or name == owner:
            return False
        if a.applies_to is None:
            return j.parent is not None and j.parent.name == owner
        if j.level != a.applies_to:
            return False
        return any(x.name == owner for x in self.ws.lineage(name)[1:])

    def assessed(self, owner: str, a: Assessment) -> list[str]:
        """The jurisdictions `a` scores, in declaration order (only descendants can be)."""
        if self._order is None:
            self._order = {n: i for i, n in enumerate(self.ws.jurisdictions)}
        below = (j.name for j in self.ws.descendants(owner))
        return sorted((n for n in below if self.assesses(owner, a, n)), key=self._order.__getitem__)

    def plan(self, owner: str, a: Assessment) -> AssessmentPlan:
        found = self._plans.get(id(a))
        if found is None:
            found = self._plans[id(a)] = compile_assessment(owner, a, self.registry.rule_kinds)
        return found

    # ------------------------------------------------------------ scoring

    def scorecard(self, name: str) -> Scorecard:
        """Every assessment scoring `name` (empty when none does)."""
        card = self._cards.get(name)
        if card is not None:
            return card
        in_force = self.ws.assessments(name)
        wanted = [n for n, (owner, a) in in_force.items() if self.assesses(owner, a, name)]
        closure = set(wanted)
        stack = list(wanted)
        while stack:
            parent = in_force[stack.pop()][1].folds_into
            if parent is not None and parent.name in in_force and parent.name not in closure:
                closure.add(parent.name)
                stack.append(parent.name)
        results: dict[str, AssessmentScore] = {}
        visiting: set[str] = set()

        def score(n: str) -> AssessmentScore:
            done = results.get(n)
            if done is not None:
                return done
            visiting.add(n)
            children = [
                (score(c), in_force[c][1].folds_into.span)  # type: ignore[union-attr]
                for c in in_force
                if c in closure
                and c not in visiting
                and in_force[c][1].folds_into is not None
                and in_force[c][1].folds_into.name == n  # type: ignore[union-attr]
            ]
            owner, a = in_force[n]
            results[n] = self._assess(name, owner, a, children)
            return results[n]

        for n in in_force:
            if n in closure:
                score(n)
        j = self.ws.jurisdictions[name]
        card = Scorecard(
            jurisdiction=name,
            level=j.level.value if j.level is not None else None,
            as_of=self.as_of,
            assessments=tuple(results.values()),  # folded ones before what they fold into
        )
        self._cards[name] = card
        return card

    def _assess(
        self, name: str, owner: str, a: Assessment, folded: list[tuple[AssessmentScore, Any]]
    ) -> AssessmentScore:
        plan = self.plan(owner, a)
        prefix = f"{name}/{a.name}/"
        resolver = self.resolver
        categories: list[CategoryScore] = []
        for cp in plan.categories:
            c = cp.category
            ctx = RuleContext(name, a.name, c.name, c.max, self.as_of, resolver)
            items = [evaluate_rule(rp, ctx, prefix + rp.local_id) for rp in cp.rules]
            raw = c.max + sum(i.points for i in items)
            points = min(c.max, max(c.floor, raw))
            categories.append(
                CategoryScore(
                    prefix + c.name, c.name, c.max, c.floor, points, raw, tuple(items), c.span
                )
            )
        ctx = RuleContext(name, a.name, None, None, self.as_of, resolver)
        items = [evaluate_rule(rp, ctx, prefix + rp.local_id) for rp in plan.rules]
        for child, span in folded:
            items.append(fold_item(child, a.name, span))
        scale = plan.category_max + sum(scale_share(c) for c, _ in folded)
        total = sum(c.points for c in categories) + sum(i.points for i in items)
        weight = a.weight.value if a.weight is not None else None
        folds = a.folds_into.name if a.folds_into is not None else None
        return AssessmentScore(
            id=f"{name}/{a.name}",
            name=a.name,
            owner=owner,
            jurisdiction=name,
            span=a.span,
            max=scale,
            total=total,
            categories=tuple(categories),
            items=tuple(items),
            folds_into=folds,
            weight=weight,
            contribution=contribution(total, scale, weight) if folds is not None else None,
        )

    # ------------------------------------------------------------ rankings and targets

    def rankings(self, selection: set[str] | None = None) -> list[RankingResult]:
        """Every `rank bottom N` line whose owner or ranked jurisdictions are in `selection`."""
        out: list[RankingResult] = []
        for owner in self.ws.jurisdictions.values():
            for a in owner.assessments:
                if a.ranking is None:
                    continue
                ranked = self.assessed(owner.name, a)
                if (
                    selection is not None
                    and owner.name not in selection
                    and selection.isdisjoint(ranked)
                ):
                    continue
                totals = []
                for n in ranked:
                    got = self.scorecard(n).assessment(a.name)
                    if got is not None:
                        totals.append((n, got.total))
                out.append(
                    RankingResult(
                        id=f"{owner.name}/{a.name}/rank",
                        owner=owner.name,
                        assessment=a.name,
                        bottom=a.ranking.bottom,
                        action=a.ranking.action,
                        span=a.ranking.span,
                        entries=competition_rank(totals, a.ranking.bottom),
                    )
                )
        return out

    def targets(self, name: str) -> list[TargetLine]:
        return judge_targets(self.resolver, self.ws.jurisdictions[name])


# ---------------------------------------------------------------- the report


@dataclass
class ScoreReport:
    """Scorecards, target statuses and rankings of one scoring run, indexed by line id."""

    as_of: dt.date
    sources: dict[str, Any]
    scorecards: list[Scorecard]
    targets: list[TargetLine]
    rankings: list[RankingResult]
    _index: dict[str, Line] = field(default_factory=dict, repr=False)
    _parent: dict[str, str] = field(default_factory=dict, repr=False)
    _done: set[str] = field(default_factory=set, repr=False)

    def _index_card(self, card: Scorecard) -> None:
        if card.jurisdiction in self._done:
            return
        self._done.add(card.jurisdiction)
        for line_id, line in card.lines():
            self._index[line_id] = line
        for a in card.assessments:
            if a.folds_into is not None:
                self._parent[a.id] = f"{card.jurisdiction}/{a.folds_into}/fold:{a.name}"
            for c in a.categories:
                self._parent[c.id] = a.id
                for i in c.items:
                    self._parent[i.id] = c.id
            for i in a.items:
                self._parent[i.id] = a.id

    def _index_for(self, line_id: str | None) -> None:
        """Index the lines of the card a line id belongs to (all cards when None)."""
        if "~other" not in self._done:
            self._done.add("~other")
            for t in self.targets:
                self._index[t.id] = t
            for r in self.rankings:
                self._index[r.id] = r
        name = None if line_id is None else line_id.split("/", 1)[0]
        for card in self.scorecards:
            if name is None or card.jurisdiction == name:
                self._index_card(card)

    def ids(self) -> list[str]:
        """Every line id of the report."""
        self._index_for(None)
        return list(self._index)

    def find(self, line_id: str) -> Line | None:
        self._index_for(line_id)
        return self._index.get(line_id)

    def chain(self, line_id: str) -> list[tuple[str, Line]]:
        """The line, then every line it feeds, up to the outermost assessment total."""
        self._index_for(line_id)
        out: list[tuple[str, Line]] = []
        current: str | None = line_id
        while current is not None and current in self._index and len(out) < 64:
            out.append((current, self._index[current]))
            current = self._parent.get(current)
        return out

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: scorecards (assessments → categories → items), targets, rankings."""
        with gc_paused():
            return {
                "as_of": self.as_of.isoformat(),
                "sources": self.sources,
                "scorecards": [c.as_dict() for c in self.scorecards],
                "targets": [t.as_dict() for t in self.targets],
                "rankings": [r.as_dict() for r in self.rankings],
            }


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a report is built.

    A report is tens of thousands of small acyclic objects; with the collector on, each
    full collection re-scans the whole workspace as well, which doubles the scoring time.
    Reference counting still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def selected(ws: Workspace, names: Iterable[str] | None = None) -> list[str]:
    """Jurisdictions to report on: `names`, else those declared in the requested files."""
    if names is not None:
        wanted = set(names)
        return [n for n in ws.jurisdictions if n in wanted]
    if not ws.requested:
        return list(ws.jurisdictions)
    return [n for n, j in ws.jurisdictions.items() if j.file in ws.requested]


def score_tree(
    ws: Workspace,
    registry: Registry,
    as_of: dt.date,
    *,
    extra_facts: Iterable[Facts] = (),
    simulated: SimulatedValues | None = None,
    jurisdictions: Iterable[str] | None = None,
    sources: dict[str, Any] | None = None,
) -> ScoreReport:
    """Score every selected jurisdiction that an assessment scores; judge their targets;
    evaluate the rankings they take part in.

    :raises ScoringError: a rule kind is not provided by any loaded plugin.
    :raises PluginError: a plugin's metric or rule kind failed (named).
    """
    facts = FactsIndex.from_workspace(ws, extra_facts)
    resolver = MetricResolver(ws, registry, facts, as_of, simulated)
    scorer = Scorer(ws, registry, resolver)
    names = selected(ws, jurisdictions)
    with gc_paused():
        cards = [c for c in (scorer.scorecard(n) for n in names) if c.assessments]
        targets = [t for n in names for t in scorer.targets(n)]
        rankings = scorer.rankings(set(names))
    info = dict(sources or {})
    info.setdefault("simulation", simulated.label if simulated is not None else None)
    return ScoreReport(as_of, info, cards, targets, rankings)

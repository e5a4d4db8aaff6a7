"""In-file tests (测试) and their coverage: facts in, expected points and statuses out.

A `test` block is run against its subject (`jurisdiction NAME`, else the jurisdiction it
sits in) on its `as of` day:

- its `facts { … }` replace every facts block of the subject for that test (a test with
  no facts sees none); other jurisdictions keep theirs. No simulation runs: a simulated
  metric has a value only when the test's facts give it.
- `expect A = v` checks assessment A's total, `expect A.C = v` category C of A; a figure
  matches when it differs from v by at most 1e-6.
- `expect target M [by DATE] STATUS` checks the subject's target on metric M is pending,
  met or missed. With `by DATE`, the target on M due by that day; without, the only target
  on M, or else the only undated one (otherwise the expectation fails as ambiguous).

Coverage lists the rules, categories and targets written in the checked files that no
test exercises. A target is exercised when a test expects its status; a category when a
test checks a figure it feeds (its own points, its assessment's total, or a total its
assessment folds into); a rule when, in such a test, it read a value the test gave or the
model computed (not a default: 0 findings or no event recorded).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from onewindow.dsl.diagnostics import did_you_mean
from onewindow.dsl.model import Expectation, Facts, Span, TestCase
from onewindow.dsl.resolve import Workspace
from onewindow.engine.scoring.kinds import kind_name
from onewindow.engine.scoring.metrics import FactsIndex, MetricResolver
from onewindow.engine.scoring.rules import ScoringError, rule_text
from onewindow.engine.scoring.score import Scorer, ScoreReport, gc_paused, selected
from onewindow.engine.scoring.scorecard import TOLERANCE, AssessmentScore, Scorecard, fmt, span_dict
from onewindow.engine.scoring.targets import TargetLine, target_text
from onewindow.plugins.registry import Registry

SpanKey = tuple[str, int, int]


def _key(span: Span) -> SpanKey:
    return (span.file, span.line, span.column)


@dataclass(frozen=True, slots=True)
class Check:
    """One `expect` line: what was expected, what came out, and the line id to explain."""

    label: str
    passed: bool
    actual: str
    message: str
    span: Span
    line_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "expect": self.label,
            "passed": self.passed,
            "actual": self.actual,
            "message": self.message,
            "line_id": self.line_id,
            "span": span_dict(self.span),
        }


@dataclass(frozen=True, slots=True)
class TestResult:
    """A test's outcome; `error` when it could not run at all (e.g. no subject)."""

    __test__ = False  # not a pytest class

    name: str
    subject: str | None
    as_of: dt.date
    span: Span
    checks: tuple[Check, ...]
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(c.passed for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "jurisdiction": self.subject,
            "as_of": self.as_of.isoformat(),
            "span": span_dict(self.span),
            "passed": self.passed,
            "error": self.error,
            "checks": [c.as_dict() for c in self.checks],
        }


@dataclass(frozen=True, slots=True)
class Uncovered:
    """A rule, category or target no test exercises."""

    kind: str  # rule | category | target
    text: str
    where: str
    span: Span

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "where": self.where,
            "span": span_dict(self.span),
        }


@dataclass
class TestRun:
    """Every test's result, and (with coverage) what no test exercises."""

    __test__ = False  # not a pytest class
    results: list[TestResult]
    uncovered: list[Uncovered] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # kind → how many exist

    @property
    def failed(self) -> list[TestResult]:
        return [r for r in self.results if not r.passed]

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": len(self.results) - len(self.failed),
            "failed": len(self.failed),
            "tests": [r.as_dict() for r in self.results],
            "coverage": {
                "totals": self.totals,
                "uncovered": [u.as_dict() for u in self.uncovered],
            },
        }


@dataclass
class _Covered:
    rules: set[SpanKey] = field(default_factory=set)
    categories: set[SpanKey] = field(default_factory=set)
    targets: set[SpanKey] = field(default_factory=set)

    def checked(self, card: Scorecard, a: AssessmentScore, category: str | None = None) -> None:
        for c in a.categories:
            if category is not None and c.name != category:
                continue
            self.categories.add(_key(c.span))
            self.rules.update(
                _key(i.explanation.span) for i in c.items if i.exercised and i.explanation.span
            )
        if category is not None:
            return
        self.rules.update(
            _key(i.explanation.span)
            for i in a.items
            if i.kind != "fold" and i.exercised and i.explanation.span
        )
        for child in card.assessments:
            if child.folds_into == a.name and child is not a:
                self.checked(card, child)


def _value_check(card: Scorecard, e: Expectation, scorer: Scorer, cov: _Covered) -> Check:
    assert e.value is not None
    label = f"{'.'.join(e.path)} = {fmt(e.value.value)}"
    if len(e.path) not in (1, 2):
        return Check(
            label,
            False,
            "—",
            "write `expect ASSESSMENT = v` or `expect ASSESSMENT.CATEGORY = v`",
            e.span,
        )
    a = card.assessment(e.path[0])
    if a is None:
        in_force = scorer.ws.assessments(card.jurisdiction)
        if e.path[0] in in_force:
            owner, decl = in_force[e.path[0]]
            level = decl.applies_to.value if decl.applies_to else "direct children"
            msg = (
                f"assessment '{e.path[0]}' of {owner} does not score {card.jurisdiction} "
                f"(it assesses {level} under {owner})"
            )
        else:
            hint = did_you_mean(e.path[0], in_force) or "no such assessment is in force here"
            msg = f"unknown assessment '{e.path[0]}' for {card.jurisdiction}: {hint}"
        return Check(label, False, "—", msg, e.span)
    if len(e.path) == 1:
        actual, line_id = a.total, a.id
        cov.checked(card, a)
    else:
        c = a.category(e.path[1])
        if c is None:
            hint = did_you_mean(e.path[1], [x.name for x in a.categories]) or ""
            msg = f"assessment '{a.name}' has no category '{e.path[1]}'"
            return Check(label, False, "—", f"{msg}; {hint}" if hint else msg, e.span)
        actual, line_id = c.points, c.id
        cov.checked(card, a, c.name)
    ok = abs(actual - e.value.value) <= TOLERANCE
    message = "" if ok else f"expected {fmt(e.value.value)}, got {fmt(actual)}"
    return Check(label, ok, fmt(actual), message, e.span, line_id)


def _status_check(subject: str, e: Expectation, lines: list[TargetLine], cov: _Covered) -> Check:
    metric = e.path[-1] if e.path else "?"  # ("target", METRIC)
    by = f" by {e.due_by.isoformat()}" if e.due_by else ""
    label = f"target {metric}{by} {e.status}"
    same = [t for t in lines if t.target.metric.name == metric]
    if e.due_by is not None:
        found = [t for t in same if t.target.due_by == e.due_by]
    elif len(same) > 1 and sum(t.target.due_by is None for t in same) == 1:
        found = [t for t in same if t.target.due_by is None]  # the one undated target
    else:
        found = same
    if not found:
        if same:
            dates = ", ".join(target_text(t.target) for t in same)
            msg = f"{subject} has no target on {metric}{by} (its targets on {metric}: {dates})"
        else:
            msg = f"{subject} has no target on {metric}"
        return Check(label, False, "—", msg, e.span)
    if len(found) > 1:
        dates = "; ".join(target_text(t.target) for t in found)
        return Check(
            label,
            False,
            "—",
            f"{len(found)} targets of {subject} are on {metric} ({dates}): "
            "say which with `expect target METRIC by DATE STATUS`",
            e.span,
        )
    t = found[0]
    cov.targets.add(_key(t.target.span))
    ok = t.status == e.status
    message = "" if ok else f"expected {e.status}, got {t.status}: {t.reason}"
    return Check(label, ok, t.status, message, e.span, t.id)


def _subject(ws: Workspace, home: str | None, test: TestCase) -> tuple[str | None, str | None]:
    """(subject, None) or (subject, why the test cannot run)."""
    subject = test.jurisdiction.name if test.jurisdiction is not None else home
    if subject is None:
        return None, "the test does not say which jurisdiction it tests (add: jurisdiction NAME)"
    if subject not in ws.jurisdictions:
        return subject, f"unknown jurisdiction '{subject}'"
    return subject, None


def _scorer(
    ws: Workspace, registry: Registry, base: FactsIndex, subject: str, test: TestCase
) -> Scorer:
    block = [Facts(as_of=test.as_of, facts=test.facts, span=test.span)] if test.facts else []
    facts = base.replaced(subject, block)
    return Scorer(ws, registry, MetricResolver(ws, registry, facts, test.as_of))


def run_test(
    ws: Workspace,
    registry: Registry,
    base: FactsIndex,
    home: str | None,
    test: TestCase,
    cov: _Covered | None = None,
) -> TestResult:
    """Run one test; `home` is the jurisdiction the test sits in (None at top level)."""
    cov = cov if cov is not None else _Covered()
    subject, why = _subject(ws, home, test)
    if subject is None or why is not None:
        return TestResult(test.name, subject, test.as_of, test.span, (), why)
    scorer = _scorer(ws, registry, base, subject, test)
    card = scorer.scorecard(subject)
    targets: list[TargetLine] | None = None
    checks: list[Check] = []
    for e in test.expectations:
        if e.status is not None:
            if targets is None:
                targets = scorer.targets(subject)
            checks.append(_status_check(subject, e, targets, cov))
        else:
            checks.append(_value_check(card, e, scorer, cov))
    return TestResult(test.name, subject, test.as_of, test.span, tuple(checks))


def report_for_test(
    ws: Workspace, registry: Registry, home: str | None, test: TestCase
) -> ScoreReport:
    """The scores of a test's subject with the test's facts and day (for `explain --test`).

    :raises ScoringError: the test has no usable subject.
    """
    subject, why = _subject(ws, home, test)
    if subject is None or why is not None:
        raise ScoringError(f"test '{test.name}' cannot run: {why}", "fix the test block")
    scorer = _scorer(ws, registry, FactsIndex.from_workspace(ws), subject, test)
    card = scorer.scorecard(subject)
    sources = {"facts": [f"test '{test.name}'"], "simulation": None, "notes": []}
    return ScoreReport(
        test.as_of,
        sources,
        [card] if card.assessments else [],
        scorer.targets(subject),
        scorer.rankings({subject}),
    )


def run_tests(ws: Workspace, registry: Registry, *, coverage: bool = True) -> TestRun:
    """Run the tests written in the requested files (all files when none were requested).

    :raises ScoringError, PluginError: as `score_tree`.
    """
    base = FactsIndex.from_workspace(ws)
    cov = _Covered()
    wanted = ws.requested
    with gc_paused():
        results = [
            run_test(ws, registry, base, home, t, cov)
            for home, t in ws.tests()
            if not wanted or t.span.file in wanted
        ]
    results.sort(key=lambda r: (r.span.file, r.span.line))
    run = TestRun(results)
    if coverage:
        _coverage(ws, registry, cov, run)
    return run


def _rule_text(rule: Any, registry: Registry) -> str:
    kind = registry.rule_kinds.get(kind_name(rule))
    return rule_text(rule, kind) if kind is not None else kind_name(rule)


def _coverage(ws: Workspace, registry: Registry, cov: _Covered, run: TestRun) -> None:
    seen: set[tuple[str, SpanKey]] = set()
    totals = {"rule": 0, "category": 0, "target": 0}
    uncovered: list[Uncovered] = []

    def add(kind: str, span: Span, text: str, where: str, covered: set[SpanKey]) -> None:
        key = (kind, _key(span))
        if key in seen:
            return
        seen.add(key)
        totals[kind] += 1
        if _key(span) not in covered:
            uncovered.append(Uncovered(kind, text, where, span))

    for name in selected(ws):
        j = ws.jurisdictions[name]
        for a in j.assessments:
            for c in a.categories:
                add(
                    "category",
                    c.span,
                    f"{c.name} max {fmt(c.max)}",
                    f"{name} · {a.name}",
                    cov.categories,
                )
                for r in c.rules:
                    add(
                        "rule",
                        r.span,
                        _rule_text(r, registry),
                        f"{name} · {a.name} · {c.name}",
                        cov.rules,
                    )
            for r in a.rules:
                add("rule", r.span, _rule_text(r, registry), f"{name} · {a.name}", cov.rules)
        for t in j.targets:
            add("target", t.span, target_text(t), name, cov.targets)
    uncovered.sort(key=lambda u: (u.span.file, u.span.line, u.span.column))
    run.uncovered = uncovered
    run.totals = totals

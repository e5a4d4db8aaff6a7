"""Build assessments (考核), facts and in-file tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from lark import Token, v_args

from onewindow.dsl.build_base import BuilderBase, Stmt, unquote
from onewindow.dsl.diagnostics import error
from onewindow.dsl.model import (
    Assessment,
    BonusRule,
    Category,
    DeductRule,
    Expectation,
    Fact,
    Facts,
    PenaltyRule,
    PluginRule,
    Quantity,
    Ranking,
    Ref,
    ShortfallRule,
    TestCase,
    ThresholdRule,
)


class AssessmentBuilder(BuilderBase):
    """Rules of assessments, categories, scoring rules, facts and tests."""

    # ------------------------------------------------------------ assessment

    @v_args(meta=True)
    def assessment(self, meta: Any, c: list[Any]) -> Stmt:
        ref: Ref = c[0]
        folds_into = weight = applies_to = ranking = None
        categories: list[Category] = []
        rules: list[Any] = []
        for item in c[1:]:
            if isinstance(item, tuple) and item[0] == "folds":
                folds_into, weight = item[1], item[2]
            elif isinstance(item, tuple) and item[0] == "assesses":
                applies_to = item[1]
            elif isinstance(item, Category):
                categories.append(item)
            elif isinstance(item, Ranking):
                ranking = item
            elif item is not None:
                rules.append(item)
        node = Assessment(
            name=ref.name,
            span=ref.span,
            folds_into=folds_into,
            weight=weight,
            applies_to=applies_to,
            categories=tuple(categories),
            rules=tuple(rules),
            ranking=ranking,
        )
        return self.stmt("assessment", node, meta)

    def folds(self, c: list[Any]) -> tuple[str, Ref, Quantity | None]:
        return ("folds", c[0], c[1] if len(c) > 1 else None)

    def assesses(self, c: list[Ref]) -> tuple[str, Any]:
        return ("assesses", self.word("level", c[0], "level"))

    @v_args(meta=True)
    def category(self, meta: Any, c: list[Any]) -> Category:
        ref: Ref = c[0]
        cap = float(c[1])
        floor = 0.0
        rules = []
        for item in c[2:]:
            if isinstance(item, float):
                floor = item
            elif item is not None:
                rules.append(item)
        return Category(name=ref.name, max=cap, floor=floor, rules=tuple(rules), span=ref.span)

    @v_args(meta=True)
    def deduct(self, meta: Any, c: list[Any]) -> DeductRule:
        fact = c[1].name if len(c) > 1 else None
        return DeductRule(points=float(c[0]), fact=fact, span=self.span(meta))

    @v_args(meta=True)
    def shortfall(self, meta: Any, c: list[Any]) -> ShortfallRule:
        return ShortfallRule(metric=c[0], below=c[1], points=float(c[2]), span=self.span(meta))

    @v_args(meta=True)
    def threshold(self, meta: Any, c: list[Any]) -> ThresholdRule:
        return ThresholdRule(
            metric=c[0], op=c[1], value=c[2], points=float(c[3]), span=self.span(meta)
        )

    def _event_rule(
        self, meta: Any, c: list[Any], make: Callable[..., Any], each_default: bool
    ) -> Any:
        ref: Ref = c[0]
        points = next(float(x) for x in c[1:] if isinstance(x, Token) and x.type == "NUMBER")
        each = each_default
        note = None
        for item in c[1:]:
            if isinstance(item, str) and item in ("each", "once"):
                each = item == "each"
            elif isinstance(item, Token) and item.type == "STRING":
                note = unquote(str(item))
        return make(event=ref.name, points=points, each=each, note=note, span=self.span(meta))

    @v_args(meta=True)
    def bonus(self, meta: Any, c: list[Any]) -> BonusRule:
        return self._event_rule(meta, c, BonusRule, False)

    @v_args(meta=True)
    def penalty(self, meta: Any, c: list[Any]) -> PenaltyRule:
        return self._event_rule(meta, c, PenaltyRule, True)

    def repeat(self, c: list[Token]) -> str:
        return "each" if str(c[0]) in ("each", "每次") else "once"

    @v_args(meta=True)
    def plugin_rule(self, meta: Any, c: list[Any]) -> PluginRule:
        return PluginRule(kind_name=c[0], params=tuple(c[1:]), span=self.span(meta))

    @v_args(meta=True)
    def ranking(self, meta: Any, c: list[Token]) -> Ranking:
        action = unquote(str(c[1])) if len(c) > 1 else None
        return Ranking(bottom=int(float(c[0])), action=action, span=self.span(meta))

    # ------------------------------------------------------------ facts, tests

    def _fact(self, meta: Any, kind: str, c: list[Any]) -> Fact:
        ref: Ref = c[0]
        if len(c) > 1 and isinstance(c[1], Quantity):
            qty = c[1]
        elif len(c) > 1:
            qty = Quantity(value=float(c[1]), span=self.tok_span(c[1]))
        else:
            qty = Quantity(value=1, span=ref.span)
        return Fact(fact=kind, name=ref.name, value=qty, span=self.span(meta))

    @v_args(meta=True)
    def fact_metric(self, meta: Any, c: list[Any]) -> Fact:
        return self._fact(meta, "value", c)

    @v_args(meta=True)
    def fact_findings(self, meta: Any, c: list[Any]) -> Fact:
        return self._fact(meta, "findings", c)

    @v_args(meta=True)
    def fact_event(self, meta: Any, c: list[Any]) -> Fact:
        return self._fact(meta, "event", c)

    @v_args(meta=True)
    def facts(self, meta: Any, c: list[Any]) -> Stmt | None:
        span = self.span(meta)
        jur = c[0] if isinstance(c[0], Ref) else None
        rest = c[1:] if jur else c
        as_of = self.date(rest[0])
        if as_of is None:
            return None
        node = Facts(jurisdiction=jur, as_of=as_of, facts=tuple(rest[1:]), span=span)
        return Stmt("facts", node, span)

    @v_args(meta=True)
    def test(self, meta: Any, c: list[Any]) -> Stmt | None:
        span = self.span(meta)
        name = unquote(str(c[0]))
        subject = as_of = None
        facts: list[Fact] = []
        expectations: list[Expectation] = []
        for item in c[1:]:
            if isinstance(item, Expectation):
                expectations.append(item)
            elif isinstance(item, tuple) and item[0] == "subject":
                subject = item[1]
            elif isinstance(item, tuple) and item[0] == "as_of":
                as_of = item[1]
            elif isinstance(item, list):
                facts.extend(item)
        if as_of is None:
            self.diagnostics.append(
                error("OW124", span, f"test '{name}' has no 'as of' date", "add: as of 2019-12-31")
            )
            return None
        node = TestCase(
            name=name,
            jurisdiction=subject,
            as_of=as_of,
            facts=tuple(facts),
            expectations=tuple(expectations),
            span=span,
        )
        return Stmt("test", node, span)

    def test_subject(self, c: list[Ref]) -> tuple[str, Ref]:
        return ("subject", c[0])

    def test_as_of(self, c: list[Token]) -> tuple[str, dt.date | None]:
        return ("as_of", self.date(c[0]))

    def test_facts(self, c: list[Fact]) -> list[Fact]:
        return list(c)

    def path(self, c: list[Ref]) -> tuple[str, ...]:
        return tuple(r.name for r in c)

    @v_args(meta=True)
    def expect_points(self, meta: Any, c: list[Any]) -> Expectation:
        return Expectation(path=c[0], value=c[1], span=self.span(meta))

    @v_args(meta=True)
    def expect_status(self, meta: Any, c: list[Any]) -> Expectation:
        due_by = self.date(c[1]) if isinstance(c[1], Token) else None
        if isinstance(c[1], Token):
            c = [c[0], c[2]]
        status = c[1].name
        if status not in ("met", "missed", "pending", "达成", "未达成", "待定"):
            self.diagnostics.append(
                error(
                    "OW101",
                    c[1].span,
                    f"unknown target status '{status}'",
                    "use met, missed or pending",
                )
            )
        status = {"达成": "met", "未达成": "missed", "待定": "pending"}.get(status, status)
        return Expectation(
            path=("target", c[0].name), due_by=due_by, status=status, span=self.span(meta)
        )

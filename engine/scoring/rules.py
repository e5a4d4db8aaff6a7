"""Rules into explained items: compile an assessment once, evaluate each rule by its kind.

Every rule, built-in or not, is evaluated by the `RuleKind` a plugin registered under its
name through the `onewindow_rule_kinds` hook; the engine has no other path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from onewindow.dsl.model import Assessment, Category, PluginRule
from onewindow.engine.scoring.kinds import RuleContext, RuleResult, kind_name, plugin_rule_text
from onewindow.engine.scoring.scorecard import Explanation, Item
from onewindow.plugins.api import RuleKind
from onewindow.plugins.registry import PluginError


class ScoringError(Exception):
    """Scoring cannot start (e.g. no plugin provides a rule kind): a message and a hint."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class RulePlan:
    """One rule ready to evaluate: its kind, its id within the assessment, its text."""

    rule: Any
    kind: RuleKind
    local_id: str
    text: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CategoryPlan:
    category: Category
    rules: tuple[RulePlan, ...]


@dataclass(frozen=True, slots=True)
class AssessmentPlan:
    """An assessment compiled once and evaluated for every jurisdiction it scores."""

    assessment: Assessment
    owner: str
    categories: tuple[CategoryPlan, ...]
    rules: tuple[RulePlan, ...]
    category_max: float


def _plugin_of(kind: RuleKind) -> str:
    fn = kind.evaluate
    return getattr(fn, "__module__", None) or f"rule kind {kind.name}"


class _Ids:
    """Line ids unique within one assessment: `KIND@L42`, then `KIND@L42C9`, then `…#2`."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, prefix: str, kind: str, rule: Any) -> str:
        span = rule.span
        for local in (
            f"{prefix}{kind}@L{span.line}",
            f"{prefix}{kind}@L{span.line}C{span.column}",
        ):
            if local not in self.used:
                self.used.add(local)
                return local
        n = 2
        while f"{prefix}{kind}@L{span.line}C{span.column}#{n}" in self.used:
            n += 1
        local = f"{prefix}{kind}@L{span.line}C{span.column}#{n}"
        self.used.add(local)
        return local


def rule_text(rule: Any, kind: RuleKind) -> str:
    describe = kind.extra.get("describe")
    if describe is not None:
        return str(describe(rule))
    if isinstance(rule, PluginRule):
        return plugin_rule_text(rule)
    return f"{kind.name} rule"


def compile_assessment(owner: str, a: Assessment, kinds: dict[str, RuleKind]) -> AssessmentPlan:
    """Look up every rule's kind and give each rule its line id.

    :raises ScoringError: a rule names a kind no loaded plugin provides.
    """
    ids = _Ids()

    def plan(rule: Any, prefix: str) -> RulePlan:
        name = kind_name(rule)
        kind = kinds.get(name)
        if kind is None or kind.evaluate is None:
            raise ScoringError(
                f"no loaded plugin provides the rule kind '{name}' used at {rule.span}",
                "the built-in kinds come from the plugin 'rules' (onewindow.plugins.builtin.rules);"
                " load the plugin that provides it with --plugin",
            )
        params = {p.key: p.value for p in rule.params} if isinstance(rule, PluginRule) else {}
        return RulePlan(rule, kind, ids.take(prefix, name, rule), rule_text(rule, kind), params)

    categories = tuple(
        CategoryPlan(c, tuple(plan(r, f"{c.name}/") for r in c.rules)) for c in a.categories
    )
    outside = tuple(plan(r, "") for r in a.rules)
    return AssessmentPlan(a, owner, categories, outside, sum(c.max for c in a.categories))


def evaluate_rule(plan: RulePlan, ctx: RuleContext, item_id: str) -> Item:
    """Run the rule's kind; wrap what it returns, with the inputs it read, into an `Item`.

    `ctx` may be shared by the rules of one category: its inputs are reset here.

    :raises PluginError: naming the plugin when the kind raises or returns something else.
    """
    ctx.inputs = inputs = []
    ctx.params = plan.params
    kind = plan.kind
    try:
        result = kind.evaluate(plan.rule, ctx)  # type: ignore[misc]
    except PluginError:
        raise
    except Exception as exc:  # a plugin's bug is named, never a bare traceback
        raise PluginError(
            _plugin_of(kind),
            "onewindow_rule_kinds",
            f"rule kind '{kind.name}' raised {type(exc).__name__}: {exc} "
            f"(rule at {plan.rule.span})",
        ) from exc
    if not isinstance(result, RuleResult):
        raise PluginError(
            _plugin_of(kind),
            "onewindow_rule_kinds",
            f"rule kind '{kind.name}' returned {result!r:.80}, expected a RuleResult",
        )
    points = result.points
    if type(points) is not float:
        try:
            points = float(points)
        except (TypeError, ValueError):
            points = math.nan
    if not math.isfinite(points):
        raise PluginError(
            _plugin_of(kind),
            "onewindow_rule_kinds",
            f"rule kind '{kind.name}' returned {result.points!r} points (rule at {plan.rule.span})",
        )
    explanation = Explanation(
        plan.text, kind.name, plan.rule.span, tuple(inputs), result.arithmetic, result.note
    )
    return Item(item_id, kind.name, points + 0.0, explanation)

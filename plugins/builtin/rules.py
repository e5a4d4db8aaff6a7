"""Built-in scoring rule kinds: deduct, shortfall, threshold, bonus, penalty (考核规则).

Registered through `onewindow_rule_kinds` exactly like a third-party kind; the semantics
are documented in docs/scoring.md. Points are signed: deductions and penalties negative.
"""

from __future__ import annotations

from typing import Any

from onewindow.dsl.model import (
    BonusRule,
    DeductRule,
    PenaltyRule,
    PluginRule,
    ShortfallRule,
    ThresholdRule,
)
from onewindow.engine.dated import compare
from onewindow.engine.scoring.kinds import RuleContext, RuleResult, plugin_rule_text
from onewindow.engine.scoring.scorecard import fmt
from onewindow.plugins.api import RuleKind
from onewindow.plugins.hookspecs import hookimpl

FORMS = {
    "deduct": "deduct N per finding",
    "shortfall": "shortfall METRIC below X% costs N per point",
    "threshold": "threshold METRIC >= X gives N",
    "bonus": "bonus EVENT +N once|each",
    "penalty": "penalty EVENT -N each|once",
}


def _own_form(rule: Any, name: str) -> None:
    """The built-in kinds take their own statements, not `rule KIND { … }` lines."""
    if isinstance(rule, PluginRule):
        raise ValueError(
            f"write the built-in form `{FORMS[name]}` instead of `rule {name} {{ … }}`"
        )


# ---------------------------------------------------------------- deduct (每发现一处扣N分)


def describe_deduct(rule: DeductRule) -> str:
    if isinstance(rule, PluginRule):
        return plugin_rule_text(rule)
    of = f" of {rule.fact}" if rule.fact else ""
    return f"deduct {fmt(rule.points)} per finding{of}"


def evaluate_deduct(rule: DeductRule, ctx: RuleContext) -> RuleResult:
    """N points per finding; findings are counted under `of NAME`, else the category's name
    (outside a category: the assessment's name)."""
    _own_form(rule, "deduct")
    name = rule.fact or ctx.category or ctx.assessment
    found = ctx.findings(name)
    count = found.value or 0.0
    points = -rule.points * count
    if count == 0:
        return RuleResult(0.0, f"no finding in {name}: 0")
    return RuleResult(
        points, f"{fmt(rule.points)} × {fmt(count)} finding(s) in {name} = {fmt(-points)} off"
    )


# ---------------------------------------------------------------- shortfall (每降低1个百分点扣N分)


def describe_shortfall(rule: ShortfallRule) -> str:
    if isinstance(rule, PluginRule):
        return plugin_rule_text(rule)
    b = rule.below
    return (
        f"shortfall {rule.metric.name} below {fmt(b.value, b.percent)} "
        f"costs {fmt(rule.points)} per point"
    )


def evaluate_shortfall(rule: ShortfallRule, ctx: RuleContext) -> RuleResult:
    """N points per point (percentage point for shares) below the level, fractions counted
    proportionally (38.5% under 40% is 1.5 points short). No value: counted as 0 (worst case)."""
    _own_form(rule, "shortfall")
    level = rule.below.value
    pct = rule.below.percent
    found = ctx.metric(rule.metric.name)
    if found.value is None:
        points = -rule.points * max(level, 0.0)
        return RuleResult(
            points,
            f"{fmt(rule.points)} × ({fmt(level, pct)} - 0) = {fmt(-points)} off",
            f"no value of {rule.metric.name}: counted as 0, the worst case",
        )
    value = found.value
    if value >= level:
        return RuleResult(0.0, f"{fmt(value, pct)} is not below {fmt(level, pct)}: 0")
    short = level - value
    points = -rule.points * short
    return RuleResult(
        points,
        f"{fmt(rule.points)} × ({fmt(level, pct)} - {fmt(value, pct)}) = "
        f"{fmt(rule.points)} × {fmt(short)} = {fmt(-points)} off",
    )


# ---------------------------------------------------------------- threshold (达标得分)


def describe_threshold(rule: ThresholdRule) -> str:
    if isinstance(rule, PluginRule):
        return plugin_rule_text(rule)
    v = rule.value
    return (
        f"threshold {rule.metric.name} {rule.op.value} {fmt(v.value, v.percent)} "
        f"gives {fmt(rule.points)}"
    )


def evaluate_threshold(rule: ThresholdRule, ctx: RuleContext) -> RuleResult:
    """N points when `value OP level` holds, else 0. No value: the level counts as not reached."""
    _own_form(rule, "threshold")
    level = rule.value.value
    pct = rule.value.percent
    found = ctx.metric(rule.metric.name)
    cond = f"{rule.op.value} {fmt(level, pct)}"
    if found.value is None:
        return RuleResult(
            0.0,
            f"no value {cond}: not reached, 0",
            f"no value of {rule.metric.name}: counted as not reached",
        )
    if compare(found.value, rule.op, level):
        return RuleResult(rule.points, f"{fmt(found.value, pct)} {cond} holds: {fmt(rule.points)}")
    return RuleResult(0.0, f"{fmt(found.value, pct)} {cond} does not hold: 0")


# ---------------------------------------------------------------- bonus and penalty (加分, 减分)


def _repeat(each: bool) -> str:
    return "each" if each else "once"


def describe_bonus(rule: BonusRule) -> str:
    if isinstance(rule, PluginRule):
        return plugin_rule_text(rule)
    return f"bonus {rule.event} +{fmt(rule.points)} {_repeat(rule.each)}"


def describe_penalty(rule: PenaltyRule) -> str:
    if isinstance(rule, PluginRule):
        return plugin_rule_text(rule)
    return f"penalty {rule.event} -{fmt(rule.points)} {_repeat(rule.each)}"


def _event_points(sign: float, points: float, each: bool, event: str, ctx: RuleContext):
    found = ctx.events(event)
    k = found.value or 0.0
    if k <= 0:
        return RuleResult(0.0, f"{event} did not occur: 0")
    if each:
        total = sign * points * k
        return RuleResult(total, f"{fmt(points)} × {fmt(k)} occurrence(s) = {fmt(abs(total))}")
    times = f"occurred {fmt(k)} times, counted once" if k != 1 else "occurred, counted once"
    return RuleResult(sign * points, f"{event} {times}: {fmt(points)}")


def evaluate_bonus(rule: BonusRule, ctx: RuleContext) -> RuleResult:
    """+N once if the event occurred (`once`, the default), or +N per occurrence (`each`)."""
    _own_form(rule, "bonus")
    return _event_points(1.0, rule.points, rule.each, rule.event, ctx)


def evaluate_penalty(rule: PenaltyRule, ctx: RuleContext) -> RuleResult:
    """-N per occurrence (`each`, the default: 累计扣分), or -N once (`once`)."""
    _own_form(rule, "penalty")
    return _event_points(-1.0, rule.points, rule.each, rule.event, ctx)


KINDS: list[RuleKind] = [
    RuleKind(
        "deduct",
        "N points off per inspection finding (每发现一处不达标扣N分)",
        ("points", "of"),
        evaluate_deduct,
        {"describe": describe_deduct},
    ),
    RuleKind(
        "shortfall",
        "N points off per (percentage) point below a level, fractions proportional",
        ("metric", "below", "points"),
        evaluate_shortfall,
        {"describe": describe_shortfall},
    ),
    RuleKind(
        "threshold",
        "N points when a metric reaches a level, else 0",
        ("metric", "op", "value", "points"),
        evaluate_threshold,
        {"describe": describe_threshold},
    ),
    RuleKind(
        "bonus",
        "points added for an event, once or per occurrence (加分, 累计)",
        ("event", "points", "each"),
        evaluate_bonus,
        {"describe": describe_bonus},
    ),
    RuleKind(
        "penalty",
        "points taken for an event, per occurrence or once (减分, 累计)",
        ("event", "points", "each"),
        evaluate_penalty,
        {"describe": describe_penalty},
    ),
]


@hookimpl
def onewindow_rule_kinds() -> list[RuleKind]:
    return KINDS

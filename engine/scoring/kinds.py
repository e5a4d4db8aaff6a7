"""The contract of a scoring rule kind (考核规则类型), as plugins implement it.

A plugin returns `RuleKind`s from the `onewindow_rule_kinds` hook. The engine calls
`kind.evaluate(rule, ctx)` once per rule and jurisdiction, where `rule` is the model node
(`DeductRule`, `ShortfallRule`, …, or a `PluginRule` for `rule KIND { key value … }`) and
`ctx` is a `RuleContext`. The function returns a `RuleResult`:

- `points`: signed points — a deduction is negative. Inside a category they are added to
  the category's max before the clamp to [floor, max]; outside, to the assessment total.
- `arithmetic`: how the points were worked out, in words and numbers.
- `note`: optional (e.g. why a missing value counted as the worst case).

Inputs must be read through `ctx` (`metric`, `findings`, `events`): the engine records every
one of them, with its source, in the explanation. `RuleKind.extra["describe"]`, when given,
is `describe(rule) -> str`, the rule as written (otherwise `rule KIND { … }` is shown).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from onewindow.dsl.model import PluginRule
from onewindow.engine.scoring.metrics import MetricResolver
from onewindow.engine.scoring.scorecard import Input


@dataclass(slots=True)
class RuleResult:
    """What a rule kind's `evaluate` returns: signed points and how they were worked out."""

    points: float
    arithmetic: str
    note: str | None = None


@dataclass(slots=True)
class RuleContext:
    """What a rule may read while it is evaluated for one jurisdiction on one day."""

    jurisdiction: str
    assessment: str
    category: str | None
    category_max: float | None
    as_of: dt.date
    resolver: MetricResolver
    params: dict[str, Any] = field(default_factory=dict)
    inputs: list[Input] = field(default_factory=list)

    def metric(self, name: str, subject: str | None = None) -> Input:
        """The metric's value for this jurisdiction (facts, model or run), recorded."""
        found = self.resolver.metric(self.jurisdiction, name, subject)
        self.inputs.append(found)
        return found

    def findings(self, name: str) -> Input:
        """Number of inspection findings (`findings NAME n`), 0 when none recorded."""
        found = self.resolver.findings(self.jurisdiction, name)
        self.inputs.append(found)
        return found

    def events(self, name: str) -> Input:
        """Occurrences of an event (`event NAME k`), 0 when none recorded."""
        found = self.resolver.events(self.jurisdiction, name)
        self.inputs.append(found)
        return found

    def param(self, key: str, default: Any = None) -> Any:
        """A `key value` parameter of a `rule KIND { … }` line."""
        return self.params.get(key, default)


def kind_name(rule: Any) -> str:
    """The rule-kind name a rule node is evaluated by (`deduct`, …, or a plugin kind)."""
    if isinstance(rule, PluginRule):
        return rule.kind_name.name
    return str(rule.rule)


def plugin_rule_text(rule: PluginRule) -> str:
    """`rule KIND { key value … }` as written."""
    params = "  ".join(f"{p.key} {p.value}" for p in rule.params)
    return f"rule {rule.kind_name.name} {{ {params} }}" if params else f"rule {rule.kind_name.name}"

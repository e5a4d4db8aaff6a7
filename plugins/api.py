"""Value types plugins return from hooks: metric, lint rule, setting and rule-kind specs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

MetricSource = Literal["static", "simulated", "fact"]


@dataclass(frozen=True)
class MetricSpec:
    """A named metric usable in targets and rules.

    `compute(workspace, jurisdiction, as_of)` is given for static metrics (computed from the
    model alone); simulated metrics come from a stored run, facts from `facts` blocks.
    """

    name: str
    source: MetricSource
    description: str
    unit: str = ""
    percent: bool = False
    compute: Callable[..., float | None] | None = None


@dataclass(frozen=True)
class LintRule:
    """A lint rule: `check(workspace)` yields diagnostics with this rule's code."""

    code: str
    name: str
    summary: str
    check: Callable[[Any], Iterable[Any]]
    severity: Literal["error", "warning", "info"] = "warning"


@dataclass(frozen=True)
class SettingSpec:
    """A `set KEY = VALUE` key a plugin reads, and where it may appear."""

    key: str
    description: str
    where: tuple[str, ...] = ("jurisdiction", "matter", "chain", "hall", "window")


@dataclass(frozen=True)
class RuleKind:
    """A scoring rule kind for `rule KIND { … }` lines."""

    name: str
    description: str
    params: tuple[str, ...] = ()
    evaluate: Callable[..., Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

"""Value types plugins return from hooks: metric, lint rule, setting and rule-kind specs.

Every hook that provides something returns a list of one of these frozen dataclasses. The
callables inside them (`MetricSpec.compute`, `LintRule.check`, `RuleKind.evaluate`) are
wrapped by the `Registry` so that a plugin that raises or answers with the wrong type is
named in a `PluginError` (plugin, hook, what it returned) instead of corrupting a result.

`RuleContext` and `RuleResult`, what a rule kind's `evaluate` receives and returns, are
defined by the scoring engine (`onewindow.engine.scoring.kinds`) and importable from here,
so that a plugin needs only this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from onewindow.engine.scoring.kinds import RuleContext, RuleResult

__all__ = [
    "LintRule",
    "MetricSpec",
    "RuleContext",
    "RuleKind",
    "RuleResult",
    "SettingSpec",
]

MetricSource = Literal["static", "simulated", "fact"]


@dataclass(frozen=True)
class MetricSpec:
    """A named metric usable in `target`, `shortfall` and `threshold` lines and in facts.

    - ``source="static"``: computed from the model alone by `compute`, called as
      ``compute(workspace, jurisdiction, as_of, subject=None) -> float | None`` where
      `workspace` is a `onewindow.dsl.resolve.Workspace`, `jurisdiction` a jurisdiction
      name, `as_of` a `datetime.date` or None (no date given), and `subject` the NAME of
      ``METRIC of NAME`` (a matter or chain) or None. Return None when the metric does not
      apply (e.g. a share of zero matters); a number otherwise (never NaN or infinite).
    - ``source="simulated"``: reported by the intake simulation; `compute` is None.
    - ``source="fact"``: observed, written in `facts` blocks (``metric NAME VALUE``);
      `compute` is None. Declaring a fact metric is how a plugin adds a fact its rules need.

    `percent` says the value is a share in 0–100 (written ``80%`` in files).
    """

    name: str
    source: MetricSource
    description: str
    unit: str = ""
    percent: bool = False
    compute: Callable[..., float | None] | None = None


@dataclass(frozen=True)
class LintRule:
    """A lint rule, run by `onewindow lint` and `onewindow check --lint` after validation.

    `check` is called once per check as ``check(workspace) -> Iterable[Diagnostic]`` with the
    resolved `onewindow.dsl.resolve.Workspace` (every jurisdiction of the tree, settings
    included). It yields `onewindow.dsl.diagnostics.Diagnostic` values whose `code` is this
    rule's `code` and whose severity is this rule's `severity` (the lint pass applies the
    files' ``lint CODE SEVERITY`` lines afterwards). It must not modify the workspace.

    Codes are stable names: third-party rules use their own prefix (``SD001``), never the
    ``OW`` prefix, which belongs to onewindow's own diagnostics.
    """

    code: str
    name: str
    summary: str
    check: Callable[[Any], Iterable[Any]]
    severity: Literal["error", "warning", "info"] = "warning"
    #: Optional longer text shown by `onewindow plugins --lint-rules` (why it matters, fix).
    doc: str = ""


@dataclass(frozen=True)
class SettingSpec:
    """A `set KEY = VALUE` key a plugin reads, and the blocks where it may appear.

    `where` names blocks: ``jurisdiction``, ``matter``, ``chain``, ``hall``, ``window``.
    Several plugins may declare the same key (they read the same fact); the first
    description wins in listings. A `set` line with a key no plugin declares gets a warning.
    """

    key: str
    description: str
    where: tuple[str, ...] = ("jurisdiction", "matter", "chain", "hall", "window")


@dataclass(frozen=True)
class RuleKind:
    """A scoring rule kind for ``rule KIND { key value … }`` lines inside an assessment.

    `evaluate` is called once per rule line and assessed jurisdiction as
    ``evaluate(rule, ctx) -> RuleResult``:

    - `rule` is the model node: for plugin kinds a `onewindow.dsl.model.PluginRule`
      (`kind_name`, `params` — the ``key value`` lines as `Setting`s —, `span`); built-in
      kinds get their own node (`DeductRule`, `ShortfallRule`, …).
    - `ctx` is a `RuleContext`: `jurisdiction`, `assessment`, `category`, `category_max`,
      `as_of`, ``param(key, default=None)``, and the recorded readers
      ``metric(name, subject=None)``, ``findings(category)``, ``events(name)``, each
      returning an `Input` whose `.value` is a float or None (no value). Read every input
      through `ctx` so the scorecard can show it with its source.
    - It returns a `RuleResult(points, arithmetic, note=None)`: signed points (negative
      deducts, 扣分; positive adds, 加分), finite, before the category's cap and floor;
      `arithmetic` says how they were worked out; `note` e.g. why a missing value counted
      as the worst case. It must not modify its arguments.

    `params` lists the parameter keys the kind accepts (empty: any) and `required` those it
    cannot do without (see `unknown_params`, `missing_params`). `extra["describe"]`, when
    given, is ``describe(rule) -> str``, the rule as written in explanations.
    """

    name: str
    description: str
    params: tuple[str, ...] = ()
    evaluate: Callable[..., Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    def unknown_params(self, keys: Iterable[str]) -> list[str]:
        """Keys this kind does not accept (none when `params` is empty: anything goes)."""
        if not self.params:
            return []
        return [k for k in keys if k not in self.params]

    def missing_params(self, keys: Iterable[str]) -> list[str]:
        """Required keys absent from `keys`."""
        given = set(keys)
        return [k for k in self.required if k not in given]


def __getattr__(name: str) -> Any:
    """`RuleContext` and `RuleResult` on first use (the scoring engine imports this module)."""
    if name in ("RuleContext", "RuleResult"):
        from onewindow.engine.scoring import kinds

        return getattr(kinds, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

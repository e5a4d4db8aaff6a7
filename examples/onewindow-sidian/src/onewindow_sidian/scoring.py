"""The `grid_visits` scoring rule kind: points per grid visit short of what the seed requires.

``rule grid_visits { per_cadre_month 1  costs 2 }`` inside a category: each cadre doing grid
visits (``set grid_cadres``) owes `per_cadre_month` visits a month (每个网格每名干部一个月至少
走访一次); over `months` months (default 1) that is per_cadre_month × cadres × months visits.
Each visit short of it in the visit register (fact ``grid_visits_logged``) costs `costs`
points. When no visits are logged the rule counts none (the worst case) and says so.
"""

from __future__ import annotations

from typing import Any

from onewindow.dsl.model import PluginRule
from onewindow.plugins.api import RuleResult
from onewindow_sidian.grid import CADRES_METRIC, VISITS_METRIC

KIND = "grid_visits"
PARAMS: tuple[str, ...] = ("per_cadre_month", "costs", "months")
REQUIRED: tuple[str, ...] = ("per_cadre_month", "costs")
DEFAULTS: dict[str, float] = {"months": 1.0}


class ParamError(ValueError):
    """A `rule grid_visits` parameter is missing or not a usable number."""


def params_of(rule: PluginRule) -> dict[str, float]:
    """The rule's parameters as numbers (defaults filled in); `ParamError` when unusable."""
    given: dict[str, Any] = {p.key: p.value for p in rule.params}
    out: dict[str, float] = dict(DEFAULTS)
    for key in REQUIRED:
        if key not in given:
            raise ParamError(f"rule grid_visits at {rule.span} needs '{key}'")
    for key, value in given.items():
        if key not in PARAMS:
            raise ParamError(
                f"rule grid_visits has no parameter '{key}' (known: {', '.join(PARAMS)})"
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ParamError(f"rule grid_visits: '{key}' must be a number ≥ 0, not {value!r}")
        out[key] = float(value)
    return out


def evaluate(rule: PluginRule, ctx: Any) -> RuleResult:
    """Points for one jurisdiction: −costs × visits short (0 when none are short)."""
    p = params_of(rule)
    per, costs, months = p["per_cadre_month"], p["costs"], p["months"]
    cadres = ctx.metric(CADRES_METRIC)
    visits = ctx.metric(VISITS_METRIC)
    if cadres.value is None:
        return RuleResult(
            0.0,
            "no grid cadres known, so no visits can be required",
            note=f"{ctx.jurisdiction} has no `set grid_cadres = N`: the rule is not scored",
        )
    required = per * cadres.value * months
    logged = visits.value if visits.value is not None else 0.0
    short = max(0.0, required - logged)
    points = -costs * short
    arithmetic = (
        f"{per:g} visit(s) × {cadres.value:g} cadres × {months:g} month(s) = {required:g} "
        f"required, {logged:g} logged: {short:g} short × {costs:g} = {-points:g} off"
    )
    note = None if visits.value is not None else "no grid visits logged: counted as none"
    return RuleResult(points if points else 0.0, arithmetic, note=note)

"""Lint rules SD001 (grid settings) and SD002 (`rule grid_visits` parameters).

SD001 — what it checks: a township that is scored on grid visits (an assessment in force on
its parent has a ``rule grid_visits``), or that declares ``grids`` or ``grid_cadres``, says
both, as positive whole numbers, with at least as many cadres as grids. Why: the seed gives
every grid its own 联网格干部 (每个网格安排…一名联网格干部); without the numbers the rule
cannot say how many visits are owed. Example: ``set grids = 18`` alone. Use instead:
``set grids = 18`` and ``set grid_cadres = 45``.

SD002 — what it checks: ``rule grid_visits { … }`` gives `per_cadre_month` and `costs` as
numbers and no other key than `months`. Example: ``rule grid_visits { per_cadre 1 }``. Use
instead: ``rule grid_visits { per_cadre_month 1  costs 2 }``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from onewindow.dsl.diagnostics import Diagnostic, did_you_mean, warning
from onewindow.dsl.model import Jurisdiction, PluginRule
from onewindow_sidian.grid import CADRES, GRIDS, own_setting, whole_number
from onewindow_sidian.scoring import KIND, PARAMS, REQUIRED

SETTINGS_CODE = "SD001"
PARAMS_CODE = "SD002"


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _grid_rules(assessment: Any) -> Iterator[PluginRule]:
    rules = [*assessment.rules, *(r for c in assessment.categories for r in c.rules)]
    for r in rules:
        if isinstance(r, PluginRule) and r.kind_name.name == KIND:
            yield r


def scored_on_grid_visits(ws: Any, j: Jurisdiction) -> bool:
    """True when an assessment in force on j's parent scores j's level with `grid_visits`."""
    parent = ws.parent_of(j.name)
    if parent is None:
        return False
    for _, a in ws.assessments(parent.name).values():
        if a.applies_to is not None and a.applies_to != j.level:
            continue
        if any(True for _ in _grid_rules(a)):
            return True
    return False


def check_grid_settings(ws: Any) -> Iterator[Diagnostic]:
    """SD001 over every jurisdiction of the workspace."""
    for j in ws.jurisdictions.values():
        grids, cadres = own_setting(j, GRIDS), own_setting(j, CADRES)
        scored = scored_on_grid_visits(ws, j)
        if grids is None and cadres is None:
            if scored:
                yield warning(
                    SETTINGS_CODE,
                    j.span,
                    f"{j.name} is scored on grid visits but does not say how many grids and "
                    "grid cadres it has",
                    f"add `set {GRIDS} = N` and `set {CADRES} = M` to {j.name}",
                )
            continue
        for s in (grids, cadres):
            if s is not None and whole_number(s.value) is None:
                yield warning(
                    SETTINGS_CODE,
                    s.span,
                    f"`set {s.key} = {s.value}` is not a positive whole number",
                    f"count the {'grids' if s.key == GRIDS else 'cadres'}, e.g. set {s.key} = 18",
                )
        if grids is None or cadres is None:
            given, lacking = (grids, CADRES) if cadres is None else (cadres, GRIDS)
            assert given is not None
            yield warning(
                SETTINGS_CODE,
                given.span,
                f"{j.name} sets {given.key} but not {lacking}",
                f"add `set {lacking} = N`: the visits owed depend on both",
            )
            continue
        n_grids, n_cadres = whole_number(grids.value), whole_number(cadres.value)
        if n_grids is not None and n_cadres is not None and n_cadres < n_grids:
            yield warning(
                SETTINGS_CODE,
                cadres.span,
                f"{n_cadres} grid cadres for {n_grids} grids: every grid needs at least one",
                "the seed gives each grid its own 联网格干部 (每个网格安排…一名联网格干部)",
            )


def check_rule_params(ws: Any) -> Iterator[Diagnostic]:
    """SD002 over every `rule grid_visits` of the workspace."""
    for j in ws.jurisdictions.values():
        for a in j.assessments:
            for r in _grid_rules(a):
                keys = [p.key for p in r.params]
                for p in r.params:
                    if p.key not in PARAMS:
                        yield warning(
                            PARAMS_CODE,
                            p.span,
                            f"rule {KIND} has no parameter '{p.key}'",
                            did_you_mean(p.key, PARAMS) or "parameters: " + ", ".join(PARAMS),
                        )
                    elif not _number(p.value):
                        yield warning(
                            PARAMS_CODE,
                            p.span,
                            f"'{p.key}' of rule {KIND} must be a number ≥ 0, not {p.value}",
                            f"e.g. {p.key} 1",
                        )
                for key in REQUIRED:
                    if key not in keys:
                        yield warning(
                            PARAMS_CODE,
                            r.span,
                            f"rule {KIND} needs '{key}'",
                            f"write rule {KIND} {{ per_cadre_month 1  costs 2 }}",
                        )

"""泗店乡's grid-visit rule (网格化干部走访) as a onewindow plugin.

Seed 003, 泗政〔2018〕85号: "每个网格安排一名联村领导、一名联网格干部、一名村（居）干部 …
做到每个网格每名干部一个月至少走访一次" — every cadre of every grid visits it at least once a
month. This package gives a township that rule through onewindow's ordinary hooks:

- settings ``grids`` and ``grid_cadres`` (``set grid_cadres = 45``), also read by onewindow;
- metrics ``grid_cadre_count`` (static, from ``set grid_cadres``) and ``grid_visits_logged``
  (a fact: visits in the visit register, 走访台账);
- the scoring rule kind ``grid_visits``: ``rule grid_visits { per_cadre_month 1  costs 2 }``;
- lint rules SD001 (grid settings missing or inconsistent) and SD002 (``rule grid_visits``
  parameters).

Installed, it is found through its ``onewindow`` entry point; a file may also require it with
``plugins "onewindow_sidian"``.
"""

from __future__ import annotations

from onewindow.plugins.api import LintRule, MetricSpec, RuleKind, SettingSpec
from onewindow.plugins.hookspecs import hookimpl
from onewindow_sidian import grid, lint, scoring

__version__ = "0.1.0"


@hookimpl
def onewindow_settings() -> list[SettingSpec]:
    return [
        SettingSpec("grids", "number of grids (网格) of the township", ("jurisdiction",)),
        SettingSpec(
            "grid_cadres", "cadres assigned to grids (联网格干部), one grid each", ("jurisdiction",)
        ),
    ]


@hookimpl
def onewindow_metrics() -> list[MetricSpec]:
    return [
        MetricSpec(
            grid.CADRES_METRIC,
            "static",
            "cadres doing grid visits, from `set grid_cadres` (网格干部)",
            "cadres",
            compute=grid.grid_cadre_count,
        ),
        MetricSpec(
            grid.VISITS_METRIC,
            "fact",
            "grid visits in the visit register over the assessed months (走访台账)",
            "visits",
        ),
    ]


@hookimpl
def onewindow_rule_kinds() -> list[RuleKind]:
    return [
        RuleKind(
            name=scoring.KIND,
            description="points per grid visit short of per_cadre_month × cadres × months "
            "(每个网格每名干部一个月至少走访一次)",
            params=scoring.PARAMS,
            required=scoring.REQUIRED,
            evaluate=scoring.evaluate,
        )
    ]


@hookimpl
def onewindow_lint_rules() -> list[LintRule]:
    return [
        LintRule(
            code=lint.SETTINGS_CODE,
            name="grid-settings",
            summary="a township scored on grid visits says how many grids and cadres it has, "
            "with at least one cadre per grid",
            check=lint.check_grid_settings,
        ),
        LintRule(
            code=lint.PARAMS_CODE,
            name="grid-visits-params",
            summary="`rule grid_visits` gives per_cadre_month and costs as numbers",
            check=lint.check_rule_params,
        ),
    ]

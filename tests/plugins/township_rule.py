"""A small plugin module for the tests: loaded by `--plugin` or a `plugins "…"` line.

It provides one of each list hook: a `set` key, a static metric, a rule kind and a lint rule.
"""

from __future__ import annotations

from onewindow.dsl.diagnostics import warning
from onewindow.plugins.api import LintRule, MetricSpec, RuleKind, SettingSpec
from onewindow.plugins.hookspecs import hookimpl


def window_staff(workspace, jurisdiction, as_of, subject=None):
    """Staff at all windows of the jurisdiction's halls (窗口人员)."""
    halls = workspace.jurisdictions[jurisdiction].halls
    return float(sum(w.staff for h in halls for w in h.windows))


def flat(rule, ctx):
    from onewindow.plugins.api import RuleResult

    points = float(ctx.param("points", 0))
    return RuleResult(points, f"flat {points:g}")


def no_veto(workspace):
    """TR001: a jurisdiction that says `set window_veto = yes` lets windows refuse cases."""
    for j in workspace.jurisdictions.values():
        for s in j.settings:
            if s.key == "window_veto" and s.value == "yes":
                yield warning("TR001", s.span, "windows may not veto a case (窗口无权否决)")


@hookimpl
def onewindow_settings():
    return [SettingSpec("window_veto", "whether a window may refuse a case", ("jurisdiction",))]


@hookimpl
def onewindow_metrics():
    return [
        MetricSpec("window_staff", "static", "staff at all windows", "staff", False, window_staff)
    ]


@hookimpl
def onewindow_rule_kinds():
    return [RuleKind("flat", "a fixed number of points", ("points",), flat)]


@hookimpl
def onewindow_lint_rules():
    return [LintRule("TR001", "no-window-veto", "windows may not veto", no_veto)]

"""Built-in lint rules taken from the seed documents, registered like any plugin's.

One rule per module (`lint_*.py`); each module's docstring is the rule's page (what it does,
why — quoting the seed —, example, use instead). Codes OW201–OW211 are stable and never
reused; docs/lint.md lists them.
"""

from __future__ import annotations

from onewindow.plugins.api import LintRule, SettingSpec
from onewindow.plugins.builtin import (
    lint_beyond_delegation,
    lint_catch_all,
    lint_chain_materials,
    lint_coverage,
    lint_high_volume,
    lint_promise,
    lint_pushed_up,
    lint_shareable_material,
    lint_single_window,
    lint_ten_elements,
    lint_township_windows,
)
from onewindow.plugins.hookspecs import hookimpl

RULES: tuple[LintRule, ...] = (
    lint_catch_all.RULE,
    lint_single_window.RULE,
    lint_township_windows.RULE,
    lint_promise.RULE,
    lint_high_volume.RULE,
    lint_pushed_up.RULE,
    lint_beyond_delegation.RULE,
    lint_shareable_material.RULE,
    lint_chain_materials.RULE,
    lint_ten_elements.RULE,
    lint_coverage.RULE,
)


@hookimpl
def onewindow_lint_rules() -> list[LintRule]:
    return list(RULES)


@hookimpl
def onewindow_settings() -> list[SettingSpec]:
    return [
        SettingSpec(
            lint_high_volume.SETTING,
            "cases a year from which a matter counts as high-volume for lint rule OW205 "
            f"(default {lint_high_volume.DEFAULT_THRESHOLD:g})",
            ("jurisdiction",),
        )
    ]

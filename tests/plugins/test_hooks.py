"""Each hook exercised by a test plugin, through the real check, scoring, simulation and store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from onewindow.dsl.check import check
from onewindow.engine.calendar import calendar_for
from onewindow.engine.results import SimOptions
from onewindow.engine.scoring.score import score_tree
from onewindow.engine.simulate import simulate
from onewindow.engine.store import RunStore
from onewindow.plugins.api import LintRule, MetricSpec, RuleKind, RuleResult, SettingSpec
from onewindow.plugins.hookspecs import hookimpl
from tests.plugins.conftest import DISTRICT, RegistryWith

SIM = SimOptions(start=dt.date(2024, 3, 4), days=3, seed=5)


def codes(result) -> set[str]:
    return {d.code for d in result.diagnostics}


# ---------------------------------------------------------------- onewindow_settings


class PatrolKey:
    @hookimpl
    def onewindow_settings(self):
        return [SettingSpec("patrol_days", "days of 巡查 per month", ("jurisdiction",))]


def test_settings_hook_makes_a_set_key_known(write_tree, registry_with: RegistryWith) -> None:
    root = write_tree(
        {"甲乡.ow": "jurisdiction 甲乡 {\n  level township\n  set patrol_days = 3\n}\n"}
    )
    assert "OW151" in codes(check([root], registry=registry_with()))
    result = check([root], registry=registry_with(PatrolKey()))
    assert "OW151" not in codes(result) and result.ok
    assert result.registry.setting_owners["patrol_days"] == ("PatrolKey",)


# ---------------------------------------------------------------- onewindow_metrics


class StaffMetric:
    @hookimpl
    def onewindow_metrics(self):
        def staff(ws, jurisdiction, as_of, subject=None):
            return float(
                sum(w.staff for h in ws.jurisdictions[jurisdiction].halls for w in h.windows)
            )

        return [
            MetricSpec("window_staff", "static", "staff at all windows", "staff", compute=staff),
            MetricSpec("patrols_done", "fact", "patrols done (巡查)", "patrols"),
        ]


def test_metrics_hook_provides_static_and_fact_metrics(
    write_tree, registry_with: RegistryWith
) -> None:
    text = DISTRICT.replace(
        "  hall 大厅",
        "  target window_staff >= 3 by 2024-12-31\n"
        "  target patrols_done >= 10 by 2024-12-31\n"
        "  facts as of 2024-06-30 { metric patrols_done 12 }\n  hall 大厅",
    )
    root = write_tree({"测试区.ow": text})
    assert "OW106" in codes(check([root], registry=registry_with()))
    result = check([root], registry=registry_with(StaffMetric()))
    assert result.ok, result.diagnostics
    reg = result.registry
    assert reg.metric_owner["window_staff"] == "StaffMetric"
    assert reg.metrics["window_staff"].compute(result.workspace, "测试区", None) == 3.0
    report = score_tree(result.workspace, reg, dt.date(2024, 12, 31))
    status = {t.target.metric.name: t.status for t in report.targets}
    assert status == {"window_staff": "met", "patrols_done": "met"}


# ---------------------------------------------------------------- onewindow_rule_kinds


class FlatKind:
    @hookimpl
    def onewindow_rule_kinds(self):
        def evaluate(rule, ctx):
            staff = ctx.metric("window_staff").value or 0.0
            return RuleResult(-float(ctx.param("per_staff")) * staff, f"{staff:g} staff")

        return [RuleKind("per_staff", "points per window staff", ("per_staff",), evaluate)]


ASSESSED = """\
jurisdiction 测试市 {
  level city
  assessment 窗口考核 {
    assesses district
    category 人员 max 10 {
      rule per_staff { per_staff 2 }
    }
  }
}
"""


def test_rule_kinds_hook_scores_a_rule_line(write_tree, registry_with: RegistryWith) -> None:
    root = write_tree(
        {
            "测试市.ow": ASSESSED,
            "测试区.ow": DISTRICT.replace("level district", "level district\n  parent 测试市"),
        }
    )
    assert "OW152" in codes(check([root], registry=registry_with()))
    result = check([root], registry=registry_with(FlatKind(), StaffMetric()))
    assert result.ok, result.diagnostics
    report = score_tree(
        result.workspace, result.registry, dt.date(2024, 12, 31), jurisdictions=["测试区"]
    )
    (card,) = report.scorecards
    category = card.assessments[0].categories[0]
    assert category.points == 10 - 2 * 3
    assert category.items[0].explanation.inputs[0].name == "window_staff"


# ---------------------------------------------------------------- onewindow_lint_rules


class VetoRule:
    @hookimpl
    def onewindow_lint_rules(self):
        from onewindow.dsl.diagnostics import warning

        def check_halls(ws):
            for j in ws.jurisdictions.values():
                for h in j.halls:
                    if len(h.windows) > 1:
                        yield warning("TV001", h.span, f"{h.name} has {len(h.windows)} windows")

        return [LintRule("TV001", "many-windows", "a hall with several windows", check_halls)]


def test_lint_rules_hook_runs_with_lint(district: Path, registry_with: RegistryWith) -> None:
    assert "TV001" not in codes(check([district], registry=registry_with(VetoRule())))
    result = check([district], registry=registry_with(VetoRule()), lint=True)
    (d,) = [d for d in result.diagnostics if d.code == "TV001"]
    assert d.message == "大厅 has 2 windows" and d.span.line == 12


# ---------------------------------------------------------------- onewindow_calendar


class WeekdaysOnly:
    name = "weekdays"
    known_years = supported_years = range(2000, 2100)

    def is_workday(self, day: dt.date) -> bool:
        return day.weekday() < 5


class WeekdaysPlugin:
    @hookimpl
    def onewindow_calendar(self, name):
        return WeekdaysOnly() if name == "weekdays" else None


def test_calendar_hook_names_a_calendar_files_can_use(
    write_tree, registry_with: RegistryWith
) -> None:
    root = write_tree(
        {"测试区.ow": DISTRICT.replace("level district", "level district\n  calendar weekdays")}
    )
    assert "OW107" in codes(check([root], registry=registry_with()))
    result = check([root], registry=registry_with(WeekdaysPlugin()))
    assert result.ok, result.diagnostics
    cal = calendar_for(result.workspace, "测试区", result.registry)
    assert cal.is_workday(dt.date(2024, 10, 1))  # 国庆节, a workday on this calendar


# ---------------------------------------------------------------- onewindow_router


class FirstWindow:
    def __init__(self) -> None:
        self.halls: list[tuple[str, str]] = []

    @hookimpl
    def onewindow_router(self, jurisdiction, hall):
        self.halls.append((jurisdiction, hall))
        return lambda matter, windows, now: windows[0]


def test_router_hook_routes_every_applicant(district: Path, registry_with: RegistryWith) -> None:
    plugin = FirstWindow()
    result = check([district], registry=registry_with(plugin))
    run = simulate(result.workspace, result.registry, SIM)
    assert plugin.halls == [("测试区", "大厅")]  # once per hall and run
    served = {w for w in run.cases.columns["window"] if w}
    assert served == {"甲"}


# ---------------------------------------------------------------- onewindow_run_stored


class Recorder:
    def __init__(self) -> None:
        self.runs: list[int] = []

    @hookimpl
    def onewindow_run_stored(self, run):
        self.runs.append(run.id)


def test_run_stored_hook_sees_the_committed_run(
    district: Path, tmp_path: Path, registry_with: RegistryWith
) -> None:
    recorder = Recorder()
    result = check([district], registry=registry_with(recorder))
    run = simulate(result.workspace, result.registry, SIM)
    store = RunStore(f"sqlite:///{tmp_path / 'runs.db'}")
    run_id = store.save(run, result.registry)
    assert recorder.runs == [run_id]
    assert store.get(run_id) is not None and store.last_observer_errors == []
    assert result.registry.notify_run_stored(store.get(run_id)) == []
    assert recorder.runs == [run_id, run_id]

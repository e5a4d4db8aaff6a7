"""A plugin that raises or answers with the wrong type is named; nothing half-done remains."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from onewindow.dsl.check import check
from onewindow.dsl.diagnostics import warning
from onewindow.engine.results import SimOptions
from onewindow.engine.scoring.score import score_tree
from onewindow.engine.simulate import simulate
from onewindow.engine.store import RunStore
from onewindow.plugins.api import LintRule, MetricSpec, RuleKind, RuleResult
from onewindow.plugins.hookspecs import hookimpl
from onewindow.plugins.registry import PluginError
from tests.plugins.conftest import DISTRICT, RegistryWith
from tests.plugins.test_hooks import ASSESSED, Recorder, StaffMetric

SIM = SimOptions(start=dt.date(2024, 3, 4), days=3, seed=3)


class Answers:
    """A plugin whose list hooks answer whatever it is given (one hook at a time)."""

    def __init__(self, name: str, **answers) -> None:
        self.name = name
        self.answers = answers

    def _answer(self, hook: str):
        value = self.answers.get(hook)
        if isinstance(value, Exception):
            raise value
        return value

    @hookimpl
    def onewindow_metrics(self):
        return self._answer("metrics")

    @hookimpl
    def onewindow_settings(self):
        return self._answer("settings")

    @hookimpl
    def onewindow_rule_kinds(self):
        return self._answer("rule_kinds")

    @hookimpl
    def onewindow_lint_rules(self):
        return self._answer("lint_rules")


def failure(registry_with: RegistryWith, **answers) -> PluginError:
    with pytest.raises(PluginError) as info:
        registry_with(Answers("township", **answers))
    assert info.value.plugin == "township"
    return info.value


# ---------------------------------------------------------------- hooks themselves


def test_a_hook_that_raises_is_named(registry_with: RegistryWith) -> None:
    err = failure(registry_with, metrics=ValueError("boom"))
    assert err.hook == "onewindow_metrics"
    assert str(err) == "plugin 'township' failed in hook onewindow_metrics: raised ValueError: boom"


def test_a_hook_that_returns_no_list_is_named(registry_with: RegistryWith) -> None:
    err = failure(registry_with, settings="grids")
    assert err.hook == "onewindow_settings" and err.problem == "returned 'grids', expected a list"


def test_a_wrong_item_in_the_list_is_named(registry_with: RegistryWith) -> None:
    err = failure(registry_with, rule_kinds=[{"name": "grid_visits"}])
    assert err.problem == "returned {'name': 'grid_visits'} in its list, expected RuleKind"


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        (
            {"metrics": [MetricSpec("one_window_share", "fact", "again")]},
            "metric 'one_window_share' is already provided by plugin 'builtin:metrics_static'",
        ),
        (
            {"metrics": [MetricSpec("staff", "static", "no compute")]},
            "static metric 'staff' has no compute function",
        ),
        (
            {"metrics": [MetricSpec("staff", "observed", "bad source")]},  # type: ignore[arg-type]
            "metric 'staff' has source 'observed', expected one of static, simulated, fact",
        ),
        (
            {"metrics": [MetricSpec("grid visits", "fact", "a space")]},
            "metric name 'grid visits' is not a word",
        ),
        (
            {"rule_kinds": [RuleKind("grid_visits", "no evaluate")]},
            "rule kind 'grid_visits' has no evaluate function",
        ),
        (
            {"lint_rules": [LintRule("OW999", "mine", "taken prefix", lambda ws: [])]},
            "lint code OW999 uses onewindow's own prefix OW; give your rules a prefix of their own",
        ),
        (
            {"lint_rules": [LintRule("SD1", "x", "x", lambda ws: [], "fatal")]},  # type: ignore[arg-type]
            "lint rule SD1 has severity 'fatal', expected one of error, warning, info",
        ),
    ],
)
def test_specs_that_break_the_contract_are_named(
    registry_with: RegistryWith, answers: dict, problem: str
) -> None:
    assert failure(registry_with, **answers).problem == problem


# ---------------------------------------------------------------- callables they hand back


def bad_metric(value=None, exc: Exception | None = None) -> Answers:
    def compute(ws, jurisdiction, as_of, subject=None):
        if exc is not None:
            raise exc
        return value

    return Answers("township", metrics=[MetricSpec("staff", "static", "x", compute=compute)])


@pytest.mark.parametrize(
    ("plugin", "problem"),
    [
        (bad_metric(exc=KeyError("halls")), "metric 'staff': compute raised KeyError: 'halls'"),
        (
            bad_metric("3"),
            "metric 'staff': compute returned '3', expected a finite number or None",
        ),
        (
            bad_metric(math.nan),
            "metric 'staff': compute returned nan, expected a finite number or None",
        ),
        (
            bad_metric(True),
            "metric 'staff': compute returned True, expected a finite number or None",
        ),
    ],
)
def test_metric_compute_failures_are_named(
    district: Path, registry_with: RegistryWith, plugin: Answers, problem: str
) -> None:
    result = check([district], registry=registry_with(plugin))
    with pytest.raises(PluginError) as info:
        result.registry.metrics["staff"].compute(result.workspace, "测试区", None)
    assert (info.value.plugin, info.value.hook, info.value.problem) == (
        "township",
        "onewindow_metrics",
        problem,
    )


def test_a_good_compute_gives_a_float(district: Path, registry_with: RegistryWith) -> None:
    result = check([district], registry=registry_with(bad_metric(2)))
    value = result.registry.metrics["staff"].compute(result.workspace, "测试区", None)
    assert value == 2.0 and isinstance(value, float)


def kind_answering(answer) -> Answers:
    def evaluate(rule, ctx):
        if isinstance(answer, Exception):
            raise answer
        return answer

    return Answers("township", rule_kinds=[RuleKind("per_staff", "x", ("per_staff",), evaluate)])


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (-4.0, "returned -4.0, expected a RuleResult"),
        (RuleResult(math.inf, "oops"), "returned points inf, expected a finite number"),
        (ZeroDivisionError("no staff"), "raised ZeroDivisionError: no staff"),
    ],
)
def test_a_bad_rule_kind_never_gives_a_score(
    write_tree, registry_with: RegistryWith, answer, problem: str
) -> None:
    district = DISTRICT.replace("level district", "level district\n  parent 测试市")
    root = write_tree({"测试市.ow": ASSESSED, "测试区.ow": district})
    result = check([root], registry=registry_with(kind_answering(answer), StaffMetric()))
    assert result.ok
    with pytest.raises(PluginError) as info:
        score_tree(result.workspace, result.registry, dt.date(2024, 12, 31))
    assert "township" in str(info.value) and problem in str(info.value)


def lint_yielding(*items) -> Answers:
    def check_all(ws):
        yield from items

    return Answers("township", lint_rules=[LintRule("TS001", "t", "t", check_all)])


def test_lint_rule_failures_are_named_and_the_others_still_run(
    district: Path, registry_with: RegistryWith
) -> None:
    from tests.plugins.test_hooks import VetoRule

    span = check([district], registry=registry_with()).workspace.jurisdictions["测试区"].span
    for plugin, problem in (
        (
            lint_yielding("a finding"),
            "lint rule TS001: check yielded 'a finding', expected a Diagnostic",
        ),
        (
            lint_yielding(warning("TS002", span, "x")),
            "lint rule TS001: check yielded a diagnostic with code 'TS002'; "
            "a rule yields only its own code",
        ),
    ):
        result = check([district], registry=registry_with(plugin, VetoRule()), lint=True)
        assert "TV001" in {d.code for d in result.diagnostics}
        assert "TS001" not in {d.code for d in result.diagnostics}
        (err,) = result.lint_failures
        assert err.plugin == "township" and problem in str(err)


# ---------------------------------------------------------------- calendars and routers


class BrokenCalendar:
    @hookimpl(tryfirst=True)
    def onewindow_calendar(self, name):
        raise RuntimeError("no 调休 list for this year")


def test_a_calendar_that_raises_is_named(district: Path, registry_with: RegistryWith) -> None:
    with pytest.raises(PluginError) as info:
        check([district], registry=registry_with(BrokenCalendar()))
    assert info.value.plugin == "BrokenCalendar" and info.value.hook == "onewindow_calendar"


class Misroute:
    def __init__(self, answer) -> None:
        self.answer = answer

    @hookimpl
    def onewindow_router(self, jurisdiction, hall):
        return self.answer


def test_a_router_picking_a_window_not_eligible_stops_the_run_before_storing(
    district: Path, tmp_path: Path, registry_with: RegistryWith
) -> None:
    recorder = Recorder()
    plugin = Misroute(lambda matter, windows, now: "综合窗口")
    result = check([district], registry=registry_with(plugin, recorder))
    store = RunStore(f"sqlite:///{tmp_path / 'runs.db'}")
    with pytest.raises(PluginError) as info:
        store.save(simulate(result.workspace, result.registry, SIM), result.registry)
    err = info.value
    assert (err.plugin, err.hook) == ("Misroute", "onewindow_router")
    assert err.problem == "returned '综合窗口', not one of the eligible windows"
    assert store.list_runs() == [] and recorder.runs == []


def test_a_router_hook_returning_no_function_is_named(
    district: Path, registry_with: RegistryWith
) -> None:
    result = check([district], registry=registry_with(Misroute("甲")))
    with pytest.raises(PluginError) as info:
        simulate(result.workspace, result.registry, SIM)
    assert info.value.plugin == "Misroute" and "expected a function" in info.value.problem


# ---------------------------------------------------------------- observers


class FailingObserver:
    @hookimpl(tryfirst=True)
    def onewindow_run_stored(self, run):
        raise OSError("export folder is read-only")


def test_an_observer_that_raises_leaves_the_run_stored_and_others_called(
    district: Path, tmp_path: Path, registry_with: RegistryWith
) -> None:
    recorder = Recorder()
    result = check([district], registry=registry_with(recorder, FailingObserver()))
    store = RunStore(f"sqlite:///{tmp_path / 'runs.db'}")
    run_id = store.save(simulate(result.workspace, result.registry, SIM), result.registry)
    assert [r.id for r in store.list_runs()] == [run_id] and recorder.runs == [run_id]
    (err,) = store.last_observer_errors
    assert str(err) == (
        "plugin 'FailingObserver' failed in hook onewindow_run_stored: "
        "raised OSError: export folder is read-only"
    )
    (again,) = result.registry.notify_run_stored(store.get(run_id))
    assert again.plugin == "FailingObserver"

"""Order where it matters: tryfirst / trylast on the first-result hooks (calendar, router)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from onewindow.dsl.check import check
from onewindow.engine.calendar import get_provider
from onewindow.engine.calendars_cn import cn_calendar
from onewindow.engine.results import SimOptions
from onewindow.engine.simulate import simulate
from onewindow.plugins.api import SettingSpec
from onewindow.plugins.hookspecs import hookimpl
from onewindow.plugins.registry import first_result
from tests.plugins.conftest import RegistryWith
from tests.plugins.test_hooks import WeekdaysOnly

SIM = SimOptions(start=dt.date(2024, 3, 4), days=3, seed=2)


def named(cal_name: str) -> WeekdaysOnly:
    cal = WeekdaysOnly()
    cal.name = cal_name
    return cal


class LateCn:
    """Offers a 'cn' calendar but only as a last resort."""

    @hookimpl(trylast=True)
    def onewindow_calendar(self, name):
        return named("late-cn") if name == "cn" else None


class EarlyCn:
    """Replaces the built-in 'cn' calendar (e.g. a province's own 调休 list)."""

    @hookimpl(tryfirst=True)
    def onewindow_calendar(self, name):
        return named("early-cn") if name == "cn" else None


class PlainCn:
    @hookimpl
    def onewindow_calendar(self, name):
        return named("plain-cn") if name == "cn" else None


def test_trylast_calendar_loses_to_the_builtin(registry_with: RegistryWith) -> None:
    reg = registry_with(LateCn())
    assert get_provider(reg, "cn") is cn_calendar()
    assert first_result(reg.pm, "onewindow_calendar", name="cn")[0] == "builtin:calendar_cn"


def test_tryfirst_calendar_wins_even_when_registered_first(registry_with: RegistryWith) -> None:
    reg = registry_with(EarlyCn(), PlainCn())  # PlainCn registered later: called before EarlyCn
    assert get_provider(reg, "cn").name == "early-cn"
    reg = registry_with(PlainCn())
    assert get_provider(reg, "cn").name == "plain-cn"  # newest registration first


def test_calendar_names_nobody_knows_fall_through_every_plugin(
    registry_with: RegistryWith,
) -> None:
    reg = registry_with(EarlyCn(), LateCn())
    assert reg.calendar("mars") is None


class Router:
    def __init__(self, window: str, only_hall: str | None = None) -> None:
        self.window = window
        self.only_hall = only_hall

    def route_for(self, hall: str):
        if self.only_hall is not None and hall != self.only_hall:
            return None
        wanted = self.window
        return lambda matter, windows, now: next(w for w in windows if w.name == wanted)


class FirstRouter(Router):
    @hookimpl(tryfirst=True)
    def onewindow_router(self, jurisdiction, hall):
        return self.route_for(hall)


class PlainRouter(Router):
    @hookimpl
    def onewindow_router(self, jurisdiction, hall):
        return self.route_for(hall)


def windows_used(district: Path, registry) -> set[str]:
    result = check([district], registry=registry)
    run = simulate(result.workspace, result.registry, SIM)
    return {w for w in run.cases.columns["window"] if w}


def test_any_router_beats_the_builtin_trylast_router(
    district: Path, registry_with: RegistryWith
) -> None:
    assert windows_used(district, registry_with()) == {"甲", "乙"}  # shortest expected wait
    assert windows_used(district, registry_with(PlainRouter("乙"))) == {"乙"}


def test_tryfirst_router_wins_over_a_later_plain_one(
    district: Path, registry_with: RegistryWith
) -> None:
    reg = registry_with(FirstRouter("甲"), PlainRouter("乙"))
    assert windows_used(district, reg) == {"甲"}


def test_router_returning_none_leaves_the_hall_to_the_next(
    district: Path, registry_with: RegistryWith
) -> None:
    reg = registry_with(PlainRouter("乙"), FirstRouter("甲", only_hall="别的大厅"))
    assert windows_used(district, reg) == {"乙"}


class EarlyKey:
    name = "early"

    @hookimpl(tryfirst=True)
    def onewindow_settings(self):
        return [SettingSpec("villages", "村居 as the early plugin counts them")]


def test_list_hooks_are_gathered_in_calling_order(registry_with: RegistryWith) -> None:
    reg = registry_with(EarlyKey())
    assert reg.settings["villages"].description == "村居 as the early plugin counts them"
    assert reg.setting_owners["villages"] == ("early", "builtin:settings")

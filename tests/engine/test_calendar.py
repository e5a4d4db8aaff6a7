"""The working-day calendar: real 2018/2019 schedules, ranges, overrides, the plugin hook.

Expected days come from the State Council notices (国务院办公厅关于2018年部分节假日安排的通知,
国办发明电〔2017〕12号; 关于2019年部分节假日安排的通知, 国办发明电〔2018〕15号, with the
May Day change of 国办发明电〔2019〕2号; the 2019 New Year days off 2018-12-30..2019-01-01
with Saturday 2018-12-29 worked come from the 2019 notice). They are written here by hand,
never computed with the library under test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onewindow.dsl.check import check
from onewindow.engine.calendar import (
    CalendarError,
    CalendarProvider,
    CalendarRangeError,
    DayOverride,
    ProvisionalYearWarning,
    WorkCalendar,
    calendar_for,
    forget_provisional_warnings,
)
from onewindow.engine.calendars_cn import ChinaStatutoryCalendar, cn_calendar
from onewindow.plugins.hookspecs import hookimpl
from onewindow.plugins.manager import get_plugin_manager
from onewindow.plugins.registry import Registry
from tests.conftest import FIXTURES

D = dt.date
CAL_PLUGIN = "onewindow.plugins.builtin.calendar_cn"


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# Weekend days that were working days (调休 makeup workdays), all of 2018 and 2019.
MAKEUP_WORKDAYS = {
    D(2018, 2, 11),  # Sunday, Spring Festival
    D(2018, 2, 24),  # Saturday, Spring Festival
    D(2018, 4, 8),  # Sunday, Qingming
    D(2018, 4, 28),  # Saturday, May Day
    D(2018, 9, 29),  # Saturday, National Day
    D(2018, 9, 30),  # Sunday, National Day
    D(2018, 12, 29),  # Saturday, New Year 2019
    D(2019, 2, 2),  # Saturday, Spring Festival
    D(2019, 2, 3),  # Sunday, Spring Festival
    D(2019, 4, 28),  # Sunday, May Day
    D(2019, 5, 5),  # Sunday, May Day
    D(2019, 9, 29),  # Sunday, National Day
    D(2019, 10, 12),  # Saturday, National Day
}

# Monday-to-Friday days that were days off, all of 2018 and 2019.
WEEKDAYS_OFF = {
    D(2018, 1, 1),
    *days(D(2018, 2, 15), D(2018, 2, 16)),  # Spring Festival 2-15..2-21 (Thu, Fri …)
    *days(D(2018, 2, 19), D(2018, 2, 21)),  # … Mon to Wed
    D(2018, 4, 5),
    D(2018, 4, 6),
    D(2018, 4, 30),
    D(2018, 5, 1),
    D(2018, 6, 18),
    D(2018, 9, 24),
    *days(D(2018, 10, 1), D(2018, 10, 5)),  # National Day 10-1..10-7
    D(2018, 12, 31),
    D(2019, 1, 1),
    *days(D(2019, 2, 4), D(2019, 2, 8)),  # Spring Festival 2-4..2-10
    D(2019, 4, 5),
    *days(D(2019, 5, 1), D(2019, 5, 3)),
    D(2019, 6, 7),
    D(2019, 9, 13),
    *days(D(2019, 10, 1), D(2019, 10, 4)),  # National Day 10-1..10-7
    D(2019, 10, 7),
}


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(cn_calendar())


@pytest.fixture
def fresh_warnings():
    forget_provisional_warnings()
    yield
    forget_provisional_warnings()


class WeekdayProvider:
    """A test calendar: Monday to Friday, `known` years exact, `supported` years answered."""

    def __init__(self, name: str, known: range, supported: range) -> None:
        self.name = name
        self.known_years = known
        self.supported_years = supported

    def is_workday(self, day: dt.date) -> bool:
        if day.year not in self.supported_years:
            raise CalendarRangeError(self.name, day, self.supported_years)
        return day.weekday() < 5


# ---------------------------------------------------------------- real schedules


@pytest.mark.parametrize("year", [2018, 2019])
def test_every_day_of_2018_and_2019_matches_the_notices(cal: WorkCalendar, year: int) -> None:
    for day in days(D(year, 1, 1), D(year, 12, 31)):
        expected = day in MAKEUP_WORKDAYS if day.weekday() >= 5 else day not in WEEKDAYS_OFF
        assert cal.is_workday(day) is expected, day


@pytest.mark.parametrize(
    ("first_off", "last_off", "makeup"),
    [
        (D(2018, 2, 15), D(2018, 2, 21), [D(2018, 2, 11), D(2018, 2, 24)]),  # Spring Festival
        (D(2018, 10, 1), D(2018, 10, 7), [D(2018, 9, 29), D(2018, 9, 30)]),  # National Day
        (D(2019, 2, 4), D(2019, 2, 10), [D(2019, 2, 2), D(2019, 2, 3)]),  # Spring Festival
        (D(2019, 10, 1), D(2019, 10, 7), [D(2019, 9, 29), D(2019, 10, 12)]),  # National Day
    ],
)
def test_seven_day_holidays_and_their_makeup_days(
    cal: WorkCalendar, first_off: dt.date, last_off: dt.date, makeup: list[dt.date]
) -> None:
    for day in days(first_off, last_off):
        assert not cal.is_workday(day), day
    for day in makeup:
        assert day.weekday() >= 5  # really a weekend day
        assert cal.is_workday(day), day
    # the day before and the day after the break are working days
    assert cal.is_workday(first_off - dt.timedelta(days=1)) or first_off.weekday() == 0
    assert cal.is_workday(last_off + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (D(2018, 1, 31), D(2018, 2, 28), 17),  # February 2018
        (D(2019, 1, 31), D(2019, 2, 28), 17),  # February 2019
        (D(2018, 8, 31), D(2018, 9, 30), 21),  # September 2018 (two makeup days)
        (D(2018, 9, 30), D(2018, 10, 31), 18),  # October 2018
        (D(2019, 8, 31), D(2019, 9, 30), 21),  # September 2019
        (D(2019, 9, 30), D(2019, 10, 31), 19),  # October 2019 (makeup Saturday 10-12)
        (D(2017, 12, 31), D(2018, 12, 31), 250),  # the whole of 2018
        (D(2018, 12, 31), D(2019, 12, 31), 250),  # the whole of 2019
        (D(2019, 9, 30), D(2019, 10, 8), 1),
        (D(2018, 2, 14), D(2018, 2, 22), 1),
        (D(2019, 3, 1), D(2019, 3, 1), 0),
    ],
)
def test_workdays_between_counts_end_not_start(
    cal: WorkCalendar, start: dt.date, end: dt.date, count: int
) -> None:
    assert cal.workdays_between(start, end) == count
    assert cal.workdays_between(end, start) == -count


def test_year_totals(cal: WorkCalendar) -> None:
    assert cal.workdays_in_year(2018) == 250
    assert cal.workdays_in_year(2019) == 250


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2018, 12, 28), 1, D(2018, 12, 29)),  # Friday → makeup Saturday
        (D(2018, 12, 28), 2, D(2019, 1, 2)),  # across New Year and the year boundary
        (D(2018, 2, 9), 1, D(2018, 2, 11)),  # Friday → makeup Sunday
        (D(2019, 2, 1), 3, D(2019, 2, 11)),
        (D(2019, 9, 30), 1, D(2019, 10, 8)),
        (D(2019, 10, 11), 1, D(2019, 10, 12)),  # Friday → makeup Saturday
        (D(2017, 12, 31), 250, D(2018, 12, 29)),  # the 250th working day of 2018 …
        (D(2017, 12, 31), 251, D(2019, 1, 2)),  # … and the first of 2019
    ],
)
def test_add_workdays(cal: WorkCalendar, day: dt.date, n: int, expected: dt.date) -> None:
    assert cal.add_workdays(day, n) == expected


def test_next_workday(cal: WorkCalendar) -> None:
    assert cal.next_workday(D(2019, 10, 1)) == D(2019, 10, 8)
    assert cal.next_workday(D(2019, 10, 8)) == D(2019, 10, 9)
    assert cal.next_workday(D(2019, 10, 8), inclusive=True) == D(2019, 10, 8)
    assert cal.next_workday(D(2019, 10, 5), inclusive=True) == D(2019, 10, 8)


def test_zero_and_negative(cal: WorkCalendar) -> None:
    assert cal.add_workdays(D(2019, 10, 5), 0) == D(2019, 10, 5)
    with pytest.raises(ValueError):
        cal.add_workdays(D(2019, 10, 5), -1)


def test_explain_names_holidays_and_makeup_days(cal: WorkCalendar) -> None:
    assert "春节" in cal.explain(D(2019, 2, 4)).reason
    info = cal.explain(D(2019, 10, 12))
    assert info.workday and "调休" in info.reason
    assert cal.explain(D(2019, 3, 2)).reason == "weekend"
    assert cal.explain(D(2019, 3, 4)).reason == "weekday"


# ---------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=D(2004, 1, 1), max_value=D(2024, 12, 31)),
    n=st.integers(min_value=0, max_value=400),
)
def test_adding_n_workdays_and_counting_back_gives_n(day: dt.date, n: int) -> None:
    cal = WorkCalendar(cn_calendar())
    end = cal.add_workdays(day, n)
    assert cal.workdays_between(day, end) == n
    if n > 0:
        assert cal.is_workday(end)
        # no earlier day already had n working days
        assert cal.workdays_between(day, end - dt.timedelta(days=1)) == n - 1


override_st = st.builds(
    lambda open_, start, length: DayOverride(open_, start, start + dt.timedelta(days=length)),
    st.booleans(),
    st.dates(min_value=D(2019, 1, 1), max_value=D(2019, 12, 31)),
    st.integers(min_value=0, max_value=20),
)


@settings(max_examples=100, deadline=None)
@given(
    overrides=st.lists(override_st, max_size=6),
    day=st.dates(min_value=D(2018, 10, 1), max_value=D(2019, 12, 31)),
    n=st.integers(min_value=0, max_value=60),
)
def test_fast_index_matches_a_day_by_day_count(
    overrides: list[DayOverride], day: dt.date, n: int
) -> None:
    cal = WorkCalendar(cn_calendar(), overrides)
    # the naive answer, day by day, from is_workday
    cur, left = day, n
    while left:
        cur += dt.timedelta(days=1)
        left -= cal.is_workday(cur)
    assert cal.add_workdays(day, n) == cur
    assert cal.workdays_between(day, cur) == n


# ---------------------------------------------------------------- range and provisional years


def test_cn_knows_2018_and_2019_and_is_a_provider() -> None:
    provider = cn_calendar()
    assert isinstance(provider, CalendarProvider)
    assert {2018, 2019, 2020} <= set(provider.known_years)
    assert provider.known_years.start == provider.supported_years.start
    assert provider.supported_years.stop > provider.known_years.stop


def test_years_before_the_package_are_an_error(cal: WorkCalendar) -> None:
    first = cn_calendar().supported_years.start
    with pytest.raises(CalendarRangeError) as info:
        cal.is_workday(D(first - 1, 6, 3))
    assert f"{first - 1}-06-03" in info.value.message
    assert "outside the 'cn' calendar" in info.value.message
    assert info.value.hint


@pytest.mark.filterwarnings("ignore::onewindow.engine.calendar.ProvisionalYearWarning")
def test_years_past_the_provisional_horizon_are_an_error() -> None:
    cal = WorkCalendar(cn_calendar())
    last = cn_calendar().supported_years.stop - 1
    with pytest.raises(CalendarRangeError):
        cal.workdays_between(D(2019, 1, 1), D(last + 1, 1, 1))
    with pytest.raises(CalendarRangeError):
        cn_calendar().is_workday(D(last + 1, 1, 1))
    with pytest.raises(CalendarRangeError):
        cal.add_workdays(D(last, 12, 31), 1)  # the result would leave the range


def test_provisional_year_warns_and_is_reported(fresh_warnings) -> None:
    year = cn_calendar().known_years.stop  # first year without a published schedule
    cal = WorkCalendar(cn_calendar())
    assert cal.is_provisional(year) and not cal.is_provisional(2019)
    with pytest.warns(ProvisionalYearWarning, match=rf"no official schedule for {year}"):
        assert cal.is_workday(D(year, 1, 1)) is (D(year, 1, 1).weekday() < 5)
    assert cal.provisional_years == [year]
    (text,) = cal.provisional_warnings()
    assert "PROVISIONAL" in text and str(year) in text
    assert cal.explain(D(year, 3, 1)).provisional


def test_provider_alone_warns_for_a_provisional_year(fresh_warnings) -> None:
    provider = ChinaStatutoryCalendar()
    year = provider.known_years.stop + 1
    with pytest.warns(ProvisionalYearWarning):
        provider.is_workday(D(year, 5, 5))


def test_known_years_do_not_warn(fresh_warnings, recwarn) -> None:
    cal = WorkCalendar(cn_calendar())
    cal.add_workdays(D(2019, 12, 20), 30)
    assert not [w for w in recwarn if issubclass(w.category, ProvisionalYearWarning)]
    assert cal.provisional_years == []


# ---------------------------------------------------------------- overrides


def test_overrides_apply_in_order_later_wins() -> None:
    provider = cn_calendar()
    cal = WorkCalendar(
        provider,
        [
            DayOverride(False, D(2019, 10, 8), D(2019, 10, 9), "系统升级"),
            DayOverride(True, D(2019, 10, 5), D(2019, 10, 5), "节假日预约办事"),
            DayOverride(True, D(2019, 10, 9), D(2019, 10, 9), "照常办公"),
        ],
    )
    assert cal.is_workday(D(2019, 10, 5))
    assert not cal.is_workday(D(2019, 10, 8))
    assert cal.is_workday(D(2019, 10, 9))
    assert cal.add_workdays(D(2019, 9, 30), 1) == D(2019, 10, 5)
    assert cal.add_workdays(D(2019, 10, 5), 1) == D(2019, 10, 9)
    assert cal.explain(D(2019, 10, 5)).reason == "extra open day: 节假日预约办事"
    assert cal.override_on(D(2019, 10, 8)).note == "系统升级"
    assert cal.override_on(D(2019, 10, 10)) is None


@pytest.fixture(scope="module")
def everything():
    return check([FIXTURES / "everything"], plugins=[CAL_PLUGIN])


@pytest.mark.parametrize("name", ["示范区", "示范街道", "示范村"])
def test_fixture_overrides_are_inherited(everything, name: str) -> None:
    cal = calendar_for(everything.workspace, name, everything.registry)
    assert cal.name == "cn"
    assert cal.is_workday(D(2019, 10, 5))  # open 2019-10-05 "节假日预约办事" in 示范区
    assert not cal.is_workday(D(2019, 10, 8))  # closed 2019-10-08..2019-10-09
    assert not cal.is_workday(D(2019, 10, 9))
    assert cal.is_workday(D(2019, 10, 10))


def test_ancestors_of_the_override_are_unaffected(everything) -> None:
    cal = calendar_for(everything.workspace, "示范市", everything.registry)
    assert not cal.is_workday(D(2019, 10, 5))
    assert cal.is_workday(D(2019, 10, 8))


def test_a_child_overrides_its_parent(write_tree) -> None:
    root = write_tree(
        {
            "上级.ow": "jurisdiction 上级 {\n  level district\n  calendar cn\n"
            '  closed 2019-10-08..2019-10-09 "系统升级"\n}\n',
            "下级.ow": "jurisdiction 下级 {\n  level township\n  parent 上级\n"
            '  open 2019-10-08 "照常办公"\n  open 2019-10-05 "节假日预约办事"\n}\n',
        }
    )
    result = check([root], plugins=[CAL_PLUGIN])
    assert result.ok, result.diagnostics
    child = calendar_for(result.workspace, "下级", result.registry)
    parent = calendar_for(result.workspace, "上级", result.registry)
    assert child.is_workday(D(2019, 10, 8)) and not parent.is_workday(D(2019, 10, 8))
    assert not child.is_workday(D(2019, 10, 9))
    assert child.is_workday(D(2019, 10, 5)) and not parent.is_workday(D(2019, 10, 5))


def test_unknown_calendar_name_is_a_clear_error(write_tree) -> None:
    root = write_tree({"x.ow": "jurisdiction 某地 {\n  level district\n  calendar mars\n}\n"})
    result = check([root], plugins=[CAL_PLUGIN])
    with pytest.raises(CalendarError, match="unknown calendar 'mars'"):
        calendar_for(result.workspace, "某地", result.registry)
    with pytest.raises(CalendarError, match="unknown jurisdiction"):
        calendar_for(result.workspace, "别处", result.registry)


# ---------------------------------------------------------------- the plugin hook


def test_builtin_plugin_answers_cn_and_zhongguo_only() -> None:
    pm = get_plugin_manager(extra=[CAL_PLUGIN], entry_points=False)
    assert pm.hook.onewindow_calendar(name="cn") is cn_calendar()
    assert pm.hook.onewindow_calendar(name="中国") is cn_calendar()
    assert pm.hook.onewindow_calendar(name="mars") is None


class MarsPlugin:
    """A third-party calendar plugin: a Monday-to-Friday calendar called 'mars'."""

    @hookimpl
    def onewindow_calendar(self, name: str):
        if name == "mars":
            return WeekdayProvider("mars", range(2000, 2030), range(2000, 2030))
        return None


class OverrideCnPlugin:
    @hookimpl(tryfirst=True)
    def onewindow_calendar(self, name: str):
        return WeekdayProvider("cn", range(2019, 2020), range(2019, 2021)) if name == "cn" else None


class BrokenPlugin:
    @hookimpl
    def onewindow_calendar(self, name: str):
        return "not a calendar" if name == "broken" else None


def _registry(*plugins: object) -> Registry:
    pm = get_plugin_manager(extra=[CAL_PLUGIN], entry_points=False)
    for p in plugins:
        pm.register(p)
    return Registry(pm=pm)


def test_a_plugin_can_provide_another_calendar(write_tree) -> None:
    root = write_tree({"x.ow": "jurisdiction 某地 {\n  level district\n  calendar mars\n}\n"})
    result = check([root], plugins=[CAL_PLUGIN])
    cal = calendar_for(result.workspace, "某地", _registry(MarsPlugin()))
    assert cal.name == "mars"
    assert cal.is_workday(D(2019, 10, 1))  # no Chinese holidays on mars


def test_a_tryfirst_plugin_replaces_cn(everything) -> None:
    cal = calendar_for(everything.workspace, "示范市", _registry(OverrideCnPlugin()))
    assert cal.is_workday(D(2019, 10, 1))


def test_a_plugin_returning_junk_is_named(everything, write_tree) -> None:
    root = write_tree({"x.ow": "jurisdiction 某地 {\n  level district\n  calendar broken\n}\n"})
    result = check([root], plugins=[CAL_PLUGIN])
    with pytest.raises(CalendarError, match="returned str"):
        calendar_for(result.workspace, "某地", _registry(BrokenPlugin()))


def test_calendar_for_reads_the_file_tree(tmp_path: Path) -> None:
    (tmp_path / "a.ow").write_text(
        'jurisdiction 甲 {\n  level district\n  open 2019-10-01 "节假日预约办事"\n}\n',
        encoding="utf-8",
    )
    result = check([tmp_path], plugins=[CAL_PLUGIN])
    cal = calendar_for(result.workspace, "甲", result.registry)
    assert cal.name == "cn"  # the default calendar
    assert cal.is_workday(D(2019, 10, 1))

"""Deadline semantics: workday and natural-day limits, on-time, and hall hours (受理时间).

Expected dates are worked out by hand from the 2018/2019 State Council holiday notices
(see test_calendar.py), not with the library under test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.dsl.model import UNKNOWN_SPAN, Hall, Hours, Limit, LimitKind, TimeUnit
from onewindow.engine.calendar import CalendarRangeError, DayOverride, WorkCalendar
from onewindow.engine.calendars_cn import cn_calendar
from onewindow.engine.deadlines import (
    DEFAULT_HALL_HOURS,
    OpeningHours,
    accepted_at,
    deadline,
    limit_deadline,
    on_time,
)

D = dt.date
T = dt.time


def at(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(cn_calendar())


@pytest.fixture(scope="module")
def local() -> WorkCalendar:
    """CN plus the fixture's overrides: open 2019-10-05, closed 2019-10-08..09."""
    return WorkCalendar(
        cn_calendar(),
        [
            DayOverride(True, D(2019, 10, 5), D(2019, 10, 5), "节假日预约办事"),
            DayOverride(False, D(2019, 10, 8), D(2019, 10, 9), "系统升级"),
        ],
    )


# ---------------------------------------------------------------- working-day limits


@pytest.mark.parametrize(
    ("accepted", "n", "due"),
    [
        # acceptance on a Friday
        (D(2019, 3, 1), 1, D(2019, 3, 4)),  # ordinary Friday → Monday
        (D(2019, 9, 27), 3, D(2019, 10, 8)),  # makeup Sunday 9-29, Monday 9-30, then 10-8
        (D(2018, 9, 28), 1, D(2018, 9, 29)),  # Friday → makeup Saturday
        (D(2018, 9, 28), 3, D(2018, 10, 8)),  # 9-29, 9-30, then after National Day
        (D(2019, 2, 1), 3, D(2019, 2, 11)),  # 2-2, 2-3 (makeup), then after Spring Festival
        (D(2018, 2, 9), 3, D(2018, 2, 13)),  # makeup Sunday 2-11, 2-12, 2-13
        # acceptance just before a holiday
        (D(2019, 9, 30), 1, D(2019, 10, 8)),
        (D(2019, 9, 30), 3, D(2019, 10, 10)),
        (D(2018, 2, 14), 1, D(2018, 2, 22)),
        (D(2018, 9, 30), 1, D(2018, 10, 8)),  # on the makeup Sunday itself
        (D(2018, 12, 28), 2, D(2019, 1, 2)),  # New Year, across the year boundary
        # acceptance on a makeup Saturday
        (D(2019, 10, 12), 1, D(2019, 10, 14)),
        (D(2018, 2, 24), 2, D(2018, 2, 27)),
        # the legal 15 workdays from the fixture, accepted before National Day 2019
        (D(2019, 9, 20), 15, D(2019, 10, 16)),
        # on the spot (即办件)
        (D(2019, 10, 3), 0, D(2019, 10, 3)),
    ],
)
def test_workday_deadlines(cal: WorkCalendar, accepted: dt.date, n: int, due: dt.date) -> None:
    assert deadline(cal, accepted, n) == due
    assert deadline(cal, accepted, n, "workdays") == due


def test_fractions_round_up_to_a_whole_day(cal: WorkCalendar) -> None:
    assert deadline(cal, D(2019, 9, 30), 0.5) == D(2019, 10, 8)
    assert deadline(cal, D(2019, 9, 30), 1.5) == D(2019, 10, 9)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_bad_amounts_are_refused(cal: WorkCalendar, bad: float) -> None:
    with pytest.raises(ValueError):
        deadline(cal, D(2019, 9, 30), bad)


def test_overrides_move_deadlines(local: WorkCalendar) -> None:
    assert deadline(local, D(2019, 9, 30), 1) == D(2019, 10, 5)  # the open holiday Saturday
    assert deadline(local, D(2019, 10, 5), 1) == D(2019, 10, 10)  # 10-8, 10-9 closed


def test_limit_deadline_reads_the_language_limit(cal: WorkCalendar) -> None:
    promised = Limit(kind=LimitKind.promised, amount=3, span=UNKNOWN_SPAN)
    natural = Limit(kind=LimitKind.legal, amount=5, unit=TimeUnit.days, span=UNKNOWN_SPAN)
    assert limit_deadline(cal, D(2019, 9, 27), promised) == D(2019, 10, 8)
    assert limit_deadline(cal, D(2019, 3, 1), natural) == D(2019, 3, 6)


# ---------------------------------------------------------------- natural-day limits


@pytest.mark.parametrize(
    ("accepted", "n", "due", "due_no_roll"),
    [
        (D(2019, 9, 20), 10, D(2019, 9, 30), D(2019, 9, 30)),  # lands on a working day
        (D(2019, 9, 25), 7, D(2019, 10, 8), D(2019, 10, 2)),  # lands in National Day
        (D(2019, 10, 2), 3, D(2019, 10, 8), D(2019, 10, 5)),
        (D(2019, 3, 1), 1, D(2019, 3, 4), D(2019, 3, 2)),  # plain Saturday → Monday
        (D(2019, 10, 11), 1, D(2019, 10, 12), D(2019, 10, 12)),  # makeup Saturday stays
        (D(2018, 2, 10), 5, D(2018, 2, 22), D(2018, 2, 15)),  # Spring Festival 2018
    ],
)
def test_natural_day_deadlines_roll_past_days_off(
    cal: WorkCalendar, accepted: dt.date, n: int, due: dt.date, due_no_roll: dt.date
) -> None:
    assert deadline(cal, accepted, n, TimeUnit.days) == due
    assert deadline(cal, accepted, n, "days", roll=False) == due_no_roll


def test_natural_days_roll_past_a_local_closed_day(local: WorkCalendar) -> None:
    assert deadline(local, D(2019, 10, 1), 7, TimeUnit.days) == D(2019, 10, 10)


# ---------------------------------------------------------------- on time


def test_on_time_includes_the_deadline_day() -> None:
    due = D(2019, 10, 8)
    assert on_time(D(2019, 10, 7), due)
    assert on_time(D(2019, 10, 8), due)
    assert on_time(at(2019, 10, 8, 23, 59), due)
    assert not on_time(D(2019, 10, 9), due)
    assert not on_time(at(2019, 10, 9, 0, 0), due)


# ---------------------------------------------------------------- out of range


class OneYear:
    """A test provider that knows 2019 only (Monday to Friday)."""

    name = "one-year"
    known_years = range(2019, 2020)
    supported_years = range(2019, 2020)

    def is_workday(self, day: dt.date) -> bool:
        if day.year != 2019:
            raise CalendarRangeError(self.name, day, self.supported_years)
        return day.weekday() < 5


def test_deadlines_that_leave_the_calendar_are_an_error() -> None:
    cal = WorkCalendar(OneYear())
    assert deadline(cal, D(2019, 12, 27), 1) == D(2019, 12, 30)
    with pytest.raises(CalendarRangeError, match="2020-01-01 is outside the 'one-year'"):
        deadline(cal, D(2019, 12, 30), 2)
    with pytest.raises(CalendarRangeError):
        deadline(cal, D(2019, 12, 30), 5, TimeUnit.days, roll=False)


# ---------------------------------------------------------------- hall hours


HALL = OpeningHours.of([(T(9), T(12)), (T(13, 30), T(17))])


@pytest.mark.parametrize(
    ("arrival", "accepted"),
    [
        (at(2019, 9, 30, 10), at(2019, 9, 30, 10)),  # open: at once
        (at(2019, 9, 30, 8), at(2019, 9, 30, 9)),  # before opening
        (at(2019, 9, 30, 12), at(2019, 9, 30, 13, 30)),  # lunch break (12:00 is closed)
        (at(2019, 9, 30, 16, 59), at(2019, 9, 30, 16, 59)),
        (at(2019, 9, 30, 17), at(2019, 10, 8, 9)),  # closing time → after National Day
        (at(2019, 10, 5, 10), at(2019, 10, 8, 9)),  # a holiday Saturday
        (at(2019, 10, 12, 10), at(2019, 10, 12, 10)),  # a makeup Saturday is open
        (at(2019, 10, 11, 18), at(2019, 10, 12, 9)),  # Friday evening → makeup Saturday
        (at(2019, 3, 1, 17, 30), at(2019, 3, 4, 9)),  # ordinary Friday evening → Monday
    ],
)
def test_acceptance_is_bounded_by_hall_hours(
    cal: WorkCalendar, arrival: dt.datetime, accepted: dt.datetime
) -> None:
    assert HALL.accept(arrival, cal) == accepted
    assert accepted_at(arrival, [(T(9), T(12)), (T(13, 30), T(17))], cal) == accepted


def test_open_override_day_accepts_and_closed_day_does_not(local: WorkCalendar) -> None:
    assert HALL.accept(at(2019, 10, 5, 10), local) == at(2019, 10, 5, 10)
    assert HALL.accept(at(2019, 10, 5, 17, 30), local) == at(2019, 10, 10, 9)
    assert not HALL.is_open(at(2019, 10, 8, 10), local)
    assert HALL.is_open(at(2019, 10, 5, 10), local)


def test_deadline_of_a_late_friday_arrival(cal: WorkCalendar) -> None:
    accepted = HALL.accept(at(2019, 9, 27, 17, 30), cal)
    assert accepted == at(2019, 9, 29, 9)  # makeup Sunday
    assert deadline(cal, accepted.date(), 3) == D(2019, 10, 9)


def test_hall_hours_from_the_model() -> None:
    hall = Hall(
        name="大厅",
        span=UNKNOWN_SPAN,
        hours=(
            Hours(start=T(13, 30), end=T(17), span=UNKNOWN_SPAN),
            Hours(start=T(9), end=T(12), span=UNKNOWN_SPAN),
        ),
    )
    opening = OpeningHours.of_hall(hall)
    assert opening.periods == ((T(9), T(12)), (T(13, 30), T(17)))
    assert opening.minutes_per_day == 390
    bare = OpeningHours.of_hall(Hall(name="无时间", span=UNKNOWN_SPAN))
    assert bare.periods == DEFAULT_HALL_HOURS


def test_no_hours_means_all_day_on_working_days(cal: WorkCalendar) -> None:
    always = OpeningHours()
    assert always.accept(at(2019, 9, 30, 23, 30), cal) == at(2019, 9, 30, 23, 30)
    assert always.accept(at(2019, 10, 1, 10), cal) == at(2019, 10, 8, 0)
    assert always.minutes_per_day == 24 * 60


def test_time_zone_is_kept(cal: WorkCalendar) -> None:
    cst = dt.timezone(dt.timedelta(hours=8))
    accepted = HALL.accept(dt.datetime(2019, 9, 30, 18, tzinfo=cst), cal)
    assert accepted == dt.datetime(2019, 10, 8, 9, tzinfo=cst)


@pytest.mark.parametrize(
    "periods",
    [[(T(12), T(9))], [(T(9), T(12)), (T(11), T(14))]],
)
def test_bad_hours_are_refused(periods: list[tuple[dt.time, dt.time]]) -> None:
    with pytest.raises(ValueError):
        OpeningHours.of(periods)

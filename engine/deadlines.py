"""Deadline semantics of time limits (办理时限) and when a hall accepts a case (受理).

The rules, in one place:

- A limit of N working days runs from the day of acceptance, which is not counted
  (《行政许可法》第八十二条: limits in working days exclude statutory holidays). The deadline
  is the N-th working day after acceptance: accepted Friday 2019-09-27 with 3 workdays →
  Sunday 2019-09-29 (调休 makeup day), Monday 09-30, then Tuesday 2019-10-08.
- A limit of N natural days (自然日) ends N days after acceptance. When that day is not a
  working day, the deadline moves to the next working day, as 《民法典》第二百零三条 rules for
  periods ending on a statutory holiday ("以法定休假日结束的次日为期间的最后一日");
  `roll=False` keeps the plain date.
- A fraction of a day counts as a whole day (0.5 workdays → 1 workday).
- A limit of 0 (即办件, handled on the spot) has the acceptance day as its deadline.
- A case is on time when it is finished on or before the deadline day (any hour).
- A hall accepts cases during its opening hours on working days; periods are half-open,
  [start, end): arriving at closing time or later waits for the next open period. A hall
  with no `hours` line is taken to keep `DEFAULT_HALL_HOURS` (09:00-12:00, 13:30-17:00).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from onewindow.dsl.model import Hall, Hours, Limit, TimeUnit
from onewindow.engine.calendar import WorkCalendar

_MIDNIGHT = dt.time(0, 0)

#: Opening hours assumed for a hall that declares none (a common 政务服务大厅 schedule).
DEFAULT_HALL_HOURS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(9, 0), dt.time(12, 0)),
    (dt.time(13, 30), dt.time(17, 0)),
)


def _whole_days(amount: float) -> int:
    if amount < 0 or math.isnan(amount) or math.isinf(amount):
        raise ValueError(f"a time limit must be a non-negative number of days, got {amount}")
    return math.ceil(amount)


def deadline(
    calendar: WorkCalendar,
    accepted: dt.date,
    amount: float,
    unit: TimeUnit | str = TimeUnit.workdays,
    *,
    roll: bool = True,
) -> dt.date:
    """The last day a case accepted on `accepted` may be finished.

    :param amount: the limit, in `unit`; fractions round up to a whole day.
    :param unit: `workdays` (工作日) or `days` (自然日).
    :param roll: for natural days, move a deadline that falls on a non-working day to the
        next working day (default, 《民法典》第二百零三条).
    :raises CalendarRangeError: when the deadline leaves the calendar's years.
    """
    n = _whole_days(amount)
    unit = TimeUnit(unit)
    if unit is TimeUnit.workdays:
        return calendar.add_workdays(accepted, n)
    due = accepted + dt.timedelta(days=n)
    if roll and not calendar.is_workday(due):
        return calendar.next_workday(due)
    calendar.check_range(due)
    return due


def limit_deadline(
    calendar: WorkCalendar, accepted: dt.date, limit: Limit, *, roll: bool = True
) -> dt.date:
    """`deadline` for a language `Limit` (legal 法定 or promised 承诺 time limit)."""
    return deadline(calendar, accepted, limit.amount, limit.unit, roll=roll)


def on_time(finished: dt.date | dt.datetime, due: dt.date) -> bool:
    """True when a case finished on or before its deadline day (the hour does not matter)."""
    day = finished.date() if isinstance(finished, dt.datetime) else finished
    return day <= due


# ---------------------------------------------------------------- hall hours


@dataclass(frozen=True)
class OpeningHours:
    """A hall's opening periods on a working day (办公时间), sorted and non-overlapping.

    An empty tuple means open all day on working days (`of_hall` uses `DEFAULT_HALL_HOURS`
    for a hall without hours instead).
    """

    periods: tuple[tuple[dt.time, dt.time], ...] = ()

    def __post_init__(self) -> None:
        for start, end in self.periods:
            if end <= start:
                raise ValueError(f"opening period {start:%H:%M}-{end:%H:%M} ends before it starts")
        ordered = sorted(self.periods)
        for (_, end), (start, _) in pairwise(ordered):
            if start < end:
                raise ValueError(f"opening periods overlap at {start:%H:%M}")
        object.__setattr__(self, "periods", tuple(ordered))

    @classmethod
    def of(cls, hours: Iterable[Hours | tuple[dt.time, dt.time]]) -> OpeningHours:
        """From a hall's `hours` (or plain (start, end) pairs)."""
        pairs = [(h.start, h.end) if isinstance(h, Hours) else (h[0], h[1]) for h in hours]
        return cls(tuple(pairs))

    @classmethod
    def of_hall(cls, hall: Hall) -> OpeningHours:
        """A hall's hours; `DEFAULT_HALL_HOURS` when it declares none."""
        return cls.of(hall.hours) if hall.hours else cls(DEFAULT_HALL_HOURS)

    @property
    def minutes_per_day(self) -> float:
        """Open minutes on a working day (24 h when no hours are declared)."""
        if not self.periods:
            return 24 * 60.0
        return sum(_minutes(e) - _minutes(s) for s, e in self.periods)

    def is_open(self, moment: dt.datetime, calendar: WorkCalendar) -> bool:
        """True when the hall is open at `moment` (a working day, inside a period)."""
        if not calendar.is_workday(moment.date()):
            return False
        if not self.periods:
            return True
        t = moment.time()
        return any(s <= t < e for s, e in self.periods)

    def accept(self, arrival: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
        """When a case arriving at `arrival` is accepted: at once if the hall is open, else
        at the start of the next open period (later that day or on the next working day)."""
        day = arrival.date()
        tz = arrival.tzinfo
        if calendar.is_workday(day):
            if not self.periods:
                return arrival
            t = arrival.time()
            for start, end in self.periods:
                if t < start:
                    return dt.datetime.combine(day, start, tzinfo=tz)
                if t < end:
                    return arrival
        first = self.periods[0][0] if self.periods else _MIDNIGHT
        return dt.datetime.combine(calendar.next_workday(day), first, tzinfo=tz)


def _minutes(t: dt.time) -> float:
    return t.hour * 60 + t.minute + t.second / 60


def accepted_at(
    arrival: dt.datetime,
    hours: Iterable[Hours | tuple[dt.time, dt.time]] | OpeningHours,
    calendar: WorkCalendar,
) -> dt.datetime:
    """Shortcut for `OpeningHours.of(hours).accept(arrival, calendar)`."""
    opening = hours if isinstance(hours, OpeningHours) else OpeningHours.of(hours)
    return opening.accept(arrival, calendar)

"""The CN statutory calendar (法定工作日): public holidays and 调休 makeup workdays.

Built on the `chinese-calendar` package, which ships the State Council's yearly holiday
notices (国务院办公厅关于部分节假日安排的通知) as data and raises for years it has no notice
for. Years it knows are exact; the `PROVISIONAL_YEARS` years after the last published
notice are answered Monday-to-Friday with a `ProvisionalYearWarning`, never silently;
any other year raises `CalendarRangeError`.
"""

from __future__ import annotations

import datetime as dt
import threading
from functools import cache
from importlib import metadata

import chinese_calendar

from onewindow.engine.calendar import CalendarRangeError, warn_provisional

#: Years after the last published schedule answered provisionally (with a warning).
PROVISIONAL_YEARS = 10

#: Names a jurisdiction may write after `calendar` to get this provider.
NAMES = frozenset({"cn", "中国"})

_ZH = {h.value: h.chinese for h in chinese_calendar.Holiday}


def _package_known_years() -> range:
    """The years `chinese-calendar` has official data for, asked through its public API."""
    years = []
    for year in range(1990, 2200):
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            continue
        years.append(year)
    if not years:
        raise RuntimeError("chinese-calendar reports no supported year")
    return range(min(years), max(years) + 1)


class ChinaStatutoryCalendar:
    """Statutory working days of the People's Republic of China, with 调休.

    :param provisional_years: how many years after the last known one are answered as a
        Monday-to-Friday guess (with a warning) instead of raising.
    """

    name = "cn"

    def __init__(self, provisional_years: int = PROVISIONAL_YEARS) -> None:
        self._known = _package_known_years()
        self._supported = range(self._known.start, self._known.stop + provisional_years)
        try:
            version = metadata.version("chinese-calendar")
        except metadata.PackageNotFoundError:  # pragma: no cover - installed oddly
            version = "?"
        self.source = f"chinese-calendar {version}"
        self._flags: dict[int, bytes] = {}
        self._lock = threading.Lock()

    @property
    def known_years(self) -> range:
        """Years with a published State Council schedule in the installed package."""
        return self._known

    @property
    def supported_years(self) -> range:
        """Known years plus the provisional years after them."""
        return self._supported

    def _year_flags(self, year: int) -> bytes:
        flags = self._flags.get(year)
        if flags is not None:
            return flags
        if year not in self._supported:
            raise CalendarRangeError(self.name, dt.date(year, 1, 1), self._supported, self._known)
        first = dt.date(year, 1, 1).toordinal()
        size = dt.date(year, 12, 31).toordinal() - first + 1
        days = [dt.date.fromordinal(first + i) for i in range(size)]
        if year in self._known:
            flags = bytes(chinese_calendar.is_workday(d) for d in days)
        else:
            warn_provisional(self.name, year, self._known, self.source)
            flags = bytes(d.weekday() < 5 for d in days)
        with self._lock:
            self._flags.setdefault(year, flags)
        return flags

    def is_workday(self, day: dt.date) -> bool:
        """True on a statutory working day (weekday not on holiday, or 调休 makeup day).

        :raises CalendarRangeError: outside `supported_years`.
        """
        if not isinstance(day, dt.date):
            raise TypeError(f"expected a date, got {type(day).__name__}")
        if isinstance(day, dt.datetime):
            day = day.date()
        if day.year not in self._supported:
            raise CalendarRangeError(self.name, day, self._supported, self._known)
        flags = self._year_flags(day.year)
        return bool(flags[day.toordinal() - dt.date(day.year, 1, 1).toordinal()])

    def describe(self, day: dt.date) -> str | None:
        """Holiday name or 调休 note for a day off the Monday-to-Friday rule, else None."""
        if day.year not in self._known:
            return None
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        weekend = day.weekday() >= 5
        if name is None:
            return None
        zh = _ZH.get(name, name)
        label = f"{zh} {name}" if zh != name else name
        if is_holiday:
            return f"public holiday: {label}" if not weekend else f"holiday period: {label}"
        if weekend:
            return f"调休 makeup workday for {label}"
        return None

    def __repr__(self) -> str:
        k, s = self._known, self._supported
        return (
            f"ChinaStatutoryCalendar(known {k.start}–{k.stop - 1}, "
            f"provisional to {s.stop - 1}, {self.source})"
        )


@cache
def cn_calendar() -> ChinaStatutoryCalendar:
    """The shared CN provider (one per process, so its per-year cache is shared)."""
    return ChinaStatutoryCalendar()

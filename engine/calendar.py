"""Working-day calendar (工作日): a provider interface and a fast, override-aware calendar.

A `CalendarProvider` says whether a date is a statutory working day (法定工作日), taking
public holidays and 调休 makeup workdays into account. A `WorkCalendar` wraps a provider,
applies a jurisdiction's extra open and closed days (加开 / 闭厅) and answers the engine's
questions from a per-year index, so `add_workdays` and `workdays_between` cost O(1) per
calendar year crossed once the year is indexed.

Counting convention (used everywhere): `workdays_between(a, b)` counts the working days in
the half-open interval (a, b] — the start day is not counted, the end day is — and
`add_workdays(day, n)` is the n-th working day after `day`, so
`workdays_between(day, add_workdays(day, n)) == n`.
"""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from onewindow.dsl.model import CalendarOverride
    from onewindow.dsl.resolve import Workspace
    from onewindow.plugins.registry import Registry


# ---------------------------------------------------------------- errors and warnings


class CalendarError(Exception):
    """A calendar cannot answer: unknown calendar name, bad provider, or a date out of range."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class CalendarRangeError(CalendarError, ValueError):
    """A date outside the years a calendar provider supports (known or provisional)."""

    def __init__(
        self, calendar: str, day: dt.date, supported: range, known: range | None = None
    ) -> None:
        first, last = supported.start, supported.stop - 1
        official = ""
        if known is not None and known != supported and len(known):
            official = (
                f" (official schedules for {known.start}–{known.stop - 1}, "
                f"provisional after {known.stop - 1})"
            )
        super().__init__(
            f"{day.isoformat()} is outside the '{calendar}' calendar: it covers "
            f"{first}-01-01 to {last}-12-31{official}",
            f"use a date from {first} to {last}, or a calendar that covers {day.year}",
        )
        self.calendar = calendar
        self.day = day
        self.supported = supported
        self.known = known


class ProvisionalYearWarning(UserWarning):
    """A year the provider has no official schedule for: its working days are a guess."""


def provisional_message(calendar: str, year: int, known: range, source: str = "") -> str:
    """The warning text for a provisional year, naming what the provider really knows."""
    known_text = f"{known.start}–{known.stop - 1}" if len(known) else "no year"
    by = f" ({source})" if source else ""
    return (
        f"calendar '{calendar}' has no official schedule for {year}: working days in {year} "
        f"are PROVISIONAL (Monday to Friday, no public holidays, no 调休 makeup days). "
        f"The provider{by} knows {known_text}; update it once the schedule for {year} "
        f"is published."
    )


_warned: set[tuple[str, int]] = set()
_warned_lock = threading.Lock()


def warn_provisional(calendar: str, year: int, known: range, source: str = "") -> None:
    """Issue `ProvisionalYearWarning` once per process for (calendar, year)."""
    with _warned_lock:
        if (calendar, year) in _warned:
            return
        _warned.add((calendar, year))
    warnings.warn(
        ProvisionalYearWarning(provisional_message(calendar, year, known, source)), stacklevel=3
    )


def forget_provisional_warnings() -> None:
    """Let every provisional-year warning fire again (for tests and long-lived sessions)."""
    with _warned_lock:
        _warned.clear()


# ---------------------------------------------------------------- provider interface


@runtime_checkable
class CalendarProvider(Protocol):
    """What a calendar plugin returns from `onewindow_calendar(name)`.

    - `name`: the calendar's name (``"cn"``).
    - `known_years`: the years whose official schedule the provider really has.
    - `supported_years`: every year `is_workday` answers for; years in it but not in
      `known_years` are provisional (a guess, always reported with a warning).
    - `is_workday(day)`: True on a working day; raises `CalendarRangeError` when
      `day.year` is not in `supported_years`.

    A provider may also define `describe(day) -> str | None`, a short note for days that
    differ from the Monday-to-Friday rule (holiday name, 调休 makeup workday); the CLI
    shows it.
    """

    name: str

    @property
    def known_years(self) -> range: ...

    @property
    def supported_years(self) -> range: ...

    def is_workday(self, day: dt.date) -> bool: ...


# ---------------------------------------------------------------- the fast calendar


@dataclass(frozen=True)
class DayOverride:
    """An extra open (True) or closed (False) span of days, as `CalendarOverride` gives."""

    open: bool
    start: dt.date
    end: dt.date
    note: str | None = None


@dataclass(frozen=True)
class DayInfo:
    """Why a day is or is not a working day, for people reading a calendar."""

    day: dt.date
    workday: bool
    reason: str
    provisional: bool = False


class _Year:
    """Index of one calendar year: flags per day, workdays before each day, workday list."""

    __slots__ = ("days", "first", "flags", "provisional", "rank", "total", "year")

    def __init__(self, year: int, flags: bytearray, provisional: bool) -> None:
        self.year = year
        self.first = dt.date(year, 1, 1).toordinal()
        self.flags = bytes(flags)
        self.provisional = provisional
        # rank[i] = working days among the first i days of the year (rank[0] == 0)
        self.rank = array("i", [0]) * (len(flags) + 1)
        days: list[dt.date] = []
        count = 0
        for i, flag in enumerate(flags):
            if flag:
                count += 1
                days.append(dt.date.fromordinal(self.first + i))
            self.rank[i + 1] = count
        self.days = days  # the working days of the year, in order
        self.total = count


class WorkCalendar:
    """A provider plus local overrides, indexed per year for fast counting.

    `overrides` are applied in order (later ones win), so pass ancestors' overrides
    first, as `Workspace.calendar_overrides` does. Open days (e.g. 节假日预约办事) count as
    working days and closed days do not, both for hall intake and for deadlines.

    Thread-safe for reading; a year is indexed the first time any query touches it.
    """

    def __init__(
        self,
        provider: CalendarProvider,
        overrides: Iterable[CalendarOverride | DayOverride] = (),
        *,
        label: str | None = None,
    ) -> None:
        self.provider = provider
        self.name: str = provider.name
        self.label = label or provider.name
        self.overrides: tuple[DayOverride, ...] = tuple(
            DayOverride(o.open, o.start, o.end, o.note) for o in overrides
        )
        self._override_days: dict[int, DayOverride] = {}
        for o in self.overrides:
            for ordinal in range(o.start.toordinal(), o.end.toordinal() + 1):
                self._override_days[ordinal] = o
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------ years

    @property
    def known_years(self) -> range:
        return self.provider.known_years

    @property
    def supported_years(self) -> range:
        return self.provider.supported_years

    def is_provisional(self, year: int) -> bool:
        """True for a supported year without an official schedule (a weekday guess)."""
        return year in self.provider.supported_years and year not in self.provider.known_years

    @property
    def provisional_years(self) -> list[int]:
        """Provisional years this calendar has been asked about so far (sorted)."""
        return sorted(y for y, idx in self._years.items() if idx.provisional)

    def provisional_warnings(self) -> list[str]:
        """Warning texts for every provisional year used so far (empty when none)."""
        return [self.provisional_warning(y) for y in self.provisional_years]

    def provisional_warning(self, year: int) -> str:
        return provisional_message(
            self.name, year, self.provider.known_years, getattr(self.provider, "source", "")
        )

    def check_range(self, day: dt.date) -> None:
        """Raise `CalendarRangeError` when `day` is outside the provider's supported years."""
        if day.year not in self.provider.supported_years:
            raise CalendarRangeError(
                self.name, day, self.provider.supported_years, self.provider.known_years
            )

    def _year(self, year: int, day: dt.date | None = None) -> _Year:
        idx = self._years.get(year)
        if idx is not None:
            return idx
        with self._lock:
            idx = self._years.get(year)
            if idx is None:
                idx = self._index(year, day or dt.date(year, 1, 1))
                self._years[year] = idx
        return idx

    def _index(self, year: int, day: dt.date) -> _Year:
        provider = self.provider
        if year not in provider.supported_years:
            raise CalendarRangeError(self.name, day, provider.supported_years, provider.known_years)
        provisional = year not in provider.known_years
        if provisional:
            warn_provisional(self.name, year, provider.known_years, getattr(provider, "source", ""))
        first = dt.date(year, 1, 1).toordinal()
        size = dt.date(year, 12, 31).toordinal() - first + 1
        flags = bytearray(size)
        for i in range(size):
            ordinal = first + i
            override = self._override_days.get(ordinal)
            if override is not None:
                flags[i] = override.open
            else:
                flags[i] = bool(provider.is_workday(dt.date.fromordinal(ordinal)))
        return _Year(year, flags, provisional)

    # ------------------------------------------------------------ queries

    def is_workday(self, day: dt.date) -> bool:
        """True when `day` is a working day here (statutory calendar plus overrides)."""
        idx = self._year(day.year, day)
        return bool(idx.flags[day.toordinal() - idx.first])

    def next_workday(self, day: dt.date, *, inclusive: bool = False) -> dt.date:
        """The first working day after `day` (or `day` itself when `inclusive` and open)."""
        if inclusive and self.is_workday(day):
            return day
        return self.add_workdays(day, 1)

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day`; `day` itself is not counted; n=0 gives `day`.

        :raises ValueError: for a negative `n`.
        :raises CalendarRangeError: when the result would leave the supported years.
        """
        if n <= 0:
            if n == 0:
                self._year(day.year, day)  # range check
                return day
            raise ValueError(f"cannot add a negative number of working days ({n})")
        idx = self._year(day.year, day)
        k = idx.rank[day.toordinal() - idx.first + 1] + n  # 1-based rank in idx's year
        while k > idx.total:
            k -= idx.total
            idx = self._year(idx.year + 1)
        return idx.days[k - 1]

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: start not counted, end counted; negative if end < start."""
        if end < start:
            return -self.workdays_between(end, start)
        a = self._year(start.year, start)
        b = self._year(end.year, end)
        ra = a.rank[start.toordinal() - a.first + 1]
        rb = b.rank[end.toordinal() - b.first + 1]
        if a.year == b.year:
            return rb - ra
        middle = sum(self._year(y).total for y in range(a.year + 1, b.year))
        return (a.total - ra) + middle + rb

    def override_on(self, day: dt.date) -> DayOverride | None:
        """The local override deciding `day` (extra open or closed day), if any."""
        return self._override_days.get(day.toordinal())

    def workdays_in_year(self, year: int) -> int:
        return self._year(year).total

    def explain(self, day: dt.date) -> DayInfo:
        """Whether `day` is a working day, and why (override note, holiday, 调休, weekend)."""
        workday = self.is_workday(day)
        provisional = self.is_provisional(day.year)
        override = self._override_days.get(day.toordinal())
        if override is not None:
            kind = "extra open day" if override.open else "extra closed day"
            reason = f"{kind}: {override.note}" if override.note else kind
        else:
            describe = getattr(self.provider, "describe", None)
            note = describe(day) if callable(describe) else None
            if note:
                reason = note
            elif day.weekday() >= 5:
                reason = "weekend"
            else:
                reason = "weekday"
            if provisional:
                reason += " (provisional year)"
        return DayInfo(day, workday, reason, provisional)

    def __repr__(self) -> str:
        return f"WorkCalendar({self.label!r}, overrides={len(self.overrides)})"


# ---------------------------------------------------------------- from a workspace


def get_provider(registry: Registry, name: str) -> CalendarProvider:
    """The provider a plugin gives for `name`; a clear `CalendarError` when none does."""
    from onewindow.plugins.registry import first_result

    found = first_result(registry.pm, "onewindow_calendar", name=name)
    if found is None:
        raise CalendarError(
            f"unknown calendar '{name}': no loaded plugin provides it",
            "the built-in calendar is 'cn'; other calendars come from plugins "
            "(load one with --plugin or a `plugins` line)",
        )
    plugin, provider = found
    missing = [
        attr
        for attr in ("name", "known_years", "supported_years", "is_workday")
        if not hasattr(provider, attr)
    ]
    if missing:
        raise CalendarError(
            f"plugin '{plugin}' returned {type(provider).__name__} for calendar '{name}', "
            f"which lacks {', '.join(missing)}",
            "a calendar provider needs name, known_years, supported_years and is_workday "
            "(see onewindow.engine.calendar.CalendarProvider)",
        )
    return provider


def calendar_for(workspace: Workspace, jurisdiction_name: str, registry: Registry) -> WorkCalendar:
    """The working-day calendar of a jurisdiction: its inherited calendar plus the overrides
    of the jurisdiction and its ancestors (ancestors first, so the nearest wins).

    :raises CalendarError: for an unknown jurisdiction or calendar name.
    """
    if jurisdiction_name not in workspace.jurisdictions:
        raise CalendarError(
            f"unknown jurisdiction '{jurisdiction_name}'",
            "known jurisdictions: " + ", ".join(sorted(workspace.jurisdictions)),
        )
    provider = get_provider(registry, workspace.calendar_name(jurisdiction_name))
    return WorkCalendar(
        provider,
        workspace.calendar_overrides(jurisdiction_name),
        label=f"{provider.name} · {jurisdiction_name}",
    )

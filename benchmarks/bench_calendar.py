"""add_workdays benchmark: the indexed WorkCalendar vs a naive day-by-day loop.

Both use the same CN provider in the same process on the same random calls (acceptance
day in 2018–2024, N from 0 to 30 working days). Prints calls per second of each, their
ratio, and checks that both give the same answers.
Run: python benchmarks/bench_calendar.py [CALLS]   (default 1,000,000)
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from onewindow.engine.calendar import CalendarProvider, WorkCalendar
from onewindow.engine.calendars_cn import cn_calendar

CALLS = 1_000_000
FIRST = dt.date(2018, 1, 1).toordinal()
LAST = dt.date(2024, 12, 31).toordinal()
MAX_N = 30


def naive_add_workdays(provider: CalendarProvider, day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day`, asking the provider one day at a time."""
    one = dt.timedelta(days=1)
    while n:
        day += one
        if provider.is_workday(day):
            n -= 1
    return day


def make_calls(count: int, seed: int = 1) -> list[tuple[dt.date, int]]:
    rng = random.Random(seed)
    return [
        (dt.date.fromordinal(rng.randint(FIRST, LAST)), rng.randint(0, MAX_N)) for _ in range(count)
    ]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else CALLS
    provider = cn_calendar()
    calls = make_calls(count)
    cal = WorkCalendar(provider)

    start = time.perf_counter()
    for year in range(2018, 2026):  # index the years once, as a simulation would
        cal.workdays_in_year(year)
    index_s = time.perf_counter() - start

    start = time.perf_counter()
    fast = [cal.add_workdays(day, n) for day, n in calls]
    fast_s = time.perf_counter() - start

    for year in range(2018, 2026):  # warm the provider's own per-year cache too
        provider.is_workday(dt.date(year, 1, 1))
    start = time.perf_counter()
    slow = [naive_add_workdays(provider, day, n) for day, n in calls]
    slow_s = time.perf_counter() - start

    if fast != slow:
        bad = next(i for i, (a, b) in enumerate(zip(fast, slow, strict=True)) if a != b)
        raise SystemExit(f"results differ at call {bad}: {calls[bad]} → {fast[bad]} vs {slow[bad]}")

    print(f"add_workdays over {count:,} random calls (N in 0..{MAX_N}, days 2018–2024)")
    print(f"  indexing 8 years once:     {index_s * 1000:8.1f} ms")
    print(f"  WorkCalendar (indexed):    {count / fast_s:12,.0f} calls/s  ({fast_s:.2f} s)")
    print(f"  naive day-by-day loop:     {count / slow_s:12,.0f} calls/s  ({slow_s:.2f} s)")
    print(f"  ratio:                     {slow_s / fast_s:12.1f}×")
    print("  answers identical: yes")


if __name__ == "__main__":
    main()

"""`onewindow calendar workdays|deadline`: working days (工作日), 调休 and deadlines."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from rich.table import Table

from onewindow.dsl.check import check
from onewindow.dsl.diagnostics import did_you_mean
from onewindow.dsl.load import LoadError
from onewindow.dsl.model import TimeUnit
from onewindow.engine.calendar import (
    CalendarError,
    DayInfo,
    ProvisionalYearWarning,
    WorkCalendar,
    calendar_for,
    get_provider,
)
from onewindow.engine.cli.common import (
    EXIT_FILE_ERRORS,
    JsonOpt,
    PluginOpt,
    UserError,
    console,
    err_console,
    fail,
    parse_date,
    print_json,
    report_user_error,
)
from onewindow.engine.deadlines import OpeningHours, deadline
from onewindow.plugins.registry import PluginError, Registry

#: The built-in calendar plugin, loaded explicitly so the command works on its own.
CALENDAR_PLUGIN = "onewindow.plugins.builtin.calendar_cn"

#: At most this many days are listed in human output (all of them in --json).
MAX_ROWS = 40

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

JurisdictionOpt = Annotated[
    str | None,
    typer.Option(
        "--jurisdiction",
        "-j",
        help="A jurisdiction file: use its calendar and its (inherited) open/closed days.",
    ),
]
NameOpt = Annotated[
    str | None,
    typer.Option("--name", help="Which jurisdiction, when the file declares several."),
]
CalendarOpt = Annotated[
    str | None,
    typer.Option("--calendar", help="Calendar name (default: the jurisdiction's, else cn)."),
]


@dataclass
class Chosen:
    """The calendar a command works with, and where it came from."""

    calendar: WorkCalendar
    jurisdiction: str | None
    ws: Any = None


@contextmanager
def calendar_errors() -> Iterator[None]:
    """Bad dates, unknown calendars and out-of-range years: a plain message, exit 2."""
    try:
        with warnings.catch_warnings():
            # provisional years are reported from the calendar itself, once, below
            warnings.simplefilter("ignore", ProvisionalYearWarning)
            yield
    except CalendarError as exc:
        report_user_error(UserError(exc.message, exc.hint))
    except LoadError as exc:
        report_user_error(UserError(exc.message, exc.hint))
    except PluginError as exc:
        report_user_error(UserError(str(exc), "fix or uninstall the plugin, or leave out --plugin"))
    except UserError as exc:
        report_user_error(exc)


def _day(value: str, what: str) -> dt.date:
    day = parse_date(value, what)
    assert day is not None
    return day


def choose(
    jurisdiction_file: str | None,
    name: str | None,
    calendar_name: str | None,
    plugins: list[str] | None,
) -> Chosen:
    """Build the calendar from options: a jurisdiction file's, or a named provider's."""
    extra = [CALENDAR_PLUGIN, *(plugins or ())]
    if jurisdiction_file is None:
        if name is not None:
            fail("--name needs --jurisdiction FILE", "give the file that declares it")
        registry = Registry.build(extra)
        provider = get_provider(registry, calendar_name or "cn")
        return Chosen(WorkCalendar(provider), None)
    result = check([jurisdiction_file], plugins=extra)
    if not result.ok:
        from onewindow.engine.cli.check_cmd import print_diagnostics

        print_diagnostics(result)
        err_console.print(f"[bold red]error:[/] {jurisdiction_file} has errors; fix them first")
        raise typer.Exit(EXIT_FILE_ERRORS)
    ws = result.workspace
    wanted = set(result.files)
    declared = [j.name for j in ws.jurisdictions.values() if j.file in wanted]
    if name is not None:
        if name not in ws.jurisdictions:
            fail(
                f"no jurisdiction '{name}' in the tree of {jurisdiction_file}",
                did_you_mean(name, ws.jurisdictions)
                or "declared in that file: " + (", ".join(declared) or "none"),
            )
        chosen = name
    elif len(declared) == 1:
        chosen = declared[0]
    elif not declared:
        fail(f"{jurisdiction_file} declares no jurisdiction", "give the file of a jurisdiction")
    else:
        fail(
            f"{jurisdiction_file} declares {len(declared)} jurisdictions: {', '.join(declared)}",
            f"pick one with --name, e.g. --name {declared[0]}",
        )
    if calendar_name is not None:
        registry = result.registry
        provider = get_provider(registry, calendar_name)
        cal = WorkCalendar(provider, ws.calendar_overrides(chosen), label=f"{calendar_name}")
    else:
        cal = calendar_for(ws, chosen, result.registry)
    return Chosen(cal, chosen, ws)


def _weekday(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def _info_json(info: DayInfo) -> dict[str, Any]:
    return {
        "date": info.day.isoformat(),
        "weekday": _weekday(info.day),
        "workday": info.workday,
        "reason": info.reason,
        "provisional": info.provisional,
    }


def _notable(cal: WorkCalendar, start: dt.date, end: dt.date) -> list[DayInfo]:
    """Days in [start, end] that break the Monday-to-Friday rule or are overridden."""
    out: list[DayInfo] = []
    day = start
    while day <= end:
        workday = cal.is_workday(day)
        if workday != (day.weekday() < 5) or cal.override_on(day) is not None:
            out.append(cal.explain(day))
        day += dt.timedelta(days=1)
    return out


def _days_table(title: str, infos: list[DayInfo]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("date")
    table.add_column("day")
    table.add_column("working?")
    table.add_column("why")
    for info in infos[:MAX_ROWS]:
        mark = "[green]work[/]" if info.workday else "[red]off[/]"
        table.add_row(info.day.isoformat(), _weekday(info.day), mark, info.reason)
    return table


def _print_warnings(cal: WorkCalendar) -> None:
    for text in cal.provisional_warnings():
        err_console.print(f"[bold yellow]warning:[/] {text}")


def _source(chosen: Chosen) -> str:
    cal = chosen.calendar
    where = f" of {chosen.jurisdiction}" if chosen.jurisdiction else ""
    extra = f", {len(cal.overrides)} local override(s)" if cal.overrides else ""
    return f"calendar '{cal.name}'{where}{extra}"


def _amount_text(amount: float) -> str:
    return f"{amount:g}"


def register(app: typer.Typer) -> None:
    """Add the `calendar` command group to `app`."""
    cal_app = typer.Typer(
        help="Working days, public holidays with 调休, and deadlines of time limits.",
        no_args_is_help=True,
    )
    app.add_typer(cal_app, name="calendar")

    @cal_app.command("workdays")
    def workdays_command(
        start: Annotated[str, typer.Argument(help="First day, not counted (YYYY-MM-DD).")],
        end: Annotated[str, typer.Argument(help="Last day, counted (YYYY-MM-DD).")],
        jurisdiction: JurisdictionOpt = None,
        name: NameOpt = None,
        calendar: CalendarOpt = None,
        plugin: PluginOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Count working days after FROM up to and including TO (FROM itself not counted)."""
        with calendar_errors():
            a = _day(start, "FROM")
            b = _day(end, "TO")
            chosen = choose(jurisdiction, name, calendar, plugin)
            cal = chosen.calendar
            count = cal.workdays_between(a, b)
            lo, hi = min(a, b), max(a, b)
            notable = _notable(cal, lo, hi)
        if as_json:
            print_json(
                {
                    "from": a.isoformat(),
                    "to": b.isoformat(),
                    "workdays": count,
                    "natural_days": (b - a).days,
                    "calendar": cal.name,
                    "jurisdiction": chosen.jurisdiction,
                    "provisional_years": cal.provisional_years,
                    "warnings": cal.provisional_warnings(),
                    "days_off_pattern": [_info_json(i) for i in notable],
                }
            )
            return
        _print_warnings(cal)
        console.print(
            f"[bold]{count}[/] working day(s) after {a} ({_weekday(a)}) up to and including "
            f"{b} ({_weekday(b)}): {(b - a).days} natural day(s), {_source(chosen)}"
        )
        if notable:
            console.print(_days_table("Days that break the Monday–Friday rule", notable))
            if len(notable) > MAX_ROWS:
                console.print(f"… and {len(notable) - MAX_ROWS} more (see --json)")

    @cal_app.command("deadline")
    def deadline_command(
        date: Annotated[str, typer.Argument(help="Day of acceptance (YYYY-MM-DD), not counted.")],
        n: Annotated[float, typer.Argument(min=0, help="The time limit: N working days.")],
        natural: Annotated[
            bool, typer.Option("--natural", help="N is natural days (自然日), not working days.")
        ] = False,
        no_roll: Annotated[
            bool,
            typer.Option(
                "--no-roll",
                help="Natural days: keep a deadline that falls on a day off (default: next "
                "working day, 民法典 art. 203).",
            ),
        ] = False,
        at: Annotated[
            str | None,
            typer.Option(
                "--at",
                help="Arrival time HH:MM: apply the hall's opening hours to find the day of "
                "acceptance (needs --jurisdiction).",
            ),
        ] = None,
        hall: Annotated[
            str | None, typer.Option("--hall", help="Which hall's hours, with --at.")
        ] = None,
        jurisdiction: JurisdictionOpt = None,
        name: NameOpt = None,
        calendar: CalendarOpt = None,
        plugin: PluginOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Deadline of a case accepted on DATE with a limit of N working (or natural) days."""
        with calendar_errors():
            day = _day(date, "DATE")
            chosen = choose(jurisdiction, name, calendar, plugin)
            cal = chosen.calendar
            arrival = accepted_at = None
            hall_name = None
            if at is not None:
                arrival, accepted_at, hall_name = _accept(chosen, day, at, hall)
                day = accepted_at.date()
            elif hall is not None:
                fail("--hall is used with --at", "add --at HH:MM, the applicant's arrival time")
            unit = TimeUnit.days if natural else TimeUnit.workdays
            due = deadline(cal, day, n, unit, roll=not no_roll)
            counted = _counted(cal, day, due) if unit is TimeUnit.workdays else []
            accepted_open = cal.is_workday(day)
        if as_json:
            print_json(
                {
                    "accepted": day.isoformat(),
                    "arrival": arrival.isoformat(timespec="minutes") if arrival else None,
                    "accepted_at": (
                        accepted_at.isoformat(timespec="minutes") if accepted_at else None
                    ),
                    "hall": hall_name,
                    "amount": int(n) if float(n).is_integer() else n,
                    "unit": unit.value,
                    "deadline": due.isoformat(),
                    "deadline_weekday": _weekday(due),
                    "natural_days": (due - day).days,
                    "accepted_on_workday": accepted_open,
                    "calendar": cal.name,
                    "jurisdiction": chosen.jurisdiction,
                    "counted_days": [_info_json(i) for i in counted],
                    "provisional_years": cal.provisional_years,
                    "warnings": cal.provisional_warnings(),
                }
            )
            return
        _print_warnings(cal)
        if arrival is not None and accepted_at is not None:
            console.print(
                f"Arrived {arrival:%Y-%m-%d %H:%M} ({_weekday(arrival.date())}) at {hall_name} "
                f"→ accepted {accepted_at:%Y-%m-%d %H:%M} ({_weekday(accepted_at.date())})"
            )
        elif not accepted_open:
            console.print(
                f"[yellow]note:[/] {day} is not a working day here; a hall would accept the "
                "case on the next working day (use --at HH:MM with --jurisdiction)"
            )
        unit_text = "natural day(s)" if natural else "working day(s)"
        console.print(
            f"Accepted {day} ({_weekday(day)}), limit {_amount_text(n)} {unit_text} → "
            f"deadline [bold]{due}[/] ({_weekday(due)}), {(due - day).days} natural day(s) "
            f"later; {_source(chosen)}"
        )
        if counted and len(counted) <= MAX_ROWS:
            console.print(_days_table("Working days counted", counted))

    def _counted(cal: WorkCalendar, start: dt.date, due: dt.date) -> list[DayInfo]:
        out: list[DayInfo] = []
        day = start
        while day < due and len(out) <= MAX_ROWS:
            day = cal.next_workday(day)
            out.append(cal.explain(day))
        return out

    def _accept(
        chosen: Chosen, day: dt.date, at: str, hall: str | None
    ) -> tuple[dt.datetime, dt.datetime, str]:
        try:
            moment = dt.time.fromisoformat(at)
        except ValueError:
            fail(f"--at '{at}' is not a time of day", "write it as HH:MM, e.g. 16:45")
        if chosen.jurisdiction is None or chosen.ws is None:
            fail("--at needs --jurisdiction FILE", "the opening hours come from one of its halls")
        halls = chosen.ws.jurisdictions[chosen.jurisdiction].halls
        if not halls:
            fail(f"{chosen.jurisdiction} has no hall", "declare a hall with `hours`, or drop --at")
        if hall is None:
            if len(halls) > 1:
                names = ", ".join(h.name for h in halls)
                fail(f"{chosen.jurisdiction} has several halls: {names}", "pick one with --hall")
            picked = halls[0]
        else:
            found = [h for h in halls if h.name == hall]
            if not found:
                fail(
                    f"{chosen.jurisdiction} has no hall '{hall}'",
                    did_you_mean(hall, [h.name for h in halls])
                    or "halls: " + ", ".join(h.name for h in halls),
                )
            picked = found[0]
        arrival = dt.datetime.combine(day, moment)
        accepted = OpeningHours.of_hall(picked).accept(arrival, chosen.calendar)
        return arrival, accepted, picked.name

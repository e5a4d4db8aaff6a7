"""Compile a workspace into a flat simulation plan: halls, windows, arrival streams, profiles.

This is the one place where the model is interpreted for the simulation and where every
default the seeds do not state lives (each an assumption, named below and in docs/simulation.md).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from onewindow.dsl.model import (
    Chain,
    Delivery,
    Hall,
    Handling,
    Level,
    LimitKind,
    MaterialSource,
    Matter,
    OnlineDepth,
    Setting,
    StepGroup,
    StepRef,
    TimeUnit,
    WindowKind,
)
from onewindow.dsl.resolve import Workspace
from onewindow.engine.dated import limit_on
from onewindow.engine.deadlines import DEFAULT_HALL_HOURS

# ---------------------------------------------------------------- assumptions (documented)

#: Mean front-desk service when a matter gives no `service N minutes`.
DEFAULT_SERVICE_MINUTES = 10.0
#: Coefficient of variation of the lognormal front-desk service time.
SERVICE_CV = 0.5
#: Yearly volume when a matter or chain gives none.
DEFAULT_VOLUME = 200.0
#: Working days in a year, to turn a yearly volume into a daily arrival rate.
WORKDAYS_PER_YEAR = 250.0
#: Share of applicants who bring complete materials (setting `complete_share`).
DEFAULT_COMPLETE_SHARE = 0.8
#: Share applying online, by online depth (全程网办 / 部分网办).
ONLINE_SHARE = {OnlineDepth.full: 0.5, OnlineDepth.partial: 0.2, OnlineDepth.none: 0.0}
#: Share entrusting an agent (代办) where the hall has an agency window.
AGENT_SHARE = 0.1
#: Share of a township's arrivals coming through village rooms (帮代办) when it has villages
#: with an agency window.
VILLAGE_SHARE = 0.3
#: Share of results mailed when mail is offered (setting `mail_share`).
DEFAULT_MAIL_SHARE = 0.5
#: Back-office working days: lognormal with mean this share of the promised limit.
BACKOFFICE_MEAN_SHARE = 0.6
BACKOFFICE_CV = 0.6
#: Promised limit in workdays when a promised matter gives none (and no legal limit).
DEFAULT_PROMISED_WORKDAYS = 5
#: Working days before an applicant sent home for a missing material comes back (1..N).
RETURN_DELAY_MAX = 3
#: Arrival rate on a holiday appointment day (预约办事) relative to a working day.
APPOINTMENT_RATE = 0.2

#: Windows that count as one-window intake (一窗受理), as in the static metric one_window_share.
ONE_WINDOW_KINDS = frozenset(
    {WindowKind.comprehensive, WindowKind.all_round, WindowKind.online_agency}
)


@dataclass
class Profile:
    """How one matter or chain behaves in the simulation."""

    name: str
    kind: str  # matter | chain
    immediate: bool
    service_mean: float
    exponential: bool
    complete_share: float
    applicant_materials: tuple[str, ...]
    deferrable: frozenset[str]
    promised: int | None  # workdays; None for immediate
    natural_days: bool
    backoffice_mean: float
    mail_share: float
    elicence: bool
    online_share: float
    domain: str | None
    steps: StepRef | StepGroup | None = None
    step_profiles: dict[str, Profile] = field(default_factory=dict)
    missing_steps: tuple[str, ...] = ()  # chain steps not handled where the chain is


@dataclass
class WindowState:
    """A window during a run: its servers' next-free minutes as a heap (read by routers)."""

    name: str
    kind: WindowKind | None
    staff: int
    matters: frozenset[str]
    domains: frozenset[str]
    free: list[float] = field(default_factory=list)
    index: int = 0

    @property
    def one_window(self) -> bool:
        return self.kind in ONE_WINDOW_KINDS


@dataclass
class Stream:
    """Arrivals of one matter (or chain) at one hall, with a daily Poisson rate."""

    profile: Profile
    rate: float
    candidates: list[WindowState]
    agent_windows: list[WindowState]
    channel_shares: tuple[float, float, float]  # online, agent, village


@dataclass
class HallPlan:
    """A hall of a jurisdiction: its opening periods (minutes of the day) and streams."""

    jurisdiction: str
    level: Level
    name: str
    periods: list[tuple[float, float]]
    windows: list[WindowState]
    streams: list[Stream]
    calendar_key: str

    @property
    def open_minutes(self) -> float:
        return sum(b - a for a, b in self.periods)


@dataclass
class Plan:
    halls: list[HallPlan]
    warnings: list[str]
    unserved: list[tuple[str, str]]  # (jurisdiction, matter) with no eligible window


def _setting(settings: tuple[Setting, ...], key: str) -> Setting | None:
    return next((s for s in settings if s.key == key), None)


def _share(value: object, default: float) -> float:
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, int | float):
        v = float(value)
        return v / 100.0 if v > 1 else v
    return default


def _flag(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() in ("true", "yes", "是", "1")
    if isinstance(value, int | float):
        return value != 0
    return default


def _jur_setting(ws: Workspace, name: str, key: str) -> object | None:
    for j in ws.lineage(name):
        s = _setting(j.settings, key)
        if s is not None:
            return s.value
    return None


def _promised(limits, as_of: dt.date | None) -> tuple[int | None, bool]:
    """Promised workdays in force on `as_of` (else the legal limit), and whether natural days."""
    day = as_of or dt.date.max
    chosen = limit_on(limits, LimitKind.promised, day) or limit_on(limits, LimitKind.legal, day)
    if chosen is None:
        return None, False
    return math.ceil(chosen.amount), chosen.unit is TimeUnit.days


def matter_profile(ws: Workspace, jur: str, m: Matter, as_of: dt.date | None) -> Profile:
    immediate = m.handling is Handling.immediate
    promised, natural = _promised(m.limits, as_of)
    if not immediate and promised is None:
        promised = DEFAULT_PROMISED_WORKDAYS
    complete = _setting(m.settings, "complete_share")
    complete_share = _share(
        complete.value if complete else _jur_setting(ws, jur, "complete_share"),
        DEFAULT_COMPLETE_SHARE,
    )
    mail = _setting(m.settings, "mail_share")
    mail_share = _share(
        mail.value if mail else _jur_setting(ws, jur, "mail_share"), DEFAULT_MAIL_SHARE
    )
    dist = _setting(m.settings, "service_distribution")
    return Profile(
        name=m.name,
        kind="matter",
        immediate=immediate,
        service_mean=m.service_minutes or DEFAULT_SERVICE_MINUTES,
        exponential=bool(dist and str(dist.value) == "exponential"),
        complete_share=complete_share,
        applicant_materials=tuple(
            x.name for x in m.materials if x.source is MaterialSource.applicant
        ),
        deferrable=frozenset(x.name for x in m.materials if x.deferrable),
        promised=None if immediate else promised,
        natural_days=natural,
        backoffice_mean=0.0 if immediate or not promised else BACKOFFICE_MEAN_SHARE * promised,
        mail_share=mail_share if Delivery.mail in m.delivery else 0.0,
        elicence=Delivery.elicence in m.delivery,
        online_share=ONLINE_SHARE.get(m.online or OnlineDepth.none, 0.0),
        domain=m.domain.name if m.domain else None,
    )


def _step_names(node: StepRef | StepGroup) -> list[str]:
    if isinstance(node, StepRef):
        return [node.matter.name]
    return [n for item in node.items for n in _step_names(item)]


def chain_profile(
    ws: Workspace, jur: str, c: Chain, held: dict[str, Matter], as_of: dt.date | None
) -> Profile:
    names = _step_names(c.steps) if c.steps else []
    steps = {n: matter_profile(ws, jur, held[n], as_of) for n in names if n in held}
    missing = tuple(n for n in names if n not in held)
    materials = c.materials or tuple(x for n in names if n in held for x in held[n].materials)
    promised, natural = _promised(c.limits, as_of)
    if promised is None:
        promised = sum(p.promised or 0 for p in steps.values()) or DEFAULT_PROMISED_WORKDAYS
    lead_domain = (
        c.domain.name if c.domain else next((p.domain for p in steps.values() if p.domain), None)
    )
    complete = _share(_jur_setting(ws, jur, "complete_share"), DEFAULT_COMPLETE_SHARE)
    return Profile(
        name=c.name,
        kind="chain",
        immediate=False,
        service_mean=max((p.service_mean for p in steps.values()), default=DEFAULT_SERVICE_MINUTES)
        * 1.5,
        exponential=False,
        complete_share=complete,
        applicant_materials=tuple(
            dict.fromkeys(x.name for x in materials if x.source is MaterialSource.applicant)
        ),
        deferrable=frozenset(x.name for x in materials if x.deferrable),
        promised=promised,
        natural_days=natural,
        backoffice_mean=0.0,
        mail_share=max((p.mail_share for p in steps.values()), default=0.0),
        elicence=any(p.elicence for p in steps.values()),
        online_share=min((p.online_share for p in steps.values()), default=0.0),
        domain=lead_domain,
        steps=c.steps,
        step_profiles=steps,
        missing_steps=missing,
    )


def _windows(hall: Hall) -> list[WindowState]:
    return [
        WindowState(
            name=w.name,
            kind=w.kind_of,
            staff=max(1, w.staff),
            matters=frozenset(r.name for r in w.matters),
            domains=frozenset(r.name for r in w.domains),
        )
        for w in hall.windows
    ]


def eligible(windows: list[WindowState], p: Profile) -> list[WindowState]:
    """Windows that accept a matter: listed by name, covering its domain, or all-round."""
    named = [w for w in windows if p.name in w.matters]
    by_domain = [
        w
        for w in windows
        if w.kind in (WindowKind.comprehensive, WindowKind.online_agency)
        and not w.matters
        and p.domain is not None
        and p.domain in w.domains
    ]
    found = named + [w for w in by_domain if w not in named]
    if found:
        return found
    return [w for w in windows if w.kind is WindowKind.all_round]


def _volume_share(ws: Workspace, jur: str, matter: str, as_of: dt.date | None) -> float:
    """Share of a matter's yearly volume handled in `jur` (delegation splits it over towns)."""
    owner_children = [
        c for c in ws.children.get(jur, ()) if ws.jurisdictions[c].level is Level.township
    ]
    delegated_to = ws.delegated_out(jur, as_of).get(matter, set())
    if not owner_children:
        return 1.0
    return max(0.0, 1.0 - len(delegated_to & set(owner_children)) / len(owner_children))


def build_plan(ws: Workspace, as_of: dt.date | None, only: tuple[str, ...] = ()) -> Plan:
    """Turn every hall of the workspace into a `HallPlan` with its arrival streams."""
    halls: list[HallPlan] = []
    warnings: list[str] = []
    unserved: list[tuple[str, str]] = []
    wanted = set(only)
    for name, j in ws.jurisdictions.items():
        if wanted and name not in wanted:
            continue
        if not j.halls:
            continue
        handled = ws.handled_matters(name, as_of)
        own = ws.own_matters(name)
        delegated = {i.matter.name: i for i in ws.delegated_in(name, as_of)}
        profiles: list[tuple[Profile, float]] = []
        for mname, m in handled.items():
            volume = m.volume if m.volume is not None else DEFAULT_VOLUME
            if mname in own:
                share = _volume_share(ws, name, mname, as_of)
            else:
                owner = delegated[mname].owner
                towns = [
                    c
                    for c in ws.children.get(owner, ())
                    if ws.jurisdictions[c].level is Level.township
                ]
                share = 1.0 / max(1, len(towns))
            profiles.append((matter_profile(ws, name, m, as_of), volume * share))
        for c in j.chains:
            profiles.append(
                (
                    chain_profile(ws, name, c, handled, as_of),
                    c.volume if c.volume is not None else DEFAULT_VOLUME,
                )
            )
        villages = [
            v
            for v in ws.children.get(name, ())
            if any(
                w.kind_of is WindowKind.agency for h in ws.jurisdictions[v].halls for w in h.windows
            )
        ]
        assigned: set[str] = set()
        for index, hall in enumerate(j.halls):
            windows = _windows(hall)
            agency = [w for w in windows if w.kind is WindowKind.agency]
            hours = [(h.start, h.end) for h in hall.hours] or list(DEFAULT_HALL_HOURS)
            periods = [(a.hour * 60 + a.minute, b.hour * 60 + b.minute) for a, b in hours]
            if not hall.hours:
                warnings.append(
                    f"{name}/{hall.name}: no opening hours; assuming the default hall hours"
                )
            streams: list[Stream] = []
            for profile, volume in profiles:
                if volume <= 0 or profile.name in assigned:
                    continue
                cands = eligible(windows, profile)
                if not cands and index < len(j.halls) - 1:
                    continue  # a later hall of this jurisdiction may serve it
                assigned.add(profile.name)
                if not cands:
                    unserved.append((name, profile.name))
                village = VILLAGE_SHARE if villages and j.level is Level.township else 0.0
                agent = AGENT_SHARE if agency else 0.0
                streams.append(
                    Stream(
                        profile=profile,
                        rate=volume / WORKDAYS_PER_YEAR,
                        candidates=cands,
                        agent_windows=agency or cands,
                        channel_shares=(profile.online_share, agent, village),
                    )
                )
            halls.append(
                HallPlan(
                    jurisdiction=name,
                    level=j.level or Level.district,
                    name=hall.name,
                    periods=periods,
                    windows=windows,
                    streams=streams,
                    calendar_key=name,
                )
            )
    for jur, matter in unserved:
        warnings.append(
            f"{jur}: no window accepts '{matter}' (its applicants are counted as unserved)"
        )
    return Plan(halls=halls, warnings=warnings, unserved=unserved)

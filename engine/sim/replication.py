"""One replication of the intake simulation, hall by hall, vectorised around a tiny queue loop.

Halls are independent (an applicant sent home returns to the same hall), so each hall is
simulated over the whole horizon at once:

1. draw every day's arrivals per stream (Poisson; uniform over the opening periods), their
   channel (online, 代办 agent, village room, hall), materials (complete, or which one is
   missing and whether it is deferrable — 容缺), service times and back-office days;
2. applicants missing a non-deferrable material come back 1–3 open days later with complete
   materials (一次告知: told once what is missing) — those return visits are known up front;
3. all hall visits, sorted by (day, minute), go through one FCFS loop: the router picks a
   window, the window's earliest-free server takes the visitor (`heapreplace` on a heap of
   next-free minutes; heaps reset at each opening). This loop is the only per-visit Python;
4. trips, waits, acceptance, deadlines (承诺时限, in open days of the jurisdiction's
   calendar), decisions and delivery (pickup is a trip; mail and e-licence are not) are then
   computed with numpy for all cases at once.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from heapq import heapreplace
from itertools import accumulate
from typing import Any

import numpy as np

from onewindow.dsl.model import Level, StepGroup, StepRef
from onewindow.engine.sim.plan import (
    APPOINTMENT_RATE,
    BACKOFFICE_CV,
    RETURN_DELAY_MAX,
    SERVICE_CV,
    HallPlan,
    Profile,
    WindowState,
)

LOCAL_LEVELS = frozenset({Level.township, Level.village})
_SIGMA_SVC = math.sqrt(math.log(1 + SERVICE_CV**2))
_SIGMA_BO = math.sqrt(math.log(1 + BACKOFFICE_CV**2))

# channel codes and names (the hall channel is called "township" at township level)
ONLINE, AGENT, VILLAGE, HALL = 0, 1, 2, 3
CHANNEL_NAMES = np.array(["online", "agent", "village", "hall"], dtype=object)


@dataclass
class DayIndex:
    """Open days of one jurisdiction's calendar over the run's day numbers (0 = start)."""

    open: np.ndarray  # bool per day
    appointment: np.ndarray  # bool per day: a holiday opened for appointments (预约办事)
    ordinal: np.ndarray  # open days in [0, d]
    by_ordinal: np.ndarray  # day number of the k-th open day (index 0 unused)

    def add(self, day: np.ndarray | int, n: np.ndarray | int) -> np.ndarray:
        """The n-th open day after `day` (the day itself not counted), vectorised.

        Beyond the indexed range the day is extrapolated at five open days a week.
        """
        k = np.asarray(self.ordinal[day]) + np.asarray(n)
        last = len(self.by_ordinal) - 1
        inside = np.minimum(k, last)
        out = self.by_ordinal[inside]
        over = k - last
        return np.where(over > 0, out + np.ceil(over * 7 / 5).astype(np.int64), out)


def day_index(is_open: list[bool], appointment: list[bool]) -> DayIndex:
    ordinal = np.fromiter(accumulate(1 if o else 0 for o in is_open), dtype=np.int64)
    by_ordinal = np.array([-1] + [d for d, o in enumerate(is_open) if o], dtype=np.int64)
    return DayIndex(
        open=np.asarray(is_open, dtype=bool),
        appointment=np.asarray(appointment, dtype=bool),
        ordinal=ordinal,
        by_ordinal=by_ordinal,
    )


@dataclass
class HallResult:
    """Cases first seen at one hall, as numpy columns, plus window busy and capacity."""

    hall: HallPlan | None  # dropped when shipped back from a worker; see `index`
    stream: np.ndarray
    channel: np.ndarray
    window: np.ndarray  # index into hall.windows of the accepting window, -1 if none
    trips: np.ndarray
    causes: list[str]
    wait: np.ndarray
    service: np.ndarray
    arrival: np.ndarray
    accept: np.ndarray
    deadline: np.ndarray
    finish: np.ndarray
    decision: np.ndarray
    immediate: np.ndarray
    served: np.ndarray  # outcome finished (False: unserved, no eligible window)
    busy: np.ndarray  # service minutes per window
    capacity: np.ndarray  # staff × open minutes per window
    index: int = -1  # position of the hall in the plan


#: The per-case columns of a `HallResult`, in the order `PackedHalls` keeps them.
CASE_FIELDS = (
    "stream",
    "channel",
    "window",
    "trips",
    "wait",
    "service",
    "arrival",
    "accept",
    "deadline",
    "finish",
    "decision",
    "immediate",
    "served",
)


@dataclass
class PackedHalls:
    """Some halls' results as one set of columns, to send between processes.

    Pickling tens of thousands of `HallResult`s (a dozen small arrays each) costs as much
    as simulating them; a task's halls packed into one array per column cost next to
    nothing. `unpack` gives back the same `HallResult`s (their arrays are views).
    """

    index: list[int]
    case_bounds: np.ndarray  # hall i's cases are case_bounds[i]:case_bounds[i + 1]
    window_bounds: np.ndarray  # hall i's windows are window_bounds[i]:window_bounds[i + 1]
    cases: dict[str, np.ndarray]
    causes: list[str]
    busy: np.ndarray
    capacity: np.ndarray

    @classmethod
    def pack(cls, results: list[HallResult]) -> PackedHalls:
        def bounds(sizes: list[int]) -> np.ndarray:
            return np.concatenate(([0], np.cumsum(sizes, dtype=np.int64)))

        def joined(arrays: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(arrays) if arrays else np.zeros(0)

        return cls(
            index=[r.index for r in results],
            case_bounds=bounds([r.stream.size for r in results]),
            window_bounds=bounds([r.busy.size for r in results]),
            cases={f: joined([getattr(r, f) for r in results]) for f in CASE_FIELDS},
            causes=[c for r in results for c in r.causes],
            busy=joined([r.busy for r in results]),
            capacity=joined([r.capacity for r in results]),
        )

    def unpack(self) -> list[HallResult]:
        out = []
        cb, wb = self.case_bounds.tolist(), self.window_bounds.tolist()
        for i, index in enumerate(self.index):
            a, b, wa, wz = cb[i], cb[i + 1], wb[i], wb[i + 1]
            columns = {f: self.cases[f][a:b] for f in CASE_FIELDS}
            out.append(
                HallResult(
                    hall=None,
                    causes=self.causes[a:b],
                    busy=self.busy[wa:wz],
                    capacity=self.capacity[wa:wz],
                    index=index,
                    **columns,
                )
            )
        return out


@dataclass
class Raw:
    """All halls of one replication."""

    halls: list[HallResult] = field(default_factory=list)


def _place_times(u: np.ndarray, periods: list[tuple[float, float]]) -> np.ndarray:
    """Map uniforms on [0, 1) to clock minutes inside the opening periods."""
    starts = np.array([a for a, _ in periods], dtype=float)
    lengths = np.array([b - a for a, b in periods], dtype=float)
    edges = np.concatenate(([0.0], np.cumsum(lengths)))
    x = u * edges[-1]
    idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(periods) - 1)
    return starts[idx] + (x - edges[idx])


def _chain_days(node: StepRef | StepGroup | None, p: Profile, rng: np.random.Generator) -> int:
    """Back-office days of a chain: parallel steps take the longest, serial steps add up."""
    if node is None:
        return 0
    if isinstance(node, StepRef):
        step = p.step_profiles.get(node.matter.name)
        if step is None or step.immediate or not step.backoffice_mean:
            return 0
        mu = math.log(step.backoffice_mean) - _SIGMA_BO**2 / 2
        return max(1, math.ceil(rng.lognormal(mu, _SIGMA_BO)))
    parts = [_chain_days(item, p, rng) for item in node.items]
    return max(parts) if node.op == "parallel" else sum(parts)


def _queue_routed(
    hp: HallPlan,
    v_day: np.ndarray,
    v_time: np.ndarray,
    v_stream: np.ndarray,
    is_agent: np.ndarray,
    v_svc: np.ndarray,
    cand_hall: list[list[WindowState]],
    cand_agent: list[list[WindowState]],
    route: Callable[..., Any],
) -> tuple[np.ndarray, np.ndarray]:
    """FCFS over all visits of the hall in (day, minute) order; the router picks windows."""
    nv = v_day.size
    order = np.lexsort((v_time, v_day))
    wait_out = [0.0] * nv
    win_out = [-1] * nv
    open_at = hp.periods[0][0]
    names = [s.profile.name for s in hp.streams]
    current_day = -1
    for k, d, t, s_i, ag, svc in zip(
        order.tolist(),
        v_day[order].tolist(),
        v_time[order].tolist(),
        v_stream[order].tolist(),
        is_agent[order].tolist(),
        v_svc[order].tolist(),
        strict=True,
    ):
        if d != current_day:
            current_day = d
            for w in hp.windows:
                w.free[:] = [open_at] * w.staff
        cands = cand_agent[s_i] if ag else cand_hall[s_i]
        if not cands:
            continue
        w = cands[0] if len(cands) == 1 else route(names[s_i], cands, t)
        free = w.free
        start = free[0] if free[0] > t else t
        heapreplace(free, start + svc)
        wait_out[k] = start - t
        win_out[k] = w.index
    return np.asarray(wait_out), np.asarray(win_out, dtype=np.int64)


def _queue_fixed(
    hp: HallPlan,
    v_day: np.ndarray,
    v_time: np.ndarray,
    v_stream: np.ndarray,
    is_agent: np.ndarray,
    v_svc: np.ndarray,
    cand_hall: list[list[WindowState]],
    cand_agent: list[list[WindowState]],
) -> tuple[np.ndarray, np.ndarray]:
    """Every visit has one possible window: run each window's FCFS heap loop on its own.

    Gives exactly what `_queue_routed` gives when no visit has a choice, several times faster.
    """
    nv = v_day.size
    hall_win = np.array([c[0].index if c else -1 for c in cand_hall] or [-1], dtype=np.int64)
    agent_win = np.array([c[0].index if c else -1 for c in cand_agent] or [-1], dtype=np.int64)
    v_win = (
        np.where(is_agent, agent_win[v_stream], hall_win[v_stream]) if nv else np.zeros(0, np.int64)
    )
    v_wait = np.zeros(nv)
    open_at = hp.periods[0][0]
    order = np.lexsort((v_time, v_day, v_win))
    bounds = np.searchsorted(v_win[order], np.arange(-1, len(hp.windows) + 1))
    for w_i, w in enumerate(hp.windows):
        idx = order[bounds[w_i + 1] : bounds[w_i + 2]]
        if idx.size == 0:
            continue
        days = v_day[idx]
        cuts = np.flatnonzero(np.diff(days)) + 1
        times = v_time[idx].tolist()
        svcs = v_svc[idx].tolist()
        waits: list[float] = []
        push = waits.append
        staff = w.staff
        for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), idx.size], strict=True):
            free = [open_at] * staff  # every opening starts with idle servers
            for t, svc in zip(times[a:b], svcs[a:b], strict=True):
                f = free[0]
                start = f if f > t else t
                heapreplace(free, start + svc)
                push(start - t)
        v_wait[idx] = waits
    return v_wait, v_win


def hall_seed(seed: int, rep: int, hp: HallPlan) -> np.random.SeedSequence:
    """The random stream of one hall in one replication: by identity, not by run order.

    Any executor gives the same results, and a variant tree shares each unchanged hall's
    random numbers with the base (common random numbers).
    """
    key = zlib.crc32(f"{hp.jurisdiction}\x1f{hp.name}".encode())
    return np.random.SeedSequence([seed, rep, key])


def run_halls(
    halls: Sequence[tuple[int, HallPlan]],
    days: int,
    calendars: dict[str, DayIndex],
    routers: dict[tuple[str, str], Callable[..., Any]],
    seed: int,
    rep: int,
) -> list[HallResult]:
    """Simulate `days` calendar days from the start for some halls of a plan (index, hall).

    Each hall's random stream depends only on (seed, rep, hall), so any grouping of the
    halls into tasks gives the same results.
    """
    out = []
    for i, hp in halls:
        rng = np.random.default_rng(hall_seed(seed, rep, hp))
        result = _hall(
            hp, days, calendars[hp.calendar_key], routers[(hp.jurisdiction, hp.name)], rng
        )
        result.index = i
        out.append(result)
    return out


def _hall(
    hp: HallPlan, days: int, cal: DayIndex, route: Callable[..., Any], rng: np.random.Generator
) -> HallResult:
    streams = hp.streams
    ns = len(streams)
    nw = len(hp.windows)
    open_days = np.flatnonzero(cal.open[:days])
    factor = np.where(cal.appointment[open_days], APPOINTMENT_RATE, 1.0)
    rates = np.array([s.rate for s in streams], dtype=float)
    counts = (
        rng.poisson(np.outer(factor, rates))
        if ns
        else np.zeros((len(open_days), 0), dtype=np.int64)
    )
    per_day = counts.sum(axis=1)
    n = int(per_day.sum())
    arrival = np.repeat(open_days, per_day)
    stream = (
        np.concatenate([np.repeat(np.arange(ns), row) for row in counts])
        if n
        else np.zeros(0, np.int64)
    )
    time = _place_times(rng.random(n), hp.periods)

    # per-stream attributes as arrays
    online_sh = np.array([s.channel_shares[0] for s in streams] or [0.0])
    agent_sh = np.array([s.channel_shares[1] for s in streams] or [0.0])
    village_sh = np.array([s.channel_shares[2] for s in streams] or [0.0])
    complete_sh = np.array([s.profile.complete_share for s in streams] or [1.0])
    n_mats = np.array([len(s.profile.applicant_materials) for s in streams] or [0])
    svc_mean = np.array([s.profile.service_mean for s in streams] or [1.0])
    expo = np.array([s.profile.exponential for s in streams] or [False])
    immediate_s = np.array([s.profile.immediate for s in streams] or [False])
    bo_mean = np.array([s.profile.backoffice_mean for s in streams] or [0.0])
    promised = np.array([s.profile.promised or 0 for s in streams] or [0])
    natural = np.array([s.profile.natural_days for s in streams] or [False])
    mail_sh = np.array([s.profile.mail_share for s in streams] or [0.0])
    elicence = np.array([s.profile.elicence for s in streams] or [False])
    missing_steps = np.array([len(s.profile.missing_steps) for s in streams] or [0])

    # channel
    u = rng.random(n)
    o, a, v = online_sh[stream], agent_sh[stream], village_sh[stream]
    channel = np.where(
        u < o, ONLINE, np.where(u < o + a, AGENT, np.where(u < o + a + v, VILLAGE, HALL))
    )
    in_person = channel != ONLINE
    own_trip = channel == HALL  # agents and village rooms travel for the applicant (代办)

    # materials: incomplete applicants miss one applicant material; deferrable ones (容缺) do not
    # stop acceptance; the rest come back 1..RETURN_DELAY_MAX open days later
    incomplete = (rng.random(n) >= complete_sh[stream]) & (n_mats[stream] > 0) & in_person
    pick = rng.random(n)
    returns = np.zeros(n, dtype=bool)
    missing_name = np.full(n, "", dtype=object)
    for s_i, s in enumerate(streams):
        mats = s.profile.applicant_materials
        if not mats:
            continue
        idx = np.flatnonzero(incomplete & (stream == s_i))
        if idx.size == 0:
            continue
        which = (pick[idx] * len(mats)).astype(np.int64)
        names = np.array(mats, dtype=object)[which]
        deferrable = np.array([m in s.profile.deferrable for m in mats])[which]
        missing_name[idx] = names
        returns[idx[~deferrable]] = True
    back_day = cal.add(arrival, rng.integers(1, RETURN_DELAY_MAX + 1, n))
    back_time = _place_times(rng.random(n), hp.periods)

    # visits: first visits of in-person applicants, plus return visits inside the horizon
    ret_idx = np.flatnonzero(returns & (back_day < days))
    first_idx = np.flatnonzero(in_person)
    v_case = np.concatenate((first_idx, ret_idx))
    v_day = np.concatenate((arrival[first_idx], back_day[ret_idx]))
    v_time = np.concatenate((time[first_idx], back_time[ret_idx]))
    v_ret = np.concatenate((np.zeros(first_idx.size, bool), np.ones(ret_idx.size, bool)))
    v_stream = stream[v_case]
    # service draws per case (first visit, return visit): how many applicants come back does
    # not shift the random numbers of anything drawn later (common random numbers)
    z = rng.standard_normal((2, n))
    e = rng.exponential(1.0, (2, n))
    row = v_ret.astype(np.int64)
    z_v, e_v = z[row, v_case], e[row, v_case]
    lognorm = np.exp(_SIGMA_SVC * z_v - _SIGMA_SVC**2 / 2)
    v_svc = svc_mean[v_stream] * np.where(expo[v_stream], e_v, lognorm)

    # the queue: the only per-visit Python loop
    for i, w in enumerate(hp.windows):
        w.index = i
    cand_hall = [s.candidates for s in streams]
    cand_agent = [s.agent_windows for s in streams]
    is_agent = np.isin(channel[v_case], (AGENT, VILLAGE))
    if all(len(c) <= 1 for c in (*cand_hall, *cand_agent)):
        v_wait, v_win = _queue_fixed(
            hp, v_day, v_time, v_stream, is_agent, v_svc, cand_hall, cand_agent
        )
    else:
        v_wait, v_win = _queue_routed(
            hp, v_day, v_time, v_stream, is_agent, v_svc, cand_hall, cand_agent, route
        )

    # back to cases
    served_visit = v_win >= 0
    wait = np.zeros(n)
    service = np.zeros(n)
    np.add.at(wait, v_case, v_wait)
    np.add.at(service, v_case[served_visit], v_svc[served_visit])
    hall_visits = np.zeros(n, dtype=np.int64)
    np.add.at(hall_visits, v_case[served_visit], 1)
    window = np.full(n, -1, dtype=np.int64)
    first_served = served_visit & ~v_ret
    window[v_case[first_served]] = v_win[first_served]
    ret_served = served_visit & v_ret
    window[v_case[ret_served]] = v_win[ret_served]  # accepted at the return visit's window
    unserved = in_person & (hall_visits == 0)
    served = ~unserved
    late_return = returns & (back_day >= days) & own_trip  # comes back after the horizon

    accept = np.where(returns, back_day, arrival)
    immediate_m = immediate_s[stream]
    bo = bo_mean[stream]
    with np.errstate(divide="ignore", invalid="ignore"):
        mu = np.log(np.where(bo > 0, bo, 1.0)) - _SIGMA_BO**2 / 2
    decision = np.where(
        immediate_m | (bo <= 0),
        0,
        np.maximum(1, np.ceil(np.exp(mu + _SIGMA_BO * rng.standard_normal(n)))).astype(np.int64),
    )
    chain_streams = [i for i, s in enumerate(streams) if s.profile.kind == "chain"]
    for s_i in chain_streams:
        p = streams[s_i].profile
        for c in np.flatnonzero(stream == s_i).tolist():
            decision[c] = _chain_days(p.steps, p, rng)
    finish = np.where(decision > 0, cal.add(accept, decision), accept)
    prom = promised[stream]
    deadline = np.where(
        immediate_m, accept, np.where(natural[stream], accept + prom, cal.add(accept, prom))
    )
    mailed = rng.random(n) < mail_sh[stream]
    pickup = ~immediate_m & ~elicence[stream] & ~mailed & ((channel == HALL) | (channel == ONLINE))
    trips = np.where(own_trip, hall_visits + late_return, 0) + pickup + missing_steps[stream]
    trips = np.where(unserved & own_trip, 1, trips)
    immediate = immediate_m & (channel == HALL) & ~returns & served

    causes = [""] * n
    extra = np.flatnonzero(returns | pickup | (missing_steps[stream] > 0))
    for c in extra.tolist():
        parts = []
        if returns[c]:
            parts.append(f"missing material: {missing_name[c]}")
        if pickup[c]:
            parts.append("pickup of the result")
        for step in streams[stream[c]].profile.missing_steps:
            parts.append(f"step not delegated here: {step}")
        causes[c] = "; ".join(parts)

    busy = (
        np.bincount(v_win[served_visit], weights=v_svc[served_visit], minlength=nw)
        if nw
        else np.zeros(0)
    )
    staff = np.array([w.staff for w in hp.windows], dtype=float)
    capacity = staff * hp.open_minutes * len(open_days)
    return HallResult(
        hall=hp,
        stream=stream,
        channel=channel,
        window=window,
        trips=trips.astype(np.int64),
        causes=causes,
        wait=wait,
        service=service,
        arrival=arrival,
        accept=np.where(served, accept, -1),
        deadline=np.where(served, deadline, -1),
        finish=np.where(served, finish, -1),
        decision=np.where(served, decision, -1),
        immediate=immediate,
        served=served,
        busy=busy,
        capacity=capacity,
    )

"""Metrics of one replication — per run, jurisdiction, matter and window — from case columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from onewindow.engine.sim.replication import CHANNEL_NAMES, LOCAL_LEVELS, Raw


@dataclass
class Columns:
    """Every case of a replication as numpy columns; labels as integer codes into lists."""

    data: dict[str, np.ndarray]
    jurisdictions: list[str]
    levels: list[str]
    matters: list[str]
    kinds: list[str]
    windows: list[str]  # "jurisdiction/window"; the last entry is "" (no window)
    window_names: list[str]

    @property
    def size(self) -> int:
        return int(self.data["trips"].size)


def combine(raw: Raw) -> Columns:
    """Concatenate the halls' cases; jurisdiction, matter and window become integer codes."""
    jurs: list[str] = []
    jur_codes: dict[str, int] = {}  # name → its index in `jurs`
    levels: list[str] = []
    matters: dict[str, int] = {}
    kinds: list[str] = []
    windows: list[str] = []
    window_names: list[str] = []
    parts: dict[str, list[np.ndarray]] = {}

    def put(name: str, arr: np.ndarray) -> None:
        parts.setdefault(name, []).append(arr)

    for h in raw.halls:
        hp = h.hall
        n = h.stream.size
        j_code = jur_codes.get(hp.jurisdiction)
        if j_code is None:
            j_code = jur_codes[hp.jurisdiction] = len(jurs)
            jurs.append(hp.jurisdiction)
            levels.append(hp.level.value)
        codes = []
        for s in hp.streams:
            if s.profile.name not in matters:
                matters[s.profile.name] = len(matters)
                kinds.append(s.profile.kind)
            codes.append(matters[s.profile.name])
        m_code = np.array(codes or [0], dtype=np.int64)
        offset = len(windows)
        windows.extend(f"{hp.jurisdiction}/{w.name}" for w in hp.windows)
        window_names.extend(w.name for w in hp.windows)
        w_code = np.where(h.window >= 0, h.window + offset, -1)
        one = np.array([w.one_window for w in hp.windows] + [False], dtype=bool)
        put("jurisdiction", np.full(n, j_code, dtype=np.int64))
        put("local", np.full(n, hp.level in LOCAL_LEVELS, dtype=bool))
        put("matter", m_code[h.stream] if n else np.zeros(0, np.int64))
        put("channel", h.channel)
        put("window", w_code)
        put("one_window", one[h.window])
        put("trips", h.trips)
        put("wait", h.wait)
        put("service", h.service)
        put("arrival", h.arrival)
        put("accept", h.accept)
        put("deadline", h.deadline)
        put("finish", h.finish)
        put("decision", h.decision)
        put("immediate", h.immediate)
        put("served", h.served)
        put("causes", np.array(h.causes, dtype=object))
    data = {k: np.concatenate(v) for k, v in parts.items()}
    if not data:
        data = {"trips": np.zeros(0, np.int64)}
    else:
        data["on_time"] = data["served"] & (data["finish"] <= data["deadline"])
        data["in_person"] = data["channel"] != 0
    windows.append("")
    window_names.append("")
    return Columns(data, jurs, levels, list(matters), kinds, windows, window_names)


def _pct(mask: np.ndarray) -> float | None:
    return None if mask.size == 0 else 100.0 * float(mask.mean())


def _group(idx: np.ndarray | slice, d: dict[str, np.ndarray]) -> dict[str, float | None]:
    trips = d["trips"][idx]
    n = int(trips.size)
    out: dict[str, float | None] = {"cases": float(n)}
    if n == 0:
        return out
    served = d["served"][idx]
    waited = d["wait"][idx][d["in_person"][idx] & served]
    out["unserved_share"] = _pct(~served)
    out["trips_le1_share"] = _pct(trips <= 1)
    out["zero_trip_share"] = _pct(trips == 0)
    out["mean_trips"] = float(trips.mean())
    out["trips_0_share"] = out["zero_trip_share"]
    out["trips_1_share"] = _pct(trips == 1)
    out["trips_2_share"] = _pct(trips == 2)
    out["trips_3plus_share"] = _pct(trips >= 3)
    out["mean_wait_minutes"] = float(waited.mean()) if waited.size else None
    out["p90_wait_minutes"] = float(np.percentile(waited, 90)) if waited.size else None
    out["on_time_rate"] = _pct(d["on_time"][idx][served]) if served.any() else None
    decided = d["decision"][idx][served]
    out["mean_decision_workdays"] = float(decided.mean()) if decided.size else None
    out["local_share"] = _pct(d["local"][idx])
    out["one_window_case_share"] = _pct(d["one_window"][idx])
    out["immediate_case_share"] = _pct(d["immediate"][idx])
    return out


def replication_metrics(
    raw: Raw, cols: Columns, start: dt.date | None = None, days: int | None = None
) -> Iterator[tuple[str, str, str, float | None]]:
    """(scope, subject, metric, value) for the run, each jurisdiction, matter and window.

    With `start` and `days`, also the scope "week" (subject: the week's first day, ISO):
    `on_time_rate` and `cases_decided` of the cases decided in each week of the run.
    """
    d = cols.data
    run = _group(slice(None), d) if cols.size else {"cases": 0.0}
    busy = sum(float(h.busy.sum()) for h in raw.halls)
    cap = sum(float(h.capacity.sum()) for h in raw.halls)
    run["window_utilisation"] = 100.0 * busy / cap if cap else None
    for k, v in run.items():
        yield "run", "", k, v
    if not cols.size:
        return
    for scope, labels in (("jurisdiction", cols.jurisdictions), ("matter", cols.matters)):
        codes = d[scope]
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(labels) + 1))
        for g, subject in enumerate(labels):
            for k, v in _group(order[bounds[g] : bounds[g + 1]], d).items():
                yield scope, subject, k, v
    if start is not None and days is not None:
        yield from _weekly(d, start, days)
    counts = np.bincount(d["window"] + 1, minlength=len(cols.windows) + 1)[1:]
    wait_sum = np.bincount(d["window"] + 1, weights=d["wait"], minlength=len(cols.windows) + 1)[1:]
    offset = 0
    for h in raw.halls:
        for w_i, _ in enumerate(h.hall.windows):
            g = offset + w_i
            n_w = int(counts[g])
            subject = cols.windows[g]
            yield "window", subject, "cases", float(n_w)
            yield "window", subject, "mean_wait_minutes", float(wait_sum[g]) / n_w if n_w else None
            cap_w = float(h.capacity[w_i])
            util = 100.0 * float(h.busy[w_i]) / cap_w if cap_w else None
            yield "window", subject, "window_utilisation", util
        offset += len(h.hall.windows)


def _weekly(
    d: dict[str, np.ndarray], start: dt.date, days: int
) -> Iterator[tuple[str, str, str, float | None]]:
    """On-time rate over the period: cases decided in each week of the run."""
    weeks = (days + 6) // 7
    decided = d["served"] & (d["finish"] >= 0) & (d["finish"] < weeks * 7)
    week = d["finish"][decided] // 7
    n = np.bincount(week, minlength=weeks)
    ok = np.bincount(week, weights=d["on_time"][decided].astype(float), minlength=weeks)
    for w in range(weeks):
        subject = (start + dt.timedelta(days=7 * w)).isoformat()
        yield "week", subject, "cases_decided", float(n[w])
        yield "week", subject, "on_time_rate", 100.0 * float(ok[w]) / n[w] if n[w] else None


def channel_names(codes: np.ndarray) -> np.ndarray:
    return CHANNEL_NAMES[codes]

"""Result types of a simulation: options, per-case columns, metrics with confidence intervals."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

#: Columns of the per-case table, in order, with their meaning.
CASE_COLUMNS: dict[str, str] = {
    "rep": "replication number (0-based)",
    "case": "case number within the replication",
    "jurisdiction": "jurisdiction whose hall or back office handled the case",
    "level": "that jurisdiction's level (district, township, village …)",
    "matter": "matter or chain (一件事) name",
    "kind": "'matter' or 'chain'",
    "channel": "hall | township | village | online | agent | appointment",
    "window": "window that accepted the case ('' when online or unserved)",
    "trips": "visits the applicant made to a hall (0 = 零上门)",
    "trip_causes": "why each trip beyond the first was needed, '; '-separated",
    "wait_minutes": "total queue wait over all visits",
    "service_minutes": "total front-desk service time",
    "arrival_day": "day of the first contact",
    "accept_day": "day the application was accepted (受理)",
    "deadline_day": "promised deadline (承诺时限) in force, counted in the calendar",
    "finish_day": "day the decision was made (办结)",
    "on_time": "decided on or before the deadline day",
    "outcome": "finished | unserved (no eligible window)",
}


@dataclass(frozen=True)
class SimOptions:
    """What a run was asked to do; stored with the run."""

    start: dt.date
    days: int = 250
    seed: int = 1
    replications: int = 1
    as_of: dt.date | None = None
    jurisdictions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        data["jurisdictions"] = list(self.jurisdictions)
        return data


class CaseTable:
    """Cases as columns (lists of equal length, keys of CASE_COLUMNS).

    Blocks of cases may be added lazily (`add_block`): they are turned into lists only when
    `columns` or `rows()` is first read, so a run that is summarised but not stored never
    pays for the conversion.
    """

    def __init__(self, columns: dict[str, list[Any]] | None = None) -> None:
        self._columns = columns if columns is not None else {name: [] for name in CASE_COLUMNS}
        self._pending: list[Callable[[int], dict[str, list[Any]]]] = []
        self._pending_rows = 0

    @property
    def columns(self) -> dict[str, list[Any]]:
        for build in self._pending:
            block = build(len(self._columns["case"]))
            for name in CASE_COLUMNS:
                self._columns[name].extend(block[name])
        self._pending.clear()
        self._pending_rows = 0
        return self._columns

    def add_block(self, rows: int, build: Callable[[int], dict[str, list[Any]]]) -> None:
        """Add `rows` cases; `build(first_row_index)` returns their columns when needed."""
        self._pending.append(build)
        self._pending_rows += rows

    def __len__(self) -> int:
        return len(self._columns["case"]) + self._pending_rows

    def rows(self) -> Iterator[dict[str, Any]]:
        cols = self.columns
        names = list(cols)
        for values in zip(*(cols[n] for n in names), strict=True):
            yield dict(zip(names, values, strict=True))

    def extend(self, other: CaseTable) -> None:
        for name, values in other.columns.items():
            self.columns[name].extend(values)


@dataclass(frozen=True)
class MetricValue:
    """One metric over a scope, averaged over replications with its 95% interval."""

    metric: str
    scope: str  # run | jurisdiction | matter | window
    subject: str  # '' for the run scope, else the jurisdiction / matter / window name
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0  # replications that produced a value

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SimulationResult:
    """Everything a run produced: options, inputs hash, cases, metrics, warnings."""

    options: SimOptions
    source_hash: str
    cases: CaseTable
    metrics: list[MetricValue]
    warnings: list[str] = field(default_factory=list)
    version: str = ""
    #: (scope, subject, metric) → the value of each replication (None where undefined), for
    #: paired comparisons with common random numbers (engine/compare.py).
    per_replication: dict[tuple[str, str, str], list[float | None]] = field(default_factory=dict)

    def metric(self, name: str, scope: str = "run", subject: str = "") -> MetricValue | None:
        for m in self.metrics:
            if m.metric == name and m.scope == scope and m.subject == subject:
                return m
        return None


def mean_ci(values: list[float]) -> tuple[float | None, float | None, float | None]:
    """Mean and 95% Student-t confidence interval of replication values."""
    xs = [v for v in values if v is not None and not math.isnan(v)]
    if not xs:
        return None, None, None
    m = sum(xs) / len(xs)
    if len(xs) < 2:
        return m, None, None
    from scipy.special import stdtrit  # lighter to import than scipy.stats

    var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1)
    half = float(stdtrit(len(xs) - 1, 0.975)) * math.sqrt(var / len(xs))
    return m, m - half, m + half

"""Metric values for scoring from three sources in one namespace: facts, the model, a run.

For a (jurisdiction, metric, as-of day) the value is, in this order:

1. an observed fact (事实): the latest `metric NAME value` line of the jurisdiction's facts
   blocks dated on or before the day (a later block restates a value; on the same date the
   block written later wins). A fact overrides a computed value of the same name.
2. a static metric computed from the model (`MetricSpec.compute`), or
3. a simulated metric of the jurisdiction from a simulation run (`--simulate`, `--run ID`).

Otherwise the value is missing (`Input.source == "missing"`). Findings (`findings C n`) and
events (`event E k`) are looked up the same way; when none is recorded they count 0
(`source == "default"`). Every value comes back as an `Input` saying where it came from.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from onewindow.dsl.model import Fact, Facts
from onewindow.dsl.resolve import Workspace
from onewindow.engine.results import MetricValue
from onewindow.engine.scoring.scorecard import Input, fmt
from onewindow.plugins.registry import PluginError, Registry

FactKey = tuple[str, str]  # (fact kind: value | findings | event, name)

NO_FINDINGS = "no findings recorded on or before the day: counts 0"
NO_EVENT = "no occurrence recorded on or before the day: counts 0"


class FactsIndex:
    """Facts blocks per jurisdiction, with a snapshot of what holds on a day."""

    def __init__(self, blocks: Mapping[str, list[Facts]], *, presorted: bool = False) -> None:
        self._blocks = (
            dict(blocks)
            if presorted
            else {k: sorted(v, key=lambda b: b.as_of) for k, v in blocks.items()}
        )
        self._snapshots: dict[tuple[str, dt.date], dict[FactKey, tuple[Fact, Facts]]] = {}
        self._last_key: tuple[str, dt.date] | None = None
        self._last: dict[FactKey, tuple[Fact, Facts]] = {}

    @classmethod
    def from_workspace(cls, ws: Workspace, extra: Iterable[Facts] = ()) -> FactsIndex:
        """Facts inside jurisdiction blocks, top-level `facts NAME as of …` blocks, then
        `extra` blocks (e.g. a `--facts` file), which win over earlier ones of the same date."""
        blocks: dict[str, list[Facts]] = {}
        for j in ws.jurisdictions.values():
            for b in j.facts:
                name = b.jurisdiction.name if b.jurisdiction is not None else j.name
                blocks.setdefault(name, []).append(b)
        for f in ws.files.values():
            for b in f.facts:
                if b.jurisdiction is not None:
                    blocks.setdefault(b.jurisdiction.name, []).append(b)
        for b in extra:
            if b.jurisdiction is not None:
                blocks.setdefault(b.jurisdiction.name, []).append(b)
        return cls(blocks)

    def replaced(self, jurisdiction: str, blocks: list[Facts]) -> FactsIndex:
        """A copy where `jurisdiction`'s facts are exactly `blocks` (used by in-file tests)."""
        new = dict(self._blocks)
        new[jurisdiction] = sorted(blocks, key=lambda b: b.as_of)
        return FactsIndex(new, presorted=True)

    def blocks(self, jurisdiction: str) -> list[Facts]:
        return list(self._blocks.get(jurisdiction, ()))

    def snapshot(self, jurisdiction: str, as_of: dt.date) -> dict[FactKey, tuple[Fact, Facts]]:
        """Each fact name's latest line dated on or before `as_of`, with its block."""
        key = (jurisdiction, as_of)
        if key == self._last_key:
            return self._last
        snap = self._snapshots.get(key)
        if snap is None:
            snap = {}
            for block in self._blocks.get(jurisdiction, ()):
                if block.as_of > as_of:
                    break
                for f in block.facts:
                    snap[(f.fact, f.name)] = (f, block)
            self._snapshots[key] = snap
        self._last_key, self._last = key, snap
        return snap


@dataclass(frozen=True)
class SimulatedValues:
    """Jurisdiction-scope metrics of one simulation run, looked up by (metric, jurisdiction)."""

    label: str
    values: Mapping[tuple[str, str], MetricValue]

    @classmethod
    def from_metrics(cls, label: str, metrics: Iterable[MetricValue]) -> SimulatedValues:
        return cls(label, {(m.metric, m.subject): m for m in metrics if m.scope == "jurisdiction"})

    def get(self, metric: str, jurisdiction: str) -> MetricValue | None:
        return self.values.get((metric, jurisdiction))


class MetricResolver:
    """Answers "what is metric M of jurisdiction J on the day" with an explained `Input`."""

    def __init__(
        self,
        ws: Workspace,
        registry: Registry,
        facts: FactsIndex,
        as_of: dt.date,
        simulated: SimulatedValues | None = None,
    ) -> None:
        self.ws = ws
        self.registry = registry
        self.facts = facts
        self.as_of = as_of
        self.simulated = simulated
        self._cache: dict[tuple[str, str, str | None], Input] = {}

    def metric(self, jurisdiction: str, name: str, subject: str | None = None) -> Input:
        """The metric's value: a fact, else computed (static) or from the run (simulated)."""
        key = (jurisdiction, name, subject)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._metric(jurisdiction, name, subject)
        return hit

    def findings(self, jurisdiction: str, name: str) -> Input:
        """`findings NAME n` of the facts in force; 0 (`default`) when none is recorded."""
        found = self.facts.snapshot(jurisdiction, self.as_of).get(("findings", name))
        if found is None:
            return Input("findings", name, 0.0, "default", NO_FINDINGS)
        fact, block = found
        return Input("findings", name, fact.value.value, "fact", "", fact.span, as_of=block.as_of)

    def events(self, jurisdiction: str, name: str) -> Input:
        """`event NAME k` of the facts in force; 0 (`default`) when none is recorded."""
        found = self.facts.snapshot(jurisdiction, self.as_of).get(("event", name))
        if found is None:
            return Input("event", name, 0.0, "default", NO_EVENT)
        fact, block = found
        return Input("event", name, fact.value.value, "fact", "", fact.span, as_of=block.as_of)

    # ------------------------------------------------------------ internals

    def _metric(self, jurisdiction: str, name: str, subject: str | None) -> Input:
        spec = self.registry.metrics.get(name)
        percent = bool(spec and spec.percent)
        if subject is None:
            found = self.facts.snapshot(jurisdiction, self.as_of).get(("value", name))
            if found is not None:
                fact, block = found
                return Input(
                    "metric",
                    name,
                    fact.value.value,
                    "fact",
                    "",
                    fact.span,
                    fact.value.percent or percent,
                    as_of=block.as_of,
                )
        if spec is None:
            return Input(
                "metric",
                name,
                None,
                "missing",
                "no loaded plugin provides this metric and no facts give it",
                subject=subject,
            )
        if spec.source == "static" and spec.compute is not None:
            value = self._compute(spec.compute, jurisdiction, name, subject)
            origin = f"computed from the model of {jurisdiction} as of {self.as_of.isoformat()}"
            if value is None:
                return Input(
                    "metric",
                    name,
                    None,
                    "missing",
                    origin + ": nothing to compute it from",
                    percent=percent,
                    subject=subject,
                )
            return Input("metric", name, value, "static", origin, None, percent, subject)
        if spec.source == "simulated":
            if self.simulated is None:
                return Input(
                    "metric",
                    name,
                    None,
                    "missing",
                    "a simulated metric and no simulation given (use --simulate or --run ID, "
                    "or give it in a facts block)",
                    percent=percent,
                    subject=subject,
                )
            mv = self.simulated.get(name, jurisdiction)
            if mv is None or mv.value is None:
                return Input(
                    "metric",
                    name,
                    None,
                    "missing",
                    f"{self.simulated.label} has no value for {jurisdiction}",
                    percent=percent,
                    subject=subject,
                )
            origin = f"{self.simulated.label}, {jurisdiction}"
            if mv.n > 1 and mv.ci_low is not None and mv.ci_high is not None:
                origin += (
                    f": mean of {mv.n} replications, 95% CI "
                    f"{fmt(mv.ci_low, percent)}–{fmt(mv.ci_high, percent)}"
                )
            return Input("metric", name, mv.value, "simulated", origin, None, percent, subject)
        return Input(
            "metric",
            name,
            None,
            "missing",
            f"no facts block of {jurisdiction} dated on or before "
            f"{self.as_of.isoformat()} gives it",
            percent=percent,
            subject=subject,
        )

    def _compute(self, compute, jurisdiction: str, name: str, subject: str | None) -> float | None:
        try:
            value = compute(self.ws, jurisdiction, self.as_of, subject)
        except PluginError:
            raise  # already names the plugin (the registry guards `compute`)
        except Exception as exc:  # a plugin's bug is named, never a bare traceback
            owner = self.registry.metric_owner.get(name, "?")
            raise PluginError(
                owner, "onewindow_metrics", f"metric '{name}' raised {type(exc).__name__}: {exc}"
            ) from exc
        if value is None:
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            owner = self.registry.metric_owner.get(name, "?")
            raise PluginError(
                owner, "onewindow_metrics", f"metric '{name}' returned {value!r}, not a number"
            ) from None
        return None if math.isnan(number) else number

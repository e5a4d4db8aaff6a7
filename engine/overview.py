"""The main job on a tree, as data: per district — contents, a simulated year, scores, targets.

`overview()` is what `onewindow summary PATH` prints on one screen: for each district-level
tree (a district and everything below it) what it contains, the key metrics of a simulated
year ending on the as-of day, the assessments it runs over its townships, and how its dated
targets stand. Views only format these rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from onewindow.dsl.model import Level
from onewindow.dsl.resolve import Workspace
from onewindow.engine.results import MetricValue, SimOptions
from onewindow.engine.scoring import ScoreReport, SimulatedValues, score_tree
from onewindow.engine.simulate import simulate
from onewindow.plugins.registry import Registry

#: Run-scope metrics shown per district.
KEY_METRICS = (
    "cases",
    "trips_le1_share",
    "zero_trip_share",
    "mean_wait_minutes",
    "on_time_rate",
    "local_share",
    "one_window_case_share",
)


@dataclass(frozen=True)
class DistrictRow:
    """One district-level tree: its contents, simulated year, assessments and targets."""

    name: str
    parent: str | None
    townships: int
    villages: int
    matters: int
    chains: int
    windows: int
    delegated_matters: int
    metrics: dict[str, float | None]
    assessments: list[dict[str, Any]]
    targets: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Overview:
    """The main job's result for a whole tree."""

    as_of: dt.date
    start: dt.date
    days: int
    seed: int
    districts: list[DistrictRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    report: ScoreReport | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "simulated": {"start": self.start.isoformat(), "days": self.days, "seed": self.seed},
            "districts": [d.as_dict() for d in self.districts],
            "warnings": self.warnings,
        }


def district_trees(ws: Workspace) -> list[str]:
    """Names of the district-level jurisdictions (区县), in tree order."""
    out = []

    def visit(name: str) -> None:
        j = ws.jurisdictions[name]
        if j.level is Level.district:
            out.append(name)
            return
        for child in sorted(ws.children.get(name, ())):
            visit(child)

    for root in sorted(ws.roots):
        visit(root)
    return out


def _assessment_rows(report: ScoreReport, members: set[str]) -> list[dict[str, Any]]:
    """For each assessment run inside the tree: jurisdictions scored, mean, lowest, flagged."""
    totals: dict[str, list[float]] = {}
    for card in report.scorecards:
        if card.jurisdiction not in members:
            continue
        for a in card.assessments:
            if a.owner in members:
                totals.setdefault(a.name, []).append(a.total)
    flagged: dict[str, list[str]] = {}
    for r in report.rankings:
        if r.owner in members:
            flagged.setdefault(r.assessment, []).extend(r.flagged)
    return [
        {
            "assessment": name,
            "scored": len(values),
            "mean": sum(values) / len(values),
            "lowest": min(values),
            "highest": max(values),
            "flagged": flagged.get(name, []),
        }
        for name, values in totals.items()
    ]


def overview(
    ws: Workspace,
    registry: Registry,
    as_of: dt.date,
    *,
    days: int = 365,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Overview:
    """Simulate the year up to `as_of` for every district tree, score it, summarise it."""
    start = as_of - dt.timedelta(days=days - 1)
    result = Overview(as_of=as_of, start=start, days=days, seed=seed)
    districts = district_trees(ws)
    per_jurisdiction: list[MetricValue] = []
    runs: dict[str, dict[str, float | None]] = {}
    for name in districts:
        if progress is not None:
            progress(name)
        members = (name, *(j.name for j in ws.descendants(name)))
        sim = simulate(
            ws,
            registry,
            SimOptions(start=start, days=days, seed=seed, as_of=as_of, jurisdictions=members),
        )
        per_jurisdiction.extend(m for m in sim.metrics if m.scope == "jurisdiction")
        runs[name] = {k: (m.value if (m := sim.metric(k)) else None) for k in KEY_METRICS}
        result.warnings.extend(w for w in sim.warnings if w not in result.warnings)
    simulated = SimulatedValues.from_metrics(
        f"simulated year to {as_of.isoformat()}", per_jurisdiction
    )
    report = score_tree(ws, registry, as_of, simulated=simulated)
    result.report = report
    for name in districts:
        j = ws.jurisdictions[name]
        below = list(ws.descendants(name))
        members = {name, *(b.name for b in below)}
        statuses = Counter(t.status for t in report.targets if t.jurisdiction in members)
        result.districts.append(
            DistrictRow(
                name=name,
                parent=j.parent.name if j.parent else None,
                townships=sum(b.level is Level.township for b in below),
                villages=sum(b.level is Level.village for b in below),
                matters=len(j.matters),
                chains=len(j.chains) + sum(len(b.chains) for b in below),
                windows=sum(len(h.windows) for x in (j, *below) for h in x.halls),
                delegated_matters=len(ws.delegated_out(name, as_of)),
                metrics=runs[name],
                assessments=_assessment_rows(report, members),
                targets={k: statuses.get(k, 0) for k in ("met", "missed", "pending")},
            )
        )
    return result

"""What-if comparison (方案比较): a base tree and a variant, simulated with common random numbers.

Both sides run with the same `SimOptions` (seed, replications, horizon), so replication r of
the variant draws the same random numbers as replication r of the base wherever the two
trees agree (engine/sim/replication.py seeds each hall by seed, replication and identity).
Every difference is therefore estimated from PAIRED replications:

- simulated metrics: d_r = variant_r − base_r for each replication r where both sides have a
  value; the difference is the mean of d_r and its 95% interval the Student-t interval of
  the d_r (`results.mean_ci`). A difference is *significant* when its interval excludes 0.
  With fewer than 2 pairs there is no interval, and nothing is marked significant.
- static metrics (computed from the model) are exact: the difference is plain and
  significant exactly when it is not 0 (a value that is the same in every replication has
  a zero-width interval).
- scores (考核得分: assessment and category points, target statuses) are scored once per
  replication with that replication's simulated values and compared like simulated metrics
  when they read a simulated metric; otherwise they are exact, like static metrics. A
  target's value is the share of replications in which it is met (0–100).

`base` and `variant` of a row are each side's mean over its replications (for exact rows,
the value); `n` is the number of paired replications behind the interval.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from onewindow.dsl.resolve import Workspace
from onewindow.engine.results import MetricValue, SimOptions, SimulationResult, mean_ci
from onewindow.plugins.registry import Registry

RowKind = Literal["simulated", "static", "score", "target"]

#: Order of row groups: kind first, then scope.
KIND_ORDER: tuple[RowKind, ...] = ("score", "target", "static", "simulated")
SCOPE_ORDER = ("run", "jurisdiction", "matter", "window", "assessment", "category")

Key = tuple[str, str, str]  # (scope, subject, name)


@dataclass(frozen=True)
class ComparisonRow:
    """One metric or score on both sides, with the paired difference and its 95% interval.

    `name` is a metric name, or a score line without its jurisdiction (`六统一`,
    `六统一/统一建设要求`, `target:one_window_share@L12`); `subject` the run ('' ), a
    jurisdiction, matter or window. `exact` rows are deterministic (no sampling error).
    `base_status`/`variant_status` are set for targets: met, missed, pending, or mixed.
    """

    kind: RowKind
    name: str
    scope: str
    subject: str
    base: float | None
    variant: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    significant: bool
    n: int
    exact: bool = False
    percent: bool = False
    base_status: str | None = None
    variant_status: str | None = None

    @property
    def changed(self) -> bool:
        """The values differ (or one side has none)."""
        if self.base is None and self.variant is None:
            return self.base_status != self.variant_status
        if self.difference is None:
            return True
        return self.difference != 0 or self.base_status != self.variant_status

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "scope": self.scope,
            "subject": self.subject,
            "base": self.base,
            "variant": self.variant,
            "difference": self.difference,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "significant": self.significant,
            "n": self.n,
            "exact": self.exact,
            "percent": self.percent,
            "base_status": self.base_status,
            "variant_status": self.variant_status,
        }


@dataclass
class Comparison:
    """A base and a variant compared row by row (metrics, static metrics, scores)."""

    base_label: str
    variant_label: str
    options: SimOptions
    rows: list[ComparisonRow]
    warnings: list[str] = field(default_factory=list)
    base_result: SimulationResult | None = None
    variant_result: SimulationResult | None = None

    def row(
        self, name: str, scope: str = "run", subject: str = "", kind: RowKind | None = None
    ) -> ComparisonRow | None:
        for r in self.rows:
            found = r.name == name and r.scope == scope and r.subject == subject
            if found and (kind is None or r.kind == kind):
                return r
        return None

    @property
    def significant(self) -> list[ComparisonRow]:
        return [r for r in self.rows if r.significant]

    def as_dict(self) -> dict[str, Any]:
        return {
            "base": self.base_label,
            "variant": self.variant_label,
            "options": self.options.as_dict(),
            "paired": True,
            "confidence": 0.95,
            "warnings": list(self.warnings),
            "rows": [r.as_dict() for r in self.rows],
        }


# ---------------------------------------------------------------- differences


def _finite(v: float | None) -> float | None:
    return None if v is None or math.isnan(v) else v


def _mean(values: Iterable[float | None]) -> float | None:
    xs = [v for v in values if _finite(v) is not None]
    return sum(xs) / len(xs) if xs else None  # type: ignore[arg-type]


def paired_row(
    kind: RowKind,
    name: str,
    scope: str,
    subject: str,
    base: Sequence[float | None] | None,
    variant: Sequence[float | None] | None,
    percent: bool = False,
) -> ComparisonRow:
    """Compare per-replication values pairwise (replication r with replication r).

    `None` for a whole side means the subject does not exist there (no difference).
    """
    b_mean = _mean(base) if base is not None else None
    v_mean = _mean(variant) if variant is not None else None
    diffs: list[float] = []
    if base is not None and variant is not None:
        for b, v in zip(base, variant, strict=False):
            b, v = _finite(b), _finite(v)
            if b is not None and v is not None:
                diffs.append(v - b)
    diff, low, high = mean_ci(diffs) if diffs else (None, None, None)
    significant = low is not None and high is not None and (low > 0 or high < 0)
    return ComparisonRow(
        kind,
        name,
        scope,
        subject,
        b_mean,
        v_mean,
        diff,
        low,
        high,
        significant,
        len(diffs),
        percent=percent,
    )


def exact_row(
    kind: RowKind,
    name: str,
    scope: str,
    subject: str,
    base: float | None,
    variant: float | None,
    percent: bool = False,
    statuses: tuple[str | None, str | None] = (None, None),
) -> ComparisonRow:
    """Compare deterministic values: a plain difference, significant when it is not 0."""
    base, variant = _finite(base), _finite(variant)
    diff = None if base is None or variant is None else variant - base
    return ComparisonRow(
        kind,
        name,
        scope,
        subject,
        base,
        variant,
        diff,
        diff,
        diff,
        diff is not None and diff != 0,
        0,
        exact=True,
        percent=percent,
        base_status=statuses[0],
        variant_status=statuses[1],
    )


def _keys(a: Iterable[Key], b: Iterable[Key]) -> list[Key]:
    """Keys of both sides, base order first, then keys only the variant has."""
    return list(dict.fromkeys([*a, *b]))


def compare_simulations(
    base: SimulationResult, variant: SimulationResult, percent: Callable[[str], bool] | None = None
) -> list[ComparisonRow]:
    """Rows of every simulated metric in either result, paired by replication.

    Raises ValueError when the runs do not share their random numbers (other seed,
    replications, start or horizon): paired differences would be meaningless.
    """
    a, b = base.options, variant.options
    if (a.seed, a.replications, a.start, a.days) != (b.seed, b.replications, b.start, b.days):
        raise ValueError(
            "the two runs do not share random numbers: seed, replications, start and days "
            "must be equal for a paired comparison"
        )
    is_percent = percent or (lambda _name: False)
    rows = []
    for scope, subject, metric in _keys(base.per_replication, variant.per_replication):
        key = (scope, subject, metric)
        rows.append(
            paired_row(
                "simulated",
                metric,
                scope,
                subject,
                base.per_replication.get(key),
                variant.per_replication.get(key),
                is_percent(metric),
            )
        )
    return rows


def compare_static(
    base_ws: Workspace,
    variant_ws: Workspace,
    registry: Registry,
    as_of: dt.date | None,
    jurisdictions: Sequence[str],
) -> list[ComparisonRow]:
    """Rows of every static metric (computed from the model) of each jurisdiction.

    Raises PluginError when a plugin's metric fails (the registry names the plugin).
    """
    specs = [s for s in registry.metrics.values() if s.source == "static" and s.compute]
    rows = []
    for name in jurisdictions:
        for spec in specs:
            values = []
            for ws in (base_ws, variant_ws):
                if name not in ws.jurisdictions:
                    values.append(None)
                    continue
                value = spec.compute(ws, name, as_of, None)  # type: ignore[misc]
                values.append(None if value is None else float(value))
            if values[0] is None and values[1] is None:
                continue
            rows.append(
                exact_row("static", spec.name, "jurisdiction", name, *values, percent=spec.percent)
            )
    return rows


# ---------------------------------------------------------------- scores


@dataclass
class _ScoreLine:
    values: list[float | None]
    statuses: list[str]
    simulated: bool
    percent: bool = False


def replication_metrics(result: SimulationResult, rep: int) -> list[MetricValue]:
    """Jurisdiction-scope metrics of one replication, as scoring reads them."""
    out = []
    for (scope, subject, metric), values in result.per_replication.items():
        if scope != "jurisdiction" or rep >= len(values):
            continue
        out.append(MetricValue(metric, scope, subject, values[rep], n=1))
    return out


def _reads_simulated(item: Any) -> bool:
    return any(i.source == "simulated" for i in item.explanation.inputs)


def _score_lines(report: Any) -> dict[Key, tuple[float | None, str | None, bool, bool]]:
    """(scope, jurisdiction, line) → (value, status, reads a simulated metric, percent).

    An assessment reads a simulated metric when one of its rules does, or one of the
    assessments folded into it does.
    """
    out: dict[Key, tuple[float | None, str | None, bool, bool]] = {}
    own: dict[str, bool] = {}
    folded: dict[str, list[str]] = {}
    for card in report.scorecards:
        for a in card.assessments:
            own[a.id] = any(_reads_simulated(i) for c in a.categories for i in c.items) or any(
                _reads_simulated(i) for i in a.items
            )
            folded[a.id] = [
                f"{card.jurisdiction}/{i.name}"
                for item in a.items
                for i in item.explanation.inputs
                if i.kind == "score"
            ]

    def depends(line_id: str, seen: frozenset[str] = frozenset()) -> bool:
        if line_id in seen:
            return False
        return own.get(line_id, False) or any(
            depends(child, seen | {line_id}) for child in folded.get(line_id, ())
        )

    for card in report.scorecards:
        for a in card.assessments:
            for c in a.categories:
                sim = any(_reads_simulated(i) for i in c.items)
                out[("category", card.jurisdiction, c.id.split("/", 1)[1])] = (
                    c.points,
                    None,
                    sim,
                    False,
                )
            out[("assessment", card.jurisdiction, a.name)] = (a.total, None, depends(a.id), False)
    for t in report.targets:
        met = {"met": 100.0, "missed": 0.0}.get(t.status)
        sim = t.measured.source == "simulated"
        out[("target", t.jurisdiction, t.id.split("/", 1)[1])] = (met, t.status, sim, True)
    return out


def _status(statuses: list[str]) -> str | None:
    found = set(statuses)
    if not found:
        return None
    return statuses[0] if len(found) == 1 else "mixed"


def _collect(reports: list[Any]) -> dict[Key, _ScoreLine]:
    lines: dict[Key, _ScoreLine] = {}
    for r, report in enumerate(reports):
        for key, (value, status, sim, percent) in _score_lines(report).items():
            line = lines.get(key)
            if line is None:
                line = lines[key] = _ScoreLine([None] * len(reports), [], False, percent)
            line.values[r] = value
            if status is not None:
                line.statuses.append(status)
            line.simulated = line.simulated or sim
    return lines


def compare_score_reports(base: list[Any], variant: list[Any]) -> list[ComparisonRow]:
    """Rows of every score line: `base[r]` and `variant[r]` are the ScoreReports of
    replication r (`engine.scoring.score.score_tree`). Exact when no side reads a
    simulated metric (then replication 0 is used), paired otherwise."""
    b, v = _collect(base), _collect(variant)
    rows = []
    for key in _keys(b, v):
        scope, subject, name = key
        bl, vl = b.get(key), v.get(key)
        kind: RowKind = "target" if scope == "target" else "score"
        scope_name = "jurisdiction" if scope == "target" else scope
        percent = (bl or vl).percent  # type: ignore[union-attr]
        statuses = (_status(bl.statuses) if bl else None, _status(vl.statuses) if vl else None)
        if (bl is None or not bl.simulated) and (vl is None or not vl.simulated):
            rows.append(
                exact_row(
                    kind,
                    name,
                    scope_name,
                    subject,
                    bl.values[0] if bl else None,
                    vl.values[0] if vl else None,
                    percent,
                    statuses,
                )
            )
            continue
        row = paired_row(
            kind,
            name,
            scope_name,
            subject,
            bl.values if bl else None,
            vl.values if vl else None,
            percent,
        )
        rows.append(replace(row, base_status=statuses[0], variant_status=statuses[1]))
    return rows


def score_replications(
    ws: Workspace,
    registry: Registry,
    result: SimulationResult,
    as_of: dt.date,
    label: str,
    jurisdictions: Sequence[str] | None = None,
) -> list[Any]:
    """One ScoreReport per replication, each with that replication's simulated values.

    Raises ScoringError (a rule kind no plugin provides) or PluginError.
    """
    from onewindow.engine.scoring.metrics import SimulatedValues
    from onewindow.engine.scoring.score import score_tree

    reports = []
    for rep in range(result.options.replications):
        simulated = SimulatedValues.from_metrics(
            f"{label}, replication {rep + 1}", replication_metrics(result, rep)
        )
        reports.append(
            score_tree(ws, registry, as_of, simulated=simulated, jurisdictions=jurisdictions)
        )
    return reports


# ---------------------------------------------------------------- the whole comparison


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a checked tree and the plugins it was checked with."""

    label: str
    workspace: Workspace
    registry: Registry


def scored_jurisdictions(ws: Workspace, only: Sequence[str] = ()) -> list[str]:
    """Jurisdictions whose static metrics and scores are compared: `only`, else those
    declared in the requested files (all when none were requested)."""
    if only:
        return [n for n in ws.jurisdictions if n in set(only)]
    if not ws.requested:
        return list(ws.jurisdictions)
    return [n for n, j in ws.jurisdictions.items() if j.file in ws.requested]


def sort_rows(rows: Iterable[ComparisonRow]) -> list[ComparisonRow]:
    """Scores first, then static and simulated metrics; by scope; stable otherwise."""

    def key(r: ComparisonRow) -> tuple[int, int]:
        scope = SCOPE_ORDER.index(r.scope) if r.scope in SCOPE_ORDER else len(SCOPE_ORDER)
        return KIND_ORDER.index(r.kind), scope

    return sorted(rows, key=key)


def run_comparison(
    base: Side,
    variant: Side,
    options: SimOptions,
    progress: Callable[[str, int, int], None] | None = None,
    scores: bool = True,
) -> Comparison:
    """Simulate both sides with the same options (common random numbers), score them per
    replication, and compare every metric and score.

    `progress(side_label, done, total)` follows each simulation. Raises what `simulate` and
    `score_tree` raise for user mistakes (CalendarError, PluginError, ScoringError).
    """
    from onewindow.engine.simulate import simulate

    results = []
    for side in (base, variant):

        def tick(done: int, total: int, label: str = side.label) -> None:
            if progress is not None:
                progress(label, done, total)

        results.append(simulate(side.workspace, side.registry, options, progress=tick))
    b_res, v_res = results
    specs = {**variant.registry.metrics, **base.registry.metrics}

    def is_percent(name: str) -> bool:
        spec = specs.get(name)
        return bool(spec and spec.percent)

    as_of = options.as_of or options.start
    names = list(
        dict.fromkeys(
            scored_jurisdictions(base.workspace, options.jurisdictions)
            + scored_jurisdictions(variant.workspace, options.jurisdictions)
        )
    )
    rows = compare_simulations(b_res, v_res, is_percent)
    rows += compare_static(base.workspace, variant.workspace, base.registry, as_of, names)
    if scores:
        b_scores = score_replications(
            base.workspace, base.registry, b_res, as_of, base.label, names
        )
        v_scores = score_replications(
            variant.workspace, variant.registry, v_res, as_of, variant.label, names
        )
        rows += compare_score_reports(b_scores, v_scores)
    warnings = list(dict.fromkeys([*b_res.warnings, *v_res.warnings]))
    return Comparison(
        base.label,
        variant.label,
        options,
        sort_rows(rows),
        warnings,
        b_res,
        v_res,
    )

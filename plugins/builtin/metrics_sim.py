"""Built-in simulated metrics: names the intake simulation reports for each run."""

from __future__ import annotations

from onewindow.plugins.api import MetricSpec
from onewindow.plugins.hookspecs import hookimpl

SPECS: list[MetricSpec] = [
    MetricSpec("cases", "simulated", "cases simulated (arrivals)", "cases"),
    MetricSpec("cases_decided", "simulated", "cases decided in a week of the run", "cases"),
    MetricSpec(
        "unserved_share", "simulated", "share of applicants no window could accept", "%", True
    ),
    MetricSpec("trips_0_share", "simulated", "share of cases with no trip", "%", True),
    MetricSpec("trips_1_share", "simulated", "share of cases with exactly one trip", "%", True),
    MetricSpec("trips_2_share", "simulated", "share of cases with two trips", "%", True),
    MetricSpec(
        "trips_3plus_share", "simulated", "share of cases with three trips or more", "%", True
    ),
    MetricSpec(
        "trips_le1_share",
        "simulated",
        "share of cases with at most one trip (最多跑一次)",
        "%",
        True,
    ),
    MetricSpec("zero_trip_share", "simulated", "share of cases with no trip (零上门)", "%", True),
    MetricSpec("mean_trips", "simulated", "mean trips per case", "trips"),
    MetricSpec("mean_wait_minutes", "simulated", "mean queue wait at the window", "minutes"),
    MetricSpec("p90_wait_minutes", "simulated", "90th percentile of the queue wait", "minutes"),
    MetricSpec("window_utilisation", "simulated", "busy share of window staff time", "%", True),
    MetricSpec(
        "on_time_rate", "simulated", "share of cases decided by their promised deadline", "%", True
    ),
    MetricSpec(
        "mean_decision_workdays",
        "simulated",
        "mean working days from acceptance to decision",
        "workdays",
    ),
    MetricSpec(
        "local_share",
        "simulated",
        "share of cases handled at township or village level (就近办)",
        "%",
        True,
    ),
    MetricSpec(
        "one_window_case_share",
        "simulated",
        "share of cases accepted at a one-window counter",
        "%",
        True,
    ),
    MetricSpec(
        "immediate_case_share",
        "simulated",
        "share of cases finished at once (即来即办办件比例)",
        "%",
        True,
    ),
]


@hookimpl
def onewindow_metrics() -> list[MetricSpec]:
    return SPECS

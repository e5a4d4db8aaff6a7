"""Built-in static metrics: computed from the model alone (no simulation, no facts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from onewindow.dsl.model import Handling, LimitKind, OnlineDepth, TimeUnit, WindowKind
from onewindow.dsl.resolve import Workspace
from onewindow.engine.dated import limit_on
from onewindow.plugins.api import MetricSpec
from onewindow.plugins.hookspecs import hookimpl

ONE_WINDOW_KINDS = {WindowKind.comprehensive, WindowKind.all_round, WindowKind.online_agency}


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def _matters(ws: Workspace, name: str, as_of: dt.date | None):
    return list(ws.handled_matters(name, as_of).values())


def immediate_matter_share(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    ms = _matters(ws, name, as_of)
    return _share(sum(m.handling is Handling.immediate for m in ms), len(ms))


def one_window_share(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    """Share of matters accepted at a comprehensive, all-round or online-agency window (一窗受理)."""
    ms = _matters(ws, name, as_of)
    covered: set[str] = set()
    for h in ws.jurisdictions[name].halls:
        for w in h.windows:
            if w.kind_of in ONE_WINDOW_KINDS:
                domains = {d.name for d in w.domains}
                covered.update(m.name for m in ms if m.domain and m.domain.name in domains)
                covered.update(r.name for r in w.matters)
                if w.kind_of is WindowKind.all_round and not w.domains and not w.matters:
                    covered.update(m.name for m in ms)
    return _share(sum(m.name in covered for m in ms), len(ms))


def one_trip_matter_count(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    return float(sum(1 for m in _matters(ws, name, as_of) if m.trips is not None and m.trips <= 1))


def one_trip_matter_share(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    ms = _matters(ws, name, as_of)
    return _share(sum(m.trips is not None and m.trips <= 1 for m in ms), len(ms))


def zero_trip_matter_share(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    ms = _matters(ws, name, as_of)
    return _share(sum(m.trips == 0 for m in ms), len(ms))


def online_full_share(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    ms = _matters(ws, name, as_of)
    return _share(sum(m.online is OnlineDepth.full for m in ms), len(ms))


def deferrable_matter_share(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    ms = _matters(ws, name, as_of)
    return _share(sum(any(x.deferrable for x in m.materials) for m in ms), len(ms))


def materials_per_matter(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    ms = _matters(ws, name, as_of)
    return None if not ms else sum(len(m.materials) for m in ms) / len(ms)


def matter_count(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    return float(len(_matters(ws, name, as_of)))


def delegated_matter_count(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    return float(len({i.matter.name for i in ws.delegated_in(name, as_of)}))


def promised_workdays(ws: Workspace, name: str, as_of: dt.date | None, subject=None):
    """Promised limit in workdays of a matter or chain (`target promised_workdays of X`)."""
    if subject is None:
        return None
    node = ws.handled_matters(name, as_of).get(subject) or ws.chains(name).get(subject)
    if node is None:
        return None
    best = limit_on(
        (lim for lim in node.limits if lim.unit is TimeUnit.workdays),
        LimitKind.promised,
        as_of or dt.date.max,
    )
    return None if best is None else best.amount


def _window_count(kind: WindowKind) -> Callable[..., float]:
    def count(ws: Workspace, name: str, as_of: dt.date | None, subject=None) -> float:
        return float(
            sum(w.kind_of is kind for h in ws.jurisdictions[name].halls for w in h.windows)
        )

    count.__doc__ = f"Number of {kind.value} windows in the jurisdiction's halls."
    return count


SPECS: list[MetricSpec] = [
    MetricSpec(
        "immediate_matter_share",
        "static",
        "share of matters handled immediately (即办件)",
        "%",
        True,
        immediate_matter_share,
    ),
    MetricSpec(
        "one_window_share",
        "static",
        "share of matters accepted at a comprehensive window (一窗受理)",
        "%",
        True,
        one_window_share,
    ),
    MetricSpec(
        "one_trip_matter_count",
        "static",
        "matters promising at most one trip (最多跑一次)",
        "matters",
        False,
        one_trip_matter_count,
    ),
    MetricSpec(
        "one_trip_matter_share",
        "static",
        "share of matters promising at most one trip",
        "%",
        True,
        one_trip_matter_share,
    ),
    MetricSpec(
        "zero_trip_matter_share",
        "static",
        "share of matters needing no trip (零上门)",
        "%",
        True,
        zero_trip_matter_share,
    ),
    MetricSpec(
        "online_full_share",
        "static",
        "share of matters fully online (全程网办)",
        "%",
        True,
        online_full_share,
    ),
    MetricSpec(
        "deferrable_matter_share",
        "static",
        "share of matters with a deferrable material (容缺受理)",
        "%",
        True,
        deferrable_matter_share,
    ),
    MetricSpec(
        "materials_per_matter",
        "static",
        "average number of materials per matter",
        "materials",
        False,
        materials_per_matter,
    ),
    MetricSpec(
        "matter_count",
        "static",
        "matters handled (own and delegated)",
        "matters",
        False,
        matter_count,
    ),
    MetricSpec(
        "delegated_matter_count",
        "static",
        "matters delegated in from above (下放事项)",
        "matters",
        False,
        delegated_matter_count,
    ),
    MetricSpec(
        "promised_workdays",
        "static",
        "promised limit of a matter or chain: 'promised_workdays of NAME'",
        "workdays",
        False,
        promised_workdays,
    ),
    *(
        MetricSpec(
            f"windows_{k.value.replace('-', '_')}",
            "static",
            f"number of {k.value} windows",
            "windows",
            False,
            _window_count(k),
        )
        for k in WindowKind
    ),
]


@hookimpl
def onewindow_metrics() -> list[MetricSpec]:
    return SPECS

"""How numbers, dates and dated items read on screen (text only: nothing is computed here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from onewindow.dsl.model import Dated, Limit, Quantity
from onewindow.engine.results import MetricValue


def number(value: float | None, spec: Any = None, unit: bool = True) -> str:
    """A metric value: percentages with %, whole numbers plain, others with two decimals."""
    if value is None:
        return "—"
    if spec is not None and getattr(spec, "percent", False):
        return f"{value:.1f}%"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    name = getattr(spec, "unit", "") if spec is not None and unit else ""
    return f"{text} {name}" if name and name != "%" else text


def interval(m: MetricValue, spec: Any = None) -> str:
    """The 95% confidence interval of a metric, or a dash with a single replication."""
    if m.ci_low is None or m.ci_high is None:
        return "—"
    return f"{number(m.ci_low, spec, False)} – {number(m.ci_high, spec, False)}"


def quantity(q: Quantity | None) -> str:
    if q is None:
        return "—"
    return f"{q.value:g}{'%' if q.percent else ''}"


def day(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "—"


def dated(item: Dated) -> str:
    """`from 2019-09-16`, `by 2019-12-31`, or '' for an undated item."""
    if item.valid_from is not None:
        return f"from {item.valid_from.isoformat()}"
    if item.due_by is not None:
        return f"by {item.due_by.isoformat()}"
    return ""


def limit(item: Limit) -> str:
    """`3 workdays from 2019-01-01` (a time limit, 办理时限, as written)."""
    unit = item.unit.value[:-1] if item.amount == 1 else item.unit.value  # 1 workday
    text = f"{item.amount:g} {unit}"
    when = dated(item)
    return f"{text} {when}" if when else text


def join(values: Any, empty: str = "—") -> str:
    items = [str(v) for v in values]
    return ", ".join(items) if items else empty

"""What holds on a day: dated values (`from DATE`, `by DATE`) and target statuses (目标).

The one place the engine asks "what holds as of this day?". Rules:

- An item with `from D` is in force from day D (inclusive). An item with `by D` and no
  `from` must be in place by day D, so it is in force from D (inclusive). An undated item is
  always in force.
- Among several items of the same kind in force (e.g. two `limit promised …` lines), the
  one that took effect last wins; on the same date, the one written later wins.
- `as_of` is read as the end of that day: facts dated `as of 2019-12-31` describe that
  day's close, so the `by` day itself counts as passed. A target `by 2018-12-31` is
  *pending* up to 2018-12-30 and judged (*met* or *missed*) from 2018-12-31 on.
- A target with no `by` date is judged on the as-of day. A target with a `from` date
  later than the as-of day is pending (not yet in force).
- A judged target with no measured value is *missed* (the reason says so): a target has
  to be shown to be met.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from onewindow.dsl.model import Comparison, Dated, Limit, LimitKind, Target

T = TypeVar("T", bound=Dated)
K = TypeVar("K", bound=Hashable)


def effective_from(item: Dated) -> dt.date | None:
    """The first day `item` holds: its `from` date, else its `by` date, else None (always)."""
    return item.valid_from if item.valid_from is not None else item.due_by


def in_force(item: Dated, as_of: dt.date) -> bool:
    """True when `item` holds on `as_of`."""
    start = effective_from(item)
    return start is None or start <= as_of


def all_in_force(items: Iterable[T], as_of: dt.date) -> list[T]:
    """Every item that holds on `as_of`, in their written order (e.g. delegations, 下放)."""
    return [i for i in items if in_force(i, as_of)]


def value_on(items: Iterable[T], as_of: dt.date) -> T | None:
    """The item in force on `as_of` among alternatives: latest start wins, then latest
    written; None when none holds yet."""
    best: T | None = None
    best_key: tuple[dt.date, int] | None = None
    for pos, item in enumerate(items):
        if not in_force(item, as_of):
            continue
        key = (effective_from(item) or dt.date.min, pos)
        if best_key is None or key >= best_key:
            best, best_key = item, key
    return best


def values_on(items: Iterable[T], as_of: dt.date, key: Callable[[T], K]) -> dict[K, T]:
    """`value_on` per group: e.g. one limit per kind (legal 法定, promised 承诺)."""
    groups: dict[K, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    out: dict[K, T] = {}
    for k, group in groups.items():
        found = value_on(group, as_of)
        if found is not None:
            out[k] = found
    return out


def limit_on(limits: Iterable[Limit], kind: LimitKind | str, as_of: dt.date) -> Limit | None:
    """The legal or promised time limit (办理时限) of a matter or chain in force on `as_of`."""
    wanted = LimitKind(kind)
    return value_on((x for x in limits if x.kind is wanted), as_of)


def limits_on(limits: Iterable[Limit], as_of: dt.date) -> dict[LimitKind, Limit]:
    """Every kind of time limit in force on `as_of`."""
    return values_on(limits, as_of, key=lambda x: x.kind)


# ---------------------------------------------------------------- targets


class TargetStatus(StrEnum):
    """Where a dated target stands on the as-of day."""

    pending = "pending"
    met = "met"
    missed = "missed"


def compare(measured: float, op: Comparison | str, value: float) -> bool:
    """`measured OP value`; `=` allows a rounding error of 1e-9."""
    op = Comparison(op)
    if op is Comparison.ge:
        return measured >= value
    if op is Comparison.le:
        return measured <= value
    if op is Comparison.gt:
        return measured > value
    if op is Comparison.lt:
        return measured < value
    return math.isclose(measured, value, rel_tol=1e-9, abs_tol=1e-9)


@dataclass(frozen=True)
class TargetJudgement:
    """A target's status on a day, with the inputs and a sentence saying why."""

    target: Target
    status: TargetStatus
    as_of: dt.date
    measured: float | None
    judged_on: dt.date | None
    currently_met: bool | None
    reason: str


def _target_text(target: Target) -> str:
    unit = "%" if target.value.percent else ""
    subject = f" of {target.subject.name}" if target.subject is not None else ""
    return f"{target.metric.name}{subject} {target.op.value} {target.value.value:g}{unit}"


def judge_target(target: Target, measured: float | None, as_of: dt.date) -> TargetJudgement:
    """Judge `target` on `as_of` given the measured value of its metric (None: unknown).

    `measured` is in the unit the target is written in (a share written `60%` compares
    against 60, not 0.6). Pending until the `by` day (inclusive, see the module docstring).
    """
    text = _target_text(target)
    current = None if measured is None else compare(measured, target.op, target.value.value)
    if target.valid_from is not None and as_of < target.valid_from:
        return TargetJudgement(
            target,
            TargetStatus.pending,
            as_of,
            measured,
            None,
            current,
            f"{text}: not in force until {target.valid_from.isoformat()}",
        )
    if target.due_by is not None and as_of < target.due_by:
        return TargetJudgement(
            target,
            TargetStatus.pending,
            as_of,
            measured,
            None,
            current,
            f"{text}: due by {target.due_by.isoformat()}, not yet passed on {as_of.isoformat()}",
        )
    judged_on = target.due_by or as_of
    if measured is None:
        return TargetJudgement(
            target,
            TargetStatus.missed,
            as_of,
            None,
            judged_on,
            None,
            f"{text}: no measured value of {target.metric.name} (counted as missed)",
        )
    status = TargetStatus.met if current else TargetStatus.missed
    return TargetJudgement(
        target,
        status,
        as_of,
        measured,
        judged_on,
        current,
        f"{text}: measured {measured:g} → {status.value}",
    )


def target_status(target: Target, measured: float | None, as_of: dt.date) -> TargetStatus:
    """Just the status of `judge_target`."""
    return judge_target(target, measured, as_of).status

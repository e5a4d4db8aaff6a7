"""Dated values (`from` / `by`) and target statuses on an as-of day."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.dsl.check import check
from onewindow.dsl.model import (
    UNKNOWN_SPAN,
    Comparison,
    Limit,
    LimitKind,
    Quantity,
    Ref,
    Target,
)
from onewindow.engine.dated import (
    TargetStatus,
    all_in_force,
    compare,
    effective_from,
    in_force,
    judge_target,
    limit_on,
    limits_on,
    target_status,
    value_on,
)
from tests.conftest import FIXTURES

D = dt.date


def limit(amount: float, kind: str = "promised", **dates: dt.date) -> Limit:
    return Limit(kind=LimitKind(kind), amount=amount, span=UNKNOWN_SPAN, **dates)


def target(
    value: float, op: str = ">=", percent: bool = True, metric: str = "one_window_share", **dates
) -> Target:
    return Target(
        metric=Ref(name=metric, span=UNKNOWN_SPAN),
        op=Comparison(op),
        value=Quantity(value=value, percent=percent, span=UNKNOWN_SPAN),
        span=UNKNOWN_SPAN,
        **dates,
    )


# ---------------------------------------------------------------- values in force


def test_effective_from() -> None:
    assert effective_from(limit(3)) is None
    assert effective_from(limit(3, valid_from=D(2019, 1, 1))) == D(2019, 1, 1)
    assert effective_from(limit(3, due_by=D(2019, 12, 31))) == D(2019, 12, 31)
    both = limit(3, valid_from=D(2019, 1, 1), due_by=D(2019, 12, 31))
    assert effective_from(both) == D(2019, 1, 1)


def test_from_date_is_inclusive() -> None:
    item = limit(3, valid_from=D(2019, 1, 1))
    assert not in_force(item, D(2018, 12, 31))
    assert in_force(item, D(2019, 1, 1))


def test_later_start_wins() -> None:
    old, new = limit(5), limit(3, valid_from=D(2019, 1, 1))
    assert value_on([new, old], D(2018, 12, 31)) is old
    assert value_on([new, old], D(2019, 1, 1)) is new
    assert value_on([old, new], D(2020, 6, 1)) is new


def test_by_date_holds_from_that_day() -> None:
    old, goal = limit(5), limit(2, due_by=D(2019, 12, 31))
    assert value_on([old, goal], D(2019, 12, 30)) is old
    assert value_on([old, goal], D(2019, 12, 31)) is goal


def test_same_date_later_written_wins() -> None:
    a, b = limit(5, valid_from=D(2019, 1, 1)), limit(4, valid_from=D(2019, 1, 1))
    assert value_on([a, b], D(2019, 6, 1)) is b
    assert value_on([b, a], D(2019, 6, 1)) is a


def test_nothing_in_force_yet() -> None:
    assert value_on([limit(3, valid_from=D(2019, 1, 1))], D(2018, 1, 1)) is None
    assert value_on([], D(2018, 1, 1)) is None


def test_limits_per_kind() -> None:
    limits = [
        limit(15, "legal"),
        limit(5, "promised"),
        limit(3, "promised", valid_from=D(2019, 1, 1)),
        limit(10, "legal", valid_from=D(2020, 1, 1)),
    ]
    assert limit_on(limits, "promised", D(2018, 6, 1)).amount == 5
    assert limit_on(limits, LimitKind.promised, D(2019, 6, 1)).amount == 3
    assert limit_on(limits, "legal", D(2019, 6, 1)).amount == 15
    assert {k: v.amount for k, v in limits_on(limits, D(2020, 1, 1)).items()} == {
        LimitKind.legal: 10,
        LimitKind.promised: 3,
    }


@pytest.fixture(scope="module")
def everything():
    return check([FIXTURES / "everything"])


def test_fixture_matter_limits(everything) -> None:
    matter = everything.workspace.own_matters("示范区")["个体工商户设立登记"]
    # limit legal 15 workdays, promised 3 workdays from 2019-01-01
    before = limits_on(matter.limits, D(2018, 6, 1))
    after = limits_on(matter.limits, D(2019, 6, 1))
    assert set(before) == {LimitKind.legal}
    assert after[LimitKind.promised].amount == 3
    assert after[LimitKind.legal].amount == 15


def test_fixture_delegation_in_force(everything) -> None:
    delegations = everything.workspace.jurisdictions["示范区"].delegations
    # delegate 个体工商户设立登记 to 示范街道 seal 9 from 2019-09-16
    assert all_in_force(delegations, D(2019, 9, 15)) == []
    assert len(all_in_force(delegations, D(2019, 9, 16))) == 1


# ---------------------------------------------------------------- targets


@pytest.mark.parametrize(
    ("measured", "op", "value", "holds"),
    [
        (60, ">=", 60, True),
        (59.9, ">=", 60, False),
        (2, "<=", 2, True),
        (3, "<=", 2, False),
        (61, ">", 60, True),
        (60, ">", 60, False),
        (1, "<", 2, True),
        (2, "<", 2, False),
        (0.1 + 0.2, "=", 0.3, True),
        (0.31, "=", 0.3, False),
    ],
)
def test_compare(measured: float, op: str, value: float, holds: bool) -> None:
    assert compare(measured, op, value) is holds
    assert compare(measured, Comparison(op), value) is holds


def test_target_is_pending_until_its_by_day() -> None:
    t = target(60, due_by=D(2018, 12, 31))  # one_window_share >= 60% by 2018-12-31
    early = judge_target(t, 70, D(2018, 12, 30))
    assert early.status is TargetStatus.pending
    assert early.currently_met is True and early.judged_on is None
    assert "not yet passed" in early.reason
    assert target_status(t, 40, D(2018, 6, 1)) is TargetStatus.pending


def test_target_is_judged_on_and_after_its_by_day() -> None:
    t = target(60, due_by=D(2018, 12, 31))
    assert target_status(t, 70, D(2018, 12, 31)) is TargetStatus.met
    assert target_status(t, 60, D(2019, 3, 1)) is TargetStatus.met
    missed = judge_target(t, 59, D(2018, 12, 31))
    assert missed.status is TargetStatus.missed
    assert missed.judged_on == D(2018, 12, 31)
    assert "measured 59" in missed.reason


def test_judged_target_without_a_value_is_missed() -> None:
    t = target(60, due_by=D(2018, 12, 31))
    judged = judge_target(t, None, D(2019, 1, 1))
    assert judged.status is TargetStatus.missed
    assert "no measured value" in judged.reason
    assert target_status(t, None, D(2018, 12, 1)) is TargetStatus.pending


def test_undated_target_is_judged_on_the_as_of_day() -> None:
    t = target(2, "<=", percent=False, metric="promised_workdays")
    judged = judge_target(t, 2, D(2019, 5, 1))
    assert judged.status is TargetStatus.met and judged.judged_on == D(2019, 5, 1)
    assert target_status(t, 3, D(2019, 5, 1)) is TargetStatus.missed


def test_target_from_a_later_date_is_pending() -> None:
    t = target(80, valid_from=D(2019, 1, 1))
    assert target_status(t, 90, D(2018, 12, 31)) is TargetStatus.pending
    assert target_status(t, 90, D(2019, 1, 1)) is TargetStatus.met


def test_fixture_targets(everything) -> None:
    targets = everything.workspace.jurisdictions["示范区"].targets
    share, workdays = targets
    # target one_window_share >= 60% by 2018-12-31
    assert target_status(share, 65, D(2018, 12, 31)) is TargetStatus.met
    # target promised_workdays of 开办企业 <= 2 by 2019-12-31
    judged = judge_target(workdays, 3, D(2019, 12, 31))
    assert judged.status is TargetStatus.missed
    assert "promised_workdays of 开办企业 <= 2" in judged.reason
    assert target_status(workdays, 3, D(2019, 12, 30)) is TargetStatus.pending

"""The intake simulation's mechanisms, conservation and reproducibility on small trees."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.dsl.check import check
from onewindow.engine.results import CASE_COLUMNS, SimOptions
from onewindow.engine.simulate import simulate

START = dt.date(2019, 3, 4)  # a Monday, no holidays nearby

DISTRICT = """
jurisdiction 测试区 {{
  level district
  department 审批局
  domains 商事登记
  set complete_share = {complete}
  matter 设立登记 {{
    department 审批局  domain 商事登记  handling {handling}
    materials {{ "身份证明" from applicant {deferrable}  "场所证明" from applicant {deferrable} }}
    limit legal 20 workdays, promised 5 workdays
    volume 5000 per year  service 6 minutes
    delivery {delivery}
    online none
  }}
  hall 大厅 {{
    hours 09:00-12:00, 13:30-17:00
    window 综合 {{ kind comprehensive  domains 商事登记  staff 3 }}
    {agency}
  }}
}}
"""


def run(write_tree, days: int = 60, seed: int = 5, reps: int = 1, **kw):
    params = {
        "complete": "50%",
        "handling": "promised",
        "deferrable": "",
        "delivery": "pickup",
        "agency": "",
    }
    params.update(kw)
    root = write_tree({"测试区.ow": DISTRICT.format(**params)})
    result = check([root])
    assert result.ok, result.diagnostics
    return simulate(
        result.workspace,
        result.registry,
        SimOptions(start=START, days=days, seed=seed, replications=reps),
    )


def value(sim, name: str, scope: str = "run", subject: str = "") -> float:
    m = sim.metric(name, scope, subject)
    assert m is not None and m.value is not None, name
    return m.value


def test_every_arrival_ends_in_exactly_one_outcome(write_tree) -> None:
    sim = run(write_tree)
    cols = sim.cases.columns
    assert set(cols) == set(CASE_COLUMNS)
    n = len(sim.cases)
    assert n > 500
    assert all(len(v) == n for v in cols.values())
    assert set(cols["outcome"]) <= {"finished", "unserved"}
    assert len(set(zip(cols["rep"], cols["case"], strict=True))) == n  # no case twice
    assert value(sim, "cases") == n
    for row in sim.cases.rows():
        if row["outcome"] == "finished":
            assert row["arrival_day"] <= row["accept_day"] <= row["finish_day"]
            assert row["accept_day"] <= row["deadline_day"]


def test_same_seed_same_results_other_seed_differs(write_tree) -> None:
    a = run(write_tree, seed=11)
    b = run(write_tree, seed=11)
    c = run(write_tree, seed=12)
    assert a.cases.columns == b.cases.columns
    assert [m.as_dict() for m in a.metrics] == [m.as_dict() for m in b.metrics]
    assert a.cases.columns["wait_minutes"] != c.cases.columns["wait_minutes"]


def test_deferrable_materials_save_the_second_trip(write_tree) -> None:
    strict = run(write_tree)
    lenient = run(write_tree, deferrable="deferrable")  # 容缺受理
    causes = [c for c in strict.cases.columns["trip_causes"] if "missing material" in c]
    assert causes, "incomplete applicants must come back without 容缺"
    assert not any("missing material" in c for c in lenient.cases.columns["trip_causes"])
    assert value(lenient, "mean_trips") < value(strict, "mean_trips")


def test_mail_delivery_saves_the_pickup_trip(write_tree) -> None:
    pickup = run(write_tree, complete="100%")
    mailed = run(write_tree, complete="100%", delivery="mail\n    set mail_share = 100%")
    assert value(pickup, "trips_le1_share") < 5  # visit + pickup: two trips each
    assert value(mailed, "trips_le1_share") == 100.0
    assert "pickup of the result" not in set(mailed.cases.columns["trip_causes"])


def test_agent_applicants_make_no_trip(write_tree) -> None:
    sim = run(write_tree, agency="window 代办 { kind agency  staff 1 }")
    rows = [r for r in sim.cases.rows() if r["channel"] == "agent"]
    assert rows, "some applicants entrust an agent (代办)"
    assert all(r["trips"] == 0 for r in rows)
    assert all(r["window"] == "代办" for r in rows)


def test_immediate_matters_finish_at_the_window(write_tree) -> None:
    sim = run(write_tree, handling="immediate", complete="100%")
    cols = sim.cases.columns
    assert cols["finish_day"] == cols["accept_day"]
    assert value(sim, "immediate_case_share") == 100.0
    assert value(sim, "on_time_rate") == 100.0


TOWN_TREE = {
    "区.ow": """
jurisdiction 区 {
  level district
  department 审批局
  domains 民生
  matter 低保审批 { department 审批局  domain 民生  handling promised
                   limit legal 20 workdays, promised 10 workdays  volume 4000 }
  hall 区大厅 { hours 09:00-17:00  window 综合 { kind comprehensive  domains 民生  staff 2 } }
  delegate 低保审批 to 镇 seal 9 from 2019-01-01
}
""",
    "镇.ow": """
jurisdiction 镇 {
  level township
  parent 区
  hall 便民服务中心 {
    hours 09:00-17:00
    window 综合 { kind comprehensive  domains 民生 }
    window 全能 { kind all-round }
  }
}
""",
}


def test_delegated_matter_is_handled_at_the_township(write_tree) -> None:
    root = write_tree(TOWN_TREE)
    result = check([root])
    assert result.ok, result.diagnostics
    sim = simulate(result.workspace, result.registry, SimOptions(start=START, days=40, seed=3))
    assert set(sim.cases.columns["jurisdiction"]) == {"镇"}
    assert set(sim.cases.columns["level"]) == {"township"}
    assert value(sim, "local_share") == 100.0
    before = simulate(
        result.workspace,
        result.registry,
        SimOptions(start=dt.date(2018, 6, 4), days=40, seed=3, as_of=dt.date(2018, 6, 4)),
    )
    assert set(before.cases.columns["jurisdiction"]) == {"区"}  # not yet delegated


CHAIN = """
jurisdiction 区 {{
  level district
  department 审批局
  domains 商事登记
  set complete_share = 100%
  matter 甲 {{ department 审批局  domain 商事登记  handling promised  limit legal 10 workdays, promised 6 workdays  volume 1 }}
  matter 乙 {{ department 审批局  domain 商事登记  handling promised  limit legal 10 workdays, promised 6 workdays  volume 1 }}
  matter 丙 {{ department 审批局  domain 商事登记  handling promised  limit legal 10 workdays, promised 6 workdays  volume 1 }}
  chain 开办 {{ lead 审批局  steps {steps}  volume 3000  limit promised 30 workdays }}
  hall 大厅 {{ hours 09:00-17:00  window 综合 {{ kind comprehensive  domains 商事登记  staff 4 }} }}
}}
"""


@pytest.mark.parametrize("seed", [1, 2])
def test_parallel_chain_decides_faster_than_serial(write_tree, seed: int) -> None:
    def chain_days(steps: str) -> float:
        root = write_tree({"区.ow": CHAIN.format(steps=steps)})
        result = check([root])
        assert result.ok, result.diagnostics
        sim = simulate(
            result.workspace, result.registry, SimOptions(start=START, days=40, seed=seed)
        )
        return value(sim, "mean_decision_workdays", "matter", "开办")

    assert chain_days("甲 & 乙 & 丙") < chain_days("甲 -> 乙 -> 丙")


def test_a_holiday_delays_the_deadline(write_tree) -> None:
    # 5 workdays from Monday 2019-03-04: the next Monday
    plain = simulate_at(write_tree, dt.date(2019, 3, 4))
    accepted = [r for r in plain.cases.rows() if r["accept_day"] == dt.date(2019, 3, 4)]
    assert accepted and all(r["deadline_day"] == dt.date(2019, 3, 11) for r in accepted)
    # from Monday 2019-09-30, National Day (10-01..10-07) is skipped and Saturday 10-12 is a
    # makeup workday (调休): 10-08, 10-09, 10-10, 10-11, 10-12
    holiday = simulate_at(write_tree, dt.date(2019, 9, 30))
    accepted = [r for r in holiday.cases.rows() if r["accept_day"] == dt.date(2019, 9, 30)]
    assert accepted and all(r["deadline_day"] == dt.date(2019, 10, 12) for r in accepted)


def simulate_at(write_tree, start: dt.date):
    text = DISTRICT.format(
        complete="100%", handling="promised", deferrable="", delivery="pickup", agency=""
    )
    result = check([write_tree({"测试区.ow": text})])
    return simulate(result.workspace, result.registry, SimOptions(start=start, days=1, seed=1))

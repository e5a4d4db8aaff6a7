"""Validation against theory: one window, Poisson arrivals, exponential service is M/M/c."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.dsl.check import check
from onewindow.engine.results import SimOptions
from onewindow.engine.sim.mmc import erlang_c_wait, mmc_source
from onewindow.engine.simulate import simulate


def test_erlang_c_formula_known_value() -> None:
    # M/M/1 with rho = 0.5: W_q = rho / (mu - lam) = 0.5 / 0.5 = 1
    assert erlang_c_wait(0.5, 1.0, 1) == pytest.approx(1.0)
    # M/M/2, lam = 1, mu = 1 (a = 1): C = 1/3, W_q = C / (2 - 1) = 1/3
    assert erlang_c_wait(1.0, 1.0, 2) == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("servers", "rho", "service"),
    [(1, 0.5, 0.2), (2, 0.8, 0.1), (4, 0.9, 0.05)],
)
def test_mean_wait_matches_erlang_c(write_tree, servers: int, rho: float, service: float) -> None:
    lam = rho * servers / service
    root = write_tree({"排队检验区.ow": mmc_source(lam, service, servers)})
    result = check([root])
    assert result.ok, result.diagnostics
    sim = simulate(
        result.workspace,
        result.registry,
        SimOptions(start=dt.date(2019, 1, 2), days=1, seed=2019, replications=10),
    )
    wait = sim.metric("mean_wait_minutes")
    theory = erlang_c_wait(lam, 1 / service, servers)
    assert wait.ci_low <= theory <= wait.ci_high, (wait, theory)
    # the interval is informative: narrower than a fifth of the value
    assert wait.ci_high - wait.ci_low < 0.2 * theory

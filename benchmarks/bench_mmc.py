"""M/M/c benchmark: this engine vs SimPy on the same model (c = 4, rho = 0.9, ~200,000 customers).

Prints customers per second of each, their ratio, and both mean waits against Erlang C.
Run: python benchmarks/bench_mmc.py
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path

import simpy

from onewindow.dsl.check import check
from onewindow.engine.results import SimOptions
from onewindow.engine.sim.mmc import erlang_c_wait, mmc_source
from onewindow.engine.simulate import simulate

SERVERS = 4
RHO = 0.9
SERVICE = 0.05  # minutes
LAM = RHO * SERVERS / SERVICE
CUSTOMERS = 200_000
REPEATS = 3  # best of 3 for both, so a busy machine penalises neither side unfairly


def run_simpy(n: int, seed: int = 1) -> tuple[float, float]:
    """Best time of REPEATS runs of the SimPy model, and its mean wait."""
    best = float("inf")
    wait = 0.0
    for _ in range(REPEATS):
        elapsed, wait = _simpy_once(n, seed)
        best = min(best, elapsed)
    return best, wait


def _simpy_once(n: int, seed: int) -> tuple[float, float]:
    """A textbook SimPy M/M/c: one generator per customer, a shared Resource."""
    rng = random.Random(seed)
    env = simpy.Environment()
    counter = simpy.Resource(env, capacity=SERVERS)
    waits: list[float] = []

    def customer(env: simpy.Environment):
        arrive = env.now
        with counter.request() as req:
            yield req
            waits.append(env.now - arrive)
            yield env.timeout(rng.expovariate(1 / SERVICE))

    def source(env: simpy.Environment):
        for _ in range(n):
            yield env.timeout(rng.expovariate(LAM))
            env.process(customer(env))

    env.process(source(env))
    t0 = time.perf_counter()
    env.run()
    elapsed = time.perf_counter() - t0
    return elapsed, sum(waits) / len(waits)


def run_engine() -> tuple[float, int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "onewindow.toml").write_text("")
        (root / "mmc.ow").write_text(mmc_source(LAM, SERVICE, SERVERS), encoding="utf-8")
        checked = check([root])
        per_day = LAM * (23 * 60 + 59)
        days = max(1, round(CUSTOMERS / per_day))  # 2019-01-02 starts a run of weekdays
        options = SimOptions(start=dt.date(2019, 1, 2), days=days, seed=1)
        elapsed = float("inf")
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            result = simulate(checked.workspace, checked.registry, options)
            elapsed = min(elapsed, time.perf_counter() - t0)
        return elapsed, len(result.cases), result.metric("mean_wait_minutes").value


def main() -> None:
    theory = erlang_c_wait(LAM, 1 / SERVICE, SERVERS)
    e_time, e_n, e_wait = run_engine()
    s_time, s_wait = run_simpy(e_n)
    e_rate, s_rate = e_n / e_time, e_n / s_time
    print(f"M/M/{SERVERS}, rho={RHO}, {e_n:,} customers, Erlang C mean wait {theory:.5f} min")
    print(
        f"onewindow engine: {e_rate:12,.0f} customers/s   mean wait {e_wait:.5f} ({e_wait / theory - 1:+.2%})"
    )
    print(
        f"SimPy           : {s_rate:12,.0f} customers/s   mean wait {s_wait:.5f} ({s_wait / theory - 1:+.2%})"
    )
    print(f"ratio engine/SimPy: {e_rate / s_rate:.1f}x  (target >= 10x)")


if __name__ == "__main__":
    main()

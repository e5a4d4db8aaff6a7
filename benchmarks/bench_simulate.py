"""One simulated year of each bundled district tree: cases per second on one core.

Target: >= 250,000 cases/s. Prints, per tree, the cases simulated, the time and the rate,
once for the engine alone (cases kept as numpy blocks) and once including turning every
case into Python rows (what storing a run costs on top).
Run: python benchmarks/bench_simulate.py
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from onewindow.dsl.check import check
from onewindow.engine.results import SimOptions
from onewindow.engine.simulate import simulate

ROOT = Path(__file__).resolve().parent.parent / "jurisdictions"
TREES = {
    "周村区": "2019-01-02",
    "东昌区": "2019-01-02",
    "山亭区": "2020-01-02",
    "新县": "2019-01-02",
    "兰山区": "2020-01-02",
}
REPEATS = 3


def main() -> None:
    checked = check([ROOT])
    ws, registry = checked.workspace, checked.registry
    total_cases = 0
    total_time = 0.0
    print(f"{'tree':8} {'cases':>9} {'best s':>8} {'cases/s':>12} {'with rows/s':>12}")
    for name, start in TREES.items():
        scope = (name, *(j.name for j in ws.descendants(name)))
        options = SimOptions(
            start=dt.date.fromisoformat(start), days=365, seed=1, jurisdictions=scope
        )
        best = float("inf")
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            result = simulate(ws, registry, options)
            best = min(best, time.perf_counter() - t0)
        t0 = time.perf_counter()
        result = simulate(ws, registry, options)
        _ = result.cases.columns
        with_rows = time.perf_counter() - t0
        n = len(result.cases)
        total_cases += n
        total_time += best
        print(f"{name:8} {n:9,d} {best:8.3f} {n / best:12,.0f} {n / with_rows:12,.0f}")
    print(
        f"{'all':8} {total_cases:9,d} {total_time:8.3f} {total_cases / total_time:12,.0f}   (target >= 250,000 cases/s)"
    )


if __name__ == "__main__":
    main()

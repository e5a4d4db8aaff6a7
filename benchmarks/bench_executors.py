"""Scale-out: one simulation of a generated province slice on each executor, same seed.

Simulates every hall of a generated tree (default: 4 districts × 20 towns × 35 villages)
for `--days` working days and `--replications` replications, first in this process (the
baseline), then in a process pool and on a real Dask `LocalCluster` (one worker process per
core), and prints wall time, cases per second and the speed-up over the baseline run in the
same process. Every executor must give exactly the baseline's metrics: the run stops with an
error when one does not.

Run: python benchmarks/bench_executors.py [--districts 4 --towns 20 --villages 35]
     [--days 60 --replications 4] [--tree DIR]
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import province

from onewindow.dsl.check import check
from onewindow.engine.executor import DaskExecutor, Executor, LocalExecutor, ProcessExecutor
from onewindow.engine.results import SimOptions
from onewindow.engine.simulate import simulate


def main() -> None:
    ap = province.parser(__doc__, "an existing generated tree to simulate")
    ap.set_defaults(districts=4)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--replications", type=int, default=4)
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="ow-bench-exec-") as tmp:
        root = province.tree(args, Path(tmp))
        checked = check([root])
        if not checked.ok:
            raise SystemExit(f"{root} has errors: run onewindow check on it")
        options = SimOptions(
            start=dt.date(2019, 3, 4), days=args.days, seed=1, replications=args.replications
        )
        print(
            f"{len(checked.workspace.jurisdictions):,} jurisdictions, {args.days} days × "
            f"{args.replications} replications, {cores} cores"
        )
        print(f"{'executor':24} {'wall':>9} {'cases/s':>12} {'vs local':>9}")
        baseline: tuple[float, list] | None = None

        def run(label: str, executor: Executor) -> None:
            nonlocal baseline
            started = time.perf_counter()
            result = simulate(checked.workspace, checked.registry, options, executor=executor)
            wall = time.perf_counter() - started
            metrics = sorted(repr(m.as_dict()) for m in result.metrics)
            if baseline is None:
                baseline = (wall, metrics)
            elif metrics != baseline[1]:
                raise SystemExit(f"{label} gave other metrics than the local executor")
            cases = len(result.cases)
            print(f"{label:24} {wall:8.2f}s {cases / wall:12,.0f} {baseline[0] / wall:8.2f}x")

        run("local (baseline)", LocalExecutor())
        pool = ProcessExecutor(cores)
        try:
            run(f"process:{cores}", pool)
        finally:
            pool.close()
        from distributed import Client, LocalCluster

        with (
            LocalCluster(n_workers=cores, threads_per_worker=1, processes=True) as cluster,
            Client(cluster) as client,
        ):
            run(f"dask LocalCluster ({cores})", DaskExecutor(client=client))
        print("identical metrics on every executor")


if __name__ == "__main__":
    main()

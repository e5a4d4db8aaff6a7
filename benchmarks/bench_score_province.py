"""Scoring every town of a generated province (target < 10 s), with memory peaks.

Generates (or reuses) a province, checks it (timed apart: that is bench_check's figure),
then scores with `onewindow.engine.scoring.score_tree` as of the facts' date: every town
(2,000 at province scale: the districts' 六统一 assessment folded into 区委考核, shortfalls,
per-finding deductions, bonuses, a cumulative penalty, a static-metric threshold and the
bottom-2 ranking per district), then the whole tree (the cities' 营商环境考核 of districts
and every target too). Prints wall and CPU time (best of 3), scorecards per second, the
process's peak RSS, and the Python allocations of one scoring of every town (tracemalloc).

Run: python benchmarks/bench_score_province.py [--districts 100 --towns 20 --villages 35] [--tree DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

import province

from onewindow.dsl.check import check
from onewindow.dsl.model import Level
from onewindow.engine.generate import FACTS_AS_OF
from onewindow.engine.scoring import score_tree

TARGET_S = 10.0
RUNS = 3


def arguments() -> argparse.Namespace:
    return province.parser(__doc__, "an existing generated tree to score").parse_args()


def best_of(fn, runs: int = RUNS):
    walls, cpus, out = [], [], None
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), out


def main() -> None:
    args = arguments()
    as_of = dt.date.fromisoformat(FACTS_AS_OF)
    with tempfile.TemporaryDirectory(prefix="ow-bench-score-") as tmp:
        root = province.tree(args, Path(tmp))
        w, c = time.perf_counter(), time.process_time()
        checked = check([root])
        print(f"checked in {time.perf_counter() - w:.1f} s wall, {time.process_time() - c:.1f} s CPU "
              f"({'clean' if checked.ok else 'ERRORS'}; not part of the scoring figures); "
              f"peak RSS {province.peak_mb():.0f} MB")  # fmt: skip
        ws, registry = checked.workspace, checked.registry
        towns = [n for n, j in ws.jurisdictions.items() if j.level is Level.township]
        after_check = province.peak_mb()
        gc.collect()

        wall, cpu, report = best_of(lambda: score_tree(ws, registry, as_of, jurisdictions=towns))
        cards = len(report.scorecards)
        items = sum(1 for card in report.scorecards for _ in card.lines())
        verdict = "OK" if wall < TARGET_S else "MISSED"
        print(f"every town:  {cards:,} scorecards ({items:,} explained lines), "
              f"{len(report.targets):,} targets, {len(report.rankings)} rankings in "
              f"{wall:.2f} s wall, {cpu:.2f} s CPU (best of {RUNS}); "
              f"{cards / wall:,.0f} scorecards/s; target < {TARGET_S:g} s: {verdict}")  # fmt: skip
        print(
            f"             peak RSS {province.peak_mb():.0f} MB (after the check: {after_check:.0f} MB)"
        )
        flagged = sum(len(r.flagged) for r in report.rankings)
        print(f"             {flagged} towns flagged by the bottom-2 rankings (ties included)")
        del report
        gc.collect()

        wall, cpu, report = best_of(lambda: score_tree(ws, registry, as_of), runs=1)
        print(f"whole tree:  {len(report.scorecards):,} scorecards (towns and districts), "
              f"{len(report.targets):,} targets in {wall:.2f} s wall, {cpu:.2f} s CPU; "
              f"peak RSS {province.peak_mb():.0f} MB")  # fmt: skip
        del report
        gc.collect()

        tracemalloc.start()
        score_tree(ws, registry, as_of, jurisdictions=towns)
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"tracemalloc: {traced / 1e6:.0f} MB peak of Python allocations while scoring every town"
        )


if __name__ == "__main__":
    main()

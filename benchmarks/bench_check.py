"""Check throughput on a generated province: MB/s of DSL parsed and validated.

Targets: >= 1 MB/s, and the whole province (100 districts × 20 towns × 35 villages,
~72,000 files) checked in < 60 s. Prints the end-to-end figure (a cold check as
`onewindow check` runs it, parsing on every core: this process and a forked worker per
other core) against the baseline of the same check parsing in this process only, then where
the time goes: reading, parsing and building the models in-process, load/resolve/validate
over a warm parse cache, with the process's peak memory (ru_maxrss) after each step. MB/s
is of wall time: the machine's cores count.

Run: python benchmarks/bench_check.py [--districts 100 --towns 20 --villages 35] [--tree DIR]
     (--tree reuses a tree written by `onewindow generate`; --tracemalloc adds a traced run)
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

import province

from onewindow.dsl.check import check
from onewindow.dsl.load import ParseCache
from onewindow.dsl.parallel import workers_for
from onewindow.dsl.parse import grammar, parse_items

TARGET_MB_S = 1.0
TARGET_PROVINCE_S = 60.0


def arguments() -> argparse.Namespace:
    ap = province.parser(__doc__, "an existing generated tree to check")
    ap.add_argument("--tracemalloc", action="store_true", help="also a run under tracemalloc")
    return ap.parse_args()


class Clock:
    """Wall and CPU time of a step: the machine is shared, so CPU time is the steadier one."""

    def __init__(self) -> None:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall0, time.process_time() - self.cpu0


def row(step: str, times: tuple[float, float], mb: float, note: str = "") -> None:
    wall, cpu = times
    rate = f"{mb / cpu:8.2f}" if cpu > 0 else "       -"
    print(
        f"{step:36} {wall:8.2f} s {cpu:8.2f} s {rate} MB/s  peak {province.peak_mb():6.0f} MB  {note}"
    )


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory(prefix="ow-bench-check-") as tmp:
        root = province.tree(args, Path(tmp))
        files = sorted(root.rglob("*.ow"))
        clock = Clock()
        texts = [(str(p), p.read_bytes().decode("utf-8-sig")) for p in files]
        read = clock.stop()
        mb = sum(len(t.encode("utf-8")) for _, t in texts) / 1e6
        print(f"tree: {root}  ({len(files):,} files, {mb:.2f} MB of DSL)")
        print(f"{'step':36} {'wall':>10} {'cpu':>10} {'MB/s (cpu)':>13}")
        row("read + decode", read, mb)

        warm = Path(tmp) / "warm" / "warm.ow"  # one-time costs (grammar, plugins) before timing
        warm.parent.mkdir()
        warm.write_text("jurisdiction warm { level village }\n", encoding="utf-8")
        check([warm.parent], cache=ParseCache())
        clock = Clock()
        serial = check([root], cache=ParseCache(), workers=1)
        serial_times = clock.stop()
        row("check, cold, in-process (baseline)", serial_times, mb)
        del serial
        gc.collect()

        cache = ParseCache()
        clock = Clock()
        result = check([root], cache=cache)
        cold = clock.stop()
        ok = "clean" if result.ok else f"{len(result.errors)} ERRORS"
        row(f"check, cold, parsing on {workers_for(len(files))} cores", cold, mb, ok)
        check_peak = province.peak_mb()
        n = len(result.workspace.jurisdictions)
        del result
        gc.collect()
        clock = Clock()
        check([root], cache=cache)
        row("check, warm cache (no parsing)", clock.stop(), mb)
        del cache
        gc.collect()

        # parsing and building alone, in this process: what it costs by itself
        tokens = sum(sum(1 for _ in grammar().lark.lex(text)) for _, text in texts)
        clock = Clock()
        for path, text in texts:
            parse_items(text, path)
        built = clock.stop()
        rate = f"{tokens / built[1]:,.0f} tokens/s ({tokens:,} tokens)"
        row("  of which parse + build (parse_items)", built, mb, rate)

        print()
        wall = cold[0]
        verdict_rate = "OK" if mb / wall >= TARGET_MB_S else "MISSED"
        verdict_time = "OK" if wall < TARGET_PROVINCE_S else "MISSED"
        print(
            f"throughput {mb / wall:.2f} MB/s wall (target >= {TARGET_MB_S:g}: {verdict_rate}), "
            f"{serial_times[0] / wall:.2f}x the in-process baseline ({mb / serial_times[0]:.2f} "
            f"MB/s); {n:,} jurisdictions in {wall:.1f} s wall (target < {TARGET_PROVINCE_S:g} s: "
            f"{verdict_time}); peak RSS of the cold check {check_peak:.0f} MB"
        )
        if args.tracemalloc:
            gc.collect()
            tracemalloc.start()
            clock = Clock()
            check([root], cache=ParseCache())
            _, traced = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"tracemalloc: peak {traced / 1e6:.0f} MB of Python allocations for one cold "
                f"check ({clock.stop()[0]:.1f} s traced)"
            )


if __name__ == "__main__":
    main()

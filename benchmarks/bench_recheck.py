"""Re-check of one district after a one-line edit, reusing one parse cache (target < 100 ms).

Checks a generated province once with a `ParseCache`, edits one line of one district file
(a matter's `volume`), and checks again with the same cache: only the edited file is parsed
again, but loading, resolving and validating still run over the whole tree. Prints the
re-check time (wall and CPU), where that time goes (a cProfile of the re-check, scaled to
the unprofiled time), and the cost of the pieces an incremental re-check would still need
(parse the edited file, detect changes, validate the district and its neighbours), measured
with the existing functions, as the basis for the proposal in the report.

Run: python benchmarks/bench_recheck.py [--districts 100 --towns 20 --villages 35] [--tree DIR]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from onewindow.dsl import validate as validate_module
from onewindow.dsl.check import check, vocabulary
from onewindow.dsl.load import ParseCache, _parse_file
from onewindow.dsl.resolve import resolve
from onewindow.engine.generate import ProvinceSpec, district_file, generate

TARGET_MS = 100.0

#: Functions whose cumulative time is shown for the re-check (they overlap: load holds most).
STAGES: tuple[tuple[str, str, str], ...] = (
    ("check.py", "check", "check (everything)"),
    ("load.py", "load", "  load: walk, parse cache, includes, assemble, resolve"),
    ("load.py", "_walk", "    _walk: list + stat + resolve every .ow file"),
    ("load.py", "_fragments", "    _fragments: include targets of every file"),
    ("load.py", "source_file", "    source_file: expand includes + assemble models"),
    ("load.py", "target_of", "      target_of: resolve one include path"),
    ("load.py", "get", "    ParseCache.get: stat per lookup (+ the one re-parse)"),
    ("load.py", "display_path", "    display_path: path shown to users"),
    ("resolve.py", "resolve", "    resolve: index names, link parents"),
    ("validate.py", "validate", "  validate: every jurisdiction"),
    ("validate.py", "_delegations", "    _delegations"),
    ("resolve.py", "held_matters_static", "    Workspace.held_matters_static"),
    ("resolve.py", "_delegated_in", "    Workspace._delegated_in index"),
    ("check.py", "vocabulary", "  vocabulary (plugins)"),
    ("posixpath", "realpath", "  (os.path.realpath, all callers)"),
    ("~", "<built-in method posix.stat>", "  (os.stat, all callers)"),
)


def peak_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 1e6


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, float, Any]:
    """Best wall and CPU seconds of `repeat` calls, and the last result."""
    best_wall = best_cpu = float("inf")
    out = None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu, out


def arguments() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--districts", type=int, default=100)
    ap.add_argument("--towns", type=int, default=20)
    ap.add_argument("--villages", type=int, default=35)
    ap.add_argument("--matters", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--district", type=int, default=0, help="0-based district to edit")
    ap.add_argument("--tree", type=Path, help="an existing generated tree (left edited)")
    ap.add_argument("--no-profile", action="store_true", help="skip the cProfile breakdown")
    return ap.parse_args()


def edit_one_line(path: Path) -> str:
    """Change the first matter's `volume N per year` to N+1; bump the mtime; return the line."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"volume (\d+) per year", text)
    assert match is not None, f"no volume line in {path}"
    new = f"volume {int(match.group(1)) + 1} per year"
    path.write_text(text[: match.start()] + new + text[match.end() :], encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    return new


def stat_walk(folder: Path) -> int:
    """Stat every .ow file under `folder` (what change detection without a watcher costs)."""
    n = 0
    stack = [str(folder)]
    while stack:
        with os.scandir(stack.pop()) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                elif e.name.endswith(".ow"):
                    e.stat()
                    n += 1
    return n


def profile_stages(fn: Callable[[], Any], measured_wall: float) -> None:
    prof = cProfile.Profile()
    prof.runcall(fn)
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in stats.values())
    scale = measured_wall / total
    print(
        f"\nwhere the re-check's time goes (cProfile cumulative, scaled to {measured_wall:.2f} s):"
    )
    for file_part, func, label in STAGES:
        ct = sum(
            v[3]
            for (file, _, name), v in stats.items()
            if name == func and (file_part in file or file == file_part)
        )
        calls = sum(
            v[1]
            for (file, _, name), v in stats.items()
            if name == func and (file_part in file or file == file_part)
        )
        if ct:
            print(f"  {label:58} {ct * scale:8.3f} s {100 * ct / total:5.1f}%  {calls:>9,} calls")


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory(prefix="ow-bench-recheck-") as tmp:
        if args.tree is not None:
            root = args.tree
            spec = ProvinceSpec(args.districts, args.towns, args.villages, args.matters)
        else:
            spec = ProvinceSpec(
                args.districts, args.towns, args.villages, args.matters, seed=args.seed
            )
            root = Path(tmp) / "province"
            size = generate(root, spec)
            print(f"generated {spec.jurisdiction_count:,} jurisdictions, {size / 1e6:.1f} MB")
        district_path = root / district_file(spec, args.district)
        district_dir = district_path.parent
        district_name = district_path.stem
        cache = ParseCache()
        wall, cpu, result = timed(lambda: check([root], cache=cache))
        print(f"full check, cold cache: {wall:.2f} s wall, {cpu:.2f} s CPU, "
              f"{len(result.workspace.jurisdictions):,} jurisdictions, "
              f"{'clean' if result.ok else 'ERRORS'}; peak RSS {peak_mb():.0f} MB")  # fmt: skip
        del result
        gc.collect()

        line = edit_one_line(district_path)
        misses = cache.misses
        wall, cpu, result = timed(lambda: check([root], cache=cache))
        reparsed = cache.misses - misses
        verdict = "OK" if wall * 1000 < TARGET_MS else "MISSED"
        print(f"edited {district_path.relative_to(root)}: '{line}'")
        print(f"re-check, whole tree:   {wall * 1000:9.0f} ms wall, {cpu * 1000:9.0f} ms CPU "
              f"({reparsed} file re-parsed; target < {TARGET_MS:g} ms: {verdict}); "
              f"peak RSS {peak_mb():.0f} MB")  # fmt: skip
        recheck_wall = wall
        edit_one_line(district_path)
        wall, cpu, _ = timed(lambda: check([district_dir], cache=cache))
        print(f"re-check, district path: {wall * 1000:8.0f} ms wall, {cpu * 1000:9.0f} ms CPU "
              "(the loader still reads the whole tree for parents and inheritance)")  # fmt: skip

        gc.collect()
        edit_one_line(district_path)
        tracemalloc.start()
        check([root], cache=cache)
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"tracemalloc peak of one re-check: {traced / 1e6:.0f} MB")

        if not args.no_profile:
            edit_one_line(district_path)
            profile_stages(lambda: check([root], cache=cache), recheck_wall)

        # the pieces an incremental re-check would still need
        ws = result.workspace
        vocab = vocabulary(ws, result.registry)
        district = ws.jurisdictions[district_name]
        family = [district, *ws.descendants(district_name)]
        towns = [ws.jurisdictions[n] for n in ws.children.get(district_name, ())]
        print("\nwhat an incremental re-check would still cost (best of 3):")
        pieces: list[tuple[str, Callable[[], Any]]] = [
            ("parse + build the edited file", lambda: _parse_file(district_path, str(district_path))),
            ("stat every .ow file of the tree (no watcher)", lambda: stat_walk(root)),
            ("stat the district's folder only", lambda: stat_walk(district_dir)),
            ("resolve(): re-index the whole tree", lambda: resolve(ws.root, ws.files)),
            ("validate the district alone",
             lambda: validate_module._jurisdiction(ws, district, vocab)),
            (f"validate district + its {len(towns)} towns",
             lambda: [validate_module._jurisdiction(ws, j, vocab) for j in [district, *towns]]),
            (f"validate district + all {len(family) - 1} descendants",
             lambda: [validate_module._jurisdiction(ws, j, vocab) for j in family]),
        ]  # fmt: skip
        for label, fn in pieces:
            wall, cpu, _ = timed(fn, repeat=3)
            print(f"  {label:52} {wall * 1000:9.1f} ms wall {cpu * 1000:9.1f} ms CPU")


if __name__ == "__main__":
    main()

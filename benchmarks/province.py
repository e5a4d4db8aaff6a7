"""What the province benchmarks share: their size options, the generated tree, peak memory."""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from onewindow.engine.generate import ProvinceSpec, generate


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 1e6


def parser(doc: str, tree_help: str) -> argparse.ArgumentParser:
    """An argument parser with the province's size, seed and `--tree DIR` options."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--districts", type=int, default=100)
    ap.add_argument("--towns", type=int, default=20)
    ap.add_argument("--villages", type=int, default=35)
    ap.add_argument("--matters", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tree", type=Path, help=tree_help)
    return ap


def spec_of(args: argparse.Namespace) -> ProvinceSpec:
    return ProvinceSpec(args.districts, args.towns, args.villages, args.matters, seed=args.seed)


def tree(args: argparse.Namespace, scratch: Path) -> Path:
    """`--tree` when given, else a province generated below `scratch` (and said so)."""
    if args.tree is not None:
        return args.tree
    spec = spec_of(args)
    out = scratch / "province"
    t0 = time.perf_counter()
    size = generate(out, spec)
    print(
        f"generated {spec.jurisdiction_count:,} jurisdictions, {size / 1e6:.1f} MB "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    return out

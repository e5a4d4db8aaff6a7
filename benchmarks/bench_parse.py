"""Parse and build speed per token, per file and in MB/s, for villages, towns and districts.

Generates a small province into a temporary folder (or reads an existing tree), then times
on every file of each kind, best of `--repeat` rounds (CPU time: the machine may be
shared): the baseline, lark's own parser and the Transformer (`parse_text` + `transform`,
the path files with errors take), and `parse_items`, the fast loop clean files take.

Run: python benchmarks/bench_parse.py [--districts 2 --towns 5 --villages 20] [--repeat 3]
     [--tree DIR]   (--tree reuses a tree written by `onewindow generate`)
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from onewindow.dsl.build import transform
from onewindow.dsl.parse import grammar, parse_items, parse_text
from onewindow.engine.generate import ProvinceSpec, generate

_LEVEL = re.compile(r"^jurisdiction [^\n]*\{\s*level (\w+)", re.M)

Files = list[tuple[str, str]]


def kind(text: str) -> str:
    """The level of a file's jurisdiction (`village`, `district` …), or `fragment`."""
    m = _LEVEL.search(text)
    return m.group(1) if m else "fragment"


def best(files: Files, step: Callable[[str, str], object], repeat: int) -> float:
    """Least CPU seconds of `repeat` rounds of `step` over every file."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        for path, text in files:
            step(path, text)
        times.append(time.process_time() - t0)
    return min(times)


def through_lark(path: str, text: str) -> object:
    tree, _ = parse_text(text, path)
    return transform(tree, path) if tree is not None else None


def fast(path: str, text: str) -> object:
    return parse_items(text, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--districts", type=int, default=2)
    ap.add_argument("--towns", type=int, default=5)
    ap.add_argument("--villages", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tree", type=Path, help="an existing generated tree")
    args = ap.parse_args()
    t0 = time.perf_counter()
    lark = grammar().lark
    print(f"grammar loaded in {(time.perf_counter() - t0) * 1e3:.0f} ms")
    with tempfile.TemporaryDirectory(prefix="ow-bench-parse-") as tmp:
        root = args.tree
        if root is None:
            root = Path(tmp) / "province"
            generate(root, ProvinceSpec(args.districts, args.towns, args.villages))
        groups: dict[str, Files] = {}
        for p in sorted(root.rglob("*.ow")):
            text = p.read_bytes().decode("utf-8-sig")
            groups.setdefault(kind(text), []).append((str(p), text))
    groups["all"] = [f for g in groups.values() for f in g]
    head = f"{'files':10} {'n':>6} {'tokens':>8} {'step':12} {'µs/file':>9} {'µs/token':>9}"
    print(f"{head} {'MB/s':>7}")
    for name in ("village", "township", "district", "all"):
        files = groups.get(name)
        if not files:
            continue
        mb = sum(len(t.encode("utf-8")) for _, t in files) / 1e6
        tokens = sum(sum(1 for _ in lark.lex(t)) for _, t in files)
        baseline = best(files, through_lark, args.repeat)
        cpu = best(files, fast, args.repeat)
        for label, t, ratio in (
            ("lark", baseline, ""),
            ("parse_items", cpu, f"{baseline / cpu:.2f}x"),
        ):
            print(
                f"{name:10} {len(files):6} {tokens:8} {label:12} {t / len(files) * 1e6:9.1f} "
                f"{t / tokens * 1e6:9.2f} {mb / t:7.2f} {ratio}"
            )


if __name__ == "__main__":
    main()

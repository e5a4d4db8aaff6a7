"""Scoring benchmark: 2,000 township scorecards with full explanations (target: under 1 s).

Writes a generated tree to a temporary folder — one district with the 兰山区 六统一
assessment (six categories, seven bonuses, a cumulative penalty, folded into 区委2号文)
and N townships, each with a facts block of seeded random observations — checks it, then
times `score_tree` (every item with its rule, span, inputs and arithmetic), the JSON form
of the report, and one `explain` chain. Prints scorecards per second (wall clock, best
of 3, with the CPU time beside it: on a busy machine the wall clock is the larger).
Run: python benchmarks/bench_scoring.py [TOWNSHIPS]   (default 2,000)
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from onewindow.dsl.check import check
from onewindow.engine.scoring import score_tree
from onewindow.plugins.registry import Registry

TOWNS = 2_000
RUNS = 3  # best of, as the machine may be busy
PER_FILE = 100
AS_OF = dt.date(2019, 12, 31)

DISTRICT = """\
jurisdiction 基准区 {
  level district
  assessment 区委2号文 { assesses township }
  assessment 六统一 folds into 区委2号文 weight 10 {
    assesses township
    category 统一管理模式 max 15 floor 0 {
      shortfall standard_village_room_share below 40% costs 1 per point
      shortfall village_room_coverage below 100% costs 1 per point
    }
    category 统一建设要求 max 15 floor 0 { deduct 5 per finding }
    category 统一进驻事项 max 15 floor 0 { deduct 5 per finding }
    category 统一网络平台 max 15 floor 0 { deduct 5 per finding }
    category 统一运行规范 max 20 floor 0 { deduct 5 per finding }
    category 统一队伍建设 max 20 floor 0 { deduct 5 per finding }
    bonus 品牌全区推广 +20 once
    bonus 品牌全市推广 +50 once
    bonus 统一着装 +10 once
    bonus 免费复印 +5 once
    bonus 免费邮寄 +5 once
    bonus 免费代办帮办 +5 once
    bonus 自助服务专区 +10 once
    penalty 媒体曝光或领导批示 -20 each
    rank bottom 3 "约谈"
  }
}
"""

CATEGORIES = ("统一建设要求", "统一进驻事项", "统一网络平台", "统一运行规范", "统一队伍建设")
BONUSES = (
    "品牌全区推广",
    "品牌全市推广",
    "统一着装",
    "免费复印",
    "免费邮寄",
    "免费代办帮办",
    "自助服务专区",
)


def town(i: int, rng: random.Random) -> str:
    lines = [
        f"jurisdiction 镇{i:04d} {{",
        "  level township",
        "  parent 基准区",
        "  facts as of 2019-12-31 {",
        f"    metric standard_village_room_share {rng.uniform(20, 60):.1f}%",
        f"    metric village_room_coverage {rng.uniform(85, 100):.1f}%",
    ]
    lines += [f"    findings {c} {rng.randint(0, 4)}" for c in CATEGORIES if rng.random() < 0.6]
    lines += [f"    event {b}" for b in BONUSES if rng.random() < 0.3]
    if rng.random() < 0.2:
        lines.append(f"    event 媒体曝光或领导批示 {rng.randint(1, 3)}")
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def write_tree(root: Path, towns: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    (root / "onewindow.toml").write_text("# benchmark tree\n", encoding="utf-8")
    (root / "基准区.ow").write_text(DISTRICT, encoding="utf-8")
    for start in range(0, towns, PER_FILE):
        text = "\n".join(town(i, rng) for i in range(start, min(start + PER_FILE, towns)))
        (root / f"towns-{start // PER_FILE:03d}.ow").write_text(text, encoding="utf-8")


def main() -> None:
    towns = int(sys.argv[1]) if len(sys.argv) > 1 else TOWNS
    registry = Registry.build(extra=["onewindow.plugins.builtin.rules"])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_tree(root, towns)
        start = time.perf_counter()
        checked = check([root], registry=registry)
        load_s = time.perf_counter() - start
        if not checked.ok:
            raise SystemExit(f"generated tree has errors: {checked.errors[0].message}")
        ws = checked.workspace

        walls, cpus = [], []
        for _ in range(RUNS):
            start, cpu = time.perf_counter(), time.process_time()
            report = score_tree(ws, registry, AS_OF)
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        score_s, cpu_s = min(walls), min(cpus)

        start = time.perf_counter()
        data = report.as_dict()
        json_s = time.perf_counter() - start

        first = report.scorecards[0].assessments[0].categories[0].items[0].id
        start = time.perf_counter()
        chain = report.chain(first)
        explain_s = time.perf_counter() - start

    cards = len(report.scorecards)
    items = sum(1 for c in report.scorecards for _ in c.lines())
    flagged = report.rankings[0].flagged if report.rankings else ()
    print(f"townships: {towns}  (generated tree checked in {load_s:.2f} s, not timed below)")
    print(
        f"scored:    {cards} scorecards, {items} explained lines in {score_s:.3f} s wall, "
        f"{cpu_s:.3f} s CPU (best of {RUNS})"
    )
    print(f"           {cards / score_s:,.0f} scorecards/s  (target: {towns} in < 1 s)")
    print(f"JSON form: {json_s:.3f} s ({len(data['scorecards'])} scorecards)")
    print(f"explain:   chain of {len(chain)} lines for {first} in {explain_s * 1000:.1f} ms")
    print(f"ranking:   bottom 3 flagged {len(flagged)} (ties at the cut included)")
    print("PASS" if score_s < 1.0 else "SLOWER THAN TARGET")


if __name__ == "__main__":
    main()

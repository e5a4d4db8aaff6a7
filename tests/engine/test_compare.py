"""What-if comparisons: paired differences with common random numbers, scores, the command."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onewindow.dsl.check import CheckResult, check
from onewindow.dsl.model import MaterialSource, Matter
from onewindow.dsl.printer import print_jurisdiction
from onewindow.engine.cli import compare_cmd
from onewindow.engine.compare import (
    Side,
    compare_simulations,
    exact_row,
    paired_row,
    run_comparison,
)
from onewindow.engine.results import SimOptions, mean_ci
from onewindow.plugins.registry import Registry

from ..conftest import JURISDICTIONS

DISTRICT_DIR = JURISDICTIONS / "吉林省" / "通化市" / "东昌区"
DISTRICT = "东昌区"
START = dt.date(2019, 3, 4)  # a Monday with no holiday nearby


def options(reps: int = 5, days: int = 60, only: tuple[str, ...] = (DISTRICT,)) -> SimOptions:
    return SimOptions(start=START, days=days, seed=3, replications=reps, jurisdictions=only)


def busiest_matter(checked: CheckResult, name: str) -> Matter:
    """The highest-volume matter of `name` with applicant materials, none deferrable yet."""
    candidates = [
        m
        for m in checked.workspace.jurisdictions[name].matters
        if any(x.source is MaterialSource.applicant for x in m.materials)
        and not any(x.deferrable for x in m.materials)
    ]
    return max(candidates, key=lambda m: m.volume or 0)


def deferrable_overlay(checked: CheckResult, name: str, path: Path) -> tuple[Path, str]:
    """Write a reform file making the busiest matter's applicant materials deferrable (容缺)."""
    matter = busiest_matter(checked, name)
    materials = tuple(
        x.model_copy(update={"deferrable": x.source is MaterialSource.applicant})
        for x in matter.materials
    )
    changed = matter.model_copy(update={"materials": materials})
    j = checked.workspace.jurisdictions[name]
    reform = j.model_copy(
        update={
            "level": None,
            "parent": None,
            "calendar": None,
            "source": None,
            "seal_range": None,
            "matters": (changed,),
            **{
                k: ()
                for k in (
                    "departments",
                    "zones",
                    "domains",
                    "chains",
                    "halls",
                    "delegations",
                    "targets",
                    "assessments",
                    "overrides",
                    "facts",
                    "tests",
                    "plugins",
                    "settings",
                    "lint",
                )
            },
        }
    )
    path.write_text(print_jurisdiction(reform), encoding="utf-8")
    return path, matter.name


@pytest.fixture(scope="module")
def base_checked() -> CheckResult:
    result = check([DISTRICT_DIR])
    assert result.ok, result.errors
    return result


@pytest.fixture(scope="module")
def deferrable(base_checked: CheckResult, tmp_path_factory: pytest.TempPathFactory):
    """The 容缺 comparison: base district vs the district with one busy matter deferrable."""
    overlay, matter = deferrable_overlay(
        base_checked, DISTRICT, tmp_path_factory.mktemp("reform") / "容缺.ow"
    )
    variant = check([DISTRICT_DIR], overlays=[overlay])
    assert variant.ok, variant.errors
    assert variant.workspace.jurisdictions[DISTRICT].matters != (
        base_checked.workspace.jurisdictions[DISTRICT].matters
    )
    comparison = run_comparison(
        Side("base", base_checked.workspace, base_checked.registry),
        Side("容缺", variant.workspace, variant.registry),
        options(),
    )
    return comparison, matter


# ---------------------------------------------------------------- the 容缺 reform


def test_deferrable_materials_mean_fewer_trips_significantly(deferrable) -> None:
    comparison, matter = deferrable
    run = comparison.row("mean_trips", "run", "", kind="simulated")
    assert run is not None and run.n == 5
    assert run.variant < run.base
    assert run.difference < 0 and run.ci_high < 0 and run.significant
    own = comparison.row("mean_trips", "matter", matter)
    assert own is not None and own.significant and own.difference < run.difference
    assert own.variant == pytest.approx(1.0)  # nobody comes back for a missing material
    share = comparison.row("trips_le1_share", "jurisdiction", DISTRICT)
    assert share is not None and share.ci_low > 0 and share.significant and share.percent
    static = comparison.row("deferrable_matter_share", "jurisdiction", DISTRICT, kind="static")
    assert static is not None and static.exact and static.significant
    assert static.ci_low == static.ci_high == static.difference > 0


def test_the_variant_shares_the_base_random_numbers(deferrable) -> None:
    comparison, _ = deferrable
    base, variant = comparison.base_result, comparison.variant_result
    assert base is not None and variant is not None
    assert base.options == variant.options == comparison.options
    # arrivals are drawn first in each hall's stream: the same applicants on both sides
    key = ("run", "", "cases")
    assert base.per_replication[key] == variant.per_replication[key]
    # pairing removes the shared noise: the paired 95% interval is narrower than even a
    # ±1 standard error interval of two independent samples
    trips = ("run", "", "mean_trips")
    b, v = base.per_replication[trips], variant.per_replication[trips]
    diffs = [y - x for x, y in zip(b, v, strict=True)]
    _, low, high = mean_ci(diffs)
    var = lambda xs: sum((x - sum(xs) / len(xs)) ** 2 for x in xs) / (len(xs) - 1)  # noqa: E731
    unpaired = 2.0 * math.sqrt(var(b) / len(b) + var(v) / len(v))
    assert high - low < unpaired


def test_runs_with_other_random_numbers_are_refused(deferrable) -> None:
    comparison, _ = deferrable
    base = comparison.base_result
    assert base is not None
    other = replace(base, options=replace(base.options, seed=99))
    with pytest.raises(ValueError, match="random numbers"):
        compare_simulations(base, other)


# ---------------------------------------------------------------- identical trees


def test_identical_trees_differ_nowhere(base_checked: CheckResult) -> None:
    side = Side("a", base_checked.workspace, base_checked.registry)
    comparison = run_comparison(side, side, options(reps=3, days=30))
    assert comparison.rows
    for row in comparison.rows:
        assert row.difference in (0, None), row
        assert not row.significant, row
        assert row.base == row.variant
        assert not row.changed
    paired = [r for r in comparison.rows if not r.exact and r.n >= 2]
    assert paired and all(r.ci_low == r.ci_high == 0 for r in paired)


# ---------------------------------------------------------------- pairing rules


def test_paired_row_uses_replication_pairs() -> None:
    row = paired_row("simulated", "m", "run", "", [1.0, 2.0, 3.0], [1.5, 2.6, 3.4])
    assert row.n == 3 and row.base == 2.0 and row.variant == pytest.approx(2.5)
    assert row.difference == pytest.approx(0.5)
    assert row.ci_low > 0 and row.significant  # the shift is consistent, unlike the levels
    unpaired = paired_row("simulated", "m", "run", "", [1.0, 2.0, 3.0], [3.4, 1.5, 2.6])
    assert not unpaired.significant


def test_one_replication_gives_no_interval_and_nothing_significant() -> None:
    row = paired_row("simulated", "m", "run", "", [1.0], [5.0])
    assert row.difference == 4.0 and row.n == 1
    assert row.ci_low is None and row.ci_high is None and not row.significant


def test_missing_values_and_missing_subjects() -> None:
    row = paired_row("simulated", "m", "matter", "x", [None, 1.0, 2.0], [1.0, None, 2.5])
    assert row.n == 1 and row.difference == 0.5 and not row.significant
    only_variant = paired_row("simulated", "m", "window", "w", None, [1.0, 2.0])
    assert only_variant.base is None and only_variant.difference is None
    assert only_variant.changed and not only_variant.significant


def test_exact_rows_are_significant_exactly_when_they_change() -> None:
    same = exact_row("static", "s", "jurisdiction", "j", 50.0, 50.0)
    moved = exact_row("static", "s", "jurisdiction", "j", 50.0, 60.0)
    assert not same.significant and same.exact and same.n == 0
    assert moved.significant and moved.ci_low == moved.ci_high == 10.0


# ---------------------------------------------------------------- scores

SCORED = """
jurisdiction 测试区 {
  level district
  department 审批局
  domains 商事登记
  assessment 跑动考核 {
    assesses township
    category 材料 max 10 { deduct 2 per finding }
    threshold trips_le1_share >= 95% gives 5
  }
}

jurisdiction 测试镇 {
  level township
  parent 测试区
  set complete_share = 50%
MATTER
  hall 便民服务中心 {
    hours 09:00-12:00, 13:30-17:00
    window 综合 { kind comprehensive  domains 商事登记  staff 3 }
  }
  target trips_le1_share >= 95%
  facts as of 2019-01-01 { findings 材料 1 }
}
"""

MATTER = """\
  matter 设立登记 {
    department 审批局  domain 商事登记  handling promised
    materials { "身份证明" from applicant DEFER  "场所证明" from applicant DEFER }
    limit legal 20 workdays, promised 5 workdays
    volume 3000 per year  service 6 minutes  online none  delivery mail
    set mail_share = 100%
  }
"""


def scored_tree(write_tree) -> Path:
    return write_tree({"测试区.ow": SCORED.replace("MATTER", MATTER.replace("DEFER", ""))})


def reform_file(path: Path, facts: str = "") -> Path:
    """A reform of 测试镇: its matter's materials deferrable (容缺), plus `facts`."""
    matter = MATTER.replace("DEFER", "deferrable")
    path.write_text(f"jurisdiction 测试镇 {{\n{matter}{facts}}}\n", encoding="utf-8")
    return path


def rule_plugins() -> list[str]:
    """The built-in rule kinds' plugin, unless it is loaded by default already."""
    return [] if "deduct" in Registry.build().rule_kinds else ["onewindow.plugins.builtin.rules"]


def test_scores_reading_simulated_metrics_are_paired(write_tree, tmp_path: Path) -> None:
    root = scored_tree(write_tree)
    reform = reform_file(tmp_path / "reform.ow", "  facts as of 2019-02-01 { findings 材料 3 }\n")
    base = check([root], plugins=rule_plugins())
    variant = check([root], overlays=[reform], plugins=rule_plugins())
    assert base.ok and variant.ok, (base.errors, variant.errors)
    c = run_comparison(
        Side("base", base.workspace, base.registry),
        Side("variant", variant.workspace, variant.registry),
        options(reps=4, days=40, only=()),
    )
    total = c.row("跑动考核", "assessment", "测试镇", kind="score")
    assert total is not None and not total.exact and total.n == 4
    assert total.base == pytest.approx(8.0)  # 10 − 2, threshold missed: half come back
    assert total.variant == pytest.approx(9.0)  # 10 − 6 + 5: more findings, threshold met
    assert total.significant and total.ci_low == total.ci_high == pytest.approx(1.0)
    category = c.row("跑动考核/材料", "category", "测试镇", kind="score")
    assert category is not None and category.exact  # it reads findings only
    assert (category.base, category.variant, category.difference) == (8.0, 4.0, -4.0)
    assert category.significant
    target = next(r for r in c.rows if r.kind == "target" and r.subject == "测试镇")
    assert not target.exact and target.percent
    assert (target.base, target.variant) == (0.0, 100.0)
    assert (target.base_status, target.variant_status) == ("missed", "met")


# ---------------------------------------------------------------- the command


def cli() -> typer.Typer:
    app = typer.Typer()
    compare_cmd.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps `compare` a subcommand
        """Nothing."""

    return app


def test_command_prints_json_and_marks_significant_rows(write_tree, tmp_path: Path) -> None:
    root = scored_tree(write_tree)
    reform = reform_file(tmp_path / "reform.ow")
    args = ["compare", str(root), "--overlay", str(reform), "-r", "3", "--days", "30"]
    args += ["--start", START.isoformat(), "--seed", "2"]
    args += [x for name in rule_plugins() for x in ("--plugin", name)]
    result = CliRunner().invoke(cli(), [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["paired"] and data["options"]["replications"] == 3
    rows = {(r["kind"], r["scope"], r["subject"], r["name"]): r for r in data["rows"]}
    trips = rows[("simulated", "run", "", "mean_trips")]
    assert trips["significant"] and trips["difference"] < 0
    table = CliRunner().invoke(cli(), args)
    assert table.exit_code == 0, table.output
    assert "mean_trips" in table.stdout and "*" in table.stdout
    assert "significant difference(s)" in table.stdout


def test_command_errors(write_tree, tmp_path: Path) -> None:
    root = scored_tree(write_tree)
    app = cli()
    runner = CliRunner()
    nothing = runner.invoke(app, ["compare", str(root)])
    assert nothing.exit_code == 2 and "VARIANT" in nothing.output
    both = runner.invoke(app, ["compare", str(root), str(root), "--overlay", str(root)])
    assert both.exit_code == 2
    missing = runner.invoke(app, ["compare", str(root), "--overlay", str(tmp_path / "no.ow")])
    assert missing.exit_code == 2 and "no such overlay" in missing.output
    bad = tmp_path / "bad.ow"
    bad.write_text("jurisdiction 测试镇 {\n  matter 坏 { department 不存在 }\n}\n", "utf-8")
    broken = runner.invoke(app, ["compare", str(root), "--overlay", str(bad), "--days", "5"])
    assert broken.exit_code == 1
    date = runner.invoke(app, ["compare", str(root), str(root), "--as-of", "2019-13-01"])
    assert date.exit_code == 2 and "not a date" in date.output

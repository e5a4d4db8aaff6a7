"""Dated targets (目标) in scoring: before, on and after their dates; sources of the value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from onewindow.dsl.check import check
from onewindow.engine.scoring import score_tree
from onewindow.plugins.registry import Registry

TREE = """\
jurisdiction 示例区 {
  level district
  department 审批局
  domains 商事登记
  matter 甲事项 { department 审批局  domain 商事登记  handling immediate  trips 0 }
  matter 乙事项 { department 审批局  domain 商事登记  handling promised  trips 1 }
  hall 大厅 {
    hours 09:00-12:00
    window 综合 { kind comprehensive  domains 商事登记 }
    window 代办 { kind agency }
  }
  target one_window_share >= 60% by 2018-12-31
  target one_window_share >= 80% by 2019-12-31
  target standard_village_room_share >= 40%
  target windows_agency >= 1 by 2019-06-30
  target immediate_case_share >= 70% from 2019-01-01 by 2019-12-31
  facts as of 2018-06-30 { metric one_window_share 50% }
  facts as of 2018-12-31 { metric one_window_share 65% }
  facts as of 2019-12-31 { metric one_window_share 79.5% }
}
"""


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.build(extra=["onewindow.plugins.builtin.rules"])


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("targets")
    (root / "onewindow.toml").write_text("# root\n", encoding="utf-8")
    (root / "示例区.ow").write_text(TREE, encoding="utf-8")
    return root


def statuses(root: Path, registry: Registry, day: dt.date) -> dict[str, tuple[str, float | None]]:
    checked = check([root], registry=registry)
    assert checked.ok, [d.message for d in checked.errors]
    report = score_tree(checked.workspace, registry, day)
    return {t.text: (t.status, t.measured.value) for t in report.targets}


@pytest.mark.parametrize(
    ("day", "first", "second"),
    [
        (dt.date(2018, 12, 30), "pending", "pending"),  # before both dates
        (dt.date(2018, 12, 31), "met", "pending"),  # on the first: 65% (that day's facts)
        (dt.date(2019, 6, 1), "met", "pending"),  # after the first, before the second
        (dt.date(2019, 12, 31), "met", "missed"),  # on the second: 79.5% < 80%
        (dt.date(2020, 3, 1), "met", "missed"),  # after both
    ],
)
def test_two_dated_targets_before_on_and_after(
    root: Path, registry: Registry, day: dt.date, first: str, second: str
) -> None:
    got = statuses(root, registry, day)
    assert got["one_window_share >= 60% by 2018-12-31"][0] == first
    assert got["one_window_share >= 80% by 2019-12-31"][0] == second


def test_the_latest_facts_on_or_before_the_day_give_the_value(
    root: Path, registry: Registry
) -> None:
    assert statuses(root, registry, dt.date(2018, 12, 30))["one_window_share >= 60% by 2018-12-31"][
        1
    ] == pytest.approx(50)
    assert statuses(root, registry, dt.date(2019, 12, 30))["one_window_share >= 60% by 2018-12-31"][
        1
    ] == pytest.approx(65)


def test_static_metric_undated_target_and_missing_value(root: Path, registry: Registry) -> None:
    got = statuses(root, registry, dt.date(2019, 7, 1))
    assert got["windows_agency >= 1 by 2019-06-30"] == ("met", 1.0)  # computed from the model
    # undated and no value anywhere: judged on the day and missed (a target must be shown met)
    assert got["standard_village_room_share >= 40%"] == ("missed", None)


def test_target_not_yet_in_force_is_pending_and_simulated_value_missing_after(
    root: Path, registry: Registry
) -> None:
    text = "immediate_case_share >= 70% from 2019-01-01 by 2019-12-31"
    assert statuses(root, registry, dt.date(2018, 12, 1))[text][0] == "pending"
    assert statuses(root, registry, dt.date(2020, 1, 1))[text] == ("missed", None)


def test_target_lines_have_ids_and_reasons(root: Path, registry: Registry) -> None:
    checked = check([root], registry=registry)
    report = score_tree(checked.workspace, registry, dt.date(2019, 12, 31))
    line = TREE.splitlines().index("  target one_window_share >= 80% by 2019-12-31") + 1
    t = report.find(f"示例区/target:one_window_share@L{line}")
    assert t is not None
    assert t.status == "missed"  # type: ignore[union-attr]
    assert "79.5" in t.reason  # type: ignore[union-attr]
    assert t.measured.source == "fact"  # type: ignore[union-attr]

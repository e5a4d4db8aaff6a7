"""Drive each screen of the TUI with Pilot: navigate, simulate, explain a score, reload on edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, DataTable, Input, TabbedContent, Tree

from onewindow.engine.store import RunStore
from onewindow.tui.screens.compare import CompareScreen
from onewindow.tui.screens.diagnostics import DiagnosticsScreen
from onewindow.tui.screens.explorer import ExplorerScreen, GuideScreen
from onewindow.tui.screens.help import HelpScreen
from onewindow.tui.screens.runs import RunsScreen
from onewindow.tui.screens.scorecard import ScorecardScreen
from onewindow.tui.screens.simulate import SimulateScreen
from onewindow.tui.screens.source import SourceScreen
from tests.tui.helpers import checked, pilot_test, static_text, table_column, until
from tests.tui.snapshot_app import broken_tree, make_app, store_runs

SIZE = (120, 40)
TREE_SOURCE = "tests/fixtures/everything"


# ---------------------------------------------------------------- Explorer


@pilot_test
async def test_explorer_walks_the_tree_and_opens_a_service_guide(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await checked(pilot)
        screen = app.screen
        assert isinstance(screen, ExplorerScreen)
        tree = screen.query_one("#jurisdictions", Tree)
        assert [tree.get_node_at_line(i).data for i in range(tree.last_line + 1)] == [
            "示范省",
            "示范市",
            "示范区",
            "示范街道",
            "示范村",
        ]
        await pilot.press("down", "down")  # 示范省 → 示范市 → 示范区
        assert "示范区" in static_text(screen, "#jur-head")
        matters = screen.query_one("#table-matters", DataTable)
        assert table_column(matters, 0) == [
            "个体工商户设立登记",
            "企业设立登记",
            "公章刻制",
            "发票申领",
            "开办企业",
        ]
        await pilot.press("w")
        assert screen.query_one("#tabs", TabbedContent).active == "tab-windows"
        windows = screen.query_one("#table-windows", DataTable)
        assert table_column(windows, 2) == ["综合受理一", "出件", "帮办代办"]
        await pilot.press("d")
        assert table_column(screen.query_one("#table-delegations", DataTable), 0) == ["out →"]
        await pilot.press("a")
        assessments = screen.query_one("#table-assessments", DataTable)
        assert table_column(assessments, 0) == ["区委2号文", "六统一"]

        await pilot.press("m", "enter")  # the first matter's service guide
        await pilot.pause()
        assert isinstance(app.screen, GuideScreen)
        guide = static_text(app.screen, "#guide-body")
        assert "经营场所使用证明" in guide and "容缺受理" in guide
        assert "delegated to" in guide and "示范街道" in guide
        await pilot.press("escape")
        assert app.screen is screen

        await pilot.press("escape")  # back to the tree: the township sees delegated matters
        await pilot.press("down")
        assert table_column(matters, 1)[0] == "← 示范区"


@pilot_test
async def test_explorer_keeps_its_tree_across_an_edit_and_rebuilds_on_a_new_file(
    db: Path, tmp_path: Path
) -> None:
    root = broken_tree(tmp_path)
    app = make_app(db, [str(root)])
    async with app.run_test(size=SIZE) as pilot:
        await checked(pilot)
        tree = app.screen.query_one("#jurisdictions", Tree)
        district = tree.get_node_at_line(2)
        assert district.data == "示范区"
        district.collapse()  # what the user folded stays folded through an edit
        await pilot.pause()
        lines = tree.last_line
        street = root / "示范区" / "示范街道.ow"
        street.write_text(
            street.read_text(encoding="utf-8").replace("department 审批 }", "department 审批局 }"),
            encoding="utf-8",
        )
        app.session.changed([str(street)])
        number = app.last_checked.number
        app.recheck(True)
        await until(pilot, lambda: app.last_checked.number > number)
        await pilot.pause()
        assert app.session.last_check is not None and not app.session.last_check.full
        assert tree.get_node_at_line(2) is district and not district.is_expanded
        assert tree.last_line == lines
        (root / "示范区" / "新村.ow").write_text(
            "jurisdiction 新村 {\n  level village\n  parent 示范街道\n}\n", encoding="utf-8"
        )
        number = app.last_checked.number
        app.recheck()
        await until(pilot, lambda: app.last_checked.number > number)
        await pilot.pause()
        names = [tree.get_node_at_line(i).data for i in range(tree.last_line + 1)]
        assert "新村" in names  # a new jurisdiction: the tree is built again


# ---------------------------------------------------------------- Diagnostics


@pilot_test
async def test_diagnostics_show_source_and_follow_an_edited_file(
    db: Path, tmp_path: Path, monkeypatch
) -> None:
    pytest.importorskip("watchfiles")
    root = broken_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    app = make_app(db, ["tree"], watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await checked(pilot)
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, DiagnosticsScreen)
        table = screen.query_one("#diag-table", DataTable)
        assert table_column(table, 1) == ["OW102"]
        assert table_column(table, 2) == ["示范区/示范街道.ow:5:28"]
        source = static_text(screen, "#diag-source")
        assert "unknown department '审批'" in source
        assert "▶ 5 │   matter 临时事项 { department 审批 }" in source  # the line, with context
        assert "2 │   level township" in source

        await until(pilot, lambda: app.watching == "on")
        street = root / "示范区" / "示范街道.ow"
        street.write_text(
            street.read_text(encoding="utf-8").replace("department 审批 }", "department 审批局 }"),
            encoding="utf-8",
        )
        await until(pilot, lambda: table.row_count == 0)
        assert "no errors" in static_text(screen, "#diag-summary")
        stats = app.session.last_check
        assert stats is not None and not stats.full, "a saved file is re-checked incrementally"


# ---------------------------------------------------------------- Simulate


@pilot_test
async def test_simulate_runs_in_a_worker_and_stores_the_run(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await checked(pilot)
        await pilot.press("3")
        screen = app.screen
        assert isinstance(screen, SimulateScreen)
        screen.query_one("#in-days", Input).value = "abc"
        await pilot.press("f5")
        assert "Days must be a whole number" in static_text(screen, "#sim-status")
        assert app.focused is screen.query_one("#in-days", Input)

        days = screen.query_one("#in-days", Input)
        days.value = ""
        await pilot.press("1", "5", "enter")  # typed into the focused field; Enter runs the form
        await until(pilot, lambda: screen.outcome is not None)
        await pilot.pause()
        outcome = screen.outcome
        assert outcome is not None and outcome.result.options.days == 15
        assert f"run {outcome.run_id} stored" in static_text(screen, "#sim-status")
        assert screen.query_one("#run", Button).disabled is False
        metrics = screen.query_one("#sim-metrics", DataTable)
        assert "trips_le1_share" in table_column(metrics, 0)
        waits = screen.query_one("#legend-waits", DataTable)
        assert table_column(waits, 1)[0] == "示范区/综合受理一"
        with RunStore(f"sqlite:///{db}") as store:
            run = store.get(outcome.run_id)
            assert run is not None and run.options.seed == 1 and run.source == TREE_SOURCE
            assert run.case_count == len(outcome.result.cases)

        await pilot.press("5")  # the new run is listed in Runs
        await until(pilot, lambda: app.screen.query_one("#runs-table", DataTable).row_count == 1)


# ---------------------------------------------------------------- Scorecard


@pilot_test
async def test_scorecard_explains_an_item_and_opens_its_rule(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await checked(pilot)
        await pilot.press("4")
        screen = app.screen
        assert isinstance(screen, ScorecardScreen)
        await until(pilot, lambda: screen.scored is not None)
        assert screen.scored.report is not None, screen.scored.problem
        tree = screen.query_one("#score-tree", Tree)
        labels = [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]
        assert labels[:4] == [
            "示范街道  township",
            "六统一  20/30",
            "统一管理模式  10/15",
            "shortfall@L81  -5",
        ]
        await pilot.press("down", "down", "down")  # to the shortfall item
        explain = static_text(screen, "#score-explain")
        assert "standard_village_room_share = 35%" in explain
        assert "1 × (40% - 35%) = 1 × 5 = 5 off" in explain
        assert "▶ 81 │" in explain  # the rule's source line

        await pilot.press("enter")  # jump to the rule in its file
        await pilot.pause()
        assert isinstance(app.screen, SourceScreen)
        assert app.screen.query_one("#source-text").cursor_location == (80, 6)
        await pilot.press("escape")

        await pilot.press("t")
        targets = screen.query_one("#score-targets", DataTable)
        assert table_column(targets, 2) == ["met", "met"]
        await pilot.press("k")
        ranking = screen.query_one("#score-ranking", DataTable)
        assert table_column(ranking, 2) == ["示范街道"]
        assert table_column(ranking, 4) == ["bottom 1: 约谈"]


@pilot_test
async def test_scorecard_reads_a_chosen_run(db: Path) -> None:
    (first, _) = store_runs(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await checked(pilot)
        await pilot.press("5")
        runs = app.screen
        await until(pilot, lambda: runs.query_one("#runs-table", DataTable).row_count == 2)
        await pilot.press("down", "s")  # the older run, first
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScorecardScreen)
        await until(pilot, lambda: screen.scored is not None and screen.scored.run_id == first)
        assert f"simulated metrics: run {first}" in static_text(screen, "#score-head")


# ---------------------------------------------------------------- Runs


@pilot_test
async def test_runs_compares_two_marked_runs(db: Path) -> None:
    a, b = store_runs(db)
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await checked(pilot)
        await pilot.press("5")
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        table = screen.query_one("#runs-table", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        assert table_column(table, 1) == [str(b), str(a)]  # newest first
        await pilot.press("c")  # nothing marked yet: a warning, no screen
        assert app.screen is screen
        await pilot.press("space", "down", "space")
        assert table_column(table, 0) == ["A", "B"]
        await pilot.press("c")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        inputs = compare.query_one("#compare-inputs", DataTable)
        seed_row = inputs.get_row("seed")
        assert [str(c) for c in seed_row] == ["seed", "2", "1", "≠"]
        metrics = compare.query_one("#compare-metrics", DataTable)
        await until(pilot, lambda: metrics.row_count > 0)
        every = metrics.row_count
        await pilot.press("d")
        assert 0 < metrics.row_count < every
        await pilot.press("escape")
        assert app.screen is screen


# ---------------------------------------------------------------- help, themes, palette


@pilot_test
async def test_help_theme_and_palette(db: Path) -> None:
    app = make_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await checked(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.theme == "onewindow-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "onewindow-light"
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for wanted in (
            "Go to Explorer",
            "Go to Diagnostics",
            "Go to Simulate",
            "Go to Scorecard",
            "Go to Runs",
            "Help",
            "Toggle light/dark theme",
            "Re-check files",
            "Explorer: service guide",
        ):
            assert wanted in titles
        for key, name in (("3", "Simulate: run"), ("4", "Scorecard: open source")):
            await pilot.press(key)
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert name in titles

"""Build the TUI from the fixture tree with fixed inputs, for Pilot and snapshot tests.

Deterministic by construction: a fixed as-of day, fixed seeds, a temporary SQLite file whose
run times are pinned (`pin_run_times`), paths shown relative to the tree, no file watcher.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text

from onewindow.dsl.check import check
from onewindow.engine.results import SimOptions
from onewindow.engine.simulate import simulate
from onewindow.engine.store import RunStore
from onewindow.plugins.registry import Registry
from onewindow.tui.app import OnewindowApp
from onewindow.tui.session import Session

REPO = Path(__file__).resolve().parents[2]
EVERYTHING = REPO / "tests" / "fixtures" / "everything"
TREE = "tests/fixtures/everything"  # relative to REPO, the working directory of these tests
AS_OF = dt.date(2019, 12, 31)
RULES = "onewindow.plugins.builtin.rules"


def extra_plugins() -> tuple[str, ...]:
    """The built-in scoring rules, when they are not yet among the default plugins."""
    return () if "shortfall" in Registry.build().rule_kinds else (RULES,)


def make_app(
    db: Path, paths: list[str] | None = None, *, watch: bool = False, as_of: dt.date | None = AS_OF
) -> OnewindowApp:
    session = Session(
        paths or [TREE], plugins=extra_plugins(), db_url=f"sqlite:///{db}", as_of=as_of
    )
    return OnewindowApp(session, watch=watch)


def store_runs(db: Path, seeds: tuple[int, ...] = (1, 2), days: int = 10) -> list[int]:
    """Simulate the fixture tree once per seed and store each run, as `onewindow simulate` does."""
    checked = check([TREE], plugins=extra_plugins())
    ids = []
    with RunStore(f"sqlite:///{db}") as store:
        for seed in seeds:
            options = SimOptions(start=AS_OF, days=days, seed=seed, as_of=AS_OF)
            result = simulate(checked.workspace, checked.registry, options)
            ids.append(store.save(result, checked.registry, source=TREE))
    pin_run_times(db)
    return ids


def pin_run_times(db: Path) -> None:
    """Give every stored run the same time, so screens listing runs look the same each time."""
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE runs SET created_at = '2020-01-02 03:04:00.000000'"))
    engine.dispose()


def broken_tree(where: Path) -> Path:
    """A copy of the fixture tree with one unknown department and one duplicate matter."""
    root = where / "tree"
    shutil.copytree(EVERYTHING, root)
    street = root / "示范区" / "示范街道.ow"
    text_ = street.read_text(encoding="utf-8")
    text_ = text_.replace(
        "  hall 便民服务中心 {",
        "  matter 临时事项 { department 审批 }\n\n  hall 便民服务中心 {",
    )
    street.write_text(text_, encoding="utf-8")
    return root

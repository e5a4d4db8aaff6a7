"""Parsing in worker processes gives exactly what parsing in-process gives."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from onewindow.dsl.check import check
from onewindow.dsl.load import ParseCache, display_path
from onewindow.dsl.parallel import MIN_FILES, map_files, prefill, workers_for
from onewindow.engine.cli import fmt_cmd
from onewindow.engine.generate import ProvinceSpec, generate
from tests.dsl.test_incremental import comparable


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parallel") / "province"
    generate(root, ProvinceSpec(2, 3, 4, 6, seed=3))
    broken = next(root.rglob("*村.ow"))
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  frobnicate 12\n", "utf-8")
    return root


def test_workers_parse_the_same_models_and_diagnostics(province: Path) -> None:
    serial = check([province], cache=ParseCache(), workers=1)
    cache = ParseCache()
    parallel = check([province], cache=cache, workers=2)
    assert cache.misses == len(list(province.rglob("*.ow")))
    assert serial.errors, "the broken village must be reported"
    assert comparable(parallel) == comparable(serial)


def test_only_files_the_cache_lacks_are_sent_to_workers(province: Path) -> None:
    cache = ParseCache()
    check([province], cache=cache, workers=1)
    paths = sorted(province.rglob("*.ow"))
    assert prefill(cache, [(p, display_path(p)) for p in paths], workers=2) == 0
    # the shown path is part of the key (spans carry it): other shown paths are new keys
    files = [(p, f"elsewhere/{p.name}") for p in paths]
    assert prefill(cache, files, workers=2) == len(files)
    assert prefill(cache, files, workers=2) == 0
    edited = files[0][0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert prefill(cache, files, workers=2) == 0  # held in an older version: the load parses it
    assert cache.stale(*files[0]) is not None


def test_a_check_from_a_thread_parses_in_process(province: Path) -> None:
    """Forking a threaded process can deadlock: a thread's check never starts workers."""
    files = [(p, str(p)) for p in sorted(province.rglob("*.ow"))]
    results: list = []

    def work() -> None:
        results.append(prefill(ParseCache(), files, workers=2))
        results.append(check([province], cache=ParseCache(), workers=2))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert results[0] == 0
    assert comparable(results[1]) == comparable(check([province], cache=ParseCache(), workers=1))


def test_small_jobs_stay_in_process() -> None:
    assert workers_for(10) == 1
    assert workers_for(10, workers=3) == 3


def _square_or_problem(x: int) -> tuple[int | None, str | None]:
    return (None, f"no {x}") if x % 7 == 0 else (x * x, None)


def test_map_files_keeps_order_and_returns_problems() -> None:
    items = list(range(1000))
    want = [_square_or_problem(x) for x in items]
    assert list(map_files(_square_or_problem, items, workers=2)) == want
    assert list(map_files(_square_or_problem, items, workers=1)) == want


def test_fmt_of_thousands_of_files_reports_each_file_as_alone(tmp_path: Path) -> None:
    """A tree big enough to format on every core: the same verdicts, in path order."""
    root = tmp_path / "p"
    generate(root, ProvinceSpec(2, 10, 100, 4, seed=5))
    files = sorted(root.rglob("*.ow"))
    assert len(files) >= MIN_FILES
    messy, broken = files[10], files[-10]
    messy.write_text(messy.read_text(encoding="utf-8").replace("  level", "      level"), "utf-8")
    broken.write_text(broken.read_text(encoding="utf-8") + "\njurisdiction {\n", "utf-8")
    app = typer.Typer()
    fmt_cmd.register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    result = CliRunner().invoke(app, ["fmt", "--check", str(root)])
    assert result.exit_code == 1
    assert result.stderr.count("would reformat") == 1 and messy.name in result.stderr
    assert f"{broken.name}: syntax errors, left untouched" in result.stderr
    assert f"1 file(s) would be reformatted, {len(files) - 2} left unchanged" in result.stderr

"""Parsing in worker processes gives exactly what parsing in-process gives."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from onewindow.dsl.check import check
from onewindow.dsl.load import ParseCache, display_path
from onewindow.dsl.parallel import prefill, workers_for
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

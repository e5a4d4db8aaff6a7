"""Executors: a process pool and a real Dask LocalCluster give exactly the local results."""

from __future__ import annotations

import datetime as dt

import pytest

from onewindow.dsl.check import check
from onewindow.engine.executor import (
    DaskExecutor,
    ExecutorError,
    LocalExecutor,
    ProcessExecutor,
    chunks,
    executor_from_spec,
)
from onewindow.engine.results import SimOptions
from onewindow.engine.simulate import simulate
from tests.conftest import JURISDICTIONS

OPTIONS = SimOptions(
    start=dt.date(2019, 3, 4),
    days=30,
    seed=9,
    replications=2,
    jurisdictions=("周村区", "丝绸路街道", "北郊镇", "大街街道"),
)


@pytest.fixture(scope="module")
def checked():
    result = check([JURISDICTIONS])
    assert result.ok
    return result


@pytest.fixture(scope="module")
def local_result(checked):
    return simulate(checked.workspace, checked.registry, OPTIONS, executor=LocalExecutor())


def same(a, b) -> None:
    assert a.cases.columns == b.cases.columns
    assert [m.as_dict() for m in a.metrics] == [m.as_dict() for m in b.metrics]


def test_process_pool_gives_identical_results(checked, local_result) -> None:
    pool = ProcessExecutor(2)
    try:
        result = simulate(checked.workspace, checked.registry, OPTIONS, executor=pool)
    finally:
        pool.close()
    same(result, local_result)


def test_dask_local_cluster_gives_identical_results(checked, local_result) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        result = simulate(
            checked.workspace, checked.registry, OPTIONS, executor=DaskExecutor(client=client)
        )
    same(result, local_result)


def test_progress_counts_every_task(checked) -> None:
    seen: list[tuple[int, int]] = []
    simulate(
        checked.workspace, checked.registry, OPTIONS, progress=lambda d, t: seen.append((d, t))
    )
    assert seen and seen[-1][0] == seen[-1][1]


@pytest.mark.parametrize(
    ("spec", "kind"),
    [(None, LocalExecutor), ("local", LocalExecutor), ("process:3", ProcessExecutor)],
)
def test_executor_specs(spec, kind) -> None:
    ex = executor_from_spec(spec)
    assert isinstance(ex, kind)
    ex.close()


@pytest.mark.parametrize("spec", ["threads", "process:x", "dask:/nohost"])
def test_bad_executor_spec_is_a_clear_error(spec) -> None:
    with pytest.raises(ExecutorError) as err:
        executor_from_spec(spec)
    assert err.value.hint


def test_unreachable_dask_scheduler_is_a_clear_error() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(ExecutorError) as err:
        executor_from_spec("dask://127.0.0.1:9")
    assert "cannot reach" in err.value.message


def test_chunks_balance_and_keep_everything() -> None:
    groups = chunks(list("abcdef"), [5, 1, 1, 1, 1, 1], 2)
    assert sorted(x for g in groups for x in g) == list("abcdef")
    assert groups[0] == ["a"]


def test_packed_halls_unpack_to_the_same_results(checked) -> None:
    """What a task sends back packed is what it simulated, hall by hall (empty halls too)."""
    import pickle

    import numpy as np

    from onewindow.engine.sim.replication import CASE_FIELDS, PackedHalls, run_halls
    from onewindow.engine.simulate import _simulate

    captured: list[tuple] = []

    class Capture(LocalExecutor):
        def map(self, fn, items, on_done=None):
            captured.extend(items)
            return super().map(fn, items, on_done)

    _simulate(checked.workspace, checked.registry, OPTIONS, None, Capture())
    halls, days, cals, routers, seed, rep, _ = captured[0]
    results = run_halls(halls, days, cals, routers, seed, rep)
    assert any(r.stream.size == 0 for r in results) and any(r.stream.size for r in results)
    back = pickle.loads(pickle.dumps(PackedHalls.pack(results))).unpack()
    assert [r.index for r in back] == [r.index for r in results]
    for got, want in zip(back, results, strict=True):
        for field in (*CASE_FIELDS, "busy", "capacity"):
            assert np.array_equal(getattr(got, field), getattr(want, field)), field
        assert got.causes == want.causes
    assert PackedHalls.pack([]).unpack() == []

"""Executors: where simulation tasks run — in process, in a process pool, or on a Dask cluster.

Every task is seeded by its own identity (seed, replication, hall), never by the order it
runs in, so all executors give identical results for the same inputs. Choose one with
`--executor local | process[:N] | dask://HOST:PORT` (`executor_from_spec`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class ExecutorError(Exception):
    """An executor cannot be created or reached (bad spec, scheduler down, worker failure)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Executor(Protocol):
    """Runs a picklable function over items and returns the results in item order."""

    name: str

    def map(
        self, fn: Callable[[T], R], items: Sequence[T], on_done: Callable[[], None] | None = None
    ) -> list[R]: ...

    def close(self) -> None: ...


class LocalExecutor:
    """Runs tasks one after the other in this process (the default)."""

    name = "local"

    def map(
        self, fn: Callable[[T], R], items: Sequence[T], on_done: Callable[[], None] | None = None
    ) -> list[R]:
        out = []
        for item in items:
            out.append(fn(item))
            if on_done is not None:
                on_done()
        return out

    def close(self) -> None:
        return None


class ProcessExecutor:
    """Runs tasks in a pool of worker processes on this machine."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.name = f"process:{self.workers}"
        self._pool: ProcessPoolExecutor | None = None

    def map(
        self, fn: Callable[[T], R], items: Sequence[T], on_done: Callable[[], None] | None = None
    ) -> list[R]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        futures = [self._pool.submit(fn, item) for item in items]
        for _ in as_completed(futures):
            if on_done is not None:
                on_done()
        return [f.result() for f in futures]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


class DaskExecutor:
    """Runs tasks on a Dask distributed cluster (`dask://host:port`, or a Client)."""

    def __init__(self, address: str | None = None, client: Any = None) -> None:
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - dask is an optional extra
            raise ExecutorError(
                "the Dask executor needs dask.distributed",
                "install it: pip install 'onewindow[dask]'",
            ) from exc
        self.name = f"dask://{address}" if address else "dask"
        self._own = client is None
        try:
            self.client = client or Client(address, timeout=3)
        except OSError as exc:
            raise ExecutorError(
                f"cannot reach the Dask scheduler at {address}: {exc}",
                "start one with `dask scheduler` and workers with `dask worker ADDRESS`",
            ) from exc

    def map(
        self, fn: Callable[[T], R], items: Sequence[T], on_done: Callable[[], None] | None = None
    ) -> list[R]:
        from distributed import as_completed as dask_completed

        futures = self.client.map(fn, list(items), pure=False)
        for _ in dask_completed(futures):
            if on_done is not None:
                on_done()
        return self.client.gather(futures)

    def close(self) -> None:
        if self._own:
            self.client.close()


def executor_from_spec(spec: str | None) -> Executor:
    """`local` (default), `process` or `process:N`, `dask://HOST:PORT`."""
    if spec is None or spec == "local":
        return LocalExecutor()
    if spec == "process" or spec.startswith("process:"):
        _, _, n = spec.partition(":")
        if n and not n.isdigit():
            raise ExecutorError(f"'{spec}' is not a process count", "write e.g. process:4")
        return ProcessExecutor(int(n) if n else None)
    if spec.startswith("dask://"):
        address = "tcp://" + spec.removeprefix("dask://")
        return DaskExecutor(address)
    raise ExecutorError(
        f"unknown executor '{spec}'",
        "use local, process, process:N or dask://HOST:PORT",
    )


def chunks(items: Iterable[T], weights: Iterable[float], parts: int) -> list[list[T]]:
    """Split items into at most `parts` groups of similar total weight (greedy, stable)."""
    pairs = sorted(zip(items, weights, strict=True), key=lambda p: -p[1])
    groups: list[list[T]] = [[] for _ in range(max(1, parts))]
    loads = [0.0] * len(groups)
    for item, weight in pairs:
        i = loads.index(min(loads))
        groups[i].append(item)
        loads[i] += weight
    return [g for g in groups if g]

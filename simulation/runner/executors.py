"""Where replications run: in this process, a local process pool, or a dask.distributed cluster.

Every executor runs ``fn(*task)`` for each task and yields ``(task index, result)`` as each
finishes; results never depend on which executor ran them.
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Callable, Iterator, Protocol, Sequence

from simulation.core.errors import PausesimError

Task = tuple  # arguments of one call of the task function


class Executor(Protocol):
    """Runs ``fn(*task)`` for each task and yields ``(task index, result)`` as each finishes."""

    def run(self, fn: Callable, tasks: Sequence[Task]) -> Iterator[tuple[int, Any]]: ...


class SerialExecutor:
    """Runs tasks one after another in this process."""

    def run(self, fn, tasks):
        for i, task in enumerate(tasks):
            yield i, fn(*task)


class ProcessExecutor:
    """Runs tasks in a pool of ``workers`` processes on this machine."""

    def __init__(self, workers: int):
        self.workers = workers

    def run(self, fn, tasks):
        with ProcessPoolExecutor(max_workers=self.workers) as pool:
            pending = {pool.submit(fn, *task): i for i, task in enumerate(tasks)}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:  # forget each future once read: it holds its result
                    yield pending.pop(future), future.result()


def make_executor(workers: int) -> Executor:
    """The default executor for a number of local workers (1 = in-process)."""
    if workers < 1:
        raise PausesimError(f"--workers = {workers} is invalid: must be an integer >= 1")
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)


class DaskExecutor:
    """Runs tasks on a dask.distributed cluster through a ``distributed.Client``.

    The workers must be able to import ``simulation`` (same pausesim version as the client)."""

    def __init__(self, client):
        self.client = client

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def run(self, fn, tasks):
        from distributed import as_completed as completed

        futures = [self.client.submit(fn, *task, pure=False) for task in tasks]
        index = {future.key: i for i, future in enumerate(futures)}
        for future in completed(futures):
            yield index[future.key], future.result()
            future.release()


@contextlib.contextmanager
def dask_executor(scheduler: str | None = None, local_workers: int | None = None):
    """A :class:`DaskExecutor` on the cluster at ``scheduler`` (``tcp://host:port``), or on a
    local cluster of ``local_workers`` processes started here and closed afterwards; ``None`` if
    neither is given."""
    if scheduler is None and local_workers is None:
        yield None
        return
    if scheduler is not None and local_workers is not None:
        raise PausesimError("--scheduler and --dask-local cannot be combined: give one")
    if local_workers is not None and local_workers < 1:
        raise PausesimError(f"--dask-local = {local_workers} is invalid: must be an integer >= 1")
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise PausesimError("dask.distributed is not installed: pip install 'pausesim[dask]'") \
            from None
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            try:
                client = stack.enter_context(Client(scheduler, timeout="10s"))
            except (OSError, TimeoutError) as exc:
                raise PausesimError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
        else:
            cluster = stack.enter_context(LocalCluster(
                n_workers=local_workers, threads_per_worker=1, processes=True,
                dashboard_address=None))
            client = stack.enter_context(Client(cluster))
        yield DaskExecutor(client)


def default_workers() -> int:
    """Local workers used when none are asked for: the cores available, at most 8."""
    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1)))

"""Monte Carlo runner: many paired replications, in parallel, reproducibly.

Replication ``r`` of a run with seed ``s`` is seeded by ``SeedSequence(s).spawn(reps)[r]`` and
depends on nothing else, so results are identical whatever the number of workers or the executor.
Work is split into chunks of replications and handed to an :class:`Executor`; the process pool is
the default and a dask.distributed ``Client`` can stand behind the same interface.
"""

from __future__ import annotations

import contextlib
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence

import numpy as np

from simulation import __version__
from simulation.engine.model import Rates, simulate_replication
from simulation.core.errors import PausesimError
from simulation.model.metrics import METRICS, events_frame, n_months, replication_monthly
from simulation.core.scenario import Scenario

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


@dataclass
class MonteCarloResult:
    """Everything a run produced: monthly metrics of every replication, and how it was made."""

    scenario: Scenario
    seed: int
    monthly: np.ndarray  # (reps, 2 arms [programme, counterfactual], len(METRICS), n_months)
    wall_seconds: float
    workers: int
    engine: str = "simpy"
    version: str = __version__
    events: Any = None  # pandas DataFrame of every event, when asked for
    parameter_index: np.ndarray | None = None  # parameter set of each replication, if several
    extra: dict = field(default_factory=dict)

    @property
    def reps(self) -> int:
        return self.monthly.shape[0]

    def metric(self, name: str, arm: int = 0) -> np.ndarray:
        """Monthly values of one metric for one arm, shape ``(reps, n_months)``."""
        return self.monthly[:, arm, METRICS.index(name), :]


ENGINES = ("simpy", "fast")


def simulate_chunk(scenario: Scenario, seed: int, reps: Sequence[int],
                   keep_events: bool = False, engine: str = "simpy") -> tuple[np.ndarray, Any]:
    """Simulate some replications of one scenario; return their monthly metrics (and events)."""
    rates = Rates.from_scenario(scenario)
    if engine == "fast":
        from simulation.fast import simulate_reps

        return simulate_reps(scenario, seed, reps, rates), None
    horizon = scenario["practice.horizon_months"]
    out = np.empty((len(reps), 2, len(METRICS), n_months(horizon)), dtype=np.float32)
    frames = []
    for k, rep in enumerate(reps):
        logs = simulate_replication(scenario, seed, rep, rates)
        out[k] = replication_monthly(logs, horizon)
        if keep_events:
            frames.append(events_frame(logs, rep))
    if not keep_events:
        return out, None
    import pandas as pd

    return out, pd.concat(frames, ignore_index=True)


#: Most replications in one chunk, by engine, and the multiple a chunk's size is rounded up to:
#: the fast engine draws its women in blocks of 100 replications.
CHUNK_SIZE = {"simpy": 50, "fast": 400}
CHUNK_STEP = {"simpy": 1, "fast": 100}


def chunks(reps: int, workers: int, max_size: int = 50, n_sets: int = 1,
           step: int = 1) -> list[range]:
    """Split replications into chunks: several per worker (for progress and load balance),
    counting the chunks of all ``n_sets`` parameter sets; sizes are multiples of ``step``."""
    per_set = max(1, -(-workers * 8 // n_sets))
    size = max(1, min(max_size, -(-reps // per_set)))
    size = -(-size // step) * step
    return [range(start, min(start + size, reps)) for start in range(0, reps, size)]


def run(scenario: Scenario, reps: int, seed: int, workers: int = 1,
        executor: Executor | None = None, progress: bool | None = None,
        keep_events: bool = False,
        parameter_sets: Sequence[Mapping[str, Any]] | None = None,
        engine: str = "simpy", checkpoint: Path | str | None = None) -> MonteCarloResult:
    """Run ``reps`` paired replications of ``scenario``.

    With ``parameter_sets`` (a list of overrides, e.g. posterior draws), each set is run for
    ``reps`` replications - ``len(parameter_sets) * reps`` in all, set by set - and replication j
    of every set uses the same seed (common random numbers across parameter sets).
    ``result.parameter_index`` says which set each replication used.

    ``engine`` is ``"simpy"`` (the reference model) or ``"fast"`` (:mod:`simulation.fast`: the
    same model compiled with Numba; no event log). With ``checkpoint`` (a folder), completed chunks are
    saved there and a rerun of the same run resumes from them (:mod:`simulation.checkpoint`).
    """
    if engine not in ENGINES:
        raise PausesimError(f"--engine = {engine!r} is invalid: must be one of "
                            f"{', '.join(ENGINES)}")
    if keep_events and engine != "simpy":
        raise PausesimError("--events needs --engine simpy: the fast engine keeps no event log")
    if keep_events and checkpoint is not None:
        raise PausesimError("--events cannot be combined with --checkpoint: events are not "
                            "checkpointed")
    if reps < 1:
        raise PausesimError(f"--reps = {reps} is invalid: must be an integer >= 1")
    if seed < 0:
        raise PausesimError(f"--seed = {seed} is invalid: must be an integer >= 0")
    executor = executor or make_executor(workers)
    if engine == "fast":  # compiled (or loaded) once here, before workers are forked
        from simulation.fast import compile_kernel

        compile_kernel()
    scenarios = [scenario] if parameter_sets is None else \
        [scenario.with_overrides(dict(p), source="parameter set") for p in parameter_sets]
    if not scenarios:
        raise PausesimError("parameter_sets is empty: give at least one parameter set")
    # With a checkpoint the chunks must not depend on the number of workers, to be found again.
    parts = chunks(reps, 1 if checkpoint is not None else workers, CHUNK_SIZE[engine],
                   len(scenarios), CHUNK_STEP[engine])
    tasks = [(sc, seed, part, keep_events, engine) for sc in scenarios for part in parts]
    offsets = [k * reps + part.start for k in range(len(scenarios)) for part in parts]
    T = n_months(scenario["practice.horizon_months"])
    monthly = np.empty((reps * len(scenarios), 2, len(METRICS), T), dtype=np.float32)
    events: list = [None] * len(tasks)
    start = time.perf_counter()
    saved = None if checkpoint is None else _checkpoint(checkpoint, scenarios, seed, reps, engine,
                                                        parts)
    names = [f"{k}-{part.start}-{part.stop}" for k in range(len(scenarios)) for part in parts]
    todo = []  # tasks not done by an earlier, interrupted run
    with _progress_bar(len(monthly), progress) as bar:
        for i, name in enumerate(names):
            values = None if saved is None else saved.load(name)
            if values is None:
                todo.append(i)
            else:
                monthly[offsets[i]:offsets[i] + len(values)] = values
                bar.update(len(values))
        for j, (values, frame) in executor.run(simulate_chunk, [tasks[i] for i in todo]):
            i = todo[j]
            monthly[offsets[i]:offsets[i] + len(values)] = values
            events[i] = frame
            if saved is not None:
                saved.save(names[i], values)
            bar.update(len(values))
    wall = time.perf_counter() - start
    all_events = None
    if keep_events:
        import pandas as pd

        all_events = pd.concat(events, ignore_index=True)
    index = None if parameter_sets is None else np.repeat(np.arange(len(scenarios)), reps)
    return MonteCarloResult(scenario, seed, monthly, wall, workers, engine=engine,
                            events=all_events, parameter_index=index)


def _checkpoint(folder, scenarios, seed, reps, engine, parts):
    from simulation.runner.checkpoint import Checkpoint

    return Checkpoint(folder, {
        "scenario_digests": [sc.digest() for sc in scenarios], "seed": seed, "reps": reps,
        "engine": engine, "version": __version__,
        "chunks": [[part.start, part.stop] for part in parts]})


def _progress_bar(total: int, enabled: bool | None):
    from tqdm import tqdm

    if enabled is None:
        enabled = total >= 200 and os.isatty(2)
    return tqdm(total=total, unit="rep", desc="replications", disable=not enabled, leave=False)


def default_workers() -> int:
    """Local workers used when none are asked for: the cores available, at most 8."""
    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1)))

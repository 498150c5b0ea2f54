"""Monte Carlo runner: many paired replications, in parallel, reproducibly.

Replication ``r`` of a run with seed ``s`` is seeded by ``SeedSequence(s).spawn(reps)[r]`` and
depends on nothing else, so results are identical whatever the number of workers or the executor.
Work is split into chunks of replications and handed to an :class:`Executor`; the process pool is
the default and a dask.distributed ``Client`` can stand behind the same interface.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence

import numpy as np

from . import __version__
from .engine.model import Rates, simulate_replication
from .errors import PausesimError
from .metrics import METRICS, events_frame, n_months, replication_monthly
from .scenario import Scenario

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
            futures = {pool.submit(fn, *task): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                yield futures[future], future.result()


def make_executor(workers: int) -> Executor:
    """The default executor for a number of local workers (1 = in-process)."""
    if workers < 1:
        raise PausesimError(f"--workers = {workers} is invalid: must be an integer >= 1")
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)


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


def simulate_chunk(scenario: Scenario, seed: int, reps: Sequence[int],
                   keep_events: bool = False) -> tuple[np.ndarray, Any]:
    """Simulate some replications of one scenario; return their monthly metrics (and events)."""
    rates = Rates.from_scenario(scenario)
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


def chunks(reps: int, workers: int, max_size: int = 50) -> list[range]:
    """Split replications into chunks: several per worker (for progress and load balance)."""
    size = max(1, min(max_size, -(-reps // (workers * 8))))
    return [range(start, min(start + size, reps)) for start in range(0, reps, size)]


def run(scenario: Scenario, reps: int, seed: int, workers: int = 1,
        executor: Executor | None = None, progress: bool | None = None,
        keep_events: bool = False,
        parameter_sets: Sequence[Mapping[str, Any]] | None = None) -> MonteCarloResult:
    """Run ``reps`` paired replications of ``scenario``.

    With ``parameter_sets`` (a list of overrides, e.g. posterior draws), each set is run for
    ``reps`` replications - ``len(parameter_sets) * reps`` in all, set by set - and replication j
    of every set uses the same seed (common random numbers across parameter sets).
    ``result.parameter_index`` says which set each replication used.
    """
    if reps < 1:
        raise PausesimError(f"--reps = {reps} is invalid: must be an integer >= 1")
    if seed < 0:
        raise PausesimError(f"--seed = {seed} is invalid: must be an integer >= 0")
    executor = executor or make_executor(workers)
    scenarios = [scenario] if parameter_sets is None else \
        [scenario.with_overrides(dict(p), source="parameter set") for p in parameter_sets]
    if not scenarios:
        raise PausesimError("parameter_sets is empty: give at least one parameter set")
    parts = chunks(reps, max(1, workers // len(scenarios)))
    tasks = [(sc, seed, part, keep_events) for sc in scenarios for part in parts]
    offsets = [k * reps + part.start for k in range(len(scenarios)) for part in parts]
    T = n_months(scenario["practice.horizon_months"])
    monthly = np.empty((reps * len(scenarios), 2, len(METRICS), T), dtype=np.float32)
    events: list = [None] * len(tasks)
    start = time.perf_counter()
    with _progress_bar(len(monthly), progress) as bar:
        for i, (values, frame) in executor.run(simulate_chunk, tasks):
            monthly[offsets[i]:offsets[i] + len(values)] = values
            events[i] = frame
            bar.update(len(values))
    wall = time.perf_counter() - start
    all_events = None
    if keep_events:
        import pandas as pd

        all_events = pd.concat(events, ignore_index=True)
    index = None if parameter_sets is None else np.repeat(np.arange(len(scenarios)), reps)
    return MonteCarloResult(scenario, seed, monthly, wall, workers, events=all_events,
                            parameter_index=index)


def _progress_bar(total: int, enabled: bool | None):
    from tqdm import tqdm

    if enabled is None:
        enabled = total >= 200 and os.isatty(2)
    return tqdm(total=total, unit="rep", desc="replications", disable=not enabled, leave=False)


def default_workers() -> int:
    """Local workers used when none are asked for: the cores available, at most 8."""
    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else (os.cpu_count() or 1)))

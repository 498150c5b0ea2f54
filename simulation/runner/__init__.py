"""Monte Carlo runner: many paired replications of one or more parameter sets, reproducibly.

A run simulates, for each parameter set (a resolved :class:`~simulation.core.scenario.Scenario`),
a list of replication numbers. Replication ``r``'s random numbers depend only on the seed and
``r`` (:mod:`simulation.model.rng`, :mod:`simulation.model.population`), so results are
identical whatever the number of workers, the executor or the engine. Two parameter sets given
the same replication numbers share their random numbers (common random numbers: the basis of
paired comparisons).

Work is split into chunks of replications, simulated by an :mod:`executor <simulation.runner.
executors>` and reduced in the worker to the time bins asked for (``edges``), so memory grows with
the bins kept, not with the months simulated.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from simulation import __version__
from simulation.core.defaults import ENGINES
from simulation.core.errors import PausesimError
from simulation.core.scenario import Scenario
from simulation.model.layout import N_TALLIED, POST_METRICS, POST_YEARS, n_months
from simulation.model.rates import Rates

from .executors import (
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SerialExecutor,
    dask_executor,
    default_workers,
    make_executor,
)

#: Most replications in one chunk, by engine.
CHUNK_SIZE = {"simpy": 50, "fast": 400}


@dataclass
class Simulated:
    """What a run produced: every replication's tallies and how it was made.

    ``tally``: ``(reps, 2 arms [programme, counterfactual], N_TALLIED, bins)`` float32, summed
    over the bins ``edges`` (months); ``post``: ``(reps, 2, 3, POST_YEARS)`` after the horizon.
    Replication ``i`` used parameter set ``set_index[i]`` and random numbers ``rep_number[i]``.
    """

    scenarios: list[Scenario]
    set_index: np.ndarray
    rep_number: np.ndarray
    tally: np.ndarray
    post: np.ndarray
    edges: np.ndarray
    seed: int
    engine: str
    workers: int
    wall_seconds: float
    version: str = __version__
    events: Any = None  # pandas DataFrame of every event (SimPy engine), when asked for
    extra: dict = field(default_factory=dict)

    @property
    def reps(self) -> int:
        return len(self.set_index)


def monthly_edges(horizon_months: float) -> np.ndarray:
    """Bin edges of monthly resolution: 0, 1, ..., n_months."""
    return np.arange(n_months(horizon_months) + 1, dtype=float)


def simulate_chunk(scenario: Scenario, seed: int, reps: Sequence[int], engine: str,
                   edges: np.ndarray, keep_events: bool = False):
    """Simulate replications ``reps`` of one parameter set: binned tallies (float32), the
    after-horizon tallies (float32) and, with the SimPy engine and ``keep_events``, events."""
    rates = Rates.from_scenario(scenario)
    events = None
    if engine == "fast":
        from simulation.fast import simulate_reps

        tally, post = simulate_reps(scenario, seed, reps, rates, edges)
    else:
        from simulation.engine import simulate_reps

        tally, post, events = simulate_reps(scenario, seed, reps, keep_events, rates, edges)
    return tally.astype(np.float32), post.astype(np.float32), events


def chunks(reps: Sequence[int], workers: int, max_size: int, n_sets: int = 1) -> list[np.ndarray]:
    """Split one parameter set's replication numbers into chunks: several per worker (for
    progress and load balance) counting all ``n_sets`` sets, at most ``max_size`` each."""
    reps = np.asarray(reps, dtype=np.int64)
    per_set = max(1, -(-workers * 8 // n_sets))
    size = max(1, min(max_size, -(-len(reps) // per_set)))
    return [reps[i:i + size] for i in range(0, len(reps), size)]


def run(scenarios: Scenario | Sequence[Scenario], reps: int | Sequence[Sequence[int]], seed: int,
        workers: int = 1, executor: Executor | None = None, progress=None,
        keep_events: bool = False, engine: str = "fast", edges: np.ndarray | None = None,
        checkpoint: Path | str | None = None) -> Simulated:
    """Simulate paired replications.

    ``scenarios``: one parameter set or several. ``reps``: the number of replications of each
    (numbered 0..reps-1 for every set: common random numbers across sets), or for each set the
    list of its replication numbers. ``edges``: time bins kept (default: months). With
    ``checkpoint`` (a folder), completed chunks are saved there and a rerun of the same run
    resumes from them (:mod:`simulation.runner.checkpoint`). ``progress``: None (a bar on a
    terminal for large runs), True/False, or ``report(done, total)`` called as chunks complete.
    """
    if engine not in ENGINES:
        raise PausesimError(f"--engine = {engine!r} is invalid: must be one of "
                            f"{', '.join(ENGINES)}")
    if keep_events and engine != "simpy":
        raise PausesimError("--events needs --engine simpy: the fast engine keeps no event log")
    if keep_events and checkpoint is not None:
        raise PausesimError("--events cannot be combined with --checkpoint: events are not "
                            "checkpointed")
    if seed < 0:
        raise PausesimError(f"--seed = {seed} is invalid: must be an integer >= 0")
    scenarios = [scenarios] if isinstance(scenarios, Scenario) else list(scenarios)
    if not scenarios:
        raise PausesimError("no parameter sets to simulate")
    if isinstance(reps, (int, np.integer)):
        if reps < 1:
            raise PausesimError(f"--reps = {reps} is invalid: must be an integer >= 1")
        numbers = [np.arange(reps, dtype=np.int64)] * len(scenarios)
    else:
        numbers = [np.asarray(r, dtype=np.int64) for r in reps]
        if len(numbers) != len(scenarios) or any(len(r) == 0 for r in numbers):
            raise ValueError("give one non-empty list of replication numbers per parameter set")
    horizon = scenarios[0]["practice.horizon_months"]
    if any(sc["practice.horizon_months"] != horizon for sc in scenarios):
        raise PausesimError("parameter sets must share practice.horizon_months")
    edges = monthly_edges(horizon) if edges is None else np.asarray(edges, dtype=float)
    executor = executor or make_executor(workers)
    if engine == "fast":  # compiled (or loaded) once here, before workers are forked
        from simulation.fast import compile_kernel

        compile_kernel()
    size = CHUNK_SIZE[engine]
    tasks, where = [], []
    for k, (sc, nums) in enumerate(zip(scenarios, numbers)):
        parts = chunks(nums, 1 if checkpoint is not None else workers, size, len(scenarios))
        start = sum(len(n) for n in numbers[:k])
        for part in parts:
            tasks.append((sc, seed, part, engine, edges, keep_events))
            where.append(start)
            start += len(part)
    total = sum(len(n) for n in numbers)
    tally = np.empty((total, 2, N_TALLIED, len(edges) - 1), dtype=np.float32)
    post = np.empty((total, 2, len(POST_METRICS), POST_YEARS), dtype=np.float32)
    events: list = [None] * len(tasks)
    saved = None if checkpoint is None else _checkpoint(checkpoint, scenarios, seed, numbers,
                                                        engine, edges, tasks)
    names = [f"{i}-{int(t[2][0])}-{len(t[2])}" for i, t in enumerate(tasks)]
    start_time = time.perf_counter()
    todo = []
    with _progress_bar(total, progress) as bar:
        for i, name in enumerate(names):
            loaded = None if saved is None else saved.load_chunk(
                name, ((len(tasks[i][2]), 2, N_TALLIED, len(edges) - 1),
                       (len(tasks[i][2]), 2, len(POST_METRICS), POST_YEARS)))
            if loaded is None:
                todo.append(i)
            else:
                n = len(tasks[i][2])
                tally[where[i]:where[i] + n], post[where[i]:where[i] + n] = loaded
                bar.update(n)
        for j, (t, p, e) in executor.run(simulate_chunk, [tasks[i] for i in todo]):
            i = todo[j]
            n = len(t)
            tally[where[i]:where[i] + n], post[where[i]:where[i] + n] = t, p
            events[i] = e
            if saved is not None:
                saved.save_chunk(names[i], (t, p))
            bar.update(n)
    wall = time.perf_counter() - start_time
    all_events = None
    if keep_events:
        import pandas as pd

        all_events = pd.concat([e for e in events if e is not None], ignore_index=True)
    set_index = np.concatenate([np.full(len(n), k) for k, n in enumerate(numbers)])
    return Simulated(scenarios, set_index, np.concatenate(numbers), tally, post, edges, seed,
                     engine, getattr(executor, "workers", workers), wall, events=all_events)


def _checkpoint(folder, scenarios, seed, numbers, engine, edges, tasks):
    from .checkpoint import Checkpoint

    return Checkpoint(folder, {
        "scenario_digests": [sc.digest() for sc in scenarios], "seed": seed,
        "replications": [[int(n[0]), int(n[-1]), len(n)] for n in numbers],
        "engine": engine, "version": __version__, "edges": [float(e) for e in edges],
        "chunks": [[int(t[2][0]), len(t[2])] for t in tasks]})


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython

        shell = get_ipython()
        return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"
    except ImportError:
        return False


class _Callback:
    """A progress "bar" that reports to ``report(done, total)`` (replications; the browser
    interface's progress bar), with tqdm's ``update`` and context manager."""

    def __init__(self, report, total: int):
        self.report, self.total, self.done = report, total, 0
        report(0, total)

    def update(self, n: int) -> None:
        self.done += n
        self.report(self.done, self.total)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def _progress_bar(total: int, enabled):
    """A progress bar (tqdm.auto: a widget in notebooks, text on a terminal). By default shown
    for runs of 50 replications or more on a terminal or in a notebook; ``enabled`` may also be
    a function ``report(done, total)`` called as replications complete."""
    from tqdm.auto import tqdm

    if callable(enabled):
        return _Callback(enabled, total)
    if enabled is None:
        enabled = total >= 50 and (_in_notebook() or os.isatty(2))
    return tqdm(total=total, unit="rep", desc="replications", disable=not enabled, leave=False)


__all__ = ["DaskExecutor", "ENGINES", "Executor", "ProcessExecutor", "SerialExecutor",
           "Simulated", "dask_executor", "default_workers", "make_executor", "monthly_edges",
           "run"]

"""Simulating the targets' statistics at parameter sets: one set, or a whole design in parallel.

Each parameter set gets ``reps`` paired replications with a seed of its own (derived from the run
seed, the wave and the set's index by :class:`numpy.random.SeedSequence`), so a design's results
depend on the seed only - not on the number of workers or the order in which sets finish.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from simulation import runner
from simulation.core.scenario import Scenario

from calibration import targets as targets_mod
from calibration.targets import Target


def simulate_statistics(scenario: Scenario, targets: Sequence[Target],
                        overrides: Mapping[str, Any], reps: int,
                        seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The targets' per-replication (numerator, denominator) for one parameter set."""
    sc = scenario.with_overrides(dict(overrides), source="calibration parameter set")
    result = runner.run(sc, reps, seed, workers=1, progress=False,
                        keep_events=any(t.needs_events for t in targets))
    return targets_mod.evaluate(targets, result)


def set_seed(seed: int, stream: int, index: int) -> int:
    """The seed of parameter set ``index`` of a design (``stream``: the wave, or a check)."""
    return int(np.random.SeedSequence([seed, stream, index]).generate_state(1)[0])


def simulate_design(scenario: Scenario, parameter_sets: Sequence[Mapping[str, Any]], reps: int,
                    seed: int, stream: int, workers: int = 1,
                    targets: Sequence[Target] = targets_mod.TARGETS,
                    progress: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """Every target at every parameter set.

    Returns the pooled value of each target per set (rows: sets), its Monte Carlo standard error,
    and the per-replication (numerator, denominator) of each set.
    """
    tasks = [(scenario, tuple(targets), dict(p), reps, set_seed(seed, stream, j))
             for j, p in enumerate(parameter_sets)]
    ratios: list = [None] * len(tasks)
    results = runner.make_executor(workers).run(simulate_statistics, tasks)
    if progress:
        from tqdm import tqdm

        results = tqdm(results, total=len(tasks), desc=progress, unit="set", leave=False,
                       disable=None)
    for j, r in results:
        ratios[j] = r
    names = [t.name for t in targets]
    value = pd.DataFrame([{n: targets_mod.pooled(r[n]) for n in names} for r in ratios])
    se = pd.DataFrame([{n: targets_mod.standard_error(r[n]) for n in names} for r in ratios])
    return value, se, ratios

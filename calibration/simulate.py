"""Simulating the targets' statistics at parameter sets: a whole design in parallel.

Each parameter set gets ``reps`` paired replications with replication numbers of its own (so its
random numbers are independent of every other set's), derived from the design's ``stream`` (the
wave, or a check) and the set's index: a design's results depend on the seed only - not on the
number of workers or the order in which sets finish. The fast engine simulates them.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from calibration import statistics
from calibration import targets as targets_mod
from calibration.targets import Target
from simulation import runner
from simulation.core.scenario import Scenario

#: Replication numbers of design stream s start at s * STREAM_SPAN (no overlap between waves).
STREAM_SPAN = 10 ** 9


def replication_numbers(stream: int, index: int, reps: int) -> np.ndarray:
    return stream * STREAM_SPAN + index * reps + np.arange(reps, dtype=np.int64)


def simulate_design(scenario: Scenario, parameter_sets: Sequence[Mapping[str, Any]], reps: int,
                    seed: int, stream: int, workers: int = 1,
                    targets: Sequence[Target] = targets_mod.TARGETS,
                    progress: str | None = None, engine: str = "fast",
                    extra: Mapping[str, Any] | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """Every target at every parameter set.

    Returns the pooled value of each target per set (rows: sets), its Monte Carlo standard error,
    and the per-replication (numerator, denominator) of each set. ``extra`` adds further
    statistics (``{name: statistic}``, e.g. a target's share from one source) as columns.
    """
    base = scenario.with_calibration(None) if scenario.calibration else scenario
    sets = [base.with_overrides(dict(p), source="calibration parameter set", given=False)
            for p in parameter_sets]
    numbers = [replication_numbers(stream, j, reps) for j in range(len(sets))]
    bins = statistics.edges(base)
    sim = runner.run(sets, numbers, seed, workers=workers, engine=engine, edges=bins,
                     progress=bool(progress) and None)
    ratios = []
    for j, sc in enumerate(sets):
        tallies = statistics.Tallies(sim.tally[sim.set_index == j], sc, bins)
        found = targets_mod.evaluate(targets, tallies)
        found.update({name: stat(tallies) for name, stat in (extra or {}).items()})
        ratios.append(found)
    names = [t.name for t in targets] + list(extra or {})
    value = pd.DataFrame([{n: targets_mod.pooled(r[n]) for n in names} for r in ratios])
    se = pd.DataFrame([{n: targets_mod.standard_error(r[n]) for n in names} for r in ratios])
    return value, se, ratios

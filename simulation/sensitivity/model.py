"""The simulation as a function: parameter sets -> per-replication headline outcomes by year.

Every analysis in this package calls a *model*: anything with ``outcomes``, ``years`` and
``__call__(draws) -> array (sets, reps, outcomes, years)``, where ``draws`` is a DataFrame with one
row per parameter set and one column per parameter key, and the values are cumulative from month 0
to the end of each year. :class:`SimulationModel` runs pausesim; tests plug in toy models with
known answers.

All parameter sets use the same seed, so replication ``r`` of every set reads the same random
numbers (common random numbers): differences between sets are due to the parameters, not to luck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol, Sequence

import numpy as np
import pandas as pd

from simulation import runner
from simulation.results import summary
from simulation.core.errors import PausesimError
from simulation.core.scenario import Scenario
from simulation.sensitivity.uncertain import overrides, posterior_draws

#: Headline outcomes, as named by :func:`simulation.summary.series` (cumulative per year end).
OUTCOMES: tuple[str, ...] = ("infants_avoided", "net_cost_avoidance_discounted")
UNITS = {"infants_avoided": "infants", "net_cost_avoidance_discounted": "GBP (discounted)"}


class Model(Protocol):
    """What the analyses need from a model."""

    outcomes: Sequence[str]
    years: Sequence[int]

    def __call__(self, draws: pd.DataFrame) -> np.ndarray: ...


@dataclass
class SimulationModel:
    """pausesim with ``reps`` paired replications per parameter set, seeds shared by all sets."""

    scenario: Scenario
    reps: int
    seed: int
    workers: int = 1
    executor: runner.Executor | None = None
    outcomes: Sequence[str] = OUTCOMES
    max_reps_per_batch: int = 5000  # bounds memory: ~9 kB of monthly metrics per replication
    progress: bool | None = None
    run_options: Mapping[str, Any] = field(default_factory=dict)  # engine, checkpoint (runner.run)

    def __post_init__(self):
        if self.reps < 1:
            raise PausesimError(f"--reps = {self.reps} is invalid: must be an integer >= 1")
        named = summary.periods(self.scenario["practice.horizon_months"])
        self.years = [int(p[5:]) for p in named if p.startswith("year_")]
        if not self.years:
            raise PausesimError("practice.horizon_months must cover at least one year")
        self.wall_seconds = 0.0  # simulation time of all calls so far

    def __call__(self, draws: pd.DataFrame) -> np.ndarray:
        sets = overrides(posterior_draws(draws, origin="parameter sets"))
        out = np.empty((len(sets), self.reps, len(self.outcomes), len(self.years)))
        batch = max(1, self.max_reps_per_batch // self.reps)
        with runner._progress_bar(len(sets) * self.reps, self.progress) as bar:
            for start in range(0, len(sets), batch):
                part = sets[start:start + batch]
                result = runner.run(self.scenario, self.reps, self.seed, self.workers,
                                    executor=self.executor, progress=False, parameter_sets=part,
                                    **self.run_options)
                for k, values in enumerate(part):
                    rows = np.flatnonzero(result.parameter_index == k)
                    out[start + k] = self._outcomes(self.scenario.with_overrides(values),
                                                    result.monthly[rows])
                self.wall_seconds += result.wall_seconds
                bar.update(len(part) * self.reps)
        return out

    def _outcomes(self, scenario: Scenario, monthly: np.ndarray) -> np.ndarray:
        """(reps, outcomes, years): cumulative values at each year end, costed at this set's
        values."""
        data = summary.series(runner.MonteCarloResult(scenario, self.seed, monthly, 0.0, 1))
        ends = np.asarray(self.years) * 12 - 1
        return np.stack([np.cumsum(data[o][1], axis=-1)[:, ends] for o in self.outcomes], axis=1)


def year_index(model: Model, year: int | None) -> int:
    """Index of ``year`` in ``model.years`` (default: year 5, or the last year if shorter)."""
    years = list(model.years)
    if year is None:
        year = 5 if 5 in years else years[-1]
    if year not in years:
        raise PausesimError(f"--year = {year} is invalid: must be one of {years[0]}..{years[-1]} "
                            "(whole years within the horizon)")
    return years.index(year)

"""The simulation as a function: parameter sets -> per-replication outcomes at each year end.

Every analysis in this package calls a *model*: anything with ``outcomes``, ``units``, ``years``
and ``__call__(overrides) -> array (sets, reps, outcomes, years)``, where ``overrides`` is one
mapping of parameter values per set and the values are metrics of the registry
(:mod:`simulation.results.metrics`) at the end of each year. :class:`SimulationModel` runs
pausesim; tests plug in toy models with known answers.

Every set runs the same replication numbers 0..reps-1 (common random numbers): replication ``r``
of every set meets the same women and random numbers, so differences between sets come from the
parameters, not from luck, and a parameter with no effect changes nothing at all. Runs keep only
the period bins (``resolution="period"``), so memory grows with sets x replications, not months.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

import numpy as np

from simulation.core.errors import PausesimError
from simulation.core.scenario import Scenario
from simulation.results import periods, study
from simulation.results.metrics import parse

#: Default outcomes: infants kept out of care (authority-wide) and the net present value.
INFANTS = "infants_avoided_cumulative"
NET = "net_cost_avoidance_cumulative_discounted"
OUTCOMES: tuple[str, ...] = (INFANTS, NET)
#: Most replications simulated in one call (memory: ~2.5 kB per replication at period bins).
MAX_REPS_PER_CALL = 50_000


class Model(Protocol):
    """What the analyses need from a model."""

    outcomes: Sequence[str]
    units: Sequence[str]
    years: Sequence[int]

    def __call__(self, overrides: Sequence[Mapping[str, Any]]) -> np.ndarray: ...


def outcome_unit(name: str, scenario: Scenario) -> str:
    """A metric's unit as reported: ``GBP 2024/25 prices, discounted`` or ``infants``."""
    metric, _, discounted = parse(name)
    if metric.money:
        return scenario.price_label() + (", discounted" if discounted else "")
    return metric.unit


def check_outcomes(names: Sequence[str]) -> tuple[str, ...]:
    """Registry metric names (one line naming the bad one otherwise)."""
    from simulation.results.metrics import all_names

    for name in names:
        try:
            parse(name)
        except KeyError:
            raise PausesimError(f"outcome {name!r} is invalid: must be a metric name such as "
                                f"{INFANTS} or {NET} (all: {', '.join(all_names()[:6])}, ...)") \
                from None
    return tuple(names)


@dataclass
class SimulationModel:
    """pausesim with ``reps`` paired replications per parameter set, shared by all sets."""

    scenario: Scenario
    reps: int
    seed: int
    engine: str = "fast"
    workers: int = 1
    executor: Any = None
    progress: bool | None = None
    checkpoint: Path | str | None = None
    outcomes: Sequence[str] = OUTCOMES

    def __post_init__(self):
        if self.reps < 1:
            raise PausesimError(f"--reps = {self.reps} is invalid: must be an integer >= 1")
        self.outcomes = check_outcomes(self.outcomes)
        self.years = scenario_years(self.scenario)
        if not self.years:
            raise PausesimError("practice.horizon_months must cover at least one year")
        self.units = [outcome_unit(o, self.scenario) for o in self.outcomes]
        self.wall_seconds = 0.0  # simulation time of all calls so far
        self.replications = 0  # replications simulated so far

    def scenarios(self, overrides: Sequence[Mapping[str, Any]]) -> list[Scenario]:
        """The parameter sets as scenarios (validated; their values count as drawn, not given)."""
        return [self.scenario.with_overrides(dict(o), source="sensitivity analysis: varied",
                                             given=False) if o else self.scenario
                for o in overrides]

    def __call__(self, overrides: Sequence[Mapping[str, Any]]) -> np.ndarray:
        sets = self.scenarios(overrides)
        out = np.empty((len(sets), self.reps, len(self.outcomes), len(self.years)))
        per_call = max(1, MAX_REPS_PER_CALL // self.reps)
        calls = range(0, len(sets), per_call)
        for n_call, start in enumerate(calls):
            part = sets[start:start + per_call]
            checkpoint = self.checkpoint
            if checkpoint is not None and len(calls) > 1:
                checkpoint = Path(checkpoint) / f"part-{n_call}"
            results = study.simulate_options(
                part, self.reps, self.seed, uncertainty="point", engine=self.engine,
                workers=self.workers, executor=self.executor, progress=self.progress,
                resolution="period", checkpoint=checkpoint)
            for k, res in enumerate(results):
                out[start + k] = np.stack([[res.value(o, 12.0 * y) for y in self.years]
                                           for o in self.outcomes]).transpose(2, 0, 1)
            self.wall_seconds += results[0].simulated.wall_seconds
        self.replications += len(sets) * self.reps
        return out


def scenario_years(scenario: Scenario) -> list[int]:
    """The whole years within the scenario's horizon: 1..N."""
    named = periods(scenario["practice.horizon_months"])
    return [int(p[5:]) for p in named if p.startswith("year_")]


def pick_year(years: Sequence[int], year: int | None) -> int:
    """``year`` checked against ``years`` (default: year 5, or the last year if shorter)."""
    years = list(years)
    if year is None:
        year = 5 if 5 in years else years[-1]
    if year not in years:
        raise PausesimError(f"--year = {year} is invalid: must be one of {years[0]}..{years[-1]} "
                            "(whole years within the horizon)")
    return year


def year_index(model: Model, year: int | None) -> int:
    """Index of ``year`` (default: 5 or the last) in ``model.years``."""
    return list(model.years).index(pick_year(model.years, year))

"""The benchmark workloads: what is simulated, at full size (``scale`` shrinks them).

- W1: the national scenario, 5-year horizon, 10,000 paired replications.
- W2: a probabilistic sensitivity analysis: 1,000 parameter draws (Latin hypercube from the
  declared distributions of the uncertain evidence parameters) x 100 replications.
- W3: a national roll-out: 25 local authorities x 1,000 replications, each authority a variant
  of the national scenario with its own pool of women, practice size and unit costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from simulation.core import scenario as scenario_mod
from simulation.core.scenario import Scenario


@dataclass(frozen=True)
class Workload:
    """One benchmark: ``reps`` replications of each of ``parameter_sets`` (or of the scenario)."""

    name: str
    description: str
    scenario: Scenario
    reps: int
    parameter_sets: Sequence[Mapping[str, Any]] | None = None

    @property
    def total_reps(self) -> int:
        return self.reps * (1 if self.parameter_sets is None else len(self.parameter_sets))

    def subset(self, fraction: float) -> "Workload":
        """A smaller workload of the same shape, for the slow engine: every parameter set, with
        ``fraction`` of the replications of each (at least one)."""
        return Workload(self.name, self.description, self.scenario,
                        max(1, round(self.reps * fraction)), self.parameter_sets)


def w1(scale: float = 1.0) -> Workload:
    national = scenario_mod.load("national")
    assert national["practice.horizon_months"] == 60
    return Workload("W1", "national, 5-year horizon, 10,000 paired replications", national,
                    max(1, round(10_000 * scale)))


def w2(scale: float = 1.0) -> Workload:
    from simulation.sensitivity import uncertain

    draws = uncertain.sample(uncertain.select(), max(1, round(1_000 * scale)), seed=2024)
    sets = [dict(row) for row in draws.to_dict(orient="records")]
    return Workload("W2", f"{len(sets)} parameter draws x 100 replications "
                    f"({draws.shape[1]} uncertain parameters, declared distributions)",
                    scenario_mod.load("national"), 100, sets)


def w3(scale: float = 1.0) -> Workload:
    """25 local authorities: pools of 40-130 women, 8-30 new a year, 2-5 practitioners, unit
    costs +-20% (drawn once, with a fixed seed)."""
    rng = np.random.default_rng(25)
    sets = []
    for _ in range(25):
        practitioners = int(rng.integers(2, 6))
        sets.append({
            "population.eligible_women_at_start": int(rng.integers(40, 131)),
            "population.new_eligible_women_per_year": float(rng.uniform(8, 30)),
            "practice.practitioners": practitioners,
            "outreach.max_women_offered_per_cycle": 20 * practitioners,
            "costs.programme_cost_per_year_gbp": 107_744.0 * practitioners * rng.uniform(0.8, 1.2),
            "costs.care_cost_per_year_gbp": 52_676.0 * rng.uniform(0.8, 1.2),
        })
    return Workload("W3", "25 local authorities x 1,000 replications",
                    scenario_mod.load("national"), max(1, round(1_000 * scale)), sets)


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3}

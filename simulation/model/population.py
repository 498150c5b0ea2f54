"""The eligible women of one replication: who they are and when they become eligible.

Both arms of a replication simulate the same women. The initial pool (the practice's scoping list)
is eligible at month 0; further women become eligible as a Poisson process over the horizon.

Attributes that modify hazards (documented in ``docs/model.md``):

- age band -> pregnancy rate (``pregnancy.age_rate_ratios``); age is taken at eligibility and not
  advanced over the horizon;
- children already removed -> pregnancy rate (``pregnancy.rate_ratio_per_extra_removal``) and the
  practice's outreach priority (more removals first);
- an individual gamma frailty with mean 1 -> pregnancy rate (``pregnancy.frailty_shape``).

The age and removal multipliers are normalised to mean 1 over the scenario's distributions, so
``pregnancy.counterfactual_rate_per_year`` is the population's mean rate. Needs and care experience
are recorded for reporting and for user extensions; by default they modify no hazard, because the
evidence gives no effect sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.core.parameters import AGE_BANDS, NEEDS, PRIOR_REMOVALS
from simulation.core.scenario import Scenario


@dataclass(frozen=True)
class Population:
    """Attributes of the women of one replication (arrays indexed by woman)."""

    arrival_month: np.ndarray
    age_years: np.ndarray
    age_band: np.ndarray
    prior_removals: np.ndarray
    care_experienced: np.ndarray
    needs: dict[str, np.ndarray]
    fertility_multiplier: np.ndarray
    priority: np.ndarray  # outreach order: lower is offered first

    @property
    def size(self) -> int:
        return len(self.arrival_month)

    def to_frame(self):
        """The women as a pandas DataFrame (one row per woman)."""
        import pandas as pd

        return pd.DataFrame({
            "woman": np.arange(self.size), "arrival_month": self.arrival_month,
            "age_years": self.age_years, "prior_removals": self.prior_removals,
            "care_experienced": self.care_experienced, **self.needs,
            "fertility_multiplier": self.fertility_multiplier,
        })


def draw_population(scenario: Scenario, rng: np.random.Generator) -> Population:
    """Draw the women for one replication."""
    p = scenario.params()
    horizon = p.practice.horizon_months
    n_start = p.population.eligible_women_at_start
    n_new = rng.poisson(p.population.new_eligible_women_per_year * horizon / 12.0)
    arrival = np.concatenate([np.zeros(n_start), np.sort(rng.uniform(0.0, horizon, n_new))])
    n = len(arrival)

    age_probs = np.asarray(p.population.age_band_probabilities)
    band = rng.choice(len(AGE_BANDS), size=n, p=age_probs)
    lo = np.array([b[0] for b in AGE_BANDS])[band]
    hi = np.array([b[1] for b in AGE_BANDS])[band] + 1
    age = rng.uniform(lo, hi)

    removal_probs = np.asarray(p.population.prior_removals_probabilities)
    removals = np.asarray(PRIOR_REMOVALS)[rng.choice(len(PRIOR_REMOVALS), size=n, p=removal_probs)]
    care_experienced = rng.random(n) < p.population.care_experienced_probability
    needs = {need: rng.random(n) < getattr(p.population, f"{need}_probability") for need in NEEDS}

    age_ratio = np.asarray(p.pregnancy.age_rate_ratios)
    age_ratio = age_ratio / np.dot(age_probs, age_ratio)
    per_removal = p.pregnancy.rate_ratio_per_extra_removal
    removal_ratio = per_removal ** np.maximum(np.asarray(PRIOR_REMOVALS) - 2, 0)
    removal_ratio = removal_ratio / np.dot(removal_probs, removal_ratio)
    shape = p.pregnancy.frailty_shape
    frailty = rng.gamma(shape, 1.0 / shape, size=n)  # mean 1, variance 1/shape
    multiplier = frailty * age_ratio[band] * removal_ratio[np.searchsorted(PRIOR_REMOVALS, removals)]

    # Prioritise women with more removals; break ties at random.
    priority = np.lexsort((rng.random(n), -removals)).argsort()
    return Population(arrival, age, band, removals, care_experienced, needs, multiplier, priority)

"""Costs, discounting and cost avoidance, month by month.

- Care costs per arm: a one-off cost at each care entry (assessment and proceedings) plus the yearly
  cost of a child in care, pro rata for each month the child is in care (exits end it).
- Programme cost: the yearly running costs, pro rata per month from month 0 (lead-in included) to
  the horizon, plus any set-up cost in month 0.
- Discounting (HM Treasury Green Book, as in the DfE 2017 model): amounts in year t = 1, 2, ...
  of the horizon are divided by (1 + r)^(t - 1).
All amounts are GBP at the scenario's ``costs.price_year`` prices.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.model.metrics import INDEX
from simulation.core.scenario import Scenario


@dataclass(frozen=True)
class CostSeries:
    """Monthly costs in GBP; arrays end with the month axis (leading axes: replications)."""

    care_programme: np.ndarray
    care_counterfactual: np.ndarray
    programme: np.ndarray
    discount_factor: np.ndarray  # per month

    @property
    def avoided(self) -> np.ndarray:
        return self.care_counterfactual - self.care_programme

    @property
    def net(self) -> np.ndarray:
        return self.avoided - self.programme

    def discounted(self) -> "CostSeries":
        d = self.discount_factor
        return CostSeries(self.care_programme * d, self.care_counterfactual * d,
                          self.programme * d, np.ones_like(d))


def price_label(scenario: Scenario) -> str:
    year = scenario["costs.price_year"]
    return f"GBP {year}/{(year + 1) % 100:02d} prices"


def discount_factors(n_months: int, rate: float) -> np.ndarray:
    """Green Book factor for each month: year t (months 12(t-1)..12t-1) gets 1/(1+r)^(t-1)."""
    return (1.0 + rate) ** -(np.arange(n_months) // 12)


def programme_cost(scenario: Scenario, n_months: int) -> np.ndarray:
    """Programme cost per month (GBP)."""
    monthly = (scenario["costs.programme_cost_per_year_gbp"]
               + scenario["costs.additional_cost_per_year_gbp"]) / 12.0
    cost = np.full(n_months, monthly)
    horizon = scenario["practice.horizon_months"]
    cost[-1] *= horizon - (n_months - 1)  # a part month at the end
    cost[0] += scenario["costs.setup_cost_gbp"]
    return cost


def care_cost(monthly: np.ndarray, scenario: Scenario) -> np.ndarray:
    """Care cost per month (GBP) from monthly metrics ``(..., n_metrics, n_months)``."""
    uplift = scenario["costs.unit_cost_uplift"]
    entry = scenario["costs.care_entry_cost_gbp"] * uplift
    per_month = scenario["costs.care_cost_per_year_gbp"] * uplift / 12.0
    m = np.asarray(monthly, dtype=float)
    return m[..., INDEX["care_entries"], :] * entry + m[..., INDEX["child_months_in_care"], :] * per_month


def cost_series(monthly: np.ndarray, scenario: Scenario) -> CostSeries:
    """Costs for monthly metrics shaped ``(..., 2 arms, n_metrics, n_months)``."""
    T = monthly.shape[-1]
    return CostSeries(
        care_programme=care_cost(monthly[..., 0, :, :], scenario),
        care_counterfactual=care_cost(monthly[..., 1, :, :], scenario),
        programme=np.broadcast_to(programme_cost(scenario, T), monthly.shape[:-3] + (T,)),
        discount_factor=discount_factors(T, scenario["costs.discount_rate_per_year"]),
    )

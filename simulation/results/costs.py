"""Money: unit costs at one price base, programme cost schedules, discounting.

- **One price base.** Every money input is converted from its own price year to
  ``costs.price_year`` with the HM Treasury GDP deflators (:mod:`simulation.core.deflators`)
  before anything is added up; every GBP figure pausesim prints is at that base.
- **Care costs** of each infant care entry: one-off costs at entry (core assessment + the local
  authority's legal costs of proceedings), the placement cost for every month in care (the infant
  placement mix of weekly costs, or the DfE 2017 all-ages mean), and one-off costs at exit by
  adoption or special guardianship. Infants still in care at the horizon go on costing: that later
  cost is reported separately (:attr:`UnitCosts` applied to the after-horizon tally).
- **Programme cost**: the yearly running and additional costs, pro rata for the months the practice
  runs (from month 0, lead-in included, to the horizon or the end of a single cohort's programme),
  or a schedule by year when one is given; a set-up cost at month 0; all times ``1 +
  costs.optimism_bias`` (Green Book optimism-bias uplift, reported separately).
- **Discounting** (Green Book, as DfE 2017): amounts in year t = 1, 2, ... of the horizon are
  divided by (1 + r)^(t - 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.core import deflators
from simulation.core.parameters import MONEY
from simulation.core.scenario import Scenario
from simulation.model.layout import POST_YEARS

WEEKS_PER_MONTH = 365.25 / 7.0 / 12.0


def to_base(scenario: Scenario, key: str) -> float:
    """A money parameter at the scenario's price base (``costs.price_year``)."""
    value = scenario[key]
    return value * deflators.factor(scenario[key[:-4] + "_price_year"],
                                    scenario["costs.price_year"], key)


@dataclass(frozen=True)
class UnitCosts:
    """A scenario's unit costs at its price base (GBP)."""

    entry: float              # per care entry: assessment + proceedings
    placement_month: float    # per child-month in care
    adoption: float           # per adoption
    special_guardianship: float  # per special guardianship order
    price_year: int
    discount_rate: float

    @classmethod
    def from_scenario(cls, sc: Scenario) -> "UnitCosts":
        if sc["costs.placement_basis"] == "all-ages-mean":
            month = to_base(sc, "costs.all_ages_care_cost_per_year_gbp") / 12.0
        else:
            weekly = [to_base(sc, f"costs.{p}_cost_per_week_gbp") for p in
                      ("in_house_foster", "agency_foster", "kinship", "residential")]
            month = float(np.dot(sc["costs.placement_mix"], weekly)) * WEEKS_PER_MONTH
        return cls(entry=to_base(sc, "costs.assessment_cost_gbp")
                   + to_base(sc, "costs.proceedings_cost_gbp"),
                   placement_month=month,
                   adoption=to_base(sc, "costs.adoption_cost_gbp"),
                   special_guardianship=to_base(sc, "costs.special_guardianship_cost_gbp"),
                   price_year=sc["costs.price_year"],
                   discount_rate=sc["costs.discount_rate_per_year"])


def practice_runs_until(sc: Scenario) -> float:
    """Month the practice stops running (and costing): the horizon, or the end of a single
    cohort's programme if that comes first."""
    horizon = sc["practice.horizon_months"]
    if not sc["practice.operates"]:
        return 0.0
    if sc["practice.successive_cycles"]:
        return horizon
    end = sc["practice.lead_in_months"] + sc["practice.outreach_months"] + \
        sc["practice.programme_months"]
    return min(horizon, end)


TOTAL = "costs.programme_cost_per_year_gbp"


def built_from_staff(sc: Scenario) -> bool:
    """Whether the programme's running cost is built from its staff: yes unless the scenario or
    ``--set`` gives a total (``costs.programme_cost_per_year_gbp``)."""
    return TOTAL not in sc.given


def running_cost_per_year(sc: Scenario) -> float:
    """The practice's running cost per year (GBP at the price base): the given total, or
    practitioners (FTE) x the cost per practitioner + the fixed costs."""
    if not built_from_staff(sc):
        return to_base(sc, TOTAL)
    per_fte = to_base(sc, "costs.cost_per_practitioner_fte_per_year_gbp")
    return sc["practice.practitioners"] * per_fte + \
        to_base(sc, "costs.practice_fixed_cost_per_year_gbp")


def programme_cost_by_month(sc: Scenario, n_months: int) -> tuple[np.ndarray, np.ndarray]:
    """Programme cost in each month (GBP at the price base), before and after optimism bias:
    ``(base, uplift)``; the total charged is ``base + uplift``."""
    months = np.arange(n_months, dtype=float)
    if not sc["practice.operates"]:
        return np.zeros(n_months), np.zeros(n_months)
    horizon = sc["practice.horizon_months"]
    overlap = np.clip(np.minimum(months + 1, horizon) - months, 0.0, 1.0)  # part last month
    schedule = sc["costs.programme_cost_by_year_gbp"]
    if schedule:
        factor = deflators.factor(sc["costs.programme_cost_by_year_price_year"],
                                  sc["costs.price_year"], "costs.programme_cost_by_year_gbp")
        per_year = np.zeros(n_months // 12 + 2)
        per_year[:len(schedule)] = np.asarray(schedule) * factor
        cost = per_year[(months // 12).astype(int)] / 12.0 * overlap
    else:
        yearly = running_cost_per_year(sc) + to_base(sc, "costs.additional_cost_per_year_gbp")
        runs = practice_runs_until(sc)
        active = np.clip(np.minimum(months + 1, runs) - months, 0.0, 1.0)
        cost = yearly / 12.0 * np.minimum(active, overlap)
    cost[0] += to_base(sc, "costs.setup_cost_gbp")
    return cost, cost * sc["costs.optimism_bias"]


def discount_by_month(n_months: int, rate: float) -> np.ndarray:
    """Green Book factor for each month: year t (months 12(t-1)..12t-1) gets 1/(1+r)^(t-1)."""
    return (1.0 + rate) ** -(np.arange(n_months) // 12)


def discount_after_horizon(horizon_months: float, rate: float) -> np.ndarray:
    """Factor for each year after the horizon: the Green Book factor of the year its middle
    falls in."""
    middle = horizon_months + 12.0 * np.arange(POST_YEARS) + 6.0
    return (1.0 + rate) ** -(middle // 12)


def money_inputs(sc: Scenario) -> list[dict]:
    """Every money input with its own price year, the conversion factor and its value at the
    price base (for reports: where each GBP figure comes from)."""
    rows = []
    for p in MONEY:
        value = sc[p.key]
        year = sc[p.price_year_key]
        factor = deflators.factor(year, sc["costs.price_year"], p.key)
        amount = sum(value) if isinstance(value, list) else value
        rows.append({"parameter": p.key, "label": p.label, "value": amount,
                     "price_year": deflators.label(year), "factor": factor,
                     "value_at_base": amount * factor,
                     "base": deflators.label(sc["costs.price_year"])})
    return rows

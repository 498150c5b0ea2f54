"""The deterministic "council method" that Pause business cases use today, for comparison.

It is the structure of the DfE 2017 cost-benefit model (evidence.md s1, Tables 19-20; s6):

- each cohort of women avoids a number of removals, counted as accruing linearly over the cohort's
  cycle (DfE 2017: year 1 gets 12/18 of the 18-month total) and then held constant to the horizon -
  no exits from care, no later pregnancies;
- every avoided removal saves a fixed yearly amount in every year it is counted (DfE 2017:
  GBP 57,102 = GBP 52,676 yearly care cost + GBP 1,151 assessment + GBP 3,275 proceedings, the
  one-off amounts counted again every year);
- net = cost avoided - programme cost, year by year; optionally discounted (Green Book 3.5%:
  year t divided by 1.035^(t-1), year 1 undiscounted).

In short: avoided removals x yearly cost of care x years remaining, minus programme cost.
:func:`from_scenario` feeds it the same inputs as a simulated scenario, with the avoided removals
a business case would write: the national evaluation's 11 fewer infants per cohort of 24 women
(evidence.md s0, T1), scaled to the cohort, as seed 002 does ('up to 10' for its 21 women).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.results.costs import programme_cost
from simulation.model.metrics import n_months
from simulation.runner import MonteCarloResult
from simulation.core.scenario import Scenario
from simulation.results.summary import _band_stats
from simulation.report.tables import outcomes, percentile_of, period_month, replicate_values

#: DfE 2017 yearly saving per avoided removal (GBP, 2015/16 prices): 52,676 + 1,151 + 3,275.
DFE_2017_SAVING_PER_REMOVAL_YEAR_GBP = 57_102.0
#: National evaluation (T1, evidence.md s0): about 11 fewer infants in care by month 21 of a
#: practice, from a cohort of about 24 women.
NATIONAL_REMOVALS_AVOIDED_PER_COHORT = 11.0
NATIONAL_COHORT_WOMEN = 24.0


@dataclass(frozen=True)
class CouncilInputs:
    """Everything the council method uses.

    ``removals_avoided_per_cohort[k]`` removals are avoided by the cohort starting at month
    ``cohort_start_months[k]``; they accrue linearly over ``accrual_months`` from its start.
    ``programme_cost_by_year_gbp`` has one entry per year of the horizon.
    """

    removals_avoided_per_cohort: tuple[float, ...]
    cohort_start_months: tuple[float, ...]
    accrual_months: float
    saving_per_removal_year_gbp: float
    programme_cost_by_year_gbp: tuple[float, ...]
    discount_rate_per_year: float = 0.035
    horizon_months: float | None = None  # default: 12 x number of years
    removals_source: str = ""

    @property
    def years(self) -> int:
        return len(self.programme_cost_by_year_gbp)

    def removals_avoided_at(self, month: float) -> float:
        """Removals counted as avoided by ``month`` (all cohorts, linear accrual)."""
        starts = np.asarray(self.cohort_start_months, dtype=float)
        share = np.clip((month - starts) / self.accrual_months, 0.0, 1.0)
        return float(np.dot(self.removals_avoided_per_cohort, share))

    def rows(self) -> list[tuple[str, float, str, str]]:
        """The inputs as (input, value, unit, source) rows, for the report."""
        return [
            ("removals avoided per cohort (first cohort)", self.removals_avoided_per_cohort[0],
             "removals", self.removals_source),
            ("cohorts started within the horizon", float(len(self.cohort_start_months)), "cohorts",
             "one per cycle while the practice recruits successive cohorts"),
            ("months over which a cohort's avoided removals accrue", self.accrual_months, "months",
             "the cycle (outreach + programme); DfE 2017 pro-rated its 18 months"),
            ("saving per avoided removal per year", self.saving_per_removal_year_gbp, "GBP per year",
             "yearly care cost + one-off entry cost, counted every year as in DfE 2017 "
             "(57,102 at 2015/16 unit costs)"),
            ("programme cost over the horizon", float(sum(self.programme_cost_by_year_gbp)), "GBP",
             "the scenario's programme cost"),
            ("discount rate", self.discount_rate_per_year, "per year",
             "HM Treasury Green Book; year t divided by (1 + rate)^(t - 1)"),
        ]


def estimate(inputs: CouncilInputs) -> pd.DataFrame:
    """The council method's yearly table: one row per year, in-year and cumulative figures.

    ``removals_avoided`` is the stock counted in the year (at the year's end, capped at the
    horizon), as in DfE 2017; ``removals_avoided_in_year`` its increase over the year.
    """
    years = np.arange(1, inputs.years + 1)
    horizon = inputs.horizon_months or 12.0 * inputs.years
    stock = np.array([inputs.removals_avoided_at(min(12.0 * y, horizon)) for y in years])
    avoided = stock * inputs.saving_per_removal_year_gbp
    cost = np.asarray(inputs.programme_cost_by_year_gbp, dtype=float)
    factor = (1.0 + inputs.discount_rate_per_year) ** -(years - 1.0)
    table = pd.DataFrame({
        "year": years,
        "removals_avoided": stock,
        "removals_avoided_in_year": np.diff(stock, prepend=0.0),
        "cost_avoided": avoided,
        "programme_cost": cost,
        "net_cost_avoidance": avoided - cost,
        "discount_factor": factor,
        "cost_avoided_discounted": avoided * factor,
        "programme_cost_discounted": cost * factor,
        "net_cost_avoidance_discounted": (avoided - cost) * factor,
    })
    for name in ("cost_avoided", "programme_cost", "net_cost_avoidance"):
        for suffix in ("", "_discounted"):
            table[f"{name}_cumulative{suffix}"] = table[name + suffix].cumsum()
    return table


def break_even_year(table: pd.DataFrame, discounted: bool = False) -> float:
    """First year whose cumulative net is >= 0 and stays so; inf if none."""
    net = table["net_cost_avoidance_cumulative" + ("_discounted" if discounted else "")].to_numpy()
    negative = np.flatnonzero(net < 0)
    if negative.size == 0:
        return 1.0
    return float("inf") if negative[-1] == len(net) - 1 else float(negative[-1] + 2)


def value(inputs: CouncilInputs, table: pd.DataFrame, metric: str, month: float) -> float:
    """The council method's figure for a report metric at a month (NaN where it has none).

    Infant metrics map to avoided removals; money metrics need a year end (month = 12 t).
    """
    if metric == "infants_avoided_cumulative":
        return inputs.removals_avoided_at(month)
    horizon = inputs.horizon_months or 12.0 * inputs.years
    if month >= horizon:
        row = table.iloc[-1]
    elif month % 12 or month < 12:
        return float("nan")
    else:
        row = table.iloc[int(month // 12) - 1]
    if metric == "infants_avoided_in_year":
        return float(row["removals_avoided_in_year"])
    return float(row[metric]) if metric in row.index else float("nan")


def expected_first_cohort(scenario: Scenario) -> float:
    """Women a business case expects in the first cohort: offered x enrol probability, capped."""
    offered = min(scenario["population.eligible_women_at_start"],
                  scenario["outreach.max_women_offered_per_cycle"])
    return min(float(scenario.capacity), offered * scenario["outreach.enrol_probability"])


def from_scenario(scenario: Scenario,
                  removals_avoided_per_cohort: float | None = None) -> CouncilInputs:
    """The council method's inputs for a scenario.

    Avoided removals per cohort: ``removals_avoided_per_cohort`` if given (every cohort), else the
    national 11 per 24 women scaled to the cohort - the first cohort's expected enrolment
    (:func:`expected_first_cohort`), later cohorts full (seed 002: 'further cohorts of 24 women').
    Cohorts start every cycle (outreach + programme months) after the lead-in while the practice
    recruits successive cohorts. Saving per removal-year: (yearly care cost + entry cost) x uplift.
    """
    horizon = scenario["practice.horizon_months"]
    cycle = scenario["practice.outreach_months"] + scenario["practice.programme_months"]
    start = scenario["practice.lead_in_months"]
    starts = [start]
    while scenario["practice.successive_cycles"] and starts[-1] + cycle < horizon:
        starts.append(starts[-1] + cycle)
    if removals_avoided_per_cohort is None:
        per_woman = NATIONAL_REMOVALS_AVOIDED_PER_COHORT / NATIONAL_COHORT_WOMEN
        first = expected_first_cohort(scenario)
        removals = [per_woman * first] + [per_woman * scenario.capacity] * (len(starts) - 1)
        source = (f"national evaluation: {NATIONAL_REMOVALS_AVOIDED_PER_COHORT:g} per "
                  f"{NATIONAL_COHORT_WOMEN:g} women in the first 21 months (T1), scaled to "
                  f"{first:.1f} women expected in the first cohort and {scenario.capacity} in "
                  f"later ones")
    else:
        removals = [float(removals_avoided_per_cohort)] * len(starts)
        source = "given (--council-removals)"
    monthly = programme_cost(scenario, n_months(horizon))
    years = int(np.ceil(horizon / 12))
    by_year = np.bincount(np.arange(len(monthly)) // 12, weights=monthly, minlength=years)
    uplift = scenario["costs.unit_cost_uplift"]
    saving = (scenario["costs.care_cost_per_year_gbp"] + scenario["costs.care_entry_cost_gbp"]) * uplift
    return CouncilInputs(tuple(removals), tuple(starts), cycle, saving, tuple(by_year),
                         scenario["costs.discount_rate_per_year"], horizon, source)


#: Figures compared between the council method and the simulation (metric, period).
COMPARED = (("infants_avoided_cumulative", "month_21"), ("infants_avoided_cumulative", "horizon"),
            ("programme_cost_cumulative", "horizon"), ("cost_avoided_cumulative", "horizon"),
            ("net_cost_avoidance_cumulative", "horizon"),
            ("programme_cost_cumulative_discounted", "horizon"),
            ("cost_avoided_cumulative_discounted", "horizon"),
            ("net_cost_avoidance_cumulative_discounted", "horizon"))


def versus_simulation(inputs: CouncilInputs, table: pd.DataFrame, result: MonteCarloResult,
                      band: float = 0.9) -> pd.DataFrame:
    """Where the council method's point estimates fall among the simulated futures.

    ``share_of_futures_below_council`` is the share of replications below the council figure
    (ties count half): 0.5 means the council figure is the simulated median.
    """
    data = outcomes(result)
    horizon = result.scenario["practice.horizon_months"]
    rows = []
    for metric, period in COMPARED:
        if period == "month_21" and horizon < 21:
            continue
        month = period_month(period, horizon)
        council = value(inputs, table, metric, month)
        sim = replicate_values(result, metric, period, data)
        unit = "infants" if metric.startswith("infants") else data["cost_avoided"][0]
        rows.append({"metric": metric, "period": period, "months": month, "years": month / 12,
                     "unit": unit, "council": council, **_band_stats(sim, band), "band": band,
                     "share_of_futures_below_council": percentile_of(council, sim) / 100})
    return pd.DataFrame(rows)

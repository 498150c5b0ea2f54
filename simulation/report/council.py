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

Inputs come in two forms, both fed to the one :func:`estimate`:

- :class:`YearlyInputs` - by year, as the DfE 2017 table prints them (removals counted in each
  year, programme cost in each year), e.g. from ``pausesim council --removals-by-year ...``;
- :class:`CouncilInputs` - per cohort with linear accrual, turned into yearly figures by
  :meth:`CouncilInputs.yearly`. :func:`from_scenario` builds them from a simulated scenario's
  inputs, with the avoided removals a business case would write: the national evaluation's 11
  fewer infants per cohort of 24 women (evidence.md s0, T1), scaled to the cohort, as seed 002
  does ('up to 10' for its 21 women).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.core import deflators
from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY
from simulation.core.scenario import Scenario
from simulation.model.layout import n_months
from simulation.model.rates import Rates, cycle_starts
from simulation.report import tables
from simulation.results import band_stats
from simulation.results.costs import programme_cost_by_month

#: DfE 2017 yearly saving per avoided removal (GBP, 2015/16 prices): 52,676 + 1,151 + 3,275.
DFE_2017_SAVING_PER_REMOVAL_YEAR_GBP = 57_102.0
#: Its price year (financial year starting): DfE 2017 costs the 2015/16 evaluation.
DFE_2017_PRICE_YEAR = 2015
#: National evaluation (T1, evidence.md s0): about 11 fewer infants in care by month 21 of a
#: practice, from a cohort of about 24 women.
NATIONAL_REMOVALS_AVOIDED_PER_COHORT = 11.0
NATIONAL_COHORT_WOMEN = 24.0

#: Allowed discount rates and price years: the scenario parameters' ranges, so both forms agree.
DISCOUNT_RATE_RANGE = (BY_KEY["costs.discount_rate_per_year"].low,
                       BY_KEY["costs.discount_rate_per_year"].high)
PRICE_YEAR_RANGE = (int(BY_KEY["costs.price_year"].low), int(BY_KEY["costs.price_year"].high))


#: Largest figure (removals or GBP) the council method takes: larger ones are typos, and every
#: product and sum of figures this size stays finite.
MAX_FIGURE = 1e15
#: Largest number of removals avoided per cohort: the horizon holds at most ~70 cohorts, so their
#: yearly stock stays within :data:`MAX_FIGURE`.
MAX_PER_COHORT = 1e12


def check_per_cohort(option: str, value) -> float:
    """Removals avoided per cohort given by ``option`` (``--council-removals``,
    ``--removals-per-cohort``): a finite number in [0, :data:`MAX_PER_COHORT`]."""
    return _number(option, value, 0.0, MAX_PER_COHORT,
                   f"a finite number >= 0, at most {MAX_PER_COHORT:g} (removals avoided per "
                   "cohort)")


def _show(values) -> str:
    """Numbers as a user would type them (comma-separated, no float noise)."""
    return ",".join(f"{float(v):.15g}" for v in values) if values else "(empty)"


def _numbers(option: str, values) -> tuple[float, ...]:
    """``values`` as a tuple of floats, or a one-line :class:`PausesimError` naming ``option``."""
    try:
        numbers = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise PausesimError(f"{option} = {values!r} is invalid: must be numbers, one per "
                            "year") from None
    if not numbers:
        raise PausesimError(f"{option} = (empty) is invalid: must have one number per year, at "
                            "least one year")
    for year, v in enumerate(numbers, start=1):
        if not (np.isfinite(v) and 0 <= v <= MAX_FIGURE):
            raise PausesimError(f"{option} = {_show(numbers)} is invalid: year {year} is {v:g}; "
                                f"each year must be a finite number >= 0, at most "
                                f"{MAX_FIGURE:g}")
    return numbers


def _number(option: str, value, low: float = 0.0, high: float = MAX_FIGURE,
            allowed: str = "") -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = float("nan")
    if not (np.isfinite(v) and low <= v <= high):
        allowed = allowed or f"a finite number >= {low:g}, at most {high:g}"
        shown = f"{v:.15g}" if isinstance(value, (int, float, np.number)) else repr(value)
        raise PausesimError(f"{option} = {shown} is invalid: must be {allowed}")
    return v


@dataclass(frozen=True)
class YearlyInputs:
    """The council method's inputs by year t = 1..n, as the DfE 2017 table (Tables 19-20) has them.

    ``removals_by_year[t-1]`` is the stock of avoided removals counted in year t, not the new ones
    (DfE 2017 model 1: 14.066, then 21.1 in each of years 2-5); ``programme_cost_by_year_gbp[t-1]``
    the programme's cost in year t (GBP); the saving is GBP per avoided removal per year counted;
    the discount rate is per year. Money is GBP at ``price_year`` prices (financial year starting,
    2015 = 2015/16; None: as entered, price base not stated). Lists may be any sequence of numbers.
    Invalid values raise :class:`PausesimError`, named by their ``pausesim council`` option.
    """

    removals_by_year: tuple[float, ...]
    programme_cost_by_year_gbp: tuple[float, ...]
    saving_per_removal_year_gbp: float
    discount_rate_per_year: float = 0.035
    price_year: int | None = None

    def __post_init__(self):
        removals = _numbers("--removals-by-year", self.removals_by_year)
        cost = _numbers("--programme-cost-by-year", self.programme_cost_by_year_gbp)
        if len(cost) != len(removals):
            raise PausesimError(
                f"--programme-cost-by-year = {_show(cost)} is invalid: it has {len(cost)} years "
                f"and --removals-by-year has {len(removals)}; must have one number per year of "
                "--removals-by-year")
        low, high = DISCOUNT_RATE_RANGE
        rate = _number("--discount-rate", self.discount_rate_per_year, low, high,
                       f"a number in [{low:g}, {high:g}] per year (e.g. 0.035 for 3.5%)")
        year = self.price_year
        if year is not None and (isinstance(year, bool) or not isinstance(year, (int, np.integer))
                                 or not PRICE_YEAR_RANGE[0] <= year <= PRICE_YEAR_RANGE[1]):
            raise PausesimError(f"--price-year = {year!r} is invalid: must be a year in "
                                f"[{PRICE_YEAR_RANGE[0]}, {PRICE_YEAR_RANGE[1]}] (the financial "
                                "year starting, 2015 = 2015/16)")
        for name, v in (("removals_by_year", removals), ("programme_cost_by_year_gbp", cost),
                        ("saving_per_removal_year_gbp",
                         _number("--saving-per-removal-year", self.saving_per_removal_year_gbp)),
                        ("discount_rate_per_year", rate),
                        ("price_year", None if year is None else int(year))):
            object.__setattr__(self, name, v)  # frozen: store the checked, converted values

    @property
    def years(self) -> int:
        return len(self.removals_by_year)

    @property
    def price_base(self) -> str:
        """The money columns' unit, e.g. 'GBP at 2015/16 prices'."""
        if self.price_year is None:
            return "GBP as entered (price base not stated)"
        return f"GBP at {self.price_year}/{(self.price_year + 1) % 100:02d} prices"

    def yearly(self) -> "YearlyInputs":
        return self


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
    price_year: int | None = None  # of every GBP figure (financial year starting); None: unstated
    saving_source: str = ""

    @property
    def years(self) -> int:
        return len(self.programme_cost_by_year_gbp)

    def removals_avoided_at(self, month: float) -> float:
        """Removals counted as avoided by ``month`` (all cohorts, linear accrual)."""
        starts = np.asarray(self.cohort_start_months, dtype=float)
        share = np.clip((month - starts) / self.accrual_months, 0.0, 1.0)
        return float(np.dot(self.removals_avoided_per_cohort, share))

    def yearly(self) -> YearlyInputs:
        """The same inputs by year: the stock counted at each year's end (capped at the horizon),
        as DfE 2017 counts year 1 (12 of 18 months accrued)."""
        horizon = self.horizon_months or 12.0 * self.years
        stock = [self.removals_avoided_at(min(12.0 * y, horizon)) for y in range(1, self.years + 1)]
        return YearlyInputs(tuple(stock), self.programme_cost_by_year_gbp,
                            self.saving_per_removal_year_gbp, self.discount_rate_per_year,
                            self.price_year)

    def rows(self) -> list[tuple[str, float, str, str]]:
        """The inputs as (input, value, unit, source) rows, for the report."""
        return [
            ("removals avoided per cohort (first cohort)", self.removals_avoided_per_cohort[0],
             "removals", self.removals_source),
            ("cohorts started within the horizon", float(len(self.cohort_start_months)), "cohorts",
             "one per cycle while the practice recruits successive cohorts"),
            ("months over which a cohort's avoided removals accrue", self.accrual_months, "months",
             "the cycle (outreach + programme); DfE 2017 pro-rated its 18 months"),
            ("saving per avoided removal per year", self.saving_per_removal_year_gbp,
             "GBP per year", self.saving_source or "given"),
            ("programme cost over the horizon", float(sum(self.programme_cost_by_year_gbp)), "GBP",
             "the scenario's programme cost"),
            ("discount rate", self.discount_rate_per_year, "per year",
             "HM Treasury Green Book; year t divided by (1 + rate)^(t - 1)"),
        ]


def estimate(inputs: CouncilInputs | YearlyInputs) -> pd.DataFrame:
    """The council method's yearly table: one row per year, in-year and cumulative figures (GBP at
    the inputs' price base).

    ``removals_avoided`` is the stock counted in the year, as in DfE 2017 (per-cohort inputs: at
    the year's end, capped at the horizon); ``removals_avoided_in_year`` its change over the year.
    """
    yearly = inputs.yearly()
    years = np.arange(1, yearly.years + 1)
    stock = np.asarray(yearly.removals_by_year, dtype=float)
    avoided = stock * yearly.saving_per_removal_year_gbp
    cost = np.asarray(yearly.programme_cost_by_year_gbp, dtype=float)
    factor = (1.0 + yearly.discount_rate_per_year) ** -(years - 1.0)
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


#: The columns of ``council_method.csv`` written by ``pausesim council``, with their units
#: (``{money}``: the inputs' price base).
CSV_UNITS = {
    "year": "year of the horizon (1 = the first 12 months)",
    "removals_avoided": "removals counted as avoided in the year (the stock, as DfE 2017)",
    "cost_avoided": "{money} in the year",
    "programme_cost": "{money} in the year",
    "net_cost_avoidance": "{money} in the year",
    "discount_factor": "1 / (1 + discount rate)^(year - 1)",
    "net_cost_avoidance_discounted": "{money} in the year, discounted",
    "net_cost_avoidance_cumulative": "{money}, years 1 to this year",
    "net_cost_avoidance_cumulative_discounted": "{money}, years 1 to this year, discounted",
}
MONEY_COLUMNS = ("cost_avoided", "programme_cost", "net_cost_avoidance",
                 "net_cost_avoidance_discounted")


def rounded(table: pd.DataFrame) -> pd.DataFrame:
    """The yearly table as published: the :data:`CSV_UNITS` columns, money to pennies, removals
    to 6 decimals, discount factors to 10. The cumulative columns are sums of the rounded yearly
    figures, so the published table adds up to the penny."""
    out = table[list(CSV_UNITS)].copy()
    out["removals_avoided"] = out["removals_avoided"].round(6)
    out["discount_factor"] = out["discount_factor"].round(10)
    for name in MONEY_COLUMNS:
        out[name] = out[name].round(2)
    for name in ("net_cost_avoidance", "net_cost_avoidance_discounted"):
        cumulative = name.replace("net_cost_avoidance", "net_cost_avoidance_cumulative")
        out[cumulative] = out[name].cumsum().round(2)  # re-rounded: sums of pennies carry noise
    return out


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
    recruits successive cohorts. Programme cost by year: the simulation's own schedule
    (:func:`simulation.results.costs.programme_cost_by_month`, optimism bias included) at the
    scenario's price base. Saving per removal-year: DfE 2017's GBP 57,102 (2015/16 prices)
    converted to that base with the GDP deflator.
    """
    horizon = scenario["practice.horizon_months"]
    cycle = scenario["practice.outreach_months"] + scenario["practice.programme_months"]
    # the model's own schedule; a practice that starts no cycle within the horizon still gets
    # its one planned cohort, as a business case plans it
    starts = [float(m) for m in cycle_starts(Rates.from_scenario(scenario))] or \
        [scenario["practice.lead_in_months"]]
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
    base, uplift = programme_cost_by_month(scenario, n_months(horizon))
    years = int(np.ceil(horizon / 12))
    monthly = base + uplift  # as the simulation charges it (optimism bias included)
    by_year = np.bincount(np.arange(len(monthly)) // 12, weights=monthly, minlength=years)
    price_year = scenario["costs.price_year"]
    factor = deflators.factor(DFE_2017_PRICE_YEAR, price_year, "costs.price_year")
    saving = DFE_2017_SAVING_PER_REMOVAL_YEAR_GBP * factor
    saving_source = (f"DfE 2017: GBP {DFE_2017_SAVING_PER_REMOVAL_YEAR_GBP:,.0f} a year (yearly "
                     f"care cost + one-off entry cost, counted every year) at "
                     f"{deflators.label(DFE_2017_PRICE_YEAR)} prices x {factor:.4f} (HM Treasury "
                     f"GDP deflator) = {deflators.label(price_year)} prices")
    return CouncilInputs(tuple(removals), tuple(starts), cycle, saving, tuple(by_year),
                         scenario["costs.discount_rate_per_year"], horizon, source,
                         price_year, saving_source)


#: Figures compared between the council method and the simulation (metric, period).
#: "last": the horizon's last whole year.
COMPARED = (("infants_avoided_cumulative", "month_21"), ("infants_avoided_cumulative", "last"),
            ("programme_cost_cumulative", "last"), ("cost_avoided_cumulative", "last"),
            ("net_cost_avoidance_cumulative", "last"),
            ("programme_cost_cumulative_discounted", "last"),
            ("cost_avoided_cumulative_discounted", "last"),
            ("net_cost_avoidance_cumulative_discounted", "last"))


def versus_simulation(inputs: CouncilInputs, table: pd.DataFrame, results,
                      band: float = 0.9) -> pd.DataFrame:
    """Where the council method's point estimates fall among the simulated futures.

    ``share_of_futures_below_council`` is the share of replications below the council figure,
    ties (within a relative 1e-9) counting half: 0.5 means the council figure is the simulated
    median; ``share_equal_to_council`` is 1 for a fixed input every future shares.
    """
    last = tables.last_year(results)
    rows = []
    for metric, period in COMPARED:
        if period == "month_21" and results.horizon < 21:
            continue
        period = last if period == "last" else period
        month = tables.period_month(results, period)
        council = value(inputs, table, metric, month)
        sim = tables.values(results, metric, period)
        below, equal = tables.share_below(council, sim)
        rows.append({"metric": metric, "period": period, "label": tables.LABELS.get(metric, metric),
                     "months": month, "years": month / 12, "unit": tables.unit_of(results, metric),
                     "council": council,
                     **{k: v for k, v in band_stats(sim, band).items() if k != "mean_se"},
                     "band": band, "share_of_futures_below_council": below + equal / 2,
                     "share_equal_to_council": equal})
    return pd.DataFrame(rows)

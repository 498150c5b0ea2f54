"""The metric registry: every quantity pausesim reports, declared once.

Each :class:`Metric` says how to derive its per-replication amounts in each time bin from the
tallies, its unit, its label, and in which forms it is reported: cumulative to each period end
(``NAME_cumulative``), within each year (``NAME_in_year``), and for money also discounted
(``NAME_cumulative_discounted``, ``NAME_in_year_discounted``). Each :class:`Statistic` is one
number per replication (or a probability) at a period: break-even month, benefit-cost ratio, cost
per infant kept out of care, later costs of infants still in care at the horizon. Every table
(``summary.csv``, monthly bands, replication tables, comparisons, sensitivity outcomes, reports)
is generated from these declarations, so a metric has one spelling everywhere.

Attribution (``docs/model.md``): an infant kept out of care is attributed to the mother's status
in the programme arm when the pregnancy began - *enrolled*, *after the programme* (completed or
left early), *offered and not enrolled* ("declined": declined, turned away for want of a place or
pregnant at the decision) - or to the *authority* layer (mothers not on the practice's list).
The four sum to ``infants_avoided`` in every replication (the fifth source, before a woman's
first decision, is identically zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from simulation.model.layout import REPORTED_SOURCES, SOURCES

if TYPE_CHECKING:
    from .results import Results

PROGRAMME, COUNTERFACTUAL = 0, 1
SOURCE_LABELS = {
    "declined": "mothers offered a place who did not enrol",
    "enrolled": "mothers enrolled on the programme",
    "after_programme": "mothers after the programme (completed or left early)",
    "authority": "other mothers in the authority (system effect)",
}


@dataclass(frozen=True)
class Metric:
    """A quantity with an amount in every time bin of every replication."""

    name: str
    unit: str  # "GBP" means the run's price base
    label: str
    derive: Callable[["Results"], np.ndarray]  # (reps, bins), undiscounted
    in_year: bool = False  # the summary also gives its value within each year
    month_21: bool = False
    headline: bool = False
    group: str = "infants"

    @property
    def money(self) -> bool:
        return self.unit == "GBP"

    def names(self) -> list[str]:
        """Every name this metric is written under (``in_year``: whether the summary also lists
        its within-year values; the replication table always does)."""
        out = [f"{self.name}_cumulative", f"{self.name}_in_year"]
        if self.money:
            out += [f"{n}_discounted" for n in out]
        return out


@dataclass(frozen=True)
class Statistic:
    """One value per replication at a period (``periods``: "years" or "horizon")."""

    name: str
    unit: str
    label: str
    compute: Callable[["Results", int], np.ndarray]  # (results, end month) -> (reps,)
    periods: str = "years"
    probability: bool = False  # report the share of replications (mean only)
    ratio: tuple[str, str] | None = None  # (numerator, denominator) cumulative metric names:
    #                                       the mean is the ratio of their means


def _cohort(r: "Results", quantity: str, arm: int) -> np.ndarray:
    return sum(r.row(f"{quantity}_{s}", arm) for s in SOURCES[:-1])


def _all(r: "Results", quantity: str, arm: int) -> np.ndarray:
    return sum(r.row(f"{quantity}_{s}", arm) for s in SOURCES)


def _avoided(quantity: str, sources=SOURCES):
    return lambda r: sum(r.row(f"{quantity}_{s}", COUNTERFACTUAL) - r.row(f"{quantity}_{s}",
                                                                            PROGRAMME)
                         for s in sources)


def _row(name: str, arm: int):
    return lambda r: r.row(name, arm)


def _rows(names, arm: int):
    return lambda r: sum(r.row(n, arm) for n in names)


def _source_cost(source: str, arm: int):
    return lambda r: r.care_cost(arm, source)


METRICS: tuple[Metric, ...] = (
    # -------------------------------------------------------------------- infants
    Metric("infants_avoided", "infants",
           "Infants kept out of care, authority-wide (the practice's women and the system "
           "effect)", _avoided("care_entries"), in_year=True, month_21=True, headline=True),
    *(Metric(f"infants_avoided_{s}", "infants",
             f"Infants kept out of care: {SOURCE_LABELS[s]}", _avoided("care_entries", (s,)),
             in_year=True, month_21=True, group="sources") for s in REPORTED_SOURCES),
    Metric("infants_avoided_cohort", "infants",
           "Infants kept out of care: all mothers on the practice's list",
           _avoided("care_entries", SOURCES[:-1]), in_year=True, month_21=True,
           group="sources"),
    Metric("care_entries_programme", "infants",
           "Infant care entries in the authority, with the practice",
           lambda r: _all(r, "care_entries", PROGRAMME), in_year=True, group="care"),
    Metric("care_entries_counterfactual", "infants",
           "Infant care entries in the authority, without the practice",
           lambda r: _all(r, "care_entries", COUNTERFACTUAL), in_year=True, group="care"),
    Metric("care_entries_cohort_counterfactual", "infants",
           "Infant care entries of mothers on the practice's list, without the practice",
           lambda r: _cohort(r, "care_entries", COUNTERFACTUAL), in_year=True, group="care"),
    Metric("pregnancies_programme", "pregnancies", "Pregnancies of the listed women, with the "
           "practice", _row("pregnancies", PROGRAMME), group="care"),
    Metric("pregnancies_counterfactual", "pregnancies", "Pregnancies of the listed women, "
           "without the practice", _row("pregnancies", COUNTERFACTUAL), group="care"),
    Metric("pregnancies_avoided", "pregnancies", "Pregnancies avoided (listed women)",
           lambda r: r.row("pregnancies", COUNTERFACTUAL) - r.row("pregnancies", PROGRAMME),
           in_year=True, group="care"),
    Metric("live_births_programme", "births", "Live births to the listed women, with the "
           "practice", _row("live_births", PROGRAMME), group="care"),
    Metric("live_births_counterfactual", "births", "Live births to the listed women, without "
           "the practice", _row("live_births", COUNTERFACTUAL), group="care"),
    # ------------------------------------------------------------------- activity
    Metric("offers", "offers", "Offers of a place made (a woman may be offered in several "
           "cycles)", _row("offers", PROGRAMME), group="activity"),
    Metric("women_offered", "women", "Women offered a place (each counted once)",
           _row("women_offered", PROGRAMME), group="activity"),
    Metric("declines", "offers", "Offers declined", _row("declined", PROGRAMME),
           group="activity"),
    Metric("offers_without_a_place", "offers", "Willing women turned away for want of a place",
           _row("turned_away", PROGRAMME), group="activity"),
    Metric("women_enrolled", "women", "Women enrolled", _row("enrolled", PROGRAMME),
           in_year=True, group="activity"),
    Metric("women_completed", "women", "Women who completed the programme",
           _row("completed", PROGRAMME), group="activity"),
    Metric("women_left_early", "women", "Women who left early (dropout or pregnancy)",
           _rows(("dropped_out", "exited_pregnant"), PROGRAMME), group="activity"),
    # ---------------------------------------------------------------------- money
    Metric("cost_avoided", "GBP", "Care costs avoided (placements, entry and exit costs)",
           lambda r: r.care_cost(COUNTERFACTUAL) - r.care_cost(PROGRAMME), in_year=True,
           month_21=True, headline=True, group="money"),
    *(Metric(f"cost_avoided_{s}", "GBP", f"Care costs avoided: {SOURCE_LABELS[s]}",
             (lambda s: lambda r: r.care_cost(COUNTERFACTUAL, s)  # noqa: B023 (bound)
              - r.care_cost(PROGRAMME, s))(s),  # noqa: B023 (bound by the outer lambda)
             in_year=True, group="sources") for s in REPORTED_SOURCES),
    Metric("care_cost_programme", "GBP", "Care costs of infant care entries, with the practice",
           lambda r: r.care_cost(PROGRAMME), in_year=True, group="money"),
    Metric("care_cost_counterfactual", "GBP", "Care costs of infant care entries, without the "
           "practice", lambda r: r.care_cost(COUNTERFACTUAL), in_year=True, group="money"),
    Metric("programme_cost", "GBP", "Programme cost (with any optimism-bias uplift)",
           lambda r: r.programme_cost(), in_year=True, month_21=True, headline=True,
           group="money"),
    Metric("optimism_bias_cost", "GBP", "Optimism-bias uplift included in the programme cost",
           lambda r: r.programme_cost(uplift_only=True), in_year=True, group="money"),
    Metric("net_cost_avoidance", "GBP", "Net cost avoidance: care costs avoided less programme "
           "cost (discounted and cumulative: the net present value, council costs only)",
           lambda r: r.care_cost(COUNTERFACTUAL) - r.care_cost(PROGRAMME) - r.programme_cost(),
           in_year=True, month_21=True, headline=True, group="money"),
)
BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}


def _break_even(discounted: bool):
    def compute(r: "Results", _end: int) -> np.ndarray:
        return r.break_even_month(discounted)
    return compute


def _cumulative(name: str):
    return lambda r, end: r.cumulative_at(name, end)


def _ratio_of(numerator: str, denominator: str):
    def compute(r: "Results", end: int) -> np.ndarray:
        num, den = r.cumulative_at(numerator, end), r.cumulative_at(denominator, end)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.inf)
    return compute


STATISTICS: tuple[Statistic, ...] = (
    Statistic("probability_net_saving_discounted", "probability",
              "Share of simulated futures in which the programme has paid for itself "
              "(cumulative discounted net cost avoidance > 0)",
              lambda r, end: (r.cumulative_at("net_cost_avoidance_cumulative_discounted", end)
                              > 0).astype(float), probability=True),
    Statistic("benefit_cost_ratio_discounted", "ratio",
              "Benefit-cost ratio: discounted care costs avoided per GBP 1 of programme cost",
              _ratio_of("cost_avoided_cumulative_discounted",
                        "programme_cost_cumulative_discounted"),
              ratio=("cost_avoided_cumulative_discounted",
                     "programme_cost_cumulative_discounted")),
    Statistic("cost_per_infant_avoided_discounted", "GBP",
              "Programme cost per infant kept out of care (discounted; inf where none was)",
              _ratio_of("programme_cost_cumulative_discounted", "infants_avoided_cumulative"),
              ratio=("programme_cost_cumulative_discounted", "infants_avoided_cumulative")),
    Statistic("break_even_month", "months (inf: not within the horizon)",
              "Month at which cumulative net cost avoidance turns positive for good",
              _break_even(False), periods="horizon"),
    Statistic("break_even_month_discounted", "months (inf: not within the horizon)",
              "Month at which cumulative discounted net cost avoidance turns positive for good",
              _break_even(True), periods="horizon"),
    *(Statistic(f"care_cost_after_horizon_{arm}{d}", "GBP",
                f"Later care costs of infants still in care at the horizon, "
                f"{'with' if arm == 'programme' else 'without'} the practice"
                f"{' (discounted)' if d else ''}",
                (lambda a, disc: lambda r, _e: r.after_horizon_cost(a, disc))(k, bool(d)),
                periods="horizon")
      for k, arm in enumerate(("programme", "counterfactual")) for d in ("", "_discounted")),
    *(Statistic(f"cost_avoided_after_horizon{d}", "GBP",
                "Later care costs avoided: infants in care at the horizon, without less with the "
                f"practice (not in the horizon's figures){' (discounted)' if d else ''}",
                (lambda disc: lambda r, _e: r.after_horizon_cost(COUNTERFACTUAL, disc)
                 - r.after_horizon_cost(PROGRAMME, disc))(bool(d)), periods="horizon")
      for d in ("", "_discounted")),
)
STATISTIC_BY_NAME: dict[str, Statistic] = {s.name: s for s in STATISTICS}


def all_names() -> list[str]:
    """Every metric name pausesim can write, in registry order."""
    return [n for m in METRICS for n in m.names()] + [s.name for s in STATISTICS]


def parse(full: str) -> tuple[Metric, str, bool]:
    """``infants_avoided_in_year`` -> (metric, "in_year", discounted False)."""
    discounted = full.endswith("_discounted")
    stem = full[: -len("_discounted")] if discounted else full
    for measure in ("cumulative", "in_year"):
        if stem.endswith("_" + measure):
            metric = BY_NAME.get(stem[: -len(measure) - 1])
            if metric is not None and full in metric.names():
                return metric, measure, discounted
    raise KeyError(f"unknown metric {full!r}")

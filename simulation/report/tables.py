"""The report's tables, from a Monte Carlo result: assumptions, by year, headline figures.

Every table is tidy (one row per figure) with ``mean, median, lo, hi, band`` where figures vary
between simulated futures: ``lo``-``hi`` is the central ``band`` of replications (as in
:mod:`simulation.summary`). Money is GBP at the scenario's price year; "discounted" is the Green
Book convention of :mod:`simulation.costs`. Metric names follow ``summary.csv``:
``<quantity>_<in_year|cumulative>[_discounted]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from simulation.core.parameters import BY_KEY, PARAMETERS
from simulation.runner import MonteCarloResult
from simulation.core.scenario import Scenario
from simulation.results.summary import (PROGRAMME, _band_stats, break_even_month, series, summary_table)

#: Unit of benefit-cost ratios.
RATIO_UNIT = "GBP avoided per GBP of programme cost"
#: Quantities of the by-year table (per-replication monthly series of :func:`outcomes`).
BY_YEAR_QUANTITIES = ("infants_avoided", "programme_cost", "cost_avoided", "net_cost_avoidance")


def outcomes(result: MonteCarloResult) -> dict[str, tuple[str, np.ndarray]]:
    """Per-replication monthly series ``(reps, n_months)`` with units: the headline series of
    :func:`simulation.summary.series` plus pregnancies among enrolled women (each ends her
    programme)."""
    out = dict(series(result))
    out["pregnancies_on_programme"] = ("pregnancies",
                                       result.metric("exited_pregnant", PROGRAMME).astype(float))
    return out


def period_month(period: str, horizon_months: float) -> float:
    """Month at whose end a period closes: ``month_21`` -> 21, ``year_3`` -> 36, ``horizon``."""
    if period == "horizon":
        return float(horizon_months)
    kind, _, number = period.partition("_")
    if kind not in ("month", "year") or not number.isdigit():
        raise ValueError(f"unknown period {period!r} (month_N, year_N or horizon)")
    return min(float(number) * (12 if kind == "year" else 1), float(horizon_months))


def replicate_values(result: MonteCarloResult, metric: str, period: str,
                     data: dict | None = None) -> np.ndarray:
    """One figure per replication: ``<series>_cumulative[_discounted]`` to the period's end, or
    ``<series>_in_year[_discounted]`` within the year ``year_N``."""
    data = data or outcomes(result)
    discounted = metric.endswith("_discounted")
    base = metric[: -len("_discounted")] if discounted else metric
    for basis in ("_cumulative", "_in_year"):
        if base.endswith(basis):
            name = base[: -len(basis)] + ("_discounted" if discounted else "")
            break
    else:
        raise ValueError(f"unknown metric {metric!r}")
    if name not in data:
        raise ValueError(f"unknown metric {metric!r}: no series {name!r}")
    values = data[name][1]
    end = int(np.ceil(period_month(period, result.scenario["practice.horizon_months"])))
    start = end - 12 if basis == "_in_year" else 0
    if basis == "_in_year" and not period.startswith("year_"):
        raise ValueError(f"{metric} needs a year period, not {period!r}")
    return values[:, max(start, 0):end].sum(axis=1)


def percentile_of(value: float, samples: np.ndarray) -> float:
    """Percentile (0-100) of ``value`` among simulated futures; ties count half."""
    return float(stats.percentileofscore(samples, value, kind="mean"))


def year_ends(result: MonteCarloResult) -> list[int]:
    """Month at the end of each year of the horizon (the last may be partial)."""
    horizon = result.scenario["practice.horizon_months"]
    return [int(min(12 * y, np.ceil(horizon))) for y in range(1, int(np.ceil(horizon / 12)) + 1)]


def _ratio(avoided: np.ndarray, cost: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cost > 0, avoided / np.where(cost > 0, cost, 1.0), np.nan)


def _stats(values: np.ndarray, band: float, probability: bool = False) -> dict[str, float]:
    """Mean, median and band of one figure across replications; a probability has a mean only."""
    if probability:
        return {"mean": float(np.mean(values)), "median": np.nan, "lo": np.nan, "hi": np.nan}
    return _band_stats(values, band)


def by_year(result: MonteCarloResult, band: float = 0.9) -> pd.DataFrame:
    """Year by year: programme cost, infants kept out of care, cost avoided, net (in the year and
    cumulative, undiscounted and discounted), the probability of a cumulative net saving and the
    cumulative benefit-cost ratio (care cost avoided / programme cost)."""
    data = outcomes(result)
    rows = []
    for year, end in enumerate(year_ends(result), start=1):
        start = max(end - 12, 0)

        def add(metric, unit, values, probability=False):
            rows.append({"year": year, "metric": metric, "unit": unit,
                         **_stats(values, band, probability)})

        for quantity in BY_YEAR_QUANTITIES:
            for suffix in ("", "_discounted"):
                if quantity == "infants_avoided" and suffix:
                    continue  # infants are not discounted
                unit, values = data[quantity + suffix]
                add(f"{quantity}_in_year{suffix}", unit, values[:, start:end].sum(axis=1))
                add(f"{quantity}_cumulative{suffix}", unit, values[:, :end].sum(axis=1))
        for suffix in ("", "_discounted"):
            cum = {q: data[q + suffix][1][:, :end].sum(axis=1)
                   for q in ("cost_avoided", "programme_cost", "net_cost_avoidance")}
            add("probability_net_saving" + suffix, "probability", cum["net_cost_avoidance"] > 0,
                probability=True)
            add("benefit_cost_ratio" + suffix, RATIO_UNIT,
                _ratio(cum["cost_avoided"], cum["programme_cost"]))
    table = pd.DataFrame(rows, columns=["year", "metric", "unit", "mean", "median", "lo", "hi"])
    table["band"] = band
    return table


def headline(result: MonteCarloResult, band: float = 0.9) -> pd.DataFrame:
    """The key figures: infants kept out of care at month 21 and the horizon; costs, net, the
    benefit-cost ratio and the probability of a net saving at the horizon; break-even."""
    data = outcomes(result)
    horizon = result.scenario["practice.horizon_months"]
    rows = []

    def add(metric, period, unit, values, probability=False):
        month = period_month(period, horizon)
        rows.append({"metric": metric, "period": period, "months": month, "years": month / 12,
                     "unit": unit, **_stats(values, band, probability)})

    def at(metric, period="horizon"):
        return replicate_values(result, metric, period, data)

    if horizon >= 21:
        add("infants_avoided_cumulative", "month_21", "infants",
            at("infants_avoided_cumulative", "month_21"))
    add("infants_avoided_cumulative", "horizon", "infants", at("infants_avoided_cumulative"))
    for suffix in ("", "_discounted"):
        values = {q: at(f"{q}_cumulative{suffix}")
                  for q in ("cost_avoided", "programme_cost", "net_cost_avoidance")}
        for q, v in values.items():
            add(f"{q}_cumulative{suffix}", "horizon", data["cost_avoided"][0], v)
        add("benefit_cost_ratio" + suffix, "horizon", RATIO_UNIT,
            _ratio(values["cost_avoided"], values["programme_cost"]))
        add("probability_net_saving" + suffix, "horizon", "probability",
            values["net_cost_avoidance"] > 0, probability=True)
        months = break_even_month(data["net_cost_avoidance" + suffix][1])
        add("break_even_month" + suffix, "horizon", "months (inf: not within horizon)", months)
        add("break_even_year" + suffix, "horizon", "year of the horizon (inf: not within it)",
            np.ceil(months / 12))
    table = pd.DataFrame(rows, columns=["metric", "period", "months", "years", "unit", "mean",
                                        "median", "lo", "hi"])
    table["band"] = band
    return table


#: Programme activity shown beside the money (rows of ``summary.csv`` at the horizon).
ACTIVITY = (("women_offered_cumulative", "women offered a place"),
            ("women_enrolled_cumulative", "women enrolled"),
            ("women_completed_cumulative", "women completed the programme"),
            ("women_dropped_out_cumulative", "women left early (incl. pregnancy)"),
            ("pregnancies_counterfactual_cumulative", "pregnancies, no programme"),
            ("pregnancies_programme_cumulative", "pregnancies, with the programme"),
            ("care_entries_counterfactual_cumulative", "infants entering care, no programme"),
            ("care_entries_programme_cumulative", "infants entering care, with the programme"))


def activity(result: MonteCarloResult, band: float = 0.9) -> pd.DataFrame:
    """What the practice did and what happened, to the horizon (from ``summary_table``)."""
    table = summary_table(result, band)
    last = table[table.period.str.startswith("year_")].period.iloc[-1]
    rows = table[(table.period == last) & table.metric.isin([m for m, _ in ACTIVITY])]
    labels = dict(ACTIVITY)
    rows = rows.assign(label=rows.metric.map(labels),
                       order=rows.metric.map({m: i for i, (m, _) in enumerate(ACTIVITY)}))
    return rows.sort_values("order").drop(columns="order")[
        ["metric", "label", "unit", "period", "mean", "median", "lo", "hi", "band"]]


def assumptions(scenario: Scenario) -> pd.DataFrame:
    """Every parameter of the scenario with its value, unit, meaning and source."""
    def show(value):
        if isinstance(value, list):
            return "[" + ", ".join(f"{v:g}" for v in value) + "]"
        if isinstance(value, bool):
            return "true" if value else "false"
        return value

    rows = [{"parameter": p.key, "section": p.section, "value": show(scenario[p.key]),
             "unit": p.unit or "-", "meaning": p.description, "source": scenario.sources[p.key],
             "national_default": show(p.default), "changed_from_national":
             scenario[p.key] != BY_KEY[p.key].default}
            for p in PARAMETERS]
    return pd.DataFrame(rows)

"""The report's tables, built from :class:`simulation.results.Results` and its metric registry.

Every table is tidy (one row per figure) with ``mean, median, lo, hi, band`` where figures vary
between simulated futures: ``lo``-``hi`` is the central ``band`` of replications. Money is GBP at
the run's price base (``Results.price_label``, in every ``unit`` cell); "discounted" is the Green
Book convention of :mod:`simulation.results.costs`. Metric names are the registry's full names
(:func:`simulation.results.metrics.all_names`), never spelled here by string surgery.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.core import scenario as scenario_mod
from simulation.core.parameters import PARAMETERS, show
from simulation.model.layout import REPORTED_SOURCES
from simulation.results import band_stats, costs, periods
from simulation.results import format as fmt
from simulation.results.metrics import BY_NAME, STATISTIC_BY_NAME, parse
from simulation.results.results import is_span

#: The headline figures: (full metric name, which period: "last" year, "month_21", "horizon").
HEADLINE = (
    ("infants_avoided_cumulative", "month_21"),
    ("infants_avoided_cumulative", "last"),
    ("infants_avoided_in_year", "last"),
    ("cost_avoided_cumulative", "last"),
    ("cost_avoided_cumulative_discounted", "last"),
    ("programme_cost_cumulative", "last"),
    ("programme_cost_cumulative_discounted", "last"),
    ("optimism_bias_cost_cumulative_discounted", "last"),
    ("net_cost_avoidance_cumulative", "last"),
    ("net_cost_avoidance_cumulative_discounted", "last"),
    ("probability_net_saving_discounted", "last"),
    ("benefit_cost_ratio_discounted", "last"),
    ("cost_per_infant_avoided_discounted", "last"),
    ("break_even_month_discounted", "horizon"),
    ("cost_avoided_after_horizon", "horizon"),
    ("cost_avoided_after_horizon_discounted", "horizon"),
)
#: Short labels for the report's tables (the registry's labels are the long definitions).
LABELS = {
    "infants_avoided_cumulative": "Infants kept out of care (all sources)",
    "infants_avoided_in_year": "Infants kept out of care in the year",
    "cost_avoided_cumulative": "Care costs avoided",
    "cost_avoided_cumulative_discounted": "Care costs avoided, discounted",
    "programme_cost_cumulative": "Programme cost",
    "programme_cost_cumulative_discounted": "Programme cost, discounted",
    "optimism_bias_cost_cumulative_discounted": "of which optimism-bias uplift, discounted",
    "net_cost_avoidance_cumulative": "Net cost avoidance, undiscounted",
    "net_cost_avoidance_cumulative_discounted": "Net present value (NPV), council costs only",
    "probability_net_saving_discounted": "Probability of a net saving (discounted)",
    "benefit_cost_ratio_discounted": "Benefit-cost ratio (BCR), discounted",
    "cost_per_infant_avoided_discounted": "Programme cost per infant kept out of care, "
                                          "discounted",
    "break_even_month_discounted": "Break-even month (discounted)",
    "cost_avoided_after_horizon": "Later care costs avoided after the horizon (not in the "
                                  "figures above)",
    "cost_avoided_after_horizon_discounted": "Later care costs avoided after the horizon, "
                                             "discounted (not in the figures above)",
    "programme_cost_in_year": "Programme cost in the year",
    "programme_cost_in_year_discounted": "Programme cost in the year, discounted",
    "cost_avoided_in_year": "Care costs avoided in the year",
    "cost_avoided_in_year_discounted": "Care costs avoided in the year, discounted",
    "net_cost_avoidance_in_year": "Net cost avoidance in the year, undiscounted",
    "net_cost_avoidance_in_year_discounted": "Net cost avoidance in the year, discounted",
}
#: Activity to the last year: (full metric name, label).
ACTIVITY = (
    ("women_offered_cumulative", "Women offered a place (each woman counted once)"),
    ("offers_cumulative", "Offers made (a woman may be offered in several cycles)"),
    ("declines_cumulative", "Offers declined"),
    ("offers_without_a_place_cumulative", "Willing women turned away for want of a place"),
    ("women_enrolled_cumulative", "Women enrolled"),
    ("women_completed_cumulative", "Women who completed the programme"),
    ("women_left_early_cumulative", "Women who left early (dropout or pregnancy)"),
    ("pregnancies_counterfactual_cumulative", "Pregnancies of the listed women, without the "
                                              "practice"),
    ("pregnancies_programme_cumulative", "Pregnancies of the listed women, with the practice"),
    ("care_entries_counterfactual_cumulative", "Infant care entries in the authority, without "
                                               "the practice"),
    ("care_entries_programme_cumulative", "Infant care entries in the authority, with the "
                                          "practice"),
)
#: By-year table: full metric names, in the order shown.
BY_YEAR = (
    "infants_avoided_in_year", "infants_avoided_cumulative",
    "programme_cost_in_year", "cost_avoided_in_year", "net_cost_avoidance_in_year",
    "net_cost_avoidance_cumulative",
    "programme_cost_in_year_discounted", "cost_avoided_in_year_discounted",
    "net_cost_avoidance_in_year_discounted", "net_cost_avoidance_cumulative_discounted",
    "benefit_cost_ratio_discounted", "probability_net_saving_discounted",
)
#: The source of each infant kept out of care, as the report names it (plain words).
SOURCE_NAMES = {
    "declined": "Offered a place, did not enrol",
    "enrolled": "Enrolled on the programme",
    "after_programme": "After the programme (completed or left early)",
    "authority": "Other mothers in the authority (system-wide effect)",
}
TOLERANCE = 1e-9  # relative: figures this close are equal (a fixed input is not "0%" below itself)


# ----------------------------------------------------------------------------- periods
def last_year(results) -> str:
    """The last whole year of the horizon, ``year_N`` (the report's "over N years")."""
    years = [p for p in periods(results.horizon) if p.startswith("year_")]
    if not years:
        raise ValueError("the horizon is shorter than one year")
    return years[-1]


def last_span(results) -> str:
    """The period that ends at the horizon: its last whole year, or the part-year after it
    (``months_13_18`` for an 18-month horizon)."""
    spans = [p for p in periods(results.horizon) if is_span(p)]
    if not spans:
        raise ValueError("the horizon is shorter than one month")
    return spans[-1]


def period_month(results, period: str) -> float:
    """Month at which a period ends: ``month_21`` -> 21, ``year_3`` -> 36, ``horizon``."""
    if period == "horizon":
        return results.horizon
    return float(periods(results.horizon)[period])


def resolve(results, which: str) -> str:
    return last_year(results) if which == "last" else which


def is_money(name: str) -> bool:
    stat = STATISTIC_BY_NAME.get(name)
    return stat.unit == "GBP" if stat is not None else parse(name)[0].money


def values(results, name: str, period: str) -> np.ndarray:
    """One figure per replication: a metric (cumulative to, or within the year ending at, the
    period's end) or a statistic of the registry."""
    end = period_month(results, period)
    stat = STATISTIC_BY_NAME.get(name)
    if stat is not None:
        return results.statistic(stat, end)
    return results.value(name, end)


def unit_of(results, name: str) -> str:
    stat = STATISTIC_BY_NAME.get(name)
    unit = stat.unit if stat is not None else parse(name)[0].unit
    return results.unit(unit)


def share_below(value: float, samples: np.ndarray) -> tuple[float, float]:
    """(share of samples below ``value``, share equal to it), ties within :data:`TOLERANCE`."""
    tol = TOLERANCE * max(1.0, abs(value))
    equal = np.abs(samples - value) <= tol
    return float(np.mean((samples < value) & ~equal)), float(np.mean(equal))


# ------------------------------------------------------------------------------ tables
def figure_row(results, name: str, period: str, band: float) -> dict:
    """The tidy row of one figure: statistics across replications plus the share of futures in
    which it is infinite (never broke even, no infant kept out of care)."""
    v = values(results, name, period)
    stat = STATISTIC_BY_NAME.get(name)
    if stat is not None and stat.probability:
        row = {"mean": float(v.mean()), "median": np.nan, "lo": np.nan, "hi": np.nan}
    else:
        row = {k: band_stats(v, band)[k] for k in ("mean", "median", "lo", "hi")}
        if stat is not None and stat.ratio is not None:  # as summary.csv: the ratio of means
            num = values(results, stat.ratio[0], period).mean()
            den = values(results, stat.ratio[1], period).mean()
            row["mean"] = float(num / den) if den > 0 else float("inf")
    month = period_month(results, period)
    return {"metric": name, "period": period, "label": LABELS.get(name, name),
            "unit": unit_of(results, name), "months": month, "years": month / 12.0, **row,
            "band": band, "share_infinite": float(np.mean(np.isinf(v)))}


def headline(results, band: float) -> pd.DataFrame:
    """The key figures over the horizon's last whole year (and month 21)."""
    rows = []
    for name, which in HEADLINE:
        if which == "month_21" and "month_21" not in periods(results.horizon):
            continue
        rows.append(figure_row(results, name, resolve(results, which), band))
    return pd.DataFrame(rows)


def by_year(results, band: float) -> pd.DataFrame:
    """Year by year (:data:`BY_YEAR`): one row per (year, metric)."""
    rows = []
    for period in periods(results.horizon):
        if not period.startswith("year_"):
            continue
        for name in BY_YEAR:
            row = figure_row(results, name, period, band)
            rows.append({"year": int(period[5:]), **row})
    return pd.DataFrame(rows)


def sources(results, band: float) -> pd.DataFrame:
    """Infants kept out of care and care costs avoided (discounted) by where the effect comes
    from, to the horizon, with each source's share of the mean total (``share``; and
    ``share_shown``, rounded to whole percentages that add up to 100%, as every table and sentence
    prints it); the sources' means add up to the total's (every replication's sources sum to its
    total)."""
    period = last_span(results)  # to the horizon, a part-year included
    rows = []
    for quantity, discounted in (("infants_avoided", False), ("cost_avoided", True)):
        total_name = _cumulative(quantity, discounted)
        total = figure_row(results, total_name, period, band)
        for source in REPORTED_SOURCES:
            name = _cumulative(f"{quantity}_{source}", discounted)
            row = figure_row(results, name, period, band)
            rows.append({"quantity": quantity, "source": source,
                         **{**row, "label": SOURCE_NAMES[source]},
                         "share": row["mean"] / total["mean"] if total["mean"] else np.nan})
        parts = rows[-len(REPORTED_SOURCES):]
        for row, shown in zip(parts, fmt.share_points([r["share"] for r in parts])):
            row["share_shown"] = float(shown)  # rounded to add up to 100% as printed
        rows.append({"quantity": quantity, "source": "total",
                     **{**total, "label": "All sources"}, "share": 1.0 if total["mean"] else
                     np.nan, "share_shown": 1.0 if total["mean"] else np.nan})
    return pd.DataFrame(rows).drop(columns="share_infinite")


def _cumulative(metric: str, discounted: bool) -> str:
    """The registry's cumulative name of a metric (discounted or not), checked against it."""
    name = f"{metric}_cumulative{'_discounted' if discounted else ''}"
    if name not in BY_NAME[metric].names():
        raise KeyError(f"{name} is not a reported metric")
    return name


def activity(results, band: float) -> pd.DataFrame:
    period = last_year(results)
    return pd.DataFrame([{**figure_row(results, name, period, band), "label": label}
                         for name, label in ACTIVITY]).drop(columns="share_infinite")


def money_inputs(results) -> pd.DataFrame:
    """Every money input with its own price year, the GDP-deflator factor and its value at the
    run's price base (:func:`simulation.results.costs.money_inputs`)."""
    frame = pd.DataFrame(costs.money_inputs(results.scenario))
    frame["source"] = [results.scenario.sources[k] for k in frame.parameter]
    return frame


def assumptions(results) -> pd.DataFrame:
    """Every parameter with its readable label, formatted value, unit and source; parameters
    drawn from the calibration in this run say so."""
    sc = results.scenario
    drawn = set(sc.calibrated_keys()) if results.meta.get("parameters") == "posterior draws" \
        else set()
    declared = set(results.meta.get("declared_drawn", [])) | \
        set(results.meta.get("site_variation", []))
    national = scenario_mod.load(scenario_mod.DEFAULT_SCENARIO).with_calibration(sc.calibration)
    rows = []
    for p in PARAMETERS:
        value = show(sc[p.key])
        raw = sc[p.key]
        number = float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) \
            else np.nan
        rows.append({"parameter": p.key, "label": p.label, "section": p.section,
                     "value": value, "value_number": number, "unit": p.unit or "-",
                     "how": ("drawn from the calibration (value shown: its central estimate)"
                             + ("; and a site effect" if p.key in declared else "")
                             if p.key in drawn else
                             "drawn from its declared range around the value shown"
                             + ("; and a site effect" if p.key in results.meta.get(
                                 "site_variation", []) else "")
                             if p.key in declared else "as given"),
                     "source": sc.sources[p.key],
                     "changed_from_national": sc[p.key] != national[p.key]})
    return pd.DataFrame(rows)


# --------------------------------------------------------------- cost-effectiveness
def per_parameter_set(results, period: str | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """Infants kept out of care and discounted net cost avoidance to the last year, averaged
    over each parameter set's replications: (infants, net GBP, what one point is). With one
    parameter set, one point per replication (chance alone)."""
    period = period or last_year(results)
    infants = values(results, "infants_avoided_cumulative", period)
    net = values(results, "net_cost_avoidance_cumulative_discounted", period)
    sets = results.simulated.set_index
    n = len(results.simulated.scenarios)
    if n < 2:
        return infants, net, "replication"
    counts = np.bincount(sets, minlength=n)
    keep = counts > 0
    mean = [np.bincount(sets, weights=v, minlength=n)[keep] / counts[keep] for v in (infants, net)]
    return mean[0], mean[1], "parameter set"

"""Summaries of a Monte Carlo run: the tidy ``summary.csv`` table, monthly bands, per-replication
yearly figures.

``summary.csv`` has columns ``metric, unit, period, mean, median, lo, hi, band``: ``lo`` and ``hi``
are the percentiles bounding the central ``band`` (e.g. 0.9 -> 5th and 95th) across replications -
the range in which that share of simulated futures falls. Periods are ``month_21``, ``year_1`` ..
``year_N`` (cumulative from month 0 to the period's end, or within the year for ``*_in_year``) and
``horizon``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.results.costs import CostSeries, cost_series, price_label
from simulation.model.metrics import INDEX
from simulation.runner import MonteCarloResult

PROGRAMME, COUNTERFACTUAL = 0, 1


def periods(horizon_months: float) -> dict[str, int]:
    """Named periods and the month at which each ends (exclusive)."""
    out = {"month_21": 21} if horizon_months >= 21 else {}
    out.update({f"year_{y}": 12 * y for y in range(1, int(horizon_months // 12) + 1)})
    return out


def _band_stats(values: np.ndarray, band: float) -> dict[str, float]:
    q = (1.0 - band) / 2.0
    # inverted_cdf picks observed values, so a share of infinite values (never broke even) gives
    # inf rather than NaN
    method = "linear" if np.isfinite(values).all() else "inverted_cdf"
    return {"mean": float(np.mean(values)), "median": float(np.quantile(values, 0.5, method=method)),
            "lo": float(np.quantile(values, q, method=method)),
            "hi": float(np.quantile(values, 1.0 - q, method=method))}


def series(result: MonteCarloResult) -> dict[str, tuple[str, np.ndarray]]:
    """Per-replication monthly series (reps, n_months) of the headline quantities, with units."""
    m = result.monthly.astype(float)
    costs: CostSeries = cost_series(m, result.scenario)
    disc = costs.discounted()
    gbp = price_label(result.scenario)

    def arm(name: str, a: int) -> np.ndarray:
        return m[:, a, INDEX[name], :]

    out = {
        "infants_avoided": ("infants", arm("care_entries", COUNTERFACTUAL) - arm("care_entries", PROGRAMME)),
        "care_entries_programme": ("infants", arm("care_entries", PROGRAMME)),
        "care_entries_counterfactual": ("infants", arm("care_entries", COUNTERFACTUAL)),
        "pregnancies_programme": ("pregnancies", arm("pregnancies", PROGRAMME)),
        "pregnancies_counterfactual": ("pregnancies", arm("pregnancies", COUNTERFACTUAL)),
        "pregnancies_avoided": ("pregnancies", arm("pregnancies", COUNTERFACTUAL) - arm("pregnancies", PROGRAMME)),
        "live_births_programme": ("births", arm("live_births", PROGRAMME)),
        "live_births_counterfactual": ("births", arm("live_births", COUNTERFACTUAL)),
        "women_offered": ("offers", arm("offered", PROGRAMME)),
        "women_enrolled": ("women", arm("enrolled", PROGRAMME)),
        "women_completed": ("women", arm("completed", PROGRAMME)),
        "women_dropped_out": ("women", arm("dropped_out", PROGRAMME) + arm("exited_pregnant", PROGRAMME)),
        "cost_avoided": (gbp, costs.avoided),
        "programme_cost": (gbp, np.broadcast_to(costs.programme, costs.avoided.shape)),
        "net_cost_avoidance": (gbp, costs.net),
        "cost_avoided_discounted": (gbp, disc.avoided),
        "programme_cost_discounted": (gbp, np.broadcast_to(disc.programme, costs.avoided.shape)),
        "net_cost_avoidance_discounted": (gbp, disc.net),
    }
    return out


def break_even_month(net_monthly: np.ndarray) -> np.ndarray:
    """First month end at which cumulative net cost avoidance is >= 0 and stays so; inf if never."""
    cum = np.cumsum(net_monthly, axis=-1)
    negative = cum < 0
    # last month with a negative balance; break-even is the month end after it
    last_negative = np.where(negative.any(axis=-1),
                             negative.shape[-1] - 1 - np.argmax(negative[..., ::-1], axis=-1), -1)
    months = (last_negative + 1).astype(float) + 1.0
    months[last_negative == negative.shape[-1] - 1] = np.inf
    return months


def summary_table(result: MonteCarloResult, band: float = 0.9) -> pd.DataFrame:
    """The tidy summary: one row per (metric, period)."""
    horizon = result.scenario["practice.horizon_months"]
    named = periods(horizon)
    rows = []
    data = series(result)
    for name, (unit, values) in data.items():
        cum = np.cumsum(values, axis=-1)
        is_cost = unit.startswith("GBP")
        metric = name + "_cumulative" if not name.endswith("_discounted") else \
            name[: -len("_discounted")] + "_cumulative_discounted"
        for period, end in named.items():
            if period == "month_21" and name != "infants_avoided" and not is_cost:
                continue
            rows.append({"metric": metric, "unit": unit, "period": period,
                         **_band_stats(cum[:, end - 1], band)})
    avoided = data["infants_avoided"][1]
    for period, end in named.items():
        if period.startswith("year_"):
            in_year = avoided[:, end - 12:end].sum(axis=-1)
            rows.append({"metric": "infants_avoided_in_year", "unit": "infants", "period": period,
                         **_band_stats(in_year, band)})
    for period, end in named.items():
        if period.startswith("year_"):
            saving = np.cumsum(data["net_cost_avoidance_discounted"][1], axis=-1)[:, end - 1] > 0
            rows.append({"metric": "probability_net_saving_discounted", "unit": "probability",
                         "period": period, "mean": float(saving.mean()), "median": np.nan,
                         "lo": np.nan, "hi": np.nan})
    for suffix, key in (("", "net_cost_avoidance"), ("_discounted", "net_cost_avoidance_discounted")):
        months = break_even_month(data[key][1])
        rows.append({"metric": "break_even_month" + suffix, "unit": "months (inf: not within horizon)",
                     "period": "horizon", **_band_stats(months, band)})
    table = pd.DataFrame(rows, columns=["metric", "unit", "period", "mean", "median", "lo", "hi"])
    table["band"] = band
    return table


def monthly_bands(result: MonteCarloResult, band: float = 0.9) -> pd.DataFrame:
    """Cumulative headline series by month with bands (for fan charts)."""
    q = (1.0 - band) / 2.0
    frames = []
    for name, (unit, values) in series(result).items():
        cum = np.cumsum(values, axis=-1)
        frames.append(pd.DataFrame({
            "metric": name + "_cumulative", "unit": unit, "month": np.arange(1, cum.shape[1] + 1),
            "mean": cum.mean(axis=0), "median": np.median(cum, axis=0),
            "lo": np.quantile(cum, q, axis=0), "hi": np.quantile(cum, 1.0 - q, axis=0),
            "band": band}))
    return pd.concat(frames, ignore_index=True)


def replication_table(result: MonteCarloResult) -> pd.DataFrame:
    """Per replication and year: the headline quantities within the year (not cumulative)."""
    horizon = result.scenario["practice.horizon_months"]
    years = int(np.ceil(horizon / 12))
    data = series(result)
    reps = np.arange(result.reps)
    frame = {"rep": np.repeat(reps, years), "year": np.tile(np.arange(1, years + 1), result.reps)}
    for name, (_, values) in data.items():
        padded = np.zeros((result.reps, years * 12))
        padded[:, : values.shape[1]] = values
        frame[name] = padded.reshape(result.reps, years, 12).sum(axis=-1).ravel()
    return pd.DataFrame(frame)


def replication_monthly_table(result: MonteCarloResult) -> pd.DataFrame:
    """Per replication and month: every metric in each arm, plus the headline series.

    Months are numbered 1..n (month m covers [m-1, m) since the start); counts are within the
    month, ``on_larc`` and ``in_care`` are month-end stocks.
    """
    from simulation.model.metrics import METRICS

    reps, _, _, T = result.monthly.shape
    frame = {"rep": np.repeat(np.arange(reps), T), "month": np.tile(np.arange(1, T + 1), reps)}
    for a, arm in enumerate(("programme", "counterfactual")):
        for i, name in enumerate(METRICS):
            frame[f"{name}_{arm}"] = result.monthly[:, a, i, :].ravel()
    for name, (_, values) in series(result).items():
        if name not in frame:
            frame[name] = np.asarray(values, dtype=float).ravel()
    return pd.DataFrame(frame)

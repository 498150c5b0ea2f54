"""The results of a run: every replication's tallies, costed with its own parameter set, and the
tables built from the metric registry (:mod:`simulation.results.metrics`).

:class:`Results` is the one owner of a run's numbers. Each replication is costed with the unit
costs of the parameter set it was simulated with (posterior draws may vary costs); every table
(``summary``, ``bands``, ``replications``...) is generated from the registry, so each metric has
one spelling and one derivation everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from simulation.core import deflators
from simulation.core.scenario import Scenario
from simulation.model.layout import INDEX, N_TALLIED, SOURCES, STOCKS, TALLIED
from simulation.runner import Simulated

from . import costs as costs_mod
from .metrics import METRICS, STATISTICS, Metric, Statistic, parse

PROGRAMME, COUNTERFACTUAL = 0, 1


def periods(horizon_months: float) -> dict[str, int]:
    """Named periods and the month at which each ends: ``month_21`` (the national evaluation's
    first 21 months), ``year_1`` .. ``year_N`` and, where the horizon is not a whole number of
    years, the part-year that ends it (``months_13_18`` for an 18-month horizon)."""
    out = {"month_21": 21} if horizon_months >= 21 else {}
    whole = int(horizon_months // 12)
    out.update({f"year_{y}": 12 * y for y in range(1, whole + 1)})
    if horizon_months > 12 * whole:
        out[f"months_{12 * whole + 1}_{int(np.ceil(horizon_months))}"] = \
            int(np.ceil(horizon_months))
    return out


def is_span(period: str) -> bool:
    """Whether ``period`` is one year (``year_N``) or the part-year ending the horizon
    (``months_A_B``), as opposed to a cumulative mark (``month_21``)."""
    return period.startswith("year_") or period.startswith("months_")


def period_start(period: str, end_month: float) -> float:
    """The month a span starts (a year: 12 months before its end; a part-year: its year's
    start)."""
    if period.startswith("months_"):
        return float(int(period.split("_")[1]) - 1)
    return float(end_month) - 12.0


def period_words(period: str) -> str:
    """A period as people read it: ``year 2``, ``months 13-18 (part-year)``, ``the first 21
    months``."""
    if period.startswith("year_"):
        return period.replace("_", " ")
    if period.startswith("months_"):
        a, b = period.split("_")[1:]
        return f"months {a}-{b} (part-year)"
    return "the first 21 months"


def span_order(period: str) -> int:
    """Sort key of spans: years by number, the part-year last."""
    return int(period[5:]) if period.startswith("year_") else 10 ** 6


def measured_t1(scenario: Scenario) -> bool:
    """Whether "T1" means here what the national figure measured: the first 21 months of a
    practice whose cycle is 3 months of outreach and 18 of programme (evidence.md s0)."""
    return scenario["practice.outreach_months"] + scenario["practice.programme_months"] == 21


def measured_t2(scenario: Scenario) -> bool:
    """Whether "T2" means here what the national figure measured: a year over years 3-5 of a
    practice running continuously (successive cycles) for at least 5 years (evidence.md s0.1);
    not a single cohort."""
    return bool(scenario["practice.successive_cycles"]) and \
        scenario["practice.horizon_months"] >= 60


def period_edges(horizon_months: float) -> np.ndarray:
    """The coarsest bins that still give every period: 0, 12, 21, 24, ... and the horizon."""
    ends = {0.0, float(np.ceil(horizon_months))} | {float(m) for m in
                                                  periods(horizon_months).values()}
    return np.asarray(sorted(ends))


def mean_se(values: np.ndarray, clusters: np.ndarray | None = None) -> float:
    """Monte Carlo standard error of the mean of ``values``. Replications that share a parameter
    set (``clusters``: its index per replication) are not independent of each other, so the
    error is that of the mean of the sets' means (the cluster-robust estimator for sets of equal
    size, as a run draws them; sets' means weighted by their sizes otherwise); with one set, or
    none given, the replications are independent."""
    values = np.asarray(values, dtype=float)
    if len(values) < 2 or not np.isfinite(values).all():
        return float("nan")
    if clusters is not None:
        ids, index, sizes = _groups(np.asarray(clusters))
        if len(ids) > 1:
            means = np.bincount(index, weights=values) / sizes
            w = sizes / sizes.sum()
            mean = float(np.dot(w, means))
            # sandwich (CR1-like) variance of a weighted mean of cluster means
            k = len(ids)
            return float(np.sqrt(k / (k - 1) * np.sum(w ** 2 * (means - mean) ** 2)))
    return float(np.std(values, ddof=1) / np.sqrt(len(values)))


def _groups(clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(clusters, return_inverse=True, return_counts=True)``, read off directly when
    ``clusters`` is already sorted (a run's parameter-set index is: no sort per statistic)."""
    if clusters.ndim == 1 and len(clusters) > 1 and bool(np.all(clusters[1:] >= clusters[:-1])):
        starts = np.flatnonzero(np.concatenate(([True], clusters[1:] != clusters[:-1])))
        sizes = np.diff(np.append(starts, len(clusters)))
        return clusters[starts], np.repeat(np.arange(len(starts)), sizes), sizes
    return np.unique(clusters, return_inverse=True, return_counts=True)


def band_stats(values: np.ndarray, band: float,
               clusters: np.ndarray | None = None) -> dict[str, float]:
    """Mean (with its standard error, :func:`mean_se`), median and the central ``band`` of values
    (inf allowed, e.g. never broke even)."""
    q = (1.0 - band) / 2.0
    finite = np.isfinite(values).all()
    method = "linear" if finite else "inverted_cdf"
    mean = float(np.mean(values)) if finite else (
        float(np.mean(values)) if np.isfinite(np.mean(values)) else float("inf"))
    se = mean_se(values, clusters)
    # one partition for the three (the same values as three separate calls)
    median, lo, hi = np.quantile(values, [0.5, q, 1.0 - q], method=method)
    return {"mean": mean, "mean_se": se, "median": float(median), "lo": float(lo),
            "hi": float(hi)}


@dataclass
class Results:
    """A run's numbers. ``scenario`` is the scenario as asked for (its parameter sets, e.g.
    posterior draws, are ``simulated.scenarios``); ``meta`` says how parameters were chosen."""

    simulated: Simulated
    scenario: Scenario
    meta: dict = field(default_factory=dict)
    band: float = 0.9

    # ------------------------------------------------------------------ basics
    @property
    def reps(self) -> int:
        return self.simulated.reps

    @property
    def horizon(self) -> float:
        return float(self.scenario["practice.horizon_months"])

    @cached_property
    def edges(self) -> np.ndarray:
        return self.simulated.edges

    @property
    def bin_ends(self) -> np.ndarray:
        return np.minimum(self.edges[1:], self.horizon)

    @property
    def monthly(self) -> bool:
        """Whether the bins are months (else periods: years and month 21)."""
        return len(self.edges) - 1 == int(np.ceil(self.horizon))

    @property
    def price_label(self) -> str:
        return self.scenario.price_label()

    def unit(self, unit: str) -> str:
        return self.price_label if unit == "GBP" else unit

    def row(self, name: str, arm: int) -> np.ndarray:
        """A tallied row (or a stock) of one arm, per bin: ``(reps, bins)``, float64."""
        if name in STOCKS:
            return self._stocks[name][:, arm]
        cache = self.__dict__.setdefault("_rows", {})
        if (name, arm) not in cache:
            cache[name, arm] = _read_only(self.simulated.tally[:, arm, INDEX[name], :]
                                          .astype(float))
        return cache[name, arm]

    @cached_property
    def _stocks(self) -> dict[str, np.ndarray]:
        t = self.simulated.tally.astype(float)
        entries = sum(t[:, :, INDEX[f"care_entries_{s}"]] for s in SOURCES)
        exits = sum(t[:, :, INDEX[f"{q}_{s}"]] for s in SOURCES
                    for q in ("adoptions", "special_guardianship")) + \
            t[:, :, INDEX["returned_home"]] + t[:, :, INDEX["aged_out"]]
        return {"on_larc": np.cumsum(t[:, :, INDEX["larc_started"]]
                                     - t[:, :, INDEX["larc_stopped"]], axis=-1),
                "in_care": np.cumsum(entries - exits, axis=-1)}

    def end_bin(self, month: float) -> int:
        """Index of the bin ending at ``month`` (a period end must be a bin edge)."""
        ends = self.edges[1:]
        i = int(np.searchsorted(ends, month - 1e-9))
        if i >= len(ends) or abs(min(ends[i], self.horizon) - min(month, self.horizon)) > 1e-9:
            raise ValueError(f"month {month} is not a bin edge of this run")
        return i

    # ------------------------------------------------------------------- costs
    @cached_property
    def unit_costs(self) -> list[costs_mod.UnitCosts]:
        return [costs_mod.UnitCosts.from_scenario(sc) for sc in self.simulated.scenarios]

    def _per_rep(self, attribute: str) -> np.ndarray:
        values = np.array([getattr(u, attribute) for u in self.unit_costs])
        return values[self.simulated.set_index][:, None]

    def care_cost(self, arm: int, source: str | None = None) -> np.ndarray:
        """Care costs per bin (GBP at the price base) of one arm's infant care entries (of one
        source, or all)."""
        sources = SOURCES if source is None else (source,)
        entry, month = self._per_rep("entry"), self._per_rep("placement_month")
        adoption, sgo = self._per_rep("adoption"), self._per_rep("special_guardianship")
        total = 0.0
        for s in sources:
            total = total + self.row(f"care_entries_{s}", arm) * entry + \
                self.row(f"child_months_in_care_{s}", arm) * month + \
                self.row(f"adoptions_{s}", arm) * adoption + \
                self.row(f"special_guardianship_{s}", arm) * sgo
        return np.broadcast_to(total, (self.reps, len(self.edges) - 1)).astype(float)

    @cached_property
    def _programme(self) -> tuple[np.ndarray, np.ndarray]:
        n = int(np.ceil(self.horizon))
        per_set = [costs_mod.programme_cost_by_month(sc, n) for sc in self.simulated.scenarios]
        binned = [(self._bin_months(b), self._bin_months(u)) for b, u in per_set]
        base = np.array([b for b, _ in binned])[self.simulated.set_index]
        uplift = np.array([u for _, u in binned])[self.simulated.set_index]
        return base, uplift

    def programme_cost(self, uplift_only: bool = False) -> np.ndarray:
        """Programme cost per bin (GBP at the price base), optimism bias included."""
        base, uplift = self._programme
        return uplift if uplift_only else base + uplift

    def _bin_months(self, monthly: np.ndarray) -> np.ndarray:
        starts = np.asarray(self.edges[:-1], dtype=np.int64)
        return np.add.reduceat(monthly, starts)

    @cached_property
    def discount(self) -> np.ndarray:
        """Green Book discount factor of each bin, per replication ``(reps, bins)`` (bins lie
        within one year)."""
        year = (np.asarray(self.edges[:-1]) // 12).astype(int)
        rates = self._per_rep("discount_rate")
        return (1.0 + rates) ** -year[None, :]

    def after_horizon_cost(self, arm: int, discounted: bool) -> np.ndarray:
        """Later care costs (GBP at the price base) of infants still in care at the horizon."""
        post = self.simulated.post[:, arm].astype(float)  # (reps, 3, years)
        cost = post[:, 0] * self._per_rep("placement_month") + \
            post[:, 1] * self._per_rep("adoption") + \
            post[:, 2] * self._per_rep("special_guardianship")
        if discounted:
            rates = np.array([u.discount_rate for u in self.unit_costs])
            factors = np.array([costs_mod.discount_after_horizon(self.horizon, r)
                                for r in rates])[self.simulated.set_index]
            cost = cost * factors
        return cost.sum(axis=-1)

    # ---------------------------------------------------------------- metrics
    def amounts(self, metric: Metric, discounted: bool = False) -> np.ndarray:
        """A metric's amount in each bin of each replication ``(reps, bins)``."""
        key = (metric.name, discounted)
        cache = self.__dict__.setdefault("_amounts", {})
        if key not in cache:  # discounted from the undiscounted: the metric derived once
            cache[key] = _read_only(self.amounts(metric) * self.discount if discounted else
                                    np.array(metric.derive(self), dtype=float))
        return cache[key]

    def cumulative(self, metric: Metric, discounted: bool = False) -> np.ndarray:
        """A metric's amount to the end of each bin ``(reps, bins)`` (kept: tables ask often)."""
        key = (metric.name, discounted)
        cache = self.__dict__.setdefault("_cumulative", {})
        if key not in cache:
            cache[key] = _read_only(np.cumsum(self.amounts(metric, discounted), axis=-1))
        return cache[key]

    def value(self, full_name: str, end_month: float) -> np.ndarray:
        """One replication value of a reported metric name at a period ending at
        ``end_month`` (cumulative to it, or within the year ending at it)."""
        metric, measure, discounted = parse(full_name)
        cum = self.cumulative(metric, discounted)
        i = self.end_bin(end_month)
        if measure == "cumulative":
            return cum[:, i]
        start = end_month - 12 if end_month % 12 == 0 else 12 * (end_month // 12)
        j = self.end_bin(start) if start > 0 else -1  # a part-year: from its year's start
        return cum[:, i] - (cum[:, j] if j >= 0 else 0.0)

    def cumulative_at(self, full_name: str, end_month: float) -> np.ndarray:
        return self.value(full_name, end_month)

    def statistic(self, stat: Statistic, end_month: float) -> np.ndarray:
        return np.asarray(stat.compute(self, end_month), dtype=float)

    def break_even_month(self, discounted: bool) -> np.ndarray:
        """First bin end at which cumulative net cost avoidance is >= 0 and stays so (inf if
        never): months, at the run's time resolution."""
        from .metrics import BY_NAME

        cum = self.cumulative(BY_NAME["net_cost_avoidance"], discounted)
        negative = cum < 0
        last = np.where(negative.any(axis=-1),
                        negative.shape[-1] - 1 - np.argmax(negative[..., ::-1], axis=-1), -1)
        ends = np.concatenate([self.bin_ends, [np.inf]])  # never: after the last bin
        months = ends[last + 1].astype(float)
        return months

    # ----------------------------------------------------------------- tables
    def summary(self, band: float | None = None) -> pd.DataFrame:
        """The tidy summary: one row per (metric, period): ``metric, unit, period, mean,
        mean_se, median, lo, hi, band, band_includes`` (what the band includes and holds
        fixed, in words)."""
        band = self.band if band is None else band
        named = periods(self.horizon)
        sets = self.simulated.set_index  # replications of one parameter set are clustered
        rows = []
        for metric in METRICS:
            for discounted in ((False, True) if metric.money else (False,)):
                suffix = "_discounted" if discounted else ""
                cum = self.cumulative(metric, discounted)
                for period, end in named.items():
                    if period == "month_21" and not metric.month_21:
                        continue
                    i = self.end_bin(end)
                    rows.append({"metric": f"{metric.name}_cumulative{suffix}",
                                 "unit": self.unit(metric.unit), "period": period,
                                 **band_stats(cum[:, i], band, sets)})
                if metric.in_year:
                    for period, end in named.items():
                        if not is_span(period):
                            continue
                        values = self.value(f"{metric.name}_in_year{suffix}", end)
                        rows.append({"metric": f"{metric.name}_in_year{suffix}",
                                     "unit": self.unit(metric.unit), "period": period,
                                     **band_stats(values, band, sets)})
        for stat in STATISTICS:
            ends = {"horizon": self.horizon} if stat.periods == "horizon" else \
                {p: e for p, e in named.items() if is_span(p)}
            for period, end in ends.items():
                values = self.statistic(stat, end)
                if stat.probability:
                    row = {"mean": float(values.mean()), "mean_se": mean_se(values, sets),
                           "median": np.nan, "lo": np.nan, "hi": np.nan}
                else:
                    row = band_stats(values, band, sets)
                    if stat.ratio is not None:
                        num = self.value(stat.ratio[0], end).mean()
                        den = self.value(stat.ratio[1], end).mean()
                        row["mean"] = float(num / den) if den > 0 else float("inf")
                        row["mean_se"] = float("nan")
                rows.append({"metric": stat.name, "unit": self.unit(stat.unit),
                             "period": period, **row})
        table = pd.DataFrame(rows, columns=["metric", "unit", "period", "mean", "mean_se",
                                            "median", "lo", "hi"])
        table["band"] = band
        # what every row's band includes and holds fixed (issue 21): read with the numbers
        table["band_includes"] = self.meta.get("band_covers", "")
        return table

    def bands(self, band: float | None = None) -> pd.DataFrame:
        """Cumulative headline metrics at every bin end (months), with bands (fan charts)."""
        band = self.band if band is None else band
        q = (1.0 - band) / 2.0
        frames = []
        for metric in METRICS:
            if not metric.headline:
                continue
            for discounted in ((False, True) if metric.money else (False,)):
                cum = self.cumulative(metric, discounted)
                frames.append(pd.DataFrame({
                    "metric": f"{metric.name}_cumulative{'_discounted' if discounted else ''}",
                    "unit": self.unit(metric.unit), "month": self.bin_ends,
                    "mean": cum.mean(axis=0), "median": np.median(cum, axis=0),
                    "lo": np.quantile(cum, q, axis=0), "hi": np.quantile(cum, 1 - q, axis=0),
                    "band": band}))
        return pd.concat(frames, ignore_index=True)

    def replications(self) -> pd.DataFrame:
        """Per replication and year: every metric within the year (money also discounted),
        with the replication's parameter set and random-number index."""
        years = int(np.ceil(self.horizon / 12))
        ends = [min(12.0 * y, self.horizon) for y in range(1, years + 1)]
        idx = [self.end_bin(e) for e in ends]
        frame: dict[str, Any] = {
            "rep": np.repeat(np.arange(self.reps), years),
            "parameter_set": np.repeat(self.simulated.set_index, years),
            "random_numbers": np.repeat(self.simulated.rep_number, years),
            "year": np.tile(np.arange(1, years + 1), self.reps)}
        for metric in METRICS:
            for discounted in ((False, True) if metric.money else (False,)):
                cum = self.cumulative(metric, discounted)[:, idx]
                within = np.diff(cum, axis=1, prepend=0.0)
                frame[f"{metric.name}_in_year{'_discounted' if discounted else ''}"] = \
                    within.ravel()
        return pd.DataFrame(frame)

    def replications_by_bin(self) -> pd.DataFrame:
        """Per replication and bin (month): every tallied count and stock in each arm."""
        reps, B = self.reps, len(self.edges) - 1
        frame: dict[str, Any] = {"rep": np.repeat(np.arange(reps), B),
                                 "month": np.tile(self.bin_ends, reps)}
        for a, arm in enumerate(("programme", "counterfactual")):
            for name in TALLIED + STOCKS:
                frame[f"{name}_{arm}"] = self.row(name, a).ravel()
        return pd.DataFrame(frame)

    def parameter_sets(self) -> pd.DataFrame:
        """The parameter sets simulated (one row each) with what varies between them, plus the
        replications each one ran."""
        varying = [k for k in self.scenario.values
                   if len({repr(sc[k]) for sc in self.simulated.scenarios}) > 1]
        counts = np.bincount(self.simulated.set_index, minlength=len(self.simulated.scenarios))
        from simulation.core.parameters import BY_KEY

        def columns(sc):  # a list of shares (drawn by default since 0.4): one column each
            out = {}
            for k in varying:
                v = sc[k]
                if isinstance(v, list):
                    labels = BY_KEY[k].labels or range(len(v))
                    out.update({f"{k}[{lab}]": x for lab, x in zip(labels, v)})
                else:
                    out[k] = v
            return out

        rows = [{"parameter_set": i, "replications": int(counts[i]), **columns(sc)}
                for i, sc in enumerate(self.simulated.scenarios)]
        return pd.DataFrame(rows)

    def check_sources(self) -> float:
        """Largest difference, over replications and bins, between infants kept out of care and
        the sum of its sources (0 by construction)."""
        from .metrics import BY_NAME

        total = self.amounts(BY_NAME["infants_avoided"])
        parts = sum(self.amounts(BY_NAME[f"infants_avoided_{s}"])
                    for s in ("declined", "enrolled", "after_programme", "authority"))
        return float(np.abs(total - parts).max())

    # --------------------------------------------------------- presentation
    def text(self) -> str:
        """The printed summary (as ``pausesim run`` shows it)."""
        from .text import summary_text

        return summary_text(self)

    def fan_chart(self, band: float | None = None):
        from .figures import fan_chart

        return fan_chart(self, band)

    def cost_chart(self, band: float | None = None):
        from .figures import cost_chart

        return cost_chart(self, band)

    def net_histogram(self, band: float | None = None):
        from .figures import net_histogram

        return net_histogram(self, band)

    def sources_chart(self):
        from .figures import sources_chart

        return sources_chart(self)

    def describe(self) -> str:
        """One line: scenario, replications, parameter sets, engine, price base."""
        sets = len(self.simulated.scenarios)
        how = f"{sets} parameter sets" if sets > 1 else "one parameter set"
        return (f"{self.scenario.name}: {self.reps} paired replications, {how}, engine "
                f"{self.simulated.engine}, seed {self.simulated.seed}, money in "
                f"{self.price_label} ({deflators.SOURCE[:60] or 'HM Treasury GDP deflators'})")


assert N_TALLIED == len(TALLIED)


def _read_only(values: np.ndarray) -> np.ndarray:
    """``values``, locked: cached arrays are shared by every table that asks for them."""
    values.flags.writeable = False
    return values

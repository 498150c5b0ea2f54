"""Scenarios and parameter variants side by side: same parameter draws, same random numbers.

The options are simulated together by :func:`simulation.results.study.simulate_options`: the
calibrated parameters each option does not give itself take the same posterior draws in every
option, and replication ``r`` of every option meets the same women and random numbers. The
per-replication difference from the reference option (the first) is therefore due to the options,
not to luck or to different draws, and an option compared with itself differs by exactly zero.

Each difference is reported two ways: the central ``band`` of the paired per-replication
differences (how much the difference itself varies between simulated futures, parameter
uncertainty included) and a ``conf`` confidence interval of the *mean* difference (its Monte Carlo
error: a t interval on the per-draw means, since the replications of one parameter draw are not
independent of each other).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from simulation.core.errors import PausesimError
from simulation.core.scenario import Scenario
from simulation.model.layout import REPORTED_SOURCES
from simulation.results import Results, periods, study
from simulation.results.metrics import BY_NAME, STATISTIC_BY_NAME, parse

from .simulator import outcome_unit

PROBABILITY = "probability_net_saving_discounted"


def cumulative_name(metric: str, discounted: bool = False) -> str:
    """The registry's name of a metric's cumulative form (discounted for money, if asked)."""
    return next(n for n in BY_NAME[metric].names()
                if parse(n)[1] == "cumulative" and parse(n)[2] == discounted)


#: Quantities compared, cumulative to each period end, and the probability of a net saving.
HEADLINE = (cumulative_name("infants_avoided"),
            cumulative_name("net_cost_avoidance", discounted=True))
SOURCES = tuple(cumulative_name(f"infants_avoided_{s}") for s in REPORTED_SOURCES)
METRICS: tuple[str, ...] = (
    *HEADLINE, *SOURCES, cumulative_name("cost_avoided", True),
    cumulative_name("programme_cost", True), cumulative_name("care_entries_programme"),
    cumulative_name("women_offered"), cumulative_name("women_enrolled"),
    cumulative_name("women_completed"), PROBABILITY)


def unique_labels(labels: Sequence[str]) -> list[str]:
    """Labels made unique by numbering repeats: ``national``, ``national (2)``."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _values(res: Results, name: str, end: float) -> np.ndarray:
    if name in STATISTIC_BY_NAME:
        return res.statistic(STATISTIC_BY_NAME[name], end)
    return res.value(name, end)


def _unit(name: str, scenario: Scenario) -> str:
    return "probability" if name in STATISTIC_BY_NAME else outcome_unit(name, scenario)


def _label(name: str) -> str:
    if name in STATISTIC_BY_NAME:
        return STATISTIC_BY_NAME[name].label
    metric, _, discounted = parse(name)
    return metric.label + (" (discounted)" if discounted else "")


def mean_interval(d: np.ndarray, clusters: np.ndarray, conf: float):
    """Mean of ``d`` and its t confidence interval, clustered: the replications of one parameter
    set share its parameters, so the interval uses the spread of the per-set means (or of the
    replications, with one set)."""
    mean = float(d.mean())
    ids = np.unique(clusters)
    if len(ids) > 1:
        units = np.array([d[clusters == c].mean() for c in ids])
    else:
        units = d
    n = len(units)
    if n < 2:
        return mean, np.nan, np.nan, np.nan
    se = float(units.std(ddof=1) / np.sqrt(n))
    half = float(stats.t.ppf(0.5 + conf / 2.0, n - 1)) * se
    return mean, se, mean - half, mean + half


@dataclass
class ComparisonResult:
    labels: list[str]
    results: list[Results]
    values: np.ndarray  # (options, reps, metrics, periods), cumulative to each period end
    periods: list[str]
    metrics: tuple[str, ...]
    seed: int
    band: float = 0.9
    conf: float = 0.95
    extra: dict = field(default_factory=dict)
    #: Which view of :mod:`simulation.results.views` the options are in ("base", "authority"),
    #: or None for a comparison of scenarios as given.
    view: str | None = None

    @property
    def scenarios(self) -> list[Scenario]:
        return [r.scenario for r in self.results]

    @property
    def reps(self) -> int:
        return self.values.shape[1]

    @property
    def clusters(self) -> np.ndarray:
        return self.results[0].simulated.set_index

    @property
    def wall_seconds(self) -> float:
        return float(sum(r.simulated.wall_seconds for r in self.extra.get("calls", [])))

    def unit(self, metric: str) -> str:
        """A compared quantity's unit (money at the options' shared price base)."""
        return _unit(metric, self.scenarios[0])

    def difference(self, option: int, metric: str, period: str) -> np.ndarray:
        """Per-replication paired differences of one option from the reference."""
        m, p = self.metrics.index(metric), self.periods.index(period)
        return self.values[option, :, m, p] - self.values[0, :, m, p]

    def table(self) -> pd.DataFrame:
        """One row per option, metric and period: levels with bands, and the paired difference
        from the reference option with its confidence interval and band."""
        q = (1.0 - self.band) / 2.0
        rows = []
        for k, label in enumerate(self.labels):
            sc = self.scenarios[k]
            for m, metric in enumerate(self.metrics):
                for p, period in enumerate(self.periods):
                    y = self.values[k, :, m, p]
                    d = y - self.values[0, :, m, p]
                    mean, se, lo, hi = mean_interval(y, self.clusters, self.conf)
                    dm, dse, dlo, dhi = mean_interval(d, self.clusters, self.conf)
                    rows.append({
                        "option": label, "reference": self.labels[0], "metric": metric,
                        "label": _label(metric), "unit": _unit(metric, sc), "period": period,
                        "mean": mean, "mean_se": se, "median": float(np.median(y)),
                        "lo": float(np.quantile(y, q)), "hi": float(np.quantile(y, 1 - q)),
                        "difference_mean": dm, "difference_se": dse,
                        "difference_ci_lo": dlo, "difference_ci_hi": dhi,
                        "difference_lo": float(np.quantile(d, q)),
                        "difference_hi": float(np.quantile(d, 1 - q)),
                        "share_of_futures_higher": float((d > 0).mean()),
                        "share_of_futures_lower": float((d < 0).mean()),
                        "band": self.band, "conf": self.conf, "reps": self.reps,
                        "parameter_sets": len(np.unique(self.clusters))})
        return pd.DataFrame(rows)

    def options_table(self) -> pd.DataFrame:
        """What each option is: its scenario, origin, digest, calibration and the values that
        differ from the reference."""
        ref = self.scenarios[0].values
        return pd.DataFrame([{
            "option": label, "scenario": sc.name, "origin": sc.origin, "digest": sc.digest(),
            "capacity": sc.capacity, "calibration": sc.calibration or "none",
            "price_base": sc.price_label(),
            "differs_from_reference": "; ".join(f"{k}={v}" for k, v in sc.values.items()
                                                if ref.get(k) != v)}
            for label, sc in zip(self.labels, self.scenarios)])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"comparison": self.table(), "options": self.options_table()}

    def figures(self) -> dict:
        from .plots import compare_figure, sources_figure

        return {"comparison": compare_figure(self), "sources": sources_figure(self)}


def check_options(options: Sequence[tuple[str, Scenario]]) -> None:
    """Options that can be compared (one line otherwise), before anything runs."""
    if not options:
        raise PausesimError("compare: give at least one scenario or variant")
    years = {sc["costs.price_year"] for _, sc in options}
    if len(years) > 1:
        raise PausesimError(f"compare: costs.price_year differs between options ({sorted(years)}); "
                            "costs at different price years cannot be compared: --set "
                            "costs.price_year=YEAR for all")
    refs = {sc.calibration for _, sc in options if sc.calibrated_keys()}
    if len(refs) > 1:
        raise PausesimError(f"compare: the options use different calibrations "
                            f"({', '.join(sorted(refs))}): compare them under one, e.g. "
                            "--calibration national")


def compare(options: Sequence[tuple[str, Scenario]], reps: int, seed: int,
            uncertainty: str = "posterior", draws: int = study.DEFAULT_DRAWS,
            engine: str = "fast", workers: int = 1, executor=None, progress: bool | None = None,
            band: float = 0.9, conf: float = 0.95, checkpoint: Path | str | None = None,
            metrics: Sequence[str] = METRICS) -> ComparisonResult:
    """Simulate each ``(label, scenario)`` with the same draws and random numbers; the first is
    the reference. Options with different horizons are simulated in groups (same seed: same draws
    and replication numbers) and compared over the periods they share."""
    check_options(options)
    labels = unique_labels([label for label, _ in options])
    scenarios = [sc for _, sc in options]
    horizons = list(dict.fromkeys(sc["practice.horizon_months"] for sc in scenarios))
    results: list[Results | None] = [None] * len(scenarios)
    calls = []
    for h in horizons:
        idx = [i for i, sc in enumerate(scenarios) if sc["practice.horizon_months"] == h]
        ckpt = None if checkpoint is None else (Path(checkpoint) if len(horizons) == 1
                                                else Path(checkpoint) / f"horizon-{h:g}")
        got = study.simulate_options([scenarios[i] for i in idx], reps, seed, uncertainty, draws,
                                     engine, workers, executor, progress, resolution="period",
                                     checkpoint=ckpt, band=band)
        calls.append(got[0])
        for i, r in zip(idx, got):
            results[i] = r
    first = results[0].simulated
    for r in results[1:]:
        if not (np.array_equal(r.simulated.rep_number, first.rep_number)
                and np.array_equal(r.simulated.set_index, first.set_index)):
            raise PausesimError("compare: the options could not be paired (their replications "
                                "differ: e.g. one is calibrated and another not, with different "
                                "horizons); compare options with one horizon")
    named = [periods(sc["practice.horizon_months"]) for sc in scenarios]
    shared = [p for p in named[0] if all(p in n for n in named)]
    values = np.empty((len(scenarios), first.reps, len(metrics), len(shared)))
    for k, res in enumerate(results):
        for m, metric in enumerate(metrics):
            for p, period in enumerate(shared):
                values[k, :, m, p] = _values(res, metric, named[k][period])
    return ComparisonResult(labels, results, values, shared, tuple(metrics), seed, band, conf,
                            {"calls": calls, "uncertainty": results[0].meta})


def compare_views(options: Sequence[tuple[str, Scenario]], reps: int, seed: int,
                  **kwargs) -> dict[str, ComparisonResult]:
    """:func:`compare` in both views (:mod:`simulation.results.views`): every option as its base
    case (the practice's own women, no system effect), then as its authority-wide scenario;
    ``kwargs`` as :func:`compare`. Keys ``base`` and ``authority``, in that order."""
    from simulation.results import views

    check_options(options)
    pairs = [(label, views.scenarios(sc)) for label, sc in options]
    return {name: replace(compare([(label, both[k]) for label, both in pairs], reps, seed,
                                  **kwargs), view=name)
            for k, name in enumerate(("base", "authority"))}

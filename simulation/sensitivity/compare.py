"""Scenarios and parameter variants side by side, under common random numbers.

Every option is run with the same seed, so replication ``r`` of every option draws the same women
and reads the same random numbers: the per-replication difference from the reference option (the
first) is due to the options, not to luck, and an option compared with itself differs by exactly
zero. Differences are reported as the mean paired difference with its t confidence interval
(Monte Carlo error of the mean) and the central ``band`` of the paired differences (how much the
difference itself varies between futures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from simulation import runner
from simulation.results import summary
from simulation.core.errors import PausesimError
from simulation.core.scenario import Scenario
from simulation.sensitivity.oneway import paired_interval

#: Quantities compared (names of :func:`simulation.summary.series`), cumulative to each period end.
METRICS: tuple[str, ...] = ("infants_avoided", "net_cost_avoidance_discounted",
                            "cost_avoided_discounted", "programme_cost_discounted",
                            "care_entries_programme", "women_enrolled", "women_completed")


def unique_labels(labels: Sequence[str]) -> list[str]:
    """Labels made unique by numbering repeats: ``national``, ``national (2)``."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


@dataclass
class ComparisonResult:
    labels: list[str]
    scenarios: list[Scenario]
    values: np.ndarray  # (options, reps, metrics, periods), cumulative to each period end
    periods: list[str]
    units: list[str]
    seed: int
    band: float = 0.9
    conf: float = 0.95
    wall_seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def reps(self) -> int:
        return self.values.shape[1]

    def table(self) -> pd.DataFrame:
        """One row per option, metric and period: levels with bands, and the paired difference
        from the reference option with its confidence interval and band."""
        q = (1.0 - self.band) / 2.0
        rows = []
        for k, label in enumerate(self.labels):
            for m, metric in enumerate(METRICS):
                for p, period in enumerate(self.periods):
                    y = self.values[k, :, m, p]
                    d = y - self.values[0, :, m, p]
                    mean, ci_lo, ci_hi = paired_interval(d, self.conf)
                    rows.append({
                        "option": label, "reference": self.labels[0],
                        "metric": metric + "_cumulative", "unit": self.units[m], "period": period,
                        "mean": y.mean(), "median": np.median(y), "lo": np.quantile(y, q),
                        "hi": np.quantile(y, 1 - q),
                        "difference_mean": float(mean), "difference_ci_lo": float(ci_lo),
                        "difference_ci_hi": float(ci_hi), "difference_lo": np.quantile(d, q),
                        "difference_hi": np.quantile(d, 1 - q),
                        "share_of_futures_higher": float((d > 0).mean()),
                        "share_of_futures_lower": float((d < 0).mean()),
                        "band": self.band, "conf": self.conf, "reps": self.reps})
        return pd.DataFrame(rows)

    def options_table(self) -> pd.DataFrame:
        """What each option is: its scenario, origin, digest and the values that differ from the
        reference."""
        ref = self.scenarios[0].values
        return pd.DataFrame([{
            "option": label, "scenario": sc.name, "origin": sc.origin, "digest": sc.digest(),
            "capacity": sc.capacity,
            "differs_from_reference": "; ".join(f"{k}={v}" for k, v in sc.values.items()
                                                if ref.get(k) != v)}
            for label, sc in zip(self.labels, self.scenarios)])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"comparison": self.table(), "options": self.options_table()}

    def figures(self) -> dict:
        from simulation.sensitivity.plots import compare_figure

        return {"comparison": compare_figure(self)}


def compare(options: Sequence[tuple[str, Scenario]], reps: int, seed: int, workers: int = 1,
            executor: runner.Executor | None = None, band: float = 0.9, conf: float = 0.95,
            progress: bool | None = None, **run_options: Any) -> ComparisonResult:
    """Run each ``(label, scenario)`` with the same seed; the first is the reference.

    Further ``run_options`` go on to :func:`simulation.runner.run` (``engine``, ``checkpoint``)."""
    if not options:
        raise PausesimError("compare: give at least one scenario or variant")
    labels = unique_labels([label for label, _ in options])
    scenarios = [sc for _, sc in options]
    years = {sc["costs.price_year"] for sc in scenarios}
    if len(years) > 1:
        raise PausesimError(f"compare: costs.price_year differs between options ({sorted(years)}); "
                            "costs at different price years cannot be compared")
    named = [summary.periods(sc["practice.horizon_months"]) for sc in scenarios]
    periods = [p for p in named[0] if all(p in n for n in named)]
    values = np.empty((len(scenarios), reps, len(METRICS), len(periods)))
    units: list[str] = []
    wall = 0.0
    for k, sc in enumerate(scenarios):
        result = runner.run(sc, reps, seed, workers, executor=executor, progress=progress,
                            **run_options)
        wall += result.wall_seconds
        data = summary.series(result)
        ends = [named[k][p] - 1 for p in periods]
        values[k] = np.stack([np.cumsum(data[m][1], axis=-1)[:, ends] for m in METRICS], axis=1)
        if k == 0:
            units = [data[m][0] for m in METRICS]
    return ComparisonResult(labels, scenarios, values, periods, units, seed, band, conf, wall)

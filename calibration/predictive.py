"""Posterior predictive checks: every target simulated at parameter sets drawn from a posterior.

For each of ``draws`` parameter sets (drawn in proportion to the weights) ``reps`` paired
replications are simulated with seeds of their own, and every declared target - switched on in
the calibration or not - is computed. Two spreads come out of it:

- the *expected* statistic across draws (``expected_*``): the parameter uncertainty, to compare with
  the target's stated uncertainty (the calibration fits expected values);
- one replication's statistic across all draws and replications (``single_*``): what one practice
  might see, parameter and stochastic uncertainty together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from calibration import targets as targets_mod
from calibration.simulate import simulate_design
from calibration.targets import Target
from simulation.core.posterior import Posterior
from simulation.core.scenario import Scenario

PREDICTIVE_STREAM = 0x9E7C  # mixed into the seed: these replications differ from the calibration's


@dataclass
class Predictive:
    """Per draw and target: pooled value; per replication: values (for the single-practice band)."""

    expected: pd.DataFrame  # rows: draws; columns: targets
    single: pd.DataFrame  # rows: draws x reps; columns: targets
    draws: list[dict[str, Any]]
    reps: int

    def table(self, targets: Sequence[Target] = targets_mod.CHECKED,
              calibrated: Sequence[str] = ()) -> pd.DataFrame:
        """One row per target: the evidence, and the simulated mean and 90% intervals."""
        rows = []
        for t in targets:
            e, s = self.expected[t.name].dropna(), self.single[t.name].dropna()
            lo90, hi90 = t.interval90
            mean = float(e.mean())
            rows.append({
                "target": t.name, "kind": t.kind, "calibrated": t.name in calibrated,
                "value": t.value, "low": t.low, "high": t.high, "interval90_lo": lo90,
                "interval90_hi": hi90, "simulated_mean": mean,
                "expected_lo": float(e.quantile(0.05)), "expected_hi": float(e.quantile(0.95)),
                "single_lo": float(s.quantile(0.05)), "single_hi": float(s.quantile(0.95)),
                "mean_z": float(t.z(mean)), "within_interval90": bool(lo90 <= mean <= hi90),
                "expected_band_covers_target": bool(float(e.quantile(0.05)) <= t.high
                                                    and float(e.quantile(0.95)) >= t.low),
                "unit": t.unit})
        return pd.DataFrame(rows)

    def sources(self) -> pd.DataFrame:
        """For each macro target: the mean simulated value from each source of the effect and
        its share of the target's mean (authority-wide T1/T2 = the practice's women + the
        authority layer)."""
        rows = []
        for name, parts in targets_mod.SOURCE_STATISTICS.items():
            if name not in self.expected:
                continue
            total = float(self.expected[name].mean())
            for source in parts:
                column = f"{name}:{source}"
                if column in self.expected:
                    mean = float(self.expected[column].mean())
                    rows.append({"target": name, "source": source, "mean": mean,
                                 "share": mean / total if total else float("nan")})
        return pd.DataFrame(rows, columns=["target", "source", "mean", "share"])


def simulate(scenario: Scenario, parameter_sets: Sequence[Mapping[str, Any]], reps: int,
             seed: int, workers: int = 1,
             targets: Sequence[Target] = targets_mod.CHECKED) -> Predictive:
    """Every target at each parameter set (``reps`` replications each, seeds of their own)."""
    extra = {f"{name}:{source}": stat for name, parts in targets_mod.SOURCE_STATISTICS.items()
             for source, stat in parts.items()}
    expected, _, ratios = simulate_design(scenario, parameter_sets, reps, seed,
                                          PREDICTIVE_STREAM, workers, targets, extra=extra)
    with np.errstate(invalid="ignore", divide="ignore"):
        single = pd.concat([pd.DataFrame({name: r[0] / r[1] for name, r in rs.items()
                                          if ":" not in name}) for rs in ratios],
                           ignore_index=True)
    return Predictive(expected, single, [dict(p) for p in parameter_sets], reps)


def from_posterior(scenario: Scenario, posterior: Posterior, draws: int, reps: int, seed: int,
                   workers: int = 1) -> Predictive:
    """:func:`simulate` at ``draws`` parameter sets drawn from ``posterior``."""
    return simulate(scenario, posterior.draws(draws, seed), reps, seed, workers)

"""One-way sensitivity: each uncertain parameter set to its low and then its high value, the others
held at the scenario's values; the result is a tornado diagram.

All parameter sets share the seed, so each replication of a low/high set is paired with the same
replication of the base set (common random numbers) and the effect's interval is a paired one: the
mean per-replication difference +- t(conf) x its standard error. A parameter with no effect on the
model gives identical replications, hence a swing of exactly zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from simulation.sensitivity.model import UNITS, Model, year_index
from simulation.sensitivity.uncertain import Uncertain


def paired_interval(diff: np.ndarray, conf: float = 0.95) -> tuple[float, float, float]:
    """Mean of paired differences (last axis: replications) and its t confidence interval."""
    n = diff.shape[-1]
    mean = diff.mean(axis=-1)
    if n < 2:
        return mean, np.full_like(mean, np.nan), np.full_like(mean, np.nan)
    half = stats.t.ppf(0.5 + conf / 2.0, n - 1) * diff.std(axis=-1, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def design(base: Mapping[str, Any], uncertain: Sequence[Uncertain]) -> pd.DataFrame:
    """Parameter sets: the base, then each parameter's low and high (rows 1, 2; 3, 4; ...)."""
    rows = [dict(base)]
    for u in uncertain:
        for value in (u.low, u.high):
            row = dict(base)
            row[u.key] = int(value) if u.param.kind == "int" else float(value)
            rows.append(row)
    return pd.DataFrame(rows, columns=list(base))


@dataclass
class TornadoResult:
    table: pd.DataFrame  # one row per outcome and parameter, ranked by swing within outcome
    year: int
    reps: int

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"tornado": self.table}

    def figures(self) -> dict:
        from simulation.sensitivity.plots import tornado_figure

        return {"tornado": tornado_figure(self)}

    def ranking(self, outcome: str) -> list[str]:
        """Parameters from the largest swing to the smallest."""
        return list(self.table[self.table.outcome == outcome].parameter)


def tornado(model: Model, base: Mapping[str, Any], uncertain: Sequence[Uncertain],
            year: int | None = None, conf: float = 0.95) -> TornadoResult:
    """Run the base and every low/high set; rank parameters by ``|high - low|`` at ``year``."""
    t = year_index(model, year)
    values = model(design(base, uncertain))[..., t]  # (sets, reps, outcomes)
    rows = []
    for o, outcome in enumerate(model.outcomes):
        y0 = values[0, :, o]
        for i, u in enumerate(uncertain):
            y_low, y_high = values[1 + 2 * i, :, o], values[2 + 2 * i, :, o]
            d_low, d_low_lo, d_low_hi = paired_interval(y_low - y0, conf)
            d_high, d_high_lo, d_high_hi = paired_interval(y_high - y0, conf)
            swing, swing_lo, swing_hi = paired_interval(y_high - y_low, conf)
            rows.append({
                "outcome": outcome, "unit": UNITS.get(outcome, ""), "parameter": u.key,
                "base_value": base[u.key], "low_value": u.low, "high_value": u.high,
                "base_mean": float(y0.mean()), "low_mean": float(y_low.mean()),
                "high_mean": float(y_high.mean()),
                "low_effect": float(d_low), "low_effect_ci_lo": float(d_low_lo),
                "low_effect_ci_hi": float(d_low_hi),
                "high_effect": float(d_high), "high_effect_ci_lo": float(d_high_lo),
                "high_effect_ci_hi": float(d_high_hi),
                "swing": float(abs(swing)), "high_minus_low": float(swing),
                "high_minus_low_ci_lo": float(swing_lo), "high_minus_low_ci_hi": float(swing_hi),
                "conf": conf, "source": u.source})
    table = pd.DataFrame(rows)
    # rank within outcome, largest swing first; the stable sort keeps declaration order in ties
    table["rank"] = table.groupby("outcome")["swing"].rank(method="first", ascending=False)
    table = table.sort_values(["outcome", "rank"], kind="stable").reset_index(drop=True)
    table["rank"] = table["rank"].astype(int)
    table.insert(0, "year", model.years[t])
    return TornadoResult(table, model.years[t], values.shape[1])

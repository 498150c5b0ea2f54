"""One-way sensitivity (tornado): each varied parameter at its low and then its high value, the
others at the scenario's values.

Ranges (:mod:`.varied`): a calibrated parameter's posterior 5th and 95th percentiles; otherwise the
5th and 95th percentiles of its declared distribution centred on the scenario's value, so the base
lies inside its range (a parameter whose evidence range excludes the scenario's value is warned
about and flagged ``base_inside_range = False``). Parameters are ranked by the largest absolute
deviation of the mean outcome from the base, at the low or the high value.

Every set runs the same replication numbers as the base (common random numbers), so each effect's
interval is paired: the mean per-replication difference +- t(conf) x its standard error (Monte
Carlo error of that mean). A parameter with no effect gives identical replications: an effect of
exactly zero with an interval of zero width.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from simulation.core.parameters import BY_KEY

from .simulator import Model, year_index
from .varied import Selection, Varied


def paired_interval(diff: np.ndarray, conf: float = 0.95):
    """Mean of paired differences (last axis: replications) and its t confidence interval."""
    n = diff.shape[-1]
    mean = diff.mean(axis=-1)
    if n < 2:
        nan = np.full_like(mean, np.nan, dtype=float)
        return mean, nan, nan
    half = stats.t.ppf(0.5 + conf / 2.0, n - 1) * diff.std(axis=-1, ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


def _value(v: Varied, x: float):
    return int(round(x)) if BY_KEY[v.key].kind == "int" else float(x)


def design(varied: list[Varied]) -> list[dict]:
    """Parameter sets: the base (no change), then each parameter's low and high."""
    sets: list[dict] = [{}]
    for v in varied:
        sets += [{v.key: _value(v, v.low)}, {v.key: _value(v, v.high)}]
    return sets


#: Groups drawn in the costs-and-pathways tornado (simulation.core.uncertainty.GROUPS).
COSTS_AND_PATHWAYS = ("costs", "pathways")


@dataclass
class TornadoResult:
    table: pd.DataFrame  # one row per outcome and parameter, ranked within outcome
    year: int
    reps: int
    conf: float = 0.95

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"tornado": self.table}

    def figures(self) -> dict:
        """For each outcome, the model's tornado (every parameter but unit costs and care
        pathways) and, beside it, the costs-and-pathways tornado (those alone), so that neither
        hides the other."""
        from .plots import tornado_figure

        out = {}
        for o in dict.fromkeys(self.table.outcome):
            rows = self.table[self.table.outcome == o]
            money = rows.group.isin(COSTS_AND_PATHWAYS)
            if (~money).any():
                out[f"tornado_{o}"] = tornado_figure(self, o, rows=rows[~money],
                                                     what="the model's parameters")
            if money.any():
                out[f"tornado_costs_pathways_{o}"] = tornado_figure(
                    self, o, rows=rows[money], what="unit costs and care pathways")
        return out

    def ranking(self, outcome: str) -> list[str]:
        """Parameters from the largest deviation to the smallest."""
        return list(self.table[self.table.outcome == outcome].parameter)


def tornado(model: Model, selection: Selection, year: int | None = None,
            conf: float = 0.95) -> TornadoResult:
    """Run the base and every low/high set; rank parameters by the largest deviation at ``year``
    (default 5, or the last year)."""
    varied = selection.scalar().varied
    t = year_index(model, year)
    values = model(design(varied))[..., t]  # (sets, reps, outcomes)
    rows = []
    for o, outcome in enumerate(model.outcomes):
        y0 = values[0, :, o]
        for i, v in enumerate(varied):
            y_low, y_high = values[1 + 2 * i, :, o], values[2 + 2 * i, :, o]
            d_low, d_low_lo, d_low_hi = paired_interval(y_low - y0, conf)
            d_high, d_high_lo, d_high_hi = paired_interval(y_high - y0, conf)
            rows.append({
                "outcome": outcome, "unit": model.units[o], "parameter": v.key,
                "label": v.label, "group": v.group, "range_from": v.how, "base_value": v.base,
                "low_value": _value(v, v.low), "high_value": _value(v, v.high),
                "base_inside_range": v.base_inside_range,
                "base_mean": float(y0.mean()), "low_mean": float(y_low.mean()),
                "high_mean": float(y_high.mean()),
                "low_effect": float(d_low), "low_effect_ci_lo": float(d_low_lo),
                "low_effect_ci_hi": float(d_low_hi),
                "high_effect": float(d_high), "high_effect_ci_lo": float(d_high_lo),
                "high_effect_ci_hi": float(d_high_hi),
                "largest_deviation": float(max(abs(d_low), abs(d_high))),
                "swing": float(abs(d_high - d_low)), "conf": conf, "reps": values.shape[1],
                "distribution": v.distribution, "source": v.source, "warning": v.warning})
    table = pd.DataFrame(rows)
    # rank within outcome, largest deviation first; the stable sort keeps declaration order in ties
    table["rank"] = table.groupby("outcome")["largest_deviation"].rank(method="first",
                                                                        ascending=False)
    table = table.sort_values(["outcome", "rank"], kind="stable").reset_index(drop=True)
    table["rank"] = table["rank"].astype(int)
    table.insert(0, "year", model.years[t])
    return TornadoResult(table, model.years[t], values.shape[1], conf)

"""Probabilistic sensitivity analysis: parameter draws (outer loop) x replications (inner loop).

Draws come from :mod:`.draws` (the calibrated parameters jointly from the posterior, the others
from declared distributions centred on the scenario). For each outcome and year the spread is
split by the law of total variance:

    Var(Y) = Var_draws(E[Y | parameters]) + E_draws(Var[Y | parameters])
             parameter uncertainty          stochastic uncertainty (which future happens)

estimated as in a one-way random-effects ANOVA: stochastic variance = the mean within-draw
variance (``ddof=1``); parameter variance = variance of the per-draw means (``ddof=1``) minus the
stochastic variance / reps (the part of the means' spread due to finite replications), floored at 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulation.core.errors import PausesimError

from .simulator import NET, Model


def decompose(y: np.ndarray) -> dict[str, float]:
    """Variance components of values ``y`` shaped (draws, reps)."""
    draws, reps = y.shape
    means = y.mean(axis=1)
    stochastic = float(y.var(axis=1, ddof=1).mean())
    spread = float(means.var(ddof=1)) if draws > 1 else 0.0
    parameter = max(0.0, spread - stochastic / reps)
    total = parameter + stochastic
    return {"mean": float(y.mean()), "var_parameter": parameter, "var_stochastic": stochastic,
            "var_total": total, "var_total_pooled": float(y.var(ddof=1)),
            "share_parameter": parameter / total if total > 0 else np.nan,
            "share_stochastic": stochastic / total if total > 0 else np.nan}


def two_way_standard_error(y: np.ndarray) -> float:
    """Monte Carlo standard error of the mean of ``y`` shaped (draws, reps) under common random
    numbers: the replications of one draw share its parameters, and replication r of every draw
    shares its random numbers, so the mean is clustered both ways. Two-way cluster-robust
    variance (Cameron, Gelbach & Miller 2011): by draw + by replication - by observation, each
    with its small-sample factor; the larger one-way variance if that comes out smaller."""
    draws, reps = y.shape
    if draws < 2 or reps < 2:
        return float("nan")
    e = y - y.mean()
    by_draw = (e.mean(axis=1) ** 2).sum() / draws ** 2 * draws / (draws - 1)
    by_rep = (e.mean(axis=0) ** 2).sum() / reps ** 2 * reps / (reps - 1)
    alone = (e ** 2).sum() / (draws * reps) ** 2
    return float(np.sqrt(max(by_draw + by_rep - alone, by_draw, by_rep)))


def _interval(values: np.ndarray, band: float) -> tuple[float, float]:
    q = (1.0 - band) / 2.0
    return float(np.quantile(values, q)), float(np.quantile(values, 1.0 - q))


@dataclass
class PSAResult:
    """Outcomes of every draw and replication, with the draws and where they came from."""

    draws: pd.DataFrame  # one row per draw, one numeric column per varied parameter (component)
    values: np.ndarray  # (draws, reps, outcomes, years), cumulative to each year end
    outcomes: tuple[str, ...]
    units: tuple[str, ...]
    years: tuple[int, ...]
    band: float = 0.9
    source: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def reps(self) -> int:
        return self.values.shape[1]

    def outcome(self, name: str, year: int) -> np.ndarray:
        """(draws, reps) values of one outcome at the end of ``year``."""
        return self.values[:, :, self.outcomes.index(name), self.years.index(year)]

    def decomposition(self) -> pd.DataFrame:
        """Per outcome and year: mean, variance components and three intervals.

        ``lo``/``hi``: central ``band`` of all draws x replications (both uncertainties);
        ``parameter_lo``/``hi``: of the per-draw means (parameter uncertainty; still includes
        mean-of-reps noise, small when reps are many); ``stochastic_lo``/``hi``: the pooled
        within-draw deviations around the overall mean (stochastic uncertainty alone).
        """
        rows = []
        for o, outcome in enumerate(self.outcomes):
            for t, year in enumerate(self.years):
                y = self.values[:, :, o, t]
                means = y.mean(axis=1)
                parts = decompose(y)
                lo, hi = _interval(y.ravel(), self.band)
                p_lo, p_hi = _interval(means, self.band)
                s_lo, s_hi = _interval((y - means[:, None]).ravel() + parts["mean"], self.band)
                rows.append({"outcome": outcome, "unit": self.units[o], "year": year, **parts,
                             "lo": lo, "hi": hi, "parameter_lo": p_lo, "parameter_hi": p_hi,
                             "stochastic_lo": s_lo, "stochastic_hi": s_hi, "band": self.band})
        return pd.DataFrame(rows)

    def probability_positive(self, outcome: str = NET) -> pd.DataFrame:
        """By year: P(outcome > 0) over draws x replications, its Monte Carlo standard error
        (clustered by draw and by replication: :func:`two_way_standard_error`), and the share of
        draws whose expected outcome is > 0 (parameter uncertainty only)."""
        o = self.outcomes.index(outcome)
        rows = []
        for t, year in enumerate(self.years):
            positive = self.values[:, :, o, t] > 0
            n = positive.shape[0]
            se = two_way_standard_error(positive.astype(float))
            rows.append({"outcome": outcome, "unit": "probability", "year": year,
                         "probability": float(positive.mean()), "standard_error": se,
                         "share_of_draws_expected_positive":
                             float((self.values[:, :, o, t].mean(axis=1) > 0).mean()),
                         "draws": n, "reps_per_draw": self.reps})
        return pd.DataFrame(rows)

    def draw_table(self) -> pd.DataFrame:
        """Each draw's parameters and its mean outcomes at the last year."""
        frame = self.draws.copy()
        frame.insert(0, "draw", np.arange(len(frame)))
        for o, outcome in enumerate(self.outcomes):
            frame[f"mean_{outcome}_year_{self.years[-1]}"] = self.values[:, :, o, -1].mean(axis=1)
        return frame

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"psa_summary": self.decomposition(), "psa_draws": self.draw_table()}
        if NET in self.outcomes:
            out["probability_net_saving"] = self.probability_positive()
        return out

    def figures(self) -> dict:
        from .plots import psa_figure

        return {"psa": psa_figure(self)}


def check_sizes(draws: int, reps: int, minimum_draws: int = 2) -> None:
    """PSA sizes, checked before anything runs."""
    if draws < minimum_draws:
        raise PausesimError(f"--draws = {draws} is invalid: must be an integer >= {minimum_draws}")
    if reps < 2:
        raise PausesimError(f"--reps = {reps} is invalid: a PSA needs >= 2 replications per "
                            "draw (the within-draw variance needs two)")


def psa(model: Model, sets, band: float = 0.9, source: str = "") -> PSAResult:
    """Run every parameter set (:class:`~.draws.ParameterSets`, or a DataFrame of draws whose
    rows are the overrides) for the model's replications and collect the outcomes."""
    if isinstance(sets, pd.DataFrame):
        overrides, table = sets.to_dict("records"), sets.reset_index(drop=True)
    else:
        overrides, table = sets.overrides, sets.table
        source = source or sets.describe()
    check_sizes(len(overrides), getattr(model, "reps", 2))
    values = model(overrides)
    return PSAResult(table, values, tuple(model.outcomes), tuple(model.units),
                     tuple(model.years), band, source)

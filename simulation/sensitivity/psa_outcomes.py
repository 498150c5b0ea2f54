"""PSA outcomes of the funding decision, checked: per-draw means and their replication noise.

The decision is *fund the practice* versus *do not fund* (whose outcomes are 0 by definition). Per
parameter draw the caller gives the incremental outcomes of funding: infants kept out of care and
net cost avoidance (GBP), each either as the mean over that draw's Monte Carlo replications
(shape ``(draws,)``) or as the replications themselves (``(draws, reps)``).

With replications, the noise left in each draw's mean is estimated from the residuals of a two-way
additive fit (draw effect + replication effect), mean square / reps. Under common random numbers
(pausesim's PSA: replication *r* of every draw reads the same random numbers) the replication
effect moves every draw alike, so only the residual blurs the differences *between* draws; without
common random numbers the same formula is the usual within-draw variance / reps. The shared part
is Monte Carlo error of the overall mean, which no regression over draws removes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulation.core.errors import PausesimError


def check_outcome(values, field: str, n_draws: int | None = None) -> np.ndarray:
    """One outcome as floats shaped (draws,) or (draws, reps), finite, ``n_draws`` long."""
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise PausesimError(f"{field} is invalid: must be numbers, one per draw (or draws x "
                            "replications)") from None
    if a.ndim not in (1, 2) or a.shape[0] == 0:
        raise PausesimError(f"{field} has shape {a.shape}: must be (draws,) or (draws, reps)")
    if n_draws is not None and a.shape[0] != n_draws:
        raise PausesimError(f"{field} has {a.shape[0]} draws: must have one per row of the "
                            f"draws table ({n_draws})")
    bad = ~np.isfinite(a)
    if bad.any():
        where = np.argwhere(bad)[0]
        raise PausesimError(f"{field} at draw {where[0]} = {a[tuple(where)]} is invalid: "
                            "must be a finite number")
    return a


def _two_way_residuals(y: np.ndarray) -> np.ndarray:
    """y - draw mean - replication mean + grand mean, for y shaped (draws, reps)."""
    return y - y.mean(axis=1, keepdims=True) - y.mean(axis=0, keepdims=True) + y.mean()


@dataclass(frozen=True)
class DecisionOutcomes:
    """Incremental outcomes of funding, per draw: means, and replication residuals if given."""

    infants_avoided: np.ndarray  # (draws,) mean infants kept out of care per draw
    net_cost_avoidance: np.ndarray  # (draws,) mean net cost avoidance per draw, GBP
    reps: int | None = None  # replications per draw, when they were given
    residuals: np.ndarray | None = None  # (2, draws, reps): infants, net cost avoidance

    @property
    def n_draws(self) -> int:
        return len(self.infants_avoided)

    def incremental_net_benefit(self, lambdas: np.ndarray) -> np.ndarray:
        """INB(λ) = net cost avoidance + λ x infants kept out of care, GBP: (draws, lambdas)."""
        return self.net_cost_avoidance[:, None] + np.asarray(lambdas)[None, :] * \
            self.infants_avoided[:, None]

    def noise_variance(self, net_weight, infants_weight) -> np.ndarray:
        """Draw-specific replication noise variance of each draw's mean of ``net_weight x net
        cost avoidance + infants_weight x infants`` (NaN without replications or with 1)."""
        a, b = np.broadcast_arrays(np.asarray(net_weight, float), np.asarray(infants_weight, float))
        if self.residuals is None or self.reps < 2:
            return np.full(a.shape, np.nan)
        e, c = self.residuals
        dof = (self.n_draws - 1) * (self.reps - 1)
        s_cc, s_ee, s_ce = (c * c).sum(), (e * e).sum(), (c * e).sum()
        return (a * a * s_cc + 2 * a * b * s_ce + b * b * s_ee) / dof / self.reps

    def noise_share(self, values: np.ndarray, noise_variance) -> np.ndarray:
        """Share of the variance across draws of per-draw means ``values`` (draws, ...) that is
        replication noise, in [0, 1]; NaN when unknown or when the values do not vary."""
        spread = np.var(values, axis=0, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(spread > 0, np.asarray(noise_variance) / spread, np.nan)
        return np.clip(share, 0.0, 1.0)


def decision_outcomes(infants_avoided, net_cost_avoidance,
                      n_draws: int | None = None) -> DecisionOutcomes:
    """Check the two outcome arrays (same shape, finite) and summarise them per draw."""
    e = check_outcome(infants_avoided, "infants_avoided", n_draws)
    c = check_outcome(net_cost_avoidance, "net_cost_avoidance", e.shape[0])
    if e.shape != c.shape:
        raise PausesimError(f"net_cost_avoidance has shape {c.shape}: must match infants_avoided "
                            f"{e.shape} (same draws and replications)")
    if e.ndim == 1:
        return DecisionOutcomes(e, c)
    residuals = np.stack([_two_way_residuals(e), _two_way_residuals(c)])
    return DecisionOutcomes(e.mean(axis=1), c.mean(axis=1), e.shape[1], residuals)


def check_draws(draws, min_draws: int) -> pd.DataFrame:
    """The parameter draws as a float DataFrame (one row per draw, one column per key)."""
    if not isinstance(draws, pd.DataFrame) or draws.shape[1] == 0:
        raise PausesimError("draws is invalid: must be a DataFrame with one row per draw and one "
                            "column per parameter key")
    if len(draws) < min_draws:
        raise PausesimError(f"draws has {len(draws)} rows: value of information by regression "
                            f"needs at least {min_draws} draws (1000 or more recommended)")
    out = {}
    for key in draws.columns:
        try:
            col = pd.to_numeric(draws[key]).to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise PausesimError(f"draws column {key!r} is invalid: must be numbers") from None
        if not np.isfinite(col).all():
            i = int(np.flatnonzero(~np.isfinite(col))[0])
            raise PausesimError(f"draws column {key!r} at draw {i} = {col[i]} is invalid: must "
                                "be a finite number")
        out[str(key)] = col
    return pd.DataFrame(out)


#: Default λ grid: GBP per infant kept out of care, 0 (budget only) to 500k in 25k steps.
DEFAULT_LAMBDAS_GBP = np.arange(0.0, 500_001.0, 25_000.0)
LAMBDA_UNIT = "GBP per infant kept out of care"


#: Most λ values one analysis takes (the default has 21): each costs a column of every table.
MAX_LAMBDAS = 10_000


def check_lambdas(lambdas=None) -> np.ndarray:
    """λ values (GBP per infant kept out of care), sorted and distinct; default
    :data:`DEFAULT_LAMBDAS_GBP`."""
    if lambdas is None:
        return DEFAULT_LAMBDAS_GBP.copy()
    try:
        a = np.atleast_1d(np.asarray(lambdas, dtype=float))
    except (TypeError, ValueError):
        raise PausesimError(f"lambdas = {lambdas!r} is invalid: must be numbers >= 0 "
                            f"({LAMBDA_UNIT})") from None
    if a.size > MAX_LAMBDAS:
        raise PausesimError(f"lambdas: {a.size:,} values is invalid: at most {MAX_LAMBDAS:,} "
                            f"({LAMBDA_UNIT})")
    if a.ndim != 1 or a.size == 0:
        raise PausesimError(f"lambdas = {lambdas!r} is invalid: must be a non-empty list of "
                            f"numbers >= 0 ({LAMBDA_UNIT})")
    bad = a[~(np.isfinite(a) & (a >= 0))]
    if bad.size:
        raise PausesimError(f"lambdas value {bad[0]:g} is invalid: must be a finite number >= 0 "
                            f"({LAMBDA_UNIT}; 0 is the budget-only view)")
    return np.unique(a)

"""Forecast from here: the rest of the horizon conditioned on what has been observed.

Each simulated future (replication) of each view is weighted by how well it reproduces the
practice's observed series (approximate Bayesian computation with a Gaussian kernel):

    w_r = prod_k exp(-0.5 ((x_rk - y_k) / h_k)^2),   h_k = max(1, KERNEL_SHARE x SD_k)

``x_rk`` the replication's value of observed value ``k`` (series at its month), ``y_k`` the
observation, ``SD_k`` the spread of ``x_k`` over the futures. The weights condition both the
parameters (a draw whose futures match gets more weight) and the chance path so far (a future
that has enrolled as many women as observed carries them on). In the authority-wide view each
future is also weighted by the system-effect update (:mod:`.system_update`): its draw's updated
over prior weight, within the draws with an effect (that view is *given* an effect). The
kernel's bandwidth is a choice: smaller conditions more tightly and leaves fewer futures
(effective sample size, reported). ``KERNEL_SHARE = 1`` (a kernel as wide as the forecast's own
spread) is deliberately loose: several observed values together already cut the futures to a
fraction, and a tighter kernel (0.25) left an ESS of 6 of 400 with 9 observed values. It
understates how much the history narrows the forecast rather than overstating it. With fewer
than :data:`MIN_ESS` effective futures the printout says to run more replications.

How much of a figure now rests on local evidence: ``1 - Var_after / Var_before`` of the figure
over the futures (weighted after). Under a normal approximation the figure from here is a
precision-weighted average of the national forecast and the local data, and this is the local
data's weight in it (0: the forecast stands on the national evidence alone; 1: on local data
alone). It counts both the update of the parameters and the chance path already observed (both
are local evidence), is computed with each weighting alone too (the practice's series; the
authority's counts), and carries the weights' Monte Carlo noise: read it to the nearest ten
per cent, and not at all below :data:`MIN_ESS`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.core.posterior import weighted_quantiles

from . import ontrack

KERNEL_SHARE = 1.0
MIN_ESS = 20
#: The forecast's figures at the horizon: (reported name, label).
FIGURES = (("infants_avoided_cumulative", "infants kept out of care to the horizon"),
           ("women_enrolled_cumulative", "women enrolled to the horizon"),
           ("net_cost_avoidance_cumulative_discounted", "net present value to the horizon"))


def history_weights(res, observed: pd.DataFrame) -> np.ndarray:
    """Kernel weights of the replications of ``res`` given the observed practice values."""
    log_w = np.zeros(res.reps)
    for _, obs in observed.iterrows():
        x = ontrack.forecast(res, obs["series"], int(obs["to_month"]))
        h = max(1.0, KERNEL_SHARE * float(np.std(x)))
        log_w += -0.5 * ((x - float(obs["observed"])) / h) ** 2
    w = np.exp(log_w - log_w.max())
    return w / w.sum()


def effect_weights(res, update) -> np.ndarray:
    """Per replication of the authority-wide view: its draw's updated over prior weight (1
    where the draw is not among the update's, or without an update; a refitted update's
    weights on the calibration's own draws, before the refit)."""
    if update is None:
        return np.ones(res.reps)
    # a refitted update's draws are new: the futures were simulated with the calibration's own
    update = getattr(update, "refitted_from", None) or update
    slab = update.effect > 0
    prior = update.prior[slab] / update.prior[slab].sum()
    post = update.weight[slab] / update.weight[slab].sum()
    ratio = dict(zip(np.round(update.effect[slab], 9), post / np.where(prior > 0, prior, 1)))
    per_set = np.array([ratio.get(round(float(sc["authority.system_effect_per_year"]), 9), 1.0)
                        for sc in res.simulated.scenarios])
    return per_set[res.simulated.set_index]


def local_share(x: np.ndarray, w: np.ndarray) -> float:
    """Share of the figure ``x`` resting on local evidence: ``1 - Var_w(x) / Var(x)``, clipped
    to [0, 1] (a weighted variance above the prior's, chance in the weights, reads as 0); nan
    where the futures do not vary."""
    var0 = float(np.var(x))
    if var0 <= 0:
        return float("nan")
    mean1 = float(np.dot(w, x))
    var1 = float(np.dot(w, (x - mean1) ** 2))
    return float(min(1.0, max(0.0, 1.0 - var1 / var0)))


def table(views, observed: pd.DataFrame, update=None) -> pd.DataFrame:
    """Each view's figures at the horizon before and after conditioning: median and band, how
    much the band narrowed, how much of the figure rests on local evidence (all of it, and the
    practice's series and the authority's counts each alone), the weights' effective sample
    size."""
    rows = []
    for name, res in views.items():
        practice = history_weights(res, observed) if len(observed) else np.ones(res.reps)
        authority = effect_weights(res, update) if name == "authority" else np.ones(res.reps)
        w = practice * authority
        w = w / w.sum()
        practice, authority = practice / practice.sum(), authority / authority.sum()
        ess = float(1.0 / (w ** 2).sum())
        q = (1.0 - res.band) / 2.0
        for key, label in FIGURES:
            x = res.value(key, res.horizon)
            lo0, med0, hi0 = np.quantile(x, [q, 0.5, 1 - q])
            lo1, med1, hi1 = weighted_quantiles(x, w, (q, 0.5, 1 - q))
            width0 = hi0 - lo0
            rows.append({"view": name, "figure": key, "label": label, "months": res.horizon,
                         "median_forecast": float(med0), "lo_forecast": float(lo0),
                         "hi_forecast": float(hi0), "median_from_here": med1,
                         "lo_from_here": lo1, "hi_from_here": hi1, "band": res.band,
                         "band_width_ratio": (hi1 - lo1) / width0 if width0 > 0 else np.nan,
                         "local_share": local_share(x, w),
                         "local_share_practice_series": local_share(x, practice),
                         "local_share_authority_counts": (
                             local_share(x, authority)
                             if name == "authority" and update is not None else np.nan),
                         "effective_sample_size": ess, "replications": res.reps,
                         "unit": res.price_label if key.startswith("net") else
                         ("women" if key.startswith("women") else "infants")})
    return pd.DataFrame(rows)


#: The headline figure of the forecast from here.
HEADLINE = "infants_avoided_cumulative"


def headline_shares(forecast: pd.DataFrame) -> dict[str, float]:
    """How much of the headline rests on local evidence, per view with a defined share
    (``{"base": 0.03, "authority": 0.01}``), from :func:`table`'s rows."""
    rows = forecast[(forecast["figure"] == HEADLINE) & forecast["local_share"].notna()]
    return {r["view"]: float(r["local_share"]) for _, r in rows.iterrows()}

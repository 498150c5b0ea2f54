"""Plan: how many years of an authority's own infant care starts would tell "no system effect"
from "the effect the national evaluation measured".

Authorities are simulated from the update's own model (:mod:`.system_update`): a baseline
(level, trend, year-to-year noise), ``years_before`` pre-launch years, and ``k`` post-launch years
with the entries prevented under either truth - **none** (the practice's own women's effect only)
or **national** (the calibration's median draw given an effect). Each is updated as
``pausesim monitor`` would; over ``sims`` authorities per truth and ``k``:

- ``power``: share of national-effect authorities whose updated 90% interval excludes no effect
  (``P(no effect) < 0.05``);
- ``false_alarm``: the same share among no-effect authorities;
- ``confirms_none``: share of no-effect authorities with ``P(no effect) > 0.95``;
- ``median_p_no_effect_if_*`` and ``median_width_90``: the updated P(no effect) and width of the
  90% interval of the effect (entries a year at full size), medians over authorities;
  ``median_{lo_90,effect,hi_90}_if_*``: medians over authorities of the updated posterior's 5th,
  50th and 95th percentiles, under each truth.

Shares are Monte Carlo estimates with standard error at most ``0.5 / sqrt(sims)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import system_update

#: Updated P(no effect) below which the 90% interval excludes no effect.
DECISIVE = 0.05


def truth_index(effect: np.ndarray, prior: np.ndarray, truth: str) -> int:
    """The draw standing for a truth: ``none`` (the no-effect draw) or ``national`` (the
    prior-weighted median draw given an effect)."""
    if truth == "none":
        return int(np.flatnonzero(effect <= 0)[0])
    slab = np.flatnonzero(effect > 0)
    order = slab[np.argsort(effect[slab], kind="stable")]
    cdf = np.cumsum(prior[order]) / prior[order].sum()
    return int(order[min(int(np.searchsorted(cdf, 0.5)), len(order) - 1)])


def simulate(effect, prior, prevented, baseline, years_after: int, truth: str, sims: int,
             seed: int, years_before: int = 3) -> list[system_update.Update]:
    """``sims`` authorities with ``years_after`` post-launch years under ``truth``; their
    updates. ``prevented``: (draws, years) entries each draw prevents in post-launch years 1,
    2, ...; ``baseline``: (alpha, beta, cv) of the simulated authorities."""
    i = truth_index(effect, prior, truth)
    t_before = -np.arange(years_before, 0, -1) + 0.5
    t_after = np.arange(years_after) + 0.5
    per_year = np.asarray(prevented, float)[:, :years_after]
    alpha, beta, cv = baseline
    rng = np.random.default_rng([seed, years_after, truth == "none"])
    out = []
    for k in range(sims):
        y_before = system_update.simulate_counts(alpha, beta, cv, t_before,
                                                 np.zeros(years_before), rng)
        y_after = system_update.simulate_counts(alpha, beta, cv, t_after, per_year[i], rng)
        out.append(system_update.update(effect, prior, t_before, y_before, t_after, y_after,
                                        per_year, seed=k))
    return out


def power_table(effect, prior, prevented, baseline, years=(1, 2, 3, 4, 5), sims: int = 100,
                seed: int = 0, years_before: int = 3) -> pd.DataFrame:
    """One row per number of post-launch years (see the module docstring)."""
    rows = []
    for k in years:
        if k > np.asarray(prevented).shape[1]:
            break
        none = simulate(effect, prior, prevented, baseline, k, "none", sims, seed, years_before)
        national = simulate(effect, prior, prevented, baseline, k, "national", sims, seed,
                            years_before)
        p_none = np.array([u.p_no_effect() for u in none])
        p_nat = np.array([u.p_no_effect() for u in national])
        width = [np.subtract(*u.quantiles((0.95, 0.05))) for u in none + national]
        q_none = np.array([u.quantiles() for u in none])
        q_nat = np.array([u.quantiles() for u in national])
        rows.append({"years_after_launch": k, "years_before_launch": years_before,
                     "power": float((p_nat < DECISIVE).mean()),
                     "false_alarm": float((p_none < DECISIVE).mean()),
                     "confirms_none": float((p_none > 1 - DECISIVE).mean()),
                     "median_p_no_effect_if_none": float(np.median(p_none)),
                     "median_p_no_effect_if_national": float(np.median(p_nat)),
                     "median_width_90": float(np.median(width)),
                     **{f"median_{name}_if_{truth}": float(np.median(q[:, j]))
                        for truth, q in (("none", q_none), ("national", q_nat))
                        for j, name in enumerate(("lo_90", "effect", "hi_90"))},
                     "national_effect_per_year": float(effect[truth_index(effect, prior,
                                                                          "national")]),
                     "sims": sims, "mc_se_at_most": 0.5 / np.sqrt(sims)})
    return pd.DataFrame(rows)

"""Update the practice's women's parameters with the practice's own series.

The futures of each view are simulated from parameter sets drawn from its calibration
(:mod:`simulation.results.study`). :func:`simulation.results.conditioned.history_weights` weights
each future by how well it reproduces the observed practice values (approximate Bayesian
computation, Gaussian kernel as wide as the forecast's spread). Summed over a parameter set's
futures, those weights are the set's updated weight: the likelihood of the observed series given
the set, estimated by its simulated futures (a simulated likelihood), times its prior weight (its
share of the replications). The women's parameters (enrolment, LARC, pregnancies, removals and
care entries: every calibrated parameter outside ``authority.``) are reported before and after,
with the effective sample size (Kish) of the updated set weights.

Limits: the kernel is deliberately loose (``conditioned.KERNEL_SHARE``), so the update understates
what the series say; a parameter the observed series do not touch (e.g. the removal probability
before any infant is born) stays at its prior, as it should. With one parameter set (``--point``)
there is nothing to update.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.core.parameters import BY_KEY
from simulation.core.posterior import weighted_quantiles

from . import conditioned

#: Below this effective number of parameter sets the update is said to rest on few sets (the
#: sets' prior is their draws; run more --draws and --reps to refit it on more).
MIN_SETS_ESS = 20


def women_keys(res) -> list[str]:
    """The calibrated parameters of the practice's women (every calibrated key outside
    ``authority.``) that vary between ``res``'s parameter sets."""
    sets = res.simulated.scenarios
    return [k for k in res.scenario.calibrated_keys() if not k.startswith("authority.")
            and len({repr(sc[k]) for sc in sets}) > 1]


def set_weights(res, observed: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(prior, updated) weight of each parameter set of ``res``: its share of the replications,
    and the sum of its replications' history weights."""
    n_sets = len(res.simulated.scenarios)
    index = res.simulated.set_index
    prior = np.bincount(index, minlength=n_sets).astype(float)
    w = conditioned.history_weights(res, observed) if len(observed) else np.ones(res.reps)
    updated = np.bincount(index, weights=w, minlength=n_sets)
    return prior / prior.sum(), updated / updated.sum()


def table(views, observed: pd.DataFrame) -> pd.DataFrame:
    """One row per view and women's parameter: median and 90% interval before and after the
    update, the updated sets' effective sample size and the number of sets."""
    rows = []
    for name, res in views.items():
        keys = women_keys(res)
        if not keys or not len(observed):
            continue
        prior, updated = set_weights(res, observed)
        ess = float(1.0 / np.sum(updated ** 2))
        for key in keys:
            x = np.array([float(sc[key]) for sc in res.simulated.scenarios])
            lo0, med0, hi0 = weighted_quantiles(x, prior, (0.05, 0.5, 0.95))
            lo1, med1, hi1 = weighted_quantiles(x, updated, (0.05, 0.5, 0.95))
            rows.append({"view": name, "parameter": key, "label": BY_KEY[key].label,
                         "unit": BY_KEY[key].unit or "-", "median_prior": med0,
                         "lo_90_prior": lo0, "hi_90_prior": hi0, "median_updated": med1,
                         "lo_90_updated": lo1, "hi_90_updated": hi1,
                         "effective_sets": ess, "parameter_sets": len(x)})
    return pd.DataFrame(rows, columns=["view", "parameter", "label", "unit", "median_prior",
                                       "lo_90_prior", "hi_90_prior", "median_updated",
                                       "lo_90_updated", "hi_90_updated", "effective_sets",
                                       "parameter_sets"])


def text(frame: pd.DataFrame) -> list[str]:
    """Printout lines (base case only: both views share the women's model)."""
    base = frame[frame["view"] == "base"]
    if base.empty:
        return ["  not updated: no practice values observed, or one parameter set (--point)"]
    lines = [f"  {r['label']} ({r['parameter']}): {_n(r['median_prior'])} "
             f"[{_n(r['lo_90_prior'])}-{_n(r['hi_90_prior'])}] -> {_n(r['median_updated'])} "
             f"[{_n(r['lo_90_updated'])}-{_n(r['hi_90_updated'])}]"
             for _, r in base.iterrows()]
    ess, n = base["effective_sets"].iloc[0], int(base["parameter_sets"].iloc[0])
    lines.append(f"  (base case; effective sample size {ess:.0f} of {n} parameter sets"
                 + (": few, run more --draws and --reps before relying on it)"
                    if ess < MIN_SETS_ESS else ")"))
    return lines


def _n(v: float) -> str:
    return f"{v:.3g}"

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

**Refit.** When the updated weights rest on fewer than :data:`MIN_SETS_ESS` effective sets,
:func:`refit` draws new parameter sets near the updated ones (adaptive importance sampling, as
:func:`.system_update.refit` does for the system effect) and simulates them: on each calibrated
parameter's own scale (logit of its position between its bounds: probabilities, rates and counts
alike), a multivariate t (5 degrees of freedom) with the updated sets' weighted mean and
covariance (shrunk towards the prior's when few sets carry the weight), mixed with
:data:`DEFENSIVE` of the prior; the prior is the calibration's posterior draws smoothed by a
Gaussian kernel that keeps their mean and covariance (:func:`smoothed_prior`), cut to the range
of the draws (:func:`log_prior`). Each new set gets weight ``prior / proposal x likelihood``,
the likelihood estimated by its simulated futures with the *same* kernel (the same observed
values and bandwidths) as the update refitted; the parameters no calibration estimates (unit
costs, site effects, ...) are drawn afresh from their declared ranges, as any run draws them.
The effective sample size is reported before and after.

Limits: the kernel is deliberately loose (``conditioned.KERNEL_SHARE``), so the update understates
what the series say; a parameter the observed series do not touch (e.g. the removal probability
before any infant is born) stays at its prior, as it should. With one parameter set (``--point``)
there is nothing to update. The refit's prior is the calibration posterior smoothed (a little
heavier than its draws near the edges of their range); its likelihood is a simulated one, so
its weights are noisy (pseudo-marginal importance sampling: unbiased, but each set's few
futures cost ESS).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit, logit, logsumexp

from simulation.core.parameters import BY_KEY
from simulation.core.posterior import weighted_quantiles

from . import conditioned, ontrack
from .system_update import kish, log_kde

#: Below this effective number of parameter sets the update is refitted (:func:`refit`); a
#: refit still below it is said to rest on few sets (run more --draws and --reps).
MIN_SETS_ESS = 20
#: Share of the refit's proposal drawn from the (smoothed) prior: a defensive mixture, so the
#: tails the collapsed update's few sets miss stay reachable and the weights stay bounded.
DEFENSIVE = 0.2
#: Degrees of freedom of the refit's multivariate t proposal (heavier tails than a normal).
T_DF = 5
#: The proposal's standard deviations over the updated sets' (shrunk) ones: a little wider,
#: so the posterior's tails are not missed; much wider costs effective sets in every parameter
#: the series do not inform (with a dozen parameters, 1.7 times the variance in each left an
#: ESS of 4-8 of 100 where the update had 12).
WIDEN = 1.2
#: Most rounds of the refit (each simulates as many sets as the run; it stops once the
#: effective sample size reaches :data:`MIN_SETS_ESS`).
REFIT_ROUNDS = 5
#: Replication numbers of a refit's futures start here (far from any run's own).
REFIT_NUMBERS = 1 << 40


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


COLUMNS = ["view", "parameter", "label", "unit", "median_prior", "lo_90_prior", "hi_90_prior",
           "median_updated", "lo_90_updated", "hi_90_updated", "effective_sets",
           "parameter_sets", "effective_sets_before_refit", "parameter_sets_before_refit",
           "refit_effective_sets", "refit_parameter_sets", "refitted"]


def table(views, observed: pd.DataFrame, seed: int = 0, refit_sets: int | None = None,
          reps_per_set: int | None = None) -> pd.DataFrame:
    """One row per view and women's parameter: median and 90% interval before and after the
    update, the updated sets' effective sample size and the number of sets; refitted
    (:func:`refit_view`) where the update rests on fewer than :data:`MIN_SETS_ESS` effective
    sets, with the effective sample size before the refit beside it (a refit that ends on fewer
    effective sets than the run's own is reported and not used). ``refit_sets`` and
    ``reps_per_set``: the refit's size (default: as many sets and replications per set as the
    run's own, so a refit costs one more run of the same size)."""
    rows = []
    for name, res in views.items():
        keys = women_keys(res)
        if not keys or not len(observed):
            continue
        prior, updated = set_weights(res, observed)
        x_sets = {k: np.array([float(sc[k]) for sc in res.simulated.scenarios]) for k in keys}
        ess0 = kish(updated)
        after, ess, n = x_sets, ess0, len(prior)
        weights, tried = updated, (np.nan, 0)
        if ess0 < MIN_SETS_ESS:
            new, w_new = refit_view(res, observed, updated, seed, refit_sets, reps_per_set)
            tried = (kish(w_new), len(w_new))
            if tried[0] > ess0:  # both estimate the posterior; keep the one on more sets
                after, ess, n, weights = {k: new[k] for k in keys}, tried[0], tried[1], w_new
        for key in keys:
            lo0, med0, hi0 = weighted_quantiles(x_sets[key], prior, (0.05, 0.5, 0.95))
            lo1, med1, hi1 = weighted_quantiles(after[key], weights, (0.05, 0.5, 0.95))
            rows.append({"view": name, "parameter": key, "label": BY_KEY[key].label,
                         "unit": BY_KEY[key].unit or "-", "median_prior": med0,
                         "lo_90_prior": lo0, "hi_90_prior": hi0, "median_updated": med1,
                         "lo_90_updated": lo1, "hi_90_updated": hi1,
                         "effective_sets": ess, "parameter_sets": n,
                         "effective_sets_before_refit": ess0,
                         "parameter_sets_before_refit": len(prior),
                         "refit_effective_sets": tried[0], "refit_parameter_sets": tried[1],
                         "refitted": weights is not updated})
    return pd.DataFrame(rows, columns=COLUMNS)


# --------------------------------------------------------------------------------- refit
def to_scale(key: str, x: np.ndarray) -> np.ndarray:
    """A parameter's values on the refit's scale: the logit of their position between the
    parameter's bounds (kept a hair inside them)."""
    p = BY_KEY[key]
    lo, hi = float(p.low), float(p.high)
    share = (np.asarray(x, float) - lo) / (hi - lo)
    return logit(np.clip(share, 1e-9, 1.0 - 1e-9))


def from_scale(key: str, z: np.ndarray) -> np.ndarray:
    """:func:`to_scale` undone (whole numbers for a count)."""
    p = BY_KEY[key]
    lo, hi = float(p.low), float(p.high)
    x = lo + (hi - lo) * expit(np.asarray(z, float))
    return np.clip(np.rint(x), lo, hi) if p.kind == "int" else x


def refit(z_sets: np.ndarray, updated: np.ndarray, z_prior: np.ndarray, w_prior: np.ndarray,
          log_likelihood: Callable[[np.ndarray], np.ndarray], n: int, seed: int = 0,
          prior_over_proposal: bool = True, rounds: int = 1, enough: float = np.inf):
    """Adaptive importance sampling of a posterior whose weighted sample has collapsed.

    ``z_sets`` (sets, d): the parameter sets on the refit's scale; ``updated``: their updated
    weights; ``z_prior``, ``w_prior``: the prior's draws (the calibration posterior) and their
    weights, smoothed into a density ``p`` by a Gaussian kernel (:func:`smoothed_prior`);
    ``log_likelihood(z) -> (n,)``: the (estimated) log-likelihood of new points. Each round
    draws ``n`` points from ``q_k = (1 - DEFENSIVE) t_5(m, S) + DEFENSIVE p``, ``m`` the latest
    weighted sample's mean and ``S`` its covariance, shrunk towards the prior's with weight
    ``d / (ESS + d)`` (few effective points estimate a d x d covariance poorly) and widened by
    :data:`WIDEN`. All points so far get weight ``p / q x likelihood``, ``q`` the equal mixture
    of the rounds' proposals (deterministic-mixture weights: every round's points count); the
    rounds stop at ``rounds`` or once the effective sample size reaches ``enough``.
    ``prior_over_proposal=False`` leaves out ``p / q`` (wrong on purpose: for tests).
    Returns (points (rounds x n, d), normalised weights; all 0 if none fell inside the prior's
    range)."""
    z, w = np.atleast_2d(z_sets), np.asarray(updated, float) / np.sum(updated)
    z_prior = np.atleast_2d(z_prior)
    d = z.shape[1]
    w_prior = np.asarray(w_prior, float) / np.sum(w_prior)
    centres, cov_p = smoothed_prior(z_prior, w_prior)
    prior_cov = np.atleast_2d(np.cov(z_prior.T, aweights=w_prior))
    rng = np.random.default_rng([seed, 0x3F17])
    points, log_l, proposals = [], [], []
    fit = (z, w)  # the weighted points the next proposal is fitted to
    for _ in range(rounds):
        proposals.append(_proposal(*fit, prior_cov))
        from_t = rng.random(n) >= DEFENSIVE
        parents = rng.choice(len(z_prior), n, p=w_prior)
        kernel = rng.standard_normal((n, d)) @ np.linalg.cholesky(cov_p).T
        drawn_t = np.atleast_2d(proposals[-1].rvs(size=n, random_state=rng)).reshape(n, d)
        points.append(np.where(from_t[:, None], drawn_t, centres[parents] + kernel))
        log_l.append(np.asarray(log_likelihood(points[-1]), float))
        z, log_w = np.vstack(points), np.concatenate(log_l)
        if prior_over_proposal:
            log_p = log_prior(z, z_prior, centres, w_prior, cov_p)
            log_q = logsumexp([np.logaddexp(np.log(1.0 - DEFENSIVE)
                                            + np.atleast_1d(t.logpdf(z)),
                                            np.log(DEFENSIVE) + log_p) for t in proposals],
                              axis=0) - np.log(len(proposals))
            log_w = log_w + log_p - log_q
        top = np.max(log_w)
        # no point yet inside the prior's range (few points per round): none carries weight
        w = np.exp(log_w - top) if np.isfinite(top) else np.zeros(len(log_w))
        if w.sum() > 0:
            w /= w.sum()
            fit = (z, w)
        if kish(w) >= enough:
            break
    return z, w


def smoothed_prior(z: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The prior's draws ``z`` (weights ``w``) as a Gaussian kernel density: kernel covariance
    ``h^2 S`` (Scott's rule, ``S`` their weighted covariance) around centres shrunk towards
    their mean by ``sqrt(1 - h^2)``, so the density keeps the draws' mean and covariance
    (Liu and West's shrinkage: with a dozen parameters Scott's ``h^2`` is about 0.45, and a
    plain kernel density would be half as wide again as the calibration). Returns (centres,
    kernel covariance)."""
    z = np.atleast_2d(z)
    w = np.asarray(w, float) / np.sum(w)
    d = z.shape[1]
    h2 = kish(w) ** (-2.0 / (d + 4))
    shrink = np.sqrt(1.0 - h2)
    cov = np.atleast_2d(np.cov(z.T, aweights=w)) * h2
    return shrink * z + (1.0 - shrink) * (w @ z), cov


def log_prior(z: np.ndarray, draws: np.ndarray, centres: np.ndarray, w: np.ndarray,
              cov: np.ndarray) -> np.ndarray:
    """log of the smoothed prior (:func:`smoothed_prior`, unnormalised) at ``z``: none outside
    the range the prior's ``draws`` span in each parameter (a kernel would otherwise carry a
    bounded prior, e.g. months the lower pregnancy rate lasts up to 60, some way past its
    edge)."""
    inside = np.all((z >= draws.min(axis=0)) & (z <= draws.max(axis=0)), axis=1)
    out = np.full(len(z), -np.inf)
    if inside.any():
        out[inside] = log_kde(z[inside], centres, w, cov)
    return out


def _proposal(z: np.ndarray, w: np.ndarray, prior_cov: np.ndarray):
    """The multivariate t around weighted points ``z`` (:func:`refit`)."""
    d = z.shape[1]
    n_eff = max(kish(w), 1.0)
    spread = np.atleast_2d(np.cov(z.T, aweights=w)) if n_eff > 1.5 and len(z) > 1 else \
        np.zeros((d, d))
    share = n_eff / (n_eff + d)
    shape = (share * spread + (1.0 - share) * prior_cov) * WIDEN ** 2 * (T_DF - 2.0) / T_DF
    return stats.multivariate_t(loc=w @ z, shape=shape, df=T_DF)


def refit_view(res, observed: pd.DataFrame, updated: np.ndarray, seed: int = 0,
               sets: int | None = None, reps_per_set: int | None = None,
               rounds: int = REFIT_ROUNDS):
    """:func:`refit` of one view: its calibrated parameters that vary between its sets, new
    sets simulated (``sets`` of ``reps_per_set`` replications each; default the run's own
    numbers) and weighted by the same kernel as :func:`set_weights`. Returns ({key: values of
    the new sets}, their weights)."""
    keys = [k for k in res.scenario.calibrated_keys()
            if len({repr(sc[k]) for sc in res.simulated.scenarios}) > 1]
    n_sets = len(res.simulated.scenarios)
    sets = sets or n_sets
    reps_per_set = reps_per_set or max(1, res.reps // n_sets)
    z_sets = np.column_stack([to_scale(k, [float(sc[k]) for sc in res.simulated.scenarios])
                              for k in keys])
    table = res.scenario.posterior().table
    z_prior = np.column_stack([to_scale(k, table[k].to_numpy(float)) for k in keys])
    terms = kernel_terms(res, observed)
    found = []

    def log_likelihood(z: np.ndarray) -> np.ndarray:
        values = [{k: _native(k, from_scale(k, z[j, i])) for i, k in enumerate(keys)}
                  for j in range(len(z))]
        new = simulate_sets(res, values, reps_per_set, seed + len(found),
                            len(found) * reps_per_set)
        found.extend(values)
        log_k = log_kernel(new, terms)
        per_set = np.repeat(np.arange(len(values)), reps_per_set)
        return np.array([logsumexp(log_k[per_set == j]) - np.log(reps_per_set)
                         for j in range(len(values))])

    _, weights = refit(z_sets, updated, z_prior, table["weight"].to_numpy(float),
                       log_likelihood, sets, seed, rounds=rounds, enough=MIN_SETS_ESS)
    return {k: np.array([v[k] for v in found], float) for k in keys}, weights


def kernel_terms(res, observed: pd.DataFrame) -> list[tuple[str, int, float, float]]:
    """(series, month, observed value, bandwidth) of each observed value: the kernel of
    :func:`conditioned.history_weights`, its bandwidths from ``res``'s own futures."""
    out = []
    for _, obs in observed.iterrows():
        x = ontrack.forecast(res, obs["series"], int(obs["to_month"]))
        out.append((obs["series"], int(obs["to_month"]), float(obs["observed"]),
                    max(1.0, conditioned.KERNEL_SHARE * float(np.std(x)))))
    return out


def log_kernel(res, terms) -> np.ndarray:
    """Per replication of ``res``: the log of the kernel of ``terms`` (:func:`kernel_terms`)."""
    log_k = np.zeros(res.reps)
    for series, month, y, h in terms:
        log_k += -0.5 * ((ontrack.forecast(res, series, month) - y) / h) ** 2
    return log_k


def simulate_sets(res, values: list[dict], reps_per_set: int, seed: int, first: int = 0):
    """``res``'s scenario with each of ``values`` (calibrated parameters), the parameters no
    calibration estimates drawn afresh as a run draws them, ``reps_per_set`` replications each
    (numbers from :data:`REFIT_NUMBERS` + ``first``): a :class:`Results` of the same engine and
    bins."""
    from simulation import runner

    from .results import Results
    from .study import parameter_plan

    n = len(values)
    uncertainty = res.meta.get("uncertainty", "posterior")
    plan, _, meta = parameter_plan([res.scenario], n * reps_per_set, seed + 1, uncertainty, n)
    sets = [sc.with_overrides(v, source="women's update refit", given=False)
            for sc, v in zip(plan[0], values)]
    numbers = [REFIT_NUMBERS + first + np.arange(j * reps_per_set, (j + 1) * reps_per_set)
               for j in range(n)]
    sim = runner.run(sets, numbers, res.simulated.seed, workers=res.simulated.workers,
                     progress=False, engine=res.simulated.engine, edges=res.simulated.edges)
    return Results(sim, res.scenario, dict(res.meta, refit=True), res.band)


def _native(key: str, value: float):
    return int(value) if BY_KEY[key].kind == "int" else float(value)


def text(frame: pd.DataFrame) -> list[str]:
    """Printout lines (base case only: both views share the women's model)."""
    base = frame[frame["view"] == "base"]
    if base.empty:
        return ["  not updated: no practice values observed, or one parameter set (--point)"]
    lines = [f"  {r['label']} ({r['parameter']}): {_n(r['median_prior'])} "
             f"[{_n(r['lo_90_prior'])}-{_n(r['hi_90_prior'])}] -> {_n(r['median_updated'])} "
             f"[{_n(r['lo_90_updated'])}-{_n(r['hi_90_updated'])}]"
             for _, r in base.iterrows()]
    lines.append(f"  (base case; {ess_words(base.iloc[0])}"
                 + (": few, run more --draws and --reps before relying on it)"
                    if base["effective_sets"].iloc[0] < MIN_SETS_ESS else ")"))
    return lines


def ess_words(row) -> str:
    """The effective sample size, before -> after the refit where there was one."""
    ess, n = row["effective_sets"], int(row["parameter_sets"])
    if not row.get("refitted", False):
        tried = row.get("refit_parameter_sets", 0)
        return f"effective sample size {ess:.0f} of {n} parameter sets" + (
            f" (a refit on {int(tried)} new sets reached only {row['refit_effective_sets']:.0f}"
            ": kept the run's own)" if tried and tried > 0 else "")
    return (f"effective sample size {row['effective_sets_before_refit']:.0f} of "
            f"{int(row['parameter_sets_before_refit'])} parameter sets -> {ess:.0f} of {n} "
            "after a refit (new sets simulated near the updated ones)")


def _n(v: float) -> str:
    return f"{v:.3g}"

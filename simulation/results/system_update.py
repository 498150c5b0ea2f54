"""Update the authority-wide system effect with the authority's own infant care entries.

The model (``docs/monitoring.md`` gives it in full):

- **Baseline.** The authority's infants under one starting to be looked after in year ``j``,
  ``Y_j``, are negative binomial with mean ``mu_j = exp(alpha + beta * t_j)`` (``t_j``: the year's
  midpoint in years since launch) and variance ``mu_j + c^2 mu_j^2`` (``c``: the year-to-year
  coefficient of variation beyond Poisson chance). Priors: ``alpha ~ Normal(log 40, 1.5)`` (an
  authority of 5 to 800 infant entries a year within two SDs: the data decide), ``beta ~
  Normal(0, 0.1)`` (a trend of about +-10% a year), ``c ~ HalfNormal(0.2)``. The pre-launch years
  inform all three.
- **After launch.** A year ``k`` starting at or after launch has mean ``mu_k - A_ik``:
  the baseline projected to that year less the entries the practice prevents in it under the
  calibration's posterior draw ``i`` (the system effect on other mothers, built up with the
  practice's enrolments as in ``docs/model.md`` s3.9, plus the practice's own women's, the same
  in every draw). Same noise.
- **Update.** Each posterior draw ``i`` (prior weight ``pi_i``, the calibration's, its point
  mass at no effect included) gets weight ``pi_i x p(y_after | y_before, draw i)``, the
  likelihood of the post-launch counts with the baseline integrated out: baseline parameter
  sets are sampled from their priors (``alpha`` from a proposal, importance-weighted), weighted
  by the pre-launch likelihood, resampled, and the post-launch likelihood averaged over them.

Regression to the mean: an authority that commissioned after a high year has a last pre-launch
count above its baseline; a before/after comparison with that year credits the practice with
the fall that chance alone brings. The baseline here is fitted to all pre-launch years with
their noise, so it is not fooled by one high year; :func:`update` reports how far the last
pre-launch year sits above the fitted baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy.special import gammaln, logsumexp

from simulation.core.posterior import weighted_quantiles

#: Prior of the baseline's log level at launch (infants a year): mean log(40), SD 1.5.
ALPHA_MEAN = float(np.log(40.0))
ALPHA_SD = 1.5
#: Prior SD of the baseline's log-linear trend (per year).
TREND_SD = 0.1
#: Half-normal scale of the year-to-year coefficient of variation beyond Poisson chance.
NOISE_CV_SCALE = 0.2
#: Smallest CV used in the likelihood (the negative binomial is then Poisson to 4 digits).
NOISE_CV_MIN = 0.01
#: Baseline parameter sets sampled, and kept after resampling by the pre-launch likelihood.
BASELINE_SAMPLES = 20_000
BASELINE_KEPT = 500
#: Prior probability of no system effect *in this authority* when the calibration's posterior
#: holds no draw without one: the calibration prior's spike (``simulation/core/uncertainty.py``,
#: ``authority.system_effect_per_year``: zero_mass 0.5).
LOCAL_P_NO_EFFECT = 0.5
#: A post-launch mean is never below this share of the baseline (a draw preventing more entries
#: than the baseline holds is a draw the data refute, not a negative count).
FLOOR_SHARE = 0.02


def nb_logpmf(y: np.ndarray, mean: np.ndarray, cv: np.ndarray) -> np.ndarray:
    """log P(Y = y) for a negative binomial of ``mean`` and variance ``mean + cv^2 mean^2``
    (broadcasting)."""
    r = 1.0 / np.maximum(cv, NOISE_CV_MIN) ** 2
    mean = np.maximum(mean, 1e-9)
    return (gammaln(y + r) - gammaln(r) - gammaln(y + 1.0) + r * np.log(r / (r + mean))
            + y * np.log(mean / (r + mean)))


def expected_after(baseline: np.ndarray, prevented: np.ndarray) -> np.ndarray:
    """The post-launch mean: the baseline less the prevented entries (floored)."""
    return np.maximum(baseline - prevented, FLOOR_SHARE * baseline)


#: A likelihood: (observed counts, baseline means, prevented entries, CV) -> log-likelihood terms.
Likelihood = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def nb_likelihood(y, baseline, prevented, cv):
    """The model's likelihood (see the module docstring)."""
    return nb_logpmf(y, expected_after(baseline, prevented), cv)


@dataclass
class Update:
    """The updated posterior of the system effect (``effect``: entries a year at full size, per
    draw; ``prior`` and ``weight``: before and after, each summing to 1)."""

    effect: np.ndarray
    prior: np.ndarray
    weight: np.ndarray
    years_before: int
    years_after: int
    baseline_ess: float
    last_year_excess: float  # last pre-launch count less the fitted baseline then (infants)
    baseline_at_launch: tuple[float, float, float]  # median and 90% interval, infants a year
    trend: tuple[float, float, float]  # median and 90% interval, per year (log-linear)
    noise_cv: tuple[float, float, float]
    notes: list[str] = field(default_factory=list)
    #: The update on the calibration's own draws, when this one is its :func:`refit`.
    refitted_from: "Update | None" = None

    @property
    def ess(self) -> float:
        """Effective sample size (Kish) of the draws *with* an effect after the update: how many
        of the calibration's draws still carry the posterior given an effect (the one no-effect
        draw is left out: it holds a point mass, not a sample). Near 1: the update has
        collapsed onto a few draws and the calibration should be refitted with the local data."""
        return kish(self.weight[self.effect > 0])

    def p_no_effect(self, weights: np.ndarray | None = None) -> float:
        w = self.weight if weights is None else weights
        return float(w[self.effect <= 0].sum() / w.sum())

    def quantiles(self, q=(0.05, 0.5, 0.95), weights: np.ndarray | None = None) -> list[float]:
        """Quantiles of the effect (the point mass at none counted: lower quantiles are 0 when
        P(no effect) is above them)."""
        w = self.weight if weights is None else weights
        order = np.argsort(self.effect, kind="stable")
        x, cdf = self.effect[order], np.cumsum(w[order]) / w.sum()
        return [float(x[min(int(np.searchsorted(cdf, qq - 1e-12)), len(x) - 1)]) for qq in q]

    def table(self) -> list[dict]:
        """Before and after, as rows."""
        out = []
        for name, w in (("prior (calibration)", self.prior), ("updated", self.weight)):
            lo, med, hi = self.quantiles(weights=w)
            out.append({"posterior": name, "p_no_effect": self.p_no_effect(w), "median": med,
                        "lo_90": lo, "hi_90": hi,
                        "mean": float(np.average(self.effect, weights=w)),
                        "effective_sample_size": kish(w[self.effect > 0]),
                        "unit": "other mothers' infant care entries prevented a year at full "
                                "size (authority.system_effect_per_year)"})
        return out


def local_prior(effect: np.ndarray, prior: np.ndarray, prevented: np.ndarray,
                own: np.ndarray, p_no_effect: float | None = None):
    """The prior of the local question "does the effect happen here?": the calibration's draws
    (``prevented``: (draws, years), the system effect's entries) given an effect, weighted
    ``1 - p0``, and one draw with no effect, weighted ``p0``; ``own``: (years,) entries the
    practice's own women avoid, added to every draw. ``p0``: ``p_no_effect``, or the
    calibration's own P(no effect) when its draws hold some, else :data:`LOCAL_P_NO_EFFECT`.
    Returns (effect, prior, prevented) with the no-effect draw last."""
    effect, prior = np.asarray(effect, float), np.asarray(prior, float) / np.sum(prior)
    none = effect <= 0
    p0 = p_no_effect if p_no_effect is not None else \
        (float(prior[none].sum()) if none.any() else LOCAL_P_NO_EFFECT)
    slab = ~none
    w = np.where(slab, prior, 0.0)
    w = (1.0 - p0) * w / w.sum() if w.sum() > 0 else w
    own = np.asarray(own, float)
    return (np.append(effect[slab], 0.0), np.append(w[slab], p0),
            np.vstack([np.asarray(prevented, float)[slab] + own, own]))


def kish(w: np.ndarray) -> float:
    """Kish's effective sample size of weights ``w`` (0 for none)."""
    w = np.asarray(w, float)
    return float(w.sum() ** 2 / (w ** 2).sum()) if w.sum() > 0 else 0.0


def baseline_samples(t_before: np.ndarray, y_before: np.ndarray, rng: np.random.Generator,
                     n: int = BASELINE_SAMPLES, kept: int = BASELINE_KEPT):
    """Baseline parameter sets (alpha, beta, c) given the pre-launch counts: ``kept`` sets
    resampled from ``n`` prior/proposal samples by importance weight, and the importance
    sample's effective size."""
    centre = np.log(max(float(np.mean(y_before)), 0.5))
    spread = 0.5
    alpha = rng.normal(centre, spread, n)
    beta = rng.normal(0.0, TREND_SD, n)
    cv = np.abs(rng.normal(0.0, NOISE_CV_SCALE, n))
    mean = np.exp(alpha[:, None] + beta[:, None] * t_before[None, :])
    log_w = nb_logpmf(y_before[None, :], mean, cv[:, None]).sum(axis=1)
    # prior of alpha over its proposal (beta and c are drawn from their priors)
    log_w += -0.5 * ((alpha - ALPHA_MEAN) / ALPHA_SD) ** 2 + 0.5 * ((alpha - centre) / spread) ** 2
    w = np.exp(log_w - log_w.max())
    ess = kish(w)
    pick = systematic(w / w.sum(), kept, rng)
    return alpha[pick], beta[pick], cv[pick], ess


def systematic(p: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    positions = (rng.random() + np.arange(k)) / k
    return np.minimum(np.searchsorted(np.cumsum(p), positions), len(p) - 1)


def update(effect: np.ndarray, prior: np.ndarray, t_before: np.ndarray, y_before: np.ndarray,
           t_after: np.ndarray, y_after: np.ndarray, prevented: np.ndarray, seed: int = 0,
           likelihood: Likelihood = nb_likelihood) -> Update:
    """The system effect's posterior draws reweighted by the authority's own counts.

    ``effect``: each draw's ``authority.system_effect_per_year``; ``prior``: its weight;
    ``t_*``: years' midpoints, years since launch; ``y_*``: infants under one starting care in
    those years (pre-launch ``before``, post-launch ``after``); ``prevented``: (draws,
    post-launch years) expected entries each draw has the practice prevent in each post-launch
    year. ``likelihood``: replaceable for testing that a wrong one is caught."""
    rng = np.random.default_rng([seed, 0x5E1F])
    t_before, y_before = np.asarray(t_before, float), np.asarray(y_before, float)
    t_after, y_after = np.asarray(t_after, float), np.asarray(y_after, float)
    alpha, beta, cv, ess = baseline_samples(t_before, y_before, rng)
    prior = np.asarray(prior, float) / np.sum(prior)
    effect = np.asarray(effect, float)
    if len(y_after):
        base_after = np.exp(alpha[:, None] + beta[:, None] * t_after[None, :])  # (S, K)
        # (draws, S): log p(y_after | baseline set s, draw i), summed over post-launch years
        terms = likelihood(y_after[None, None, :], base_after[None, :, :],
                           np.asarray(prevented, float)[:, None, :], cv[None, :, None])
        log_lik = logsumexp(terms.sum(axis=2), axis=1) - np.log(len(alpha))
        post = np.log(np.maximum(prior, 1e-300)) + log_lik
        weight = np.exp(post - post.max()) * (prior > 0)
        weight /= weight.sum()
    else:
        weight = prior.copy()
    fitted_last = np.exp(alpha + beta * t_before[-1])
    q = (0.05, 0.5, 0.95)
    return Update(effect=effect, prior=prior, weight=weight, years_before=len(y_before),
                  years_after=len(y_after), baseline_ess=ess,
                  last_year_excess=float(y_before[-1] - np.median(fitted_last)),
                  baseline_at_launch=tuple(weighted_quantiles(np.exp(alpha),
                                                              np.ones_like(alpha), q)),
                  trend=tuple(weighted_quantiles(beta, np.ones_like(beta), q)),
                  noise_cv=tuple(weighted_quantiles(cv, np.ones_like(cv), q)))


# --------------------------------------------------------------------------------- refit
#: Effective sample size (Kish, draws with an effect) below which :func:`refit` re-runs the
#: update with new draws near the weighted posterior. 50 draws keep a 90% interval's ends
#: resting on several draws each (5% of 50 is 2.5 draws in each tail).
MIN_ESS = 50
#: New draws the refit makes.
REFIT_DRAWS = 2000
#: Share of the refit's proposal drawn around the prior's draws rather than the posterior's
#: (a defensive mixture: the tails the collapsed posterior's few draws miss stay reachable).
DEFENSIVE = 0.2


def _kernel(x: np.ndarray, w: np.ndarray, fallback: np.ndarray | None = None) -> np.ndarray:
    """Gaussian kernel covariance of weighted points ``x`` (n, d): Scott's rule on the
    weighted covariance with the weights' effective size; ``fallback`` when that is
    degenerate (a posterior collapsed onto one draw)."""
    n_eff = max(kish(w), 1.0)
    cov = np.atleast_2d(np.cov(x.T, aweights=w)) if n_eff > 1.5 else None
    d = x.shape[1]
    if d == 0 or len(x) < 2:
        return fallback
    if cov is None or not np.all(np.isfinite(cov)) or np.linalg.det(cov) <= 1e-12 ** d:
        return fallback
    return cov * n_eff ** (-2.0 / (d + 4))


def log_kde(at: np.ndarray, centres: np.ndarray, w: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """log of the weighted Gaussian kernel density at ``at`` (m, d)."""
    inv = np.linalg.inv(cov)
    _, logdet = np.linalg.slogdet(cov)
    diff = at[:, None, :] - centres[None, :, :]
    maha = np.einsum("mnd,de,mne->mn", diff, inv, diff)
    d = at.shape[1]
    log_norm = -0.5 * (d * np.log(2 * np.pi) + logdet)
    return logsumexp(-0.5 * maha + np.log(np.maximum(w / w.sum(), 1e-300))[None, :],
                     axis=1) + log_norm


def refit(u: Update, points: np.ndarray, prevented_of: Callable[[np.ndarray], np.ndarray],
          t_before, y_before, t_after, y_after, seed: int = 0, n: int = REFIT_DRAWS,
          likelihood: Likelihood = nb_likelihood) -> Update:
    """The update re-run on ``n`` new draws near its weighted posterior (adaptive importance
    sampling), for when the calibration's draws are too few where the local data put the
    posterior (:attr:`Update.ess` below :data:`MIN_ESS`).

    ``points``: (draws with an effect, d) the slab draws' parameters (the effect first, then
    any the prevented entries depend on, e.g. the women for the full effect), in the order of
    ``u.effect[u.effect > 0]``; ``prevented_of(points) -> (n, years)``: the entries prevented
    after launch (the practice's own women's included) for new draws. The prior given an effect
    is the calibration's draws smoothed by a Gaussian kernel in log space, ``p``; new draws come
    from ``q`` = (1 - :data:`DEFENSIVE`) x the same kernel around the *updated* weights +
    :data:`DEFENSIVE` x ``p``; each gets prior weight ``p / q`` (normalised), so the update's
    own Bayes' rule gives weights ``p L / q``: importance sampling of the posterior with a
    proposal near it. The no-effect draw keeps its prior mass; the baseline samples are those of
    ``seed``, as in the update refitted. Returns the new :class:`Update`, its ``notes`` saying
    so."""
    slab = u.effect > 0
    full = np.log(np.asarray(points, float).reshape(int(slab.sum()), -1))
    vary = np.ptp(full, axis=0) > 0  # a parameter every draw shares stays as it is
    x = full[:, vary]
    prior_w, post_w = u.prior[slab] / u.prior[slab].sum(), u.weight[slab]
    cov_p = _kernel(x, prior_w)
    if post_w.sum() <= 0 or cov_p is None:  # every draw refuted, or one draw: nothing to refit
        return u
    post_w = post_w / post_w.sum()
    cov_q = _kernel(x, post_w, fallback=cov_p)
    rng = np.random.default_rng([seed, 0xF17])
    from_post = rng.random(n) >= DEFENSIVE
    parents = np.where(from_post, rng.choice(len(x), n, p=post_w),
                       rng.choice(len(x), n, p=prior_w))
    noise = rng.standard_normal((n, x.shape[1]))
    chol_q, chol_p = np.linalg.cholesky(cov_q), np.linalg.cholesky(cov_p)
    new = x[parents] + np.where(from_post[:, None], noise @ chol_q.T, noise @ chol_p.T)
    log_p = log_kde(new, x, prior_w, cov_p)
    log_q = np.logaddexp(np.log(1 - DEFENSIVE) + log_kde(new, x, post_w, cov_q),
                         np.log(DEFENSIVE) + log_p)
    ratio = np.exp(log_p - log_q - np.max(log_p - log_q))
    p0 = float(u.prior[~slab].sum())
    prior = np.append((1.0 - p0) * ratio / ratio.sum(), p0)
    pts = np.exp(full[parents])
    pts[:, vary] = np.exp(new)
    zero = pts[:1].copy()
    zero[:, 0] = 0.0
    none_rows = np.asarray(prevented_of(zero), float)  # no effect: the own women's only
    prevented = np.vstack([np.asarray(prevented_of(pts), float), none_rows])
    out = update(np.append(pts[:, 0], 0.0), prior, t_before, y_before, t_after, y_after,
                 prevented, seed, likelihood)
    out.notes = [*u.notes, f"refitted: the calibration's draws left an effective sample size "
                 f"of {u.ess:.0f} (< {MIN_ESS}); {n} new draws near the updated posterior "
                 f"(adaptive importance sampling) give {out.ess:.0f}"]
    out.refitted_from = u
    return out


def randomized_pit(u: Update, truth: float, rng: np.random.Generator) -> float:
    """The true effect's position in the updated posterior, randomized within a point mass
    (``F(truth-) + V (F(truth) - F(truth-))``, V uniform): uniform on [0, 1] when the model is
    right and the truth is drawn from the prior (simulation-based calibration)."""
    below = u.weight[u.effect < truth - 1e-12].sum()
    at = u.weight[np.abs(u.effect - truth) <= 1e-12].sum()
    return float(below + rng.random() * at)


# ------------------------------------------------------------------- simulated authorities
def simulate_counts(alpha: float, beta: float, cv: float, t: np.ndarray, prevented: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """Counts from the model: negative binomial of mean ``baseline - prevented`` (gamma-Poisson
    mixture)."""
    mean = expected_after(np.exp(alpha + beta * np.asarray(t, float)), np.asarray(prevented))
    cv = max(cv, NOISE_CV_MIN)
    shape = 1.0 / cv ** 2
    return rng.poisson(rng.gamma(shape, mean / shape)).astype(float)


def prior_baseline(rng: np.random.Generator) -> tuple[float, float, float]:
    """(alpha, beta, c) drawn from the baseline's priors."""
    return (float(rng.normal(ALPHA_MEAN, ALPHA_SD)), float(rng.normal(0.0, TREND_SD)),
            float(abs(rng.normal(0.0, NOISE_CV_SCALE))))

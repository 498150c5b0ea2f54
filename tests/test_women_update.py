"""The women's update's refit (``simulation/results/women_update.py``, :func:`refit`): from a
collapsed weighted sample it recovers the posterior that the prior and the likelihood imply.

A two-parameter model with an exact answer: an enrolment and a LARC probability, the prior a
1,000-draw "calibration posterior" (Beta(4, 6) and Beta(8, 2) draws) smoothed as the refit
smooths it (``smoothed_prior``, ``log_prior``: a Gaussian kernel on the logit scale keeping the
draws' mean and covariance, cut to their range), binomial data (37 of 60
enrolled, 27 of 40 on LARC). The exact posterior mean is that smoothed prior times the
likelihood integrated on a grid. Ten parameter sets drawn from the prior and weighted by the
likelihood leave an effective sample size of about 2 (collapsed); each refit draws 1,000 new
points.

Tolerance: a self-normalised importance sampling mean has Monte Carlo standard error
``sqrt(sum w_i^2 (x_i - mean)^2)`` (delta method, weights summing to 1). Over 20 refits (seeds)
each error divided by its SE is about standard normal, so their average has SD 1/sqrt(20):
the average must lie within 3 of those SDs (±0.67) of 0, and no single one beyond 4.
Measured: average 0.26 over 40 seeds (SD 1.06); with the prior/proposal ratio left out
(weights = likelihood only, which samples prior x likelihood x proposal) the average is 5.8 and
65% of refits lie beyond 3 SEs.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.special import expit, logit

from simulation.results import women_update
from simulation.results.system_update import kish

N = np.array([60, 40])
Y = np.array([37, 27])
SEEDS = 20


def log_likelihood(z: np.ndarray) -> np.ndarray:
    return stats.binom.logpmf(Y, N, expit(z)).sum(axis=1)


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(1)
    z_prior = logit(np.column_stack([rng.beta(4, 6, 1000), rng.beta(8, 2, 1000)]))
    w_prior = np.full(1000, 1e-3)
    centres, cov = women_update.smoothed_prior(z_prior, w_prior)
    grid = np.array(np.meshgrid(np.linspace(-4, 4, 161), np.linspace(-3, 6, 181),
                                indexing="ij")).reshape(2, -1).T
    log_post = women_update.log_prior(grid, z_prior, centres, w_prior, cov) + \
        log_likelihood(grid)
    w = np.exp(log_post - log_post.max())
    exact = (w / w.sum()) @ expit(grid)
    return z_prior, w_prior, exact


def errors_in_se(model, prior_over_proposal: bool) -> tuple[np.ndarray, list[float]]:
    z_prior, w_prior, exact = model
    z, gains = [], []
    for seed in range(SEEDS):
        sets = z_prior[np.random.default_rng([seed, 5]).choice(len(z_prior), 10)]
        updated = np.exp(log_likelihood(sets) - log_likelihood(sets).max())
        new, w = women_update.refit(sets, updated, z_prior, w_prior, log_likelihood, 1000, seed,
                                    prior_over_proposal=prior_over_proposal)
        x = expit(new)[:, 0]
        mean = w @ x
        z.append((mean - exact[0]) / np.sqrt(np.sum(w ** 2 * (x - mean) ** 2)))
        gains.append(kish(w) / kish(updated))
    return np.array(z), gains


def test_the_refit_recovers_the_exact_posterior_mean_from_a_collapsed_sample(model):
    z, gains = errors_in_se(model, prior_over_proposal=True)
    assert abs(z.mean()) <= 3.0 / np.sqrt(SEEDS), z
    assert np.abs(z).max() <= 4.0, z
    assert min(gains) > 10  # an ESS of about 2 becomes one of well over 20


def test_leaving_out_the_prior_over_the_proposal_is_caught(model):
    """The check above, with the refit broken on purpose: it must fail."""
    z, _ = errors_in_se(model, prior_over_proposal=False)
    assert abs(z.mean()) > 3.0 / np.sqrt(SEEDS)


def test_the_refits_scale_keeps_every_parameter_within_its_bounds():
    for key, values in (("outreach.enrol_probability", [0.0, 0.3, 1.0]),
                        ("programme.time_to_larc_months", [0.05, 1.5, 12.0]),
                        ("outreach.max_women_offered_per_cycle", [1, 85, 2000])):
        back = women_update.from_scale(key, women_update.to_scale(key, np.array(values, float)))
        assert np.allclose(back, values, rtol=1e-6, atol=1e-6), key
        wild = women_update.from_scale(key, np.array([-50.0, 50.0]))
        p = women_update.BY_KEY[key]
        assert p.low <= wild.min() and wild.max() <= p.high, key
    assert women_update.from_scale("outreach.max_women_offered_per_cycle",
                                   np.array([0.123])).tolist()[0] % 1 == 0


def test_refit_sets_are_simulated_with_their_own_parameters():
    """The refit's new sets are simulated as given: 4 futures at an enrolment probability of
    0.1 against 4 at 0.9 (the national scenario's first year offers places to dozens of women,
    so the means differ by far more than their chance spread)."""
    from simulation.core import scenario
    from simulation.results import ontrack, study

    res = study.simulate(scenario.load("national"), 8, 7, draws=4, resolution="month",
                         progress=False, workers=1)
    new = women_update.simulate_sets(res, [{"outreach.enrol_probability": 0.1},
                                           {"outreach.enrol_probability": 0.9}], 4, seed=7)
    assert new.reps == 8 and new.horizon == res.horizon
    assert [sc["outreach.enrol_probability"] for sc in new.simulated.scenarios] == [0.1, 0.9]
    enrolled = ontrack.forecast(new, "enrolled", 12)
    assert enrolled[4:].mean() > 3 * max(enrolled[:4].mean(), 1.0), enrolled


def test_the_smoothed_prior_keeps_the_draws_mean_and_covariance():
    """The kernel density's covariance is the shrunk centres' plus the kernel's: exactly the
    draws' own (a plain kernel density in 14 dimensions would be about 1.45 times as wide)."""
    rng = np.random.default_rng(2)
    z = rng.normal(size=(1000, 14)) @ rng.normal(size=(14, 14))
    w = rng.uniform(0.5, 1.5, 1000)
    centres, cov = women_update.smoothed_prior(z, w)
    w = w / w.sum()
    assert np.allclose(w @ centres, w @ z)
    assert np.allclose(np.cov(centres.T, aweights=w) + cov, np.cov(z.T, aweights=w))

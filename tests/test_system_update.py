"""Simulation-based calibration of the system-effect update (``simulation/results/system_update``,
``docs/monitoring.md``): authorities simulated with known system effects, their counts fed to
the update, the updated intervals checked against the truth.

Monte Carlo tolerance: a 90% interval covers the truth in a share ``p`` of ``N`` independent
simulated authorities; with the model right, ``p`` is binomial with mean 0.9 and standard error
``sqrt(0.9 x 0.1 / N)``; the tests allow ``TOLERANCE_SE = 3`` standard errors (a false alarm about
1 run in 370 per check, fixed seeds so none in practice). No simulation of the practice is run:
the prevented entries follow the national scenario's rules with a fixed enrolment path.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from simulation.core import posterior as posterior_mod
from simulation.core import scenario as scenario_mod
from simulation.model.rates import Rates
from simulation.results import prevented, system_update

TOLERANCE_SE = 3.0
T_BEFORE = np.array([-2.5, -1.5, -0.5])  # three pre-launch years (midpoints, years)
YEARS_AFTER = 3
THINNED = 300  # posterior draws kept (systematic resampling: equal prior weights)


@functools.lru_cache(maxsize=1)
def setting():
    """Prior draws (effect, prior weight) and each draw's prevented entries in post-launch
    years 1-3 (national scenario; 24 women enrolled in months 1-3 of each 21-month cycle; the
    practice's own women add 1 a year): the national posterior given an effect, and no effect
    with prior probability 0.5."""
    sc = scenario_mod.load("national")
    post = posterior_mod.load("national")
    draws = prevented.draws_from(post, sc)
    rng = np.random.default_rng(7)
    keep = system_update.systematic(draws["prior"].to_numpy() / draws["prior"].sum(), THINNED,
                                     rng)
    draws = draws.iloc[keep].reset_index(drop=True)
    months = 12 * YEARS_AFTER
    enrolled = np.zeros((1, months))
    for start in range(0, months, 21):
        enrolled[0, start + 1:start + 4] = 8.0
    rates = Rates.from_scenario(sc)
    monthly = prevented.system_by_month(
        draws["effect"].to_numpy(), draws["women_for_full_effect"].to_numpy(), rates,
        sc["authority.system_effect_form"], sc["authority.other_infant_care_entries_per_year"],
        enrolled)
    import pandas as pd

    years = pd.DataFrame({"from_month": 12.0 * np.arange(YEARS_AFTER),
                          "to_month": 12.0 * np.arange(1, YEARS_AFTER + 1)})
    # an even local prior (--p-no-effect 0.5), whatever the calibration's own P(no effect)
    return system_update.local_prior(draws["effect"].to_numpy(), np.ones(len(draws)),
                                     prevented.by_year(monthly, years), np.ones(YEARS_AFTER),
                                     system_update.LOCAL_P_NO_EFFECT)


def t_after(years: int = YEARS_AFTER) -> np.ndarray:
    return np.arange(years) + 0.5


def one_authority(i: int, baseline, rng, likelihood=system_update.nb_likelihood, seed=0):
    """Simulate an authority whose practice has prior draw ``i``'s effect; update."""
    effect, prior, per_year = setting()
    alpha, beta, cv = baseline
    y_before = system_update.simulate_counts(alpha, beta, cv, T_BEFORE, np.zeros(3), rng)
    y_after = system_update.simulate_counts(alpha, beta, cv, t_after(), per_year[i], rng)
    return system_update.update(effect, prior, T_BEFORE, y_before, t_after(), y_after,
                                per_year, seed=seed, likelihood=likelihood)


def sbc(n: int, seed: int, likelihood=system_update.nb_likelihood):
    """Randomized PIT of the truth in ``n`` authorities whose truth (effect draw and baseline)
    is drawn from the prior."""
    effect, prior, _ = setting()
    rng = np.random.default_rng(seed)
    pits = []
    for k in range(n):
        i = int(rng.choice(len(effect), p=prior))
        u = one_authority(i, system_update.prior_baseline(rng), rng, likelihood, seed=k)
        pits.append(system_update.randomized_pit(u, effect[i], rng))
    return np.asarray(pits)


def covered(pits: np.ndarray) -> tuple[float, float, float]:
    """Shares below the 90% interval, inside it, above it."""
    return float((pits < 0.05).mean()), float(((pits >= 0.05) & (pits <= 0.95)).mean()), \
        float((pits > 0.95).mean())


def within(share: float, nominal: float, n: int) -> bool:
    return abs(share - nominal) <= TOLERANCE_SE * np.sqrt(nominal * (1 - nominal) / n)


N_SBC = 400


@pytest.fixture(scope="module")
def right_pits():
    return sbc(N_SBC, seed=20)


def test_updated_intervals_cover_the_truth_at_their_nominal_rate(right_pits):
    below, inside, above = covered(right_pits)
    assert within(inside, 0.90, N_SBC), (below, inside, above)
    assert within(below, 0.05, N_SBC) and within(above, 0.05, N_SBC), (below, inside, above)


def wrong_sign(y, baseline, prevented_, cv):
    """A deliberately wrong likelihood: the practice *adds* the entries it prevents."""
    return system_update.nb_logpmf(y, baseline + prevented_, cv)


def test_a_wrong_likelihood_fails_the_calibration():
    """The same authorities, updated with a likelihood in which the practice adds the entries it
    prevents: the intervals no longer cover at their nominal rate."""
    likelihood = wrong_sign
    pits = sbc(N_SBC, seed=20, likelihood=likelihood)
    below, inside, above = covered(pits)
    ok = within(inside, 0.90, N_SBC) and within(below, 0.05, N_SBC) and \
        within(above, 0.05, N_SBC)
    assert not ok, (below, inside, above)


N_KNOWN = 200
#: A Southampton-sized authority (evidence.md s0.1: ~45 infant care entries a year), no trend,
#: year-to-year CV 0.15 beyond Poisson.
KNOWN_BASELINE = (float(np.log(45.0)), 0.0, 0.15)


def known(truth: str, n: int = N_KNOWN, seed: int = 5):
    """``n`` authorities with no system effect (``none``) or the national-size one (the
    posterior median given an effect): their updates."""
    effect, prior, _ = setting()
    if truth == "none":
        i = int(np.flatnonzero(effect <= 0)[0])
    else:
        slab = np.flatnonzero(effect > 0)
        i = int(slab[np.argsort(effect[slab])[len(slab) // 2]])
    rng = np.random.default_rng(seed)
    return effect[i], [one_authority(i, KNOWN_BASELINE, rng, seed=k) for k in range(n)]


@pytest.mark.parametrize("truth", ["none", "national"])
def test_known_effects_are_covered_at_least_at_the_nominal_rate(truth):
    """A fixed truth is not drawn from the prior, so coverage need not be exactly nominal; a
    truth at the prior's point mass or its centre is covered at least at the nominal rate."""
    value, updates = known(truth)
    inside = np.mean([u.quantiles()[0] - 1e-9 <= value <= u.quantiles()[2] + 1e-9
                      for u in updates])
    assert inside >= 0.90 - TOLERANCE_SE * np.sqrt(0.09 / N_KNOWN), inside
    p0 = np.array([u.p_no_effect() for u in updates])
    prior_p0 = updates[0].p_no_effect(updates[0].prior)
    # the data move P(no effect) the right way on average
    assert (p0.mean() > prior_p0) if truth == "none" else (p0.mean() < prior_p0), \
        (p0.mean(), prior_p0)


def test_the_update_reports_its_effective_sample_size_and_regression_to_the_mean():
    effect, prior, per_year = setting()
    high_last = np.array([40.0, 42.0, 70.0])  # commissioned after a high year
    u = system_update.update(effect, prior, T_BEFORE, high_last, t_after(), np.array(
        [45.0, 44.0, 46.0]), per_year)
    assert 1.0 <= u.ess <= len(effect)
    assert u.last_year_excess > 10  # the high year sits well above the fitted baseline
    assert u.baseline_ess > 100


# ---------------------------------------------------------------------------------- refit
def test_refit_recovers_the_posterior_a_collapsed_update_misses():
    """A calibration thinned to 25 draws of a wide prior (lognormal effect) always leaves an ESS
    below MIN_ESS; an authority of 60 a year with 8 pre- and 6 post-launch years. The refit
    (new draws near the weighted posterior, importance-weighted against the 25 draws smoothed
    by its kernel) must reach an ESS of at least MIN_ESS and the posterior that a reference
    update gives on 20,000 draws from that same smoothed prior. Tolerance: 3 Monte Carlo SEs of
    each quantile, each ``sqrt(q(1-q)) / density / sqrt(ESS)`` with the density of a normal of
    the reference posterior's SD, refit's and reference's SEs added; P(no effect) within 3 SEs
    of a share, ``0.5 / sqrt(ESS)`` each."""
    from scipy import stats

    rng = np.random.default_rng(2020)
    t_before, t_after = np.arange(-8, 0) + 0.5, np.arange(6) + 0.5
    ramp = np.array([0.5, 1.0, 1.0, 1.0, 1.0, 1.0])

    def prevented_of(points):
        return points[:, :1] * ramp[None, :]

    y_before = system_update.simulate_counts(np.log(60), 0.0, 0.1, t_before, np.zeros(8), rng)
    y_after = system_update.simulate_counts(np.log(60), 0.0, 0.1, t_after, 20.0 * ramp, rng)

    def updated(effect):
        points = np.column_stack([effect, np.full(len(effect), 100.0)])
        e, p, per_year = system_update.local_prior(effect, np.ones(len(effect)),
                                                   prevented_of(points), np.zeros(len(ramp)),
                                                   0.5)
        return system_update.update(e, p, t_before, y_before, t_after, y_after, per_year,
                                    seed=1), points

    thin = np.exp(np.random.default_rng(3).normal(np.log(15), 0.8, 25))
    small, points = updated(thin)
    assert small.ess < system_update.MIN_ESS
    refit = system_update.refit(small, points, prevented_of, t_before, y_before, t_after,
                                y_after, seed=1)
    # the smoothed prior the refit weighs against: the 25 draws' kernel density in log space
    x = np.log(thin)[:, None]
    cov = system_update._kernel(x, np.ones(25))
    ref_rng = np.random.default_rng(4)
    smooth = np.exp(x[ref_rng.integers(0, 25, 20_000), 0]
                    + np.sqrt(cov[0, 0]) * ref_rng.standard_normal(20_000))
    reference, _ = updated(smooth)
    assert refit.ess >= system_update.MIN_ESS and reference.ess >= 1000
    assert refit.refitted_from is small and "refitted" in refit.notes[-1]
    slab = reference.effect > 0
    w = reference.weight[slab] / reference.weight[slab].sum()
    mean = np.average(reference.effect[slab], weights=w)
    sd = float(np.sqrt(np.average((reference.effect[slab] - mean) ** 2, weights=w)))
    for q in (0.05, 0.5, 0.95):
        got = refit.quantiles((q,), weights=np.where(refit.effect > 0, refit.weight, 0))[0]
        want = reference.quantiles((q,), weights=np.where(slab, reference.weight, 0))[0]
        se_one = np.sqrt(q * (1 - q)) / stats.norm.pdf(stats.norm.ppf(q)) * sd
        tol = TOLERANCE_SE * se_one * (1 / np.sqrt(refit.ess) + 1 / np.sqrt(reference.ess))
        assert abs(got - want) <= tol, (q, got, want, tol)
    tol = TOLERANCE_SE * 0.5 * (1 / np.sqrt(refit.ess) + 1 / np.sqrt(reference.ess))
    assert abs(refit.p_no_effect() - reference.p_no_effect()) <= tol

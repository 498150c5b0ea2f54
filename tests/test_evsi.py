"""The expected value of sample information of an authority's own counts
(``simulation/sensitivity/evsi.py``): zero when the counts cannot tell the draws apart, near the
EVPI when they can, never above it (within Monte Carlo error: bootstrap standard errors over the
simulated authorities, 3 of them allowed)."""

from __future__ import annotations

import numpy as np

from simulation.sensitivity import evsi, voi

TOLERANCE_SE = 3.0
# Two draws: an effect preventing 50 of an authority's 60 infant care entries a year (INB
# +£1m), or none (INB -£1m); even odds. EVPI = E[max(0, INB)] - max(0, E[INB]) = £0.5m.
EFFECT = np.array([50.0, 0.0])
WEIGHT = np.array([0.5, 0.5])
VALUE = np.array([1e6, -1e6])
BASELINE = (np.log(60.0), 0.0, 0.1)


def test_counts_that_cannot_tell_the_draws_apart_are_worth_nothing():
    prevented = np.zeros((2, 3))  # neither draw changes the counts
    means = evsi.preposterior(EFFECT, WEIGHT, VALUE, prevented, BASELINE, 3, 3, 30, seed=1)
    assert np.ptp(means) == 0.0
    assert evsi.evsi_of(means)[0] == 0.0


def test_decisive_counts_are_worth_nearly_the_evpi_and_never_more():
    """One year of counts against 8 pre-launch years: a fall of 50 in 60 is unmistakable, so
    nearly every simulated authority decides as if it knew the truth (measured: EVSI £0.48m,
    SE £0.02m, with 200 authorities). At least 80% of the EVPI (the rare authority the noise
    misleads costs the rest), never above the EVPI beyond 3 SEs."""
    evpi = float(voi.expected_value_of_choosing_later(np.repeat(VALUE, 50)))
    assert evpi == 0.5e6
    prevented = np.full((2, 1), 50.0) * np.array([[1.0], [0.0]])
    means = evsi.preposterior(EFFECT, WEIGHT, VALUE, prevented, BASELINE, 8, 1, 100, seed=1)
    value, se = evsi.evsi_of(means, seed=1)
    assert 0.8 * evpi <= value <= evpi + TOLERANCE_SE * se, (value, se)


# ---------------------------------------------------------------------- the women's side
def _women(reps: int = 40):
    """A practice whose futures split in two: half its replications' women avoid 50 infant
    care entries a year (NPV +£1m), half none (NPV -£1m); no system effect at all."""
    high = np.arange(reps) % 2 == 0
    return {"own": np.where(high, 50.0, 0.0)[:, None] * np.ones((reps, 1)),
            "enrolled": np.ones((reps, 12)), "npv": np.where(high, 1e6, -1e6)}


def _no_system(points, enrolled):
    return np.zeros((len(points), enrolled.shape[0], enrolled.shape[1]))


SPANS = __import__("pandas").DataFrame({"from_month": [0.0], "to_month": [12.0]})


def test_the_counts_are_worth_what_they_teach_about_the_womens_side():
    """Only the women's side differs between futures: the counts (a fall of 50 in 60 or none)
    tell the two halves apart, so EVSI is near the EVPI of the women's side, £0.5m (at least
    80%, never above it beyond 3 SEs). With the women at their means (one group: how EVSI was
    computed before) every simulated authority has the same preposterior mean and EVSI is 0:
    this test then fails."""
    e, w, value, per, truth = evsi.joint_draws(np.array([0.0]), np.array([1.0]),
                                               np.array([[0.0, 1.0]]), _women(), _no_system,
                                               SPANS, 12.0, 5e4, groups=2)
    means = evsi.preposterior(e, w, value, per, BASELINE, 8, 1, 100, seed=1, truth=truth)
    value_k, se = evsi.evsi_of(means, seed=1)
    assert 0.8 * 0.5e6 <= value_k <= 0.5e6 + TOLERANCE_SE * se, (value_k, se)
    assert sorted(value) == [-1e6, 1e6] and np.allclose(w, 0.5)


def test_pairing_with_the_womens_groups_keeps_the_expected_net_benefit():
    """The groups' means average to the run's means: the prior's expected INB and expected
    prevented entries are those with the women at their means, whatever the grouping."""
    rng = np.random.default_rng(3)
    reps, draws = 37, 5
    women = {"own": rng.poisson(2.0, (reps, 3)).astype(float),
             "enrolled": rng.poisson(1.0, (reps, 36)).astype(float),
             "npv": rng.normal(0.0, 1e5, reps)}
    effect = rng.uniform(0.0, 20.0, draws)
    weight = rng.dirichlet(np.ones(draws))
    points = np.column_stack([effect, rng.uniform(10.0, 40.0, draws)])

    def system(points_, enrolled):
        so_far = np.cumsum(enrolled, axis=1)
        return points_[:, 0, None, None] / 12.0 * np.minimum(
            1.0, so_far[None] / points_[:, 1, None, None])

    spans = __import__("pandas").DataFrame({"from_month": [0.0, 12.0, 24.0],
                                            "to_month": [12.0, 24.0, 36.0]})
    one = evsi.joint_draws(effect, weight, points, women, system, spans, 36.0, 5e4, groups=1)
    four = evsi.joint_draws(effect, weight, points, women, system, spans, 36.0, 5e4, groups=4)
    assert len(four[0]) == 4 * draws and np.isclose(four[1].sum(), 1.0)
    assert np.isclose(one[1] @ one[2], four[1] @ four[2])
    assert np.allclose(one[1] @ one[3], four[1] @ four[3])

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

"""What the declarations say matches what they do (issue 21, item 5): priors described as centred
on no effect have their median there; the age-fertility ratios have the shape their source gives;
the counterfactual pregnancy-rate target states its regression-to-the-mean allowance."""

from __future__ import annotations

import numpy as np
import pytest

from calibration import targets
from calibration.priors import PRIORS
from simulation.core.parameters import BY_KEY

#: Priors with a "no effect" value (``neutral``): every one is described as centred on it.
NEUTRAL = [p for p in PRIORS if p.neutral is not None]


def test_the_after_programme_priors_are_among_those_centred_on_no_effect():
    keys = {p.key for p in NEUTRAL}
    assert {"post_programme.pregnancy_rate_ratio",
            "post_programme.removal_rate_ratio_completed",
            "outreach.declined_pregnancy_rate_ratio",
            "authority.system_effect_per_year"} <= keys


@pytest.mark.parametrize("prior", NEUTRAL, ids=lambda p: p.key)
def test_a_prior_centred_on_no_effect_has_its_median_there(prior):
    """``neutral`` is a median: P(below) <= 1/2 <= P(at or below), to 0.01 (a truncation at a
    bound far out in one tail moves a lognormal's median by under 1%; exact arithmetic, no Monte
    Carlo)."""
    dist = prior.truncated()
    n = prior.neutral
    below = float(dist.cdf(np.nextafter(n, -np.inf))) if n > prior.bounds[0] else 0.0
    at_or_below = float(dist.cdf(n))
    assert below <= 0.51 and at_or_below >= 0.49, (prior.key, below, at_or_below)
    # and the point "no effect" is inside the prior's range, not only at its edge
    assert prior.bounds[0] <= n <= prior.bounds[1]


def test_the_age_ratios_fall_with_age_as_their_source_says():
    """The declared source (evidence.md s3: the youngest mothers are most at risk) gives a
    shape falling with age; it no longer claims the general population's ONS shape, which
    peaks at 30-34 and which these ratios never had."""
    p = BY_KEY["pregnancy.age_rate_ratios"]
    assert np.all(np.diff(p.default) <= 0)
    assert "evidence.md s3" in p.source
    assert "shape of age-specific fertility in England (ONS)" not in p.source


def test_the_counterfactual_rate_target_states_its_regression_to_the_mean_allowance():
    t = targets.BY_NAME["cf_pregnancy_rate"]
    assert targets.RTM_ALLOWANCE in t.source
    # the allowance as stated: the own-history figure (0.20) is the upper end, not the centre
    assert t.high == 0.20 and t.low == 0.11 and t.value == pytest.approx((t.low + t.high) / 2,
                                                                         abs=0.001)

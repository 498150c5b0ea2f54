"""The one population sampler both engines use: sizes, ages, removals, frailty, priority."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.core.parameters import AGE_BANDS, PRIOR_REMOVALS
from simulation.model import population

Z = 4.0


@pytest.fixture(scope="module")
def women(uncalibrated):
    sc = uncalibrated.with_overrides({"pregnancy.rate_ratio_per_extra_removal": 1.5})
    return sc, population.draw(sc, 3, list(range(400)))


def test_the_scoping_list_and_newcomers(women):
    sc, w = women
    sizes = np.bincount(w.rep)
    n0 = sc["population.eligible_women_at_start"]
    newcomers = sizes - n0
    mean = sc["population.new_eligible_women_per_year"] * sc["practice.horizon_months"] / 12
    assert abs(newcomers.mean() - mean) < Z * math.sqrt(mean / len(sizes))  # Poisson
    assert np.all(np.bincount(w.rep[w.arrival_month == 0.0]) == n0)
    assert w.arrival_month.max() < sc["practice.horizon_months"]


def test_ages_and_removals_follow_their_distributions(women):
    sc, w = women
    n = w.size
    edges = [lo for lo, _ in AGE_BANDS] + [AGE_BANDS[-1][1] + 1]
    counts = np.histogram(w.age_years, bins=edges)[0]
    for p, k in zip(sc["population.age_band_probabilities"], counts):
        assert abs(k - n * p) < Z * math.sqrt(n * p * (1 - p)) + 1e-9
    removals = np.bincount(w.prior_removals, minlength=max(PRIOR_REMOVALS) + 1)[1:]
    for p, k in zip(sc["population.prior_removals_probabilities"], removals):
        assert abs(k - n * p) < Z * math.sqrt(n * p * (1 - p)) + 1e-9


def test_women_are_in_priority_order_more_removals_first(women):
    _, w = women
    for j in range(w.n_reps):
        r = w.prior_removals[w.rep == j]
        assert np.all(np.diff(r) <= 0), "within a replication: more removals first"


def test_base_fertility_is_normalised_over_the_national_mix(women):
    """Mean base fertility at the national removal mix equals the rate: here the scenario keeps
    the national mix, so the women's mean (frailty mean 1) is rate / 12 within MC error."""
    sc, w = women
    mean = sc["pregnancy.counterfactual_rate_per_year"] / 12
    sd = mean * math.sqrt(1 / sc["pregnancy.frailty_shape"] + 0.3)  # frailty + removal spread
    assert abs(w.base_fertility.mean() - mean) < Z * sd / math.sqrt(w.size)
    by = {k: w.base_fertility[w.prior_removals == k].mean() for k in (2, 4)}
    assert by[4] / by[2] == pytest.approx(1.5 ** 2, rel=0.1)  # 1.5 per removal beyond two


def test_a_replication_is_the_same_whatever_it_is_drawn_with(uncalibrated):
    alone = population.draw(uncalibrated, 9, [37])
    among = population.draw(uncalibrated, 9, [80, 37, 2])
    pick = among.rep == 1
    np.testing.assert_array_equal(alone.arrival_month, among.arrival_month[pick])
    np.testing.assert_array_equal(alone.woman, among.woman[pick])
    with pytest.raises(ValueError):
        population.draw(uncalibrated, 9, [1, 1])

"""The housing-support effect on removal (``post_programme.housing_support_removal_ratio``), the
worked example of docs/adding_a_mechanism.md: its rule, its default that changes nothing, and its
effect in both engines.

No statistics here: with common random numbers an infant enters care when its draw is below the
removal probability, so a lower probability can only remove care entries, replication by
replication, and never touches the no-programme arm or anything before a birth. The default's
bit-for-bit identity with the model without the mechanism is also checked on every built-in
scenario by the frozen numbers (``tests/test_baseline.py``), which were frozen before it was added.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.engine import simulate_reps as simpy_reps
from simulation.fast import simulate_reps as fast_reps
from simulation.model import layout as L
from simulation.model.rates import Rates
from simulation.model.rules import py as rules

KEY = "post_programme.housing_support_removal_ratio"
ENTRIES = [L.INDEX[f"care_entries_{s}"] for s in L.SOURCES]
PROGRAMME, NO_PROGRAMME = 0, 1


@pytest.fixture(scope="module")
def scenario(uncalibrated):
    """A practice whose women leave with post-programme effects on removal (so the ratio
    multiplies something other than the base probability)."""
    return uncalibrated.with_overrides({"post_programme.removal_rate_ratio_completed": 0.6,
                                        "post_programme.removal_rate_ratio_dropout": 0.9})


def test_the_rule_applies_only_after_the_programme(scenario):
    r = Rates.from_scenario(scenario.with_overrides({KEY: 0.5}))
    assert rules.housing_support_ratio(r, L.COMPLETED) == 0.5
    assert rules.housing_support_ratio(r, L.DROPPED_OUT) == 0.5
    for status in (L.ELIGIBLE, L.NOT_ENROLLED, L.ENROLLED):
        assert rules.housing_support_ratio(r, status) == 1.0
    base = rules.removal_probability(r, L.COMPLETED, 12.0)
    assert rules.infant_removal_probability(r, True, L.COMPLETED, 12.0) == base * 0.5
    assert rules.infant_removal_probability(r, False, L.COMPLETED, 12.0) == r.removal_probability
    high = Rates.from_scenario(scenario.with_overrides({KEY: 2.0, "care.removal_probability": 0.9}))
    assert rules.infant_removal_probability(high, True, L.DROPPED_OUT, 0.0) == 1.0  # capped


def test_the_default_is_the_rule_without_the_mechanism_bit_for_bit(scenario):
    r = Rates.from_scenario(scenario)
    assert r.housing_removal_ratio == 1.0
    for status in range(len(L.STATUS_NAMES)):
        for months in (0.0, 0.3, 7.5, 36.0, 1e3, math.nan):
            if status in (L.COMPLETED, L.DROPPED_OUT) and math.isnan(months):
                continue  # (a woman who left has a month she left)
            assert rules.infant_removal_probability(r, True, status, months) == \
                rules.removal_probability(r, status, months)


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_housing_support_keeps_infants_out_of_care_in_both_engines(scenario, engine):
    simulate = fast_reps if engine == "fast" else lambda *a: simpy_reps(*a)[:2]
    reps = list(range(40 if engine == "fast" else 6))
    default, _ = simulate(scenario, 11, reps)
    lower, _ = simulate(scenario.with_overrides({KEY: 0.5}), 11, reps)
    higher, _ = simulate(scenario.with_overrides({KEY: 1.5}), 11, reps)
    entries = {name: t[:, :, ENTRIES].sum(axis=(2, 3)) for name, t in
               (("default", default), ("lower", lower), ("higher", higher))}
    # the no-programme arm, and everything but care, are untouched
    for t in (lower, higher):
        assert np.array_equal(t[:, NO_PROGRAMME], default[:, NO_PROGRAMME])
        assert np.array_equal(t[:, :, L.INDEX["live_births"]],
                              default[:, :, L.INDEX["live_births"]])
    # the programme arm: fewer care entries with the support, more with a ratio above 1
    p = PROGRAMME
    assert np.all(entries["lower"][:, p] <= entries["default"][:, p])
    assert np.all(entries["higher"][:, p] >= entries["default"][:, p])
    assert entries["lower"][:, p].sum() < entries["default"][:, p].sum() < \
        entries["higher"][:, p].sum()


def test_the_engines_agree_with_housing_support(scenario):
    sc = scenario.with_overrides({KEY: 0.4})
    reps = list(range(6))
    (tf, pf), (ts, ps) = fast_reps(sc, 5, reps), simpy_reps(sc, 5, reps)[:2]
    counts = [i for i, name in enumerate(L.TALLIED) if "months" not in name]
    assert np.array_equal(tf[:, :, counts], ts[:, :, counts])
    np.testing.assert_allclose(tf, ts, rtol=0, atol=1e-9)
    np.testing.assert_allclose(pf, ps, rtol=0, atol=1e-9)

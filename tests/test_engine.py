"""The SimPy engine against closed-form expectations.

Every statistical check uses a fixed seed and a tolerance of 4 Monte Carlo standard errors (two-sided
false-alarm rate ~6e-5); the standard error is computed in the test from the simulated counts
(Poisson or binomial). Each check was verified to fail when the corresponding rate in the engine is
deliberately wrong (e.g. a per-year rate not divided by 12, or 1.3x the configured rate).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.engine import Event, simulate_replication
from simulation.engine.model import Rates

Z = 4.0  # tolerance in standard errors

#: No programme uptake, no individual heterogeneity, no age gradient: a constant pregnancy hazard.
CONSTANT_HAZARD = {
    "outreach.enrol_probability": 0.0,
    "pregnancy.frailty_shape": 1000.0,
    "pregnancy.age_rate_ratios": [1.0] * 7,
    "pregnancy.counterfactual_rate_per_year": 0.2,
    "population.eligible_women_at_start": 200,
    "population.new_eligible_women_per_year": 0.0,
}


def _events(scenario, reps, seed=11, arm="counterfactual"):
    """Concatenated (rep, woman, month, event, value) arrays of one arm over replications."""
    rates = Rates.from_scenario(scenario)
    out = []
    for rep in range(reps):
        logs = simulate_replication(scenario, seed, rep, rates)
        woman, month, event, value = getattr(logs, arm).arrays()
        out.append(np.column_stack([np.full(len(woman), rep), woman, month, event, value]))
    return np.concatenate(out)


def _exposure_years(ev, scenario) -> float:
    """Woman-years at risk of conception: eligible, alive, not pregnant or postpartum."""
    horizon = scenario["practice.horizon_months"]
    post = scenario["pregnancy.postpartum_months"]
    total = 0.0
    for rep in np.unique(ev[:, 0]):
        r = ev[ev[:, 0] == rep]
        for woman in np.unique(r[:, 1]):
            w = r[r[:, 1] == woman]
            start = w[w[:, 3] == Event.ELIGIBLE, 2][0]
            deaths = w[w[:, 3] == Event.DEATH, 2]
            end = deaths[0] if len(deaths) else horizon
            months = end - start
            conceptions = np.sort(w[w[:, 3] == Event.CONCEPTION, 2])
            outcomes = np.sort(w[np.isin(w[:, 3], [Event.LIVE_BIRTH, Event.PREGNANCY_LOSS]), 2])
            for k, c in enumerate(conceptions):
                resume = outcomes[k] + post if k < len(outcomes) else end
                months -= min(resume, end) - c
            total += months
    return total / 12.0


def test_pregnancy_rate_matches_constant_hazard(national):
    sc = national.with_overrides(CONSTANT_HAZARD)
    ev = _events(sc, reps=15)
    conceptions = int((ev[:, 3] == Event.CONCEPTION).sum())
    exposure = _exposure_years(ev, sc)
    rate = conceptions / exposure
    se = math.sqrt(conceptions) / exposure  # Poisson count
    assert conceptions > 2000
    assert abs(rate - 0.2) < Z * se, (rate, se)


def test_mortality_rate_matches_configuration(national):
    sc = national.with_overrides({**CONSTANT_HAZARD, "mortality.relative_risk": 100.0})
    ev = _events(sc, reps=20)
    deaths = int((ev[:, 3] == Event.DEATH).sum())
    expected_rate = 0.0006 * 100  # per woman-year
    # each of the 200 x 20 women is followed 5 years or until death
    years = 0.0
    for rep in range(20):
        r = ev[ev[:, 0] == rep]
        died = r[r[:, 3] == Event.DEATH, 2]
        years += (died.sum() + (200 - len(died)) * 60.0) / 12.0
    se = math.sqrt(deaths) / years
    assert abs(deaths / years - expected_rate) < Z * se


def test_care_entries_follow_births_with_configured_probability(national):
    sc = national.with_overrides({**CONSTANT_HAZARD, "care.removal_probability": 0.4})
    ev = _events(sc, reps=20)
    horizon = sc["practice.horizon_months"]
    births = ev[ev[:, 3] == Event.LIVE_BIRTH]
    entries = ev[ev[:, 3] == Event.CARE_ENTRY]
    # Births are at least gestation + postpartum = 12 months apart and care entry comes within
    # 12 months of birth, so each entry belongs to its mother's latest earlier birth.
    followed = np.zeros(len(births), dtype=bool)
    for r, w, t, _, _ in entries:
        mine = np.flatnonzero((births[:, 0] == r) & (births[:, 1] == w) & (births[:, 2] <= t))
        assert len(mine), "a care entry without a birth"
        latest = mine[np.argmax(births[mine, 2])]
        assert t - births[latest, 2] <= 12.0 + 1e-9
        assert not followed[latest], "two care entries for one birth"
        followed[latest] = True
    seen = births[:, 2] < horizon - 12  # births whose care entry would fall inside the horizon
    n = int(seen.sum())
    share = followed[seen].mean()
    se = math.sqrt(0.4 * 0.6 / n)  # binomial
    assert n > 800
    assert abs(share - 0.4) < Z * se, (share, n)


def test_no_births_means_no_care_entries(national):
    sc = national.with_overrides({"pregnancy.live_birth_probability": 0.0})
    for arm in ("programme", "counterfactual"):
        ev = _events(sc, reps=5, arm=arm)
        assert (ev[:, 3] == Event.CONCEPTION).sum() > 0
        assert (ev[:, 3] == Event.LIVE_BIRTH).sum() == 0
        assert (ev[:, 3] == Event.CARE_ENTRY).sum() == 0


def test_enrolment_share_matches_probability_when_capacity_is_ample(national):
    sc = national.with_overrides({"practice.practitioners": 30, "outreach.enrol_probability": 0.3,
                                  "practice.successive_cycles": False})
    ev = _events(sc, reps=20, arm="programme")
    offered = int((ev[:, 3] == Event.OFFERED).sum())
    enrolled = int((ev[:, 3] == Event.ENROLLED).sum())
    se = math.sqrt(0.3 * 0.7 / offered)
    # a few women conceive or die during outreach and cannot enrol: a small downward bias
    assert -Z * se - 0.02 < enrolled / offered - 0.3 < Z * se, (enrolled, offered)


def test_capacity_is_never_exceeded(national):
    sc = national.with_overrides({"outreach.enrol_probability": 1.0,
                                  "programme.dropout_rate_per_year": 0.0})
    ev = _events(sc, reps=5, arm="programme")
    leaving = [Event.COMPLETED, Event.DROPPED_OUT, Event.EXITED_PREGNANT, Event.DEATH]
    for rep in range(5):
        r = ev[ev[:, 0] == rep]
        changes = []  # (month, +1 enrol / -1 leave)
        for woman in np.unique(r[r[:, 3] == Event.ENROLLED, 1]):
            w = r[r[:, 1] == woman]
            for start in w[w[:, 3] == Event.ENROLLED, 2]:
                ends = w[np.isin(w[:, 3], leaving) & (w[:, 2] >= start), 2]
                changes.append((start, 1))
                if len(ends):
                    changes.append((ends.min(), -1))
        changes.sort(key=lambda c: (c[0], c[1]))  # leavers before joiners at the same time
        on_programme = np.cumsum([c[1] for c in changes])
        assert on_programme.max() == sc.capacity  # full, never over


def test_programme_without_effect_leaves_outcomes_identical(national):
    """Paired arms with common random numbers: if the programme changes no hazard, every
    pregnancy, birth and care entry is the same in both arms, although women enrol and leave."""
    no_effect = national.with_overrides({
        "programme.already_on_larc_probability": 0.0,
        "programme.larc_uptake_probability": 0.0,
        "programme.pregnancy_rate_ratio_without_larc": 1.0,
        "post_programme.pregnancy_rate_ratio": 1.0,
        "post_programme.removal_rate_ratio_completed": 1.0,
        "post_programme.removal_rate_ratio_dropout": 1.0,
        "outreach.declined_pregnancy_rate_ratio": 1.0,
    })
    rates = Rates.from_scenario(no_effect)
    for rep in range(5):
        logs = simulate_replication(no_effect, 3, rep, rates)
        p, c = logs.programme.arrays(), logs.counterfactual.arrays()
        assert (p[2] == Event.ENROLLED).sum() > 0
        for event in (Event.CONCEPTION, Event.LIVE_BIRTH, Event.CARE_ENTRY, Event.DEATH):
            mp, mc = p[2] == event, c[2] == event
            assert np.array_equal(p[0][mp], c[0][mc])
            np.testing.assert_allclose(p[1][mp], c[1][mc], rtol=0, atol=1e-9)


def test_programme_with_effect_reduces_pregnancies(national):
    rates = Rates.from_scenario(national)
    fewer = 0
    for rep in range(10):
        logs = simulate_replication(national, 5, rep, rates)
        fewer += ((logs.counterfactual.arrays()[2] == Event.CONCEPTION).sum()
                  - (logs.programme.arrays()[2] == Event.CONCEPTION).sum())
    assert fewer > 0


@pytest.mark.parametrize("rep", [0, 1])
def test_replications_are_reproducible(national, rep):
    a = simulate_replication(national, 9, rep)
    b = simulate_replication(national, 9, rep)
    for arm in ("programme", "counterfactual"):
        for x, y in zip(getattr(a, arm).arrays(), getattr(b, arm).arrays()):
            assert np.array_equal(x, y)

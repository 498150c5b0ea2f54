"""The two engines: the same model, replication by replication; and the model against closed forms.

The SimPy engine (the readable reference) and the compiled engine share their rules, women and
random numbers, so they must give *identical* tallies for the same seed, on every built-in scenario
and on variants that switch on every mechanism and every structural option (priority by removals,
capacity, re-offers, single cohorts, exit routes, ageing, long horizons...). Counts must be equal;
times spent (woman- and child-months) may differ by floating-point rounding only (1e-9).

Statistical checks use fixed seeds and a tolerance of 4 Monte Carlo standard errors (two-sided
false-alarm rate ~6e-5), with the standard error computed from the simulated counts (Poisson).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.core import scenario as scenario_mod
from simulation.engine import simulate_reps as simpy_reps
from simulation.fast import simulate_reps as fast_reps
from simulation.model import population
from simulation.model.layout import INDEX, SOURCES, TALLIED
from simulation.model.rates import Rates

Z = 4.0
COUNTS = [i for i, name in enumerate(TALLIED) if not name.endswith("months")
          and not name.startswith("child_months")]
TIMES = [i for i in range(len(TALLIED)) if i not in COUNTS]

#: Rows only the programme arm counts (offers, decisions, enrolment, LARC, assessments).
PROGRAMME_ONLY = {"offers", "women_offered", "declined", "turned_away", "pregnant_at_decision",
                  "enrolled", "larc_started", "larc_stopped", "dropped_out", "completed",
                  "exited_pregnant", "enrolled_months", "assessed_early", "assessed_early_on_larc",
                  "assessed_later", "assessed_later_on_larc"}

VARIANTS = {
    "every mechanism": {"authority.system_effect_per_year": 11.4,
                        "outreach.declined_pregnancy_rate_ratio": 0.5,
                        "outreach.declined_effect_months": 9.0,
                        "post_programme.pregnancy_rate_ratio": 0.5,
                        "post_programme.removal_rate_ratio_completed": 0.5,
                        "post_programme.removal_rate_ratio_dropout": 0.7},
    # a spill-over longer than a cycle: it must end when a woman who declined later enrols
    "long spill-over, early exits": {"outreach.declined_pregnancy_rate_ratio": 0.4,
                                     "outreach.declined_effect_months": 40.0,
                                     "programme.dropout_rate_per_year": 1.5},
    "single cohort, lead-in": {"practice.successive_cycles": False, "practice.lead_in_months": 2.5,
                               "authority.system_effect_per_year": 7.6,
                               "authority.effect_half_life_after_stop_months": 6.0},
    "crowded, no re-offers": {"outreach.reoffer_declined": False, "practice.practitioners": 1,
                              "practice.caseload_per_practitioner": 3,
                              "outreach.enrol_probability": 0.9,
                              "outreach.max_women_offered_per_cycle": 200},
    "priority by removals": {"pregnancy.rate_ratio_per_extra_removal": 1.6,
                             "outreach.max_women_offered_per_cycle": 12,
                             "population.prior_removals_probabilities":
                                 [0.2, 0.2, 0.2, 0.2, 0.1, 0.05, 0.05]},
    "no mortality, no dropout": {"mortality.general_population_rate_per_year": 0.0,
                                 "programme.dropout_rate_per_year": 0.0,
                                 "pregnancy.frailty_shape": 0.3},
    "no exits, long horizon": {"care.exit_routes": False, "practice.horizon_months": 151,
                               "pregnancy.counterfactual_rate_per_year": 0.6},
    "young, steep age curve": {"population.age_band_probabilities": [0.5, 0.5, 0, 0, 0, 0, 0],
                               "pregnancy.age_rate_ratios": [2, 1.5, 1, 1, 0.5, 0.2, 0.05]},
    "persistence, no enrolment effect": {"programme.pregnancy_rate_ratio_without_larc": 1.0,
                                         "programme.already_on_larc_probability": 0.0,
                                         "programme.larc_uptake_probability": 0.0,
                                         "post_programme.pregnancy_rate_ratio": 0.3},
    "no practice": {"practice.operates": False, "authority.system_effect_per_year": 19.0,
                    "outreach.declined_pregnancy_rate_ratio": 0.5},
}


def _same(a, b):
    (ta, pa), (tb, pb) = a, b
    assert np.array_equal(ta[:, :, COUNTS], tb[:, :, COUNTS]), "counts differ between engines"
    np.testing.assert_allclose(ta[:, :, TIMES], tb[:, :, TIMES], rtol=0, atol=1e-9)
    np.testing.assert_allclose(pa, pb, rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", scenario_mod.builtin_names())
def test_engines_agree_on_builtin_scenarios(name):
    sc = scenario_mod.load(name)
    reps = [0, 1, 2, 3, 17, 18]
    fast = fast_reps(sc, 42, reps)
    slow = simpy_reps(sc, 42, reps)[:2]
    _same(fast, slow)


@pytest.mark.parametrize("variant", VARIANTS)
def test_engines_agree_on_every_mechanism(uncalibrated, variant):
    sc = uncalibrated.with_overrides(VARIANTS[variant])
    reps = list(range(8))
    _same(fast_reps(sc, 7, reps), simpy_reps(sc, 7, reps)[:2])


def test_a_replication_depends_only_on_its_number(uncalibrated):
    all_reps = fast_reps(uncalibrated, 3, list(range(30)))[0]
    some = fast_reps(uncalibrated, 3, [29, 4, 26])[0]
    np.testing.assert_array_equal(some, all_reps[[29, 4, 26]])
    other_seed = fast_reps(uncalibrated, 4, [4])[0]
    assert not np.array_equal(other_seed[0], all_reps[4])


# ----------------------------------------------------------------- common random numbers
def _cohort(tally, arm, quantity="care_entries"):
    return sum(tally[:, arm, INDEX[f"{quantity}_{s}"]] for s in SOURCES[:-1])


def test_a_practice_that_enrols_nobody_changes_nothing(uncalibrated):
    """No enrolment: no system effect (the authority layer is identical in both arms) even with
    every mechanism on; and with the spill-over at no effect, both arms are identical."""
    sc = uncalibrated.with_overrides({**VARIANTS["every mechanism"],
                                      "outreach.enrol_probability": 0.0})
    tally, post = fast_reps(sc, 5, list(range(40)))
    assert tally[:, 0, INDEX["enrolled"]].sum() == 0
    for name in ("deaths", "care_entries_authority", "child_months_in_care_authority"):
        np.testing.assert_array_equal(tally[:, 0, INDEX[name]], tally[:, 1, INDEX[name]])
    # every offered woman declines, so a spill-over of 0.5 does change her pregnancies
    assert tally[:, 0, INDEX["pregnancies"]].sum() < tally[:, 1, INDEX["pregnancies"]].sum()
    sc = sc.with_overrides({"outreach.declined_pregnancy_rate_ratio": 1.0})
    tally, post = fast_reps(sc, 5, list(range(40)))
    outcomes = [INDEX[n] for n in TALLIED if n not in PROGRAMME_ONLY]
    # (times in care are summed in a different order in the two arms: equal to rounding)
    np.testing.assert_allclose(tally[:, 0, outcomes], tally[:, 1, outcomes], rtol=1e-12)
    np.testing.assert_allclose(post[:, 0], post[:, 1], rtol=1e-12)


def test_no_practice_is_no_action(uncalibrated):
    """practice.operates = false: no offers at all, so both arms are the same in every
    replication, whatever the mechanisms' strengths."""
    sc = uncalibrated.with_overrides({**VARIANTS["every mechanism"], "practice.operates": False})
    tally, post = fast_reps(sc, 5, list(range(40)))
    assert tally[:, 0, INDEX["offers"]].sum() == 0
    outcomes = [INDEX[n] for n in TALLIED if n not in PROGRAMME_ONLY]
    np.testing.assert_allclose(tally[:, 0, outcomes], tally[:, 1, outcomes], rtol=1e-12)
    np.testing.assert_allclose(post[:, 0], post[:, 1], rtol=1e-12)


def test_without_a_system_effect_the_authority_layer_is_the_same_in_both_arms(uncalibrated):
    sc = uncalibrated.with_overrides({"authority.system_effect_per_year": 0.0,
                                      "outreach.declined_pregnancy_rate_ratio": 1.0})
    tally = fast_reps(sc, 8, list(range(40)))[0]
    assert tally[:, 0, INDEX["enrolled"]].sum() > 0
    for q in ("care_entries", "child_months_in_care", "adoptions", "special_guardianship"):
        np.testing.assert_array_equal(tally[:, 0, INDEX[f"{q}_authority"]],
                                      tally[:, 1, INDEX[f"{q}_authority"]])


def test_entries_before_a_womans_first_decision_are_equal_in_both_arms(uncalibrated):
    sc = uncalibrated.with_overrides(VARIANTS["every mechanism"])
    tally = fast_reps(sc, 9, list(range(60)))[0]
    for q in ("care_entries", "child_months_in_care", "adoptions", "special_guardianship"):
        np.testing.assert_array_equal(tally[:, 0, INDEX[f"{q}_not_offered"]],
                                      tally[:, 1, INDEX[f"{q}_not_offered"]])


# --------------------------------------------------------------------- authority layer
def _expected_reduction(sc, enrolled_before, month):
    """The system effect as evidence.md s0.1-0.2 and docs/model.md state it, written out here:
    ``system_effect_per_year`` of the authority's other entries a year (per-practice form), none
    before the first enrolment, building up with women enrolled, and after the practice stops
    ending (half-life 0) or halving every half-life."""
    share = min(1.0, sc["authority.system_effect_per_year"]
                / sc["authority.other_infant_care_entries_per_year"])
    effect = share * min(1.0, enrolled_before / sc["authority.women_for_full_effect"])
    stops = math.inf if sc["practice.successive_cycles"] else \
        sc["practice.lead_in_months"] + sc["practice.outreach_months"] + \
        sc["practice.programme_months"]
    if month > stops:
        half_life = sc["authority.effect_half_life_after_stop_months"]
        effect = 0.0 if half_life == 0 else effect * 0.5 ** ((month - stops) / half_life)
    return effect


@pytest.mark.parametrize("successive,half_life", [(True, 0.0), (False, 10.0), (False, 0.0)])
def test_system_effect_rate_matches_its_definition(uncalibrated, successive, half_life):
    """Avoided authority entries are a thinned Poisson count: given the replication's
    enrolments, their expectation is rate x integral of the reduction; the total over
    replications is Poisson, so its standard error is the square root of the expectation."""
    sc = uncalibrated.with_overrides({"authority.system_effect_per_year": 15.2,
                                      "authority.women_for_full_effect": 40.0,
                                      "authority.effect_half_life_after_stop_months": half_life,
                                      "practice.successive_cycles": successive})
    tally = fast_reps(sc, 13, list(range(300)))[0]
    rate = sc["authority.other_infant_care_entries_per_year"] / 12.0
    enrolled = np.cumsum(tally[:, 0, INDEX["enrolled"]], axis=-1)
    expected = 0.0
    for rep in range(tally.shape[0]):
        for m in range(tally.shape[-1]):
            before = enrolled[rep, m - 1] if m else 0.0
            # the reduction halves continuously after the practice stops: integrate by quadrature
            grid = m + (np.arange(20) + 0.5) / 20
            expected += rate * np.mean([_expected_reduction(sc, before, t) for t in grid])
    observed = (tally[:, 1, INDEX["care_entries_authority"]]
                - tally[:, 0, INDEX["care_entries_authority"]]).sum()
    assert abs(observed - expected) < Z * math.sqrt(expected), (observed, expected)


def test_nothing_of_the_system_effect_falls_before_the_first_enrolment(uncalibrated):
    """A large system effect, outreach starting at month 9: in every replication, no other
    mother's infant care entry is prevented in a month before the practice's first enrolment
    (the authority layer is identical in both arms until then)."""
    sc = uncalibrated.with_overrides({"authority.system_effect_per_year": 30.0,
                                      "authority.women_for_full_effect": 5.0,
                                      "practice.lead_in_months": 9.0})
    tally = fast_reps(sc, 21, list(range(100)))[0]
    enrolled = tally[:, 0, INDEX["enrolled"]]
    assert enrolled.sum() > 0
    first = np.argmax(enrolled > 0, axis=-1)  # month of each replication's first enrolment
    avoided = tally[:, 1, INDEX["care_entries_authority"]] - \
        tally[:, 0, INDEX["care_entries_authority"]]
    for rep in range(len(first)):
        # the month of the first enrolment uses the enrolments *before* it: none
        assert not avoided[rep, : first[rep] + 1].any(), rep
    assert avoided.sum() > 0  # (and the effect does act afterwards)


@pytest.mark.parametrize("form,ratio", [("per-practice", 1.0), ("share-of-entries", 2.0)])
def test_doubling_the_authoritys_other_entries_changes_the_effect_only_as_its_form_says(
        uncalibrated, form, ratio):
    """Other mothers' infant care entries prevented, with the authority's other entries at 30
    and at 60 a year: the same in expectation (per-practice) or twice as many
    (share-of-entries). The counts are thinned Poisson totals: tolerance Z standard errors of
    the difference, sqrt(a + b ratio^2)."""
    def prevented(entries):
        sc = uncalibrated.with_overrides({"authority.system_effect_per_year": 8.0,
                                          "authority.system_effect_form": form,
                                          "authority.other_infant_care_entries_per_year":
                                              entries})
        tally = fast_reps(sc, 23, list(range(200)))[0]
        return float((tally[:, 1, INDEX["care_entries_authority"]]
                      - tally[:, 0, INDEX["care_entries_authority"]]).sum())

    a, b = prevented(30.0), prevented(60.0)
    assert a > 100
    assert abs(b - ratio * a) < Z * math.sqrt(b + ratio ** 2 * a), (a, b)


# ------------------------------------------------------------------------- closed forms
#: No programme uptake, no individual heterogeneity, a flat age curve: a constant hazard.
CONSTANT = {"outreach.enrol_probability": 0.0, "pregnancy.frailty_shape": 1000.0,
            "pregnancy.age_rate_ratios": [1.0] * 7,
            "pregnancy.counterfactual_rate_per_year": 0.3,
            "population.eligible_women_at_start": 300,
            "population.new_eligible_women_per_year": 0.0}


def test_mortality_rate_matches_its_configuration(uncalibrated):
    sc = uncalibrated.with_overrides({**CONSTANT, "mortality.relative_risk": 50.0})
    tally = fast_reps(sc, 21, list(range(40)))[0]
    deaths = tally[:, 1, INDEX["deaths"]].sum()
    years = tally[:, 1, INDEX["woman_months"]].sum() / 12.0
    expected = years * sc["mortality.general_population_rate_per_year"] * 50.0
    assert abs(deaths - expected) < Z * math.sqrt(expected)


def _first_conceptions(sc, reps, seed):
    """Per woman: arrival, age when eligible, base fertility, first conception (or inf) and the
    end of her follow-up (death or horizon), from the SimPy engine's event log."""
    _, _, events = simpy_reps(sc, seed, reps, keep_events=True)
    cf = events[events.arm == "counterfactual"]
    women = population.draw(sc, seed, reps)
    rows = []
    for j, rep in enumerate(reps):
        mine = cf[cf.rep == rep]
        first = mine[mine.event == "conception"].groupby("woman").month.min()
        death = mine[mine.event == "death"].groupby("woman").month.min()
        sel = women.rep == j
        for w, a, age, f in zip(women.woman[sel], women.arrival_month[sel], women.age_years[sel],
                                women.base_fertility[sel]):
            end = min(death.get(w, math.inf), sc["practice.horizon_months"])
            rows.append((a, age, f, first.get(w, math.inf), end))
    return np.array(rows)


def _integrated_hazard(a, age, f, until, ratios):
    """Integral of f x ratio(current age band) from arrival to ``until`` (ratios by band, 0 from
    50), stepping through the band edges."""
    edges = [16, 20, 25, 30, 35, 40, 45, 50]
    total, t = 0.0, a
    while t < until:
        now = age + (t - a) / 12.0
        band = sum(now >= e for e in edges[1:])
        nxt = a + 12.0 * (edges[band + 1] - age) if band < 7 else math.inf
        step = min(until, nxt) - t
        total += f * (ratios[band] if band < 7 else 0.0) * step
        t += step
    return total


def test_ageing_lowers_fertility_as_the_age_curve_says(uncalibrated):
    """Time to a woman's first conception: its integrated hazard, taking the current age band,
    is a unit exponential, so first conceptions over replications are Poisson with mean the
    summed integrated hazard. Women start under 20, where the curve is 4 times higher, and most
    pass 20 within the horizon: an engine that did not age them would conceive ~2-3 times too
    often (and one that aged them twice as fast too rarely)."""
    ratios = [4.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    sc = uncalibrated.with_overrides({**CONSTANT, "pregnancy.age_rate_ratios": ratios,
                                      "population.age_band_probabilities":
                                          [1.0, 0, 0, 0, 0, 0, 0],
                                      "pregnancy.counterfactual_rate_per_year": 0.08,
                                      "population.eligible_women_at_start": 200})
    rows = _first_conceptions(sc, list(range(12)), 31)
    norm = np.dot(scenario_mod.BY_KEY["population.age_band_probabilities"].default, ratios)
    expected = sum(_integrated_hazard(a, age, f, min(first, end), np.array(ratios) / norm)
                   for a, age, f, first, end in rows)
    observed = np.isfinite(rows[:, 3]).sum()
    no_ageing = sum(f * ratios[0] / norm * (min(first, end) - a)
                    for a, age, f, first, end in rows)
    assert abs(observed - expected) < Z * math.sqrt(expected), (observed, expected)
    assert no_ageing > expected + 2 * Z * math.sqrt(expected)  # the test can tell the difference


def test_care_entries_follow_births_with_the_removal_probability(uncalibrated):
    """Without the programme, each live birth's infant enters care with probability p: entries
    over births, for births early enough that any entry falls within the horizon (binomial)."""
    sc = uncalibrated.with_overrides({**CONSTANT, "care.removal_probability": 0.55,
                                      "practice.horizon_months": 120.0})
    tally = fast_reps(sc, 5, list(range(20)))[0]
    births = tally[:, 1, INDEX["live_births"], :100].sum()
    entries = _cohort(tally, 1)[:, :113].sum()  # births in months 0-99 enter by month 112
    late = _cohort(tally, 1)[:, :100].sum() - entries  # (none: equality below is exact)
    # an entry in months 100-112 may come from a birth before month 100 or after: bound both ways
    upper = _cohort(tally, 1)[:, :113].sum()
    lower = _cohort(tally, 1)[:, :100].sum()
    p = 0.55
    sd = math.sqrt(births * p * (1 - p))
    assert lower - Z * sd < births * p < upper + Z * sd
    assert late <= 0


def test_capacity_is_never_exceeded(uncalibrated):
    """Women enrolled in any month, on average over the month, never exceed the places."""
    sc = uncalibrated.with_overrides(VARIANTS["crowded, no re-offers"])
    tally = fast_reps(sc, 3, list(range(40)))[0]
    assert tally[:, 0, INDEX["enrolled_months"]].max() <= sc.capacity + 1e-9
    assert tally[:, 0, INDEX["turned_away"]].sum() > 0  # places did run out


def test_enrolment_share_matches_the_probability_when_places_are_ample(uncalibrated):
    sc = uncalibrated.with_overrides({"practice.practitioners": 30,
                                      "practice.caseload_per_practitioner": 12,
                                      "outreach.enrol_probability": 0.35})
    tally = fast_reps(sc, 4, list(range(60)))[0]
    enrolled = tally[:, 0, INDEX["enrolled"]].sum()
    declined = tally[:, 0, INDEX["declined"]].sum()
    n = enrolled + declined
    assert tally[:, 0, INDEX["turned_away"]].sum() == 0
    assert abs(enrolled - 0.35 * n) < Z * math.sqrt(n * 0.35 * 0.65)


def test_a_programme_with_an_effect_reduces_pregnancies(uncalibrated):
    tally = fast_reps(uncalibrated, 6, list(range(40)))[0]
    assert tally[:, 0, INDEX["pregnancies"]].sum() < 0.9 * tally[:, 1, INDEX["pregnancies"]].sum()


def test_rates_are_in_the_engines_units(uncalibrated):
    r = Rates.from_scenario(uncalibrated)
    assert r.dropout == pytest.approx(uncalibrated["programme.dropout_rate_per_year"] / 12)
    assert r.other_entries_per_month == pytest.approx(
        uncalibrated["authority.other_infant_care_entries_per_year"] / 12)
    ages = np.asarray(uncalibrated["population.age_band_probabilities"])
    assert np.dot(ages, r.age_ratios[:-1]) == pytest.approx(1.0)
    assert r.age_ratios[-1] == 0.0  # no pregnancies from 50

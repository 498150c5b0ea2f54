"""The parameter sets of a default run (simulation/results/draws.py, through
``study.parameter_plan``): what the bands include and hold fixed, given values, paired options, the
words that say what a band covers."""

from __future__ import annotations

from simulation.core import uncertainty as unc
from simulation.results import draws as draws_mod
from simulation.results import study


def test_default_plan_draws_costs_pathways_local_and_site_effects(national):
    """Old behaviour: only the calibrated parameters varied (unit costs, care pathways, the
    authority's figures identical in every parameter set; no site effect)."""
    sets, _, meta = study.parameter_plan([national], reps=40, seed=3, draws=20)
    sets = sets[0]
    for key in ("costs.in_house_foster_cost_per_week_gbp", "care.adoption_mean_months",
                "authority.other_infant_care_entries_per_year", "care.route_probabilities",
                "costs.cost_per_practitioner_fte_per_year_gbp"):
        assert len({repr(sc[key]) for sc in sets}) == 20, key
        assert key in meta["declared_drawn"]
    assert meta["site_variation"] == [s.key for s in unc.SITE_VARIATION]
    # the site effect moves enrolment beyond the posterior's own draws
    assert len({sc["outreach.enrol_probability"] for sc in sets}) == 20
    # candidate mechanisms without evidence stay at the scenario's value, and say so
    assert len({sc["outreach.declined_effect_months"] for sc in sets}) == 1
    assert "held fixed" in meta["band_covers"] and "unit costs" in meta["band_covers"]
    assert "site-to-site variation in enrolment" in meta["band_covers"]


def test_calibrated_only_keeps_the_old_plan(national):
    sets, _, meta = study.parameter_plan([national], reps=40, seed=3, draws=20,
                                         uncertainty="calibrated")
    assert len({sc["costs.in_house_foster_cost_per_week_gbp"] for sc in sets[0]}) == 1
    assert meta["declared_drawn"] == []


def test_given_values_are_not_drawn_nor_shifted_by_a_site_effect(national):
    sc = national.with_overrides({"outreach.enrol_probability": 0.3,
                                  "costs.adoption_cost_gbp": 30000.0})
    sets, _, meta = study.parameter_plan([sc], reps=20, seed=3, draws=10)
    assert {s["outreach.enrol_probability"] for s in sets[0]} == {0.3}
    assert {s["costs.adoption_cost_gbp"] for s in sets[0]} == {30000.0}
    assert "outreach.enrol_probability" not in meta["site_variation"]


def test_both_views_and_options_draw_the_same_quantiles(national):
    """Paired: an option with another unit cost gets the same quantile of the cost spread."""
    other = national.with_overrides({"practice.caseload_per_practitioner": 6}, given=True)
    sets, _, _ = study.parameter_plan([national, other], reps=20, seed=5, draws=10)
    a = [s["costs.residential_cost_per_week_gbp"] for s in sets[0]]
    b = [s["costs.residential_cost_per_week_gbp"] for s in sets[1]]
    assert a == b


def test_point_is_one_set_and_says_chance_alone(national):
    sets, _, meta = study.parameter_plan([national], reps=20, seed=3, draws=10,
                                         uncertainty="point")
    assert len(sets[0]) == 1 and "chance alone" in meta["band_covers"]


def test_covers_words_for_each_mode(national):
    for mode in ("posterior", "calibrated", "point"):
        _, _, meta = study.parameter_plan([national], reps=10, seed=1, draws=5,
                                          uncertainty=mode)
        assert meta["band_covers"] == draws_mod.covers(meta)

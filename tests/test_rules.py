"""Each model rule against its definition, written out independently here (docs/model.md §3)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.model import layout as L
from simulation.model.rates import Rates
from simulation.model.rules import py as rules


@pytest.fixture(scope="module")
def r(uncalibrated):
    return Rates.from_scenario(uncalibrated.with_overrides({
        "post_programme.removal_rate_ratio_completed": 0.5,
        "post_programme.removal_rate_ratio_dropout": 0.8,
        "post_programme.removal_effect_half_life_months": 24.0,
        "authority.system_effect_per_year": 15.2, "authority.women_for_full_effect": 50.0,
        "practice.successive_cycles": False,
        "authority.effect_half_life_after_stop_months": 10.0}))


def test_the_pregnancy_rate_by_state(r):
    base, band = 0.02, 2
    f = base * r.age_ratios[band]
    assert rules.pregnancy_rate(r, base, band, True, L.ENROLLED, False, False) == r.larc_failure
    assert rules.pregnancy_rate(r, base, band, False, L.ENROLLED, True, True) == \
        f * r.no_larc_ratio
    assert rules.pregnancy_rate(r, base, band, False, L.COMPLETED, True, True) == \
        f * r.post_pregnancy_ratio
    assert rules.pregnancy_rate(r, base, band, False, L.NOT_ENROLLED, False, True) == \
        f * r.declined_pregnancy_ratio
    assert rules.pregnancy_rate(r, base, band, False, L.NOT_ENROLLED, False, False) == f


def test_the_removal_probability_after_the_programme(r):
    p = r.removal_probability
    assert rules.removal_probability(r, L.ELIGIBLE, math.nan) == p
    assert rules.removal_probability(r, L.COMPLETED, 0.0) == pytest.approx(p * 0.5)
    assert rules.removal_probability(r, L.COMPLETED, 24.0) == pytest.approx(p * 0.75)
    assert rules.removal_probability(r, L.DROPPED_OUT, 48.0) == pytest.approx(p * (1 - 0.2 / 4))


def test_the_care_delay_is_the_newborn_share_then_uniform(r):
    share = r.newborn_share
    assert rules.care_delay(r, share / 2) == pytest.approx(0.5)
    assert rules.care_delay(r, share) == pytest.approx(1.0)
    assert rules.care_delay(r, 1 - 1e-12) == pytest.approx(12.0)


def test_care_routes_and_weibull_times(r):
    assert rules.care_episode(r, 0.0, 0.5, 0.3)[0] == L.ADOPTION
    assert rules.care_episode(r, r.route_adoption + 1e-9, 0.5, 0.3)[0] == L.SPECIAL_GUARDIANSHIP
    assert rules.care_episode(r, r.route_guardianship + 1e-9, 0.5, 0.3)[0] == L.RETURN_HOME
    route, months = rules.care_episode(r, 0.999, 0.5, 3.0)
    assert route == L.STAYS and months == 216.0 - 3.0
    u = (np.arange(20000) + 0.5) / 20000  # quadrature of the Weibull mean
    mean = np.mean([rules.care_episode(r, 0.0, x, 0.0)[1] for x in u])
    assert mean == pytest.approx(r.adoption_scale * math.gamma(1 + 1 / r.duration_shape),
                                 rel=1e-3)
    stays = r._replace(exit_routes=False)
    assert rules.care_episode(stays, 0.0, 0.5, 1.0) == (L.STAYS, 215.0)


def test_the_source_of_a_pregnancy(r):
    inf = math.inf
    assert rules.source_at(5.0, inf, inf, inf) == L.NOT_OFFERED
    assert rules.source_at(5.0, 4.0, inf, inf) == L.DECLINED
    assert rules.source_at(5.0, 1.0, 4.0, inf) == L.ENROLLED_SOURCE
    assert rules.source_at(5.0, 1.0, 4.0, 5.0) == L.ENROLLED_SOURCE  # exits at conception
    assert rules.source_at(5.0, 1.0, 4.0, 4.5) == L.AFTER_PROGRAMME


def test_the_system_effect_builds_up_and_fades(r):
    assert rules.system_reduction(r, 0.0, 10.0) == 0.0
    assert rules.system_reduction(r, 25.0, 10.0) == pytest.approx(0.2)
    assert rules.system_reduction(r, 500.0, 10.0) == pytest.approx(0.4)
    stop = r.practice_stops
    assert rules.system_reduction(r, 500.0, stop + 10.0) == pytest.approx(0.2)
    assert rules.system_reduction(r._replace(system_effect=0.0), 500.0, 10.0) == 0.0


def test_no_system_effect_before_the_first_enrolment_and_by_default_none_after_a_stop(r):
    assert rules.system_reduction(r, 0.0, 30.0) == 0.0  # nobody enrolled yet
    assert rules.system_reduction(r, 1.0, 0.5) == pytest.approx(0.4 / 50.0)
    ended = r._replace(effect_half_life=0.0)  # the default: it ends when the practice stops
    stop = ended.practice_stops
    assert rules.system_reduction(ended, 500.0, stop) == pytest.approx(0.4)
    assert rules.system_reduction(ended, 500.0, stop + 1e-6) == 0.0


@pytest.mark.parametrize("form,entries,share", [
    ("per-practice", 38.0, 10.0 / 38.0), ("per-practice", 76.0, 10.0 / 76.0),
    ("per-practice", 5.0, 1.0), ("share-of-entries", 38.0, 10.0 / 38.0),
    ("share-of-entries", 76.0, 10.0 / 38.0), ("per-practice", 0.0, 0.0)])
def test_the_system_effects_form_scales_with_the_authority_as_documented(uncalibrated, form,
                                                                         entries, share):
    """10 entries a year prevented at full effect: the same number in any authority
    (per-practice, capped at all of them) or the same share as in the measured authorities of
    ~38 other entries a year (share-of-entries)."""
    sc = uncalibrated.with_overrides({"authority.system_effect_per_year": 10.0,
                                      "authority.system_effect_form": form,
                                      "authority.other_infant_care_entries_per_year": entries})
    assert Rates.from_scenario(sc).system_effect == pytest.approx(share)


def test_age_bands_and_their_edges():
    assert [rules.age_band(a) for a in (16.0, 19.99, 20.0, 44.9, 49.99, 50.0, 61.0)] == \
        [0, 0, 1, 5, 6, 7, 7]
    assert rules.next_band_month(6.0, 19.5, 0) == pytest.approx(6.0 + 6.0)
    assert rules.next_band_month(0.0, 55.0, 7) == math.inf


def test_deaths_dropouts_and_decisions(r):
    assert rules.death_month(r, 3.0, 1.0) == pytest.approx(3.0 + 1.0 / r.death)
    assert rules.death_month(r._replace(death=0.0), 3.0, 1.0) == math.inf
    assert rules.dropout_month(r, 2.0, 0.5) == pytest.approx(2.0 + 0.5 / r.dropout)
    assert rules.decision_month(12.0, 15.0, 0.5) == 13.5
    assert rules.willing(r, r.enrol_probability - 1e-9) and not rules.willing(r,
                                                                             r.enrol_probability)


# ------------------------------------------------------------------ event decisions
# State transitions both engines take from the rules (issue 24): each against its definition.
STATUSES = (L.ELIGIBLE, L.NOT_ENROLLED, L.ENROLLED, L.COMPLETED, L.DROPPED_OUT)


def test_a_death_at_the_very_month_of_an_event_comes_first():
    assert rules.alive_at(5.0, 5.0 + 1e-9) and not rules.alive_at(5.0, 5.0)
    assert not rules.alive_at(6.0, 5.0) and rules.alive_at(1e6, math.inf)
    # present: eligible by then (from her arrival month on) and alive
    assert rules.present(3.0, 3.0, 10.0) and rules.present(9.9, 3.0, 10.0)
    assert not rules.present(2.9, 3.0, 10.0) and not rules.present(10.0, 3.0, 10.0)


@pytest.mark.parametrize("status", STATUSES)
def test_an_enrolled_woman_leaves_as_dropped_out_when_she_conceives_or_dies(status):
    expected = L.DROPPED_OUT if status == L.ENROLLED else status
    assert rules.status_at_conception(status) == expected
    assert rules.status_at_death(status) == expected


def test_not_enrolling_makes_an_eligible_woman_not_enrolled_from_then_on():
    inf = math.inf
    assert rules.after_not_enrolling(L.ELIGIBLE, inf, 7.5) == (L.NOT_ENROLLED, 7.5)
    # offered again (re-offers) and not enrolling again: the first month stays
    assert rules.after_not_enrolling(L.NOT_ENROLLED, 3.0, 7.5) == (L.NOT_ENROLLED, 3.0)


def test_the_spill_over_starts_at_a_decline_and_ends_at_enrolment(r):
    spill = r._replace(declined_effect_months=9.0)
    inf = math.inf
    assert rules.spill_over_end(spill, L.M_DECLINED, 12.0, inf) == 21.0
    assert rules.spill_over_end(spill, L.M_DECLINED, 12.0, 15.0) == 21.0  # a new decline restarts
    assert rules.spill_over_end(spill, L.M_ENROLLED, 12.0, 15.0) == inf  # enrolling ends it
    for other in (L.M_TURNED_AWAY, L.M_PREGNANT_AT_DECISION):  # these leave it as it was
        assert rules.spill_over_end(spill, other, 12.0, 15.0) == 15.0
        assert rules.spill_over_end(spill, other, 12.0, inf) == inf
    off = r._replace(declined_effect_months=0.0)  # no lasting effect of a decline
    assert rules.spill_over_end(off, L.M_DECLINED, 12.0, inf) == inf


def test_the_first_care_entry_is_counted_once_for_women_on_the_scoping_list():
    assert rules.on_scoping_list(0.0) and not rules.on_scoping_list(0.5)
    assert rules.counts_first_care_entry(True, False)
    assert not rules.counts_first_care_entry(True, True)  # counted already
    assert not rules.counts_first_care_entry(False, False)  # eligible later: not on the list


def test_the_next_conception_clock_starts_after_the_postpartum_months(r):
    assert r.postpartum_months > 0
    assert rules.next_conception_clock(r, 20.0) == 20.0 + r.postpartum_months
    assert rules.next_conception_clock(r._replace(postpartum_months=0.0), 20.0) == 20.0


def test_leaving_is_due_at_the_dropout_month_or_the_programme_end_whichever_first():
    assert rules.leaving_month(14.0, 18.0) == 14.0
    assert rules.leaving_month(math.inf, 18.0) == 18.0
    assert rules.leaving_status(14.0, 18.0) == L.DROPPED_OUT
    assert rules.leaving_status(math.inf, 18.0) == L.COMPLETED
    assert rules.leaving_row(L.DROPPED_OUT) == L.M_DROPPED_OUT
    assert rules.leaving_row(L.COMPLETED) == L.M_COMPLETED


def test_the_post_programme_effect_lasts_its_months_for_completers_only(r):
    on = r._replace(post_pregnancy_ratio=0.5, post_pregnancy_months=12.0)
    assert rules.persistence_end(on, L.COMPLETED, 20.0) == 32.0
    assert rules.persistence_end(on, L.DROPPED_OUT, 20.0) == math.inf
    assert rules.persistence_end(on._replace(post_pregnancy_ratio=1.0), L.COMPLETED, 20.0) == \
        math.inf  # no effect to last
    assert rules.persistence_end(on._replace(post_pregnancy_months=0.0), L.COMPLETED, 20.0) == \
        math.inf


def test_an_infant_enters_care_when_its_draw_is_below_the_removal_probability(r):
    p = r.removal_probability * 0.5  # completed at exit (ratio 0.5), housing support no effect
    assert r.housing_removal_ratio == 1.0
    assert rules.infant_enters_care(r, True, L.COMPLETED, 0.0, p - 1e-12)
    assert not rules.infant_enters_care(r, True, L.COMPLETED, 0.0, p + 1e-12)
    # the other arm's infants: the base probability whatever her status
    q = r.removal_probability
    assert rules.infant_enters_care(r, False, L.COMPLETED, 0.0, q - 1e-12)
    assert not rules.infant_enters_care(r, False, L.COMPLETED, 0.0, q + 1e-12)

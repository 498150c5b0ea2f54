"""A scenario's values in the engines' units: months, hazards per woman-month, probabilities.

:class:`Rates` is a named tuple of plain numbers, so the same object is read by the SimPy
engine's processes and passed to the compiled (Numba) kernel.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from simulation.core.parameters import AGE_BANDS, BY_KEY
from simulation.core.scenario import Scenario


class Rates(NamedTuple):
    capacity: int
    operates: bool
    lead_in_months: float
    outreach_months: float
    programme_months: float
    successive_cycles: bool
    horizon_months: float
    max_offered: int
    enrol_probability: float
    reoffer_declined: bool
    declined_pregnancy_ratio: float
    declined_effect_months: float
    already_on_larc: float
    larc_uptake: float
    time_to_larc: float
    larc_stop_on_programme: float
    larc_stop_after: float
    dropout: float
    no_larc_ratio: float
    post_pregnancy_ratio: float
    post_pregnancy_months: float
    removal_ratio_completed: float
    removal_ratio_dropout: float
    removal_half_life: float
    housing_removal_ratio: float  # risk ratio, after the programme (1: none)
    larc_failure: float
    live_birth_probability: float
    gestation_months: float
    loss_months: float
    postpartum_months: float
    removal_probability: float
    newborn_share: float
    exit_routes: bool
    route_adoption: float      # cumulative shares: adoption, + SGO, + return home
    route_guardianship: float
    route_home: float
    adoption_scale: float      # Weibull scales (months)
    guardianship_scale: float
    home_scale: float
    duration_shape: float
    death: float
    age_ratios: tuple          # by current age band (normalised), then 0 from age 50
    other_entries_per_month: float
    system_effect: float       # share of other mothers' entries prevented at the full effect
    women_for_full_effect: float
    effect_half_life: float
    practice_stops: float      # month the practice stops (inf: runs beyond the horizon)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> "Rates":
        p = scenario.params()
        routes = np.cumsum(p.care.route_probabilities)
        gamma = math.gamma(1.0 + 1.0 / p.care.duration_shape)
        ratios = np.asarray(p.pregnancy.age_rate_ratios, dtype=float)
        ratios = ratios / float(np.dot(REFERENCE_AGES, ratios))  # mean 1 at the national mix
        cycle = p.practice.outreach_months + p.practice.programme_months
        stops = math.inf if p.practice.successive_cycles else p.practice.lead_in_months + cycle
        return cls(
            capacity=scenario.capacity,
            operates=p.practice.operates,
            lead_in_months=p.practice.lead_in_months,
            outreach_months=p.practice.outreach_months,
            programme_months=p.practice.programme_months,
            successive_cycles=p.practice.successive_cycles,
            horizon_months=p.practice.horizon_months,
            max_offered=p.outreach.max_women_offered_per_cycle,
            enrol_probability=p.outreach.enrol_probability,
            reoffer_declined=p.outreach.reoffer_declined,
            declined_pregnancy_ratio=p.outreach.declined_pregnancy_rate_ratio,
            declined_effect_months=p.outreach.declined_effect_months,
            already_on_larc=p.programme.already_on_larc_probability,
            larc_uptake=p.programme.larc_uptake_probability,
            time_to_larc=p.programme.time_to_larc_months,
            larc_stop_on_programme=p.programme.larc_stop_rate_per_year / 12,
            larc_stop_after=p.post_programme.larc_stop_rate_per_year / 12,
            dropout=p.programme.dropout_rate_per_year / 12,
            no_larc_ratio=p.programme.pregnancy_rate_ratio_without_larc,
            post_pregnancy_ratio=p.post_programme.pregnancy_rate_ratio,
            post_pregnancy_months=p.post_programme.pregnancy_effect_months,
            removal_ratio_completed=p.post_programme.removal_rate_ratio_completed,
            removal_ratio_dropout=p.post_programme.removal_rate_ratio_dropout,
            removal_half_life=p.post_programme.removal_effect_half_life_months,
            housing_removal_ratio=p.post_programme.housing_support_removal_ratio,
            larc_failure=p.pregnancy.larc_failure_rate_per_year / 12,
            live_birth_probability=p.pregnancy.live_birth_probability,
            gestation_months=p.pregnancy.gestation_months,
            loss_months=p.pregnancy.loss_months,
            postpartum_months=p.pregnancy.postpartum_months,
            removal_probability=p.care.removal_probability,
            newborn_share=p.care.newborn_share,
            exit_routes=p.care.exit_routes,
            route_adoption=float(routes[0]),
            route_guardianship=float(routes[1]),
            route_home=float(routes[2]),
            adoption_scale=p.care.adoption_mean_months / gamma,
            guardianship_scale=p.care.special_guardianship_mean_months / gamma,
            home_scale=p.care.return_home_mean_months / gamma,
            duration_shape=p.care.duration_shape,
            death=p.mortality.general_population_rate_per_year * p.mortality.relative_risk / 12,
            age_ratios=tuple(float(x) for x in ratios) + (0.0,),
            other_entries_per_month=p.authority.other_infant_care_entries_per_year / 12,
            system_effect=system_share(p.authority),
            women_for_full_effect=p.authority.women_for_full_effect,
            effect_half_life=p.authority.effect_half_life_after_stop_months,
            practice_stops=stops,
        )


#: Other mothers' infant care entries a year in the authorities where the national evaluation
#: measured T2 (evidence.md s0.1 [I]: ~48 a year, less ~10 from the practice's own list): the
#: reference size for the 'share-of-entries' form of the system effect.
MEASURED_OTHER_ENTRIES_PER_YEAR = 38.0


def system_share(authority) -> float:
    """The share of other mothers' infant care entries the system effect prevents at full size:
    ``system_effect_per_year`` entries a year out of the authority's own (``per-practice``: the
    same number in any authority, at most all of them) or out of the measured authorities'
    (``share-of-entries``: the same share in any authority)."""
    effect = authority.system_effect_per_year
    if effect <= 0.0:
        return 0.0
    if authority.system_effect_form == "share-of-entries":
        return min(1.0, effect / MEASURED_OTHER_ENTRIES_PER_YEAR)
    entries = authority.other_infant_care_entries_per_year
    return min(1.0, effect / entries) if entries > 0 else 0.0


#: The national evaluation's age mix (DfE 2017), over which the age ratios are normalised: so
#: ``pregnancy.counterfactual_rate_per_year`` is the mean rate of women of that age mix, and a
#: younger population (e.g. an under-25 service) has a higher rate through the age ratios.
REFERENCE_AGES = np.asarray(BY_KEY["population.age_band_probabilities"].default)
#: Lower edges of the age bands (years), then 50: band b holds ages in [edges[b], edges[b+1]).
AGE_EDGES = tuple(float(lo) for lo, _ in AGE_BANDS) + (float(AGE_BANDS[-1][1] + 1),)


def cycle_starts(r: Rates) -> np.ndarray:
    """Months at which outreach cycles begin, before the horizon (none if the practice does not
    operate)."""
    starts, now = [], float(r.lead_in_months)
    if not r.operates:
        return np.asarray(starts, dtype=float)
    while now < r.horizon_months:
        starts.append(now)
        if not r.successive_cycles:
            break
        now = (now + r.outreach_months) + r.programme_months  # as the cycle's programme end
    return np.asarray(starts, dtype=float)

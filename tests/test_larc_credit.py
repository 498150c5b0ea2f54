"""LARC is credited to the programme only for what the programme changed (issue 21, item 5).

A woman already using LARC when she enrols (DfE 2017: 38.2%) was on it without the programme
too: in the no-programme arm she is on it from the same month and stops at the rate off the
programme (``rules.larc_without_programme``). With every other programme effect switched off and
the programme's stopping rate equal to the rate off it, the programme changes nothing for such
women: with common random numbers both arms are then *identical*, woman by woman, in both
engines (an exact check, no Monte Carlo tolerance). Before the fix the no-programme arm left her
LARC out, so the programme was credited with preventing her pregnancies.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulation.engine import simulate_reps as simpy_reps
from simulation.fast import simulate_reps as fast_reps
from simulation.model.layout import INDEX, TALLIED

#: Every woman enrolled already on LARC, and nothing else the programme does has an effect.
NOTHING_CHANGED = {
    "programme.already_on_larc_probability": 1.0,
    "programme.larc_stop_rate_per_year": 0.3,
    "post_programme.larc_stop_rate_per_year": 0.3,
    "programme.pregnancy_rate_ratio_without_larc": 1.0,
    "post_programme.pregnancy_rate_ratio": 1.0,
    "post_programme.removal_rate_ratio_completed": 1.0,
    "post_programme.removal_rate_ratio_dropout": 1.0,
    "outreach.declined_pregnancy_rate_ratio": 1.0,
    "authority.system_effect_per_year": 0.0,
    "outreach.enrol_probability": 0.9,
}
#: Rows counted by the programme arm's practice only (offers, decisions, enrolment, assessments).
PRACTICE_ONLY = {"offers", "women_offered", "declined", "turned_away", "pregnant_at_decision",
                 "enrolled", "dropped_out", "completed", "exited_pregnant", "enrolled_months",
                 "assessed_early", "assessed_early_on_larc", "assessed_later",
                 "assessed_later_on_larc"}
OUTCOMES = [INDEX[n] for n in TALLIED if n not in PRACTICE_ONLY]


@pytest.mark.parametrize("engine", [fast_reps, simpy_reps], ids=["fast", "simpy"])
def test_women_already_on_larc_are_not_credited_with_the_programmes_larc(uncalibrated, engine):
    sc = uncalibrated.with_overrides(NOTHING_CHANGED)
    reps = list(range(12)) if engine is fast_reps else [0, 1, 2]
    tally, post = engine(sc, 11, reps)[:2]
    assert tally[:, 0, INDEX["enrolled"]].sum() > 10 * len(reps)  # many women took part
    assert tally[:, 1, INDEX["larc_started"]].sum() > 0  # and used their LARC in both arms
    # pregnancies, births, care entries, LARC use: the same in both arms
    np.testing.assert_allclose(tally[:, 0, OUTCOMES], tally[:, 1, OUTCOMES], rtol=1e-12)
    np.testing.assert_allclose(post[:, 0], post[:, 1], rtol=1e-12)


def test_the_programme_is_credited_with_keeping_them_on_larc(uncalibrated):
    """The same women, with the programme's lower stopping rate (the default, 0.05 a year
    against 0.3 off it): the programme arm has fewer pregnancies; its credit comes from LARC
    kept, not LARC already used."""
    sc = uncalibrated.with_overrides({**NOTHING_CHANGED,
                                      "programme.larc_stop_rate_per_year": 0.05})
    tally = fast_reps(sc, 11, list(range(40)))[0]
    assert tally[:, 0, INDEX["pregnancies"]].sum() < tally[:, 1, INDEX["pregnancies"]].sum()
    assert tally[:, 0, INDEX["larc_stopped"]].sum() < tally[:, 1, INDEX["larc_stopped"]].sum()

"""The two views (base case, authority-wide scenario) and the break-even threshold between them
(simulation/results/views.py).

Statistical checks use fixed seeds and a tolerance of Z = 4 Monte Carlo standard errors, each
computed from the simulated replications (said at each test)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulation.core import posterior as posterior_mod
from simulation.core.scenario import Scenario
from simulation.results import study, views

Z = 4.0
E = views.SYSTEM_EFFECT
NPV = views.NPV


def test_the_base_case_has_no_system_effect_and_the_micro_calibration(national):
    base, authority = views.scenarios(national)
    assert base.calibration == views.BASE_CALIBRATION and base[E] == 0.0
    assert authority.calibration == national.calibration + posterior_mod.GIVEN_EFFECT
    assert E in authority.calibrated_keys()
    # a user's own system effect stays in the authority-wide scenario only
    mine = national.with_overrides({E: 7.0})
    base, authority = views.scenarios(mine)
    assert base[E] == 0.0 and authority[E] == 7.0
    # a scenario that is itself the base case's gets the default authority-wide calibration
    base, authority = views.scenarios(national.with_calibration(views.BASE_CALIBRATION))
    assert authority.calibration == views.AUTHORITY_CALIBRATION + posterior_mod.GIVEN_EFFECT


def test_a_posterior_with_all_its_mass_at_no_effect_gives_the_base_case_exactly(national,
                                                                              tmp_path):
    """The micro-evidence posterior's own draws with a system effect of 0 in every draw, as an
    authority-wide calibration: the two views then share parameters and random numbers (common
    random numbers), so every tally is identical."""
    micro = posterior_mod.load(views.BASE_CALIBRATION)
    table = micro.table.assign(**{E: 0.0})
    meta = dict(micro.meta, name="zero-effect",
                point_estimate={**micro.point_estimate, E: 0.0})
    posterior_mod.Posterior("zero-effect", table, meta).save(tmp_path)
    sc = national.with_calibration(str(tmp_path / "zero-effect.csv"))
    both = views.simulate(sc, reps=60, seed=11, draws=20)
    assert both.p_no_effect() == 1.0
    np.testing.assert_array_equal(both.base.simulated.tally, both.authority.simulated.tally)
    np.testing.assert_array_equal(both.base.value(NPV, 60), both.authority.value(NPV, 60))


def test_the_authority_wide_scenario_is_given_a_system_effect(national, tmp_path):
    """'If the fall ... also happens here': the authority-wide scenario draws only from the
    posterior's draws with an effect, reweighted; P(no effect) is reported, not mixed in."""
    post = posterior_mod.load("national")
    table = post.table.copy()
    table.loc[table.index[::2], E] = 0.0  # half the draws (by count) with no effect
    share = float(table.weight[table[E] == 0].sum() / table.weight.sum())
    posterior_mod.Posterior("half", table, dict(post.meta, name="half")).save(tmp_path)
    sc = national.with_calibration(str(tmp_path / "half.csv"))
    both = views.simulate(sc, reps=40, seed=2, draws=20)
    assert both.p_no_effect() == pytest.approx(share)
    drawn = both.authority.parameter_sets()
    assert (drawn[E] > 0).all() and (both.base.parameter_sets().get(E, pd.Series([0.0])) == 0).all()
    given = both.authority.scenario.posterior()
    assert given.weights.sum() == pytest.approx(1.0) and (given.table[E] > 0).all()
    assert given.point_estimate[E] > 0


def _with_effect(base: Scenario, effect: float) -> Scenario:
    return base.with_overrides({E: effect}, source="test")


def test_the_threshold_is_the_system_effect_at_which_the_mean_npv_crosses_zero(national):
    """The break-even threshold (entries among other mothers to prevent) converted to a system
    effect size, simulated: the mean NPV there is 0 within Monte Carlo error. Replications are
    paired with the base case (same women, same random numbers), so the error is that of the
    mean of the paired NPV differences, which only the thinned other mothers' entries make
    random: Z standard errors of that mean."""
    base, _ = views.scenarios(national)
    reps, seed = 400, 5
    probe = views.simulate(base, reps, seed, "point")  # base case in both: no effect yet
    probe = views.Views(probe.base, study.simulate(_with_effect(base, 10.0), reps, seed,
                                                    "point"))
    threshold = views.break_even(probe).iloc[-1]
    assert threshold["threshold"] > 0  # the base case does not pay for itself
    prevented_at_10 = probe.authority.value("infants_avoided_authority_cumulative", 60).mean()
    at = 10.0 * threshold["threshold"] / prevented_at_10  # linear below the cap (all entries)
    crossing = study.simulate(_with_effect(base, at), reps, seed, "point")
    npv = crossing.value(NPV, 60)
    paired = npv - probe.base.value(NPV, 60)
    se = paired.std(ddof=1) / math.sqrt(reps)
    assert abs(npv.mean()) < Z * se, (npv.mean(), se, at)
    # and the threshold is not trivially satisfied: half the effect leaves a loss
    half = study.simulate(_with_effect(base, at / 2), reps, seed, "point").value(NPV, 60)
    assert half.mean() < -Z * se


def test_the_net_saving_curve_starts_at_the_base_case_and_rises(national):
    both = views.simulate(national, reps=200, seed=3, draws=20)
    curve = views.net_saving_curve(both)
    base_p = float((both.base.value(NPV, both.base.horizon) > 0).mean())
    assert curve.probability_net_saving.iloc[0] == pytest.approx(base_p)
    assert (np.diff(curve.probability_net_saving) >= -1e-12).all()
    assert curve.probability_net_saving.iloc[-1] > 0.5
    table = views.break_even(both)
    assert list(table.period) == [f"year_{y}" for y in range(1, 6)]
    assert (table.share_of_other_entries > 0).all()


def test_a_part_year_horizon_has_its_own_break_even_period(national):
    sc = national.with_overrides({"practice.horizon_months": 18})
    both = views.simulate(sc, reps=40, seed=3, draws=10)
    assert list(views.break_even(both).period) == ["year_1", "months_13_18"]


def test_a_single_cohort_does_not_beat_a_practice_that_keeps_running(national):
    """Authority-wide scenario, same draws and random numbers: a practice that keeps running
    has a higher mean NPV and P(net saving) over 5 years than a single cohort, now that the
    system effect ends when the practice stops (evidence.md s0.2). Tolerance: Z standard errors
    of the mean paired difference, clustered by parameter draw."""
    _, authority = views.scenarios(national)
    single = authority.with_overrides({"practice.successive_cycles": False}, source="test")
    running = study.simulate(authority, 400, 8, draws=40)
    once = study.simulate(single, 400, 8, draws=40)
    a, b = running.value(NPV, 60), once.value(NPV, 60)
    d = pd.Series(a - b).groupby(running.simulated.set_index).mean()
    se = d.std(ddof=1) / math.sqrt(len(d))
    assert (a - b).mean() > -Z * se
    assert (a > 0).mean() >= (b > 0).mean()


def test_run_prints_the_base_case_first_then_the_scenario_and_the_threshold(tmp_path):
    import contextlib
    import io

    from simulation.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["run", "--reps", "100", "--draws", "10", "--out",
                     str(tmp_path / "r")]) == 0
    text = out.getvalue()
    base, authority = text.index("BASE CASE"), text.index("AUTHORITY-WIDE SCENARIO")
    threshold = text.index("BREAK-EVEN")
    assert base < authority < threshold
    assert "P(no effect)" in text
    for figure in ("first 21 months (T1 period)", "in year 5", "P(net saving)"):
        assert text.count(figure) >= 2, figure  # in both views
    written = tmp_path / "r"
    for name in ("summary.csv", "break_even.csv", "headline.csv",
                 "net_saving_by_system_effect.csv", "break_even.png",
                 "authority-wide/summary.csv", "authority-wide/run.json"):
        assert (written / name).exists(), name
    head = pd.read_csv(written / "headline.csv")
    assert list(dict.fromkeys(head.view)) == ["base", "authority"]

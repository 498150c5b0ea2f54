"""Calibration: the targets' statistics, the emulation method, the shipped posterior, its use.

Statistical checks use fixed seeds and tolerances from the Monte Carlo error (binomial or
delta-method standard errors computed in the test, 4 SE unless said). Each was checked to fail when
it should: the statistic tests with deliberately wrong estimators (exposure without the initial
pool's half-month in month 0; the LARC share taken at half the time since enrolment; recurrence
counting care entries instead of women); the recovery test asserts that a wrong truth lies outside
the posterior; the T1/T2 test asserts that the provisional defaults fail it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulation.core import posterior as posterior_mod
from calibration import priors as priors_mod
from calibration import statistics as st
from calibration import targets as targets_mod
from simulation import runner
from simulation.core import scenario as scenario_mod
from simulation.results import summary
from simulation.cli import main as cli_main
from simulation.core.errors import PausesimError, ScenarioError

Z = 4.0

#: No individual heterogeneity, no age gradient: a constant conception hazard.
CONSTANT_HAZARD = {
    "pregnancy.frailty_shape": 1000.0,
    "pregnancy.age_rate_ratios": [1.0] * 7,
    "population.new_eligible_women_per_year": 0.0,
}


def _run(overrides, reps, seed=5, events=True, horizon=None):
    sc = scenario_mod.load("national").with_overrides(
        {**overrides, **({"practice.horizon_months": horizon} if horizon else {})})
    return runner.run(sc, reps, seed, workers=1, progress=False, keep_events=events)


# ------------------------------------------------------------------------------ statistics
def test_avoided_care_entries_are_the_summary_figures():
    result = _run({}, 4, events=False)
    table = summary.summary_table(result)
    row = lambda m, p: table[(table.metric == m) & (table.period == p)]["mean"].item()  # noqa: E731
    t1, t2 = targets_mod.BY_NAME["T1"], targets_mod.BY_NAME["T2"]
    assert targets_mod.pooled(t1.statistic(result)) == pytest.approx(
        row("infants_avoided_cumulative", "month_21"))
    assert targets_mod.pooled(t2.statistic(result)) == pytest.approx(
        row("infants_avoided_in_year", "year_5"))


def test_counterfactual_rate_uses_exact_exposure_and_live_birth_conceptions():
    """Woman-years from the monthly stocks equal those from each woman's events (within 0.5%),
    and conceptions x P(live birth) matches the conceptions that did end in a live birth."""
    result = _run({**CONSTANT_HAZARD, "pregnancy.counterfactual_rate_per_year": 0.3,
                   "population.eligible_women_at_start": 150}, 6)
    num, den = st.counterfactual_birth_conception_rate(result)
    ev = result.events[result.events.arm == "counterfactual"]
    horizon = result.scenario["practice.horizon_months"]
    start = ev[ev.event == "eligible"].set_index(["rep", "woman"]).month
    death = ev[ev.event == "death"].set_index(["rep", "woman"]).month.reindex(start.index)
    exact_years = (death.fillna(horizon).clip(upper=horizon) - start).groupby("rep").sum() / 12
    assert den == pytest.approx(exact_years.to_numpy(), rel=0.005)
    # conceptions that ended in a live birth (all resolve within the horizon, except the last
    # gestation months: compare over conceptions before horizon - gestation)
    gest = result.scenario["pregnancy.gestation_months"]
    conc = ev[(ev.event == "conception") & (ev.month < horizon - gest)]
    births = ev[ev.event == "live_birth"]
    n, k = len(conc), len(births)
    p = result.scenario["pregnancy.live_birth_probability"]
    assert abs(k - n * p) <= Z * math.sqrt(n * p * (1 - p))


def test_larc_share_matches_closed_form():
    """Without stopping, dropout or pregnancy, the share on LARC t months after enrolment is
    a + (1 - a) u (1 - exp(-t / tau))."""
    a, u, tau = 0.382, 0.9, 2.0
    result = _run({"programme.already_on_larc_probability": a,
                   "programme.larc_uptake_probability": u, "programme.time_to_larc_months": tau,
                   "programme.larc_stop_rate_per_year": 0.0,
                   "programme.dropout_rate_per_year": 0.0,
                   "pregnancy.counterfactual_rate_per_year": 0.0,
                   "mortality.relative_risk": 1.0}, 8)
    for months in (1.5, 6.0):
        num, den = st.larc_share_after_enrolment(months)(result)
        share, n = num.sum() / den.sum(), den.sum()
        expected = a + (1 - a) * u * (1 - math.exp(-months / tau))
        assert abs(share - expected) <= Z * math.sqrt(expected * (1 - expected) / n), months


def test_recurrence_matches_closed_form():
    """Every live birth enters care in its first month: a woman of the initial pool has an infant
    in care by month T if she conceives before T - 9 - U (U uniform delay), so
    P = 1 - E[exp(-h (T - 9 - U) / 12)]."""
    h, horizon = 0.3, 60.0
    result = _run({**CONSTANT_HAZARD, "pregnancy.counterfactual_rate_per_year": h,
                   "pregnancy.live_birth_probability": 1.0, "care.removal_probability": 1.0,
                   "care.newborn_share": 1.0, "mortality.relative_risk": 1.0,
                   "population.eligible_women_at_start": 150}, 6)
    num, den = st.recurrence(result)
    share, n = num.sum() / den.sum(), den.sum()
    # E over U ~ U(0, 1) of exp(-h (T - 9 - U) / 12), closed form
    r = h / 12
    expected = 1 - math.exp(-r * (horizon - 9)) * (math.exp(r) - 1) / r
    assert abs(share - expected) <= Z * math.sqrt(expected * (1 - expected) / n)


# ------------------------------------------------------------------------- declarations
def test_target_likelihood_is_flat_inside_and_normal_outside():
    t = targets_mod.BY_NAME["cf_pregnancy_rate"]
    assert t.z(0.15) == 0 and t.z(0.11) == 0
    assert t.z(0.24) == pytest.approx((0.24 - 0.20) / t.sd)
    lo, hi = targets_mod.BY_NAME["T1"].interval90
    assert (lo, hi) == pytest.approx((11 - 1.645 * 2.2, 11 + 1.645 * 2.2), abs=1e-3)


def test_target_selection_and_errors():
    assert [t.name for t in targets_mod.select(["all"], ["T1"])][0] == "T2"
    assert {t.kind for t in targets_mod.select(["micro"])} == {"micro"}
    with pytest.raises(PausesimError, match="'T9' is not a target"):
        targets_mod.select(["T9"])
    with pytest.raises(PausesimError, match="no target left"):
        targets_mod.select(["T1"], ["T1"])


def test_priors_stay_within_parameter_ranges_and_sample_inside_bounds():
    rng = np.random.default_rng(0)
    for prior in priors_mod.PRIORS:
        x = prior.truncated().rvs(size=200, random_state=rng)
        assert prior.bounds[0] <= x.min() and x.max() <= prior.bounds[1], prior.key
        scenario_mod.load("national").with_overrides({prior.key: prior.to_value(float(x[0]))})


# ----------------------------------------------------------------------- the method
def test_emulation_recovers_known_parameters():
    """Synthetic targets from known parameters: the truth lies inside the 90% posterior
    interval, the posterior is narrower than the prior, and a wrong truth would be rejected
    (it lies outside the interval). Small design, 24-month horizon: well under a minute."""
    from calibration.emulate import Settings, calibrate
    from calibration.simulate import simulate_design

    truth = {"pregnancy.counterfactual_rate_per_year": 0.30,
             "outreach.declined_pregnancy_rate_ratio": 0.4,
             "programme.time_to_larc_months": 2.0}
    names = ("T1", "cf_pregnancy_rate", "larc_first_assessment")
    fixed = {"practice.horizon_months": 24.0}
    base = scenario_mod.load("national").with_overrides(fixed)
    chosen = [targets_mod.BY_NAME[n] for n in names]
    value, se, _ = simulate_design(base, [truth], 200, seed=99, stream=7, targets=chosen)
    # target sd: a tight but honest evidence (a few times the 200-replication MC error)
    sd = {"T1": 0.4, "cf_pregnancy_rate": 0.01, "larc_first_assessment": 0.025}
    settings = Settings(name="synthetic", targets=names, parameters=tuple(truth),
                        initial_points=70, points_per_wave=30, waves=2, reps_per_point=4,
                        walkers=16, steps=300, posterior_size=400, seed=3, fixed=fixed,
                        target_values={n: (float(value[n][0]), sd[n]) for n in names})
    run = calibrate(settings, workers=1, progress=False)
    draws = run.particles
    for key, true in truth.items():
        lo, hi = np.quantile(draws[key], [0.05, 0.95])
        assert lo <= true <= hi, (key, lo, true, hi)
        prior = priors_mod.BY_KEY_PRIOR[key].truncated()
        assert hi - lo < 0.8 * (prior.ppf(0.95) - prior.ppf(0.05)), key
    wrong = 2 * truth["pregnancy.counterfactual_rate_per_year"]
    assert wrong > np.quantile(draws["pregnancy.counterfactual_rate_per_year"], 0.95)


def test_calibration_does_not_depend_on_the_number_of_workers():
    from calibration.emulate import Settings, calibrate

    settings = Settings(name="tiny", targets=("T1", "cf_pregnancy_rate"),
                        parameters=("pregnancy.counterfactual_rate_per_year",
                                    "care.removal_probability"),
                        initial_points=24, points_per_wave=12, waves=2, reps_per_point=2,
                        walkers=8, steps=60, posterior_size=40, seed=5,
                        fixed={"practice.horizon_months": 22.0})
    one = calibrate(settings, workers=1, progress=False)
    two = calibrate(settings, workers=2, progress=False)
    assert one.particles.equals(two.particles)
    assert one.design.drop(columns=[]).equals(two.design)


def test_cli_calibrate_writes_posterior_and_report(tmp_path):
    scenario = tmp_path / "short.toml"
    scenario.write_text("[practice]\nhorizon_months = 22\n")
    out = tmp_path / "cal"
    assert cli_main(["calibrate", str(scenario), "--targets", "T1,cf_pregnancy_rate",
                     "--parameters", "pregnancy.counterfactual_rate_per_year,"
                     "outreach.declined_pregnancy_rate_ratio", "--budget", "60", "--waves", "2",
                     "--reps-per-point", "2", "--steps", "60", "--posterior-size", "40",
                     "--check-draws", "3", "--check-reps", "2", "--workers", "1",
                     "--out", str(out), "--no-progress"]) == 0
    post = posterior_mod.load(out)
    assert post.name == "short-T1-cf_pregnancy_rate" and len(post.table) == 40
    assert post.targets == ["T1", "cf_pregnancy_rate"]
    report = (out / "report.md").read_text()
    assert "## Targets: evidence against simulated" in report and "pausesim calibrate" in report
    assert (out / "targets.png").stat().st_size > 0 and (out / "parameters.png").exists()
    assert cli_main(["calibrate", str(scenario), "--out", str(out)]) == 2  # exists, no --force


# ---------------------------------------------------------------- the shipped posterior
def _t1_t2(result):
    out = {}
    for name in ("T1", "T2"):
        ratio = targets_mod.BY_NAME[name].statistic(result)
        out[name] = (targets_mod.pooled(ratio), targets_mod.standard_error(ratio))
    return out


@pytest.mark.skipif("national" not in posterior_mod.available(), reason="no shipped posterior")
def test_shipped_posterior_reproduces_t1_and_t2():
    """The national scenario run with draws from the shipped posterior (the path of
    'pausesim run --posterior') gives mean T1 and T2 within their stated 90% uncertainty, allowing
    3 Monte Carlo standard errors. The provisional defaults fail the same check for T1."""
    post = posterior_mod.load("national")
    national = scenario_mod.load("national")
    result = runner.run(national, 4, 11, workers=1, progress=False,
                        parameter_sets=post.draws(40, 11))
    for name, (mean, se) in _t1_t2(result).items():
        lo, hi = targets_mod.BY_NAME[name].interval90
        assert lo - 3 * se <= mean <= hi + 3 * se, (name, mean, se, lo, hi)
    provisional = scenario_mod.parse("", origin="provisional defaults")  # no calibration
    default = _t1_t2(runner.run(provisional, 100, 11, workers=1, progress=False))
    lo, _ = targets_mod.BY_NAME["T1"].interval90
    assert default["T1"][0] + 3 * default["T1"][1] < lo


@pytest.mark.skipif("national" not in posterior_mod.available(), reason="no shipped posterior")
def test_shipped_posterior_files_are_consistent():
    post = posterior_mod.load("national")
    assert post.weights.sum() == pytest.approx(1.0)
    assert set(post.keys) <= set(priors_mod.BY_KEY_PRIOR)
    for key, value in post.point_estimate.items():
        lo, hi = priors_mod.BY_KEY_PRIOR[key].bounds
        assert lo <= value <= hi
    a, b = post.draws(5, 1), post.draws(5, 1)
    assert a == b and a != post.draws(5, 2)


# ------------------------------------------------------------------- scenarios and CLI
@pytest.mark.skipif("national" not in posterior_mod.available(), reason="no shipped posterior")
def test_scenario_calibration_key_takes_the_point_estimate():
    point = posterior_mod.load("national").point_estimate
    sc = scenario_mod.parse('[scenario]\ncalibration = "national"\n'
                            '[care]\nremoval_probability = 0.5\n')
    assert sc.calibration == "national"
    for key, value in point.items():
        if key != "care.removal_probability":
            assert sc[key] == pytest.approx(value)
            assert sc.sources[key].startswith("calibration 'national'")
    assert sc["care.removal_probability"] == 0.5  # the file's own value wins
    again = scenario_mod.parse(sc.to_toml())
    assert again.values == sc.values and again.calibration == "national"


def test_scenario_calibration_key_rejects_unknown_names():
    with pytest.raises(ScenarioError, match=r"calibration = 'nope' is invalid: must be the name "
                                            r"of a shipped posterior"):
        scenario_mod.parse('[scenario]\ncalibration = "nope"\n')


def test_cli_calibrate_rejects_bad_targets_in_one_line(capsys):
    assert cli_main(["calibrate", "--targets", "T1,T9"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'T9' is not a target" in err[0]


@pytest.mark.skipif("national" not in posterior_mod.available(), reason="no shipped posterior")
def test_cli_run_with_posterior_records_where_parameters_come_from(tmp_path, capsys):
    import json

    out = tmp_path / "run"
    assert cli_main(["run", "national", "--posterior", "--draws", "3", "--reps", "6",
                     "--workers", "1", "--out", str(out), "--no-progress"]) == 0
    record = json.loads((out / "run.json").read_text())
    assert record["posterior"] == "national" and record["draws"] == 3
    assert record["reps"] == 6 and "drawn from the posterior" in record["note"]
    assert "drawn from the posterior" in capsys.readouterr().out

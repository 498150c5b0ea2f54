"""Sensitivity analyses: Sobol, Morris, tornado and PSA against models with known answers, the
simulation's tornado against a parameter that truly has no effect, the declared distributions,
posterior draws, the CLI, and the notebooks being stored without outputs.

Tolerances: Sobol indices of the toy model must lie within 2x SALib's 95% bootstrap half-width of
the analytic value (about 4 standard errors: false alarm ~1e-4 per index), and that half-width must
itself be below 0.05 at n=4096 so the check is not vacuous. Morris and the tornado are exact on a
linear model. The PSA's variance components must be within 4 standard errors computed from the
sampling distribution of variances of normal samples (formulas in the test).
Verified to fail when wrong: Sobol with one coefficient changed (2 -> 2.5) fails the S1/ST check;
mapping quantiles through uniform(0, 1) instead of the declared distributions fails it; sorting the
tornado ascending fails both tornado tests; giving the low/high sets different seeds (no common
random numbers) makes the no-effect parameter's swing non-zero; using the variance of the means
without the stochastic/reps correction fails the PSA decomposition test.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulation.cli import main as cli_main
from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY, defaults
from simulation.sensitivity import oneway, psa, sobol, uncertain
from simulation.sensitivity.model import SimulationModel
from simulation.sensitivity.uncertain import Uncertain

PROVISIONAL_DEFAULTS = defaults()  # the registry's evidence-based values, before calibration

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# Four float parameters used as the toy model's inputs (their meaning is irrelevant here).
KEYS = ("care.removal_probability", "pregnancy.live_birth_probability",
        "care.newborn_share", "population.housing_probability")
COEF = np.array([4.0, 2.0, 1.0, 0.0])  # the last input has no effect
DISTS = (stats.uniform(0, 1), stats.uniform(0.2, 0.6), stats.beta(2, 2), stats.uniform(0, 1))


class LinearToy:
    """y = sum coef_i x_i (+ optional noise shared across sets: common random numbers)."""

    outcomes = ("y",)
    years = (1,)

    def __init__(self, coef=COEF, reps=1, noise=0.0, seed=0, offset=0.0):
        self.coef, self.reps, self.offset = np.asarray(coef), reps, offset
        self.noise = np.random.default_rng(seed).normal(0.0, noise, reps)

    def __call__(self, draws: pd.DataFrame) -> np.ndarray:
        mean = draws[list(KEYS)].to_numpy() @ self.coef + self.offset
        return (mean[:, None] + self.noise[None, :])[:, :, None, None]


def toy_uncertain(lows=(0.0, 0.2, 0.1, 0.0), highs=(1.0, 0.8, 0.9, 1.0)) -> list[Uncertain]:
    return [Uncertain(k, d, lo, hi, "toy") for k, d, lo, hi in zip(KEYS, DISTS, lows, highs)]


# ----------------------------------------------------------------------------------- Sobol
def test_sobol_indices_of_a_linear_model_match_the_analytic_values():
    """Additive linear model: S1_i = ST_i = coef_i^2 Var(x_i) / sum_j coef_j^2 Var(x_j)."""
    variances = COEF ** 2 * np.array([d.var() for d in DISTS])
    analytic = variances / variances.sum()
    res = sobol.sobol(LinearToy(), toy_uncertain(), n=4096, seed=3)
    table = res.table.set_index("parameter").loc[list(KEYS)]
    assert res.sets == 4096 * (len(KEYS) + 2)
    for col in ("S1", "ST"):
        conf = table[f"{col}_conf"].to_numpy()
        assert (conf[:-1] < 0.05).all(), "confidence intervals too wide for a meaningful check"
        err = np.abs(table[col].to_numpy() - analytic)
        assert (err <= np.maximum(2 * conf, 1e-9)).all(), (col, table[col].tolist(), analytic)
    # the no-effect input: identical outputs whenever it alone changes -> exactly zero
    assert table.loc[KEYS[-1], "ST"] == 0.0


def test_morris_of_a_linear_model_is_exact():
    """On x = low + u (high - low), each elementary effect is coef_i (high_i - low_i)."""
    unc = toy_uncertain()
    res = sobol.morris(LinearToy(), unc, trajectories=10, seed=5)
    table = res.table.set_index("parameter").loc[list(KEYS)]
    expected = np.abs(COEF) * np.array([u.high - u.low for u in unc])
    np.testing.assert_allclose(table.mu_star, expected, atol=1e-9)
    np.testing.assert_allclose(table.sigma, 0.0, atol=1e-9)
    assert list(res.table.parameter)[-1] == KEYS[-1]


def test_sobol_rejects_bad_sample_sizes():
    with pytest.raises(PausesimError, match="power of 2"):
        sobol.sobol(LinearToy(), toy_uncertain(), n=100, seed=1)


# --------------------------------------------------------------------------------- tornado
def test_tornado_of_a_linear_model_is_exact_and_ranks_the_no_effect_input_last():
    unc = toy_uncertain()
    base = {k: 0.5 for k in KEYS}
    res = oneway.tornado(LinearToy(reps=5, noise=3.0), base, unc)
    assert res.ranking("y") == list(KEYS)  # swings 4, 1.2, 0.8, 0
    table = res.table.set_index("parameter").loc[list(KEYS)]
    np.testing.assert_allclose(table.swing, COEF * np.array([u.high - u.low for u in unc]))
    np.testing.assert_allclose(table.low_effect, COEF * (np.array([u.low for u in unc]) - 0.5))
    # common random numbers: the noise cancels, so the paired intervals have zero width
    np.testing.assert_allclose(table.high_effect_ci_hi - table.high_effect_ci_lo, 0.0, atol=1e-9)


def test_simulation_tornado_ranks_a_parameter_with_no_effect_last(national):
    """Needs such as housing are recorded but modify no hazard (simulation/population.py), and
    the random number drawn for them is drawn whatever the probability: under common random
    numbers their swing is exactly zero, so they rank last for every outcome."""
    no_effect = Uncertain("population.housing_probability", stats.uniform(0, 1), 0.0, 1.0,
                          "needs modify no hazard")
    params = [uncertain.BY_UNCERTAIN_KEY["pregnancy.counterfactual_rate_per_year"],
              uncertain.BY_UNCERTAIN_KEY["care.removal_probability"], no_effect]
    model = SimulationModel(national, reps=3, seed=7)
    res = oneway.tornado(model, uncertain.base_values(national.values, params), params)
    assert res.year == 5
    for outcome in model.outcomes:
        rows = res.table[res.table.outcome == outcome]
        assert rows.parameter.iloc[-1] == no_effect.key
        assert rows.swing.iloc[-1] == 0.0
        assert (rows.swing.iloc[:-1] > 0).all()


# ------------------------------------------------------------------------------------- PSA
def test_variance_decomposition_recovers_known_components():
    """y[k, r] = mu_k + e_kr with Var(mu) = 4, Var(e) = 9. Standard errors (normal samples):
    within: 9 sqrt(2 / (K (R - 1))); between: (4 + 9/R) sqrt(2 / (K - 1)) (+ the within part)."""
    K, R, vp, vs = 1000, 4, 4.0, 9.0  # without the vs / R correction the bias (2.25) is > 4 se
    rng = np.random.default_rng(12)
    y = rng.normal(0, np.sqrt(vp), (K, 1)) + rng.normal(0, np.sqrt(vs), (K, R))
    out = psa.decompose(y)
    se_within = vs * np.sqrt(2.0 / (K * (R - 1)))
    se_between = (vp + vs / R) * np.sqrt(2.0 / (K - 1)) + se_within / R
    assert abs(out["var_stochastic"] - vs) < 4 * se_within
    assert abs(out["var_parameter"] - vp) < 4 * se_between
    assert out["share_parameter"] + out["share_stochastic"] == pytest.approx(1.0)


def test_psa_reports_probability_positive_by_year_and_both_uncertainties(national):
    """A toy with no stochastic noise: all variance is parameter variance, and P(y > 0) is the
    share of draws with coef . x > 3."""
    unc = toy_uncertain()
    draws = uncertain.sample(unc, 64, seed=1)
    res = psa.psa(LinearToy(reps=3, offset=-3.0), draws)
    table = res.decomposition()
    assert table.var_stochastic.iloc[0] == pytest.approx(0.0, abs=1e-20)
    assert table.share_parameter.iloc[0] == pytest.approx(1.0)
    expected = float((draws[list(KEYS)].to_numpy() @ COEF > 3.0).mean())
    assert 0 < expected < 1
    assert res.probability_positive("y").probability.iloc[0] == expected
    assert set(res.tables()) == {"psa_summary", "psa_draws"}
    with pytest.raises(PausesimError, match="reps must be >= 2"):
        psa.psa(SimulationModel(national, 1, 1), draws)


def test_psa_takes_a_posterior_dataframe(national, tmp_path):
    """The calibration's posterior plugs in as a DataFrame (or a file) of draws."""
    posterior = pd.DataFrame({"draw": [0, 1], "pregnancy.counterfactual_rate_per_year": [0.1, 0.3],
                              "outreach.enrol_probability": [0.3, 0.6]})
    path = tmp_path / "posterior.csv"
    posterior.to_csv(path, index=False)
    draws = uncertain.read_draws(path)
    assert list(draws.columns) == ["pregnancy.counterfactual_rate_per_year",
                                   "outreach.enrol_probability"]
    res = psa.psa(SimulationModel(national, reps=2, seed=3), draws, source="posterior")
    assert res.values.shape == (2, 2, 2, 5)
    with pytest.raises(PausesimError, match="not parameter keys"):
        uncertain.posterior_draws(posterior.rename(columns={"outreach.enrol_probability":
                                                            "outreach.enrol_prob"}))
    with pytest.raises(PausesimError, match="invalid"):
        uncertain.posterior_draws(posterior.assign(**{"outreach.enrol_probability": [0.3, 1.5]}))


def test_weighted_draws_are_resampled_in_proportion_to_weight(tmp_path):
    """Share of the weight-3 row among 400 draws: binomial, 4 s.e. = 4 sqrt(.75 x .25 / 400)."""
    key = "pregnancy.counterfactual_rate_per_year"
    path = tmp_path / "draws.csv"
    pd.DataFrame({key: [0.1, 0.3, 0.5], "weight": [0.0, 1.0, 3.0]}).to_csv(path, index=False)
    draws, note = uncertain.posterior_sample(path, 400, seed=1)
    assert list(draws.columns) == [key] and len(draws) == 400 and "weights" in note
    assert 0.1 not in set(draws[key])
    assert abs((draws[key] == 0.5).mean() - 0.75) < 4 * np.sqrt(0.75 * 0.25 / 400)
    plain = tmp_path / "plain.csv"
    pd.DataFrame({key: [0.1, 0.2, 0.3]}).to_csv(plain, index=False)
    assert len(uncertain.posterior_sample(plain, None, seed=1)[0]) == 3
    assert sorted(uncertain.posterior_sample(plain, 2, seed=1)[0][key]) != [0.1, 0.2, 0.3]
    with pytest.raises(PausesimError, match="has only 3 draws"):
        uncertain.posterior_sample(plain, 4, seed=1)


def test_a_calibration_posterior_plugs_into_the_psa(national, tmp_path):
    """A NAME.csv + NAME.json pair as calibration.posterior writes it is drawn by its weights."""
    pytest.importorskip("simulation.core.posterior")
    if __import__("calibration").__file__ is None:  # its shipped-posterior lookup needs a package
        pytest.skip("calibration/ has no __init__.py yet (namespace package)")
    key = "outreach.enrol_probability"
    pd.DataFrame({key: [0.2, 0.6], "weight": [0.0, 1.0]}).to_csv(tmp_path / "toy.csv", index=False)
    (tmp_path / "toy.json").write_text(json.dumps({"point_estimate": {key: 0.6}}))
    draws, note = uncertain.posterior_sample(tmp_path / "toy.csv", 3, seed=2)
    assert list(draws[key]) == [0.6, 0.6, 0.6] and "toy" in note
    res = psa.psa(SimulationModel(national, reps=2, seed=3), draws, source=note)
    assert res.values.shape == (3, 2, 2, 5)


# ---------------------------------------------------------------------------- declarations
@pytest.mark.parametrize("u", uncertain.DECLARED, ids=lambda u: u.key)
def test_declared_distributions_are_valid_and_sourced(u):
    param = BY_KEY[u.key]
    lo, hi = (0.0, 1.0) if param.kind == "probability" else (param.low, param.high)
    # Sobol maps quantiles in [EPS, 1 - EPS]; the PSA's Latin hypercube stays inside them too
    q_lo, q_hi = u.ppf(np.array([sobol.EPS, 1 - sobol.EPS]))
    assert lo <= u.dist.support()[0] and lo <= q_lo < q_hi <= hi
    assert lo <= u.low < u.high <= hi
    # the tornado's evidence range brackets the provisional (evidence-based) default; calibrated
    # values may lie outside it: that is what the calibration report documents
    assert u.low <= PROVISIONAL_DEFAULTS[u.key] <= u.high
    assert len(u.source) > 20
    draws = uncertain.sample([u], 50, seed=1)
    uncertain.posterior_draws(draws)  # every draw is a valid scenario value


# ------------------------------------------------------------------------------------- CLI
def test_cli_tornado_writes_outputs(tmp_path, capsys):
    out = tmp_path / "tornado"
    code = cli_main(["sensitivity", "tornado", "--reps", "2", "--workers", "1", "--out", str(out),
                     "--params", "care.removal_probability,costs.care_cost_per_year_gbp"])
    assert code == 0
    written = {p.name for p in out.iterdir()}
    assert {"tornado.csv", "tornado.png", "parameters.csv", "run.json"} <= written
    record = json.loads((out / "run.json").read_text())
    assert record["seed"] == 20240101 and record["scenario"] == "national"
    table = pd.read_csv(out / "tornado.csv")
    # care costs change costs only, never care entries
    assert table[(table.outcome == "infants_avoided")
                 & (table.parameter == "costs.care_cost_per_year_gbp")].swing.iloc[0] == 0


@pytest.mark.parametrize("argv, message", [
    (["sensitivity", "tornado", "--params", "care.nope"], "--params: care.nope not declared"),
    (["sensitivity", "sobol", "--n", "6"], "--n = 6 is invalid"),
    (["sensitivity", "psa", "--draws", "1"], "--draws = 1 is invalid"),
    (["sensitivity", "psa", "--from-posterior", "missing.csv"], "cannot read draws"),
    (["sensitivity", "tornado", "--year", "9"], "--year = 9 is invalid"),
])
def test_cli_bad_input_is_one_line_and_writes_nothing(argv, message, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli_main(argv + ["--reps", "2", "--workers", "1", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert not out.exists() and list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------- notebooks
@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, \
                f"{path.name}: strip outputs (jupyter nbconvert --clear-output --inplace)"


def test_both_notebooks_exist():
    assert {p.name for p in NOTEBOOKS.glob("*.ipynb")} >= {"explore_parameters.ipynb",
                                                          "sensitivity.ipynb"}

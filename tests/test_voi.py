"""Value of information, CE plane and CEAC against toy models with known answers.

Models (fund vs do not fund; per draw: infants kept out of care E, net cost avoidance C in GBP):

- Linear-normal: theta_j ~ N(0, 1) independent, C = c0 + a.theta, E = e0 + b.theta, so
  INB(λ) = C + λE ~ N(m, s²) with m = c0 + λ e0. For X ~ N(m, s²), E[max(0, X)] - max(0, m) =
  s L(|m| / s) with the unit normal loss L(z) = φ(z) - z (1 - Φ(z)); E[INB | theta_1] is normal
  with sd |a1 + λ b1|, so EVPPI(theta_1) = |a1 + λ b1| L(|m| / |a1 + λ b1|). The closed forms are
  themselves checked against brute-force nested Monte Carlo.
- Nonlinear: rate ~ Gamma, effect ~ Beta, care cost ~ Uniform, programme cost ~ Normal;
  E = 50 effect (1 - exp(-3 rate)), C = care x E - programme. The inner expectations are exact
  (independent parameters: E[INB | rate] uses the means of the others; the programme cost is
  integrated out with the normal loss), the outer ones by quadrature or 2e6 samples whose own
  Monte Carlo error enters the tolerance.

Each PSA adds replication noise to every draw (draws x reps), as pausesim's per-draw means have.

Tolerances: an estimate must lie within 4 standard errors of the truth, the standard error being
the estimator's own bootstrap s.e. (combined in quadrature with the truth's Monte Carlo s.e. where
the truth is itself sampled); each check also requires that s.e. to be small against the value,
so that it is not vacuous. A separate test checks that the bootstrap s.e. matches the spread of
the estimate over independent PSAs. Checks avoid the break-even λ (expected INB = 0): there the
EVPPI estimator has a bias of the order of the s.e. of the mean INB that the bootstrap does not
measure (documented in ``simulation.sensitivity.voi``).
Verified to fail when wrong: swapping the order of max and mean in
``expected_value_of_choosing_later`` fails the closed-form, nonlinear, EVPI and irrelevant-
parameter tests; dropping the division by reps in the replication noise variance fails the noise
share test; counting ties (INB = 0) as "fund" fails the CEAC-at-λ=0 check; the bootstrap
standard deviation by plain ``np.nanstd`` (a RuntimeWarning for an all-NaN column) fails the
NaN-without-warning test; dropping the edf > 0.8 n warning fails the one-degree-of-freedom-per-draw
test; keeping a Gaussian process that follows every draw (no additive fallback) fails the
replacement test.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy import stats

from simulation.core.errors import PausesimError
from simulation.sensitivity import ce, metamodel, voi, voi_figures
from simulation.sensitivity.psa_outcomes import decision_outcomes

# ------------------------------------------------------------------------------ linear-normal
A = np.array([30_000.0, 10_000.0, 0.0])  # GBP per unit theta_j; theta_3 has no effect
B = np.array([0.3, 0.4, 0.0])  # infants per unit theta_j
C0, E0 = -40_000.0, 1.0  # break-even λ = 40 000 GBP per infant
# Away from break-even: |expected INB| >= 10 000 GBP, 7 s.e. of the mean INB (see the docstring).
LAMBDAS = np.array([0.0, 30_000.0, 100_000.0])
N, REPS = 1000, 10
NOISE_C, NOISE_E = 20_000.0, 0.5  # replication sd of one replication


def normal_loss(m, s):
    """E[max(0, X)] - max(0, m) for X ~ N(m, s²)."""
    s = np.abs(s)
    z = np.abs(m) / s
    return s * (stats.norm.pdf(z) - z * stats.norm.sf(z))


def linear_truth(lambdas, coefficients):
    """EVPPI of the theta_j with indices ``coefficients`` (all of them: EVPI)."""
    m = C0 + lambdas * E0
    s = np.sqrt(sum((A[j] + lambdas * B[j]) ** 2 for j in coefficients))
    return normal_loss(m, s)


def linear_psa(n=N, reps=REPS, seed=1):
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=(n, 3))
    e, c = E0 + theta @ B, C0 + theta @ A
    infants = e[:, None] + rng.normal(0, NOISE_E, (n, reps))
    net = c[:, None] + rng.normal(0, NOISE_C, (n, reps))
    return pd.DataFrame(theta, columns=["t1", "t2", "t3"]), infants, net


GROUPS = {"t1": ["t1"], "t2": "t2", "t3 (no effect)": ["t3"], "t1+t2": ["t1", "t2"]}


@pytest.fixture(scope="module")
def linear():
    draws, infants, net = linear_psa()
    return voi.value_of_information(draws, infants, net, GROUPS, LAMBDAS, bootstrap=60,
                                    seed=3, progress=False)


def test_closed_forms_match_brute_force_nested_monte_carlo():
    """Outer 2000 x inner 2000 samples. Tolerance: 4 outer-loop s.e. + the inner loop's upward
    bias bound E[max(0, eps)] = sd(eps) / sqrt(2 pi) (eps: the inner mean's error)."""
    rng = np.random.default_rng(11)
    outer, inner, lam = 2000, 2000, LAMBDAS[:, None, None]
    t1 = rng.normal(size=(outer, 1))
    t2 = rng.normal(size=(outer, inner))
    inb = C0 + lam * E0 + (A[0] + lam * B[0]) * t1 + (A[1] + lam * B[1]) * t2  # (λ, outer, inner)
    g = inb.mean(axis=2)  # E[INB | theta_1] by the inner loop
    nested_evppi = np.maximum(g, 0).mean(axis=1) - np.maximum(g.mean(axis=1), 0)
    nested_evpi = np.maximum(inb, 0).mean(axis=(1, 2)) - np.maximum(inb.mean(axis=(1, 2)), 0)
    se = np.maximum(g, 0).std(axis=1) / np.sqrt(outer)
    inner_bias = np.abs(A[1] + LAMBDAS * B[1]) / np.sqrt(inner) / np.sqrt(2 * np.pi)
    assert np.all(np.abs(nested_evppi - linear_truth(LAMBDAS, [0])) < 4 * se + inner_bias)
    se_evpi = np.maximum(inb, 0).reshape(len(LAMBDAS), -1).std(axis=1) / np.sqrt(outer)
    assert np.all(np.abs(nested_evpi - linear_truth(LAMBDAS, [0, 1])) < 4 * se_evpi)


def _by_group(result, group):
    return result.evppi[result.evppi.parameter_group == group].reset_index(drop=True)


@pytest.mark.parametrize("group, coefficients", [("t1", [0]), ("t2", [1]), ("t1+t2", [0, 1])])
def test_evppi_matches_the_normal_loss_integral(linear, group, coefficients):
    rows = _by_group(linear, group)
    truth = linear_truth(LAMBDAS, coefficients)
    assert (4 * rows.standard_error < truth).any(), "s.e. too wide: the check tells nothing"
    err = np.abs(rows.evppi_per_decision - truth)
    assert np.all(err < 4 * rows.standard_error + 1e-9 * truth.max()), (rows, truth)
    assert np.all(rows.n_draws == N) and np.all(rows.r_squared.between(0, 1))


def test_evpi_smoothed_and_raw_match_the_truth_and_bound_every_evppi(linear):
    """All parameters together: EVPI. The smoothed estimate (regression) and the raw one (per-
    draw means; replication noise is ~2% of the spread here, so its bias is far below 4 s.e.)."""
    truth = linear_truth(LAMBDAS, [0, 1])
    ev = linear.evpi
    assert np.all(np.abs(ev.evpi_smoothed - truth) < 4 * ev.evpi_smoothed_standard_error)
    assert np.all(np.abs(ev.evpi_raw - truth) < 4 * ev.evpi_raw_standard_error)
    # the noise is negligible (under 5% of the variance): the raw estimate is reported
    assert (ev.replication_noise_share < voi.NOISE_NEGLIGIBLE).all()
    assert (ev.evpi_per_decision == ev.evpi_raw).all()
    assert ev.evpi_source.str.startswith("per-draw means: replication noise").all()
    for group in GROUPS:
        rows = _by_group(linear, group)
        margin = 4 * np.hypot(rows.standard_error, ev.evpi_smoothed_standard_error)
        assert np.all(rows.evppi_per_decision <= ev.evpi_smoothed + margin)


def test_irrelevant_parameter_has_evppi_and_variance_share_near_zero(linear):
    rows = _by_group(linear, "t3 (no effect)")
    evpi = linear.evpi.evpi_per_decision
    assert np.all(rows.evppi_per_decision >= 0)
    assert np.all(rows.evppi_per_decision <= 4 * rows.standard_error + 1e-6 * evpi)
    shares = linear.variance_shares[linear.variance_shares.parameter_group == "t3 (no effect)"]
    assert np.all(shares.share_of_variance <= 4 * shares.standard_error + 1e-9)


def test_bootstrap_standard_error_matches_the_spread_over_independent_psas():
    """K independent PSAs: sd of the EVPPI(t1) estimates vs the mean bootstrap s.e. The sd of K
    normal values has relative s.e. 1/sqrt(2 (K - 1)); allow 3.5 of those on the log scale."""
    k, lam = 30, np.array([0.0, 100_000.0])
    est, se = [], []
    for i in range(k):
        draws, infants, net = linear_psa(n=400, reps=5, seed=100 + i)
        table = voi.evppi(draws, infants, net, {"t1": "t1"}, lam, bootstrap=60, seed=i)
        est.append(table.evppi_per_decision.to_numpy())
        se.append(table.standard_error.to_numpy())
    ratio = np.mean(se, axis=0) / np.std(est, axis=0, ddof=1)
    bound = 3.5 / np.sqrt(2 * (k - 1))
    assert np.all(np.abs(np.log(ratio)) < bound), ratio
    bias_se = np.std(est, axis=0, ddof=1) / np.sqrt(k)
    assert np.all(np.abs(np.mean(est, axis=0) - linear_truth(lam, [0])) < 4 * bias_se)


# ---------------------------------------------------------------------------------- nonlinear
RATE, EFFECT = stats.gamma(4, scale=0.05), stats.beta(8, 12)  # per woman-year; probability
CARE, PROGRAMME = stats.uniform(40_000, 20_000), stats.norm(450_000, 60_000)  # GBP
WOMEN, YEARS = 50, 3.0
NONLINEAR_LAMBDAS = np.array([10_000.0, 30_000.0])


def infants_kept(rate, effect):
    return WOMEN * effect * (1 - np.exp(-YEARS * rate))


def nonlinear_truth():
    """EVPPI(rate) by quadrature; EVPPI(rate, effect) and EVPI by 2e6 samples with the inner
    expectation exact. Returns {group: (truth, Monte Carlo s.e.)}."""
    ce_, cp = CARE.mean(), PROGRAMME.mean()
    rate_only, pair, every = [], [], []
    rng = np.random.default_rng(2)
    r, e, c = (d.rvs(2_000_000, random_state=rng) for d in (RATE, EFFECT, CARE))
    for lam in NONLINEAR_LAMBDAS:
        k = (ce_ + lam) * WOMEN * EFFECT.mean()  # E[INB | rate] = k (1 - exp(-3 rate)) - cp
        mean = k * (1 - (1 + YEARS * RATE.kwds["scale"]) ** -RATE.args[0]) - cp  # gamma MGF
        zero = -np.log(1 - cp / k) / YEARS
        rate_only.append((RATE.expect(lambda t, k=k: k * (1 - np.exp(-YEARS * t)) - cp, lb=zero)
                          - max(0.0, mean), 0.0))
        g = (ce_ + lam) * infants_kept(r, e) - cp
        pair.append((np.maximum(g, 0).mean() - max(0.0, g.mean()),
                     np.maximum(g, 0).std() / np.sqrt(len(g))))
        a = (c + lam) * infants_kept(r, e)
        z = (a - cp) / PROGRAMME.std()
        inner = PROGRAMME.std() * (stats.norm.pdf(z) + z * stats.norm.cdf(z))  # E max(0, a - P)
        every.append((inner.mean() - max(0.0, a.mean() - cp), inner.std() / np.sqrt(len(a))))
    return {"rate": np.array(rate_only), "rate+effect": np.array(pair), "all": np.array(every)}


def test_evppi_of_a_nonlinear_model_by_splines_tensor_splines_and_a_gaussian_process():
    rng = np.random.default_rng(5)
    n, reps = 600, 10
    draws = pd.DataFrame({"rate": RATE.rvs(n, random_state=rng),
                          "effect": EFFECT.rvs(n, random_state=rng),
                          "care": CARE.rvs(n, random_state=rng),
                          "programme": PROGRAMME.rvs(n, random_state=rng)})
    e = infants_kept(draws.rate, draws.effect).to_numpy()
    c = draws.care.to_numpy() * e - draws.programme.to_numpy()
    infants = e[:, None] + rng.normal(0, 1.0, (n, reps))
    net = c[:, None] + rng.normal(0, 50_000, (n, reps))
    res = voi.value_of_information(draws, infants, net,
                                   {"rate": "rate", "rate+effect": ["rate", "effect"]},
                                   NONLINEAR_LAMBDAS, bootstrap=100, seed=4, progress=False)
    truth = nonlinear_truth()
    methods = {"rate": "spline", "rate+effect": "spline"}
    for group, method in methods.items():
        rows = _by_group(res, group)
        assert (rows.method == method).all()
        t, t_se = truth[group].T
        tol = 4 * np.hypot(rows.standard_error, t_se)
        assert (4 * rows.standard_error < t).any(), "s.e. too wide: the check tells nothing"
        assert np.all(np.abs(rows.evppi_per_decision - t) < tol), (group, rows, t)
    t, t_se = truth["all"].T
    ev = res.evpi
    assert ev.evpi_regression.str.contains("gp").all()  # four parameters: a Gaussian process
    assert np.all(np.abs(ev.evpi_smoothed - t) < 4 * np.hypot(ev.evpi_smoothed_standard_error,
                                                                t_se))
    fits = res.fits.set_index(["parameter_group", "outcome"])
    assert fits.loc[("all parameters", "net_cost_avoidance"), "smoothing"].startswith("Gaussian")


# ---------------------------------------------------------------------------- variance shares
def test_variance_shares_of_a_linear_model_match_the_known_shares():
    """y = 3 t1 + 1 t2 + 0 t3 + replication noise (sd 4, 8 reps: variance 2 in each mean).
    Shares of Var(per-draw mean) = 9 + 1 + 2: t1 9/12, t2 1/12, t3 0; of the parameter variance
    9/10, 1/10, 0. The noise share's relative s.e. is sqrt(2/((D-1)(R-1)) + 2/(D-1)) (ratio of
    two variance estimates); within 4 of those."""
    rng = np.random.default_rng(8)
    n, reps = 800, 8
    theta = rng.normal(size=(n, 3))
    y = (theta @ [3.0, 1.0, 0.0])[:, None] + rng.normal(0, 4.0, (n, reps))
    draws = pd.DataFrame(theta, columns=["t1", "t2", "t3"])
    table = voi.variance_shares(draws, y, target_name="toy", unit="infants", bootstrap=100,
                                seed=2).set_index("parameter_group")
    expected = pd.Series({"t1": 9 / 12, "t2": 1 / 12, "t3": 0.0})
    err = (table.share_of_variance - expected).abs()
    assert (err < 4 * table.standard_error + 1e-9).all(), table
    assert (table.standard_error.iloc[:2] < 0.05).all()
    noise = table.replication_noise_share.iloc[0]
    rel_se = np.sqrt(2 / ((n - 1) * (reps - 1)) + 2 / (n - 1))
    assert abs(noise / (2 / 12) - 1) < 4 * rel_se
    of_parameters = table.share_of_parameter_variance
    assert abs(of_parameters["t1"] - 0.9) < 4 * table.standard_error["t1"] / (1 - noise)


def test_noise_shared_by_every_draw_is_not_counted_as_noise():
    """Common random numbers: a replication effect that moves every draw alike leaves the
    differences between draws unchanged, so the draw-specific noise is exactly zero."""
    rng = np.random.default_rng(3)
    mean = rng.normal(size=(60, 1))
    shared = rng.normal(0, 5.0, (1, 12))
    out = decision_outcomes(mean + shared, 1000 * (mean + shared))
    assert np.allclose(out.noise_variance(1.0, np.array([0.0, 1e4])), 0.0, atol=1e-9)


# ------------------------------------------------------------------------------- CE and CEAC
def test_ceac_rises_with_lambda_when_no_draw_loses_infants():
    rng = np.random.default_rng(4)
    infants = rng.gamma(2.0, 1.0, 500)  # >= 0 in every draw
    net = rng.normal(-50_000, 40_000, 500)
    lambdas = np.linspace(0, 200_000, 41)
    curve = ce.acceptability(infants, net, lambdas)
    assert np.all(np.diff(curve.probability_fund_best) >= 0)
    assert curve.probability_fund_best.iloc[0] == pytest.approx(np.mean(net > 0))
    summary = ce.plane_summary(infants, net).iloc[0]
    switch = curve[curve.optimal_decision == ce.FUND]["lambda"].min()
    assert summary.break_even_lambda <= switch
    assert summary.break_even_lambda > curve[curve.optimal_decision == ce.NOT_FUND]["lambda"].max()
    assert voi_figures._break_even(curve["lambda"].to_numpy(),
                                   curve.expected_incremental_net_benefit.to_numpy()) \
        == pytest.approx(summary.break_even_lambda)  # the CEAC figure's line
    shares = summary[[c for c in summary.index if c.startswith("share_")]]
    assert shares.sum() == pytest.approx(1.0)
    plane = ce.plane(infants, net)
    assert (plane.incremental_cost == -plane.net_cost_avoidance).all()


def test_ceac_at_zero_lambda_counts_only_strict_savings():
    infants = np.array([1.0, 2.0, 0.0, 3.0])
    net = np.array([0.0, 10.0, -5.0, 0.0])  # two ties at INB = 0: not better than not funding
    curve = ce.acceptability(infants, net, [0.0])
    assert curve.probability_fund_best.iloc[0] == 0.25


# ---------------------------------------------------------------------------------- population
def test_population_evppi_is_the_discounted_number_of_decisions_times_evppi(linear):
    assert voi.population_multiplier(12, 5, 0.0) == pytest.approx(60)
    r, h = 0.035, 10
    annuity = (1 - (1 + r) ** -h) / (1 - 1 / (1 + r))  # sum of (1 + r)^-(t - 1), t = 1..h
    assert voi.population_multiplier(3, h, r) == pytest.approx(3 * annuity)
    assert voi.population_multiplier(3, h, 0.05) < voi.population_multiplier(3, h, r)
    draws, infants, net = linear_psa(n=200, reps=3, seed=9)
    res = voi.value_of_information(draws, infants, net, {"t1": "t1"}, [0.0, 50_000.0],
                                   population=3, horizon_years=h, bootstrap=20,
                                   evpi_by_regression=False, progress=False)
    m = voi.population_multiplier(3, h, 0.035)
    assert np.allclose(res.evppi.population_evppi, m * res.evppi.evppi_per_decision)
    assert np.allclose(res.evpi.population_evpi, m * res.evpi.evpi_per_decision)
    assert (res.evpi.evpi_source.str.contains("biased upward")).all()


# ----------------------------------------------------------------------------- tables, figures
def test_tables_have_the_columns_the_cli_writes(linear):
    assert set(linear.tables()) == {"evpi", "evppi", "evppi_fits", "variance_shares",
                                    "ce_plane", "ce_summary", "ceac"}
    assert list(linear.evppi.columns[:5]) == ["parameter_group", "lambda", "evppi_per_decision",
                                              "population_evppi", "standard_error"]
    for col in ("r_squared", "residual_se", "edf_net_cost_avoidance", "n_draws", "method"):
        assert linear.evppi[col].notna().all()
    assert len(linear.evppi) == len(GROUPS) * len(LAMBDAS)
    assert len(linear.fits) == 2 * (len(GROUPS) + 1)  # + all parameters, for the EVPI
    assert any("replication" in note for note in linear.notes)


def test_figures_are_labelled_with_units_and_save(linear, tmp_path):
    figures = linear.figures()
    assert set(figures) == {"ce_plane", "ceac", "evppi"}
    for name, fig in figures.items():
        assert isinstance(fig, Figure)
        ax = fig.axes[0]
        assert "GBP" in ax.get_ylabel() + ax.get_xlabel() or "probability" in ax.get_ylabel()
        assert ax.get_xlabel() and ax.get_ylabel()
        path = voi_figures.save(fig, tmp_path / f"{name}.png")
        assert path.stat().st_size > 1000
    assert "infants" in figures["ce_plane"].axes[0].get_xlabel()
    assert "GBP per infant" in figures["evppi"].axes[0].get_xlabel()


def test_importing_the_modules_loads_no_pyplot():
    """No backend is chosen at import (pyplot would choose one)."""
    code = ("import sys, simulation.sensitivity.voi, simulation.sensitivity.voi_figures; "
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------- bad input
def _call(**change):
    draws, infants, net = linear_psa(n=60, reps=2, seed=0)
    args = dict(draws=draws, infants_avoided=infants, net_cost_avoidance=net, groups=None,
                lambdas=[0.0], bootstrap=0, evpi_by_regression=False, progress=False)
    args.update(change)
    return voi.value_of_information(**args)


@pytest.mark.parametrize("change, field", [
    ({"groups": {"g": ["t9"]}}, "groups['g'] key 't9'"),
    ({"groups": {"g": []}}, "groups['g']"),
    ({"lambdas": [0.0, -5.0]}, "lambdas value -5"),
    ({"population": -1}, "population = -1"),
    ({"horizon_years": 0}, "horizon_years = 0"),
    ({"discount_rate_per_year": 1.5}, "discount_rate_per_year = 1.5"),
    ({"method": "loess"}, "method = 'loess'"),
    ({"bootstrap": 3}, "bootstrap = 3"),
    ({"infants_avoided": np.zeros(59)}, "infants_avoided has 59 draws"),
    ({"net_cost_avoidance": np.full((60, 2), np.nan)}, "net_cost_avoidance at draw 0 = nan"),
    ({"draws": pd.DataFrame({"t1": np.zeros(10)})}, "draws has 10 rows"),
])
def test_bad_input_gives_one_line_naming_the_field(change, field):
    with pytest.raises(PausesimError) as info:
        _call(**change)
    message = str(info.value)
    assert message.startswith(field) and "\n" not in message


def test_options_are_checked_before_any_simulation():
    groups, lambdas = voi.check_options(["a", "b"], {"both": ["a", "b"], "a": "a"}, [5.0, 0, 5])
    assert groups == {"both": ("a", "b"), "a": ("a",)}
    assert list(lambdas) == [0.0, 5.0]
    with pytest.raises(PausesimError, match="groups\\['x'\\] key 'c' is invalid"):
        voi.check_options(["a", "b"], {"x": ["c"]})


def test_variance_shares_name_the_target_in_errors():
    draws, _, _ = linear_psa(n=60, reps=2, seed=0)
    with pytest.raises(PausesimError, match="^target has 59 draws"):
        voi.variance_shares(draws, np.zeros(59))
    with pytest.raises(PausesimError, match="^population = 'many' is invalid"):
        voi.check_options(["t1"], population="many")


def test_a_gaussian_process_that_interpolates_is_replaced_by_additive_splines():
    """Few draws, many parameters: the GP's noise level goes to its lower bound and it follows
    every draw (as it would follow each draw's replication noise); it is replaced by additive
    splines, which say so, and the EVPI names the regression it used."""
    rng = np.random.default_rng(6)
    n, d = 50, 6
    draws = pd.DataFrame(rng.uniform(size=(n, d)), columns=[f"p{j}" for j in range(d)])
    e = np.exp(draws.to_numpy() @ rng.normal(size=d))  # smooth, noise-free per draw
    res = voi.value_of_information(draws, e, 1e4 * (e - e.mean()), {"p0": "p0"}, [0.0, 1e4],
                                   bootstrap=0, progress=False)
    fits = res.fits[res.fits.parameter_group == voi.ALL_PARAMETERS]
    assert (fits.method == "additive").all()
    assert fits.warnings.str.startswith(metamodel.NO_STRUCTURE).all()
    assert not fits.warnings.str.contains("interpolates").any()  # the GP's warning is gone
    assert (fits.edf < metamodel.MAX_EDF_SHARE * n).all()
    assert res.evpi.evpi_regression.str.startswith("additive").all()


def test_bootstrap_standard_error_is_nan_without_warning_where_no_resample_is_finite():
    """An adjusted R² undefined in every resample (a fit with as many degrees of freedom as
    draws) has no standard error: NaN, not a numpy warning on the command line."""
    import warnings

    replicates = np.column_stack([np.full(20, np.nan), np.r_[np.nan, np.arange(19.0)]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        se = voi._sd(replicates)
    assert np.isnan(se[0])
    assert se[1] == pytest.approx(np.std(np.arange(19.0), ddof=1))


def test_a_fit_with_nearly_one_degree_of_freedom_per_draw_says_noise_is_not_removed():
    """Whatever the method, a fit is flagged exactly when its edf exceeds 0.8 x draws, and the
    EVPI claims that replication noise was removed exactly when its regression on all parameters
    is not flagged. Cases: y = x1 + noise by a Gaussian process on 4 parameters (smooths, edf
    about 4) and on 40 (no structure: additive splines instead); a noise-free sum of 30
    sine terms by additive splines (their basis outnumbers the 50 draws; the cross-validated
    penalty then often follows every draw), four seeds; at least one of each kind must occur."""
    flags = []
    rng = np.random.default_rng(1)
    for d in (4, 40):
        x = rng.normal(size=(60, d))
        f = metamodel.fit(x, x[:, 0] + rng.normal(0, 0.3, 60), [f"p{i}" for i in range(d)], "gp")
        assert (f.edf > metamodel.MAX_EDF_SHARE * 60) == metamodel.not_smoothed(f.warnings)
        assert (f.method == "additive") == (d == 40)
        flags.append(metamodel.not_smoothed(f.warnings))
    names = [f"p{i}" for i in range(30)]
    for seed in range(4):
        rng = np.random.default_rng(seed)
        x = rng.uniform(size=(50, 30))
        y = np.sin(3 * x).sum(axis=1)
        infants = y[:, None] + rng.normal(0, 1e-6, (50, 3))
        res = voi.value_of_information(pd.DataFrame(x, columns=names), infants,
                                       1e4 * infants - 5e3, {"first": ["p0"]}, [0.0],
                                       method="additive", bootstrap=0, progress=False)
        fit = res.fits[(res.fits.parameter_group == voi.ALL_PARAMETERS)
                       & (res.fits.outcome == "infants_avoided")].iloc[0]
        flagged = metamodel.not_smoothed(fit.warnings)
        assert flagged == (fit.edf > metamodel.MAX_EDF_SHARE * 50), (seed, fit.edf)
        assert ("NOT removed" in res.evpi.evpi_regression.iloc[0]) == flagged
        flags.append(flagged)
    assert any(flags) and not all(flags)

"""The results owner: one price base, costs with each parameter set's own values, programme cost
schedules, the registry's names everywhere, sources that add up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulation.core import deflators
from simulation.results import costs, metrics, study
from simulation.results.results import band_stats, mean_se, periods

REPS = 60


@pytest.fixture(scope="module")
def run(uncalibrated):
    sc = uncalibrated.with_overrides({"authority.system_effect_per_year": 11.4,
                                      "post_programme.removal_rate_ratio_completed": 0.6})
    return study.simulate(sc, REPS, seed=5, engine="fast")


def test_deflator_factor_is_the_table_ratio():
    # evidence.md s4.1: 2015-16 74.5804, 2021-22 85.3036, 2024-25 100
    assert deflators.factor(2015, 2021) == pytest.approx(85.3036 / 74.5804, rel=1e-12)
    assert round(deflators.factor(2015, 2021), 4) == 1.1438
    assert round(deflators.factor(2015, 2024), 4) == 1.3408
    assert deflators.latest_outturn_year() == 2024


def test_changing_care_costs_price_years_scales_cost_avoided_by_the_table_factor(uncalibrated):
    """Same seed, same infants: only the price years of the care costs change."""
    care = [p.price_year_key for p in costs.MONEY if not p.key.startswith("costs.programme")
            and p.key not in ("costs.additional_cost_per_year_gbp", "costs.setup_cost_gbp")]
    base = uncalibrated.with_overrides({"costs.price_year": 2021} | {k: 2015 for k in care})
    moved = base.with_overrides({k: 2021 for k in care})
    a = study.simulate(base, 40, seed=2, uncertainty="point")
    b = study.simulate(moved, 40, seed=2, uncertainty="point")
    np.testing.assert_array_equal(a.simulated.tally, b.simulated.tally)
    end = 60
    ratio = a.value("cost_avoided_cumulative", end) / b.value("cost_avoided_cumulative", end)
    np.testing.assert_allclose(ratio[np.isfinite(ratio)], deflators.factor(2015, 2021),
                               rtol=1e-9)


def test_a_single_cohort_pays_for_its_months_only(uncalibrated):
    sc = uncalibrated.with_overrides({"practice.successive_cycles": False,
                                      "practice.lead_in_months": 1.0,
                                      "costs.programme_cost_per_year_gbp": 120000.0,
                                      "costs.programme_cost_per_year_price_year": 2024})
    base, uplift = costs.programme_cost_by_month(sc, 60)
    months = 1.0 + 3.0 + 18.0
    assert base.sum() == pytest.approx(120000.0 * months / 12.0)
    assert base[22:].sum() == 0 and uplift.sum() == 0


def test_no_practice_costs_nothing_and_avoids_nothing(uncalibrated):
    sc = uncalibrated.with_overrides({"practice.operates": False,
                                      "costs.setup_cost_gbp": 50000.0,
                                      "costs.programme_cost_by_year_gbp": [1e5, 1e5]})
    base, uplift = costs.programme_cost_by_month(sc, 60)
    assert base.sum() == 0 and uplift.sum() == 0
    res = study.simulate(sc, 20, seed=4, uncertainty="point")
    for name in ("infants_avoided_cumulative", "net_cost_avoidance_cumulative_discounted"):
        np.testing.assert_allclose(res.value(name, 60), 0.0, atol=1e-6)


def test_a_cost_schedule_by_year_and_optimism_bias(uncalibrated):
    sc = uncalibrated.with_overrides({"costs.programme_cost_by_year_gbp": [1683487.0, 841743.0],
                                      "costs.programme_cost_by_year_price_year": 2024,
                                      "costs.optimism_bias": 0.2})
    base, uplift = costs.programme_cost_by_month(sc, 60)
    assert base[:12].sum() == pytest.approx(1683487.0)
    assert base[12:24].sum() == pytest.approx(841743.0)
    assert base[24:].sum() == 0
    np.testing.assert_allclose(uplift, 0.2 * base)


def test_parameter_sets_are_costed_with_their_own_values(national):
    """Posterior draws that set care costs to zero cost nothing (issue 14)."""
    zero = {k: 0.0 for k in ("costs.assessment_cost_gbp", "costs.proceedings_cost_gbp",
                             "costs.in_house_foster_cost_per_week_gbp",
                             "costs.agency_foster_cost_per_week_gbp",
                             "costs.kinship_cost_per_week_gbp",
                             "costs.residential_cost_per_week_gbp",
                             "costs.adoption_cost_gbp")}
    sets = [national.with_overrides(zero, given=False), national]
    from simulation import runner
    from simulation.results.results import Results

    sim = runner.run(sets, 10, seed=1)
    res = Results(sim, national)
    cost = res.value("cost_avoided_cumulative", 60)
    assert np.all(cost[res.simulated.set_index == 0] == 0)
    assert np.any(cost[res.simulated.set_index == 1] != 0)


def test_sources_sum_to_the_total_in_every_replication(run):
    assert run.check_sources() == 0.0
    total = run.value("infants_avoided_cumulative", 60)
    parts = sum(run.value(f"infants_avoided_{s}_cumulative", 60)
                for s in ("declined", "enrolled", "after_programme", "authority"))
    np.testing.assert_array_equal(total, parts)
    money = run.value("cost_avoided_cumulative_discounted", 60)
    split = sum(run.value(f"cost_avoided_{s}_cumulative_discounted", 60)
                for s in ("declined", "enrolled", "after_programme", "authority"))
    np.testing.assert_allclose(money, split, rtol=1e-9, atol=1e-6)


def test_summary_has_one_row_per_registered_name_and_period(run):
    table = run.summary()
    assert list(table.columns) == ["metric", "unit", "period", "mean", "mean_se", "median",
                                   "lo", "hi", "band", "band_includes"]
    assert set(table.metric) <= set(metrics.all_names())
    assert {f"{m.name}_cumulative" for m in metrics.METRICS} <= set(table.metric)
    assert not table.duplicated(["metric", "period"]).any()
    money = table[table.metric.str.startswith(("cost_", "net_", "programme_cost"))]
    assert (money.unit == run.price_label).all() and "2024/25" in run.price_label


def test_summary_agrees_with_the_replication_table(run):
    table = run.summary().set_index(["metric", "period"])
    reps = run.replications()
    for name in ("infants_avoided", "net_cost_avoidance"):
        suffix = "_discounted" if name.startswith("net") else ""
        by_year = reps.groupby("rep")[f"{name}_in_year{suffix}"].sum()
        assert by_year.mean() == pytest.approx(
            table.loc[(f"{name}_cumulative{suffix}", "year_5"), "mean"])


def test_after_horizon_costs_are_reported_separately(run):
    later = run.summary().set_index(["metric", "period"]).loc[
        ("cost_avoided_after_horizon_discounted", "horizon")]
    assert later["mean"] > 0  # infants still in care at the horizon go on costing
    # ... and not inside the 5-year figure, which counts months up to the horizon only
    inside = run.value("cost_avoided_cumulative", 60)
    assert not np.allclose(inside, inside + run.statistic(
        metrics.STATISTIC_BY_NAME["cost_avoided_after_horizon"], 60))


def test_break_even_month_is_the_first_month_for_good(run):
    net = run.cumulative(metrics.BY_NAME["net_cost_avoidance"])
    months = run.break_even_month(False)
    for rep in range(run.reps):
        negative = np.flatnonzero(net[rep] < 0)
        if len(negative) == 0:
            assert months[rep] == run.bin_ends[0]
        elif negative[-1] == net.shape[1] - 1:
            assert months[rep] == np.inf
        else:  # the month end after the last negative month
            assert months[rep] == run.bin_ends[negative[-1] + 1]


def test_band_stats_handle_never_and_always(run):
    stats = band_stats(np.array([1.0, 2.0, np.inf, np.inf]), 0.5)
    assert stats["median"] == np.inf or stats["median"] == 2.0
    assert periods(60) == {"month_21": 21, "year_1": 12, "year_2": 24, "year_3": 36,
                           "year_4": 48, "year_5": 60}


def test_period_resolution_gives_the_same_period_figures(uncalibrated):
    month = study.simulate(uncalibrated, 30, seed=9, uncertainty="point")
    period = study.simulate(uncalibrated, 30, seed=9, uncertainty="point", resolution="period")
    a, b = month.summary(), period.summary()
    keep = ~a.metric.str.startswith("break_even")  # resolution-dependent by definition
    # tallies are kept as float32 (7 significant digits), summed into bins before or after: a
    # sum of up to 60 monthly values differs by up to ~60 x 6e-8 = 4e-6 relative (a median
    # of money, the middle future's sum, showed 2e-6)
    pd.testing.assert_frame_equal(a[keep].reset_index(drop=True),
                                  b[keep].reset_index(drop=True), rtol=1e-5)


def test_the_mean_se_is_clustered_by_parameter_set_and_agrees_with_a_cluster_bootstrap(national):
    """Replications of one posterior draw share its parameters: the standard error of a mean is
    that of the draws' means. Checked against a cluster bootstrap (draws resampled with
    replacement): they agree within the bootstrap SD's own error (relative 1/sqrt(2B)) times
    Z = 4, plus the bootstrap's small-sample bias (sqrt((k-1)/k)). The unclustered error, which
    treats replications as independent, is far smaller here: it would understate the error."""
    from simulation.results.results import mean_se

    res = study.simulate(national, 600, seed=12, draws=40)
    npv = res.value("net_cost_avoidance_cumulative_discounted", 60)
    sets = res.simulated.set_index
    table = res.summary()
    row = table[(table.metric == "net_cost_avoidance_cumulative_discounted")
                & (table.period == "year_5")].iloc[0]
    assert row.mean_se == pytest.approx(mean_se(npv, sets))
    means = pd.Series(npv).groupby(sets).mean().to_numpy()
    k, boots = len(means), 4000
    rng = np.random.default_rng(1)
    boot_sd = means[rng.integers(0, k, size=(boots, k))].mean(axis=1).std(ddof=1)
    bias = np.sqrt((k - 1) / k)
    assert abs(row.mean_se * bias / boot_sd - 1.0) < 4.0 / np.sqrt(2 * boots)
    assert mean_se(npv) < 0.7 * row.mean_se  # ignoring the clusters understates the error


# ------------------------ clustered standard errors, part-year periods, T1/T2 labels (issue 21)


def test_mean_se_agrees_with_a_cluster_bootstrap():
    """mean_se of a clustered mean against a cluster bootstrap (resampling whole parameter
    sets) on a synthetic run with a large between-set spread (as the NPV's). Old behaviour (the
    replications treated as independent) is ~2.6 times too small here. The bootstrap's own
    error with B = 4000 resamples is about se / sqrt(2 B) ~ 1.1% of se; the estimators differ
    by O(1/K) with K = 60 sets: tolerance 6%."""
    rng = np.random.default_rng(21)
    k, m = 60, 10
    set_means = rng.normal(0.0, 1.0, k)
    values = (set_means[:, None] + rng.normal(0.0, 1.0, (k, m))).ravel()
    clusters = np.repeat(np.arange(k), m)
    se = mean_se(values, clusters)
    by_set = values.reshape(k, m).mean(axis=1)
    boot = by_set[rng.integers(0, k, (4000, k))].mean(axis=1)
    assert se == pytest.approx(boot.std(ddof=1), rel=0.06)
    naive = values.std(ddof=1) / np.sqrt(len(values))
    assert se > 2 * naive  # the independent-replications error is far too small


def test_periods_report_the_part_year():
    """Old behaviour: an 18-month horizon reported year 1 only."""
    assert periods(18) == {"year_1": 12, "months_13_18": 18}
    assert periods(60) == {"month_21": 21, **{f"year_{y}": 12 * y for y in range(1, 6)}}


def test_single_cohort_is_not_labelled_t2(national):
    from simulation.results.results import measured_t1, measured_t2

    assert measured_t2(national) and measured_t1(national)
    single = national.with_overrides({"practice.successive_cycles": False})
    assert not measured_t2(single)

"""Issue 21 (items 1-4 and 6): what the default bands include, clustered standard errors and the
precision warning, horizons in whole months with part-years, costs that follow the option, one
central statistic. Each test says which old behaviour it fails on."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.core import scenario as scenario_mod
from simulation.core import uncertainty as unc
from simulation.core.errors import PausesimError
from simulation.results import draws as draws_mod
from simulation.results import precision, study
from simulation.results.costs import programme_cost_by_month
from simulation.results.results import mean_se, periods

# ------------------------------------------------------------------ 1. default bands


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


def test_site_variation_interval_covers_the_sites_documents():
    """docs/model.md: 90% of sites at 0.25-0.63 around 0.43 (seed 002's 21/49 and seed 004's
    18-24 of 51 = 0.35-0.47 inside)."""
    site = unc.SITE_BY_KEY["outreach.enrol_probability"]
    lo, hi = site.interval(21 / 49)
    assert lo < 18 / 51 and hi > 24 / 51
    assert lo == pytest.approx(0.25, abs=0.01) and hi == pytest.approx(0.63, abs=0.01)


def test_point_is_one_set_and_says_chance_alone(national):
    sets, _, meta = study.parameter_plan([national], reps=20, seed=3, draws=10,
                                         uncertainty="point")
    assert len(sets[0]) == 1 and "chance alone" in meta["band_covers"]


# ------------------------------------------------------ 2. clustered errors, precision


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


def test_precision_warning_for_too_few_draws():
    """A 50-draw PSA reporting ~97%: its s.e. can be ~3 points, so no +-5-point claim; the
    warning names the draws needed. Old behaviour: no warning at all."""
    rng = np.random.default_rng(1)
    k, m = 50, 20
    p_draw = rng.beta(8, 0.3, k)
    positive = (rng.random((k, m)) < p_draw[:, None]).ravel()
    clusters = np.repeat(np.arange(k), m)
    text = precision.net_saving_warning(positive, clusters, "to year 5")
    assert text is not None and "--draws" in text
    need = int(text.split("--draws ")[1].split(",")[0])
    assert need > k
    # with the draws it asks for (same kind of spread), no warning
    k2 = need + 50
    p_draw = rng.beta(8, 0.3, k2)
    positive = (rng.random((k2, m)) < p_draw[:, None]).ravel()
    assert precision.net_saving_warning(positive, np.repeat(np.arange(k2), m), "x") is None


def test_precision_one_set_counts_replications():
    positive = np.r_[np.ones(600), np.zeros(400)]
    assert precision.net_saving_warning(positive, np.zeros(1000, int), "x") is None
    text = precision.net_saving_warning(positive[::10], np.zeros(100, int), "x")
    assert "--reps" in text


# -------------------------------------------------------------------------- 3. horizons


def test_periods_report_the_part_year():
    """Old behaviour: an 18-month horizon reported year 1 only."""
    assert periods(18) == {"year_1": 12, "months_13_18": 18}
    assert periods(60) == {"month_21": 21, **{f"year_{y}": 12 * y for y in range(1, 6)}}


def test_an_18_month_report_says_where_the_effect_comes_from_over_18_months(national):
    """Old behaviour: the sources table and its sentence stopped at the last whole year ("of
    the 0.1 infants ... over 1 year") in an 18-month report."""
    from simulation.report import build

    both = build.simulate(national.with_overrides({"practice.horizon_months": 18}), 8, 3,
                          "point", 1, 0.9, engine="fast", workers=1, progress=False)
    report = build.build(*both, 0.9, None, None)
    assert set(report.tables["sources"].period) == {"months_13_18"}
    where = [x.text for x in report.sentences if "on average over" in x.text]
    assert len(where) == 2 and all("over 18 months" in text for text in where), where


def test_horizon_must_be_whole_months(national):
    with pytest.raises(scenario_mod.ScenarioError, match="whole number of months"):
        national.with_overrides({"practice.horizon_months": 18.5})


def test_cli_horizon_months_on_every_simulating_command():
    from simulation.cli import build_parser

    parser = build_parser()
    for argv in (["run"], ["report"], ["compare"], ["sensitivity", "psa"],
                 ["portfolio", "areas.csv"], ["monitor", "national", "data.csv"]):
        args = parser.parse_args([*argv, "--horizon-months", "18"])
        assert args.horizon_months == "18", argv


def test_cli_horizon_months_checked(capsys):
    from simulation.cli.common import horizon_months

    class A:
        horizon_months = "18.5"

    with pytest.raises(PausesimError, match="--horizon-months.*whole number"):
        horizon_months(A())
    A.horizon_months = "x"
    with pytest.raises(PausesimError, match="--horizon-months = 'x' is invalid"):
        horizon_months(A())


def test_single_cohort_is_not_labelled_t2(national):
    from simulation.results.results import measured_t1, measured_t2

    assert measured_t2(national) and measured_t1(national)
    single = national.with_overrides({"practice.successive_cycles": False})
    assert not measured_t2(single)


# ----------------------------------------------------------------------------- 4. costs


def test_programme_cost_follows_practitioners(national):
    """Old behaviour: a 4th practitioner cost nothing (the programme cost a fixed total)."""
    three = programme_cost_by_month(national, 60)[0].sum()
    four = programme_cost_by_month(
        national.with_overrides({"practice.practitioners": 4}), 60)[0].sum()
    assert three == pytest.approx(programme_cost_by_month(national, 60)[0].sum())
    assert four > three
    per_fte = four - three  # one practitioner for 5 years at the price base
    assert per_fte == pytest.approx(5 * 55000 * (three / (5 * 300000)), rel=1e-9)
    # a given total is used as it is (and does not follow staff)
    total = national.with_overrides({"costs.programme_cost_per_year_gbp": 250000.0,
                                     "practice.practitioners": 4})
    assert programme_cost_by_month(total, 60)[0].sum() == pytest.approx(three * 250 / 300)


def test_fte_decimals(national):
    sc = national.with_overrides({"practice.practitioners": 2.5})
    assert sc.capacity == 20


def test_cost_schedule_shorter_than_cycles_warns(national):
    sc = national.with_overrides({"costs.programme_cost_by_year_gbp": [300000.0, 300000.0]})
    (warning,) = scenario_mod.cost_schedule_mismatch(sc)
    assert "2 year(s) of cost" in warning and "runs 60 months" in warning
    assert scenario_mod.cost_schedule_mismatch(national) == []


def test_inherited_inflow_warns(national):
    sc = national.with_overrides({"population.eligible_women_at_start": 30}, name="myarea")
    (warning,) = scenario_mod.inherited_inflow(sc)
    assert "INHERITED" in warning


def test_money_message_matches_the_workbook_notes(national):
    with pytest.raises(scenario_mod.ScenarioError) as err:
        national.with_overrides({"costs.programme_cost_per_year_gbp": "£300k"})
    assert "£300,000" in str(err.value) and "without '£'" not in str(err.value)


def test_workbook_fte_money_and_inherited_inflow(tmp_path, national):
    import openpyxl

    from simulation.core import workbook

    path = tmp_path / "myarea.xlsx"
    workbook.write_template(national, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[workbook.INPUTS_SHEET]
    header = [c.value for c in ws[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    for r in range(2, ws.max_row + 1):
        key = f"{ws.cell(r, col['section']).value}.{ws.cell(r, col['name']).value}"
        if key == "practice.practitioners":
            ws.cell(r, col["value"]).value = 2.5
        if key == "population.eligible_women_at_start":
            ws.cell(r, col["value"]).value = 30
        if key == "costs.programme_cost_per_year_gbp":
            ws.cell(r, col["value"]).value = "£300,000"
    wb.save(path)
    sc = scenario_mod.load(str(path))
    assert sc["practice.practitioners"] == 2.5 and sc.capacity == 20
    assert sc["costs.programme_cost_per_year_gbp"] == 300000.0
    # the inflow left blank is the national one: flagged on every run, with what it adds
    (warning,) = scenario_mod.inherited_inflow(sc)
    assert "INHERITED" in warning and "list of 30" in warning


# ------------------------------------------------------------------- 6. one statistic


def test_printout_headline_is_the_median_and_the_mean_is_labelled(national):
    """Old behaviour: ``run`` printed unlabelled means while the report quoted medians. The
    printed line of the NPV to year 5 starts with the summary's median and labels the mean."""
    from simulation.results import format as fmt
    from simulation.results.text import HEADLINE_NOTE, summary_text

    res = study.simulate(national, reps=8, seed=4, draws=4)
    table = res.summary()
    text = summary_text(res, table)
    assert "the headline figure is the median" in HEADLINE_NOTE
    assert HEADLINE_NOTE.format(band=0.9) in text
    row = table[(table.metric == "net_cost_avoidance_cumulative_discounted")
                & (table.period == "year_5")].iloc[0]
    (line,) = [ln for ln in text.splitlines() if ln.strip().startswith("to year 5: net")]
    assert line.split("net", 1)[1].split()[0] == fmt.money(row["median"])
    assert f"mean {fmt.money(row['mean'])}" in line


def test_covers_words_for_each_mode(national):
    for mode in ("posterior", "calibrated", "point"):
        _, _, meta = study.parameter_plan([national], reps=10, seed=1, draws=5,
                                          uncertainty=mode)
        assert meta["band_covers"] == draws_mod.covers(meta)


def test_compare_a_fourth_practitioner_costs_more(national):
    """Through the options a compare simulates (same draws, same random numbers): the option
    with a 4th practitioner has a higher programme cost in every replication. Old behaviour:
    equal costs (the total did not follow staff). Costs are computed, not sampled: no
    tolerance."""
    four = national.with_overrides({"practice.practitioners": 4}, name="4 practitioners")
    a, b = study.simulate_options([national, four], reps=4, seed=2, draws=2)
    cost_a = a.value("programme_cost_cumulative", 60)
    cost_b = b.value("programme_cost_cumulative", 60)
    assert (cost_b > cost_a).all()


def test_costs_and_pathways_tornado_beside_the_models():
    """Old behaviour: one tornado mixing every group. The figures split unit costs and care
    pathways from the model's parameters (each outcome), each only with its own rows."""
    import pandas as pd

    from simulation.sensitivity.oneway import TornadoResult

    rows = []
    for i, (key, group) in enumerate((("costs.adoption_cost_gbp", "costs"),
                                      ("care.adoption_mean_months", "pathways"),
                                      ("outreach.enrol_probability", "delivery"))):
        rows.append({"outcome": "net", "unit": "GBP", "parameter": key, "label": key,
                     "group": group, "base_value": 1.0, "low_value": 0.5, "high_value": 2.0,
                     "base_mean": 0.0, "low_effect": -(i + 1.0), "high_effect": i + 1.0,
                     "low_effect_ci_lo": -(i + 2.0), "low_effect_ci_hi": -i,
                     "high_effect_ci_lo": float(i), "high_effect_ci_hi": i + 2.0,
                     "largest_deviation": i + 1.0, "rank": 3 - i})
    figs = TornadoResult(pd.DataFrame(rows), year=5, reps=10).figures()
    assert set(figs) == {"tornado_net", "tornado_costs_pathways_net"}
    labels = [t.get_text() for t in figs["tornado_costs_pathways_net"].axes[0].get_yticklabels()]
    assert any("adoption_cost" in t for t in labels) and not any("enrol" in t for t in labels)
    assert "unit costs and care pathways" in figs["tornado_costs_pathways_net"].axes[0].get_title()


def test_a_given_total_with_other_staff_warns():
    """dorset-2022 gives its total (GBP 331k): a 4th practitioner in compare keeps it, and says
    so (the shipped experiment scaled it by hand). Old behaviour: silence."""
    dorset = scenario_mod.load("dorset-2022")
    four = dorset.with_overrides({"practice.practitioners": 4})
    (line,) = scenario_mod.fixed_total_with_other_staff(dorset, four, "4 practitioners")
    assert "does not follow staff" in line
    own = four.with_overrides({"costs.programme_cost_per_year_gbp": 400000.0})
    assert scenario_mod.fixed_total_with_other_staff(dorset, own, "x") == []

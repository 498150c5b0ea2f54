"""Comparison of options with the same parameter draws and common random numbers (CRN).

The structural checks are exact, not statistical: an option compared with itself differs by
exactly zero in every replication (with posterior draws too), a parameter that affects nothing
gives exactly zero difference, and a change to the programme cost alone moves net cost avoidance
by exactly the discounted cost change while leaving care entries untouched. The Dorset options
(issue 10) are statistical: the paired 95% confidence interval of the mean difference (clustered
by parameter draw) must exclude zero in the stated direction at 200 replications; at these sizes
the intervals are about 0.2 infants wide against differences of 1-6 infants.
Verified to fail when wrong (each tried once): running each option with its own seed (no CRN,
different posterior draws) makes the self-comparison differences non-zero; pairing replication r
of an option with replication r + k of the reference does too; comparing the undiscounted net
cost avoidance fails the exact discounted cost difference.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from simulation.cli import main as cli_main
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.sensitivity import option_comparison

REPS = 4
INFANTS, NET = option_comparison.HEADLINE


def test_a_scenario_compared_with_itself_differs_by_exactly_zero(national, tmp_path):
    path = tmp_path / "copy.toml"
    path.write_text(national.to_toml())  # same values, loaded from a file
    res = option_comparison.compare([("national", national), ("national", national),
                           ("file", scenario_mod.load(path))], REPS, seed=5, draws=2)
    assert res.labels == ["national", "national (2)", "file"]
    assert len(np.unique(res.clusters)) == 2  # posterior draws, shared by the options
    assert np.array_equal(res.values[0], res.values[1])
    assert np.array_equal(res.values[0], res.values[2])
    table = res.table()
    for col in ("difference_mean", "difference_ci_lo", "difference_ci_hi", "difference_lo",
                "difference_hi", "share_of_futures_higher", "share_of_futures_lower"):
        assert (table[col] == 0).all(), col


def test_no_effect_and_cost_only_variants_are_exact(national):
    extra = 100_000.0
    res = option_comparison.compare([
        ("national", national),
        ("housing need 0", national.with_overrides({"population.housing_probability": 0.0})),
        ("dearer", national.with_overrides({"costs.additional_cost_per_year_gbp": extra})),
    ], REPS, seed=9, uncertainty="point")
    table = res.table().set_index(["option", "metric", "period"])
    assert (res.values[1] == res.values[0]).all()  # needs modify no hazard
    assert table.loc[("dearer", INFANTS, "year_5"), "difference_mean"] == 0
    # the additional cost is priced like the scenario's other inputs; discounting (Green Book):
    # year t (t = 1..5) divided by 1.035^(t-1), with any optimism bias on top
    from simulation.results import costs

    dearer = res.scenarios[2]
    per_year = costs.to_base(dearer, "costs.additional_cost_per_year_gbp") * \
        (1 + dearer["costs.optimism_bias"])
    expected = -per_year * sum(1.035 ** -t for t in range(5))
    diff = res.difference(2, NET, "year_5")
    np.testing.assert_allclose(diff, expected, rtol=1e-6)
    row = table.loc[("dearer", NET, "year_5")]
    assert row.difference_ci_lo == pytest.approx(expected, rel=1e-6)
    assert row.difference_ci_hi == pytest.approx(expected, rel=1e-6)


def test_options_with_different_horizons_are_compared_over_common_periods(national):
    short = national.with_overrides({"practice.horizon_months": 24.0})
    res = option_comparison.compare([("5 years", national), ("2 years", short)], 2, seed=1, draws=2)
    assert res.periods == ["month_21", "year_1", "year_2"]
    with pytest.raises(PausesimError, match="price_year"):
        repriced = national.with_overrides({"costs.price_year": 2020})
        option_comparison.compare([("a", national), ("b", repriced)], 2, seed=1)


def test_dorset_options_move_the_result_in_the_expected_direction():
    """Issue 10: the funded service avoids clearly more infants than no action; a smaller
    caseload fewer; more practitioners (at the same cost) not fewer."""
    dorset = scenario_mod.load("dorset-2022")
    res = option_comparison.compare([
        ("dorset-2022", dorset),
        ("no action", dorset.with_overrides({"practice.operates": False})),
        ("caseload 6", dorset.with_overrides({"practice.caseload_per_practitioner": 6})),
        ("4 practitioners", dorset.with_overrides({"practice.practitioners": 4})),
    ], 200, seed=3)
    t = res.table().set_index(["option", "metric", "period"])
    no_action = t.loc[("no action", INFANTS, "year_5")]
    assert no_action.difference_ci_hi < 0 and no_action.difference_hi < 0  # funded avoids more
    assert t.loc[("caseload 6", INFANTS, "year_5")].difference_ci_hi < 0
    assert t.loc[("4 practitioners", INFANTS, "year_5")].difference_ci_hi >= 0
    assert t.loc[("no action", "women_enrolled_cumulative", "year_5")]["mean"] == 0
    # no action is exactly no effect (both of its arms are the same) at no cost
    assert t.loc[("no action", INFANTS, "year_5")]["mean"] == 0
    assert t.loc[("no action", "net_cost_avoidance_cumulative_discounted", "year_5")]["mean"] == 0


def test_cli_compare_writes_table_plot_and_provenance(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = cli_main(["compare", "national", "national", "--variant", "caseload 6",
                     "practice.caseload_per_practitioner=6", "--reps", "4", "--draws", "2",
                     "--workers", "1", "--out", str(out)])
    assert code == 0
    assert {"comparison.csv", "options.csv", "comparison.png", "sources.png", "run.json"} <= \
        {p.name for p in out.iterdir()}
    table = pd.read_csv(out / "comparison.csv")
    assert set(table.option) == {"national", "national (2)", "caseload 6"}
    assert (table[table.option == "national (2)"].difference_mean == 0).all()
    assert {"infants_avoided_declined_cumulative", "infants_avoided_authority_cumulative",
            "probability_net_saving_discounted"} <= set(table.metric)
    options = pd.read_csv(out / "options.csv")
    assert options.differs_from_reference.iloc[2] == "practice.caseload_per_practitioner=6"
    record = json.loads((out / "run.json").read_text())
    assert record["seed"] == 20240101 and len(record["options"]) == 3
    assert record["parameters_from"]["draws"] == 2
    printed = capsys.readouterr().out
    assert "caseload 6" in printed and "where the effect comes from" in printed


@pytest.mark.parametrize("argv, message", [
    (["compare", "--variant", "lonely label"], "give at least one SECTION.NAME=VALUE"),
    (["compare", "--variant", "x", "practice.nope=3"], "unknown parameter 'practice.nope'"),
    (["compare", "--variant", "x", "practice.practitioners=0"], "practice.practitioners = 0"),
    (["compare", "--variant", "x", "practice.practitioners=2", "practice.practitioners=3"],
     "given twice"),
    (["compare", "nowhere.toml"], "nowhere.toml"),
    (["compare", "--reps", "0"], "--reps = 0 is invalid"),
    (["compare", "--calibration", "nope"], "--calibration 'nope' is invalid"),
])
def test_cli_compare_bad_input_is_one_line_and_writes_nothing(argv, message, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli_main(argv + ["--workers", "1", "--out", str(out)] +
                    ([] if "--reps" in argv else ["--reps", "2"]))
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_each_view_names_itself_in_its_figures(national):
    """`compare` shows both views: each one's figures say which view they show (the base case's
    numbers must not be read as the authority-wide scenario's)."""
    from simulation.results.views import LABELS

    both = option_comparison.compare_views(
        [("national", national),
         ("caseload 6", national.with_overrides({"practice.caseload_per_practitioner": 6}))],
        4, 1, draws=2)
    assert list(both) == ["base", "authority"]
    for name, result in both.items():
        assert result.view == name
        figures = result.figures()
        assert figures["comparison"]._suptitle.get_text().startswith(f"{LABELS[name]}. ")
        assert figures["sources"].axes[0].get_title().startswith(f"{LABELS[name]}. ")

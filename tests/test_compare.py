"""Scenario comparison under common random numbers (CRN).

Every check here is exact, not statistical: with CRN an option compared with itself differs by
exactly zero in every replication, a parameter that affects nothing gives exactly zero difference,
and a change to the programme cost alone moves net cost avoidance by exactly the discounted cost
change while leaving care entries untouched. Verified to fail when CRN is broken (running each
option with seed + its index makes the self-comparison differences non-zero).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from simulation.core import scenario as scenario_mod
from simulation.cli import main as cli_main
from simulation.core.errors import PausesimError
from simulation.sensitivity import compare

REPS = 3


def test_a_scenario_compared_with_itself_differs_by_exactly_zero(national, tmp_path):
    path = tmp_path / "copy.toml"
    path.write_text(national.to_toml())  # same values, loaded from a file
    res = compare.compare([("national", national), ("national", national),
                           ("file", scenario_mod.load(path))], REPS, seed=5)
    assert res.labels == ["national", "national (2)", "file"]
    assert np.array_equal(res.values[0], res.values[1])
    assert np.array_equal(res.values[0], res.values[2])
    table = res.table()
    for col in ("difference_mean", "difference_ci_lo", "difference_ci_hi", "difference_lo",
                "difference_hi", "share_of_futures_higher", "share_of_futures_lower"):
        assert (table[col] == 0).all(), col


def test_no_effect_and_cost_only_variants_are_exact(national):
    extra = 100_000.0
    res = compare.compare([
        ("national", national),
        ("housing need 0", national.with_overrides({"population.housing_probability": 0.0})),
        ("dearer", national.with_overrides({"costs.additional_cost_per_year_gbp": extra})),
    ], REPS, seed=9)
    table = res.table().set_index(["option", "metric", "period"])
    y5 = "year_5"
    assert (res.values[1] == res.values[0]).all()  # needs modify no hazard
    assert table.loc[("dearer", "infants_avoided_cumulative", y5), "difference_mean"] == 0
    # Green Book: year t (t = 1..5) divided by 1.035^(t-1)
    expected = -extra * sum(1.035 ** -t for t in range(5))
    diff = res.values[2, :, compare.METRICS.index("net_cost_avoidance_discounted"), -1] - \
        res.values[0, :, compare.METRICS.index("net_cost_avoidance_discounted"), -1]
    np.testing.assert_allclose(diff, expected, rtol=1e-9)
    row = table.loc[("dearer", "net_cost_avoidance_discounted_cumulative", y5)]
    assert row.difference_ci_lo == pytest.approx(expected) == row.difference_ci_hi


def test_options_with_different_horizons_are_compared_over_common_periods(national):
    short = national.with_overrides({"practice.horizon_months": 24.0})
    res = compare.compare([("5 years", national), ("2 years", short)], 2, seed=1)
    assert res.periods == ["month_21", "year_1", "year_2"]
    with pytest.raises(PausesimError, match="price_year"):
        repriced = national.with_overrides({"costs.price_year": 2020})
        compare.compare([("a", national), ("b", repriced)], 2, seed=1)


def test_cli_compare_writes_table_plot_and_provenance(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = cli_main(["compare", "national", "national", "--variant", "caseload 6",
                     "practice.caseload_per_practitioner=6", "--reps", "2", "--workers", "1",
                     "--out", str(out)])
    assert code == 0
    assert {"comparison.csv", "options.csv", "comparison.png", "run.json"} <= \
        {p.name for p in out.iterdir()}
    table = pd.read_csv(out / "comparison.csv")
    assert set(table.option) == {"national", "national (2)", "caseload 6"}
    assert (table[table.option == "national (2)"].difference_mean == 0).all()
    options = pd.read_csv(out / "options.csv")
    assert options.differs_from_reference.iloc[2] == "practice.caseload_per_practitioner=6"
    record = json.loads((out / "run.json").read_text())
    assert record["seed"] == 20240101 and len(record["options"]) == 3
    assert "caseload 6" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["compare", "--variant", "lonely label"], "give at least one SECTION.NAME=VALUE"),
    (["compare", "--variant", "x", "practice.nope=3"], "unknown parameter 'practice.nope'"),
    (["compare", "--variant", "x", "practice.practitioners=0"], "practice.practitioners = 0"),
    (["compare", "nowhere.toml"], "nowhere.toml"),
    (["compare", "--reps", "0"], "--reps = 0 is invalid"),
])
def test_cli_compare_bad_input_is_one_line_and_writes_nothing(argv, message, tmp_path, capsys):
    out = tmp_path / "out"
    code = cli_main(argv + ["--workers", "1", "--out", str(out)] +
                    ([] if "--reps" in argv else ["--reps", "2"]))
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []

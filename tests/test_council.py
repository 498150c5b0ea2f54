"""The council method against the published figures it must reproduce.

DfE 2017 (evidence.md s1, Tables 19-20): 21.1 (model 1) or 36.8 (model 2) removals avoided per
18-month cohort, year 1 pro-rated 12/18 (14.066 / 24.53), held constant to year 5, GBP 57,102 per
removal-year, programme GBP 1,683,487 in year 1 and GBP 841,743 in year 2; "net cost savings of
between £1.2 million and £2.1 million per year after the 18-month intervention period", "offset
... within 2 to 3 years". The seeds' own inputs (costs, cohort sizes) where they state them.
Deterministic: exact or to the published rounding. Checked to fail: counting year 1's removals
at the year's mid-point (7.03) breaks test_dfe_2017_table_19; discounting year 1 breaks
test_green_book_discounting_year_1_undiscounted.

The same table entered by year as published (YearlyInputs, ``pausesim council``): the expected rows
are worked out here from the published inputs with plain arithmetic. Checked to fail: discounting
year t by 1.035^t breaks test_dfe_2017_entered_by_year_as_published and the CLI test; dropping the
rounding of money to pennies breaks test_cli_writes_the_dfe_table_without_float_noise.
"""

from __future__ import annotations

import csv
import json
import re

import pandas as pd
import pytest

from simulation.cli import main
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.report import council
from simulation.report.claims import BY_ID

DFE_COST_18_MONTHS = 2_525_230.0


def dfe_2017(removals: float) -> council.CouncilInputs:
    return council.CouncilInputs(
        removals_avoided_per_cohort=(removals,), cohort_start_months=(0.0,), accrual_months=18.0,
        saving_per_removal_year_gbp=council.DFE_2017_SAVING_PER_REMOVAL_YEAR_GBP,
        programme_cost_by_year_gbp=(1_683_487.0, 841_743.0, 0.0, 0.0, 0.0),
        discount_rate_per_year=0.035)


def test_dfe_2017_table_19():
    m1 = council.estimate(dfe_2017(21.1))
    # removals counted: 14.066 in year 1 (2/3 of 21.1, published to 3 decimals), then 21.1
    assert m1.removals_avoided.iloc[0] == pytest.approx(14.066, abs=0.001)
    assert list(m1.removals_avoided.iloc[1:]) == pytest.approx([21.1] * 4)
    # "21.1 x 57,102 = 1,204,852" a year from year 2
    assert round(m1.cost_avoided.iloc[1]) == 1_204_852
    assert m1.cost_avoided.iloc[1] == pytest.approx(21.1 * 57_102)
    m2 = council.estimate(dfe_2017(36.8))
    assert m2.removals_avoided.iloc[0] == pytest.approx(24.53, abs=0.005)


def test_dfe_2017_net_savings_per_year_and_payback():
    m1, m2 = council.estimate(dfe_2017(21.1)), council.estimate(dfe_2017(36.8))
    # "between £1.2 million and £2.1 million per year after the 18-month intervention period"
    assert round(m1.net_cost_avoidance.iloc[2] / 1e6, 1) == 1.2
    assert round(m2.net_cost_avoidance.iloc[2] / 1e6, 1) == 2.1
    # "offset by savings to local authorities within 2 to 3 years"
    assert council.break_even_year(m1) == 3 and council.break_even_year(m2) == 2
    # programme cost: GBP 2,525,230 over 18 months
    assert m1.programme_cost_cumulative.iloc[-1] == pytest.approx(DFE_COST_18_MONTHS)


def test_green_book_discounting_year_1_undiscounted():
    m1 = council.estimate(dfe_2017(21.1))
    assert m1.discount_factor.iloc[0] == 1.0
    assert m1.cost_avoided_discounted.iloc[1] == pytest.approx(21.1 * 57_102 / 1.035)
    assert m1.net_cost_avoidance_discounted.iloc[4] == pytest.approx(21.1 * 57_102 / 1.035 ** 4)
    assert m1.net_cost_avoidance_cumulative_discounted.iloc[-1] == pytest.approx(
        m1.net_cost_avoidance_discounted.sum())


def test_from_scenario_uses_the_scenario_inputs(national):
    """The DfE's 57,102 a removal-year (2015/16 prices) at the scenario's price base, and the
    programme cost by year as the simulation charges it (costs.programme_cost_by_month)."""
    dorset = scenario_mod.load("dorset-2022")  # reports at 2021/22 prices
    saving = council.from_scenario(dorset).saving_per_removal_year_gbp
    # HM Treasury GDP deflator 2015/16 -> 2021/22: x1.1438 (evidence.md s4.1, to 4 decimals)
    assert saving == pytest.approx(57_102 * 1.1438, rel=5e-5)
    base = national["costs.price_year"]
    sc = national.with_overrides({"costs.programme_cost_per_year_gbp": 1_683_487.0,
                                  "costs.programme_cost_per_year_price_year": base,
                                  "practice.horizon_months": 18.0})
    by_year = council.from_scenario(sc).programme_cost_by_year_gbp
    assert [round(x) for x in by_year] == [1_683_487, 841_744]  # DfE: 841,743 (rounded down)
    biased = council.from_scenario(sc.with_overrides({"costs.optimism_bias": 0.2}))
    assert biased.programme_cost_by_year_gbp == pytest.approx(tuple(1.2 * x for x in by_year))
    same = council.from_scenario(national.with_overrides({"costs.price_year": 2015}))
    assert same.saving_per_removal_year_gbp == pytest.approx(57_102)  # no conversion at 2015/16


def test_national_cohorts_and_accrual(national):
    """National: 11 per cohort of 24 (T1), a cohort every 21 months: 3 within 60 months."""
    inputs = council.from_scenario(national)
    assert inputs.cohort_start_months == (0.0, 21.0, 42.0)
    assert inputs.removals_avoided_per_cohort == pytest.approx((11.0, 11.0, 11.0))
    assert inputs.removals_avoided_at(21.0) == pytest.approx(11.0)  # T1
    assert inputs.removals_avoided_at(60.0) == pytest.approx(22 + 11 * 18 / 21)
    given = council.from_scenario(national, removals_avoided_per_cohort=4.05)
    assert given.removals_avoided_per_cohort == (4.05, 4.05, 4.05)


def test_seed_002_scaling_of_the_national_effect():
    """Seed 002: 'up to 10 children after 21 months ... with the current cohort of 21 women' and
    'further cohorts of 24 women ... 11 children entering care after 21 months'; delivery cost
    GBP 285,000 a year, 'cumulative delivery cost of £1,425,000' over 5 years."""
    sc = scenario_mod.load("southampton-2021")
    inputs = council.from_scenario(sc)
    first, later = inputs.removals_avoided_per_cohort[0], inputs.removals_avoided_per_cohort[1]
    assert council.expected_first_cohort(sc) == pytest.approx(21, abs=0.01)  # 21 of 49 signed up
    assert round(first) == 10 and first == pytest.approx(11 * 21 / 24, abs=0.01)
    assert later == pytest.approx(11.0)
    core = sc.with_overrides({"costs.programme_cost_by_year_gbp": [285_000.0] * 5})  # seed CBA
    table = council.estimate(council.from_scenario(core))
    assert table.programme_cost_cumulative.iloc[-1] == pytest.approx(1_425_000)
    assert table.net_cost_avoidance_cumulative.iloc[-1] == pytest.approx(
        table.cost_avoided_cumulative.iloc[-1] - 1_425_000)


def test_seed_claims_are_internally_consistent():
    """The claims data: seed 002 net = avoided - delivery cost; seed 004's implied delivery cost;
    seed 000's and seed 001's cost components."""
    c002 = {c.id: c.value for c in BY_ID["southampton-2021"].claims}
    assert c002["cost_avoided"] - c002["delivery_cost"] == c002["net"]
    c004 = {c.id: c.value for c in BY_ID["dorset-2022"].claims}
    assert c004["cost_avoided"] - c004["net"] == c004["cba_cost"] == 1_500_000
    assert c004["contract_cost"] == 5 * 331_000
    assert 303_322.50 + 88_950 + 57_727.50 == BY_ID["southampton-2018-scoping"].claims[0].value
    assert 146_799 + 30_000 + 30_000 == {c.id: c.value for c in
                                         BY_ID["southampton-2019-pilot"].claims}["pilot_cost"]


def test_seed_000_and_001_costs_reach_the_council_inputs():
    scoping = council.from_scenario(BY_ID["southampton-2018-scoping"].scenario())
    assert scoping.programme_cost_by_year_gbp[:2] == pytest.approx((300_000, 300_000))  # 450k/18 m
    pilot_sc = scenario_mod.load("southampton-2019-pilot")
    pilot = council.from_scenario(pilot_sc)
    schedule = pilot_sc["costs.programme_cost_by_year_gbp"]  # seed 001's budget by year
    assert sum(schedule) == pytest.approx(206_799)
    assert pilot.programme_cost_by_year_gbp == pytest.approx((*schedule, 0, 0, 0))
    assert pilot.cohort_start_months == (0.0,)  # one cohort: no successive cycles
    assert pilot.removals_avoided_per_cohort[0] == pytest.approx(11 * 16 / 24)  # capacity 16


# ------------------------------------------------------------- the DfE 2017 table entered by year
DFE_COST_BY_YEAR = (1_683_487.0, 841_743.0, 0.0, 0.0, 0.0)
#: Tables 19-20 as published: removals counted in each year (model 1, model 2).
DFE_REMOVALS_BY_YEAR = {1: (14.066, 21.1, 21.1, 21.1, 21.1), 2: (24.53, 36.8, 36.8, 36.8, 36.8)}


def dfe_expected_rows(model: int) -> dict[str, list[float]]:
    """The table's rows from the published inputs, by hand: saving = removals x 57,102; net =
    saving - cost; year t divided by 1.035^(t-1)."""
    first, later = DFE_REMOVALS_BY_YEAR[model][0], DFE_REMOVALS_BY_YEAR[model][1]
    saving = [first * 57_102, later * 57_102, later * 57_102, later * 57_102, later * 57_102]
    cost = [1_683_487, 841_743, 0, 0, 0]
    net = [saving[0] - cost[0], saving[1] - cost[1], saving[2], saving[3], saving[4]]
    factor = [1.0, 1 / 1.035, 1 / 1.035 ** 2, 1 / 1.035 ** 3, 1 / 1.035 ** 4]
    discounted = [n * f for n, f in zip(net, factor)]
    cumulative, cumulative_discounted = [], []
    for t in range(5):
        cumulative.append(sum(net[:t + 1]))
        cumulative_discounted.append(sum(discounted[:t + 1]))
    return {"year": [1, 2, 3, 4, 5], "removals_avoided": list(DFE_REMOVALS_BY_YEAR[model]),
            "cost_avoided": saving, "programme_cost": cost, "net_cost_avoidance": net,
            "discount_factor": factor, "net_cost_avoidance_discounted": discounted,
            "net_cost_avoidance_cumulative": cumulative,
            "net_cost_avoidance_cumulative_discounted": cumulative_discounted}


def dfe_by_year(model: int, **changes) -> council.YearlyInputs:
    fields = dict(removals_by_year=DFE_REMOVALS_BY_YEAR[model],
                  programme_cost_by_year_gbp=DFE_COST_BY_YEAR, saving_per_removal_year_gbp=57_102,
                  discount_rate_per_year=0.035, price_year=2015)
    return council.YearlyInputs(**{**fields, **changes})


@pytest.mark.parametrize("model", [1, 2])
def test_dfe_2017_entered_by_year_as_published(model):
    table = council.estimate(dfe_by_year(model))
    for column, expected in dfe_expected_rows(model).items():
        assert list(table[column]) == pytest.approx(expected, rel=1e-12), column
    if model == 1:  # "21.1 x 57,102 = 1,204,852"
        assert round(table.cost_avoided.iloc[1], 1) == 1_204_852.2


def test_by_year_and_per_cohort_forms_agree_to_the_published_rounding():
    """Per cohort, year 1 is 2/3 x 21.1 = 14.0667; DfE printed 14.066. Years 2-5 agree exactly;
    cumulative figures differ by at most year 1's rounding, 0.001 x 57,102."""
    by_year, per_cohort = council.estimate(dfe_by_year(1)), council.estimate(dfe_2017(21.1))
    assert list(by_year.removals_avoided) == pytest.approx(list(per_cohort.removals_avoided),
                                                           abs=0.001)
    for column in ("removals_avoided", "cost_avoided", "programme_cost", "net_cost_avoidance",
                   "net_cost_avoidance_discounted"):
        assert list(by_year[column][1:]) == list(per_cohort[column][1:]), column
    for column in ("net_cost_avoidance_cumulative", "net_cost_avoidance_cumulative_discounted"):
        assert list(by_year[column]) == pytest.approx(list(per_cohort[column]), abs=0.001 * 57_102)


@pytest.mark.parametrize("changes,fragment", [
    ({"removals_by_year": ()}, "--removals-by-year = (empty) is invalid"),
    ({"removals_by_year": (14.066, float("nan"), 21.1, 21.1, 21.1)}, "year 2 is nan"),
    ({"programme_cost_by_year_gbp": (1e6, -1, 0, 0, 0)}, "--programme-cost-by-year = 1000000,-1"),
    ({"programme_cost_by_year_gbp": (1e6, 0)}, "it has 2 years and --removals-by-year has 5"),
    ({"saving_per_removal_year_gbp": float("inf")}, "--saving-per-removal-year = inf"),
    ({"discount_rate_per_year": -0.01}, "--discount-rate = -0.01 is invalid"),
    ({"price_year": 15}, "--price-year = 15 is invalid"),
])
def test_bad_yearly_inputs_are_one_line(changes, fragment):
    with pytest.raises(PausesimError) as err:
        dfe_by_year(1, **changes)
    assert fragment in str(err.value) and "\n" not in str(err.value)


# ------------------------------------------------------------------------- pausesim council
DFE_ARGS = ["council", "--removals-by-year", "14.066,21.1,21.1,21.1,21.1",
            "--programme-cost-by-year", "1683487,841743,0,0,0",
            "--saving-per-removal-year", "57102", "--discount-rate", "0.035"]
CSV_COLUMNS = ["year", "removals_avoided", "cost_avoided", "programme_cost", "net_cost_avoidance",
               "discount_factor", "net_cost_avoidance_discounted", "net_cost_avoidance_cumulative",
               "net_cost_avoidance_cumulative_discounted"]
MONEY = [c for c in CSV_COLUMNS if c not in ("year", "removals_avoided", "discount_factor")]


def test_cli_writes_the_dfe_table_without_float_noise(tmp_path, capsys):
    out = tmp_path / "dfe"
    assert main([*DFE_ARGS, "--price-year", "2015", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "unit: GBP at 2015/16 prices" in printed and "£1,204,852" in printed
    assert "-£880,290" in printed  # year 1: 14.066 x 57,102 - 1,683,487 = -880,290.27
    with open(out / "council_method.csv", newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == CSV_COLUMNS
    assert rows[1]["cost_avoided"] == "1204852.2"  # 21.1 x 57,102, not 1204852.2000000002
    for row in rows:
        assert all(re.fullmatch(r"-?\d+\.\d{1,2}", row[c]) for c in MONEY), row
        assert re.fullmatch(r"\d+(\.\d{1,6})?", row["removals_avoided"]), row
    expected = dfe_expected_rows(1)
    written = pd.read_csv(out / "council_method.csv")
    for column in CSV_COLUMNS:
        tolerance = 0.01 * 5 if column in MONEY else 1e-6  # pennies, summed over 5 years
        assert list(written[column]) == pytest.approx(expected[column], abs=tolerance), column
    record = json.loads((out / "run.json").read_text())
    assert record["command"] == "council" and record["price_year"] == 2015
    assert record["removals_by_year"] == [14.066, 21.1, 21.1, 21.1, 21.1]
    assert record["price_base"] == "GBP at 2015/16 prices" and record["pausesim_version"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_cli_without_price_year_says_as_entered(tmp_path, capsys):
    assert main([*DFE_ARGS, "--out", str(tmp_path / "o")]) == 0
    assert "unit: GBP as entered" in capsys.readouterr().out
    assert json.loads((tmp_path / "o" / "run.json").read_text())["price_year"] == "as entered"


def test_cli_scenario_uses_the_report_inputs(tmp_path, national):
    out = tmp_path / "national"
    assert main(["council", "national", "--out", str(out)]) == 0
    written = pd.read_csv(out / "council_method.csv")
    same = council.estimate(council.from_scenario(national))  # what the report shows
    assert list(written.columns) == CSV_COLUMNS
    assert list(written.net_cost_avoidance_cumulative_discounted) == pytest.approx(
        list(same.net_cost_avoidance_cumulative_discounted), abs=0.01 * len(same))
    record = json.loads((out / "run.json").read_text())
    assert record["scenario"] == "national" and record["price_year"] == national["costs.price_year"]
    assert (out / "scenario.toml").stat().st_size > 0


def test_cli_existing_out_needs_force(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main([*DFE_ARGS, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--force" in err
    assert (out / "keep.txt").read_text() == "mine"
    # --force replaces only an earlier pausesim output, never a folder of the user's own files
    assert main([*DFE_ARGS, "--out", str(out), "--force"]) == 2
    assert (out / "keep.txt").read_text() == "mine"
    capsys.readouterr()
    first = tmp_path / "first"
    assert main([*DFE_ARGS, "--out", str(first)]) == 0
    assert main([*DFE_ARGS, "--out", str(first), "--force"]) == 0
    assert (first / "council_method.csv").exists()


def _with(option: str, value: str) -> list[str]:
    """DFE_ARGS with ``option`` set to ``value`` (written --opt=value: values may start with -)."""
    args = [a for a in DFE_ARGS]
    i = args.index(option)
    del args[i:i + 2]
    return [*args, f"{option}={value}"]


@pytest.mark.parametrize("args,fragment", [
    (_with("--removals-by-year", "14.066,-1,21.1,21.1,21.1"),
     "--removals-by-year = 14.066,-1,21.1,21.1,21.1 is invalid: year 2 is -1"),
    (_with("--removals-by-year", "14.066,nan,21.1,21.1,21.1"), "year 2 is nan"),
    (_with("--programme-cost-by-year", "1683487,inf,0,0,0"), "year 2 is inf"),
    (_with("--programme-cost-by-year", "1683487,841743"), "it has 2 years"),
    (_with("--removals-by-year", "14.066,abc"), "'abc' is not a number"),
    (_with("--removals-by-year", ""), "--removals-by-year = (empty)"),
    (_with("--saving-per-removal-year", "57,102"), "--saving-per-removal-year = '57,102'"),
    (_with("--saving-per-removal-year", "-5"), "--saving-per-removal-year = -5 is invalid"),
    (_with("--discount-rate", "3.5"), "--discount-rate = 3.5 is invalid"),
    (_with("--discount-rate", "nan"), "--discount-rate = nan is invalid"),
    ([*DFE_ARGS, "--price-year", "2015/16"], "--price-year = '2015/16' is invalid"),
    ([*DFE_ARGS, "--price-year", "1850"], "--price-year = 1850 is invalid"),
    (DFE_ARGS[:-4], "--saving-per-removal-year is missing"),
    ([*DFE_ARGS, "national"], "SCENARIO cannot be combined with --removals-by-year"),
    (["council", "national", "--price-year", "2015"], "--price-year goes with --removals-by-year"),
    ([*DFE_ARGS, "--set", "costs.price_year=2016"], "--set cannot be combined"),
    (["council", "national", "--removals-per-cohort=-1"], "--removals-per-cohort = '-1'"),
    (["council", "atlantis"], "neither a built-in scenario"),
])
def test_cli_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, fragment):
    assert main([*args, "--out", str(tmp_path / "o")]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and fragment in err, err
    assert err.startswith("pausesim council: error: ") and "Traceback" not in err
    assert captured.out == "" and list(tmp_path.iterdir()) == []

"""The council method against the published figures it must reproduce.

DfE 2017 (evidence.md s1, Tables 19-20): 21.1 (model 1) or 36.8 (model 2) removals avoided per
18-month cohort, year 1 pro-rated 12/18 (14.066 / 24.53), held constant to year 5, GBP 57,102 per
removal-year, programme GBP 1,683,487 in year 1 and GBP 841,743 in year 2; "net cost savings of
between £1.2 million and £2.1 million per year after the 18-month intervention period", "offset
... within 2 to 3 years". The seeds' own inputs (costs, cohort sizes) where they state them.
Deterministic: exact or to the published rounding. Checked to fail: counting year 1's removals
at the year's mid-point (7.03) breaks test_dfe_2017_table_19; discounting year 1 breaks
test_green_book_discounting_year_1_undiscounted.
"""

from __future__ import annotations

import pytest

from simulation.core import scenario as scenario_mod
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
    """57,102 = 52,676 yearly + 4,426 one-off, and the DfE 18-month cost split by year."""
    inputs = council.from_scenario(national)
    assert inputs.saving_per_removal_year_gbp == pytest.approx(57_102)
    sc = national.with_overrides({"costs.programme_cost_per_year_gbp": 1_683_487.0,
                                  "practice.horizon_months": 18.0})
    by_year = council.from_scenario(sc).programme_cost_by_year_gbp
    assert [round(x) for x in by_year] == [1_683_487, 841_744]  # DfE: 841,743 (rounded down)
    uplifted = council.from_scenario(national.with_overrides({"costs.unit_cost_uplift": 1.1}))
    assert uplifted.saving_per_removal_year_gbp == pytest.approx(1.1 * 57_102)


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
    core = sc.with_overrides({"costs.additional_cost_per_year_gbp": 0.0})  # the seed's own CBA
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
    assert pilot.programme_cost_by_year_gbp == pytest.approx((206_799, 0, 0, 0, 0))
    assert pilot.cohort_start_months == (0.0,)  # one cohort: no successive cycles
    assert pilot.removals_avoided_per_cohort[0] == pytest.approx(11 * 16 / 24)  # capacity 16

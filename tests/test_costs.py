"""Programme costs (simulation/results/costs.py): they follow the practitioners, a given total
is used as it is, and options compared together differ in cost replication by replication."""

from __future__ import annotations

import pytest

from simulation.results import study
from simulation.results.costs import programme_cost_by_month


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

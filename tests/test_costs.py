"""Costs, discounting, summary periods and break-even, on hand-made inputs."""

from __future__ import annotations

import numpy as np
import pytest

from simulation.results import costs, summary
from simulation import runner
from simulation.model.metrics import INDEX, METRICS


def test_green_book_discounting():
    f = costs.discount_factors(36, 0.035)
    assert np.all(f[:12] == 1.0)
    assert f[12] == pytest.approx(1 / 1.035) and f[35] == pytest.approx(1 / 1.035 ** 2)


def test_programme_cost_schedule(national):
    sc = national.with_overrides({"costs.setup_cost_gbp": 1000.0,
                                  "costs.additional_cost_per_year_gbp": 12000.0,
                                  "practice.horizon_months": 30.5})
    c = costs.programme_cost(sc, 31)
    yearly = sc["costs.programme_cost_per_year_gbp"] + 12000.0
    assert c.sum() == pytest.approx(yearly * 30.5 / 12 + 1000.0)
    assert c[1] == pytest.approx(yearly / 12)


def test_care_cost_from_entries_and_months(national):
    monthly = np.zeros((len(METRICS), 3))
    monthly[INDEX["care_entries"], 0] = 2
    monthly[INDEX["child_months_in_care"], :] = [1.5, 2.0, 2.0]
    c = costs.care_cost(monthly, national)
    per_month = 52676.0 / 12
    assert c[0] == pytest.approx(2 * 4426.0 + 1.5 * per_month)
    assert c[2] == pytest.approx(2 * per_month)
    uplifted = costs.care_cost(monthly, national.with_overrides({"costs.unit_cost_uplift": 1.2}))
    assert uplifted == pytest.approx(1.2 * c)


def test_break_even_month():
    net = np.array([[-5.0, 2.0, 2.0, 2.0, 0.0],   # cumulative -5 -3 -1 1 1 -> month 4
                    [-1.0, -1.0, -1.0, -1.0, -1.0],  # never
                    [1.0, -3.0, 3.0, 0.0, 0.0],   # dips below again in month 2 -> month 3
                    [1.0, 1.0, 1.0, 1.0, 1.0]])   # positive from the first month
    assert list(summary.break_even_month(net)) == [4.0, np.inf, 3.0, 1.0]


def test_summary_table_has_the_contracted_rows(national):
    res = runner.run(national, 8, seed=1, workers=1)
    table = summary.summary_table(res, band=0.8)
    assert list(table.columns) == ["metric", "unit", "period", "mean", "median", "lo", "hi", "band"]
    rows = set(zip(table.metric, table.period))
    required = {("infants_avoided_cumulative", "month_21"), ("infants_avoided_cumulative", "year_5")}
    required |= {("infants_avoided_in_year", f"year_{y}") for y in range(1, 6)}
    for metric in ("care_entries_programme_cumulative", "care_entries_counterfactual_cumulative",
                   "pregnancies_programme_cumulative", "pregnancies_counterfactual_cumulative",
                   "women_enrolled_cumulative", "women_completed_cumulative"):
        required.add((metric, "year_5"))
    for metric in ("cost_avoided_cumulative", "programme_cost_cumulative",
                   "net_cost_avoidance_cumulative"):
        for y in range(1, 6):
            required |= {(metric, f"year_{y}"), (metric + "_discounted", f"year_{y}")}
    assert required <= rows
    assert (table.band == 0.8).all()
    ok = table.dropna(subset=["lo"])
    finite = ok[np.isfinite(ok.hi)]
    assert (finite.lo <= finite["median"]).all() and (finite["median"] <= finite.hi).all()


def test_summary_matches_the_monthly_arrays(national):
    res = runner.run(national, 8, seed=2, workers=1)
    table = summary.summary_table(res)
    avoided = (res.metric("care_entries", 1) - res.metric("care_entries", 0)).astype(float)
    row = table[(table.metric == "infants_avoided_cumulative") & (table.period == "year_5")].iloc[0]
    assert row["mean"] == pytest.approx(avoided.sum(axis=1).mean())
    row = table[(table.metric == "infants_avoided_in_year") & (table.period == "year_2")].iloc[0]
    assert row["mean"] == pytest.approx(avoided[:, 12:24].sum(axis=1).mean())
    net = summary.series(res)["net_cost_avoidance"][1].sum(axis=1)
    row = table[(table.metric == "net_cost_avoidance_cumulative") & (table.period == "year_5")].iloc[0]
    assert row["median"] == pytest.approx(np.median(net))

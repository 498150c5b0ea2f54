"""The analyses' API (simulation/sensitivity/analyses.py): options judged before anything is
simulated, one line naming the bad one; sizes as the analyses will simulate them. (What each
analysis computes is tested through the command line in test_sensitivity.py and test_voi.py, and
the experiment scripts that call the same functions in test_experiments.py.)

Verified to fail when wrong: Plan.parameter_sets counting Sobol's sets as n x parameters (without
the + 2) fails the sizes test."""

from __future__ import annotations

import pytest

from simulation.core.errors import PausesimError
from simulation.results import study
from simulation.sensitivity import analyses


@pytest.fixture(scope="module")
def national():
    return study.load("national")


def test_every_analysis_of_the_command_line_is_in_the_registry():
    assert list(analyses.ANALYSES) == ["psa", "tornado", "sobol", "morris", "evppi"]
    assert {a.name for a in analyses.ANALYSES.values() if a.draws} == {"psa", "evppi"}


@pytest.mark.parametrize("name, options, says", [
    ("anova", {}, "analysis 'anova' is unknown"),
    ("sobol", {"draws_per_set": 3}, "option 'draws_per_set' is unknown"),
    ("tornado", {"lambdas": "0:1:1"}, "option 'lambdas' is unknown"),
    ("sobol", {"n": 3}, "--n"),
    ("evppi", {"lambdas": "5:1:1"}, "--lambda '5:1:1' is invalid"),
])
def test_a_bad_option_is_one_line_naming_it(national, name, options, says):
    with pytest.raises(PausesimError) as err:
        analyses.prepare(name, national, reps=2, **options)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_sizes_are_those_the_analysis_simulates(national):
    tornado = analyses.prepare("tornado", national, reps=3, groups="fertility")
    k = len(tornado.selection.scalar().varied)
    assert k >= 1 and tornado.parameter_sets == 1 + 2 * k
    assert tornado.replications == 3 * (1 + 2 * k)
    sobol = analyses.prepare("sobol", national, reps=2, groups="fertility", n=8)
    assert sobol.replications == 2 * 8 * (k + 2)
    morris = analyses.prepare("morris", national, reps=2, groups="fertility", trajectories=5)
    assert morris.replications == 2 * 5 * (k + 1)
    psa = analyses.prepare("psa", national, reps=4, draws=30)
    assert psa.replications == 120 and psa.year is None
    assert tornado.year == 5  # the default: year 5 of a 5-year horizon


def test_lambdas_are_parsed_as_the_command_line_gives_them():
    assert list(analyses.parse_lambdas("0:50000:25000")) == [0.0, 25000.0, 50000.0]
    assert analyses.parse_lambdas("10,20") == [10.0, 20.0]
    assert analyses.parse_lambdas(None) is None

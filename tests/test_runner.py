"""Monte Carlo runner: reproducibility and independence from the number of workers."""

from __future__ import annotations

import numpy as np
import pytest

from simulation import runner
from simulation.core.errors import PausesimError
from simulation.model.metrics import INDEX, METRICS


def test_same_seed_same_numbers(national):
    a = runner.run(national, 6, seed=42, workers=1)
    b = runner.run(national, 6, seed=42, workers=1)
    assert np.array_equal(a.monthly, b.monthly)
    assert a.monthly.shape == (6, 2, len(METRICS), 60)


def test_different_seeds_differ(national):
    a = runner.run(national, 6, seed=1, workers=1)
    b = runner.run(national, 6, seed=2, workers=1)
    assert not np.array_equal(a.monthly, b.monthly)


def test_workers_do_not_change_results(national):
    one = runner.run(national, 12, seed=7, workers=1)
    two = runner.run(national, 12, seed=7, workers=2)
    assert np.array_equal(one.monthly, two.monthly)


def test_replication_depends_only_on_its_index(national):
    """Replication r of a larger run equals replication r of a smaller one (SeedSequence.spawn)."""
    small = runner.run(national, 3, seed=5, workers=1)
    large = runner.run(national, 7, seed=5, workers=1)
    assert np.array_equal(small.monthly, large.monthly[:3])


def test_parameter_sets_share_random_numbers(national):
    res = runner.run(national, 4, seed=3, workers=1,
                     parameter_sets=[{}, {"care.removal_probability": 0.0}])
    plain = runner.run(national, 4, seed=3, workers=1)
    assert list(res.parameter_index) == [0] * 4 + [1] * 4
    assert np.array_equal(res.monthly[:4], plain.monthly)
    assert res.monthly[4:, :, INDEX["care_entries"]].sum() == 0
    # pregnancies do not depend on the removal probability: identical under CRN
    assert np.array_equal(res.monthly[4:, :, INDEX["pregnancies"]],
                          plain.monthly[:, :, INDEX["pregnancies"]])


def test_counts_are_consistent(national):
    res = runner.run(national, 5, seed=9, workers=1)
    m = res.monthly
    assert (m >= 0).all()
    # the counterfactual arm has no programme activity
    for name in ("offered", "enrolled", "completed", "larc_started"):
        assert m[:, 1, INDEX[name]].sum() == 0
    # women leave the programme at most once per enrolment
    left = m[:, 0, INDEX["completed"]] + m[:, 0, INDEX["dropped_out"]] + m[:, 0, INDEX["exited_pregnant"]]
    assert (left.sum(axis=1) <= m[:, 0, INDEX["enrolled"]].sum(axis=1)).all()
    assert (m[:, :, INDEX["care_entries"]].sum(axis=2) <= m[:, :, INDEX["live_births"]].sum(axis=2)).all()


@pytest.mark.parametrize("kwargs,fragment", [({"reps": 0}, "--reps = 0"),
                                             ({"seed": -1}, "--seed = -1"),
                                             ({"workers": 0}, "--workers = 0")])
def test_bad_run_arguments(national, kwargs, fragment):
    args = {"reps": 2, "seed": 1, "workers": 1, **kwargs}
    with pytest.raises(PausesimError, match=fragment):
        runner.run(national, **args)

"""The Monte Carlo runner: reproducible whatever the workers, engine, executor or interruptions."""

from __future__ import annotations

import numpy as np
import pytest

from simulation import runner
from simulation.core.errors import PausesimError


@pytest.fixture(scope="module")
def reference(uncalibrated):
    return runner.run(uncalibrated, 24, seed=3, workers=1)


def test_workers_do_not_change_the_numbers(uncalibrated, reference):
    two = runner.run(uncalibrated, 24, seed=3, workers=2)
    np.testing.assert_array_equal(two.tally, reference.tally)
    np.testing.assert_array_equal(two.post, reference.post)


def test_the_engines_give_the_same_numbers_through_the_runner(uncalibrated, reference):
    simpy = runner.run(uncalibrated, 24, seed=3, engine="simpy", workers=2)
    counts = [i for i in range(simpy.tally.shape[2]) if i not in (16, 17)]
    np.testing.assert_array_equal(simpy.tally[:, :, counts], reference.tally[:, :, counts])
    np.testing.assert_allclose(simpy.tally, reference.tally, rtol=1e-6)


def test_parameter_sets_with_the_same_numbers_share_random_numbers(uncalibrated):
    same = runner.run([uncalibrated, uncalibrated], 10, seed=4)
    np.testing.assert_array_equal(same.tally[same.set_index == 0],
                                  same.tally[same.set_index == 1])
    own = runner.run([uncalibrated, uncalibrated], [np.arange(10), np.arange(10, 20)], seed=4)
    assert not np.array_equal(own.tally[own.set_index == 0], own.tally[own.set_index == 1])


def test_a_resumed_run_gives_the_uninterrupted_numbers(uncalibrated, reference, tmp_path):
    first = runner.run(uncalibrated, 24, seed=3, checkpoint=tmp_path)
    np.testing.assert_array_equal(first.tally, reference.tally)
    chunks = sorted(tmp_path.glob("*/chunk-*.npz"))
    assert chunks
    chunks[0].unlink()  # an interrupted run: one chunk missing
    chunks[-1].write_bytes(b"garbage")  # and one damaged
    again = runner.run(uncalibrated, 24, seed=3, checkpoint=tmp_path)
    np.testing.assert_array_equal(again.tally, reference.tally)


def test_a_chunk_of_the_wrong_shape_is_recomputed(uncalibrated, reference, tmp_path, capsys):
    runner.run(uncalibrated, 24, seed=3, checkpoint=tmp_path)
    chunk = sorted(tmp_path.glob("*/chunk-*.npz"))[0]
    with np.load(chunk) as saved:
        a0, a1 = saved["a0"], saved["a1"]
    np.savez(chunk, a0=a0[:-1], a1=a1)  # one replication short
    again = runner.run(uncalibrated, 24, seed=3, checkpoint=tmp_path)
    np.testing.assert_array_equal(again.tally, reference.tally)
    assert "has shape" in capsys.readouterr().err


def test_a_local_dask_cluster_gives_the_local_numbers(uncalibrated, reference):
    pytest.importorskip("distributed")
    with runner.dask_executor(local_workers=2) as executor:
        on_dask = runner.run(uncalibrated, 24, seed=3, executor=executor)
    np.testing.assert_array_equal(on_dask.tally, reference.tally)


@pytest.mark.parametrize("kwargs,fragment", [
    ({"reps": 0}, "--reps"), ({"seed": -1}, "--seed"), ({"engine": "turbo"}, "--engine"),
    ({"keep_events": True}, "--events needs --engine simpy"),
])
def test_bad_run_arguments_are_one_line(uncalibrated, kwargs, fragment):
    args = {"reps": 2, "seed": 1, **kwargs}
    with pytest.raises(PausesimError, match=fragment):
        runner.run(uncalibrated, **args)


def test_a_progress_function_hears_every_replication(uncalibrated, reference):
    """``progress=report(done, total)`` (the browser interface's bar): 0 first, then rising to
    the total; the numbers are those of a run without it."""
    heard = []
    res = runner.run(uncalibrated, 24, seed=3, workers=2,
                     progress=lambda done, total: heard.append((done, total)))
    assert heard[0] == (0, 24) and heard[-1] == (24, 24)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard) and len(heard) > 2
    np.testing.assert_array_equal(res.tally, reference.tally)

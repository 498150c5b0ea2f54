"""Scale-out and long runs: a dask.distributed cluster gives the numbers of a local run, and an
interrupted run resumed from its checkpoint gives the numbers of an uninterrupted one."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulation import runner
from simulation.cli import main


def test_dask_cluster_gives_the_local_numbers(national):
    distributed = pytest.importorskip("distributed")
    local_simpy = runner.run(national, 6, seed=21, workers=1)
    local_fast = runner.run(national, 300, seed=21, workers=1, engine="fast")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        executor = runner.DaskExecutor(client)
        assert executor.workers == 2
        on_dask_simpy = runner.run(national, 6, seed=21, workers=2, executor=executor)
        on_dask_fast = runner.run(national, 300, seed=21, workers=2, executor=executor,
                                  engine="fast")
    np.testing.assert_array_equal(local_simpy.monthly, on_dask_simpy.monthly)
    np.testing.assert_array_equal(local_fast.monthly, on_dask_fast.monthly)


class Interrupted(Exception):
    pass


class StopsAfter:
    """Runs tasks in this process, and is interrupted after ``n`` of them."""

    def __init__(self, n: int):
        self.n = n
        self.ran = 0

    def run(self, fn, tasks):
        for i, task in enumerate(tasks):
            if self.ran == self.n:
                raise Interrupted
            self.ran += 1
            yield i, fn(*task)


@pytest.mark.parametrize("engine, reps", [("simpy", 9), ("fast", 800)])
def test_resumed_run_gives_the_uninterrupted_numbers(national, tmp_path, engine, reps):
    whole = runner.run(national, reps, seed=8, workers=1, engine=engine)
    with pytest.raises(Interrupted):
        runner.run(national, reps, seed=8, workers=1, engine=engine, checkpoint=tmp_path,
                   executor=StopsAfter(2))
    (folder,) = tmp_path.iterdir()
    assert len(list(folder.glob("chunk-*.npy"))) == 2
    rest = StopsAfter(10**6)
    resumed = runner.run(national, reps, seed=8, workers=2, engine=engine, checkpoint=tmp_path,
                         executor=rest)
    n_chunks = len(runner.chunks(reps, 1, runner.CHUNK_SIZE[engine],
                                 step=runner.CHUNK_STEP[engine]))
    assert rest.ran == n_chunks - 2  # only the chunks not saved were simulated
    np.testing.assert_array_equal(whole.monthly, resumed.monthly)
    # a complete checkpoint is read back without simulating anything
    again = StopsAfter(0)
    np.testing.assert_array_equal(
        runner.run(national, reps, seed=8, workers=1, engine=engine, checkpoint=tmp_path,
                   executor=again).monthly, whole.monthly)


def test_checkpoints_of_different_runs_do_not_mix(national, tmp_path):
    a = runner.run(national, 4, seed=1, workers=1, checkpoint=tmp_path)
    b = runner.run(national, 4, seed=2, workers=1, checkpoint=tmp_path)
    c = runner.run(national.with_overrides({"practice.practitioners": 4}), 4, seed=1, workers=1,
                   checkpoint=tmp_path)
    assert len(list(tmp_path.iterdir())) == 3
    assert not np.array_equal(a.monthly, b.monthly)
    assert not np.array_equal(a.monthly, c.monthly)


@pytest.mark.parametrize("args, message", [
    (["--dask-local", "0"], "--dask-local = 0 is invalid"),
    (["--dask-local", "2", "--scheduler", "tcp://127.0.0.1:1"], "cannot be combined"),
    (["--engine", "fast", "--events"], "--events needs --engine simpy"),
    (["--engine", "warp"], "invalid choice"),
])
def test_bad_scale_options_are_one_line_errors(tmp_path, capsys, args, message):
    try:
        code = main(["run", "--reps", "2", "--out", str(tmp_path / "out"), *args])
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_cli_fast_engine_is_recorded_in_run_json(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--reps", "150", "--engine", "fast", "--workers", "1", "--no-progress",
                 "--checkpoint", str(tmp_path / "ckpt"), "--out", str(out)]) == 0
    record = json.loads((out / "run.json").read_text())
    assert record["engine"] == "fast" and record["reps"] == 150
    assert list((tmp_path / "ckpt").iterdir())


def test_cli_scheduler_option_gives_the_local_numbers(tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    import pandas as pd

    run = ["run", "--reps", "200", "--engine", "fast", "--no-progress", "--seed", "6"]
    assert main([*run, "--workers", "1", "--out", str(tmp_path / "local")]) == 0
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        assert main([*run, "--scheduler", cluster.scheduler_address,
                     "--out", str(tmp_path / "dask")]) == 0
    local, dask = (pd.read_parquet(tmp_path / name / "replications.parquet")
                   for name in ("local", "dask"))
    pd.testing.assert_frame_equal(local, dask)
    assert json.loads((tmp_path / "dask" / "run.json").read_text())["workers"] == 1

"""Checkpoint chunks are checked before use and bad ones recomputed (issue 15, item 15); a folder
holding other runs' checkpoints is said so in one line."""

from __future__ import annotations

import errno
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from simulation import runner
from simulation.cli import main
from simulation.core import output
from simulation.runner import checkpoint
from simulation.runner.checkpoint import Checkpoint

REPS = 4


@pytest.fixture(scope="module")
def short(uncalibrated):
    return uncalibrated.with_overrides({"practice.horizon_months": 12})


@pytest.fixture(scope="module")
def whole(short):
    return runner.run(short, REPS, seed=8, workers=1)


def _arrays(path):
    with np.load(path) as saved:
        return saved["a0"], saved["a1"]


def truncated(path):
    path.write_bytes(path.read_bytes()[:-7])


def empty(path):
    path.write_bytes(b"")


def garbage(path):
    path.write_bytes(np.random.default_rng(0).bytes(300))


def too_many_rows(path):  # a valid file, one replication too many
    a0, a1 = _arrays(path)
    np.savez(path, a0=np.concatenate([a0, a0[:1]]), a1=a1)


def too_few_months(path):
    a0, a1 = _arrays(path)
    np.savez(path, a0=a0[..., :-1], a1=a1)


def float64(path):
    a0, a1 = _arrays(path)
    np.savez(path, a0=a0.astype(np.float64), a1=a1)


def nan_count(path):
    a0, a1 = _arrays(path)
    a0 = a0.copy()
    a0.flat[0] = np.nan
    np.savez(path, a0=a0, a1=a1)


def negative_count(path):
    a0, a1 = _arrays(path)
    a0 = a0.copy()
    a0.flat[0] = -1
    np.savez(path, a0=a0, a1=a1)


def missing_array(path):
    a0, _ = _arrays(path)
    np.savez(path, a0=a0)


def pickled(path):  # never unpickled: allow_pickle=False
    buffer = io.BytesIO()
    np.savez(buffer, a0=np.array([{"a": 1}], dtype=object), a1=np.zeros(1))
    path.write_bytes(buffer.getvalue())


CORRUPTIONS = [truncated, empty, garbage, too_many_rows, too_few_months, float64, nan_count,
               negative_count, missing_array, pickled]


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__)
def test_a_bad_chunk_is_recomputed_with_one_warning(short, whole, tmp_path, capsys, corrupt):
    runner.run(short, REPS, seed=8, workers=1, checkpoint=tmp_path)
    chunks = sorted(tmp_path.glob("*/chunk-*.npz"))
    assert len(chunks) >= 2
    corrupt(chunks[1])
    capsys.readouterr()
    again = runner.run(short, REPS, seed=8, workers=1, checkpoint=tmp_path)
    np.testing.assert_array_equal(again.tally, whole.tally)  # not the corrupted values
    np.testing.assert_array_equal(again.post, whole.post)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and chunks[1].name in err[0] and "recomputing it" in err[0], err
    # the recomputed chunk was saved again: a third run reads it without a warning
    runner.run(short, REPS, seed=8, workers=1, checkpoint=tmp_path)
    assert capsys.readouterr().err == ""


def test_a_saved_chunk_is_a_plain_npz_without_pickles(short, tmp_path):
    runner.run(short, REPS, seed=8, workers=1, checkpoint=tmp_path)
    chunk = sorted(tmp_path.glob("*/chunk-*.npz"))[0]
    with zipfile.ZipFile(chunk) as archive:
        assert sorted(archive.namelist()) == ["a0.npy", "a1.npy"]
    with np.load(chunk, allow_pickle=False) as saved:
        assert saved["a0"].dtype == np.float32


def test_load_checks_every_array_against_its_shape(tmp_path, capsys):
    saved = Checkpoint(tmp_path, {"seed": 1})
    saved.save_chunk("0", (np.zeros((2, 3)), np.ones(4)))
    assert saved.load_chunk("0", [(2, 3), (4,)])[1].tolist() == [1, 1, 1, 1]
    assert capsys.readouterr().err == ""
    assert saved.load_chunk("0", [(2, 3), (5,)]) is None
    assert "expected (5,)" in capsys.readouterr().err
    assert saved.load_chunk("never saved", [(1,)]) is None and capsys.readouterr().err == ""


def test_another_seed_or_scenario_is_said_in_one_line(short, tmp_path, capsys):
    runner.run(short, 2, seed=1, workers=1, checkpoint=tmp_path)
    assert capsys.readouterr().err == ""
    runner.run(short, 2, seed=2, workers=1, checkpoint=tmp_path)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "1 other run(s)" in err[0] and "differs in seed" in err[0], err
    runner.run(short.with_overrides({"practice.practitioners": 4}), 2, seed=1, workers=1,
               checkpoint=tmp_path)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "2 other run(s)" in err[0] and "differs in scenario" in err[0], err
    runner.run(short, 2, seed=2, workers=1, checkpoint=tmp_path)  # resuming its own: no note
    assert capsys.readouterr().err == ""
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 3


# ---------------------------------------------------- a full disk under --checkpoint (issue 23)


RUN = ["run", "--reps", "2", "--workers", "1", "--seed", "3", "--no-progress",
       "--set", "practice.horizon_months=12"]


def test_a_full_disk_under_checkpoint_is_one_warning_and_the_run_goes_on(tmp_path, monkeypatch,
                                                                        capsys):
    def full(path, data):
        if Path(path).name.startswith("chunk-"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        output.write_atomic(path, data)

    monkeypatch.setattr(checkpoint, "write_atomic", full)
    out = tmp_path / "res"
    assert main([*RUN, "--reps", "4", "--checkpoint", str(tmp_path / "ckpt"), "--out",
                 str(out)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "checkpoint" in line]
    # one line for each view's checkpoint folder (base case, authority-wide scenario)
    assert len(warnings) == 2 and all("No space left on device" in w for w in warnings), warnings
    assert {w.split(":")[2].split("/")[-1] for w in warnings} == {"base", "authority"}
    assert (out / "run.json").exists()

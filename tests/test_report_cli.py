"""``pausesim report``: bad input is one line, exit 2, nothing written, before any simulation.

The simulation is replaced by a function that fails the test if it is called, so each case shows
the input was rejected before simulating. Checked to fail: removing the --out checks
(``check_writable`` in cli/report.py and build.make) makes the existing-folder case simulate.
"""

from __future__ import annotations

import pytest

from simulation.cli import main
from simulation.results import study

REPORT = ["report", "--reps", "4", "--workers", "1", "--no-progress", "--engine", "simpy"]


@pytest.fixture
def no_simulation(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("simulated before rejecting the input")

    monkeypatch.setattr(study, "simulate_options", refuse)


@pytest.mark.parametrize("args,fragment", [
    (["--council-removals", "inf"], "--council-removals = inf is invalid"),
    (["--council-removals", "-1"], "--council-removals = -1 is invalid"),
    (["--council-removals", "nan"], "--council-removals = nan is invalid"),
    (["--set", "practice.practitioners=0"], "practice.practitioners = 0 is invalid"),
    (["--reps", "0"], "--reps = 0"),
    (["--draws", "0"], "--draws = 0"),
    (["--calibration", "atlantis"], "--calibration 'atlantis' is invalid"),
    (["atlantis"], "neither a built-in scenario"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, no_simulation, args,
                                                  fragment):
    out = tmp_path / "res"
    assert main([*REPORT, "--out", str(out), *args]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and fragment in err, err
    assert err.startswith("pausesim report: error: ") and "Traceback" not in err
    assert captured.out == "" and not list(tmp_path.iterdir())


def test_existing_out_needs_force(tmp_path, capsys, no_simulation):
    out = tmp_path / "res"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main([*REPORT, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--force" in err, err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]

"""The ``pausesim`` command line: run, scenarios; outputs and their names; one-line errors;
``--horizon-months``; local workers capped at the CPUs."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from simulation import cli, runner
from simulation.cli import common, main
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.results import metrics


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    assert main(["run", "--reps", "40", "--draws", "10", "--seed", "3", "--workers", "1",
                 "--no-progress", "--out", str(out)]) == 0
    return out


def test_run_writes_every_output(run_folder):
    for name in ("summary.csv", "summary.parquet", "monthly_bands.csv", "replications.csv",
                 "replications.parquet", "replications_monthly.parquet", "parameter_sets.csv",
                 "scenario.toml", "run.json", "fan_infants_avoided.png", "costs.png",
                 "net_cost_histogram.png", "sources.png"):
        assert (run_folder / name).stat().st_size > 0, name
    record = json.loads((run_folder / "run.json").read_text())
    assert record["seed"] == 3 and record["reps"] == 40 and record["engine"] == "fast"
    # the folder holds the base case; authority-wide/ the authority-wide scenario
    assert record["uncertainty"]["draws"] == 10 and record["calibration"] == "national-micro"
    assert record["view"].startswith("Base case")
    other = json.loads((run_folder / "authority-wide" / "run.json").read_text())
    assert other["calibration"] == "national|given-effect" and other["seed"] == 3
    assert record["price_base"] == "GBP 2024/25 prices" and record["pausesim_version"]
    assert len(pd.read_csv(run_folder / "parameter_sets.csv")) == 10


def test_every_metric_has_one_spelling_across_the_files_of_a_run(run_folder):
    known = set(metrics.all_names())
    summary = set(pd.read_csv(run_folder / "summary.csv").metric)
    bands = set(pd.read_csv(run_folder / "monthly_bands.csv").metric)
    reps = {c for c in pd.read_csv(run_folder / "replications.csv").columns
            if c not in ("rep", "parameter_set", "random_numbers", "year")}
    assert summary <= known and bands <= known and reps <= known
    assert {f"{m.name}_cumulative" for m in metrics.METRICS} <= summary
    assert "net_cost_avoidance_cumulative_discounted" in bands
    assert "net_cost_avoidance_in_year_discounted" in reps


def test_the_same_seed_gives_the_same_summary(run_folder, tmp_path):
    out = tmp_path / "again"
    assert main(["run", "--reps", "40", "--draws", "10", "--seed", "3", "--workers", "2",
                 "--no-progress", "--out", str(out), "--engine", "simpy"]) == 0
    a = pd.read_csv(run_folder / "summary.csv")
    b = pd.read_csv(out / "summary.csv")
    pd.testing.assert_frame_equal(a, b, rtol=1e-6)  # other workers, other engine: same numbers


def test_point_runs_and_calibration_choice(tmp_path, capsys):
    out = tmp_path / "point"
    assert main(["run", "dorset-2022", "--point", "--calibration", "national-micro", "--reps",
                 "20", "--no-progress", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "point estimate of calibration 'national-micro'" in printed
    assert "GBP 2021/22 prices" in printed  # Dorset's document's price year
    record = json.loads((out / "run.json").read_text())
    assert record["calibration"] == "national-micro" and record["parameter_sets"] == 1


def test_an_existing_output_needs_force(run_folder, capsys):
    assert main(["run", "--reps", "2", "--out", str(run_folder)]) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("args,fragment", [
    (["run", "--reps", "0"], "--reps"),
    (["run", "--band", "1.5"], "--band"),
    (["run", "--set", "practice.practitioners=99"], "practice.practitioners"),
    (["run", "--set", "practice.practitioners=3", "--set", "practice.practitioners=4"],
     "given twice"),
    (["run", "--set", "practice.practioners=3"], "did you mean"),
    (["run", "nowhere"], "neither a built-in scenario"),
    (["run", "--calibration", "nonsense"], "--calibration"),
    (["run", "--events"], "--events needs --engine simpy"),
    (["run", "--draws", "0"], "--draws"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    assert main(args + ["--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "out").exists() and not (tmp_path / "results").exists()


def test_a_bad_scenario_file_from_a_subprocess_is_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\x1f\x8b\x08 not toml")
    done = subprocess.run([sys.executable, "-m", "simulation", "run", str(bad)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "gzip" in done.stderr


def test_scenarios_list_and_show(capsys):
    assert main(["scenarios"]) == 0
    listing = capsys.readouterr().out
    assert "dorset-2022" in listing and "national" in listing
    assert main(["scenarios", "show", "national", "--full"]) == 0
    full = capsys.readouterr().out
    assert "# calibrated ('national')" in full and "[authority]" in full


def test_output_into_a_closed_pipe_stops_quietly(tmp_path):
    """``pausesim scenarios | head`` must not end in a BrokenPipeError traceback."""
    read, write = os.pipe()
    os.close(read)  # the reader has gone before anything is printed
    try:
        done = subprocess.run([sys.executable, "-m", "simulation", "scenarios", "list"],
                              stdout=write, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    finally:
        os.close(write)
    assert done.returncode == 141 and done.stderr == ""


def test_list_takes_no_scenario(capsys):
    assert main(["scenarios", "list", "national"]) == 2
    assert "scenarios show national" in capsys.readouterr().err


def test_events_are_written_on_request_with_the_simpy_engine(tmp_path):
    out = tmp_path / "events"
    assert main(["run", "--reps", "2", "--point", "--engine", "simpy", "--events",
                 "--no-progress", "--out", str(out)]) == 0
    events = pd.read_parquet(out / "events.parquet")
    assert {"rep", "arm", "woman", "month", "event", "value"} <= set(events.columns)
    assert set(events.arm) == {"programme", "counterfactual"}


def test_a_large_job_says_how_long_it_will_take_before_starting(monkeypatch, capsys):
    """Issue 23 (questionable): a job estimated above ANNOUNCE_SECONDS prints its size and a
    rough time first; a small one prints nothing."""
    from simulation.cli import common

    sc = scenario_mod.load("national")
    common.check_memory(100, sc)
    assert capsys.readouterr().err == ""
    assert common.estimate_seconds(2_000_000, sc, 2) > common.ANNOUNCE_SECONDS
    common.check_memory(2_000_000, sc, 2)
    line = capsys.readouterr().err
    assert line.count("\n") == 1 and "2,000,000 paired replications: roughly" in line
    common.writing("out", 100)
    assert capsys.readouterr().err == ""
    common.writing("out", 1_000_000)
    assert "writing out/" in capsys.readouterr().err


# ------------------------------------------------------------------ --horizon-months (issue 21)


def test_cli_horizon_months_on_every_simulating_command():
    from simulation.cli import build_parser

    parser = build_parser()
    for argv in (["run"], ["report"], ["compare"], ["sensitivity", "psa"],
                 ["portfolio", "areas.csv"], ["monitor", "national", "data.csv"]):
        args = parser.parse_args([*argv, "--horizon-months", "18"])
        assert args.horizon_months == "18", argv


def test_cli_horizon_months_checked(capsys):
    from simulation.cli.common import horizon_months

    class A:
        horizon_months = "18.5"

    with pytest.raises(PausesimError, match="--horizon-months.*whole number"):
        horizon_months(A())
    A.horizon_months = "x"
    with pytest.raises(PausesimError, match="--horizon-months = 'x' is invalid"):
        horizon_months(A())


# -------------------------------------------------- local workers capped at the CPUs (issue 23)


@pytest.mark.parametrize("option", ["--workers", "--dask-local"])
def test_local_workers_are_capped_at_the_cpus(monkeypatch, capsys, option):
    seen = {}

    @contextlib.contextmanager
    def executor(scheduler, local_workers):
        seen["dask_local"] = local_workers
        yield None

    monkeypatch.setattr(common, "cpu_count", lambda: 2)
    monkeypatch.setattr(runner, "dask_executor", executor)
    args = cli._parser("run").parse_args(["run", option, "1000"])
    with common.run_options(args) as options:
        used = options["workers"] if option == "--workers" else seen["dask_local"]
    assert used == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"pausesim: warning: {option} 1000 is more than the 2 CPUs available: "
                   "using 2 (results do not depend on it)"]

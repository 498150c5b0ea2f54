"""The command line: outputs, provenance, one-line errors, no half-written output."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from simulation.cli import main

RUN = ["run", "--reps", "6", "--workers", "1", "--seed", "3", "--no-progress"]


def test_run_default_scenario_writes_everything(tmp_path, capsys):
    out = tmp_path / "res"
    assert main([*RUN, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Infants kept out of care" in printed and "scenario national" in printed
    for name in ("summary.csv", "summary.parquet", "monthly_bands.csv", "replications.parquet",
                 "replications_monthly.parquet", "run.json", "scenario.toml", "fan_infants_avoided.png", "costs.png",
                 "net_cost_histogram.png"):
        assert (out / name).stat().st_size > 0, name
    record = json.loads((out / "run.json").read_text())
    assert record["seed"] == 3 and record["reps"] == 6 and record["scenario"] == "national"
    assert record["pausesim_version"] and record["scenario_digest"]
    table = pd.read_csv(out / "summary.csv")
    assert {"infants_avoided_cumulative", "net_cost_avoidance_cumulative_discounted"} <= set(table.metric)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_same_seed_same_summary(tmp_path):
    main([*RUN, "--out", str(tmp_path / "a")])
    main([*RUN, "--workers", "2", "--out", str(tmp_path / "b")])
    a, b = (pd.read_csv(tmp_path / x / "summary.csv") for x in "ab")
    pd.testing.assert_frame_equal(a, b)


def test_existing_output_needs_force(tmp_path, capsys):
    out = tmp_path / "res"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main([*RUN, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--force" in err
    assert (out / "keep.txt").read_text() == "mine"
    assert main([*RUN, "--out", str(out), "--force"]) == 0
    assert not (out / "keep.txt").exists() and (out / "summary.csv").exists()


@pytest.mark.parametrize("args,fragment", [
    (["--set", "practice.practitioners=0"], "practice.practitioners = 0 is invalid"),
    (["--set", "nonsense"], "SECTION.NAME=VALUE"),
    (["--band", "1.5"], "--band = 1.5"),
    (["--reps", "0"], "--reps = 0"),
    (["atlantis"], "neither a built-in scenario"),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, fragment):
    out = tmp_path / "res"
    assert main([*RUN, *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and fragment in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_bad_scenario_file_from_a_subprocess(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[pregnancy]\ncounterfactual_rate_per_year = -0.1\n")
    proc = subprocess.run([sys.executable, "-m", "simulation", "run", str(bad), "--reps", "2",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "pregnancy.counterfactual_rate_per_year = -0.1" in lines[0] and "[0, 2]" in lines[0]
    assert not (tmp_path / "o").exists()


def test_scenarios_list_and_show(capsys):
    assert main(["scenarios"]) == 0
    assert "national" in capsys.readouterr().out
    assert main(["scenarios", "show", "national", "--full"]) == 0
    text = capsys.readouterr().out
    assert "[pregnancy]" in text and "source =" in text


def test_events_are_written_on_request(tmp_path):
    out = tmp_path / "ev"
    assert main([*RUN, "--events", "--out", str(out)]) == 0
    events = pd.read_parquet(out / "events.parquet")
    assert set(events.arm) == {"programme", "counterfactual"}
    assert {"conception", "enrolled"} <= set(events.event.astype(str))

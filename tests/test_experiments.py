"""Every experiment script runs in quick mode and leaves its record (experiments/common.py).

Each script in ``experiments/`` (a file with a ``__main__`` block; and each one the project
expects there, skipped only while it does not exist yet) runs as ``python experiments/NAME.py``
in its own process, with ``PAUSESIM_REPS=10`` (quick sizes) and a temporary ``--out``; it must
exit 0 and leave ``parameters.csv`` (every parameter with value, unit and source) and
``run.json`` naming the experiment as the script is named (its output folder's name). The scripts
run a few at a time to keep the whole module to a minute or two.
``python -m experiments.NAME --help`` checks the module form. The quick calibration must leave the
shipped posteriors untouched.
Verified to fail when wrong: a script whose record is not written (write_record removed from
psa_national.py) fails its test; copying the quick calibration's posterior over the shipped one
fails the untouched-posteriors check; the business-case scripts on the old core (before their
port) fail both forms.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from simulation.core import scenario as scenario_mod

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "experiments"
POSTERIORS = ROOT / "simulation" / "data" / "posteriors"
#: Scripts the project has (or expects from work under way); new ones are found by the glob.
EXPECTED = ("business_case_dorset_2022", "business_case_leeds_futures_2018",
            "business_case_southampton_2018", "business_case_southampton_2019_pilot",
            "business_case_southampton_2021", "calibrate_national", "compare_options_dorset",
            "compare_pilot_southampton", "compare_seed_claims", "psa_national", "run_national",
            "sobol_national", "tornado_national", "voi_national")
#: A script runs when executed (helpers such as common.py and business_case_common.py do not).
SCRIPTS = sorted(set(EXPECTED) | {p.stem for p in EXPERIMENTS.glob("*.py")
                                  if 'if __name__ == "__main__":' in p.read_text()})
QUICK = {"PAUSESIM_REPS": "10", "PAUSESIM_EXPERIMENT_SMALL": "1"}
TIMEOUT_S = 600


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, **QUICK, "MPLBACKEND": "Agg"}


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=_env(), capture_output=True,
                          text=True, timeout=TIMEOUT_S)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Start every existing script in quick mode (a few at a time); name -> (future, out)."""
    from simulation.fast import compile_kernel

    compile_kernel()  # once here, so the scripts only load the compiled engine
    base = tmp_path_factory.mktemp("experiments")
    before = _digest(POSTERIORS)
    pool = ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2)))
    started = {}
    for name in SCRIPTS:
        path = EXPERIMENTS / f"{name}.py"
        if path.exists():
            out = base / name
            started[name] = (pool.submit(_run, [str(path), "--out", str(out), "--workers", "1"]),
                             out)
    yield {"started": started, "posteriors_before": before}
    pool.shutdown(wait=True)


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_runs_in_quick_mode_and_leaves_its_record(name, runs):
    if name not in runs["started"]:
        pytest.skip(f"experiments/{name}.py does not exist yet")
    future, out = runs["started"][name]
    done = future.result()
    assert done.returncode == 0, f"experiments/{name}.py failed:\n{done.stderr[-3000:]}"
    params = pd.read_csv(out / "parameters.csv")
    assert list(params.columns[:5]) == ["parameter", "label", "value", "unit", "source"]
    assert len(params) > 50 and params.source.notna().all()
    record = json.loads((out / "run.json").read_text())
    assert record["experiment"] == name
    assert record["pausesim_version"] and record["options"]["small"] is True


@pytest.mark.parametrize("name", SCRIPTS)
def test_script_runs_as_a_module(name):
    if not (EXPERIMENTS / f"{name}.py").exists():
        pytest.skip(f"experiments/{name}.py does not exist yet")
    done = _run(["-m", f"experiments.{name}", "--help"])
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--small" in done.stdout and "--out" in done.stdout


def test_the_quick_calibration_leaves_the_shipped_posteriors_alone(runs):
    future, out = runs["started"]["calibrate_national"]
    assert future.result().returncode == 0
    assert (out / "national" / "national.json").exists()
    assert _digest(POSTERIORS) == runs["posteriors_before"]


def test_a_bad_size_is_one_line_and_exit_2():
    env_bad = {**QUICK, "PAUSESIM_REPS": "ten"}
    done = subprocess.run([sys.executable, str(EXPERIMENTS / "psa_national.py")], cwd=ROOT,
                          env={**_env(), **env_bad}, capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "PAUSESIM_REPS = 'ten'" in done.stderr


# ----------------------------------------------- parameters.csv cannot hold formulas (issue 23)


def test_experiment_parameters_csv_cannot_hold_formulas(tmp_path, monkeypatch):
    import argparse

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1]))
    from experiments.common import write_record

    base = scenario_mod.load("national")
    key = next(iter(base.values))
    write_record(tmp_path, replace(base, sources={**base.sources, key: "=HYPERLINK(1)"}),
                 argparse.Namespace(name="x"))
    back = pd.read_csv(tmp_path / "parameters.csv", dtype=str, keep_default_na=False)
    assert back.source.iloc[0] == "'=HYPERLINK(1)"

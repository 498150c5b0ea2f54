"""Posterior files (simulation/core/posterior.py) that cannot be drawn from, or of any bad shape,
are refused in one line (issue 15, item 3; issue 23)."""

from __future__ import annotations

import json
import shutil
from importlib import resources

import pandas as pd
import pytest

from simulation import runner
from simulation.cli import main
from simulation.core import posterior
from simulation.core import posterior as posterior_mod
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError

SHIPPED = resources.files("simulation").joinpath("data", "posteriors")


@pytest.fixture
def copy(tmp_path):
    """A copy of the shipped national posterior as ``bad.csv`` + ``bad.json``."""
    shutil.copy(SHIPPED.joinpath("national.csv"), tmp_path / "bad.csv")
    shutil.copy(SHIPPED.joinpath("national.json"), tmp_path / "bad.json")
    return tmp_path / "bad.csv"


def set_weights(path, weights):
    table = pd.read_csv(path)
    table["weight"] = [weights[i % len(weights)] for i in range(len(table))]
    table.to_csv(path, index=False)


def refused(path) -> str:
    with pytest.raises(PausesimError) as exc:
        posterior.load(path)
    text = str(exc.value)
    assert "\n" not in text and text.startswith("posterior 'bad'")
    return text


def test_the_copy_itself_loads(copy):
    assert len(posterior.load(copy).table) > 0


@pytest.mark.parametrize("weights,fragment", [
    ([float("nan")], "weight = nan on draw 1"),
    ([0.0], "sum to 0.0"),
    ([0.5, -0.1], "weight = -0.1 on draw 2"),
    ([-0.001], "weight = -0.001 on draw 1"),  # all negative: refused, not normalised
    (["", 1.0], "absent"),
    (["heavy"], "weight = 'heavy' on draw 1"),
])
def test_bad_weights(copy, weights, fragment):
    set_weights(copy, weights)
    assert fragment in refused(copy)


def test_no_weight_column(copy):
    pd.read_csv(copy).drop(columns="weight").to_csv(copy, index=False)
    assert "no 'weight' column" in refused(copy)


def test_header_only_and_empty_csv(copy):
    copy.write_text(copy.read_text().splitlines()[0] + "\n")
    assert "no draws" in refused(copy)
    copy.write_text("")
    assert "is empty" in refused(copy)


@pytest.mark.parametrize("column,fragment", [
    ("practice.horizon_months", "is structural"),  # item 4: refused up front, not after running
    ("practice.successive_cycles", "is structural"),
    ("practice.practioners", "is not a parameter"),
])
def test_columns_a_posterior_cannot_vary(copy, column, fragment):
    pd.read_csv(copy).assign(**{column: 24.0}).to_csv(copy, index=False)
    assert f"column '{column}'" in refused(copy) and fragment in refused(copy)


@pytest.mark.parametrize("record", [[1, 2], 5, "text", None])
def test_json_that_is_not_an_object(copy, record):
    copy.with_suffix(".json").write_text(json.dumps(record))
    assert "not an object" in refused(copy)


def test_json_without_point_estimate_and_invalid_json(copy):
    copy.with_suffix(".json").write_text(json.dumps({"name": "bad"}))
    assert "no 'point_estimate'" in refused(copy)
    copy.with_suffix(".json").write_text("{not json")
    assert "cannot read" in refused(copy)


def test_cli_refuses_before_simulating(copy, tmp_path, capsys, monkeypatch):

    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("simulated"))
    set_weights(copy, [-1.0])
    out = tmp_path / "out"
    assert main(["run", "--calibration", str(copy), "--reps", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "weights must be >= 0" in err[0] and not out.exists()


# ---------------------- posterior files of every bad shape; no change to the horizon (issue 23)


def _posterior_pair(folder, name, table=None, meta=None, meta_text=None):
    shipped = resources.files("simulation").joinpath("data", "posteriors")
    base = pd.read_csv(shipped.joinpath("national.csv"))
    record = json.loads(shipped.joinpath("national.json").read_text())
    (table if table is not None else base).to_csv(folder / f"{name}.csv", index=False)
    text = meta_text if meta_text is not None else json.dumps(
        meta(record) if meta is not None else record)
    (folder / f"{name}.json").write_text(text)
    return folder / f"{name}.csv"


def _national_table():
    return pd.read_csv(resources.files("simulation").joinpath("data", "posteriors",
                                                              "national.csv"))


POSTERIOR_SHAPES = {
    "weights summing past a float": (lambda: _national_table().assign(weight=1e308), None, None,
                                     "weights sum"),
    "json nested 100,000 deep": (None, None, "[" * 100_000 + "]" * 100_000, "nested"),
    "settings not an object": (None, lambda r: {**r, "settings": [1]}, None, "'settings'"),
    "settings.targets an integer": (None, lambda r: {**r, "settings": {"targets": 3}}, None,
                                    "'settings.targets'"),
    "structural key in the point estimate": (
        None, lambda r: {**r, "point_estimate": {**r["point_estimate"],
                                                 "practice.horizon_months": 24}}, None,
        "practice.horizon_months"),
    "unknown key in the point estimate": (
        None, lambda r: {**r, "point_estimate": {**r["point_estimate"], "x.y": 1}}, None, "'x.y'"),
}


@pytest.mark.parametrize("shape", POSTERIOR_SHAPES)
def test_posterior_files_of_every_bad_shape_are_one_line(tmp_path, shape):
    table, meta, meta_text, fragment = POSTERIOR_SHAPES[shape]
    path = _posterior_pair(tmp_path, "p", table() if table else None, meta, meta_text)
    with pytest.raises(PausesimError) as exc:
        posterior_mod.load(path)
    line = str(exc.value)
    assert "\n" not in line and fragment in line and len(line) < 400, line


def test_a_posterior_cannot_change_the_horizon(tmp_path):
    meta = POSTERIOR_SHAPES["structural key in the point estimate"][1]
    path = _posterior_pair(tmp_path, "p", meta=meta)
    with pytest.raises(PausesimError, match="structural"):
        scenario_mod.parse(f'[scenario]\ncalibration = "{path}"\n', "s.toml")

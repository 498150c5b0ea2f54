"""Posterior files that cannot be drawn from are refused in one line (issue 15, item 3)."""

from __future__ import annotations

import json
import shutil
from importlib import resources

import pandas as pd
import pytest

from simulation.cli import main
from simulation.core import posterior
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
    from simulation import runner

    monkeypatch.setattr(runner, "run", lambda *a, **k: pytest.fail("simulated"))
    set_weights(copy, [-1.0])
    out = tmp_path / "out"
    assert main(["run", "--calibration", str(copy), "--reps", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "weights must be >= 0" in err[0] and not out.exists()

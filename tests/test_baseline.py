"""Frozen numbers: every built-in scenario's headline figures at a fixed seed and size are exactly
those in ``tests/baseline/headline.csv``, so a change that moves them - however plausibly - fails
here until the file is regenerated (``python -m benchmarks.baseline --update``, which prints what
moved and by how much) and committed with the change. Skipped, saying why, on another platform or
other numerical libraries than the file records (exact numbers depend on them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def baseline():
    spec = importlib.util.spec_from_file_location("baseline", ROOT / "benchmarks" / "baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_headline_figures_of_every_builtin_scenario_are_unchanged(baseline):
    env, frozen = baseline.read()
    why = baseline.environment_mismatch(env)
    if why:
        pytest.skip(why)
    moved = baseline.differences(frozen, baseline.compute())
    assert not moved, ("the model's numbers moved; if that is intended, run `python -m "
                       "benchmarks.baseline --update` and commit tests/baseline/headline.csv:\n"
                       + "\n".join(moved))


def test_every_builtin_scenario_is_frozen(baseline):
    from simulation.core.scenario import builtin_names

    _, frozen = baseline.read()
    assert {r["scenario"] for r in frozen} == set(builtin_names())

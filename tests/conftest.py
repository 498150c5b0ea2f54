"""Shared fixtures. Statistical tests use fixed seeds; tolerances come from the Monte Carlo error
(each test says how)."""

from __future__ import annotations

import matplotlib
import pytest

from simulation.core import scenario as scenario_mod

matplotlib.use("Agg")  # tests write figures to files, never show them


@pytest.fixture(scope="session")
def national():
    """The national scenario at its calibration's point estimate."""
    return scenario_mod.load("national")


@pytest.fixture(scope="session")
def uncalibrated():
    """The national scenario with the registry's evidence-based defaults (no calibration)."""
    return scenario_mod.load("national").with_calibration(None)


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    """Each test starts as a fresh process would: no scenario warning already given. (The CLI
    prints each warning once per process; without this, whether a test sees a warning would
    depend on which tests ran before it in the same worker.)"""
    from simulation.cli import common

    monkeypatch.setattr(common, "_WARNED", set())

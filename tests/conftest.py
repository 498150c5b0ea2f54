"""Shared fixtures. Statistical tests use fixed seeds; tolerances come from the Monte Carlo error."""

from __future__ import annotations

import pytest

from simulation.core import scenario as scenario_mod


@pytest.fixture(scope="session")
def national():
    return scenario_mod.load("national")

"""``calibrate --steps 20`` (its own minimum) must finish: the effective number of MCMC draws
can be unknown (issue 15, item 6)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from calibration import emulate, fit_report


class FlatEmulators:
    """A log posterior the sampler can walk: a standard normal in the unit cube's middle."""

    def log_posterior(self, u):
        return -0.5 * (((u - 0.5) / 0.1) ** 2).sum(axis=1)


@pytest.mark.parametrize("tau", [np.full(2, np.nan), np.array([np.nan, 0.0])])
def test_unknown_autocorrelation_gives_no_estimate(monkeypatch, tau):
    import emcee

    monkeypatch.setattr(emcee.EnsembleSampler, "get_autocorr_time",
                        lambda self, **kwargs: tau)
    start = np.random.default_rng(1).uniform(0.4, 0.6, size=(8, 2))
    chain, diag = emulate.sample_posterior(FlatEmulators(), start, 8, 20, seed=3)
    assert chain.shape == (8 * 10, 2)
    assert diag["effective_draws"] is None and diag["autocorr_steps_max"] is None
    line = emulate._wave_line({"wave": 1, "points": 20, "simulate_seconds": 1.0,
                               "fit_seconds": 1.0, "mcmc_seconds": 1.0,
                               "acceptance_fraction": diag["acceptance_fraction"], **diag})
    assert "effective draws not estimated" in line


def test_known_autocorrelation_is_reported():
    start = np.random.default_rng(1).uniform(0.4, 0.6, size=(8, 2))
    _, diag = emulate.sample_posterior(FlatEmulators(), start, 8, 40, seed=3)
    assert diag["effective_draws"] > 0
    assert emulate.effective_draws_text(diag["effective_draws"]).startswith("~")


@pytest.mark.parametrize("value", [None, float("nan")])
def test_report_overview_without_an_estimate(value):
    from types import SimpleNamespace

    from simulation.core import posterior

    shipped = posterior.load("national")
    meta = copy.deepcopy(shipped.meta)
    meta["waves"][-1]["effective_draws"] = value  # as a 20-step calibration writes it
    lines = fit_report._overview(SimpleNamespace(posterior=shipped), meta, [])
    assert any("effective draws not estimated" in line for line in lines)

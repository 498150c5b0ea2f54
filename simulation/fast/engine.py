"""Replications with the fast engine: both arms of many replications at once."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..engine.model import Rates
from ..metrics import METRICS, n_months
from ..scenario import Scenario
from .arm import Arm
from .draws import Streams, Women, draw_women
from .practice import run_practice


def simulate_women(rates: Rates, women: Women, streams: Streams) -> np.ndarray:
    """Both arms of the replications of ``women``: shape ``(n_reps, 2, len(METRICS), n_months)``
    (programme arm first, float32 as the runner stores them), from the given random streams."""
    out = np.empty((women.n_reps, 2, len(METRICS), n_months(rates.horizon_months)),
                   dtype=np.float32)
    programme = Arm(rates, women, streams, with_programme=True)
    run_practice(programme, women.rep)
    out[:, 0] = programme.tally.monthly()
    del programme
    counterfactual = Arm(rates, women, streams, with_programme=False)
    counterfactual.advance(None, rates.horizon_months)
    out[:, 1] = counterfactual.tally.monthly()
    return out


def simulate_reps(scenario: Scenario, seed: int, reps: Sequence[int],
                  rates: Rates | None = None) -> np.ndarray:
    """Replications ``reps`` of a run with ``seed``: monthly metrics ``(len(reps), 2, M, T)``."""
    rates = rates or Rates.from_scenario(scenario)
    reps = np.asarray(reps, dtype=np.int64)
    order = np.argsort(reps, kind="stable")
    women, streams = draw_women(scenario, seed, reps[order])
    out = simulate_women(rates, women, streams)
    return out if np.all(order == np.arange(len(reps))) else out[np.argsort(order)]

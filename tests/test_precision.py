"""The precision warning of P(net saving) (simulation/results/precision.py): clustered by
parameter draw, naming the draws or replications needed."""

from __future__ import annotations

import numpy as np

from simulation.results import precision


def test_precision_warning_for_too_few_draws():
    """A 50-draw PSA reporting ~97%: its s.e. can be ~3 points, so no +-5-point claim; the
    warning names the draws needed. Old behaviour: no warning at all."""
    rng = np.random.default_rng(1)
    k, m = 50, 20
    p_draw = rng.beta(8, 0.3, k)
    positive = (rng.random((k, m)) < p_draw[:, None]).ravel()
    clusters = np.repeat(np.arange(k), m)
    text = precision.net_saving_warning(positive, clusters, "to year 5")
    assert text is not None and "--draws" in text
    need = int(text.split("--draws ")[1].split(",")[0])
    assert need > k
    # with the draws it asks for (same kind of spread), no warning
    k2 = need + 50
    p_draw = rng.beta(8, 0.3, k2)
    positive = (rng.random((k2, m)) < p_draw[:, None]).ravel()
    assert precision.net_saving_warning(positive, np.repeat(np.arange(k2), m), "x") is None


def test_precision_one_set_counts_replications():
    positive = np.r_[np.ones(600), np.zeros(400)]
    assert precision.net_saving_warning(positive, np.zeros(1000, int), "x") is None
    text = precision.net_saving_warning(positive[::10], np.zeros(100, int), "x")
    assert "--reps" in text

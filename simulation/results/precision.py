"""Is a reported P(net saving) precise enough to cite? A warning when it is not.

A probability estimated over parameter draws is a mean of the draws' own probabilities, so its
Monte Carlo standard error is clustered by draw (:func:`.results.mean_se`). Each draw's
probability lies in [0, 1] with mean p, so the variance of the draws' probabilities is at most
p (1 - p): with K draws the standard error can be as large as sqrt(p (1 - p) / K) (all the
spread between draws, as a PSA's usually is). The check uses the larger of the clustered
estimate and that bound, with p shrunk towards 1/2 ((K p + 1) / (K + 2)) so that an estimate
of 97% from 50 draws is not taken at its word. It asks for a 95% interval within
+-:data:`TOLERANCE` (5 percentage points).
"""

from __future__ import annotations

import math

import numpy as np

from .results import mean_se

TOLERANCE = 0.05
Z95 = 1.959963984540054


def standard_error(positive: np.ndarray, clusters: np.ndarray | None) -> tuple[float, int, float]:
    """(estimate, clusters K, the standard error the check uses) of P(value > 0) from 0/1
    ``positive`` per replication and its parameter set (``clusters``; None: independent)."""
    positive = np.asarray(positive, dtype=float)
    p = float(positive.mean())
    if clusters is not None and len(np.unique(clusters)) < 2:
        clusters = None  # one parameter set: its replications are independent
    k = len(np.unique(clusters)) if clusters is not None else len(positive)
    clustered = mean_se(positive, clusters)
    shrunk = (k * p + 1.0) / (k + 2.0)
    bound = math.sqrt(shrunk * (1.0 - shrunk) / k)
    se = max(bound, clustered) if math.isfinite(clustered) else bound
    return p, k, se


def draws_needed(se: float, k: int, tolerance: float = TOLERANCE) -> int:
    """Draws for a 95% interval within +-``tolerance`` (the error falls as 1 / sqrt(K))."""
    return int(math.ceil(k * (Z95 * se / tolerance) ** 2))


def net_saving_warning(positive: np.ndarray, clusters: np.ndarray | None, what: str,
                       unit: str = "parameter draws", option: str = "--draws") -> str | None:
    """One line when the P(net saving) of ``what`` is not within +-5 points (95%), saying how
    many draws would make it so; None when it is."""
    p, k, se = standard_error(positive, clusters)
    if Z95 * se <= TOLERANCE:
        return None
    if clusters is None or len(np.unique(clusters)) < 2:
        unit, option = "replications", "--reps"
    need = draws_needed(se, k)
    return (f"P(net saving) {what} = {p:.0%} is not precise to +-{TOLERANCE:.0%} points: "
            f"{k} {unit} give it a standard error of up to {se:.1%} (95% interval "
            f"+-{Z95 * se:.0%}); use about {need} {unit} ({option} {need}"
            + (f", --reps >= {need}" if option == "--draws" else "") + ")")

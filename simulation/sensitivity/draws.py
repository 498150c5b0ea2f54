"""Parameter sets for a PSA, drawn from a :class:`~.varied.Selection`.

The calibrated parameters are drawn jointly from the posterior (``Posterior.draws``: with
replacement, in proportion to the weights, so their correlations are kept); the others by Latin
hypercube (``scipy.stats.qmc``) through their declared distributions centred on the scenario's
values. A list of shares (Dirichlet with mean the scenario's shares) takes one hypercube column per
share: independent gamma variables with shapes concentration x share, normalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY

from .varied import DECLARED, POSTERIOR, Selection, Varied

#: Entropy mixed into the seed of the Latin hypercube, so that it does not reuse the posterior
#: draws' or the replications' random numbers.
HYPERCUBE_STREAM = 0x1A7111


@dataclass
class ParameterSets:
    """``overrides[i]``: the values of set ``i`` (as the scenario takes them); ``table``: the same
    as numbers, one column per :attr:`Varied.columns` (lists by component)."""

    overrides: list[dict[str, Any]]
    table: pd.DataFrame
    selection: Selection

    def __len__(self) -> int:
        return len(self.overrides)

    def describe(self) -> str:
        """Where the draws come from, in words."""
        parts = []
        n_post = sum(v.how == POSTERIOR for v in self.selection.varied)
        n_decl = sum(v.how == DECLARED for v in self.selection.varied)
        if n_post:
            parts.append(f"{n_post} calibrated parameters drawn jointly from posterior "
                         f"{self.selection.posterior.name!r} ({self.selection.posterior_from})")
        if n_decl:
            parts.append(f"{n_decl} parameters by Latin hypercube from their declared "
                         "distributions centred on the scenario's values")
        return "; ".join(parts)


def _to_value(key: str, x: float):
    return int(round(float(x))) if BY_KEY[key].kind == "int" else float(x)


def _shares(v: Varied, u: np.ndarray) -> np.ndarray:
    """Dirichlet(concentration x base shares) from uniforms ``u`` (draws, components)."""
    base = np.asarray(v.base, dtype=float)
    out = np.zeros_like(u)
    for j, b in enumerate(base):
        if b > 0:  # a share of 0 stays 0
            out[:, j] = stats.gamma(v.concentration * b).ppf(u[:, j])
    total = out.sum(axis=1, keepdims=True)
    return out / np.where(total > 0, total, 1.0)


def sample(selection: Selection, n: int, seed: int) -> ParameterSets:
    """``n`` parameter sets (see the module docstring)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise PausesimError(f"--draws = {n} is invalid: must be an integer >= 1")
    posterior_keys = [v.key for v in selection.varied if v.how == POSTERIOR]
    rows = selection.posterior.draws(n, seed) if posterior_keys else [{} for _ in range(n)]
    declared = [v for v in selection.varied if v.how == DECLARED]
    dims = sum(len(v.columns) for v in declared)
    u = qmc.LatinHypercube(d=dims, seed=np.random.default_rng([seed, HYPERCUBE_STREAM])) \
        .random(n) if dims else np.empty((n, 0))
    columns: dict[str, np.ndarray] = {}
    values: dict[str, list] = {}
    j = 0
    for v in selection.varied:
        if v.how == POSTERIOR:
            x = np.array([float(r[v.key]) for r in rows])
            values[v.key] = [_to_value(v.key, a) for a in x]
            columns[v.key] = x
            continue
        width = len(v.columns)
        block = u[:, j:j + width]
        j += width
        if v.scalar:
            x = np.asarray(v.value(block[:, 0]), dtype=float)
            values[v.key] = [_to_value(v.key, a) for a in x]
            columns[v.key] = x
        else:
            shares = _shares(v, block)
            values[v.key] = [list(map(float, s)) for s in shares]
            for c, col in enumerate(v.columns):
                columns[col] = shares[:, c]
    overrides = [{key: values[key][i] for key in values} for i in range(n)]
    return ParameterSets(overrides, pd.DataFrame(columns), selection)

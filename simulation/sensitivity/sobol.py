"""Global sensitivity with SALib: Sobol indices (Saltelli sampling) and Morris screening.

Both analyse the scalar parameters of a :class:`~.varied.Selection` as independent inputs (the
methods need them independent): a calibrated parameter by its posterior *marginal* (weighted; the
posterior's correlations are left out), any other by its declared distribution centred on the
scenario's value.

Sobol: SALib samples the unit hypercube (scrambled Sobol sequence, Saltelli's scheme); each
coordinate is mapped through its parameter's quantile function. First-order (``S1``) and total
(``ST``) indices come with bootstrap confidence intervals (``*_conf`` is the half-width at
``conf``). Cost: ``n x (parameters + 2)`` parameter sets (``n`` a power of 2).

Morris: elementary effects on a ``levels``-level grid; each parameter moves uniformly over its
tornado range ``low..high`` (5th to 95th percentile). ``mu_star`` (mean absolute effect of moving a
parameter across ``levels / (2 (levels - 1))`` of its range, in outcome units) ranks importance,
``sigma`` flags interactions or non-linearity; ``mu_star_conf`` is a bootstrap half-width.
Cost: ``trajectories x (parameters + 1)`` parameter sets.

The model's output is the mean over its replications of each set. Replications are shared by all
sets (common random numbers): a parameter with no effect gives identical outputs when it alone
changes, so its total index and ``mu_star`` are exactly zero; stochastic noise of the mean still
adds to the other indices, less the more replications per set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY

from .simulator import Model, year_index
from .varied import Selection, Varied

#: Quantiles are clipped to [EPS, 1 - EPS] so distributions with unbounded support stay finite.
EPS = 1e-6


def check_options(selection: Selection, n: int | None = None, trajectories: int | None = None,
                  levels: int | None = None) -> list[Varied]:
    """The scalar varied parameters (at least two) and the sizes, before anything runs."""
    varied = selection.scalar().varied
    if len(varied) < 2:
        raise PausesimError(f"--params: global sensitivity needs at least 2 varied scalar "
                            f"parameters (have {len(varied)})")
    if n is not None and (n < 2 or n & (n - 1)):
        raise PausesimError(f"--n = {n} is invalid: must be a power of 2 >= 2 (Sobol sequence)")
    if trajectories is not None and trajectories < 2:
        raise PausesimError(f"--trajectories = {trajectories} is invalid: must be >= 2")
    if levels is not None and (levels < 2 or levels % 2):
        raise PausesimError(f"--levels = {levels} is invalid: must be an even integer >= 2")
    return varied


def _problem(varied: Sequence[Varied]) -> dict:
    return {"num_vars": len(varied), "names": [v.key for v in varied],
            "bounds": [[0.0, 1.0]] * len(varied)}


def _as_value(key: str, x: float):
    return int(round(float(x))) if BY_KEY[key].kind == "int" else float(x)


def _outputs(model: Model, varied: Sequence[Varied], columns: list[np.ndarray],
             year: int | None) -> tuple[np.ndarray, int]:
    """Mean over replications of each outcome at ``year``: (sets, outcomes)."""
    t = year_index(model, year)
    overrides = [{v.key: _as_value(v.key, col[i]) for v, col in zip(varied, columns)}
                 for i in range(len(columns[0]))]
    return model(overrides)[..., t].mean(axis=1), model.years[t]


def _scaled(v: Varied, fraction: np.ndarray) -> np.ndarray:
    """Values ``fraction`` of the way from ``low`` to ``high`` (integers rounded)."""
    x = v.low + np.asarray(fraction, dtype=float) * (v.high - v.low)
    return np.rint(x) if BY_KEY[v.key].kind == "int" else x


@dataclass
class SobolResult:
    table: pd.DataFrame  # outcome, parameter, S1, S1_conf, ST, ST_conf
    n: int
    sets: int
    year: int

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"sobol": self.table}

    def figures(self) -> dict:
        from .plots import sobol_figure

        return {"sobol": sobol_figure(self)}


@dataclass
class MorrisResult:
    table: pd.DataFrame  # outcome, parameter, mu, mu_star, sigma, mu_star_conf
    trajectories: int
    sets: int
    year: int

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"morris": self.table}

    def figures(self) -> dict:
        from .plots import morris_figure

        return {"morris": morris_figure(self)}


def sobol(model: Model, selection: Selection, n: int, seed: int, year: int | None = None,
          conf: float = 0.95, resamples: int = 200) -> SobolResult:
    """First-order and total Sobol indices of each outcome at ``year`` (default 5)."""
    varied = check_options(selection, n=n)
    problem = _problem(varied)
    u = np.clip(sobol_sample.sample(problem, n, calc_second_order=False, seed=seed), EPS, 1 - EPS)
    columns = [np.asarray(v.value(u[:, j]), dtype=float) for j, v in enumerate(varied)]
    y, at = _outputs(model, varied, columns, year)
    rows = []
    for o, outcome in enumerate(model.outcomes):
        if np.ptp(y[:, o]) == 0:  # a constant output has no variance to apportion
            raise PausesimError(f"{outcome} does not vary over the sample: no Sobol indices")
        res = sobol_analyze.analyze(problem, y[:, o], calc_second_order=False,
                                    num_resamples=resamples, conf_level=conf, seed=seed)
        for j, v in enumerate(varied):
            rows.append({"outcome": outcome, "unit": model.units[o], "year": at,
                         "parameter": v.key, "label": v.label, "varied_from": v.how,
                         "distribution": v.distribution,
                         "S1": res["S1"][j], "S1_conf": res["S1_conf"][j],
                         "ST": res["ST"][j], "ST_conf": res["ST_conf"][j], "conf": conf,
                         "output_variance": float(y[:, o].var())})
    table = pd.DataFrame(rows).sort_values(["outcome", "ST"], ascending=[True, False],
                                           kind="stable").reset_index(drop=True)
    return SobolResult(table, n, len(columns[0]), at)


def morris(model: Model, selection: Selection, trajectories: int, seed: int, levels: int = 4,
           year: int | None = None, conf: float = 0.95, resamples: int = 1000) -> MorrisResult:
    """Morris elementary-effect screening of each outcome at ``year`` (default 5)."""
    varied = check_options(selection, trajectories=trajectories, levels=levels)
    problem = _problem(varied)
    u = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    columns = [_scaled(v, u[:, j]) for j, v in enumerate(varied)]
    y, at = _outputs(model, varied, columns, year)
    rows = []
    for o, outcome in enumerate(model.outcomes):
        res = morris_analyze.analyze(problem, u, y[:, o], num_resamples=resamples,
                                     conf_level=conf, num_levels=levels, seed=seed)
        for j, v in enumerate(varied):
            rows.append({"outcome": outcome, "unit": model.units[o], "year": at,
                         "parameter": v.key, "label": v.label, "varied_from": v.how,
                         "low": v.low, "high": v.high,
                         "mu": res["mu"][j], "mu_star": res["mu_star"][j],
                         "mu_star_conf": res["mu_star_conf"][j], "sigma": res["sigma"][j],
                         "conf": conf})
    table = pd.DataFrame(rows).sort_values(["outcome", "mu_star"], ascending=[True, False],
                                           kind="stable").reset_index(drop=True)
    return MorrisResult(table, trajectories, len(columns[0]), at)

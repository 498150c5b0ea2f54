"""Regression metamodels: E[outcome | a group of parameters] at each PSA draw, with diagnostics.

Used for EVPPI by the regression method of Strong, Oakley & Brennan (2014, Med Decis Making
34:311-326) and for variance shares. Methods (scikit-learn):

- ``"spline"``: cubic B-splines per parameter (knots at quantiles of the draws); for 2 or more
  parameters the tensor product of these bases, so interactions are included. The coefficients
  have a ridge penalty chosen by efficient leave-one-out cross-validation (``RidgeCV``).
  Default for 1-3 parameters.
- ``"additive"``: the sum of the per-parameter splines (no interactions), same penalty; cheap for
  large groups, biased where parameters interact.
- ``"gp"``: Gaussian process with a squared-exponential kernel with one length scale per
  (standardised) parameter plus white noise, hyperparameters by maximum marginal likelihood
  (``GaussianProcessRegressor``; on a random subset of at most 1000 draws, then conditioned on
  all). Default for 4 or more parameters. A length scale at its upper bound (1000 sd) means the
  parameter has no detectable effect. A GP that does not smooth - it follows every draw (edf >
  0.8 x draws), or its kernel correlates no two draws, so that signal and noise cannot be told
  apart (typical of a group with no effect on the outcome, or many parameters and few draws) - is
  replaced by additive splines, with a warning saying so.

Any fit with edf > 0.8 x draws is reported as not smoothing out the replication noise.

A parameter with a point mass at its smallest or largest value (at least :data:`ATOM_SHARE` of
the draws, e.g. the system effect's "no effect" spike) gets, in the spline methods, a level of its
own there (an indicator column beside the splines): a smooth basis with knots at quantiles
otherwise may average the atom with its neighbours: on ``national``'s draws (pausesim 0.3.0,
400 x 20, lambda = GBP 100k) the tensor splines put E[INB | system-effect group] at its "no
effect" draws at GBP -0.53m against their mean of -0.93m, and the group's EVPPI at GBP 10.7k,
below that of the effect alone (17.5k), which cannot be; with the atom's level, -0.90m and 18.0k.
(On 0.4.1's draws, with 7 draws at no effect, the one-parameter fit on the effect alone still
pulls them towards the slab: docs/sensitivity.md.)

Each draw's outcome is a Monte Carlo mean that carries replication noise; the regression treats
it, and the variation due to the parameters outside the group, as residual, so the fitted values
estimate E[outcome | group] without it. Parameters that do not vary across the draws are dropped.
:meth:`Fit.refit` refits on resampled draws with the smoothing held fixed (bootstrap).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.preprocessing import SplineTransformer, StandardScaler

from simulation.core.errors import PausesimError
from simulation.sensitivity.analyses import METHODS  # noqa: F401 (declared there: light)

#: Knots per parameter (boundaries included; basis size = knots + 2) by group size, reduced
#: until the basis has at most a third as many functions as there are draws.
KNOTS = {1: 10, 2: 5, 3: 4}
ADDITIVE_KNOTS = 6
MAX_BASIS = 2000  # beyond this the tensor product is refused: use "gp" or "additive"
#: Ridge penalties tried, relative to the mean squared norm of the centred basis columns.
PENALTY_GRID = np.logspace(-8, 3, 45)
GP_HYPERPARAMETER_DRAWS = 1000
#: Share of the draws at a parameter's smallest or largest value that makes it an atom.
ATOM_SHARE = 0.01


@dataclass
class Fit:
    """One regression of an outcome on a group of parameters, at the draws it was fitted to."""

    parameters: tuple[str, ...]  # the group's parameters that vary (the regressors)
    method: str
    y: np.ndarray = field(repr=False)  # the outcome per draw
    fitted: np.ndarray = field(repr=False)  # estimated E[outcome | parameters] per draw
    edf: float  # effective degrees of freedom (trace of the smoother matrix, intercept included)
    smoothing: str  # the chosen penalty or kernel, in words
    warnings: str = ""
    _refit: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)
    no_structure: bool = field(default=False, repr=False)  # a GP whose kernel is ~diagonal

    @property
    def n_draws(self) -> int:
        return len(self.y)

    @property
    def r_squared(self) -> float:
        """In-sample R²: share of the outcome's variance across draws that the fit explains."""
        return r_squared(self.y, self.fitted)

    @property
    def adjusted_r_squared(self) -> float:
        """R² adjusted for the effective degrees of freedom (near 0 for an irrelevant group)."""
        return adjusted_r_squared(self.y, self.fitted, self.edf)

    @property
    def residual_se(self) -> float:
        """sqrt(residual sum of squares / (draws - edf)), in the outcome's unit."""
        dof = self.n_draws - self.edf
        rss = float(np.sum((self.y - self.fitted) ** 2))
        return float(np.sqrt(rss / dof)) if dof > 0 else np.nan

    def refit(self, rows: np.ndarray) -> np.ndarray:
        """Fitted values at draws ``rows`` (with repeats) of a fit to those draws alone, with the
        penalty or kernel of this fit held fixed."""
        if self._refit is None:  # constant: no regressors
            return np.full(len(rows), self.y[rows].mean())
        return self._refit(rows)


def r_squared(y: np.ndarray, fitted: np.ndarray) -> float:
    tss = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - fitted) ** 2)) / tss if tss > 0 else np.nan


def adjusted_r_squared(y: np.ndarray, fitted: np.ndarray, edf: float) -> float:
    n = len(y)
    tss = float(np.sum((y - y.mean()) ** 2))
    if tss <= 0 or n - edf <= 0:
        return np.nan
    return 1.0 - float(np.sum((y - fitted) ** 2)) / (n - edf) / (tss / (n - 1))


def choose_method(n_parameters: int, method: str = "auto") -> str:
    """``"auto"``: tensor splines for up to 3 parameters, a Gaussian process beyond."""
    if method not in METHODS:
        raise PausesimError(f"method = {method!r} is invalid: must be one of {', '.join(METHODS)}")
    if method == "auto":
        return "spline" if n_parameters <= 3 else "gp"
    return method


def fit(x: np.ndarray, y: np.ndarray, parameters, method: str = "auto", seed: int = 0) -> Fit:
    """Regress ``y`` (draws,) on the columns of ``x`` (draws, parameters) named ``parameters``."""
    return fit_outcomes(x, np.asarray(y, float)[:, None], parameters, method, seed)[0][0]


def fit_outcomes(x: np.ndarray, ys: np.ndarray, parameters, method: str = "auto",
                 seed: int = 0) -> tuple[list[Fit], Callable[[np.ndarray], np.ndarray]]:
    """Regress each column of ``ys`` (draws, outcomes) on the same parameters; return the fits
    and ``refit(rows) -> (len(rows), outcomes)``, all refitted on one resample of the draws
    (splines share one basis, so the resample's Gram matrix is built once)."""
    ys = np.asarray(ys, float)
    x = np.asarray(x, float).reshape(len(ys), -1)
    varies = np.ptp(x, axis=0) > 0
    names = tuple(p for p, v in zip(parameters, varies) if v)
    x = x[:, varies]
    if x.shape[1] == 0:
        fits = [Fit(names, "constant (no parameter varies)", y, np.full(len(y), y.mean()), 1.0,
                    "none") for y in ys.T]
        return fits, lambda rows: np.broadcast_to(ys[rows].mean(axis=0), (len(rows), ys.shape[1]))
    chosen = choose_method(x.shape[1], method)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if chosen == "gp":
            fits, refit = _gp_or_additive(x, ys, names, seed)
        else:
            fits, refit = _splines(x, ys, names, chosen)
    notes = dict.fromkeys(_plain(w) for w in caught)
    notes.pop("", None)
    for f in fits:
        too_flexible = TOO_FLEXIBLE.format(edf=f.edf, n=f.n_draws) \
            if f.edf > MAX_EDF_SHARE * f.n_draws else ""
        # the Gaussian process's own warnings do not apply to the splines that replaced it
        gp_notes = [] if f.warnings.startswith(NO_STRUCTURE) else list(notes)
        f.warnings = "; ".join(filter(None, [f.warnings, too_flexible, *gp_notes]))
    return fits, refit


INTERPOLATES = ("the fit interpolates the draws (Gaussian process noise at its lower bound): "
                "replication noise is not smoothed out; more draws are needed")
#: A fit with nearly one effective degree of freedom per draw follows each draw's noise whatever
#: the optimiser reports (e.g. a kernel that found no smooth structure in many dimensions).
MAX_EDF_SHARE = 0.8
TOO_FLEXIBLE = ("the fit uses nearly one degree of freedom per draw (edf {edf:.0f} of {n} draws): "
                "replication noise is not smoothed out; more draws are needed")


#: Mean correlation between draws under a fitted GP kernel below which it found no structure.
NO_STRUCTURE_CORRELATION = 1e-3
NO_STRUCTURE = ("the Gaussian process did not smooth (it followed every draw, or its kernel "
                "correlates no two draws, so signal and noise cannot be told apart): fitted by "
                "additive splines instead (no interactions)")


def not_smoothed(warnings_text: str) -> bool:
    """Whether a fit's warnings say it did not smooth out the replication noise."""
    return INTERPOLATES in warnings_text or "degree of freedom per draw" in warnings_text


def _plain(w: warnings.WarningMessage) -> str:
    """A fitting warning in the words of this analysis ("" for none worth reporting)."""
    text = str(w.message)
    if "length_scale is close to the specified upper" in text:
        return ""  # no detectable effect of that parameter: shown in ``smoothing``
    if "noise_level is close to the specified lower" in text:
        return INTERPOLATES
    return f"{w.category.__name__}: {text.splitlines()[0]}"


def _knots(column: np.ndarray, n_knots: int) -> np.ndarray:
    """Distinct knots at quantiles of the draws (ties, e.g. a discrete parameter, merge)."""
    knots = np.unique(np.quantile(column, np.linspace(0, 1, n_knots)))
    return knots if len(knots) >= 2 else np.array([column.min(), column.max()])


def atoms(x: np.ndarray) -> np.ndarray:
    """Indicator columns (draws, atoms) of the point masses at a parameter's smallest or largest
    value held by at least :data:`ATOM_SHARE` of the draws (and 3 of them), for parameters that
    are otherwise continuous (more than 10 distinct values)."""
    columns = []
    for col in x.T:
        if len(np.unique(col)) <= 10:
            continue
        for end in (col.min(), col.max()):
            at = col == end
            if at.sum() >= max(3, ATOM_SHARE * len(col)):
                columns.append(at.astype(float))
    return np.column_stack(columns) if columns else np.empty((len(x), 0))


def _basis(x: np.ndarray, method: str) -> np.ndarray:
    return np.hstack([_smooth_basis(x, method), atoms(x)])


def _smooth_basis(x: np.ndarray, method: str) -> np.ndarray:
    n, d = x.shape
    if method == "additive":
        k = ADDITIVE_KNOTS
        while k > 2 and d * (k + 2) > n / 3:
            k -= 1
    else:
        k = KNOTS.get(d, 2)
        while k > 2 and (k + 2) ** d > n / 3:
            k -= 1
        if (k + 2) ** d > MAX_BASIS:
            raise PausesimError(f"method = 'spline' for {d} parameters needs {(k + 2) ** d} basis "
                                f"functions (more than {MAX_BASIS}): use 'gp' or 'additive'")
    margins = [SplineTransformer(knots=_knots(x[:, j], k)[:, None], degree=3,
                                 extrapolation="linear").fit_transform(x[:, [j]])
               for j in range(d)]
    if method == "additive":
        return np.hstack(margins)
    out = margins[0]
    for m in margins[1:]:  # row-wise tensor product: every product of one function per margin
        out = (out[:, :, None] * m[:, None, :]).reshape(n, -1)
    return out


def _splines(x: np.ndarray, ys: np.ndarray, names, method: str):
    basis = _basis(x, method)
    centred = basis - basis.mean(axis=0)
    scale = float(np.mean(np.sum(centred ** 2, axis=0))) or 1.0
    grid = PENALTY_GRID * scale
    ridge = RidgeCV(alphas=grid, alpha_per_target=True).fit(basis, ys)
    alphas = np.atleast_1d(ridge.alpha_).astype(float)
    fitted = ridge.predict(basis).reshape(ys.shape)
    # squared singular values of the centred basis, from its (small) Gram matrix
    singular2 = np.clip(np.linalg.eigvalsh(centred.T @ centred), 0.0, None)
    label = "tensor-product" if x.shape[1] > 1 and method == "spline" else method
    fits = []
    for j, alpha in enumerate(alphas):
        edf = 1.0 + float(np.sum(singular2 / (singular2 + alpha)))
        note = ("penalty at the smallest value tried: the spline basis may be too coarse"
                if alpha <= grid[0] else "")
        smoothing = (f"{label} cubic splines, {basis.shape[1]} basis functions; ridge penalty "
                     f"{alpha / scale:.3g} x mean column norm² (leave-one-out CV)")
        fits.append(Fit(names, method, ys[:, j], fitted[:, j], edf, smoothing, note,
                        lambda rows, j=j, a=alpha: Ridge(alpha=a).fit(basis[rows], ys[rows, j])
                        .predict(basis[rows])))

    def refit(rows):  # all outcomes at once: one Gram matrix, a penalty per outcome
        return Ridge(alpha=alphas).fit(basis[rows], ys[rows]).predict(basis[rows]) \
            .reshape(len(rows), -1)

    return fits, refit


def _gp_or_additive(x: np.ndarray, ys: np.ndarray, names, seed: int):
    """A Gaussian process per outcome; an outcome whose GP found no structure is fitted by
    additive splines instead (with a warning saying so)."""
    fits = [_gp(x, y, names, seed) for y in ys.T]
    bad = [j for j, f in enumerate(fits)
           if f.no_structure or f.edf > MAX_EDF_SHARE * f.n_draws]
    splines_refit = None
    if bad:
        replacements, splines_refit = _splines(x, ys[:, bad], names, "additive")
        for j, f in zip(bad, replacements):
            f.warnings = "; ".join(filter(None, [NO_STRUCTURE, f.warnings]))
            fits[j] = f

    def refit(rows):
        spline_columns = splines_refit(rows) if bad else None
        return np.column_stack([spline_columns[:, bad.index(j)] if j in bad else f.refit(rows)
                                for j, f in enumerate(fits)])

    return fits, refit


def _gp(x: np.ndarray, y: np.ndarray, names, seed: int) -> Fit:
    z = StandardScaler().fit_transform(x)
    d = z.shape[1]
    kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * RBF(np.ones(d), (1e-2, 1e3))
              + WhiteKernel(0.1, (1e-6, 1e1)))
    rng = np.random.default_rng(seed)
    subset = np.sort(rng.choice(len(y), min(len(y), GP_HYPERPARAMETER_DRAWS), replace=False))
    tuned = GaussianProcessRegressor(kernel, normalize_y=True, random_state=seed)
    tuned.fit(z[subset], y[subset])
    fixed = tuned.kernel_

    def conditioned(rows):
        return GaussianProcessRegressor(fixed, optimizer=None, normalize_y=True).fit(z[rows],
                                                                                     y[rows])

    gp = conditioned(np.arange(len(y)))
    # smoother matrix K_s (K_s + noise I)^-1 in the normalised scale: edf = sum l / (l + noise)
    eig = np.linalg.eigvalsh(fixed.k1(z))
    noise = float(fixed.k2.noise_level)
    edf = 1.0 + float(np.sum(np.clip(eig, 0, None) / (np.clip(eig, 0, None) + noise)))
    scales = np.atleast_1d(fixed.k1.k2.length_scale)
    smoothing = ("Gaussian process; length scales (sd units) "
                 + ", ".join(f"{p}={s:.3g}" for p, s in zip(names, scales))
                 + f"; white-noise sd {np.sqrt(noise) * y.std():.3g}"  # normalize_y: y / sd
                 + f"; hyperparameters fitted on {len(subset)} draws")
    # length scales so short that no two draws correlate: the kernel is (nearly) diagonal, and
    # signal and noise cannot be told apart (only their sum is identified)
    k = fixed.k1(z[subset])
    off = (k.sum() - np.trace(k)) / max(1.0, k.shape[0] * (k.shape[0] - 1)) / max(
        float(np.mean(np.diag(k))), 1e-300)
    return Fit(names, "gp", y, gp.predict(z), edf, smoothing, "",
               lambda rows: conditioned(rows).predict(z[rows]),
               no_structure=bool(off < NO_STRUCTURE_CORRELATION))

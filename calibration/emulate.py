"""Calibration by sequential Gaussian-process emulation (Bayesian history matching style).

Method (why). The simulator is stochastic, slow (~30 ms a paired replication) and has no tractable
likelihood; the targets are expected values with stated uncertainty. The calibration therefore
works on *emulators* - one Gaussian process per target, fitted (scikit-learn) to the target's
simulated mean at designed parameter sets, with each set's Monte Carlo variance as known noise -
and samples the posterior on them by MCMC (emcee's affine-invariant ensemble sampler):

    log posterior(u) = sum over targets of -z^2 / 2,   z = excess(mu(u)) / sqrt(sd^2 + s(u)^2)

in the parameters' prior-quantile space ``u`` in [0, 1]^d (so the prior is uniform there and every
prior is handled alike); ``mu``, ``s`` are the emulator's mean and standard deviation and
``excess`` the distance outside the target's plausible interval (:mod:`calibration.targets`).
Emulator uncertainty thus widens the posterior instead of being ignored.

Waves: the first design is a Latin hypercube over the whole prior; each later wave simulates
parameter sets drawn from the current posterior, refits the emulators on every set so far and
samples again - simulation effort goes where the posterior is. Before refitting, the previous
emulators predict the new wave's sets: the standardised errors are the emulators' validation,
reported with the posterior.

Why not ABC-SMC: we first built it with pyabc (stochastic acceptor with a temperature schedule, then
a quantile epsilon down to a plausibility threshold). With 14 parameters and 100 particles its
importance weights degenerated - effective sample sizes of 1.6 to 4.8 of 100 from the second
generation on, because kernel-density proposals in 14 dimensions are far too spiky - and a pilot had
not finished its third of six generations after 17 minutes on the shared cores. Emulation needs a
few thousand replications in all and then samples the posterior as finely as wanted.
"""

from __future__ import annotations

import re
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import qmc

from calibration import priors as priors_mod
from calibration import targets as targets_mod
from calibration.priors import Prior
from calibration.simulate import simulate_design
from calibration.targets import Target
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.core.inputs import clip
from simulation.core.scenario import Scenario
from simulation.runner import make_executor

#: A posterior's name: the stem of its two files, so one plain file name (no folders, not hidden).
POSTERIOR_NAME = r"[^\W_][\w.-]{0,99}"
#: Largest size any calibration setting takes (the shipped calibration: 1,000 parameter sets of
#: 100 replications); larger ones are typos, and numpy cannot hold some of them.
MAX_SIZE = 10 ** 6


@dataclass(frozen=True)
class Settings:
    """Everything that determines a calibration (with the pausesim version)."""

    name: str = "national"
    scenario: str = "national"
    targets: tuple[str, ...] = tuple(t.name for t in targets_mod.TARGETS)
    parameters: tuple[str, ...] = tuple(p.key for p in priors_mod.PRIORS)
    waves: int = 3
    initial_points: int = 400  # Latin hypercube over the prior
    points_per_wave: int = 300  # drawn from the current posterior
    reps_per_point: int = 100  # paired replications pooled at each parameter set
    walkers: int = 64
    steps: int = 1000  # MCMC steps per walker (the first half is burn-in)
    posterior_size: int = 1000
    seed: int = 20240101
    fixed: Mapping[str, Any] = field(default_factory=dict)  # scenario overrides not calibrated
    #: replace a target's evidence by a point value and sd, {name: (value, sd)} (local figures,
    #: or synthetic targets when testing that the method recovers known parameters)
    target_values: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @classmethod
    def for_targets(cls, targets: Sequence[str], parameters: Sequence[str] | None = None,
                    **given) -> Settings:
        """Settings fitting ``targets``: ``parameters`` (keys) calibrated if named; otherwise
        every declared prior, except that only the macro targets inform the authority-wide
        effect, so without one the authority-layer parameters are not calibrated and the system
        effect is fixed at 0 (:attr:`direct_only`). ``given``: the other fields."""
        targets = tuple(targets)
        if parameters:
            given["parameters"] = tuple(parameters)
        else:
            given.update(without_system_effect(targets))
        return cls(targets=targets, **given)

    @property
    def direct_only(self) -> bool:
        """No macro target, so the system effect is fixed at 0 (direct effects only)."""
        return "authority.system_effect_per_year" in self.fixed and \
            not any(targets_mod.BY_NAME[n].kind == "macro" for n in self.targets)

    def check(self) -> None:
        for label, value, low in (("--waves", self.waves, 1),
                                  ("--initial-points", self.initial_points, 20),
                                  ("--points-per-wave", self.points_per_wave, 10),
                                  ("--reps-per-point", self.reps_per_point, 2),
                                  ("--walkers", self.walkers, 2 * len(self.parameters) + 2),
                                  ("--steps", self.steps, 20),
                                  ("--posterior-size", self.posterior_size, 10),
                                  ("--seed", self.seed, 0)):
            if int(value) != value or value < low or (label != "--seed" and value > MAX_SIZE):
                raise PausesimError(f"{label} = {clip(str(value))} is invalid: must be an integer "
                                    f">= {low}" + ("" if label == "--seed" else
                                                   f", at most {MAX_SIZE:,}"))
        if self.seed >= 2 ** 63:
            raise PausesimError(f"--seed = {self.seed} is invalid: must be an integer in [0, 2^63)")
        if not re.fullmatch(POSTERIOR_NAME, self.name):
            raise PausesimError(f"--name = {self.name!r} is invalid: it names the posterior's "
                                "files (NAME.csv, NAME.json), so it must be at most 100 letters, "
                                "digits, '.', '_' or '-', starting with a letter or digit")
        unknown = sorted(set(self.target_values) - set(self.targets))
        if unknown:
            raise PausesimError(f"target value for {unknown[0]!r}, which is not switched on")
        if self.posterior_size > self.walkers * (self.steps // 2):
            raise PausesimError(f"--posterior-size = {self.posterior_size} is invalid: at most "
                                "walkers x steps / 2")

    def resolved_targets(self) -> tuple[Target, ...]:
        return tuple(t for t in targets_mod.with_values(self.target_values)
                     if t.name in self.targets)

    def resolved_priors(self) -> tuple[Prior, ...]:
        return priors_mod.select(self.parameters)

    def base_scenario(self) -> Scenario:
        sc = scenario_mod.load(self.scenario)
        return sc.with_overrides(dict(self.fixed), source="calibration setting") if self.fixed \
            else sc

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(targets=list(self.targets), parameters=list(self.parameters),
                   fixed=dict(self.fixed),
                   target_values={k: list(v) for k, v in self.target_values.items()})
        return out


# ------------------------------------------------------------------------------ emulators
#: Most parameter sets used to optimise an emulator's hyperparameters (the cost grows as n^3);
#: the emulator is then conditioned on every set with those hyperparameters.
OPTIMISE_POINTS = 300


def fit_emulator(x: np.ndarray, y: np.ndarray, se: np.ndarray, seed: int):
    """A Gaussian process of one target's mean over prior-quantile space, with each point's Monte
    Carlo variance ``se^2`` as known noise (plus a small fitted nugget for what the model's
    smoothness misses). Hyperparameters are optimised on the latest :data:`OPTIMISE_POINTS`
    sets (the later waves lie where the posterior is). Returns ``(gp, y_mean, y_sd)``."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
    from threadpoolctl import threadpool_limits

    ok = np.isfinite(y) & np.isfinite(se)
    x, y, se = x[ok], y[ok], se[ok]
    mean, sd = float(y.mean()), float(y.std()) or 1.0
    z, noise = (y - mean) / sd, (se / sd) ** 2 + 1e-8
    kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
        length_scale=np.ones(x.shape[1]), length_scale_bounds=(1e-2, 1e2), nu=2.5) + \
        WhiteKernel(1e-3, (1e-6, 1.0))
    sub = slice(max(0, len(x) - OPTIMISE_POINTS), None)
    # one BLAS thread per worker: the workers already use every core
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        tuned = GaussianProcessRegressor(kernel, alpha=noise[sub], random_state=seed).fit(
            x[sub], z[sub])
        gp = GaussianProcessRegressor(tuned.kernel_, alpha=noise, optimizer=None).fit(x, z)
    return gp, mean, sd


class Emulators:
    """The fitted emulators of the targets switched on; the posterior's log density on them."""

    def __init__(self, targets: Sequence[Target], fitted: Sequence[tuple]):
        self.targets = tuple(targets)
        self.fitted = list(fitted)

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Emulated mean and standard deviation of each target, shape (n, targets)."""
        mu, sd = [], []
        for gp, mean, scale in self.fitted:
            # the fitted WhiteKernel's nugget is noise, not uncertainty about the mean
            m, s = gp.predict(u, return_std=True)
            nugget = gp.kernel_.k2.noise_level
            mu.append(mean + scale * m)
            sd.append(scale * np.sqrt(np.maximum(s ** 2 - nugget, 0.0)))
        return np.column_stack(mu), np.column_stack(sd)

    def log_posterior(self, u: np.ndarray, kinds: Sequence[str] = ("macro", "micro")
                      ) -> np.ndarray:
        """Vectorised log posterior in prior-quantile space (uniform prior on the unit cube);
        ``kinds``: the kinds of target whose likelihood is counted."""
        u = np.atleast_2d(u)
        out = np.full(len(u), -np.inf)
        inside = np.all((u > 0.0) & (u < 1.0), axis=1)
        if inside.any():
            mu, s = self.predict(u[inside])
            total = np.zeros(inside.sum())
            for i, t in enumerate(self.targets):
                if t.kind not in kinds:
                    continue
                excess = np.maximum(t.low - mu[:, i], 0.0) + np.maximum(mu[:, i] - t.high, 0.0)
                total -= 0.5 * excess ** 2 / (t.sd ** 2 + s[:, i] ** 2)
            out[inside] = total
        return out


def fit_emulators(targets: Sequence[Target], u: np.ndarray, value: pd.DataFrame,
                  se: pd.DataFrame, seed: int, workers: int) -> Emulators:
    tasks = [(u, value[t.name].to_numpy(float), se[t.name].to_numpy(float), seed + i)
             for i, t in enumerate(targets)]
    fitted: list = [None] * len(tasks)
    for i, result in make_executor(min(workers, len(tasks))).run(fit_emulator, tasks):
        fitted[i] = result
    return Emulators(targets, fitted)


def sample_posterior(emulators: Emulators, start: np.ndarray, walkers: int, steps: int,
                     seed: int) -> tuple[np.ndarray, dict]:
    """MCMC (emcee) on the emulated posterior; returns the second half of every walker's chain
    and diagnostics."""
    import emcee

    sampler = emcee.EnsembleSampler(walkers, start.shape[1], emulators.log_posterior,
                                    vectorize=True)
    sampler.random_state = np.random.RandomState(seed).get_state()
    sampler.run_mcmc(start, steps, progress=False)
    chain = sampler.get_chain(discard=steps // 2, flat=True)
    tau = np.asarray(sampler.get_autocorr_time(discard=steps // 2, quiet=True, tol=0), float)
    tau = tau[np.isfinite(tau) & (tau > 0)]  # short or stuck chains give NaN: not an estimate
    worst = float(tau.max()) if tau.size else None
    return chain, {"acceptance_fraction": float(np.mean(sampler.acceptance_fraction)),
                   "autocorr_steps_max": worst,
                   "effective_draws": None if worst is None else
                   float(walkers * (steps - steps // 2) / worst)}


def effective_draws_text(value: Any) -> str:
    """``~586 effective draws``, or why there is no estimate (None or NaN: the chains were too
    short or stuck for an autocorrelation time)."""
    if value is None or not np.isfinite(value):
        return "effective draws not estimated (chains too short for an autocorrelation time)"
    return f"~{value:.0f} effective draws"


def _start(emulators: Emulators, u: np.ndarray, walkers: int, rng) -> np.ndarray:
    """Walkers start at the designed sets the emulators like best, jittered inside the cube."""
    lp = emulators.log_posterior(u)
    order = np.argsort(-lp)
    best = u[np.resize(order[:walkers], walkers)]  # fewer sets than walkers: reuse the best
    jitter = rng.normal(scale=0.01, size=best.shape)
    return np.clip(best + jitter, 1e-4, 1 - 1e-4)


# --------------------------------------------------------------------------------- driver
@dataclass
class CalibrationRun:
    """What :func:`calibrate` returns."""

    settings: Settings
    particles: pd.DataFrame  # posterior draws: one column per parameter key, plus "weight"
    waves: pd.DataFrame  # per wave: points, validation of the previous emulators, MCMC
    design: pd.DataFrame  # every simulated set: wave, parameters, each target's value and se
    wall_seconds: float
    workers: int


def without_system_effect(target_names: Sequence[str]) -> dict[str, Any]:
    """Settings for a calibration whose targets say nothing of the authority-wide effect: only
    the macro targets inform the system effect, so without any the authority-layer parameters
    are not calibrated and the system effect is fixed at none (a direct-effects calibration);
    ``{}`` when a macro target is switched on."""
    if any(targets_mod.BY_NAME[n].kind == "macro" for n in target_names):
        return {}
    return {"parameters": tuple(p.key for p in priors_mod.PRIORS
                                if not p.key.startswith("authority.")),
            "fixed": {"authority.system_effect_per_year": 0.0}}


def to_parameters(priors: Sequence[Prior], u: np.ndarray) -> list[dict[str, Any]]:
    """Prior-quantile points -> scenario overrides (quantiles of each prior's continuous part:
    a point mass at 0 is handled by :func:`add_no_effect`)."""
    cols = [np.asarray(p.slab().ppf(u[:, i]), dtype=float) for i, p in enumerate(priors)]
    return [{p.key: p.to_value(cols[i][j]) for i, p in enumerate(priors)}
            for j in range(len(u))]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def reproduce_line(settings: Settings, out, compare, reference) -> str:
    """The ``pausesim calibrate`` command that makes the same posterior (written in reports)."""
    parts = ["pausesim calibrate", settings.scenario]
    every = [t.name for t in targets_mod.TARGETS]
    if list(settings.targets) != every:
        missing = [n for n in every if n not in settings.targets]
        parts.append(f"--without {','.join(missing)}" if len(missing) < len(settings.targets)
                     else f"--targets {','.join(settings.targets)}")
    budget = settings.initial_points + (settings.waves - 1) * settings.points_per_wave
    parts += [f"--name {settings.name}", f"--budget {budget}", f"--waves {settings.waves}",
              f"--reps-per-point {settings.reps_per_point}", f"--steps {settings.steps}",
              f"--posterior-size {settings.posterior_size}", f"--seed {settings.seed}",
              f"--out {out}"]
    parts += [f"--compare {c}" for c in compare]
    if reference:
        parts.append(f"--reference {reference}")
    return " ".join(parts)


def calibrate(settings: Settings, workers: int = 1, progress: bool = True,
              log: Callable[[str], None] = _stderr) -> CalibrationRun:
    """Run the sequential-emulation calibration described by ``settings``."""
    settings.check()
    targets = settings.resolved_targets()
    chosen = settings.resolved_priors()
    clash = [k for k in settings.fixed if k in settings.parameters]
    if clash:
        raise PausesimError(f"calibration: {clash[0]} is both fixed and calibrated")
    scenario = settings.base_scenario()
    rng = np.random.default_rng([settings.seed, 0xCA1])
    d = len(chosen)
    start_time = time.perf_counter()

    u = qmc.LatinHypercube(d=d, seed=rng).random(settings.initial_points)
    designs, waves, emulators, chain = [], [], None, None
    for wave in range(settings.waves):
        if wave > 0:
            pick = rng.choice(len(chain), size=settings.points_per_wave, replace=False)
            u = chain[pick]
            for i, p in enumerate(chosen):
                if p.zero_mass > 0:  # a quarter of the sets at no effect: the spike's evidence
                    u[: len(u) // 4, i] = 0.0
        t0 = time.perf_counter()
        value, se, _ = simulate_design(scenario, to_parameters(chosen, u),
                                       settings.reps_per_point, settings.seed, stream=wave + 1,
                                       workers=workers, targets=targets,
                                       progress=f"wave {wave + 1}" if progress else None)
        record = {"wave": wave + 1, "points": len(u), "simulate_seconds":
                  round(time.perf_counter() - t0, 1)}
        if emulators is not None:
            record.update(validate(emulators, u, value, se))
        designs.append(pd.concat([pd.DataFrame(u, columns=[p.key for p in chosen]).assign(
            wave=wave + 1), value, se.add_suffix("__se")], axis=1))
        design = pd.concat(designs, ignore_index=True)
        all_u = design[[p.key for p in chosen]].to_numpy(float)
        t0 = time.perf_counter()
        names = [t.name for t in targets]
        emulators = fit_emulators(targets, all_u, design[names],
                                  design[[n + "__se" for n in names]].set_axis(names, axis=1),
                                  settings.seed + 1000 * wave, workers)
        record["fit_seconds"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        chain, diag = sample_posterior(emulators, _start(emulators, all_u, settings.walkers, rng),
                                       settings.walkers, settings.steps,
                                       int(rng.integers(2**31 - 1)))
        record.update(diag, mcmc_seconds=round(time.perf_counter() - t0, 1))
        waves.append(record)
        if progress:
            log(_wave_line(record))

    pick = rng.choice(len(chain), size=settings.posterior_size, replace=False)
    draws, spike = add_no_effect(emulators, chosen, chain[pick])
    if spike:
        waves[-1].update(spike)
        if progress:
            log(f"  P(no effect) {spike['p_no_effect']:.3f} (prior {spike['prior_zero_mass']:g}; "
                f"Bayes factor for none {spike['bayes_factor_no_effect']:.3g})")
    design = pd.concat(designs, ignore_index=True)
    for p in chosen:  # designed sets in parameter units, for the record
        design[p.key] = np.asarray(p.slab().ppf(design[p.key].to_numpy(float)))
    return CalibrationRun(settings, draws, pd.DataFrame(waves), design,
                          time.perf_counter() - start_time, workers)


def add_no_effect(emulators: Emulators, priors: Sequence[Prior],
                  u: np.ndarray) -> tuple[pd.DataFrame, dict]:
    """The posterior draws (weighted), with the point mass at 0 of a spike-and-slab prior.

    The MCMC explores the slab (the prior's continuous part). With prior probability ``z`` of no
    effect, Bayes' rule gives P(no effect | data) = z B / (z B + 1 - z), where the Bayes factor
    B = Z0 / Z1 (marginal likelihoods with no effect and under the slab) is, for the slab's
    posterior draws (theta_i, e_i), the mean of r_i = L(theta_i, 0) / L(theta_i, e_i) - an
    exact identity, since E[r] = int L(theta, 0) p(theta) dtheta / Z1 - and the other
    parameters given no effect are the same draws reweighted by r_i. So the result is the slab's
    draws, weighted 1 - P(no effect) in all, and their copies with the effect set to 0, weighted
    P(no effect) x r_i / sum r. Likelihoods are the emulators' (:meth:`Emulators.log_posterior`).
    Returns the draws and a record (empty without such a prior)."""
    draws = pd.DataFrame(to_parameters(priors, u))
    spikes = [i for i, p in enumerate(priors) if p.zero_mass > 0]
    if not spikes:
        return draws.assign(weight=1.0 / len(draws)), {}
    if len(spikes) > 1:
        raise PausesimError("calibration: at most one prior may have a point mass at 0 "
                            f"({', '.join(priors[i].key for i in spikes)})")
    i, prior = spikes[0], priors[spikes[0]]
    none = u.copy()
    none[:, i] = 1e-12  # the slab's lowest quantile: 0 (log_posterior needs the open cube)
    # only the macro targets depend on the system effect: the micro targets' ratio is exactly 1
    log_r = emulators.log_posterior(none, ("macro",)) - emulators.log_posterior(u, ("macro",))
    r = np.exp(log_r - log_r.max())
    bayes = float(np.exp(log_r.max()) * r.mean())
    z = prior.zero_mass
    p0 = z * bayes / (z * bayes + 1.0 - z)
    at_zero = draws.assign(**{prior.key: prior.to_value(0.0)}, weight=p0 * r / r.sum())
    slab = draws.assign(weight=(1.0 - p0) / len(draws))
    record = {"spike_parameter": prior.key, "prior_zero_mass": z,
              "bayes_factor_no_effect": bayes, "p_no_effect": p0,
              "spike_effective_draws": float(r.sum() ** 2 / (r ** 2).sum())}
    return pd.concat([slab, at_zero], ignore_index=True), record


def validate(emulators: Emulators, u: np.ndarray, value: pd.DataFrame,
             se: pd.DataFrame) -> dict[str, float]:
    """How well the previous wave's emulators predict the new (unseen) sets: the share of
    standardised errors within +-2 (about 95% if the emulators are right) and the error's RMS
    relative to each target's sd."""
    mu, s = emulators.predict(u)
    out, within = {}, []
    for i, t in enumerate(emulators.targets):
        y, e = value[t.name].to_numpy(float), se[t.name].to_numpy(float)
        ok = np.isfinite(y) & np.isfinite(e)
        z = (y[ok] - mu[ok, i]) / np.sqrt(s[ok, i] ** 2 + e[ok] ** 2)
        within.append(np.abs(z) <= 2)
        out[f"rmse_over_sd:{t.name}"] = float(np.sqrt(np.mean((y[ok] - mu[ok, i]) ** 2)) / t.sd)
    out["validation_within_2sd"] = float(np.mean(np.concatenate(within)))
    return out


def _wave_line(r: Mapping[str, Any]) -> str:
    valid = f"; previous emulators: {r['validation_within_2sd']:.0%} of errors within 2 sd" \
        if "validation_within_2sd" in r else ""
    return (f"calibrate: wave {r['wave']}: {r['points']} parameter sets simulated in "
            f"{r['simulate_seconds']:.0f} s, emulators fitted in {r['fit_seconds']:.0f} s, "
            f"MCMC {r['mcmc_seconds']:.0f} s (acceptance {r['acceptance_fraction']:.2f}, "
            f"{effective_draws_text(r.get('effective_draws'))}){valid}")

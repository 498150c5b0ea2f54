"""Value of information of the funding decision from a PSA: EVPI, EVPPI and variance shares.

Decision: fund the practice, or not (outcomes 0 by definition). For PSA draw i (one parameter set)
the caller gives funding's incremental infants kept out of care E_i and net cost avoidance C_i
(GBP), each the mean over that draw's replications, or the replications (:mod:`.psa_outcomes`).
With λ the value placed on keeping one infant out of care (GBP per infant; λ = 0 is the pure
budget view), the incremental net benefit of funding, GBP per decision, is

    INB_i(λ) = NB_i(fund) - NB_i(not fund) = C_i + λ E_i.

- EVPI(λ) = E[max(0, INB)] - max(0, E[INB]): the expected loss from deciding now rather than with
  every parameter known, per decision.
- EVPPI(λ) of a parameter group S = E_S[max(0, E[INB | S])] - max(0, E[INB]): the same with only
  S known. E[INB | S] at each draw is estimated by regression on S (Strong, Oakley & Brennan 2014,
  Med Decis Making 34:311-326; :mod:`.metamodel`). As E[C + λE | S] = E[C | S] + λ E[E | S], two
  regressions per group (net cost avoidance, infants) serve every λ.
- Standard errors: bootstrap over draws (draws resampled with replacement, the same resamples for
  every group; both regressions refitted with their penalty or kernel fixed). They cover the finite
  number of draws and the regression's noise, not a wrong regression form (see the fit R²).
  Near the break-even λ (expected INB within about one s.e. of the mean INB of 0) the estimates
  are biased by about that s.e., unseen by the bootstrap: the plug-in max(0, mean) lowers every
  EVPPI, and the fits' own noise lifts that of a parameter with no effect above 0.
- Replication noise: per-draw means carry Monte Carlo noise. The regressions treat it as residual,
  so EVPPI is estimated without it. EVPI straight from the per-draw means (``evpi_raw``) is biased
  upward by it; ``evpi_smoothed`` is the EVPPI of all parameters together, a regression that
  removes the noise *if it fits*. ``replication_noise_share`` is the share of INB's spread across
  draws that is noise (needs the replications). ``evpi_per_decision`` is (:func:`choose_evpi`):
  the raw estimate where the noise share is below :data:`NOISE_NEGLIGIBLE` (its bias is then of
  second order, while a regression on many parameters may misfit by more: on ``national``,
  pausesim 0.3.0, it gave an EVPI 1.7 times the raw one with the noise at 0.7% of the
  variance); else
  the smoothed one if its fit passes the check that what it leaves is noise (residual variance at
  most :data:`MAX_RESIDUAL_TO_NOISE` times the replication noise variance, and it smooths); else
  the raw one, flagged as biased upward.
- Population: ``population_evppi = evppi_per_decision x population_multiplier``, the discounted
  number of decisions the information would inform: ``population`` decisions per year for
  ``horizon_years`` years, year t divided by (1 + discount_rate_per_year)^(t - 1) (as pausesim
  discounts costs).
- Variance shares: the share of a target's variance across draws that each group explains, the
  adjusted R² of the same regression (estimates Var(E[target | group]) / Var(target)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from simulation.core.errors import PausesimError

from . import ce, metamodel
from .psa_outcomes import (
    DEFAULT_LAMBDAS_GBP,
    LAMBDA_UNIT,
    DecisionOutcomes,
    check_draws,
    check_lambdas,
    check_outcome,
    decision_outcomes,
)

__all__ = ["ALL_PARAMETERS", "DEFAULT_LAMBDAS_GBP", "MAX_RESIDUAL_TO_NOISE", "MIN_DRAWS",
           "NOISE_NEGLIGIBLE", "VOIResult", "check_options", "choose_evpi", "evpi", "evppi",
           "expected_value_of_choosing_later", "population_multiplier", "value_of_information",
           "variance_shares"]

MIN_DRAWS = 50
#: Replication noise below this share of INB's variance across draws is negligible: EVPI is then
#: taken straight from the per-draw means (the upward bias of E[max(0, INB + noise)] is about
#: noise variance x density of INB at 0 / 2, far below its standard error).
NOISE_NEGLIGIBLE = 0.05
#: A regression on all parameters removes only noise if the residual it leaves is noise: its
#: residual variance at most this multiple of the replication noise variance of a draw's mean.
MAX_RESIDUAL_TO_NOISE = 2.0
ALL_PARAMETERS = "all parameters"
OUTCOME_UNITS = {"infants_avoided": "infants", "net_cost_avoidance": "GBP"}
NOISE_NOTE = ("Each draw's outcome is a mean over its replications and carries Monte Carlo "
              "noise; the regressions treat it as residual, so EVPPI and evpi_smoothed exclude "
              "it (if they fit), while evpi_raw (straight from the per-draw means) is biased "
              "upward by it. evpi_per_decision is evpi_raw where the noise is under "
              f"{NOISE_NEGLIGIBLE:.0%} of the variance, else evpi_smoothed if its fit leaves no "
              f"more than {MAX_RESIDUAL_TO_NOISE:g} x the noise variance (evpi_source says which "
              "and why).")


def expected_value_of_choosing_later(inb: np.ndarray) -> np.ndarray:
    """E[max(0, inb)] - max(0, E[inb]) along the draws (axis 0), two decisions: the EVPI of
    per-draw INB values, or the EVPPI of fitted values E[INB | group]."""
    return np.maximum(inb, 0.0).mean(axis=0) - np.maximum(inb.mean(axis=0), 0.0)


def population_multiplier(population: float = 1.0, horizon_years: int = 1,
                          discount_rate_per_year: float = 0.035) -> float:
    """Discounted number of decisions informed: ``population`` per year over ``horizon_years``,
    year t (t = 1, 2, ...) divided by (1 + rate)^(t - 1)."""
    t = np.arange(horizon_years)
    return float(population * np.sum((1.0 + discount_rate_per_year) ** -t))


def _groups(keys: Sequence[str], groups) -> dict[str, tuple[str, ...]]:
    if groups is None:
        return {k: (k,) for k in keys}
    if not isinstance(groups, Mapping) or not groups:
        raise PausesimError(f"groups = {groups!r} is invalid: must map group names to lists of "
                            "parameter keys")
    out = {}
    for name, members in groups.items():
        if not isinstance(name, str) or not name.strip():
            raise PausesimError(f"groups name {name!r} is invalid: must be a non-empty text")
        members = (members,) if isinstance(members, str) else tuple(members)
        if not members:
            raise PausesimError(f"groups[{name!r}] is empty: must list at least one parameter key")
        for k in members:
            if k not in keys:
                raise PausesimError(f"groups[{name!r}] key {k!r} is invalid: not a column of the "
                                    f"draws (columns: {', '.join(keys)})")
        if len(set(members)) < len(members):
            raise PausesimError(f"groups[{name!r}] = {list(members)} is invalid: a key repeats")
        out[name] = members
    return out


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) \
        and not isinstance(value, bool) and bool(np.isfinite(value))


def check_options(parameter_keys: Sequence[str], groups=None, lambdas=None,
                  population: float = 1.0, horizon_years: int = 1,
                  discount_rate_per_year: float = 0.035, method: str = "auto",
                  bootstrap: int = 200) -> tuple[dict[str, tuple[str, ...]], np.ndarray]:
    """Check the analysis options before any simulation runs; return (groups, lambdas).

    ``groups`` maps a name to parameter keys (a single key may be given as text); default: each
    key on its own. Raises :class:`PausesimError` naming the field, the value and what is allowed.
    """
    keys = [str(k) for k in parameter_keys]
    checked = _groups(keys, groups)
    lambdas = check_lambdas(lambdas)
    if not (_is_number(population) and population > 0):  # 0 informs nothing: a mistake
        raise PausesimError(f"population = {population!r} is invalid: must be a number > 0 "
                            "(decisions informed per year)")
    if isinstance(horizon_years, bool) or not isinstance(horizon_years, (int, np.integer)) \
            or horizon_years < 1:
        raise PausesimError(f"horizon_years = {horizon_years!r} is invalid: must be an integer "
                            ">= 1")
    if not (_is_number(discount_rate_per_year) and 0 <= discount_rate_per_year < 1):
        raise PausesimError(f"discount_rate_per_year = {discount_rate_per_year!r} is invalid: "
                            "must be in [0, 1)")
    metamodel.choose_method(1, method)
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, (int, np.integer)) \
            or not (bootstrap == 0 or bootstrap >= 10):
        raise PausesimError(f"bootstrap = {bootstrap!r} is invalid: must be 0 (no standard "
                            "errors) or an integer >= 10")
    return checked, lambdas


@dataclass
class _GroupFit:
    """Both regressions of one group, the EVPPI per λ and its bootstrap replicates."""

    name: str
    keys: tuple[str, ...]
    net: metamodel.Fit
    infants: metamodel.Fit
    evppi: np.ndarray  # (lambdas,)
    evppi_boot: np.ndarray  # (bootstrap, lambdas)
    share_boot: np.ndarray  # (bootstrap, 2): adjusted R² of net cost avoidance, infants

    def fitted_inb(self, lambdas: np.ndarray) -> np.ndarray:
        return self.net.fitted[:, None] + lambdas[None, :] * self.infants.fitted[:, None]


def _fit_group(name, keys, x, out: DecisionOutcomes, lambdas, method, rows, seed) -> _GroupFit:
    (net, infants), refit = metamodel.fit_outcomes(
        x, np.column_stack([out.net_cost_avoidance, out.infants_avoided]), keys, method, seed)
    evppi = expected_value_of_choosing_later(
        net.fitted[:, None] + lambdas[None, :] * infants.fitted[:, None])
    evppi_boot = np.empty((len(rows), len(lambdas)))
    share_boot = np.empty((len(rows), 2))
    for b, r in enumerate(rows):
        f_net, f_inf = refit(r).T
        evppi_boot[b] = expected_value_of_choosing_later(
            f_net[:, None] + lambdas[None, :] * f_inf[:, None])
        share_boot[b] = (metamodel.adjusted_r_squared(out.net_cost_avoidance[r], f_net, net.edf),
                         metamodel.adjusted_r_squared(out.infants_avoided[r], f_inf, infants.edf))
    return _GroupFit(name, tuple(keys), net, infants, evppi, evppi_boot, share_boot)


def _sd(replicates: np.ndarray) -> np.ndarray:
    """Bootstrap standard deviation over replicates (axis 0), NaN where fewer than two are
    finite (e.g. an adjusted R² undefined in every resample)."""
    finite = np.isfinite(replicates).sum(axis=0)
    if len(replicates) < 2:
        return np.full(replicates.shape[1:], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.nanstd(np.where(finite >= 2, replicates, 0.0), axis=0, ddof=1)
    return np.where(finite >= 2, sd, np.nan)


def _method(g: _GroupFit) -> str:
    return g.net.method if g.net.method == g.infants.method else \
        f"{g.net.method} (net cost avoidance) / {g.infants.method} (infants)"


def _evppi_rows(g: _GroupFit, out: DecisionOutcomes, lambdas, multiplier, unit) -> pd.DataFrame:
    inb, fitted = out.incremental_net_benefit(lambdas), g.fitted_inb(lambdas)
    rss = np.sum((inb - fitted) ** 2, axis=0)
    tss = np.sum((inb - inb.mean(axis=0)) ** 2, axis=0)
    dof = out.n_draws - max(g.net.edf, g.infants.edf)
    se = _sd(g.evppi_boot)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(tss > 0, 1 - rss / tss, np.nan)
    return pd.DataFrame({
        "parameter_group": g.name, "lambda": lambdas, "evppi_per_decision": g.evppi,
        "population_evppi": g.evppi * multiplier, "standard_error": se,
        "population_standard_error": se * multiplier, "population_multiplier": multiplier,
        "parameters": ";".join(g.keys), "n_parameters": len(g.keys), "method": _method(g),
        "n_draws": out.n_draws, "r_squared": r2,
        "residual_se": np.sqrt(rss / dof) if dof > 0 else np.nan,
        "edf_net_cost_avoidance": g.net.edf, "edf_infants_avoided": g.infants.edf,
        "bootstrap": len(g.evppi_boot), "unit": unit, "lambda_unit": LAMBDA_UNIT,
        "fit_warnings": "; ".join(dict.fromkeys(filter(None, (g.net.warnings,
                                                                g.infants.warnings))))})


def _fit_rows(g: _GroupFit, out: DecisionOutcomes, money_unit) -> list[dict]:
    rows = []
    for outcome, f in (("net_cost_avoidance", g.net), ("infants_avoided", g.infants)):
        noise = out.noise_variance(float(outcome == "net_cost_avoidance"),
                                   float(outcome == "infants_avoided"))
        rows.append({"parameter_group": g.name, "outcome": outcome,
                     "unit": money_unit if outcome == "net_cost_avoidance" else "infants",
                     "parameters": ";".join(g.keys), "regressors": ";".join(f.parameters),
                     "method": f.method, "n_draws": f.n_draws, "n_parameters": len(g.keys),
                     "r_squared": f.r_squared, "adjusted_r_squared": f.adjusted_r_squared,
                     "residual_se": f.residual_se, "edf": f.edf, "smoothing": f.smoothing,
                     "replication_noise_share": float(out.noise_share(f.y[:, None], noise)[0]),
                     "warnings": f.warnings})
    return rows


def _share_row(target, unit, name, keys, f: metamodel.Fit, boot: np.ndarray,
               noise_share: float) -> dict:
    adj = f.adjusted_r_squared
    share = float(np.clip(adj, 0.0, 1.0)) if np.isfinite(adj) else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        of_parameters = share / (1.0 - noise_share) if noise_share < 1 else np.nan
    return {"target": target, "unit": unit, "parameter_group": name,
            "parameters": ";".join(keys), "share_of_variance": share,
            "standard_error": float(_sd(boot[:, None])[0]), "r_squared": f.r_squared,
            "share_of_parameter_variance": float(np.clip(of_parameters, 0, 1))
            if np.isfinite(of_parameters) else np.nan,
            "replication_noise_share": noise_share, "method": f.method, "edf": f.edf,
            "n_draws": f.n_draws}


def _bootstrap_rows(n: int, bootstrap: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, (bootstrap, n))


def smoothed_fit_check(out: DecisionOutcomes, lambdas, smoothed: _GroupFit) -> np.ndarray:
    """Residual variance of the regression of INB on all parameters over the replication noise
    variance of a draw's mean, per λ (NaN without replications; inf for a fit that does not
    smooth). With every parameter a regressor, a fit that captures E[INB | parameters] leaves
    only noise: a ratio near 1; a misfit leaves more."""
    inb, fitted = out.incremental_net_benefit(lambdas), smoothed.fitted_inb(lambdas)
    dof = out.n_draws - max(smoothed.net.edf, smoothed.infants.edf)
    if dof <= 0 or metamodel.not_smoothed(smoothed.net.warnings + smoothed.infants.warnings):
        return np.full(len(lambdas), np.inf)
    residual = np.sum((inb - fitted) ** 2, axis=0) / dof
    noise = out.noise_variance(1.0, lambdas)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(noise > 0, residual / noise, np.where(np.isnan(noise), np.nan, np.inf))


def choose_evpi(noise_share: np.ndarray, fit_ratio: np.ndarray | None) -> np.ndarray:
    """Per λ, which EVPI estimate to report: "raw" where the replication noise share is below
    :data:`NOISE_NEGLIGIBLE`, else "smoothed" where the regression passes its check (residual at
    most :data:`MAX_RESIDUAL_TO_NOISE` x noise), else "raw" (flagged as biased)."""
    share = np.asarray(noise_share, float)
    passes = np.zeros(share.shape, bool) if fit_ratio is None else \
        np.nan_to_num(np.asarray(fit_ratio, float), nan=np.inf) <= MAX_RESIDUAL_TO_NOISE
    negligible = np.nan_to_num(share, nan=1.0) < NOISE_NEGLIGIBLE
    return np.where(~negligible & passes, "smoothed", "raw")


def _evpi_source(choice: str, share: float, ratio: float, regression: str) -> str:
    noise = "unknown (no replications given)" if not np.isfinite(share) else f"{share:.1%}"
    if choice == "smoothed":
        return (f"regression on all parameters ({regression}): replication noise ({noise} of "
                f"the variance) removed; the fit passes its check (residual variance "
                f"{ratio:.2g} x the noise)")
    if np.isfinite(share) and share < NOISE_NEGLIGIBLE:
        return (f"per-draw means: replication noise {noise} of the variance, negligible (below "
                f"{NOISE_NEGLIGIBLE:.0%}), so no regression is needed")
    why = "" if not regression else (
        "; the regression on all parameters failed its check (" + (
            "it does not smooth" if ratio == np.inf else
            f"residual variance {ratio:.2g} x the noise, more than {MAX_RESIDUAL_TO_NOISE:g}"
            if np.isfinite(ratio) else "no replications to compare it with") + ")")
    return f"per-draw means: biased upward by replication noise ({noise} of the variance){why}"


def _evpi_table(out: DecisionOutcomes, lambdas, multiplier, unit,
                smoothed: _GroupFit | None) -> pd.DataFrame:
    inb = out.incremental_net_benefit(lambdas)
    raw = expected_value_of_choosing_later(inb)
    expected = inb.mean(axis=0)
    # EVPI = mean of h_i exactly (max(0, m) = 1[m > 0] m), so its standard error is sd(h)/sqrt(n)
    h = np.maximum(inb, 0.0) - (expected > 0) * inb
    raw_se = h.std(axis=0, ddof=1) / np.sqrt(out.n_draws)
    noise = out.noise_share(inb, out.noise_variance(1.0, lambdas))
    table = pd.DataFrame({"lambda": lambdas})
    ratio = np.full(len(lambdas), np.nan)
    smoothed_value = smoothed_se = np.full(len(lambdas), np.nan)
    regression = ""
    if smoothed is not None:
        smoothed_value, smoothed_se = smoothed.evppi, _sd(smoothed.evppi_boot)
        ratio = smoothed_fit_check(out, lambdas, smoothed)
        interpolates = metamodel.not_smoothed(smoothed.net.warnings + smoothed.infants.warnings)
        regression = _method(smoothed) + (
            ": it interpolates the draws, so replication noise is NOT removed (too few draws)"
            if interpolates else "")
    choice = choose_evpi(noise, ratio if smoothed is not None else None)
    best = np.where(choice == "smoothed", smoothed_value, raw)
    best_se = np.where(choice == "smoothed", smoothed_se, raw_se)
    table = table.assign(
        evpi_per_decision=best, standard_error=best_se, population_evpi=best * multiplier,
        population_standard_error=best_se * multiplier, population_multiplier=multiplier,
        evpi_source=[_evpi_source(c, s, r, regression) for c, s, r in zip(choice, noise, ratio)],
        evpi_raw=raw, evpi_raw_standard_error=raw_se,
        evpi_smoothed=smoothed_value, evpi_smoothed_standard_error=smoothed_se,
        evpi_regression=regression or np.nan, smoothed_residual_to_noise=ratio,
        replication_noise_share=noise, expected_incremental_net_benefit=expected,
        optimal_decision=np.where(expected > 0, ce.FUND, ce.NOT_FUND), n_draws=out.n_draws,
        unit=unit, lambda_unit=LAMBDA_UNIT)
    return table


@dataclass
class VOIResult:
    """Tables (tidy DataFrames) and figures of a value-of-information analysis."""

    evpi: pd.DataFrame
    evppi: pd.DataFrame
    fits: pd.DataFrame
    variance_shares: pd.DataFrame
    plane: pd.DataFrame
    plane_summary: pd.DataFrame
    acceptability: pd.DataFrame
    money_unit: str
    population_multiplier: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"evpi": self.evpi, "evppi": self.evppi, "evppi_fits": self.fits,
                "variance_shares": self.variance_shares, "ce_plane": self.plane,
                "ce_summary": self.plane_summary, "ceac": self.acceptability}

    def figures(self) -> dict:
        from . import voi_figures as vf

        figs = {"ce_plane": vf.plane_figure(self.plane, self.plane_summary, self.money_unit),
                "ceac": vf.acceptability_figure(self.acceptability),
                "evppi": vf.evppi_figure(self.evppi, self.evpi, self.money_unit)}
        if self.population_multiplier != 1:
            figs["population_evppi"] = vf.evppi_figure(self.evppi, self.evpi, self.money_unit,
                                                       population=True)
        return figs


def value_of_information(draws: pd.DataFrame, infants_avoided, net_cost_avoidance,
                         groups: Mapping[str, Sequence[str]] | None = None, lambdas=None,
                         population: float = 1.0, horizon_years: int = 1,
                         discount_rate_per_year: float = 0.035, method: str = "auto",
                         bootstrap: int = 200, seed: int = 0, evpi_by_regression: bool = True,
                         money_unit: str = "GBP (discounted)",
                         progress: bool | None = None) -> VOIResult:
    """EVPI, EVPPI per group, regression diagnostics, variance shares, CE plane and CEAC.

    ``draws``: one row per PSA draw, one column per parameter key. ``infants_avoided`` and
    ``net_cost_avoidance`` (GBP): funding's incremental outcomes per draw, ``(draws,)`` means or
    ``(draws, reps)`` replications (then the replication noise share is reported). ``groups``:
    name -> parameter keys (default: each key alone). ``lambdas``: GBP per infant kept out of care.
    ``money_unit`` labels every GBP column and axis (e.g. "GBP (2015 prices, discounted)").
    """
    frame = check_draws(draws, MIN_DRAWS)
    groups, lambdas = check_options(list(frame.columns), groups, lambdas, population,
                                    horizon_years, discount_rate_per_year, method, bootstrap)
    out = decision_outcomes(infants_avoided, net_cost_avoidance, len(frame))
    multiplier = population_multiplier(population, horizon_years, discount_rate_per_year)
    rows = _bootstrap_rows(out.n_draws, bootstrap, seed)
    every = tuple(frame.columns)
    todo = dict(groups)
    if evpi_by_regression and every not in todo.values():
        todo[ALL_PARAMETERS] = every
    fitted = {}
    # progress None: tqdm decides (shown on a terminal only)
    for name, keys in tqdm(todo.items(), desc="EVPPI regressions",
                           disable=None if progress is None else not progress):
        fitted[name] = _fit_group(name, keys, frame[list(keys)].to_numpy(), out, lambdas,
                                  method, rows, seed)
    smoothed = None
    if evpi_by_regression:
        smoothed = fitted[next(n for n, k in todo.items() if k == every)]
    unit = money_unit
    evppi = pd.concat([_evppi_rows(fitted[n], out, lambdas, multiplier, unit) for n in groups],
                      ignore_index=True)
    fits = pd.DataFrame([r for g in fitted.values() for r in _fit_rows(g, out, unit)])
    shares = []
    for o, (target, f_attr) in enumerate((("net_cost_avoidance", "net"),
                                          ("infants_avoided", "infants"))):
        weights = (1.0, 0.0) if target == "net_cost_avoidance" else (0.0, 1.0)
        y = getattr(out, target)
        noise = float(out.noise_share(y[:, None], out.noise_variance(*weights))[0])
        for name in groups:
            g = fitted[name]
            shares.append(_share_row(target, unit if o == 0 else "infants", name, g.keys,
                                     getattr(g, f_attr), g.share_boot[:, o], noise))
    notes = (
        NOISE_NOTE,
        "EVPPI by regression (Strong, Oakley & Brennan 2014): E[INB | group] = E[net cost "
        "avoidance | group] + lambda E[infants | group], each regressed on the group's "
        "parameters (splines with a cross-validated ridge penalty, or a Gaussian process).",
        f"standard_error: bootstrap over draws ({bootstrap} resamples, smoothing fixed); it "
        "does not cover a wrong regression form (check r_squared and evppi_fits), nor the bias "
        "of about one s.e. of the mean INB near the break-even lambda (ce_summary).",
        "replication_noise_share: draw-specific noise (two-way residuals / reps); under common "
        "random numbers a further shared part moves all draws alike and no regression removes "
        "it: it is Monte Carlo error of the overall mean, shrinking with reps.",
        f"population_evppi = evppi_per_decision x {multiplier:.4g} (population {population:g} "
        f"decisions per year for {horizon_years} year(s), discounted at "
        f"{discount_rate_per_year:g} per year).",
        f"Money in {money_unit}; lambda in {LAMBDA_UNIT}.")
    return VOIResult(
        evpi=_evpi_table(out, lambdas, multiplier, unit, smoothed), evppi=evppi, fits=fits,
        variance_shares=pd.DataFrame(shares),
        plane=ce.plane(out.infants_avoided, out.net_cost_avoidance),
        plane_summary=ce.plane_summary(out.infants_avoided, out.net_cost_avoidance),
        acceptability=ce.acceptability(out.infants_avoided, out.net_cost_avoidance, lambdas),
        money_unit=money_unit, population_multiplier=multiplier, notes=notes)


def evppi(draws: pd.DataFrame, infants_avoided, net_cost_avoidance, groups=None, lambdas=None,
          population: float = 1.0, horizon_years: int = 1, discount_rate_per_year: float = 0.035,
          method: str = "auto", bootstrap: int = 200, seed: int = 0,
          money_unit: str = "GBP (discounted)") -> pd.DataFrame:
    """The EVPPI table alone (see :func:`value_of_information`)."""
    return value_of_information(draws, infants_avoided, net_cost_avoidance, groups, lambdas,
                                population, horizon_years, discount_rate_per_year, method,
                                bootstrap, seed, evpi_by_regression=False,
                                money_unit=money_unit, progress=False).evppi


def evpi(infants_avoided, net_cost_avoidance, lambdas=None, population: float = 1.0,
         horizon_years: int = 1, discount_rate_per_year: float = 0.035,
         money_unit: str = "GBP (discounted)") -> pd.DataFrame:
    """EVPI straight from the per-draw means (no regression, so no parameter table needed); with
    replications given, ``replication_noise_share`` says how much of it may be noise."""
    out = decision_outcomes(infants_avoided, net_cost_avoidance)
    if out.n_draws < 2:
        raise PausesimError(f"infants_avoided has {out.n_draws} draw: EVPI needs at least 2")
    _, lambdas = check_options([], None, lambdas, population, horizon_years,
                               discount_rate_per_year)
    multiplier = population_multiplier(population, horizon_years, discount_rate_per_year)
    return _evpi_table(out, lambdas, multiplier, money_unit, None)


def variance_shares(draws: pd.DataFrame, target, groups=None, target_name: str = "target",
                    unit: str = "", method: str = "auto", bootstrap: int = 200,
                    seed: int = 0) -> pd.DataFrame:
    """Share of ``target``'s variance across draws explained by each group (adjusted R² of its
    regression, bootstrap standard error), e.g. infants kept out of care by year 5.

    ``target``: ``(draws,)`` per-draw means or ``(draws, reps)`` replications (then the
    replication noise share and the share of the *parameter* variance are reported too).
    """
    frame = check_draws(draws, MIN_DRAWS)
    groups, _ = check_options(list(frame.columns), groups, None, method=method,
                              bootstrap=bootstrap)
    y = check_outcome(target, "target", len(frame))
    out = decision_outcomes(y, np.zeros_like(y))  # per-draw means and noise; net slot unused
    y = out.infants_avoided
    noise = float(out.noise_share(y[:, None], out.noise_variance(0.0, 1.0))[0])
    rows = _bootstrap_rows(out.n_draws, bootstrap, seed)
    table = []
    for name, keys in groups.items():
        f = metamodel.fit(frame[list(keys)].to_numpy(), y, keys, method, seed)
        boot = np.array([metamodel.adjusted_r_squared(y[r], f.refit(r), f.edf) for r in rows])
        table.append(_share_row(target_name, unit, name, keys, f, boot.reshape(-1), noise))
    return pd.DataFrame(table)

"""Which parameters are uncertain, how (a scipy.stats distribution), and their tornado range.

Every declaration names its source. Where the evidence gives a count, the distribution is the
posterior of that count (e.g. ``Beta(21 + 1, 28 + 1)`` for 21 of 49 women enrolling); where it gives
a range, a uniform over it; where nothing is known it says *assumption*. ``low``/``high`` are the
values the tornado sets one at a time; Sobol indices use the distributions; Morris screens each
parameter uniformly over ``low..high``.

Parameter draws for the PSA come either from these declarations (:func:`sample`) or from any
DataFrame with one column per parameter key, one row per draw (:func:`posterior_draws`) - this is
how the calibration's posterior sample plugs in (:func:`posterior_sample` reads one: a
:mod:`calibration.posterior` by name or path, or any CSV/Parquet file of draws).

Group ``evidence`` holds rates and unit costs that apply to any practice and is analysed by
default; group ``local`` holds the size of the local population, which a council's scenario file
usually knows, and is analysed only when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from SALib.sample import latin
from scipy import stats

from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY, Param
from simulation.core.scenario import validate_value

#: Keys a parameter set may not change: they change the shape of the output (months simulated).
FIXED_KEYS = frozenset({"practice.horizon_months"})


@dataclass(frozen=True)
class Uncertain:
    """One uncertain parameter: its distribution, its tornado range and where they come from."""

    key: str
    dist: Any  # a frozen scipy.stats distribution
    low: float
    high: float
    source: str
    group: str = "evidence"

    @property
    def param(self) -> Param:
        return BY_KEY[self.key]

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Values at quantiles ``u`` of the distribution (rounded for integer parameters)."""
        x = self.dist.ppf(np.asarray(u, dtype=float))
        return np.rint(x) if self.param.kind == "int" else x

    def scale(self, u: np.ndarray) -> np.ndarray:
        """Values at fractions ``u`` of the way from ``low`` to ``high``."""
        x = self.low + np.asarray(u, dtype=float) * (self.high - self.low)
        return np.rint(x) if self.param.kind == "int" else x

    def describe(self) -> str:
        """The distribution in words, e.g. ``uniform(0.11, 0.2)`` (on its support)."""
        name = self.dist.dist.name
        if name in ("uniform", "randint"):
            lo, hi = self.dist.support()
            return f"{'integer ' if name == 'randint' else ''}uniform({lo:g}, {hi:g})"
        args = ", ".join(f"{a:g}" for a in self.dist.args)
        kwds = ", ".join(f"{k}={v:g}" for k, v in self.dist.kwds.items())
        return f"{self.dist.dist.name}({', '.join(filter(None, (args, kwds)))})"


def _beta(successes: int, trials: int):
    """Posterior of a proportion after ``successes`` of ``trials`` (uniform prior)."""
    return stats.beta(successes + 1, trials - successes + 1)


def _uniform(low: float, high: float):
    return stats.uniform(low, high - low)


def _central(dist, share: float = 0.9) -> tuple[float, float]:
    q = (1.0 - share) / 2.0
    return float(dist.ppf(q)), float(dist.ppf(1.0 - q))


def _declare(key: str, dist, source: str, low: float | None = None, high: float | None = None,
             group: str = "evidence") -> Uncertain:
    """A declaration; ``low``/``high`` default to the central 90% of ``dist``."""
    lo, hi = _central(dist)
    return Uncertain(key, dist, lo if low is None else low, hi if high is None else high, source,
                     group)


_ENROL = _beta(21, 49)
_LARC_UPTAKE = _beta(82, 84)
_DROPOUT = stats.gamma(17, scale=0.10 / 17)

DECLARED: tuple[Uncertain, ...] = (
    # ---------------------------------------------------------------- pregnancy and care
    _declare("pregnancy.counterfactual_rate_per_year", _uniform(0.11, 0.20),
             "evidence.md s1 (DfE 2017): 0.11 per woman-year in the comparison group, 0.20 in the "
             "women's own pre-programme history", 0.11, 0.20),
    _declare("pregnancy.larc_failure_rate_per_year", _uniform(0.001, 0.011),
             "evidence.md s1 (DfE 2017): 2 pregnancies in 125 women on the programme, <= 0.011 "
             "per woman-year", 0.001, 0.011),
    _declare("pregnancy.frailty_shape", stats.loguniform(0.5, 8.0),
             "evidence.md s1: individual rates 'vary between 0.11 and 0.28'; assumption on the "
             "spread of heterogeneity (log-uniform)", 0.5, 8.0),
    _declare("pregnancy.live_birth_probability", _uniform(0.65, 0.85),
             "assumption: miscarriage and termination 15-35% (DfE 2017 counted births only)",
             0.65, 0.85),
    _declare("care.removal_probability", _uniform(0.5, 0.8),
             "evidence.md s3 (70% of returns to court concern a subsequent infant); assumption "
             "on the range", 0.5, 0.8),
    _declare("care.mean_months_in_care", _uniform(18.0, 42.0),
             "assumption: infants leave care mostly by adoption, typically within 2-3 years "
             "(1.5-3.5 years allowed)", 18.0, 42.0),
    # ------------------------------------------------------------------------ programme
    _declare("outreach.enrol_probability", _ENROL,
             "seed 002: 21 of 49 prioritised women signed up; Beta(22, 29), the posterior of "
             "21/49 under a uniform prior; tornado: its central 90%"),
    _declare("outreach.declined_pregnancy_rate_ratio", _uniform(0.8, 1.0),
             "evidence.md s0: spill-over to women offered but not enrolled is a candidate "
             "mechanism; assumption: at most a 20% reduction", 0.8, 1.0),
    _declare("programme.larc_uptake_probability", _LARC_UPTAKE,
             "evidence.md s1 (DfE 2017): 82 of 84 on LARC at T2; Beta(83, 3); tornado: its "
             "central 90%"),
    _declare("programme.time_to_larc_months", _uniform(0.5, 3.0),
             "evidence.md s1 (DfE 2017): 72% on LARC at the first assessment, 97.6% a quarter "
             "later; assumption on the range of the mean delay", 0.5, 3.0),
    _declare("programme.larc_stop_rate_per_year", _uniform(0.0, 0.15),
             "evidence.md s1 (DfE 2017): LARC use 93.9-100% from T3 to T5", 0.0, 0.15),
    _declare("programme.dropout_rate_per_year", _DROPOUT,
             "evidence.md s1 (DfE 2017): 17 early exits; the woman-years at risk are not "
             "reported, so the mean is the registry's 0.10 and shape 17 reflects the count's "
             "Poisson error only; tornado: its central 90%"),
    _declare("programme.pregnancy_rate_ratio_without_larc", _uniform(0.2, 1.0),
             "assumption: enrolled women not on LARC use other contraception (DfE 2017: condoms, "
             "pill) with 0-80% effect", 0.2, 1.0),
    # ------------------------------------------------------------------- after programme
    _declare("post_programme.larc_stop_rate_per_year", _uniform(0.15, 0.6),
             "assumption: an implant lasts 3 years; mean time to stopping 1.7-6.7 years",
             0.15, 0.6),
    _declare("post_programme.pregnancy_rate_ratio", _uniform(0.5, 1.0),
             "evidence.md s0: persistence after completion is a candidate mechanism; assumption "
             "on the range", 0.5, 1.0),
    _declare("post_programme.removal_rate_ratio_completed", _uniform(0.5, 1.0),
             "evidence.md s2 (DfE 2020: women's housing, employment and wellbeing improve); "
             "assumption on the size", 0.5, 1.0),
    # ---------------------------------------------------------------------------- costs
    _declare("costs.care_cost_per_year_gbp", _uniform(40_000.0, 60_000.0),
             "evidence.md s4 (Audit Commission 2014: most councils spent GBP 40,000-60,000 per "
             "child in care; DfE 2017 used GBP 52,676)", 40_000.0, 60_000.0),
    _declare("costs.care_entry_cost_gbp", _uniform(4_000.0, 9_000.0),
             "evidence.md s4: GBP 4,426 (DfE 2017) excludes parents' legal aid and Cafcass; "
             "court costs alone GBP 3,790-4,270; assumption: up to about double", 4_000.0, 9_000.0),
    # ---------------------------------------------------------------------------- local
    _declare("population.eligible_women_at_start", stats.randint(49, 128),
             "evidence.md s3: 5-year scoping lists of 49 (Hackney) to 127 (Bristol) women",
             49, 127, group="local"),
    _declare("population.new_eligible_women_per_year", _uniform(10.0, 25.0),
             "evidence.md s3: 49-127 women over 5 years = 10-25 a year", 10.0, 25.0,
             group="local"),
)

BY_UNCERTAIN_KEY: dict[str, Uncertain] = {u.key: u for u in DECLARED}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(u.group for u in DECLARED))


def select(keys: Iterable[str] | None = None, groups: Iterable[str] = ("evidence",),
           declared: Sequence[Uncertain] = DECLARED) -> list[Uncertain]:
    """The declarations to analyse: the named ``keys`` if given, else those of ``groups``."""
    by_key = {u.key: u for u in declared}
    if keys:
        unknown = [k for k in keys if k not in by_key]
        if unknown:
            raise PausesimError(f"--params: {', '.join(unknown)} not declared uncertain "
                                f"(allowed: {', '.join(by_key)})")
        return [by_key[k] for k in dict.fromkeys(keys)]
    groups = list(groups)
    bad = [g for g in groups if g not in GROUPS]
    if bad:
        raise PausesimError(f"groups {bad} are invalid (allowed: {', '.join(GROUPS)})")
    return [u for u in declared if u.group in groups]


def sample(uncertain: Sequence[Uncertain], n: int, seed: int) -> pd.DataFrame:
    """``n`` parameter draws from the declared distributions (Latin hypercube, independent
    parameters), one column per key."""
    if n < 1:
        raise PausesimError(f"--draws = {n} is invalid: must be an integer >= 1")
    problem = {"num_vars": len(uncertain), "names": [u.key for u in uncertain],
               "bounds": [[0.0, 1.0]] * len(uncertain)}
    u = latin.sample(problem, n, seed=seed)
    return pd.DataFrame({p.key: p.ppf(u[:, j]) for j, p in enumerate(uncertain)})


def posterior_draws(frame: pd.DataFrame, origin: str = "posterior") -> pd.DataFrame:
    """Check a DataFrame of parameter draws (one column per parameter key, one row per draw).

    Columns that are not parameter keys are rejected (so a misspelt key fails loudly), except
    bookkeeping columns whose names start with ``_`` or have no dot (e.g. ``draw``, ``weight``),
    which are dropped. Every value is validated as a scenario value would be.
    """
    frame = frame[[c for c in frame.columns if "." in str(c) and not str(c).startswith("_")]]
    unknown = [c for c in frame.columns if c not in BY_KEY]
    if unknown:
        raise PausesimError(f"{origin}: columns {unknown} are not parameter keys "
                            "(see 'pausesim scenarios show national')")
    fixed = sorted(FIXED_KEYS & set(frame.columns))
    if fixed:
        raise PausesimError(f"{origin}: column {fixed[0]} cannot vary between parameter sets")
    if frame.empty or not len(frame.columns):
        raise PausesimError(f"{origin}: no parameter draws (need one row per draw and one column "
                            "per parameter key)")
    for key in frame.columns:
        for value in frame[key]:
            validate_value(BY_KEY[key], _native(value), origin)
    return frame.reset_index(drop=True)


def read_draws(path: str | Path) -> pd.DataFrame:
    """Parameter draws from a ``.csv`` or ``.parquet`` file, checked by :func:`posterior_draws`
    (a ``weight`` column, if any, is kept for :func:`posterior_sample`)."""
    path = Path(path)
    try:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise PausesimError(f"--from-posterior {path}: cannot read draws ({exc})") from None
    draws = posterior_draws(frame, origin=str(path))
    if "weight" in frame.columns:
        draws["weight"] = frame["weight"].to_numpy(float)
    return draws


def posterior_sample(ref: str | Path, n: int | None, seed: int) -> tuple[pd.DataFrame, str]:
    """Parameter draws from a posterior, and a note of where they came from.

    ``ref`` is either a calibration posterior - a shipped name or a ``NAME.csv`` + ``NAME.json``
    pair, read by :mod:`calibration.posterior`, which draws ``n`` (default 100) parameter sets
    with replacement in proportion to the particles' weights - or any ``.csv``/``.parquet`` file of
    draws: with a ``weight`` column, ``n`` (default 100) are drawn in proportion to it; without,
    every row is used, or a random ``n`` of them without replacement.
    """
    path = Path(ref)
    plain = path.suffix in (".csv", ".parquet") and not path.with_suffix(".json").exists()
    if not plain:
        from simulation.core import posterior as calibration_posterior

        post = calibration_posterior.load(ref)
        draws = pd.DataFrame(post.draws(n or 100, seed))
        return posterior_draws(draws, origin=f"posterior {post.name}"), post.note()
    draws = read_draws(path)
    rng = np.random.default_rng([seed, 1])  # not the replications' SeedSequence(seed, (r,))
    if "weight" in draws.columns:
        w = draws.pop("weight").to_numpy(float)
        if (w < 0).any() or not w.sum() > 0:
            raise PausesimError(f"{path}: weights must be >= 0 with a positive sum")
        rows = rng.choice(len(draws), size=n or 100, p=w / w.sum())
        note = f"{len(rows)} draws in proportion to the weights of {path}"
    elif n is None:
        return draws, f"every row of {path}"
    elif n > len(draws):
        raise PausesimError(f"--draws = {n} is invalid: {path} has only {len(draws)} draws")
    else:
        rows = np.sort(rng.choice(len(draws), size=n, replace=False))
        note = f"{n} of the {len(draws)} rows of {path}"
    return draws.iloc[rows].reset_index(drop=True), note


def overrides(draws: pd.DataFrame) -> list[dict[str, Any]]:
    """One ``{key: value}`` override per row, with plain Python values (as scenarios expect)."""
    return [{k: _native(v) for k, v in row.items()} for row in draws.to_dict("records")]


def _native(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def base_values(scenario_values: Mapping[str, Any], uncertain: Sequence[Uncertain]) -> dict:
    """The scenario's own value of each uncertain parameter."""
    return {u.key: scenario_values[u.key] for u in uncertain}


def table(uncertain: Sequence[Uncertain]) -> pd.DataFrame:
    """The declarations as a table (for outputs and notebooks)."""
    return pd.DataFrame([{"parameter": u.key, "group": u.group, "unit": u.param.unit,
                          "distribution": u.describe(), "mean": float(u.dist.mean()),
                          "low": u.low, "high": u.high, "source": u.source} for u in uncertain])

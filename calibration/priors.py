"""Priors of the calibrated parameters, declared as data.

The micro-evidence on model *outputs* (pregnancy rates, LARC, dropout, recurrence) enters the
calibration as targets (:mod:`calibration.targets`), not as priors. Priors carry what is known
about the parameters themselves: an informative prior where there is a direct count (enrolment),
weakly informative priors centred on the evidence with tails the targets can pull into (pool
sizes, rates), and uniform priors over a generous range where there is no evidence at all (the
candidate mechanisms of evidence.md s0: spill-over, persistence, lower removal risk after the
programme). ``evidence_range`` is what the evidence alone supports, where it says anything; the fit
report states how far the targets push each parameter beyond it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
from scipy import stats

from simulation.core.errors import PausesimError
from simulation.core.parameters import BY_KEY

from calibration.targets import Z90


@dataclass(frozen=True)
class Prior:
    """The prior of one parameter (``key`` as in :mod:`simulation.parameters`).

    ``dist`` is ``uniform`` (on ``bounds``), ``beta`` (``args`` = (a, b)) or ``lognormal``
    (``args`` = the central 90% range), always truncated to ``bounds``. ``neutral`` is the value
    meaning "no such mechanism" (e.g. a rate ratio of 1), where there is one.
    """

    key: str
    dist: str
    args: tuple[float, ...]
    bounds: tuple[float, float]
    evidence_range: tuple[float, float] | None
    neutral: float | None
    source: str

    @property
    def name(self) -> str:
        """The parameter's name in pyabc (no dots)."""
        return self.key.replace(".", "__")

    @property
    def is_int(self) -> bool:
        return BY_KEY[self.key].kind == "int"

    def frozen(self):
        """The untruncated scipy.stats distribution."""
        lo, hi = self.bounds
        if self.dist == "uniform":
            return stats.uniform(loc=lo, scale=hi - lo)
        if self.dist == "beta":
            return stats.beta(*self.args)
        if self.dist == "lognormal":
            a, b = self.args
            return stats.lognorm(s=(math.log(b) - math.log(a)) / (2 * Z90),
                                 scale=math.sqrt(a * b))
        raise ValueError(f"{self.key}: unknown prior distribution {self.dist!r}")

    def truncated(self) -> "TruncatedDistribution":
        return TruncatedDistribution(self.frozen(), *self.bounds)

    def to_value(self, x: float) -> float | int:
        """A sampled value as the scenario takes it (integers rounded)."""
        return int(round(x)) if self.is_int else float(x)


class TruncatedDistribution:
    """A scipy.stats frozen distribution truncated to [low, high] (pdf renormalised; sampling by
    inverse CDF from numpy's global generator, which pyabc seeds)."""

    def __init__(self, dist, low: float, high: float):
        self.dist, self.low, self.high = dist, low, high
        self.c_low, self.c_high = dist.cdf(low), dist.cdf(high)
        self.mass = self.c_high - self.c_low

    def pdf(self, x: float) -> float:
        return float(self.dist.pdf(x) / self.mass) if self.low <= x <= self.high else 0.0

    def cdf(self, x):
        return np.clip((self.dist.cdf(x) - self.c_low) / self.mass, 0.0, 1.0)

    def ppf(self, q):
        return self.dist.ppf(self.c_low + np.asarray(q) * self.mass)

    def rvs(self, size=None, random_state=None):
        rng = np.random if random_state is None else random_state
        return self.ppf(rng.uniform(size=size))


PRIORS: tuple[Prior, ...] = (
    Prior("pregnancy.counterfactual_rate_per_year", "lognormal", (0.10, 0.60), (0.03, 1.5),
          (0.17, 0.35), None,
          "evidence.md s1 (0.11-0.20 live-birth pregnancies per woman-year). [I] the conception "
          "hazard of this model that gives those observed rates is ~0.17-0.35 (live birth 0.75, "
          "~0.9 years pregnant or postpartum per pregnancy); prior 90% range 0.10-0.60."),
    Prior("care.removal_probability", "uniform", (), (0.3, 1.0), None, None,
          "No direct figure: DfE 2017 equated avoided pregnancies with avoided removals ('likely "
          "to have resulted in removals'); informed only through the recurrence target."),
    Prior("outreach.declined_pregnancy_rate_ratio", "uniform", (), (0.0, 1.0), None, 1.0,
          "Spill-over to women offered a place who did not enrol: a candidate mechanism "
          "(evidence.md s0) with no evidence; 1 = none."),
    Prior("post_programme.pregnancy_rate_ratio", "uniform", (), (0.0, 1.0), None, 1.0,
          "Persistence of lower pregnancy rates after completion (off LARC): a candidate "
          "mechanism (evidence.md s0) with no evidence; 1 = none."),
    Prior("post_programme.pregnancy_effect_months", "uniform", (), (0.0, 60.0), None, None,
          "Duration of that persistence: no evidence."),
    Prior("post_programme.removal_rate_ratio_completed", "uniform", (), (0.2, 1.0), None, 1.0,
          "Lower removal risk for infants born after completion: DfE 2020 reports better "
          "housing, employment, wellbeing (evidence.md s2) but no effect size; 1 = none."),
    Prior("post_programme.larc_stop_rate_per_year", "lognormal", (0.15, 0.6), (0.02, 2.0),
          (0.2, 0.5), None,
          "Assumption: implants last 3 years, IUDs 5-10, most women on implants by T5 "
          "(evidence.md s1) -> ~0.2-0.5 stops per woman-year after the programme."),
    Prior("outreach.enrol_probability", "beta", (22.0, 29.0), (0.0, 1.0), (0.32, 0.55), None,
          "seed 002: 21 of 49 women prioritised for outreach signed up; Beta(1+21, 1+28), whose "
          "90% interval is the evidence range."),
    Prior("population.eligible_women_at_start", "lognormal", (40.0, 140.0), (20.0, 400.0),
          (49.0, 127.0), None,
          "evidence.md s3: women with removals in 5-year scoping windows: Hackney 49, Dorset 51, "
          "Wigan 89, Bristol 127."),
    Prior("outreach.max_women_offered_per_cycle", "lognormal", (30.0, 100.0), (24.0, 400.0),
          (36.0, 72.0), None,
          "seed 002: 49 women prioritised for 24 places; assumption: 1.5-3 times the places."),
    Prior("population.new_eligible_women_per_year", "lognormal", (8.0, 30.0), (2.0, 100.0),
          (10.0, 25.0), None,
          "evidence.md s3 [I]: 49-127 women over 5 years -> 10-25 newly eligible a year."),
    Prior("programme.dropout_rate_per_year", "uniform", (), (0.02, 0.6), None, None,
          "Informed through the early_exit target (DfE 2017: >= 17 of 125 left early)."),
    Prior("programme.time_to_larc_months", "uniform", (), (0.1, 6.0), None, None,
          "Informed through the larc_first_assessment target (DfE 2017: 72% at T1)."),
    Prior("programme.larc_uptake_probability", "uniform", (), (0.8, 1.0), None, None,
          "Informed through the larc_later target (DfE 2017: 94-100% at T2-T5)."),
)

BY_KEY_PRIOR: dict[str, Prior] = {p.key: p for p in PRIORS}


def _check(priors: Iterable[Prior]) -> None:
    """Every prior names a model parameter and stays within its allowed range."""
    for p in priors:
        param = BY_KEY.get(p.key)
        if param is None:
            raise ValueError(f"prior for unknown parameter {p.key!r}")
        lo = 0.0 if param.kind == "probability" else param.low
        hi = 1.0 if param.kind == "probability" else param.high
        if (lo is not None and p.bounds[0] < lo) or (hi is not None and p.bounds[1] > hi):
            raise ValueError(f"prior bounds {p.bounds} of {p.key} exceed its allowed range")


_check(PRIORS)


def select(keys: Iterable[str] | None = None) -> tuple[Prior, ...]:
    """The priors of some parameters (default: all), in declaration order."""
    if keys is None:
        return PRIORS
    keys = list(keys)
    unknown = [k for k in keys if k not in BY_KEY_PRIOR]
    if unknown:
        raise PausesimError(f"--parameters {unknown[0]!r} has no prior (allowed: "
                            f"{', '.join(BY_KEY_PRIOR)})")
    return tuple(p for p in PRIORS if p.key in keys)


def overrides(priors: Iterable[Prior], particle: Mapping[str, Any]) -> dict[str, Any]:
    """Scenario overrides for one particle (pyabc names -> parameter keys, integers rounded)."""
    return {p.key: p.to_value(particle[p.name]) for p in priors}

"""How each uncertain parameter is uncertain, declared once and keyed by parameter.

For each parameter that carries uncertainty, one :class:`Uncertainty` holds, side by side:

- ``psa``: its distribution for probabilistic sensitivity analysis **around the scenario's own
  value** (:class:`Spread`: e.g. a beta with the scenario's value as mean, a lognormal with it as
  median); tornado ranges are the 5th and 95th percentiles of that distribution;
- ``prior``: its calibration prior (:class:`Prior`, absolute), if the calibration estimates it;
- ``group``: the parameter group for value-of-information analysis (:data:`GROUPS`);
- the sources of each.

A calibrated scenario takes its calibrated parameters from the posterior instead (jointly), so
their ``psa`` spread is only used for uncalibrated scenarios. Everything is checked at import
against :mod:`simulation.core.parameters`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
from scipy import stats

from .errors import PausesimError
from .parameters import BY_KEY, GROUPS, Param

Z90 = 1.6448536269514722  # standard normal 95th percentile



def _bounds(param: Param) -> tuple[float, float]:
    lo = 0.0 if param.kind == "probability" else param.low
    hi = 1.0 if param.kind == "probability" else param.high
    return (-math.inf if lo is None else lo), (math.inf if hi is None else hi)


class Truncated:
    """A frozen scipy.stats distribution truncated to [low, high] (inverse-CDF sampling)."""

    def __init__(self, dist, low: float, high: float):
        self.dist, self.low, self.high = dist, low, high
        self.c_low, self.c_high = float(dist.cdf(low)), float(dist.cdf(high))
        self.mass = self.c_high - self.c_low
        if not self.mass > 0:
            raise ValueError(f"no probability mass in [{low}, {high}]")

    def ppf(self, q):
        x = self.dist.ppf(self.c_low + np.asarray(q, dtype=float) * self.mass)
        return np.clip(x, self.low, self.high)

    def cdf(self, x):
        return np.clip((self.dist.cdf(x) - self.c_low) / self.mass, 0.0, 1.0)

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        inside = (x >= self.low) & (x <= self.high)
        return np.where(inside, self.dist.pdf(x) / self.mass, 0.0)

    def mean(self) -> float:
        return float(np.mean(self.ppf((np.arange(2000) + 0.5) / 2000)))


class WithZero:
    """A point mass ``zero_mass`` at 0 ("no effect") mixed with a continuous distribution on
    [0, high] (a :class:`Truncated`). Its quantile function is continuous, so calibrating in
    prior-quantile space works as for any other prior: quantiles below ``zero_mass`` are 0."""

    def __init__(self, slab: Truncated, zero_mass: float):
        self.slab, self.zero_mass = slab, float(zero_mass)
        self.low, self.high = 0.0, slab.high

    def ppf(self, q):
        q = np.asarray(q, dtype=float)
        above = np.clip((q - self.zero_mass) / (1.0 - self.zero_mass), 0.0, 1.0)
        return np.where(q <= self.zero_mass, 0.0, self.slab.ppf(above))

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        return np.where(x < 0, 0.0, self.zero_mass + (1.0 - self.zero_mass) * self.slab.cdf(x))

    def pdf(self, x):
        """Density of the continuous part (the point mass at 0 has none)."""
        return (1.0 - self.zero_mass) * self.slab.pdf(x)

    def mean(self) -> float:
        return (1.0 - self.zero_mass) * self.slab.mean()


@dataclass(frozen=True)
class Spread:
    """A PSA distribution around a value ``v``.

    ``kind``: ``beta`` (mean ``v``, concentration ``a``: Beta(a v, a (1 - v))), ``lognormal``
    (median ``v``, 90% of draws within ``v / a`` to ``v * a``), ``relative`` (uniform on
    ``v (1 - a)`` to ``v (1 + a)``), ``absolute`` (uniform on ``a`` to ``b``, whatever ``v``: the
    evidence's own range; a value outside it is reported), ``dirichlet`` (for a list of
    probabilities: Dirichlet with mean ``v`` and concentration ``a``).
    """

    kind: str
    a: float
    b: float = math.nan
    source: str = ""

    def frozen(self, value: float, param: Param):
        """The distribution at ``value``, truncated to the parameter's allowed range."""
        lo, hi = _bounds(param)
        if self.kind == "absolute":
            return Truncated(stats.uniform(self.a, self.b - self.a), max(lo, self.a),
                             min(hi, self.b))
        if self.kind == "beta":
            v = min(max(value, 1e-4), 1 - 1e-4)
            return Truncated(stats.beta(self.a * v, self.a * (1 - v)), lo, hi)
        if self.kind == "lognormal":
            if value <= 0:
                return Truncated(stats.uniform(0, 1e-12), lo, max(lo, 1e-12))
            return Truncated(stats.lognorm(s=math.log(self.a) / Z90, scale=value), lo, hi)
        if self.kind == "relative":
            span = abs(value) * self.a or 1e-12
            return Truncated(stats.uniform(value - span, 2 * span), lo, hi)
        raise ValueError(f"{param.key}: spread {self.kind!r} has no scalar distribution")

    def excludes(self, value) -> bool:
        """Whether an ``absolute`` range leaves out the scenario's value (a warning)."""
        return self.kind == "absolute" and not self.a <= value <= self.b

    def describe(self) -> str:
        return {"beta": f"beta, mean = the scenario's value, concentration {self.a:g}",
                "lognormal": f"lognormal, median = the scenario's value, 90% within x/{self.a:g} "
                             f"to x*{self.a:g}",
                "relative": f"uniform, the scenario's value +-{self.a:.0%}",
                "absolute": f"uniform({self.a:g}, {self.b:g})",
                "dirichlet": f"Dirichlet, mean = the scenario's shares, concentration {self.a:g}",
                }[self.kind]


@dataclass(frozen=True)
class Prior:
    """A calibration prior (absolute). ``dist``: ``uniform`` (on ``bounds``), ``beta`` (``args`` =
    (a, b)) or ``lognormal`` (``args`` = its central 90% range), truncated to ``bounds``.
    ``neutral`` is the value meaning "no such mechanism", where there is one; ``evidence_range``
    what the evidence alone supports, where it says anything. ``zero_mass``: a prior probability
    that the parameter is exactly 0 (no effect), the rest spread as ``dist``."""

    dist: str
    args: tuple[float, ...]
    bounds: tuple[float, float]
    source: str
    evidence_range: tuple[float, float] | None = None
    neutral: float | None = None
    zero_mass: float = 0.0

    def frozen(self):
        lo, hi = self.bounds
        if self.dist == "uniform":
            return stats.uniform(loc=lo, scale=hi - lo)
        if self.dist == "beta":
            return stats.beta(*self.args)
        if self.dist == "lognormal":
            a, b = self.args
            return stats.lognorm(s=(math.log(b) - math.log(a)) / (2 * Z90),
                                 scale=math.sqrt(a * b))
        raise ValueError(f"unknown prior distribution {self.dist!r}")

    def truncated(self) -> Truncated | WithZero:
        slab = Truncated(self.frozen(), *self.bounds)
        return WithZero(slab, self.zero_mass) if self.zero_mass > 0 else slab


@dataclass(frozen=True)
class Uncertainty:
    """Everything about one uncertain parameter."""

    key: str
    group: str
    psa: Spread
    prior: Prior | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def param(self) -> Param:
        return BY_KEY[self.key]

    def psa_distribution(self, value: Any):
        return self.psa.frozen(float(value), self.param)

    def to_value(self, x: float):
        """A sampled number as the scenario takes it (integers rounded)."""
        return int(round(float(x))) if self.param.kind == "int" else float(x)


def _lognormal_prior(lo, hi, bounds, source, evidence=None, neutral=None):
    return Prior("lognormal", (lo, hi), bounds, source, evidence, neutral)


U = Uncertainty
S = Spread
_NO_EVIDENCE = "a candidate mechanism without evidence (evidence.md s0); prior centred on no effect"

REGISTRY: tuple[Uncertainty, ...] = (
    # ----------------------------------------------------------------- authority
    U("authority.system_effect_per_year", "authority",
      S("lognormal", 2.0, source="assumption: the calibrated size x/2 to x2"),
      Prior("uniform", (), (0.0, 30.0),
            "evidence.md s0.1, s0.2: T1 and T2 are authority-wide changes in all infant care "
            "entries; no study measures an effect of a practice on other mothers' infants. Half "
            "the prior's mass on no effect at all (an even chance: assumption, stated so that "
            "the posterior's P(no effect) is read against 50%), the other half uniform up to 30 "
            "a year, ~80% of other mothers' entries in the measured authorities (T2's 14.4 lies "
            "well inside).", None, 0.0, zero_mass=0.5)),
    U("authority.women_for_full_effect", "authority",
      S("lognormal", 2.0, source="assumption"),
      _lognormal_prior(24.0, 240.0, (5.0, 2000.0),
                       "assumption: the effect builds up over one (24 women) to ten cohorts "
                       "(evidence.md s0.1: 'a cumulative effect')")),
    U("authority.effect_half_life_after_stop_months", "authority",
      S("absolute", 0.0, 36.0, source="assumption [NF]: evidence.md s0.2, the evaluation covers "
        "practices that ran continuously; persistence after a practice stops is a sensitivity, "
        "from none to a half-life of 3 years")),
    U("authority.other_infant_care_entries_per_year", "local",
      S("relative", 0.25, source="evidence.md s0.1 [I]: ~38-48 a year per authority; +-25%")),
    # ----------------------------------------------------------------- fertility
    U("pregnancy.counterfactual_rate_per_year", "fertility",
      S("lognormal", 1.5, source="evidence.md s1: 0.11-0.20 live-birth pregnancies per woman-year"),
      _lognormal_prior(0.10, 0.60, (0.03, 1.5),
                       "evidence.md s1 (0.11-0.20 live-birth pregnancies per woman-year). [I] the "
                       "conception hazard of this model that gives those observed rates is "
                       "~0.17-0.35 (live birth 0.75, ~0.9 years pregnant or postpartum per "
                       "pregnancy); prior 90% range 0.10-0.60.", (0.17, 0.35))),
    U("pregnancy.larc_failure_rate_per_year", "fertility",
      S("absolute", 0.001, 0.011, source="evidence.md s1 (DfE 2017): 2 pregnancies in 125 women on "
        "the programme, <= 0.011 per woman-year")),
    U("pregnancy.frailty_shape", "fertility",
      S("lognormal", 4.0, source="evidence.md s1: individual rates 'vary between 0.11 and 0.28'; "
        "assumption on the spread of heterogeneity")),
    U("pregnancy.live_birth_probability", "fertility",
      S("absolute", 0.65, 0.85, source="assumption: miscarriage and termination 15-35% (DfE 2017 "
        "counted births only)")),
    # ------------------------------------------------------------------ removal
    U("care.removal_probability", "removal",
      S("beta", 40.0, source="assumption: +-0.12 around the value (90%)"),
      Prior("uniform", (), (0.3, 1.0),
            "No direct figure: DfE 2017 equated avoided pregnancies with avoided removals ('likely "
            "to have resulted in removals'); informed only through the recurrence target.")),
    U("post_programme.removal_rate_ratio_completed", "removal",
      S("absolute", 0.5, 1.0, source="evidence.md s2 (DfE 2020: women's housing, employment and "
        "wellbeing improve); assumption on the size"),
      _lognormal_prior(0.6, 1.0 / 0.6, (0.2, 2.0),
                       "Lower removal risk for infants born after completion: DfE 2020 reports "
                       "better housing, employment and wellbeing (evidence.md s2), outcomes of the "
                       "women, but no removal risk and no effect size; " + _NO_EVIDENCE +
                       " (lognormal, median 1 = none, 90% range 0.6-1.67).", None, 1.0)),
    U("post_programme.removal_effect_half_life_months", "removal",
      S("lognormal", 2.0, source="assumption")),
    # ----------------------------------------------------------------- delivery
    U("outreach.enrol_probability", "delivery",
      S("beta", 51.0, source="seed 002: 21 of 49 prioritised women signed up: Beta(22, 29), i.e. "
        "concentration 51, around the scenario's value"),
      Prior("beta", (22.0, 29.0), (0.0, 1.0),
            "seed 002: 21 of 49 women prioritised for outreach signed up; Beta(1+21, 1+28), whose "
            "90% interval is the evidence range.", (0.32, 0.55))),
    U("programme.larc_uptake_probability", "delivery",
      S("beta", 86.0, source="evidence.md s1 (DfE 2017): 82 of 84 on LARC at T2: concentration 86"),
      Prior("uniform", (), (0.8, 1.0),
            "Informed through the larc_later target (DfE 2017: 94-100% at T2-T5).")),
    U("programme.time_to_larc_months", "delivery",
      S("lognormal", 2.0, source="evidence.md s1 (DfE 2017): 72% on LARC at the first assessment; "
        "assumption on the spread"),
      Prior("uniform", (), (0.1, 6.0),
            "Informed through the larc_first_assessment target (DfE 2017: 72% at T1).")),
    U("programme.larc_stop_rate_per_year", "delivery",
      S("absolute", 0.0, 0.15, source="evidence.md s1 (DfE 2017): LARC use 93.9-100% from T3 to "
        "T5")),
    U("programme.dropout_rate_per_year", "delivery",
      S("lognormal", 1.5, source="evidence.md s1 (DfE 2017): 17 early exits, censored"),
      Prior("uniform", (), (0.02, 0.6),
            "Informed through the early_exit target (DfE 2017: >= 17 of 125 left early).")),
    U("programme.pregnancy_rate_ratio_without_larc", "delivery",
      S("absolute", 0.2, 1.0, source="assumption: enrolled women not on LARC use other "
        "contraception (DfE 2017: condoms, pill) with 0-80% effect")),
    U("programme.already_on_larc_probability", "delivery",
      S("beta", 110.0, source="evidence.md s1 (DfE 2017: 38.2% of ~108 women)")),
    U("post_programme.larc_stop_rate_per_year", "delivery",
      S("lognormal", 2.0, source="assumption: an implant lasts 3 years"),
      _lognormal_prior(0.15, 0.6, (0.02, 2.0),
                       "Assumption: implants last 3 years, IUDs 5-10, most women on implants by "
                       "T5 (evidence.md s1) -> ~0.2-0.5 stops per woman-year after the "
                       "programme.", (0.2, 0.5))),
    # --------------------------------------------------------------- mechanisms
    U("outreach.declined_pregnancy_rate_ratio", "mechanisms",
      S("lognormal", 1.5, source=_NO_EVIDENCE),
      _lognormal_prior(0.6, 1.0 / 0.6, (0.2, 2.0),
                       "Spill-over to women who declined an offer: " + _NO_EVIDENCE +
                       " (lognormal, median 1, 90% range 0.6-1.67).", None, 1.0)),
    U("outreach.declined_effect_months", "mechanisms",
      S("lognormal", 3.0, source="assumption: no evidence on its duration")),
    U("post_programme.pregnancy_rate_ratio", "mechanisms",
      S("absolute", 0.5, 1.0, source="a candidate mechanism without evidence (evidence.md s0); "
        "for an uncalibrated scenario, from halving (0.5) to none (1)"),
      _lognormal_prior(0.6, 1.0 / 0.6, (0.0, 2.0),  # the parameter's range (below 0.2: 1e-7)
                       "Persistence of lower pregnancy rates after completion (off LARC): "
                       + _NO_EVIDENCE + " (lognormal, median 1 = none, 90% range 0.6-1.67).",
                       None, 1.0)),
    U("post_programme.pregnancy_effect_months", "mechanisms",
      S("lognormal", 2.0, source="assumption"),
      Prior("uniform", (), (0.0, 60.0), "Duration of that persistence: no evidence.")),
    # ----------------------------------------------------------------- pathways
    U("care.newborn_share", "pathways",
      S("absolute", 0.42, 0.85, source="evidence.md s3 [I]: 42% of care applications within the "
        "first month (all first-year cases: 0.60); 59.7% of children in repeats under a month "
        "(a lower bound; 0.85 of first-year cases)")),
    U("care.route_probabilities", "pathways",
      S("dirichlet", 20.0, source="assumption [NF]: infant exit shares not published")),
    U("care.adoption_mean_months", "pathways",
      S("absolute", 20.0, 30.0, source="evidence.md s4.2: 1 year 11 months (2019) to 2 years 3 "
        "months (2022) from entry to adoption")),
    U("care.special_guardianship_mean_months", "pathways",
      S("lognormal", 1.5, source="assumption [NF]")),
    U("care.return_home_mean_months", "pathways",
      S("lognormal", 2.0, source="assumption [NF]")),
    U("care.duration_shape", "pathways", S("absolute", 1.0, 4.0, source="assumption")),
    # -------------------------------------------------------------------- costs
    U("costs.placement_mix", "costs",
      S("dirichlet", 20.0, source="assumption [NF]: infant placement shares not published")),
    U("costs.in_house_foster_cost_per_week_gbp", "costs",
      S("relative", 0.2, source="assumption: +-20% (local variation; evidence.md s4)")),
    U("costs.agency_foster_cost_per_week_gbp", "costs",
      S("relative", 0.2, source="assumption: +-20% (local variation; evidence.md s4)")),
    U("costs.kinship_cost_per_week_gbp", "costs",
      S("relative", 0.5, source="assumption [NF]: +-50%")),
    U("costs.residential_cost_per_week_gbp", "costs",
      S("relative", 0.3, source="evidence.md s4: GBP 3,000 (LA homes, 2016/17) to 4,527 (2018/19 "
        "independent) a week")),
    U("costs.all_ages_care_cost_per_year_gbp", "costs",
      S("relative", 0.2, source="evidence.md s4 (Audit Commission 2014: most councils spent "
        "GBP 40,000-60,000 per child in care)")),
    U("costs.cost_per_practitioner_fte_per_year_gbp", "costs",
      S("absolute", 45000.0, 65000.0, source="assumption: GBP 45,000-65,000 per practitioner FTE "
        "a year (salary, on-costs, supervision)")),
    U("costs.practice_fixed_cost_per_year_gbp", "costs",
      S("absolute", 100000.0, 170000.0, source="assumption: GBP 100,000-170,000 a year (lead, "
        "coordinator, licence, flexible fund)")),
    U("costs.assessment_cost_gbp", "costs",
      S("relative", 0.3, source="assumption: +-30%")),
    U("costs.proceedings_cost_gbp", "costs",
      S("lognormal", 1.6, source="evidence.md s4: GBP 3,275 excludes parents' legal aid and "
        "Cafcass; court costs alone GBP 3,790-4,270")),
    U("costs.adoption_cost_gbp", "costs",
      S("relative", 0.25, source="evidence.md s4: inter-agency fees GBP 27,000 (LA/RAA) to "
        "39,245 (VAA, 2025); placing costs GBP 35-37,000 (Selwyn 2009)")),
    # -------------------------------------------------------------------- local
    U("population.eligible_women_at_start", "local",
      S("relative", 0.25, source="assumption: a council's scoping list is known to +-25%"),
      _lognormal_prior(40.0, 140.0, (20.0, 400.0),
                       "evidence.md s3: women with removals in 5-year scoping windows: Hackney 49, "
                       "Dorset 51, Wigan 89, Bristol 127.", (49.0, 127.0))),
    U("population.new_eligible_women_per_year", "local",
      S("relative", 0.4, source="evidence.md s3: 10-25 a year"),
      _lognormal_prior(8.0, 30.0, (2.0, 100.0),
                       "evidence.md s3 [I]: 49-127 women over 5 years -> 10-25 newly eligible a "
                       "year.", (10.0, 25.0))),
    U("outreach.max_women_offered_per_cycle", "local",
      S("relative", 0.3, source="assumption: +-30%"),
      _lognormal_prior(30.0, 100.0, (24.0, 400.0),
                       "seed 002: 49 women prioritised for 24 places; assumption: 1.5-3 times "
                       "the places.", (36.0, 72.0))),
)

BY_KEY_UNCERTAIN: dict[str, Uncertainty] = {u.key: u for u in REGISTRY}

#: Groups whose declared distributions every default run draws (``run``, ``report``, ``compare``
#: ...), one draw per parameter set, beside the calibrated parameters (from the posterior): the
#: uncertainties the evidence gives a range for. Held fixed by default (varied by
#: ``pausesim sensitivity``): ``mechanisms`` (candidate mechanisms without evidence, at the
#: scenario's or the calibration's value) and ``authority`` (the system effect's shape: the
#: authority-wide view is a scenario, its size calibrated).
DEFAULT_GROUPS: tuple[str, ...] = ("fertility", "removal", "delivery", "pathways", "costs",
                                   "local")


@dataclass(frozen=True)
class SiteVariation:
    """How one site's value of ``key`` differs from the value the evidence gives for an average
    site: ``scale`` ``logit`` (probabilities: logit(site) = logit(value) + sd z) or ``log``
    (rates: log(site) = log(value) + sd z), z standard normal, one per parameter set."""

    key: str
    scale: str
    sd: float
    source: str

    def apply(self, value: float, z):
        """The site's value(s) for standard normal deviate(s) ``z``."""
        z = np.asarray(z, dtype=float)
        if self.scale == "logit":
            v = min(max(float(value), 1e-6), 1 - 1e-6)
            return 1.0 / (1.0 + np.exp(-(math.log(v / (1 - v)) + self.sd * z)))
        return float(value) * np.exp(self.sd * z)

    def interval(self, value: float) -> tuple[float, float]:
        """The 5th and 95th percentiles of sites around ``value``."""
        return tuple(float(self.apply(value, s * Z90)) for s in (-1, 1))


#: Site-to-site variation in enrolment and engagement (docs/model.md, "Site-to-site variation").
SITE_VARIATION: tuple[SiteVariation, ...] = (
    SiteVariation(
        "outreach.enrol_probability", "logit", 0.5,
        "between-site spread (assumption informed by the sites' documents): seed 002 signed up 21 "
        "of 49 prioritised (0.43); seed 004 (Dorset) planned 18-24 places for 51 women on its "
        "list (0.35-0.47); the 2017 evaluation's 7 pilot practices report no per-site funnel "
        "(evidence.md s1). A logit-normal site effect with s.d. 0.5 puts 90% of sites at 0.25-0.63 "
        "around an average of 0.43, covering both sites' figures"),
    SiteVariation(
        "programme.dropout_rate_per_year", "log", 0.4,
        "between-site spread (assumption): 17 early exits of 125 women over 7 practices "
        "(evidence.md s1), no per-site figures; a lognormal site effect with s.d. 0.4 (90% of "
        "sites within x/1.9 to x1.9 of the average rate)"),
)
SITE_BY_KEY: dict[str, SiteVariation] = {s.key: s for s in SITE_VARIATION}

#: Parameters the calibration estimates (those with a prior), in declaration order.
CALIBRATED: tuple[str, ...] = tuple(u.key for u in REGISTRY if u.prior is not None)


def _check() -> None:
    """Every entry names a parameter once, in a known group, with priors inside its range."""
    seen = set()
    for u in REGISTRY:
        if u.key not in BY_KEY:
            raise ValueError(f"uncertainty declared for unknown parameter {u.key!r}")
        if u.key in seen:
            raise ValueError(f"uncertainty declared twice for {u.key!r}")
        seen.add(u.key)
        if u.group not in GROUPS:
            raise ValueError(f"{u.key}: unknown group {u.group!r}")
        param = BY_KEY[u.key]
        if param.structural:
            raise ValueError(f"{u.key} is structural: it cannot be uncertain within a run")
        vector = param.kind in ("probabilities", "ratios")
        if (u.psa.kind == "dirichlet") != vector:
            raise ValueError(f"{u.key}: dirichlet spreads are for lists of probabilities only")
        if u.prior is not None:
            lo, hi = _bounds(param)
            if u.prior.bounds[0] < lo or u.prior.bounds[1] > hi:
                raise ValueError(f"prior bounds {u.prior.bounds} of {u.key} exceed its range")
        if not vector and param.default is not None:
            u.psa.frozen(float(param.default), param)  # constructible at the default
    for site in SITE_VARIATION:
        if site.key not in BY_KEY or site.scale not in ("logit", "log") or not site.sd > 0:
            raise ValueError(f"site variation of {site.key!r} is malformed")
        if (site.scale == "logit") != (BY_KEY[site.key].kind == "probability"):
            raise ValueError(f"{site.key}: logit site variation is for probabilities only")
    if not set(DEFAULT_GROUPS) <= set(GROUPS):
        raise ValueError("DEFAULT_GROUPS names an unknown group")


_check()


def select(keys: Iterable[str] | None = None, groups: Iterable[str] | None = None,
           scalar: bool = False) -> list[Uncertainty]:
    """Declarations by key (in the order given) or by group (declaration order); ``scalar``
    leaves out list-valued parameters (tornado, Sobol, Morris)."""
    if keys:
        keys = list(dict.fromkeys(keys))
        unknown = [k for k in keys if k not in BY_KEY_UNCERTAIN]
        if unknown:
            raise PausesimError(f"--params {unknown[0]!r} is invalid: not declared uncertain "
                                f"(allowed: {', '.join(BY_KEY_UNCERTAIN)})")
        chosen = [BY_KEY_UNCERTAIN[k] for k in keys]
    else:
        groups = list(groups) if groups is not None else list(GROUPS)
        bad = [g for g in groups if g not in GROUPS]
        if bad:
            raise PausesimError(f"--groups {bad[0]!r} is invalid (allowed: {', '.join(GROUPS)})")
        chosen = [u for u in REGISTRY if u.group in groups]
    if scalar:
        chosen = [u for u in chosen if u.psa.kind != "dirichlet"]
    return chosen

"""Calibration targets, declared as data.

Each target is a quantity the evidence reports and the model can compute (see
:mod:`calibration.statistics`). Its evidence is a plausible interval ``[low, high]`` (equal for a
point value) and a softness ``sd``: the calibration treats the reported figure as the model's
*expected* statistic plus Gaussian error, so its likelihood is

    exp(-z**2 / 2),  z = (distance of the simulated statistic outside [low, high]) / sd,

flat inside the interval. For a point value this is a normal likelihood with standard deviation
``sd``. ``interval90`` is the target's stated 90% uncertainty:
``[low - 1.645 sd, high + 1.645 sd]``.

``evidence.md`` is the project's evidence file (``docs/sources/evidence.md``); [I] marks our
arithmetic on its verbatim figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from calibration import statistics as st
from simulation.core.errors import PausesimError

Z90 = 1.6448536269514722  # standard normal 95th percentile


@dataclass(frozen=True)
class Target:
    """One calibration target and how the model computes it."""

    name: str
    kind: str  # "macro" (national evaluation) or "micro" (individual-level evidence)
    description: str
    unit: str
    value: float  # the figure as reported (central value)
    low: float  # plausible interval where the likelihood is flat (low == high: a point value)
    high: float
    sd: float  # standard deviation of the error beyond [low, high]
    source: str
    statistic: Callable  # statistics.Tallies -> (numerator, denominator) per replication

    @property
    def interval90(self) -> tuple[float, float]:
        """The stated 90% uncertainty of the target."""
        return self.low - Z90 * self.sd, self.high + Z90 * self.sd

    def z(self, simulated: float | np.ndarray) -> float | np.ndarray:
        """Standardised distance of a simulated statistic outside the plausible interval."""
        s = np.asarray(simulated, dtype=float)
        return (np.maximum(self.low - s, 0.0) + np.maximum(s - self.high, 0.0)) / self.sd


#: T2's uncertainty, derived (evidence.md s0.2 [I]): the SD of the log rate ratio behind "30%
#: fewer" is ~0.079 from Poisson noise alone; we add, independently on that scale, 0.08 for the
#: choice of comparators and differing secular trends (looked-after rates rose ~1.6 per 10,000 a
#: year after 2016, with unemployment and Ofsted effects of similar size), 0.07 for
#: self-selection of host authorities and regression to the mean, 0.05 for survivorship (only
#: practices that ran continuously were measured): sqrt(0.079^2 + 0.08^2 + 0.07^2 + 0.05^2) =
#: 0.142, i.e. an SD of 0.099 on the rate ratio 0.70 and of 33% on the 30% reduction; rounded up to
#: 35%. The 90% interval is then 14.4 +-58% (6.1-22.7), the 95% one +-69%.
T2_RELATIVE_SD = 0.35
#: T1 has no source (evidence.md s2 [NF]): weighted as an unverified figure by an SD of 60% of its
#: value, so that its 90% interval (0.1-21.9) includes what the practice's own women give
#: without any system effect (~1): on its own it can neither create nor rule out an effect.
T1_RELATIVE_SD = 0.60

#: The counterfactual pregnancy rate's allowance for regression to the mean (its upper end).
RTM_ALLOWANCE = (
    "Regression to the mean: the upper end, 0.20, is the women's own rate in the 18 months before "
    "enrolment, a window that ends in a referral after a removal (so after a birth): it "
    "overstates their rate from then on, and DfE 2017 saw their rates 'decreasing near the point "
    "of intervention'. The allowance: 0.20 is the upper end of the flat interval, not its centre "
    "(the central value 0.155 is the midpoint of 0.11-0.20), so no rate between the comparison "
    "group's and their own history is preferred and rates above 0.20 are penalised (sd 0.02); "
    "no further discount, as the size of the regression is not measured.")

_T2_SOURCE = (
    "evidence.md s0.1, s0.2, s2 (DfE 2020 via Pause and a parliamentary answer: '14.4 per year "
    "per local authority', 215 = 30% fewer infant care entries over three years in five areas "
    "where Pause had run continuously since 2015, against comparator authorities). No confidence "
    "interval is published: sd = 35% of the value, derived in calibration/targets.py "
    "(T2_RELATIVE_SD: Poisson noise, comparators and trends, self-selection and regression to "
    "the mean, survivorship).")

TARGETS: tuple[Target, ...] = (
    Target(
        "T1", "macro",
        "Infants kept out of care authority-wide in a practice's first 21 months (3 months of "
        "outreach + 18 of programme), national scenario: the practice's women and the authority "
        "layer together.",
        "infants", 11.0, 11.0, 11.0, 11.0 * T1_RELATIVE_SD,
        "evidence.md s0, s0.1, s2: quoted only by council documents ('about 11 fewer infants "
        "entering care in the first 21 months'); its source is not found and the 2020 report does "
        "not give it (unverified). Weighted as such: sd = 60% of the value (assumption), so its "
        "90% interval includes the direct effects alone.",
        st.avoided_care_entries(0, 21)),
    Target(
        "T2", "macro",
        "Infants kept out of care authority-wide per year, averaged over years 3-5 of a practice "
        "running continuously (successive cohorts), national scenario: a change in all the "
        "authority's infant care entries, not only those of the practice's women. Years 3-5: "
        "the measured practices had run continuously since 2013-15 and were measured over three "
        "years up to the 2020 report, i.e. in about their 2nd to 6th year (evidence.md s0.2).",
        "infants per year", 14.4, 14.4, 14.4, 14.4 * T2_RELATIVE_SD, _T2_SOURCE,
        st.avoided_care_entries(24, 60, per_year=True)),
    Target(
        "cf_pregnancy_rate", "micro",
        "Pregnancies ending in a live birth per woman-year, without the programme (all eligible "
        "women, all follow-up time).",
        "per woman-year", 0.155, 0.11, 0.20, 0.02,
        "evidence.md s1 (DfE 2017: 0.11 per woman-year in the comparison group, 0.20 in Pause "
        "women's own 18 months before enrolment; births back-dated 9 months, losses not counted). "
        "Soft edges sd 0.02 (the regression means were 0.08 and 0.18). " + RTM_ALLOWANCE,
        st.counterfactual_birth_conception_rate),
    Target(
        "on_programme_pregnancy_rate", "micro",
        "Conceptions while enrolled per enrolled woman-year.",
        "per woman-year", 0.016, 0.002, 0.067, 0.01,
        "evidence.md s1 (DfE 2017: 2 of 125 women became pregnant during their time with Pause). "
        "[I] exact Poisson 90% interval for 2 events (0.36-6.3) over 94-188 woman-years (mean "
        "time observed on the programme 9-18 months: censored follow-up).",
        st.on_programme_pregnancy_rate),
    Target(
        "larc_first_assessment", "micro",
        "Share on LARC 1.5 months after enrolment, among women still enrolled.",
        "share", 0.722, 0.722, 0.722, 0.05,
        "evidence.md s1 (DfE 2017 CMF T1: 83/115 = 72.2% on LARC; 'at the time of the first "
        "assessment, many women had already had some involvement'). Assessment taken 1.5 months "
        "after enrolment (assumption: within the first quarter); sd = binomial 0.042 plus timing.",
        st.larc_share_at_assessment(early=True)),
    Target(
        "larc_later", "micro",
        "Share on LARC 6 months after enrolment, among women still enrolled.",
        "share", 0.965, 0.965, 0.965, 0.02,
        "evidence.md s1 (DfE 2017 CMF T2-T5: 97.6%, 95.5%, 93.9%, 100%; [I] pooled 191/198 = "
        "96.5%). sd = binomial 0.013 plus the spread between quarters.",
        st.larc_share_at_assessment(early=False)),
    Target(
        "early_exit", "micro",
        "Share of the first cohort leaving before the end of the programme (dropout or "
        "pregnancy).",
        "share", 0.136, 0.136, 0.35, 0.03,
        "evidence.md s1 (DfE 2017: 17 of 125 women ended their engagement early, follow-up "
        "censored, so 13.6% is a lower bound). Upper end 0.35 is an assumption: 13.6% scaled up "
        "for women observed for about half of their 18 months.",
        st.early_exit_first_cohort),
    Target(
        "recurrence", "micro",
        "Share of the women eligible at the start with at least one infant entering care within "
        "5 years, without the programme.",
        "share", 0.25, 0.20, 0.40, 0.04,
        "evidence.md s3 (Broadhurst et al. 2017: 'approximately 1 in 4' mothers return to court "
        "within 7 years, 1 in 3 for the youngest). [I] Eligible women already had repeat "
        "removals (higher risk) but the window here is 5 years, not 7: range 0.20-0.40.",
        st.recurrence),
)

#: Other readings of a target, for structural sensitivity (never switched on by "all" or
#: "macro"; name them with --targets).
ALTERNATIVES: tuple[Target, ...] = (
    Target(
        "T2-year5", "macro",
        "The council documents' reading of T2: infants kept out of care authority-wide in year 5 "
        "(months 48-60) of one practice running continuously, national scenario.",
        "infants per year", 14.4, 14.4, 14.4, 14.4 * T2_RELATIVE_SD,
        _T2_SOURCE + " Read as 'year 5 of one practice' (seed 002), a structural sensitivity.",
        st.avoided_care_entries(48, 60)),
)

#: What posterior predictive checks compute: every target and every other reading.
CHECKED: tuple[Target, ...] = TARGETS + ALTERNATIVES
BY_NAME: dict[str, Target] = {t.name: t for t in CHECKED}
MACRO: tuple[str, ...] = tuple(t.name for t in TARGETS if t.kind == "macro")
MICRO: tuple[str, ...] = tuple(t.name for t in TARGETS if t.kind == "micro")


def select(names: Iterable[str] | None = None, without: Iterable[str] = ()) -> tuple[Target, ...]:
    """Targets switched on: ``names`` (default: all; "macro" and "micro" name the groups) minus
    ``without``, in declaration order."""
    def expand(items: Iterable[str], option: str) -> set[str]:
        out: set[str] = set()
        for item in items:
            if item in ("all", "macro", "micro"):
                out |= set(t.name for t in TARGETS) if item == "all" else set(
                    MACRO if item == "macro" else MICRO)
            elif item in BY_NAME:
                out.add(item)
            else:
                raise PausesimError(f"{option} {item!r} is not a target (allowed: all, macro, "
                                    f"micro, {', '.join(BY_NAME)})")
        return out

    chosen = expand(names or ["all"], "--targets") - expand(without, "--without")
    if not chosen:
        raise PausesimError("--targets: no target left switched on")
    return tuple(t for t in CHECKED if t.name in chosen)


def with_values(target_values: Mapping[str, Sequence[float]] | None = None) -> tuple[Target, ...]:
    """Every target, with the evidence of some replaced by a point value and sd:
    ``{name: (value, sd)}`` (local figures, or synthetic targets in tests)."""
    out = []
    for target in CHECKED:
        if target_values and target.name in target_values:
            value, sd = target_values[target.name]
            target = replace(target, value=float(value), low=float(value), high=float(value),
                             sd=float(sd), source=f"given value {value} (sd {sd}), replacing: "
                                                  f"{target.source}")
        out.append(target)
    return tuple(out)


def evaluate(targets: Iterable[Target], tallies) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each target's per-replication (numerator, denominator) on one parameter set's
    :class:`~calibration.statistics.Tallies`."""
    return {t.name: t.statistic(tallies) for t in targets}


#: For the fit report: the macro targets split by where the effect comes from.
SOURCE_STATISTICS = {
    name: {source: st.avoided_care_entries(target.statistic.start, target.statistic.end,
                                           (source,), target.statistic.per_year)
           for source in ("declined", "enrolled", "after_programme", "authority")}
    for name, target in ((t.name, t) for t in CHECKED if t.kind == "macro")}


def pooled(ratio: tuple[np.ndarray, np.ndarray]) -> float:
    """The run's value of a ratio statistic: sum of numerators over sum of denominators."""
    num, den = ratio
    total = float(np.sum(den))
    return float(np.sum(num)) / total if total > 0 else float("nan")


def standard_error(ratio: tuple[np.ndarray, np.ndarray]) -> float:
    """Monte Carlo standard error of :func:`pooled` across replications (delta method)."""
    num, den = (np.asarray(a, dtype=float) for a in ratio)
    n = len(num)
    if n < 2 or den.sum() <= 0:
        return float("nan")
    r = num.sum() / den.sum()
    resid = num - r * den
    return float(np.sqrt(resid.var(ddof=1) * n) / den.sum())

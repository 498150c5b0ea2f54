"""Every model parameter, declared once: type, unit, allowed range, default, label and source.

The defaults describe a typical practice as the national DfE evaluation describes it (the
``national`` scenario) *before* calibration; the built-in scenarios take the calibrated parameters
from the national calibration posterior (``docs/calibration/``). ``evidence.md`` refers to the
project's evidence file (``docs/sources/evidence.md``); "seed 00N" to the council documents the
scenarios come from (``docs/sources/seeds/``). Values marked *assumption* have no direct
source; their ranges for the sensitivity analyses are declared in
:mod:`simulation.core.uncertainty`.

Money: every amount ``costs.X_gbp`` has a companion ``costs.X_price_year`` (the financial year its
figure is priced in, 2015 = 2015/16); all amounts are converted to ``costs.price_year`` with the HM
Treasury GDP deflators (:mod:`simulation.core.deflators`) before anything is added up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import deflators

#: Age bands (years) used by ``population.age_band_probabilities`` and
#: ``pregnancy.age_rate_ratios``. A woman's band follows her current age; from 50 her fertility
#: is 0.
AGE_BANDS: tuple[tuple[int, int], ...] = (
    (16, 19), (20, 24), (25, 29), (30, 34), (35, 39), (40, 44), (45, 49),
)
#: Number of children already removed, for ``population.prior_removals_probabilities``.
PRIOR_REMOVALS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
#: Needs recorded for each woman, with the parameter giving their prevalence.
NEEDS: tuple[str, ...] = ("mental_health", "domestic_abuse", "drugs", "alcohol", "housing")
#: How an infant leaves care (``care.route_probabilities``); "stays" means until 18.
CARE_ROUTES: tuple[str, ...] = ("adoption", "special_guardianship", "return_home", "stays")
#: Infant placement types (``costs.placement_mix``).
PLACEMENTS: tuple[str, ...] = ("in_house_foster", "agency_foster", "kinship", "residential")
#: Kinds of parameter value.
KINDS = ("float", "int", "bool", "probability", "probabilities", "ratios", "choice", "series")


#: Parameter groups (simulation.core.uncertainty) for sensitivity and value-of-information
#: analysis, with a plain-English name.
GROUPS: dict[str, str] = {
    "authority": "authority-wide (system) effect",
    "fertility": "pregnancy rates",
    "removal": "removal risk",
    "delivery": "programme delivery (enrolment, LARC, dropout)",
    "mechanisms": "candidate mechanisms without evidence (spill-over, persistence)",
    "pathways": "care pathways (exits, time in care)",
    "costs": "unit costs",
    "local": "local population",
}


@dataclass(frozen=True)
class Param:
    """One model parameter.

    ``kind``: ``float``, ``int``, ``bool``, ``probability`` (a float in [0, 1]), ``probabilities``
    (a list of probabilities summing to 1, one per ``labels``), ``ratios`` (a list of numbers in
    [low, high], one per ``labels``), ``choice`` (one of ``labels``) or ``series`` (a list of
    numbers in [low, high], at most ``high_length`` long, possibly empty).
    """

    key: str  # "section.name"
    kind: str
    default: Any
    unit: str
    source: str
    description: str
    low: float | None = None
    high: float | None = None
    labels: tuple | None = None
    label: str = ""  # plain English, for workbooks and reports
    structural: bool = False  # changes the shape of the output (cannot vary within one run)

    def __post_init__(self):
        assert self.kind in KINDS, self.key
        assert self.label, f"{self.key}: every parameter needs a plain-English label"

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    @property
    def is_money(self) -> bool:
        return self.key.endswith("_gbp")

    @property
    def price_year_key(self) -> str | None:
        """The key of a money parameter's price year (``costs.x_gbp`` -> ``costs.x_price_year``)."""
        return self.key[:-4] + "_price_year" if self.is_money else None

    def allowed(self) -> str:
        """Human-readable statement of the allowed values."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.labels)
        if self.kind == "probabilities":
            return (f"a list of {len(self.labels)} probabilities summing to 1 "
                    f"({', '.join(map(str, self.labels))})")
        if self.kind == "ratios":
            return (f"a list of {len(self.labels)} numbers in [{_fmt(self.low)}, "
                    f"{_fmt(self.high)}] ({', '.join(map(str, self.labels))})")
        if self.kind == "series":
            return (f"a list of at most {SERIES_MAX} numbers in [{_fmt(self.low)}, "
                    f"{_fmt(self.high)}] (one per year), or [] for none")
        kind = "an integer" if self.kind == "int" else "a number"
        lo = 0.0 if self.kind == "probability" else self.low
        hi = 1.0 if self.kind == "probability" else self.high
        return f"{kind} in [{_fmt(lo)}, {_fmt(hi)}]"


#: Longest ``series`` value (years).
SERIES_MAX = 20


def _fmt(x: float | None) -> str:
    return "-inf" if x is None else (str(int(x)) if float(x).is_integer() else str(x))


_AGE_LABELS = tuple(f"{lo}-{hi}" for lo, hi in AGE_BANDS)
_YEARS = deflators.years()
_P = Param


def _money(key: str, default: Any, unit: str, source: str, description: str, label: str,
           price_year: int, price_source: str, high: float = 1e8,
           kind: str = "float") -> tuple[Param, Param]:
    """A money parameter and its price year."""
    name = key.split(".", 1)[1]
    year_key = key[:-4] + "_price_year"
    return (
        _P(key, kind, default, unit, source, description, 0, high, label=label),
        _P(year_key, "int", price_year, "financial year starting (2015 = 2015/16)", price_source,
           f"Price year of {name}.", _YEARS[0], _YEARS[-1],
           label=f"{label}: price year"),
    )


PARAMETERS: tuple[Param, ...] = (
    # ------------------------------------------------------------------ practice
    _P("practice.practitioners", "float", 3.0, "practitioners (full-time equivalent)",
       "evidence.md s0 and seed 004: 'most practices have 3 - 4 practitioners'",
       "Pause practitioners, full-time equivalent (decimals allowed, e.g. 2.5); capacity is "
       "practitioners x caseload, rounded down to whole women.", 0.5, 30,
       label="Practitioners (full-time equivalent)"),
    _P("practice.caseload_per_practitioner", "int", 8, "women per practitioner",
       "evidence.md s1 (DfE 2017): 'caseloads ... usually between 6 and 8 women'",
       "Maximum women on one practitioner's caseload; practice capacity = practitioners x "
       "caseload.",
       1, 12, label="Most women on one practitioner's caseload"),
    _P("practice.operates", "bool", True, "",
       "definition: the 'no action' option every business case compares with",
       "Whether the practice exists. False simulates the same women and the same authority with "
       "no practice at all: no outreach, no programme, no programme cost, no system effect (the "
       "'no action' option of a comparison; both arms are then identical).",
       label="The practice runs", structural=True),
    _P("practice.lead_in_months", "float", 0.0, "months",
       "assumption: national practices start outreach at once (seed 001's 3-month lead-in is its "
       "outreach window)",
       "Months from the start of funding before the first outreach window opens.", 0, 24,
       label="Months before outreach starts"),
    _P("practice.outreach_months", "float", 3.0, "months",
       "seed 002: '21-months: 3 months of assertive outreach ... then 18 months'; seed 004: up to "
       "16 weeks",
       "Length of the assertive-outreach window at the start of each cycle.", 0.5, 6,
       label="Months of assertive outreach per cycle"),
    _P("practice.programme_months", "float", 18.0, "months",
       "evidence.md s1 (DfE 2017): 18-month intervention",
       "Length of the programme phase of each cycle: every woman in a cohort finishes when it ends "
       "(outreach + programme months after the cycle starts).", 3, 36,
       label="Months of programme per cycle"),
    _P("practice.successive_cycles", "bool", True, "",
       "seed 002: 'further cohorts of up to 24 women (each cycle being 21-months)'",
       "Whether the practice recruits a new cohort each cycle until the horizon (false: one "
       "cohort, and the practice stops when its programme ends).",
       label="New cohort every cycle", structural=True),
    _P("practice.horizon_months", "float", 60.0, "months",
       "evidence.md s0: T2 is defined after 5 years of continuous running",
       "Simulated period from the start of funding, a whole number of months (a part-year at "
       "the end is reported as its own period, e.g. months 13-18).", 12, 240,
       label="Months simulated", structural=True),
    # ---------------------------------------------------------------- population
    _P("population.eligible_women_at_start", "int", 60, "women",
       "evidence.md s3 (local prevalence over 5-year scoping windows: Hackney 49, Dorset 51, "
       "Wigan 89, Bristol 127) and seed 002 (49 prioritised); national value is an assumption",
       "Women eligible for the service when the practice starts (the scoping list).", 1, 2000,
       label="Women on the scoping list at the start"),
    _P("population.new_eligible_women_per_year", "float", 18.0, "women per year",
       "evidence.md s3 [I]: Hackney 49, Wigan 89, Bristol 127, Dundee 113 women over 5 years "
       "= 10-25 a year",
       "Poisson rate at which further women become eligible (a new removal) during the horizon.",
       0, 500, label="Women newly eligible each year"),
    _P("population.age_band_probabilities", "probabilities",
       [0.0, 0.191, 0.226, 0.270, 0.217, 0.087, 0.009], "probability",
       "evidence.md s1 (DfE 2017 CMF T1, n=115): 20-24 19.1%, 25-29 22.6%, 30-34 27.0%, "
       "35-39 21.7%, 40-44 8.7%, 45-50 0.9%",
       "Age distribution of women when they become eligible (uniform within band); ages then "
       "advance.", labels=_AGE_LABELS, label="Age when eligible (share by band)"),
    _P("population.prior_removals_probabilities", "probabilities",
       [0.0, 0.41, 0.18, 0.18, 0.17, 0.06, 0.0], "probability",
       "seed 004: 41% had two removed, 54% three to five (split evenly: assumption), three of 51 "
       "had six",
       "Distribution of the number of children already removed (1..7).",
       labels=PRIOR_REMOVALS, label="Children already removed (share by number)"),
    _P("population.care_experienced_probability", "probability", 0.40, "probability",
       "evidence.md s3 (Broadhurst 2017: 40% had been in foster or residential care); "
       "seed 002: 8 of 21",
       "Probability that a woman was herself looked after as a child (recorded; no effect).",
       0, 1, label="Share care-experienced"),
    _P("population.mental_health_probability", "probability", 0.679, "probability",
       "evidence.md s1 (DfE 2017: mental-health diagnosis 67.9%)",
       "Prevalence of mental-health needs (recorded; no effect).", 0, 1,
       label="Share with mental-health needs"),
    _P("population.domestic_abuse_probability", "probability", 0.837, "probability",
       "evidence.md s1 (DfE 2017: domestic violence ever 83.7%)",
       "Prevalence of domestic abuse, ever (recorded; no effect).", 0, 1,
       label="Share who experienced domestic abuse"),
    _P("population.drugs_probability", "probability", 0.264, "probability",
       "evidence.md s1 (DfE 2017: problematic Class A use 26.4%)",
       "Prevalence of problematic drug use (recorded; no effect).", 0, 1,
       label="Share with problematic drug use"),
    _P("population.alcohol_probability", "probability", 0.275, "probability",
       "evidence.md s1 (DfE 2017: higher-risk drinking 27.5%)",
       "Prevalence of higher-risk drinking (recorded; no effect).", 0, 1,
       label="Share with higher-risk drinking"),
    _P("population.housing_probability", "probability", 0.40, "probability",
       "evidence.md s1 (DfE 2017: insecure housing 40%)",
       "Prevalence of housing need (recorded; no effect).", 0, 1,
       label="Share with housing need"),
    # ------------------------------------------------------------------ outreach
    _P("outreach.max_women_offered_per_cycle", "int", 60, "women",
       "seed 002: 49 women prioritised for assertive outreach for 24 places; national: assumption",
       "Most women the practice can reach out to in one cycle (prioritised by prior removals).",
       1, 2000, label="Most women offered a place per cycle"),
    _P("outreach.enrol_probability", "probability", 0.43, "probability",
       "seed 002: 49 prioritised, 21 signed up (21/49 = 0.43)",
       "Probability that a woman offered the programme is willing to enrol (she enrols if she "
       "is not pregnant and a place is free when she decides).", 0, 1,
       label="Chance an offered woman is willing to enrol"),
    _P("outreach.reoffer_declined", "bool", True, "",
       "seed 002 (future cohorts drawn from the same scoping list); assumption",
       "Whether women not enrolled in one cycle are offered a place again in later cycles.",
       label="Offer again in later cycles"),
    _P("outreach.declined_pregnancy_rate_ratio", "float", 1.0, "rate ratio",
       "evidence.md s0 (spill-over to women offered but not enrolled is a candidate mechanism "
       "without evidence); assumption: none",
       "Pregnancy rate ratio for a woman who *declined* an offer (not one turned away for want of "
       "a place or pregnant at the decision), for declined_effect_months after her decision or "
       "until she enrols (spill-over).", 0, 2,
       label="Spill-over: pregnancy rate ratio after declining"),
    _P("outreach.declined_effect_months", "float", 12.0, "months",
       "assumption: no evidence on the spill-over or its duration",
       "How long the spill-over lasts after a woman declines (a later decline starts it again).",
       0, 240, label="Spill-over: months it lasts"),
    # ----------------------------------------------------------------- programme
    _P("programme.already_on_larc_probability", "probability", 0.382, "probability",
       "evidence.md s1 (DfE 2017: 38.2% already using LARC before they signed up)",
       "Probability that a woman is already using LARC when she enrols.", 0, 1,
       label="Share already on LARC at enrolment"),
    _P("programme.larc_uptake_probability", "probability", 0.97, "probability",
       "evidence.md s1 (DfE 2017: LARC 97.6% at T2, 95.5% T3, 93.9% T4, 100% T5)",
       "Probability that an enrolled woman not already on LARC has it fitted.", 0, 1,
       label="Chance LARC is fitted (if not already used)"),
    _P("programme.time_to_larc_months", "float", 1.5, "months (mean, exponential)",
       "evidence.md s1 (DfE 2017: 72% on LARC at first assessment, 97.6% a quarter later)",
       "Mean delay from enrolment to LARC fitting.", 0.05, 12,
       label="Mean months from enrolment to LARC fitting"),
    _P("programme.larc_stop_rate_per_year", "float", 0.05, "per woman-year",
       "evidence.md s1 (DfE 2017: LARC 93.9-100% from T3 to T5); assumption within that",
       "Hazard of stopping LARC while on the programme.", 0, 5,
       label="LARC stopping rate on the programme (per year)"),
    _P("programme.dropout_rate_per_year", "float", 0.10, "per woman-year",
       "evidence.md s1 (DfE 2017: at least 17 of 125 ended early, censored follow-up)",
       "Hazard of leaving the programme early (other than for pregnancy).", 0, 5,
       label="Dropout rate (per year)"),
    _P("programme.pregnancy_rate_ratio_without_larc", "float", 0.5, "rate ratio",
       "assumption: enrolled women not on LARC use other contraception (DfE 2017: condoms, pill)",
       "Pregnancy rate ratio, relative to her rate without the programme, while enrolled and not "
       "on LARC.", 0, 2, label="Pregnancy rate ratio while enrolled without LARC"),
    # ------------------------------------------------------------ post programme
    _P("post_programme.larc_stop_rate_per_year", "float", 0.30, "per woman-year",
       "assumption: an implant lasts 3 years (evidence.md s1: implant share 93% by T5)",
       "Hazard of stopping LARC after leaving the programme (completion or dropout).", 0, 5,
       label="LARC stopping rate after the programme (per year)"),
    _P("post_programme.pregnancy_rate_ratio", "float", 1.0, "rate ratio",
       "evidence.md s0 (persistence after completion is a candidate mechanism); assumption: none",
       "Pregnancy rate ratio (off LARC) for completers during the persistence period.", 0, 2,
       label="Pregnancy rate ratio after completing"),
    _P("post_programme.pregnancy_effect_months", "float", 24.0, "months",
       "assumption",
       "How long the post-programme pregnancy rate ratio lasts after completion.", 0, 240,
       label="Months the lower pregnancy rate lasts after completing"),
    _P("post_programme.removal_rate_ratio_completed", "float", 0.8, "risk ratio",
       "evidence.md s2 (DfE 2020: women's housing, employment and wellbeing improve); "
       "assumption on size",
       "Relative probability that an infant of a woman who completed the programme enters care, "
       "at completion.", 0, 2, label="Removal risk ratio after completing"),
    _P("post_programme.removal_rate_ratio_dropout", "float", 1.0, "risk ratio",
       "assumption: no lasting effect for women who leave early",
       "Relative probability that an infant of a woman who left early enters care.", 0, 2,
       label="Removal risk ratio after leaving early"),
    _P("post_programme.removal_effect_half_life_months", "float", 36.0, "months",
       "assumption",
       "Half-life of the post-programme removal risk ratio's distance from 1.", 1, 1200,
       label="Half-life of the lower removal risk (months)"),
    _P("post_programme.housing_support_removal_ratio", "float", 1.0, "risk ratio",
       "assumption: none (evidence.md s2: DfE 2020 reports better housing after the programme, "
       "with no effect size); the worked example of docs/adding_a_mechanism.md",
       "Relative probability that an infant of a woman who has been on the programme (completed "
       "or left early) enters care, for the housing support the practice arranged: multiplies "
       "the post-programme risk ratio, without decay. 1 = no effect.", 0, 2,
       label="Removal risk ratio for housing support after the programme"),
    # ---------------------------------------------------------------- pregnancy
    _P("pregnancy.counterfactual_rate_per_year", "float", 0.15, "per woman-year",
       "evidence.md s1 (DfE 2017: 0.11 comparison group, 0.20 own history)",
       "Mean conception hazard of eligible women without the programme, at the national age mix "
       "when eligible (DfE 2017) and across individual heterogeneity, while neither pregnant nor "
       "postpartum; a younger population has a higher rate (pregnancy.age_rate_ratios).",
       0, 2, label="Pregnancy rate without the programme (per woman-year)"),
    _P("pregnancy.larc_failure_rate_per_year", "float", 0.005, "per woman-year",
       "evidence.md s1 (DfE 2017: 2 pregnancies in 125 women on the programme, <= 0.011/yr)",
       "Pregnancy rate while using LARC.", 0, 0.2, label="Pregnancy rate on LARC (per year)"),
    _P("pregnancy.frailty_shape", "float", 2.0, "gamma shape (mean 1)",
       "evidence.md s1 (pre-programme rates 'vary between 0.11 and 0.28'); assumption on size",
       "Shape of the gamma distribution of each woman's fertility multiplier (smaller = more "
       "heterogeneity).", 0.1, 1000, label="Spread of individual fertility (gamma shape)"),
    _P("pregnancy.age_rate_ratios", "ratios", [1.3, 1.3, 1.2, 1.0, 0.6, 0.2, 0.03], "rate ratio",
       "assumption: highest in the teens and early twenties, falling with age, as these women's "
       "risk of return to court does (evidence.md s3: 'young women aged sixteen to nineteen years "
       "most at risk of recurrence', at least 1 in 3 for the youngest against 1 in 4; 'in 50% of "
       "all cases, mothers are aged 24 or less'). Not the general population's shape (ONS births "
       "in England and Wales peak at ages 30-34; evidence.md holds no ONS rates); normalised over "
       "the age mix",
       "Relative pregnancy rate by current age band (renormalised so the mean over the national "
       "age mix when eligible is 1; 0 from age 50).", 0, 10, labels=_AGE_LABELS,
       label="Pregnancy rate by age (relative)"),
    _P("pregnancy.rate_ratio_per_extra_removal", "float", 1.0, "rate ratio",
       "evidence.md s1 (Pause women: more prior pregnancies and higher rates); assumption: none",
       "Multiplicative pregnancy rate ratio per child removed beyond two.", 0.5, 2,
       label="Pregnancy rate ratio per extra child removed"),
    _P("pregnancy.live_birth_probability", "probability", 0.75, "probability",
       "assumption: miscarriage and termination ~25% (DfE 2017 counted births only)",
       "Probability that a pregnancy ends in a live birth.", 0, 1,
       label="Chance a pregnancy ends in a live birth"),
    _P("pregnancy.gestation_months", "float", 9.0, "months",
       "evidence.md s1 (DfE 2017 back-dated births by 9 months)",
       "Months from conception to live birth.", 6, 10, label="Months from conception to birth"),
    _P("pregnancy.loss_months", "float", 3.0, "months",
       "assumption", "Months from conception to a pregnancy loss.", 0.5, 9,
       label="Months from conception to a loss"),
    _P("pregnancy.postpartum_months", "float", 3.0, "months",
       "assumption",
       "Months after a pregnancy ends (birth or loss) before she can conceive again.", 0, 24,
       label="Months after a pregnancy before the next"),
    # --------------------------------------------------------------------- care
    _P("care.removal_probability", "probability", 0.65, "probability",
       "evidence.md s1 (DfE 2017: avoided pregnancies 'likely to have resulted in removals') "
       "and s3 (70% of returns concern a subsequent infant); assumption on size",
       "Probability that an infant born to a woman not (or not yet) helped by the programme "
       "enters care within 12 months of birth.", 0, 1,
       label="Chance her infant enters care"),
    _P("care.newborn_share", "probability", 0.60, "probability",
       "evidence.md s3 [I]: 'in 42% of cases, the local authority will issue a care application "
       "within the first month of an infant's birth' and 'in 70 per cent of cases ... within a "
       "year of the child's birth' (Broadhurst 2014): 0.42 / 0.70 = 0.60 of first-year cases; "
       "59.7% of children in first and second repeats were under one month (a lower bound)",
       "Share of infant care entries within the first month of birth (uniform over it); the "
       "rest uniform over months 1-12.", 0, 1, label="Share of care entries in the first month"),
    _P("care.exit_routes", "bool", True, "",
       "evidence.md s4.2 (infants leave care by adoption, special guardianship or return home); "
       "false reproduces the DfE 2017 'no exits' assumption (evidence.md s6)",
       "Whether infants leave care (by care.route_probabilities) or stay beyond the horizon "
       "(DfE 2017 model).", label="Infants leave care (false: DfE 2017 'no exits')"),
    _P("care.route_probabilities", "probabilities", [0.50, 0.25, 0.10, 0.15], "probability",
       "evidence.md s4.2: infant exit shares not published [NF]; assumption: most infants are "
       "adopted (13% of all ages in 2018), special guardianship mostly to relatives, 'only one "
       "in 10' newborns return to the mother (s3)",
       "How infants leave care: adoption, special guardianship order (SGO), return home, or stay "
       "until 18.", labels=CARE_ROUTES, label="How infants leave care (shares)"),
    _P("care.adoption_mean_months", "float", 24.0, "months (mean)",
       "evidence.md s4.2: 'average time between entry into care and adoption is 1 year and 11 "
       "months' (DfE 2019); 'two years and three months' (2022)",
       "Mean months in care before an adoption.", 3, 120,
       label="Mean months in care before adoption"),
    _P("care.special_guardianship_mean_months", "float", 18.0, "months (mean)",
       "assumption: special guardianship orders are usually made at the end of care proceedings "
       "(~1-2 years) [NF]",
       "Mean months in care before a special guardianship order.", 1, 120,
       label="Mean months in care before special guardianship"),
    _P("care.return_home_mean_months", "float", 12.0, "months (mean)",
       "assumption [NF]", "Mean months in care before a return home.", 1, 120,
       label="Mean months in care before returning home"),
    _P("care.duration_shape", "float", 2.0, "Weibull shape",
       "assumption: few infants leave within months of entering (shape 2: 5% of adoptions "
       "within 6 months at a 24-month mean)",
       "Shape of the Weibull distribution of months in care before each exit (1 = "
       "exponential).", 0.5, 10, label="Spread of time in care (Weibull shape)"),
    # ---------------------------------------------------------------- authority
    _P("authority.other_infant_care_entries_per_year", "float", 38.0, "infants per year",
       "evidence.md s0.1 [I]: ~48 infant (under-one) care entries a year in a Pause authority "
       "(215 = 30% over 15 site-years), less the ~10 a year from mothers on a practice's list "
       "(this model's counterfactual arm); ~38 per authority nationally",
       "Infant care entries a year in the local authority from mothers *not* on the practice's "
       "list, without the programme (Poisson).", 0, 5000,
       label="Infant care entries a year from other mothers"),
    _P("authority.system_effect_per_year", "float", 0.0, "infants per year",
       "evidence.md s0.1, s0.2: T1 and T2 are authority-wide changes in all infant care entries, "
       "measured in five long-running Pause areas; no study measures an effect of a practice on "
       "other mothers' infants: calibrated (authority-wide scenario), prior with half its mass on "
       "none",
       "Infant care entries a year among mothers *not* on the practice's list that the practice "
       "prevents once the effect has built up (0 = none): the authority-wide 'system effect'. "
       "How it carries to an authority of another size: authority.system_effect_form.", 0, 1000,
       label="System effect: other mothers' infant care entries prevented a year"),
    _P("authority.system_effect_form", "choice", "per-practice", "",
       "assumption (evidence.md s0.2: the plausible channels are practitioners' work - pre-birth "
       "assessment, advocacy - limited by the practice's capacity, not the authority's size)",
       "How the system effect carries to another authority: 'per-practice' (the same number of "
       "entries prevented a year whatever the authority's size, up to all of them) or "
       "'share-of-entries' (the same share of other mothers' entries as in the measured "
       "authorities, ~38 a year: grows in proportion with the authority).",
       labels=("per-practice", "share-of-entries"), label="System effect: form",
       structural=True),
    _P("authority.women_for_full_effect", "float", 72.0, "women enrolled",
       "assumption: the effect builds up with the practice's work (evidence.md s0.1); 72 = three "
       "cohorts of 24",
       "Women enrolled (cumulative) at which the system effect reaches its full size; it grows "
       "in proportion before that (none before the first enrolment).", 1, 5000,
       label="System effect: women enrolled for the full effect"),
    _P("authority.effect_half_life_after_stop_months", "float", 0.0, "months",
       "evidence.md s0.2: the evaluation covers practices that ran continuously, so nothing "
       "measures an effect after a practice stops: by default it ends at once (0); persistence "
       "is a sensitivity (uncertainty registry)",
       "Half-life of the system effect once the practice stops (a single cohort's programme "
       "has ended); 0 = it ends when the practice stops.", 0, 1200,
       label="System effect: half-life after the practice stops (0 = ends)"),
    # -------------------------------------------------------------------- death
    _P("mortality.general_population_rate_per_year", "float", 0.0006, "per woman-year",
       "assumption: ONS mortality of women aged 25-39 in England",
       "Mortality rate of women of the same age in the general population.", 0, 0.05,
       label="General-population mortality (per year)"),
    _P("mortality.relative_risk", "float", 36.0, "rate ratio",
       "seeds 002 and 004: '36 times more likely to die' than age-matched women",
       "Mortality rate ratio of eligible women.", 1, 100, label="Mortality rate ratio"),
    # -------------------------------------------------------------------- costs
    _P("costs.price_year", "int", deflators.latest_outturn_year(),
       "financial year starting (2024 = 2024/25)",
       "HM Treasury GDP deflators (evidence.md s4.1): the latest outturn year",
       "Price base of every GBP figure pausesim reports; each input is converted from its own "
       "price year with the GDP deflator.", _YEARS[0], _YEARS[-1],
       label="Price base of the results"),
    *_money("costs.programme_cost_per_year_gbp", 300000.0, "GBP per year",
            "seed 000: Pause's standard costing, 'GBP 450k' per 18-month cycle of a practice "
            "(GBP 300k a year); [I] the seeds' practice costs are GBP 249k-289k at 2015/16 prices "
            "(DfE 2017: GBP 1,683,487 a year for 7 practices, GBP 240k each)",
            "Running cost of the practice per year while it runs (lead-in and every cycle up to "
            "the horizon, or the single cohort's months), when the scenario or --set gives it; "
            "otherwise the cost is built from staff (costs.cost_per_practitioner_fte_per_year_gbp "
            "x practice.practitioners + costs.practice_fixed_cost_per_year_gbp), which is this "
            "default at 3 practitioners.",
            "Programme running cost per year", 2018,
            "seed 000 is dated 2018 (financial year 2018/19)"),
    *_money("costs.cost_per_practitioner_fte_per_year_gbp", 55000.0,
            "GBP per practitioner FTE per year",
            "assumption (range GBP 45,000-65,000): a practitioner's salary, on-costs, supervision "
            "and travel; with the fixed costs below it gives seed 000's GBP 300k a year for a "
            "practice of 3 practitioners (3 x 55,000 + 135,000)",
            "Running cost per full-time-equivalent practitioner per year: the programme cost is "
            "built from staff (this x practice.practitioners + the fixed costs) unless a total "
            "(costs.programme_cost_per_year_gbp or a schedule by year) is given.",
            "Cost per practitioner (full-time equivalent) per year", 2018,
            "set with seed 000's GBP 300k (2018/19)"),
    *_money("costs.practice_fixed_cost_per_year_gbp", 135000.0, "GBP per year",
            "assumption (range GBP 100,000-170,000): practice lead, coordinator, Pause licence, "
            "flexible fund and premises, the part of seed 000's GBP 300k a year that does not "
            "grow with practitioners",
            "Running cost per year of a practice that does not scale with its practitioners "
            "(used when the programme cost is built from staff).",
            "Practice fixed cost per year (built from staff)", 2018,
            "set with seed 000's GBP 300k (2018/19)"),
    *_money("costs.additional_cost_per_year_gbp", 0.0, "GBP per year",
            "seed 002: GBP 71,288/yr therapy pathway (Southampton only)",
            "Further running costs per year while the practice runs (e.g. a therapy pathway).",
            "Additional running cost per year", 2015, "set with the amount"),
    *_money("costs.setup_cost_gbp", 0.0, "GBP",
            "evidence.md s1 (DfE 2017 excluded set-up costs)", "One-off cost at month 0.",
            "Set-up cost", 2015, "set with the amount"),
    *_money("costs.programme_cost_by_year_gbp", [], "GBP per year (year 1, 2, ...)",
            "empty: the running costs per year apply; set from a business case's budget table",
            "Programme cost in each year (year 1 first), replacing the running and additional "
            "costs per year when given (spread evenly over each year's months; nothing after the "
            "last year given).",
            "Programme cost by year (replaces running costs)", 2015, "set with the schedule",
            kind="series"),
    _P("costs.optimism_bias", "float", 0.0, "proportion",
       "HM Treasury Green Book supplementary guidance on optimism bias (no rate in evidence.md: "
       "assumption 0, reported separately when set)",
       "Uplift on programme costs for optimism bias (0.2 = +20%), reported as such.", 0, 2,
       label="Optimism-bias uplift on programme costs"),
    *_money("costs.assessment_cost_gbp", 1151.0, "GBP per care entry",
            "evidence.md s1/s4 (DfE 2017: 'GBP 1,151 for a child protection core assessment', "
            "New Economy 2015)",
            "One-off cost when an infant enters care: child protection core assessment.",
            "Core assessment cost per care entry", 2014,
            "evidence.md s4.1: New Economy (2015) figures may be 2014/15 prices [NF]; assumed so"),
    *_money("costs.proceedings_cost_gbp", 3275.0, "GBP per care entry",
            "evidence.md s1/s4 (DfE 2017: 'GBP 3,275 for the legal cost per care proceeding', "
            "excludes parents' legal aid)",
            "One-off cost when an infant enters care: the local authority's legal costs.",
            "Legal cost of care proceedings", 2014,
            "evidence.md s4.1: New Economy (2015) figures may be 2014/15 prices [NF]; assumed so"),
    _P("costs.placement_basis", "choice", "infant-mix", "",
       "evidence.md s4.2: infants are mostly in foster or kinship care; the all-ages mean is the "
       "DfE-comparable option",
       "Cost of a month in care: 'infant-mix' (costs.placement_mix of the weekly placement "
       "costs) or 'all-ages-mean' (costs.all_ages_care_cost_per_year_gbp, as DfE 2017).",
       labels=("infant-mix", "all-ages-mean"), label="Placement cost basis"),
    _P("costs.placement_mix", "probabilities", [0.55, 0.20, 0.23, 0.02], "probability",
       "evidence.md s4.2: infants are mostly placed in foster or kinship care [I]; shares not "
       "published [NF]: assumption",
       "Share of infants' time in care by placement type.", labels=PLACEMENTS,
       label="Placement mix of infants in care (shares)"),
    *_money("costs.in_house_foster_cost_per_week_gbp", 646.0, "GBP per child-week",
            "evidence.md s4.2: foster care 'GBP 646' per child per week incl. allowances, "
            "administration and social work (PSSRU 2017)",
            "Weekly cost of a local authority foster placement.",
            "In-house foster care per week", 2016, "evidence.md s4.2: ~2016/17 prices"),
    *_money("costs.agency_foster_cost_per_week_gbp", 820.0, "GBP per child-week",
            "evidence.md s4.2: independent fostering agencies 'about GBP 820 a week' (CMA 2021)",
            "Weekly cost of an independent fostering agency placement.",
            "Agency foster care per week", 2020,
            "assumption: the CMA interim report (Oct 2021) quotes 2020/21 prices"),
    *_money("costs.kinship_cost_per_week_gbp", 300.0, "GBP per child-week",
            "assumption [NF]: family and friends foster care, allowances plus social work below "
            "the in-house foster cost",
            "Weekly cost of a kinship (family and friends) foster placement.",
            "Kinship foster care per week", 2020, "assumption"),
    *_money("costs.residential_cost_per_week_gbp", 3830.0, "GBP per child-week",
            "evidence.md s4.2: large private children's homes 'an average of GBP 3,830 a week' "
            "(CMA 2021)",
            "Weekly cost of a residential placement.",
            "Residential care per week", 2020,
            "assumption: the CMA interim report (Oct 2021) quotes 2020/21 prices"),
    *_money("costs.all_ages_care_cost_per_year_gbp", 52676.0, "GBP per child-year in care",
            "evidence.md s1/s4 (DfE 2017 / New Economy 2015: 'the mean yearly cost of a child in "
            "care across a range of placement types')",
            "Yearly cost of a child in care, all ages and placements (used with "
            "costs.placement_basis = 'all-ages-mean').",
            "All-ages mean cost of a year in care", 2014,
            "evidence.md s4.1: New Economy (2015) figures may be 2014/15 prices [NF]; assumed so"),
    *_money("costs.adoption_cost_gbp", 27000.0, "GBP per adoption",
            "evidence.md s4: inter-agency fee 'GBP 27,000 which was agreed in 2011' for LA/RAA "
            "placements (VAAs GBP 31,620 from 2019, GBP 39,245 from 2025)",
            "One-off cost when an infant leaves care by adoption.", "Adoption cost", 2019,
            "assumption: the fee was still GBP 27,000 cash in 2019/20, when VAAs charged "
            "GBP 31,620"),
    *_money("costs.special_guardianship_cost_gbp", 0.0, "GBP per order",
            "assumption: SGO support allowances not counted (set a one-off amount to count them)",
            "One-off cost when an infant leaves care by a special guardianship order.",
            "Special guardianship cost", 2024, "set with the amount"),
    _P("costs.discount_rate_per_year", "float", 0.035, "per year",
       "HM Treasury Green Book (evidence.md s1, s6: 3.5%)",
       "Discount rate; year t (t = 1, 2, ...) is divided by (1 + rate)^(t - 1).", 0, 0.2,
       label="Discount rate (per year)"),
)

BY_KEY: dict[str, Param] = {p.key: p for p in PARAMETERS}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(p.section for p in PARAMETERS))
#: Parameters that a set of parameter draws may not vary (they change the output's shape).
STRUCTURAL: frozenset[str] = frozenset(p.key for p in PARAMETERS if p.structural)
#: Money parameters (each has a price year).
MONEY: tuple[Param, ...] = tuple(p for p in PARAMETERS if p.is_money)
assert all(p.price_year_key in BY_KEY for p in MONEY)


def defaults() -> dict[str, Any]:
    """The default (uncalibrated) value of every parameter, keyed by ``section.name``."""
    return {p.key: (list(p.default) if isinstance(p.default, list) else p.default)
            for p in PARAMETERS}


def show(value: Any) -> str:
    """A parameter value as a short string (no float noise)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def markdown_table() -> str:
    """The parameter reference as a Markdown table (embedded in docs/model.md)."""
    lines = ["| parameter | meaning | default | unit | allowed | source |",
             "|---|---|---|---|---|---|"]
    for p in PARAMETERS:
        cells = [f"`{p.key}`", p.description, show(p.default), p.unit or "-", p.allowed(),
                 p.source]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)

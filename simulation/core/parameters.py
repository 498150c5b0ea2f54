"""Every model parameter, declared once: type, unit, allowed range, default and source.

The defaults describe a typical practice as the national DfE evaluation describes it (the
``national`` scenario). Scenario files override them. ``evidence.md`` refers to the project's
evidence file (``shared/evidence.md``); "seed 00N" to the council documents the scenarios come from.
Values marked *assumption* have no direct source and are the first candidates for sensitivity
analysis and calibration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Age bands (years) used by ``population.age_band_probabilities`` and
#: ``pregnancy.age_rate_ratios``.
AGE_BANDS: tuple[tuple[int, int], ...] = (
    (16, 19), (20, 24), (25, 29), (30, 34), (35, 39), (40, 44), (45, 49),
)
#: Number of children already removed, for ``population.prior_removals_probabilities``.
PRIOR_REMOVALS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
#: Needs recorded for each woman, with the parameter giving their prevalence.
NEEDS: tuple[str, ...] = ("mental_health", "domestic_abuse", "drugs", "alcohol", "housing")


@dataclass(frozen=True)
class Param:
    """One model parameter.

    ``kind`` is one of: ``float``, ``int``, ``bool``, ``probability`` (a float in [0, 1]),
    ``probabilities`` (a list of probabilities summing to 1, one per ``labels``) or ``ratios``
    (a list of non-negative floats, one per ``labels``).
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

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    def allowed(self) -> str:
        """Human-readable statement of the allowed values."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "probabilities":
            return f"a list of {len(self.labels)} probabilities summing to 1"
        if self.kind == "ratios":
            return f"a list of {len(self.labels)} numbers in [{self.low}, {self.high}]"
        kind = "an integer" if self.kind == "int" else "a number"
        return f"{kind} in [{_fmt(self.low)}, {_fmt(self.high)}]"


def _fmt(x: float | None) -> str:
    return "-inf" if x is None else (str(int(x)) if float(x).is_integer() else str(x))


_AGE_LABELS = tuple(f"{lo}-{hi}" for lo, hi in AGE_BANDS)
_P = Param
PARAMETERS: tuple[Param, ...] = (
    # ------------------------------------------------------------------ practice
    _P("practice.practitioners", "int", 3, "practitioners",
       "evidence.md s0 and seed 004: 'most practices have 3 - 4 practitioners'",
       "Number of Pause practitioners (full-time equivalent).", 1, 30),
    _P("practice.caseload_per_practitioner", "int", 8, "women per practitioner",
       "evidence.md s1 (DfE 2017): 'caseloads ... usually between 6 and 8 women'",
       "Maximum women on one practitioner's caseload; practice capacity = practitioners x caseload.",
       1, 12),
    _P("practice.lead_in_months", "float", 0.0, "months",
       "assumption: national practices start outreach at once (seed 001's 3-month lead-in is its "
       "outreach window)",
       "Months from the start of funding before the first outreach window opens.", 0, 24),
    _P("practice.outreach_months", "float", 3.0, "months",
       "seed 002: '21-months: 3 months of assertive outreach ... then 18 months'; seed 004: up to 16 weeks",
       "Length of the assertive-outreach window at the start of each cycle.", 0.5, 6),
    _P("practice.programme_months", "float", 18.0, "months",
       "evidence.md s1 (DfE 2017): 18-month intervention",
       "Length of the programme phase of each cycle: every woman in a cohort finishes when it ends "
       "(outreach + programme months after the cycle starts).", 3, 36),
    _P("practice.successive_cycles", "bool", True, "",
       "seed 002: 'further cohorts of up to 24 women (each cycle being 21-months)'",
       "Whether the practice recruits a new cohort each cycle until the horizon.", ),
    _P("practice.horizon_months", "float", 60.0, "months",
       "evidence.md s0: T2 is defined after 5 years of continuous running",
       "Simulated period from the start of funding.", 12, 240),
    # ---------------------------------------------------------------- population
    _P("population.eligible_women_at_start", "int", 60, "women",
       "evidence.md s3 (local prevalence over 5-year scoping windows: Hackney 49, Dorset 51, "
       "Wigan 89, Bristol 127) and seed 002 (49 prioritised); national value is an assumption",
       "Women eligible for the service when the practice starts (the scoping list).", 1, 2000),
    _P("population.new_eligible_women_per_year", "float", 18.0, "women per year",
       "evidence.md s3 [I]: Hackney 49, Wigan 89, Bristol 127, Dundee 113 women over 5 years "
       "= 10-25 a year",
       "Poisson rate at which further women become eligible (a new removal) during the horizon.",
       0, 500),
    _P("population.age_band_probabilities", "probabilities",
       [0.0, 0.191, 0.226, 0.270, 0.217, 0.087, 0.009], "probability",
       "evidence.md s1 (DfE 2017 CMF T1, n=115): 20-24 19.1%, 25-29 22.6%, 30-34 27.0%, "
       "35-39 21.7%, 40-44 8.7%, 45-50 0.9%",
       "Age distribution of eligible women (uniform within band).", labels=_AGE_LABELS),
    _P("population.prior_removals_probabilities", "probabilities",
       [0.0, 0.41, 0.18, 0.18, 0.17, 0.06, 0.0], "probability",
       "seed 004: 41% had two removed, 54% three to five (split evenly: assumption), three of 51 had six",
       "Distribution of the number of children already removed (1..7).",
       labels=PRIOR_REMOVALS),
    _P("population.care_experienced_probability", "probability", 0.40, "probability",
       "evidence.md s3 (Broadhurst 2017: 40% had been in foster or residential care); "
       "seed 002: 8 of 21",
       "Probability that a woman was herself looked after as a child.", 0, 1),
    _P("population.mental_health_probability", "probability", 0.679, "probability",
       "evidence.md s1 (DfE 2017: mental-health diagnosis 67.9%)",
       "Prevalence of mental-health needs.", 0, 1),
    _P("population.domestic_abuse_probability", "probability", 0.837, "probability",
       "evidence.md s1 (DfE 2017: domestic violence ever 83.7%)",
       "Prevalence of domestic abuse (ever).", 0, 1),
    _P("population.drugs_probability", "probability", 0.264, "probability",
       "evidence.md s1 (DfE 2017: problematic Class A use 26.4%)",
       "Prevalence of problematic drug use.", 0, 1),
    _P("population.alcohol_probability", "probability", 0.275, "probability",
       "evidence.md s1 (DfE 2017: higher-risk drinking 27.5%)",
       "Prevalence of higher-risk drinking.", 0, 1),
    _P("population.housing_probability", "probability", 0.40, "probability",
       "evidence.md s1 (DfE 2017: insecure housing 40%)",
       "Prevalence of housing need.", 0, 1),
    # ------------------------------------------------------------------ outreach
    _P("outreach.max_women_offered_per_cycle", "int", 60, "women",
       "seed 002: 49 women prioritised for assertive outreach for 24 places; national: assumption",
       "Most women the practice can reach out to in one cycle (prioritised by prior removals).",
       1, 2000),
    _P("outreach.enrol_probability", "probability", 0.43, "probability",
       "seed 002: 49 prioritised, 21 signed up (21/49 = 0.43)",
       "Probability that a woman offered the programme enrols during the outreach window "
       "(places permitting).", 0, 1),
    _P("outreach.reoffer_declined", "bool", True, "",
       "seed 002 (future cohorts drawn from the same scoping list); assumption",
       "Whether women not enrolled in one cycle are offered a place again in later cycles."),
    _P("outreach.declined_pregnancy_rate_ratio", "float", 1.0, "rate ratio",
       "evidence.md s0 (spill-over to women offered but not enrolled is a candidate mechanism); "
       "assumption: no spill-over",
       "Pregnancy rate ratio for women offered the programme who did not enrol (spill-over).",
       0, 2),
    # ----------------------------------------------------------------- programme
    _P("programme.already_on_larc_probability", "probability", 0.382, "probability",
       "evidence.md s1 (DfE 2017: 38.2% already using LARC before they signed up)",
       "Probability that a woman is already using LARC when she enrols.", 0, 1),
    _P("programme.larc_uptake_probability", "probability", 0.97, "probability",
       "evidence.md s1 (DfE 2017: LARC 97.6% at T2, 95.5% T3, 93.9% T4, 100% T5)",
       "Probability that an enrolled woman not already on LARC has it fitted.", 0, 1),
    _P("programme.time_to_larc_months", "float", 1.5, "months (mean, exponential)",
       "evidence.md s1 (DfE 2017: 72% on LARC at first assessment, 97.6% a quarter later)",
       "Mean delay from enrolment to LARC fitting.", 0.05, 12),
    _P("programme.larc_stop_rate_per_year", "float", 0.05, "per woman-year",
       "evidence.md s1 (DfE 2017: LARC 93.9-100% from T3 to T5); assumption within that",
       "Hazard of stopping LARC while on the programme.", 0, 5),
    _P("programme.dropout_rate_per_year", "float", 0.10, "per woman-year",
       "evidence.md s1 (DfE 2017: at least 17 of 125 ended early, censored follow-up)",
       "Hazard of leaving the programme early (other than for pregnancy).", 0, 5),
    _P("programme.pregnancy_rate_ratio_without_larc", "float", 0.5, "rate ratio",
       "assumption: enrolled women not on LARC use other contraception (DfE 2017: condoms, pill)",
       "Pregnancy rate ratio, relative to the counterfactual rate, while enrolled and not on LARC.",
       0, 2),
    # ------------------------------------------------------------ post programme
    _P("post_programme.larc_stop_rate_per_year", "float", 0.30, "per woman-year",
       "assumption: an implant lasts 3 years (evidence.md s1: implant share 93% by T5)",
       "Hazard of stopping LARC after leaving the programme (completion or dropout).", 0, 5),
    _P("post_programme.pregnancy_rate_ratio", "float", 1.0, "rate ratio",
       "evidence.md s0 (persistence after completion is a candidate mechanism); assumption: none",
       "Pregnancy rate ratio (off LARC) for completers during the persistence period.", 0, 2),
    _P("post_programme.pregnancy_effect_months", "float", 24.0, "months",
       "assumption",
       "How long the post-programme pregnancy rate ratio lasts after completion.", 0, 240),
    _P("post_programme.removal_rate_ratio_completed", "float", 0.8, "risk ratio",
       "evidence.md s2 (DfE 2020: women's housing, employment and wellbeing improve); "
       "assumption on size",
       "Relative probability that an infant of a woman who completed the programme enters care, "
       "at completion.", 0, 2),
    _P("post_programme.removal_rate_ratio_dropout", "float", 1.0, "risk ratio",
       "assumption: no lasting effect for women who leave early",
       "Relative probability that an infant of a woman who left early enters care.", 0, 2),
    _P("post_programme.removal_effect_half_life_months", "float", 36.0, "months",
       "assumption",
       "Half-life of the post-programme removal risk ratio's distance from 1.", 1, 1200),
    # ---------------------------------------------------------------- pregnancy
    _P("pregnancy.counterfactual_rate_per_year", "float", 0.15, "per woman-year",
       "evidence.md s1 (DfE 2017: 0.11 comparison group, 0.20 own history)",
       "Mean pregnancy rate of eligible women without the programme (at the population's "
       "age mix, across individual heterogeneity).", 0, 2),
    _P("pregnancy.larc_failure_rate_per_year", "float", 0.005, "per woman-year",
       "evidence.md s1 (DfE 2017: 2 pregnancies in 125 women on the programme, <= 0.011/yr)",
       "Pregnancy rate while using LARC.", 0, 0.2),
    _P("pregnancy.frailty_shape", "float", 2.0, "gamma shape (mean 1)",
       "evidence.md s1 (pre-programme rates 'vary between 0.11 and 0.28'); assumption on size",
       "Shape of the gamma distribution of each woman's fertility multiplier (smaller = more "
       "heterogeneity).", 0.1, 1000),
    _P("pregnancy.age_rate_ratios", "ratios", [1.3, 1.3, 1.2, 1.0, 0.6, 0.2, 0.03], "rate ratio",
       "assumption: shape of age-specific fertility in England (ONS), normalised over the age mix",
       "Relative pregnancy rate by age band (renormalised so the population mean is 1).",
       0, 10, labels=_AGE_LABELS),
    _P("pregnancy.rate_ratio_per_extra_removal", "float", 1.0, "rate ratio",
       "evidence.md s1 (Pause women: more prior pregnancies and higher rates); assumption: none",
       "Multiplicative pregnancy rate ratio per child removed beyond two.", 0.5, 2),
    _P("pregnancy.live_birth_probability", "probability", 0.75, "probability",
       "assumption: miscarriage and termination ~25% (DfE 2017 counted births only)",
       "Probability that a pregnancy ends in a live birth.", 0, 1),
    _P("pregnancy.gestation_months", "float", 9.0, "months",
       "evidence.md s1 (DfE 2017 back-dated births by 9 months)",
       "Months from conception to live birth.", 6, 10),
    _P("pregnancy.loss_months", "float", 3.0, "months",
       "assumption", "Months from conception to a pregnancy loss.", 0.5, 9),
    _P("pregnancy.postpartum_months", "float", 3.0, "months",
       "assumption", "Months after a pregnancy ends before she can conceive again.", 0, 24),
    # --------------------------------------------------------------------- care
    _P("care.removal_probability", "probability", 0.65, "probability",
       "evidence.md s1 (DfE 2017: avoided pregnancies 'likely to have resulted in removals') "
       "and s3 (70% of returns concern a subsequent infant); assumption on size",
       "Probability that an infant born to a woman who never engaged enters care.", 0, 1),
    _P("care.newborn_share", "probability", 0.60, "probability",
       "evidence.md s3 (Broadhurst 2017: 60% of repeat proceedings involve a child under 4 weeks)",
       "Share of care entries within the first month of birth; the rest uniform over months 1-12.",
       0, 1),
    _P("care.mean_months_in_care", "float", 30.0, "months (mean, exponential)",
       "assumption: infants leave care mostly by adoption, typically within 2-3 years",
       "Mean time an infant stays in care (its exit ends the placement cost).", 1, 216),
    # -------------------------------------------------------------------- death
    _P("mortality.general_population_rate_per_year", "float", 0.0006, "per woman-year",
       "assumption: ONS mortality of women aged 25-39 in England",
       "Mortality rate of women of the same age in the general population.", 0, 0.05),
    _P("mortality.relative_risk", "float", 36.0, "rate ratio",
       "seeds 002 and 004: '36 times more likely to die' than age-matched women",
       "Mortality rate ratio of eligible women.", 1, 100),
    # -------------------------------------------------------------------- costs
    _P("costs.programme_cost_per_year_gbp", "float", 323232.0, "GBP per year",
       "evidence.md s1 (DfE 2017: GBP 13,468 per woman-year x 24 women, 2015-16 prices)",
       "Running cost of the practice per year, from the start of funding to the horizon.",
       0, 1e8),
    _P("costs.additional_cost_per_year_gbp", "float", 0.0, "GBP per year",
       "seed 002: GBP 71,288/yr therapy pathway (Southampton only)",
       "Further annual costs (e.g. a therapy pathway).", 0, 1e8),
    _P("costs.setup_cost_gbp", "float", 0.0, "GBP",
       "evidence.md s1 (DfE 2017 excluded set-up costs)", "One-off cost at month 0.", 0, 1e8),
    _P("costs.care_entry_cost_gbp", "float", 4426.0, "GBP per care entry",
       "evidence.md s1/s4 (DfE 2017: core assessment GBP 1,151 + legal cost per care proceeding "
       "GBP 3,275)",
       "One-off cost when an infant enters care.", 0, 1e6),
    _P("costs.care_cost_per_year_gbp", "float", 52676.0, "GBP per child-year in care",
       "evidence.md s1/s4 (DfE 2017 / New Economy 2015: mean yearly cost of a child in care)",
       "Cost of a year in care across the placement mix.", 0, 1e6),
    _P("costs.unit_cost_uplift", "float", 1.0, "multiplier",
       "evidence.md s4 gives unit costs in 2015 prices and no deflator: set to the GDP-deflator "
       "ratio for your price year",
       "Multiplier applied to the care unit costs to bring them to the programme cost's price "
       "year.", 0.5, 3),
    _P("costs.price_year", "int", 2015, "financial year starting",
       "evidence.md s1/s4: DfE 2017 unit costs and programme costs are 2015-16 prices",
       "Price year of every GBP figure in the scenario (2015 = 2015/16); used in labels.",
       1990, 2100),
    _P("costs.discount_rate_per_year", "float", 0.035, "per year",
       "HM Treasury Green Book (evidence.md s1, s6: 3.5%)",
       "Discount rate; year t (t = 1, 2, ...) is divided by (1 + rate)^(t - 1).", 0, 0.2),
)

BY_KEY: dict[str, Param] = {p.key: p for p in PARAMETERS}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(p.section for p in PARAMETERS))


def defaults() -> dict[str, Any]:
    """The default (``national``) value of every parameter, keyed by ``section.name``."""
    return {p.key: (list(p.default) if isinstance(p.default, list) else p.default)
            for p in PARAMETERS}


def markdown_table() -> str:
    """The parameter reference as a Markdown table (embedded in docs/model.md and the README)."""
    def show(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return "[" + ", ".join(f"{v:g}" for v in value) + "]"
        return f"{value:g}" if isinstance(value, float) else str(value)

    lines = ["| parameter | meaning | default | unit | allowed | source |",
             "|---|---|---|---|---|---|"]
    for p in PARAMETERS:
        cells = [f"`{p.key}`", p.description, show(p.default), p.unit or "-", p.allowed(), p.source]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)

"""The seed business cases and what each claimed, declared as data with their sources.

Each :class:`BusinessCase` names the council document (``docs/sources/seeds/00N_*.txt``), the
scenario that describes it (a built-in one, or ``national`` with overrides where none exists)
and its claims. A :class:`Claim` says which simulated figure it is compared with (a metric of
the registry, :mod:`simulation.results.metrics`, or one of
:data:`simulation.report.claims_check.EXTRA`, at a period) and how:

- ``point``: a figure the document expects ("avoid total cumulative costs of £6,444,076");
- ``up_to``: a figure given as a maximum ("up to 10 children after 21 months");
- ``positive``: a direction without a number ("a cost avoidance proposition");
- ``zero``: an expectation of none ("There are no pregnancies during the 18 month programme");
- ``input``: a cost the scenario should reproduce (a check of the scenario, not of the model);
- ``below``: an upper bound on a share ("the majority do not result in the child being taken into
  care": the share that does is below one half).

Money claims are compared undiscounted (none of the seeds says its totals are discounted) and in
each document's own price year (``BusinessCase.price_year``; the built-in scenarios report in it).
Claims derived from the national evaluation's T1/T2 figures are changes in *all* of an authority's
infant care entries, so they are compared with the authority-wide total (``Claim.note`` says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from simulation.core import scenario as scenario_mod
from simulation.core.scenario import Scenario

KINDS = ("point", "up_to", "positive", "zero", "input", "below")
#: Said of every claim derived from the national evaluation's authority-wide figures.
AUTHORITY_WIDE = ("the document attributes the national evaluation's figure, a change in all of an "
                  "authority's infant care entries, to its own cohort; compared here with the "
                  "authority-wide total of the practice's women and the system-wide effect")


@dataclass(frozen=True)
class Claim:
    id: str
    metric: str
    period: str  # month_N or year_N
    kind: str
    value: float | None
    quote: str  # the document's words
    where: str  # where in the document
    note: str = ""  # how the comparison reads the claim


@dataclass(frozen=True)
class BusinessCase:
    id: str
    seed: str  # file name in docs/sources/seeds/
    title: str
    scenario_name: str  # built-in scenario the case is run with
    claims: tuple[Claim, ...]
    overrides: tuple[tuple[str, object, str], ...] = ()  # (parameter, value, source)
    name: str | None = None  # scenario name when overridden
    description: str | None = None
    unquantified: tuple[str, ...] = ()  # claims with no simulated counterpart
    price_year: int | None = None  # the document's price year (financial year starting)

    def scenario(self) -> Scenario:
        """The scenario, with this case's overrides (each with its own source), reporting money
        in the document's own price year."""
        sc = scenario_mod.load(self.scenario_name)
        for key, value, source in self.overrides:
            sc = sc.with_overrides({key: value}, source=source)
        if self.price_year is not None and sc["costs.price_year"] != self.price_year:
            sc = sc.with_overrides({"costs.price_year": self.price_year},
                                   source=f"the document's price year ({self.seed})")
        if self.name or self.description:
            from dataclasses import replace

            sc = replace(sc, name=self.name or sc.name,
                         description=self.description or sc.description)
        return sc


#: Plain-words labels of the metrics claims are compared on.
LABELS = {
    "infants_avoided_cumulative": "fewer infants entering care",
    "infants_avoided_in_year": "fewer infants entering care",
    "pregnancies_avoided_cumulative": "pregnancies avoided",
    "cost_avoided_cumulative": "care costs avoided (undiscounted)",
    "net_cost_avoidance_cumulative": "net cost avoidance (undiscounted)",
    "programme_cost_cumulative": "programme cost",
    "women_completed_cumulative": "women completing the programme",
    "women_enrolled_cumulative": "women enrolled",
    "pregnancies_on_programme_cumulative": "pregnancies among enrolled women",
    "cost_avoided_in_year": "care costs avoided (undiscounted)",
    "removal_probability_after_completion": "share of infants born to women who completed the "
                                            "programme that enter care (at completion)",
}

_S000 = "000_2131eb06651a4cbc.txt"
_S001 = "001_0d2f6764895b67a3.txt"
_S002 = "002_be4a9bdd6e0c849b.txt"
_S003 = "003_d64797a8228314f6.txt"
_S004 = "004_2923f129d55e0975.txt"

BUSINESS_CASES: tuple[BusinessCase, ...] = (
    BusinessCase(
        id="southampton-2018-scoping", seed=_S000,
        title="Southampton 2018: mothers at risk of repeat removals, pre-business case scoping "
              "(Joint Commissioning Board, 13 September 2018)",
        scenario_name="national", name="southampton-2018-scoping",
        description="The full Pause service costed in Southampton's 2018 scoping (seed 000): a "
                    "national-model practice at GBP 450k per 18 months, with Southampton's pool "
                    "of 49 women and 21 of 49 enrolling (seed 002). Every other value is "
                    "national.",
        overrides=(
            ("costs.programme_cost_per_year_gbp", 300000.0,
             "seed 000, Resource implications 1: 'the average cost of a Pause service for an 18 "
             "month period is £450k (£303,322.50 in staff costs, £88,950 in programme costs, and "
             "£57,727.50 in local costs)'; 450,000 / 1.5 years = GBP 300,000 a year"),
            ("costs.programme_cost_per_year_price_year", 2018,
             "seed 000 is dated 13 September 2018 (financial year 2018/19); cash amounts"),
            ("population.eligible_women_at_start", 49,
             "seed 002 para 12 (the same authority): 'Forty-nine women were originally "
             "prioritised for assertive outreach' (seed 000 gives no local pool)"),
            ("outreach.max_women_offered_per_cycle", 49,
             "seed 002 para 12: the 49 women prioritised for outreach"),
            ("outreach.enrol_probability", 0.4286,
             "seed 002 para 12: '21 signed up to the programme' of 49 (21/49)"),
        ),
        price_year=2018,
        claims=(
            Claim("cost_18_months", "programme_cost_cumulative", "month_18", "input", 450000.0,
                  "the average cost of a Pause service for an 18 month period is £450k",
                  "Resource implications 1"),
            Claim("cost_avoidance", "net_cost_avoidance_cumulative", "year_5", "positive", None,
                  "This is a \"cost avoidance\" proposition. It will reduce avoidable long term "
                  "pressure on Children's Looked After Children budget",
                  "Reasons for report recommendations 6 (read over the 5-year horizon)"),
            Claim("fewer_in_care", "infants_avoided_cumulative", "year_5", "positive", None,
                  "Reduce the number of future children taken into care",
                  "Brief summary, aim 2"),
        ),
        unquantified=("NHS and adult social care costs avoided (not modelled).",),
    ),
    BusinessCase(
        id="southampton-2019-pilot", seed=_S001,
        title="Southampton 2019: business case for a pilot post-care proceedings service "
              "(2018/19)",
        scenario_name="southampton-2019-pilot",
        claims=(
            # year 2: the cohort completes at month 21 exactly (end of its 18 months)
            Claim("completions", "women_completed_cumulative", "year_2", "point", 16.0,
                  "Around 16 women who were at risk of repeat removals complete the pilot "
                  "programme.", "What success will look like"),
            Claim("no_pregnancies", "pregnancies_on_programme_cumulative", "year_2", "zero", 0.0,
                  "There are no pregnancies during the 18 month programme.",
                  "What success will look like"),
            Claim("fewer_pregnancies", "pregnancies_avoided_cumulative", "year_5", "positive", None,
                  "Reduced pregnancies, and pregnancies where children are subsequently taken "
                  "into care.", "Brief summary, key outcomes"),
            Claim("fewer_in_care", "infants_avoided_cumulative", "year_5", "positive", None,
                  "Fewer children taken into care.", "Longer-term outcomes 2"),
            Claim("pilot_cost", "programme_cost_cumulative", "year_2", "input", 206799.0,
                  "SCC will therefore contribute £146,799 though vacant posts over the 21 month "
                  "period ... and £30k in additional funding; a contribution of £30k from "
                  "Southampton Clinical Commissioning Group", "Resource implications 8"),
            Claim("future_pregnancies", "removal_probability_after_completion", "year_2",
                  "below", 0.5,
                  "Where there are future pregnancies, the majority do not result in the child "
                  "being taken into care (i.e. they can safely remain with the woman)",
                  "What success will look like",
                  note="compared with the model's chance that an infant born to a woman who has "
                       "just completed the programme enters care (removal probability x the "
                       "completers' ratio, per parameter set); it rises again afterwards"),
            Claim("women_enrolled", "women_enrolled_cumulative", "year_2", "point", 16.0,
                  "expectations need to be managed in relation to how many women the service can "
                  "support i.e. around 16 women over an 18 month period",
                  "Alternative options considered (disadvantages)"),
        ),
        price_year=2018,
        unquantified=("'the cost avoidance will be lower' than a full-scale Pause service "
                      "(no figure given; Appendix K is not in the seed).",),
    ),
    BusinessCase(
        id="southampton-2021", seed=_S002,
        title="Southampton 2021: Phoenix @ Pause, business case for a sustained service "
              "(21 October 2021)",
        scenario_name="southampton-2021",
        claims=(
            Claim("infants_21_months", "infants_avoided_cumulative", "month_21", "up_to", 10.0,
                  "a reduction in the number of infants entering care of up to 10 children after "
                  "21 months ... by working with the current cohort of 21 women", "para 14",
                  note=AUTHORITY_WIDE + "; the national 11 scaled by 21/24"),
            Claim("infants_year_5", "infants_avoided_in_year", "year_5", "up_to", 13.0,
                  "up to 13 per annum after 5 years", "para 14",
                  note=AUTHORITY_WIDE + "; the national 14.4 a year scaled by 21/24"),
            Claim("cost_avoided", "cost_avoided_cumulative", "year_5", "point", 6444076.0,
                  "Avoid total cumulative costs of £6,444,076, which begin to accrue from Year 2",
                  "para 6"),
            Claim("accrual_from_year_2", "cost_avoided_in_year", "year_1", "zero", 0.0,
                  "Avoid total cumulative costs ... which begin to accrue from Year 2", "para 6",
                  note="read as: no care costs avoided in year 1"),
            Claim("delivery_cost", "programme_cost_cumulative", "year_5", "input", 1425000.0,
                  "against a cumulative delivery cost of £1,425,000 (based on £285,000 per annum)",
                  "para 6",
                  note="the scenario also charges the therapy pathway (up to GBP 71,288 a year, "
                       "rec iv) from about month 18, which the seed's own figures leave out"),
            Claim("net", "net_cost_avoidance_cumulative", "year_5", "point", 5019076.0,
                  "Confer a net cumulative cost avoidance of £5,019,076", "para 6"),
        ),
        unquantified=("'with further cohorts of 24 women, there could be a further reduction of "
                      "11 children entering care after 21 months and 14 per annum after 5 years' "
                      "(para 14): the scenario's later cohorts are up to 24 women, so these are "
                      "inside the simulated figures above, not separate from them; 'further' "
                      "could also be read as additional (the document does not settle it).",),
        price_year=2021,
    ),
    BusinessCase(
        id="leeds-futures-2018", seed=_S003,
        title="Leeds 2018: CCG funding of GBP 300k over 3 years for the Futures service "
              "(8 March 2018)",
        scenario_name="leeds-futures",
        claims=(
            Claim("funding", "programme_cost_cumulative", "year_3", "input", 500000.0,
                  "funding from the Clinical Commissioning Groups (CCGs) totalling £300k ... over "
                  "a period of 3 years; utilising a total of £200k investment from the DfE "
                  "Innovations Fund", "Summary 1-2"),
            Claim("fewer_removals", "infants_avoided_cumulative", "year_3", "positive", None,
                  "support to parents who have had a child removed from their care with the aim "
                  "of preventing further removals", "Summary 1"),
        ),
        unquantified=("No figure for removals or costs avoided is given; the seed's outcome "
                      "measures were still 'to be agreed'.",),
        price_year=2017,
    ),
    BusinessCase(
        id="dorset-2022", seed=_S004,
        title="Dorset 2022: 'ROC' - Reducing Repeat Removals of Children in Care, procurement "
              "approval (Cabinet, 18 January 2022)",
        scenario_name="dorset-2022",
        claims=(
            Claim("infants_per_year", "infants_avoided_in_year", "year_5", "point", 14.0,
                  "On average this was found to be 14.4 children a year therefore the modelled "
                  "cost avoidance reflects a reduction of 14 infants coming into care in Dorset",
                  "Report s4.2 (compared with year 5, once the practice has run 5 years)",
                  note=AUTHORITY_WIDE + "; the national 14.4 a year, unscaled"),
            Claim("infants_5_years", "infants_avoided_cumulative", "year_5", "point", 70.0,
                  "Net reductions in removals per annum, per LA was 14.4 ... the modelled cost "
                  "avoidance reflects a reduction of 14 infants coming into care in Dorset",
                  "Recommendation reason 4; s4.2 (read as 14 in each of the contract's 5 years: "
                  "5 x 14 = 70)", note=AUTHORITY_WIDE),
            Claim("cost_avoided", "cost_avoided_cumulative", "year_5", "point", 5862194.0,
                  "would avoid total cumulative costs of £5,862,194 ... within the 5-year "
                  "contract period", "Recommendation reason 4; s2.3"),
            Claim("net", "net_cost_avoidance_cumulative", "year_5", "point", 4362194.0,
                  "conferring a net cumulative cost avoidance of £4,362,194 within the 5-year "
                  "contract period", "Recommendation reason 4; s2.3"),
            Claim("contract_cost", "programme_cost_cumulative", "year_5", "input", 1655000.0,
                  "The maximum anticipated spend is £1,655,000 over the 5-year contract period",
                  "Financial implications 2.1"),
            Claim("cba_cost", "programme_cost_cumulative", "year_5", "input", 1500000.0,
                  "delivery cost implied by the cost-benefit figures: £5,862,194 avoided minus "
                  "£4,362,194 net", "Recommendation reason 4 (arithmetic)",
                  note="GBP 1,500,000 is 5 x GBP 300,000, Pause's standard costing of GBP 450k "
                       "per 18 months (seed 000), not Dorset's GBP 331k a year: the cost-benefit "
                       "figures most likely came from Pause's own calculator"),
        ),
        price_year=2021,
    ),
)

BY_ID = {case.id: case for case in BUSINESS_CASES}

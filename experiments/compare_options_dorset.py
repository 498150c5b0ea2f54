"""Dorset's options (seed 004) side by side under common random numbers, in two comparisons:

delivery/ - the options appraisal of seed 004 Table 2, as far as the model can tell them apart:
  option 1 (no further action) offers the programme to no one at no cost; options 2-4 (the Pause
  model, with or without Pause delivering it) are the procured dorset-2022 scenario - the seed
  gives one cost (GBP 331k a year) and no difference in effect between them; options 5-6 (a local
  service without Pause membership; council or third-sector delivery are indistinguishable in
  the model) save the membership fee, once at the same fidelity and once, illustratively, with the
  lower end of the evidence's enrolment and LARC uptake.
design/ - the practice's design within seed 004's ranges: caseload 6 vs 8, 3 vs 4 practitioners,
  engagement (enrolment) rates, and the programme length.

Assumptions are marked in each option's label or comment; edit the lists to try others.

    python experiments/compare_options_dorset.py [--small] [--reps 500]
"""

from __future__ import annotations

import pandas as pd
from sensitivity_common import main, parse, save

from simulation.core import scenario
from simulation.cli.compare import format_comparison
from simulation.sensitivity import compare, report, uncertain

COST = 331_000.0  # seed 004: 'The annual anticipated spend is £331,000'
# seed 001 (option 6): 'Includes a £37.5k membership fee that is paid to Pause' per 18 months
MEMBERSHIP_FEE_PER_YEAR = 37_500.0 / 1.5
ENROL_LOW, ENROL_HIGH = (uncertain.BY_UNCERTAIN_KEY["outreach.enrol_probability"].low,
                         uncertain.BY_UNCERTAIN_KEY["outreach.enrol_probability"].high)

DELIVERY = [
    ("2-4 Pause model (procured)", {}),
    ("1 no further action", {"outreach.enrol_probability": 0.0,
                             "costs.programme_cost_per_year_gbp": 0.0}),
    ("5-6 local, no membership fee", {"costs.programme_cost_per_year_gbp":
                                      COST - MEMBERSHIP_FEE_PER_YEAR}),
    # illustrative lower fidelity: enrolment at the 5th percentile of Beta(22, 29) (seed 002's
    # 21/49) and LARC uptake as Southampton's 18 of 21 (seed 002)
    ("5-6 local, lower fidelity (illustrative)", {
        "costs.programme_cost_per_year_gbp": COST - MEMBERSHIP_FEE_PER_YEAR,
        "outreach.enrol_probability": round(ENROL_LOW, 3),
        "programme.larc_uptake_probability": 0.857}),
]

DESIGN = [
    ("dorset-2022 (3 x caseload 8)", {}),
    ("caseload 6", {"practice.caseload_per_practitioner": 6}),  # seed 004: 'between 6 and 8'
    # seed 004: 'Most practices have 3 - 4 practitioners'; assumption: cost grows with staff
    ("4 practitioners (cost x 4/3)", {"practice.practitioners": 4,
                                      "costs.programme_cost_per_year_gbp": COST * 4 / 3}),
    (f"enrolment {ENROL_LOW:.2f}", {"outreach.enrol_probability": round(ENROL_LOW, 3)}),
    (f"enrolment {ENROL_HIGH:.2f}", {"outreach.enrol_probability": round(ENROL_HIGH, 3)}),
    # the other reading of seed 004's '18-month package (includes ... up to 16 weeks)'
    ("18-month programme after outreach", {"practice.programme_months": 18.0}),
]


def run() -> None:
    args = parse("compare_options_dorset", __doc__.splitlines()[0], full={"reps": 500},
                 small={"reps": 3})
    dorset = scenario.load("dorset-2022")
    for name, variants in (("delivery", DELIVERY), ("design", DESIGN)):
        options = [(label, dorset.with_overrides(values, name=label, source=f"option {label!r}"))
                   for label, values in variants]
        result = compare.compare(options, args.reps, args.seed, args.workers)
        save(result, args.out / name, {
            "analysis": f"compare ({name})", "seed": args.seed, "reps": args.reps,
            "workers": args.workers, "wall_seconds": round(result.wall_seconds, 1),
            "options": [{"label": label, "overrides": values,
                         **report.scenario_record(sc)}
                        for (label, values), (_, sc) in zip(variants, options)]})
        with pd.option_context("display.width", 250):
            print(f"\n== {name} ==\n{format_comparison(result)}")


if __name__ == "__main__":
    main(run)

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

Every option is simulated with the same posterior draws of the calibrated parameters it does not set
itself and the same random numbers (simulation.sensitivity.option_comparison), so the differences
from the first option are paired. Assumptions are marked in each option's label or comment; edit the
lists to try others. Writes delivery/ and design/ (comparison.csv, options.csv, figures, run.json)
under results/experiments/compare_options_dorset/, with parameters.csv (dorset-2022) and run.json at
the top.

    python experiments/compare_options_dorset.py [--small] [--reps 500]
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402

COST = 331_000.0  # seed 004: 'The annual anticipated spend is £331,000'
# seed 001 (option 6): 'Includes a £37.5k membership fee that is paid to Pause' per 18 months
MEMBERSHIP_FEE_PER_YEAR = 37_500.0 / 1.5


def options(enrol_low: float, enrol_high: float) -> dict[str, list[tuple[str, dict]]]:
    """The two comparisons; ``enrol_low``/``enrol_high``: the national posterior's 5th and 95th
    percentiles of the enrolment probability."""
    delivery = [
        ("2-4 Pause model (procured)", {}),
        ("1 no further action", {"practice.operates": False}),
        ("5-6 local, no membership fee", {"costs.programme_cost_per_year_gbp":
                                          COST - MEMBERSHIP_FEE_PER_YEAR}),
        # illustrative lower fidelity: enrolment at the posterior's 5th percentile and LARC
        # uptake as Southampton's 18 of 21 (seed 002)
        ("5-6 local, lower fidelity (illustrative)", {
            "costs.programme_cost_per_year_gbp": COST - MEMBERSHIP_FEE_PER_YEAR,
            "outreach.enrol_probability": round(enrol_low, 3),
            "programme.larc_uptake_probability": 0.857}),
    ]
    design = [
        ("dorset-2022 (3 x caseload 8)", {}),
        ("caseload 6", {"practice.caseload_per_practitioner": 6}),  # seed 004: 'between 6 and 8'
        # seed 004: 'Most practices have 3 - 4 practitioners'; assumption: cost grows with staff
        ("4 practitioners (cost x 4/3)", {"practice.practitioners": 4,
                                          "costs.programme_cost_per_year_gbp": COST * 4 / 3}),
        (f"enrolment {enrol_low:.2f}", {"outreach.enrol_probability": round(enrol_low, 3)}),
        (f"enrolment {enrol_high:.2f}", {"outreach.enrol_probability": round(enrol_high, 3)}),
        # the other reading of seed 004's '18-month package (includes ... up to 16 weeks)'
        ("18-month programme after outreach", {"practice.programme_months": 18.0}),
    ]
    return {"delivery": delivery, "design": design}


def run(argv=None) -> None:
    args = common.parse("compare_options_dorset", __doc__.splitlines()[0], {"reps": 500},
                        {"reps": 4}, argv=argv)
    from simulation.core import output
    from simulation.results import study
    from simulation.sensitivity import analyses, analysis_files
    from simulation.sensitivity.option_comparison_text import format_comparison

    dorset = study.load("dorset-2022")
    enrol = analyses.varied_range(dorset, "outreach.enrol_probability")
    comparisons = options(*enrol)
    results = {}
    with output.atomic_folder(args.out, force=True) as folder:
        for name, variants in comparisons.items():
            opts = [(label, dorset.with_overrides(values, name=label,
                                                  source=f"option {label!r}"))
                    for label, values in variants]
            result = analyses.compare(opts, args.reps, args.seed, engine=args.engine,
                                     workers=args.workers)
            (folder / name).mkdir()
            analysis_files.write(result, folder / name, {
                "analysis": f"compare ({name})", "seed": args.seed, "reps": result.reps,
                "options": [{"label": label, "overrides": values,
                             **analysis_files.scenario_record(sc)}
                            for (label, values), (_, sc) in zip(variants, opts)]})
            results[name] = result
        common.write_record(folder, dorset, args, analysis="compare",
                            comparisons={n: [label for label, _ in v]
                                         for n, v in comparisons.items()},
                            enrol_probability_5_95=list(enrol))
    for name, result in results.items():
        print(f"\n== {name} ==\n{format_comparison(result)}")


if __name__ == "__main__":
    common.main(run)

"""Seed 001's choice: Southampton's local pilot against buying a full Pause practice for one
18-month cohort, with the same posterior draws and random numbers (paired differences).

The pilot is the built-in southampton-2019-pilot scenario (2 practitioners x 8, one cohort,
GBP 206,799 over 21 months at 2018/19 prices). Full Pause, as seed 001 costs it ('up to £450k for
an 18 month period', including the membership fee; seed 000 gives the same GBP 450k): the
national practice model of 24 places (3 practitioners x 8; assumption - seed 001 says only that
the pilot has 'approximately 2 fte less staff') and GBP 450,000 (2018/19) charged once in place
of the pilot's budget. Writes comparison.csv, options.csv, figures, parameters.csv (the pilot)
and run.json to results/experiments/compare_pilot_southampton/.

    python experiments/compare_pilot_southampton.py [--small] [--reps 1000]
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402

FULL_PAUSE = {"practice.practitioners": 3, "costs.programme_cost_by_year_gbp": [],
              "costs.setup_cost_gbp": 450_000.0, "costs.setup_cost_price_year": 2018}


def run(argv=None) -> None:
    args = common.parse("compare_pilot_southampton", __doc__.splitlines()[0], {"reps": 1000},
                        {"reps": 4}, argv=argv)
    from simulation.core import output
    from simulation.results import study
    from simulation.sensitivity import analyses, analysis_files
    from simulation.sensitivity.option_comparison_text import format_comparison

    pilot = study.load("southampton-2019-pilot")
    options = [("local pilot (seed 001)", pilot),
               ("full Pause, one cohort", pilot.with_overrides(
                   FULL_PAUSE, name="full Pause, one cohort", source="seed 001 option 6"))]
    result = analyses.compare(options, args.reps, args.seed, engine=args.engine,
                             workers=args.workers)
    with output.atomic_folder(args.out, force=True) as folder:
        analysis_files.write(result, folder, {})
        common.write_record(folder, pilot, args, analysis="compare",
                            compared=[{"label": label, **analysis_files.scenario_record(sc)}
                                      for label, sc in options])
    print(format_comparison(result))


if __name__ == "__main__":
    common.main(run)

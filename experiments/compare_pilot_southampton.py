"""Seed 001's choice: Southampton's local pilot against buying a full Pause practice for one
18-month cohort, under common random numbers.

The pilot is the built-in southampton-2019-pilot scenario (2 practitioners x 8, one cohort,
GBP 206,799 for 21 months). Full Pause, as seed 001 costs it ('up to £450k for an 18 month period',
including the membership fee; seed 000 gives the same GBP 450k): the national practice model of
24 places (3 practitioners x 8; assumption - seed 001 says only that the pilot has 'approximately
2 fte less staff') and GBP 450,000 charged once, like the pilot's budget.

    python experiments/compare_pilot_southampton.py [--small] [--reps 1000]
"""

from __future__ import annotations

import pandas as pd
from sensitivity_common import main, parse, save

from simulation.core import scenario
from simulation.cli.compare import format_comparison
from simulation.sensitivity import compare, report

FULL_PAUSE = {"practice.practitioners": 3, "costs.setup_cost_gbp": 450_000.0}


def run() -> None:
    args = parse("compare_pilot_southampton", __doc__.splitlines()[0], full={"reps": 1000},
                 small={"reps": 3})
    pilot = scenario.load("southampton-2019-pilot")
    options = [("local pilot (seed 001)", pilot),
               ("full Pause, one cohort", pilot.with_overrides(
                   FULL_PAUSE, name="full Pause, one cohort", source="seed 001 option 6"))]
    result = compare.compare(options, args.reps, args.seed, args.workers)
    save(result, args.out, {"analysis": "compare", "seed": args.seed, "reps": args.reps,
                            "workers": args.workers, "wall_seconds": round(result.wall_seconds, 1),
                            "options": [{"label": label, **report.scenario_record(sc)}
                                        for label, sc in options]})
    with pd.option_context("display.width", 250):
        print(format_comparison(result))


if __name__ == "__main__":
    main(run)

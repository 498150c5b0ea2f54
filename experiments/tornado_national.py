"""Tornado (one-way sensitivity) of the national scenario's 5-year outcomes.

Each declared uncertain parameter is set to its low and then its high value (sources in
simulation/sensitivity/uncertain.py), the others at their national values; every set runs the same
replications (common random numbers), so each bar's interval is a paired one.

    python experiments/tornado_national.py [--small] [--reps 200] [--include-local]
"""

from __future__ import annotations

import pandas as pd
from sensitivity_common import main, parse, save

from simulation.core import scenario
from simulation.sensitivity import oneway, report, uncertain
from simulation.sensitivity.model import SimulationModel


def run() -> None:
    args = parse("tornado_national", __doc__.splitlines()[0], full={"reps": 200},
                 small={"reps": 3},
                 extra=lambda p: p.add_argument("--include-local", action="store_true",
                                                help="also vary the local population size"))
    national = scenario.load("national")
    params = uncertain.select(groups=("evidence", "local") if args.include_local else ("evidence",))
    model = SimulationModel(national, args.reps, args.seed, args.workers)
    result = oneway.tornado(model, uncertain.base_values(national.values, params), params, year=5)
    save(result, args.out, {**report.scenario_record(national), "analysis": "tornado",
                            "seed": args.seed, "reps_per_parameter_set": args.reps,
                            "year": 5, "workers": args.workers,
                            "wall_seconds": round(model.wall_seconds, 1),
                            "uncertain_parameters": [u.key for u in params]})
    with pd.option_context("display.width", 200, "display.max_columns", 30,
                           "display.float_format", "{:,.4g}".format):
        print(result.table[["outcome", "rank", "parameter", "low_value", "high_value",
                            "low_effect", "high_effect", "swing", "high_minus_low_ci_lo",
                            "high_minus_low_ci_hi"]].to_string(index=False))


if __name__ == "__main__":
    main(run)

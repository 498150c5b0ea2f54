"""Probabilistic sensitivity analysis of the national scenario.

Outer loop: parameter draws from the declared distributions (simulation/sensitivity/uncertain.py)
or, with --from-posterior NAME|FILE, from the calibration's posterior (drawn in proportion to its
weights) or any file of draws with one column per parameter key. Inner loop: paired replications
under common random numbers. Writes the variance decomposition (parameter vs stochastic
uncertainty) by year, P(net cost avoidance > 0) by year, each draw's parameters and mean outcomes,
and a figure.

    python experiments/psa_national.py [--small] [--draws 200] [--reps 20]
                                       [--from-posterior NAME|FILE]
"""

from __future__ import annotations

import pandas as pd
from sensitivity_common import main, parse, save

from simulation.core import scenario
from simulation.sensitivity import psa, report, uncertain
from simulation.sensitivity.model import SimulationModel


def run() -> None:
    args = parse("psa_national", __doc__.splitlines()[0], full={"draws": 200, "reps": 20},
                 small={"draws": 8, "reps": 3},
                 extra=lambda p: p.add_argument(
                     "--from-posterior", default=None, metavar="NAME|FILE",
                     help="--draws parameter sets from a calibration posterior (weighted) or a "
                          ".csv/.parquet file of draws instead of the declared distributions"))
    national = scenario.load("national")
    if args.from_posterior:
        draws, source = uncertain.posterior_sample(args.from_posterior, args.draws, args.seed)
    else:
        draws = uncertain.sample(uncertain.select(), args.draws, args.seed)
        source = "declared distributions"
    model = SimulationModel(national, args.reps, args.seed, args.workers)
    result = psa.psa(model, draws, source=source)
    save(result, args.out, {**report.scenario_record(national), "analysis": "psa",
                            "seed": args.seed, "draws": len(draws), "draws_from": source,
                            "reps_per_draw": args.reps, "workers": args.workers,
                            "wall_seconds": round(model.wall_seconds, 1)})
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(result.probability_positive().to_string(index=False))
        print(result.decomposition()[["outcome", "year", "mean", "lo", "hi", "parameter_lo",
                                      "parameter_hi", "share_parameter"]].to_string(index=False))


if __name__ == "__main__":
    main(run)

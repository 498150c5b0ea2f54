"""Global sensitivity of the national scenario's 5-year outcomes: Sobol indices (SALib, Saltelli
sampling of the declared distributions) and Morris screening, with confidence intervals.

Sobol costs n x (parameters + 2) parameter sets and Morris trajectories x (parameters + 1), each
run for --reps replications under common random numbers.

    python experiments/sobol_national.py [--small] [--n 128] [--reps 4] [--trajectories 40]
"""

from __future__ import annotations

import pandas as pd
from sensitivity_common import main, parse, save

from simulation.core import scenario
from simulation.sensitivity import report, sobol, uncertain
from simulation.sensitivity.model import SimulationModel


def run() -> None:
    args = parse("sobol_national", __doc__.splitlines()[0],
                 full={"n": 128, "reps": 4, "trajectories": 40},
                 small={"n": 8, "reps": 2, "trajectories": 4})
    national = scenario.load("national")
    params = uncertain.select()
    record = {**report.scenario_record(national), "seed": args.seed,
              "reps_per_parameter_set": args.reps, "year": 5, "workers": args.workers,
              "uncertain_parameters": [u.key for u in params]}

    model = SimulationModel(national, args.reps, args.seed, args.workers)
    indices = sobol.sobol(model, params, args.n, args.seed, year=5)
    save(indices, args.out / "sobol", {**record, "analysis": "sobol", "n": args.n,
                                       "parameter_sets": indices.sets,
                                       "wall_seconds": round(model.wall_seconds, 1)})

    model = SimulationModel(national, args.reps, args.seed, args.workers)
    screening = sobol.morris(model, params, args.trajectories, args.seed, year=5)
    save(screening, args.out / "morris", {**record, "analysis": "morris",
                                          "trajectories": args.trajectories,
                                          "parameter_sets": screening.sets,
                                          "wall_seconds": round(model.wall_seconds, 1)})
    with pd.option_context("display.width", 200, "display.float_format", "{:,.3g}".format):
        print(indices.table[["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]
              .to_string(index=False))
        print(screening.table[["outcome", "parameter", "mu_star", "mu_star_conf", "sigma"]]
              .to_string(index=False))


if __name__ == "__main__":
    main(run)

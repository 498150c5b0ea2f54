"""Global sensitivity of the national scenario's 5-year outcomes: Sobol indices (SALib, Saltelli
sampling) and Morris screening, with confidence intervals.

The scalar varied parameters are treated as independent inputs: calibrated ones by their national
posterior marginals, the others by the registry's distributions around the scenario's values;
Morris moves each over its 5th-95th percentile range. Sobol costs n x (parameters + 2)
parameter sets and Morris trajectories x (parameters + 1), each run for --reps replications under
common random numbers. Writes sobol.csv, morris.csv and their figures to
results/experiments/sobol_national/ (with parameters.csv and run.json).

    python experiments/sobol_national.py [--small] [--n 128] [--reps 4] [--trajectories 40]
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402


def _options(p) -> None:
    p.add_argument("--groups", default=None, metavar="G1,G2",
                   help="vary only these groups of simulation/core/uncertainty.py (default: all; "
                        "with --small: fertility and removal)")


def run(argv=None) -> None:
    args = common.parse("sobol_national", __doc__.splitlines()[0],
                        {"n": 128, "reps": 4, "trajectories": 40},
                        {"n": 4, "reps": 2, "trajectories": 3}, extra=_options, argv=argv)
    import pandas as pd

    from simulation.core import output
    from simulation.results import study
    from simulation.sensitivity import report, sobol, varied
    from simulation.sensitivity.model import SimulationModel

    groups = args.groups or ("fertility,removal" if args.small else None)
    selection = varied.select(study.load("national"), groups=groups, scalar=True)
    sobol.check_options(selection, n=args.n, trajectories=args.trajectories, levels=4)
    model = SimulationModel(selection.scenario, args.reps, args.seed, args.engine, args.workers)
    indices = sobol.sobol(model, selection, args.n, args.seed, year=5)
    screening = sobol.morris(model, selection, args.trajectories, args.seed, year=5)
    with output.atomic_folder(args.out, force=True) as folder:
        report.write(indices, folder, {})
        report.write(screening, folder, {})
        common.write_record(folder, selection.scenario, args, parameters=selection.table(),
                            analysis="sobol and morris", year=5, sobol_sets=indices.sets,
                            morris_sets=screening.sets, groups=groups,
                            wall_seconds=round(model.wall_seconds, 1), **selection.record())
    with pd.option_context("display.width", 200, "display.float_format", "{:,.3g}".format):
        print(indices.table[["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]
              .to_string(index=False))
        print(screening.table[["outcome", "parameter", "mu_star", "mu_star_conf", "sigma"]]
              .to_string(index=False))


if __name__ == "__main__":
    common.main(run)

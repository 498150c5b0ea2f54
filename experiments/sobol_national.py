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
    from simulation.results import study
    from simulation.sensitivity import analyses

    groups = args.groups or ("fertility,removal" if args.small else None)
    national = study.load("national")
    indices, screening = (analyses.analyse(name, national, args.reps, args.seed, args.engine,
                                           args.workers, groups=groups, year=5, **sizes)
                          for name, sizes in (("sobol", {"n": args.n}),
                                              ("morris", {"trajectories": args.trajectories})))
    common.write_analysis(args, indices, screening, groups=groups)
    print(indices.text())
    print(screening.text())

if __name__ == "__main__":
    common.main(run)

"""Tornado (one-way sensitivity) of the national scenario's 5-year outcomes, centred on it.

Each varied parameter is set to its low and then its high value - the posterior 5th and 95th
percentiles for the calibrated parameters, the 5th and 95th percentiles of the registry's
distribution around the scenario's value for the others - with every other parameter at its
national value; every set runs the same replications (common random numbers), so each effect's
interval is paired. Writes tornado.csv and one figure per outcome to
results/experiments/tornado_national/ (with parameters.csv and run.json).

    python experiments/tornado_national.py [--small] [--reps 200] [--groups G1,G2]
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402


def _options(p) -> None:
    p.add_argument("--groups", default=None, metavar="G1,G2",
                   help="vary only these groups of simulation/core/uncertainty.py")


def run(argv=None) -> None:
    args = common.parse("tornado_national", __doc__.splitlines()[0], {"reps": 200},
                        {"reps": 3}, extra=_options, argv=argv)
    from simulation.results import study
    from simulation.sensitivity import analyses

    outcome = analyses.analyse("tornado", study.load("national"), args.reps, args.seed,
                               args.engine, args.workers, groups=args.groups, year=5)
    common.write_analysis(args, outcome)
    print(outcome.text())

if __name__ == "__main__":
    common.main(run)

"""Probabilistic sensitivity analysis of the national scenario, centred on it.

Outer loop: parameter draws - the calibrated parameters jointly from the national posterior, the
others by Latin hypercube from the registry's distributions around the scenario's values
(simulation/core/uncertainty.py); with --from-posterior NAME|FILE only that posterior's
parameters (like for like with ``pausesim run``). Inner loop: paired replications under common
random numbers. Writes the variance decomposition (parameter vs stochastic uncertainty) by year,
P(net cost avoidance > 0) by year, each draw's parameters and mean outcomes, and a figure, to
results/experiments/psa_national/ (with parameters.csv and run.json).

    python experiments/psa_national.py [--small] [--draws 200] [--reps 20]
                                       [--from-posterior NAME|FILE]
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402


def _options(p) -> None:
    p.add_argument("--from-posterior", default=None, metavar="NAME|FILE",
                   help="vary only this posterior's parameters (a shipped NAME, NAME.csv with "
                        "its NAME.json, or a .csv/.parquet file of draws)")


def run(argv=None) -> None:
    args = common.parse("psa_national", __doc__.splitlines()[0], {"draws": 200, "reps": 20},
                        {"draws": 10, "reps": 3}, extra=_options, argv=argv)
    from simulation.results import study
    from simulation.sensitivity import analyses

    outcome = analyses.analyse("psa", study.load("national"), args.reps, args.seed, args.engine,
                               args.workers, draws=args.draws, from_posterior=args.from_posterior)
    common.write_analysis(args, outcome)
    print(outcome.text())

if __name__ == "__main__":
    common.main(run)

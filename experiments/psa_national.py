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
    import pandas as pd

    from simulation.core import output
    from simulation.results import study
    from simulation.sensitivity import draws, psa, report, varied
    from simulation.sensitivity.model import SimulationModel

    selection = varied.select(study.load("national"), from_posterior=args.from_posterior)
    psa.check_sizes(args.draws, args.reps)
    sets = draws.sample(selection, args.draws, args.seed)
    model = SimulationModel(selection.scenario, args.reps, args.seed, args.engine, args.workers)
    result = psa.psa(model, sets)
    with output.atomic_folder(args.out, force=True) as folder:
        report.write(result, folder, {})
        common.write_record(folder, selection.scenario, args, parameters=selection.table(),
                            analysis="psa", draws_from=sets.describe(),
                            outcomes=dict(zip(model.outcomes, model.units)),
                            wall_seconds=round(model.wall_seconds, 1), **selection.record())
    for warning in selection.warnings:
        print(f"warning: {warning}")
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(result.probability_positive().to_string(index=False))
        print(result.decomposition()[["outcome", "year", "mean", "lo", "hi", "parameter_lo",
                                      "parameter_hi", "share_parameter"]].to_string(index=False))


if __name__ == "__main__":
    common.main(run)

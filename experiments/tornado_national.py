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
    import pandas as pd

    from simulation.core import output
    from simulation.results import study
    from simulation.sensitivity import oneway, report, varied
    from simulation.sensitivity.model import SimulationModel

    selection = varied.select(study.load("national"), groups=args.groups, scalar=True)
    model = SimulationModel(selection.scenario, args.reps, args.seed, args.engine, args.workers)
    result = oneway.tornado(model, selection, year=5)
    with output.atomic_folder(args.out, force=True) as folder:
        report.write(result, folder, {})
        common.write_record(folder, selection.scenario, args, parameters=selection.table(),
                            analysis="tornado", year=result.year,
                            outcomes=dict(zip(model.outcomes, model.units)),
                            wall_seconds=round(model.wall_seconds, 1), **selection.record())
    with pd.option_context("display.width", 200, "display.max_columns", 30,
                           "display.float_format", "{:,.4g}".format):
        print(result.table[["outcome", "rank", "parameter", "low_value", "base_value",
                            "high_value", "low_effect", "high_effect", "largest_deviation",
                            "base_inside_range"]].to_string(index=False))


if __name__ == "__main__":
    common.main(run)

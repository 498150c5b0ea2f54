"""Run the national scenario with parameter uncertainty and write its results (the command
line's default job, as a script).

    python experiments/run_national.py [--small] [--reps N] [--seed S] [--out DIR]
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402


def run(argv=None) -> None:
    args = common.parse("run_national", __doc__.splitlines()[0], {"reps": 4000}, {"reps": 200},
                        argv=argv)
    from simulation.core import output
    from simulation.results import study, write
    from simulation.results.text import summary_text

    scenario = study.load("national")
    results = study.simulate(scenario, args.reps, args.seed, engine=args.engine,
                             workers=args.workers)
    table = results.summary()
    with output.atomic_folder(args.out, force=True) as folder:
        write.run_folder(results, table, folder)
        common.write_record(folder, scenario, args, reps=results.reps)
    print(summary_text(results, table))


if __name__ == "__main__":
    common.main(run)

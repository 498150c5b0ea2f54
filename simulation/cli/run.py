"""``pausesim run``: Monte Carlo run of one scenario; prints a summary and writes the results."""

from __future__ import annotations

import sys

from simulation.cli.common import (
    add_run_options,
    add_scenario_argument,
    check_memory,
    check_run_options,
    default_out,
    input_paths,
    load_scenario,
    run_options,
    uncertainty,
)
from simulation.core import output
from simulation.results import study, write
from simulation.results.text import summary_text

DEFAULT_REPS = study.DEFAULT_REPS


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="simulate a scenario (default: national)",
                       description="Simulate a scenario: paired replications with and without the "
                       "practice, with parameter sets drawn from the scenario's calibration "
                       "posterior (--point: its point estimate). Prints a summary and writes "
                       "summary.csv, tables, figures and run.json to --out.")
    add_scenario_argument(p)
    add_run_options(p, DEFAULT_REPS)
    p.add_argument("--events", action="store_true",
                   help="also write every woman's events (events.parquet; large for many reps; "
                        "needs --engine simpy)")
    p.set_defaults(handler=main)


def main(args) -> int:
    check_run_options(args)
    scenario = load_scenario(args)
    check_memory(args.reps, scenario)
    out = args.out or default_out(scenario.name)
    output.check_writable(out, args.force, input_paths(args))
    with run_options(args) as options:
        results = study.simulate(scenario, args.reps, args.seed, uncertainty(args), args.draws,
                                 keep_events=args.events, band=args.band, **options)
    table = results.summary()
    with output.atomic_folder(out, args.force, input_paths(args)) as folder:
        write.run_folder(results, table, folder)
    print(summary_text(results, table))
    print(f"\nwrote {out}/ (summary.csv, tables, figures, run.json) in "
          f"{results.simulated.wall_seconds:.1f} s of simulation", file=sys.stderr)
    return 0

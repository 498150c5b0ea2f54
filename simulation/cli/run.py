"""``pausesim run``: Monte Carlo run of one scenario; prints a summary and writes the results."""

from __future__ import annotations

import sys

from simulation.cli import COMMANDS
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
    writing,
)
from simulation.core import output
from simulation.core.defaults import DEFAULT_REPS


def add_parser(sub) -> None:
    p = sub.add_parser("run", help=COMMANDS["run"],
                       description="Simulate a scenario in two views: the base case (the "
                       "practice's own women, calibrated to the micro-evidence, no effect on "
                       "other mothers) and the authority-wide scenario (the system effect "
                       "calibrated to the national figures); paired replications with and "
                       "without the practice, parameter sets drawn from each calibration's "
                       "posterior (--point: its point estimate). Prints both, the break-even "
                       "threshold and P(no effect); writes the base case to --out and the "
                       "authority-wide scenario to --out/authority-wide/.")
    add_scenario_argument(p)
    add_run_options(p, DEFAULT_REPS)
    p.add_argument("--events", action="store_true",
                   help="also write every woman's events (events.parquet; large for many reps; "
                        "needs --engine simpy)")
    p.set_defaults(handler=main)


def main(args) -> int:
    from simulation.results import views, write
    from simulation.results.text import views_text

    check_run_options(args)
    scenario = load_scenario(args)
    check_memory(2 * args.reps, scenario, args.workers)
    out = args.out or default_out(scenario.name)
    output.check_writable(out, args.force, input_paths(args))
    with run_options(args) as options:
        both = views.simulate(scenario, args.reps, args.seed, uncertainty(args), args.draws,
                              keep_events=args.events, band=args.band, **options)
    tables = {name: res.summary() for name, res in both.items()}
    writing(out, 2 * args.reps)
    with output.atomic_folder(out, args.force, input_paths(args)) as folder:
        write.views_folder(both, tables, folder)
    print(views_text(both, tables))
    seconds = sum(res.simulated.wall_seconds for _, res in both.items())
    print(f"\nwrote {out}/ (base case: summary.csv, tables, figures, run.json; break_even.csv, "
          f"headline.csv; authority-wide/: the same for the authority-wide scenario) in "
          f"{seconds:.1f} s of simulation", file=sys.stderr)
    return 0

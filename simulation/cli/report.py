"""``pausesim report``: a business-case report - one self-contained HTML page plus its tables as
CSV - with citable ranges and the council method's point estimate beside them."""

from __future__ import annotations

import sys

from simulation.core.errors import PausesimError
from simulation.report import build
from simulation.cli.common import (add_run_options, add_scenario_argument, check_run_options, default_out, load_scenario, runner_options)

DEFAULT_REPS = 1000


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="write a business-case report (HTML + CSV)",
                       description="Simulate a scenario and write a business-case report to "
                       "--out: report.html (self-contained, figures embedded) with citable "
                       "sentences, a by-year table, break-even, benefit-cost ratio, the "
                       "probability of a net saving, fan charts, the scenario's assumptions with "
                       "their sources, and the council method's point estimate placed among the "
                       "simulated futures; every table also as CSV.")
    add_scenario_argument(p)
    add_run_options(p, DEFAULT_REPS)
    p.add_argument("--council-removals", type=float, default=None, metavar="N",
                   help="removals avoided per cohort in the council method (default: the "
                        "national 11 per 24 women, scaled to the cohort)")
    p.set_defaults(handler=main)


def main(args) -> int:
    check_run_options(args)
    if args.council_removals is not None and not args.council_removals >= 0:
        raise PausesimError(f"--council-removals = {args.council_removals} is invalid: must be a "
                            "number >= 0")
    scenario = load_scenario(args)
    out = args.out or default_out(f"report-{scenario.name}")
    with runner_options(args) as options:
        report = build.make(scenario, out, args.reps, args.seed, args.band, args.force,
                            args.council_removals, progress=args.progress, **options)
    for sentence in report.sentences:
        print(f"- {sentence.text}")
    print(f"\nNote: {report.note}.")
    print(f"wrote {out}/report.html and {len(report.tables)} CSV tables in "
          f"{report.result.wall_seconds:.1f} s", file=sys.stderr)
    return 0

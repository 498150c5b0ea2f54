"""``pausesim report``: a business-case report - printable HTML, Word and Excel, every figure as
PNG and every table as CSV - with citable ranges (parameter uncertainty by default), the effect
by source, the structural comparison with direct effects only, money at one price base and the
council method's point estimate placed among the simulated futures."""

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
from simulation.report import build, council

DEFAULT_REPS = 1000


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="write a business-case report (HTML, Word, Excel, CSV)",
                       description="Simulate a scenario (with parameter sets drawn from its "
                       "calibration; --point: its point estimate) and, for comparison, the same "
                       "scenario with direct effects only (calibration 'national-micro'), and "
                       "write a business-case report to --out: report.html (self-contained, "
                       "prints on A4 with the summary on page 1), report.docx, report.xlsx, "
                       "every figure as PNG and every table as CSV.")
    add_scenario_argument(p)
    add_run_options(p, DEFAULT_REPS)
    p.add_argument("--council-removals", type=float, default=None, metavar="N",
                   help="removals avoided per cohort in the council method (default: the "
                        "national 11 per 24 women, scaled to the cohort)")
    p.set_defaults(handler=main)


def check_council_removals(value: float | None) -> None:
    if value is not None:
        council.check_per_cohort("--council-removals", value)


def main(args) -> int:
    check_run_options(args)
    check_council_removals(args.council_removals)
    scenario = load_scenario(args)
    check_memory(args.reps, scenario)
    out = args.out or default_out(f"report-{scenario.name}")
    output.check_writable(out, args.force, input_paths(args))
    with run_options(args) as options:
        report = build.make(scenario, out, args.reps, args.seed, args.band, args.force,
                            args.council_removals, uncertainty=uncertainty(args),
                            draws=args.draws, inputs=input_paths(args), **options)
    for sentence in report.sentences:
        if sentence.section in ("citable", "where"):
            print(f"- {sentence.text}")
    print(f"\nParameters: {report.note}.")
    print(f"wrote {out}/ (report.html, report.docx, report.xlsx, {len(report.figures)} figures, "
          f"{len(report.tables)} CSV tables) in "
          f"{report.results.simulated.wall_seconds + report.direct.simulated.wall_seconds:.1f} s "
          "of simulation", file=sys.stderr)
    return 0

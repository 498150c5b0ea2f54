"""``pausesim report``: a business-case report - printable HTML, Word and Excel, every figure as
PNG and every table as CSV - leading with the base case (the practice's own women, calibrated to
the micro-evidence, no system effect) and giving beside it, with equal prominence, the
authority-wide scenario (if the fall in all infant care entries measured in five long-running
Pause areas also happens here), the break-even threshold between them, citable ranges (parameter
uncertainty by default) that each name their view, the effect by source, money at one price base
and the council method's point estimate placed among the base case's simulated futures."""

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
                       description="Simulate a scenario's two views - the base case (the "
                       "practice's own women: calibration 'national-micro', no effect on other "
                       "mothers) and the authority-wide scenario (if the fall in all infant care "
                       "entries measured in five long-running Pause areas also happens here: the "
                       "scenario's own calibration, 'national' by default) - with parameter sets "
                       "drawn from each calibration (--point: its point estimate), and write a "
                       "business-case report leading with the base case, with the break-even "
                       "threshold between the views, to --out: report.html (self-contained, "
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
    check_memory(2 * args.reps, scenario, args.workers)
    out = args.out or default_out(f"report-{scenario.name}")
    output.check_writable(out, args.force, input_paths(args))
    with run_options(args) as options:
        report = build.make(scenario, out, args.reps, args.seed, args.band, args.force,
                            args.council_removals, uncertainty=uncertainty(args),
                            draws=args.draws, inputs=input_paths(args), **options)
    for sentence in report.sentences:  # the base case's first; each names its view
        if sentence.section in ("citable", "where"):
            print(f"- {sentence.text}")
    print(f"\nParameters: base case: {report.note}; authority-wide scenario: "
          f"{report.record['authority_note']}.")
    from simulation.results.text import precision_warning

    for view, res in (("base case", report.results), ("authority-wide scenario", report.authority)):
        warning = precision_warning(res)
        if warning:
            print(f"pausesim: warning: {view}: {warning}", file=sys.stderr)
    seconds = report.results.simulated.wall_seconds + report.authority.simulated.wall_seconds
    print(f"wrote {out}/ (report.html, report.docx, report.xlsx, {len(report.figures)} figures, "
          f"{len(report.tables)} CSV tables) in "
          f"{seconds:.1f} s of simulation (both views)", file=sys.stderr)
    return 0

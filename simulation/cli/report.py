"""``pausesim report``: a business-case report - printable HTML, Word and Excel, every figure as
PNG and every table as CSV - leading with the base case (the practice's own women, calibrated to
the micro-evidence, no system effect) and giving beside it, with equal prominence, the
authority-wide scenario (if the fall in all infant care entries measured in five long-running
Pause areas also happens here), the break-even threshold between them, citable ranges (parameter
uncertainty by default) that each name their view, the effect by source, money at one price base
and the council method's point estimate placed among the base case's simulated futures."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulation.cli import COMMANDS
from simulation.cli.common import (
    add_p_no_effect_option,
    add_plan_option,
    add_run_options,
    add_scenario_argument,
    add_template_option,
    check_memory,
    check_p_no_effect,
    check_plan_sims,
    check_run_options,
    default_out,
    input_paths,
    load_scenario,
    run_options,
    uncertainty,
)

DEFAULT_REPS = 1000


def add_parser(sub) -> None:
    p = sub.add_parser("report", help=COMMANDS["report"],
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
    p.add_argument("--monitoring", type=Path, default=None, metavar="DATA",
                   help="a running practice's monitoring data (a CSV, or a 'pausesim template' "
                        "workbook's Monitoring sheet: docs/monitoring.md): adds the section "
                        "'Local evidence so far' (On track?, Update, Forecast from here, Plan)")
    add_plan_option(p, "with --monitoring: simulated authorities per figure of the Plan")
    add_p_no_effect_option(p)
    add_template_option(p)
    p.add_argument("--variant", dest="variants", action="append", nargs="+", default=[],
                   metavar="LABEL [SECTION.NAME=VALUE ...]",
                   help="include an options appraisal in options/ (options.html, options.docx, "
                        "options.xlsx, as pausesim compare writes them): the scenario is the "
                        "reference and each --variant an option made from it with these "
                        "overrides (repeatable), e.g. --variant 'no action' "
                        "practice.operates=false")
    p.set_defaults(handler=main)



def check_council_removals(value: float | None) -> None:
    from simulation.report import council

    if value is not None:
        council.check_per_cohort("--council-removals", value)


def main(args) -> int:
    from simulation.core import monitoring, output
    from simulation.report import build
    from simulation.report.word_blocks import check_template

    check_run_options(args)
    check_council_removals(args.council_removals)
    check_plan_sims(args.plan_sims)
    check_p_no_effect(args.p_no_effect)
    check_template(args.template)
    scenario = load_scenario(args)
    data = None if args.monitoring is None else \
        monitoring.load(args.monitoring, scenario["practice.horizon_months"])
    inputs = input_paths(args) + ([args.monitoring] if args.monitoring else [])
    opts = _options(args)  # bad variants: one line, before anything is simulated
    check_memory(2 * args.reps * max(1, len(opts)), scenario, args.workers)
    out = args.out or default_out(f"report-{scenario.name}")
    # before a dask cluster starts (build.make checks again, for callers of the API)
    output.check_writable(out, args.force, inputs)
    with run_options(args) as options:
        extra = _appraisal(args, opts, options) if opts else None
        report = build.make(scenario, out, args.reps, args.seed, args.band, args.force,
                            args.council_removals, uncertainty=uncertainty(args),
                            draws=args.draws, inputs=inputs, monitoring=data,
                            plan_sims=args.plan_sims, p_no_effect=args.p_no_effect,
                            template=args.template,
                            extra=extra,
                            **options)
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


def _options(args) -> list:
    """The options of ``--variant`` (the report's scenario first, as ``pausesim compare``)."""
    if not args.variants:
        return []
    from simulation.cli import compare as compare_cli
    from simulation.sensitivity import analyses

    opts = compare_cli.options(argparse.Namespace(
        scenarios=[args.scenario], variants=args.variants, overrides=args.overrides,
        calibration=args.calibration))
    analyses.check_compare(opts)
    return opts


def _appraisal(args, opts: list, run: dict):
    """Simulate the options (both views) and return the writer of ``options/``."""
    from simulation.report import options

    return options.appraise(opts, args.reps, args.seed, uncertainty(args), args.draws,
                            args.band, **run)

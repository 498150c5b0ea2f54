"""``pausesim portfolio AREAS``: a national portfolio - every practice of an areas file (CSV or
XLSX, one row per area: a scenario plus overrides) simulated with the same parameter draws and
independent chance, and the national total with honest bands, each area's headline and figures,
as CSV, portfolio.xlsx, portfolio.docx, portfolio.html and PNG."""

from __future__ import annotations

import sys
from pathlib import Path

from simulation.cli import COMMANDS
from simulation.cli.common import (
    add_run_options,
    add_template_option,
    check_memory,
    check_run_options,
    default_out,
    horizon_months,
    input_paths,
    run_options,
    uncertainty,
    writing,
)
from simulation.core import deflators, output

DEFAULT_REPS = 1000


def add_parser(sub) -> None:
    p = sub.add_parser("portfolio", help=COMMANDS["portfolio"],
                       description="Simulate every practice of an areas file and write the "
                       "national total with bands, each area's headline and figures to --out. "
                       "The areas file (.csv, or .xlsx: sheet 'areas' or the first sheet) has "
                       "one row per practice: 'area' (a unique label), 'scenario' (a built-in "
                       "name or a .toml/.xlsx file, relative to the areas file), optional "
                       "'notes', and optional columns named by parameter key "
                       "(practice.practitioners, ...; blank = no override). Every area gets the "
                       "same parameter draws and its own random numbers.")
    p.add_argument("areas", type=Path, metavar="AREAS.csv|AREAS.xlsx",
                   help="the areas file, one row per practice")
    add_run_options(p, DEFAULT_REPS,
                    reps_help="paired Monte Carlo replications per area, rounded up to a whole "
                              "number per parameter draw (default: %(default)s)")
    for action in p._actions:  # argparse has no public way to reword one shared option's help
        if action.dest == "out":
            action.help = "output folder (default: results/portfolio-<areas file>-<date-time>)"
    p.add_argument("--price-year", type=int, default=None, metavar="YEAR",
                   help="price base of every area's money, a financial year starting (2024 = "
                        "2024/25) (default: the latest outturn year, "
                        f"{deflators.latest_outturn_year()})")
    add_template_option(p)
    for action in p._actions:
        if action.dest == "horizon_months":
            action.help = "horizon of every area, a whole number of months from 12 to 240 " \
                          "(default: the areas' own, which must agree)"
    p.set_defaults(handler=main)


def main(args) -> int:
    from simulation.report import areas as areas_mod
    from simulation.report import portfolio
    from simulation.report.word_blocks import check_template

    check_run_options(args)
    check_template(args.template)
    rows = areas_mod.read(args.areas)
    areas = areas_mod.resolve(rows, args.areas, args.calibration, args.price_year,
                              horizon_months(args))
    for line in areas_mod.repeated_places(areas):  # also in every document's notes
        print(f"pausesim: warning: {line}", file=sys.stderr)
    # every area's tallies at once
    check_memory(args.reps * len(areas), areas[0].scenario, args.workers)
    out = args.out or default_out(f"portfolio-{args.areas.stem}")
    inputs = input_paths(args) + [Path(a.scenario.origin) for a in areas
                                  if Path(a.scenario.origin).exists()]
    # before a dask cluster starts (portfolio.make checks again, for callers of the API)
    output.check_writable(out, args.force, inputs)
    with run_options(args) as options:
        report = portfolio.make(areas, args.areas, out, args.reps, args.seed, args.band,
                                args.force, uncertainty=uncertainty(args), draws=args.draws,
                                inputs=inputs, before_writing=lambda: writing(
                                    out, 2 * args.reps * len(areas)),
                                template=args.template, **options)
    for sentence in report.sentences:
        print(f"- {sentence}")
    sim = report.portfolio.national.simulated
    print(f"wrote {out}/ (portfolio.html, portfolio.docx, portfolio.xlsx, "
          f"{len(report.figures)} figures, {len(report.tables)} CSV tables) for "
          f"{len(areas)} areas in {sim.wall_seconds:.1f} s of simulation", file=sys.stderr)
    return 0

"""``pausesim monitor SCENARIO DATA``: a running practice's local evidence against its forecast."""

from __future__ import annotations

import sys
from pathlib import Path

from simulation.cli import COMMANDS
from simulation.cli.common import (
    add_p_no_effect_option,
    add_plan_option,
    add_run_options,
    add_set_option,
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
from simulation.core import output
from simulation.core.defaults import DEFAULT_REPS


def add_parser(sub) -> None:
    p = sub.add_parser("monitor", help=COMMANDS["monitor"],
                       description="Compare a running practice's observed series (a monitoring "
                       "CSV: docs/monitoring.md, example docs/examples/monitoring-southampton."
                       "csv) with the scenario's forecast in both views (On track?: band, "
                       "percentile and verdict at each observed month, fan chart), and update "
                       "the authority-wide system effect with the authority's own infants under "
                       "one starting care against its pre-launch baseline (Update: P(no "
                       "effect), median and 90% interval, effective sample size), weight the "
                       "simulated futures by the history (Forecast from here) and simulate how "
                       "many years of such counts would tell no effect from the national-size "
                       "one (Plan). Writes on_track.csv/.png, observed.csv, "
                       "system_effect_update.csv, system_effect_draws.csv, "
                       "forecast_from_here.csv and plan.csv to --out.")
    p.add_argument("scenario", metavar="SCENARIO|FILE",
                   help="the practice's scenario: a built-in name or a .toml or .xlsx file")
    p.add_argument("data", metavar="DATA.csv|WORKBOOK.xlsx", type=Path,
                   help="the monitoring file: a CSV, or a 'pausesim template' workbook with "
                        "its Monitoring sheet filled in (see docs/monitoring.md)")
    add_set_option(p)
    add_run_options(p, DEFAULT_REPS)
    add_p_no_effect_option(p)
    add_plan_option(p, "simulated authorities per truth and year for the Plan")
    p.set_defaults(handler=main)


def main(args) -> int:
    from simulation.core import monitoring
    from simulation.sensitivity import analyses

    check_run_options(args)
    check_p_no_effect(args.p_no_effect)
    check_plan_sims(args.plan_sims)
    scenario = load_scenario(args)
    data = monitoring.load(args.data, scenario["practice.horizon_months"])
    check_memory(args.reps, scenario, args.workers)
    out = args.out or default_out(f"{scenario.name}-monitor")
    inputs = input_paths(args) + [args.data]
    output.check_writable(out, args.force, inputs)
    with run_options(args) as options:
        checked = analyses.monitor(scenario, data, args.reps, args.seed, uncertainty(args),
                                   args.draws, args.band, args.p_no_effect, args.plan_sims,
                                   **options)
    answers = checked.answers
    with output.atomic_folder(out, args.force, inputs) as folder:
        checked.write(folder)
    print(checked.text())
    women = answers.women is not None and not answers.women.empty
    print(f"\nwrote {out}/ (on_track.csv, on_track.png, observed.csv"
          f"{', system_effect_update.csv, system_effect_draws.csv' if answers.update else ''}"
          f"{', plan.csv' if answers.plan is not None else ''}"
          f"{', evsi.csv' if answers.evsi is not None else ''}"
          f"{', women_parameters_update.csv' if women else ''}"
          ", forecast_from_here.csv, "
          "run.json)", file=sys.stderr)
    return 0

"""``pausesim sensitivity``: PSA, tornado, Sobol and Morris analyses of a scenario.

Each analysis writes its tables (CSV + Parquet), a figure and run.json to --out, and prints the
headline table.
"""

from __future__ import annotations

import sys

import pandas as pd

from simulation.core import output
from simulation.core.errors import PausesimError
from simulation.sensitivity import oneway, psa, report, sobol, uncertain
from simulation.sensitivity.model import SimulationModel
from simulation.cli.common import (add_run_options, add_scenario_argument, check_run_options, default_out, load_scenario, runner_options)

ANALYSES = {  # name: (help, default reps)
    "psa": ("probabilistic sensitivity analysis: parameter draws x replications", 20),
    "tornado": ("one-way sensitivity over each parameter's low/high values", 100),
    "sobol": ("Sobol indices (SALib, Saltelli sampling) with confidence intervals", 4),
    "morris": ("Morris elementary-effects screening (SALib)", 4),
}


def add_parser(sub) -> None:
    p = sub.add_parser("sensitivity", help="PSA, tornado, Sobol and Morris analyses",
                       description="Uncertainty and sensitivity analyses of a scenario. The "
                       "uncertain parameters, their distributions, low/high values and sources "
                       "are listed in each output's parameters.csv.")
    analyses = p.add_subparsers(dest="analysis", metavar="ANALYSIS")
    analyses.required = True
    for name, (help_text, reps) in ANALYSES.items():
        a = analyses.add_parser(name, help=help_text, description=help_text)
        add_scenario_argument(a)
        add_run_options(a, reps)
        a.add_argument("--params", default=None, metavar="KEY[,KEY...]",
                       help="analyse only these declared parameters (default: the 'evidence' "
                            "group)")
        a.add_argument("--include-local", action="store_true",
                       help="also vary the local population size (group 'local')")
        if name != "psa":  # the PSA reports every year
            a.add_argument("--year", type=int, default=None,
                           help="year whose cumulative outcomes are analysed (default: 5)")
        a.set_defaults(handler=main)
    analyses.choices["psa"].add_argument(
        "--draws", type=int, default=None,
        help="parameter draws (default: 100; every row of an unweighted --from-posterior file)")
    analyses.choices["psa"].add_argument(
        "--from-posterior", default=None, metavar="NAME|FILE",
        help="take parameter draws from a calibration posterior (shipped NAME, or NAME.csv with "
             "its NAME.json) drawn in proportion to its weights, or from any .csv/.parquet file "
             "with one column per parameter key (and optionally 'weight'), instead of the "
             "declared distributions")
    analyses.choices["sobol"].add_argument(
        "--n", type=int, default=64, help="Sobol base sample size, a power of 2; parameter sets "
        "= n x (parameters + 2) (default: %(default)s)")
    analyses.choices["morris"].add_argument(
        "--trajectories", type=int, default=20,
        help="Morris trajectories; parameter sets = trajectories x (parameters + 1) "
             "(default: %(default)s)")
    analyses.choices["morris"].add_argument("--levels", type=int, default=4,
                                            help="Morris grid levels (default: %(default)s)")


def selected(args) -> list[uncertain.Uncertain]:
    keys = [k.strip() for k in args.params.split(",") if k.strip()] if args.params else None
    groups = ("evidence", "local") if args.include_local else ("evidence",)
    return uncertain.select(keys, groups)


def psa_draws(args, params) -> tuple[pd.DataFrame, str]:
    """The PSA's parameter draws and a note of where they came from."""
    if args.draws is not None and args.draws < 2:
        raise PausesimError(f"--draws = {args.draws} is invalid: must be an integer >= 2")
    if args.from_posterior is None:
        return uncertain.sample(params, args.draws or 100, args.seed), "declared distributions"
    return uncertain.posterior_sample(args.from_posterior, args.draws, args.seed)


def main(args) -> int:
    check_run_options(args)
    scenario = load_scenario(args)
    params = selected(args)
    out = args.out or default_out(f"{scenario.name}-{args.analysis}")
    output.check_writable(out, args.force)
    with runner_options(args) as run_options:
        model = SimulationModel(scenario, args.reps, args.seed, run_options.pop("workers"),
                                run_options.pop("executor"), progress=args.progress,
                                run_options=run_options)
        result, shown, record = _analyse(args, scenario, params, model)
    from_declared = args.analysis != "psa" or args.from_posterior is None
    with output.atomic_folder(out, args.force) as folder:
        report.write(result, folder, record)
        if from_declared:
            output.write_table(uncertain.table(params), folder, "parameters")
    with pd.option_context("display.width", 160, "display.max_columns", 20,
                           "display.float_format", "{:,.4g}".format):
        print(shown.to_string(index=False))
    print(f"\nwrote {out}/ in {model.wall_seconds:.1f} s of simulation", file=sys.stderr)
    return 0


def _analyse(args, scenario, params, model):
    """Run the chosen analysis; return its result, the table to print and the run record."""
    record = {**report.scenario_record(scenario), "analysis": args.analysis, "seed": args.seed,
              "reps_per_parameter_set": args.reps, "workers": model.workers,
              "engine": args.engine}
    if args.analysis == "psa":
        draws, source = psa_draws(args, params)
        result = psa.psa(model, draws, args.band, source)
        record.update(draws=len(draws), draws_from=source, band=args.band)
        shown = result.probability_positive() if "net_cost_avoidance_discounted" in \
            model.outcomes else result.decomposition()
    elif args.analysis == "tornado":
        result = oneway.tornado(model, uncertain.base_values(scenario.values, params), params,
                                args.year)
        shown = result.table[["outcome", "rank", "parameter", "low_value", "high_value",
                              "low_effect", "high_effect", "swing"]]
    elif args.analysis == "sobol":
        result = sobol.sobol(model, params, args.n, args.seed, args.year)
        record.update(n=args.n, parameter_sets=result.sets)
        shown = result.table[["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]
    else:
        result = sobol.morris(model, params, args.trajectories, args.seed, args.levels, args.year)
        record.update(trajectories=args.trajectories, levels=args.levels,
                      parameter_sets=result.sets)
        shown = result.table[["outcome", "parameter", "mu_star", "mu_star_conf", "sigma"]]
    from_declared = args.analysis != "psa" or args.from_posterior is None
    record.update(wall_seconds=round(model.wall_seconds, 3),
                  uncertain_parameters=[u.key for u in params] if from_declared
                  else list(result.draws.columns))
    return result, shown, record

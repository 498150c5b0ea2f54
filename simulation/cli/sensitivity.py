"""``pausesim sensitivity``: PSA, tornado, Sobol, Morris and value of information of a scenario.

Every analysis is centred on the scenario: its calibrated parameters come from its calibration
posterior, the others from the registry's distributions around the scenario's own values; values
the scenario file or ``--set`` gives are not varied unless named with ``--params``. Each analysis
writes its tables (CSV + Parquet), figures, ``parameters.csv`` (what was varied, how, and any
warning) and ``run.json`` to --out, and prints its headline table.
"""

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
)
from simulation.core import output
from simulation.core.errors import PausesimError
from simulation.core.parameters import GROUPS
from simulation.sensitivity.analyses import ANALYSES, EVPPI_DEFAULTS, METHODS, SIZES, prepare


def add_parser(sub) -> None:
    p = sub.add_parser("sensitivity", help=COMMANDS["sensitivity"],
                       description="Uncertainty and sensitivity analyses of a scenario, centred "
                       "on it: calibrated parameters from its posterior, the others from the "
                       "registry's distributions around the scenario's values. What was varied, "
                       "how and why is in each output's parameters.csv.")
    analyses = p.add_subparsers(dest="analysis", metavar="ANALYSIS")
    analyses.required = True
    for name, analysis in ANALYSES.items():
        reps, help_text = analysis.reps, analysis.help
        a = analyses.add_parser(name, help=help_text, description=help_text)
        add_scenario_argument(a)
        add_run_options(a, reps, calibration=False,
                        reps_help="paired Monte Carlo replications per parameter set "
                                  "(default: %(default)s)")
        a.add_argument("--calibration", default=None, metavar="NAME|FILE|none",
                       help="calibration posterior of the calibrated parameters (default: the "
                            "scenario's own)")
        a.add_argument("--from-posterior", default=None, metavar="NAME|FILE",
                       help="vary only the parameters of this posterior (a shipped NAME, a "
                            "NAME.csv with its NAME.json, or a .csv/.parquet file of draws with "
                            "one column per parameter key and optionally 'weight'); declared "
                            "distributions only for keys named with --params")
        a.add_argument("--params", default=None, metavar="KEY[,KEY...]",
                       help="vary only these parameters (a value the scenario gives is varied "
                            "around it)")
        a.add_argument("--groups", default=None, metavar="GROUP[,GROUP...]",
                       help="vary only the parameters of these groups "
                            f"({', '.join(GROUPS)})")
        if not analysis.yearly:  # the PSA reports every year
            a.add_argument("--year", type=int, default=None,
                           help="year whose cumulative outcomes are analysed (default: 5, or "
                                "the last year of a shorter horizon)")
        if analysis.draws is not None:
            a.add_argument("--draws", type=int, default=analysis.draws,
                           help="parameter draws, each run for --reps replications (default: "
                                "%(default)s)")
        a.set_defaults(handler=main)
    e = analyses.choices["evppi"]
    e.add_argument("--lambda", dest="lambdas", default=None, metavar="START:STOP:STEP|L1,L2,...",
                   help="values of keeping one infant out of care, GBP per infant (0 = the "
                        "budget-only view); default 0:500000:25000")
    e.add_argument("--population", type=float, default=1.0,
                   help="decisions informed a year, over the scenario's horizon, discounted "
                        "(default: %(default)s)")
    e.add_argument("--single", action="store_true",
                   help="also each varied parameter on its own, besides the groups")
    e.add_argument("--method", choices=METHODS, default="auto",
                   help="regression: splines (up to 3 parameters) or a Gaussian process "
                        "(default: %(default)s)")
    e.add_argument("--bootstrap", type=int, default=200,
                   help="bootstrap resamples for the standard errors, 0 for none (default: "
                        "%(default)s)")
    analyses.choices["sobol"].add_argument(
        "--n", type=int, default=64, help="Sobol base sample size, a power of 2; parameter sets "
        "= n x (parameters + 2) (default: %(default)s)")
    analyses.choices["morris"].add_argument(
        "--trajectories", type=int, default=20,
        help="Morris trajectories; parameter sets = trajectories x (parameters + 1) "
             "(default: %(default)s)")
    analyses.choices["morris"].add_argument("--levels", type=int, default=4,
                                            help="Morris grid levels (default: %(default)s)")


def main(args) -> int:
    check_run_options(args)
    if args.calibration is not None and args.from_posterior is not None:
        raise PausesimError("--calibration and --from-posterior cannot be combined: give one")
    scenario = load_scenario(args)
    sizes = {k: getattr(args, k) for k in (*SIZES, "draws", "year") if hasattr(args, k)}
    voi = {k: getattr(args, k) for k in EVPPI_DEFAULTS if hasattr(args, k)}
    plan = prepare(args.analysis, scenario, args.reps, args.seed, args.band, args.params,
                   args.groups, args.from_posterior, **sizes, **voi)
    check_memory(plan.replications, plan.scenario, args.workers)
    out = args.out or default_out(f"{scenario.name}-{args.analysis}")
    output.check_writable(out, args.force, input_paths(args))
    for warning in plan.warnings:
        print(f"pausesim sensitivity: warning: {warning}", file=sys.stderr)
    with run_options(args) as options:
        outcome = plan.run(**options)
    outcome.save(out, args.force, input_paths(args), engine=args.engine)
    print(outcome.text())
    for line in outcome.warnings:
        print(f"pausesim: warning: {line}", file=sys.stderr)
    if plan.warnings:
        print(f"{len(plan.warnings)} warning(s): see run.json and parameters.csv",
              file=sys.stderr)
    print(f"\nwrote {out}/ in {outcome.model.wall_seconds:.1f} s of simulation", file=sys.stderr)
    return 0

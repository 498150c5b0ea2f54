"""``pausesim calibrate``: fit the uncertain parameters to the national evaluation and the
micro-evidence (Gaussian-process emulation + MCMC); write the posterior and its fit report.

With the defaults it reproduces the shipped posterior ``national`` (same seed, same settings, same
numbers whatever ``--workers``). ``--without T1`` (or any ``--targets`` choice) is one command;
``--compare DIR`` adds earlier calibrations to the report, ``--reference DIR`` names the
micro-evidence-only calibration against which "pushed outside the micro-evidence" is measured.
"""

from __future__ import annotations

import sys
from pathlib import Path

from simulation.cli import COMMANDS
from simulation.cli.common import capped_workers, default_out, safe_folder_name
from simulation.core import scenario as scenario_mod
from simulation.core.defaults import default_workers
from simulation.core.errors import PausesimError
from simulation.core.inputs import clip, name_list


def add_parser(sub) -> None:
    p = sub.add_parser("calibrate", help=COMMANDS["calibrate"],
                       description="Calibrate the uncertain parameters to the national evaluation "
                       "(T1, T2) and the micro-evidence by sequential Gaussian-process emulation "
                       "and MCMC; writes the posterior (NAME.csv "
                       "+ NAME.json), report.md with figures, and the predictive checks to --out. "
                       "Targets and priors are declared in calibration/targets.py and "
                       "calibration/priors.py.")
    p.add_argument("scenario", nargs="?", default=scenario_mod.DEFAULT_SCENARIO,
                   metavar="SCENARIO|FILE", help="scenario the targets refer to (default: "
                   "%(default)s)")
    p.add_argument("--targets", default="all", metavar="LIST",
                   help="comma-separated targets to fit: names, 'macro', 'micro' or 'all' "
                        "(default: all)")
    p.add_argument("--without", default=None, metavar="LIST",
                   help="targets to switch off, e.g. --without T1")
    p.add_argument("--parameters", default=None, metavar="LIST",
                   help="comma-separated parameter keys to calibrate (default: every declared "
                        "prior); the others keep the scenario's values")
    p.add_argument("--name", default=None,
                   help="posterior name (default: the scenario's, with the targets left out)")
    p.add_argument("--budget", type=int, default=None, metavar="SETS",
                   help="parameter sets to simulate in all, split 40%% for the first wave and "
                        "the rest evenly over the later ones (default: 1000 = 400 + 2 x 300)")
    p.add_argument("--waves", type=int, default=None, help="design waves (default: 3)")
    p.add_argument("--reps-per-point", type=int, default=None,
                   help="paired replications pooled at each parameter set (default: 100)")
    p.add_argument("--steps", type=int, default=None,
                   help="MCMC steps per walker on the emulators (default: 1000)")
    p.add_argument("--posterior-size", type=int, default=None,
                   help="draws kept in the posterior (default: 1000)")
    p.add_argument("--seed", type=int, default=None, help="random seed")
    p.add_argument("--workers", type=int, default=min(2, default_workers()),
                   help="local worker processes; results do not depend on it (default: "
                        "%(default)s)")
    p.add_argument("--check-draws", type=int, default=200,
                   help="posterior draws simulated for the fit report (default: %(default)s)")
    p.add_argument("--check-reps", type=int, default=100,
                   help="replications per draw in the fit report (default: %(default)s)")
    p.add_argument("--compare", type=Path, action="append", default=[], metavar="DIR",
                   help="an earlier 'pausesim calibrate' output to compare with (repeatable)")
    p.add_argument("--reference", type=Path, default=None, metavar="DIR",
                   help="the micro-evidence-only calibration ('--targets micro') to measure "
                        "against")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: results/calibration-<name>-<date-time>)")
    p.add_argument("--force", action="store_true",
                   help="replace --out if it holds an earlier pausesim output")
    p.add_argument("--no-progress", dest="progress", action="store_false", default=True,
                   help="no progress display")
    p.set_defaults(handler=main)


def settings_from(args):
    """The calibration settings the options describe (defaults: the shipped calibration)."""
    from calibration import targets as targets_mod
    from calibration.emulate import MAX_SIZE, Settings

    parameters = name_list("--parameters", args.parameters)
    chosen = targets_mod.select(name_list("--targets", args.targets),
                                name_list("--without", args.without) or ())
    scenario = scenario_mod.load(args.scenario)
    given = {k: v for k, v in (("waves", args.waves), ("reps_per_point", args.reps_per_point),
                               ("steps", args.steps), ("posterior_size", args.posterior_size),
                               ("seed", args.seed)) if v is not None}
    if args.budget is not None:
        if args.budget > MAX_SIZE:
            raise PausesimError(f"--budget = {clip(str(args.budget))} is invalid: at most "
                                f"{MAX_SIZE:,} parameter sets")
        waves = given.get("waves", Settings.waves)
        first = args.budget if waves == 1 else round(0.4 * args.budget)
        later = (args.budget - first) // max(1, waves - 1)
        if first < 20 or (waves > 1 and later < 10):
            raise PausesimError(f"--budget = {args.budget} is invalid: the first wave needs at "
                                "least 20 parameter sets (40% of the budget) and each later wave "
                                "at least 10")
        given.update(initial_points=first, points_per_wave=later if waves > 1 else 10)
    from calibration import priors as priors_mod

    names = tuple(t.name for t in chosen)
    keys = [p.key for p in priors_mod.select(parameters)] if parameters else None
    name = args.name if args.name is not None else default_name(scenario.name, names)
    settings = Settings.for_targets(names, keys, name=name, scenario=args.scenario, **given)
    if settings.direct_only:
        print("calibrate: no macro target: the system effect is fixed at 0 (direct effects "
              "only)", file=sys.stderr)
    settings.check()
    return settings


def default_name(scenario: str, names: tuple[str, ...]) -> str:
    """``national`` for every target, ``national-micro`` for the micro targets, else the
    scenario's name with the targets left out (``national-no-T1``)."""
    from calibration import targets as targets_mod

    scenario = safe_folder_name(scenario)  # the name of files: no folders, spaces or dots first
    every = tuple(t.name for t in targets_mod.TARGETS)
    if names == every:
        return scenario
    other = [t.name for t in targets_mod.ALTERNATIVES if t.name in names]
    if other and set(names) - set(other) | {t.rsplit("-", 1)[0] for t in other} == set(every):
        return f"{scenario}-" + "-".join(other)  # another reading in place of a target
    if set(names) == set(targets_mod.MICRO):
        return f"{scenario}-micro"
    missing = [n for n in every if n not in names]
    if len(missing) <= 2:
        return f"{scenario}-no-" + "-".join(missing)
    return f"{scenario}-" + "-".join(names)


def main(args) -> int:
    if args.workers < 1:
        raise PausesimError(f"--workers = {args.workers} is invalid: must be an integer >= 1")
    for label, value in (("--check-draws", args.check_draws), ("--check-reps", args.check_reps)):
        if value < 1:
            raise PausesimError(f"{label} = {value} is invalid: must be an integer >= 1")
    settings = settings_from(args)
    out = args.out or Path(str(default_out(f"calibration-{settings.name}")))
    from calibration import workflow
    from calibration.emulate import reproduce_line

    compare = [workflow.load_outcome(c) for c in args.compare]
    reference = workflow.load_outcome(args.reference) if args.reference else None
    from simulation.cli.common import input_paths
    from simulation.core import output

    output.check_writable(out, args.force, input_paths(args))
    args.workers = capped_workers("--workers", args.workers)
    print(f"calibrating {settings.name!r}: {len(settings.parameters)} parameters, targets "
          f"{', '.join(settings.targets)}; {settings.waves} waves ({settings.initial_points}, then "
          f"{settings.points_per_wave} parameter sets), {settings.reps_per_point} replications "
          f"each; {args.workers} worker(s)", file=sys.stderr)
    outcome = workflow.run(settings, out, workers=args.workers, force=args.force,
                           progress=args.progress,
                           checks=workflow.CheckSettings(
                               args.check_draws, args.check_reps,
                               min(2000, args.check_draws * args.check_reps)),
                           compare=compare, reference=reference,
                           reproduce=[reproduce_line(settings, out, args.compare,
                                                     args.reference)])
    meta = outcome.posterior.meta
    print(outcome.posterior.note())
    print(f"{meta['parameter_sets_simulated']} parameter sets ({meta['replications_simulated']} "
          f"replications) in {meta['wall_seconds'] / 60:.1f} min")
    table = outcome.predictive.table(calibrated=outcome.posterior.targets)
    print(table[["target", "calibrated", "value", "interval90_lo", "interval90_hi",
                 "simulated_mean", "expected_lo", "expected_hi",
                 "expected_band_covers_target"]].round(3).to_string(index=False))
    print(outcome.posterior.summary().round(4).to_string())
    print(f"\nwrote {out}/ ({settings.name}.csv, {settings.name}.json, report.md, figures)",
          file=sys.stderr)
    return 0



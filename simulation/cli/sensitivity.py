"""``pausesim sensitivity``: PSA, tornado, Sobol, Morris and value of information of a scenario.

Every analysis is centred on the scenario: its calibrated parameters come from its calibration
posterior, the others from the registry's distributions around the scenario's own values; values
the scenario file or ``--set`` gives are not varied unless named with ``--params``. Each analysis
writes its tables (CSV + Parquet), figures, ``parameters.csv`` (what was varied, how, and any
warning) and ``run.json`` to --out, and prints its headline table.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

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
from simulation.core.inputs import clip
from simulation.core.uncertainty import GROUPS
from simulation.results.precision import net_saving_warning
from simulation.sensitivity import draws as draws_mod
from simulation.sensitivity import evppi, oneway, psa, report, sobol, varied
from simulation.sensitivity.metamodel import METHODS
from simulation.sensitivity.model import INFANTS, NET, SimulationModel, pick_year, scenario_years
from simulation.sensitivity.psa_outcomes import MAX_LAMBDAS

ANALYSES = {  # name: (help, default reps)
    "psa": ("probabilistic sensitivity analysis: parameter draws x replications", 20),
    "tornado": ("one-way sensitivity: each parameter at its 5th and 95th percentile", 200),
    "sobol": ("Sobol indices (SALib, Saltelli sampling) with confidence intervals", 4),
    "morris": ("Morris elementary-effects screening (SALib)", 4),
    "evppi": ("value of information of funding the practice: EVPI, EVPPI by parameter group, "
              "cost-effectiveness plane and acceptability curve", 20),
}
DEFAULT_DRAWS = {"psa": 200, "evppi": 1000}


def add_parser(sub) -> None:
    p = sub.add_parser("sensitivity", help="PSA, tornado, Sobol, Morris and value of information",
                       description="Uncertainty and sensitivity analyses of a scenario, centred "
                       "on it: calibrated parameters from its posterior, the others from the "
                       "registry's distributions around the scenario's values. What was varied, "
                       "how and why is in each output's parameters.csv.")
    analyses = p.add_subparsers(dest="analysis", metavar="ANALYSIS")
    analyses.required = True
    for name, (help_text, reps) in ANALYSES.items():
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
        if name != "psa":  # the PSA reports every year
            a.add_argument("--year", type=int, default=None,
                           help="year whose cumulative outcomes are analysed (default: 5, or "
                                "the last year of a shorter horizon)")
        if name in DEFAULT_DRAWS:
            a.add_argument("--draws", type=int, default=DEFAULT_DRAWS[name],
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


def parse_lambdas(text: str | None):
    """``START:STOP:STEP`` (inclusive) or ``L1,L2,...`` (GBP per infant kept out of care)."""
    if text is None:
        return None
    try:
        if ":" in text:
            start, stop, step = (float(x) for x in text.split(":"))
            if not step > 0 or stop < start:
                raise ValueError
            count = (stop - start) / step + 1
            values = None if count > MAX_LAMBDAS else np.arange(start, stop + step / 2, step)
        else:
            values = [float(x) for x in text.split(",") if x.strip()]
            count = len(values)
    except ValueError:
        raise PausesimError(f"--lambda {clip(text)!r} is invalid: must be START:STOP:STEP with "
                            "STEP > 0 and STOP >= START, or numbers separated by commas (GBP per "
                            "infant kept out of care)") from None
    if count > MAX_LAMBDAS:
        raise PausesimError(f"--lambda {clip(text)!r} is invalid: {count:,.0f} values, at most "
                            f"{MAX_LAMBDAS:,} (use a larger STEP)")
    return values


def view_line(scenario) -> str:
    """Which view an analysis is of: its calibration, and what that means for the system
    effect (``pausesim run`` shows both views; an analysis varies one scenario)."""
    from simulation.core import posterior

    if scenario.calibration is None:
        return (f"View: the scenario as given, no calibration (system effect "
                f"{scenario['authority.system_effect_per_year']:g} a year).")
    post = posterior.load(scenario.calibration)
    p0 = posterior.p_no_effect(post)
    if p0 is None:
        return (f"View: calibration {scenario.calibration!r}, no system effect calibrated "
                f"({scenario['authority.system_effect_per_year']:g} a year): the base case "
                "when it is 0.")
    return (f"View: calibration {scenario.calibration!r}, the authority-wide calibration, with "
            f"its whole posterior: futures with a system effect and, with probability "
            f"{p0:.0%}, without (the base case: --calibration national-micro).")


def main(args) -> int:
    check_run_options(args)
    if args.calibration is not None and args.from_posterior is not None:
        raise PausesimError("--calibration and --from-posterior cannot be combined: give one")
    scenario = load_scenario(args)
    scalar = args.analysis in ("tornado", "sobol", "morris")
    selection = varied.select(scenario, args.params, args.groups, args.from_posterior, scalar)
    year = None if args.analysis == "psa" else pick_year(scenario_years(scenario), args.year)
    checked = _check(args, selection)
    check_memory(_replications(args, selection), selection.scenario, args.workers)
    out = args.out or default_out(f"{scenario.name}-{args.analysis}")
    output.check_writable(out, args.force, input_paths(args))
    for warning in selection.warnings:
        print(f"pausesim sensitivity: warning: {warning}", file=sys.stderr)
    with run_options(args) as options:
        model = SimulationModel(selection.scenario, args.reps, args.seed, options["engine"],
                                options["workers"], options["executor"], options["progress"],
                                options["checkpoint"])
        result, shown = _analyse(args, selection, model, year, checked)
    record = {**report.scenario_record(selection.scenario), "analysis": args.analysis,
              "seed": args.seed, "reps_per_parameter_set": args.reps, "engine": args.engine,
              "workers": model.workers, "band": args.band,
              **({"year": year} if year is not None else {}),
              "outcomes": dict(zip(model.outcomes, model.units)),
              "replications_simulated": model.replications,
              "wall_seconds": round(model.wall_seconds, 3), **_sizes(args, result)}
    report.save(result, out, record, args.force, selection, input_paths(args))
    print(view_line(selection.scenario))
    with pd.option_context("display.width", 160, "display.max_columns", 20,
                           "display.max_colwidth", 48, "display.float_format", "{:,.4g}".format):
        print(shown.to_string(index=False))
    if selection.warnings:
        print(f"{len(selection.warnings)} warning(s): see run.json and parameters.csv",
              file=sys.stderr)
    print(f"\nwrote {out}/ in {model.wall_seconds:.1f} s of simulation", file=sys.stderr)
    return 0


def _replications(args, selection) -> int:
    """Replications the analysis will simulate (for the memory check)."""
    scalar = len(selection.scalar().varied)
    sets = {"psa": getattr(args, "draws", 0), "evppi": getattr(args, "draws", 0),
            "tornado": 1 + 2 * scalar,
            "sobol": getattr(args, "n", 0) * (scalar + 2),
            "morris": getattr(args, "trajectories", 0) * (scalar + 1)}[args.analysis]
    return max(1, sets) * args.reps


def _check(args, selection):
    """Analysis options judged before anything is simulated."""
    if args.analysis == "psa":
        psa.check_sizes(args.draws, args.reps)
    elif args.analysis == "evppi":
        psa.check_sizes(args.draws, args.reps)
        return evppi.check(selection, args.draws, parse_lambdas(args.lambdas), args.population,
                           args.single, args.method, args.bootstrap)
    elif args.analysis == "sobol":
        sobol.check_options(selection, n=args.n)
    elif args.analysis == "morris":
        sobol.check_options(selection, trajectories=args.trajectories, levels=args.levels)
    return None


def _sizes(args, result) -> dict:
    if args.analysis in DEFAULT_DRAWS:
        return {"draws": args.draws}
    if args.analysis == "sobol":
        return {"n": args.n, "parameter_sets": result.sets}
    if args.analysis == "morris":
        return {"trajectories": args.trajectories, "levels": args.levels,
                "parameter_sets": result.sets}
    return {"parameter_sets": 1 + 2 * len(result.table.parameter.unique())}


def _analyse(args, selection, model, year, checked):
    """Run the chosen analysis; return its result and the table to print."""
    if args.analysis in ("psa", "evppi"):
        sets = draws_mod.sample(selection, args.draws, args.seed)
        result = psa.psa(model, sets, args.band)
        if args.analysis == "psa":
            return result, _psa_shown(result)
        analysis = evppi.analyse(result, checked, year, selection.scenario, args.seed,
                                 args.progress)
        return analysis, _evppi_shown(analysis)
    if args.analysis == "tornado":
        result = oneway.tornado(model, selection, year)
        shown = result.table[["outcome", "rank", "parameter", "low_value", "base_value",
                              "high_value", "low_effect", "high_effect", "largest_deviation"]]
        return result, shown
    if args.analysis == "sobol":
        result = sobol.sobol(model, selection, args.n, args.seed, year)
        return result, result.table[["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]]
    result = sobol.morris(model, selection, args.trajectories, args.seed, args.levels, year)
    return result, result.table[["outcome", "parameter", "mu_star", "mu_star_conf", "sigma"]]


def _psa_shown(result) -> pd.DataFrame:
    p = result.probability_positive()
    d = result.decomposition()
    rows = []
    for year in result.years:
        row = {"year": year}
        for name, label in ((INFANTS, "infants kept out of care"), (NET, "net (GBP m, disc.)")):
            r = d[(d.outcome == name) & (d.year == year)].iloc[0]
            scale = 1e-6 if name == NET else 1.0
            row[label] = f"{r['mean'] * scale:.2f} [{r['lo'] * scale:.2f}, {r['hi'] * scale:.2f}]"
            row[f"{label}: parameter share"] = f"{r['share_parameter']:.0%}"
        q = p[p.year == year].iloc[0]
        row["P(net saving)"] = f"{q['probability']:.1%} (s.e. {q['standard_error']:.1%})"
        o = result.outcomes.index(NET)
        t = list(result.years).index(year)
        values = result.values[:, :, o, t]
        warning = net_saving_warning((values > 0).ravel(),
                                     np.repeat(np.arange(values.shape[0]), values.shape[1]),
                                     f"by the end of year {year}")
        if warning and year == result.years[-1]:
            print(f"pausesim: warning: {warning}", file=sys.stderr)
        rows.append(row)
    return pd.DataFrame(rows)


def _evppi_shown(analysis, most: int = 15) -> pd.DataFrame:
    """EVPI and the EVPPI of each group (largest first) at three values of λ, per decision."""
    from simulation.results import format as fmt

    evpi, table = analysis.result.evpi, analysis.result.evppi
    lambdas = evpi["lambda"].to_numpy()
    picks = sorted({float(lambdas[0]), float(lambdas[len(lambdas) // 2]), float(lambdas[-1])})

    def cell(value, se):
        return f"{fmt.money(value)} (s.e. {fmt.money(se)})"

    rows = [{"per decision": "EVPI (all parameters)",
             **{f"λ = {fmt.money(lam)}": cell(*evpi.loc[evpi["lambda"] == lam,
                                                         ["evpi_per_decision",
                                                          "standard_error"]].iloc[0])
                for lam in picks}}]
    order = table.groupby("parameter_group", sort=False).evppi_per_decision.max() \
        .sort_values(ascending=False).index[:most]
    for group in order:
        part = table[table.parameter_group == group]
        rows.append({"per decision": f"EVPPI: {group}",
                     **{f"λ = {fmt.money(lam)}": cell(*part.loc[part["lambda"] == lam,
                                                                 ["evppi_per_decision",
                                                                  "standard_error"]].iloc[0])
                        for lam in picks}})
    decision = {f"λ = {fmt.money(lam)}": evpi.loc[evpi["lambda"] == lam,
                                                  "optimal_decision"].iloc[0] for lam in picks}
    rows.append({"per decision": "decision on expected net benefit", **decision})
    return pd.DataFrame(rows)

"""``pausesim run``: Monte Carlo run of one scenario; prints a summary and writes the results."""

from __future__ import annotations

import sys

import pandas as pd

from simulation.core import output
from simulation.results import figures as plots, summary
from simulation import runner
from simulation.results.costs import price_label
from simulation.cli.common import (add_run_options, add_scenario_argument, check_run_options, default_out, load_scenario, runner_options)

DEFAULT_REPS = 1000
PROVISIONAL = ("parameters are provisional evidence-based defaults, not calibrated to the national "
               "evaluation's targets (see docs/model.md)")
DEFAULT_DRAWS = 100
POSTERIOR_KEYS = ("posterior", "posterior_source", "draws", "reps_per_draw",
                  "kept_from_scenario")


def parameter_note(result: runner.MonteCarloResult) -> str:
    """Where the run's parameters come from: a posterior's draws, a calibration's point estimate,
    or the provisional defaults (:data:`PROVISIONAL`)."""
    if result.extra.get("posterior"):
        return (f"{result.extra['draws']} parameter sets drawn from the posterior "
                f"({result.extra['reps_per_draw']} replications each): the ranges include "
                f"parameter uncertainty; {result.extra['posterior_note']}")
    return scenario_note(result.scenario)


def scenario_note(scenario) -> str:
    """Where a scenario's own values come from: a calibration's point estimate, or the provisional
    defaults (:data:`PROVISIONAL`)."""
    if scenario.calibration:
        from simulation.core import posterior

        return f"point estimate of the calibration; {posterior.load(scenario.calibration).note()}"
    return PROVISIONAL


def add_parser(sub) -> None:
    p = sub.add_parser("run", help="simulate a scenario (default: national)",
                       description="Simulate a scenario: paired replications with and without the "
                       "programme. Prints a summary and writes summary.csv, tables, figures and "
                       "run.json to --out.")
    add_scenario_argument(p)
    add_run_options(p, DEFAULT_REPS)
    p.add_argument("--events", action="store_true",
                   help="also write every woman's events (events.parquet; large for many reps)")
    p.add_argument("--posterior", nargs="?", const="", default=None, metavar="NAME|FILE",
                   help="probabilistic run: draw parameter sets from a calibration posterior "
                        "(default: the scenario's calibration, else 'national'); the --reps "
                        "replications are shared among --draws sets; values the scenario file or "
                        "--set gives explicitly are kept")
    p.add_argument("--draws", type=int, default=DEFAULT_DRAWS,
                   help="parameter sets drawn with --posterior (default: %(default)s)")
    p.set_defaults(handler=main)


def main(args) -> int:
    check_run_options(args)
    scenario = load_scenario(args)
    out = args.out or default_out(scenario.name)
    output.check_writable(out, args.force)
    draws, extra = posterior_draws(args, scenario)
    reps = args.reps if draws is None else -(-args.reps // len(draws))
    with runner_options(args) as options:
        result = runner.run(scenario, reps, args.seed, progress=args.progress,
                            keep_events=args.events, parameter_sets=draws, **options)
    result.extra.update(extra)
    table = summary.summary_table(result, args.band)
    with output.atomic_folder(out, args.force) as folder:
        write_run(result, table, folder, args.band)
    print(format_summary(table, result))
    print(f"\nwrote {out}/ (summary.csv, tables, figures, run.json) in {result.wall_seconds:.1f} s",
          file=sys.stderr)
    return 0


def posterior_draws(args, scenario) -> tuple[list | None, dict]:
    """``--posterior``: the parameter sets to run, less what the scenario sets explicitly."""
    if args.posterior is None:
        return None, {}
    from simulation.core import posterior

    from simulation.core.errors import PausesimError
    from simulation.core.parameters import BY_KEY

    if args.draws < 1:
        raise PausesimError(f"--draws = {args.draws} is invalid: must be an integer >= 1")
    post = posterior.load(args.posterior or scenario.calibration or "national")
    own = {k for k, src in scenario.sources.items()
           if src != BY_KEY[k].source and not src.startswith("calibration ")}
    draws = [{k: v for k, v in d.items() if k not in own}
             for d in post.draws(args.draws, args.seed)]
    kept = sorted(own & set(post.keys))
    if kept:
        print(f"--posterior: keeping the scenario's own values of {', '.join(kept)}",
              file=sys.stderr)
    return draws, {"posterior": post.name, "posterior_note": post.note(),
                   "posterior_source": args.posterior or post.name, "draws": len(draws),
                   "reps_per_draw": -(-args.reps // len(draws)), "kept_from_scenario": kept}


def write_run(result: runner.MonteCarloResult, table: pd.DataFrame, folder, band: float) -> None:
    """Every output file of a run, into ``folder``."""
    output.write_table(table, folder, "summary")
    output.write_table(summary.monthly_bands(result, band), folder, "monthly_bands")
    output.write_table(summary.replication_table(result), folder, "replications")
    output.write_table(summary.replication_monthly_table(result), folder, "replications_monthly",
                       csv=False)
    if result.events is not None:
        output.write_table(result.events, folder, "events", csv=False)
    (folder / "scenario.toml").write_text(result.scenario.to_toml())
    plots.save_all(result, folder, band)
    output.write_json(folder / "run.json", output.provenance(
        scenario=result.scenario.name, scenario_origin=result.scenario.origin,
        scenario_digest=result.scenario.digest(), seed=result.seed, reps=result.reps,
        workers=result.workers, engine=result.engine, band=band,
        wall_seconds=round(result.wall_seconds, 3), note=parameter_note(result),
        calibration=result.scenario.calibration,
        **{k: result.extra[k] for k in POSTERIOR_KEYS if k in result.extra},
        parameters=dict(result.scenario.values)))


def _row(table: pd.DataFrame, metric: str, period: str) -> pd.Series:
    return table[(table.metric == metric) & (table.period == period)].iloc[0]


def format_summary(table: pd.DataFrame, result: runner.MonteCarloResult) -> str:
    """A readable summary of the headline figures."""
    band = table.band.iloc[0]
    sc = result.scenario
    years = sorted({p for p in table.period if p.startswith("year_")}, key=lambda p: int(p[5:]))
    last = years[-1]
    lines = [f"pausesim {result.version} | scenario {sc.name} | seed {result.seed} | "
             f"{result.reps} paired replications | capacity {sc.capacity} women",
             f"Note: {parameter_note(result)}.",
             f"Ranges: central {band:.0%} of simulated futures (mean; median [lo, hi]).", ""]

    def fmt(metric, period, money=False):
        r = _row(table, metric, period)[["mean", "median", "lo", "hi"]] + 0.0  # no "-0"
        if money:
            return (f"£{r['mean'] / 1e6:7.2f}m; £{r['median'] / 1e6:.2f}m "
                    f"[£{r['lo'] / 1e6:.2f}m, £{r['hi'] / 1e6:.2f}m]")
        return f"{r['mean']:6.1f}; {r['median']:.0f} [{r['lo']:.0f}, {r['hi']:.0f}]"

    lines.append("Infants kept out of care")
    if "month_21" in set(table.period):
        lines.append(f"  first 21 months            {fmt('infants_avoided_cumulative', 'month_21')}")
    for y in years:
        lines.append(f"  in {y.replace('_', ' '):<24}{fmt('infants_avoided_in_year', y)}")
    lines.append(f"  cumulative to {last.replace('_', ' '):<13}{fmt('infants_avoided_cumulative', last)}")
    lines += ["", f"To {last.replace('_', ' ')}"]
    for label, metric in (("care entries, programme", "care_entries_programme_cumulative"),
                          ("care entries, no programme", "care_entries_counterfactual_cumulative"),
                          ("pregnancies, programme", "pregnancies_programme_cumulative"),
                          ("pregnancies, no programme", "pregnancies_counterfactual_cumulative"),
                          ("women enrolled", "women_enrolled_cumulative"),
                          ("women completed", "women_completed_cumulative")):
        lines.append(f"  {label:<27}{fmt(metric, last)}")
    lines += ["", f"Costs, cumulative ({price_label(sc)}, discounted at "
              f"{sc['costs.discount_rate_per_year']:.1%})"]
    for y in years:
        lines.append(f"  {y.replace('_', ' ')}: cost avoided "
                     f"{fmt('cost_avoided_cumulative_discounted', y, True)}")
        lines.append(f"          net cost avoidance "
                     f"{fmt('net_cost_avoidance_cumulative_discounted', y, True)}; "
                     f"P(net saving) {_row(table, 'probability_net_saving_discounted', y)['mean']:.0%}")
    be = _row(table, "break_even_month_discounted", "horizon")
    lines.append(f"  programme cost to {last.replace('_', ' ')}: "
                 f"£{_row(table, 'programme_cost_cumulative_discounted', last)['mean'] / 1e6:.2f}m; "
                 f"break-even month (median): "
                 f"{'not within horizon' if be['median'] == float('inf') else int(be['median'])}")
    return "\n".join(lines)

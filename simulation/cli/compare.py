"""``pausesim compare``: scenarios and parameter variants side by side, under common random
numbers, with paired differences from the first option."""

from __future__ import annotations

import sys

import pandas as pd

from simulation.core import output
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.sensitivity import compare, report
from simulation.cli.common import (add_run_options, check_run_options, default_out, parse_override, runner_options)

DEFAULT_REPS = 500


def add_parser(sub) -> None:
    p = sub.add_parser(
        "compare", help="compare scenarios or parameter variants (common random numbers)",
        description="Run several scenarios and/or variants with the same seed, so replication r of "
        "every option simulates the same women with the same random numbers; report each option "
        "and its paired difference from the first. Example: pausesim compare national "
        "--variant 'caseload 6' practice.caseload_per_practitioner=6 "
        "--variant '4 practitioners' practice.practitioners=4")
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO|FILE",
                   help="built-in scenario names or .toml files (default: national); the first "
                        "is the reference")
    p.add_argument("--variant", dest="variants", action="append", nargs="+", default=[],
                   metavar="LABEL [SECTION.NAME=VALUE ...]",
                   help="an option made from the first scenario with these overrides "
                        "(repeatable), e.g. --variant 'caseload 6' "
                        "practice.caseload_per_practitioner=6")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="SECTION.NAME=VALUE",
                   help="override one parameter in every option (repeatable)")
    add_run_options(p, DEFAULT_REPS)
    p.set_defaults(handler=main)


def options(args) -> list[tuple[str, scenario_mod.Scenario]]:
    """The (label, scenario) options named on the command line, reference first."""
    common = dict(parse_override(text) for text in args.overrides)
    out = []
    for ref in args.scenarios or [scenario_mod.DEFAULT_SCENARIO]:
        sc = scenario_mod.load(ref)
        out.append((sc.name, sc.with_overrides(common, source="--set on the command line")))
    base = out[0][1]
    for variant in args.variants:
        label, *items = variant
        if "=" in label:  # no label given: name it by its overrides
            label, items = " ".join(variant), variant
        if not items:
            raise PausesimError(f"--variant {label!r} is invalid: give at least one "
                                "SECTION.NAME=VALUE after the label")
        values = dict(parse_override(text) for text in items)
        out.append((label, base.with_overrides(values, name=label,
                                               source=f"--variant {label!r}")))
    return out


def main(args) -> int:
    check_run_options(args)
    opts = options(args)
    out = args.out or default_out(f"compare-{opts[0][1].name}")
    output.check_writable(out, args.force)
    with runner_options(args) as run_options:
        result = compare.compare(opts, args.reps, args.seed, band=args.band,
                                 progress=args.progress, **run_options)
    workers = run_options["workers"]
    record = {"analysis": "compare", "seed": args.seed, "reps": args.reps,
              "workers": workers, "engine": args.engine, "band": args.band,
              "wall_seconds": round(result.wall_seconds, 3),
              "options": [{"label": label, **report.scenario_record(sc)}
                          for label, sc in zip(result.labels, result.scenarios)]}
    report.save(result, out, record, args.force)
    print(format_comparison(result))
    print(f"\nwrote {out}/ (comparison.csv, options.csv, comparison.png, run.json) in "
          f"{result.wall_seconds:.1f} s", file=sys.stderr)
    return 0


def format_comparison(result: compare.ComparisonResult) -> str:
    """The headline metrics at the last common period, one line per option."""
    table = result.table()
    period = result.periods[-1]
    rows = []
    for label in result.labels:
        row = {"option": label}
        for metric, scale, name in (("infants_avoided_cumulative", 1.0, "infants avoided"),
                                    ("net_cost_avoidance_discounted_cumulative", 1e-6,
                                     "net £m (disc.)")):
            r = table[(table.option == label) & (table.metric == metric)
                      & (table.period == period)].iloc[0]
            row[name] = (f"{r['mean'] * scale:.2f} [{r['lo'] * scale:.2f}, "
                         f"{r['hi'] * scale:.2f}]")
            row[f"{name}: difference"] = (f"{r['difference_mean'] * scale:+.2f} "
                                          f"({r['difference_ci_lo'] * scale:+.2f}, "
                                          f"{r['difference_ci_hi'] * scale:+.2f})")
        rows.append(row)
    head = (f"{result.reps} common-random-number replications, seed {result.seed}; to "
            f"{period.replace('_', ' ')}: mean [central {result.band:.0%} of futures]; "
            f"difference from {result.labels[0]}: mean ({result.conf:.0%} CI, paired)")
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        return head + "\n" + pd.DataFrame(rows).to_string(index=False)

"""``pausesim compare``: scenarios and parameter variants side by side, with the same parameter
draws and the same random numbers, and paired differences from the first option."""

from __future__ import annotations

import sys

from simulation.cli import COMMANDS
from simulation.cli.common import (
    HORIZON,
    add_run_options,
    check_memory,
    check_run_options,
    default_out,
    horizon_months,
    input_paths,
    parse_overrides,
    run_options,
    uncertainty,
    warn_about,
    writing,
)
from simulation.core import inputs, output
from simulation.core import scenario as scenario_mod
from simulation.core.errors import PausesimError
from simulation.core.scenario import Scenario

DEFAULT_REPS = 500


def add_parser(sub) -> None:
    p = sub.add_parser(
        "compare", help=COMMANDS["compare"],
        description="Simulate several scenarios and/or variants together: the calibrated "
        "parameters take the same posterior draws in every option and replication r of every "
        "option meets the same women and random numbers, so the per-replication difference from "
        "the first option is due to the options alone. Writes the options appraisal of both "
        "views (options.html, options.docx, options.xlsx: costs, infants kept out of care, "
        "NPV, BCR, P(net saving) and paired differences) beside the tables and figures. "
        "Example: pausesim compare dorset-2022 "
        "--variant 'no action' practice.operates=false "
        "--variant 'caseload 6' practice.caseload_per_practitioner=6")
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO|FILE",
                   help="built-in scenario names or .toml/.xlsx files (default: national); the "
                        "first is the reference")
    p.add_argument("--variant", dest="variants", action="append", nargs="+", default=[],
                   metavar="LABEL [SECTION.NAME=VALUE ...]",
                   help="an option made from the first scenario with these overrides "
                        "(repeatable), e.g. --variant 'caseload 6' "
                        "practice.caseload_per_practitioner=6")
    p.add_argument("--set", dest="overrides", action="append", default=[],
                   metavar="SECTION.NAME=VALUE",
                   help="override one parameter in every option (repeatable)")
    add_run_options(p, DEFAULT_REPS,
                    reps_help="paired Monte Carlo replications per option (the same in every "
                              "option), rounded up to a whole number per parameter draw "
                              "(default: %(default)s)")
    p.set_defaults(handler=main)


def options(args) -> list[tuple[str, Scenario]]:
    """The (label, scenario) options named on the command line, reference first."""
    from simulation.results import study

    common = parse_overrides(args.overrides)
    horizon = horizon_months(args)
    if horizon is not None:
        if HORIZON in common:
            raise PausesimError(f"--horizon-months and --set {HORIZON} are both given: give one")
        common[HORIZON] = horizon
    out = []
    for ref in args.scenarios or [scenario_mod.DEFAULT_SCENARIO]:
        sc = study.load(ref, args.calibration, common or None)
        out.append((sc.name, sc))
    base = out[0][1]
    for variant in args.variants:
        label, *items = variant
        if "=" in label:  # no label given: name it by its overrides
            label, items = " ".join(variant), variant
        if not label.strip():
            raise PausesimError(f"--variant {label!r} is invalid: give a label (repeated labels "
                                "are numbered: 'x', 'x (2)')")
        inputs.check_text(label, "--variant label")
        if not items:
            raise PausesimError(f"--variant {label!r} is invalid: give at least one "
                                "SECTION.NAME=VALUE after the label")
        values = parse_overrides(items, option=f"--variant {label!r}")
        out.append((label, base.with_overrides(values, name=label,
                                               source=f"--variant {label!r}")))
    return out


def main(args) -> int:
    from simulation.report import options as options_mod
    from simulation.sensitivity import analyses, analysis_files
    from simulation.sensitivity.option_comparison_text import format_views

    check_run_options(args)
    opts = options(args)
    analyses.check_compare(opts)
    for label, sc in opts:
        warn_about(sc)
        for line in scenario_mod.fixed_total_with_other_staff(opts[0][1], sc, label):
            print(f"pausesim: warning: {line}", file=sys.stderr)
    check_memory(args.reps * len(opts), opts[0][1], args.workers)
    out = args.out or default_out(f"compare-{opts[0][1].name}")
    output.check_writable(out, args.force, input_paths(args))
    with run_options(args) as run:
        both = analyses.compare_views(
            opts, args.reps, args.seed, uncertainty=uncertainty(args), draws=args.draws,
            engine=run["engine"], workers=run["workers"], executor=run["executor"],
            progress=run["progress"], band=args.band, checkpoint=run["checkpoint"])
    writing(out, 2 * args.reps * len(opts))
    with output.atomic_folder(out, args.force, input_paths(args)) as folder:
        figures = {}
        for name, result in both.items():
            where = folder if name == "base" else folder / "authority-wide"
            where.mkdir(exist_ok=True)
            written = analysis_files.write(result, where, _record(args, result, name))
            figures[name] = {f: (where / f).read_bytes() for f in written if f.endswith(".png")}
        # the options appraisal (both views) as HTML, Word and Excel, from the same tables
        appraisal = options_mod.write(both, folder, figures,
                                      output.provenance(**_record(args, both["base"], "base")))
    print(format_views(both))
    print("\n" + "=" * 100 + "\n" + options_mod.text(appraisal))
    seconds = sum(r.wall_seconds for r in both.values())
    print(f"\nwrote {out}/ (the options appraisal of both views: options.html, options.docx, "
          f"options.xlsx, options_appraisal.csv; base case: comparison.csv, options.csv, "
          f"comparison.png, sources.png, run.json; authority-wide/: the same for the "
          f"authority-wide scenario) in {seconds:.1f} s of simulation", file=sys.stderr)
    return 0


def _record(args, result, view: str) -> dict:
    from simulation.results.views import LABELS, WORDS
    from simulation.sensitivity import analysis_files

    meta = result.results[0].meta
    return {"analysis": "compare", "view": LABELS[view], "view_meaning": WORDS[view],
            "seed": args.seed, "reps": result.reps,
            "engine": args.engine, "workers": result.results[0].simulated.workers,
            "band": args.band, "conf": result.conf,
            "parameters_from": {k: v for k, v in meta.items() if k != "posterior_note"},
            "wall_seconds": round(result.wall_seconds, 3),
            "options": [{"label": label, **analysis_files.scenario_record(sc)}
                        for label, sc in zip(result.labels, result.scenarios)]}

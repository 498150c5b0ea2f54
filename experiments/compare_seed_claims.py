"""One page: what each seed business case claimed, against the simulated range.

Runs every business case in simulation/report/claims.py (its scenario, same seed) and writes
seed_claims.md, seed_claims.html, seed_claims.csv and run.json to
results/experiments/seed_claims/ (or --out):

    python experiments/compare_seed_claims.py [--reps 1000] [--seed 20240101] [--workers N]
    PAUSESIM_REPS=20 python experiments/compare_seed_claims.py   # quick check
"""

from __future__ import annotations

import sys
from pathlib import Path

from simulation.core import output
from simulation import runner
from simulation.cli.common import check_run_options, runner_options
from simulation.cli.run import parameter_note
from simulation.core.errors import PausesimError
from simulation.report import comparison
from simulation.report.business_case import default_reps, parser
from simulation.report.claims import BUSINESS_CASES


def main(argv: list[str]) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    try:
        if "--reps" not in argv:
            args.reps = default_reps()
        check_run_options(args)
        out = args.out or Path("results") / "experiments" / "seed_claims"
        frames, scenarios, notes = [], {}, set()
        with runner_options(args) as options:
            for case in BUSINESS_CASES:
                scenario = case.scenario()
                result = runner.run(scenario, args.reps, args.seed, progress=args.progress,
                                    **options)
                frames.append(comparison.compare(case, result, args.band))
                notes.add(parameter_note(result))
                scenarios[case.id] = (f"{scenario.name} ({scenario.origin}, digest "
                                      f"{scenario.digest()})")
        frame = comparison.pd.concat(frames, ignore_index=True)
        meta = output.provenance(seed=args.seed, reps=args.reps, band=args.band, note="; ".join(sorted(notes)),
                                 engine=args.engine, scenarios=scenarios)
        meta["version"] = meta["pausesim_version"]
        with output.atomic_folder(out, force=True) as folder:
            frame.to_csv(folder / "seed_claims.csv", index=False)
            (folder / "seed_claims.md").write_text(
                comparison.page_markdown(frame, BUSINESS_CASES, meta), encoding="utf-8")
            (folder / "seed_claims.html").write_text(
                comparison.page_html(frame, BUSINESS_CASES, meta), encoding="utf-8")
            output.write_json(folder / "run.json", meta)
    except PausesimError as exc:
        print(f"compare_seed_claims: error: {exc}", file=sys.stderr)
        return 2
    print(comparison.overall(frame))
    print(f"wrote {out}/seed_claims.md, .html, .csv", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

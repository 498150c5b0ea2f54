"""One page: what each seed business case claimed, against the simulated range.

Runs every business case in simulation/report/claims.py (its scenario, in the document's price
year, with parameter uncertainty, same seed) in both views - the base case (the practice's own
women) and the authority-wide scenario - and writes seed_claims.md, seed_claims.html,
seed_claims.csv, parameters.csv and run.json to results/experiments/compare_seed_claims/ (or
--out); --install also copies seed_claims.md to docs/seed_claims.md:

    python experiments/compare_seed_claims.py --install          # 1000 replications per case
    python -m experiments.compare_seed_claims --small             # quick check (PAUSESIM_REPS=N)
"""

from __future__ import annotations

if __package__ in (None, ""):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import common  # noqa: E402

FULL, SMALL = {"reps": 1000, "draws": 100}, {"reps": 20, "draws": 10}


def _install(p) -> None:
    p.add_argument("--install", action="store_true",
                   help="also write the page to docs/seed_claims.md")


def run(argv=None) -> None:
    from simulation.core import output
    from simulation.report import claims_check
    from simulation.report.claims import BUSINESS_CASES
    from simulation.results import study

    args = common.parse("compare_seed_claims", __doc__.splitlines()[0], FULL, SMALL,
                        extra=_install, argv=argv)
    frame, notes, scenarios = claims_check.compare_cases(
        BUSINESS_CASES, args.reps, args.seed, args.draws, engine=args.engine,
        workers=args.workers, progress=False)
    meta = output.provenance(experiment=args.name, seed=args.seed, reps=args.reps,
                             draws=args.draws, band=0.9, notes=notes,
                             engine=args.engine, scenarios=scenarios)
    meta["version"] = meta["pausesim_version"]
    page = claims_check.page_markdown(frame, BUSINESS_CASES, meta)
    with output.atomic_folder(args.out, force=True) as folder:
        frame.to_csv(folder / "seed_claims.csv", index=False)
        (folder / "seed_claims.md").write_text(page, encoding="utf-8")
        (folder / "seed_claims.html").write_text(
            claims_check.page_html(frame, BUSINESS_CASES, meta), encoding="utf-8")
        common.write_record(folder, study.load("national"), args, reps=args.reps,
                            cases=[c.id for c in BUSINESS_CASES])
    if args.install:
        output.write_atomic(common.ROOT / "docs" / "seed_claims.md", page)
    print(claims_check.overall(frame))


if __name__ == "__main__":
    common.main(run)
